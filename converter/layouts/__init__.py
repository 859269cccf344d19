"""The table reader: `generic` turns any rendering's located table sections into RawRows.

    NAME: str
    read_tables(doc: Document) -> list[TableBlock]

What differs between renderings is data, not modules: positions when the rendering has them (PDF words, `-layout`
text columns, tab fields), the table's own cells and header rows when its reader gives them (`grid`: HTML, XLSX, XLS,
ODS, DOCX), else the spec's columns and the table's identities (`placement`). What the reader's parts share (EXTRACT
findings, block and row construction, cell tests) is in `converter.layouts.common`.
"""

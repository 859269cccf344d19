"""The standard tables as data: titles, families, columns and canonical rows.

A new region's layout is mostly a new alias here (a title, a row label), not new code.
"""

from converter.specs.tables import (
    FUNCTION_CATEGORIES,
    TABLES,
    TableSpec,
    function_category_key,
    item_key_for,
)

__all__ = ["FUNCTION_CATEGORIES", "TABLES", "TableSpec", "function_category_key", "item_key_for"]

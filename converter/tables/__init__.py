"""Table builders: located, tokenised tables (TableBlock) → records keyed by schema field names."""

from converter.tables.build import build_table

__all__ = ["build_table"]

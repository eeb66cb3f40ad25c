"""CSV that spreadsheet programs open safely: a byte-order mark, and no cell read as a formula."""

from __future__ import annotations

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(text: str) -> str:
    """Prefix a quote to text Excel would read as a formula (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text

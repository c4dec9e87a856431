"""CSV the app writes, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets, so model text such as
``=HYPERLINK("https://…","click")`` would become a live link (CSV injection). Following the
OWASP guidance, such text cells get a leading single quote, which spreadsheets show as text;
numbers stay numbers. Every CSV download goes through :func:`to_csv_text`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv_text(rows: Sequence[Mapping[str, object]]) -> str:
    """Rows (same keys each) as CSV with a header row, every text cell neutralised."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=[str(k) for k in rows[0]])
        writer.writerow({name: neutralise(name) for name in writer.fieldnames})
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()

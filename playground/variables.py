"""Prompt variables: ``{{name}}`` placeholders in prompts and system instructions, filled
from typed values or from the rows of a test-case table (CSV in and out).

A placeholder with no value is a clear message before anything is sent — never sent
literally. Names are letters, digits, ``_`` and ``-``, starting with a letter or ``_``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from playground.csvsafe import neutralise
from playground.errors import BadInput

VARIABLE_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*\}\}")
MAX_CASES = 200
MAX_CSV_BYTES = 2 * 1024 * 1024


def names_in(*texts: str) -> list[str]:
    """The variables used in ``texts``, in order of first use, each once."""
    seen: list[str] = []
    for text in texts:
        for name in VARIABLE_RE.findall(text or ""):
            if name not in seen:
                seen.append(name)
    return seen


def missing(names: Iterable[str], values: Mapping[str, str]) -> list[str]:
    """The names with no value (an empty value counts as none)."""
    return [n for n in names if not str(values.get(n) or "").strip()]


def require(names: Iterable[str], values: Mapping[str, str], where: str = "") -> None:
    """BadInput naming every variable without a value."""
    gaps = missing(names, values)
    if not gaps:
        return
    listed = ", ".join(f"{{{{{n}}}}}" for n in gaps)
    plural = "s have" if len(gaps) > 1 else " has"
    raise BadInput(
        f"The variable{plural} no value{where}: {listed}.",
        "Type a value for each variable under Variables (or fill the test case), then Run. "
        "Nothing was sent.",
        kind="missing_variable",
    )


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with every placeholder that has a value replaced by it."""

    def value(match: re.Match[str]) -> str:
        found = values.get(match.group(1))
        return str(found) if found not in (None, "") else match.group(0)

    return VARIABLE_RE.sub(value, text or "")


def parse_cases_csv(data: bytes, names: list[str]) -> list[dict[str, str]]:
    """Test cases from a CSV with a header row; columns matching ``names`` are kept."""
    if len(data) > MAX_CSV_BYTES:
        raise BadInput(
            f"The CSV is {len(data) / 2**20:.1f} MB; test cases are limited to "
            f"{MAX_CSV_BYTES // 2**20} MB.",
            "Split it into smaller files.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(
            "The CSV is not UTF-8 text.", "Save it as UTF-8 CSV and upload it again."
        ) from None
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in reader.fieldnames or []]
        rows = [
            {k.strip(): (v or "") for k, v in row.items() if isinstance(k, str)} for row in reader
        ]
    except csv.Error as exc:
        raise BadInput(f"The CSV could not be read: {exc}.", "Check its quoting.") from None
    if not set(header) & set(names):
        raise BadInput(
            f"The CSV's columns ({', '.join(header) or 'none'}) match no variable "
            f"({', '.join(names) or 'none in the prompt'}).",
            "Use a header row with the variable names, e.g. " + ",".join(names or ["city"]) + ".",
        )
    if len(rows) > MAX_CASES:
        raise BadInput(
            f"The CSV has {len(rows):,} rows; at most {MAX_CASES} test cases are run.",
            "Keep the cases you need most.",
        )
    return [{n: row.get(n, "") for n in names} for row in rows]


def cases_to_csv(rows: list[Mapping[str, str]], names: list[str], extra: Sequence[str] = ()) -> str:
    """Test cases (and result columns in ``extra``) as CSV, cells neutralised for
    spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [*names, *extra]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(str(row.get(c, ""))) for c in columns])
    return out.getvalue()

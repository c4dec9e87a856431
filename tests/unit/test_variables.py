"""Prompt variables: found in order, filled, a missing one is a clear message, test cases
from and to CSV (cells neutralised)."""

from __future__ import annotations

import pytest

from playground.errors import BadInput
from playground.variables import cases_to_csv, fill, missing, names_in, parse_cases_csv, require


def test_names_are_found_once_in_order_across_prompt_and_system() -> None:
    assert names_in("Tell {{ city }} about {{topic}} and {{city}}", "You are {{persona}}") == [
        "city",
        "topic",
        "persona",
    ]
    assert names_in("no {braces} or {{ 1bad }} here") == []


def test_fill_puts_values_in_and_leaves_the_unfilled_visible() -> None:
    assert fill("Hi {{name}}, {{ name }}! {{other}}", {"name": "Ada"}) == "Hi Ada, Ada! {{other}}"


def test_a_missing_variable_is_named_before_anything_is_sent() -> None:
    assert missing(["a", "b", "c"], {"a": "x", "b": "  "}) == ["b", "c"]
    with pytest.raises(BadInput) as caught:
        require(["city", "topic"], {"city": "Lisbon"})
    assert caught.value.message == "The variable has no value: {{topic}}."
    assert "Nothing was sent" in caught.value.remedy
    require(["city"], {"city": "Lisbon"})  # all filled: no error


def test_cases_round_trip_through_csv_with_formulas_neutralised() -> None:
    rows = parse_cases_csv(
        b"\xef\xbb\xbfcity,topic,unused\nLisbon,trams,x\n=1+1,rain,y\n", ["city", "topic"]
    )

    assert rows == [{"city": "Lisbon", "topic": "trams"}, {"city": "=1+1", "topic": "rain"}]
    text = cases_to_csv([{**r, "reply": "ok"} for r in rows], ["city", "topic"], ["reply"])
    assert text.splitlines() == ["city,topic,reply", "Lisbon,trams,ok", "'=1+1,rain,ok"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"town\nLisbon\n", "match no variable"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"city\n" + b"x\n" * 201, "at most 200 test cases"),
    ],
)
def test_a_bad_csv_is_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_cases_csv(data, ["city"])
    assert message in caught.value.message

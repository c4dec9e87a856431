"""The arithmetic of simulated code execution: parsed, whitelisted, never executed."""

from __future__ import annotations

import ast

import pytest

from gemini_offline.code_execution import NotSimple, evaluate, find_calculations, parse_arithmetic


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "len([1, 2]) + 1",
        "x + 1",
        "(1).real + 2",
        "[1] * 3",
        "1 if 2 else 3",
        "'a' * 3",
        "True + 1",
        "7",
    ],
)
def test_anything_but_numbers_and_operators_is_not_simple(text: str) -> None:
    with pytest.raises(NotSimple):
        evaluate(parse_arithmetic(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [("2 ^ 3", 8), ("6 × 7", 42), ("9 ÷ 2", 4.5), ("12 x 3", 36), ("-(2 + 3) ** 2", -25)],
)
def test_usual_spellings_of_operators(text: str, value: float) -> None:
    assert evaluate(parse_arithmetic(text)) == value


def test_evaluate_refuses_nodes_outside_the_whitelist_even_if_built_by_hand() -> None:
    call = ast.Expression(ast.Call(ast.Name("print", ast.Load()), [], []))

    with pytest.raises(NotSimple):
        evaluate(call)


def test_huge_numbers_are_not_simple() -> None:
    with pytest.raises(NotSimple):
        evaluate(parse_arithmetic("10 ** 5000"))
    with pytest.raises(NotSimple):
        evaluate(parse_arithmetic("9 ** 1000 * 9 ** 1000 * 9 ** 1000 * 9 ** 1000"))


def test_calculations_in_words_and_lists_are_found_in_order() -> None:
    runs = find_calculations("What is 7 times 6, the sum of 1, 2 and 3, and 10 minus 4?")

    assert [r.output for r in runs] == ["42\n", "6\n", "6\n"]
    assert [r.outcome for r in runs] == ["OUTCOME_OK"] * 3


def test_zero_division_and_overflow_fail_like_python() -> None:
    zero, overflow = find_calculations("1 % 0 and 10.0 ** 400")

    assert zero.output.endswith("ZeroDivisionError: integer modulo by zero\n")
    assert overflow.outcome == "OUTCOME_FAILED" and "OverflowError" in overflow.output

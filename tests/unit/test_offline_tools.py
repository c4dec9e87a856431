"""Tool planning without HTTP: arguments from prompts, modes, and the request checks."""

from __future__ import annotations

import pytest

from gemini_offline.errors import ApiError, Violations
from gemini_offline.tools import FunctionDecl, ToolSet, _capitalised, arguments_for, parse_tools

FLIGHTS = FunctionDecl(
    "book_flight",
    "Book a flight between two airports",
    {
        "type": "object",
        "properties": {
            "passengers": {"type": "integer"},
            "cabin": {"type": "string", "enum": ["economy", "business"], "default": "economy"},
            "names": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string"},
        },
        "required": ["passengers", "note"],
    },
)


def test_names_stop_at_punctuation_and_skip_verbs_and_the_functions_words() -> None:
    prompt = "Compare the Weather in Paris, New York and São Paulo. Book Zürich too"

    assert _capitalised(prompt, {"weather"}) == ["Paris", "New York", "São Paulo", "Zürich"]


def test_arguments_take_numbers_enums_lists_and_fill_what_is_required() -> None:
    (args,) = arguments_for(FLIGHTS, 'Book 2 seats in business for "Ada" and "Alan"', several=True)

    assert args["passengers"] == 2 and args["cabin"] == "business"
    assert args["names"] == ["Ada", "Alan"]
    assert isinstance(args["note"], str) and args["note"]


def test_an_unmentioned_enum_takes_its_default_and_optional_unknowns_are_left_out() -> None:
    (args,) = arguments_for(FLIGHTS, "Book a flight for 1 person", several=True)

    assert args["cabin"] == "economy" and "names" not in args


def tools(body: dict) -> ToolSet:
    v = Violations()
    found = parse_tools(body, v)
    v.raise_if_any()
    return found


def test_mode_none_leaves_nothing_to_call_and_allowed_names_narrow_it() -> None:
    decls = [{"functionDeclarations": [{"name": "a"}, {"name": "b"}]}]
    none = tools({"tools": decls, "toolConfig": {"functionCallingConfig": {"mode": "NONE"}}})
    only_b = tools(
        {
            "tools": decls,
            "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["b"]}},
        }
    )

    assert none.callable_functions == () and not none.active
    assert [f.name for f in only_b.callable_functions] == ["b"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"tools": [{"functionDeclarations": [{"name": "9lives"}]}]}, "Invalid function name"),
        (
            {"tools": [{"functionDeclarations": [{"name": "a"}, {"name": "a"}]}]},
            "Duplicate function declaration: a",
        ),
        (
            {
                "tools": [{"googleSearch": {}}],
                "toolConfig": {"functionCallingConfig": {"mode": "ANY"}},
            },
            "requires function declarations",
        ),
    ],
)
def test_bad_tool_declarations_are_400s(body: dict, words: str) -> None:
    with pytest.raises(ApiError) as caught:
        tools(body)

    assert caught.value.code == 400 and words in caught.value.message

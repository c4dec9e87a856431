"""camelCase normalisation of request bodies."""

from __future__ import annotations

from gemini_offline.keys import camel, normalize


def test_camel() -> None:
    assert camel("thinking_budget") == "thinkingBudget"
    assert camel("mimeType") == "mimeType"
    assert camel("$defs") == "$defs"


def test_nested_keys_are_camelised_but_user_names_are_not() -> None:
    body = {
        "contents": [{"parts": [{"inline_data": {"mime_type": "image/png", "data": "x"}}]}],
        "generation_config": {
            "thinking_config": {"include_thoughts": True},
            "response_schema": {
                "type": "OBJECT",
                "properties": {"first_name": {"type": "STRING", "min_length": 2}},
                "property_ordering": ["first_name"],
                "required": ["first_name"],
                "any_of": [{"enum": ["a_b"]}],
            },
        },
        "tools": [{"function_declarations": [{"name": "f"}]}],
    }

    out = normalize(body)

    assert out["contents"][0]["parts"][0]["inlineData"] == {"mimeType": "image/png", "data": "x"}
    config = out["generationConfig"]
    assert config["thinkingConfig"] == {"includeThoughts": True}
    schema = config["responseSchema"]
    assert schema["properties"] == {"first_name": {"type": "STRING", "minLength": 2}}
    assert schema["propertyOrdering"] == ["first_name"] and schema["required"] == ["first_name"]
    assert schema["anyOf"] == [{"enum": ["a_b"]}]
    assert out["tools"] == [{"functionDeclarations": [{"name": "f"}]}]
    assert "generation_config" in body  # the input is untouched


def test_function_call_args_are_kept_verbatim() -> None:
    part = {"function_call": {"name": "f", "args": {"user_id": 1}}}

    assert normalize(part) == {"functionCall": {"name": "f", "args": {"user_id": 1}}}

"""GenerationSettings: bounds, defaults and the SDK config they produce."""

import pytest
from google.genai import types
from pydantic import ValidationError

from playground.settings import (
    GenerationSettings,
    field_ui,
    parse_json_schema,
    parse_stop_sequences,
)


def wire(config: types.GenerateContentConfig) -> dict:
    return config.model_dump(mode="json", exclude_none=True)


def test_defaults_send_only_the_output_limit():
    assert wire(GenerationSettings().to_config()) == {"max_output_tokens": 8192}


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("temperature", -0.1),
        ("temperature", 2.01),
        ("top_p", 1.5),
        ("top_k", 0),
        ("max_output_tokens", 0),
        ("candidate_count", 9),
        ("presence_penalty", 2.0),
        ("frequency_penalty", -2.5),
        ("seed", -1),
        ("thinking_budget", -2),
    ],
)
def test_out_of_bounds_values_are_refused(field, bad):
    with pytest.raises(ValidationError) as info:
        GenerationSettings(**{field: bad})
    assert info.value.errors()[0]["loc"] == (field,)


def test_bounds_are_inclusive_where_the_api_says_so():
    s = GenerationSettings(temperature=2.0, top_p=0.0, candidate_count=8, presence_penalty=-2.0)
    assert (s.temperature, s.top_p, s.candidate_count) == (2.0, 0.0, 8)


def test_every_knob_reaches_the_config():
    s = GenerationSettings(
        model="gemini-2.5-pro",
        system_instruction="You are a cat. Your name is Neko.",
        temperature=0.1,
        top_p=0.5,
        top_k=20,
        max_output_tokens=500,
        stop_sequences=["END", "STOP"],
        candidate_count=2,
        seed=42,
        presence_penalty=0.5,
        frequency_penalty=-0.5,
        response_format="json",
        response_schema={"type": "object", "properties": {"a": {"type": "string"}}},
        thinking_budget=1024,
        include_thoughts=True,
        safety={"HARM_CATEGORY_HARASSMENT": "BLOCK_ONLY_HIGH"},
    )
    assert wire(s.to_config()) == {
        "system_instruction": "You are a cat. Your name is Neko.",
        "temperature": 0.1,
        "top_p": 0.5,
        "top_k": 20.0,
        "max_output_tokens": 500,
        "stop_sequences": ["END", "STOP"],
        "candidate_count": 2,
        "seed": 42,
        "presence_penalty": 0.5,
        "frequency_penalty": -0.5,
        "response_mime_type": "application/json",
        "response_json_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
        "thinking_config": {"include_thoughts": True, "thinking_budget": 1024},
        "safety_settings": [
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
        ],
    }


def test_thinking_level_and_budget_are_exclusive():
    with pytest.raises(ValidationError, match="either a thinking budget or a thinking level"):
        GenerationSettings(thinking_budget=100, thinking_level="LOW")


def test_schema_needs_json_format():
    with pytest.raises(ValidationError, match="JSON response format"):
        GenerationSettings(response_schema={"type": "object"})


def test_more_than_five_stop_sequences_are_refused():
    with pytest.raises(ValidationError):
        GenerationSettings(stop_sequences=list("abcdef"))
    with pytest.raises(ValueError, match="At most 5 stop sequences"):
        parse_stop_sequences("a\nb\nc\nd\ne\nf")
    assert parse_stop_sequences("END\n\n  \nSTOP\n") == ["END", "STOP"]


def test_for_model_drops_knobs_the_model_lacks():
    s = GenerationSettings(thinking_budget=512, include_thoughts=True, max_output_tokens=60000)
    level_model = s.for_model("level", 32768)
    assert level_model.thinking_budget is None and level_model.include_thoughts
    assert level_model.max_output_tokens == 32768
    plain = s.for_model(None, None)
    assert plain.thinking_budget is None and not plain.include_thoughts


def test_field_ui_reads_bounds_from_the_model():
    ui = field_ui("temperature")
    assert (ui["min_value"], ui["max_value"], ui["default"], ui["label"]) == (
        0.0,
        2.0,
        1.0,
        "Temperature",
    )
    assert field_ui("presence_penalty")["max_value"] == 1.9  # the API's bound is exclusive
    assert "Randomness" in ui["help"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ("[1, 2]", "must be a JSON object"),
        ('{"properties": {}}', 'needs a "type"'),
    ],
)
def test_bad_schemas_get_a_clear_reason(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_json_schema(text)


def test_blank_schema_means_none():
    assert parse_json_schema("  \n") is None
    assert parse_json_schema('{"type": "string"}') == {"type": "string"}

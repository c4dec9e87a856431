"""Reply shapes as recorded, in a planned reply; the known request fields."""

from __future__ import annotations

from gemini_offline.models import find_model
from gemini_offline.request import parse_generate_request
from gemini_offline.responses import plan_reply
from gemini_offline.wire_fields import request_spec, unknown_fields


def plan(prompt: str = "Explain tides", model: str = "gemini-2.5-flash", **config):
    spec = find_model(model)
    assert spec is not None
    body = {"contents": [{"role": "user", "parts": [{"text": prompt}]}], "generationConfig": config}
    counter = iter(range(1, 100))
    return plan_reply(parse_generate_request(body, spec), lambda: next(counter))


def test_safety_sends_an_empty_content_object_and_recitation_none() -> None:
    safety = plan("Explain tides [[finish:SAFETY]]").body()["candidates"][0]
    recitation = plan("Explain tides [[finish:RECITATION]]").body()["candidates"][0]

    assert safety["content"] == {} and safety["finishReason"] == "SAFETY"
    assert "content" not in recitation and "citationMetadata" not in recitation


def test_thinking_counts_against_the_cap() -> None:
    thoughts = plan(temperature=0).candidates[0].thought_tokens
    spent = plan(maxOutputTokens=thoughts - 1).body()
    shared = plan(maxOutputTokens=thoughts + 3, temperature=0).candidates[0]

    assert spent["candidates"][0] == {
        "content": {"role": "model"},
        "finishReason": "MAX_TOKENS",
        "index": 0,
    }
    assert spent["usageMetadata"]["thoughtsTokenCount"] == thoughts - 1
    assert "candidatesTokenCount" not in spent["usageMetadata"]
    assert (shared.thought_tokens, shared.text_tokens(), shared.finish) == (
        thoughts,
        3,
        "MAX_TOKENS",
    )


def test_known_names_come_from_the_sdk_types() -> None:
    spec = request_spec()

    assert set(spec["generationConfig"]["thinkingConfig"]) == {
        "includeThoughts",
        "thinkingBudget",
        "thinkingLevel",
    }
    assert {"aspectRatio", "imageSize"} <= set(spec["generationConfig"]["imageConfig"])
    assert "httpOptions" not in spec["generationConfig"]  # the SDK never sends it
    assert unknown_fields({"generationConfig": {"httpOptions": {}}}) == [
        ("generation_config", "httpOptions")
    ]
    assert unknown_fields({"generation_config": {"thinking_config": {"thinking_budget": 1}}}) == []

"""400/403 errors: every rejected request names what is wrong, in Google's envelope."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import errors, types

from gemini_offline import OfflineServer

from .helpers import raw_call

MODEL = "gemini-2.5-flash"
GENERATE = f"/v1/models/{MODEL}:generateContent"
HELLO = [{"role": "user", "parts": [{"text": "hello"}]}]


def rejected(client: genai.Client, model: str = MODEL, **config) -> errors.ClientError:
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(
            model=model, contents="Explain tides", config=types.GenerateContentConfig(**config)
        )
    assert caught.value.code == 400 and caught.value.status == "INVALID_ARGUMENT"
    return caught.value


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"temperature": 3},
            "* GenerateContentRequest.generation_config.temperature: "
            "must be in the range [0.0, 2.0]",
        ),
        ({"top_p": 1.5}, "generation_config.top_p: must be in the range [0.0, 1.0]"),
        ({"top_k": 0}, "generation_config.top_k"),
        ({"candidate_count": 9}, "generation_config.candidate_count: must be in the range [1, 8]"),
        ({"max_output_tokens": 0}, "generation_config.max_output_tokens"),
        ({"stop_sequences": list("abcdef")}, "generation_config.stop_sequences: at most 5"),
        ({"presence_penalty": 2.0}, "generation_config.presence_penalty"),
        ({"frequency_penalty": -2.5}, "generation_config.frequency_penalty"),
        ({"response_mime_type": "text/html"}, "generation_config.response_mime_type"),
        (
            {"response_json_schema": {"type": "object"}},
            "generation_config.response_json_schema: a response schema requires "
            "response_mime_type application/json",
        ),
    ],
)
def test_out_of_range_config_names_the_field(
    client: genai.Client, config: dict, expected: str
) -> None:
    error = rejected(client, **config)

    assert expected in error.message
    violations = error.details["error"]["details"][0]["fieldViolations"]
    assert violations[0]["field"].startswith("generation_config.")


def test_thinking_budget_and_level_together_are_rejected(client: genai.Client) -> None:
    error = rejected(
        client,
        model="gemini-3-flash-preview",
        thinking_config=types.ThinkingConfig(thinking_budget=128, thinking_level="LOW"),
    )

    assert "generation_config.thinking_config" in error.message
    assert "cannot both be set" in error.message


def test_thinking_level_on_a_2_5_model_says_to_use_the_budget(client: genai.Client) -> None:
    error = rejected(client, thinking_config=types.ThinkingConfig(thinking_level="LOW"))

    assert "thinking_level" in error.message and "use thinking_budget" in error.message


def test_thinking_budget_on_a_gemini_3_model_says_to_use_the_level(client: genai.Client) -> None:
    error = rejected(
        client,
        model="gemini-3-pro-preview",
        thinking_config=types.ThinkingConfig(thinking_budget=512),
    )

    assert "thinking_budget" in error.message and "use thinking_level" in error.message


def test_image_modality_on_a_text_model_is_rejected(client: genai.Client) -> None:
    error = rejected(client, response_modalities=["TEXT", "IMAGE"])

    assert error.message == (
        "models/gemini-2.5-flash does not support the requested response modalities: image"
    )


def test_image_modality_on_an_image_model_is_accepted(client: genai.Client) -> None:
    reply = client.models.generate_content(
        model="gemini-3.1-flash-image",
        contents="A lighthouse at dawn",
        config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"]),
    )

    assert reply.text


def test_empty_contents_is_rejected(srv: OfflineServer) -> None:
    status, body = raw_call(srv, GENERATE, {"contents": []})

    assert status == 400
    assert body["error"]["message"] == (
        "* GenerateContentRequest.contents: contents is not specified"
    )


def test_content_without_parts_is_rejected(srv: OfflineServer) -> None:
    status, body = raw_call(srv, GENERATE, {"contents": [{"role": "user", "parts": []}]})

    assert status == 400 and "contents[0].parts" in body["error"]["message"]


def test_undecodable_base64_is_rejected(srv: OfflineServer) -> None:
    part = {"inlineData": {"mimeType": "image/png", "data": "not base64!!"}}
    status, body = raw_call(srv, GENERATE, {"contents": [{"role": "user", "parts": [part]}]})

    assert status == 400
    assert "contents[0].parts[0].inline_data.data" in body["error"]["message"]


def test_bytes_that_are_not_an_image_are_rejected(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(
            model=MODEL,
            contents=["What is this?", types.Part.from_bytes(data=b"nope", mime_type="image/png")],
        )

    assert caught.value.code == 400 and "Unable to process input image" in caught.value.message


def test_unknown_safety_category_is_rejected(srv: OfflineServer) -> None:
    body = {
        "contents": HELLO,
        "safetySettings": [{"category": "HARM_CATEGORY_GOSSIP", "threshold": "BLOCK_NONE"}],
    }

    status, reply = raw_call(srv, GENERATE, body)

    assert status == 400 and "safety_settings[0].category" in reply["error"]["message"]


def test_known_safety_settings_are_accepted(client: genai.Client) -> None:
    setting = types.SafetySetting(
        category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
        threshold=types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
    )

    reply = client.models.generate_content(
        model=MODEL, contents="hi", config=types.GenerateContentConfig(safety_settings=[setting])
    )

    assert reply.text


def test_missing_api_key_is_403(srv: OfflineServer) -> None:
    status, body = raw_call(srv, GENERATE, {"contents": HELLO}, key=None)

    assert status == 403
    assert body["error"]["status"] == "PERMISSION_DENIED"
    assert body["error"]["message"].startswith("Method doesn't allow unregistered callers")


def test_key_query_parameter_is_accepted_and_not_recorded(srv: OfflineServer) -> None:
    status, _ = raw_call(srv, GENERATE + "?key=query-key", {"contents": HELLO}, key=None)

    assert status == 200
    recorded = srv.last()
    assert recorded.query == {} and recorded.key_hint is not None


def test_invalid_key_gets_the_real_api_key_invalid_body(srv: OfflineServer) -> None:
    bad = genai.Client(api_key="invalid-key", http_options=types.HttpOptions(base_url=srv.url))

    with pytest.raises(errors.ClientError) as caught:
        bad.models.generate_content(model=MODEL, contents="hi")

    assert caught.value.code == 400 and caught.value.status == "INVALID_ARGUMENT"
    assert caught.value.message == "API key not valid. Please pass a valid API key."
    assert caught.value.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"


def test_unknown_route_is_a_404_envelope(srv: OfflineServer) -> None:
    status, body = raw_call(srv, "/v1/tunedModels/x", method="GET")

    assert status == 404 and body["error"]["status"] == "NOT_FOUND"

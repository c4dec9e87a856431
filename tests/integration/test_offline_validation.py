"""400/403 errors: every rejected request names what is wrong, in Google's envelope."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import errors, types
from pydantic import BaseModel

from gemini_offline import OfflineServer
from tests.conftest import wire_json

from .helpers import raw_call

MODEL = "gemini-2.5-flash"
LOGPROBS_MODEL = "gemini-2.0-flash"
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


def test_thinking_budget_and_level_together_get_the_real_body(client: genai.Client) -> None:
    error = rejected(
        client,
        model="gemini-3-flash-preview",
        thinking_config=types.ThinkingConfig(thinking_budget=128, thinking_level="LOW"),
    )

    assert error.details == wire_json("error_400_invalid_argument_thinking_budget_and_level.json")


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


# -- the real API's words for what a model or a mix of settings refuses -------------------


def with_extra_body(srv: OfflineServer, extra: dict) -> genai.Client:
    """The SDK adding ``extra`` to every request body (HttpOptions.extra_body)."""
    options = types.HttpOptions(base_url=srv.url, extra_body=extra)
    return genai.Client(api_key="test-key", http_options=options)


def test_unknown_generation_config_field_gets_the_real_body(srv: OfflineServer) -> None:
    # The recorded mistake: includeThoughts one level too high, beside thinkingConfig.
    sdk = with_extra_body(srv, {"generationConfig": {"includeThoughts": True}})

    with pytest.raises(errors.ClientError) as caught:
        sdk.models.generate_content(model=MODEL, contents="Explain tides")

    expected = wire_json("error_400_invalid_argument_unknown_field_includeThoughts.json")
    assert caught.value.details == expected
    assert caught.value.message == expected["error"]["message"]
    assert srv.last().body["generationConfig"]["includeThoughts"] is True  # sent as recorded


@pytest.mark.parametrize(
    ("body", "name", "where"),
    [
        (
            {"contents": [{"role": "user", "parts": [{"text": "hi", "colour": "red"}]}]},
            "colour",
            "contents[0].parts[0]",
        ),
        (
            {"contents": HELLO, "generationConfig": {"thinking_config": {"budget": 5}}},
            "budget",
            "generation_config.thinking_config",
        ),
        (
            {"contents": HELLO, "generationConfig": {"imageConfig": {"ratio": "1:1"}}},
            "ratio",
            "generation_config.image_config",
        ),
        (
            {"contents": HELLO, "tools": [{"functionDeclarations": [{"name": "f", "x": 1}]}]},
            "x",
            "tools[0].function_declarations[0]",
        ),
        (
            {"contents": HELLO, "systemInstruction": {"parts": [{"txt": "Be terse"}]}},
            "txt",
            "system_instruction.parts[0]",
        ),
        (
            {"contents": HELLO, "safetySettings": [{"category": "x", "level": "y"}]},
            "level",
            "safety_settings[0]",
        ),
    ],
)
def test_unknown_nested_field_is_named_with_its_path(
    srv: OfflineServer, body: dict, name: str, where: str
) -> None:
    status, reply = raw_call(srv, GENERATE, body)

    line = f"Invalid JSON payload received. Unknown name \"{name}\" at '{where}': " + (
        "Cannot find field."
    )
    assert status == 400
    assert reply == {
        "error": {
            "code": 400,
            "message": line,
            "status": "INVALID_ARGUMENT",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": where, "description": line}],
                }
            ],
        }
    }


def test_unknown_top_level_field_and_several_names_are_all_listed(srv: OfflineServer) -> None:
    body = {"contents": HELLO, "prompt": "hi", "generationConfig": {"temp": 1, "topK": 3}}

    status, reply = raw_call(srv, GENERATE, body)

    assert status == 400
    lines = reply["error"]["message"].split("\n")
    assert lines == [
        'Invalid JSON payload received. Unknown name "prompt": Cannot find field.',
        "Invalid JSON payload received. Unknown name \"temp\" at 'generation_config': "
        "Cannot find field.",
    ]
    violations = reply["error"]["details"][0]["fieldViolations"]
    assert violations == [
        {"description": lines[0]},
        {"field": "generation_config", "description": lines[1]},
    ]


def test_values_that_are_user_data_are_not_checked_for_names(srv: OfflineServer) -> None:
    schema = {"type": "object", "properties": {"colour": {"type": "string"}}}
    call = {"functionCall": {"name": "paint", "args": {"colour": "red", "anything": 1}}}
    body = {
        "contents": [HELLO[0], {"role": "model", "parts": [call]}, HELLO[0]],
        "labels": {"team": "docs"},
        "generationConfig": {"responseMimeType": "application/json", "responseJsonSchema": schema},
    }

    status, _ = raw_call(srv, GENERATE, body)

    assert status == 200


class Reply(BaseModel):
    title: str
    tags: list[str]


def every_setting_the_sdk_sends() -> list[dict]:
    """Configs covering every field the app and the codegen snippets send (and a few more)."""
    declaration = types.FunctionDeclaration(
        name="get_weather",
        description="Weather for a city",
        parameters_json_schema={"type": "object", "properties": {"city": {"type": "string"}}},
    )
    return [
        {
            "system_instruction": "Be terse.",
            "temperature": 0.7,
            "top_p": 0.9,
            "top_k": 40,
            "max_output_tokens": 512,
            "stop_sequences": ["END"],
            "candidate_count": 2,
            "seed": 42,
            "media_resolution": "MEDIA_RESOLUTION_LOW",
            "labels": {"team": "docs"},
            "thinking_config": types.ThinkingConfig(thinking_budget=1024, include_thoughts=True),
            "safety_settings": [
                types.SafetySetting(category="HARM_CATEGORY_HARASSMENT", threshold="BLOCK_NONE")
            ],
        },
        # Log probabilities are served by the 2.0 models only (LOGPROBS_MODEL).
        {"response_logprobs": True, "logprobs": 3, "candidate_count": 2, "seed": 42},
        {"response_mime_type": "application/json", "response_schema": Reply},
        {
            "response_mime_type": "application/json",
            "response_json_schema": Reply.model_json_schema(),
        },
        {"response_mime_type": "text/x.enum", "response_schema": {"type": "STRING", "enum": ["a"]}},
        {
            "tools": [
                types.Tool(google_search=types.GoogleSearch()),
                types.Tool(code_execution=types.ToolCodeExecution()),
                types.Tool(url_context=types.UrlContext()),
                types.Tool(function_declarations=[declaration]),
            ],
            "tool_config": types.ToolConfig(
                function_calling_config=types.FunctionCallingConfig(
                    mode="ANY", allowed_function_names=["get_weather"]
                )
            ),
            "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True),
        },
    ]


@pytest.mark.parametrize("index", range(len(every_setting_the_sdk_sends())))
def test_every_field_the_sdk_sends_is_known(client: genai.Client, index: int) -> None:
    config = every_setting_the_sdk_sends()[index]

    model = LOGPROBS_MODEL if config.get("response_logprobs") else MODEL
    reply = client.models.generate_content(
        model=model, contents="Explain tides", config=types.GenerateContentConfig(**config)
    )

    assert reply.candidates


def test_image_settings_and_chat_history_with_signatures_are_known(client: genai.Client) -> None:
    config = types.GenerateContentConfig(
        response_modalities=["TEXT", "IMAGE"],
        image_config=types.ImageConfig(aspect_ratio="16:9", image_size="2K"),
        thinking_config=types.ThinkingConfig(thinking_level="HIGH", include_thoughts=True),
    )
    chat = client.chats.create(model="gemini-3-pro-image", config=config)

    first = chat.send_message("A lighthouse at dawn")
    second = chat.send_message("Now at night")

    assert first.parts and second.parts
    history = chat.get_history()
    assert any(p.thought_signature for c in history for p in c.parts or [])


def test_function_call_and_response_turns_are_known(client: genai.Client) -> None:
    contents = [
        types.Content(role="user", parts=[types.Part.from_text(text="Weather in Lisbon?")]),
        types.Content(
            role="model",
            parts=[types.Part.from_function_call(name="get_weather", args={"city": "Lisbon"})],
        ),
        types.Content(
            role="user",
            parts=[types.Part.from_function_response(name="get_weather", response={"temp_c": 21})],
        ),
    ]

    reply = client.models.generate_content(model=MODEL, contents=contents)

    assert reply.candidates


def test_penalty_on_a_model_without_penalties_gets_the_real_body(client: genai.Client) -> None:
    for config in ({"presence_penalty": 0.5}, {"frequency_penalty": -0.5}):
        error = rejected(client, **config)

        assert error.details == wire_json("error_400_invalid_argument_penalty_not_enabled.json")


def test_penalty_message_names_the_model(client: genai.Client) -> None:
    error = rejected(client, model="gemini-3-flash-preview", presence_penalty=0.1)

    assert error.message == "Penalty is not enabled for models/gemini-3-flash-preview"
    assert "details" not in error.details["error"]


def test_unsupported_thinking_level_gets_the_real_body(client: genai.Client) -> None:
    error = rejected(
        client,
        model="gemini-3-pro-preview",
        thinking_config=types.ThinkingConfig(thinking_level="MINIMAL"),
    )

    assert error.details == wire_json(
        "error_400_invalid_argument_thinking_level_minimal_unsupported.json"
    )


@pytest.mark.parametrize(
    ("model", "level"),
    [("gemini-3-pro-preview", "MEDIUM"), ("gemini-3-pro-image", "MINIMAL")],
)
def test_other_levels_a_model_lacks_are_refused_the_same_way(
    client: genai.Client, model: str, level: str
) -> None:
    thinking = types.ThinkingConfig(thinking_level=level)
    error = rejected(client, model=model, thinking_config=thinking)

    assert error.message == (
        f"Thinking level {level} is not supported for this model. "
        "Please retry with other thinking level."
    )


@pytest.mark.parametrize("level", ["MINIMAL", "LOW", "MEDIUM", "HIGH"])
def test_gemini_3_flash_takes_every_level_up_to_high(client: genai.Client, level: str) -> None:
    reply = client.models.generate_content(
        model="gemini-3-flash-preview",
        contents="Explain tides",
        config=types.GenerateContentConfig(
            thinking_config=types.ThinkingConfig(thinking_level=level)
        ),
    )

    assert reply.text


def forced_calls(mode: str, mime: str | None) -> dict:
    declaration = types.FunctionDeclaration(
        name="lookup", parameters_json_schema={"type": "object", "properties": {}}
    )
    return {
        "tools": [types.Tool(function_declarations=[declaration])],
        "tool_config": types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(mode=mode)
        ),
        "response_mime_type": mime,
    }


def test_forced_function_calling_with_json_gets_the_real_body(client: genai.Client) -> None:
    error = rejected(client, **forced_calls("ANY", "application/json"))

    assert error.details == wire_json("error_400_invalid_argument_forced_fc_with_json_mime.json")


@pytest.mark.parametrize(("mode", "mime"), [("ANY", None), ("AUTO", "application/json")])
def test_other_function_calling_mixes_are_accepted(
    client: genai.Client, mode: str, mime: str | None
) -> None:
    reply = client.models.generate_content(
        model=MODEL,
        contents="Explain tides",
        config=types.GenerateContentConfig(**forced_calls(mode, mime)),
    )

    assert reply.candidates


def test_several_candidates_on_an_image_model_are_refused(client: genai.Client) -> None:
    error = rejected(client, model="gemini-2.5-flash-image", candidate_count=2)

    assert error.details == {
        "error": {
            "code": 400,
            "message": "Multiple candidates is not enabled for this model",
            "status": "INVALID_ARGUMENT",
        }
    }


def test_field_violations_come_before_the_model_level_refusals(client: genai.Client) -> None:
    error = rejected(client, temperature=3, presence_penalty=0.5)

    assert error.message.startswith("* GenerateContentRequest.generation_config.temperature")

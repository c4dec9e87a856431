"""Function calling through the real SDK: declarations, modes, parallel calls, signatures,
the functionResponse round trip, and streamed calls shaped like the recorded stream."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google import genai
from google.genai import errors, types

from gemini_offline import OfflineServer
from tests.conftest import wire_sse_events

from .helpers import raw_call
from .jsonschema_check import problems

MODEL = "gemini-2.5-flash"
GEMINI_3 = "gemini-3-pro-preview"
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "The city, e.g. Lisbon"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 10},
    },
    "required": ["city"],
}
WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="Get the weather forecast for a city",
    parameters_json_schema=WEATHER_SCHEMA,
)
LIGHTS = types.FunctionDeclaration(
    name="set_lights",
    description="Turn the room lights on or off",
    parameters=types.Schema(
        type=types.Type.OBJECT,
        properties={
            "room": types.Schema(type=types.Type.STRING),
            "on": types.Schema(type=types.Type.BOOLEAN),
        },
        required=["room"],
    ),
)
MUSIC = types.FunctionDeclaration(
    name="play_music",
    description="Play music of a genre",
    parameters_json_schema={
        "type": "object",
        "properties": {"genre": {"type": "string", "enum": ["jazz", "rock", "classical"]}},
        "required": ["genre"],
    },
)


def config(*functions: types.FunctionDeclaration, mode: str | None = None, **extra: Any):
    tool_config = None
    if mode or "allowed" in extra:
        tool_config = types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(
                mode=mode, allowed_function_names=extra.pop("allowed", None)
            )
        )
    return types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=list(functions or (WEATHER,)))],
        tool_config=tool_config,
        # The SDK would run Python callables itself; these tests look at the raw calls.
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        **extra,
    )


def ask(client: genai.Client, prompt: Any, model: str = MODEL, **kw: Any):
    cfg = kw.pop("cfg", None) or config(**kw)
    return client.models.generate_content(model=model, contents=prompt, config=cfg)


def test_a_prompt_about_a_declared_function_calls_it_with_arguments_from_the_prompt(
    client: genai.Client,
) -> None:
    reply = ask(client, "What's the weather in Lisbon for the next 3 days, in celsius?")

    (call,) = reply.function_calls
    assert call.name == "get_weather"
    assert call.args == {"city": "Lisbon", "unit": "celsius", "days": 3}
    assert problems(call.args, WEATHER_SCHEMA) == []
    assert reply.candidates[0].finish_reason == types.FinishReason.STOP
    assert reply.text is None
    assert reply.usage_metadata.candidates_token_count > 0


def test_several_places_give_parallel_calls(client: genai.Client) -> None:
    reply = ask(client, "Compare the weather in Paris, New York and São Paulo")

    assert [c.name for c in reply.function_calls] == ["get_weather"] * 3
    assert [c.args["city"] for c in reply.function_calls] == ["Paris", "New York", "São Paulo"]
    assert all(problems(c.args, WEATHER_SCHEMA) == [] for c in reply.function_calls)


def test_two_functions_asked_for_give_one_call_each(client: genai.Client) -> None:
    cfg = config(WEATHER, LIGHTS, MUSIC)
    reply = ask(client, "Turn on the lights in the Kitchen and play some jazz", cfg=cfg)

    calls = {c.name: c.args for c in reply.function_calls}
    assert calls == {"set_lights": {"room": "Kitchen", "on": True}, "play_music": {"genre": "jazz"}}


def test_auto_answers_in_words_when_no_function_fits(client: genai.Client) -> None:
    reply = ask(client, "Write a haiku about autumn leaves")

    assert reply.function_calls is None and reply.text


def test_mode_none_never_calls(client: genai.Client) -> None:
    reply = ask(client, "What's the weather in Lisbon?", mode="NONE")

    assert reply.function_calls is None and reply.text


def test_mode_any_always_calls_and_keeps_to_the_allowed_names(client: genai.Client) -> None:
    cfg = config(WEATHER, MUSIC, mode="ANY", allowed=["play_music"])
    reply = ask(client, "What's the weather in Lisbon?", cfg=cfg)
    forced = ask(client, "Write a haiku about autumn leaves", mode="ANY")

    assert [c.name for c in reply.function_calls] == ["play_music"]
    assert reply.function_calls[0].args["genre"] in ("jazz", "rock", "classical")
    assert [c.name for c in forced.function_calls] == ["get_weather"]
    assert problems(forced.function_calls[0].args, WEATHER_SCHEMA) == []


def test_gemini_3_signs_the_first_call_only(client: genai.Client) -> None:
    three = ask(client, "Weather in Oslo and Rome?", model=GEMINI_3)
    two_five = ask(client, "Weather in Oslo and Rome?")

    assert [bool(p.thought_signature) for p in three.parts] == [True, False]
    assert [bool(p.thought_signature) for p in two_five.parts] == [False, False]


def round_trip(client: genai.Client, model: str = MODEL, *, stream: bool = False) -> str:
    question = types.Content(role="user", parts=[types.Part(text="What's the weather in Oslo?")])
    first = ask(client, [question], model=model)
    (call,) = first.function_calls
    answer = types.Part.from_function_response(
        name=call.name, response={"forecast": "light rain", "high_c": 14}
    )
    contents = [question, first.candidates[0].content, types.Content(role="user", parts=[answer])]
    if stream:
        chunks = client.models.generate_content_stream(
            model=model, contents=contents, config=config()
        )
        return "".join(c.text or "" for c in chunks)
    reply = ask(client, contents, model=model)
    assert reply.function_calls is None
    return reply.text


@pytest.mark.parametrize("stream", [False, True], ids=["generate", "stream"])
def test_a_function_response_is_used_in_the_answer(client: genai.Client, stream: bool) -> None:
    text = round_trip(client, GEMINI_3, stream=stream)

    assert "light rain" in text and "14" in text and "What's the weather in Oslo?" in text


def test_the_sdk_runs_a_python_function_and_gets_an_answer_using_it(client: genai.Client) -> None:
    def get_weather(city: str) -> dict:
        """Get the weather forecast for a city."""
        return {"city": city, "forecast": "sunny spells", "high_c": 19}

    reply = client.models.generate_content(
        model=MODEL,
        contents="What is the weather like in Kyoto?",
        config=types.GenerateContentConfig(tools=[get_weather]),
    )

    assert "Kyoto" in reply.text and "sunny spells" in reply.text
    history = reply.automatic_function_calling_history
    assert [p.function_call.args for c in history for p in c.parts if p.function_call] == [
        {"city": "Kyoto"}
    ]


def test_streamed_calls_come_in_one_chunk_then_an_empty_text_with_the_finish(
    client: genai.Client, srv: OfflineServer
) -> None:
    chunks = list(
        client.models.generate_content_stream(
            model=GEMINI_3, contents="Weather in Oslo and Rome?", config=config()
        )
    )

    assert len(chunks) == 2
    assert [c.args["city"] for c in chunks[0].function_calls] == ["Oslo", "Rome"]
    assert chunks[0].candidates[0].finish_reason is None
    assert [p.text for p in chunks[1].parts] == [""]
    assert chunks[1].candidates[0].finish_reason == types.FinishReason.STOP


def _event_shape(event: dict) -> dict:
    candidate = event["candidates"][0]
    return {
        "parts": [sorted(p) for p in candidate["content"]["parts"]],
        "finish": candidate.get("finishReason"),
        "usage": sorted(event["usageMetadata"]),
    }


def test_the_stream_reads_like_the_recorded_one(srv: OfflineServer) -> None:
    recorded = wire_sse_events("tool_function_call_stream_gemini-3-pro-preview.sse")
    body = {
        "contents": [{"role": "user", "parts": [{"text": "Which country is the user in?"}]}],
        "tools": [
            {
                "functionDeclarations": [
                    {
                        "name": "get_country",
                        "description": "The user's country",
                        "parametersJsonSchema": {
                            "type": "object",
                            "properties": {},
                            "additionalProperties": False,
                        },
                    }
                ]
            }
        ],
    }
    offline = _sse(srv, f"/v1beta/models/{GEMINI_3}:streamGenerateContent?alt=sse", body)

    assert [_event_shape(e) for e in offline] == [_event_shape(e) for e in recorded]
    assert offline[0]["candidates"][0]["content"]["parts"][0]["functionCall"] == {
        "name": "get_country",
        "args": {},
    }


def _sse(srv: OfflineServer, path: str, body: dict) -> list[dict]:
    import urllib.request

    request = urllib.request.Request(
        srv.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "x-goog-api-key": "test-key"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return [json.loads(e.removeprefix("data: ")) for e in text.split("\r\n\r\n") if e.strip()]


# -- refusals ------------------------------------------------------------------------------


def rejected(client: genai.Client, cfg: types.GenerateContentConfig) -> errors.ClientError:
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents="Weather in Oslo?", config=cfg)
    assert caught.value.code == 400
    return caught.value


def test_an_invalid_function_name_is_refused(client: genai.Client) -> None:
    bad = types.FunctionDeclaration(name="get weather", parameters_json_schema=WEATHER_SCHEMA)
    error = rejected(client, config(bad))

    assert error.message.startswith(
        "* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name."
    )


def test_allowed_names_need_mode_any_and_a_declared_function(client: genai.Client) -> None:
    auto = rejected(client, config(mode="AUTO", allowed=["get_weather"]))
    unknown = rejected(client, config(mode="ANY", allowed=["get_time"]))

    assert "allowed_function_names" in auto.message and "ANY" in auto.message
    assert "get_time is not the name of a declared function" in unknown.message


def test_an_unknown_mode_is_refused(srv: OfflineServer) -> None:
    body = {
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
        "tools": [{"functionDeclarations": [{"name": "f"}]}],
        "toolConfig": {"functionCallingConfig": {"mode": "SOMETIMES"}},
    }
    status, reply = raw_call(srv, f"/v1beta/models/{MODEL}:generateContent", body)

    assert status == 400
    assert '"SOMETIMES"' in reply["error"]["message"]
    assert "FunctionCallingConfig.Mode" in reply["error"]["message"]

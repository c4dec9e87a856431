"""Function declarations count in promptTokenCount, as on the real API: the same prompt
costs more with tools, by a figure fixed by the declarations' JSON (not by their order),
in generateContent and in streams alike."""

from __future__ import annotations

import json

from google import genai
from google.genai import types

from gemini_offline import OfflineServer
from gemini_offline.tokens import count_tokens

MODEL = "gemini-2.5-flash"
PROMPT = "Tell me a short fact about owls."
WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="Get the weather forecast for a city",
    parameters_json_schema={
        "type": "object",
        "properties": {"city": {"type": "string", "description": "The city, e.g. Lisbon"}},
        "required": ["city"],
    },
)
LIGHTS = types.FunctionDeclaration(
    name="set_lights",
    description="Turn the room lights on or off",
    parameters_json_schema={"type": "object", "properties": {"on": {"type": "boolean"}}},
)


def config(*functions: types.FunctionDeclaration) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=list(functions))] if functions else None,
        tool_config=types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(mode="NONE")
        )
        if functions
        else None,
        temperature=0,
        seed=1,
    )


def prompt_tokens(client: genai.Client, *functions: types.FunctionDeclaration) -> int:
    reply = client.models.generate_content(model=MODEL, contents=PROMPT, config=config(*functions))
    return reply.usage_metadata.prompt_token_count


def sent_declarations_tokens(srv: OfflineServer) -> int:
    """What the declarations on the wire weigh: their compact, key-sorted JSON."""
    body = srv.last("generateContent").body
    declarations = body["tools"][0].get("functionDeclarations") or body["tools"][0].get(
        "function_declarations"
    )
    return count_tokens(json.dumps(declarations, sort_keys=True, separators=(",", ":")))


def test_declarations_add_their_tokens_to_the_prompt(client: genai.Client, srv) -> None:
    bare = prompt_tokens(client)
    with_weather = prompt_tokens(client, WEATHER)
    weather_cost = sent_declarations_tokens(srv)
    with_both = prompt_tokens(client, WEATHER, LIGHTS)

    assert weather_cost > 20
    assert with_weather == bare + weather_cost
    assert with_both > with_weather
    # The same declarations in another order cost the same.
    assert prompt_tokens(client, LIGHTS, WEATHER) == with_both


def test_the_usage_details_and_total_include_them(client: genai.Client) -> None:
    reply = client.models.generate_content(model=MODEL, contents=PROMPT, config=config(WEATHER))
    usage = reply.usage_metadata

    text = next(d.token_count for d in usage.prompt_tokens_details if d.modality.name == "TEXT")
    assert text == usage.prompt_token_count
    assert usage.total_token_count == (
        usage.prompt_token_count
        + (usage.candidates_token_count or 0)
        + (usage.thoughts_token_count or 0)
    )


def test_a_stream_reports_the_same_prompt_count(client: genai.Client) -> None:
    chunks = list(
        client.models.generate_content_stream(model=MODEL, contents=PROMPT, config=config(WEATHER))
    )

    assert chunks[-1].usage_metadata.prompt_token_count == prompt_tokens(client, WEATHER)
    assert prompt_tokens(client, WEATHER) > prompt_tokens(client)


def test_count_tokens_of_a_generate_request_with_tools_counts_the_declarations(
    client: genai.Client, srv: OfflineServer
) -> None:
    from tests.integration.helpers import raw_call

    declarations = [WEATHER.model_dump(mode="json", exclude_none=True, by_alias=True)]
    inner = {
        "model": f"models/{MODEL}",
        "contents": [{"role": "user", "parts": [{"text": PROMPT}]}],
    }
    path = f"/v1beta/models/{MODEL}:countTokens"

    _, bare = raw_call(srv, path, {"generateContentRequest": inner})
    status, with_tools = raw_call(
        srv,
        path,
        {"generateContentRequest": {**inner, "tools": [{"functionDeclarations": declarations}]}},
    )
    generated = client.models.generate_content(model=MODEL, contents=PROMPT, config=config(WEATHER))

    assert status == 200 and with_tools["totalTokens"] > bare["totalTokens"]
    assert with_tools["totalTokens"] == generated.usage_metadata.prompt_token_count

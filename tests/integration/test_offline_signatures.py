"""Gemini 3 thought signatures through the real SDK: a function call sent back without its
signature in the current turn is refused with the real API's 400; 2.5 models, earlier
turns, later parallel calls and the documented dummy signatures pass."""

from __future__ import annotations

import pytest
from google import genai
from google.genai import errors, types

GEMINI_3 = "gemini-3-flash-preview"
WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="Get the weather forecast for a city",
    parameters_json_schema={
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
)
CONFIG = types.GenerateContentConfig(
    tools=[types.Tool(function_declarations=[WEATHER])],
    automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
)
QUESTION = types.Content(role="user", parts=[types.Part(text="What's the weather in Oslo?")])


def answer(name: str = "get_weather") -> types.Content:
    return types.Content(
        role="user",
        parts=[types.Part.from_function_response(name=name, response={"forecast": "rain"})],
    )


def model_call(signature: bytes | None, *more: str) -> types.Content:
    parts = [
        types.Part(
            function_call=types.FunctionCall(name="get_weather", args={"city": "Oslo"}),
            thought_signature=signature,
        )
    ]
    parts += [types.Part(function_call=types.FunctionCall(name=n, args={})) for n in more]
    return types.Content(role="model", parts=parts)


def send(client: genai.Client, contents: list[types.Content], model: str = GEMINI_3):
    return client.models.generate_content(model=model, contents=contents, config=CONFIG)


def test_a_gemini_3_call_sent_back_unsigned_gets_the_real_400(client: genai.Client) -> None:
    first = send(client, [QUESTION])
    signed = first.candidates[0].content
    assert signed.parts[0].thought_signature  # what the SDK received and must send back

    with pytest.raises(errors.ClientError) as caught:
        send(client, [QUESTION, model_call(None), answer()])

    assert caught.value.code == 400 and caught.value.status == "INVALID_ARGUMENT"
    assert caught.value.message == (
        "Function call is missing a thought_signature in functionCall parts. This is "
        "required for tools to work correctly, and missing thought_signature may lead to "
        "degraded model performance. Additional data, function call `default_api:get_weather` "
        ", position 2. Please refer to "
        "https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
    )
    # The same history with the signature as received is answered.
    assert "rain" in send(client, [QUESTION, signed, answer()]).text


def test_each_step_of_the_current_turn_is_checked(client: genai.Client) -> None:
    signed = model_call(b"sig-1")
    contents = [QUESTION, signed, answer(), model_call(None), answer()]

    with pytest.raises(errors.ClientError) as caught:
        send(client, contents)

    assert "`default_api:get_weather` , position 4." in caught.value.message


def test_only_the_first_parallel_call_needs_one(client: genai.Client) -> None:
    contents = [QUESTION, model_call(b"sig", "get_weather"), answer()]

    assert "rain" in send(client, contents).text


def test_earlier_turns_and_gemini_2_5_are_not_checked(client: genai.Client) -> None:
    follow_up = types.Content(role="user", parts=[types.Part(text="And tomorrow?")])
    old_turn = [
        QUESTION,
        model_call(None),
        answer(),
        types.Content(role="model", parts=[types.Part(text="Rain in Oslo.")]),
    ]

    assert send(client, [*old_turn, follow_up]).candidates
    assert "rain" in send(client, [QUESTION, model_call(None), answer()], "gemini-2.5-flash").text
    # The -latest aliases serve 2.5 models.
    assert send(client, [QUESTION, model_call(None), answer()], "gemini-flash-latest").text


@pytest.mark.parametrize(
    "dummy", [b"skip_thought_signature_validator", b"context_engineering_is_the_way_to_go"]
)
def test_the_documented_dummy_signatures_pass(client: genai.Client, dummy: bytes) -> None:
    assert "rain" in send(client, [QUESTION, model_call(dummy), answer()]).text

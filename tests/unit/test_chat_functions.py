"""Function calling in the chat (playground/chat.py, conversation.py): which calls wait for
results, typed results checked and turned into functionResponse parts, editing results,
Copy and Get code's next message, and the conversation file round trip."""

from __future__ import annotations

import json

import pytest
from google.genai import types

from playground import chat as logic
from playground.conversation import Conversation, text_content
from playground.errors import BadInput
from playground.reply import Reply

SIGNATURE = b"\x01signed-by-gemini-3\xff"


def call_reply(*cities: str, ids: bool = False) -> Reply:
    parts = []
    for i, city in enumerate(cities):
        call = {"name": "get_weather", "args": {"city": city}}
        if ids:
            call["id"] = f"call-{i}"
        part: dict = {"functionCall": call}
        if i == 0:
            part["thoughtSignature"] = "AXNpZ25lZC1ieS1nZW1pbmktM_8="
        parts.append(part)
    parts.append({"text": ""})
    return Reply.from_wire(
        {
            "candidates": [
                {"index": 0, "content": {"role": "model", "parts": parts}, "finishReason": "STOP"}
            ],
            "usageMetadata": {"promptTokenCount": 20, "candidatesTokenCount": 8},
        }
    )


def calling(*cities: str, ids: bool = False) -> Conversation:
    chat = Conversation()
    chat.add_user(text_content("user", "Weather?"))
    chat.add_reply(call_reply(*cities, ids=ids))
    return chat


def test_the_calls_of_a_complete_last_reply_are_pending():
    chat = calling("Oslo", "Rome")
    assert [c.args for c in logic.pending_calls(chat)] == [{"city": "Oslo"}, {"city": "Rome"}]
    chat.turns[-1].status = "cut"
    assert logic.pending_calls(chat) == []
    chat.turns[-1].status = "ok"
    chat.add_user(text_content("user", "Never mind"))
    assert logic.pending_calls(chat) == []


def test_a_reply_without_calls_leaves_nothing_pending():
    chat = Conversation()
    chat.add_user(text_content("user", "Hi"))
    chat.add_reply(Reply.from_wire({"candidates": [{"content": {"parts": [{"text": "Hello"}]}}]}))
    assert logic.pending_calls(chat) == []


def test_the_prefilled_result_is_a_json_object_naming_the_function():
    (call,) = logic.pending_calls(calling("Oslo"))
    assert json.loads(logic.example_result(call)) == {"result": "what get_weather returned"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"temp": 21,', "not valid JSON (line 1, column 13"),
        ("sunny", "not valid JSON"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("[1, 2]", "must be a JSON object ({…}), not a list"),
        ('"sunny"', "not a string"),
        ("21.5", "not a number"),
        ("true", "not true or false"),
        ("null", "not null"),
        ("[" * 100 + "]" * 100, "nests its data too deeply"),
    ],
)
def test_bad_results_are_refused_with_the_function_named(text, words):
    with pytest.raises(BadInput) as refused:
        logic.parse_function_result(text, "get_weather")
    assert words in refused.value.message and "get_weather" in refused.value.message
    assert refused.value.remedy


def test_a_result_too_long_is_refused():
    with pytest.raises(BadInput, match="at most"):
        logic.parse_function_result('{"a": "' + "x" * logic.MAX_RESULT_CHARS + '"}', "f")


def test_results_become_one_user_turn_with_a_response_per_call_in_order():
    chat = calling("Oslo", "Rome", ids=True)
    turn = logic.answer_calls(chat, ['{"sky": "rain"}', '{"result": 14}'])
    assert turn.role == "user" and turn.answers_functions
    assert turn.content.model_dump(mode="json", exclude_none=True)["parts"] == [
        {"function_response": {"id": "call-0", "name": "get_weather", "response": {"sky": "rain"}}},
        {"function_response": {"id": "call-1", "name": "get_weather", "response": {"result": 14}}},
    ]
    assert logic.pending_calls(chat) == []
    # What is sent: the model's turn exactly as it came (signature, empty text), then this.
    history = chat.history()
    assert history[1].parts[0].thought_signature == SIGNATURE
    assert history[1].parts[0].function_call.args == {"city": "Oslo"}
    assert [p.text for p in history[1].parts] == [None, None, ""]
    assert history[2] is turn.content


def test_a_call_without_an_id_gets_a_response_without_one():
    turn = logic.answer_calls(calling("Oslo"), ['{"sky": "rain"}'])
    assert turn.content.parts[0].function_response.id is None


def test_one_bad_result_refuses_the_lot_and_says_which():
    chat = calling("Oslo", "Rome")
    calls = logic.pending_calls(chat)
    problems = logic.result_problems(calls, ['{"ok": 1}', "[2]"])
    assert list(problems) == [1] and "not a list" in problems[1].message
    with pytest.raises(BadInput):
        logic.answer_calls(chat, ['{"ok": 1}', "[2]"])
    assert len(chat) == 2  # nothing added


def test_answering_when_nothing_waits_is_refused():
    chat = Conversation()
    chat.add_user(text_content("user", "Hi"))
    with pytest.raises(BadInput, match="No function call is waiting"):
        logic.answer_calls(chat, ["{}"])


def test_edited_results_replace_the_turn_and_drop_later_ones():
    chat = calling("Oslo")
    sent = logic.answer_calls(chat, ['{"sky": "rain"}'])
    chat.add_reply(Reply.from_wire({"candidates": [{"content": {"parts": [{"text": "Rain."}]}}]}))
    assert logic.result_text(sent.function_responses[0]) == '{\n  "sky": "rain"\n}'
    with pytest.raises(BadInput):
        logic.resend_results(chat, sent.id, ["nope"])
    assert len(chat) == 4
    again = logic.resend_results(chat, sent.id, ['{"sky": "snow"}'])
    assert len(chat) == 3 and chat.turns[-1] is again
    assert again.function_responses[0].args == {"sky": "snow"}
    with pytest.raises(BadInput):
        logic.resend_edited(chat, again.id, "text instead")


def test_menu_actions_on_function_turns():
    chat = calling("Oslo")
    results = logic.answer_calls(chat, ['{"sky": "rain"}'])
    chat.add_reply(Reply.from_wire({"candidates": [{"content": {"parts": [{"text": "Rain."}]}}]}))
    assert logic.menu_options(results, is_last=False) == [logic.COPY, logic.EDIT, logic.DELETE]
    effect = logic.apply_menu(chat, chat.turns[-1].id, logic.REGENERATE)
    assert effect.send is results  # the results are sent again
    logic.apply_menu(chat, results.id, logic.DELETE)
    assert logic.pending_calls(chat)  # the calls wait again


def test_copy_shows_the_calls_or_results_as_json():
    chat = calling("Oslo")
    assert json.loads(logic.copy_text(chat.turns[-1])) == [
        {"name": "get_weather", "args": {"city": "Oslo"}}
    ]
    turn = logic.answer_calls(chat, ['{"sky": "rain"}'])
    assert json.loads(logic.copy_text(turn)) == [
        {"name": "get_weather", "response": {"sky": "rain"}}
    ]


def test_get_code_ends_with_example_results_while_calls_wait():
    chat = calling("Oslo")
    message = logic.code_message(chat)
    assert message.parts[0].function_response.response == {"result": "what get_weather returned"}
    logic.answer_calls(chat, ['{"sky": "rain"}'])
    assert logic.code_message(chat).parts[0].text == logic.NEXT_MESSAGE


def test_a_function_reply_is_recorded_as_a_model_turn():
    chat = Conversation()
    user = chat.add_user(text_content("user", "Weather?"))
    turn = logic.record_outcome(chat, user, call_reply("Oslo"), None)
    assert turn.role == "model" and turn.function_calls and turn.status == "ok"


def test_the_file_round_trips_calls_results_and_signatures():
    chat = calling("Oslo", ids=True)
    logic.answer_calls(chat, ['{"sky": "rain", "high": 14}'])
    data = chat.to_file(model="gemini-3-pro-preview", system_instruction="")
    restored, _ = Conversation.from_file(data)
    assert [t.content for t in restored.turns] == [t.content for t in chat.turns]
    assert restored.turns[1].content.parts[0].thought_signature == SIGNATURE
    assert restored.turns[2].answers_functions


def test_the_file_accepts_camel_case_tool_parts_and_refuses_bad_ones():
    def file(parts: list) -> bytes:
        return json.dumps(
            {
                "format": "gemini-playground/conversation",
                "version": 1,
                "turns": [{"role": "model", "content": {"parts": parts}}],
            }
        ).encode()

    restored, _ = Conversation.from_file(
        file(
            [
                {"toolCall": {"id": "t1", "toolType": "FILE_SEARCH", "args": {"query": "x"}}},
                {"toolResponse": {"id": "t1", "toolType": "FILE_SEARCH", "response": {}}},
                {"functionCall": {"name": "f", "args": {}}},
            ]
        )
    )
    assert restored.turns[0].content.parts[0].tool_call.tool_type == types.ToolType.FILE_SEARCH
    for bad, words in (
        ([{"functionCall": {"args": {}}}], "needs a “name”"),
        ([{"functionResponse": {"name": "f", "response": [1]}}], "must be an object"),
    ):
        with pytest.raises(BadInput, match=words):
            Conversation.from_file(file(bad))

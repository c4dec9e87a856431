"""AppTest: a function-calling round trip in Chat — the call card, the result typed as
JSON under it, the functionResponse turn on the wire, and an answer that uses it."""

from __future__ import annotations

import base64
import json

import pytest
from streamlit.testing.v1 import AppTest

from playground.conversation import Conversation
from tests.app.conftest import open_get_code

GEMINI_3 = "gemini-3-pro-preview"
RESULT = '{"temperature": 31, "unit": "celsius", "sky": "clear skies"}'


@pytest.fixture
def chat(app: AppTest) -> AppTest:
    app.switch_page("views/chat.py").run()
    app.sidebar.selectbox(key="settings.model").select(GEMINI_3).run()
    app.sidebar.selectbox(key="settings.function_example").select("Weather lookup").run()
    assert not app.exception, app.exception
    return app


def b64(text: str) -> bytes:
    """Base64 in either alphabet, decoded."""
    return base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_"))


def conversation(at: AppTest) -> Conversation:
    return at.session_state["chat.conversation"]


def result_box(at: AppTest, position: int = 0):
    last = conversation(at).turns[-1]
    return at.text_area(key=f"chat.fn.{last.id}.{position}")


def ask(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="chat.input").set_value(text).run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest) -> AppTest:
    at.button(key="chat.fn.send").click().run()
    assert not at.exception, at.exception
    return at


def markdown_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.main.markdown)


def test_a_typed_result_goes_back_with_the_call_and_the_answer_uses_it(chat, offline):
    ask(chat, "What's the weather in Boston?")
    assert "**Function call:** `get_current_weather`" in markdown_of(chat)
    assert any(json.loads(j.value) == {"location": "Boston"} for j in chat.main.json)
    box = result_box(chat)
    assert json.loads(box.value) == {"result": "what get_current_weather returned"}
    box.input(RESULT)
    submit(chat)

    sent = offline.last("streamGenerateContent").body["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user"]
    (call,) = [p for p in sent[1]["parts"] if "functionCall" in p]
    assert call["functionCall"] == {"name": "get_current_weather", "args": {"location": "Boston"}}
    assert call["thoughtSignature"]  # Gemini 3's signature went back unchanged
    received = conversation(chat).turns[1].content.parts[0].thought_signature
    assert received and b64(call["thoughtSignature"]) == received
    assert sent[2]["parts"] == [
        {
            "functionResponse": {
                "name": "get_current_weather",
                "response": json.loads(RESULT),
            }
        }
    ]
    answer = chat.chat_message[-1]
    shown = " ".join(m.value for m in answer.markdown)
    assert "clear skies" in shown and "31" in shown and "Boston" in shown
    # The result turn is one compact line, its JSON folded away; no result box is left.
    assert [e.label for e in chat.chat_message[2].expander] == [
        "Function result for `get_current_weather`"
    ]
    assert not [t for t in chat.text_area if str(t.key).startswith("chat.fn.")]

    ask(chat, "Thanks! And tomorrow?")
    roles = [c["role"] for c in offline.last("streamGenerateContent").body["contents"]]
    assert roles == ["user", "model", "user", "model", "user"]


def test_malformed_or_non_object_json_is_refused_and_the_text_kept(chat, offline):
    ask(chat, "What's the weather in Boston?")
    before = len(offline.requests)

    result_box(chat).input('{"temperature": 31,')
    submit(chat)
    assert any("not valid JSON" in e.value for e in chat.main.error)
    assert result_box(chat).value == '{"temperature": 31,'

    result_box(chat).input("[31, 32]")
    submit(chat)
    assert any("must be a JSON object" in e.value and "a list" in e.value for e in chat.main.error)
    assert result_box(chat).value == "[31, 32]"
    assert not [r for r in offline.requests[before:] if r.action == "streamGenerateContent"]
    assert conversation(chat).turns[-1].role == "model"

    result_box(chat).input('{"result": "sunny"}')
    submit(chat)
    assert not chat.main.error
    assert "sunny" in " ".join(m.value for m in chat.chat_message[-1].markdown)


def test_parallel_calls_are_answered_together_in_one_turn(chat, offline):
    ask(chat, "Compare the weather in Paris and Tokyo")
    calls = conversation(chat).turns[-1].function_calls
    assert [c.args for c in calls] == [{"location": "Paris"}, {"location": "Tokyo"}]
    result_box(chat, 0).input('{"result": "rain"}')
    result_box(chat, 1).input('{"result": "snow"}')
    assert chat.button(key="chat.fn.send").proto.label == "Send function results"
    submit(chat)
    sent = offline.last("streamGenerateContent").body["contents"][-1]["parts"]
    assert [p["functionResponse"]["response"] for p in sent] == [
        {"result": "rain"},
        {"result": "snow"},
    ]
    shown = " ".join(m.value for m in chat.chat_message[-1].markdown)
    assert "rain" in shown and "snow" in shown


def menu_pick(at: AppTest, position: int, action: str) -> AppTest:
    turn = conversation(at).turns[position]
    at.menu_button(key=f"chat.menu.{turn.id}").set_value(action).run()
    assert not at.exception, at.exception
    return at


def test_regenerate_edit_and_delete_on_function_turns(chat, offline):
    ask(chat, "What's the weather in Boston?")
    result_box(chat).input('{"result": "fog"}')
    submit(chat)

    menu_pick(chat, 3, "Regenerate")
    assert [t.role for t in conversation(chat).turns] == ["user", "model", "user", "model"]
    assert "fog" in conversation(chat).turns[-1].text
    assert offline.last("streamGenerateContent").body["contents"][-1]["parts"][0][
        "functionResponse"
    ]["response"] == {"result": "fog"}

    menu_pick(chat, 2, "Copy")
    assert any('"response"' in c.value and "fog" in c.value for c in chat.main.code)

    menu_pick(chat, 2, "Edit & resend")
    chat.text_area(key="chat.edit.result.0").input('{"result": "hail"}')
    chat.checkbox(key="chat.edit.confirm").check().run()
    chat.button(key="chat.edit.send").click().run()
    assert not chat.exception, chat.exception
    assert "hail" in conversation(chat).turns[-1].text
    assert len(conversation(chat).turns) == 4

    menu_pick(chat, 2, "Delete")
    assert [t.role for t in conversation(chat).turns] == ["user", "model", "model"]
    menu_pick(chat, 2, "Delete")
    # The call ends the chat again: its result box is back.
    assert result_box(chat).value


def test_the_context_and_get_code_handle_function_turns(chat, offline):
    ask(chat, "What's the weather in Boston?")
    result_box(chat).input('{"result": "fog"}')
    submit(chat)
    captions = " ".join(c.value for c in chat.main.caption)
    assert "Context:" in captions and "— tokens" not in captions
    code = " ".join(c.value for c in open_get_code(chat, "chat.code").main.code)
    assert "function_response=types.FunctionResponse(" in code
    assert "function_call=types.FunctionCall(" in code

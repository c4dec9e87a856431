"""Conversation: turns as SDK Contents, history, edits, and the versioned file format."""

import json

import pytest
from google.genai import types

from playground.conversation import FILE_FORMAT, Conversation, Turn, text_content
from playground.errors import BadInput
from playground.reply import Reply


def reply_with_signature(text: str) -> Reply:
    return Reply.from_wire(
        {
            "candidates": [
                {
                    "content": {
                        "role": "model",
                        "parts": [
                            {"text": "planning", "thought": True},
                            {"text": text, "thoughtSignature": "c2lnbmF0dXJl"},
                        ],
                    },
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 10,
                "candidatesTokenCount": 4,
                "totalTokenCount": 14,
            },
        }
    )


def test_history_keeps_signatures_and_skips_empty_model_turns():
    chat = Conversation()
    chat.add_user(text_content("user", "Hello"))
    chat.add_reply(reply_with_signature("Hi!"))
    chat.add(Turn("model", types.Content(role="model", parts=[])))
    history = chat.history()
    assert [c.role for c in history] == ["user", "model"]
    assert history[1].parts[1].thought_signature == b"signature"
    assert chat.turns[1].text == "Hi!" and chat.turns[1].thoughts == "planning"


def test_known_context_follows_the_revision():
    chat = Conversation()
    chat.add_user(text_content("user", "Hello"))
    chat.add_reply(reply_with_signature("Hi!"))
    assert chat.context_tokens() == 14
    chat.delete(chat.turns[0].id)
    assert chat.context_tokens() is None


def test_truncate_and_pending():
    chat = Conversation()
    for text in ("a", "b", "c"):
        chat.add_user(text_content("user", text))
    dropped = chat.truncate(1)
    assert [t.text for t in dropped] == ["b", "c"]
    assert chat.pending_user_turn().text == "a" and chat.last_model_turn() is None


def test_file_round_trip_with_an_image():
    chat = Conversation()
    image = types.Part.from_bytes(data=b"\x89PNG fake", mime_type="image/png")
    chat.add_user(types.Content(role="user", parts=[types.Part.from_text(text="see"), image]))
    chat.add_reply(reply_with_signature("A picture."), status="cut", note="dropped")
    data = chat.to_file(model="gemini-2.5-flash", system_instruction="Be terse.")
    document = json.loads(data)
    assert document["format"] == FILE_FORMAT and document["version"] == 1
    restored, meta = Conversation.from_file(data)
    assert [t.content for t in restored.turns] == [t.content for t in chat.turns]
    assert restored.turns[1].status == "cut" and restored.turns[1].note == "dropped"
    assert restored.turns[1].stats == chat.turns[1].stats
    assert meta == {"model": "gemini-2.5-flash", "system_instruction": "Be terse."}


def test_the_file_never_holds_a_key():
    chat = Conversation()
    chat.add_user(text_content("user", "hi"))
    assert set(json.loads(chat.to_file(model="m", system_instruction=""))) == {
        "format",
        "version",
        "model",
        "system_instruction",
        "turns",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", "not a Gemini Playground conversation"),
        (json.dumps({"format": FILE_FORMAT, "version": "1", "turns": []}).encode(), "version '1'"),
        (json.dumps({"format": FILE_FORMAT, "version": 1}).encode(), "no list of turns"),
        (
            json.dumps(
                {
                    "format": FILE_FORMAT,
                    "version": 1,
                    "turns": [
                        {"role": "user", "content": {"parts": [{"inlineData": {"data": 5}}]}}
                    ],
                }
            ).encode(),
            "turn 1: invalid content",
        ),
        (
            json.dumps(
                {
                    "format": FILE_FORMAT,
                    "version": 1,
                    "turns": [{"role": "user", "content": {"role": "model", "parts": []}}],
                }
            ).encode(),
            "role does not match",
        ),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, message):
    with pytest.raises(BadInput, match=message):
        Conversation.from_file(data, "x.json")

"""Conversation: turns as SDK Contents, history, edits, and the versioned file format."""

import base64
import io
import json
import time
from pathlib import Path

import pytest
from google.genai import types
from PIL import Image

from playground.conversation import (
    FILE_FORMAT,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_TURNS,
    Conversation,
    Turn,
    json_too_deep,
    text_content,
)
from playground.errors import BadInput
from playground.reply import Reply

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conversations"


def png(color=(0, 90, 200), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, fmt)
    return buffer.getvalue()


def document(turns: list) -> bytes:
    return json.dumps(
        {"format": FILE_FORMAT, "version": 1, "model": "gemini-2.5-flash", "turns": turns}
    ).encode()


def user_turn(parts: list, **extra) -> dict:
    return {"role": "user", "content": {"role": "user", "parts": parts}, **extra}


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
    image = types.Part.from_bytes(data=png(), mime_type="image/png")
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
            "turn 1, part 1: an image needs base64",
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


# --- a file is checked completely before anything is built --------------------------

BAD_FIXTURES = {
    "svg_part.json": "turn 1, part 2: images of type 'image/svg+xml' are not accepted",
    "non_numeric_stat.json": "turn 2: “stats.output_tokens” must be a whole number",
    "empty_parts.json": "turn 1: a user message needs at least one part",
    "fake_png.json": "turn 1, part 2: “image 2” is not an image",
    "deep_nesting.json": f"more than {MAX_JSON_DEPTH} levels deep",
}


@pytest.mark.parametrize(("fixture", "message"), sorted(BAD_FIXTURES.items()))
def test_bad_fixture_files_are_refused_with_a_reason(fixture, message):
    data = (FIXTURES / fixture).read_bytes()
    with pytest.raises(BadInput) as caught:
        Conversation.from_file(data, fixture)
    assert message in caught.value.message


def test_the_good_fixture_is_accepted():
    restored, _ = Conversation.from_file((FIXTURES / "remote_image_reply.json").read_bytes())
    assert [t.role for t in restored.turns] == ["user", "model"]
    assert restored.turns[1].stats.output_tokens == 7


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        (
            user_turn([{"inline_data": {"mime_type": "image/png", "data": ""}}]),
            "“image 1” is empty",
        ),
        (
            user_turn(
                [
                    {
                        "inline_data": {
                            "mime_type": "image/png",
                            "data": base64.b64encode(png(fmt="JPEG")).decode(),
                        }
                    }
                ]
            ),
            "labelled image/png but does not decode as a PNG",
        ),
        (user_turn([{"file_data": {"file_uri": "https://e.com/x"}}]), "“file_data” is not a part"),
        (user_turn([{}]), "exactly one of text, an image or code"),
        (user_turn([{"text": "a", "inline_data": {}}]), "exactly one of"),
        (user_turn([{"text": 5}]), "“text” must be a string"),
        (user_turn([{"text": "a", "thought": "yes"}]), "“thought” must be true or false"),
        (user_turn([{"text": "a"}], status="great"), "status 'great'"),
        (user_turn([{"text": "a"}], note=7), "“note” must be text"),
        (user_turn([{"text": "a"}], stats=[1]), "“stats” must be an object"),
        (user_turn([{"text": "a"}], stats={"latency_s": "slow"}), "“stats.latency_s”"),
        (user_turn([{"text": "a"}], stats={"output_tokens": True}), "whole number"),
        (user_turn([{"text": "a"}], stats={"output_tokens": -1}), "whole number"),
        (user_turn([{"text": "a"}], stats={"secret": 1}), "“stats.secret” is not a figure"),
        (user_turn([{"text": "a"}], stats={"finish_reason": 3}), "“stats.finish_reason”"),
        ({"role": "user", "content": "hi"}, "“content” must be an object"),
        ({"role": "user", "content": {"parts": {"text": "a"}}}, "must be a list"),
        ({"role": "user", "content": {"parts": [], "extra": 1}}, "“content.extra”"),
    ],
)
def test_every_field_is_checked(turn, message):
    with pytest.raises(BadInput) as caught:
        Conversation.from_file(document([turn]), "x.json")
    assert message in caught.value.message


def test_an_empty_model_turn_is_accepted_as_the_app_saves_blocked_replies():
    chat = Conversation()
    chat.add_user(text_content("user", "hi"))
    chat.add(Turn("model", types.Content(role="model", parts=[])))
    restored, _ = Conversation.from_file(chat.to_file(model="m", system_instruction=""))
    assert len(restored) == 2 and restored.turns[1].content.parts == []


def test_top_level_model_and_instruction_are_checked():
    base = {"format": FILE_FORMAT, "version": 1, "turns": []}
    for extra, message in (
        ({"model": 5}, "“model” must be a model id"),
        ({"model": "bad model; rm -rf"}, "“model” must be a model id"),
        ({"system_instruction": ["x"]}, "“system_instruction” must be text"),
        ({"version": True}, "version True"),
    ):
        with pytest.raises(BadInput, match=message):
            Conversation.from_file(json.dumps(base | extra).encode(), "x.json")


def test_too_many_turns_are_refused_quickly():
    turns = [user_turn([{"text": f"message {n}"}]) for n in range(MAX_TURNS + 1)]
    started = time.perf_counter()
    with pytest.raises(BadInput, match=f"restores at most {MAX_TURNS:,}"):
        Conversation.from_file(document(turns), "x.json")
    assert time.perf_counter() - started < 5


def test_the_size_limit_is_the_upload_limit():
    with pytest.raises(BadInput, match=f"limited to {MAX_FILE_BYTES // 2**20} MB"):
        Conversation.from_file(b" " * (MAX_FILE_BYTES + 1), "big.json")
    assert MAX_FILE_BYTES == 20 * 2**20


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, False),
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), True),
        ('{"a": "' + "[" * 500 + '"}', False),  # brackets inside a string do not nest
        ('{"a": "\\"' + "}", False),
        ("[" * 100_000, True),  # unbalanced and deep
        ("[}" * 100, False),  # unbalanced, shallow: the parser explains it
        ("[]" * 500_000, False),
    ],
)
def test_json_depth_is_found_without_recursing(text, deep):
    assert json_too_deep(text) is deep


def test_a_deep_file_is_refused_without_recursion_error():
    data = (
        b'{"format": "'
        + FILE_FORMAT.encode()
        + b'", "turns": '
        + b"[" * 200_000
        + b"]" * 200_000
        + b"}"
    )
    with pytest.raises(BadInput, match="levels deep"):
        Conversation.from_file(data, "deep.json")
    with pytest.raises(BadInput, match="nests its data"):
        Conversation.from_file(b"[" * 200_000, "open.json")

"""Reply is built from every recorded body in tests/fixtures/wire without exceptions."""

import pytest

from playground.reply import Reply
from tests.conftest import WIRE, wire_json, wire_sse_events

GENERATE_BODIES = sorted(p.name for p in WIRE.glob("generate_*.json"))


def test_every_generate_body_is_covered(wire_dir):
    assert len(GENERATE_BODIES) >= 5


@pytest.mark.parametrize("name", GENERATE_BODIES)
def test_reply_builds_from_each_generate_body(name):
    reply = Reply.from_wire(wire_json(name))
    assert reply.blocked or reply.candidates


def test_text_with_system_instruction_body():
    name = "generate_text_system_instruction_gemini-1.5-pro-latest.json"
    reply = Reply.from_wire(wire_json(name))
    assert reply.text == "Meow 😺 \n"
    assert reply.finish_reason == "STOP"
    assert reply.finish_explanation() is None
    assert reply.usage.total_tokens == 0  # this 2024 body has no usageMetadata


def test_max_tokens_body_is_explained():
    reply = Reply.from_wire(wire_json("generate_finish_max_tokens_gemini-2.5-flash.json"))
    assert reply.text == "The capital of France is"
    assert reply.finish_reason == "MAX_TOKENS"
    assert "raise Max output tokens" in reply.finish_explanation()
    assert (reply.usage.prompt_tokens, reply.usage.output_tokens, reply.usage.total_tokens) == (
        15,
        5,
        20,
    )
    assert reply.model_version == "gemini-2.5-flash"
    assert reply.response_id == "R5MoavWNNp_8qtsP2fWD2A0"


def test_thought_parts_are_kept_apart_from_the_answer():
    body = wire_json("generate_thought_parts_gemini-3-pro-preview.json")
    reply = Reply.from_wire(body)
    parts = body["candidates"][0]["content"]["parts"]
    thought_text = "".join(p["text"] for p in parts if p.get("thought"))
    answer_text = "".join(p["text"] for p in parts if not p.get("thought"))
    assert reply.thoughts == thought_text and reply.text == answer_text
    assert reply.usage.thought_tokens == body["usageMetadata"]["thoughtsTokenCount"]
    signed = [p for p in reply.first.content.parts if p.thought_signature]
    assert signed, "the thought signature must survive for later chat turns"


def test_image_body_keeps_order_and_bytes():
    reply = Reply.from_wire(wire_json("generate_image_inlinedata_png_gemini-2.5-flash-image.json"))
    kinds = [p.kind for p in reply.first.parts]
    assert kinds == ["text", "image"]
    assert reply.images[0].mime_type == "image/png"
    assert reply.images[0].data.startswith(b"\x89PNG")


def test_blocked_prompt_body():
    reply = Reply.from_wire(wire_json("generate_prompt_blocked_safety_gemini-pro.json"))
    assert reply.blocked and reply.block_reason == "SAFETY"
    assert reply.candidates == () and reply.text == ""
    assert "safety" in reply.finish_explanation().lower()


@pytest.mark.parametrize(
    "name", ["stream_sse_text_gemini-2.5-flash.sse", "stream_sse_thoughts_gemini-2.5-pro.sse"]
)
def test_every_stream_chunk_builds(name):
    chunks = [Reply.from_wire(event) for event in wire_sse_events(name)]
    assert chunks[-1].finish_reason == "STOP"
    assert all(c.finish_reason is None for c in chunks[:-1])
    assert all(c.usage.prompt_tokens > 0 for c in chunks)


def test_streamed_text_joins_to_the_full_answer():
    chunks = [Reply.from_wire(e) for e in wire_sse_events("stream_sse_text_gemini-2.5-flash.sse")]
    text = "".join(c.text for c in chunks)
    assert text == "\n".join(str(i) for i in range(1, 31))


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("SAFETY", "safety"),
        ("RECITATION", "reciting"),
        ("NO_IMAGE", "generate an image of"),
        ("IMAGE_SAFETY", "safety"),
        ("OTHER", "try again"),
    ],
)
def test_finish_reasons_are_explained(reason, words):
    body = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "x"}]},
                "finishReason": reason,
                "index": 0,
            }
        ]
    }
    assert words in Reply.from_wire(body).finish_explanation().lower()


def test_unknown_finish_reason_does_not_crash():
    body = {"candidates": [{"content": {"parts": [{"text": "x"}]}, "finishReason": "NEW_THING"}]}
    with pytest.warns(UserWarning):
        reply = Reply.from_wire(body)
    assert "NEW_THING" in reply.finish_explanation()

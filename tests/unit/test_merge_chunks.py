"""merge_chunks folds a stream into one reply and keeps every thought signature where it was."""

from __future__ import annotations

import base64

from google.genai import types

from playground.gemini import merge_chunks
from playground.reply import Timing
from tests.conftest import wire_sse_events

SIGNATURE = base64.b64encode(b"signature-of-the-second-part").decode()


def chunk(text: str, *, thought: bool = False, signature: str | None = None, finish=None):
    part: dict = {"text": text}
    if thought:
        part["thought"] = True
    if signature:
        part["thoughtSignature"] = signature
    candidate: dict = {"content": {"role": "model", "parts": [part]}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return types.GenerateContentResponse._from_response(
        response={"candidates": [candidate]}, kwargs={}
    )


def merged_parts(chunks) -> list[types.Part]:
    reply = merge_chunks(chunks, Timing(), None)
    return list(reply.candidates[0].content.parts)


def test_consecutive_text_chunks_become_one_part():
    parts = merged_parts([chunk("Hello"), chunk(", "), chunk("world", finish="STOP")])
    assert [p.text for p in parts] == ["Hello, world"]


def test_a_signed_text_part_starts_a_new_part_and_keeps_its_signature():
    parts = merged_parts(
        [chunk("First answer part. "), chunk("Second part.", signature=SIGNATURE, finish="STOP")]
    )
    assert [p.text for p in parts] == ["First answer part. ", "Second part."]
    assert parts[0].thought_signature is None
    assert parts[1].thought_signature == base64.b64decode(SIGNATURE)


def test_the_recorded_thinking_stream_keeps_thoughts_apart_and_the_signature_on_the_answer():
    events = wire_sse_events("stream_sse_thoughts_gemini-2.5-pro.sse")
    chunks = [types.GenerateContentResponse._from_response(response=e, kwargs={}) for e in events]
    parts = merged_parts(chunks)
    thoughts = [p for p in parts if p.thought]
    answers = [p for p in parts if not p.thought]
    assert len(thoughts) == 1 and thoughts[0].text
    assert answers[0].thought_signature
    recorded_answer = "".join(
        p.get("text", "")
        for e in events
        for p in e["candidates"][0]["content"].get("parts", [])
        if not p.get("thought")
    )
    assert "".join(p.text for p in answers) == recorded_answer

"""playground.gemini streams and chats through the real SDK against gemini_offline."""

from __future__ import annotations

import pytest
from google.genai import types

from playground.conversation import Conversation, text_content
from playground.errors import ApiError, StreamInterrupted
from playground.gemini import Gemini, RetryPolicy, build_chat_request, build_request
from playground.settings import GenerationSettings


@pytest.fixture
def gemini(client) -> Gemini:
    return Gemini(client, RetryPolicy(attempts=3, base_delay_s=0.0, max_delay_s=0.0))


def drain(run) -> list:
    return list(run.events())


def test_stream_deltas_join_to_the_reply(gemini, srv):
    run = gemini.stream(build_request(GenerationSettings(), "Explain how AI works", stream=True))
    texts = [e.text for e in drain(run) if e.kind == "text"]
    assert len(texts) > 3
    assert "".join(texts) == run.reply.text
    assert run.reply.finish_reason == "STOP" and run.error is None
    assert run.reply.timing.chunks == len(run.chunks) == len(run.reply.timing.timeline)
    assert run.reply.timing.first_token_s is not None
    assert run.reply.usage.output_tokens == run.reply.timing.timeline[-1][1]
    assert srv.last("streamGenerateContent") is not None


def test_thoughts_stream_apart_from_the_answer(gemini):
    settings = GenerationSettings(thinking_budget=512, include_thoughts=True)
    run = gemini.stream(build_request(settings, "Why is the sky blue?", stream=True))
    events = drain(run)
    kinds = [e.kind for e in events]
    assert kinds[0] == "thought" and "text" in kinds
    assert kinds.index("text") > max(i for i, k in enumerate(kinds) if k == "thought")
    assert run.reply.thoughts and run.reply.text
    signed = [p for p in run.reply.first.content.parts if p.thought_signature]
    assert len(signed) == 1 and not signed[0].thought


def test_a_cut_stream_keeps_what_arrived(gemini):
    request = build_request(GenerationSettings(), "Explain AI [[fault:cut]]", stream=True)
    run = gemini.stream(request)
    arrived = "".join(e.text for e in drain(run) if e.kind == "text")
    assert arrived and run.reply.text == arrived
    assert run.reply.interrupted == "cut" and run.reply.finish_reason is None
    assert isinstance(run.error, StreamInterrupted)


def test_an_error_mid_stream_keeps_what_arrived(gemini):
    request = build_request(GenerationSettings(), "Explain AI [[fault:midstream]]", stream=True)
    run = gemini.stream(request)
    arrived = "".join(e.text for e in drain(run) if e.kind == "text")
    assert arrived and run.reply.text == arrived and run.reply.interrupted == "error"
    assert isinstance(run.error, ApiError) and run.error.code == 500
    assert "text that arrived is kept" in run.error.remedy


def test_stop_ends_the_stream_after_the_current_chunk(gemini):
    run = gemini.stream(build_request(GenerationSettings(), "Explain how AI works", stream=True))
    events = run.events()
    first = next(events)
    run.stop()
    rest = list(events)
    assert run.reply.interrupted == "stopped"
    assert run.reply.text == "".join(e.text for e in [first, *rest] if e.kind == "text")
    assert run.error is None


def test_overload_before_the_first_chunk_is_retried(gemini, srv):
    request = build_request(GenerationSettings(), "Explain AI [[fault:503x2]]", stream=True)
    run = gemini.stream(request)
    drain(run)
    assert run.error is None and run.reply.finish_reason == "STOP"
    assert run.reply.timing.attempts == 3
    assert len([r for r in srv.requests if r.action == "streamGenerateContent"]) == 3


def test_three_turn_chat_sends_the_full_history(gemini, srv):
    settings = GenerationSettings(thinking_budget=256, include_thoughts=True)
    chat = Conversation()
    chat.add_user(text_content("user", "Hello"))
    chat.add(chat.turns[0].__class__("model", text_content("model", "Great to meet you.")))
    for message in ("I have 2 dogs in my house.", "How many paws are in my house?"):
        user = text_content("user", message)
        run = gemini.stream(build_chat_request(settings, chat.history(), user))
        drain(run)
        assert run.error is None
        chat.add_user(user)
        chat.add_reply(run.reply)
    sent = srv.last("streamGenerateContent").body["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user", "model", "user"]
    assert sent[2]["parts"][0]["text"] == "I have 2 dogs in my house."
    model_parts = sent[3]["parts"]
    answer = [p for p in model_parts if not p.get("thought")]
    assert "".join(p["text"] for p in answer) == chat.turns[3].text
    assert any(p.get("thoughtSignature") or p.get("thought_signature") for p in model_parts)
    assert "2 dogs" in chat.turns[-1].text and "**8 paws**" in chat.turns[-1].text


def test_sdk_recorded_stream_history_is_resent_correctly(client, srv):
    """The SDK records one model Content per streamed chunk; resending that is valid."""
    chat = client.chats.create(model="gemini-2.5-flash")
    streamed = "".join(c.text or "" for c in chat.send_message_stream("I have 2 dogs."))
    history = chat.get_history()
    model_contents = [c for c in history if c.role == "model"]
    assert len(model_contents) > 1  # one per chunk
    assert "".join(p.text for c in model_contents for p in c.parts) == streamed
    reply = chat.send_message("How many paws?")
    assert reply.text and "You mentioned 2 dogs earlier" in reply.text
    sent = srv.last("generateContent").body["contents"]
    assert next(c["role"] for c in sent) == "user" and sent[-1]["role"] == "user"
    assert "".join(p["text"] for c in sent if c["role"] == "model" for p in c["parts"]) == streamed


def test_images_survive_the_chat_history(gemini, srv):
    image = types.Part.from_bytes(data=_png(), mime_type="image/png")
    user = types.Content(role="user", parts=[types.Part.from_text(text="What is this?"), image])
    chat = Conversation()
    run = gemini.stream(build_chat_request(GenerationSettings(), [], user))
    drain(run)
    chat.add_user(user)
    chat.add_reply(run.reply)
    follow = text_content("user", "And its colour?")
    drain(gemini.stream(build_chat_request(GenerationSettings(), chat.history(), follow)))
    first = srv.last("streamGenerateContent").body["contents"][0]["parts"]
    assert any("inlineData" in p or "inline_data" in p for p in first)


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 8), (0, 0, 255)).save(buffer, "PNG")
    return buffer.getvalue()

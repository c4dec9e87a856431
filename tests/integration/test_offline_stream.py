"""streamGenerateContent?alt=sse through the real SDK."""

from __future__ import annotations

import time

from google import genai
from google.genai import types

from gemini_offline import OfflineServer
from gemini_offline.tokens import count_tokens

MODEL = "gemini-2.5-flash"
PROMPT = "Explain how photosynthesis works"


def stream(client: genai.Client, contents=PROMPT, model: str = MODEL, **config):
    cfg = types.GenerateContentConfig(**config) if config else None
    return list(client.models.generate_content_stream(model=model, contents=contents, config=cfg))


def test_chunks_concatenate_to_the_non_streamed_text(
    client: genai.Client, srv: OfflineServer
) -> None:
    chunks = stream(client, temperature=0)
    whole = client.models.generate_content(
        model=MODEL, contents=PROMPT, config=types.GenerateContentConfig(temperature=0)
    ).text

    assert len(chunks) > 5
    assert "".join(c.text or "" for c in chunks) == whole
    assert srv.last("streamGenerateContent").query == {"alt": "sse"}


def test_chunks_hold_chunk_words_words(client: genai.Client, srv: OfflineServer) -> None:
    srv.options.chunk_words = 5
    try:
        chunks = stream(client)
    finally:
        srv.options.chunk_words = 3

    assert all(len(c.text.split()) <= 5 for c in chunks)
    assert max(len(c.text.split()) for c in chunks) == 5


def test_usage_on_every_chunk_and_finish_reason_on_the_last_only(client: genai.Client) -> None:
    chunks = stream(client)

    usages = [c.usage_metadata for c in chunks]
    assert all(u is not None and u.prompt_token_count == count_tokens(PROMPT) for u in usages)
    counts = [u.candidates_token_count for u in usages]
    assert counts == sorted(counts) and counts[-1] == count_tokens("".join(c.text for c in chunks))
    assert all(
        u.total_token_count
        == u.prompt_token_count + u.candidates_token_count + (u.thoughts_token_count or 0)
        for u in usages
    )
    assert [c.candidates[0].finish_reason for c in chunks[:-1]] == [None] * (len(chunks) - 1)
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert len({c.response_id for c in chunks}) == 1


def test_thoughts_stream_first_as_their_own_chunks(client: genai.Client) -> None:
    chunks = stream(
        client,
        model="gemini-2.5-pro",
        thinking_config=types.ThinkingConfig(include_thoughts=True, thinking_budget=4096),
    )

    kinds = [bool(c.candidates[0].content.parts[0].thought) for c in chunks]
    n_thoughts = kinds.count(True)
    assert n_thoughts >= 2 and kinds == [True] * n_thoughts + [False] * (len(kinds) - n_thoughts)
    first_answer = chunks[n_thoughts].candidates[0].content.parts[0]
    assert first_answer.thought_signature
    assert chunks[0].usage_metadata.candidates_token_count is None
    thought_text = "".join(c.candidates[0].content.parts[0].text for c in chunks[:n_thoughts])
    assert chunks[-1].usage_metadata.thoughts_token_count == count_tokens(thought_text)


def test_streamed_max_output_tokens_ends_with_max_tokens(client: genai.Client) -> None:
    # Thinking off: thoughts would share the cap (see test_offline_shapes.py).
    chunks = stream(
        client, max_output_tokens=10, thinking_config=types.ThinkingConfig(thinking_budget=0)
    )

    assert count_tokens("".join(c.text for c in chunks)) == 10
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.MAX_TOKENS


def test_chunk_delay_paces_the_stream(client: genai.Client, srv: OfflineServer) -> None:
    srv.options.chunk_delay_ms = 30
    try:
        started = time.perf_counter()
        off = types.ThinkingConfig(thinking_budget=0)
        chunks = stream(client, max_output_tokens=15, thinking_config=off)
        elapsed = time.perf_counter() - started
    finally:
        srv.options.chunk_delay_ms = 0

    assert len(chunks) >= 4
    assert elapsed >= (len(chunks) - 1) * 0.03


def test_latency_is_added_before_each_generate_reply(
    client: genai.Client, srv: OfflineServer
) -> None:
    srv.options.latency_ms = 150
    try:
        started = time.perf_counter()
        client.models.generate_content(model=MODEL, contents="Hi")
        elapsed = time.perf_counter() - started
    finally:
        srv.options.latency_ms = 0

    assert elapsed >= 0.15

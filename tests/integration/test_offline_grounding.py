"""Grounding through the real SDK: Google Search (and URL context) in the recorded shapes.

Segment offsets are UTF-8 byte offsets into the answer part, as in the recorded search body
(tests/fixtures/wire/tool_google_search_gemini-2.5-pro.json): the tests slice the encoded
text, and check with non-ASCII answers that character offsets would be wrong.
"""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from google import genai
from google.genai import types

from tests.conftest import wire_json

from .test_offline_shapes import recorded, through_sdk

__all__ = ["recorded"]  # the fixture, imported for the comparison with the recording

MODEL = "gemini-2.5-flash"
SEARCH = types.Tool(google_search=types.GoogleSearch())


def grounded(client: genai.Client, prompt: str, model: str = MODEL, **config: Any):
    cfg = types.GenerateContentConfig(tools=[SEARCH], **config)
    return client.models.generate_content(model=model, contents=prompt, config=cfg)


def supported_texts(text: str, metadata: types.GroundingMetadata) -> list[str]:
    """Each support's segment, sliced out of the UTF-8 bytes of ``text``; checks it matches
    the segment's own text."""
    data = text.encode()
    out = []
    for support in metadata.grounding_supports:
        segment = support.segment
        piece = data[segment.start_index : segment.end_index].decode()
        assert piece == segment.text
        out.append(piece)
    return out


def test_a_search_grounded_answer_has_the_recorded_metadata(client: genai.Client) -> None:
    reply = grounded(client, "What is the tallest mountain in Africa?")

    meta = reply.candidates[0].grounding_metadata
    assert meta.web_search_queries == ["the tallest mountain in Africa"]
    assert len(meta.grounding_chunks) == 3
    for chunk in meta.grounding_chunks:
        assert chunk.web.uri.startswith("https://www.google.com/search?q=")
        assert chunk.web.title and "." in chunk.web.title
    rendered = meta.search_entry_point.rendered_content
    assert rendered.startswith("<style>") and 'class="chip"' in rendered
    assert ">the tallest mountain in Africa</a>" in rendered
    assert all(
        0 <= i < len(meta.grounding_chunks)
        for s in meta.grounding_supports
        for i in s.grounding_chunk_indices
    )


def test_supports_point_at_whole_sentences_by_utf8_byte_offsets(client: genai.Client) -> None:
    reply = grounded(client, "Explain the history of Zürich’s café culture")

    text = reply.text
    pieces = supported_texts(text, reply.candidates[0].grounding_metadata)
    assert len(pieces) >= 3
    for piece in pieces:
        assert piece.endswith(".") and piece[0].isupper() and piece in text
    # The answer quotes the non-ASCII query before the supports: characters ≠ bytes.
    first = reply.candidates[0].grounding_metadata.grounding_supports[0].segment
    assert text[first.start_index : first.end_index] != first.text
    assert "Zürich’s café culture" in pieces[0]


def test_search_usage_counts_the_tool_prompt_tokens(client: genai.Client) -> None:
    usage = grounded(client, "Who won the 2022 World Cup?").usage_metadata

    assert usage.tool_use_prompt_token_count > 0
    assert usage.tool_use_prompt_tokens_details[0].modality == types.MediaModality.TEXT
    assert usage.tool_use_prompt_tokens_details[0].token_count == usage.tool_use_prompt_token_count
    assert usage.total_token_count == (
        usage.prompt_token_count
        + usage.candidates_token_count
        + (usage.thoughts_token_count or 0)
        + usage.tool_use_prompt_token_count
    )


def test_the_entry_point_escapes_the_query(client: genai.Client) -> None:
    rendered = (
        grounded(client, "Search for <script>alert(1)</script> tags")
        .candidates[0]
        .grounding_metadata.search_entry_point.rendered_content
    )

    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered


def test_with_thoughts_the_segments_name_the_answer_part(client: genai.Client) -> None:
    reply = grounded(
        client,
        "What is the capital of Australia?",
        model="gemini-2.5-pro",
        thinking_config=types.ThinkingConfig(include_thoughts=True),
    )

    parts = reply.candidates[0].content.parts
    assert parts[0].thought and not parts[1].thought
    meta = reply.candidates[0].grounding_metadata
    assert {s.segment.part_index for s in meta.grounding_supports} == {1}
    supported_texts(parts[1].text, meta)


def test_a_streamed_search_answer_ends_with_the_metadata(client: genai.Client) -> None:
    cfg = types.GenerateContentConfig(tools=[SEARCH])
    chunks = list(
        client.models.generate_content_stream(
            model=MODEL, contents="How do bees make honey?", config=cfg
        )
    )

    assert len(chunks) > 3
    assert all(c.candidates[0].grounding_metadata is None for c in chunks[:-1])
    meta = chunks[-1].candidates[0].grounding_metadata
    supported_texts("".join(c.text or "" for c in chunks), meta)
    assert chunks[-1].usage_metadata.tool_use_prompt_token_count > 0


def test_without_the_tool_there_is_no_grounding(client: genai.Client) -> None:
    reply = client.models.generate_content(model=MODEL, contents="How do bees make honey?")

    assert reply.candidates[0].grounding_metadata is None
    assert reply.usage_metadata.tool_use_prompt_token_count is None


def _grounding_shape(reply: types.GenerateContentResponse) -> dict[str, Any]:
    meta = reply.candidates[0].grounding_metadata
    return {
        "metadata": sorted(k for k, v in meta if v is not None),
        "chunk": sorted(k for k, v in meta.grounding_chunks[0].web if v is not None),
        "segment": sorted(
            k for k, v in meta.grounding_supports[0].segment if v is not None and k != "part_index"
        ),
        "parts": [sorted(k for k, v in p if v is not None) for p in reply.parts],
        "usage": sorted(k for k, v in reply.usage_metadata if v is not None),
    }


def test_the_offline_search_reply_reads_like_the_recorded_one(
    client: genai.Client, recorded: ThreadingHTTPServer
) -> None:
    body = wire_json("tool_google_search_gemini-2.5-pro.json")
    real = through_sdk(recorded, body, "gemini-2.5-pro")
    offline = grounded(
        client, "What is the weather in San Francisco today?", model="gemini-2.5-pro"
    )

    assert _grounding_shape(offline) == _grounding_shape(real)
    # The recorded offsets are byte offsets too (its text has "°F" before them).
    supported_texts(real.text, real.candidates[0].grounding_metadata)


# -- URL context ---------------------------------------------------------------------------

URLS = types.Tool(url_context=types.UrlContext())
PAGES = "Compare https://en.wikipedia.org/wiki/Grace_Hopper and https://example.org/café/menu.html."


def with_urls(client: genai.Client, prompt: str, *tools: types.Tool, stream: bool = False):
    cfg = types.GenerateContentConfig(tools=[URLS, *tools])
    if stream:
        return list(client.models.generate_content_stream(model=MODEL, contents=prompt, config=cfg))
    return client.models.generate_content(model=MODEL, contents=prompt, config=cfg)


def test_each_url_of_the_prompt_is_retrieved(client: genai.Client) -> None:
    reply = with_urls(client, PAGES)

    candidate = reply.candidates[0]
    metadata = candidate.url_context_metadata.url_metadata
    assert [m.retrieved_url for m in metadata] == [
        "https://en.wikipedia.org/wiki/Grace_Hopper",
        "https://example.org/café/menu.html",
    ]
    assert {m.url_retrieval_status for m in metadata} == {
        types.UrlRetrievalStatus.URL_RETRIEVAL_STATUS_SUCCESS
    }
    chunks = candidate.grounding_metadata.grounding_chunks
    assert [c.web.uri for c in chunks] == [m.retrieved_url for m in metadata]
    pieces = supported_texts(reply.text, candidate.grounding_metadata)
    assert pieces == [
        "The page on en.wikipedia.org is about Grace Hopper.",
        "The page on example.org is about menu.",
    ]
    assert reply.usage_metadata.tool_use_prompt_token_count > 0


@pytest.mark.parametrize("status", ["ERROR", "PAYWALL", "UNSAFE"])
def test_a_directive_forces_a_retrieval_failure(client: genai.Client, status: str) -> None:
    reply = with_urls(client, f"Summarise https://news.example.com/story [[url:{status}]]")

    candidate = reply.candidates[0]
    (meta,) = candidate.url_context_metadata.url_metadata
    assert meta.retrieved_url == "https://news.example.com/story"
    assert meta.url_retrieval_status == types.UrlRetrievalStatus[f"URL_RETRIEVAL_STATUS_{status}"]
    assert candidate.grounding_metadata is None
    assert "I couldn't read https://news.example.com/story" in reply.text
    assert "[[url" not in reply.text


def test_without_a_url_there_is_no_url_metadata(client: genai.Client) -> None:
    reply = with_urls(client, "Summarise the news for me")

    assert reply.candidates[0].url_context_metadata is None


def test_url_context_and_search_together_still_read_the_urls(client: genai.Client) -> None:
    reply = with_urls(client, "What does https://example.com/pricing say?", SEARCH)

    assert reply.candidates[0].url_context_metadata.url_metadata[0].retrieved_url == (
        "https://example.com/pricing"
    )


def test_a_streamed_url_answer_ends_with_the_url_metadata(client: genai.Client) -> None:
    chunks = with_urls(client, "Summarise https://example.com/pricing please", stream=True)

    assert all(c.candidates[0].url_context_metadata is None for c in chunks[:-1])
    last = chunks[-1].candidates[0]
    assert last.url_context_metadata.url_metadata[0].retrieved_url == "https://example.com/pricing"
    supported_texts("".join(c.text or "" for c in chunks), last.grounding_metadata)


def test_the_offline_url_reply_reads_like_the_recorded_one(
    client: genai.Client, recorded: ThreadingHTTPServer
) -> None:
    real = through_sdk(recorded, wire_json("tool_url_context_gemini-2.5-flash.json"), MODEL)
    offline = with_urls(client, "What is the first sentence on the page https://ai.pydantic.dev?")

    def shape(reply: types.GenerateContentResponse) -> dict[str, Any]:
        candidate = reply.candidates[0]
        return {
            "url": [
                sorted(k for k, v in m if v is not None)
                for m in candidate.url_context_metadata.url_metadata
            ],
            "status": [m.url_retrieval_status for m in candidate.url_context_metadata.url_metadata],
            "grounding": sorted(k for k, v in candidate.grounding_metadata if v is not None),
            "usage": sorted(k for k, v in reply.usage_metadata if v is not None),
        }

    assert shape(offline) == shape(real)

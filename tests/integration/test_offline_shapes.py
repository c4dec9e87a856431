"""Reply shapes as the real API sends them, through the real SDK.

The server gives the recorded shapes:
``content: {}`` on SAFETY and NO_IMAGE, no content on RECITATION, thoughts and answer
sharing ``maxOutputTokens`` (``content: {"role": "model"}`` with MAX_TOKENS when thinking
spends it all) and temperature 1.0 when unset. The last tests feed the recorded bodies in
tests/fixtures/wire and the offline replies for the same kinds of request through the SDK
and compare what an app sees.
"""

from __future__ import annotations

import http.client
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import PIL.Image
import pytest
from google import genai
from google.genai import types

from gemini_offline import OfflineServer, start_server
from gemini_offline.tokens import count_tokens
from tests.conftest import wire_json

from .conftest import sdk_client
from .helpers import raw_call

TEXT_MODEL = "gemini-2.5-flash-lite"  # thinks only when asked, like the 1.5 recordings
PROMPT = "Explain how photosynthesis works"


@pytest.fixture(scope="module")
def real() -> Iterator[OfflineServer]:
    server = start_server(port=0, chunk_delay_ms=0, record=True)
    yield server
    server.stop()


@pytest.fixture
def rc(real: OfflineServer) -> Iterator[genai.Client]:
    c = sdk_client(real)
    yield c
    c.close()


def generate(
    client: genai.Client, contents: Any = PROMPT, model: str = TEXT_MODEL, **config: Any
) -> types.GenerateContentResponse:
    cfg = types.GenerateContentConfig(**config) if config else None
    return client.models.generate_content(model=model, contents=contents, config=cfg)


def candidate_body(srv: OfflineServer, model: str, prompt: str, **config: Any) -> dict:
    body = {"contents": [{"role": "user", "parts": [{"text": prompt}]}]}
    if config:
        body["generationConfig"] = config
    status, reply = raw_call(srv, f"/v1beta/models/{model}:generateContent", body)
    assert status == 200, reply
    return reply["candidates"][0]


# -- empty candidates ----------------------------------------------------------------------


def test_safety_candidate_has_an_empty_content_object(rc: genai.Client, real) -> None:
    reply = generate(rc, "Explain tides [[finish:SAFETY]]")

    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason.SAFETY
    assert candidate.content == types.Content() and candidate.content.parts is None
    assert reply.text is None and reply.parts is None
    assert candidate_body(real, TEXT_MODEL, "Explain tides [[finish:SAFETY]]")["content"] == {}


def test_no_image_candidate_has_an_empty_content_object(rc: genai.Client, real) -> None:
    config = {"response_modalities": ["TEXT", "IMAGE"]}
    reply = generate(rc, "A cat [[finish:NO_IMAGE]]", model="gemini-3.1-flash-image", **config)

    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason.NO_IMAGE
    assert candidate.content == types.Content() and reply.parts is None
    body = candidate_body(
        real, "gemini-3.1-flash-image", "A cat [[finish:NO_IMAGE]]", responseModalities=["IMAGE"]
    )
    assert body["content"] == {}


def test_recitation_candidate_has_no_content_at_all(rc: genai.Client, real) -> None:
    reply = generate(rc, "Explain tides [[finish:RECITATION]]")

    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason.RECITATION
    assert candidate.content is None and reply.text is None
    assert reply.usage_metadata.candidates_token_count is None
    body = candidate_body(real, TEXT_MODEL, "Explain tides [[finish:RECITATION]]")
    assert body == {"finishReason": "RECITATION", "index": 0}


def test_streamed_safety_ends_with_one_empty_content_chunk(rc: genai.Client) -> None:
    chunks = list(
        rc.models.generate_content_stream(model=TEXT_MODEL, contents="Tides [[finish:SAFETY]]")
    )

    assert len(chunks) == 1
    assert chunks[0].candidates[0].content == types.Content()
    assert chunks[0].candidates[0].finish_reason == types.FinishReason.SAFETY


# -- thinking within maxOutputTokens ------------------------------------------------------


def uncapped_thoughts(client: genai.Client, model: str) -> int:
    reply = generate(client, model=model, temperature=0)
    return reply.usage_metadata.thoughts_token_count


def test_thinking_that_spends_the_cap_leaves_a_role_only_content(rc: genai.Client, real) -> None:
    thoughts = uncapped_thoughts(rc, "gemini-2.5-pro")
    cap = thoughts // 2

    reply = generate(rc, model="gemini-2.5-pro", max_output_tokens=cap)

    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason.MAX_TOKENS
    assert candidate.content == types.Content(role="model") and candidate.content.parts is None
    assert reply.text is None
    usage = reply.usage_metadata
    assert usage.thoughts_token_count == cap and usage.candidates_token_count is None
    assert usage.total_token_count == usage.prompt_token_count + cap
    body = candidate_body(real, "gemini-2.5-pro", PROMPT, maxOutputTokens=cap)
    assert body == {"content": {"role": "model"}, "finishReason": "MAX_TOKENS", "index": 0}


def test_thoughts_and_answer_share_the_cap(rc: genai.Client) -> None:
    thoughts = uncapped_thoughts(rc, "gemini-2.5-flash")
    cap = thoughts + 12

    reply = generate(rc, model="gemini-2.5-flash", max_output_tokens=cap, temperature=0)

    usage = reply.usage_metadata
    assert reply.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert usage.thoughts_token_count == thoughts and usage.candidates_token_count == 12
    assert count_tokens(reply.text) == 12
    full = generate(rc, model="gemini-2.5-flash", temperature=0).text
    assert full.startswith(reply.text)


def test_a_cap_above_thoughts_and_answer_finishes_normally(rc: genai.Client) -> None:
    reply = generate(rc, model="gemini-2.5-flash", max_output_tokens=8192)

    usage = reply.usage_metadata
    assert reply.candidates[0].finish_reason == types.FinishReason.STOP
    assert usage.thoughts_token_count > 0 and usage.candidates_token_count > 0
    assert usage.thoughts_token_count + usage.candidates_token_count <= 8192


def test_included_thoughts_are_cut_at_the_cap(rc: genai.Client) -> None:
    thinking = types.ThinkingConfig(include_thoughts=True)
    reply = generate(rc, model="gemini-2.5-pro", max_output_tokens=10, thinking_config=thinking)

    parts = reply.candidates[0].content.parts
    assert parts and all(p.thought for p in parts)
    assert count_tokens("\n\n".join(p.text for p in parts)) == 10
    assert reply.usage_metadata.thoughts_token_count == 10 and reply.text is None


def test_streamed_thinking_that_spends_the_cap_ends_max_tokens_without_text(
    rc: genai.Client,
) -> None:
    chunks = list(
        rc.models.generate_content_stream(
            model="gemini-2.5-pro",
            contents=PROMPT,
            config=types.GenerateContentConfig(max_output_tokens=8),
        )
    )

    assert chunks and all(c.text is None for c in chunks)
    last = chunks[-1]
    assert last.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert last.candidates[0].content == types.Content(role="model")
    assert last.usage_metadata.thoughts_token_count == 8


# -- sampling -----------------------------------------------------------------------------


def test_unset_temperature_is_1_and_replies_vary(rc: genai.Client) -> None:
    texts = [generate(rc).text for _ in range(3)]

    assert len(set(texts)) == 3


def test_temperature_zero_and_a_seed_stay_reproducible(rc: genai.Client) -> None:
    assert len({generate(rc, temperature=0).text for _ in range(3)}) == 1
    assert len({generate(rc, seed=11).text for _ in range(3)}) == 1
    assert generate(rc, seed=11).text != generate(rc, seed=12).text


def test_variation_counters_are_per_caller(real: OfflineServer) -> None:
    def texts(key: str) -> list[str]:
        client = genai.Client(api_key=key, http_options=types.HttpOptions(base_url=real.url))
        return [generate(client).text for _ in range(2)]

    # Two fresh callers see the same sequence: one visitor's traffic never shifts another's.
    assert texts("caller-a-shapes") == texts("caller-b-shapes")


# -- -latest aliases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "target"),
    [
        ("gemini-flash-latest", "gemini-2.5-flash"),
        ("gemini-flash-lite-latest", "gemini-2.5-flash-lite"),
    ],
)
def test_latest_aliases_resolve(client: genai.Client, alias: str, target: str) -> None:
    model = client.models.get(model=alias)
    reply = generate(client, model=alias)

    assert model.name == f"models/{alias}" and model.thinking is True
    assert "generateContent" in model.supported_actions
    assert reply.text and reply.model_version == target
    assert f"models/{alias}" in [m.name for m in client.models.list()]


# -- recorded bodies and offline replies, as the SDK presents them ------------------------


class _Recorded(BaseHTTPRequestHandler):
    """Answers every generateContent with the body in ``server.body``."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        data = json.dumps(self.server.body).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def recorded() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def through_sdk(server: ThreadingHTTPServer, body: dict, model: str) -> Any:
    server.body = body  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{server.server_address[1]}"
    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=url))
    return client.models.generate_content(model=model, contents="x")


def _part_kind(part: types.Part) -> str:
    if part.thought:
        return "thought"
    if part.inline_data is not None:
        return f"image:{part.inline_data.mime_type}"
    kind = "text" if part.text is not None else "other"
    return kind + ("+signature" if part.thought_signature else "")


USAGE_FIELDS = (
    "prompt_token_count",
    "candidates_token_count",
    "thoughts_token_count",
    "total_token_count",
)


def shape(reply: types.GenerateContentResponse, *, usage: bool = True) -> dict[str, Any]:
    """What an app reads, reduced to its shape (present or not, kinds, enums)."""
    candidate = reply.candidates[0] if reply.candidates else None
    content = candidate.content if candidate else None
    found: dict[str, Any] = {
        "text": "str" if isinstance(reply.text, str) and reply.text else reply.text,
        "candidates": len(reply.candidates or []),
        "content": None
        if content is None
        else {"role": content.role, "parts": None if content.parts is None else len(content.parts)},
        "parts": None if reply.parts is None else [_part_kind(p) for p in reply.parts],
        "finish_reason": candidate.finish_reason if candidate else None,
        "prompt_feedback": reply.prompt_feedback.block_reason if reply.prompt_feedback else None,
    }
    if usage:
        meta = reply.usage_metadata
        found["usage"] = None if meta is None else [f for f in USAGE_FIELDS if getattr(meta, f)]
    return found


SAME_KINDS = [
    pytest.param(
        "generate_finish_safety_gemini-1.5-flash.json",
        TEXT_MODEL,
        "Explain tides [[finish:SAFETY]]",
        {},
        id="safety",
    ),
    pytest.param(
        "generate_finish_recitation_no_content_gemini-1.5-flash-latest.json",
        TEXT_MODEL,
        "Explain how AI works [[finish:RECITATION]]",
        {},
        id="recitation",
    ),
    pytest.param(
        "generate_finish_max_tokens_no_parts_gemini-2.5-pro.json",
        "gemini-2.5-pro",
        "What is the capital of France?",
        {"max_output_tokens": 2},
        id="max-tokens-thinking-spent-the-cap",
    ),
    pytest.param(
        "generate_finish_max_tokens_gemini-2.5-flash.json",
        "gemini-2.5-flash",
        "What is the capital of France?",
        {"max_output_tokens": 5, "thinking_config": types.ThinkingConfig(thinking_budget=0)},
        id="max-tokens-text",
    ),
    pytest.param(
        "generate_thought_parts_gemini-3-pro-preview.json",
        "gemini-3-pro-preview",
        "How many r's are in strawberry?",
        {"thinking_config": types.ThinkingConfig(include_thoughts=True)},
        id="thought-parts",
    ),
    pytest.param(
        "generate_image_inlinedata_png_gemini-2.5-flash-image.json",
        "gemini-2.5-flash-image",
        "Generate an image of an axolotl",
        {"response_modalities": ["TEXT", "IMAGE"]},
        id="image",
    ),
]


@pytest.mark.parametrize(("name", "model", "prompt", "config"), SAME_KINDS)
def test_offline_reply_reads_like_the_recorded_one(
    rc: genai.Client,
    recorded: ThreadingHTTPServer,
    name: str,
    model: str,
    prompt: str,
    config: dict,
) -> None:
    real_reply = through_sdk(recorded, wire_json(name), model)
    offline_reply = generate(rc, prompt, model=model, **config)

    assert shape(offline_reply) == shape(real_reply)


def test_blocked_prompt_reads_like_the_recorded_one(
    rc: genai.Client, recorded: ThreadingHTTPServer
) -> None:
    real_reply = through_sdk(
        recorded, wire_json("generate_prompt_blocked_safety_gemini-pro.json"), TEXT_MODEL
    )
    offline_reply = generate(rc, "Say something rude [[block:SAFETY]]")

    # The 2024 recording has no usageMetadata; today's blocked replies carry one.
    assert shape(offline_reply, usage=False) == shape(real_reply, usage=False)
    assert shape(real_reply)["prompt_feedback"] == types.BlockedReason.SAFETY


def test_the_shape_comparison_tells_shapes_apart(
    rc: genai.Client, recorded: ThreadingHTTPServer
) -> None:
    # SAFETY sends "content": {}, RECITATION no content at all: the comparison must see
    # that difference, or the tests above prove nothing.
    real_reply = through_sdk(
        recorded, wire_json("generate_finish_safety_gemini-1.5-flash.json"), TEXT_MODEL
    )
    other = generate(rc, "Explain tides [[finish:RECITATION]]")

    assert shape(other) != shape(real_reply)


# -- images and streams -------------------------------------------------------------------


def test_gemini_3_pro_image_sends_jpeg(rc: genai.Client) -> None:
    reply = generate(
        rc,
        "Generate an image of a lighthouse at dawn",
        model="gemini-3-pro-image",
        response_modalities=["TEXT", "IMAGE"],
    )

    [blob] = [p.inline_data for p in reply.parts if p.inline_data]
    assert blob.mime_type == "image/jpeg"
    picture = PIL.Image.open(io.BytesIO(blob.data))
    assert picture.format == "JPEG" and picture.size == (1024, 1024)


def test_other_image_models_still_send_png(rc: genai.Client) -> None:
    reply = generate(
        rc, "A red kite", model="gemini-3.1-flash-image", response_modalities=["IMAGE"]
    )

    [blob] = [p.inline_data for p in reply.parts if p.inline_data]
    assert blob.mime_type == "image/png" and blob.data.startswith(b"\x89PNG")


def test_image_stream_ends_with_an_empty_text_chunk_carrying_the_finish(rc: genai.Client) -> None:
    chunks = list(
        rc.models.generate_content_stream(
            model="gemini-3.1-flash-image",
            contents="Generate an image of a lighthouse",
            config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"]),
        )
    )

    *_, image_chunk, last = chunks
    [image_part] = image_chunk.candidates[0].content.parts
    assert image_part.inline_data is not None
    assert image_chunk.candidates[0].finish_reason is None
    assert [p.text for p in last.candidates[0].content.parts] == [""]
    assert last.candidates[0].finish_reason == types.FinishReason.STOP
    assert last.usage_metadata.candidates_token_count == (
        image_chunk.usage_metadata.candidates_token_count
    )


def raw_stream(srv: OfflineServer, path: str, body: dict) -> tuple[int, dict, list[tuple]]:
    """POST and read the reply as it arrives: (status, headers, [(seconds, bytes), …])."""
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    started = time.perf_counter()
    connection.request(
        "POST",
        path,
        json.dumps(body),
        {"Content-Type": "application/json", "x-goog-api-key": "test-key"},
    )
    response = connection.getresponse()
    pieces = []
    while piece := response.read1(65536):
        pieces.append((time.perf_counter() - started, piece))
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, pieces


def test_json_array_stream_arrives_chunk_by_chunk_with_the_real_separators(real) -> None:
    body = {
        "contents": [{"role": "user", "parts": [{"text": "Explain tides"}]}],
        "generationConfig": {"temperature": 0},
    }
    real.options.chunk_delay_ms = 40
    try:
        status, headers, pieces = raw_stream(
            real, "/v1beta/models/gemini-2.5-flash-lite:streamGenerateContent", body
        )
    finally:
        real.options.chunk_delay_ms = 0

    data = b"".join(piece for _, piece in pieces)
    assert status == 200 and "content-length" not in headers
    assert data.startswith(b"[{\n") and data.endswith(b"}]")
    chunks = json.loads(data)
    assert len(chunks) > 3
    assert data.count(b"\n,\r\n") == len(chunks) - 1
    assert pieces[-1][0] - pieces[0][0] >= 0.04 * (len(chunks) - 2)  # not sent in one go
    _, whole = raw_call(real, "/v1beta/models/gemini-2.5-flash-lite:generateContent", body)
    texts = "".join(c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks)
    assert texts == whole["candidates"][0]["content"]["parts"][0]["text"]
    assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"
    assert "finishReason" not in chunks[0]["candidates"][0]


def test_json_array_stream_error_is_wrapped_in_an_array(real) -> None:
    status, reply = raw_call(
        real, "/v1beta/models/gemini-2.5-flash:streamGenerateContent", {"contents": []}
    )

    assert status == 400 and isinstance(reply, list) and len(reply) == 1
    assert reply[0]["error"]["message"] == (
        "* GenerateContentRequest.contents: contents is not specified"
    )

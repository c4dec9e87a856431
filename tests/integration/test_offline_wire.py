"""Wire-level behaviour: the request log, body spellings, raw SSE framing, and the CLI."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import PIL.Image
from google import genai
from google.genai import types

from gemini_offline import OfflineServer, shared_server

from .helpers import raw_call

MODEL = "gemini-2.5-flash"
ROOT = Path(__file__).resolve().parents[2]


def test_request_log_keeps_a_key_hint_but_never_the_key(
    client: genai.Client, srv: OfflineServer
) -> None:
    client.models.generate_content(
        model=MODEL,
        contents="Explain tides",
        config=types.GenerateContentConfig(system_instruction="Be brief.", temperature=0.2),
    )

    recorded = srv.last()
    assert recorded.method == "POST" and recorded.api_version == "v1"
    assert recorded.model == MODEL and recorded.action == "generateContent"
    assert recorded.key_hint == hashlib.sha256(b"test-key").hexdigest()[:12]
    assert "x-goog-api-key" not in recorded.headers
    assert "test-key" not in repr(recorded)
    assert recorded.headers["content-type"] == "application/json"
    assert recorded.generation_config == {"temperature": 0.2}
    assert recorded.system_text == "Be brief."
    assert recorded.user_texts == ["Explain tides"]
    assert srv.last("countTokens") is None


def test_snake_case_and_camel_case_bodies_are_both_accepted(srv: OfflineServer) -> None:
    png = io.BytesIO()
    PIL.Image.new("RGB", (20, 10), "white").save(png, format="PNG")
    data = base64.urlsafe_b64encode(png.getvalue()).decode()
    snake = {
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "Describe"},
                    {"inline_data": {"mime_type": "image/png", "data": data}},
                ],
            }
        ],
        "system_instruction": {"parts": [{"text": "Be concise."}]},
        "generation_config": {
            "max_output_tokens": 5,
            "thinking_config": {"thinking_budget": 0},
            "response_mime_type": "text/plain",
        },
    }
    camel = {
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "Describe"},
                    {"inlineData": {"mimeType": "image/png", "data": data}},
                ],
            }
        ],
        "systemInstruction": {"parts": [{"text": "Be concise."}]},
        "generationConfig": {
            "maxOutputTokens": 5,
            "thinkingConfig": {"thinkingBudget": 0},
            "responseMimeType": "text/plain",
        },
    }

    replies = [raw_call(srv, f"/v1beta/models/{MODEL}:generateContent", b) for b in (snake, camel)]

    assert [status for status, _ in replies] == [200, 200]
    (_, a), (_, b) = replies
    assert a["candidates"][0]["content"] == b["candidates"][0]["content"]
    assert a["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert a["usageMetadata"]["candidatesTokenCount"] == 5
    assert srv.requests[0].body == snake  # recorded as received


def test_schema_property_names_keep_their_spelling(srv: OfflineServer) -> None:
    schema = {
        "type": "OBJECT",
        "properties": {"first_name": {"type": "STRING"}, "max_items": {"type": "INTEGER"}},
        "property_ordering": ["max_items", "first_name"],
        "required": ["first_name"],
    }
    body = {
        "contents": [{"role": "user", "parts": [{"text": "A person"}]}],
        "generationConfig": {"responseMimeType": "application/json", "responseSchema": schema},
    }

    status, reply = raw_call(srv, f"/v1/models/{MODEL}:generateContent", body)

    assert status == 200
    instance = json.loads(reply["candidates"][0]["content"]["parts"][0]["text"])
    assert list(instance) == ["max_items", "first_name"]
    assert isinstance(instance["max_items"], int) and isinstance(instance["first_name"], str)


def test_raw_sse_framing_matches_the_recorded_streams(srv: OfflineServer) -> None:
    body = json.dumps({"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}).encode()
    request = urllib.request.Request(
        f"{srv.url}/v1beta/models/{MODEL}:streamGenerateContent?alt=sse",
        data=body,
        headers={"x-goog-api-key": "k", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        raw = response.read().decode()

    events = raw.split("\r\n\r\n")
    assert events[-1] == "" and all(e.startswith("data: {") for e in events[:-1])
    payloads = [json.loads(e[len("data: ") :]) for e in events[:-1]]
    assert all(
        set(p) == {"candidates", "usageMetadata", "modelVersion", "responseId"} for p in payloads
    )
    assert all("finishReason" not in p["candidates"][0] for p in payloads[:-1])
    assert payloads[-1]["candidates"][0]["finishReason"] == "STOP"


def test_cli_starts_prints_its_url_and_answers(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gemini_offline", "--port", "0", "--chunk-delay-ms", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        client = genai.Client(api_key="cli", http_options=types.HttpOptions(base_url=url))

        assert client.models.generate_content(model=MODEL, contents="Hello").text
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_stream_without_alt_sse_is_one_json_array_of_chunks(srv: OfflineServer) -> None:
    body = {
        "contents": [{"role": "user", "parts": [{"text": "Explain tides"}]}],
        "generationConfig": {"temperature": 0},
    }

    _, whole = raw_call(srv, f"/v1/models/{MODEL}:generateContent", body)
    status, chunks = raw_call(srv, f"/v1/models/{MODEL}:streamGenerateContent", body)

    assert status == 200 and isinstance(chunks, list) and len(chunks) > 1
    joined = "".join(c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks)
    assert joined == whole["candidates"][0]["content"]["parts"][0]["text"]


def test_shared_server_is_one_lazily_started_instance() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        servers = list(pool.map(lambda _: shared_server(), range(8)))

    assert all(s is servers[0] for s in servers)
    status, body = raw_call(servers[0], "/v1/models/gemini-2.5-flash", method="GET")
    assert status == 200 and body["name"] == "models/gemini-2.5-flash"

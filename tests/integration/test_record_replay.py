"""Record through the proxy in front of one gemini_offline, stop it, replay the folder.

Everything talks HTTP: the real SDK (and urllib for raw bytes) through a
:class:`RecordingProxy` in front of an :class:`OfflineServer`; then, with that server
stopped, the same calls against a :class:`ReplayServer` must give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest
from google import genai
from google.genai import errors, types

from gemini_offline import OfflineServer, start_server
from gemini_offline.recordings import RecordingProxy, ReplayServer, load_exchanges

MODEL = "gemini-2.5-flash"
IMAGE_MODEL = "gemini-2.5-flash-image"
KEY = "AIzaRecordReplay-client-key-0123456789"
QUERY_KEY = "AIzaRecordReplay-query-key-0123456789"
BEARER = "ya29.record-replay-bearer-0123456789"
ENV_KEY = "AIzaRecordReplay-env-key-0123456789"
SECRETS = (KEY, QUERY_KEY, BEARER, ENV_KEY)
TIMEOUT_MS = 10_000
ROOT = Path(__file__).resolve().parents[2]
GEN = f"/v1/models/{MODEL}:generateContent"
STREAM = f"/v1/models/{MODEL}:streamGenerateContent"


def body_for(prompt: str, **config: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"contents": [{"role": "user", "parts": [{"text": prompt}]}]}
    if config:
        body["generationConfig"] = config
    return body


def http(
    base: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A plain request: (status, lower-cased headers, raw body bytes)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def sdk(base_url: str, api_key: str = KEY) -> genai.Client:
    return genai.Client(
        api_key=api_key, http_options=types.HttpOptions(base_url=base_url, timeout=TIMEOUT_MS)
    )


def image_config() -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        response_modalities=["TEXT", "IMAGE"], image_config=types.ImageConfig(aspect_ratio="1:1")
    )


def chat_turns(client: genai.Client) -> list[str | None]:
    chat = client.chats.create(
        model=MODEL, config=types.GenerateContentConfig(system_instruction="Be brief.")
    )
    return [chat.send_message("Name a planet").text, chat.send_message("And its moons?").text]


@dataclass
class Recorded:
    folder: Path
    upstream: OfflineServer
    proxy: RecordingProxy
    seen: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    """One recording session through the proxy; the upstream is stopped afterwards."""
    folder = tmp_path_factory.mktemp("rec") / "demo"
    upstream = start_server(port=0, chunk_delay_ms=0, record=True)
    proxy = RecordingProxy(folder, upstream=upstream.url).start()
    rec = Recorded(folder, upstream, proxy)
    seen = rec.seen
    client = sdk(proxy.url)
    try:
        seen["text"] = client.models.generate_content(model=MODEL, contents="Explain tides")
        seen["stream"] = list(
            client.models.generate_content_stream(model=MODEL, contents="Tell a story")
        )
        seen["chat"] = chat_turns(client)
        seen["tokens"] = client.models.count_tokens(model=MODEL, contents="Count these words")
        seen["models"] = [m.name for m in client.models.list()]
        seen["model"] = client.models.get(model=MODEL)
        seen["image"] = client.models.generate_content(
            model=IMAGE_MODEL, contents="A red circle", config=image_config()
        )
        varied = types.GenerateContentConfig(temperature=0.9)
        seen["repeats"] = [
            client.models.generate_content(model=MODEL, contents="Vary", config=varied).text
            for _ in range(2)
        ]
        # Raw bytes: the unary body, the SSE stream, the JSON-array stream (key in the query).
        seen["raw_text"] = http(proxy.url, GEN, body_for("Raw tides"), {"x-goog-api-key": KEY})
        seen["raw_sse"] = http(
            proxy.url, STREAM + "?alt=sse", body_for("Raw story"), {"x-goog-api-key": KEY}
        )
        seen["raw_array"] = http(proxy.url, f"{STREAM}?key={QUERY_KEY}", body_for("Raw array"))
        seen["bearer"] = http(
            proxy.url, GEN, body_for("Bearer"), {"Authorization": f"Bearer {BEARER}"}
        )
        with pytest.MonkeyPatch.context() as mp:
            mp.delenv("GOOGLE_API_KEY", raising=False)
            mp.setenv("GEMINI_API_KEY", ENV_KEY)
            seen["env_key"] = http(proxy.url, GEN, body_for("Key from the environment"))
        seen["upstream_keys"] = {r.key_hint for r in upstream.requests}
    finally:
        client.close()
        proxy.stop()
        upstream.stop()
    yield rec


@pytest.fixture(scope="module")
def replay(recorded: Recorded) -> Iterator[ReplayServer]:
    with ReplayServer(recorded.folder, speed=0) as server:
        yield server


@pytest.fixture
def client(replay: ReplayServer) -> Iterator[genai.Client]:
    replay.rewind()
    c = sdk(replay.url, api_key="replay-needs-no-real-key")
    yield c
    c.close()


def dump(response: Any) -> Any:
    return response.model_dump(mode="json", exclude={"sdk_http_response"})


def test_the_proxy_forwarded_the_keys_and_recorded_every_exchange(recorded: Recorded) -> None:
    hint = {s: hashlib.sha256(s.encode()).hexdigest()[:12] for s in (KEY, QUERY_KEY, ENV_KEY)}
    assert set(hint.values()) <= recorded.seen["upstream_keys"]
    assert recorded.seen["env_key"][0] == 200
    assert recorded.seen["bearer"][0] == 403  # a bearer is not a Developer-API key
    exchanges = load_exchanges(recorded.folder)
    assert len(exchanges) == recorded.proxy.recorded == len(recorded.upstream.requests) == 15
    assert [e.sequence for e in exchanges] == list(range(1, 16))


def test_no_key_is_written_anywhere_in_the_recording(recorded: Recorded) -> None:
    files = [p for p in recorded.folder.rglob("*") if p.is_file()]
    assert len(files) == 16  # the manifest and 15 exchanges
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret} in {path.name}"
        assert b"x-goog-api-key" not in data.lower() and b"authorization" not in data.lower()


def test_text_replays_the_same_reply(recorded: Recorded, client: genai.Client) -> None:
    again = client.models.generate_content(model=MODEL, contents="Explain tides")

    assert again.text and again.text == recorded.seen["text"].text
    assert dump(again) == dump(recorded.seen["text"])


def test_stream_replays_the_same_chunks(recorded: Recorded, client: genai.Client) -> None:
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="Tell a story"))

    assert len(chunks) > 2
    assert [dump(c) for c in chunks] == [dump(c) for c in recorded.seen["stream"]]


def test_chat_replays_both_turns(recorded: Recorded, client: genai.Client) -> None:
    assert chat_turns(client) == recorded.seen["chat"]
    assert all(recorded.seen["chat"])


def test_count_tokens_and_models_replay(recorded: Recorded, client: genai.Client) -> None:
    tokens = client.models.count_tokens(model=MODEL, contents="Count these words")

    assert tokens.total_tokens == recorded.seen["tokens"].total_tokens > 0
    assert [m.name for m in client.models.list()] == recorded.seen["models"]
    assert dump(client.models.get(model=MODEL)) == dump(recorded.seen["model"])


def test_image_replays_the_same_image_bytes(recorded: Recorded, client: genai.Client) -> None:
    def images(response: Any) -> list[bytes]:
        return [p.inline_data.data for p in response.parts or [] if p.inline_data]

    again = client.models.generate_content(
        model=IMAGE_MODEL, contents="A red circle", config=image_config()
    )

    assert images(recorded.seen["image"]) and images(again) == images(recorded.seen["image"])


def test_raw_bodies_are_byte_for_byte_and_need_no_key(
    recorded: Recorded, replay: ReplayServer
) -> None:
    replay.rewind()
    cases = {
        "raw_text": (GEN, body_for("Raw tides")),
        "raw_sse": (STREAM + "?alt=sse", body_for("Raw story")),
        "raw_array": (STREAM, body_for("Raw array")),
        "bearer": (GEN, body_for("Bearer")),
    }
    for name, (path, body) in cases.items():
        status, headers, data = http(replay.url, path, body)  # no key at all
        was_status, was_headers, was_data = recorded.seen[name]
        assert (status, data) == (was_status, was_data), name
        assert headers["content-type"] == was_headers["content-type"], name
    assert recorded.seen["raw_sse"][2].count(b"data: ") > 2
    assert json.loads(recorded.seen["raw_array"][2])[0]["candidates"]


def test_a_repeated_request_replays_its_answers_in_order_then_the_last(
    recorded: Recorded, client: genai.Client
) -> None:
    first, second = recorded.seen["repeats"]
    assert first != second  # temperature 0.9 without a seed varies per call
    varied = types.GenerateContentConfig(temperature=0.9)

    answers = [
        client.models.generate_content(model=MODEL, contents="Vary", config=varied).text
        for _ in range(3)
    ]

    assert answers == [first, second, second]


def test_an_unrecorded_request_names_what_is_missing(
    recorded: Recorded, replay: ReplayServer, client: genai.Client
) -> None:
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents="Something never recorded here")

    error = caught.value
    assert error.code == 404 and error.status == "NOT_FOUND"
    assert "Not recorded" in error.message and "generateContent" in error.message
    assert MODEL in error.message and "Something never recorded here" in error.message
    assert str(recorded.folder) in error.message
    assert replay.misses[-1]["prompt"] == "Something never recorded here"

    with pytest.raises(errors.ClientError, match="streamGenerateContent"):
        list(client.models.generate_content_stream(model=MODEL, contents="Unrecorded stream"))
    status, _, data = http(replay.url, STREAM, body_for("Unrecorded array"))
    assert status == 404 and json.loads(data)[0]["error"]["status"] == "NOT_FOUND"


def test_a_request_that_differs_in_one_setting_says_which(client: genai.Client) -> None:
    cooler = types.GenerateContentConfig(temperature=0.5)

    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents="Vary", config=cooler)

    assert "generationConfig.temperature: recorded 0.9, asked 0.5" in caught.value.message


def test_replay_paces_streams_as_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "paced"
    with (
        start_server(port=0, chunk_delay_ms=60, chunk_words=12) as upstream,
        RecordingProxy(folder, upstream=upstream.url) as proxy,
        sdk(proxy.url) as recording_client,
    ):
        recorded = [
            c.text
            for c in recording_client.models.generate_content_stream(
                model=MODEL, contents="Explain tides"
            )
        ]
    (exchange,) = load_exchanges(folder)
    offsets = [c["at_s"] for c in exchange.response["chunks"]]
    assert len(offsets) >= 5 and offsets == sorted(offsets)
    span = offsets[-1]
    assert span >= 0.2

    def timed(speed: float) -> tuple[float, list[str | None]]:
        with ReplayServer(folder, speed=speed) as server, sdk(server.url) as replay_client:
            started = time.monotonic()
            texts = [
                c.text
                for c in replay_client.models.generate_content_stream(
                    model=MODEL, contents="Explain tides"
                )
            ]
            return time.monotonic() - started, texts

    paced, paced_texts = timed(1.0)
    fast, fast_texts = timed(0)
    assert paced_texts == fast_texts == recorded
    assert paced >= 0.8 * span
    assert fast < 0.5 * span


def test_cli_records_with_the_environment_key_and_replays(tmp_path: Path) -> None:
    folder = tmp_path / "cli"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GEMINI_API_KEY": ENV_KEY}
    env.pop("GOOGLE_API_KEY", None)

    def run(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "gemini_offline", "--port", "0", *args],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )

    def url_of(process: subprocess.Popen[str]) -> str:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        return match.group(1)

    with start_server(port=0, chunk_delay_ms=0) as upstream:
        proxy = run("--record", str(folder), "--upstream", upstream.url)
        try:
            recorded = http(url_of(proxy), GEN, body_for("From the command line"))
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)
    assert proxy.returncode == 0 and recorded[0] == 200
    assert all(ENV_KEY.encode() not in p.read_bytes() for p in folder.iterdir())

    replay = run("--replay", str(folder), "--speed", "0")
    try:
        replayed = http(url_of(replay), GEN, body_for("From the command line"))
    finally:
        replay.terminate()
        replay.wait(timeout=10)
    assert replayed[2] == recorded[2]


class _FilesStub(BaseHTTPRequestHandler):
    """The Files API's resumable upload, as the real API speaks it: ``start`` answers an
    ``x-goog-upload-url`` with a random upload id, ``upload, finalize`` the File."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        data = self.rfile.read(int(self.headers.get("content-length") or 0))
        start = self.headers.get("x-goog-upload-command") == "start"
        if start and self.headers.get("x-goog-api-key") != KEY:  # the upload id authorizes
            self._reply(403, b'{"error": {"code": 403, "status": "PERMISSION_DENIED"}}', {})
        elif start:
            url = (
                f"http://{self.headers['host']}/upload/v1/files"
                f"?upload_id={uuid.uuid4().hex}&upload_protocol=resumable"
            )
            self._reply(200, b"", {"x-goog-upload-url": url, "x-goog-upload-status": "active"})
        else:
            digest = hashlib.sha256(data).digest()
            file = {
                "name": f"files/{digest.hex()[:12]}",
                "mimeType": "text/plain",
                "sizeBytes": str(len(data)),
                "sha256Hash": base64.b64encode(digest).decode(),
                "state": "ACTIVE",
            }
            headers = {"x-goog-upload-status": "final", "content-type": "application/json"}
            self._reply(200, json.dumps({"file": file}).encode(), headers)

    def _reply(self, code: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_a_file_upload_records_and_replays(tmp_path: Path) -> None:
    folder = tmp_path / "upload"
    stub = ThreadingHTTPServer(("127.0.0.1", 0), _FilesStub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    try:
        upstream = f"http://127.0.0.1:{stub.server_port}"
        with RecordingProxy(folder, upstream=upstream) as proxy, sdk(proxy.url) as client:
            uploaded = client.files.upload(
                file=io.BytesIO(b"notes for the demo"), config={"mime_type": "text/plain"}
            )
    finally:
        stub.shutdown()
        stub.server_close()
    assert uploaded.size_bytes == 18 and uploaded.state == "ACTIVE"
    start, finish = load_exchanges(folder)
    assert start.request["headers"]["x-goog-upload-command"] == "start"
    assert finish.request["body"]["size"] == 18  # the bytes' digest, not the bytes

    with ReplayServer(folder, speed=0) as server, sdk(server.url, "any") as client:
        again = client.files.upload(
            file=io.BytesIO(b"notes for the demo"), config={"mime_type": "text/plain"}
        )
        assert dump(again) == dump(uploaded)
        with pytest.raises(errors.ClientError, match="Not recorded"):
            client.files.upload(
                file=io.BytesIO(b"other notes, other size"), config={"mime_type": "text/plain"}
            )


def test_the_proxy_keeps_upstream_connections_alive_and_records_concurrent_calls(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "busy"
    with (
        start_server(port=0, chunk_delay_ms=0) as upstream,
        RecordingProxy(folder, upstream=upstream.url) as proxy,
        sdk(proxy.url) as client,
    ):
        for prompt in ("one", "two", "three"):
            client.models.generate_content(model=MODEL, contents=prompt)
        assert upstream.open_connections == 1  # one kept-alive connection served all three

        answers: dict[int, str | None] = {}

        def call(i: int) -> None:
            answers[i] = client.models.generate_content(model=MODEL, contents=f"parallel {i}").text

        threads = [threading.Thread(target=call, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert sorted(answers) == list(range(6)) and all(answers.values())
        assert proxy.recorded == 9
    exchanges = load_exchanges(folder)
    assert sorted(e.sequence for e in exchanges) == list(range(1, 10))
    assert {e.summary["prompt"] for e in exchanges} >= {f"parallel {i}" for i in range(6)}


def test_an_unreachable_upstream_is_a_502_and_is_not_recorded(tmp_path: Path) -> None:
    dead = start_server(port=0)
    dead_url = dead.url
    dead.stop()
    folder = tmp_path / "dead"
    with RecordingProxy(folder, upstream=dead_url) as proxy, sdk(proxy.url) as client:
        with pytest.raises(errors.ServerError) as caught:
            client.models.generate_content(model=MODEL, contents="Anyone there?")
        assert caught.value.code == 502 and dead_url in caught.value.message
        assert proxy.recorded == 0
    assert load_exchanges(folder) == []


def test_errors_replay_as_recorded_and_a_cut_reply_is_not_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "faults"

    def midstream(client: genai.Client) -> tuple[list[str | None], str]:
        texts: list[str | None] = []
        with pytest.raises(errors.APIError) as caught:
            for chunk in client.models.generate_content_stream(
                model=MODEL, contents="Explain tides [[fault:midstream]]"
            ):
                texts.append(chunk.text)
        return texts, str(caught.value)

    def quota(client: genai.Client) -> str:
        with pytest.raises(errors.ClientError) as caught:
            client.models.generate_content(model=MODEL, contents="Explain tides [[fault:429]]")
        assert caught.value.code == 429
        return str(caught.value)

    with (
        start_server(port=0, chunk_delay_ms=0, retry_delay_s=0) as upstream,
        RecordingProxy(folder, upstream=upstream.url) as proxy,
        sdk(proxy.url) as client,
    ):
        recorded_midstream, recorded_quota = midstream(client), quota(client)
        with pytest.raises(errors.ServerError) as cut:
            client.models.generate_content(model=MODEL, contents="Explain tides [[fault:cut]]")
        assert cut.value.code == 502 and "Nothing was recorded" in cut.value.message
        assert proxy.recorded == 2
    assert recorded_midstream[0] and "INTERNAL" in recorded_midstream[1]

    with ReplayServer(folder, speed=0) as server, sdk(server.url) as client:
        assert midstream(client) == recorded_midstream
        assert quota(client) == recorded_quota


class _TlsStub(_FilesStub):
    """An https upstream: one fixed text reply, for the right key and Host only."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        port = self.server.server_address[1]
        if self.headers.get("x-goog-api-key") != KEY or self.headers["host"] != f"127.0.0.1:{port}":
            self._reply(403, b'{"error": {"code": 403, "status": "PERMISSION_DENIED"}}', {})
            return
        reply = {"candidates": [{"content": {"role": "model", "parts": [{"text": "secure"}]}}]}
        self._reply(200, json.dumps(reply).encode(), {"content-type": "application/json"})


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_an_https_upstream_is_recorded_over_tls(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
    subprocess.run(
        [*command.split(), "-keyout", key, "-out", cert, "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    stub = ThreadingHTTPServer(("127.0.0.1", 0), _TlsStub)
    stub.socket = server_side.wrap_socket(stub.socket, server_side=True)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    upstream = f"https://127.0.0.1:{stub.server_port}"
    folder = tmp_path / "tls"
    try:
        trusted = ssl.create_default_context(cafile=str(cert))
        with (
            RecordingProxy(folder, upstream=upstream, ssl_context=trusted) as proxy,
            sdk(proxy.url) as client,
        ):
            assert client.models.generate_content(model=MODEL, contents="hi").text == "secure"
        with (
            RecordingProxy(folder, upstream=upstream) as untrusted,
            sdk(untrusted.url) as client,
            pytest.raises(errors.ServerError, match="SSLCertVerificationError"),
        ):
            client.models.generate_content(model=MODEL, contents="hi")
    finally:
        stub.shutdown()
        stub.server_close()
    (exchange,) = load_exchanges(folder)
    assert (
        exchange.body_bytes()
        == json.dumps(
            {"candidates": [{"content": {"role": "model", "parts": [{"text": "secure"}]}}]}
        ).encode()
    )


def test_a_client_that_gives_up_frees_the_upstream_request(tmp_path: Path) -> None:
    folder = tmp_path / "impatient"
    impatient = types.HttpOptions(timeout=1000)
    with (
        start_server(port=0, timeout_sleep_s=30) as upstream,
        RecordingProxy(folder, upstream=upstream.url) as proxy,
        sdk(proxy.url) as client,
    ):
        started = time.monotonic()
        with pytest.raises(httpx2.TimeoutException):
            client.models.generate_content(
                model=MODEL,
                contents="Explain tides [[fault:timeout]]",
                config=types.GenerateContentConfig(http_options=impatient),
            )
        while upstream.open_connections and time.monotonic() - started < 5:
            time.sleep(0.05)
        assert upstream.open_connections == 0  # the proxy hung up on upstream as well
        assert proxy.recorded == 0


def test_cli_refuses_mixed_flags_and_a_folder_that_is_not_a_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gemini_offline.__main__ import main

    for argv in (
        ["--upstream", "http://127.0.0.1:1"],
        ["--replay", str(tmp_path), "--record", str(tmp_path)],
        ["--record", str(tmp_path), "--speed", "4"],
        ["--replay", str(tmp_path), "--chunk-delay-ms", "5"],
        ["--replay", str(tmp_path), "--speed", "-1"],
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2, argv
    assert main(["--replay", str(tmp_path), "--port", "0"]) == 2
    assert "is not a recording" in capsys.readouterr().err
    assert main(["--record", str(tmp_path / "r"), "--upstream", "ftp://x", "--port", "0"]) == 2
    assert "http(s) URL" in capsys.readouterr().err

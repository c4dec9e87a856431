"""The server under abuse: many simultaneous connections, malformed framing, silent
connections, and a ``[[fault:timeout]]`` that lasts exactly as long as the client waits."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from google import genai
from google.genai import types

from gemini_offline import OfflineServer, start_server
from gemini_offline.options import ENV_DEFAULTS

MODEL = "gemini-2.5-flash"
PATH = f"/v1beta/models/{MODEL}:generateContent"
BODY = json.dumps({"contents": [{"role": "user", "parts": [{"text": "Explain tides"}]}]})


def raw_exchange(srv: OfflineServer, request: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes, read until the server closes the connection, return the answer."""
    with socket.create_connection((srv.host, srv.port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def envelope(answer: bytes) -> tuple[int, dict[str, str], dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def post(headers: str, body: bytes = b"") -> bytes:
    return (
        f"POST {PATH} HTTP/1.1\r\nHost: x\r\nx-goog-api-key: k\r\n"
        f"Content-Type: application/json\r\n{headers}\r\n"
    ).encode() + body


def test_200_concurrent_requests_are_all_answered(srv: OfflineServer) -> None:
    count = 200
    start = threading.Barrier(count)

    def one(_: int) -> int:
        connection = http.client.HTTPConnection(srv.host, srv.port, timeout=60)
        start.wait()  # every connection is opened at the same moment
        try:
            connection.request(
                "POST", PATH, BODY, {"x-goog-api-key": "k", "Content-Type": "application/json"}
            )
            response = connection.getresponse()
            reply = json.loads(response.read())
            assert reply["candidates"][0]["content"]["parts"][0]["text"]
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        statuses = list(pool.map(one, range(count)))

    assert statuses == [200] * count


@pytest.mark.parametrize("length", ["abc", "-5", "12 34", "0x10", "10, 20"])
def test_a_malformed_content_length_is_a_400_envelope(srv: OfflineServer, length: str) -> None:
    headers = "".join(f"Content-Length: {v.strip()}\r\n" for v in length.split(","))

    status, sent, body = envelope(raw_exchange(srv, post(headers, BODY.encode())))

    assert status == 400 and sent["connection"] == "close"
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    assert "Content-Length" in body["error"]["message"]


@pytest.mark.parametrize(
    "chunked", [b"zz\r\n{}\r\n0\r\n\r\n", b"-2\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"]
)
def test_a_malformed_chunked_body_is_a_400_envelope(srv: OfflineServer, chunked: bytes) -> None:
    answer = raw_exchange(srv, post("Transfer-Encoding: chunked\r\n", chunked))

    status, sent, body = envelope(answer)
    assert status == 400 and sent["connection"] == "close"
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    assert "chunk" in body["error"]["message"]


def test_a_well_formed_chunked_body_is_read(srv: OfflineServer) -> None:
    data = BODY.encode()
    chunked = b"%x;ext=1\r\n%s\r\n0\r\nTrailer: yes\r\n\r\n" % (len(data), data)

    status, _, body = envelope(
        raw_exchange(srv, post("Transfer-Encoding: chunked\r\nConnection: close\r\n", chunked))
    )

    assert status == 200 and "tides" in body["candidates"][0]["content"]["parts"][0]["text"]


def test_a_garbled_request_line_is_a_400_envelope(srv: OfflineServer) -> None:
    status, _, body = envelope(raw_exchange(srv, b"NONSENSE\r\n\r\n"))

    assert status == 400 and body["error"]["code"] == 400 and body["error"]["message"]


@pytest.fixture
def impatient_server() -> Iterator[OfflineServer]:
    server = start_server(port=0, chunk_delay_ms=0, connection_timeout_s=0.5)
    yield server
    server.stop()


def closed_after(sock: socket.socket) -> float:
    """Seconds until the server closes ``sock`` (recv returns b"")."""
    started = time.monotonic()
    while sock.recv(65536):
        pass
    return time.monotonic() - started


@pytest.mark.parametrize(
    "half",
    [
        post("Content-Length: 500\r\n", b'{"contents": ['),  # body cut short
        b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n",  # headers never end
        b"",  # connects, never sends a byte
    ],
    ids=["half-body", "half-headers", "silent"],
)
def test_a_silent_connection_is_closed_after_the_timeout(
    impatient_server: OfflineServer, half: bytes
) -> None:
    with socket.create_connection((impatient_server.host, impatient_server.port)) as sock:
        sock.settimeout(10)  # far beyond the server's 0.5 s: a hang fails the test
        sock.sendall(half)
        waited = closed_after(sock)

    assert 0.3 < waited < 5


def test_an_idle_keep_alive_connection_is_closed_after_the_timeout(
    impatient_server: OfflineServer,
) -> None:
    connection = http.client.HTTPConnection(impatient_server.host, impatient_server.port)
    connection.request("GET", f"/v1beta/models/{MODEL}", headers={"x-goog-api-key": "k"})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Connection") != "close"
    response.read()
    assert connection.sock is not None
    connection.sock.settimeout(10)

    assert 0.3 < closed_after(connection.sock) < 5
    connection.close()


def wait_until(condition, limit_s: float = 5) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_the_timeout_stall_lasts_until_the_client_hangs_up() -> None:
    # The default stall bound is far longer than any client waits (the app's default is 120 s).
    # Other test modules set GEMINI_OFFLINE_TIMEOUT_SLEEP_S, so the default is read from the
    # options' own table and passed explicitly.
    default_bound = ENV_DEFAULTS["timeout_sleep_s"][1]
    assert default_bound > 120
    server = start_server(port=0, timeout_sleep_s=default_bound)
    try:
        client = genai.Client(
            api_key="k", http_options=types.HttpOptions(base_url=server.url, timeout=700)
        )
        started = time.monotonic()
        with pytest.raises(httpx2.TimeoutException):
            client.models.generate_content(model=MODEL, contents="Tides [[fault:timeout]]")
        assert time.monotonic() - started < 5
        client.close()
        # The server notices the hang-up at once and frees the connection.
        assert wait_until(lambda: server.open_connections == 0)
    finally:
        server.stop()


def test_the_timeout_stall_answers_after_its_bound(srv: OfflineServer) -> None:
    srv.options.timeout_sleep_s, bound = 0.4, srv.options.timeout_sleep_s
    try:
        client = genai.Client(
            api_key="k", http_options=types.HttpOptions(base_url=srv.url, timeout=10_000)
        )
        started = time.monotonic()
        reply = client.models.generate_content(model=MODEL, contents="Tides [[fault:timeout]]")
        assert time.monotonic() - started >= 0.4 and "Tides" in reply.text
        client.close()
    finally:
        srv.options.timeout_sleep_s = bound

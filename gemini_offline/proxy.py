"""The recording proxy: forwards every request to a real (or any Gemini-compatible) API and
stores each exchange in a recording folder (format: :mod:`.recording_format`).

``RecordingProxy(DIR, upstream=URL).start()`` listens on loopback; point the SDK at
``proxy.url``. Each request is sent upstream unchanged (the client's key included) and its
answer returned unchanged — streams byte by byte as they arrive — while the exchange is
written to ``DIR`` under the hash of its canonical request. The key is the client's
(``x-goog-api-key``, ``?key=`` or ``Authorization: Bearer``) or, when the client sends
none, ``api_key=`` or ``GOOGLE_API_KEY``/``GEMINI_API_KEY`` from the environment; it is
never written to disk.

Requests that never got an upstream answer (upstream unreachable, client hung up
mid-stream) are answered with a 502 envelope or dropped, and not recorded.
"""

from __future__ import annotations

import http.client
import os
import select
import socket
import ssl
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from .recording_format import (
    DROPPED_RESPONSE_HEADERS,
    SECRET_QUERY,
    ChunkRecorder,
    RecordingWriter,
    canonical_request,
    encode_body,
    request_hash,
)
from .recording_http import LoopbackServer, QuietHandler, logger, wants_json_array

#: The real Gemini API.
DEFAULT_UPSTREAM = "https://generativelanguage.googleapis.com"
#: Request headers not forwarded (hop-by-hop, or set by the proxy itself).
_NOT_FORWARDED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",
    }
)
#: Upstream read size for streams: each read is forwarded (and recorded) at once.
_READ_SIZE = 65536
#: How often a request waiting for upstream looks whether its client has hung up.
_HANGUP_POLL_S = 0.1
#: Upstream connections kept alive between requests (TLS handshakes are slow).
MAX_IDLE_CONNECTIONS = 8
#: Headers carrying an upload URL on the upstream's host, rewritten to the proxy's.
UPLOAD_URL_HEADERS = frozenset({"x-goog-upload-url", "location"})


def env_api_key() -> str | None:
    """The key the SDK would read: GOOGLE_API_KEY wins over GEMINI_API_KEY."""
    return os.environ.get("GOOGLE_API_KEY") or os.environ.get("GEMINI_API_KEY") or None


def rebase_url(value: str, base_url: str) -> str:
    """``value`` with its scheme and host replaced by those of ``base_url``."""
    target, base = urlsplit(value), urlsplit(base_url)
    if not target.netloc:
        return value
    return urlunsplit(target._replace(scheme=base.scheme, netloc=base.netloc))


class RecordingProxy(LoopbackServer):
    """A loopback HTTP proxy in front of ``upstream`` that records into ``directory``.

    Args:
        directory: the recording folder (created; existing recordings are kept and the
            numbering continues).
        upstream: base URL of the Gemini-compatible API (default: the real one).
        host, port: where to listen (default loopback, any free port).
        api_key: the key to send when the client sends none (default: the environment).
        timeout_s: socket timeout towards upstream.
        ssl_context: for an https upstream (default: the system's trusted CAs).

    Attributes: ``url``, ``port``, ``directory``, ``upstream``, ``recorded`` (exchanges
    written by this proxy). ``start()`` returns the proxy; ``stop()`` stops it.
    """

    name = "gemini_offline.proxy"

    def __init__(
        self,
        directory: str | os.PathLike[str],
        upstream: str = DEFAULT_UPSTREAM,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        timeout_s: float = 600.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream must be an http(s) URL, not {upstream!r}")
        if parts.query or parts.username or parts.password:
            raise ValueError("upstream must not carry a query or credentials (keys go in env)")
        self.upstream = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        self._upstream_parts = parts
        self._api_key = api_key
        self.timeout_s = timeout_s
        self._ssl_context = ssl_context
        self.writer = RecordingWriter(directory, upstream=self.upstream)
        self.directory = self.writer.directory
        self._idle: list[http.client.HTTPConnection] = []
        self._idle_lock = threading.Lock()
        self.handler = _ProxyHandler
        super().__init__(host, port)

    @property
    def recorded(self) -> int:
        """How many exchanges this proxy has written."""
        return self.writer.written

    def fallback_key(self) -> str | None:
        return self._api_key or env_api_key()

    def checkout(self) -> tuple[http.client.HTTPConnection, bool]:
        """An idle upstream connection (and True), or a new one (and False)."""
        with self._idle_lock:
            if self._idle:
                return self._idle.pop(), True
        return self.connect(), False

    def checkin(self, conn: http.client.HTTPConnection) -> None:
        """Keep a connection whose response was read to the end for the next request."""
        with self._idle_lock:
            if not self.stopping and len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        conn.close()

    def stop(self) -> None:
        """Stop serving and close every upstream connection kept alive."""
        super().stop()
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def connect(self) -> http.client.HTTPConnection:
        parts = self._upstream_parts
        if parts.scheme == "https":
            return http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout_s, context=self._ssl_context
            )
        return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout_s)

    @property
    def upstream_host(self) -> str:
        return self._upstream_parts.netloc

    @property
    def upstream_path(self) -> str:
        return self._upstream_parts.path.rstrip("/")


class _ProxyHandler(QuietHandler):
    @property
    def proxy(self) -> RecordingProxy:
        app: RecordingProxy = self.server.app
        return app

    def _credentials(self) -> tuple[set[str], bool]:
        """Every secret this request carries, and whether it carries one at all."""
        secrets: set[str] = set()
        header_key = self.headers.get("x-goog-api-key")
        if header_key:
            secrets.add(header_key.strip())
        for name, value in _query_pairs(self.path):
            if name.lower() in SECRET_QUERY and value:
                secrets.add(value)
        authorization = self.headers.get("authorization") or ""
        if authorization:
            secrets.add(authorization.strip())
            if authorization.lower().startswith("bearer "):
                secrets.add(authorization[7:].strip())
        return secrets, bool(secrets)

    def handle_exchange(self, method: str, raw: bytes) -> None:
        proxy = self.proxy
        canonical = canonical_request(method, self.path, raw, dict(self.headers.items()))
        secrets, has_key = self._credentials()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _NOT_FORWARDED}
        fallback = proxy.fallback_key()
        if not has_key and fallback:
            headers["x-goog-api-key"] = fallback
        if fallback:
            secrets.add(fallback)
        headers["Host"] = proxy.upstream_host
        headers["Accept-Encoding"] = "identity"
        if raw or method in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(raw))
        target = proxy.upstream_path + self.path
        # Numbered on arrival, so repeated identical requests replay in the order sent.
        order = proxy.writer.reserve(request_hash(canonical))
        conn, reused = proxy.checkout()
        try:
            started = time.monotonic()
            try:
                conn.request(method, target, body=raw or None, headers=headers)
                client_stayed = self._wait_for_upstream(conn)
                response = conn.getresponse() if client_stayed else None
            except (OSError, http.client.HTTPException):
                if not reused:
                    raise
                # An idle keep-alive connection the upstream had closed: once more, afresh.
                conn.close()
                conn = proxy.connect()
                started = time.monotonic()
                conn.request(method, target, body=raw or None, headers=headers)
                client_stayed = self._wait_for_upstream(conn)
                response = conn.getresponse() if client_stayed else None
            if response is None:
                # The client hung up (its timeout) before upstream answered: so do we.
                conn.close()
                self.close_connection = True
                return
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            self._upstream_failed(canonical, exc, "could not be reached")
            return
        try:
            self._relay(canonical, response, started, secrets, order)
        except BaseException:
            conn.close()
            raise
        if response.will_close or not response.isclosed():
            conn.close()
        else:
            proxy.checkin(conn)

    def _wait_for_upstream(self, conn: http.client.HTTPConnection) -> bool:
        """Wait until upstream starts answering (True), or the client hangs up (False).

        A client that gives up (its timeout, a cancelled run) must not leave the proxy
        waiting on upstream for ``timeout_s``; upstream then sees the hang-up too.
        """
        upstream, client = conn.sock, self.connection
        if upstream is None:
            return True
        deadline = time.monotonic() + self.proxy.timeout_s
        watched = [upstream, client]
        while not self.proxy.stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                return True  # getresponse() raises the timeout
            readable, _, _ = select.select(watched, [], [], min(_HANGUP_POLL_S, left))
            if upstream in readable:
                return True
            if client in readable:
                try:
                    peeked = client.recv(1, socket.MSG_PEEK)
                except (BlockingIOError, InterruptedError, TimeoutError):
                    continue
                if not peeked:
                    return False
                watched = [upstream]  # a pipelined request: only upstream matters now
        return False

    def _upstream_failed(self, canonical: dict[str, Any], exc: Exception, what: str) -> None:
        """A 502 envelope for an exchange upstream did not complete (it is not recorded)."""
        upstream = self.proxy.upstream
        logger.warning("gemini_offline proxy: upstream %s %s: %r", upstream, what, exc)
        path, _, query = self.path.partition("?")
        self.send_envelope(
            502,
            f"gemini_offline recording proxy: upstream {upstream} {what} "
            f"({type(exc).__name__}). Nothing was recorded.",
            status="UNAVAILABLE",
            wrap=wants_json_array(canonical["method"], path, query),
            close=True,
        )

    def _relay(
        self,
        canonical: dict[str, Any],
        response: http.client.HTTPResponse,
        started: float,
        secrets: set[str],
        order: tuple[int, int],
    ) -> None:
        proxy = self.proxy
        headers_after = time.monotonic() - started
        kept: dict[str, str] = {}
        for name, value in response.getheaders():
            lower = name.lower()
            if lower in DROPPED_RESPONSE_HEADERS:
                continue
            if lower in UPLOAD_URL_HEADERS:
                value = rebase_url(value, proxy.url)
            kept[lower] = value if lower not in kept else f"{kept[lower]}, {value}"
        stream = ":streamGenerateContent" in canonical["path"]
        record: dict[str, Any] = {
            "status": response.status,
            "reason": response.reason,
            "headers": kept,
            "headers_after_s": round(headers_after, 4),
            "stream": stream,
        }
        sequence, occurrence = order

        def save() -> None:
            proxy.writer.write(
                sequence=sequence,
                occurrence=occurrence,
                canonical=canonical,
                response=record,
                secrets=secrets,
            )

        if not stream:
            try:
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self._upstream_failed(canonical, exc, "hung up in the middle of its reply")
                return
            record["body"] = encode_body(body)
            record["elapsed_s"] = round(time.monotonic() - started, 4)
            save()  # before answering: whoever has the answer finds it recorded
            self.send_response(response.status, response.reason)
            for name, value in kept.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(response.status, response.reason)
        for name, value in kept.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunks = ChunkRecorder()
        while True:
            try:
                data = response.read1(_READ_SIZE)
            except (OSError, http.client.HTTPException) as exc:
                # The upstream cut the stream: the client sees it end here, and so will
                # the replay.
                logger.warning("gemini_offline proxy: upstream cut a stream: %r", exc)
                record["truncated"] = True
                break
            if not data:
                break
            chunks.add(data, time.monotonic() - started)
            self.wfile.write(data)  # an OSError here: the client left; not recorded
            self.wfile.flush()
        elapsed = time.monotonic() - started
        record["chunks"] = chunks.finish(elapsed)
        record["elapsed_s"] = round(elapsed, 4)
        save()  # the client sees the stream end when the connection closes, after this


def _query_pairs(target: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(target).query, keep_blank_values=True)

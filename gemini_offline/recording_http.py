"""HTTP plumbing shared by the recording proxy and the replay server.

A loopback ``ThreadingHTTPServer`` (HTTP/1.1, daemon threads) that tracks its open
connections so ``stop()`` can close them, plus a handler base that reads bodies
(Content-Length or chunked) and answers errors in the Google envelope.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from .errors import STATUS_BY_CODE
from .threaded import BadFraming, ServedInThread, TrackingHTTPServer

logger = logging.getLogger("gemini_offline.recordings")

#: How long a connection may stay silent (an idle keep-alive) before it is closed.
IDLE_TIMEOUT_S = 60.0


class LoopbackServer(ServedInThread):
    """A :class:`TrackingHTTPServer` served in a daemon thread (start/stop/url inherited)."""

    handler: type[BaseHTTPRequestHandler]

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._httpd = TrackingHTTPServer((host, port), self.handler, self)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def pause(self, seconds: float) -> None:
        """Sleep, but return at once when the server is stopping."""
        if seconds > 0:
            self._stopping.wait(seconds)


class QuietHandler(BaseHTTPRequestHandler):
    """Handler base: no request-line logging (it may carry ``?key=``), body reading,
    Google error envelopes."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "gemini_offline"
    sys_version = ""
    server: TrackingHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(IDLE_TIMEOUT_S)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self.close_connection = True
        self.request_version = "HTTP/1.1"
        text = message or self.responses.get(code, ("Error",))[0]
        with contextlib.suppress(OSError):
            self.send_envelope(code, text, close=True)

    def read_body(self) -> bytes:
        """The request body, de-chunked (raises BadFraming or OSError)."""
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                line = self.rfile.readline(1024)
                size_text = line.split(b";")[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise BadFraming("Invalid chunk size in chunked request body.") from None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length_text = (self.headers.get("content-length") or "0").strip()
        if not length_text.isdigit():
            raise BadFraming(f"Invalid Content-Length header: {length_text!r}.")
        length = int(length_text)
        data = self.rfile.read(length) if length else b""
        if len(data) < length:
            raise ConnectionAbortedError("the client sent less than its Content-Length")
        return data

    def send_envelope(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        wrap: bool = False,
        close: bool = False,
    ) -> None:
        """A Google error envelope; ``wrap`` puts it in ``[ ]`` (the JSON-array stream)."""
        error = {"code": code, "message": message, "status": status or STATUS_BY_CODE.get(code, "")}
        body: Any = [{"error": error}] if wrap else {"error": error}
        data = json.dumps(body, indent=2, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.serve("GET")

    def do_POST(self) -> None:
        self.serve("POST")

    def do_PUT(self) -> None:
        self.serve("PUT")

    def do_PATCH(self) -> None:
        self.serve("PATCH")

    def do_DELETE(self) -> None:
        self.serve("DELETE")

    def serve(self, method: str) -> None:
        try:
            try:
                raw = self.read_body()
            except BadFraming as bad:
                self.send_envelope(400, str(bad), close=True)
                return
            self.handle_exchange(method, raw)
        except OSError:
            self.close_connection = True

    def handle_exchange(self, method: str, raw: bytes) -> None:  # pragma: no cover
        raise NotImplementedError


def wants_json_array(method: str, path: str, query: str) -> bool:
    """True for a ``streamGenerateContent`` without ``alt=sse`` (errors go in ``[ ]``)."""
    return ":streamGenerateContent" in path and "alt=sse" not in query

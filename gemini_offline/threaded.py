"""Serving in a daemon thread: the HTTP server that tracks its connections, and start, stop,
port and URL, shared by the offline server, the recording proxy and the replay server."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

logger = logging.getLogger("gemini_offline")


class BadFraming(Exception):
    """The request's Content-Length or chunked framing cannot be parsed."""


class TrackingHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its open connections and its owning ``app``."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], app: Any
    ) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return
        logger.exception("gemini_offline: unexpected error while serving a request")


class ServedInThread:
    """An HTTP server `_httpd` (with `close_connections`) served in a daemon thread.

    Subclasses set `host`, `_httpd`, `_thread = None` and `_stopping = threading.Event()`.
    """

    name = "gemini_offline"
    host: str
    _httpd: Any
    _thread: threading.Thread | None
    _stopping: threading.Event

    def start(self) -> Self:
        """Serve in a daemon thread; the socket is already listening when this returns."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.2},
                name=f"{self.name}:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake anything paced or sleeping, and close open connections."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.close_connections()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL for ``HttpOptions(base_url=…)``: no trailing slash, no version."""
        host = self.host if self.host not in ("0.0.0.0", "") else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

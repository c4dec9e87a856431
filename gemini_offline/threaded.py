"""Serving in a daemon thread: start, stop, port and URL, shared by the offline server,
the recording proxy and the replay server."""

from __future__ import annotations

import threading
from typing import Any, Self


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

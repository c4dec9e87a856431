"""The replay server: answers from a recording folder, with no network and no key.

``ReplayServer(DIR, speed=1.0).start()`` loads every exchange of ``DIR`` and serves it
to whoever sends the same canonical request (:func:`.recording_format.request_hash`):
same status, same stored headers (content-type above all), same body bytes. Streams are
paced as recorded — headers, then each chunk at its recorded offset divided by ``speed``
(``speed=0``: no delay at all); unary replies wait their recorded latency the same way.

A request recorded N times is answered with the N recorded answers in order, then with
the last one again. An unrecorded request gets a 404 ``NOT_FOUND`` envelope naming the
model, the action, a preview of the prompt and the folder.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from .proxy import UPLOAD_URL_HEADERS, rebase_url
from .recording_format import (
    Exchange,
    canonical_request,
    closest_difference,
    decode_body,
    describe,
    load_exchanges,
    request_hash,
    summarize,
)
from .recording_http import LoopbackServer, QuietHandler, wants_json_array


class ReplayServer(LoopbackServer):
    """Serves a recording folder on loopback.

    Args:
        directory: a folder written by :class:`~gemini_offline.proxy.RecordingProxy`.
        speed: pacing factor: 1 as recorded, 4 four times faster, 0 no delays.
        host, port: where to listen (default loopback, any free port).

    Attributes: ``url``, ``port``, ``directory``, ``speed``, ``exchanges`` (as loaded),
    ``misses`` (summaries of the unrecorded requests received, in order).
    Raises :class:`~gemini_offline.recording_format.RecordingError` for a folder that is
    not a recording.
    """

    name = "gemini_offline.replay"

    def __init__(
        self,
        directory: str | os.PathLike[str],
        speed: float = 1.0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0 (0: no delays)")
        self.directory = Path(directory)
        self.speed = speed
        self.exchanges: list[Exchange] = load_exchanges(self.directory)
        self._by_hash: dict[str, list[Exchange]] = defaultdict(list)
        for exchange in self.exchanges:
            self._by_hash[exchange.hash].append(exchange)
        self._served: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self.misses: list[dict[str, Any]] = []
        self.handler = _ReplayHandler
        super().__init__(host, port)

    def answer_for(self, digest: str) -> Exchange | None:
        """The next recorded answer for ``digest`` (the last one once all were served)."""
        with self._lock:
            answers = self._by_hash.get(digest)
            if not answers:
                return None
            index = min(self._served[digest], len(answers) - 1)
            self._served[digest] += 1
            return answers[index]

    def rewind(self) -> None:
        """Start every repeated request over from its first recorded answer."""
        with self._lock:
            self._served.clear()

    def delay(self, offset_s: float) -> float:
        """Recorded offset in seconds, scaled by ``speed`` (0 when speed is 0)."""
        return offset_s / self.speed if self.speed > 0 else 0.0

    def miss_message(self, method: str, canonical: dict[str, Any]) -> str:
        summary = summarize(canonical)
        with self._lock:
            self.misses.append(summary)
        same = [
            e
            for e in self.exchanges
            if e.summary.get("action") == summary["action"]
            and e.summary.get("model") == summary["model"]
        ]
        hint = f"{len(self.exchanges)} exchanges are recorded"
        if same:
            hint += f", {len(same)} of them {summary['action']}"
            if summary["model"]:
                hint += f" on {summary['model']}"
            hint += " with other requests"
        difference = closest_difference([e.request for e in self.exchanges], canonical)
        if difference:
            hint += f"; the closest one differs at {difference}"
        return (
            f"Not recorded: {describe(summary, method)} is not in the recording at "
            f"{self.directory} ({hint}). Record it first with python -m gemini_offline "
            f"--record {self.directory} --upstream URL."
        )


class _ReplayHandler(QuietHandler):
    @property
    def replay(self) -> ReplayServer:
        app: ReplayServer = self.server.app
        return app

    def handle_exchange(self, method: str, raw: bytes) -> None:
        arrived = time.monotonic()
        replay = self.replay
        canonical = canonical_request(method, self.path, raw, dict(self.headers.items()))
        exchange = replay.answer_for(request_hash(canonical))
        if exchange is None:
            path, _, query = self.path.partition("?")
            self.send_envelope(
                404,
                replay.miss_message(method, canonical),
                status="NOT_FOUND",
                wrap=wants_json_array(method, path, query),
            )
            return
        response = exchange.response

        def wait_until(offset_s: float) -> None:
            replay.pause(arrived + replay.delay(offset_s) - time.monotonic())

        headers = exchange.headers
        for name in UPLOAD_URL_HEADERS & headers.keys():
            headers[name] = rebase_url(headers[name], replay.url)
        if exchange.stream:
            wait_until(float(response.get("headers_after_s", 0)))
            self._head(exchange, headers)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for chunk in response.get("chunks") or []:
                wait_until(float(chunk.get("at_s", 0)))
                if replay.stopping:
                    return
                self.wfile.write(decode_body(chunk))
                self.wfile.flush()
            return
        body = decode_body(response.get("body") or {})
        wait_until(float(response.get("elapsed_s", 0)))
        self._head(exchange, headers)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _head(self, exchange: Exchange, headers: dict[str, str]) -> None:
        self.send_response(exchange.status, exchange.response.get("reason"))
        for name, value in headers.items():
            self.send_header(name, value)

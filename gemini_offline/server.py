"""The HTTP side: routes, auth, recording, pacing, and the dropped-connection faults.

Routes: ``/{v1,v1beta}/models[/{m}[:action]]`` (Developer API), the Files API
(``/upload/{v1,v1beta}/files`` resumable uploads, ``/{v1,v1beta}/files[/{id}]`` get / list /
delete; see :mod:`.files`) and the Enterprise
``/{v1,v1beta1}/[projects/{p}/locations/{l}/]publishers/google/models/{m}:predict`` (Imagen).

Stdlib only (``http.server.ThreadingHTTPServer``, HTTP/1.1). Normal replies carry a
Content-Length and keep the connection alive; streams (``text/event-stream``, or the JSON
array without ``alt=sse``) are written chunk by chunk with ``Connection: close``, so a cut
stream simply ends.

Robustness: a deep listen backlog (hundreds of simultaneous connections are all answered);
malformed framing (a bad ``Content-Length`` or chunk size, a garbled request line) gets a
400 in the Google error envelope and the connection closed; a connection silent for
``connection_timeout_s`` is dropped; ``[[fault:timeout]]`` holds the request until the
client hangs up (or ``timeout_sleep_s`` passes).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import re
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .callers import Callers, CallerState, caller_id
from .errors import (
    STATUS_BY_CODE,
    ApiError,
    api_key_invalid,
    invalid_argument,
    not_found,
    permission_denied,
)
from .faults import fault_error, midstream_error_body
from .files import FileStore
from .image_replies import CALL_SEED_BASE
from .imagen import parse_predict, predictions
from .keys import normalize
from .media import Attachment, describe
from .models import find_imagen, find_model, list_page
from .options import ServerOptions
from .recording import SECRET_HEADERS, RecordedRequest, RequestLog, key_hint
from .request import FileResolver, decode_attachments, parse_generate_request
from .responses import plan_reply
from .threaded import BadFraming, ServedInThread, TrackingHTTPServer
from .tokens import TOOLS_KEY, count_prompt, count_tools, modality_details
from .wire_fields import check_known_fields

logger = logging.getLogger("gemini_offline")

#: The key that gets the real "API key not valid" 400.
INVALID_KEY = "invalid-key"

_ROUTE_RE = re.compile(r"^/(v1|v1beta)/models(?:/([^/:]+)(?::([A-Za-z]+))?)?/?$")
#: Enterprise publisher-model paths (Imagen ``:predict``), project-scoped or express mode.
_ENTERPRISE_RE = re.compile(
    r"^/(v1|v1beta1)/(?:projects/([^/]+)/locations/([^/]+)/)?publishers/google/models/"
    r"([^/:]+)(?::([A-Za-z]+))?/?$"
)
#: Files API: ``/{v1,v1beta}/files[/{id}]`` and the upload endpoint.
_FILES_RE = re.compile(r"^/(v1|v1beta)/files(?:/([^/:]+))?/?$")
_UPLOAD_RE = re.compile(r"^/upload/(v1|v1beta)/files/?$")
#: Socket failures while reading or writing: the client hung up (timeout, cancelled stream)
#: or stop() closed the connection. Never worth a traceback.
_DISCONNECTS = (OSError,)
#: Listen backlog: connections the kernel queues while every thread is busy accepting.
LISTEN_BACKLOG = 1024
#: How often a ``[[fault:timeout]]`` stall looks whether the client has hung up.
_HANGUP_POLL_S = 0.1


_BadFraming = BadFraming


class _HTTPServer(TrackingHTTPServer):
    """The offline server's listener: a deep backlog, connections tracked for stop()."""

    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], app: OfflineServer) -> None:
        super().__init__(address, _Handler, app)


class OfflineServer(ServedInThread):
    """A local, Gemini-compatible HTTP server running in a daemon thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        options: ServerOptions | None = None,
        record: bool = False,
    ) -> None:
        self.host = host
        self.options = options or ServerOptions.resolve()
        self._httpd = _HTTPServer((host, port), self)
        self._thread: threading.Thread | None = None
        #: The request log; off unless ``record=True`` or ``log.start()``.
        self.log = RequestLog(active=record)
        self._stopping = threading.Event()
        #: Fault and variation counters, one set per caller (see :mod:`.callers`).
        self.callers = Callers()
        #: Uploaded files of every caller, bounded (see :mod:`.files`).
        self.files = FileStore()

    # -- request log (see :class:`RequestLog`; empty unless recording) --------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the request log, oldest first."""
        return self.log.entries

    def clear_requests(self) -> None:
        """Empty the request log."""
        self.log.clear()

    def last(self, action: str = "generateContent") -> RecordedRequest | None:
        """The most recent request with ``action``, or None."""
        return self.log.last(action)

    # -- helpers for the handler ----------------------------------------------------------
    @property
    def open_connections(self) -> int:
        """How many client connections are open right now."""
        with self._httpd._open_lock:
            return len(self._httpd._open)

    @property
    def stopping(self) -> bool:
        """True once stop() was called."""
        return self._stopping.is_set()

    def pause(self, seconds: float) -> None:
        """Sleep, but return at once when the server is stopping."""
        if seconds > 0:
            self._stopping.wait(seconds)


def start_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    chunk_words: int | None = None,
    chunk_delay_ms: float | None = None,
    latency_ms: float | None = None,
    timeout_sleep_s: float | None = None,
    retry_delay_s: float | None = None,
    connection_timeout_s: float | None = None,
    record: bool = False,
) -> OfflineServer:
    """Start an :class:`OfflineServer` in a daemon thread and return it, already listening.

    Unset options come from the ``GEMINI_OFFLINE_*`` environment variables. ``record=True``
    keeps a log of every request (for tests; it grows with the traffic).
    """
    options = ServerOptions.resolve(
        chunk_words=chunk_words,
        chunk_delay_ms=chunk_delay_ms,
        latency_ms=latency_ms,
        timeout_sleep_s=timeout_sleep_s,
        retry_delay_s=retry_delay_s,
        connection_timeout_s=connection_timeout_s,
    )
    return OfflineServer(host, port, options=options, record=record).start()


_shared: OfflineServer | None = None
_shared_lock = threading.Lock()


def shared_server() -> OfflineServer:
    """The process-wide server, started on first use (thread-safe) and never stopped.

    It does not record requests unless a caller turns its ``log`` on.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = start_server()
        return _shared


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body
    # waits for the client's delayed ACK (~40 ms per request on loopback).
    disable_nagle_algorithm = True
    server_version = "gemini_offline"
    sys_version = ""
    server: _HTTPServer
    #: The state of whoever sent the current request (set per request in _dispatch).
    caller: CallerState
    #: The Files API owner id of the current request (see :func:`.callers.caller_id`).
    owner: str

    # Default logging prints the request line (which may hold ?key=…) to stderr.
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # A connection that sends nothing for this long (half a request, an idle
        # keep-alive) times out; handle_one_request then closes it.
        limit = self.server.app.options.connection_timeout_s
        self.connection.settimeout(limit if limit > 0 else None)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors raised by http.server itself (garbled request line or headers, headers too
        long, unsupported method) in the Google envelope instead of an HTML page."""
        self.close_connection = True
        # A garbled request line leaves the version at HTTP/0.9, which sends no status
        # line or headers; answer as HTTP/1.1 so the client sees the status.
        self.request_version = "HTTP/1.1"
        text = message or self.responses.get(code, ("Error",))[0]
        body = {"error": {"code": code, "message": text, "status": STATUS_BY_CODE.get(code, "")}}
        with contextlib.suppress(OSError):
            self._send_json(code, body, close=True)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    # -- plumbing -------------------------------------------------------------------------
    @property
    def app(self) -> OfflineServer:
        return self.server.app

    def _read_body(self) -> bytes:
        """The request body, de-chunked. Raises :class:`_BadFraming` for framing that cannot
        be parsed, and OSError (ConnectionError) when the client hangs up part-way."""
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            return self._read_chunked()
        values = self.headers.get_all("content-length") or []
        if not values:
            return b""
        if len(set(v.strip() for v in values)) != 1 or not values[0].strip().isdigit():
            raise _BadFraming(f"Invalid Content-Length header: {', '.join(values)!r}.")
        length = int(values[0])
        data = self.rfile.read(length) if length else b""
        if len(data) < length:
            raise ConnectionAbortedError("the client sent less than its Content-Length")
        return data

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            line = self.rfile.readline(1024)
            if not line:
                raise ConnectionAbortedError("the client hung up inside a chunked body")
            size_text = line.split(b";")[0].strip()
            if not size_text or not all(c in b"0123456789abcdefABCDEF" for c in size_text):
                shown = size_text[:40].decode("ascii", "replace")
                raise _BadFraming(f"Invalid chunk size in chunked request body: {shown!r}.")
            size = int(size_text, 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields, ignored
                return b"".join(chunks)
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise ConnectionAbortedError("the client hung up inside a chunk")
            chunks.append(chunk)
            if self.rfile.readline(1024) not in (b"\r\n", b"\n"):
                raise _BadFraming("Malformed chunked request body: no CRLF after a chunk.")

    def _send_json(
        self,
        code: int,
        body: Any,
        *,
        close: bool = False,
        upload_status: str | None = None,
        upload_url: str | None = None,
    ) -> None:
        """Send ``body`` as JSON (``None``: an empty body), with the resumable-upload
        headers when given."""
        data = b"" if body is None else json.dumps(body, indent=2, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        if upload_status:
            self.send_header("X-Goog-Upload-Status", upload_status)
        if upload_url:
            self.send_header("X-Goog-Upload-URL", upload_url)
            self.send_header("X-Goog-Upload-Chunk-Granularity", "8388608")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def _serve(self, method: str) -> None:
        try:
            self._dispatch(method)
        except _DISCONNECTS:
            self.close_connection = True

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        api_key = self.headers.get("x-goog-api-key") or query.pop("key", None)
        try:
            raw = self._read_body()
        except _BadFraming as bad:
            # Where this body ends is unknown, so the connection cannot be reused.
            self._send_json(400, invalid_argument(str(bad)).body(), close=True)
            return
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                bad_json = True
        route = _ROUTE_RE.match(path)
        enterprise = None if route else _ENTERPRISE_RE.match(path)
        files = None if route or enterprise else _FILES_RE.match(path) or _UPLOAD_RE.match(path)
        version, model, action = route.groups() if route else (None, None, None)
        if route and action is None:
            action = "get" if model else "list"
        if enterprise:
            version, _, _, model, action = enterprise.groups()
        if files:
            version = files.group(1)
            action = _files_action(method, path, files, query)
        authorization = self.headers.get("authorization") or ""
        bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        self.caller = self.app.callers.get(api_key or bearer or None)
        self.owner = caller_id(api_key or bearer or None)
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in SECRET_HEADERS}
        if self.app.log.active:
            self.app.log.add(
                RecordedRequest(
                    method=method,
                    path=path,
                    api_version=version,
                    model=model.removeprefix("models/") if model else None,
                    action=action,
                    query=query,
                    body=body if isinstance(body, dict) else None,
                    headers=headers,
                    key_hint=key_hint(api_key),
                )
            )
        logger.debug("%s %s", method, path)
        try:
            if files:
                # The upload session id authorises the bytes (the SDKs send no key).
                if not api_key and action != "files.upload":
                    raise permission_denied()
                if api_key == INVALID_KEY:
                    raise api_key_invalid()
                self._files_api(action or "", files, query, body, raw)
                return
            if enterprise:
                if method != "POST" or action != "predict":
                    raise not_found(f"The requested URL {path} was not found on this server.")
            elif (
                not route
                or (method == "GET") != (action in ("get", "list"))
                or method not in ("GET", "POST")
            ):
                raise not_found(f"The requested URL {path} was not found on this server.")
            # Enterprise calls may carry an OAuth bearer token instead of a key (any token).
            if not api_key and not (enterprise and bearer):
                raise permission_denied()
            if api_key == INVALID_KEY:
                raise api_key_invalid()
            if bad_json or (raw and not isinstance(body, dict)):
                raise invalid_argument("Invalid JSON payload received. Expected an object body.")
            # The route regexes guarantee these groups on the paths that get this far.
            assert version is not None and action is not None
            if enterprise:
                assert model is not None
                self._predict(path, model, body or {}, raw)
            else:
                self._route(version, model, action, query, body or {}, raw)
        except ApiError as error:
            body = error.body()
            if action == "streamGenerateContent" and query.get("alt") != "sse":
                # The JSON-array stream wraps its error too: ``[{"error": {…}}]``.
                self._send_json(error.code, [body])
            else:
                self._send_json(error.code, body)
        except _DISCONNECTS:
            raise
        except Exception:
            logger.exception("gemini_offline: internal error for %s %s", method, path)
            self._send_json(
                500,
                {
                    "error": {
                        "code": 500,
                        "message": "Internal error in gemini_offline.",
                        "status": "INTERNAL",
                    }
                },
            )

    def _route(
        self,
        version: str,
        model_id: str | None,
        action: str,
        query: dict[str, str],
        body: dict[str, Any],
        raw: bytes,
    ) -> None:
        if action == "list":
            self._send_json(200, list_page(query.get("pageSize"), query.get("pageToken")))
            return
        assert model_id is not None
        model = find_model(model_id)
        if model is None or (action != "get" and not model.supports(action)):
            model_name = "models/" + model_id.removeprefix("models/")
            raise not_found(
                f"{model_name} is not found for API version {version}, "
                f"or is not supported for {action}. Call ModelService.ListModels to see the "
                "list of available models and their supported methods."
            )
        if action == "get":
            self._send_json(200, model.to_wire())
        elif action == "countTokens":
            self._send_json(200, _count_tokens(normalize(body), self._resolve_file))
        elif action in ("generateContent", "streamGenerateContent"):
            self._generate(model, action, body, raw, sse=query.get("alt") == "sse")
        else:
            raise ApiError(501, f"{action} is not simulated by gemini_offline.", "NOT_IMPLEMENTED")

    # -- Files API ------------------------------------------------------------------------
    def _files_api(
        self, action: str, match: re.Match[str], query: dict[str, str], body: Any, raw: bytes
    ) -> None:
        store = self.app.files
        base = self._base_url()
        if action == "files.start":
            self._upload_start(body)
        elif action == "files.upload":
            command = (self.headers.get("x-goog-upload-command") or "").lower()
            steps = {c.strip() for c in command.split(",")}
            offset_text = (self.headers.get("x-goog-upload-offset") or "0").strip()
            if not offset_text.isdigit():
                raise invalid_argument(f"Invalid X-Goog-Upload-Offset: {offset_text!r}.")
            upload_id = query.get("upload_id", "")
            if "upload" not in steps and "finalize" not in steps:
                raise invalid_argument(f"Unsupported X-Goog-Upload-Command: {command!r}.")
            stored = store.upload_chunk(upload_id, int(offset_text), raw, "finalize" in steps)
            if stored is None:
                self._send_json(200, None, upload_status="active")
            else:
                self._send_json(200, {"file": store.wire(stored, base)}, upload_status="final")
        elif action == "files.get":
            stored = store.get(self.owner, match.group(2), count_get=True)
            self._send_json(200, store.wire(stored, base))
        elif action == "files.list":
            page, token = store.list(self.owner, query.get("pageSize"), query.get("pageToken"))
            reply: dict[str, Any] = {}
            if page:
                reply["files"] = [store.wire(f, base) for f in page]
            if token:
                reply["nextPageToken"] = token
            self._send_json(200, reply)
        elif action == "files.delete":
            store.delete(self.owner, match.group(2))
            self._send_json(200, {})
        else:
            raise not_found(
                f"The requested URL {self.path.split('?')[0]} was not found on this server."
            )

    def _resolve_file(self, uri: str, mime_type: str) -> Attachment | None:
        """The caller's uploaded file a ``fileUri`` names, described (see FileResolver)."""
        stored = self.app.files.resolve_uri(self.owner, uri)
        if stored is None:
            return None
        try:
            return describe(stored.mime_type, stored.data, stored.display_name or stored.name)
        except ValueError as exc:
            raise invalid_argument(str(exc)) from None

    def _base_url(self) -> str:
        """The base URL as the client addressed this server (its Host header)."""
        host = self.headers.get("host")
        return f"http://{host}" if host else self.app.url

    def _upload_start(self, body: Any) -> None:
        protocol = (self.headers.get("x-goog-upload-protocol") or "").lower()
        command = (self.headers.get("x-goog-upload-command") or "").lower()
        if protocol != "resumable" or command != "start":
            raise invalid_argument(
                "gemini_offline accepts resumable uploads only: send X-Goog-Upload-Protocol: "
                "resumable and X-Goog-Upload-Command: start."
            )
        size_text = (self.headers.get("x-goog-upload-header-content-length") or "").strip()
        if not size_text.isdigit():
            raise invalid_argument(
                "X-Goog-Upload-Header-Content-Length must give the file size in bytes."
            )
        meta = body.get("file") if isinstance(body, dict) else None
        if meta is not None and not isinstance(meta, dict):
            raise invalid_argument("Invalid JSON payload received. 'file' must be an object.")
        meta = normalize(meta or {})
        mime = (self.headers.get("x-goog-upload-header-content-type") or "").strip()
        upload_id = self.app.files.start_upload(self.owner, int(size_text), mime, meta)
        url = (
            f"{self._base_url()}/upload/v1beta/files"
            f"?upload_id={upload_id}&upload_protocol=resumable"
        )
        self._send_json(200, None, upload_status="active", upload_url=url)

    # -- Imagen ---------------------------------------------------------------------------
    def _predict(self, path: str, model_id: str, body: dict[str, Any], raw: bytes) -> None:
        spec = find_imagen(model_id)
        if spec is None:
            resource = path.split("/", 2)[2].rsplit(":", 1)[0]
            raise not_found(
                f"Publisher Model `{resource}` was not found or your project does not have "
                "access to it. gemini_offline serves only Imagen models on this path."
            )
        app = self.app
        app.pause(app.options.latency_ms / 1000)
        req = parse_predict(normalize(body), spec)
        self._apply_faults(req.directives, spec.id, "predict", raw)
        call_seed = None if req.seed is not None else CALL_SEED_BASE + self.caller.next_count()
        self._send_json(200, predictions(req, call_seed))

    def _apply_faults(self, d: Any, model_id: str, action: str, raw: bytes) -> None:
        """Raise the directive's HTTP fault (counted per caller and identical body for
        `xN`), or stall past the client's timeout."""
        app = self.app
        if d.fault_code:
            key = hashlib.sha256(f"{model_id}:{action}:".encode() + raw).hexdigest()
            if d.fault_times is None or self.caller.faults.should_fail(key, d.fault_times):
                raise fault_error(d.fault_code, model_id, app.options.retry_delay_s)
        if d.transport == "timeout":
            self._stall_until_hangup(app.options.timeout_sleep_s)

    def _stall_until_hangup(self, limit_s: float) -> None:
        """Hold the request until the client hangs up (raising ConnectionAbortedError, so
        nothing is answered), the server stops, or ``limit_s`` passes (then it answers)."""
        deadline = time.monotonic() + limit_s
        sock = self.connection
        while not self.app.stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            wait = min(_HANGUP_POLL_S, left)
            readable, _, _ = select.select([sock], [], [], wait)
            if not readable:
                continue
            try:
                peeked = sock.recv(1, socket.MSG_PEEK)
            except (BlockingIOError, InterruptedError, TimeoutError):
                continue
            if not peeked:
                raise ConnectionAbortedError("the client hung up during [[fault:timeout]]")
            self.app.pause(wait)  # a pipelined request is waiting: keep stalling

    # -- generation -----------------------------------------------------------------------
    def _generate(
        self, model: Any, action: str, body: dict[str, Any], raw: bytes, *, sse: bool
    ) -> None:
        app = self.app
        app.pause(app.options.latency_ms / 1000)
        check_known_fields(body)
        req = parse_generate_request(normalize(body), model, self._resolve_file)
        d = req.directives
        stream = action == "streamGenerateContent"
        self._apply_faults(d, model.id, action, raw)
        if d.transport == "midstream" and not stream:
            raise ApiError(500, midstream_error_body()["error"]["message"], "INTERNAL")
        reply = plan_reply(req, self.caller.next_count)
        if stream and not sse:
            # Without alt=sse the real API streams one JSON array of the same chunks.
            self._send_json_array(reply.events(app.options.chunk_words), d.transport)
        elif stream:
            self._send_events(reply.events(app.options.chunk_words), d.transport)
        elif d.transport == "cut":
            self._send_cut(reply.body())
        else:
            self._send_json(200, reply.body())

    def _send_events(self, events: list[dict[str, Any]], transport: str | None) -> None:
        events, tail = _fault_tail(events, transport)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        delay = self.app.options.chunk_delay_ms / 1000
        for i, event in enumerate(itertools.chain(events, tail)):
            if i:
                self.app.pause(delay)
            line = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            self.wfile.write(b"data: " + line.encode() + b"\r\n\r\n")
            self.wfile.flush()

    def _send_json_array(self, events: list[dict[str, Any]], transport: str | None) -> None:
        """The JSON-array stream, written as the real API writes it: ``[``, each chunk as
        it is ready (pretty-printed, separated by ``\\n,\\r\\n``), then ``]``; no
        Content-Length, the connection closes at the end."""
        events, tail = _fault_tail(events, transport)
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        delay = self.app.options.chunk_delay_ms / 1000
        self.wfile.write(b"[")
        for i, event in enumerate(itertools.chain(events, tail)):
            if i:
                self.app.pause(delay)
                self.wfile.write(JSON_ARRAY_SEPARATOR)
            self.wfile.write(json.dumps(event, indent=2, ensure_ascii=False).encode())
            self.wfile.flush()
        if transport != "cut":
            self.wfile.write(b"]")
        self.wfile.flush()

    def _send_cut(self, body: dict[str, Any]) -> None:
        # Promise more bytes than are sent, then hang up: the client sees a dropped connection.
        data = json.dumps(body, indent=2, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data) * 2))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _files_action(
    method: str, path: str, match: re.Match[str], query: dict[str, str]
) -> str | None:
    """``files.start`` / ``files.upload`` / ``files.get`` / ``files.list`` /
    ``files.delete`` for a Files API path, or None when the method does not fit."""
    if path.startswith("/upload/"):
        if method != "POST":
            return None
        return "files.upload" if "upload_id" in query else "files.start"
    file_id = match.group(2)
    if method == "GET":
        return "files.get" if file_id else "files.list"
    if method == "DELETE" and file_id:
        return "files.delete"
    return None


#: Between the chunks of a JSON-array stream (no ``alt=sse``), as the real API sends them.
JSON_ARRAY_SEPARATOR = b"\n,\r\n"


def _fault_tail(
    events: list[dict[str, Any]], transport: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The chunks a stream sends and what follows them: half the chunks for ``cut``, one
    or two then an error for ``midstream``."""
    if transport == "cut":
        return events[: len(events) // 2], []
    if transport == "midstream":
        return events[: min(2, max(1, len(events) - 1))], [midstream_error_body()]
    return events, []


def _count_tokens(body: dict[str, Any], resolve_file: FileResolver) -> dict[str, Any]:
    inner = body.get("generateContentRequest")
    source = inner if isinstance(inner, dict) else body
    contents = source.get("contents") or []
    if not isinstance(contents, list):
        raise invalid_argument("* CountTokensRequest.contents: must be a list of Content objects")
    system = source.get("systemInstruction") if isinstance(inner, dict) else None
    blob_tokens: dict[int, tuple[str, int]] = {}
    tool_tokens = count_tools(source.get("tools")) if isinstance(inner, dict) else 0
    if tool_tokens:  # the function declarations are part of the prompt, as in generateContent
        blob_tokens[TOOLS_KEY] = ("TEXT", tool_tokens)
    decode_attachments(contents, resolve_file=resolve_file, blob_tokens=blob_tokens)
    totals = count_prompt(contents, system, blob_tokens)
    return {"totalTokens": sum(totals.values()), "promptTokensDetails": modality_details(totals)}

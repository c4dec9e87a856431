"""The recording format: canonical requests, their hash, and one JSON file per exchange.

A recording is a folder::

    DIR/recording.json                                   the manifest (format, version)
    DIR/0001-gemini-2.5-flash-generateContent-3fa2c1d0.json   one file per exchange
    DIR/0002-gemini-2.5-flash-streamGenerateContent-9b41e7aa.json
    …

Each exchange file (``version`` 1)::

    {"format": "gemini_offline.recording", "version": 1,
     "sequence": 2, "occurrence": 1, "hash": "<sha256 of the canonical request>",
     "recorded_at": "2026-12-03T13:30:00Z",
     "summary": {"model": "gemini-2.5-flash", "action": "streamGenerateContent",
                 "prompt": "Explain tides"},
     "request": {"method": "POST", "path": "/v1/models/gemini-2.5-flash:streamGenerateContent",
                 "query": [["alt", "sse"]], "body": {"json": {…the JSON body…}}},
     "response": {"status": 200, "reason": "OK", "headers": {"content-type": "text/event-stream"},
                  "headers_after_s": 0.21, "elapsed_s": 1.4, "stream": true,
                  "chunks": [{"at_s": 0.25, "text": "data: {…}\\r\\n\\r\\n"}, …]}}

``request`` *is* the canonical request: method, path, query without ``key``/auth (sorted),
the body — parsed JSON (hashed with sorted keys, so key order and whitespace do not
matter), ``{"sha256", "size"}`` for a non-JSON body (an upload's bytes are not kept), or
null — and, for a file upload only, its ``x-goog-upload-*`` headers. No other header is
ever part of it or stored. The hash is recomputed from ``request`` when a recording is
loaded, so a hand-edited request still matches.

A unary ``response`` has ``"body": {"lines": [...]}`` (the UTF-8 text split on ``\\n``,
exact once re-joined) or ``{"base64": …}``; a stream has ``chunks``, each as it arrived
with its offset ``at_s`` from the moment the request went upstream (``text``, or
``base64`` for bytes that are not UTF-8), and ``"truncated": true`` when upstream cut it.
``headers_after_s`` and ``elapsed_s`` time the headers and the end of the reply; the
stored headers are upstream's minus framing and per-moment ones (see
DROPPED_RESPONSE_HEADERS). ``occurrence`` numbers repeated identical
requests (1, 2, …) so replay answers them in order.

The API key is never stored: not in the request (no headers, ``key`` dropped from the
query), and any echo of a known key in the response is replaced by ``REDACTED``.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

FORMAT = "gemini_offline.recording"
VERSION = 1
MANIFEST = "recording.json"
#: Query parameters that carry credentials: never hashed, never stored.
SECRET_QUERY = frozenset({"key", "api_key", "access_token", "oauth_token"})
#: Response headers not stored (framing, per-connection or per-moment values).
DROPPED_RESPONSE_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "date",
        "server",
        "set-cookie",
        "alt-svc",
        "server-timing",
    }
)
#: Request headers that are part of the canonical request (the resumable-upload protocol).
UPLOAD_HEADER_PREFIX = "x-goog-upload-"
REDACTED = "REDACTED"
#: Shorter strings are not scrubbed from responses (they would match ordinary text).
MIN_SECRET_LENGTH = 8
PROMPT_PREVIEW_CHARS = 60

_MODEL_PATH_RE = re.compile(r"/models/([^/:]+)(?::([A-Za-z]+))?/?$")


# -- canonical request ------------------------------------------------------------------
def canonical_body(raw: bytes) -> dict[str, Any] | None:
    """``{"json": value}`` for a JSON body, ``{"sha256", "size"}`` otherwise, None if empty."""
    if not raw:
        return None
    try:
        return {"json": json.loads(raw)}
    except (ValueError, UnicodeDecodeError):
        return {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}


def canonical_request(
    method: str,
    target: str,
    raw_body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The parts of a request that decide its answer, without any credential.

    ``target`` is the request line's path and query (``/v1/models/m:x?alt=sse&key=…``).
    Of the ``headers`` only the resumable-upload ones (``x-goog-upload-command``,
    ``-offset``, ``-protocol``, …) count, under ``"headers"``, and only when present.
    """
    url = urlsplit(target)
    query = sorted(
        [name, value]
        for name, value in parse_qsl(url.query, keep_blank_values=True)
        if name.lower() not in SECRET_QUERY
    )
    canonical: dict[str, Any] = {
        "method": method.upper(),
        "path": unquote(url.path) or "/",
        "query": query,
        "body": canonical_body(raw_body),
    }
    upload = {
        name.lower(): value.strip()
        for name, value in (headers or {}).items()
        if name.lower().startswith(UPLOAD_HEADER_PREFIX)
    }
    if upload:
        canonical["headers"] = dict(sorted(upload.items()))
    return canonical


def request_hash(canonical: dict[str, Any]) -> str:
    """sha256 of the canonical request serialised with sorted keys and no whitespace."""
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def model_and_action(path: str, method: str = "POST") -> tuple[str | None, str]:
    """``("gemini-2.5-flash", "generateContent")`` for a model path; list/get for GETs."""
    match = _MODEL_PATH_RE.search(path)
    if match:
        model, action = match.groups()
        return model.removeprefix("models/"), action or ("get" if method == "GET" else "call")
    if path.rstrip("/").endswith("/models"):
        return None, "list"
    tail = [part for part in path.split("/") if part]
    return None, tail[-1] if tail else "/"


def prompt_preview(body: Any, limit: int = PROMPT_PREVIEW_CHARS) -> str | None:
    """The text of the last user turn (or an Imagen prompt), shortened to ``limit``."""
    if not isinstance(body, dict):
        return None
    inner = body.get("generateContentRequest") or body.get("generate_content_request")
    source = inner if isinstance(inner, dict) else body
    text = None
    contents = source.get("contents")
    if isinstance(contents, list):
        for content in reversed(contents):
            if isinstance(content, dict) and content.get("role", "user") == "user":
                parts = content.get("parts") or []
                texts = [p["text"] for p in parts if isinstance(p, dict) and "text" in p]
                text = " ".join(str(t) for t in texts)
                break
    instances = source.get("instances")
    if text is None and isinstance(instances, list) and instances:
        first = instances[0]
        text = str(first.get("prompt", "")) if isinstance(first, dict) else None
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize(canonical: dict[str, Any]) -> dict[str, Any]:
    """``{"model", "action", "prompt"}`` of a canonical request, for names and messages."""
    model, action = model_and_action(canonical["path"], canonical["method"])
    body = canonical.get("body") or {}
    return {"model": model, "action": action, "prompt": prompt_preview(body.get("json"))}


def describe(summary: dict[str, Any], method: str) -> str:
    """``POST generateContent on model gemini-2.5-flash with prompt "…"`` (for messages)."""
    text = f"{method} {summary['action']}"
    if summary.get("model"):
        text += f" on model {summary['model']}"
    if summary.get("prompt") is not None:
        text += f' with prompt "{summary["prompt"]}"'
    return text


# -- bytes in JSON ----------------------------------------------------------------------
def encode_body(data: bytes) -> dict[str, Any]:
    """``{"lines": [...]}`` for UTF-8 text (exact once joined with ``\\n``), else base64."""
    try:
        return {"lines": data.decode("utf-8").split("\n")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def decode_body(encoded: dict[str, Any]) -> bytes:
    """The bytes stored by :func:`encode_body` (or a chunk's ``text``/``base64``)."""
    if "lines" in encoded:
        return "\n".join(encoded["lines"]).encode("utf-8")
    if "text" in encoded:
        return str(encoded["text"]).encode("utf-8")
    return base64.b64decode(encoded.get("base64", ""))


class ChunkRecorder:
    """Collects a stream's pieces as they arrive: ``{"at_s", "text"|"base64"}`` each.

    A UTF-8 character split across two reads is held back until it is whole, so chunks
    stay readable text; bytes that are not UTF-8 at all are kept as base64.
    """

    def __init__(self) -> None:
        self.chunks: list[dict[str, Any]] = []
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def add(self, data: bytes, at_s: float) -> None:
        """Record ``data`` received ``at_s`` seconds after the request went out."""
        if not data:
            return
        pending = self._decoder.getstate()[0]
        try:
            text = self._decoder.decode(data)
        except UnicodeDecodeError:
            self._decoder.reset()
            raw = pending + data
            self.chunks.append(
                {"at_s": round(at_s, 4), "base64": base64.b64encode(raw).decode("ascii")}
            )
            return
        if text:
            self.chunks.append({"at_s": round(at_s, 4), "text": text})

    def finish(self, at_s: float) -> list[dict[str, Any]]:
        """The chunks, with any incomplete trailing bytes as a last base64 chunk."""
        pending = self._decoder.getstate()[0]
        if pending:
            self._decoder.reset()
            self.chunks.append(
                {"at_s": round(at_s, 4), "base64": base64.b64encode(pending).decode("ascii")}
            )
        return self.chunks


def scrub(text: str, secrets: set[str]) -> str:
    """``text`` with every secret of at least MIN_SECRET_LENGTH characters replaced."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    return text


# -- the folder -------------------------------------------------------------------------
def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", part).strip("_")[:60] or "x"


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class RecordingError(ValueError):
    """A folder that is not a (readable, supported) recording."""


@dataclass(frozen=True)
class Exchange:
    """One recorded request and its answer, as loaded from its file."""

    path: Path
    sequence: int
    occurrence: int
    hash: str
    request: dict[str, Any]
    response: dict[str, Any]
    summary: dict[str, Any]

    @property
    def stream(self) -> bool:
        return bool(self.response.get("stream"))

    @property
    def status(self) -> int:
        return int(self.response.get("status", 200))

    @property
    def headers(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in (self.response.get("headers") or {}).items()}

    def body_bytes(self) -> bytes:
        """The whole body (a stream's chunks joined)."""
        if self.stream:
            return b"".join(decode_body(c) for c in self.response.get("chunks") or [])
        return decode_body(self.response.get("body") or {})


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecordingError(f"{path} is not readable JSON: {exc}") from exc


def _check_version(data: Any, path: Path) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RecordingError(f"{path} is not a gemini_offline recording file")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise RecordingError(
            f"{path} has recording format version {version!r}; this gemini_offline reads "
            f"version {VERSION} and older"
        )


def exchange_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.json") if p.name != MANIFEST)


def load_exchanges(directory: str | os.PathLike[str]) -> list[Exchange]:
    """Every exchange of a recording folder, in recorded order.

    Raises :class:`RecordingError` for a missing folder, a folder without a manifest or a
    file of a newer format version.
    """
    folder = Path(directory)
    manifest = folder / MANIFEST
    if not folder.is_dir():
        raise RecordingError(f"no recording folder at {folder}")
    if not manifest.is_file():
        raise RecordingError(f"{folder} is not a recording: it has no {MANIFEST}")
    _check_version(_read_json(manifest), manifest)
    exchanges = []
    for path in exchange_files(folder):
        data = _read_json(path)
        _check_version(data, path)
        request = data["request"]
        exchanges.append(
            Exchange(
                path=path,
                sequence=int(data.get("sequence", 0)),
                occurrence=int(data.get("occurrence", 1)),
                hash=request_hash(request),
                request=request,
                response=data["response"],
                summary=data.get("summary") or summarize(request),
            )
        )
    exchanges.sort(key=lambda e: (e.sequence, e.occurrence, e.path.name))
    return exchanges


class RecordingWriter:
    """Writes exchanges into a folder, continuing the numbering of any already there."""

    def __init__(self, directory: str | os.PathLike[str], *, upstream: str | None = None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        manifest = self.directory / MANIFEST
        if manifest.exists():
            _check_version(_read_json(manifest), manifest)
        else:
            data = {"format": FORMAT, "version": VERSION, "created_at": utc_now()}
            if upstream:
                data["upstream"] = upstream
            _atomic_write(manifest, json.dumps(data, indent=2) + "\n")
        remove_stale_temp_files(self.directory)
        self._lock = threading.Lock()
        self._sequence = 0
        self._occurrences: dict[str, int] = {}
        for exchange in load_exchanges(self.directory):
            self._sequence = max(self._sequence, exchange.sequence)
            count = self._occurrences.get(exchange.hash, 0)
            self._occurrences[exchange.hash] = max(count, exchange.occurrence)
        self.written = 0

    def reserve(self, digest: str) -> tuple[int, int]:
        """The (sequence, occurrence) of a request arriving now."""
        with self._lock:
            self._sequence += 1
            occurrence = self._occurrences.get(digest, 0) + 1
            self._occurrences[digest] = occurrence
            return self._sequence, occurrence

    def write(
        self,
        *,
        sequence: int,
        occurrence: int,
        canonical: dict[str, Any],
        response: dict[str, Any],
        secrets: set[str],
    ) -> Path:
        """Store one exchange (scrubbed of ``secrets``) and return its file."""
        digest = request_hash(canonical)
        summary = summarize(canonical)
        record = {
            "format": FORMAT,
            "version": VERSION,
            "sequence": sequence,
            "occurrence": occurrence,
            "hash": digest,
            "recorded_at": utc_now(),
            "summary": summary,
            "request": canonical,
            "response": response,
        }
        text = scrub(json.dumps(record, indent=2, ensure_ascii=False) + "\n", secrets)
        name = "-".join(
            [f"{sequence:04d}", _safe(summary["model"] or "api"), _safe(summary["action"])]
        )
        path = self.directory / f"{name}-{digest[:8]}.json"
        _atomic_write(path, text)
        with self._lock:
            self.written += 1
        return path


def remove_stale_temp_files(directory: Path) -> None:
    """Temp files left by a writer that was killed mid-write."""
    for tmp in directory.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _preview(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_difference(recorded: Any, asked: Any, where: str = "") -> str | None:
    """Where two JSON values first differ: ``generationConfig.temperature: recorded 0.2,
    asked 0.9``; None when they are equal."""
    if isinstance(recorded, dict) and isinstance(asked, dict):
        for key in sorted(set(recorded) | set(asked)):
            path = f"{where}.{key}" if where else str(key)
            if key not in asked:
                return f"{path}: recorded {_preview(recorded[key])}, not in this request"
            if key not in recorded:
                return f"{path}: {_preview(asked[key])} in this request, not recorded"
            found = first_difference(recorded[key], asked[key], path)
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(asked, list):
        for index, (old, new) in enumerate(zip(recorded, asked, strict=False)):
            found = first_difference(old, new, f"{where}[{index}]")
            if found:
                return found
        if len(recorded) != len(asked):
            return f"{where or 'body'}: recorded {len(recorded)} items, this request {len(asked)}"
        return None
    if recorded == asked and type(recorded) is type(asked):
        return None
    return f"{where or 'body'}: recorded {_preview(recorded)}, asked {_preview(asked)}"


def _leaves(value: Any, where: str = "") -> set[tuple[str, str]]:
    if isinstance(value, dict):
        return {leaf for key, item in value.items() for leaf in _leaves(item, f"{where}.{key}")}
    if isinstance(value, list):
        return {leaf for i, item in enumerate(value) for leaf in _leaves(item, f"{where}[{i}]")}
    return {(where, json.dumps(value, sort_keys=True))}


def closest_difference(candidates: list[dict[str, Any]], asked: dict[str, Any]) -> str | None:
    """How the most similar recorded canonical request (same method and path: the most
    equal leaf values) differs from ``asked``; None without a candidate."""
    same_route = [
        c for c in candidates if c["method"] == asked["method"] and c["path"] == asked["path"]
    ]
    if not same_route:
        return None

    def parts(canonical: dict[str, Any]) -> dict[str, Any]:
        return {k: canonical.get(k) for k in ("query", "headers", "body")}

    wanted = _leaves(parts(asked))
    best = max(same_route, key=lambda c: len(_leaves(parts(c)) & wanted))
    found = first_difference(parts(best), parts(asked))
    if found and found.startswith("body.json."):
        return found.removeprefix("body.json.")
    return found

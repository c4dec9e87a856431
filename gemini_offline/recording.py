"""The request log: what each call to the offline server carried, minus the credentials.

Recording is off by default: a log keeps every body (base64 images included), so a
long-running server — the app's in-process demo server above all — must not grow with its
traffic. A test that reads the log turns it on with ``start_server(record=True)`` or
``srv.log.start()``.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from .keys import normalize
from .request import image_parts, texts_of

#: Headers never stored, because they carry credentials.
SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization"})


def key_hint(api_key: str | None) -> str | None:
    """A short, one-way fingerprint of an API key (never the key itself)."""
    if not api_key:
        return None
    return hashlib.sha256(api_key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received. ``headers`` has lower-case names and no credentials."""

    method: str
    path: str
    #: "v1", "v1beta" or (Imagen) "v1beta1"; None for a path outside the API.
    api_version: str | None
    #: Model id without "models/", or None.
    model: str | None
    #: "generateContent", "streamGenerateContent", "countTokens", "list", "get", "predict", ….
    action: str | None
    query: dict[str, str] = field(default_factory=dict)
    #: Parsed JSON body exactly as sent (snake_case keys and all), or None.
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: ``sha256(key)[:12]`` of the API key used, or None when there was none.
    key_hint: str | None = None

    @property
    def _normalized(self) -> dict[str, Any]:
        return normalize(self.body) if isinstance(self.body, dict) else {}

    @property
    def generation_config(self) -> dict[str, Any]:
        """The body's ``generationConfig`` with every key camelCased (``{}`` if none)."""
        return self._normalized.get("generationConfig") or {}

    @property
    def system_text(self) -> str | None:
        """Joined text of the system instruction's parts, or None."""
        system = self._normalized.get("systemInstruction")
        if system is None:
            return None
        return "\n".join(texts_of(system))

    @property
    def user_texts(self) -> list[str]:
        """Every text part of the user turns, in order."""
        contents = self._normalized.get("contents") or []
        return [
            text
            for content in contents
            if isinstance(content, dict) and content.get("role", "user") == "user"
            for text in texts_of(content)
        ]

    @property
    def image_config(self) -> dict[str, Any]:
        """``generationConfig.imageConfig`` with camelCase keys (``{}`` if none)."""
        value = self.generation_config.get("imageConfig")
        return value if isinstance(value, dict) else {}

    @property
    def images_in(self) -> int:
        """How many ``image/*`` inline blobs the request's contents carry, in all turns."""
        contents = self._normalized.get("contents") or []
        return sum(len(image_parts(c)) for c in contents if isinstance(c, dict))

    @property
    def signed_images_in(self) -> int:
        """How many of those image parts carry a ``thoughtSignature`` (Gemini 3 history)."""
        contents = self._normalized.get("contents") or []
        return sum(
            1
            for c in contents
            if isinstance(c, dict)
            for p in c.get("parts") or []
            if isinstance(p, dict) and "inlineData" in p and p.get("thoughtSignature")
        )

    @property
    def instances(self) -> list[dict[str, Any]]:
        """The ``instances`` of an Imagen ``predict`` body (``[]`` otherwise)."""
        value = self._normalized.get("instances")
        return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []

    @property
    def parameters(self) -> dict[str, Any]:
        """The ``parameters`` of an Imagen ``predict`` body, camelCased (``{}`` otherwise)."""
        value = self._normalized.get("parameters")
        return value if isinstance(value, dict) else {}


class RequestLog:
    """A thread-safe list of :class:`RecordedRequest`, filled only while recording."""

    def __init__(self, *, active: bool = False) -> None:
        self._lock = threading.Lock()
        self._entries: list[RecordedRequest] = []
        self._active = active

    @property
    def active(self) -> bool:
        """Whether requests are being recorded."""
        return self._active

    def start(self, *, clear: bool = True) -> RequestLog:
        """Record from now on (emptying the log first unless ``clear=False``)."""
        with self._lock:
            if clear:
                self._entries.clear()
            self._active = True
        return self

    def stop(self, *, clear: bool = True) -> None:
        """Stop recording (and, unless ``clear=False``, free what was recorded)."""
        with self._lock:
            self._active = False
            if clear:
                self._entries.clear()

    def clear(self) -> None:
        """Empty the log; recording stays on or off as it was."""
        with self._lock:
            self._entries.clear()

    def add(self, request: RecordedRequest) -> None:
        """Append ``request`` if recording is on."""
        with self._lock:
            if self._active:
                self._entries.append(request)

    @property
    def entries(self) -> list[RecordedRequest]:
        """A snapshot of the log, oldest first."""
        with self._lock:
            return list(self._entries)

    def last(self, action: str = "generateContent") -> RecordedRequest | None:
        """The most recent request with ``action``, or None."""
        with self._lock:
            return next((r for r in reversed(self._entries) if r.action == action), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

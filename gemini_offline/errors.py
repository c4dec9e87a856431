"""Google error envelopes: ``{"error": {"code", "message", "status", "details"}}``.

Every failure the offline server reports goes through :class:`ApiError`, so clients (the
SDK's ``errors.APIError`` mapping in particular) see exactly the shape real Gemini sends.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Canonical status names for the HTTP codes the server can produce.
STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

UNREGISTERED_CALLER_MESSAGE = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)

#: Byte-for-byte the body real Gemini returns for a bad key (wire/error_400_…json).
API_KEY_INVALID_BODY: dict[str, Any] = {
    "error": {
        "code": 400,
        "message": "API key not valid. Please pass a valid API key.",
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": "API key not valid. Please pass a valid API key.",
            },
        ],
    }
}


class ApiError(Exception):
    """An error reply: HTTP ``code`` plus the Google envelope body."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        details: Sequence[dict[str, Any]] | None = None,
        *,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.details = list(details or [])
        self._body = body

    def body(self) -> dict[str, Any]:
        """The JSON body to send."""
        if self._body is not None:
            return copy.deepcopy(self._body)
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = copy.deepcopy(self.details)
        return {"error": error}


def api_key_invalid() -> ApiError:
    """The 400 real Gemini returns for an unknown API key."""
    return ApiError(
        400,
        API_KEY_INVALID_BODY["error"]["message"],
        "INVALID_ARGUMENT",
        body=API_KEY_INVALID_BODY,
    )


def permission_denied() -> ApiError:
    """The 403 for a request carrying no API key at all."""
    return ApiError(403, UNREGISTERED_CALLER_MESSAGE, "PERMISSION_DENIED")


def not_found(message: str) -> ApiError:
    """A 404 NOT_FOUND with ``message``."""
    return ApiError(404, message, "NOT_FOUND")


def invalid_argument(message: str) -> ApiError:
    """A 400 INVALID_ARGUMENT with ``message`` and no details."""
    return ApiError(400, message, "INVALID_ARGUMENT")


@dataclass
class Violations:
    """Collects field violations of one request and raises them together.

    The message lists one ``* Request.field: description`` line per violation, as real
    Gemini does, and a ``google.rpc.BadRequest`` detail carries the same data for programs.
    """

    request_name: str = "GenerateContentRequest"
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_path: str, description: str) -> None:
        """Record that ``field_path`` (snake_case, as Google reports it) is invalid."""
        self.items.append((field_path, description))

    def raise_if_any(self) -> None:
        """Raise a 400 listing every violation, if there is one."""
        if not self.items:
            return
        message = "\n".join(f"* {self.request_name}.{path}: {desc}" for path, desc in self.items)
        detail = {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": path, "description": desc} for path, desc in self.items],
        }
        raise ApiError(400, message, "INVALID_ARGUMENT", [detail])

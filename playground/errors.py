"""Every failure the user can meet, as a PlaygroundError with a message and a remedy.

The SDK raises `google.genai.errors.APIError` (ClientError for 4xx, ServerError for 5xx)
for HTTP failures, but transport failures arrive as raw `httpx2` exceptions. Both are
mapped here, so pages only ever deal with PlaygroundError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx2
from google.genai import errors as genai_errors

_KEY_PATTERN = re.compile(r"AIza[0-9A-Za-z_\-]{20,}")


@dataclass
class PlaygroundError(Exception):
    """A failure explained for people: what happened, and what to do about it."""

    message: str
    remedy: str = ""
    code: int | None = None
    status: str | None = None
    retryable: bool = False
    retry_after_s: float | None = None
    kind: str = "error"
    details: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    @property
    def title(self) -> str:
        """A short heading, e.g. "429 RESOURCE_EXHAUSTED" or "Timeout"."""
        if self.code is not None:
            return f"{self.code} {self.status or ''}".strip()
        return self.kind.replace("_", " ").capitalize()


class BadInput(PlaygroundError):
    """The user's own input can't be sent (empty prompt, broken schema, bad file)."""


class ApiError(PlaygroundError):
    """The Gemini API answered with an error envelope."""


class TransportError(PlaygroundError):
    """The request never got a complete answer: timeout, refused or dropped connection."""


class StreamInterrupted(PlaygroundError):
    """A stream stopped before its finish reason; what arrived is kept."""


class Cancelled(PlaygroundError):
    """The visitor cancelled a run that was still waiting for Gemini."""


def cancelled(elapsed_s: float, what: str = "run") -> Cancelled:
    """The message for a run the visitor cancelled after `elapsed_s`."""
    return Cancelled(
        f"You cancelled the {what} after {elapsed_s:.1f} s; nothing more will be shown for it.",
        "Your prompt and settings are kept: Run again when ready, or raise Request timeout "
        "in the sidebar for slow answers.",
        kind="cancelled",
    )


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove anything that looks like an API key, and the given secrets, from text."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return _KEY_PATTERN.sub("[redacted]", text)


def _error_details(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("details"), list):
            return [d for d in inner["details"] if isinstance(d, dict)]
    return []


def _detail_of_type(details: list[dict[str, Any]], suffix: str) -> dict[str, Any] | None:
    for detail in details:
        if str(detail.get("@type", "")).endswith(suffix):
            return detail
    return None


def parse_duration(value: str | None) -> float | None:
    """Parse a google.protobuf.Duration string such as "15s" or "0.5s"."""
    if not value:
        return None
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)s\s*", str(value))
    return float(match.group(1)) if match else None


def _remedy_for(code: int, status: str, reason: str | None, message: str) -> tuple[str, str]:
    """Return (kind, remedy) for an API error."""
    if reason == "API_KEY_INVALID" or "API key not valid" in message:
        return "bad_key", (
            "Check the API key: paste a valid key from Google AI Studio (aistudio.google.com) "
            "in the sidebar, or switch to the offline demo."
        )
    if code == 400:
        return "invalid_argument", (
            "The request was rejected as invalid. Check the settings the message names "
            "(for example a value out of range) and try again."
        )
    if code in (401, 403):
        return "permission_denied", (
            "The key is missing or not allowed to use this model. Add a valid key in the "
            "sidebar or enable the Gemini API for its project."
        )
    if code == 404:
        return "not_found", (
            "The model is not available for this key or API version. Pick another model "
            "in the sidebar."
        )
    if code == 429:
        return "rate_limited", (
            "You hit a rate limit or quota. Wait a minute and run again, use a lighter "
            "model, or check your plan's limits."
        )
    if code == 503:
        return "unavailable", (
            "The model is overloaded right now. Try again in a moment or pick another model."
        )
    if code == 504:
        return "deadline", "The model took too long. Try a shorter prompt or run again."
    if code >= 500:
        return "server_error", (
            "Gemini had an internal error. Run again; if it keeps happening, try another model."
        )
    return "api_error", "Check the request settings and try again."


def from_api_error(
    code: int, status: str | None, message: str | None, body: Any, secrets: tuple[str, ...] = ()
) -> ApiError:
    """Map an HTTP error (status code + Google error envelope) to an ApiError."""
    details = _error_details(body)
    status = status or ""
    message = redact((message or "").strip() or f"HTTP {code}", secrets)
    error_info = _detail_of_type(details, "google.rpc.ErrorInfo")
    reason = error_info.get("reason") if error_info else None
    retry_info = _detail_of_type(details, "google.rpc.RetryInfo")
    retry_after = parse_duration(retry_info.get("retryDelay")) if retry_info else None
    kind, remedy = _remedy_for(code, status, reason, message)
    if retry_after is not None and code == 429:
        remedy += f" The API suggested waiting {retry_after:g} s."
    return ApiError(
        message=message,
        remedy=remedy,
        code=code,
        status=status,
        retryable=code in (429, 503),
        retry_after_s=retry_after,
        kind=kind,
        details=details,
    )


def from_exception(exc: BaseException, secrets: tuple[str, ...] = ()) -> PlaygroundError:
    """Map any SDK or transport exception to a PlaygroundError.

    Exceptions that are not API or transport failures are programming errors and are
    re-raised by the caller, never swallowed here.
    """
    if isinstance(exc, PlaygroundError):
        return exc
    if isinstance(exc, genai_errors.APIError):
        return from_api_error(
            int(exc.code or 0), exc.status, exc.message, exc.details, secrets=secrets
        )
    if isinstance(exc, httpx2.TimeoutException):
        return TransportError(
            message="Gemini did not answer in time (the request timed out).",
            remedy="Run again; for long answers lower Max output tokens or use streaming.",
            kind="timeout",
            retryable=False,
        )
    if isinstance(exc, httpx2.ConnectError):
        return TransportError(
            message="Could not connect to the Gemini endpoint.",
            remedy="Check your network or the base URL; the offline demo works without one.",
            kind="connection_failed",
        )
    if isinstance(exc, httpx2.RemoteProtocolError | httpx2.ReadError):
        return TransportError(
            message="The connection dropped before the reply was complete.",
            remedy="Run again. If you were streaming, the text that arrived is kept above.",
            kind="connection_dropped",
        )
    if isinstance(exc, httpx2.HTTPError):
        return TransportError(
            message=redact(f"Network error: {type(exc).__name__}: {exc}", secrets),
            remedy="Check your network and run again.",
            kind="network",
        )
    if isinstance(exc, ValueError) and "API key" in str(exc):
        return BadInput(
            message="No API key was provided to the Gemini client.",
            remedy="Add a key in the sidebar, or switch to the offline demo.",
            kind="no_key",
        )
    raise TypeError(f"not an API or transport failure: {type(exc).__name__}") from exc


def is_api_or_transport_error(exc: BaseException) -> bool:
    """True for the exceptions that from_exception knows how to explain."""
    return isinstance(exc, PlaygroundError | genai_errors.APIError | httpx2.HTTPError)

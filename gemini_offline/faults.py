"""Directives in a prompt: ``[[fault:…]]``, ``[[block:…]]``, ``[[finish:…]]``, ``[[url:…]]``, ….

Demos and tests put a directive in the last user turn to make the offline server fail in
a chosen, realistic way. :func:`parse_directives` finds them and returns the text with the
directives removed, so the reply talks about the rest of the prompt.

==========================  ===============================================================
``[[fault:400]]`` etc.      error envelope with that code (400, 403, 404, 429, 500, 503, 504)
``[[fault:429x2]]``         fail twice, then succeed; per caller and identical request
``[[fault:timeout]]``       sleep ``timeout_sleep_s`` before answering
``[[fault:cut]]``           drop the connection part-way through the reply
``[[fault:midstream]]``     stream a few chunks, then an in-stream 500 error event
``[[block:SAFETY]]``        200 with ``promptFeedback.blockReason`` and no candidates
``[[finish:RECITATION]]``   candidate ending with that ``finishReason``
``[[finish:NO_IMAGE]]``     (also IMAGE_SAFETY, IMAGE_PROHIBITED_CONTENT, …) a candidate with
                            no content and that ``finishReason``, on image models too
``[[text-only]]``           an image model answers in words only (no image part), STOP
``[[image-mime:TYPE]]``     an image model's image parts carry ``mimeType`` TYPE:
                            ``image/svg+xml`` gets an SVG document holding a ``<script>``,
                            ``text/html`` an HTML document; any other type the usual PNG
                            bytes, labelled TYPE (for testing how clients treat the label)
``[[url:ERROR]]``           with the urlContext tool: every URL of the prompt gets that
                            ``urlRetrievalStatus`` (ERROR, PAYWALL, UNSAFE or SUCCESS, also
                            spelt URL_RETRIEVAL_STATUS_ERROR, …) and the answer says so
==========================  ===============================================================
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from .errors import STATUS_BY_CODE, ApiError, invalid_argument

DIRECTIVE_RE = re.compile(
    r"\[\[\s*(?:(fault|block|finish|image-mime|url)\s*:\s*([^\]\s]*)|(text-only))\s*\]\]",
    re.IGNORECASE,
)
#: A MIME type as ``[[image-mime:…]]`` accepts it: ``type/subtype``.
_MIME_RE = re.compile(r"^[a-z0-9][\w.+-]*/[a-z0-9][\w.+-]*$", re.IGNORECASE)
_COUNTED_RE = re.compile(r"^(\d{3})(?:x(\d+))?$", re.IGNORECASE)

FAULT_CODES = (400, 403, 404, 429, 500, 503, 504)
#: ``[[url:…]]`` values: the ``URL_RETRIEVAL_STATUS_…`` suffixes a URL context reply uses.
URL_STATUSES = frozenset({"SUCCESS", "ERROR", "PAYWALL", "UNSAFE"})
TRANSPORT_FAULTS = ("timeout", "cut", "midstream")

BLOCK_REASONS = frozenset(
    {
        "SAFETY",
        "OTHER",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "IMAGE_SAFETY",
        "MODEL_ARMOR",
        "JAILBREAK",
    }
)
FINISH_REASONS = frozenset(
    {
        "STOP",
        "MAX_TOKENS",
        "SAFETY",
        "RECITATION",
        "LANGUAGE",
        "OTHER",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "MALFORMED_FUNCTION_CALL",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_OTHER",
        "NO_IMAGE",
        "IMAGE_RECITATION",
        "UNEXPECTED_TOOL_CALL",
        "TOO_MANY_TOOL_CALLS",
        "MISSING_THOUGHT_SIGNATURE",
        "MALFORMED_RESPONSE",
        "ESCALATION",
        "PUP_LIMITED_DISABLED",
        "CONTINUATION",
        "MODEL_ARMOR",
    }
)

FAULT_MESSAGES = {
    400: "Simulated bad request (fault directive).",
    403: "Simulated permission denied (fault directive).",
    404: "Simulated not found (fault directive).",
    429: (
        "You exceeded your current quota, please check your plan and billing details. "
        "For more information on this error, head to: "
        "https://ai.google.dev/gemini-api/docs/rate-limits."
    ),
    500: "An internal error has occurred. Please retry or report in "
    "https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}
MIDSTREAM_MESSAGE = "Simulated mid-stream failure (fault directive)."


@dataclass(frozen=True)
class Directives:
    """What the directives in one prompt ask for (all None when there are none)."""

    #: HTTP code to fail with, e.g. 429.
    fault_code: int | None = None
    #: With ``fault_code``: fail this many times per identical request, then succeed.
    fault_times: int | None = None
    #: "timeout", "cut" or "midstream".
    transport: str | None = None
    #: A BlockedReason name for ``promptFeedback``.
    block: str | None = None
    #: A FinishReason name for the candidate.
    finish: str | None = None
    #: ``[[text-only]]``: an image model answers in words, without an image.
    text_only: bool = False
    #: ``[[image-mime:TYPE]]``: the ``mimeType`` (and, for SVG/HTML, the body) of image parts.
    image_mime: str | None = None
    #: ``[[url:STATUS]]``: the retrieval status of every URL (SUCCESS, ERROR, PAYWALL, UNSAFE).
    url_status: str | None = None


def parse_directives(text: str) -> tuple[str, Directives]:
    """Return ``text`` without directives, and the directives found.

    A directive with an unknown value raises a 400 naming the accepted values, because a
    silently ignored typo would make a demo look broken for the wrong reason.
    """
    found: dict[str, Any] = {}
    for match in DIRECTIVE_RE.finditer(text):
        if match.group(3):
            found["text_only"] = True
            continue
        kind, value = match.group(1).lower(), match.group(2)
        if kind == "fault":
            _parse_fault(value, found)
        elif kind == "image-mime":
            if not _MIME_RE.match(value):
                raise invalid_argument(
                    f"Unknown gemini_offline directive {match.group(0)}; give a MIME type "
                    "such as [[image-mime:image/svg+xml]] or [[image-mime:text/html]]."
                )
            found["image_mime"] = value.lower()
        elif kind == "block":
            found["block"] = _checked(value.upper(), BLOCK_REASONS, match.group(0))
        elif kind == "url":
            status = value.upper().removeprefix("URL_RETRIEVAL_STATUS_")
            found["url_status"] = _checked(status, URL_STATUSES, match.group(0))
        else:
            found["finish"] = _checked(value.upper(), FINISH_REASONS, match.group(0))
    cleaned = DIRECTIVE_RE.sub("", text)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
    return cleaned, Directives(**found)


def _parse_fault(value: str, found: dict[str, Any]) -> None:
    lowered = value.lower()
    if lowered in TRANSPORT_FAULTS:
        found["transport"] = lowered
        return
    counted = _COUNTED_RE.match(lowered)
    if counted and int(counted.group(1)) in FAULT_CODES:
        found["fault_code"] = int(counted.group(1))
        if counted.group(2):
            found["fault_times"] = max(1, int(counted.group(2)))
        return
    accepted = ", ".join([*map(str, FAULT_CODES), "CODExN", *TRANSPORT_FAULTS])
    raise invalid_argument(
        f"Unknown gemini_offline directive [[fault:{value}]]; accepted values: {accepted}."
    )


def _checked(value: str, allowed: frozenset[str], directive: str) -> str:
    if value not in allowed:
        names = ", ".join(sorted(allowed))
        raise invalid_argument(f"Unknown gemini_offline directive {directive}; use one of {names}.")
    return value


class FaultCounter:
    """Counts failures per request key for ``[[fault:CODExN]]``.

    The count resets after the success, so repeating the same request shows the same
    fail-fail-succeed pattern again (a retrying client can be tested more than once).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}

    def should_fail(self, key: str, times: int) -> bool:
        """True for the first ``times`` calls with ``key``, then False once, then again."""
        with self._lock:
            done = self._failures.get(key, 0)
            if done < times:
                self._failures[key] = done + 1
                return True
            self._failures.pop(key, None)
            return False


def _retry_delay(seconds: float) -> str:
    return f"{seconds:g}s"


def fault_error(code: int, model_id: str, retry_delay_s: float) -> ApiError:
    """The error envelope a ``[[fault:CODE]]`` directive produces."""
    message = FAULT_MESSAGES.get(code, "Simulated failure (fault directive).")
    details: list[dict[str, object]] = []
    if code == 429:
        # Same shape as wire/error_429_resource_exhausted_rpm_freetier_gemini-2.5-flash.json.
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": (
                            "generativelanguage.googleapis.com/generate_content_free_tier_requests"
                        ),
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "quotaDimensions": {"location": "global", "model": model_id},
                        "quotaValue": "10",
                    }
                ],
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Learn more about Gemini API quotas",
                        "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                    }
                ],
            },
            {
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": _retry_delay(retry_delay_s),
            },
        ]
    return ApiError(code, message, STATUS_BY_CODE[code], details)


def midstream_error_body() -> dict[str, Any]:
    """The ``data:`` payload of an in-stream failure."""
    return {"error": {"code": 500, "message": MIDSTREAM_MESSAGE, "status": "INTERNAL"}}

"""Reply: a normalised, render-ready view of a GenerateContentResponse.

It keeps the order of parts (text, thought summaries, images) per candidate, the usage,
the timing, why the model stopped and why a prompt was blocked, and the raw model
`Content` of each candidate so that a chat can resend it with its thought signatures.
"""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, field
from typing import Any, Literal

from google.genai import types

FINISH_EXPLANATIONS: dict[str, str] = {
    "STOP": "The model finished its answer (or hit a stop sequence).",
    "MAX_TOKENS": "The reply hit the output limit and was cut off: raise Max output tokens.",
    "SAFETY": "The reply was stopped by the safety filters. Rephrase the prompt or relax the "
    "safety settings.",
    "RECITATION": "The reply was stopped because it was reciting existing material too closely. "
    "Ask for a summary in your own words instead.",
    "LANGUAGE": "The reply used a language the model does not support here.",
    "BLOCKLIST": "The reply contained a term from a blocklist.",
    "PROHIBITED_CONTENT": "The reply was stopped for prohibited content.",
    "SPII": "The reply was stopped because it may contain sensitive personal information.",
    "MALFORMED_FUNCTION_CALL": "The model produced an invalid function call.",
    "IMAGE_SAFETY": "The image was withheld by the safety filters. Change the prompt.",
    "IMAGE_PROHIBITED_CONTENT": "The image was withheld for prohibited content.",
    "IMAGE_RECITATION": "The image was withheld: it resembled existing material too closely.",
    "IMAGE_OTHER": "The image could not be generated. Try again or change the prompt.",
    "NO_IMAGE": 'No image came back. Ask explicitly, e.g. "generate an image of …".',
    "OTHER": "The model stopped for an unspecified reason. Try again.",
    "MALFORMED_RESPONSE": "The model produced a malformed response. Try again.",
}
BLOCK_EXPLANATIONS: dict[str, str] = {
    "SAFETY": "The prompt was blocked by the safety filters. Rephrase it or relax the safety "
    "settings in the sidebar.",
    "OTHER": "The prompt was blocked for an unspecified reason. Rephrase it.",
    "BLOCKLIST": "The prompt contains a blocked term. Remove it and try again.",
    "PROHIBITED_CONTENT": "The prompt asks for prohibited content and cannot be answered.",
    "IMAGE_SAFETY": "An attached image was blocked by the safety filters.",
    "JAILBREAK": "The prompt was blocked as an attempt to bypass safety rules.",
}


def _name(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.name)
    return str(value)


@dataclass(frozen=True)
class ReplyPart:
    """One part of a candidate, in the order the model sent it."""

    kind: Literal["text", "thought", "image", "code", "code_result"]
    text: str = ""
    data: bytes = b""
    mime_type: str = ""


@dataclass(frozen=True)
class Candidate:
    """One alternative answer."""

    index: int
    parts: tuple[ReplyPart, ...]
    finish_reason: str | None
    finish_message: str | None = None
    content: types.Content | None = None

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts if p.kind == "text")

    @property
    def thoughts(self) -> str:
        return "".join(p.text for p in self.parts if p.kind == "thought")

    @property
    def images(self) -> list[ReplyPart]:
        return [p for p in self.parts if p.kind == "image"]


@dataclass(frozen=True)
class Usage:
    """Token counts as reported by the API (0 when not reported)."""

    prompt_tokens: int = 0
    output_tokens: int = 0
    thought_tokens: int = 0
    cached_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def from_sdk(cls, usage: types.GenerateContentResponseUsageMetadata | None) -> Usage:
        if usage is None:
            return cls()
        prompt = usage.prompt_token_count or 0
        output = usage.candidates_token_count or 0
        thoughts = usage.thoughts_token_count or 0
        total = usage.total_token_count or (prompt + output + thoughts)
        return cls(prompt, output, thoughts, usage.cached_content_token_count or 0, total)


@dataclass(frozen=True)
class Timing:
    """Wall-clock figures of one call, in seconds."""

    latency_s: float = 0.0
    first_token_s: float | None = None
    chunks: int = 0
    attempts: int = 1
    timeline: tuple[tuple[float, int], ...] = ()  # (seconds, output tokens) per chunk

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens per second after the first token (streams only)."""
        if len(self.timeline) < 2 or self.first_token_s is None:
            return None
        span = self.timeline[-1][0] - self.first_token_s
        return self.timeline[-1][1] / span if span > 0 else None


@dataclass(frozen=True)
class Reply:
    """A whole answer: candidates, usage, timing, and block or finish reasons."""

    candidates: tuple[Candidate, ...] = ()
    usage: Usage = field(default_factory=Usage)
    timing: Timing = field(default_factory=Timing)
    model_version: str | None = None
    response_id: str | None = None
    block_reason: str | None = None
    interrupted: str | None = None  # why a stream ended early ("stopped", "cut", ...)

    @property
    def first(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def text(self) -> str:
        return self.first.text if self.first else ""

    @property
    def thoughts(self) -> str:
        return self.first.thoughts if self.first else ""

    @property
    def images(self) -> list[ReplyPart]:
        return self.first.images if self.first else []

    @property
    def finish_reason(self) -> str | None:
        return self.first.finish_reason if self.first else None

    @property
    def blocked(self) -> bool:
        return self.block_reason is not None

    def finish_explanation(self) -> str | None:
        """Why the model stopped, in words, or None for a normal stop."""
        if self.block_reason:
            return BLOCK_EXPLANATIONS.get(
                self.block_reason, f"The prompt was blocked ({self.block_reason})."
            )
        reason = self.finish_reason
        if reason is None:
            if self.interrupted:
                return None
            return "The reply ended without a finish reason; it may be incomplete."
        if reason == "STOP":
            return None
        return FINISH_EXPLANATIONS.get(reason, f"The model stopped with {reason}.")

    @classmethod
    def from_response(
        cls, response: types.GenerateContentResponse, timing: Timing | None = None
    ) -> Reply:
        """Build a Reply from an SDK response object."""
        candidates = tuple(_candidate(i, c) for i, c in enumerate(response.candidates or []))
        feedback = response.prompt_feedback
        return cls(
            candidates=candidates,
            usage=Usage.from_sdk(response.usage_metadata),
            timing=timing or Timing(),
            model_version=response.model_version,
            response_id=response.response_id,
            block_reason=_name(feedback.block_reason) if feedback else None,
        )

    @classmethod
    def from_wire(cls, body: dict[str, Any], timing: Timing | None = None) -> Reply:
        """Build a Reply from a raw REST body (camelCase JSON), parsed as the SDK does.

        The SDK drops fields it does not know (forward compatibility), so this does too.
        """
        response = types.GenerateContentResponse._from_response(
            response=copy.deepcopy(body), kwargs={}
        )
        return cls.from_response(response, timing)


def _candidate(position: int, candidate: types.Candidate) -> Candidate:
    parts: list[ReplyPart] = []
    content = candidate.content
    for part in content.parts if content and content.parts else []:
        parts.extend(_reply_parts(part))
    return Candidate(
        index=candidate.index if candidate.index is not None else position,
        parts=tuple(parts),
        finish_reason=_name(candidate.finish_reason),
        finish_message=candidate.finish_message,
        content=content,
    )


def _reply_parts(part: types.Part) -> list[ReplyPart]:
    out: list[ReplyPart] = []
    if part.text is not None and part.text != "":
        out.append(ReplyPart("thought" if part.thought else "text", text=part.text))
    if part.inline_data is not None and part.inline_data.data and not part.thought:
        out.append(
            ReplyPart(
                "image",
                data=part.inline_data.data,
                mime_type=part.inline_data.mime_type or "application/octet-stream",
            )
        )
    if part.executable_code is not None:
        out.append(ReplyPart("code", text=part.executable_code.code or ""))
    if part.code_execution_result is not None:
        out.append(ReplyPart("code_result", text=part.code_execution_result.output or ""))
    return out

"""Reply: a normalised, render-ready view of a GenerateContentResponse.

It keeps the order of parts (text, thought summaries, images) per candidate, the usage,
the timing, why the model stopped and why a prompt was blocked, and the raw model
`Content` of each candidate so that a chat can resend it with its thought signatures.
"""

from __future__ import annotations

import copy
import enum
import json
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


PartKind = Literal[
    "text",
    "thought",
    "image",
    "code",
    "code_result",
    "function_call",
    "function_response",
    "tool_call",
    "tool_response",
]
TOOL_NAMES: dict[str, str] = {
    "FILE_SEARCH": "File search",
    "GOOGLE_SEARCH_WEB": "Google Search",
    "GOOGLE_SEARCH_IMAGE": "Google image search",
    "URL_CONTEXT": "URL context",
    "GOOGLE_MAPS": "Google Maps",
    "MEDIA_PROCESSING": "Media processing",
}


def tool_name(tool_type: str) -> str:
    """A server-side tool type (toolCall.toolType) in words."""
    if tool_type in TOOL_NAMES:
        return TOOL_NAMES[tool_type]
    words = tool_type.replace("_", " ").strip().lower()
    return words.capitalize() if words and words != "tool type unspecified" else "Server tool"


@dataclass(frozen=True)
class ReplyPart:
    """One part of a candidate, in the order the model sent it."""

    kind: PartKind
    text: str = ""  # for a function call or response: its name; for a tool step: its tool
    data: bytes = b""
    mime_type: str = ""
    args: dict[str, Any] | None = None  # a call's arguments, or a response's object
    outcome: str | None = None  # a code result's outcome (OUTCOME_OK, OUTCOME_FAILED, …)
    part_index: int = 0  # the position of the SDK part it came from (grounding refers to it)
    call_id: str | None = None  # a function or tool call's id, echoed by its response

    @property
    def tool_label(self) -> str:
        """A server-side tool step's tool in words ("File search", …)."""
        return tool_name(self.text)


@dataclass(frozen=True)
class Support:
    """A stretch of answer text backed by sources: UTF-8 byte offsets into one part."""

    part_index: int
    start: int
    end: int
    sources: tuple[int, ...]  # indices into Grounding.sources


@dataclass(frozen=True)
class Retrieved:
    """A passage a server-side retrieval tool (file search) found, with where it lives."""

    number: int  # its position in Grounding.sources, from 1 (the citation marker)
    title: str
    uri: str
    text: str
    store: str  # the file search store (or RAG corpus) it came from


@dataclass(frozen=True)
class Grounding:
    """What Google Search, URL context or file search grounded the answer in."""

    queries: tuple[str, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()  # (title, uri), one per grounding chunk
    supports: tuple[Support, ...] = ()
    suggestions_html: str | None = None  # searchEntryPoint.renderedContent (isolate it!)
    urls: tuple[tuple[str, str], ...] = ()  # (url, retrieval status) from URL context
    retrieved: tuple[Retrieved, ...] = ()  # file-search passages (also in `sources`)

    @property
    def empty(self) -> bool:
        return not (self.queries or self.sources or self.urls or self.suggestions_html)


@dataclass(frozen=True)
class Candidate:
    """One alternative answer."""

    index: int
    parts: tuple[ReplyPart, ...]
    finish_reason: str | None
    finish_message: str | None = None
    content: types.Content | None = None
    grounding: Grounding = field(default_factory=Grounding)

    @property
    def function_calls(self) -> list[ReplyPart]:
        return [p for p in self.parts if p.kind == "function_call"]

    @property
    def tool_steps(self) -> list[ReplyPart]:
        """Server-side tool calls and responses (file search and the like)."""
        return [p for p in self.parts if p.kind in ("tool_call", "tool_response")]

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
    tool_prompt_tokens: int = 0  # what tool results added to the prompt (search, URLs)
    image_output_tokens: int = 0  # of output_tokens: the image parts (priced differently)
    audio_prompt_tokens: int = 0  # of prompt_tokens: audio input (priced differently)

    @classmethod
    def from_sdk(cls, usage: types.GenerateContentResponseUsageMetadata | None) -> Usage:
        if usage is None:
            return cls()
        prompt = usage.prompt_token_count or 0
        output = usage.candidates_token_count or 0
        thoughts = usage.thoughts_token_count or 0
        tools = usage.tool_use_prompt_token_count or 0
        total = usage.total_token_count or (prompt + output + thoughts + tools)
        return cls(
            prompt,
            output,
            thoughts,
            usage.cached_content_token_count or 0,
            total,
            tools,
            image_output_tokens=_modality_tokens(usage.candidates_tokens_details, "IMAGE"),
            audio_prompt_tokens=_modality_tokens(usage.prompt_tokens_details, "AUDIO"),
        )


def _modality_tokens(details: list[types.ModalityTokenCount] | None, modality: str) -> int:
    """Tokens of one modality in a usage breakdown (0 when not reported)."""
    return sum(
        d.token_count or 0
        for d in details or []
        if d.modality is not None and str(getattr(d.modality, "value", d.modality)) == modality
    )


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
    content = candidate.content
    return Candidate(
        index=candidate.index if candidate.index is not None else position,
        parts=parts_of(content),
        finish_reason=_name(candidate.finish_reason),
        finish_message=candidate.finish_message,
        content=content,
        grounding=grounding_of(candidate),
    )


def grounding_of(candidate: types.Candidate) -> Grounding:
    """The candidate's grounding and URL-context metadata, flattened."""
    meta = candidate.grounding_metadata
    urls = (
        tuple(
            (u.retrieved_url or "", _name(u.url_retrieval_status) or "")
            for u in (candidate.url_context_metadata.url_metadata or [])
        )
        if candidate.url_context_metadata
        else ()
    )
    if meta is None:
        return Grounding(urls=urls)
    sources: list[tuple[str, str]] = []
    retrieved: list[Retrieved] = []
    for chunk in meta.grounding_chunks or []:
        # Every chunk keeps its place: groundingChunkIndices count all of them.
        if chunk.web is not None:
            web = chunk.web
            sources.append(((web.title or web.domain or web.uri or ""), web.uri or ""))
        elif chunk.retrieved_context is not None:
            found = chunk.retrieved_context
            title = found.title or found.document_name or found.uri or "Retrieved passage"
            sources.append((title, found.uri or ""))
            retrieved.append(
                Retrieved(
                    number=len(sources),
                    title=title,
                    uri=found.uri or "",
                    text=found.text or "",
                    store=found.file_search_store or "",
                )
            )
        elif chunk.maps is not None:
            sources.append((chunk.maps.title or chunk.maps.uri or "Place", chunk.maps.uri or ""))
        else:
            sources.append(("Source", ""))
    supports = []
    for support in meta.grounding_supports or []:
        segment = support.segment
        if segment is None or segment.end_index is None:
            continue
        supports.append(
            Support(
                part_index=segment.part_index or 0,
                start=segment.start_index or 0,
                end=segment.end_index,
                sources=tuple(support.grounding_chunk_indices or ()),
            )
        )
    entry = meta.search_entry_point
    return Grounding(
        queries=tuple(meta.web_search_queries or ()),
        sources=tuple(sources),
        supports=tuple(supports),
        suggestions_html=entry.rendered_content if entry and entry.rendered_content else None,
        urls=urls,
        retrieved=tuple(retrieved),
    )


def _reply_parts(part: types.Part, index: int = 0) -> list[ReplyPart]:
    out: list[ReplyPart] = []
    if part.text is not None and part.text != "":
        kind: Literal["thought", "text"] = "thought" if part.thought else "text"
        out.append(ReplyPart(kind, text=part.text, part_index=index))
    if part.inline_data is not None and part.inline_data.data and not part.thought:
        out.append(
            ReplyPart(
                "image",
                data=part.inline_data.data,
                mime_type=part.inline_data.mime_type or "application/octet-stream",
                part_index=index,
            )
        )
    if part.executable_code is not None:
        out.append(ReplyPart("code", text=part.executable_code.code or "", part_index=index))
    if part.code_execution_result is not None:
        result = part.code_execution_result
        out.append(
            ReplyPart(
                "code_result",
                text=result.output or "",
                outcome=_name(result.outcome),
                part_index=index,
            )
        )
    exchanges: tuple[tuple[PartKind, Any, str, str], ...] = (  # kind, part, name, body
        ("function_call", part.function_call, "name", "args"),
        ("function_response", part.function_response, "name", "response"),
        ("tool_call", part.tool_call, "tool_type", "args"),
        ("tool_response", part.tool_response, "tool_type", "response"),
    )
    for step_kind, value, name_field, body_field in exchanges:
        if value is not None:
            name = getattr(value, name_field)
            out.append(
                ReplyPart(
                    step_kind,
                    text=(name if isinstance(name, str) else _name(name)) or "",
                    args=dict(getattr(value, body_field) or {}),
                    part_index=index,
                    call_id=value.id,
                )
            )
    return out


def step_summary(part: ReplyPart, limit: int = 120) -> str:
    """A server-side tool call's arguments in one short line: its query when it has one
    (file search asks with a query), else its arguments as compact JSON."""
    args = part.args or {}
    for key in ("query", "queries", "search_query", "url", "urls"):
        value = args.get(key)
        if isinstance(value, str) and value.strip():
            text = value.strip()
            break
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            text = " · ".join(v.strip() for v in value)
            break
    else:
        text = json.dumps(args, ensure_ascii=False, separators=(", ", ": ")) if args else ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def step_sources(candidate: Candidate, part: ReplyPart) -> tuple[Retrieved, ...]:
    """The retrieved passages shown with a tool step: all of them, under the candidate's
    last server-side tool response (the step that brought them); none under the others."""
    if part.kind != "tool_response" or not candidate.grounding.retrieved:
        return ()
    responses = [p for p in candidate.parts if p.kind == "tool_response"]
    return candidate.grounding.retrieved if responses and responses[-1] is part else ()


def parts_of(content: types.Content | None) -> tuple[ReplyPart, ...]:
    """Every part of a stored Content (a chat turn), render-ready, in order."""
    parts: list[ReplyPart] = []
    for index, part in enumerate(content.parts if content and content.parts else []):
        parts.extend(_reply_parts(part, index))
    return tuple(parts)


FINISH_WORDS = {
    "STOP": "complete",
    "MAX_TOKENS": "cut at Max output tokens",
    "SAFETY": "stopped by the safety filters",
    "RECITATION": "stopped for recitation",
    "BLOCKED": "blocked",
    "CUT": "the stream was cut off",
    "STOPPED": "stopped by you",
}


def finish_words(code: str) -> str:
    """A finish reason (or how a stream ended) in words, with its API name: it wraps in a
    caption, where an st.metric would truncate "MAX_TOKENS" in a narrow column."""
    words = FINISH_WORDS.get(code, code.replace("_", " ").lower())
    return f"**Finish:** {words} (`{code}`)" if code != "—" else "**Finish:** —"


def finish_code(reply: Reply) -> str:
    """The reply's finish reason, BLOCKED, or how its stream ended (CUT, STOPPED), or —."""
    if reply.blocked:
        return "BLOCKED"
    return reply.finish_reason or (reply.interrupted or "—").upper()

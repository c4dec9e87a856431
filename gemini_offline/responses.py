"""Turn a validated request into a GenerateContentResponse body or a list of SSE events.

This is where the config knobs meet the composed text: candidates and their variations,
thinking (thought parts, signatures, token counts), stop sequences, ``maxOutputTokens``,
``[[block:…]]`` / ``[[finish:…]]`` directives, and the usage metadata. Bodies follow the
recorded shapes in ``wire/``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .image_replies import draw_seed, plan_image_parts
from .logprobs import TokenLogprobs, token_logprobs
from .media import decode_base64
from .request import GenerateRequest, text_of
from .text import SIMULATED_LINE, Variation, compose_answer, compose_thoughts
from .tokens import count_prompt, count_tokens, modality_details, truncate_to_tokens
from .tools import ToolContext, ToolReply, plan_tool_reply

#: Finish reasons whose candidate keeps part of its text; all others come with no content
#: (RECITATION sends none at all: wire/generate_finish_recitation_no_content_….json).
PARTIAL_FINISHES = frozenset({"OTHER", "CONTINUATION", "MAX_TOKENS"})
#: Finishes whose candidate carries ``content: {}`` and nothing else
#: (wire/generate_finish_safety_gemini-1.5-flash.json; NO_IMAGE as reported for images).
EMPTY_OBJECT_FINISHES = frozenset({"SAFETY", "NO_IMAGE"})
RATED_CATEGORIES = (
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
)
#: The sampling temperature of every Gemini model when the request sets none.
DEFAULT_TEMPERATURE = 1.0
#: A ``topP`` below this narrows the sampling in proportion.
NARROW_TOP_P = 0.5
#: The golden ratio's fractional part, for evenly spread draws.
GOLDEN = 0.6180339887498949
#: Prefix of every thought signature's bytes, so one made offline is easy to recognise.
SIGNATURE_PREFIX = b"gemini_offline:thought:"


@dataclass
class Candidate:
    """One planned candidate."""

    index: int
    #: Thought paragraphs to return (empty unless includeThoughts).
    thoughts: list[str] = field(default_factory=list)
    #: Thinking tokens used, reported even when thoughts are not returned.
    thought_tokens: int = 0
    #: Answer text; None or "" for a candidate without content.
    text: str | None = None
    finish: str = "STOP"
    signature: str | None = None
    #: Extra candidate fields such as safetyRatings.
    extra: dict[str, Any] = field(default_factory=dict)
    #: Answer parts of an image reply (text and inlineData, signatures included); when set,
    #: they replace ``text``.
    parts: list[dict[str, Any]] | None = None
    #: IMAGE tokens of ``parts``.
    image_tokens: int = 0
    #: True for an image model's reply (its usage has ``candidatesTokensDetails``).
    image_reply: bool = False
    #: ``toolUsePromptTokenCount`` of the tools that ran for this candidate.
    tool_use_tokens: int = 0
    #: A stream of this candidate ends with an empty text chunk carrying the finish, as the
    #: real API sends image replies and function calls.
    empty_tail: bool = False
    #: What the final chunk sends as ``content`` when there are no parts: None (no
    #: content at all), ``{}`` (SAFETY, NO_IMAGE) or ``{"role": "model"}`` (MAX_TOKENS
    #: spent on thinking), as in the recorded bodies.
    empty_content: dict[str, Any] | None = None
    #: The answer text's token log-probabilities, when ``responseLogprobs`` asked for them.
    logprobs: TokenLogprobs | None = None

    def text_tokens(self) -> int:
        """Tokens of the returned answer: text and tool parts (function calls, code)."""
        if self.parts is not None:
            return sum(part_tokens(p) for p in self.parts)
        return count_tokens(self.text or "")

    def answer_tokens(self) -> int:
        """Tokens of the returned answer: text plus images."""
        return self.text_tokens() + self.image_tokens

    def images(self) -> int:
        """Number of image parts."""
        return sum(1 for p in self.parts or [] if "inlineData" in p)


@dataclass
class Reply:
    """A planned reply; :meth:`body` and :meth:`events` render it."""

    model_id: str
    prompt_tokens: dict[str, int]
    candidates: list[Candidate] = field(default_factory=list)
    block: str | None = None
    response_id: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def usage(
        self, candidates_tokens: int, thoughts_tokens: int, image_tokens: int | None = None
    ) -> dict[str, Any]:
        """usageMetadata with totals that add up.

        ``image_tokens`` (None unless the reply carries images) adds
        ``candidatesTokensDetails`` with the TEXT and IMAGE shares of the answer tokens.
        """
        prompt = sum(self.prompt_tokens.values())
        usage: dict[str, Any] = {"promptTokenCount": prompt}
        if candidates_tokens:
            usage["candidatesTokenCount"] = candidates_tokens
        usage["totalTokenCount"] = prompt + candidates_tokens + thoughts_tokens
        usage["promptTokensDetails"] = modality_details(self.prompt_tokens)
        if image_tokens is not None:
            details = []
            if candidates_tokens - image_tokens:
                details.append({"modality": "TEXT", "tokenCount": candidates_tokens - image_tokens})
            if image_tokens:
                details.append({"modality": "IMAGE", "tokenCount": image_tokens})
            if details:
                usage["candidatesTokensDetails"] = details
        if thoughts_tokens:
            usage["thoughtsTokenCount"] = thoughts_tokens
        tool_use = sum(c.tool_use_tokens for c in self.candidates)
        if tool_use:
            # As recorded (wire/tool_*): counted in the total, TEXT details.
            usage["toolUsePromptTokenCount"] = tool_use
            usage["toolUsePromptTokensDetails"] = [{"modality": "TEXT", "tokenCount": tool_use}]
            usage["totalTokenCount"] += tool_use
        return usage

    def _image_tokens(self) -> int | None:
        if not any(c.image_reply for c in self.candidates):
            return None
        return sum(c.image_tokens for c in self.candidates)

    def _envelope(self, body: dict[str, Any], usage: dict[str, Any]) -> dict[str, Any]:
        return {
            **body,
            "usageMetadata": usage,
            "modelVersion": self.model_id,
            "responseId": self.response_id,
        }

    def body(self) -> dict[str, Any]:
        """The whole non-streamed response."""
        if self.block:
            return self._envelope(
                {"promptFeedback": _prompt_feedback(self.block)}, self.usage(0, 0)
            )
        candidates = []
        for c in self.candidates:
            parts: list[dict[str, Any]] = []
            if c.thoughts:
                parts.append({"text": "\n\n".join(c.thoughts), "thought": True})
            if c.parts is not None:
                parts.extend(c.parts)
            elif c.text:
                parts.append(_answer_part(c.text, c.signature if c.thoughts else None))
            scores = c.logprobs.fields() if c.logprobs else None
            candidates.append(_candidate(c, parts, final=True, scores=scores))
        usage = self.usage(
            sum(c.answer_tokens() for c in self.candidates),
            sum(c.thought_tokens for c in self.candidates),
            self._image_tokens(),
        )
        return self._envelope({"candidates": candidates}, usage)

    def events(self, chunk_words: int) -> list[dict[str, Any]]:
        """SSE payloads: thoughts first, then text in ``chunk_words``-word chunks.

        Every event carries usageMetadata (growing counts); only the last carries the
        finish reasons. Joined, the text chunks equal the non-streamed text. Each image of
        an image reply is one event holding just its inlineData part.
        """
        if self.block:
            return [self.body()]
        pieces = [_pieces(c, chunk_words) for c in self.candidates]
        # Image replies and function calls stream as the real API sends them: the image
        # (or the calls), then an empty text chunk carrying finishReason.
        for c, own in zip(self.candidates, pieces, strict=True):
            if c.images() or c.empty_tail:
                own.append([{"text": ""}])
        steps = max([len(p) for p in pieces] + [1])
        answer_so_far = [0] * len(self.candidates)
        images_so_far = 0
        with_images = self._image_tokens() is not None
        thoughts_so_far = [0 if c.thoughts else c.thought_tokens for c in self.candidates]
        scored_so_far = [0] * len(self.candidates)
        events = []
        for step in range(steps):
            final = step == steps - 1
            entries = []
            for ci, c in enumerate(self.candidates):
                piece = pieces[ci][step] if step < len(pieces[ci]) else None
                if piece is None and not final:
                    continue
                for part in piece or []:
                    if "inlineData" in part:
                        tokens = c.image_tokens // max(1, c.images())
                        answer_so_far[ci] += tokens
                        images_so_far += tokens
                    elif part.get("thought"):
                        thoughts_so_far[ci] += part_tokens(part)
                    else:
                        answer_so_far[ci] += part_tokens(part)
                scores = None
                if c.logprobs is not None:
                    # Each chunk carries the log-probabilities of its own tokens.
                    counted = sum(
                        part_tokens(p) for p in piece or [] if "text" in p and not p.get("thought")
                    )
                    scores = c.logprobs.fields(scored_so_far[ci], counted)
                    scored_so_far[ci] += counted
                entries.append(_candidate(c, piece or [], final=final, scores=scores))
            usage = self.usage(
                sum(answer_so_far), sum(thoughts_so_far), images_so_far if with_images else None
            )
            events.append(self._envelope({"candidates": entries}, usage))
        return events


def _answer_part(text: str, signature: str | None) -> dict[str, Any]:
    part: dict[str, Any] = {"text": text}
    if signature:
        part["thoughtSignature"] = signature
    return part


def _candidate(
    c: Candidate,
    parts: list[dict[str, Any]],
    *,
    final: bool,
    scores: dict[str, Any] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if parts:
        entry["content"] = {"parts": parts, "role": "model"}
    elif final and c.empty_content is not None:
        entry["content"] = dict(c.empty_content)
    if final:
        entry["finishReason"] = c.finish
    # avgLogprobs and logprobsResult follow finishReason, as recorded
    # (wire/generate_logprobs_chosen_only_gemini-1.5-flash-002.json).
    entry.update(scores or {})
    entry["index"] = c.index
    if final:
        entry.update(c.extra)
    return entry


def split_words(text: str, words_per_chunk: int) -> list[str]:
    """Split ``text`` into chunks of whole words, keeping all whitespace (joined == text)."""
    words = re.findall(r"\S+\s*", text)
    if not words:
        return [text] if text else []
    words[0] = text[: len(text) - len(text.lstrip())] + words[0]
    n = max(1, words_per_chunk)
    return ["".join(words[i : i + n]) for i in range(0, len(words), n)]


def part_tokens(part: dict[str, Any]) -> int:
    """Tokens of one answer part (not images): its text, or its function call or code."""
    if "text" in part:
        return count_tokens(part["text"])
    for key in ("functionCall", "executableCode", "codeExecutionResult"):
        if key in part:
            return count_tokens(json.dumps(part[key], sort_keys=True, ensure_ascii=False))
    return 0


def _pieces(c: Candidate, chunk_words: int) -> list[list[dict[str, Any]]]:
    """The parts of each stream chunk: text in ``chunk_words``-word pieces, every other part
    in a chunk of its own, except that function calls travel together."""
    pieces: list[list[dict[str, Any]]] = []
    for i, paragraph in enumerate(c.thoughts):
        # Separators ride on the earlier paragraph so the joined stream equals body().
        sep = "\n\n" if i < len(c.thoughts) - 1 else ""
        pieces.append([{"text": paragraph + sep, "thought": True}])
    if c.parts is not None:
        for part in c.parts:
            if "functionCall" in part and pieces and "functionCall" in pieces[-1][-1]:
                pieces[-1].append(part)
            elif "text" not in part:
                pieces.append([part])
            else:
                for i, chunk in enumerate(split_words(part["text"], chunk_words)):
                    signature = part.get("thoughtSignature") if i == 0 else None
                    pieces.append([_answer_part(chunk, signature)])
        return pieces
    for i, chunk in enumerate(split_words(c.text or "", chunk_words)):
        pieces.append([_answer_part(chunk, c.signature if i == 0 and c.thoughts else None)])
    return pieces


def _prompt_feedback(reason: str) -> dict[str, Any]:
    # Shape of wire/generate_prompt_blocked_safety_gemini-pro.json.
    ratings = [
        {"category": cat, "probability": "MEDIUM" if cat.endswith("HARASSMENT") else "NEGLIGIBLE"}
        for cat in RATED_CATEGORIES
    ]
    return {"blockReason": reason, "safetyRatings": ratings}


def _safety_blocked() -> list[dict[str, Any]]:
    return [
        {
            "category": cat,
            "probability": "HIGH" if cat.endswith("DANGEROUS_CONTENT") else "NEGLIGIBLE",
            **({"blocked": True} if cat.endswith("DANGEROUS_CONTENT") else {}),
        }
        for cat in RATED_CATEGORIES
    ]


def _blob_digest(blob: Any) -> str:
    if not isinstance(blob, dict):
        return hashlib.sha256(repr(blob).encode()).hexdigest()
    try:
        data = decode_base64(str(blob.get("data", "")))
    except ValueError:
        data = str(blob.get("data", "")).encode()
    return hashlib.sha256(str(blob.get("mimeType")).encode() + b"|" + data).hexdigest()


def content_hash(req: GenerateRequest) -> int:
    """A stable number for what the request asks, ignoring knobs that only trim or vary it."""
    history = [[c.get("role", "user"), text_of(c)] for c in req.contents[:-1]]
    # Hash the decoded bytes: the SDK sends URL-safe base64, curl's `base64` the standard
    # alphabet, and the same image must give the same reply either way.
    blobs = [
        _blob_digest(p["inlineData"])
        for c in req.contents
        for p in c.get("parts") or []
        if "inlineData" in p
    ]
    key = json.dumps(
        [
            req.model.id,
            req.system_text,
            history,
            req.prompt,
            blobs,
            req.response_mime_type,
            req.response_schema,
        ],
        sort_keys=True,
        default=str,
    )
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def effective_temperature(req: GenerateRequest) -> float:
    """How freely the request lets the model sample: its temperature (1.0 when unset),
    0 under ``topK: 1`` (only the top token is left), narrowed by a small ``topP``."""
    temperature = req.temperature
    if temperature is None:
        temperature = DEFAULT_TEMPERATURE
    top_k, top_p = req.config.get("topK"), req.config.get("topP")
    if top_k is not None and int(top_k) == 1:
        return 0.0
    if top_p is not None and float(top_p) < NARROW_TOP_P:
        temperature *= float(top_p) / NARROW_TOP_P
    return temperature


def strays(n: int, temperature: float) -> bool:
    """Whether call ``n`` leaves the most likely reply at ``temperature``: a share of the
    calls that grows with the temperature (all of them from 1.0), spread evenly over
    consecutive calls (a golden-ratio sequence) so that a few samples show it."""
    return (n * GOLDEN) % 1.0 < temperature


def variation_for(
    req: GenerateRequest,
    index: int,
    h: int,
    next_count: Callable[[], int],
) -> Variation:
    """Pick the variation of candidate ``index``.

    temperature 0 (or ``topK: 1``) always gives the same text; a ``seed`` gives text
    reproducible per seed; otherwise each call draws: up to temperature 1 a growing share
    of calls stray from the most likely reply (rotation 0), and above 1 the strayed replies
    also vary more of their wording (``spread``). An unset temperature is the model's
    default 1.0.
    """
    temperature = effective_temperature(req)
    if temperature == 0:
        return Variation(0, h)
    spread = max(0.0, min(1.0, temperature - 1.0))
    if req.seed is not None:
        return Variation(req.seed + index, h ^ (req.seed * 0x9E3779B1), spread)
    n = next_count()
    if not strays(n, temperature):
        return Variation(0, h)
    return Variation(n, h ^ n, spread)


def _signature(h: int, index: int, rotation: int) -> str:
    digest = hashlib.sha256(f"{h}|{index}|{rotation}".encode()).digest()[:24]
    return base64.b64encode(SIGNATURE_PREFIX + digest).decode()


def _cap_thoughts(paragraphs: list[str], budget: int | None) -> list[str]:
    if budget is None or budget < 0:
        return paragraphs
    kept: list[str] = []
    used = 0
    for paragraph in paragraphs:
        n = count_tokens(paragraph)
        if used + n > budget:
            if not kept:
                kept.append(truncate_to_tokens(paragraph, budget))
            break
        kept.append(paragraph)
        used += n
    return kept


def cut_at_stop(text: str, stops: list[str]) -> tuple[str, bool]:
    """``text`` up to (not including) the earliest stop sequence, and whether one was found."""
    positions = [text.find(s) for s in stops if s and s in text]
    if not positions:
        return text, False
    return text[: min(positions)], True


def _spend_on_thinking(thoughts: list[str], limit: int) -> list[str]:
    """The thought paragraphs cut to exactly ``limit`` tokens in all."""
    cut = truncate_to_tokens("\n\n".join(thoughts), limit)
    return [p for p in cut.split("\n\n") if p]


def plan_candidate(
    req: GenerateRequest,
    index: int,
    h: int,
    next_count: Callable[[], int],
) -> Candidate:
    """Plan one candidate: thoughts, text, finish reason.

    Thoughts and answer share ``maxOutputTokens`` as on the real API:
    when thinking reaches the cap, the candidate finishes MAX_TOKENS with
    ``content: {"role": "model"}`` and no answer (wire/…no_parts_gemini-2.5-pro.json).
    """
    variation = variation_for(req, index, h, next_count)
    c = Candidate(index)
    limit = req.max_output_tokens
    thinking_spent_all = False
    if req.thinking.active:
        thoughts = _cap_thoughts(compose_thoughts(req), req.thinking.budget)
        c.thought_tokens = count_tokens("\n\n".join(thoughts))
        if limit is not None and c.thought_tokens >= limit:
            thoughts, c.thought_tokens = _spend_on_thinking(thoughts, limit), limit
            thinking_spent_all = True
        if req.thinking.include:
            c.thoughts = thoughts
            c.signature = _signature(h, index, variation.rotation)
    directive = req.directives.finish
    if req.tools.active and not thinking_spent_all and not (directive and directive != "STOP"):
        tool = plan_tool_reply(
            tool_context(req, variation, h), lambda i: _signature(h, index, 2000 + i)
        )
        if tool is not None:
            _apply_tool(c, tool)
            return c
    text, _ = cut_at_stop(compose_answer(req, variation), req.stop_sequences)
    if limit is not None:
        limit -= c.thought_tokens
    if thinking_spent_all:
        text, c.finish, c.signature = "", "MAX_TOKENS", None
        c.empty_content = {"role": "model"}
    elif limit is not None and count_tokens(text) > limit:
        text, c.finish = truncate_to_tokens(text, limit), "MAX_TOKENS"
    if directive and directive != "STOP":
        c.finish = directive
        c.empty_content = None
        if directive in PARTIAL_FINISHES:
            text = truncate_to_tokens(text, max(1, count_tokens(text) * 2 // 5))
        else:
            text, c.thoughts, c.signature = "", [], None
            if directive == "SAFETY":
                c.extra["safetyRatings"] = _safety_blocked()
            if directive in EMPTY_OBJECT_FINISHES:
                c.empty_content = {}
    c.text = text
    if req.response_logprobs and text:
        temperature = effective_temperature(req)
        c.logprobs = token_logprobs(
            text, temperature, req.logprobs, _logprob_rng(req, index, h, temperature)
        )
    return c


def _logprob_rng(req: GenerateRequest, index: int, h: int, temperature: float) -> random.Random:
    """Reproducible numbers at temperature 0 and under a seed, fresh ones otherwise."""
    if temperature == 0:
        return random.Random(f"logprobs|{h}|{index}")
    if req.seed is not None:
        return random.Random(f"logprobs|{h}|{index}|{req.seed}|{temperature}")
    return random.Random(secrets.randbits(64))


def tool_context(req: GenerateRequest, variation: Variation, h: int) -> ToolContext:
    """What :func:`.tools.plan_tool_reply` needs to know about ``req``."""
    return ToolContext(
        prompt=req.prompt,
        question=req.question,
        tools=req.tools,
        function_responses=req.function_responses,
        url_status=req.directives.url_status,
        gemini_3=req.model.id.startswith("gemini-3"),
        rotation=variation.rotation,
        h=h,
        closing=SIMULATED_LINE,
    )


def _apply_tool(c: Candidate, tool: ToolReply) -> None:
    parts = [dict(p) for p in tool.parts]
    if c.thoughts and parts and "thoughtSignature" not in parts[0]:
        parts[0]["thoughtSignature"] = c.signature
    c.parts, c.tool_use_tokens, c.empty_tail = parts, tool.tool_use_tokens, tool.empty_tail
    c.extra.update(tool.extra)
    if c.thoughts:
        # The thought summary is part 0, so the grounded answer is part 1.
        for support in c.extra.get("groundingMetadata", {}).get("groundingSupports", []):
            support["segment"]["partIndex"] = 1
    c.text = None


def plan_image_candidate(req: GenerateRequest, h: int, next_count: Callable[[], int]) -> Candidate:
    """Plan the one candidate of an image model asked for IMAGE output.

    ``[[finish:X]]`` works as for text (NO_IMAGE, IMAGE_SAFETY, … give no content);
    ``[[text-only]]`` answers in words (the text explains it); otherwise the parts come
    from :func:`.image_replies.plan_image_parts`. Gemini 3 image models sign the first part
    and every image part.
    """
    spec = req.model.image
    sign = spec is not None and spec.thought_signatures
    directive = req.directives.finish
    if directive and directive != "STOP":
        return plan_candidate(req, 0, h, next_count)
    if req.directives.text_only:
        c = plan_candidate(req, 0, h, next_count)
        if c.text:
            c.parts = [_answer_part(c.text, _signature(h, 0, 1000) if sign else None)]
            c.image_reply = True
        return c
    c = Candidate(0)
    if req.thinking.active:
        thoughts = _cap_thoughts(compose_thoughts(req), req.thinking.budget)
        c.thought_tokens = count_tokens("\n\n".join(thoughts))
        if req.thinking.include:
            c.thoughts = thoughts
    parts, c.image_tokens = plan_image_parts(req, draw_seed(req, next_count))
    if sign:
        for i, part in enumerate(parts):
            if i == 0 or "inlineData" in part:
                part["thoughtSignature"] = _signature(h, 0, 1000 + i)
    c.parts, c.image_reply = parts, True
    return c


def plan_reply(req: GenerateRequest, next_count: Callable[[], int]) -> Reply:
    """Plan the whole reply for a validated request."""
    prompt_tokens = count_prompt(req.contents, req.system_instruction, req.blob_tokens)
    reply = Reply(req.model.served_id, prompt_tokens)
    if req.directives.block:
        reply.block = req.directives.block
        return reply
    h = content_hash(req)
    if req.image_output:
        reply.candidates = [plan_image_candidate(req, h, next_count)]
        return reply
    reply.candidates = [plan_candidate(req, i, h, next_count) for i in range(req.candidate_count)]
    return reply

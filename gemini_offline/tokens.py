"""The one tokeniser behind every token count the offline server reports.

Real Gemini tokenisers are not available offline, so a simple, deterministic rule stands
in: a token is a run of word characters or a single punctuation mark. A blob (inline or an
uploaded file) costs what :meth:`.media.Attachment.tokens` says when the request parser
described it (258 per PDF page, 32 per second of audio, 263 per second of video, a text
file its text), else a flat 258 tokens, the figure Gemini uses for a small image.
Function declarations count too, as the real API counts them in ``promptTokenCount``: by
their JSON (:func:`count_tools`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

TOKEN_RE = re.compile(r"\w+|[^\w\s]")

#: Tokens charged for each inline or file blob, whatever its size.
BLOB_TOKENS = 258
#: The ``blob_tokens`` key (never an ``id()``) under which a request's function
#: declarations are charged: ``blob_tokens[TOOLS_KEY] = ("TEXT", count_tools(tools))``.
TOOLS_KEY = 0


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens."""
    return TOKEN_RE.findall(text)


def count_tokens(text: str) -> int:
    """Number of tokens in ``text``."""
    return sum(1 for _ in TOKEN_RE.finditer(text))


def truncate_to_tokens(text: str, limit: int) -> str:
    """Keep the first ``limit`` tokens of ``text`` (and the text between them).

    Whitespace after the last kept token is dropped, so ``count_tokens`` of the result is
    exactly ``min(limit, count_tokens(text))``.
    """
    if limit <= 0:
        return ""
    end = None
    for i, match in enumerate(TOKEN_RE.finditer(text)):
        if i == limit - 1:
            end = match.end()
            break
    return text if end is None else text[:end]


def count_tools(tools: Any) -> int:
    """Tokens of a request's ``tools[].functionDeclarations`` (camelCase), counted in their
    compact, key-sorted JSON so the figure does not depend on how the client ordered them."""
    if not isinstance(tools, list):
        return 0
    total = 0
    for tool in tools:
        declarations = tool.get("functionDeclarations") if isinstance(tool, Mapping) else None
        if isinstance(declarations, list) and declarations:
            total += count_tokens(json.dumps(declarations, sort_keys=True, separators=(",", ":")))
    return total


def modality_for_mime(mime_type: str) -> str:
    """The ``promptTokensDetails`` modality for a blob of ``mime_type``."""
    major = (mime_type or "").split("/", 1)[0].lower()
    return {"image": "IMAGE", "audio": "AUDIO", "video": "VIDEO", "text": "TEXT"}.get(
        major, "DOCUMENT"
    )


def count_parts(
    parts: Iterable[Mapping[str, Any]],
    totals: dict[str, int],
    blob_tokens: Mapping[int, tuple[str, int]] | None = None,
) -> None:
    """Add the tokens of camelCase ``parts`` to ``totals`` (modality -> tokens);
    ``blob_tokens`` maps ``id(blob)`` to its ``(modality, tokens)`` when known."""
    for part in parts:
        if isinstance(part.get("text"), str):
            totals["TEXT"] = totals.get("TEXT", 0) + count_tokens(part["text"])
        for blob_key in ("inlineData", "fileData"):
            blob = part.get(blob_key)
            if isinstance(blob, Mapping):
                known = blob_tokens.get(id(blob)) if blob_tokens else None
                if known is not None:
                    modality, tokens = known
                else:
                    modality = modality_for_mime(str(blob.get("mimeType", "")))
                    tokens = BLOB_TOKENS
                totals[modality] = totals.get(modality, 0) + tokens
        for structured in (
            "functionCall",
            "functionResponse",
            "executableCode",
            "codeExecutionResult",
        ):
            if structured in part:
                text = json.dumps(part[structured], sort_keys=True)
                totals["TEXT"] = totals.get("TEXT", 0) + count_tokens(text)


def count_prompt(
    contents: Iterable[Mapping[str, Any]],
    system_instruction: Mapping[str, Any] | None = None,
    blob_tokens: Mapping[int, tuple[str, int]] | None = None,
) -> dict[str, int]:
    """Prompt tokens per modality for normalised ``contents`` plus the system instruction.

    TEXT always comes first (even at 0) so the details list has a stable shape. The tool
    declarations' share, when ``blob_tokens`` holds it under :data:`TOOLS_KEY`, is added.
    """
    totals: dict[str, int] = {"TEXT": 0}
    if blob_tokens and TOOLS_KEY in blob_tokens:
        modality, tokens = blob_tokens[TOOLS_KEY]
        totals[modality] = totals.get(modality, 0) + tokens
    if system_instruction:
        count_parts(system_instruction.get("parts") or [], totals, blob_tokens)
    for content in contents:
        count_parts(content.get("parts") or [], totals, blob_tokens)
    return totals


def modality_details(totals: Mapping[str, int]) -> list[dict[str, Any]]:
    """``promptTokensDetails`` list: TEXT first, other modalities only when non-zero."""
    details = [{"modality": "TEXT", "tokenCount": totals.get("TEXT", 0)}]
    for modality, count in totals.items():
        if modality != "TEXT" and count:
            details.append({"modality": modality, "tokenCount": count})
    return details

"""A chat as a list of Turns that are SDK Contents, plus its versioned JSON file format.

Each Turn keeps the exact `types.Content` the API sent or received — thought signatures
and inline images included — so the history can be resent as it is (Gemini 3 needs the
signatures on later turns). The chat is rebuilt from this history on every call, so a
rerun or a page switch never breaks it.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from google.genai import types
from pydantic import ValidationError

from playground.errors import BadInput
from playground.reply import Reply, ReplyPart, parts_of

FILE_FORMAT = "gemini-playground/conversation"
FILE_VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024  # = server.maxUploadSize in .streamlit/config.toml

Role = Literal["user", "model"]
Status = Literal["ok", "failed", "stopped", "cut"]
STATUS_WORDS: dict[str, str] = {
    "failed": "failed",
    "stopped": "stopped — you pressed Stop; the text that arrived is kept",
    "cut": "cut off — the stream ended early; the text that arrived is kept",
}


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class TurnStats:
    """Per-reply figures shown under a model turn."""

    prompt_tokens: int = 0
    output_tokens: int = 0
    thought_tokens: int = 0
    total_tokens: int = 0
    latency_s: float = 0.0
    first_token_s: float | None = None
    finish_reason: str | None = None
    finish_explanation: str | None = None
    model_version: str | None = None

    @classmethod
    def from_reply(cls, reply: Reply) -> TurnStats:
        usage = reply.usage
        return cls(
            prompt_tokens=usage.prompt_tokens,
            output_tokens=usage.output_tokens,
            thought_tokens=usage.thought_tokens,
            total_tokens=usage.total_tokens,
            latency_s=round(reply.timing.latency_s, 3),
            first_token_s=reply.timing.first_token_s,
            finish_reason=(reply.block_reason and f"BLOCKED:{reply.block_reason}")
            or reply.finish_reason,
            finish_explanation=reply.finish_explanation(),
            model_version=reply.model_version,
        )


@dataclass
class Turn:
    """One message of the chat."""

    role: Role
    content: types.Content
    id: str = field(default_factory=_new_id)
    status: Status = "ok"
    note: str = ""  # what went wrong, for a failed or interrupted turn
    stats: TurnStats | None = None

    @property
    def text(self) -> str:
        return "".join(p.text or "" for p in self.content.parts or [] if not p.thought)

    @property
    def thoughts(self) -> str:
        return "".join(p.text or "" for p in self.content.parts or [] if p.thought)

    @property
    def images(self) -> list[types.Blob]:
        return [
            p.inline_data
            for p in self.content.parts or []
            if p.inline_data is not None and p.inline_data.data and not p.thought
        ]

    @property
    def function_calls(self) -> list[ReplyPart]:
        """The functions this (model) turn asks to be called, in order."""
        return [p for p in parts_of(self.content) if p.kind == "function_call"]

    @property
    def function_responses(self) -> list[ReplyPart]:
        """The function results this (user) turn sends back, in order."""
        return [p for p in parts_of(self.content) if p.kind == "function_response"]

    @property
    def answers_functions(self) -> bool:
        """A user turn that only carries function results (no message typed)."""
        parts = self.content.parts or []
        return bool(parts) and all(p.function_response is not None for p in parts)

    @property
    def sendable(self) -> bool:
        """A turn goes into the history unless it is an empty model turn."""
        return bool(self.content.parts)


@dataclass
class Conversation:
    """The turns of a chat, oldest first. `revision` changes on every edit."""

    turns: list[Turn] = field(default_factory=list)
    revision: int = 0
    uid: str = field(default_factory=_new_id)  # identifies this chat in caches
    # Context size learned from the last reply's usage, valid while `revision` is unchanged:
    # (revision, tokens). Saves a countTokens call over the whole history after every turn.
    known_context: tuple[int, int] | None = None

    def context_tokens(self) -> int | None:
        """Tokens of the whole history, when the last reply's usage still describes it."""
        if self.known_context and self.known_context[0] == self.revision:
            return self.known_context[1]
        return None

    def __len__(self) -> int:
        return len(self.turns)

    def touch(self) -> None:
        self.revision += 1

    def index(self, turn_id: str) -> int:
        for position, turn in enumerate(self.turns):
            if turn.id == turn_id:
                return position
        raise KeyError(turn_id)

    def history(self, upto: int | None = None) -> list[types.Content]:
        """The Contents to resend: every sendable turn before position `upto`."""
        turns = self.turns if upto is None else self.turns[:upto]
        return [t.content for t in turns if t.sendable]

    def add(self, turn: Turn) -> Turn:
        self.turns.append(turn)
        self.touch()
        return turn

    def add_user(self, content: types.Content) -> Turn:
        return self.add(Turn("user", content))

    def add_reply(self, reply: Reply, status: Status = "ok", note: str = "") -> Turn:
        """Append the model's reply (first candidate), keeping its parts as they came."""
        candidate = reply.first
        content = (
            candidate.content
            if candidate is not None and candidate.content is not None
            else types.Content(role="model", parts=[])
        )
        content = content.model_copy(update={"role": "model", "parts": list(content.parts or [])})
        turn = self.add(
            Turn("model", content, status=status, note=note, stats=TurnStats.from_reply(reply))
        )
        if status == "ok" and reply.usage.prompt_tokens:
            # The prompt was the whole history plus the message; the reply is now part of it.
            self.known_context = (
                self.revision,
                reply.usage.prompt_tokens + reply.usage.output_tokens,
            )
        return turn

    def delete(self, turn_id: str) -> None:
        del self.turns[self.index(turn_id)]
        self.touch()

    def truncate(self, position: int) -> list[Turn]:
        """Drop the turns from `position` on; return them."""
        dropped = self.turns[position:]
        del self.turns[position:]
        self.touch()
        return dropped

    def pending_user_turn(self) -> Turn | None:
        """The last turn, when it is a user message still waiting for a reply."""
        if self.turns and self.turns[-1].role == "user":
            return self.turns[-1]
        return None

    def last_model_turn(self) -> Turn | None:
        if self.turns and self.turns[-1].role == "model":
            return self.turns[-1]
        return None

    # --- the file format -------------------------------------------------------------

    def to_file(self, *, model: str, system_instruction: str) -> bytes:
        """The conversation as versioned JSON: SDK Contents (images base64), never a key."""
        document = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "model": model,
            "system_instruction": system_instruction,
            "turns": [
                {
                    "role": t.role,
                    "status": t.status,
                    "note": t.note,
                    "content": t.content.model_dump(mode="json", exclude_none=True),
                    "stats": None if t.stats is None else t.stats.__dict__,
                }
                for t in self.turns
            ],
        }
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_file(
        cls, data: bytes, name: str = "conversation.json"
    ) -> tuple[Conversation, dict[str, Any]]:
        """Parse and check a whole conversation file; BadInput with a clear reason if it is
        not one. Nothing is built until every turn has passed, so a caller can replace its
        chat only with a file that is entirely good."""
        try:
            return _read_file(data, name)
        except BadInput:
            raise
        except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BadInput(
                f"“{name}” could not be read as a conversation ({type(exc).__name__}).",
                _REMEDY,
                kind="bad_file",
            ) from None


_REMEDY = "Choose a conversation file downloaded from this app's Chat page."
MAX_TURNS = 2_000
MAX_JSON_DEPTH = 64
FILE_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")
_PART_FIELDS = {
    "text": "text",
    "thought": "thought",
    "thought_signature": "thought_signature",
    "thoughtSignature": "thought_signature",
    "inline_data": "inline_data",
    "inlineData": "inline_data",
    "executable_code": "executable_code",
    "executableCode": "executable_code",
    "code_execution_result": "code_execution_result",
    "codeExecutionResult": "code_execution_result",
    "function_call": "function_call",
    "functionCall": "function_call",
    "function_response": "function_response",
    "functionResponse": "function_response",
    "tool_call": "tool_call",
    "toolCall": "tool_call",
    "tool_response": "tool_response",
    "toolResponse": "tool_response",
}
_PAYLOAD_FIELDS = (
    "text",
    "inline_data",
    "executable_code",
    "code_execution_result",
    "function_call",
    "function_response",
    "tool_call",
    "tool_response",
)
_STAT_COUNTS = ("prompt_tokens", "output_tokens", "thought_tokens", "total_tokens")
_STAT_TEXTS = ("finish_reason", "finish_explanation", "model_version")
_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,127}")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")
_OPENERS_RUN = re.compile(r"[\[{]{" + str(MAX_JSON_DEPTH + 1) + "}")


def _bad(message: str, kind: str = "bad_file") -> BadInput:
    return BadInput(message, _REMEDY, kind=kind)


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text nests arrays/objects deeper than `limit` — found without
    recursing: strings are cut out, then innermost bracket pairs are peeled `limit` times."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(limit):
        if not brackets:
            return False
        peeled = _EMPTY_PAIR.sub("", brackets)
        if peeled == brackets:  # unbalanced: deep if a long run of openers is left
            return _OPENERS_RUN.search(brackets) is not None
        brackets = peeled
    return bool(brackets) and _EMPTY_PAIR.search(brackets) is not None


def _read_file(data: bytes, name: str) -> tuple[Conversation, dict[str, Any]]:
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(
            f"“{name}” is {len(data) / 2**20:.1f} MB; conversation files are limited to "
            f"{MAX_FILE_BYTES // 2**20} MB.",
            "Remove some images from the conversation, or start a new one.",
            kind="file_too_large",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"“{name}” is not valid JSON ({exc}).") from None
    if json_too_deep(text):
        raise _bad(
            f"“{name}” nests its data more than {MAX_JSON_DEPTH} levels deep; a conversation "
            "file never does."
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(f"“{name}” is not valid JSON ({exc}).") from None
    except RecursionError:
        raise _bad(f"“{name}” nests its data too deeply; a conversation file never does.") from None
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        raise _bad(f"“{name}” is not a Gemini Playground conversation file.", "foreign_file")
    version = document.get("version")
    if type(version) is not int or version > FILE_VERSION or version < 1:
        raise BadInput(
            f"“{name}” uses conversation format version {version!r}; this app reads "
            f"version {FILE_VERSION}.",
            "Update the app, or export the conversation again.",
            kind="bad_version",
        )
    raw_turns = document.get("turns")
    if not isinstance(raw_turns, list):
        raise _bad(f"“{name}” has no list of turns.")
    if len(raw_turns) > MAX_TURNS:
        raise BadInput(
            f"“{name}” has {len(raw_turns):,} turns; the Chat page restores at most {MAX_TURNS:,}.",
            "Split the conversation, or keep only its latest turns.",
            kind="too_many_turns",
        )
    model = document.get("model")
    if model is not None and not (isinstance(model, str) and _MODEL_ID.fullmatch(model)):
        raise _bad(f"“{name}”: “model” must be a model id such as gemini-2.5-flash.")
    instruction = document.get("system_instruction", "")
    if not isinstance(instruction, str):
        raise _bad(f"“{name}”: “system_instruction” must be text.")
    turns = [_turn_from_file(raw, number, name) for number, raw in enumerate(raw_turns, 1)]
    return Conversation(turns), {"model": model, "system_instruction": instruction}


def _check_parts(raw_parts: Any, role: str, problem: str) -> None:
    if not isinstance(raw_parts, list):
        raise _bad(f"{problem}: “content.parts” must be a list.")
    if not raw_parts and role == "user":
        raise _bad(f"{problem}: a user message needs at least one part (text or image).")
    for index, part in enumerate(raw_parts, start=1):
        where = f"{problem}, part {index}"
        if not isinstance(part, dict):
            raise _bad(f"{where}: each part must be an object.")
        fields = {}
        for key, value in part.items():
            if key not in _PART_FIELDS:
                raise _bad(f"{where}: “{key}” is not a part this app saves.")
            fields[_PART_FIELDS[key]] = value
        payloads = [f for f in _PAYLOAD_FIELDS if f in fields]
        if len(payloads) > 1 or not (payloads or "thought_signature" in fields):
            raise _bad(
                f"{where}: a part holds exactly one of text, an image or code, a function "
                "call or response, or a tool step."
            )
        for call in ("function_call", "function_response"):
            value = fields.get(call)
            if value is not None and not (
                isinstance(value, dict) and isinstance(value.get("name"), str)
            ):
                raise _bad(f"{where}: a {call.replace('_', ' ')} needs a “name”.")
        answer = fields.get("function_response")
        if answer is not None and not isinstance(answer.get("response", {}), dict):
            raise _bad(f"{where}: a function response's “response” must be an object.")
        if "text" in fields and not isinstance(fields["text"], str):
            raise _bad(f"{where}: “text” must be a string.")
        if "thought" in fields and not isinstance(fields["thought"], bool):
            raise _bad(f"{where}: “thought” must be true or false.")
        if "thought_signature" in fields and not isinstance(fields["thought_signature"], str):
            raise _bad(f"{where}: “thought_signature” must be base64 text.")
        blob = fields.get("inline_data")
        if blob is not None:
            if not isinstance(blob, dict) or not isinstance(blob.get("data"), str):
                raise _bad(f"{where}: an image needs base64 “data”.")
            mime = blob.get("mime_type", blob.get("mimeType"))
            if mime not in FILE_IMAGE_TYPES:
                raise _bad(
                    f"{where}: images of type {mime!r} are not accepted; a conversation "
                    "holds PNG, JPEG or WebP images only."
                )


def _check_images(content: types.Content, problem: str) -> None:
    """Every image must decode (Pillow, with media.py's checks) as the type it claims."""
    from playground.media import NATIVE_MIME, check_image

    for index, part in enumerate(content.parts or [], start=1):
        blob = part.inline_data
        if blob is None:
            continue
        where = f"{problem}, part {index}"
        try:
            checked = check_image(f"image {index}", blob.data or b"")
        except BadInput as exc:
            raise _bad(f"{where}: {exc.message}") from None
        formats = {mime: fmt for fmt, mime in NATIVE_MIME.items()}
        if checked.mime_type != blob.mime_type or checked.note:
            raise _bad(
                f"{where}: the image is labelled {blob.mime_type} but does not decode as a "
                f"{formats.get(blob.mime_type or '', 'supported')} image of sendable size."
            )


def _stats_from_file(raw: Any, problem: str) -> TurnStats | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _bad(f"{problem}: “stats” must be an object or null.")
    known = set(TurnStats.__dataclass_fields__)
    for key, value in raw.items():
        if key not in known:
            raise _bad(f"{problem}: “stats.{key}” is not a figure this app saves.")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if key in _STAT_COUNTS and not (type(value) is int and value >= 0):
            raise _bad(f"{problem}: “stats.{key}” must be a whole number ≥ 0, not {value!r}.")
        if key == "latency_s" and not (number and 0 <= value < 1e7):
            raise _bad(f"{problem}: “stats.latency_s” must be seconds ≥ 0, not {value!r}.")
        if key == "first_token_s" and value is not None and not (number and 0 <= value < 1e7):
            raise _bad(f"{problem}: “stats.first_token_s” must be seconds or null.")
        if key in _STAT_TEXTS and value is not None and not isinstance(value, str):
            raise _bad(f"{problem}: “stats.{key}” must be text or null.")
    return TurnStats(**raw)


def _turn_from_file(raw: Any, number: int, name: str) -> Turn:
    problem = f"“{name}”, turn {number}"
    if not isinstance(raw, dict) or raw.get("role") not in ("user", "model"):
        raise _bad(f'{problem}: each turn needs a role of "user" or "model".')
    role = raw["role"]
    raw_content = raw.get("content")
    if not isinstance(raw_content, dict):
        raise _bad(f"{problem}: “content” must be an object with a list of parts.")
    if set(raw_content) - {"role", "parts"}:
        extra = sorted(set(raw_content) - {"role", "parts"})[0]
        raise _bad(f"{problem}: “content.{extra}” is not part of a conversation turn.")
    if raw_content.get("role") not in (None, role):
        raise _bad(f"{problem}: the content's role does not match the turn.")
    _check_parts(raw_content.get("parts"), role, problem)
    try:
        content = types.Content.model_validate(raw_content)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _bad(f"{problem}: invalid content at {where} ({first['msg']}).") from None
    _check_images(content, problem)
    status = raw.get("status", "ok")
    if status not in ("ok", "failed", "stopped", "cut"):
        raise _bad(f"{problem}: status {status!r} is not one of ok, failed, stopped, cut.")
    note = raw.get("note", "")
    if not isinstance(note, str | None):
        raise _bad(f"{problem}: “note” must be text.")
    return Turn(
        role=role,
        content=content.model_copy(update={"role": role}),
        status=status,
        note=note or "",
        stats=_stats_from_file(raw.get("stats"), problem),
    )


SEED_HISTORY: tuple[tuple[str, str], ...] = (
    ("Hello", "Great to meet you. What would you like to know?"),
)


def text_content(role: Role, text: str) -> types.Content:
    return types.Content(role=role, parts=[types.Part.from_text(text=text)])

"""A chat as a list of Turns that are SDK Contents, plus its versioned JSON file format.

Each Turn keeps the exact `types.Content` the API sent or received — thought signatures
and inline images included — so the history can be resent as it is (Gemini 3 needs the
signatures on later turns). The chat is rebuilt from this history on every call, so a
rerun or a page switch never breaks it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from google.genai import types
from pydantic import ValidationError

from playground.errors import BadInput
from playground.reply import Reply

FILE_FORMAT = "gemini-playground/conversation"
FILE_VERSION = 1
MAX_FILE_BYTES = 25 * 1024 * 1024

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
        """Parse a conversation file; BadInput with a clear reason if it is not one."""
        remedy = "Choose a conversation file downloaded from this app's Chat page."
        if len(data) > MAX_FILE_BYTES:
            raise BadInput(
                f"“{name}” is {len(data) / 2**20:.1f} MB; conversation files are limited to "
                f"{MAX_FILE_BYTES // 2**20} MB.",
                "Remove some images from the conversation, or start a new one.",
                kind="file_too_large",
            )
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadInput(
                f"“{name}” is not valid JSON ({exc}).", remedy, kind="bad_file"
            ) from None
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
            raise BadInput(
                f"“{name}” is not a Gemini Playground conversation file.",
                remedy,
                kind="foreign_file",
            )
        version = document.get("version")
        if not isinstance(version, int) or version > FILE_VERSION or version < 1:
            raise BadInput(
                f"“{name}” uses conversation format version {version!r}; this app reads "
                f"version {FILE_VERSION}.",
                "Update the app, or export the conversation again.",
                kind="bad_version",
            )
        raw_turns = document.get("turns")
        if not isinstance(raw_turns, list):
            raise BadInput(f"“{name}” has no list of turns.", remedy, kind="bad_file")
        turns: list[Turn] = []
        for number, raw in enumerate(raw_turns, start=1):
            turns.append(_turn_from_file(raw, number, name, remedy))
        meta = {
            "model": document.get("model") if isinstance(document.get("model"), str) else None,
            "system_instruction": document.get("system_instruction")
            if isinstance(document.get("system_instruction"), str)
            else "",
        }
        return cls(turns), meta


def _turn_from_file(raw: Any, number: int, name: str, remedy: str) -> Turn:
    problem = f"“{name}”, turn {number}"
    if not isinstance(raw, dict) or raw.get("role") not in ("user", "model"):
        raise BadInput(
            f'{problem}: each turn needs a role of "user" or "model".', remedy, kind="bad_file"
        )
    try:
        content = types.Content.model_validate(raw.get("content") or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInput(
            f"{problem}: invalid content at {where} ({first['msg']}).", remedy, kind="bad_file"
        ) from None
    if content.role not in (None, raw["role"]):
        raise BadInput(
            f"{problem}: the content's role does not match the turn.", remedy, kind="bad_file"
        )
    status = raw.get("status", "ok")
    if status not in ("ok", "failed", "stopped", "cut"):
        status = "ok"
    stats = None
    if isinstance(raw.get("stats"), dict):
        try:
            stats = TurnStats(**raw["stats"])
        except TypeError:
            stats = None
    return Turn(
        role=raw["role"],
        content=content.model_copy(update={"role": raw["role"]}),
        status=status,
        note=str(raw.get("note") or ""),
        stats=stats,
    )


SEED_HISTORY: tuple[tuple[str, str], ...] = (
    ("Hello", "Great to meet you. What would you like to know?"),
)


def text_content(role: Role, text: str) -> types.Content:
    return types.Content(role=role, parts=[types.Part.from_text(text=text)])

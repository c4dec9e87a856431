"""The chat's turn state machine: what sending, stopping, editing, deleting, regenerating
and retrying do to a Conversation. No Streamlit: components/chat.py draws the turns and
wires these decisions to widgets.

Turn statuses: a user turn is `ok` once sent and `failed` when no reply arrived (its note
says why); a model turn is `ok`, `cut` (the stream ended early, what arrived is kept) or
`stopped` (the user pressed Stop). A failed user turn, or a cut/stopped last reply, offers
Retry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from google.genai import types

from playground.conversation import SEED_HISTORY, Conversation, Status, Turn, text_content
from playground.errors import BadInput, PlaygroundError
from playground.reply import Reply

CONTEXT_WARNING_SHARE = 0.8  # warn when the context takes this share of the input limit

COPY, EDIT, REGENERATE, DELETE = "Copy", "Edit & resend", "Regenerate", "Delete"


# --- sending and its outcome ----------------------------------------------------------


def prepare_send(chat: Conversation, user_turn: Turn) -> list[types.Content]:
    """Mark `user_turn` as being sent; return the history that goes before it."""
    user_turn.status, user_turn.note = "ok", ""
    return chat.history(chat.index(user_turn.id))


def record_outcome(
    chat: Conversation, user_turn: Turn, reply: Reply, error: PlaygroundError | None
) -> Turn:
    """Store what a send produced; return the turn that now ends the chat.

    A reply with text (even one cut short by an error) becomes a model turn — `cut` when
    an error ended it; a blocked prompt keeps its (empty) reply with the block reason; no
    reply at all marks the user's turn `failed` with the reason.
    """
    if reply.candidates and (reply.text or reply.thoughts or error is None):
        status: Status = "ok" if error is None else "cut"
        return chat.add_reply(reply, status=status, note=error.message if error else "")
    if reply.blocked:
        return chat.add_reply(reply)
    user_turn.status = "failed"
    user_turn.note = f"{error.title}: {error.message} {error.remedy}" if error else "No reply."
    chat.touch()
    return user_turn


def record_stop(chat: Conversation, reply: Reply | None) -> None:
    """A reply interrupted by Stop: what arrived becomes a `stopped` turn; with nothing
    arrived, the waiting user turn is `failed` so Retry is offered."""
    if reply is None:
        return
    if reply.text or reply.thoughts:
        chat.add_reply(reply, status="stopped")
        return
    pending = chat.pending_user_turn()
    if pending is not None:
        pending.status, pending.note = "failed", "Stopped before any reply arrived."
        chat.touch()


def new_message(text: str, images: Sequence[types.Part] = ()) -> types.Content | None:
    """The Content of a message from the chat input; None when there is nothing to send."""
    parts = ([types.Part.from_text(text=text)] if text.strip() else []) + list(images)
    return types.Content(role="user", parts=parts) if parts else None


# --- the per-turn menu ----------------------------------------------------------------


@dataclass(frozen=True)
class MenuEffect:
    """What a menu action asks of the page: a turn to send, a turn to copy or edit."""

    send: Turn | None = None
    copying: str | None = None
    editing: str | None = None


def menu_options(turn: Turn, is_last: bool) -> list[str]:
    options = [COPY]
    if turn.role == "user":
        options.append(EDIT)
    elif is_last:
        options.append(REGENERATE)
    options.append(DELETE)
    return options


def apply_menu(chat: Conversation, turn_id: str, action: str) -> MenuEffect:
    """Act on a menu pick. Regenerate drops the last reply and resends the message before
    it; Delete removes the turn; Copy and Edit only change what the page shows."""
    if action == COPY:
        return MenuEffect(copying=turn_id)
    if action == EDIT:
        return MenuEffect(editing=turn_id)
    if action == DELETE:
        chat.delete(turn_id)
    elif action == REGENERATE:
        last = chat.last_model_turn()
        if last is None or last.id != turn_id:
            return MenuEffect()  # only the last reply can be regenerated
        chat.delete(turn_id)
        return MenuEffect(send=chat.pending_user_turn())
    return MenuEffect()


def later_turns(chat: Conversation, turn_id: str) -> int:
    """How many turns follow this one (dropped when it is edited and resent)."""
    return len(chat) - chat.index(turn_id) - 1


def resend_edited(chat: Conversation, turn_id: str, text: str) -> Turn:
    """Replace a user message with its edited text (its images stay), drop every later
    turn, and return the new user turn to send. BadInput when the edit leaves it empty."""
    try:
        turn = chat.turns[chat.index(turn_id)]
    except KeyError:
        raise BadInput("That message is no longer in the chat.", "Type it again below.") from None
    images = [p for p in turn.content.parts or [] if p.text is None]
    content = new_message(text, images)
    if content is None:
        raise BadInput("The edited message is empty.", "Type something, or delete the turn.")
    chat.truncate(chat.index(turn_id))
    return chat.add_user(content)


# --- Retry -----------------------------------------------------------------------------


def can_retry(chat: Conversation) -> bool:
    """Retry is offered when the last turn failed or its reply was interrupted."""
    if not chat.turns:
        return False
    last = chat.turns[-1]
    return (last.role == "user" and last.status == "failed") or (
        last.role == "model" and last.status in ("stopped", "cut")
    )


def prepare_retry(chat: Conversation) -> Turn | None:
    """Drop an interrupted last reply; return the user turn to send again."""
    if not can_retry(chat):
        return None
    last = chat.turns[-1]
    if last.role == "model":
        chat.delete(last.id)
    return chat.pending_user_turn()


# --- starting history -------------------------------------------------------------------


def add_exchange(chat: Conversation, user: str, model: str) -> None:
    """Add a hand-written user message and model reply to the starting history."""
    user, model = user.strip(), model.strip()
    if not user or not model:
        raise BadInput("Write both the user message and the model's reply.", "")
    chat.add_user(text_content("user", user))
    chat.add(Turn("model", text_content("model", model)))


def add_seed_example(chat: Conversation) -> None:
    for user, model in SEED_HISTORY:
        add_exchange(chat, user, model)


# --- figures ----------------------------------------------------------------------------


def context_tokens(chat: Conversation, count: Callable[[], int | None]) -> int | None:
    """Tokens of the whole history: the last reply's usage while it still describes the
    history (no request), else `count()` (a countTokens call)."""
    if not chat.turns:
        return 0
    known = chat.context_tokens()
    return known if known is not None else count()


def context_warning(tokens: int | None, input_limit: int | None) -> str | None:
    """The warning shown when the context nears the model's input limit."""
    if not tokens or not input_limit or tokens < CONTEXT_WARNING_SHARE * input_limit:
        return None
    return (
        f"The conversation uses {tokens / input_limit:.0%} of the model's input limit. "
        "Delete old turns, start a new chat, or pick a model with a larger context."
    )


def stats_line(turn: Turn) -> str:
    """Output tokens · thought tokens · latency · finish reason, under a reply."""
    stats = turn.stats
    if stats is None:
        return ""
    parts = [f"{stats.output_tokens:,} output tokens", f"{stats.latency_s:.2f} s"]
    if stats.thought_tokens:
        parts.insert(1, f"{stats.thought_tokens:,} thought tokens")
    if stats.finish_reason:
        parts.append(stats.finish_reason)
    return " · ".join(parts)

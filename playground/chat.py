"""The chat's turn state machine: what sending, stopping, editing, deleting, regenerating
and retrying do to a Conversation. No Streamlit: components/chat.py draws the turns and
wires these decisions to widgets.

Turn statuses: a user turn is `ok` once sent and `failed` when no reply arrived (its note
says why); a model turn is `ok`, `cut` (the stream ended early, what arrived is kept) or
`stopped` (the user pressed Stop). A failed user turn, or a cut/stopped last reply, offers
Retry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from google.genai import types

from playground.conversation import (
    SEED_HISTORY,
    Conversation,
    Status,
    Turn,
    json_too_deep,
    text_content,
)
from playground.errors import BadInput, PlaygroundError
from playground.reply import Reply, ReplyPart

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


# --- function calling: the user answers the model's calls ----------------------------

MAX_RESULT_CHARS = 200_000  # one function result, as typed
NEXT_MESSAGE = "Your next message"


def pending_calls(chat: Conversation) -> list[ReplyPart]:
    """The function calls waiting for their results: those of a complete reply that ends
    the chat. Parallel calls are answered together, in one turn."""
    last = chat.last_model_turn()
    if last is None or last.status != "ok":
        return []
    return last.function_calls


def example_result(call: ReplyPart) -> str:
    """What a result box starts with: an object to overwrite with the real result."""
    return json.dumps({"result": f"what {call.text} returned"}, ensure_ascii=False, indent=2)


def parse_function_result(text: str, name: str) -> dict[str, Any]:
    """The JSON object typed as `name`'s result; BadInput saying what is wrong."""
    remedy = 'Type a JSON object, e.g. {"result": "sunny, 22 °C"}.'
    if not text.strip():
        raise BadInput(f"The result for {name} is empty.", remedy, kind="bad_function_result")
    if len(text) > MAX_RESULT_CHARS:
        raise BadInput(
            f"The result for {name} is {len(text):,} characters; at most "
            f"{MAX_RESULT_CHARS:,} can be sent.",
            "Send a shorter result.",
            kind="bad_function_result",
        )
    if json_too_deep(text):
        raise BadInput(
            f"The result for {name} nests its data too deeply.", remedy, kind="bad_function_result"
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"The result for {name} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}).",
            remedy,
            kind="bad_function_result",
        ) from None
    if not isinstance(value, dict):
        kind = {list: "a list", str: "a string", bool: "true or false"}.get(type(value), "")
        kind = kind or ("null" if value is None else "a number")
        raise BadInput(
            f"The result for {name} must be a JSON object ({{…}}), not {kind}.",
            'Wrap it in an object, e.g. {"result": ' + text.strip()[:40] + "}.",
            kind="bad_function_result",
        )
    return value


def result_problems(calls: Sequence[ReplyPart], texts: Sequence[str]) -> dict[int, BadInput]:
    """The problem with each typed result, by position (empty when all can be sent)."""
    problems: dict[int, BadInput] = {}
    for position, (call, text) in enumerate(zip(calls, texts, strict=True)):
        try:
            parse_function_result(text, call.text)
        except BadInput as problem:
            problems[position] = problem
    return problems


def function_results(calls: Sequence[ReplyPart], texts: Sequence[str]) -> types.Content:
    """The user turn answering `calls`: one functionResponse part per call, in order, each
    with the call's name and id (when the call had one). BadInput for a bad result."""
    if len(calls) != len(texts) or not calls:
        raise BadInput("Give one result for each function call.", "", kind="bad_function_result")
    parts = [
        types.Part(
            function_response=types.FunctionResponse(
                name=call.text, id=call.call_id, response=parse_function_result(text, call.text)
            )
        )
        for call, text in zip(calls, texts, strict=True)
    ]
    return types.Content(role="user", parts=parts)


def answer_calls(chat: Conversation, texts: Sequence[str]) -> Turn:
    """Add the user's results for the pending calls; return the turn to send."""
    calls = pending_calls(chat)
    if not calls:
        raise BadInput(
            "No function call is waiting for a result any more.",
            "Send a message below to go on.",
            kind="bad_function_result",
        )
    return chat.add_user(function_results(calls, texts))


def resend_results(chat: Conversation, turn_id: str, texts: Sequence[str]) -> Turn:
    """Replace the results of an earlier function-results turn, drop every later turn,
    and return the new turn to send. BadInput (nothing changed) for a bad result."""
    try:
        turn = chat.turns[chat.index(turn_id)]
    except KeyError:
        raise BadInput("Those function results are no longer in the chat.", "") from None
    content = function_results(turn.function_responses, texts)
    chat.truncate(chat.index(turn_id))
    return chat.add_user(content)


def result_text(part: ReplyPart) -> str:
    """A sent result as editable JSON."""
    return json.dumps(part.args or {}, ensure_ascii=False, indent=2)


def code_message(chat: Conversation) -> types.Content:
    """The message Get code ends with: the pending calls answered with example results,
    else a placeholder text message."""
    calls = pending_calls(chat)
    if calls:
        return function_results(calls, [example_result(c) for c in calls])
    return text_content("user", NEXT_MESSAGE)


def copy_text(turn: Turn) -> str:
    """What Copy shows: the text, else the thoughts, else the calls or results as JSON."""
    if turn.text or turn.thoughts:
        return turn.text or turn.thoughts
    items = [
        {"name": p.text, "args" if p.kind == "function_call" else "response": p.args or {}}
        for p in turn.function_calls + turn.function_responses
    ]
    return json.dumps(items, ensure_ascii=False, indent=2) if items else ""


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
    if turn.answers_functions:
        raise BadInput("That turn holds function results, not a message.", "Edit the results.")
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

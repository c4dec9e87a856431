"""Chat building blocks: the turn list with its per-turn actions, the starting-history
editor, the conversation file controls, and sending a turn.

The conversation lives in `st.session_state["chat.conversation"]` as SDK Contents; every
action edits that and reruns, so the page is always drawn from the stored history.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from google.genai import types

from components.code import get_code
from components.connection import Connected, token_count
from components.errors import retry_toast, show_error
from components.streaming import recover_interrupted, stream_live
from playground.conversation import (
    SEED_HISTORY,
    STATUS_WORDS,
    Conversation,
    Turn,
    text_content,
)
from playground.errors import BadInput, PlaygroundError
from playground.gemini import build_chat_request
from playground.markdown import unfetch_images
from playground.settings import GenerationSettings

CONVERSATION = "chat.conversation"
INFLIGHT = "chat.inflight"
ASSISTANT_AVATAR = ":material/auto_awesome:"
WINDOW_STEP = 40
CONTEXT_WARNING_SHARE = 0.8


def conversation() -> Conversation:
    return st.session_state[CONVERSATION]


def chat_settings() -> GenerationSettings:
    """The shared settings with the chat's own system instruction, one candidate."""
    settings: GenerationSettings = st.session_state["settings"]
    return settings.model_copy(
        update={
            "system_instruction": st.session_state.get("chat.system_instruction") or "",
            "candidate_count": 1,
        }
    )


# --- recovering, sending ------------------------------------------------------------


def recover() -> None:
    """A reply interrupted by Stop (or any rerun) becomes a "stopped" turn."""
    run = recover_interrupted(INFLIGHT)
    if run is not None and run.reply is not None:
        if run.reply.text or run.reply.thoughts:
            conversation().add_reply(run.reply, status="stopped")
        else:
            pending = conversation().pending_user_turn()
            if pending is not None:
                pending.status, pending.note = "failed", "Stopped before any reply arrived."
                conversation().touch()


def send(link: Connected, user_turn: Turn) -> None:
    """Stream the model's answer to `user_turn` (already in the conversation)."""
    chat = conversation()
    position = chat.index(user_turn.id)
    user_turn.status, user_turn.note = "ok", ""
    request = build_chat_request(chat_settings(), chat.history(position), user_turn.content)
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        run = link.gemini.stream(
            request,
            on_retry=retry_toast,
        )
        reply = stream_live(run, INFLIGHT)
    error = run.error
    if reply.candidates and (reply.text or reply.thoughts or not error):
        status = "ok" if error is None else "cut"
        chat.add_reply(reply, status=status, note=error.message if error else "")
    elif reply.blocked:
        chat.add_reply(reply)
    else:
        user_turn.status = "failed"
        user_turn.note = f"{error.title}: {error.message} {error.remedy}" if error else "No reply."
        chat.touch()


def submit_message(link: Connected, text: str, files: Sequence) -> None:
    """A new message from the chat input: check its images, add it, stream the answer."""
    from playground.media import check_image

    parts: list[types.Part] = []
    if text.strip():
        parts.append(types.Part.from_text(text=text))
    try:
        for file in files:
            parts.append(check_image(file.name, file.getvalue()).to_part())
    except BadInput as problem:
        st.session_state["chat.notice"] = (problem, text)
        return
    if not parts:
        return
    turn = conversation().add_user(types.Content(role="user", parts=parts))
    with st.chat_message("user"):
        render_turn_body(turn)
    send(link, turn)


# --- drawing turns ------------------------------------------------------------------


def render_turn_body(turn: Turn) -> None:
    if turn.thoughts:
        with st.expander("Thoughts", icon=":material/psychology:"):
            st.markdown(unfetch_images(turn.thoughts))
    if turn.text:
        st.markdown(unfetch_images(turn.text))
    for blob in turn.images:
        st.image(blob.data, width=240)


def _stats_line(turn: Turn) -> str:
    stats = turn.stats
    if stats is None:
        return ""
    parts = [f"{stats.output_tokens:,} output tokens", f"{stats.latency_s:.2f} s"]
    if stats.thought_tokens:
        parts.insert(1, f"{stats.thought_tokens:,} thought tokens")
    if stats.finish_reason:
        parts.append(stats.finish_reason)
    return " · ".join(parts)


def _menu_options(turn: Turn, is_last: bool) -> list[str]:
    options = ["Copy"]
    if turn.role == "user":
        options.append("Edit & resend")
    elif is_last:
        options.append("Regenerate")
    options.append("Delete")
    return options


def render_turn(turn: Turn, is_last: bool) -> str | None:
    """Draw one turn; return the action picked from its menu, if any."""
    avatar = ASSISTANT_AVATAR if turn.role == "model" else None
    with st.chat_message("assistant" if turn.role == "model" else "user", avatar=avatar):
        if st.session_state.get("chat.editing") == turn.id:
            render_editor(turn)
            return None
        render_turn_body(turn)
        if turn.stats and turn.stats.finish_explanation:
            st.info(turn.stats.finish_explanation, icon=":material/info:")
        if turn.status != "ok":
            words = STATUS_WORDS.get(turn.status, turn.status)
            st.warning(
                f"**{words.capitalize()}**" + (f" — {turn.note}" if turn.note else ""),
                icon=":material/warning:",
            )
        if st.session_state.get("chat.copying") == turn.id:
            st.code(turn.text or turn.thoughts, language=None, wrap_lines=True)
            st.caption("Use the copy icon at the top right of the box.")
        cols = st.columns([8, 1], vertical_alignment="center")
        cols[0].caption(_stats_line(turn))
        return cols[1].menu_button(
            "",
            _menu_options(turn, is_last),
            key=f"chat.menu.{turn.id}",
            icon=":material/more_horiz:",
            type="tertiary",
            help="Copy, edit, regenerate or delete",
        )


def render_editor(turn: Turn) -> None:
    """Edit a user message; resending drops the later turns after a confirmation."""
    chat = conversation()
    later = len(chat) - chat.index(turn.id) - 1
    st.text_area("Edit message", value=turn.text, key="chat.edit.text")
    confirmed = True
    if later:
        confirmed = st.checkbox(
            f"Resending drops the {later} later turn{'s' if later != 1 else ''}",
            key="chat.edit.confirm",
        )
    cols = st.columns([1, 1, 5])
    cols[0].button("Resend", key="chat.edit.send", type="primary", disabled=not confirmed)
    cols[1].button("Cancel", key="chat.edit.cancel")


def apply_action(link: Connected, turn: Turn, action: str) -> None:
    chat = conversation()
    st.session_state["chat.copying"] = None
    if action == "Copy":
        st.session_state["chat.copying"] = turn.id
    elif action == "Delete":
        chat.delete(turn.id)
    elif action == "Edit & resend":
        st.session_state["chat.editing"] = turn.id
        st.session_state.pop("chat.edit.confirm", None)
    elif action == "Regenerate":
        chat.delete(turn.id)
        pending = chat.pending_user_turn()
        if pending is not None:
            send(link, pending)
    st.rerun()


def handle_editor(link: Connected) -> None:
    """Act on the edit box's buttons (from the previous run's clicks)."""
    editing = st.session_state.get("chat.editing")
    if editing is None:
        return
    chat = conversation()
    if st.session_state.get("chat.edit.cancel"):
        st.session_state["chat.editing"] = None
        return
    if not st.session_state.get("chat.edit.send"):
        return
    turn = chat.turns[chat.index(editing)]
    text = st.session_state.get("chat.edit.text") or ""
    kept = [p for p in turn.content.parts or [] if p.text is None]  # images stay
    parts = ([types.Part.from_text(text=text)] if text.strip() else []) + kept
    st.session_state["chat.editing"] = None
    if not parts:
        st.session_state["chat.notice"] = (
            BadInput("The edited message is empty.", "Type something, or delete the turn."),
            text,
        )
        return
    position = chat.index(editing)
    chat.truncate(position)
    send(link, chat.add_user(types.Content(role="user", parts=parts)))
    st.rerun()


def render_turns(link: Connected) -> None:
    """The visible window of turns, newest at the bottom, with an "earlier" control."""
    chat = conversation()
    window = st.session_state.get("chat.window", WINDOW_STEP)
    hidden = max(0, len(chat) - window)
    if hidden and st.button(
        f"Show {min(hidden, WINDOW_STEP)} earlier turns ({hidden} hidden)",
        key="chat.more",
        icon=":material/expand_less:",
        type="tertiary",
    ):
        st.session_state["chat.window"] = window + WINDOW_STEP
        st.rerun()
    picked: tuple[Turn, str] | None = None
    for position in range(hidden, len(chat)):
        turn = chat.turns[position]
        action = render_turn(turn, is_last=position == len(chat) - 1)
        if action:
            picked = (turn, action)
    if picked:
        apply_action(link, *picked)


def render_retry(link: Connected) -> None:
    """A Retry button when the last turn failed or was interrupted."""
    chat = conversation()
    if not chat.turns:
        return
    last = chat.turns[-1]
    failed_user = last.role == "user" and last.status == "failed"
    interrupted_model = last.role == "model" and last.status in ("stopped", "cut")
    if not (failed_user or interrupted_model):
        return
    if st.button("Retry", key="chat.retry", icon=":material/refresh:", type="primary"):
        if interrupted_model:
            chat.delete(last.id)
        pending = chat.pending_user_turn()
        if pending is not None:
            send(link, pending)
        st.rerun()


# --- starting history, file, context ----------------------------------------------------


def _add_seed_exchange() -> None:
    user = (st.session_state.get("chat.seed.user") or "").strip()
    model = (st.session_state.get("chat.seed.model") or "").strip()
    if not user or not model:
        st.session_state["chat.notice"] = (
            BadInput("Write both the user message and the model's reply.", ""),
            "",
        )
        return
    chat = conversation()
    chat.add_user(text_content("user", user))
    chat.add(Turn("model", text_content("model", model)))
    st.session_state["chat.seed.user"] = ""
    st.session_state["chat.seed.model"] = ""


def _use_seed_example() -> None:
    chat = conversation()
    for user, model in SEED_HISTORY:
        chat.add_user(text_content("user", user))
        chat.add(Turn("model", text_content("model", model)))


def render_starting_history() -> None:
    """Before the first reply, the user may write the history the chat starts from."""
    with st.expander(
        "Start from a history", icon=":material/history_edu:", expanded=not conversation().turns
    ):
        st.caption(
            "Write exchanges the model will see as earlier turns (the seed's "
            "“Hello” / “Great to meet you” example is one click away)."
        )
        cols = st.columns(2)
        cols[0].text_area("User says", key="chat.seed.user", height=80)
        cols[1].text_area("Model replies", key="chat.seed.model", height=80)
        cols = st.columns([2, 2, 3])
        cols[0].button("Add exchange", key="chat.seed.add", on_click=_add_seed_exchange)
        cols[1].button("Use the seed example", key="chat.seed.example", on_click=_use_seed_example)


def _restore_upload() -> None:
    upload = st.session_state.get("chat.upload")
    if upload is None:
        return
    try:
        restored, meta = Conversation.from_file(upload.getvalue(), upload.name)
    except BadInput as problem:
        st.session_state["chat.notice"] = (problem, "")
        return
    restored.revision = conversation().revision + 1
    st.session_state[CONVERSATION] = restored
    st.session_state["chat.system_instruction"] = meta["system_instruction"]
    if meta["model"]:
        st.session_state["settings.model"] = meta["model"]
    st.session_state["chat.notice"] = None
    st.toast(f"Restored {len(restored)} turns from {upload.name}", icon=":material/upload:")


def _clear_chat() -> None:
    st.session_state[CONVERSATION] = Conversation(revision=conversation().revision + 1)
    for key in ("chat.editing", "chat.copying", "chat.notice"):
        st.session_state[key] = None
    st.session_state["chat.window"] = WINDOW_STEP


def render_toolbar() -> None:
    """Clear, download and restore."""
    chat = conversation()
    cols = st.columns([1, 1, 1.2, 2], vertical_alignment="bottom")
    cols[0].button(
        "Clear chat",
        key="chat.clear",
        icon=":material/delete_sweep:",
        on_click=_clear_chat,
        disabled=not chat.turns,
    )
    settings = chat_settings()
    cols[1].download_button(
        "Download",
        data=lambda: chat.to_file(
            model=settings.model, system_instruction=settings.system_instruction
        ),
        file_name="conversation.json",
        mime="application/json",
        key="chat.download",
        icon=":material/download:",
        disabled=not chat.turns,
        on_click="ignore",
    )
    with cols[2]:
        next_message = text_content("user", "Your next message")
        get_code(build_chat_request(settings, chat.history(), next_message), key="chat.code")
    with cols[3].popover("Restore from file", icon=":material/upload:"):
        st.file_uploader(
            "Conversation JSON", type=["json"], key="chat.upload", on_change=_restore_upload
        )
        st.caption(
            "Replaces the current chat. A file that isn't a valid conversation "
            "leaves the chat untouched."
        )


def render_context(link: Connected, input_limit: int | None) -> None:
    """Tokens the whole context takes, and a warning near the model's input limit."""
    chat = conversation()
    if not chat.turns:
        return
    settings = chat_settings()
    tokens = token_count(
        link, settings.model, chat.history(), digest=f"chat:{chat.uid}:{chat.revision}"
    )
    if tokens is None:
        st.caption("Context: — tokens")
        return
    limit_text = f" of {input_limit:,}" if input_limit else ""
    st.caption(f":material/data_usage: Context: {tokens:,}{limit_text} tokens")
    if input_limit and tokens >= CONTEXT_WARNING_SHARE * input_limit:
        st.warning(
            f"The conversation uses {tokens / input_limit:.0%} of the model's input limit. "
            "Delete old turns, start a new chat, or pick a model with a larger context.",
            icon=":material/warning:",
        )


def render_notice() -> None:
    """A problem with the last input, with the text the user typed kept for them."""
    notice = st.session_state.get("chat.notice")
    if not notice:
        return
    problem, text = notice
    if isinstance(problem, PlaygroundError):
        show_error(problem)
    if text:
        st.caption("Your message was not sent; here it is to copy back:")
        st.code(text, language=None, wrap_lines=True)

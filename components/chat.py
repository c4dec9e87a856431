"""Chat building blocks: the turn list with its per-turn actions, the starting-history
editor, the conversation file controls, and sending a turn.

The conversation lives in session state (`CHAT_CONVERSATION`) as SDK Contents; every
action edits that (through playground/chat.py, which makes every decision) and reruns, so
the page is always drawn from the stored history.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.code import get_code
from components.connection import Connected, token_count
from components.cost import chat_total_text, turn_cost_text
from components.errors import show_error
from components.library import record_run
from components.reply import (
    render_code_result,
    render_function_call,
    render_function_response,
    render_tool_step,
)
from components.streaming import recover_interrupted, stream_live
from playground import chat as turns_logic
from playground.conversation import (
    MAX_FILE_BYTES,
    MAX_TURNS,
    STATUS_WORDS,
    Conversation,
    Turn,
)
from playground.errors import BadInput, PlaygroundError
from playground.gemini import build_chat_request
from playground.images import RASTER_MIME
from playground.markdown import unfetch_images
from playground.reply import Candidate, ReplyPart, parts_of
from playground.settings import GenerationSettings
from playground.state import (
    CHAT_CONVERSATION,
    CHAT_COPYING,
    CHAT_EDITING,
    CHAT_INFLIGHT,
    CHAT_NOTICE,
    CHAT_SYSTEM_INSTRUCTION,
    CHAT_WINDOW,
    MODEL,
    SETTINGS,
)

CONVERSATION = CHAT_CONVERSATION
INFLIGHT = CHAT_INFLIGHT
ASSISTANT_AVATAR = ":material/auto_awesome:"
WINDOW_STEP = 40
RESULTS_SEND = "chat.fn.send"  # the function results form's submit button
RESULTS_PROBLEMS = "chat.fn.problems"  # (turn id, {call position: message}) of a refused send


def conversation() -> Conversation:
    return st.session_state[CONVERSATION]


def chat_settings() -> GenerationSettings:
    """The shared settings with the chat's own system instruction, one candidate."""
    settings: GenerationSettings = st.session_state[SETTINGS]
    return settings.model_copy(
        update={
            "system_instruction": st.session_state.get(CHAT_SYSTEM_INSTRUCTION) or "",
            "candidate_count": 1,
        }
    )


# --- recovering, sending ------------------------------------------------------------


def recover() -> None:
    """A reply interrupted by Stop (or any rerun) becomes a "stopped" turn."""
    run = recover_interrupted(INFLIGHT)
    if run is not None:
        turns_logic.record_stop(conversation(), run.reply)


def prepare_chat(page: str) -> None:
    """Before the Chat page draws: record a stream a Stop (or any rerun) cut short, so
    it is saved with the conversation."""
    if page == "chat":
        recover()


def send(link: Connected, user_turn: Turn) -> None:
    """Stream the model's answer to `user_turn` (already in the conversation)."""
    chat = conversation()
    history = turns_logic.prepare_send(chat, user_turn)
    request = build_chat_request(chat_settings(), history, user_turn.content)
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        run = link.gemini.stream(request)
        reply = stream_live(run, INFLIGHT)
    turns_logic.record_outcome(chat, user_turn, reply, run.error)
    record_run("chat", request, reply)


def submit_message(link: Connected, text: str, files: Sequence) -> None:
    """A new message from the chat input: check its files (images, documents, audio,
    video; large ones through the Files API), add it, stream the answer."""
    from components.prompt import message_parts

    try:
        images = message_parts(files)
    except PlaygroundError as problem:  # a refused file, or a failed upload
        st.session_state[CHAT_NOTICE] = (problem, text)
        return
    content = turns_logic.new_message(text, images)
    if content is None:
        return
    turn = conversation().add_user(content)
    with st.chat_message("user"):
        render_turn_body(turn)
    send(link, turn)


# --- drawing turns ------------------------------------------------------------------


def result_key(turn_id: str, position: int) -> str:
    """The result box of call `position` of the model turn `turn_id`."""
    return f"chat.fn.{turn_id}.{position}"


def render_turn_body(turn: Turn, answering: bool = False) -> None:
    """A turn's parts in order: text, images, code runs, function calls (with a form for
    their results when `answering`), function results folded to one line, tool steps."""
    if turn.thoughts:
        with st.expander("Thoughts", icon=":material/psychology:"):
            st.markdown(unfetch_images(turn.thoughts))
    parts = parts_of(turn.content)
    calls = [p for p in parts if p.kind == "function_call"]
    step_view = Candidate(0, parts, None, content=turn.content)
    for position, part in enumerate(parts):
        if part.kind == "text":
            if position and parts[position - 1].kind == "text":
                continue  # drawn with the run of text it belongs to
            run = []
            for following in parts[position:]:
                if following.kind != "text":
                    break
                run.append(following.text)
            st.markdown(unfetch_images("".join(run)))
        elif part.kind == "image" and part.mime_type.lower() in RASTER_MIME:
            st.image(part.data, width=240)
        elif part.kind == "code":
            st.caption(":material/code: Code")
            st.code(part.text, language="python")
        elif part.kind == "code_result":
            render_code_result(part)
        elif part.kind == "function_call":
            if not answering:
                render_function_call(part)
            elif part is calls[0]:
                render_results_form(turn, calls)
        elif part.kind == "function_response":
            render_function_response(part)
        elif part.kind in ("tool_call", "tool_response"):
            render_tool_step(step_view, part)


def render_results_form(turn: Turn, calls: list[ReplyPart]) -> None:
    """Under each call card, a box for the function's result as JSON; one button sends
    them all (parallel calls are answered together)."""
    problems: dict[int, str] = {}
    refused = st.session_state.get(RESULTS_PROBLEMS)
    if refused and refused[0] == turn.id:
        problems = refused[1]
    with st.form(key=f"chat.fn.form.{turn.id}", border=False, enter_to_submit=False):
        for position, call in enumerate(calls):
            render_function_call(call)
            key = result_key(turn.id, position)
            if key not in st.session_state:
                st.session_state[key] = turns_logic.example_result(call)
            st.text_area(
                f"Result of `{call.text}` (JSON)",
                key=key,
                height=110,
                help="Run the function yourself and type what it returned, as a JSON object.",
            )
            if position in problems:
                st.error(problems[position], icon=":material/data_object:")
        st.form_submit_button(
            "Send function results" if len(calls) > 1 else "Send function result",
            key=RESULTS_SEND,
            type="primary",
            icon=":material/send:",
        )


def take_results() -> Turn | None:
    """The function results just submitted, checked and added as a user turn (None when
    nothing was submitted or a result is refused: its message shows under its box, and
    every typed box keeps its text)."""
    if not st.session_state.get(RESULTS_SEND):
        return None
    chat = conversation()
    calls = turns_logic.pending_calls(chat)
    last = chat.last_model_turn()
    if not calls or last is None:
        return None
    texts = [st.session_state.get(result_key(last.id, i)) or "" for i in range(len(calls))]
    problems = turns_logic.result_problems(calls, texts)
    if problems:
        st.session_state[RESULTS_PROBLEMS] = (
            last.id,
            {i: f"{p.message} {p.remedy}".strip() for i, p in problems.items()},
        )
        return None
    from components.session import run_blockers

    try:
        run_blockers()
    except PlaygroundError as problem:
        st.session_state[RESULTS_PROBLEMS] = (last.id, {len(calls) - 1: problem.message})
        return None
    st.session_state[RESULTS_PROBLEMS] = None
    st.session_state[CHAT_NOTICE] = None
    return turns_logic.answer_calls(chat, texts)


def render_turn(turn: Turn, is_last: bool) -> str | None:
    """Draw one turn; return the action picked from its menu, if any."""
    avatar = ASSISTANT_AVATAR if turn.role == "model" else None
    if turn.answers_functions:
        avatar = ":material/output:"
    with st.chat_message("assistant" if turn.role == "model" else "user", avatar=avatar):
        if st.session_state.get(CHAT_EDITING) == turn.id:
            render_editor(turn)
            return None
        answering = is_last and bool(turns_logic.pending_calls(conversation()))
        render_turn_body(turn, answering=answering)
        if turn.stats and turn.stats.finish_explanation:
            st.info(unfetch_images(turn.stats.finish_explanation), icon=":material/info:")
        if turn.status != "ok":
            words = STATUS_WORDS.get(turn.status, turn.status)
            st.warning(
                f"**{words.capitalize()}**"
                + (f" — {unfetch_images(turn.note)}" if turn.note else ""),
                icon=":material/warning:",
            )
        if st.session_state.get(CHAT_COPYING) == turn.id:
            st.code(turns_logic.copy_text(turn), language=None, wrap_lines=True)
            st.caption("Use the copy icon at the top right of the box.")
        cols = st.columns([8, 1], vertical_alignment="center")
        line = unfetch_images(turns_logic.stats_line(turn))  # may come from a file
        if turn.stats is not None:
            line += f" · {turn_cost_text(turn.stats, chat_settings().model)}"
        cols[0].caption(line)
        return cols[1].menu_button(
            "",
            turns_logic.menu_options(turn, is_last),
            key=f"chat.menu.{turn.id}",
            icon=":material/more_horiz:",
            type="tertiary",
            help="Copy, edit, regenerate or delete",
        )


def render_editor(turn: Turn) -> None:
    """Edit a user message; resending drops the later turns after a confirmation."""
    later = turns_logic.later_turns(conversation(), turn.id)
    if turn.answers_functions:
        for position, part in enumerate(turn.function_responses):
            key = f"chat.edit.result.{position}"
            if key not in st.session_state:
                st.session_state[key] = turns_logic.result_text(part)
            st.text_area(f"Result of `{part.text}` (JSON)", key=key, height=110)
    else:
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
    effect = turns_logic.apply_menu(conversation(), turn.id, action)
    st.session_state[CHAT_COPYING] = effect.copying
    if effect.editing is not None:
        st.session_state[CHAT_EDITING] = effect.editing
        for key in [k for k in st.session_state if str(k).startswith("chat.edit.result.")]:
            del st.session_state[key]
        st.session_state.pop("chat.edit.confirm", None)
    if effect.send is not None:
        send(link, effect.send)
    st.rerun()


def handle_editor(link: Connected) -> None:
    """Act on the edit box's buttons (from the previous run's clicks)."""
    editing = st.session_state.get(CHAT_EDITING)
    if editing is None:
        return
    chat = conversation()
    if st.session_state.get("chat.edit.cancel"):
        st.session_state[CHAT_EDITING] = None
        return
    if not st.session_state.get("chat.edit.send"):
        return
    edited = chat.turns[chat.index(editing)] if editing in {t.id for t in chat.turns} else None
    if edited is not None and edited.answers_functions:
        resend_results(link, edited)
        return
    text = st.session_state.get("chat.edit.text") or ""
    st.session_state[CHAT_EDITING] = None
    try:
        turn = turns_logic.resend_edited(chat, editing, text)
    except BadInput as problem:
        st.session_state[CHAT_NOTICE] = (problem, text)
        return
    send(link, turn)
    st.rerun()


def resend_results(link: Connected, turn: Turn) -> None:
    """Resend edited function results; a bad one keeps the editor open with its text."""
    count = len(turn.function_responses)
    texts = [st.session_state.get(f"chat.edit.result.{i}") or "" for i in range(count)]
    try:
        new_turn = turns_logic.resend_results(conversation(), turn.id, texts)
    except BadInput as problem:
        st.session_state[CHAT_NOTICE] = (problem, "")
        return
    st.session_state[CHAT_EDITING] = None
    send(link, new_turn)
    st.rerun()


def render_turns(link: Connected) -> None:
    """The visible window of turns, newest at the bottom, with an "earlier" control; the
    function results just submitted are drawn as a turn, then answered below."""
    answered = take_results()
    chat = conversation()
    window = st.session_state.get(CHAT_WINDOW, WINDOW_STEP)
    hidden = max(0, len(chat) - window)
    if hidden and st.button(
        f"Show {min(hidden, WINDOW_STEP)} earlier turns ({hidden} hidden)",
        key="chat.more",
        icon=":material/expand_less:",
        type="tertiary",
    ):
        st.session_state[CHAT_WINDOW] = window + WINDOW_STEP
        st.rerun()
    picked: tuple[Turn, str] | None = None
    for position in range(hidden, len(chat)):
        turn = chat.turns[position]
        action = render_turn(turn, is_last=position == len(chat) - 1)
        if action:
            picked = (turn, action)
    if picked:
        apply_action(link, *picked)
    if answered is not None:
        send(link, answered)
        st.rerun()


def render_retry(link: Connected) -> None:
    """A Retry button when the last turn failed or was interrupted."""
    chat = conversation()
    if not turns_logic.can_retry(chat):
        return
    if st.button("Retry", key="chat.retry", icon=":material/refresh:", type="primary"):
        pending = turns_logic.prepare_retry(chat)
        if pending is not None:
            send(link, pending)
        st.rerun()


# --- starting history, file, context ----------------------------------------------------


def _add_seed_exchange() -> None:
    try:
        turns_logic.add_exchange(
            conversation(),
            st.session_state.get("chat.seed.user") or "",
            st.session_state.get("chat.seed.model") or "",
        )
    except BadInput as problem:
        st.session_state[CHAT_NOTICE] = (problem, "")
        return
    st.session_state["chat.seed.user"] = ""
    st.session_state["chat.seed.model"] = ""


def _use_seed_example() -> None:
    turns_logic.add_seed_example(conversation())


def render_starting_history() -> None:
    """Before the first reply, the user may write the history the chat starts from."""
    with st.expander(
        "Start from a history", icon=":material/history_edu:", expanded=not conversation().turns
    ):
        st.caption(
            "Write exchanges the model will see as earlier turns (an example "
            "“Hello” / “Great to meet you” exchange is one click away)."
        )
        cols = st.columns(2)
        cols[0].text_area("User says", key="chat.seed.user", height=80)
        cols[1].text_area("Model replies", key="chat.seed.model", height=80)
        cols = st.columns([2, 4, 2])
        cols[0].button("Add exchange", key="chat.seed.add", on_click=_add_seed_exchange)
        cols[1].button(
            "Start from an example conversation",
            key="chat.seed.example",
            on_click=_use_seed_example,
        )


def _restore_upload() -> None:
    upload = st.session_state.get("chat.upload")
    if upload is None:
        return
    try:
        restored, meta = Conversation.from_file(upload.getvalue(), upload.name)
    except BadInput as problem:
        st.session_state[CHAT_NOTICE] = (problem, "")
        return
    restored.revision = conversation().revision + 1
    st.session_state[CONVERSATION] = restored
    st.session_state[CHAT_SYSTEM_INSTRUCTION] = meta["system_instruction"]
    if meta["model"]:
        st.session_state[MODEL] = meta["model"]
    st.session_state[CHAT_NOTICE] = None
    st.toast(f"Restored {len(restored)} turns from {upload.name}", icon=":material/upload:")


def _clear_chat() -> None:
    st.session_state[CONVERSATION] = Conversation(revision=conversation().revision + 1)
    for key in (CHAT_EDITING, CHAT_COPYING, CHAT_NOTICE):
        st.session_state[key] = None
    st.session_state[CHAT_WINDOW] = WINDOW_STEP


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
        get_code(
            lambda: build_chat_request(settings, chat.history(), turns_logic.code_message(chat)),
            key="chat.code",
        )
    with cols[3].popover("Restore from file", icon=":material/upload:"):
        st.file_uploader(
            "Conversation JSON", type=["json"], key="chat.upload", on_change=_restore_upload
        )
        st.caption(
            f"Replaces the current chat (files up to {MAX_FILE_BYTES // 2**20} MB and "
            f"{MAX_TURNS:,} turns). A file that isn't a valid conversation leaves the chat "
            "untouched."
        )


def render_context(link: Connected, input_limit: int | None) -> None:
    """Tokens the whole context takes, and a warning near the model's input limit."""
    chat = conversation()
    if not chat.turns:
        return
    model = chat_settings().model
    tokens = turns_logic.context_tokens(
        chat,
        lambda: token_count(link, model, chat.history(), digest=f"chat:{chat.uid}:{chat.revision}"),
    )
    if tokens is None:
        st.caption("Context: — tokens")
        return
    limit_text = f" of {input_limit:,}" if input_limit else ""
    spent = chat_total_text([t.stats for t in chat.turns if t.stats is not None], model)
    st.caption(f":material/data_usage: Context: {tokens:,}{limit_text} tokens · {spent}")
    warning = turns_logic.context_warning(tokens, input_limit)
    if warning:
        st.warning(warning, icon=":material/warning:")


def render_notice() -> None:
    """A problem with the last input, with the text the user typed kept for them."""
    notice = st.session_state.get(CHAT_NOTICE)
    if not notice:
        return
    problem, text = notice
    if isinstance(problem, PlaygroundError):
        show_error(problem)
    if text:
        st.caption("Your message was not sent; here it is to copy back:")
        st.code(text, language=None, wrap_lines=True)

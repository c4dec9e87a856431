"""Chat: a multi-turn conversation with streamed replies and an editable history."""

import streamlit as st

from components.chat import (
    conversation,
    handle_editor,
    render_context,
    render_notice,
    render_retry,
    render_starting_history,
    render_toolbar,
    render_turns,
    submit_message,
)
from components.errors import show_error
from components.library import share_conversation_button
from components.prompt import ATTACHMENT_TYPES
from components.session import connected, run_blockers
from playground.errors import PlaygroundError
from playground.state import CHAT_NOTICE, CHAT_SYSTEM_INSTRUCTION, SETTINGS

st.title("Chat", anchor=False)
st.caption("A multi-turn conversation: the whole history is sent with every message.")

link = connected()
with st.expander(
    "Chat system instruction",
    icon=":material/tune:",
    expanded=bool(st.session_state.get(CHAT_SYSTEM_INSTRUCTION)),
):
    st.text_area(
        "Chat system instruction",
        key=CHAT_SYSTEM_INSTRUCTION,
        placeholder="e.g. You are a helpful assistant who answers in two sentences.",
        label_visibility="collapsed",
        persist_state="session",
    )
render_toolbar()
share_conversation_button()
model = link.catalog.info(st.session_state[SETTINGS].model)
render_context(link, model.input_token_limit)
if not any(turn.stats for turn in conversation().turns):
    render_starting_history()

handle_editor(link)
render_turns(link)
render_retry(link)
render_notice()

message = st.chat_input(
    "Message Gemini (attach files with the clip)",
    key="chat.input",
    accept_file="multiple",
    file_type=ATTACHMENT_TYPES,
    submit_mode="stop",
)
if message is not None:
    st.session_state[CHAT_NOTICE] = None
    try:
        run_blockers()
    except PlaygroundError as problem:
        show_error(problem)
        st.session_state[CHAT_NOTICE] = (problem, message.text)
    else:
        submit_message(link, message.text or "", message.files or [])
    st.rerun()

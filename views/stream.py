"""Streaming: the reply arrives token by token, with live timing and a Stop control."""

import streamlit as st

from components.code import get_code
from components.connection import token_count
from components.errors import retry_toast, show_error
from components.prompt import prompt_editor, system_instruction_editor
from components.reply import render_finish, usage_line
from components.session import connected, run_blockers
from components.streaming import (
    recover_interrupted,
    render_stream_figures,
    render_token_chart,
    stream_live,
)
from playground.errors import BadInput, PlaygroundError
from playground.gemini import build_request, user_content
from playground.markdown import unfetch_images

INFLIGHT = "stream.inflight"

st.title("Streaming", anchor=False)
st.caption("Watch the reply arrive chunk by chunk, with time to first token and throughput.")

link = connected()
settings = st.session_state["settings"]
interrupted = recover_interrupted(INFLIGHT)
if interrupted is not None:
    st.session_state["stream.reply"] = interrupted.reply
    st.session_state["stream.request"] = interrupted.request
    st.session_state["stream.error"] = None

system_instruction_editor()
prompt = prompt_editor("stream", placeholder="e.g. Explain how AI works")
for problem in prompt.rejected:
    show_error(problem)

last = st.session_state.get("stream.reply")
can_retry = st.session_state.get("stream.request") is not None and (
    st.session_state.get("stream.error") is not None or (last is not None and last.interrupted)
)
cols = st.columns([1, 1, 1.3, 3], vertical_alignment="center")
run = cols[0].button("Run", key="stream.run", type="primary", icon=":material/play_arrow:")
retry = can_retry and cols[1].button("Retry", key="stream.retry", icon=":material/refresh:")
has_prompt = bool(prompt.text.strip() or prompt.attachments)
with cols[2]:
    get_code(
        build_request(settings, prompt.text, prompt.attachments, stream=True)
        if has_prompt
        else None,
        key="stream.code",
    )
if has_prompt:
    tokens = token_count(link, settings.model, [user_content(prompt.text, prompt.attachments)])
    cols[3].caption(f"Prompt: {tokens:,} tokens" if tokens is not None else "Prompt: — tokens")

if run or retry:
    st.session_state["stream.error"] = None
    try:
        if run:
            run_blockers()
            if prompt.rejected:
                raise BadInput(
                    "An attached file can't be sent.",
                    "Remove the file marked above, then Run.",
                    kind="bad_attachment",
                )
            request = build_request(settings, prompt.text, prompt.attachments, stream=True)
        else:
            request = st.session_state["stream.request"]
        st.session_state["stream.request"] = request
        st.divider()
        st.button("Stop", key="stream.stop", icon=":material/stop_circle:")
        stream = link.gemini.stream(
            request,
            on_retry=retry_toast,
        )
        st.session_state["stream.reply"] = stream_live(stream, INFLIGHT)
        st.session_state["stream.error"] = stream.error
    except PlaygroundError as error:
        st.session_state["stream.error"] = error
    st.rerun()

error = st.session_state.get("stream.error")
reply = st.session_state.get("stream.reply")
if error is not None:
    show_error(error)
if reply is not None:
    st.divider()
    if reply.interrupted == "stopped":
        st.warning(
            "**Stopped** — you stopped the stream; the text that arrived is kept.",
            icon=":material/stop_circle:",
        )
    if reply.thoughts:
        with st.expander("Thoughts", icon=":material/psychology:"):
            st.markdown(unfetch_images(reply.thoughts))
    if reply.text:
        st.markdown(unfetch_images(reply.text))
    render_finish(reply)
    render_stream_figures(reply)
    st.caption(usage_line(reply))
    render_token_chart(reply)

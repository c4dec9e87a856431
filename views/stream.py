"""Streaming: the reply arrives token by token, with live timing and a Stop control."""

import streamlit as st

from components.errors import show_error
from components.library import record_run
from components.prompt import refresh_uploads
from components.run import checked_request, prompt_row
from components.session import connected
from components.streaming import (
    recover_interrupted,
    render_streamed_reply,
    retry_possible,
    stream_live,
)
from playground.errors import PlaygroundError
from playground.state import STREAM_ERROR, STREAM_INFLIGHT, STREAM_REPLY, STREAM_REQUEST

st.title("Streaming", anchor=False)
st.caption("Watch the reply arrive chunk by chunk, with time to first token and throughput.")

link = connected()
interrupted = recover_interrupted(STREAM_INFLIGHT)
if interrupted is not None:
    st.session_state[STREAM_REPLY] = interrupted.reply
    st.session_state[STREAM_REQUEST] = interrupted.request
    st.session_state[STREAM_ERROR] = None

can_retry = retry_possible()
row = prompt_row(
    "stream", placeholder="e.g. Explain how AI works", stream=True, can_retry=can_retry
)

if row.run or row.retry:
    st.session_state[STREAM_ERROR] = None
    live = st.empty()  # Stop and the growing reply; replaced by the final view below
    try:
        if row.run:
            refresh_uploads(row.prompt)  # a file the server no longer has is uploaded again
            request = checked_request(row.prompt, stream=True)
        else:
            request = st.session_state[STREAM_REQUEST]
        st.session_state[STREAM_REQUEST] = request
        with live.container():
            st.divider()
            st.button("Stop", key="stream.stop", icon=":material/stop_circle:")
            stream = link.gemini.stream(request)
            st.session_state[STREAM_REPLY] = stream_live(stream, STREAM_INFLIGHT)
        record_run("streaming", request, st.session_state[STREAM_REPLY])
        st.session_state[STREAM_ERROR] = stream.error
    except PlaygroundError as error:
        st.session_state[STREAM_ERROR] = error
    live.empty()
    if retry_possible() != can_retry:
        st.rerun()  # only to show (or hide) Retry above; otherwise the page finishes in place

if st.session_state.get(STREAM_ERROR) is not None:
    show_error(st.session_state[STREAM_ERROR])
if st.session_state.get(STREAM_REPLY) is not None:
    st.divider()
    render_streamed_reply(st.session_state[STREAM_REPLY])

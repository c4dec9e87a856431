"""Text: one prompt (and images) in, one reply out, with every setting from the sidebar."""

import streamlit as st

from components.cost import cost_text
from components.errors import show_error
from components.prompt import refresh_uploads
from components.reply import render_reply
from components.run import checked_request, keep_text_reply, prompt_row
from components.session import connected
from components.test_cases import test_cases
from components.waiting import resume, retry_notices, wait_for
from playground.errors import PlaygroundError
from playground.state import SETTINGS, TEXT_ERROR, TEXT_REPLY, TEXT_REPLY_JSON
from playground.variables import names_in

st.title("Text", anchor=False)
st.caption(
    "Send one prompt, optionally with images, documents, audio, video or a YouTube link, "
    "and get one reply."
)

link = connected()
row = prompt_row("text", placeholder="e.g. How does AI work?")
test_cases(row.prompt, names_in(row.prompt.text, st.session_state[SETTINGS].system_instruction))

if row.run:
    st.session_state[TEXT_ERROR] = None
    try:
        refresh_uploads(row.prompt)  # a file the server no longer has is uploaded again
        request = checked_request(row.prompt)
        wait_for(
            lambda emit: link.gemini.generate(request, on_retry=retry_notices(emit)),
            key="text",
            error_key=TEXT_ERROR,
            finish=keep_text_reply(request),
        )
    except PlaygroundError as error:
        st.session_state[TEXT_ERROR] = error
else:
    resume("text")  # a reply still on its way when another widget was touched

if st.session_state.get(TEXT_ERROR):
    show_error(st.session_state[TEXT_ERROR])
if st.session_state.get(TEXT_REPLY):
    st.divider()
    if st.session_state.get(TEXT_ERROR):
        st.caption("Previous reply")
    reply = st.session_state[TEXT_REPLY]
    render_reply(reply, as_json=st.session_state.get(TEXT_REPLY_JSON))
    st.caption(cost_text(reply, st.session_state[SETTINGS].model))

"""Compare: one prompt streamed to 2–4 models side by side, with figures, cost, a vote,
a word diff of two replies and Use this."""

import streamlit as st

from components.compare import (
    build_run,
    column_setup,
    recover_stopped,
    show_diff,
    show_notice,
    show_run,
    stream_columns,
)
from components.errors import show_error
from components.prompt import (
    prompt_editor,
    refresh_uploads,
    system_instruction_editor,
    variables_editor,
)
from components.session import connected
from playground.errors import PlaygroundError
from playground.state import COMPARE_RUN, SETTINGS

st.title("Compare", anchor=False)
st.caption(
    "Send one prompt with the sidebar's settings to several models at once and compare "
    "their replies, speed and cost."
)
show_notice()
stopped = recover_stopped()
if stopped is not None:
    st.session_state[COMPARE_RUN] = stopped

link = connected()
models, labels = column_setup(link)
system_instruction_editor()
prompt = prompt_editor("compare", placeholder="e.g. Explain how AI works in three sentences")
prompt.variables = variables_editor(
    "compare", prompt.text, st.session_state[SETTINGS].system_instruction
)
for problem in prompt.rejected:
    show_error(problem)

if st.button("Run", key="compare.go", type="primary", icon=":material/play_arrow:"):
    live = st.empty()
    try:
        refresh_uploads(prompt)
        compare = build_run(link, prompt, models, labels)
        with live.container():
            st.button("Stop", key="compare.stop", icon=":material/stop_circle:")
            stream_columns(link, compare)
        st.session_state[COMPARE_RUN] = compare
    except PlaygroundError as problem:
        show_error(problem)
    live.empty()

if st.session_state.get(COMPARE_RUN) is not None:
    st.divider()
    show_run(st.session_state[COMPARE_RUN])
    show_diff(st.session_state[COMPARE_RUN])

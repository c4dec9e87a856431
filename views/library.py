"""Library: saved prompts, conversations and the run history, to search and reopen."""

import streamlit as st

from components.library import current_scope, library
from components.library_page import (
    filters,
    render_conversations,
    render_prompts,
    render_runs,
    render_transfer,
)

st.title("Library", anchor=False)
scope = current_scope()
st.caption(f":material/lock: {scope.why}")

mine = library()
if mine is None:
    st.warning(
        "The library database could not be opened, so nothing can be listed. "
        "Check PLAYGROUND_DATABASE_URL (see the README).",
        icon=":material/database:",
    )
    st.stop()
if not scope.can_list:
    st.info(
        "On this deployment the library list is off: visitors are anonymous, so no one can "
        "browse anyone's work. Your links still reopen your prompts and conversations; the "
        "deployer can turn on sign-in or a team library (PLAYGROUND_LIBRARY=shared).",
        icon=":material/visibility_off:",
    )
    st.stop()

search, page = filters()
prompts_tab, chats_tab, runs_tab = st.tabs(["Saved prompts", "Conversations", "Run history"])
with prompts_tab:
    render_prompts(mine, search, page)
with chats_tab:
    render_conversations(mine, search, page)
with runs_tab:
    render_runs(mine, search, page)
st.divider()
render_transfer(mine)

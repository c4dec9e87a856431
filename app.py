"""Gemini Playground: the frame. Page config, session defaults, the link's setup, sidebar,
navigation."""

import streamlit as st

from components.chat import prepare_chat
from components.session import CONNECTED, init_session
from components.sidebar import render_sidebar
from components.urlstate import check_restored_model, keep_work, restore_from_url, show_url_notes
from playground.memory import freeze_startup

freeze_startup()  # once per process: the imports above stay out of every later collection
st.set_page_config(
    page_title="Gemini Playground",
    page_icon=":material/auto_awesome:",
    layout="wide",
    initial_sidebar_state="expanded",
)
init_session()

pages = st.navigation(
    {
        "Generate": [
            st.Page("views/text.py", title="Text", icon=":material/edit_note:", default=True),
            st.Page(
                "views/stream.py", title="Streaming", icon=":material/stream:", url_path="streaming"
            ),
            st.Page(
                "views/compare.py", title="Compare", icon=":material/compare:", url_path="compare"
            ),
        ],
        "Tune": [
            st.Page(
                "views/system.py",
                title="System instructions",
                icon=":material/tune:",
                url_path="system",
            ),
        ],
        "Create": [
            st.Page("views/images.py", title="Images", icon=":material/image:", url_path="images"),
        ],
        "Converse": [
            st.Page("views/chat.py", title="Chat", icon=":material/chat:", url_path="chat"),
        ],
        "Keep": [
            st.Page(
                "views/library.py", title="Library", icon=":material/bookmarks:", url_path="library"
            ),
        ],
    },
    position="sidebar",
)
restore_from_url(pages.url_path)
connected = render_sidebar(pages.url_path)
check_restored_model()
st.session_state[CONNECTED] = connected

for problem in connected.problems:  # the deployment's configuration (access, limits)
    st.error(
        f"**{problem.title}** — {problem.message}\n\n{problem.remedy}", icon=":material/error:"
    )
if connected.plan.mode == "offline" and connected.plan.offline_reason == "access":
    mode = connected.access.mode if connected.access else "own-key"
    st.info(
        f"**Offline demo** — replies are simulated by `gemini_offline` on this server; no real "
        f"model is called. This deployment does not use its own Gemini key for you (access "
        f"mode {mode}; the sidebar says why). To use real Gemini, paste your own key in the "
        "sidebar.",
        icon=":material/cloud_off:",
    )
elif connected.plan.mode == "offline":
    why = (
        "You switched to the offline demo."
        if connected.plan.offline_reason == "switched"
        else "No API key is configured."
    )
    st.info(
        f"**Offline demo** — replies are simulated by `gemini_offline` on this server; no real "
        f"model is called. {why} To use real Gemini, paste a key in the sidebar, set "
        "`GEMINI_API_KEY`, or add it to `.streamlit/secrets.toml`.",
        icon=":material/cloud_off:",
    )
elif connected.plan.mode == "replay":
    st.info(
        f"**{connected.plan.label}** — replies come from a recorded demo; a request that "
        "was not recorded says so. Choose “Don't replay” under Demo recording to go live.",
        icon=":material/replay:",
    )
else:
    st.caption(f":material/cloud_done: Connected to **{connected.plan.label}**")

show_url_notes()
prepare_chat(pages.url_path)
keep_work(pages.url_path)
pages.run()
keep_work(pages.url_path)

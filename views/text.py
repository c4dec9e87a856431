"""Text: one prompt (and images) in, one reply out, with every setting from the sidebar."""

import streamlit as st

from components.code import get_code
from components.connection import token_count
from components.errors import retry_toast, show_error
from components.prompt import prompt_editor, system_instruction_editor
from components.reply import render_reply
from components.session import connected, run_blockers
from playground.errors import BadInput, PlaygroundError
from playground.gemini import build_request, user_content

st.title("Text", anchor=False)
st.caption("Send one prompt, optionally with images, and get one reply.")

link = connected()
settings = st.session_state["settings"]
system_instruction_editor()
prompt = prompt_editor("text", placeholder="e.g. How does AI work?")
for problem in prompt.rejected:
    show_error(problem)

cols = st.columns([1, 1.3, 4], vertical_alignment="center")
run = cols[0].button("Run", key="text.run", type="primary", icon=":material/play_arrow:")
has_prompt = bool(prompt.text.strip() or prompt.attachments)
with cols[1]:
    get_code(
        build_request(settings, prompt.text, prompt.attachments) if has_prompt else None,
        key="text.code",
    )
if has_prompt:
    tokens = token_count(link, settings.model, [user_content(prompt.text, prompt.attachments)])
    cols[2].caption(f"Prompt: {tokens:,} tokens" if tokens is not None else "Prompt: — tokens")
for attachment in prompt.attachments:
    st.caption(f":material/image: {attachment.describe()}")

if run:
    st.session_state["text.error"] = None
    try:
        run_blockers()
        if prompt.rejected:
            raise BadInput(
                "An attached file can't be sent.",
                "Remove the file marked above (or replace it with a valid image), then Run.",
                kind="bad_attachment",
            )
        request = build_request(settings, prompt.text, prompt.attachments)
        with st.spinner("Calling Gemini…", show_time=True):
            st.session_state["text.reply"] = link.gemini.generate(
                request,
                on_retry=retry_toast,
            )
            st.session_state["text.reply_json"] = settings.response_format == "json"
    except PlaygroundError as error:
        st.session_state["text.error"] = error

if st.session_state.get("text.error"):
    show_error(st.session_state["text.error"])
if st.session_state.get("text.reply"):
    st.divider()
    if st.session_state.get("text.error"):
        st.caption("Previous reply")
    render_reply(st.session_state["text.reply"], as_json=st.session_state.get("text.reply_json"))

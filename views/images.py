"""Images: generate, edit, and edit again with Gemini's native image models (and Imagen)."""

import streamlit as st

from components.code import get_code
from components.errors import show_error
from components.images import (
    ERROR,
    image_controls,
    imagen_controls,
    reference_uploader,
    render_edit_chat,
    render_gallery,
    render_result,
    request_for,
    run_mode,
)
from components.session import connected
from components.waiting import resume
from playground.images import MODES, SYNTHID_NOTE
from playground.settings import ImageSettings
from playground.state import IMAGES_MODE

PLACEHOLDERS = {
    "Generate": "e.g. Generate an illustrated recipe for a paella",
    "Edit": "e.g. Add a llama next to me",
    "Edit chat": "e.g. Turn this car into a convertible",
    "Imagen": "e.g. A 3D render of a pig with wings flying over a green city",
}

st.title("Images", anchor=False)
st.caption(f":material/verified: {SYNTHID_NOTE}")
link = connected()
mode = (
    st.segmented_control("Mode", list(MODES), key=IMAGES_MODE, persist_state="session") or MODES[0]
)

if mode == "Imagen":
    if link.plan.mode != "enterprise":
        st.info(
            "**Imagen is not available with a Gemini API key.** Imagen has been shut down on "
            "the Gemini API; `generate_images` works only in Gemini Enterprise (Vertex) mode "
            "(set `GOOGLE_GENAI_USE_ENTERPRISE=true` with your Google Cloud project). Use "
            "**Generate** with a Gemini image model such as `gemini-3.1-flash-image` instead.",
            icon=":material/info:",
        )
        st.stop()
    settings = imagen_controls()
else:
    if not link.catalog.image_models:
        st.warning("No image models are available for this key.", icon=":material/hide_image:")
        st.stop()
    model, values = image_controls(link.catalog.image_models)
    settings = ImageSettings(**values)

prompt = (
    st.text_area(
        "Prompt",
        key="images.prompt",
        height=110,
        placeholder=PLACEHOLDERS[mode],
        persist_state="session",
    )
    or ""
)
references = reference_uploader(mode, model) if mode in ("Edit", "Edit chat") else []
labels = {"Generate": "Generate", "Edit": "Edit", "Edit chat": "Send", "Imagen": "Generate"}
cols = st.columns([1, 1.3, 4], vertical_alignment="center")
clicked = cols[0].button(labels[mode], key="images.run", type="primary", icon=":material/brush:")
if mode != "Imagen":
    with cols[1]:
        get_code(request_for(mode, prompt, references, settings), key="images.code")
if clicked:
    run_mode(link, mode, prompt, references, settings)
else:
    resume("images")  # a run still on its way when another widget was touched

if st.session_state.get(ERROR):
    show_error(st.session_state[ERROR])
if mode == "Edit chat":
    render_edit_chat()
else:
    render_result(mode)
st.divider()
render_gallery()

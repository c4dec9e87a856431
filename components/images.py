"""Image page building blocks: controls, outcomes (interleaved), before/after, gallery,
downloads. Images are shown from the session's ImageStore, losslessly (PNG)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import streamlit as st
from google.genai import types

from components.connection import Connected
from components.cost import outcome_cost_text
from components.errors import show_error
from components.prompt import IMAGE_TYPES, checked_uploads
from components.waiting import retry_notices, wait_for
from playground.catalog import ModelInfo
from playground.conversation import Conversation
from playground.errors import BadInput, PlaygroundError
from playground.gemini import GenerateRequest
from playground.images import (
    GalleryItem,
    ImageOutcome,
    add_to_gallery,
    call_progress,
    check_inputs,
    imagen_outcome,
    mode_request,
    record_edit_turn,
    run_calls,
    select_references,
    summarize_run,
    unsupported_message,
)
from playground.markdown import unfetch_images
from playground.media import ImageStore, StoredImage, zip_images
from playground.reply import Reply
from playground.settings import (
    DEFAULT_IMAGE_MODEL,
    IMAGEN_ASPECT_RATIOS,
    IMAGEN_MODELS,
    PERSON_GENERATION,
    ImagenSettings,
    ImageSettings,
)
from playground.state import (
    IMAGEN_ASPECT_RATIO,
    IMAGEN_COUNT,
    IMAGEN_MODEL,
    IMAGEN_NEGATIVE,
    IMAGEN_PEOPLE,
    IMAGES_ASPECT_RATIO,
    IMAGES_CHAT,
    IMAGES_CHAT_OUTCOMES,
    IMAGES_CHAT_SENT,
    IMAGES_CHECKED,
    IMAGES_COUNT,
    IMAGES_ERROR,
    IMAGES_GALLERY,
    IMAGES_MODEL,
    IMAGES_RESULT,
    IMAGES_SIZE,
    IMAGES_STORE,
    IMAGES_TEMPERATURE,
)

STORE = IMAGES_STORE
GALLERY = IMAGES_GALLERY
RESULT = IMAGES_RESULT
ERROR = IMAGES_ERROR
EDIT_CHAT = IMAGES_CHAT
EDIT_OUTCOMES = IMAGES_CHAT_OUTCOMES
SENT_UPLOADS = IMAGES_CHAT_SENT
KEY = "images"  # widget key prefix of the run controls (Cancel is "images.cancel")
CHECKED = IMAGES_CHECKED  # CheckedUploads of the reference uploader


def store() -> ImageStore:
    return st.session_state[STORE]


def remember(
    outcomes: Sequence[ImageOutcome], prompt: str, mode: str, sources: Sequence[str] = ()
) -> None:
    """Add every image of these outcomes to the session gallery."""
    add_to_gallery(st.session_state[GALLERY], outcomes, prompt, mode, sources)


def file_name(image: StoredImage, stem: str = "gemini-image") -> str:
    return f"{stem}-{image.digest[:8]}.{image.extension}"


def download_button(image: StoredImage, key: str) -> None:
    """Download the original bytes, with the right extension (computed only on click)."""
    st.download_button(
        "Download",
        data=lambda: image.data,
        file_name=file_name(image),
        mime=image.mime_type,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


MAX_SHOWN_WIDTH = 640
AUTO = "Auto"  # the aspect-ratio choice that sends none (the default in playground.state)


def show_image(
    image: StoredImage,
    caption: str | None = None,
    *,
    fit: bool = False,
    max_width: int = MAX_SHOWN_WIDTH,
) -> None:
    """Lossless display; at most `max_width` px wide unless `fit` (fill the column)."""
    width = "stretch" if fit else min(image.width, max_width)
    st.image(image.data, caption=caption, output_format="PNG", width=width)


def render_outcome(outcome: ImageOutcome, key: str, max_width: int = MAX_SHOWN_WIDTH) -> None:
    """One call's parts, in the order they arrived (text and images interleaved)."""
    if outcome.error is not None:
        show_error(outcome.error)
        return
    for position, (kind, value) in enumerate(outcome.parts):
        if kind == "text":
            st.markdown(unfetch_images(value))
        elif kind == "unsupported":
            st.warning(unsupported_message(value), icon=":material/broken_image:")
        else:
            image = store().get(value)
            show_image(image, caption=f"{image.width}×{image.height} px", max_width=max_width)
            download_button(image, key=f"{key}.download.{position}")
    if outcome.why_no_image:
        st.warning(f"**No image came back.** {outcome.why_no_image}", icon=":material/hide_image:")
    if outcome.model:
        st.caption(outcome_cost_text(outcome))


def render_before_after(before: Sequence[StoredImage], after: StoredImage) -> None:
    cols = st.columns(2)
    with cols[0]:
        st.caption("Before")
        for image in before:
            show_image(image, fit=True)
    with cols[1]:
        st.caption("After")
        show_image(after, fit=True)


def render_zip_download(
    digests: Sequence[str], key: str, label: str = "Download all (zip)"
) -> None:
    if len(digests) < 2:
        return
    images = [store().get(d) for d in digests]
    st.download_button(
        label,
        data=lambda: zip_images(
            [(file_name(i, f"image-{n + 1:02d}"), i.data) for n, i in enumerate(images)]
        ),
        file_name="gemini-images.zip",
        mime="application/zip",
        key=key,
        icon=":material/folder_zip:",
        on_click="ignore",
    )


def render_gallery() -> None:
    """Every image of the session as thumbnails, newest first."""
    gallery: list[GalleryItem] = st.session_state[GALLERY]
    if not gallery:
        return
    st.subheader(f"Gallery ({len(gallery)})", anchor=False)
    render_zip_download([item.digest for item in gallery], key="images.gallery.zip")
    columns = st.columns(4)
    for position, item in enumerate(reversed(gallery)):
        image = store().get(item.digest)
        with columns[position % 4]:
            st.image(image.thumbnail, caption=f"{item.mode}: {item.prompt[:60]}", width="stretch")
            download_button(image, key=f"images.gallery.download.{item.digest}")


def image_controls(models: Sequence[ModelInfo]) -> tuple[ModelInfo, dict]:
    """Model, aspect ratio, size, number of images and temperature for Gemini image calls."""
    ids = [m.id for m in models]
    if st.session_state.get(IMAGES_MODEL) not in ids:
        st.session_state[IMAGES_MODEL] = (
            DEFAULT_IMAGE_MODEL if DEFAULT_IMAGE_MODEL in ids else ids[0]
        )
    names = {m.id: m.display_name for m in models}
    cols = st.columns([3, 2, 2, 2, 2])
    model_id = cols[0].selectbox(
        "Image model", ids, key=IMAGES_MODEL, format_func=names.get, persist_state="session"
    )
    model = next(m for m in models if m.id == model_id)
    caps = model.image_capabilities
    ratios = [AUTO, *caps.aspect_ratios]
    if st.session_state.get(IMAGES_ASPECT_RATIO) not in ratios:
        st.session_state[IMAGES_ASPECT_RATIO] = AUTO
    if st.session_state.get(IMAGES_SIZE) not in caps.image_sizes:
        st.session_state[IMAGES_SIZE] = caps.image_sizes[0]
    values = {
        "model": model_id,
        "aspect_ratio": cols[1].selectbox(
            "Aspect ratio",
            ratios,
            key=IMAGES_ASPECT_RATIO,
            help="Auto: square for new images, the input's shape for edits.",
        ),
        "image_size": cols[2].selectbox(
            "Image size",
            caps.image_sizes,
            key=IMAGES_SIZE,
            help="Sizes this model supports (1K ≈ 1024 px on the long side).",
        ),
        "number_of_images": cols[3].slider(
            "Images",
            1,
            4,
            key=IMAGES_COUNT,
            persist_state="session",
            help="These models return one image per call: several calls run in parallel.",
        ),
        "temperature": cols[4].slider(
            "Temperature", 0.0, 2.0, step=0.05, key=IMAGES_TEMPERATURE, persist_state="session"
        ),
    }
    if values["aspect_ratio"] == AUTO:
        values["aspect_ratio"] = None
    return model, values


def imagen_controls() -> ImagenSettings:
    cols = st.columns([3, 2, 2, 3])
    model = cols[0].selectbox("Imagen model", IMAGEN_MODELS, key=IMAGEN_MODEL)
    count = cols[1].slider("Images", 1, 4, key=IMAGEN_COUNT)
    ratio = cols[2].selectbox("Aspect ratio", IMAGEN_ASPECT_RATIOS, key=IMAGEN_ASPECT_RATIO)
    people = cols[3].selectbox("Person generation", PERSON_GENERATION, key=IMAGEN_PEOPLE)
    negative = st.text_input(
        "Negative prompt",
        key=IMAGEN_NEGATIVE,
        placeholder="What to leave out, e.g. text, blur",
    )
    return ImagenSettings(
        model=model,
        number_of_images=count,
        aspect_ratio=ratio,
        negative_prompt=negative or "",
        person_generation=people,
    )


# --- running a mode ----------------------------------------------------------------------


def _run_calls(
    link: Connected,
    request: GenerateRequest,
    count: int,
    finish: Callable[[list[ImageOutcome]], None],
) -> None:
    """`count` calls in parallel, with progress and elapsed time in a status box."""
    started = time.perf_counter()
    noun = "image" if count == 1 else "images"
    images = store()
    with st.status(f"Generating {count} {noun}…", expanded=True) as status:

        def done(item: tuple[int, Reply | PlaygroundError]) -> None:
            status.write(call_progress(*item, time.perf_counter() - started))

        outcomes = wait_for(
            lambda emit: run_calls(
                link.gemini, request, count, images, on_done=lambda *item: emit(item)
            ),
            key=KEY,
            error_key=ERROR,
            label=f"Generating {count} {noun}…",
            on_item=done,
            finish=finish,
        )
        summary = summarize_run(outcomes, time.perf_counter() - started)
        status.update(
            label=summary.label,
            state="error" if summary.failed else "complete",
            expanded=False,
        )


def _history() -> list[types.Content]:
    chat: Conversation = st.session_state[EDIT_CHAT]
    return chat.history()


def request_for(
    mode: str,
    prompt: str,
    references: Sequence[StoredImage],
    settings: ImageSettings | ImagenSettings,
) -> GenerateRequest | None:
    """The request the mode would send now (for Get code and for the run itself)."""
    history = _history() if mode == "Edit chat" else ()
    return mode_request(mode, prompt, references, settings, history)


def run_mode(
    link: Connected,
    mode: str,
    prompt: str,
    references: Sequence[StoredImage],
    settings: ImageSettings | ImagenSettings,
) -> None:
    """Run the chosen mode; an error is kept in session state and shown, nothing is lost."""
    st.session_state[ERROR] = None
    sources = tuple(r.digest for r in references)
    try:
        check_inputs(mode, prompt, references)
        if isinstance(settings, ImagenSettings):
            config = settings.to_config()

            def keep_imagen(response: types.GenerateImagesResponse) -> None:
                outcomes = [imagen_outcome(response, store(), settings.model)]
                st.session_state[RESULT] = (mode, outcomes, ())
                remember(outcomes, prompt, mode)

            wait_for(
                lambda emit: link.gemini.generate_images(settings.model, prompt, config),
                key=KEY,
                error_key=ERROR,
                label="Generating with Imagen…",
                finish=keep_imagen,
            )
            return
        request = request_for(mode, prompt, references, settings)
        assert request is not None  # check_inputs refused every input without one
        if mode == "Edit chat":

            def keep_edit(reply: Reply) -> None:
                turn, outcome = record_edit_turn(
                    st.session_state[EDIT_CHAT], request, reply, store()
                )
                st.session_state[SENT_UPLOADS] |= set(sources)  # sent once, kept in the chat
                st.session_state[EDIT_OUTCOMES][turn.id] = outcome
                remember([outcome], prompt, mode, sources)

            wait_for(
                lambda emit: link.gemini.generate(request, on_retry=retry_notices(emit)),
                key=KEY,
                error_key=ERROR,
                label="Editing…",
                finish=keep_edit,
            )
            return

        def keep_outcomes(outcomes: list[ImageOutcome]) -> None:
            st.session_state[RESULT] = (mode, outcomes, sources if mode == "Edit" else ())
            remember(outcomes, prompt, mode, sources)

        _run_calls(link, request, settings.number_of_images, keep_outcomes)
    except PlaygroundError as error:
        st.session_state[ERROR] = error


# --- showing results ---------------------------------------------------------------------


def render_edit_chat() -> None:
    """The multi-turn edit: instructions and images, with a branch point at every image."""
    chat: Conversation = st.session_state[EDIT_CHAT]
    outcomes: dict[str, ImageOutcome] = st.session_state[EDIT_OUTCOMES]
    if not chat.turns:
        st.caption(
            "Upload an image (or describe one) and give an instruction; every later "
            "instruction edits the latest image. You can branch from any earlier image."
        )
        return
    st.divider()
    if st.button("New edit chat", key="images.chat.clear", icon=":material/restart_alt:"):
        st.session_state[EDIT_CHAT] = Conversation()
        st.session_state[EDIT_OUTCOMES] = {}
        st.session_state[SENT_UPLOADS] = set()
        st.rerun()
    for position, turn in enumerate(chat.turns):
        if turn.role == "user":
            with st.chat_message("user"):
                if turn.text:
                    st.markdown(turn.text)
                if turn.images:
                    st.image(
                        [
                            store().add(b.data, b.mime_type or "image/png").thumbnail
                            for b in turn.images
                        ],
                        width=120,
                    )
            continue
        with st.chat_message("assistant", avatar=":material/auto_awesome:"):
            outcome = outcomes.get(turn.id)
            if outcome is not None:
                render_outcome(outcome, key=f"images.chat.{turn.id}", max_width=400)
            is_latest = position == len(chat.turns) - 1
            if (
                not is_latest
                and outcome is not None
                and outcome.image_digests
                and st.button(
                    "Continue from this image",
                    key=f"images.branch.{turn.id}",
                    icon=":material/call_split:",
                )
            ):
                chat.truncate(position + 1)
                st.rerun()


def render_result(mode: str) -> None:
    """The last Generate / Edit / Imagen result: interleaved parts, before/after, zip."""
    result = st.session_state.get(RESULT)
    if result is None or result[0] != mode:
        return
    _, outcomes, sources = result
    st.divider()
    render_zip_download([d for o in outcomes for d in o.image_digests], key="images.result.zip")
    if mode == "Edit" and sources:
        for index, outcome in enumerate(outcomes):
            if outcome.image_digests:
                render_before_after(
                    [store().get(s) for s in sources], store().get(outcome.image_digests[0])
                )
            render_outcome(outcome, key=f"images.result.{index}")
        return
    columns = st.columns(2) if len(outcomes) > 1 else [st.container()]
    for index, outcome in enumerate(outcomes):
        with columns[index % len(columns)]:
            render_outcome(outcome, key=f"images.result.{index}")


def reference_uploader(mode: str, model: ModelInfo) -> list[StoredImage]:
    """Uploaded reference images, checked, stored once, limited to what the model takes."""
    label = "Reference images" if mode == "Edit" else "Image to edit (to start, or a new base)"
    uploads = st.file_uploader(
        label, type=IMAGE_TYPES, accept_multiple_files=True, key="images.upload"
    )
    references: list[StoredImage] = []
    for attachment in checked_uploads(uploads, CHECKED):
        if isinstance(attachment, BadInput):
            show_error(attachment)
            continue
        if attachment.note:
            st.caption(f":material/info: {attachment.describe()}")
        references.append(store().add(attachment.data, attachment.mime_type))
    limit = model.image_capabilities.max_reference_images
    chosen = select_references(mode, references, st.session_state[SENT_UPLOADS], limit)
    if chosen.already_sent:
        st.caption(
            ":material/check: Already sent — later instructions edit the latest "
            "image. Upload another image to start from it instead."
        )
    if chosen.over_limit:
        st.warning(
            f"{model.display_name} takes up to {limit} reference images; only the "
            f"first {limit} are sent.",
            icon=":material/warning:",
        )
    references = chosen.images
    if references:
        st.image([r.thumbnail for r in references], width=120)
    return references

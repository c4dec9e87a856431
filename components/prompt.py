"""Prompt editor, system instruction and image attachments, shared by the prompt pages."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from playground.errors import BadInput
from playground.media import Attachment, CheckedUploads
from playground.state import SYSTEM_INSTRUCTION

IMAGE_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"]


def checked_uploads(files, cache_key: str) -> list[Attachment | BadInput]:
    """Every uploaded file checked once per upload (cached in `st.session_state[cache_key]`,
    a CheckedUploads); files no longer attached are forgotten."""
    cache: CheckedUploads = st.session_state[cache_key]
    files = list(files or [])
    results = [cache.check(f.file_id, f.name, f.size, f.getvalue) for f in files]
    cache.keep_only((f.file_id, f.size) for f in files)
    return results


@dataclass
class PromptInput:
    """What the user typed and attached, plus any attachment that was refused."""

    text: str
    attachments: list[Attachment] = field(default_factory=list)
    rejected: list[BadInput] = field(default_factory=list)


def system_instruction_editor(
    key: str = SYSTEM_INSTRUCTION,
    label: str = "System instruction",
    placeholder: str = "e.g. You are a cat. Your name is Neko.",
) -> None:
    """A system instruction box, kept across pages. The default key is the shared one
    (part of the settings); the chat passes its own."""
    with st.expander(label, icon=":material/tune:", expanded=bool(st.session_state.get(key))):
        st.text_area(
            label,
            key=key,
            placeholder=placeholder,
            help="Guides the model's behaviour for the whole request.",
            label_visibility="collapsed",
            persist_state="session",
        )


def prompt_editor(namespace: str, *, placeholder: str = "Ask Gemini anything…") -> PromptInput:
    """The prompt text area (`{namespace}.prompt`) and the uploader (`{namespace}.attachments`)."""
    text = st.text_area(
        "Prompt",
        key=f"{namespace}.prompt",
        height=160,
        placeholder=placeholder,
        persist_state="session",
    )
    files = st.file_uploader(
        "Attach images",
        type=IMAGE_TYPES,
        accept_multiple_files=True,
        key=f"{namespace}.attachments",
        help="Images are sent inline with the prompt (e.g. “Tell me about this instrument”).",
    )
    prompt = PromptInput(text or "")
    for checked in checked_uploads(files, f"{namespace}.checked"):
        if isinstance(checked, BadInput):
            prompt.rejected.append(checked)
        else:
            prompt.attachments.append(checked)
    return prompt

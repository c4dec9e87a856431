"""Session state declared in one place, and the per-run context pages read from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from components.connection import Connected
from components.tuning import session_defaults as tuning_defaults
from playground.conversation import Conversation
from playground.errors import BadInput
from playground.media import CheckedUploads, ImageStore
from playground.settings import GenerationSettings

CONNECTED = "app.connected"

# Every non-widget key the pages use, namespaced by page, with a factory for its initial
# value (a factory, so that no two sessions ever share a mutable default).
SESSION_DEFAULTS: dict[str, Callable[[], Any]] = {
    "settings": GenerationSettings,
    "settings.problems": list,
    "connection.api_key": lambda: None,
    "connection.key_error": lambda: None,
    "connection.key_warning": lambda: None,
    "text.reply": lambda: None,
    "text.reply_json": lambda: False,
    "text.error": lambda: None,
    "text.checked": CheckedUploads,
    "stream.reply": lambda: None,
    "stream.error": lambda: None,
    "stream.request": lambda: None,
    "stream.checked": CheckedUploads,
    "chat.conversation": Conversation,
    "chat.window": lambda: 40,
    "chat.editing": lambda: None,
    "chat.copying": lambda: None,
    "chat.notice": lambda: None,
    "images.mode": lambda: "Generate",
    "images.count": lambda: 1,
    "images.temperature": lambda: 1.0,
    "images.imagen.count": lambda: 1,
    "images.store": ImageStore,
    "images.gallery": list,
    "images.result": lambda: None,
    "images.error": lambda: None,
    "images.chat": Conversation,
    "images.chat.outcomes": dict,
    "images.chat.sent": set,
    "images.checked": CheckedUploads,
    "system.grid": lambda: None,
    "system.error": lambda: None,
}


def init_session() -> None:
    """Set every session key that is not there yet."""
    for key, factory in SESSION_DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = factory()
    for key, value in tuning_defaults().items():
        if key not in st.session_state:
            st.session_state[key] = value


def connected() -> Connected:
    """The connection the entrypoint made for this run."""
    return st.session_state[CONNECTED]


def run_blockers() -> None:
    """Raise BadInput when the sidebar settings have a problem that must be fixed first."""
    problems = st.session_state.get("settings.problems") or []
    if problems:
        raise BadInput(
            " ".join(problems),
            "Fix the settings in the sidebar, then run again.",
            kind="bad_settings",
        )

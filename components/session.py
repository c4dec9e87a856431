"""Session state declared in one place, and the per-run context pages read from it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.connection import Connected
from playground.errors import BadInput
from playground.settings import GenerationSettings

CONNECTED = "app.connected"

# Every non-widget key the pages use, namespaced by page, with its initial value.
SESSION_DEFAULTS: dict[str, Any] = {
    "settings": GenerationSettings(),
    "settings.problems": [],
    "connection.api_key": None,
    "connection.key_error": None,
    "connection.key_warning": None,
    "text.reply": None,
    "text.reply_json": False,
    "text.error": None,
}


def init_session() -> None:
    """Set every session key that is not there yet."""
    for key, value in SESSION_DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value.model_copy() if hasattr(value, "model_copy") else value


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

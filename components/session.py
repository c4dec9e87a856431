"""Session state initialised in one place (keys and defaults: playground/state.py), and
the per-run context pages read from it."""

from __future__ import annotations

import os

import streamlit as st

from components.connection import Connected
from playground.connection import request_timeout_s
from playground.errors import BadInput
from playground.state import CONNECTED, SETTINGS_PROBLEMS, missing_values

__all__ = ["CONNECTED", "connected", "init_session", "run_blockers"]


def init_session() -> None:
    """Set every session key that is not there yet (on every run, before any widget)."""
    for key, value in missing_values(st.session_state, request_timeout_s(os.environ)).items():
        st.session_state[key] = value


def connected() -> Connected:
    """The connection the entrypoint made for this run."""
    return st.session_state[CONNECTED]


def run_blockers() -> None:
    """Raise BadInput when the sidebar settings have a problem that must be fixed first."""
    problems = st.session_state.get(SETTINGS_PROBLEMS) or []
    if problems:
        raise BadInput(
            " ".join(problems),
            "Fix the settings in the sidebar, then run again.",
            kind="bad_settings",
        )

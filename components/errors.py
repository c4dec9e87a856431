"""Show a PlaygroundError in the page: what happened and what to do next."""

from __future__ import annotations

import streamlit as st

from playground.errors import BadInput, PlaygroundError


def show_error(error: PlaygroundError) -> None:
    """Render an error with its remedy; the user's own mistakes are warnings, not errors."""
    body = f"**{error.title}** — {error.message}"
    if error.remedy:
        body += f"\n\n{error.remedy}"
    if isinstance(error, BadInput):
        st.warning(body, icon=":material/edit_note:")
    else:
        st.error(body, icon=":material/error:")

"""Show a PlaygroundError in the page: what happened and what to do next."""

from __future__ import annotations

import streamlit as st

from playground.errors import BadInput, Cancelled, PlaygroundError


def show_error(error: PlaygroundError) -> None:
    """Render an error with its remedy; the user's own mistakes are warnings, not errors."""
    body = f"**{error.title}** — {error.message}"
    if error.remedy:
        body += f"\n\n{error.remedy}"
    if isinstance(error, Cancelled):
        st.info(body, icon=":material/cancel:")
    elif isinstance(error, BadInput):
        st.warning(body, icon=":material/edit_note:")
    else:
        st.error(body, icon=":material/error:")


def retry_toast(attempt: int, wait: float, error: PlaygroundError) -> None:
    """Tell the user a 429/503 is being retried (an `on_retry` callback for playground)."""
    st.toast(
        f"{error.title}: retrying in {wait:.1f} s (attempt {attempt + 1})",
        icon=":material/refresh:",
    )

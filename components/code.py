"""The "Get code" popover: the current request as Python, JavaScript and REST.

The snippets are built and sent only while the popover is open (`on_change="rerun"` with
its `.open` state): a long chat's code holds the whole history three times, and building
and resending it on every run was most of a 200-turn chat's rerun."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from playground.codegen import render
from playground.gemini import GenerateRequest

LANGUAGES = (
    ("Python", "python", "python"),
    ("JavaScript", "javascript", "javascript"),
    ("REST", "rest", "bash"),
)


def get_code(
    request: GenerateRequest | Callable[[], GenerateRequest | None] | None,
    key: str,
    label: str = "Get code",
) -> None:
    """A popover with one tab per language, each with a copy button and a zip download.
    `request` may be a function, called only when the popover is open."""
    popover = st.popover(label, icon=":material/code:", on_change="rerun", key=f"{key}.open")
    with popover:
        if not popover.open:
            return
        if callable(request):
            request = request()
        if request is None:
            st.caption("Write a prompt to see the code for it.")
            return
        bundle = render(request)
        st.caption(
            "Runnable as is: the SDKs read `GEMINI_API_KEY` from the environment; "
            "the key is never written into the code."
            + (
                " Attached files are saved next to the snippet in the download."
                if bundle.files
                else ""
            )
        )
        tabs = st.tabs([name for name, _, _ in LANGUAGES])
        for tab, (name, language, highlight) in zip(tabs, LANGUAGES, strict=True):
            with tab:
                st.code(getattr(bundle, language), language=highlight)
                st.download_button(
                    f"Download {name} (zip)",
                    data=lambda language=language: bundle.zip(language),
                    file_name=f"gemini-request-{language}.zip",
                    mime="application/zip",
                    key=f"{key}.{language}",
                    icon=":material/download:",
                    on_click="ignore",
                )

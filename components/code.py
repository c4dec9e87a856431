"""The "Get code" popover: the current request as Python, JavaScript and REST."""

from __future__ import annotations

import streamlit as st

from playground.codegen import render
from playground.gemini import GenerateRequest

LANGUAGES = (
    ("Python", "python", "python"),
    ("JavaScript", "javascript", "javascript"),
    ("REST", "rest", "bash"),
)


def get_code(request: GenerateRequest | None, key: str, label: str = "Get code") -> None:
    """A popover with one tab per language, each with a copy button and a zip download."""
    with st.popover(label, icon=":material/code:"):
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

"""AppTest fixtures: the app in offline demo mode against the process's gemini_offline.

The environment is fixed before anything starts the shared offline server, so its fault
timeouts and stream pacing suit tests, and the app's retries and timeouts are short.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.update(
    {
        "GEMINI_OFFLINE_CHUNK_DELAY_MS": "0",
        "GEMINI_OFFLINE_TIMEOUT_SLEEP_S": "5",
        "GEMINI_OFFLINE_RETRY_DELAY_S": "1",
        "PLAYGROUND_TIMEOUT_S": "2",
        "PLAYGROUND_RETRY_BASE_S": "0.01",
        "PLAYGROUND_RETRY_MAX_S": "0.05",
    }
)

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from gemini_offline import shared_server

APP = str(Path(__file__).resolve().parents[2] / "app.py")
KEY_VARS = (
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_GEMINI_BASE_URL",
    "GOOGLE_GENAI_USE_ENTERPRISE",
    "GOOGLE_GENAI_USE_VERTEXAI",
)


@pytest.fixture(autouse=True)
def _navigation_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run app.py's st.navigation on every AppTest run, as `streamlit run` does.

    AppTest resets PagesManager.uses_pages_directory before each run, and a `pages/`
    folder beside app.py then switches it to the legacy folder mode, which on a rerun
    executes the page file alone, without the entrypoint's sidebar. The real server
    clears that flag for good on the first st.navigation call; this does the same for
    every run the test harness makes.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The shared offline server, with an empty request log and no key anywhere."""
    for name in KEY_VARS:
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    server = shared_server()
    server.clear_requests()
    yield server
    server.clear_requests()


@pytest.fixture
def app(offline) -> AppTest:
    """The whole app (entrypoint + sidebar + Text page), run once."""
    at = AppTest.from_file(APP, default_timeout=20)
    at.run()
    assert not at.exception, at.exception
    return at


def all_text(at: AppTest) -> str:
    """Every string the page shows (element values, labels, captions), for leak checks."""
    seen: list[str] = []

    def walk(node) -> None:
        for attr in ("value", "label", "body", "help", "placeholder", "caption", "captions"):
            try:
                value = getattr(node, attr, None)
            except Exception:  # some elements raise for attributes they lack
                continue
            if isinstance(value, str):
                seen.append(value)
            elif isinstance(value, list | tuple):
                seen.extend(str(v) for v in value)
        proto = getattr(node, "proto", None)
        if proto is not None:
            seen.append(str(proto))
        for child in (
            getattr(node, "children", {}).values()
            if isinstance(getattr(node, "children", None), dict)
            else []
        ):
            walk(child)

    walk(at._tree)
    return "\n".join(seen)

"""AppTest fixtures: the app in offline demo mode against the process's gemini_offline.

The environment is fixed before anything starts the shared offline server, so its fault
timeouts and stream pacing suit tests, and the app's retries and timeouts are short.
"""

from __future__ import annotations

import os
import tempfile
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
        # The library of these tests: a SQLite file of their own, never the app's data/.
        "PLAYGROUND_DATABASE_URL": f"sqlite:///{tempfile.mkdtemp(prefix='playground-at-')}/db",
    }
)

import streamlit as st
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


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The shared offline server, recording into an empty request log, and no key anywhere.

    The log is on only for the test (the app's shared server does not record by itself)
    and is emptied and turned off again afterwards.
    """
    for name in KEY_VARS:
        monkeypatch.delenv(name, raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    server = shared_server()
    server.log.start()
    yield server
    server.log.stop()


@pytest.fixture
def app(offline) -> AppTest:
    """The whole app (entrypoint + sidebar + Text page), run once."""
    at = AppTest.from_file(APP, default_timeout=20)
    at.run()
    assert not at.exception, at.exception
    return at


def open_get_code(at: AppTest, key: str) -> AppTest:
    """Open a Get code popover (its snippets are drawn only while it is open), as a click
    on it does in the browser, and rerun."""
    at.session_state[f"{key}.open"] = True
    return at.run()


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


def replay_text(server, recorded) -> str:
    """The answer text the server gives for a recorded request body, sent again unstreamed."""
    import json
    import urllib.request

    path = recorded.path.replace(":streamGenerateContent", ":generateContent")
    request = urllib.request.Request(
        f"{server.url}{path}",
        data=json.dumps(recorded.body).encode(),
        headers={"content-type": "application/json", "x-goog-api-key": "replay"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
    parts = body["candidates"][0]["content"]["parts"]
    return "".join(p.get("text", "") for p in parts if not p.get("thought"))

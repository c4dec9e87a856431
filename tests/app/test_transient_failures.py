"""Transient failures do not stick: a failed model listing or token count is asked again.

The app is pointed (secrets key + GOOGLE_GEMINI_BASE_URL) at a port where nothing listens
yet, so listing and counting fail; then a gemini_offline server starts on that very port
(same endpoint, same cache ids) and the next rerun shows the real model list and a count.
"""

from __future__ import annotations

import socket
import time

from google import genai
from google.genai import types
from streamlit.testing.v1 import AppTest

from gemini_offline import OfflineServer
from playground.errors import PlaygroundError
from playground.gemini import Gemini, RetryPolicy
from tests.app.conftest import APP


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in (*at.main.caption, *at.sidebar.caption))


def test_a_failed_listing_and_count_are_not_kept(offline, monkeypatch):
    port = free_port()
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", f"http://127.0.0.1:{port}")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["GEMINI_API_KEY"] = "transient-test-key"
    at.run()
    assert not at.exception, at.exception
    at.text_area(key="text.prompt").input("Explain how AI works").run()
    assert "Model list unavailable" in captions(at)
    assert "Prompt: — tokens" in captions(at)

    server = OfflineServer(port=port, record=True).start()
    try:
        at.run()
        assert not at.exception, at.exception
        assert "Model list unavailable" not in captions(at)
        assert "Prompt: — tokens" not in captions(at)
        shown = [c.value for c in at.main.caption if c.value.startswith("Prompt:")]
        assert shown and any(ch.isdigit() for ch in shown[0])
        assert [r.action for r in server.requests].count("list") >= 1
        assert "countTokens" in [r.action for r in server.requests]
    finally:
        server.stop()


def test_lookups_have_a_short_timeout_of_their_own():
    """A server that accepts but never answers: listing and counting give up quickly."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = genai.Client(
            api_key="k", http_options=types.HttpOptions(base_url=url, timeout=120_000)
        )
        gemini = Gemini(client, RetryPolicy(attempts=1), lookup_timeout_s=0.5)
        try:
            for lookup in (
                gemini.list_models,
                lambda: gemini.token_count("gemini-2.5-flash", [types.Content(role="user")]),
            ):
                started = time.monotonic()
                try:
                    lookup()
                except PlaygroundError as error:
                    assert error.kind == "timeout", error
                else:
                    raise AssertionError("a silent server cannot answer")
                assert time.monotonic() - started < 10  # the client's own timeout is 120 s
        finally:
            client.close()

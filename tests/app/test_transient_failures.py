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
from tests.conftest import silent_endpoint


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in (*at.main.caption, *at.sidebar.caption))


def test_a_failed_listing_and_count_are_not_kept(offline, monkeypatch):
    port = free_port()
    monkeypatch.setenv("PLAYGROUND_ACCESS", "local")  # the deployment's key is for this user
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
    with silent_endpoint() as url:
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


def test_a_run_against_a_silent_endpoint_ends_at_the_timeout_set_in_the_sidebar(
    offline, monkeypatch
):
    """The page draws, the count says it is unavailable, and Run gives up at the setting."""
    with silent_endpoint() as url:
        monkeypatch.setenv("PLAYGROUND_ACCESS", "local")  # the deployment's key is for this user
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", url)
        monkeypatch.setenv("PLAYGROUND_TIMEOUT_S", "120")  # what a fresh deployment has
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["GEMINI_API_KEY"] = "silent-test-key"
        at.run()
        assert not at.exception, at.exception
        timeout = at.sidebar.number_input(key="connection.timeout_s")
        assert timeout.value == 120
        timeout.set_value(1).run()
        prompt = "Explain how AI works, slowly"
        at.text_area(key="text.prompt").input(prompt).run()
        assert "Prompt: — tokens" in captions(at)

        started = time.monotonic()
        at.button(key="text.run").click().run()
        elapsed = time.monotonic() - started
        assert not at.exception, at.exception
        errors = " ".join(e.value for e in at.main.error)
        assert "did not answer in time" in errors, errors
        assert elapsed < 15, f"the run took {elapsed:.1f} s with a 1 s timeout"
        assert at.text_area(key="text.prompt").value == prompt

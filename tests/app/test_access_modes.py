"""AppTest: the access modes (issue 16) asserted at gemini_offline — which key arrived.

The deployment's own key is GEMINI_API_KEY in the app's environment with
GOOGLE_GEMINI_BASE_URL pointing at the offline server, so every call on it is recorded with
that key's hash (`key_hint`). AppTest has no server address, which is what `streamlit run`
has by default (all interfaces), so without PLAYGROUND_ACCESS the mode is own-key.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, all_text

SERVER_KEY = "deployment-key-of-the-owner"
PASTED_KEY = "visitor-pasted-key-123"
GENERATION = ("generateContent", "streamGenerateContent")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@pytest.fixture
def deployment(offline, monkeypatch):
    """A deployment with its own key, served by the offline server."""
    monkeypatch.setenv("GEMINI_API_KEY", SERVER_KEY)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", offline.url)
    for name in ("PLAYGROUND_ACCESS", "PLAYGROUND_VISITOR_RPM", "PLAYGROUND_GRID_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    return offline


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def run(at: AppTest, prompt: str) -> AppTest:
    at.text_area(key="text.prompt").input(prompt)
    at.button(key="text.run").click().run()
    assert not at.exception, at.exception
    return at


def generations(server) -> list:
    return [r for r in server.requests if r.action in GENERATION]


def hashes(server) -> set[str | None]:
    """The key hashes of every request the server received (lookups included)."""
    return {r.key_hint for r in server.requests}


def access_line(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if c.value.startswith("Access:"))


def test_own_key_by_default_a_visitor_never_uses_the_deployment_key(deployment):
    at = start()
    assert access_line(at).startswith("Access: own-key")
    assert "PLAYGROUND_ACCESS" in access_line(at)  # how to choose another mode
    assert any("does not use its own Gemini key" in i.value for i in at.main.info)
    run(at, "Tell me about the moon")
    assert any("Simulated by gemini_offline" in m.value for m in at.main.markdown)

    calls = generations(deployment)
    offline_key = at.session_state["connection.offline_key"]
    assert calls and {c.key_hint for c in calls} == {key_hash(offline_key)}
    assert key_hash(SERVER_KEY) not in hashes(deployment)
    assert SERVER_KEY not in all_text(at)


def test_own_key_with_a_pasted_key_calls_carry_that_key(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "own-key")
    at = start()
    at.sidebar.text_input(key="connection.key_input").input(PASTED_KEY)
    at.sidebar.button(key="connection.use_key").click().run()
    assert not at.exception, at.exception
    assert "key you pasted" in access_line(at)
    run(at, "Tell me about the moon")

    calls = generations(deployment)
    assert calls and {c.key_hint for c in calls} == {key_hash(PASTED_KEY)}
    assert key_hash(SERVER_KEY) not in hashes(deployment)
    assert PASTED_KEY not in all_text(at)


def test_local_uses_the_deployment_key(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "local")
    at = start()
    assert access_line(at).startswith("Access: local")
    run(at, "Tell me about the moon")
    calls = generations(deployment)
    assert calls and {c.key_hint for c in calls} == {key_hash(SERVER_KEY)}


def _not_near_a_minute_boundary() -> None:
    """The per-minute counter resets on the UTC minute: start well inside one."""
    second = datetime.now(UTC).second
    if second > 45:
        time.sleep(61 - second)


def test_open_refuses_the_third_run_in_a_minute_and_sends_nothing(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "open")
    monkeypatch.setenv("PLAYGROUND_VISITOR_RPM", "2")
    _not_near_a_minute_boundary()
    at = start()
    assert access_line(at).startswith("Access: open")
    run(at, "Tell me about the moon")
    run(at, "Tell me about the sun")
    assert len(generations(deployment)) == 2
    assert not at.main.error

    run(at, "Tell me about the stars")
    assert len(generations(deployment)) == 2, "the refused run reached the server"
    shown = " ".join(e.value for e in at.main.error)
    assert "PLAYGROUND_VISITOR_RPM" in shown and "nothing was sent" in shown
    assert "paste your own Gemini API key" in shown
    assert at.text_area(key="text.prompt").value == "Tell me about the stars"  # kept
    assert {c.key_hint for c in generations(deployment)} == {key_hash(SERVER_KEY)}


def test_open_a_grid_stops_at_the_limit_and_keeps_the_cells_done(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "open")
    monkeypatch.setenv("PLAYGROUND_VISITOR_RPM", "2")
    monkeypatch.setenv("PLAYGROUND_GRID_WORKERS", "1")
    _not_near_a_minute_boundary()
    at = start()
    at.switch_page("views/system.py").run()
    at.slider(key="system.count").set_value(2).run()
    at.text_area(key="system.variant.0").input("Be brief.")
    at.text_area(key="system.variant.1").input("You are a cat.")
    at.text_area(key="system.prompts").input("Hello there\nExplain how AI works")
    at.run()
    at.button(key="system.run").click().run(timeout=60)
    assert not at.exception, at.exception

    assert len(generations(deployment)) == 2  # four cells, two within the limit
    results = at.session_state["system.grid"].results
    assert len(results) == 4
    refused = [r for r in results.values() if r.error is not None]
    assert len(refused) == 2
    assert all("PLAYGROUND_VISITOR_RPM" in r.error for r in refused)
    done = [r for r in results.values() if r.error is None]
    assert len(done) == 2 and all("Simulated by gemini_offline" in r.text for r in done)
    assert any("PLAYGROUND_VISITOR_RPM" in e.value for e in at.main.error)


def test_signed_in_without_auth_is_a_configuration_error_in_the_page(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "signed-in")
    at = start()
    shown = " ".join(e.value for e in at.main.error)
    assert "sign-in is not configured" in shown and "[auth]" in shown
    assert "sign-in is not configured" in access_line(at)
    run(at, "Tell me about the moon")
    assert generations(deployment)  # the offline demo answered
    assert key_hash(SERVER_KEY) not in hashes(deployment)


def test_a_bad_access_mode_never_uses_the_deployment_key(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "opne")
    at = start()
    shown = " ".join(e.value for e in at.main.error)
    assert "“opne”, which is not an access mode" in shown
    run(at, "Tell me about the moon")
    assert key_hash(SERVER_KEY) not in hashes(deployment)

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

from playground.connection import plan_connection
from playground.errors import PlaygroundError
from playground.gemini import Gemini, GenerateRequest
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
    if second > 50:
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


def test_open_a_refused_stream_says_which_limit_and_keeps_the_prompt(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "open")
    monkeypatch.setenv("PLAYGROUND_VISITOR_RPM", "1")
    _not_near_a_minute_boundary()
    at = start()
    at.switch_page("views/stream.py").run()
    for prompt in ("Tell me about the moon", "Tell me about the sun"):
        at.text_area(key="stream.prompt").input(prompt)
        at.button(key="stream.run").click().run()
        assert not at.exception, at.exception
    assert len(generations(deployment)) == 1
    shown = " ".join(e.value for e in at.main.error)
    assert "PLAYGROUND_VISITOR_RPM" in shown and "nothing was sent" in shown
    assert at.text_area(key="stream.prompt").value == "Tell me about the sun"


def test_open_a_refused_chat_message_is_kept(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "open")
    monkeypatch.setenv("PLAYGROUND_VISITOR_RPM", "1")
    _not_near_a_minute_boundary()
    at = start()
    at.switch_page("views/chat.py").run()
    for text in ("Hello there", "Tell me about the sun"):
        at.chat_input(key="chat.input").set_value(text).run()
        assert not at.exception, at.exception
    assert len(generations(deployment)) == 1
    shown = " ".join(e.value for e in (*at.main.error, *at.main.warning))
    assert "PLAYGROUND_VISITOR_RPM" in shown and "paste your own Gemini API key" in shown
    assert "Tell me about the sun" in [m.value for m in at.main.markdown]  # the turn is kept


def test_open_tokens_of_answered_calls_count_towards_the_daily_limit(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "open")
    monkeypatch.setenv("PLAYGROUND_VISITOR_TOKENS_PER_DAY", "5")
    at = start()
    run(at, "Tell me about the moon")  # under the limit when sent; its tokens pass it
    assert not at.main.error
    run(at, "Tell me about the sun")
    assert len(generations(deployment)) == 1
    shown = " ".join(e.value for e in at.main.error)
    assert "PLAYGROUND_VISITOR_TOKENS_PER_DAY" in shown and "midnight UTC" in shown


def test_open_a_bad_limit_refuses_every_call_rather_than_lift_it(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "open")
    monkeypatch.setenv("PLAYGROUND_VISITOR_RPM", "ten")
    at = start()
    assert any("PLAYGROUND_VISITOR_RPM" in e.value for e in at.main.error)
    run(at, "Tell me about the moon")
    assert not generations(deployment)


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-tests",
    "client_id": "playground-tests",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def test_signed_in_signed_out_visitor_sees_sign_in_and_never_the_deployment_key(
    deployment, monkeypatch
):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "signed-in")
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.sidebar.button if b.key == "access.sign_in"] == ["Sign in"]
    assert "sign in to use this deployment's key" in access_line(at)
    assert not at.main.error
    run(at, "Tell me about the moon")
    assert generations(deployment)  # the offline demo answered
    assert key_hash(SERVER_KEY) not in hashes(deployment)


def test_open_compare_counts_each_column(deployment, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "open")
    monkeypatch.setenv("PLAYGROUND_VISITOR_RPM", "1")
    _not_near_a_minute_boundary()
    at = start()
    at.switch_page("views/compare.py").run()
    at.text_area(key="compare.prompt").input("Explain how AI works")
    at.button(key="compare.go").click().run()
    assert not at.exception, at.exception
    assert len(generations(deployment)) == 1  # two columns, one within the limit
    shown = " ".join(e.value for e in (*at.main.error, *at.main.warning))
    assert "PLAYGROUND_VISITOR_RPM" in shown


def test_without_server_use_only_a_pasted_key_is_ever_planned():
    env = {"GEMINI_API_KEY": SERVER_KEY, "GOOGLE_GENAI_USE_VERTEXAI": "true"}
    plan = plan_connection(session_key=None, secrets_key="s", env=env, use_server=False)
    assert (plan.mode, plan.offline_reason, plan.uses_server_credentials) == (
        "offline",
        "access",
        False,
    )
    bare = plan_connection(session_key=None, secrets_key=None, env={}, use_server=False)
    assert bare.offline_reason == "no_key"
    pasted = plan_connection(session_key="p", secrets_key="s", env=env, use_server=False)
    assert pasted.key is not None and pasted.key.source == "session"
    assert not pasted.uses_server_credentials


def test_a_guard_refusal_stops_a_batch_and_keeps_the_replies(offline):
    from google import genai
    from google.genai import types

    from playground.limits import LimitReached

    client = genai.Client(api_key=SERVER_KEY, http_options=types.HttpOptions(base_url=offline.url))
    admitted: list[int] = []
    used: list[int] = []

    def guard() -> None:
        if len(admitted) == 2:
            raise LimitReached("Limit reached.", "Wait.", kind="limit_reached")
        admitted.append(1)

    gemini = Gemini(client, guard=guard, on_usage=used.append)
    request = GenerateRequest(
        "gemini-2.5-flash",
        (types.Content(role="user", parts=[types.Part(text="Hello there")]),),
        types.GenerateContentConfig(),
    )
    results = gemini.generate_all([request] * 5, workers=1)
    assert [isinstance(r, PlaygroundError) for r in results] == [False, False, True, True, True]
    assert len(generations(offline)) == 2 and len(admitted) == 2
    assert len(used) == 2 and all(tokens > 0 for tokens in used)
    client.close()

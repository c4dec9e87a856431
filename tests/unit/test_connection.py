"""Key lookup order, offline fallback and key hygiene of the connection plan."""

import hashlib

from playground.connection import (
    ApiKey,
    build_client,
    new_offline_key,
    plan_connection,
    request_timeout_s,
    secrets_for_redaction,
)


def plan(session=None, secrets=None, env=None, offline=False, offline_key=None):
    return plan_connection(
        session_key=session,
        secrets_key=secrets,
        env=env or {},
        force_offline=offline,
        offline_key=offline_key,
    )


def test_no_key_anywhere_is_the_offline_demo():
    p = plan()
    assert (p.mode, p.offline_reason, p.key, p.label) == ("offline", "no_key", None, "Offline demo")


def test_lookup_order_session_then_secrets_then_env():
    env = {"GEMINI_API_KEY": "env-gemini", "GOOGLE_API_KEY": "env-google"}
    assert plan("pasted", "secret", env).key == ApiKey("pasted", "session")
    assert plan(None, "secret", env).key == ApiKey("secret", "secrets")
    assert plan(None, None, env).key == ApiKey("env-gemini", "env")
    assert plan(None, None, {"GOOGLE_API_KEY": "env-google"}).key == ApiKey("env-google", "env")
    assert plan("  ", "", {"GEMINI_API_KEY": " "}).mode == "offline"


def test_switching_offline_wins_over_any_key():
    p = plan("pasted", "secret", {"GEMINI_API_KEY": "k"}, offline=True)
    assert (p.mode, p.offline_reason, p.key) == ("offline", "switched", None)


def test_custom_base_url_is_labelled():
    p = plan("k", env={"GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:9"})
    assert p.base_url == "http://127.0.0.1:9" and "custom endpoint" in p.label


def test_enterprise_mode_from_the_sdk_variables():
    assert plan(env={"GOOGLE_GENAI_USE_ENTERPRISE": "true"}).mode == "enterprise"
    assert plan(env={"GOOGLE_GENAI_USE_VERTEXAI": "1"}).mode == "enterprise"


def test_only_server_side_clients_are_shared():
    assert plan(secrets="s").shareable and plan(env={"GEMINI_API_KEY": "e"}).shareable
    assert not plan("pasted").shareable
    assert not plan().shareable  # offline demo: per session
    assert not plan(offline_key=new_offline_key()).shareable
    assert not plan("pasted", offline=True, offline_key=new_offline_key()).shareable


def test_each_session_has_its_own_offline_credential():
    first, second = new_offline_key(), new_offline_key()
    assert first != second
    assert first.startswith("offline-") and len(first) == len("offline-") + 16
    for offline in (False, True):
        p = plan(offline=offline, offline_key=first)
        assert (p.mode, p.key) == ("offline", ApiKey(first, "offline"))
        assert not p.shareable
        # redacted from anything shown, and never in the plan's repr or cache id
        assert secrets_for_redaction(p) == (first,)
        for text in (repr(p), str(p), p.cache_id):
            assert first not in text
    # a real key still wins over the session's offline credential
    assert plan("pasted", offline_key=first).key == ApiKey("pasted", "session")


def test_the_offline_client_sends_the_sessions_credential():
    from gemini_offline import shared_server

    server = shared_server()
    server.log.start()
    keys = [new_offline_key(), new_offline_key()]
    try:
        for key in keys:
            client = build_client(plan(offline_key=key), env={})
            try:
                list(client.models.list(config={"page_size": 50}))
            finally:
                client.close()
        hints = [r.key_hint for r in server.requests if r.action == "list"][-2:]
    finally:
        server.log.stop()
    assert hints == [hashlib.sha256(k.encode()).hexdigest()[:12] for k in keys]


def test_the_key_never_shows_in_repr_str_or_cache_id():
    p = plan("super-secret-value")
    for text in (repr(p), str(p), repr(p.key), str(p.key), p.cache_id):
        assert "super-secret-value" not in text


def test_timeout_from_env():
    assert request_timeout_s({}) == 120.0
    assert request_timeout_s({"PLAYGROUND_TIMEOUT_S": "2.5"}) == 2.5
    assert request_timeout_s({"PLAYGROUND_TIMEOUT_S": "soon"}) == 120.0


def test_a_recording_plan_keeps_the_key_and_goes_through_the_proxy():
    from playground.connection import ApiKey, ConnectionPlan, recording_plan

    live = ConnectionPlan("gemini", ApiKey("AIza-live-key", "secrets"))
    recording = recording_plan(live, "http://127.0.0.1:9999", "demo-1")
    assert recording.key == live.key and recording.base_url == "http://127.0.0.1:9999"
    assert "recording to “demo-1”" in recording.label
    assert recording.cache_id != live.cache_id


def test_a_replay_plan_needs_no_real_key_and_is_never_shared():
    from playground.connection import replay_plan

    plan = replay_plan("http://127.0.0.1:9998", "demo-1", "offline-abc")
    assert plan.mode == "replay" and plan.key.source == "offline" and not plan.shareable
    assert "Replay of the recording “demo-1”" in plan.label


def test_recording_folders_lists_only_recordings_newest_first(tmp_path):
    import os

    from playground.connection import recording_folders

    for number, name in enumerate(["old", "new"]):
        (tmp_path / name).mkdir()
        (tmp_path / name / "recording.json").write_text("{}")
        os.utime(tmp_path / name, (1000 + number, 1000 + number))
    (tmp_path / "not-a-recording").mkdir()
    assert recording_folders(tmp_path) == ["new", "old"]
    assert recording_folders(tmp_path / "missing") == []


def test_every_client_shares_one_tls_context():
    """A Client left to itself loads the CA bundle three times (~45–65 ms per session)."""
    from playground.connection import shared_tls

    context = shared_tls.get()
    clients = [
        build_client(plan(offline_key=new_offline_key()), env={}),
        build_client(plan("pasted-key"), env={}),
    ]
    try:
        for client in clients:
            api = client._api_client
            assert api._async_httpx_client_args["verify"] is context
            assert api._websocket_ssl_ctx["ssl"] is context
            assert api._httpx_client._transport._pool._ssl_context is context
    finally:
        for client in clients:
            client.close()

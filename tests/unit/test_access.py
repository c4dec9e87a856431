"""Access modes: which key a visitor's calls use, Sign in, limits, the sidebar's line,
defaults by the bound address, bad values, allowed emails, admins and visitor ids."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from playground.access import (
    NO_AUTH,
    AccessConfig,
    auth_configured,
    can_see_usage,
    decide,
    default_mode,
    email_matches,
    parse_emails,
    read_access,
    visitor_id,
    visitor_salt,
)
from playground.errors import BadInput

ALLOWED = "ada@example.com"
OUTSIDER = "eve@elsewhere.org"
LIST = parse_emails("*@example.com, bob@partner.org")


def expected(mode: str, pasted: bool, email: str | None) -> tuple[str, bool, bool]:
    """(key, show_sign_in, limited) as issue 16 describes each mode, [auth] configured."""
    if pasted:
        return "visitor", mode == "signed-in" and email is None, False
    if mode == "local":
        return "server", False, False
    if mode == "own-key":
        return "none", False, False
    if mode == "open":
        return "server", False, True
    if email is None:
        return "none", True, False
    if email == ALLOWED:
        return "server", False, True
    return "none", False, False


CASES = list(
    itertools.product(
        ["local", "own-key", "signed-in", "open"], [False, True], [None, ALLOWED, OUTSIDER]
    )
)


@pytest.mark.parametrize(("mode", "pasted", "email"), CASES)
def test_every_mode_with_and_without_a_key_signed_in_or_not_allowed_or_not(mode, pasted, email):
    config = AccessConfig(mode, chosen=True, allowed_emails=LIST)
    decision = decide(config, key_pasted=pasted, auth_configured=True, email=email)
    assert (decision.key, decision.show_sign_in, decision.limited) == expected(mode, pasted, email)
    assert decision.mode == mode
    assert decision.error is None
    assert decision.explanation.startswith(f"Access: {mode} — ")
    assert "\n" not in decision.explanation
    assert "PLAYGROUND_ACCESS to choose" not in decision.explanation  # the mode was chosen
    assert decision.uses_server_key == (decision.key == "server")
    if decision.key == "visitor" and mode != "local":
        assert "key you pasted" in decision.explanation
    if mode == "signed-in" and email == OUTSIDER and not pasted:
        assert decision.notice is not None and OUTSIDER in decision.notice
        assert "Paste your own Gemini API key" in decision.notice
        assert "not on this deployment's list" in decision.notice
    else:
        assert decision.notice is None
    assert decision.show_sign_out == (mode == "signed-in" and email is not None)


@pytest.mark.parametrize(
    ("pasted", "email"), list(itertools.product([False, True], [None, ALLOWED]))
)
def test_signed_in_without_auth_is_a_configuration_error_and_never_the_servers_key(pasted, email):
    config = AccessConfig("signed-in", allowed_emails=LIST)
    decision = decide(config, key_pasted=pasted, auth_configured=False, email=email)
    assert decision.key == ("visitor" if pasted else "none")
    assert decision.error is NO_AUTH
    assert isinstance(decision.error, BadInput) and decision.error.kind == "bad_config"
    assert "[auth]" in decision.error.message and "signed-in" in decision.error.message
    assert "server_metadata_url" in decision.error.remedy
    assert not decision.show_sign_in and not decision.limited
    assert "sign-in is not configured" in decision.explanation


def test_an_empty_allowed_list_lets_every_signed_in_visitor_use_the_servers_key():
    config = AccessConfig("signed-in")
    decision = decide(config, key_pasted=False, auth_configured=True, email=OUTSIDER)
    assert decision.key == "server" and decision.limited
    assert f"signed in as {OUTSIDER}" in decision.explanation


def test_own_key_line_when_it_is_the_default():
    config = read_access("0.0.0.0", env={})
    decision = decide(config, key_pasted=False, auth_configured=False, email=None)
    assert decision.explanation == (
        "Access: own-key — this deployment never uses its own key for visitors; paste yours "
        "or use the offline demo. Set PLAYGROUND_ACCESS to choose another mode."
    )
    local = decide(
        read_access("127.0.0.1", env={}), key_pasted=False, auth_configured=False, email=None
    )
    assert local.explanation.endswith("Set PLAYGROUND_ACCESS to choose another mode.")
    assert "localhost" in local.explanation


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "::1", "localhost", "LOCALHOST", "[::1]", "127.0.1.1"]
)
def test_loopback_addresses_default_to_local(address):
    assert default_mode(address) == "local"
    config = read_access(address, env={})
    assert config.mode == "local" and not config.chosen and config.error is None


@pytest.mark.parametrize(
    "address", ["0.0.0.0", "", None, "   ", "192.168.1.20", "10.0.0.7", "::", "example.com"]
)
def test_every_other_address_defaults_to_own_key(address):
    assert default_mode(address) == "own-key"
    assert read_access(address, env={}).mode == "own-key"


def test_the_setting_overrides_the_default_from_the_environment_or_the_secrets():
    assert read_access("127.0.0.1", env={"PLAYGROUND_ACCESS": "open"}).mode == "open"
    assert read_access("0.0.0.0", env={"PLAYGROUND_ACCESS": " Signed-In "}).mode == "signed-in"
    from_secrets = read_access("0.0.0.0", env={}, secrets={"PLAYGROUND_ACCESS": "local"})
    assert from_secrets.mode == "local" and from_secrets.chosen
    both = read_access(
        "0.0.0.0", env={"PLAYGROUND_ACCESS": "open"}, secrets={"PLAYGROUND_ACCESS": "local"}
    )
    assert both.mode == "open"  # the environment first, as for the database URL


def test_secrets_that_raise_are_treated_as_absent():
    class NoSecretsFile(dict):
        def get(self, *_args):
            raise FileNotFoundError("no secrets.toml")

    assert read_access("0.0.0.0", env={}, secrets=NoSecretsFile()).mode == "own-key"


@pytest.mark.parametrize("value", ["public", "own_key", "yes", "local,open", "ownkey"])
def test_a_bad_mode_is_a_clear_configuration_message_and_falls_back_to_own_key(value):
    config = read_access("127.0.0.1", env={"PLAYGROUND_ACCESS": value})
    assert config.mode == "own-key"
    assert isinstance(config.error, BadInput) and config.error.kind == "bad_config"
    assert value in config.error.message and "not an access mode" in config.error.message
    for mode in ("local", "own-key", "signed-in", "open"):
        assert mode in config.error.remedy
    for pasted in (False, True):
        decision = decide(config, key_pasted=pasted, auth_configured=True, email=ALLOWED)
        assert decision.key == ("visitor" if pasted else "none")
        assert decision.error is config.error
        assert not decision.limited


def test_allowed_emails_are_case_insensitive_with_domain_wildcards():
    patterns = parse_emails(" *@Example.com ,Bob@Partner.org,, ")
    assert patterns == ("*@example.com", "bob@partner.org")
    assert email_matches("ADA@example.COM", patterns)
    assert email_matches(" bob@partner.org ", patterns)
    assert not email_matches("eve@partner.org", patterns)
    assert not email_matches("ada@sub.example.com", patterns)
    assert not email_matches("ada@example.com.evil.org", patterns)
    assert not email_matches("ada@exampleXcom", patterns)  # the dot is not a wildcard
    assert not email_matches(None, patterns) and not email_matches("", patterns)
    env = {"PLAYGROUND_ALLOWED_EMAILS": "*@example.com", "PLAYGROUND_ADMIN_EMAILS": "Boss@x.org"}
    config = read_access("0.0.0.0", env=env)
    assert config.allowed_emails == ("*@example.com",) and config.admin_emails == ("boss@x.org",)
    as_list = read_access(
        "0.0.0.0", env={}, secrets={"PLAYGROUND_ALLOWED_EMAILS": ["a@b.c", "*@d.e"]}
    )
    assert as_list.allowed_emails == ("a@b.c", "*@d.e")


def test_the_usage_view_is_for_local_runs_and_listed_signed_in_admins():
    assert can_see_usage(AccessConfig("local"), auth_configured=False, email=None)
    admins = parse_emails("boss@x.org")
    for mode in ("own-key", "signed-in", "open"):
        config = AccessConfig(mode, admin_emails=admins)
        assert can_see_usage(config, auth_configured=True, email="BOSS@x.org")
        assert not can_see_usage(config, auth_configured=True, email=ALLOWED)
        assert not can_see_usage(config, auth_configured=True, email=None)
        assert not can_see_usage(config, auth_configured=False, email="boss@x.org")
    assert not can_see_usage(AccessConfig("open"), auth_configured=True, email="boss@x.org")


def test_a_visitor_is_their_email_or_a_salted_hash_of_the_session_never_the_session_id():
    assert visitor_id(" Ada@Example.com ", "session-1", "salt") == "ada@example.com"
    hashed = visitor_id(None, "4f1c-session-id", "salt")
    assert hashed.startswith("session-") and "4f1c" not in hashed
    digest = hashlib.sha256(b"salt\x004f1c-session-id").hexdigest()
    assert hashed == f"session-{digest[:32]}"
    assert visitor_id(None, "4f1c-session-id", "salt") == hashed  # stable within a salt
    assert visitor_id(None, "4f1c-session-id", "pepper") != hashed
    assert visitor_id("", "other", "salt") != hashed
    assert visitor_salt({"PLAYGROUND_VISITOR_SALT": "shared"}) == "shared"
    assert visitor_salt({}) == visitor_salt({}) and len(visitor_salt({})) >= 16


def test_auth_is_configured_only_by_a_non_empty_auth_section():
    class NoSecretsFile(dict):
        def get(self, *_args):
            raise FileNotFoundError("no secrets.toml")

    assert auth_configured({"auth": {"redirect_uri": "http://localhost:8501/oauth2callback"}})
    assert not auth_configured({"auth": {}})
    assert not auth_configured({"auth": "yes"})
    assert not auth_configured({"GEMINI_API_KEY": "x"})
    assert not auth_configured(None)
    assert not auth_configured(NoSecretsFile())

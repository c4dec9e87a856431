"""Who may use the deployment's own Gemini key: access modes, allowed emails, visitor ids.

The deployer picks a mode with `PLAYGROUND_ACCESS` (environment, then secrets):

- `local`: one user on their own machine, no limits (the default on a loopback address);
- `own-key`: the server's key is never used for a visitor (the default anywhere else);
- `signed-in`: the server's key only for visitors signed in with `st.login`, optionally
  restricted by `PLAYGROUND_ALLOWED_EMAILS`;
- `open`: the server's key for everyone, within the limits of `playground.limits`.

A key the visitor pastes is always theirs to use, in every mode, with no limits from the
deployment. `decide` is pure: the page passes in what it knows (a key pasted, `[auth]`
configured, the signed-in email) and draws what comes back.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import secrets as _secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from playground.errors import BadInput

Mode = Literal["local", "own-key", "signed-in", "open"]
MODES: tuple[Mode, ...] = ("local", "own-key", "signed-in", "open")
KeyChoice = Literal["visitor", "server", "none"]

ACCESS_VAR = "PLAYGROUND_ACCESS"
ALLOWED_VAR = "PLAYGROUND_ALLOWED_EMAILS"
ADMIN_VAR = "PLAYGROUND_ADMIN_EMAILS"
SALT_VAR = "PLAYGROUND_VISITOR_SALT"

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def setting(
    name: str, env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
) -> str:
    """`name` from the environment, else from the secrets' top level; "" when unset."""
    env = os.environ if env is None else env
    value: Any = env.get(name, "")
    if not str(value).strip() and secrets is not None:
        try:
            value = secrets.get(name, "")
        except Exception:  # st.secrets raises when there is no secrets file at all
            value = ""
    if isinstance(value, list | tuple):  # a TOML list of emails
        value = ",".join(str(item) for item in value)
    return "" if value is None else str(value).strip()


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for empty (all interfaces), 0.0.0.0,
    a LAN address or a host name."""
    text = (address or "").strip().strip("[]").lower()
    if text in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def default_mode(server_address: str | None) -> Mode:
    """`local` on a loopback address, otherwise `own-key`: safe by default."""
    return "local" if is_loopback(server_address) else "own-key"


def parse_mode(value: str) -> Mode:
    """A PLAYGROUND_ACCESS value as a mode (case and surrounding spaces ignored)."""
    text = value.strip().lower()
    if text in MODES:
        return cast(Mode, text)
    shown = value.strip()[:40]
    raise BadInput(
        f"{ACCESS_VAR} is set to “{shown}”, which is not an access mode.",
        f"Set {ACCESS_VAR} to local, own-key, signed-in or open (in the environment or "
        "the secrets), or remove it: the default is local on localhost and own-key "
        "elsewhere. Until then this deployment's own key is not used for visitors.",
        kind="bad_config",
    )


def parse_emails(value: str) -> tuple[str, ...]:
    """Comma-separated addresses or `*@domain` patterns, lower-cased, blanks dropped."""
    return tuple(part.strip().lower() for part in value.split(",") if part.strip())


def email_matches(email: str | None, patterns: tuple[str, ...]) -> bool:
    """True when `email` is one of `patterns` (case-insensitive; `*` stands for any part
    of an address without an @, so `*@example.com` is everyone at example.com)."""
    if not email or not email.strip():
        return False
    address = email.strip().lower()
    for pattern in patterns:
        regex = "[^@]*".join(re.escape(piece) for piece in pattern.split("*"))
        if re.fullmatch(regex, address):
            return True
    return False


def auth_configured(secrets: Mapping[str, Any] | None) -> bool:
    """True when the secrets have a non-empty `[auth]` section, which `st.login` reads.
    Without one, `st.user.is_logged_in` raises AttributeError, so ask this first."""
    if secrets is None:
        return False
    try:
        section = secrets.get("auth")
    except Exception:  # st.secrets raises when there is no secrets file at all
        return False
    return isinstance(section, Mapping) and bool(section)


@dataclass(frozen=True)
class AccessConfig:
    """The deployer's choices. `chosen` is False when the mode is the default for the
    address; `error` is set (and the mode is the safe `own-key`) for a bad value."""

    mode: Mode
    chosen: bool = True
    allowed_emails: tuple[str, ...] = ()  # empty: any signed-in visitor
    admin_emails: tuple[str, ...] = ()
    error: BadInput | None = None


def read_access(
    server_address: str | None,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
) -> AccessConfig:
    """The access configuration from the environment (then secrets) and the address the
    server is bound to (Streamlit's `server.address` option). Never raises: a bad mode is
    reported in `error` and falls back to `own-key`."""
    raw = setting(ACCESS_VAR, env, secrets)
    allowed = parse_emails(setting(ALLOWED_VAR, env, secrets))
    admins = parse_emails(setting(ADMIN_VAR, env, secrets))
    if not raw:
        return AccessConfig(default_mode(server_address), False, allowed, admins)
    try:
        mode = parse_mode(raw)
    except BadInput as problem:
        return AccessConfig("own-key", True, allowed, admins, problem)
    return AccessConfig(mode, True, allowed, admins)


@dataclass(frozen=True)
class AccessDecision:
    """What applies to this visitor now.

    key: "visitor" (the key they pasted), "server" (the deployment's credentials, the
    usual lookup after the pasted key; the offline demo when it has none) or "none" (the
    offline demo). `limited`: count this visitor's calls against `playground.limits`.
    `explanation` is the sidebar's one line; `notice` a message to show prominently (an
    email that is not allowed); `error` a configuration problem to show in the page.
    """

    mode: Mode
    key: KeyChoice
    show_sign_in: bool
    show_sign_out: bool
    limited: bool
    explanation: str
    notice: str | None = None
    error: BadInput | None = None

    @property
    def uses_server_key(self) -> bool:
        return self.key == "server"


CHOOSE_HINT = f"Set {ACCESS_VAR} to choose another mode."
NO_AUTH = BadInput(
    f"{ACCESS_VAR} is signed-in, but sign-in is not configured: the [auth] section of "
    "the secrets (.streamlit/secrets.toml) is missing.",
    "Add [auth] with redirect_uri (the app's URL + /oauth2callback), cookie_secret, "
    f"client_id, client_secret and server_metadata_url, or set {ACCESS_VAR} to own-key "
    "or open. Until then this deployment's own key is not used for visitors.",
    kind="bad_config",
)


def decide(
    config: AccessConfig,
    *,
    key_pasted: bool,
    auth_configured: bool,
    email: str | None,
) -> AccessDecision:
    """The decision for one visitor. `email` is the signed-in visitor's address, None when
    nobody is signed in (or sign-in is not configured)."""
    mode = config.mode
    signed_in = auth_configured and email is not None
    head = f"Access: {mode} —"
    tail = "" if config.chosen else f" {CHOOSE_HINT}"
    own = "your runs use the key you pasted, with no limits from this deployment."

    if config.error is not None:
        line = (
            f"{head} {ACCESS_VAR} is not a valid mode, so this deployment never uses its "
            "own key for visitors; paste yours or use the offline demo."
        )
        return AccessDecision(
            mode,
            "visitor" if key_pasted else "none",
            False,
            False,
            False,
            line if not key_pasted else f"{head} {own}",
            error=config.error,
        )

    if mode == "local":
        line = f"{head} one user on this machine, no limits."
        if not config.chosen:
            line = (
                f"{head} one user on this machine, no limits (the default when the app is "
                f"bound to localhost). {CHOOSE_HINT}"
            )
        return AccessDecision(
            mode, "visitor" if key_pasted else "server", False, False, False, line
        )

    if mode == "own-key":
        never = "this deployment never uses its own key for visitors"
        if key_pasted:
            line = f"{head} your runs use the key you pasted; {never}.{tail}"
            return AccessDecision(mode, "visitor", False, False, False, line)
        line = f"{head} {never}; paste yours or use the offline demo.{tail}"
        return AccessDecision(mode, "none", False, False, False, line)

    if mode == "open":
        if key_pasted:
            return AccessDecision(mode, "visitor", False, False, False, f"{head} {own}")
        line = (
            f"{head} your runs use this deployment's key, within its limits; paste your "
            "own key to run without them."
        )
        return AccessDecision(mode, "server", False, False, True, line)

    # signed-in
    if not auth_configured:
        line = (
            f"{head} sign-in is not configured ([auth] is missing from the secrets), so "
            "this deployment's key is not used; paste your own key or use the offline demo."
        )
        return AccessDecision(
            mode, "visitor" if key_pasted else "none", False, False, False, line, error=NO_AUTH
        )
    allowed = signed_in and (
        not config.allowed_emails or email_matches(email, config.allowed_emails)
    )
    if key_pasted:  # signing in still makes the library theirs
        return AccessDecision(mode, "visitor", not signed_in, signed_in, False, f"{head} {own}")
    if not signed_in:
        line = (
            f"{head} sign in to use this deployment's key (within its limits), or paste "
            "your own key or use the offline demo."
        )
        return AccessDecision(mode, "none", True, False, False, line)
    if allowed:
        line = (
            f"{head} signed in as {email}: your runs use this deployment's key, within its limits."
        )
        return AccessDecision(mode, "server", False, True, True, line)
    line = (
        f"{head} {email} may not use this deployment's key; paste your own key or use the "
        "offline demo."
    )
    notice = (
        f"{email} is not on this deployment's list of allowed emails, so its key is not "
        "used for you. Paste your own Gemini API key, use the offline demo, or sign out "
        "and sign in with an allowed address."
    )
    return AccessDecision(mode, "none", False, True, False, line, notice=notice)


def can_see_usage(config: AccessConfig, *, auth_configured: bool, email: str | None) -> bool:
    """The usage view: always in `local` mode, else only for a signed-in email listed in
    PLAYGROUND_ADMIN_EMAILS."""
    if config.error is None and config.mode == "local":
        return True
    return auth_configured and email_matches(email, config.admin_emails)


_PROCESS_SALT = _secrets.token_hex(16)


def visitor_salt(
    env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
) -> str:
    """PLAYGROUND_VISITOR_SALT when set (so every replica hashes alike), else a random
    salt made once per process."""
    return setting(SALT_VAR, env, secrets) or _PROCESS_SALT


def visitor_id(email: str | None, session_id: str, salt: str) -> str:
    """Who is counted: the signed-in email (lower-cased), else a salted SHA-256 of the
    browser session's id — never an IP address or a key."""
    if email and email.strip():
        return email.strip().lower()[:320]
    digest = hashlib.sha256(f"{salt}\x00{session_id}".encode()).hexdigest()
    return f"session-{digest[:32]}"

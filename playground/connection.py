"""Where the API key comes from, and how the genai Client is built.

Lookup: a key the visitor pasted in the sidebar (their session only) wins, because it is
the most explicit choice; then `st.secrets["GEMINI_API_KEY"]` (passed in by the app), then
the environment (`GEMINI_API_KEY`, `GOOGLE_API_KEY`). With no key, or when the visitor
switches to it, the app runs in offline demo mode against `gemini_offline`, started once
per process on a free loopback port. `GOOGLE_GEMINI_BASE_URL` is honoured by the SDK
itself, so the app runs against any Gemini-compatible endpoint. Enterprise mode is chosen
with the SDK's own variables (`GOOGLE_GENAI_USE_ENTERPRISE` / `GOOGLE_GENAI_USE_VERTEXAI`).

Whether the deployment's own credentials (secrets, environment, Enterprise) may be used for
this visitor is decided by the access mode (`playground.access`): with `use_server=False`
only a pasted key reaches Gemini, and otherwise the session runs the offline demo
(`offline_reason` "access" when the deployment has a key it is not using for them).

The key is wrapped in `ApiKey`, whose repr and str never show it.

Offline demo visitors never share state: each session gets its own random credential
(`new_offline_key`), so gemini_offline keeps its fault and variation counters per visitor,
and offline clients are cached per session, not for all sessions.
"""

from __future__ import annotations

import os
import secrets
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import httpx2
from google import genai
from google.genai import types

from playground.env import env_number

OFFLINE_KEY_PREFIX = "offline-"
DEFAULT_TIMEOUT_S = 120.0

Mode = Literal["offline", "gemini", "enterprise", "replay"]
KeySource = Literal["session", "secrets", "env", "offline"]


@dataclass(frozen=True)
class ApiKey:
    """A secret API key; never printed."""

    value: str = field(repr=False)
    source: KeySource

    def __str__(self) -> str:
        return f"<API key from {self.source}>"


@dataclass(frozen=True)
class ConnectionPlan:
    """How this session reaches Gemini."""

    mode: Mode
    key: ApiKey | None = None
    base_url: str | None = None  # a custom endpoint from GOOGLE_GEMINI_BASE_URL
    offline_reason: str | None = None  # "no_key", "switched" or "access" (not for visitors)
    demo: str | None = None  # the recording folder being recorded to or replayed

    @property
    def label(self) -> str:
        if self.mode == "offline":
            return "Offline demo"
        if self.mode == "replay":
            return f"Replay of the recording “{self.demo}” (no network, no key)"
        if self.demo:
            return f"Gemini API, recording to “{self.demo}”"
        if self.mode == "enterprise":
            return "Gemini Enterprise"
        return "Gemini API (custom endpoint)" if self.base_url else "Gemini API"

    @property
    def shareable(self) -> bool:
        """A client from server-side credentials may be cached for all sessions.

        Offline demo clients never are: each session has its own offline credential.
        """
        if self.mode in ("offline", "replay"):
            return False
        return self.key is None or self.key.source != "session"

    @property
    def uses_server_credentials(self) -> bool:
        """True when calls go out on the deployment's credentials (secrets, environment,
        Enterprise), not on a pasted key and not to the offline demo or a replay."""
        if self.mode in ("offline", "replay"):
            return False
        return self.key is None or self.key.source != "session"

    @property
    def cache_id(self) -> str:
        """Identifies the client this plan builds, without revealing the key."""
        source = self.key.source if self.key else "none"
        return f"{self.mode}|{source}|{self.base_url or ''}"


def recording_plan(plan: ConnectionPlan, proxy_url: str, folder: str) -> ConnectionPlan:
    """`plan` with its traffic sent through a recording proxy (which forwards it on)."""
    return replace(plan, base_url=proxy_url, demo=folder)


def replay_plan(replay_url: str, folder: str, offline_key: str | None) -> ConnectionPlan:
    """Serve a recording: no network, and no real key (the session's offline credential)."""
    key = ApiKey(offline_key or new_offline_key(), "offline")
    return ConnectionPlan("replay", key, base_url=replay_url, demo=folder)


def new_offline_key() -> str:
    """A fresh credential for one visitor's offline demo (never shown)."""
    return f"{OFFLINE_KEY_PREFIX}{secrets.token_hex(8)}"


def enterprise_requested(env: Mapping[str, str]) -> bool:
    """True when the SDK's own variables ask for Enterprise (Vertex) mode."""
    for name in ("GOOGLE_GENAI_USE_ENTERPRISE", "GOOGLE_GENAI_USE_VERTEXAI"):
        if env.get(name, "").strip().lower() in ("1", "true", "yes"):
            return True
    return False


def plan_connection(
    *,
    session_key: str | None,
    secrets_key: str | None,
    env: Mapping[str, str],
    force_offline: bool = False,
    offline_key: str | None = None,
    use_server: bool = True,
) -> ConnectionPlan:
    """Decide how to connect. Pure: the caller passes in every source.

    `offline_key` is the session's own offline demo credential (see `new_offline_key`).
    `use_server=False` (the access mode does not let this visitor use the deployment's
    credentials): only a pasted key is used; otherwise the offline demo.
    """
    offline = ApiKey(offline_key, "offline") if offline_key else None
    if force_offline:
        return ConnectionPlan("offline", offline, offline_reason="switched")
    base_url = env.get("GOOGLE_GEMINI_BASE_URL") or None
    if session_key and session_key.strip():
        return ConnectionPlan("gemini", ApiKey(session_key.strip(), "session"), base_url)
    if not use_server:
        server = plan_connection(session_key=None, secrets_key=secrets_key, env=env)
        reason = "no_key" if server.mode == "offline" else "access"
        return ConnectionPlan("offline", offline, offline_reason=reason)
    if secrets_key and secrets_key.strip():
        return ConnectionPlan("gemini", ApiKey(secrets_key.strip(), "secrets"), base_url)
    if enterprise_requested(env):
        # Express mode takes an API key; otherwise the SDK uses Google Cloud credentials.
        key = env.get("GOOGLE_API_KEY", "").strip()
        return ConnectionPlan(
            "enterprise",
            ApiKey(key, "env") if key else None,
            env.get("GOOGLE_VERTEX_BASE_URL") or None,
        )
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        if env.get(name, "").strip():
            return ConnectionPlan("gemini", ApiKey(env[name].strip(), "env"), base_url)
    return ConnectionPlan("offline", offline, offline_reason="no_key")


def key_available(
    *,
    session_key: str | None,
    secrets_key: str | None,
    env: Mapping[str, str],
    use_server: bool = True,
) -> bool:
    """True when there is a way to reach Gemini itself (a key, or Enterprise credentials,
    when this visitor may use them), so the offline demo is a choice rather than the only
    mode."""
    plan = plan_connection(
        session_key=session_key, secrets_key=secrets_key, env=env, use_server=use_server
    )
    return plan.mode != "offline"


def request_timeout_s(env: Mapping[str, str]) -> float:
    """Per-request timeout; PLAYGROUND_TIMEOUT_S overrides the default of 120 s."""
    return env_number("PLAYGROUND_TIMEOUT_S", DEFAULT_TIMEOUT_S, minimum=0.1, env=env)


def offline_base_url() -> str:
    """Start gemini_offline once per process and return its URL."""
    from gemini_offline import shared_server

    return shared_server().url


class _SharedTLS:
    """One TLS context for every Client in the process, made once in the background.

    Left to itself the SDK builds three SSL contexts (loading the CA bundle each time) for
    every Client: about 45–65 ms on each new session's first run. This is the context the
    SDK would make (httpx2's default, or SSL_CERT_FILE / SSL_CERT_DIR when set); it is
    started on a thread when this module is imported, so a cold start overlaps it with the
    rest of the imports."""

    def __init__(self) -> None:
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self.get, name="tls-context", daemon=True).start()

    def get(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
                self._context = (
                    ssl.create_default_context(cafile=cafile, capath=capath)
                    if cafile or capath
                    else httpx2.create_ssl_context()
                )
            return self._context


shared_tls = _SharedTLS()


def _http_options(base_url: str | None, timeout_ms: int) -> types.HttpOptions:
    """HTTP options for the Gemini Developer API: the shared TLS context for the sync and
    async clients (`verify`) and for Live's websockets (`ssl`)."""
    context = shared_tls.get()
    return types.HttpOptions(
        base_url=base_url,
        timeout=timeout_ms,
        client_args={"verify": context},
        async_client_args={"verify": context, "ssl": context},
    )


def build_client(plan: ConnectionPlan, env: Mapping[str, str] | None = None) -> genai.Client:
    """Build the genai Client for a plan. Keep a reference: a collected Client closes itself."""
    env = os.environ if env is None else env
    timeout_ms = int(request_timeout_s(env) * 1000)
    if plan.mode == "enterprise":  # the SDK's own TLS setup (it may add a client certificate)
        options = types.HttpOptions(base_url=plan.base_url, timeout=timeout_ms)
        if plan.key is not None:
            return genai.Client(vertexai=True, api_key=plan.key.value, http_options=options)
        return genai.Client(vertexai=True, http_options=options)
    if plan.mode == "offline":
        options = _http_options(offline_base_url(), timeout_ms)
        key = plan.key.value if plan.key else new_offline_key()
        return genai.Client(api_key=key, http_options=options)
    assert plan.key is not None
    options = _http_options(plan.base_url, timeout_ms)
    return genai.Client(api_key=plan.key.value, http_options=options)


def secrets_for_redaction(plan: ConnectionPlan) -> tuple[str, ...]:
    """Strings that must never appear in anything shown to the user."""
    return (plan.key.value,) if plan.key else ()


def recordings_root(env: Mapping[str, str] | None = None) -> Path:
    """Where demo recordings live: PLAYGROUND_RECORDINGS_DIR, else `recordings/` in the app
    folder (git-ignored)."""
    env = os.environ if env is None else env
    configured = env.get("PLAYGROUND_RECORDINGS_DIR", "").strip()
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "recordings"


def recording_folders(root: Path) -> list[str]:
    """The recordings there, newest first (folders holding a recording.json)."""
    if not root.is_dir():
        return []
    found = [d for d in root.iterdir() if (d / "recording.json").is_file()]
    return [d.name for d in sorted(found, key=lambda d: d.stat().st_mtime, reverse=True)]

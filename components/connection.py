"""The session's connection to Gemini: access, plan, cached client, catalogue, token counts.

The access mode (`playground.access`) decides whether this visitor may use the
deployment's own credentials; when it limits them, every generation call on those
credentials is counted (`playground.limits`) before it is sent, through `Gemini.guard`.

Clients built from server-side credentials (secrets, environment) are cached for all
sessions; a client built from a key the visitor pasted, or for the offline demo (each
session has its own random offline credential), is cached for that session only, and the
key itself lives only in that session's state.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import streamlit as st
from google import genai
from google.genai import types

from components.demo import apply_demo
from playground.access import (
    AccessDecision,
    auth_configured,
    decide,
    read_access,
    visitor_id,
    visitor_salt,
)
from playground.catalog import Catalog
from playground.connection import (
    ConnectionPlan,
    build_client,
    key_available,
    new_offline_key,
    plan_connection,
    request_timeout_s,
    secrets_for_redaction,
)
from playground.errors import BadInput, PlaygroundError
from playground.gemini import LOOKUP_TIMEOUT_S, Gemini, RetryPolicy, log_calls_to_stderr
from playground.state import API_KEY, FORCE_OFFLINE, OFFLINE_KEY, TIMEOUT


@dataclass(frozen=True)
class Connected:
    """Everything a page needs to call Gemini in this run."""

    plan: ConnectionPlan
    gemini: Gemini
    catalog: Catalog
    cache_id: str
    access: AccessDecision | None = None
    problems: tuple[PlaygroundError, ...] = field(default=())  # configuration, for the page


VISITOR_SESSION = "connection.visitor_session"  # a random id of this browser session
log_calls_to_stderr()  # one line per generation call in the app's output


def page_in_view() -> str:
    """The url path of the page this run draws (its title, lower-cased, for the default
    page), for the call log; "" when Streamlit cannot say."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    try:
        ctx = get_script_run_ctx()
        info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) if ctx else None
        return str(info.get("url_pathname") or info.get("page_name") or "").lower() if info else ""
    except Exception:  # Streamlit's internals moved: the log goes on without a page
        return ""


def signed_in_email() -> str | None:
    """The signed-in visitor's email; None when nobody is, or sign-in is not configured
    (`st.user.is_logged_in` raises AttributeError without [auth], so that is asked first)."""
    if not auth_configured(st.secrets):
        return None
    try:
        if not st.user.is_logged_in:
            return None
        value = st.user.get("email") or st.user.get("sub")
    except Exception:  # a half-configured [auth]: nobody is signed in
        return None
    return str(value) if value else None


def access_decision() -> AccessDecision:
    """What the deployment's access mode allows this visitor now."""
    config = read_access(st.get_option("server.address"), os.environ, st.secrets)
    configured = auth_configured(st.secrets)
    return decide(
        config,
        key_pasted=bool((st.session_state.get(API_KEY) or "").strip()),
        auth_configured=configured,
        email=signed_in_email() if configured else None,
    )


def current_visitor() -> str:
    """Who this session's calls are counted for: the signed-in email, else a salted hash of
    a random id kept for this browser session."""
    if not st.session_state.get(VISITOR_SESSION):
        st.session_state[VISITOR_SESSION] = secrets.token_hex(16)
    salt = visitor_salt(os.environ, st.secrets)
    return visitor_id(signed_in_email(), st.session_state[VISITOR_SESSION], salt)


def _secrets_key() -> str | None:
    try:
        value = st.secrets["GEMINI_API_KEY"]
    except (FileNotFoundError, KeyError):
        return None
    return str(value) if value else None


def has_key(decision: AccessDecision | None = None) -> bool:
    """A pasted key, or (when the access mode allows it) a secret or the environment, can
    reach Gemini (offline is a choice)."""
    decision = decision or access_decision()
    return key_available(
        session_key=st.session_state.get(API_KEY),
        secrets_key=_secrets_key(),
        env=os.environ,
        use_server=decision.key == "server",
    )


def _offline_key() -> str:
    """This session's offline demo credential, created on first use."""
    if not st.session_state.get(OFFLINE_KEY):
        st.session_state[OFFLINE_KEY] = new_offline_key()
    return st.session_state[OFFLINE_KEY]


def current_plan(decision: AccessDecision | None = None) -> ConnectionPlan:
    decision = decision or access_decision()
    plan = plan_connection(
        session_key=st.session_state.get(API_KEY) if decision.key == "visitor" else None,
        secrets_key=_secrets_key(),
        env=os.environ,
        force_offline=bool(st.session_state.get(FORCE_OFFLINE)),
        offline_key=_offline_key(),
        use_server=decision.key == "server",
    )
    return apply_demo(plan)  # recording through a proxy, or replaying a recording


def _cache_id(plan: ConnectionPlan) -> str:
    fingerprint = hashlib.sha256(plan.key.value.encode()).hexdigest()[:12] if plan.key else ""
    return f"{plan.cache_id}|{fingerprint}"


def _close(client: genai.Client) -> None:
    client.close()


@st.cache_resource(on_release=_close, show_spinner=False)
def _shared_client(cache_id: str, _plan: ConnectionPlan) -> genai.Client:
    return build_client(_plan)


@st.cache_resource(on_release=_close, scope="session", show_spinner=False)
def _session_client(cache_id: str, _plan: ConnectionPlan) -> genai.Client:
    return build_client(_plan)


def _listed_catalog(gemini: Gemini) -> Catalog:
    """The catalogue from the API; raises PlaygroundError so a failure is never cached."""
    catalog = Catalog.from_models(gemini.list_models())
    if catalog.from_fallback and catalog.error is not None:
        raise catalog.error
    return catalog


@st.cache_resource(ttl=600, show_spinner="Loading models…")
def _shared_catalog(cache_id: str, _gemini: Gemini) -> Catalog:
    return _listed_catalog(_gemini)


@st.cache_resource(ttl=600, scope="session", show_spinner="Loading models…")
def _session_catalog(cache_id: str, _gemini: Gemini) -> Catalog:
    return _listed_catalog(_gemini)


def catalog_for(plan: ConnectionPlan, cache_id: str, gemini: Gemini) -> Catalog:
    """The cached catalogue, or (uncached, so the next run asks again) the fallback list."""
    cached = _shared_catalog if plan.shareable else _session_catalog
    try:
        return cached(cache_id, gemini)
    except PlaygroundError as error:
        return Catalog.fallback(error)


def request_timeout() -> float:
    """This session's request timeout: the sidebar setting, else PLAYGROUND_TIMEOUT_S."""
    value = st.session_state.get(TIMEOUT)
    return float(value) if value else request_timeout_s(os.environ)


def gemini_for(plan: ConnectionPlan) -> Gemini:
    cache_id = _cache_id(plan)
    client = (_shared_client if plan.shareable else _session_client)(cache_id, plan)
    timeout = request_timeout()
    return Gemini(
        client,
        RetryPolicy.from_env(),
        secrets=secrets_for_redaction(plan),
        lookup_timeout_s=min(LOOKUP_TIMEOUT_S, timeout),
        request_timeout_s=timeout,
    )


def connect() -> Connected:
    """The connection for this run, built from the current plan (cheap: all cached)."""
    decision = access_decision()
    plan = current_plan(decision)
    cache_id = _cache_id(plan)
    gemini = gemini_for(plan)
    gemini.page, gemini.visitor = page_in_view(), current_visitor()
    problems: list[PlaygroundError] = [decision.error] if decision.error else []
    if decision.limited and plan.uses_server_credentials:
        problem = _limit(gemini)
        if problem is not None:
            problems.append(problem)
    catalog = catalog_for(plan, cache_id, gemini)
    return Connected(plan, gemini, catalog, cache_id, decision, tuple(problems))


def _refuse(error: PlaygroundError) -> Callable[[], None]:
    def guard() -> None:
        raise error

    return guard


def _limit(gemini: Gemini) -> PlaygroundError | None:
    """Count every call on the deployment's key against the limits (a Limiter in the app's
    database). A limit that cannot be read or counted refuses every call rather than lift
    it; that problem is returned, for the page to show."""
    from components.library import storage
    from playground.limits import Limiter, read_limits

    try:
        limits = read_limits(os.environ, st.secrets)
    except BadInput as error:
        gemini.guard = _refuse(error)
        return error
    store = storage()
    if store is None:
        error = PlaygroundError(
            "The limits on this deployment's key cannot be counted: its database is "
            "unavailable, so nothing is sent on that key.",
            "Paste your own Gemini API key in the sidebar, or use the offline demo. "
            "The deployer: check PLAYGROUND_DATABASE_URL.",
            kind="limits_unavailable",
        )
        gemini.guard = _refuse(error)
        return error
    limiter = Limiter(store, limits)
    visitor = current_visitor()
    gemini.guard = lambda: limiter.check_and_count(visitor)
    gemini.on_usage = lambda tokens: limiter.add_tokens(visitor, tokens)
    return None


def check_key(key: str) -> PlaygroundError | None:
    """Try a pasted key with one models.list call; the error if Gemini rejects it."""
    plan = plan_connection(session_key=key, secrets_key=None, env=os.environ)
    client = build_client(plan)
    try:
        Gemini(client, RetryPolicy(attempts=1), secrets=(key,)).list_models()
    except PlaygroundError as error:
        return error
    finally:
        client.close()
    return None


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_token_count(
    cache_id: str, model: str, digest: str, _gemini: Gemini, _contents: Sequence[types.Content]
) -> int:
    # A PlaygroundError propagates, so only successful counts are cached.
    return _gemini.token_count(model, _contents)


def token_count(
    connected: Connected,
    model: str,
    contents: Sequence[types.Content],
    digest: str | None = None,
) -> int | None:
    """Token count of contents, cached per content; None when counting failed (not cached:
    the next run asks again).

    Pass `digest` when the caller already knows what identifies the contents (e.g. a
    conversation's revision), to skip hashing a long history on every rerun.
    """
    if digest is None:
        payload = "".join(c.model_dump_json(exclude_none=True) for c in contents)
        digest = hashlib.sha256(payload.encode()).hexdigest()
    try:
        return _cached_token_count(connected.cache_id, model, digest, connected.gemini, contents)
    except PlaygroundError:
        return None

"""The library in the app: the database handle, conversations autosaved and reopened by
link, and snapshots of setups too long for a URL. Storage failures never break a page:
they show as a warning in the sidebar and the page works on without the library."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

import streamlit as st

from playground.errors import BadInput
from playground.gemini import GenerateRequest
from playground.library import (
    SavedChat,
    Scope,
    autosave,
    expand_snapshot,
    library_scope,
    open_saved,
    request_record,
    snapshot_query,
    usage_record,
)
from playground.reply import Reply
from playground.state import (
    CHAT_CONVERSATION,
    CHAT_LINK,
    CHAT_NOTICE,
    CHAT_SAVED,
    CHAT_SHARE_TOKEN,
    CHAT_SHARED_COPY,
    CHAT_SYSTEM_INSTRUCTION,
    LIBRARY_ERROR,
    MODEL,
    SETTINGS,
    URL_SNAPSHOTS,
)
from playground.storage import Library, Storage, database_url


def _secret_url() -> str | None:
    try:
        value = st.secrets["PLAYGROUND_DATABASE_URL"]
    except (FileNotFoundError, KeyError):
        return None
    return str(value) if value else None


@st.cache_resource(show_spinner="Opening the library…", on_release=Storage.close)
def _open(url: str) -> Storage:
    return Storage.open(url)


def storage() -> Storage | None:
    """The app's database, or None (with a sidebar warning) when it cannot be opened."""
    try:
        return _open(database_url(os.environ, _secret_url()))
    except Exception as exc:  # a bad URL, a server that is down, a driver missing
        st.session_state[LIBRARY_ERROR] = (
            f"The library is unavailable ({type(exc).__name__}); nothing is saved. "
            "Check PLAYGROUND_DATABASE_URL."
        )
        return None


def _signed_in_email() -> str | None:
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or st.user.get("sub") or "") or None
    except Exception:  # no [auth] configured: nobody is signed in
        return None
    return None


def current_scope() -> Scope:
    """Whose library this session works in (see playground.library.library_scope)."""
    host = urlsplit(st.context.url).hostname if st.context.url else None
    return library_scope(
        user_email=_signed_in_email(),
        server_address=st.get_option("server.address"),
        url_host=host,
        library_mode=os.environ.get("PLAYGROUND_LIBRARY"),
    )


def owner() -> str:
    return current_scope().owner


def library() -> Library | None:
    """This session's view of the library (None when the database cannot be opened)."""
    store = storage()
    return Library(store, owner()) if store is not None else None


def record_run(page: str, request: GenerateRequest, reply: Reply) -> None:
    """Keep a run in the history (never blocks the page: a failure is a sidebar note)."""
    mine = library()
    if mine is None:
        return
    try:
        mine.record_run(
            page,
            request.model,
            request_record(request),
            reply.text,
            usage_record(reply),
            reply.timing.latency_s,
            reply.finish_reason or reply.interrupted,
        )
    except Exception as exc:
        library_failed(exc)


def library_failed(exc: Exception) -> None:
    st.session_state[LIBRARY_ERROR] = (
        f"Saving to the library failed ({type(exc).__name__}); your work is still on the page."
    )


# --- snapshots -------------------------------------------------------------------------------


def _mark(query: Mapping[str, str]) -> str:
    return repr(sorted(query.items()))


def snapshot_token(page: str, query: Mapping[str, str]) -> str | None:
    """The token of a snapshot holding `query` (one per distinct setup in a session, and
    the link's own token for the setup a link opened)."""
    store = storage()
    if store is None:
        return None
    made: dict[str, str] = st.session_state.setdefault(URL_SNAPSHOTS, {})
    mark = _mark(query)
    if mark not in made:
        try:
            made[mark] = snapshot_query(store, owner(), page, query)
        except Exception as exc:
            library_failed(exc)
            return None
    return made[mark]


def expanded_query(token: str) -> dict[str, str] | None:
    """The setup a snapshot token stands for (None if unknown or the library is down)."""
    store = storage()
    query = expand_snapshot(store, token) if store is not None else None
    if query is not None:
        st.session_state.setdefault(URL_SNAPSHOTS, {})[_mark(query)] = token
    return query


# --- conversations ---------------------------------------------------------------------------


def open_linked_chat(token: str) -> None:
    """Before the sidebar draws: open the conversation a link names (its history, its
    system instruction and model)."""
    store = storage()
    saved: SavedChat | None = st.session_state.get(CHAT_SAVED)
    if store is None or (saved is not None and saved.token == token):
        return
    try:
        opened = open_saved(store, token)
    except BadInput as problem:
        st.session_state[CHAT_NOTICE] = (problem, "")
        st.session_state[CHAT_LINK] = saved.token if saved else None
        return
    st.session_state[CHAT_CONVERSATION] = opened.chat
    st.session_state[CHAT_SAVED] = opened.saved
    st.session_state[CHAT_SHARED_COPY] = opened.frozen
    st.session_state[CHAT_SYSTEM_INSTRUCTION] = opened.system_instruction
    if opened.model:
        st.session_state[MODEL] = opened.model


def autosave_chat() -> None:
    """Save the conversation when it changed; its token goes into the URL."""
    store = storage()
    if store is None:
        return
    saved: SavedChat | None = st.session_state.get(CHAT_SAVED)
    try:
        result = autosave(
            store,
            owner(),
            st.session_state[CHAT_CONVERSATION],
            saved,
            page="chat",
            model=st.session_state[SETTINGS].model,
            system_instruction=st.session_state.get(CHAT_SYSTEM_INSTRUCTION) or "",
        )
    except Exception as exc:
        library_failed(exc)
        return
    if result is not saved:
        st.session_state[CHAT_SAVED] = result
        if result is None or result.token != (saved.token if saved else None):
            st.session_state[CHAT_SHARED_COPY] = False
    st.session_state[CHAT_LINK] = result.token if result else None


def share_conversation() -> str | None:
    """A frozen copy of the saved conversation; its token (None if nothing is saved)."""
    store = storage()
    saved: SavedChat | None = st.session_state.get(CHAT_SAVED)
    if store is None or saved is None:
        return None
    try:
        return store.freeze_copy(saved.token, owner())
    except Exception as exc:
        library_failed(exc)
        return None


def show_library_error() -> None:
    problem = st.session_state.get(LIBRARY_ERROR)
    if problem:
        st.warning(problem, icon=":material/database:")


def _freeze() -> None:
    st.session_state[CHAT_SHARE_TOKEN] = share_conversation()


def share_conversation_button() -> None:
    """A read-only link to this conversation as it is now; the recipient can carry it on
    in a copy of their own, never change this one."""
    saved: SavedChat | None = st.session_state.get(CHAT_SAVED)
    if st.session_state.get(CHAT_SHARED_COPY):
        st.caption(
            ":material/lock: A shared conversation: your next message continues it in a "
            "copy of your own; the original stays as it was."
        )
    with st.popover("Share conversation", icon=":material/share:", disabled=saved is None):
        st.button(
            "Create a read-only link", key="chat.share", icon=":material/link:", on_click=_freeze
        )
        token = st.session_state.get(CHAT_SHARE_TOKEN)
        if token:
            base = urlsplit(st.context.url or "")
            origin = f"{base.scheme}://{base.netloc}{base.path}" if base.scheme else "/chat"
            st.code(f"{origin}?{urlencode({'v': '1', 'c': token})}", language=None, wrap_lines=True)
            st.caption("A frozen copy of the conversation as it is now.")

"""The library in the app: the database handle, conversations autosaved and reopened by
link, and snapshots of setups too long for a URL. Storage failures never break a page:
they show as a warning in the sidebar and the page works on without the library."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import streamlit as st

from playground.errors import BadInput
from playground.gemini import GenerateRequest
from playground.images import outcomes_from_chat
from playground.library import (
    OpenedChat,
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
    IMAGES_CHAT,
    IMAGES_CHAT_LINK,
    IMAGES_CHAT_OUTCOMES,
    IMAGES_CHAT_SAVED,
    IMAGES_CHAT_SENT,
    IMAGES_ERROR,
    IMAGES_MODE,
    IMAGES_MODEL,
    IMAGES_STORE,
    LIBRARY_ERROR,
    MODEL,
    SETTINGS,
    URL_SNAPSHOTS,
)
from playground.storage import database_url

if TYPE_CHECKING:  # SQLAlchemy is imported only when the library is first opened
    from playground.storage import Library, Storage


def _secret_url() -> str | None:
    try:
        value = st.secrets["PLAYGROUND_DATABASE_URL"]
    except (FileNotFoundError, KeyError):
        return None
    return str(value) if value else None


def _close(store: Storage) -> None:
    store.close()


@st.cache_resource(show_spinner="Opening the library…", on_release=_close)
def _open(url: str) -> Storage:
    from playground.storage import Storage

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
    from playground.storage import Library

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


@dataclass(frozen=True)
class Slot:
    """Where a page keeps a conversation that autosaves (session keys)."""

    page: str
    conversation: str
    saved: str  # SavedChat
    link: str  # its token, as the URL carries it
    model: str  # the model widget's key (for the saved file's model)
    system: str | None  # the system instruction widget's key, if the page has one
    notice: Callable[[BadInput], None]


def _chat_notice(problem: BadInput) -> None:
    st.session_state[CHAT_NOTICE] = (problem, "")


def _images_notice(problem: BadInput) -> None:
    st.session_state[IMAGES_ERROR] = problem


CHAT_SLOT = Slot(
    "chat", CHAT_CONVERSATION, CHAT_SAVED, CHAT_LINK, MODEL, CHAT_SYSTEM_INSTRUCTION, _chat_notice
)
EDIT_SLOT = Slot(
    "images", IMAGES_CHAT, IMAGES_CHAT_SAVED, IMAGES_CHAT_LINK, IMAGES_MODEL, None, _images_notice
)


def open_linked(slot: Slot, token: str) -> OpenedChat | None:
    """Before the sidebar draws: open the conversation a link names (its history, its
    system instruction and model); None when it is already open or cannot be."""
    store = storage()
    saved: SavedChat | None = st.session_state.get(slot.saved)
    if store is None or (saved is not None and saved.token == token):
        return None
    try:
        opened = open_saved(store, token)
    except BadInput as problem:
        slot.notice(problem)
        st.session_state[slot.link] = saved.token if saved else None
        return None
    st.session_state[slot.conversation] = opened.chat
    st.session_state[slot.saved] = opened.saved
    if slot.system is not None:
        st.session_state[slot.system] = opened.system_instruction
    if opened.model:
        st.session_state[slot.model] = opened.model
    return opened


def open_linked_chat(token: str) -> None:
    opened = open_linked(CHAT_SLOT, token)
    if opened is not None:
        st.session_state[CHAT_SHARED_COPY] = opened.frozen


def open_linked_edit_chat(token: str) -> None:
    """Open the Images edit chat a link names, with its images ready to show and branch."""
    opened = open_linked(EDIT_SLOT, token)
    if opened is not None:
        images = st.session_state[IMAGES_STORE]
        st.session_state[IMAGES_CHAT_OUTCOMES] = outcomes_from_chat(opened.chat, images)
        st.session_state[IMAGES_CHAT_SENT] = set()
        st.session_state[IMAGES_MODE] = "Edit chat"


def autosave_for(page: str) -> None:
    """Autosave the page's conversation (Chat's, or the Images edit chat) if it changed."""
    if page == "chat":
        autosave_chat()
    elif page == "images":
        autosave_conversation(EDIT_SLOT)


def autosave_conversation(slot: Slot) -> SavedChat | None:
    """Save the slot's conversation when it changed; its token goes into the URL."""
    store = storage()
    saved: SavedChat | None = st.session_state.get(slot.saved)
    if store is None:
        return saved
    model = st.session_state[SETTINGS].model if slot.model == MODEL else None
    try:
        result = autosave(
            store,
            owner(),
            st.session_state[slot.conversation],
            saved,
            page=slot.page,
            model=model or str(st.session_state.get(slot.model) or ""),
            system_instruction=(st.session_state.get(slot.system) or "") if slot.system else "",
        )
    except Exception as exc:
        library_failed(exc)
        return saved
    st.session_state[slot.saved] = result
    st.session_state[slot.link] = result.token if result else None
    return result


def autosave_chat() -> None:
    saved = st.session_state.get(CHAT_SAVED)
    result = autosave_conversation(CHAT_SLOT)
    if result is None or result.token != (saved.token if saved else None):
        st.session_state[CHAT_SHARED_COPY] = False


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

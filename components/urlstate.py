"""The page's setup in the URL: restored on a session's first run, rewritten as it changes,
and offered as a link by the sidebar's Share button."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from components.library import (
    autosave_for,
    current_scope,
    expanded_query,
    library,
    library_failed,
    open_linked_chat,
    open_linked_edit_chat,
    snapshot_token,
)
from playground.state import (
    CHAT_LINK,
    IMAGES_CHAT_LINK,
    MODEL,
    SAVE_NAME,
    URL_MODEL,
    URL_NOTES,
    URL_OPEN,
    URL_SEEN,
)
from playground.urlstate import (
    SNAPSHOT_PARAM,
    VERSION,
    VERSION_PARAM,
    decode,
    defaults,
    encode,
    page_params,
)

MAX_LINK = 2000  # characters of query string a link may comfortably carry
SEEN_LIMIT = 64  # queries this session wrote or read, kept to tell them from new links


def _fingerprint(query: dict[str, str]) -> str:
    return urlencode(sorted(query.items()))


def _remember(query: dict[str, str]) -> None:
    seen: list[str] = st.session_state.setdefault(URL_SEEN, [])
    mark = _fingerprint(query)
    if mark in seen:
        seen.remove(mark)
    seen.append(mark)
    del seen[:-SEEN_LIMIT]


def restore_from_url(page: str) -> None:
    """Set the widgets from the URL when it is one this session has not seen: the link a
    session opened with, or one the visitor typed or pasted. A query the app itself wrote
    (even one a fast rerun still carries) is never read back over newer widget values.
    A snapshot token (`s`) stands for its saved setup; a conversation token (`c`, Chat)
    opens that conversation."""
    query = st.query_params.to_dict()
    opened = st.session_state.pop(URL_OPEN, False)
    if not query or (not opened and _fingerprint(query) in st.session_state.get(URL_SEEN, [])):
        return
    _remember(query)
    notes: list[str] = []
    token = query.pop(SNAPSHOT_PARAM, None)
    if token is not None:
        saved = expanded_query(token)
        if saved is None:
            notes.append(
                "The saved setup this link points to was not found (or the library is "
                "unavailable); the page opens with its defaults."
            )
        else:
            query = {**saved, **query}
    restored = decode(page_params(page), query)
    for key, value in restored.values.items():
        st.session_state[key] = value
    st.session_state[URL_NOTES] = notes + restored.notes
    st.session_state[URL_MODEL] = restored.values.get(MODEL)
    if page == "chat" and restored.values.get(CHAT_LINK):
        open_linked_chat(restored.values[CHAT_LINK])
    if page == "images" and restored.values.get(IMAGES_CHAT_LINK):
        open_linked_edit_chat(restored.values[IMAGES_CHAT_LINK])


def check_restored_model() -> None:
    """After the sidebar picked the model: say so when the link's model is not available."""
    wanted = st.session_state.pop(URL_MODEL, None)
    chosen = st.session_state.get(MODEL)
    if wanted and chosen != wanted:
        st.session_state[URL_NOTES] = [
            *st.session_state.get(URL_NOTES, []),
            f"Model “{wanted}” from the link is not available here; using {chosen}.",
        ]


def current_query(page: str) -> tuple[dict[str, str], list[str]]:
    """The query for the current setup, and the labels of texts left out of it.

    A setup too long for a comfortable link goes into a library snapshot and the query is
    just its token; only when the library is unavailable are the longest texts left out.
    """
    params = page_params(page)
    query = encode(params, st.session_state, defaults())
    if len(urlencode(query)) <= MAX_LINK:
        return query, []
    token = snapshot_token(page, query)
    if token is not None:
        return {VERSION_PARAM: VERSION, SNAPSHOT_PARAM: token}, []
    labels = {p.name: p.label for p in params}
    left_out: list[str] = []
    while len(urlencode(query)) > MAX_LINK:
        longest = max(query, key=lambda name: len(query[name]))
        left_out.append(labels.get(longest, longest))
        del query[longest]
    return query, left_out


def full_query(page: str) -> dict[str, str]:
    """The whole setup as query parameters, however long (for saving by name)."""
    return encode(page_params(page), st.session_state, defaults())


def sync_url(page: str) -> None:
    """Rewrite the URL's query to the current setup (only when it changed)."""
    query, _ = current_query(page)
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)
    _remember(query)


def keep_work(page: str) -> None:
    """Save what changed and put it in the URL: before the page draws (for changes made by
    callbacks and the previous run) and again after it (for what this run made)."""
    autosave_for(page)
    sync_url(page)


def share_link(page: str) -> tuple[str, list[str]]:
    """The link that reopens this page's setup, and what is too long to be in it."""
    base = urlsplit(st.context.url or "")
    path = base.path if base.scheme else f"/{page}"
    query, left_out = current_query(page)
    origin = f"{base.scheme}://{base.netloc}" if base.scheme else ""
    return f"{origin}{path}" + (f"?{urlencode(query)}" if query else ""), left_out


def share_button(page: str) -> None:
    with st.popover("Share", icon=":material/share:", help="A link that opens this setup"):
        link, left_out = share_link(page)
        st.caption(
            "Anyone with this link opens this page with these settings and prompt "
            "(never your API key or attachments)."
        )
        st.code(link, language=None, wrap_lines=True)
        if left_out:
            st.warning(
                f"Too long for a link, so not in it: {', '.join(left_out)}.",
                icon=":material/content_cut:",
            )


def _save_prompt(page: str) -> None:
    mine = library()
    name = st.session_state.get(SAVE_NAME) or ""
    if mine is None:
        return
    try:
        setup = full_query(page)
        token = st.session_state.get(CHAT_LINK) if page == "chat" else None
        mine.save_prompt(name or "Untitled prompt", page, setup, token)
    except Exception as exc:
        library_failed(exc)
        return
    st.session_state[SAVE_NAME] = ""
    st.toast(f"Saved “{name or 'Untitled prompt'}” to the Library", icon=":material/bookmark:")


def save_button(page: str) -> None:
    """Save this page's setup (and, on Chat, its conversation) to the Library by name."""
    with st.popover("Save", icon=":material/bookmark_add:", help="Save to the Library"):
        st.text_input("Name", key=SAVE_NAME, placeholder="e.g. Pirate persona")
        st.button("Save to Library", key="library.save", on_click=_save_prompt, args=(page,))
        st.caption(current_scope().why)


def _dismiss() -> None:
    st.session_state[URL_NOTES] = []


def show_url_notes() -> None:
    notes = st.session_state.get(URL_NOTES) or []
    if not notes:
        return
    body = "**Some settings in this link could not be used as they were:**\n" + "\n".join(
        f"- {note}" for note in notes
    )
    with st.container(horizontal=True, vertical_alignment="center"):
        st.warning(body, icon=":material/link_off:")
        st.button("Dismiss", key="url.dismiss", on_click=_dismiss)

"""The Library page's pieces: saved prompts, conversations and run history, each with
search, a page filter, and Open / Rename / Duplicate / Delete; export and import."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from playground.csvsafe import to_csv_text
from playground.library import PAGES, page_title
from playground.state import LIBRARY_IMPORTED, URL_OPEN

if TYPE_CHECKING:
    from playground.storage import ConversationRow, Library, SavedPrompt

ALL_PAGES = "All pages"


def filters() -> tuple[str, str | None]:
    """The search text and the page filter (None: every page)."""
    cols = st.columns([3, 1.2], vertical_alignment="bottom")
    search = cols[0].text_input(
        "Search", key="library.search", placeholder="Name or text", persist_state="session"
    )
    labels = {ALL_PAGES: None, **{title: path for path, (title, _) in PAGES.items()}}
    choice = cols[1].selectbox("Page", list(labels), key="library.page", persist_state="session")
    return search or "", labels[choice]


def _open_prompt(item: SavedPrompt) -> None:
    st.session_state[URL_OPEN] = True
    st.switch_page(PAGES.get(item.page, PAGES[""])[1], query_params=item.setup)


def _open_conversation(row: ConversationRow) -> None:
    st.session_state[URL_OPEN] = True
    st.switch_page(PAGES["chat"][1], query_params={"v": "1", "c": row.token})


def _item_actions(kind: str, key: str, name: str, on_rename, on_delete, on_duplicate=None):
    with st.popover("", icon=":material/more_horiz:", help="Rename, duplicate or delete"):
        new_name = st.text_input("Name", value=name, key=f"library.{kind}.name.{key}")
        if st.button("Rename", key=f"library.{kind}.rename.{key}", icon=":material/edit:"):
            on_rename(new_name)
            st.rerun()
        if on_duplicate is not None and st.button(
            "Duplicate", key=f"library.{kind}.duplicate.{key}", icon=":material/content_copy:"
        ):
            on_duplicate()
            st.rerun()
        confirm = st.checkbox("Yes, delete it", key=f"library.{kind}.confirm.{key}")
        if st.button(
            "Delete",
            key=f"library.{kind}.delete.{key}",
            icon=":material/delete:",
            type="primary",
            disabled=not confirm,
        ):
            on_delete()
            st.rerun()


def render_prompts(library: Library, search: str, page: str | None) -> None:
    items = library.list_prompts(search, page)
    if not items:
        st.caption("No saved prompts yet: use **Save** in the sidebar on any page.")
        return
    for item in items:
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            st.markdown(
                f"**{_plain(item.name)}**  \n"
                f":gray[{page_title(item.page)} · {item.updated_at:%Y-%m-%d %H:%M}]"
            )
            if st.button(
                "Open", key=f"library.prompt.open.{item.id}", icon=":material/open_in_new:"
            ):
                _open_prompt(item)
            _item_actions(
                "prompt",
                item.id,
                item.name,
                lambda name, i=item.id: library.rename_prompt(i, name),
                lambda i=item.id: library.delete_prompt(i),
                lambda i=item.id: library.duplicate_prompt(i),
            )


def render_conversations(library: Library, search: str, page: str | None) -> None:
    rows = [r for r in library.list_conversations(search) if page in (None, r.page)]
    if not rows:
        st.caption("No conversations yet: every Chat conversation is saved here as you go.")
        return
    for row in rows:
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            shared = " · shared copy" if row.frozen else ""
            st.markdown(
                f"**{_plain(row.title)}**  \n"
                f":gray[{page_title(row.page)} · {row.turns} turns · "
                f"{row.updated_at:%Y-%m-%d %H:%M}{shared}]"
            )
            if st.button(
                "Open", key=f"library.conversation.open.{row.token}", icon=":material/open_in_new:"
            ):
                _open_conversation(row)
            _item_actions(
                "conversation",
                row.token,
                row.title,
                lambda name, t=row.token: library.rename_conversation(t, name),
                lambda t=row.token: library.delete_conversation(t),
            )


def render_runs(library: Library, search: str, page: str | None) -> None:
    runs = library.list_runs(search, page)
    if not runs:
        st.caption("No runs yet: every run on Text, Streaming and Chat is kept here.")
        return
    rows = [
        {
            "When": r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "Page": page_title(r.page),
            "Model": r.model,
            "Prompt": _last_prompt(r.request),
            "Reply": r.reply_text[:300],
            "Tokens": r.usage.get("total_tokens"),
            "Latency (s)": round(r.latency_s, 2) if r.latency_s is not None else None,
            "Finish": r.finish_reason,
        }
        for r in runs
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.download_button(
        "Download runs (CSV)",
        data=to_csv_text(rows),
        file_name="runs.csv",
        mime="text/csv",
        key="library.runs.csv",
        icon=":material/download:",
        on_click="ignore",
    )


def render_transfer(library: Library) -> None:
    """Export all as JSON; import an export (its items are added, nothing is replaced)."""
    cols = st.columns(2)
    cols[0].download_button(
        "Export all (JSON)",
        data=lambda: json.dumps(library.export_all(), ensure_ascii=False, indent=1),
        file_name="gemini-playground-library.json",
        mime="application/json",
        key="library.export",
        icon=":material/download:",
        on_click="ignore",
    )
    with cols[1].popover("Import", icon=":material/upload:"):
        upload = st.file_uploader("Library export (JSON)", type=["json"], key="library.import")
        if upload is not None and st.button("Add to my library", key="library.import.go"):
            try:
                counts = library.import_all(json.loads(upload.getvalue()))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                st.warning(
                    f"“{upload.name}” is not a library export this app can read ({exc}).",
                    icon=":material/edit_note:",
                )
            else:
                st.session_state[LIBRARY_IMPORTED] = (
                    f"Added {counts['prompts']} prompts, {counts['conversations']} "
                    f"conversations and {counts['runs']} runs from “{upload.name}”."
                )
                st.rerun()  # so the lists above show what was added
    if st.session_state.get(LIBRARY_IMPORTED):
        st.success(st.session_state.pop(LIBRARY_IMPORTED), icon=":material/library_add:")


def _last_prompt(request: dict) -> str:
    for content in reversed(request.get("contents") or []):
        if content.get("role") == "user":
            return " ".join(p.get("text", "") for p in content.get("parts", []))[:200]
    return ""


def _plain(text: str) -> str:
    """A name typed by someone, shown as text (no Markdown of theirs)."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]<>()#+-.!|~:$" else c for c in text)

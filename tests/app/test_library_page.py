"""The Library page: Save from any page, then find, open, rename, duplicate and delete;
the run history; conversations; export and import; the list is off for anonymous visitors."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_url_state import fresh, query_of


@pytest.fixture(autouse=True)
def own_library(monkeypatch, tmp_path):
    """Each test starts with an empty library of its own."""
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", f"sqlite:///{tmp_path / 'library.db'}")


def save_as(at: AppTest, name: str) -> AppTest:
    at.sidebar.text_input(key="library.save_name").input(name)
    at.sidebar.button(key="library.save").click().run()
    assert not at.exception, at.exception
    return at


def to_library(at: AppTest) -> AppTest:
    at.switch_page("views/library.py").run()
    assert not at.exception, at.exception
    return at


def listed(at: AppTest) -> str:
    """The Library's item names and details, as shown (Markdown escapes removed)."""
    return " ".join(m.value for m in at.main.markdown).replace("\\", "")


def test_a_saved_prompt_is_listed_found_and_reopened(offline):
    at = fresh()
    at.text_area(key="text.prompt").input("Explain owls to a child")
    at.sidebar.slider(key="settings.temperature").set_value(0.25)
    at.run()
    save_as(at, "Owls for kids")
    assert any("Saved “Owls for kids”" in t.value for t in at.toast)
    at.text_area(key="text.prompt").input("Something else").run()
    save_as(at, "Other prompt")

    to_library(at)
    assert "Owls for kids" in listed(at) and "Other prompt" in listed(at)
    at.text_input(key="library.search").input("owls").run()
    assert "Owls for kids" in listed(at) and "Other prompt" not in listed(at)

    opener = next(b for b in at.button if b.key and b.key.startswith("library.prompt.open."))
    opener.click().run()
    assert not at.exception, at.exception
    assert at.text_area(key="text.prompt").value == "Explain owls to a child"
    assert at.sidebar.slider(key="settings.temperature").value == 0.25
    assert query_of(at)["prompt"] == "Explain owls to a child"


def test_rename_duplicate_and_a_delete_that_asks_first(offline):
    at = fresh()
    at.text_area(key="text.prompt").input("Haiku about rain").run()
    save_as(at, "Rain haiku")
    to_library(at)
    item = next(b.key for b in at.button if b.key and b.key.startswith("library.prompt.open."))
    item_id = item.rsplit(".", 1)[1]
    at.text_input(key=f"library.prompt.name.{item_id}").input("Rain, a haiku").run()
    at.button(key=f"library.prompt.rename.{item_id}").click().run()
    assert "Rain, a haiku" in listed(at)
    at.button(key=f"library.prompt.duplicate.{item_id}").click().run()
    assert "Rain, a haiku (copy)" in listed(at)
    delete = at.button(key=f"library.prompt.delete.{item_id}")
    assert delete.disabled, "Delete waits for the confirmation"
    at.checkbox(key=f"library.prompt.confirm.{item_id}").check().run()
    at.button(key=f"library.prompt.delete.{item_id}").click().run()
    assert "Rain, a haiku (copy)" in listed(at)
    assert "**Rain, a haiku**" not in listed(at)


def test_runs_and_conversations_are_kept(offline):
    at = fresh()
    at.text_area(key="text.prompt").input("Explain how AI works").run()
    at.button(key="text.run").click().run()
    at.switch_page("views/chat.py").run()
    at.chat_input(key="chat.input").set_value("Tell me about ravens").run()
    to_library(at)
    runs = at.dataframe[0].value
    assert list(runs["Page"]) == ["Chat", "Text"]
    assert "Explain how AI works" in list(runs["Prompt"])[1]
    assert all(isinstance(t, int | float) and t > 0 for t in runs["Tokens"])
    assert "Tell me about ravens" in listed(at) and "2 turns" in listed(at)
    opener = next(b for b in at.button if b.key and b.key.startswith("library.conversation.open."))
    opener.click().run()
    assert not at.exception, at.exception
    turns = at.session_state["chat.conversation"].turns
    assert [t.text for t in turns if t.role == "user"] == ["Tell me about ravens"]


def test_an_export_imports_into_the_library(offline, tmp_path):
    at = to_library(fresh())
    export = {
        "format": "gemini-playground/library",
        "version": 1,
        "prompts": [{"name": "Imported prompt", "page": "streaming", "setup": {"v": "1"}}],
        "conversations": [],
        "runs": [],
    }
    at.file_uploader(key="library.import").set_value(
        ("library.json", json.dumps(export).encode(), "application/json")
    ).run()
    at.button(key="library.import.go").click().run()
    assert any("Added 1 prompts" in s.value for s in at.success)
    assert "Imported prompt" in listed(at)
    at.file_uploader(key="library.import").set_value(
        ("bad.json", b'{"format": "nope"}', "application/json")
    ).run()
    at.button(key="library.import.go").click().run()
    assert not at.exception and any("not a library export" in w.value for w in at.warning)


def test_anonymous_visitors_of_a_deployment_get_no_list(offline, monkeypatch):
    import streamlit as st

    real = st.get_option
    monkeypatch.setattr(
        st, "get_option", lambda name: "0.0.0.0" if name == "server.address" else real(name)
    )
    at = to_library(fresh())
    assert any("library list is off" in i.value for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("library.prompt.open.")]

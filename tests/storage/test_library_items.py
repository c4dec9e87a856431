"""The Library API on SQLite and PostgreSQL: prompts, conversations, runs, export/import, and
owners who never see each other's items, in the list or by a guessed id."""

from __future__ import annotations

import pytest

from playground.storage import Library, new_token
from tests.storage.test_storage import chat_document


def test_prompts_can_be_saved_found_renamed_duplicated_and_deleted(storage):
    mine = Library(storage, "user:ada@example.com")
    first = mine.save_prompt("Owl facts", "", {"v": "1", "prompt": "Tell me about owls"})
    mine.save_prompt("Pirate chat", "chat", {"v": "1", "chat_system": "Talk like a pirate"})
    assert [p.name for p in mine.list_prompts()] == ["Pirate chat", "Owl facts"]
    assert [p.name for p in mine.list_prompts("OWLS")] == ["Owl facts"]  # text, any case
    assert [p.name for p in mine.list_prompts(page="chat")] == ["Pirate chat"]
    assert mine.list_prompts("100%_") == []  # LIKE wildcards are literal
    assert mine.rename_prompt(first, "Owls, in depth")
    copy = mine.duplicate_prompt(first)
    assert copy and mine.get_prompt(copy).name == "Owls, in depth (copy)"
    assert mine.get_prompt(copy).setup == {"v": "1", "prompt": "Tell me about owls"}
    assert mine.delete_prompt(first) and mine.get_prompt(first) is None


def test_conversations_and_runs_are_listed_and_searchable(storage):
    mine = Library(storage, "local")
    saved = storage.save_conversation("local", "chat", chat_document("Ravens", "And crows?"))
    rows = mine.list_conversations()
    assert [(r.title, r.turns) for r in rows] == [("Ravens", 4)]
    assert mine.list_conversations("crows") and not mine.list_conversations("parrots")
    assert mine.rename_conversation(saved.token, "Corvids")
    assert mine.list_conversations()[0].title == "Corvids"
    mine.record_run(
        "",
        "gemini-2.5-flash",
        {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]},
        "Hello there",
        {"total_tokens": 9},
        0.42,
        "STOP",
    )
    mine.record_run("streaming", "gemini-2.5-pro", {}, "A long story", {}, 1.5, "MAX_TOKENS")
    assert [r.page for r in mine.list_runs()] == ["streaming", ""]
    assert [r.reply_text for r in mine.list_runs("hello")] == ["Hello there"]
    assert mine.list_runs(page="")[0].usage == {"total_tokens": 9}
    assert mine.delete_conversation(saved.token) and mine.list_conversations() == []


def test_two_owners_never_see_or_change_each_others_items(storage):
    ada, bob = Library(storage, "user:ada@example.com"), Library(storage, "user:bob@example.com")
    item = ada.save_prompt("Ada's prompt", "", {"prompt": "secret plans"})
    chat = storage.save_conversation(ada.owner, "chat", chat_document("Ada's chat"))
    ada.record_run("", "m", {}, "Ada's reply", {}, None, None)
    assert bob.list_prompts() == [] and bob.list_prompts("secret") == []
    assert bob.list_conversations() == [] and bob.list_runs() == []
    assert bob.get_prompt(item) is None  # even with the id
    assert not bob.rename_prompt(item, "mine now") and not bob.delete_prompt(item)
    assert not bob.delete_conversation(chat.token) and not bob.rename_conversation(chat.token, "x")
    assert bob.get_prompt(new_token()) is None
    assert ada.get_prompt(item).name == "Ada's prompt"
    assert len(ada.list_conversations()) == 1


def test_anonymous_visitors_reach_only_what_their_links_name(storage):
    visitor = Library(storage, "anonymous")
    first = storage.save_conversation("anonymous", "chat", chat_document("Visitor one"))
    # a second anonymous visitor with the same (unguessable) token can carry it on ...
    again = storage.save_conversation(
        "anonymous", "chat", chat_document("Visitor one", "More"), token=first.token, revision=1
    )
    assert again.token == first.token and again.revision == 2
    # ... but a guessed token finds nothing
    assert storage.load_conversation(new_token()) is None
    assert visitor.owner == "anonymous"


def test_export_then_import_into_another_library(storage):
    ada = Library(storage, "user:ada@example.com")
    ada.save_prompt("Owls", "", {"v": "1", "prompt": "owls"})
    storage.save_conversation(ada.owner, "chat", chat_document("Ravens"))
    ada.record_run("", "m", {"model": "m"}, "reply", {"total_tokens": 3}, 0.1, "STOP")
    exported = ada.export_all()
    bob = Library(storage, "user:bob@example.com")
    assert bob.import_all(exported) == {"prompts": 1, "conversations": 1, "runs": 1}
    assert [p.name for p in bob.list_prompts()] == ["Owls"]
    assert bob.list_conversations()[0].turns == 2
    assert bob.list_runs()[0].reply_text == "reply"
    with pytest.raises(ValueError):
        bob.import_all({"format": "something else"})

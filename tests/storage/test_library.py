"""playground.library: when a conversation is saved, and how a link opens it again."""

from __future__ import annotations

import pytest

from playground.conversation import Conversation, Turn, text_content
from playground.errors import BadInput
from playground.library import autosave, expand_snapshot, open_saved, snapshot_query


def chat_of(*texts: str) -> Conversation:
    chat = Conversation()
    for text in texts:
        chat.add_user(text_content("user", text))
        chat.add(Turn("model", text_content("model", f"Re: {text}")))
    return chat


def save(storage, chat, saved):
    return autosave(
        storage, "local", chat, saved, page="chat", model="gemini-2.5-flash", system_instruction=""
    )


def test_an_empty_chat_is_not_saved(storage):
    assert save(storage, Conversation(), None) is None


def test_an_unchanged_chat_is_not_saved_again_and_a_changed_one_is(storage):
    chat = chat_of("One")
    first = save(storage, chat, None)
    assert first is not None and first.revision == 1
    assert save(storage, chat, first) is first
    chat.add_user(text_content("user", "Two"))
    second = save(storage, chat, first)
    assert second.token == first.token and second.revision == 2
    reopened = open_saved(storage, first.token)
    assert [t.text for t in reopened.chat.turns] == ["One", "Re: One", "Two"]
    assert reopened.model == "gemini-2.5-flash" and not reopened.frozen


def test_a_new_chat_gets_a_new_token(storage):
    first = save(storage, chat_of("One"), None)
    other = save(storage, chat_of("Other"), first)  # Clear chat made a new Conversation
    assert other.token != first.token and not other.forked


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "../../etc/passwd", "A" * 32])
def test_a_bad_or_unknown_token_is_a_clear_message(storage, token):
    with pytest.raises(BadInput, match="not found"):
        open_saved(storage, token)
    assert expand_snapshot(storage, token) is None


def test_a_snapshot_stands_for_its_whole_setup(storage):
    query = {"v": "1", "prompt": "long " * 1000}
    token = snapshot_query(storage, "local", "", query)
    assert expand_snapshot(storage, token) == query

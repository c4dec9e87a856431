"""Conversations survive a reload: Chat autosaves every turn, the URL carries its token, the
same link reopens it; Share conversation makes a frozen copy others can only fork."""

from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

from playground.library import LOCAL_OWNER
from playground.storage import Storage
from tests.app.test_url_state import fresh, query_of


def say(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="chat.input").set_value(text).run()
    assert not at.exception, at.exception
    return at


def user_texts(at: AppTest) -> list[str]:
    return [t.text for t in at.session_state["chat.conversation"].turns if t.role == "user"]


def shown(at: AppTest) -> list[str]:
    return [" ".join(x.value for x in m.markdown) for m in at.chat_message]


def test_two_turns_come_back_from_the_link(offline):
    at = fresh(page="views/chat.py")
    at.text_area(key="chat.system_instruction").input("Answer in one sentence.").run()
    say(at, "What is a nano banana?")
    say(at, "And how big is it?")
    query = query_of(at)
    assert "c" in query and len(query["c"]) >= 32
    assert "nano" not in str(query), "the conversation is in the library, not the URL"

    again = fresh(query, page="views/chat.py")
    assert user_texts(again) == ["What is a nano banana?", "And how big is it?"]
    assert len(again.chat_message) == 4
    assert "And how big is it?" in " ".join(shown(again))
    assert again.text_area(key="chat.system_instruction").value == "Answer in one sentence."
    say(again, "Thanks!")  # it carries on, in the same conversation
    assert query_of(again)["c"] == query["c"]
    third = fresh(query_of(again), page="views/chat.py")
    assert user_texts(third)[-1] == "Thanks!"


def test_a_shared_conversation_is_frozen_and_continues_as_a_copy(offline):

    at = fresh(page="views/chat.py")
    say(at, "Tell me about owls")
    own = query_of(at)["c"]
    at.button(key="chat.share").click().run()
    links = [c.value for c in at.main.code if "c=" in c.value]
    assert links, "the read-only link is shown"
    frozen = links[0].rsplit("c=", 1)[1]
    assert frozen != own

    visitor = fresh({"v": "1", "c": frozen}, page="views/chat.py")
    assert user_texts(visitor) == ["Tell me about owls"]
    assert any("shared conversation" in c.value for c in visitor.main.caption)
    say(visitor, "And about ravens?")
    copy = query_of(visitor)["c"]
    assert copy not in (frozen, own), "the visitor's turn went to a copy of their own"

    library = Storage.open(os.environ["PLAYGROUND_DATABASE_URL"])
    original = library.load_conversation(frozen)
    assert original is not None and original.frozen and len(original.document["turns"]) == 2
    forked = library.load_conversation(copy)
    assert forked is not None and forked.parent == frozen and forked.owner == LOCAL_OWNER
    assert len(forked.document["turns"]) == 4
    library.close()


def test_an_unknown_conversation_token_says_so_and_starts_fresh(offline):
    at = fresh({"v": "1", "c": "B" * 32}, page="views/chat.py")
    page = " ".join(w.value for w in (*at.warning, *at.error, *at.info))
    assert "conversation this link points to was not found" in page
    assert user_texts(at) == []
    say(at, "Hello")
    assert query_of(at)["c"] != "B" * 32


def test_the_images_edit_chat_comes_back_from_the_link(offline):
    at = fresh(page="views/images.py")
    at.segmented_control(key="images.mode").set_value("Edit chat").run()
    for instruction in ("A red apple on a table", "Now make it green"):
        at.text_area(key="images.prompt").input(instruction)
        at.button(key="images.run").click().run()
        assert not at.exception, at.exception
    query = query_of(at)
    assert "ec" in query and len(query["ec"]) >= 32
    before = at.session_state["images.chat"]
    pictures = [len(t.images) for t in before.turns if t.role == "model"]
    assert pictures == [1, 1]

    again = fresh(query, page="views/images.py")
    chat = again.session_state["images.chat"]
    assert [t.text for t in chat.turns if t.role == "user"] == [
        "A red apple on a table",
        "Now make it green",
    ]
    assert again.session_state["images.mode"] == "Edit chat"
    outcomes = again.session_state["images.chat.outcomes"]
    model_turns = [t for t in chat.turns if t.role == "model"]
    assert all(outcomes[t.id].image_digests for t in model_turns)
    shown = again.session_state["images.store"]
    for turn, old in zip(model_turns, [t for t in before.turns if t.role == "model"], strict=True):
        digest = outcomes[turn.id].image_digests[0]
        assert shown.get(digest).data == old.images[0].data  # the same bytes came back
    again.text_area(key="images.prompt").input("And add a leaf")
    again.button(key="images.run").click().run()
    assert not again.exception, again.exception
    sent = offline.last("generateContent").body["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user", "model", "user"]

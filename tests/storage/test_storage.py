"""The library's database, on SQLite and on a real PostgreSQL: migrations, blobs,
snapshots, conversations (autosave, forks on conflict, frozen copies, owners)."""

from __future__ import annotations

import io
import json
import threading

import sqlalchemy
from google.genai import types
from PIL import Image

from playground.conversation import Conversation, text_content
from playground.storage import Storage, database_url
from playground.storage.tables import metadata


def png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def chat_document(*texts: str, image: bytes | None = None) -> dict:
    chat = Conversation()
    for number, text in enumerate(texts):
        parts = [types.Part(text=text)]
        if image is not None and number == 0:
            parts.append(types.Part(inline_data=types.Blob(mime_type="image/png", data=image)))
        chat.add_user(types.Content(role="user", parts=parts))
        chat.add(chat.turns[-1].__class__("model", text_content("model", f"Re: {text}")))
    return json.loads(chat.to_file(model="gemini-2.5-flash", system_instruction="Be brief."))


def test_migrations_build_every_table_from_empty_and_run_again_harmlessly(database):
    first = Storage.open(database)
    inspector = sqlalchemy.inspect(first.engine)
    assert set(metadata.tables) <= set(inspector.get_table_names())
    with first.engine.connect() as db:
        assert db.execute(sqlalchemy.text("select version_num from alembic_version")).scalar()
    first.close()
    again = Storage.open(database)  # a second replica starting, or a restart
    assert set(metadata.tables) <= set(sqlalchemy.inspect(again.engine).get_table_names())
    again.close()


def test_bytes_are_stored_once_per_digest(storage):
    image = png("red")
    first = storage.put_blob(image, "image/png")
    assert storage.put_blob(image, "image/png") == first
    with storage.engine.connect() as db:
        assert db.execute(sqlalchemy.text("select count(*) from blobs")).scalar() == 1
    assert storage.get_blob(first) == (image, "image/png")
    assert storage.get_blob("0" * 64) is None


def test_a_snapshot_round_trips_and_an_unknown_token_is_none(storage):
    query = {"v": "1", "prompt": "Explain how AI works. " * 400, "temp": "0.3"}
    token = storage.save_snapshot("local", "", query)
    assert len(token) >= 32  # 192 bits of randomness, URL-safe
    loaded = storage.load_snapshot(token)
    assert loaded is not None and loaded.query == query and loaded.page == ""
    assert storage.load_snapshot(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_a_conversation_with_an_image_round_trips_through_the_file_format(storage):
    image = png("blue")
    document = chat_document("What is in this picture?", "And its colour?", image=image)
    saved = storage.save_conversation("local", "chat", document)
    with storage.engine.connect() as db:
        body = db.execute(sqlalchemy.text("select body from conversations")).scalar()
    assert "blob" in body and len(body) < len(json.dumps(document)), "images live in blobs"
    loaded = storage.load_conversation(saved.token)
    assert loaded is not None and loaded.title == "What is in this picture?"
    chat, meta = Conversation.from_file(json.dumps(loaded.document).encode())
    assert meta["model"] == "gemini-2.5-flash"
    assert [t.text for t in chat.turns] == [
        "What is in this picture?",
        "Re: What is in this picture?",
        "And its colour?",
        "Re: And its colour?",
    ]
    assert chat.turns[0].images[0].data == image


def test_autosave_advances_the_revision(storage):
    saved = storage.save_conversation("local", "chat", chat_document("One"))
    again = storage.save_conversation(
        "local", "chat", chat_document("One", "Two"), token=saved.token, revision=saved.revision
    )
    assert again.token == saved.token and again.revision == 2 and not again.forked
    stored = storage.load_conversation(saved.token)
    assert stored is not None and len(stored.document["turns"]) == 4


def test_two_sessions_saving_one_conversation_lose_nothing(storage):
    saved = storage.save_conversation("local", "chat", chat_document("Start"))
    tab_a = storage.save_conversation(
        "local", "chat", chat_document("Start", "From A"), token=saved.token, revision=1
    )
    tab_b = storage.save_conversation(  # B still thinks revision 1 is the newest
        "local", "chat", chat_document("Start", "From B"), token=saved.token, revision=1
    )
    assert tab_a.token == saved.token and not tab_a.forked
    assert tab_b.forked and tab_b.token != saved.token
    texts = {
        token: storage.load_conversation(token).document["turns"][2]["content"]["parts"][0]["text"]
        for token in (tab_a.token, tab_b.token)
    }
    assert texts == {tab_a.token: "From A", tab_b.token: "From B"}
    assert storage.load_conversation(tab_b.token).parent == saved.token


def test_concurrent_autosaves_of_many_conversations_all_land(database):
    storages = [Storage.open(database) for _ in range(2)]  # two replicas
    errors: list[BaseException] = []
    finals: dict[str, int] = {}

    def session(store: Storage, name: str) -> None:
        try:
            saved = store.save_conversation("local", "chat", chat_document(name))
            texts = [name]
            for step in range(15):
                texts.append(f"{name} turn {step}")
                saved = store.save_conversation(
                    "local",
                    "chat",
                    chat_document(*texts),
                    token=saved.token,
                    revision=saved.revision,
                )
                assert not saved.forked
            finals[saved.token] = len(texts)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=session, args=(storages[i % 2], f"visitor {i}")) for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(finals) == 6
    for token, turns in finals.items():
        stored = storages[0].load_conversation(token)
        assert stored is not None and stored.revision == 16
        assert len(stored.document["turns"]) == 2 * turns
    for store in storages:
        store.close()


def test_a_frozen_copy_cannot_be_changed_and_others_cannot_change_mine(storage):
    saved = storage.save_conversation("alice", "chat", chat_document("Alice's question"))
    frozen = storage.freeze_copy(saved.token, "alice")
    assert frozen is not None and frozen != saved.token
    shared = storage.load_conversation(frozen)
    assert shared is not None and shared.frozen
    fork = storage.save_conversation(
        "bob", "chat", chat_document("Alice's question", "Bob's"), token=frozen, revision=1
    )
    assert fork.forked and fork.token not in (saved.token, frozen)
    bob_on_original = storage.save_conversation(
        "bob", "chat", chat_document("Hijack"), token=saved.token, revision=1
    )
    assert bob_on_original.forked
    original = storage.load_conversation(saved.token)
    assert original is not None and original.revision == 1
    assert original.document["turns"][0]["content"]["parts"][0]["text"] == "Alice's question"
    assert storage.freeze_copy(saved.token, "bob") is None


def test_the_database_url_comes_from_the_environment_or_secrets():
    assert database_url({}).startswith("sqlite:///") and database_url({}).endswith(
        "data/playground.db"
    )
    assert database_url({"PLAYGROUND_DATABASE_URL": "postgres://u@h/db"}) == (
        "postgresql+psycopg://u@h/db"
    )
    assert database_url({}, secret="postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url({"PLAYGROUND_DATABASE_URL": "sqlite:///x.db"}, secret="y") == (
        "sqlite:///x.db"
    )

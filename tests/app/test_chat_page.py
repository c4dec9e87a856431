"""AppTest: the Chat page — history on the wire, turn actions, files, faults, Retry."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from gemini_offline.tokens import count_tokens

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conversations"


@pytest.fixture
def chat(app: AppTest) -> AppTest:
    app.switch_page("views/chat.py").run()
    assert not app.exception, app.exception
    return app


def say(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="chat.input").set_value(text).run()
    assert not at.exception, at.exception
    return at


def conversation(at: AppTest):
    return at.session_state["chat.conversation"]


def messages(at: AppTest) -> list[tuple[str, str]]:
    return [(m.name, " ".join(x.value for x in m.markdown)) for m in at.chat_message]


def sent_contents(offline) -> list[dict]:
    return offline.last("streamGenerateContent").body["contents"]


def texts(contents: list[dict]) -> list[str]:
    return [
        "".join(p.get("text", "") for p in c["parts"] if not p.get("thought")) for c in contents
    ]


def copy_boxes(at: AppTest) -> list[str]:
    """Plain-text code boxes (the Get code snippets are highlighted as a language)."""
    return [c.value for c in at.main.code if c.language in (None, "", "plaintext")]


def menu(at: AppTest, position: int):
    turn = conversation(at).turns[position]
    return at.menu_button(key=f"chat.menu.{turn.id}")


def png(color=(0, 90, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "PNG")
    return buffer.getvalue()


def test_three_turns_and_the_third_request_carries_the_full_history(chat, offline):
    for message in ("Hello there", "I have 2 dogs in my house.", "How many paws are there?"):
        say(chat, message)
    contents = sent_contents(offline)
    assert [c["role"] for c in contents] == ["user", "model", "user", "model", "user"]
    shown = messages(chat)
    assert texts(contents) == [text for _, text in shown[:5]]
    assert [name for name, _ in shown] == ["user", "assistant"] * 3
    assert "You mentioned 2 dogs earlier" in shown[-1][1] and "8 paws" in shown[-1][1]
    # Under the reply: output tokens (as the server counts the shown text) · latency · finish.
    captions = [c.value for c in chat.chat_message[-1].caption]
    assert len(captions) == 1, captions
    figures = re.fullmatch(
        r"([\d,]+) output tokens · ([\d,]+) thought tokens · (\d+\.\d\d) s · STOP"
        r" · would cost \$0\.\d+",
        captions[0],
    )
    assert figures, captions[0]
    assert int(figures[1].replace(",", "")) == count_tokens(shown[-1][1]) > 0
    assert int(figures[2].replace(",", "")) > 0  # the default model thinks


def test_thought_signatures_are_resent(chat, offline):
    chat.sidebar.toggle(key="settings.include_thoughts").set_value(True)
    say(chat, "Hello there")
    say(chat, "And again")
    model_parts = sent_contents(offline)[1]["parts"]
    assert any(p.get("thought") for p in model_parts)
    assert any(p.get("thoughtSignature") or p.get("thought_signature") for p in model_parts)


def test_starting_history_from_the_seed(chat, offline):
    chat.button(key="chat.seed.example").click().run()
    say(chat, "I have 2 dogs in my house.")
    assert texts(sent_contents(offline)) == [
        "Hello",
        "Great to meet you. What would you like to know?",
        "I have 2 dogs in my house.",
    ]


def test_starting_history_written_by_hand(chat, offline):
    chat.text_area(key="chat.seed.user").input("Who are you?")
    chat.text_area(key="chat.seed.model").input("I am Neko, a cat.")
    chat.button(key="chat.seed.add").click().run()
    say(chat, "What do you eat?")
    assert texts(sent_contents(offline))[:2] == ["Who are you?", "I am Neko, a cat."]


def test_chat_system_instruction_is_its_own(chat, offline):
    chat.text_area(key="chat.system_instruction").input("You are a cat. Your name is Neko.")
    say(chat, "Hello there")
    assert offline.last("streamGenerateContent").system_text == "You are a cat. Your name is Neko."
    assert "Neko" in messages(chat)[-1][1]


def test_regenerate_replaces_the_last_reply(chat, offline):
    say(chat, "Hello there")
    say(chat, "Tell me a fact")
    before = len(conversation(chat))
    menu(chat, -1).click("Regenerate").run()
    assert not chat.exception
    assert len(conversation(chat)) == before
    requests = [r for r in offline.requests if r.action == "streamGenerateContent"]
    assert len(requests) == 3
    assert requests[-1].body["contents"] == requests[-2].body["contents"]


def test_edit_and_resend_drops_later_turns_after_confirmation(chat, offline):
    for message in ("Hello there", "I have 2 dogs", "How many paws?"):
        say(chat, message)
    menu(chat, 2).click("Edit & resend").run()
    chat.text_area(key="chat.edit.text").input("I have 3 dogs")
    assert chat.button(key="chat.edit.send").disabled  # 3 later turns: confirm first
    chat.checkbox(key="chat.edit.confirm").check().run()
    chat.button(key="chat.edit.send").click().run()
    assert not chat.exception
    assert texts(sent_contents(offline))[-1] == "I have 3 dogs"
    assert len(sent_contents(offline)) == 3
    assert [t for _, t in messages(chat)][2] == "I have 3 dogs"
    assert len(conversation(chat)) == 4


def test_edit_can_be_cancelled(chat, offline):
    say(chat, "Hello there")
    menu(chat, 0).click("Edit & resend").run()
    chat.button(key="chat.edit.cancel").click().run()
    assert messages(chat)[0] == ("user", "Hello there")
    assert chat.session_state["chat.editing"] is None


def test_delete_a_turn(chat, offline):
    say(chat, "Hello there")
    say(chat, "Second message")
    menu(chat, 2).click("Delete").run()
    assert len(conversation(chat)) == 3
    assert "Second message" not in [t for _, t in messages(chat)]
    say(chat, "Third")
    assert "Second message" not in texts(sent_contents(offline))


def test_copy_shows_the_text_in_a_copyable_box(chat, offline):
    say(chat, "Hello there")
    menu(chat, 1).click("Copy").run()
    assert copy_boxes(chat)[0] == conversation(chat).turns[1].text


def test_clear(chat, offline):
    say(chat, "Hello there")
    chat.button(key="chat.clear").click().run()
    assert len(conversation(chat)) == 0 and not chat.chat_message


def test_download_upload_round_trip_keeps_images_and_signatures(chat, offline):
    chat.sidebar.toggle(key="settings.include_thoughts").set_value(True)
    chat.chat_input(key="chat.input").upload("dog.png", png(), "image/png").set_value(
        "What is in this picture?"
    ).run()
    say(chat, "And the colour?")
    original = conversation(chat)
    data = original.to_file(model="gemini-2.5-flash", system_instruction="")
    document = json.loads(data)
    assert document["format"] == "gemini-playground/conversation" and document["version"] == 1
    chat.button(key="chat.clear").click().run()
    chat.file_uploader(key="chat.upload").upload(
        "conversation.json", data, "application/json"
    ).run()
    assert not chat.exception
    restored = conversation(chat)
    assert [t.content for t in restored.turns] == [t.content for t in original.turns]
    assert restored.turns[0].images[0].data == png()
    assert any(p.thought_signature for p in restored.turns[1].content.parts)
    say(chat, "Continue")
    assert len(sent_contents(offline)) == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (json.dumps({"messages": []}).encode(), "not a Gemini Playground conversation"),
        (
            json.dumps(
                {"format": "gemini-playground/conversation", "version": 9, "turns": []}
            ).encode(),
            "format version 9",
        ),
        (
            json.dumps(
                {
                    "format": "gemini-playground/conversation",
                    "version": 1,
                    "turns": [{"role": "wizard"}],
                }
            ).encode(),
            "turn 1",
        ),
        (b" " * (21 * 1024 * 1024), "conversation files are limited to 20 MB"),
    ],
)
def test_bad_uploads_leave_the_chat_untouched(chat, offline, data, message):
    assert_refused_and_untouched(chat, offline, data, message)


def assert_refused_and_untouched(chat: AppTest, offline, data: bytes, message: str) -> None:
    """A bad file: a message saying what is wrong, the same chat, the chat input still there."""
    say(chat, "Hello there")
    before = messages(chat)
    turns = [(t.id, t.content, t.stats) for t in conversation(chat).turns]
    chat.file_uploader(key="chat.upload").upload("bad.json", data, "application/json").run()
    assert not chat.exception, chat.exception
    assert message in " ".join(w.value for w in chat.main.warning)
    assert [(t.id, t.content, t.stats) for t in conversation(chat).turns] == turns
    assert messages(chat) == before
    assert chat.chat_input(key="chat.input")
    say(chat, "Still here")  # the chat goes on
    assert texts(sent_contents(offline))[:2] == [text for _, text in before]


BAD_FIXTURES = {
    "svg_part.json": "images of type 'image/svg+xml' are not accepted",
    "non_numeric_stat.json": "“stats.output_tokens” must be a whole number",
    "empty_parts.json": "a user message needs at least one part",
    "fake_png.json": "is not an image",
    "deep_nesting.json": "levels deep",
}


@pytest.mark.parametrize(("fixture", "message"), sorted(BAD_FIXTURES.items()))
def test_bad_fixture_files_leave_the_chat_untouched(chat, offline, fixture, message):
    assert_refused_and_untouched(chat, offline, (FIXTURES / fixture).read_bytes(), message)


def test_a_file_with_too_many_turns_is_refused(chat, offline):
    from playground.conversation import MAX_TURNS

    turn = {"role": "user", "content": {"parts": [{"text": "hi"}]}}
    data = json.dumps(
        {
            "format": "gemini-playground/conversation",
            "version": 1,
            "turns": [turn] * (MAX_TURNS + 1),
        }
    ).encode()
    assert_refused_and_untouched(chat, offline, data, f"restores at most {MAX_TURNS:,}")


def test_images_in_a_restored_reply_are_shown_as_links(chat, offline):
    data = (FIXTURES / "remote_image_reply.json").read_bytes()
    chat.file_uploader(key="chat.upload").upload("cat.json", data, "application/json").run()
    assert not chat.exception
    reply = chat.chat_message[1].markdown[0].value
    assert reply == (
        "Here is a cat: [Image: a cat (https\\://example.com/cat.png)]"
        "(<https://example.com/cat.png>) and `![kept](https://example.com/code.png)` in code."
    )
    assert "![a cat]" not in reply
    # The turn's note and finish explanation come from the file too: links, no images.
    shown = [w.value for w in chat.chat_message[1].warning] + [
        i.value for i in chat.chat_message[1].info
    ]
    assert any("[Image: pixel" in v for v in shown) and any("[Image: e" in v for v in shown)
    assert not any("![" in v for v in shown)


def test_an_image_attachment_reaches_the_server(chat, offline):
    chat.chat_input(key="chat.input").upload("cat.png", png(), "image/png").set_value(
        "Tell me about this"
    ).run()
    parts = sent_contents(offline)[-1]["parts"]
    assert any("inlineData" in p or "inline_data" in p for p in parts)
    assert "32×24" in messages(chat)[-1][1]
    assert chat.chat_message[0].image


def test_a_pdf_attachment_reaches_the_server_as_a_pdf(chat, offline):
    from tests.media_samples import pdf

    chat.chat_input(key="chat.input").upload("report.pdf", pdf(2), "application/pdf").set_value(
        "Summarise this report"
    ).run()

    assert not chat.exception, chat.exception
    parts = sent_contents(offline)[-1]["parts"]
    blobs = [p.get("inlineData") or p.get("inline_data") for p in parts]
    assert [b.get("mimeType") or b.get("mime_type") for b in blobs if b] == ["application/pdf"]
    assert "a 2-page PDF document" in messages(chat)[-1][1]  # the offline model read it


def test_a_bad_attachment_keeps_the_typed_text(chat, offline):
    chat.chat_input(key="chat.input").upload("notes.png", b"plain text", "image/png").set_value(
        "Please look at this"
    ).run()
    assert "not an image" in " ".join(w.value for w in chat.main.warning)
    assert copy_boxes(chat)[0] == "Please look at this"
    assert offline.last("streamGenerateContent") is None


def test_context_token_count(chat, offline):
    say(chat, "Hello there")
    captions = " ".join(c.value for c in chat.main.caption)
    assert "Context:" in captions and "of 1,048,576 tokens" in captions


def count_requests(offline) -> list:
    return [r for r in offline.requests if r.action == "countTokens"]


def test_the_context_size_comes_from_the_reply_usage_without_a_count_call(chat, offline):
    say(chat, "Hello there")
    say(chat, "I have 2 dogs")
    assert count_requests(offline) == []  # the replies' usage told the size
    stats = conversation(chat).turns[-1].stats
    captions = " ".join(c.value for c in chat.main.caption)
    assert f"Context: {stats.prompt_tokens + stats.output_tokens:,} of" in captions
    menu(chat, 0).click("Delete").run()  # the history changed: count it once
    assert len(count_requests(offline)) == 1
    chat.run()
    assert len(count_requests(offline)) == 1  # cached per revision


def long_history(words: int) -> bytes:
    return json.dumps(
        {
            "format": "gemini-playground/conversation",
            "version": 1,
            "model": "gemini-2.5-flash",
            "turns": [
                {"role": "user", "content": {"parts": [{"text": "Tell me everything."}]}},
                {"role": "model", "content": {"parts": [{"text": "w " * words}]}},
            ],
        }
    ).encode()


def context_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.main.warning if "of the model's input limit" in w.value]


def test_a_context_near_the_input_limit_is_warned_about(chat, offline):
    # 700,004 tokens (the server's count) = 67 % of Flash's 1,048,576-token input: no warning.
    chat.file_uploader(key="chat.upload").upload(
        "shorter.json", long_history(700_000), "application/json"
    ).run()
    assert not chat.exception
    assert "Context: 700,004 of 1,048,576 tokens" in " ".join(c.value for c in chat.main.caption)
    assert context_warnings(chat) == []
    # 880,004 tokens = 84 %: past the 80 % mark, the page warns.
    chat.file_uploader(key="chat.upload").upload(
        "longer.json", long_history(880_000), "application/json"
    ).run()
    assert not chat.exception
    assert "Context: 880,004 of 1,048,576 tokens" in " ".join(c.value for c in chat.main.caption)
    assert context_warnings(chat) == [
        "The conversation uses 84% of the model's input limit. Delete old turns, start a new "
        "chat, or pick a model with a larger context."
    ]


FAULTS = [
    "[[fault:400]]",
    "[[fault:429]]",
    "[[fault:500]]",
    "[[fault:503]]",
    "[[fault:timeout]]",
    "[[fault:cut]]",
    "[[fault:midstream]]",
]


@pytest.mark.parametrize("directive", FAULTS)
def test_faults_mid_chat_keep_the_history_and_offer_retry(chat, offline, directive):
    say(chat, "Hello there")
    say(chat, "I have 2 dogs")
    before = messages(chat)
    say(chat, f"How many paws? {directive}")
    assert not chat.exception
    shown = messages(chat)
    assert shown[:4] == before
    assert shown[4] == ("user", f"How many paws? {directive}")
    assert chat.button(key="chat.retry")
    warning = " ".join(w.value for w in chat.main.warning)
    assert "failed" in warning.lower() or "cut off" in warning.lower()
    chat.button(key="chat.retry").click().run()
    assert not chat.exception
    assert f"How many paws? {directive}" in [t for _, t in messages(chat)]


def test_retry_after_a_transient_failure_succeeds(chat, offline):
    say(chat, "Hello there")
    say(chat, "Explain [[fault:500x1]]")
    assert chat.button(key="chat.retry")
    chat.button(key="chat.retry").click().run()
    assert messages(chat)[-1][0] == "assistant"
    assert conversation(chat).turns[-1].status == "ok"
    assert not [b for b in chat.button if b.key == "chat.retry"]


def test_blocked_prompt_is_explained_in_the_chat(chat, offline):
    say(chat, "Something [[block:SAFETY]]")
    assert "blocked" in " ".join(i.value for i in chat.main.info).lower()


def test_stop_keeps_the_partial_reply(chat, offline):
    from playground.conversation import text_content
    from playground.gemini import build_chat_request
    from playground.settings import GenerationSettings

    say(chat, "Hello there")
    link = chat.session_state["app.connected"]
    conv = conversation(chat)
    user = conv.add_user(text_content("user", "Tell me a long story"))
    run = link.gemini.stream(
        build_chat_request(GenerationSettings(), conv.history(2), user.content)
    )
    events = run.events()
    arrived = "".join(next(events).text for _ in range(3))
    chat.session_state["chat.inflight"] = run  # parked by stream_live when Stop interrupts
    chat.run()
    assert conversation(chat).turns[-1].status == "stopped"
    assert arrived.strip() in messages(chat)[-1][1]
    assert "stopped" in " ".join(w.value for w in chat.main.warning).lower()
    assert chat.button(key="chat.retry")


def test_history_survives_a_page_switch(chat, offline):
    say(chat, "Hello there")
    before = messages(chat)
    chat.switch_page("views/text.py").run()
    chat.switch_page("views/chat.py").run()
    assert messages(chat) == before

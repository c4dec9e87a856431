"""The chat turn state machine (playground/chat.py): send outcomes, Stop, menu actions,
edit & resend, Retry, the starting history and the context figures."""

import pytest
from google.genai import types

from playground import chat as logic
from playground.conversation import Conversation, Turn, TurnStats, text_content
from playground.errors import BadInput, StreamInterrupted, TransportError
from playground.reply import Reply


def reply(text: str = "Hi!", *, finish: str | None = "STOP", prompt: int = 10) -> Reply:
    candidate = {
        "index": 0,
        "content": {"role": "model", "parts": [{"text": text}]} if text else {},
    }
    if finish:
        candidate["finishReason"] = finish
    output = len(text.split())
    return Reply.from_wire(
        {
            "candidates": [candidate],
            "usageMetadata": {
                "promptTokenCount": prompt,
                "candidatesTokenCount": output,
                "totalTokenCount": prompt + output,
            },
        }
    )


BLOCKED = Reply.from_wire({"promptFeedback": {"blockReason": "SAFETY"}})
NOTHING = Reply.from_wire({})
CUT = StreamInterrupted("The stream ended early.", "Retry.", kind="cut")
TIMEOUT = TransportError("No answer in time.", "Try again.", kind="timeout")


def chat_with(*texts: str) -> Conversation:
    """Alternating user/model turns with the given texts."""
    chat = Conversation()
    for number, text in enumerate(texts):
        role = "user" if number % 2 == 0 else "model"
        chat.add(Turn(role, text_content(role, text)))
    return chat


def texts(chat: Conversation) -> list[str]:
    return [t.text for t in chat.turns]


def test_prepare_send_resets_a_failed_turn_and_gives_the_history_before_it():
    chat = chat_with("a", "b", "c")
    chat.turns[2].status, chat.turns[2].note = "failed", "timeout"
    history = logic.prepare_send(chat, chat.turns[2])
    assert [c.parts[0].text for c in history] == ["a", "b"]
    assert (chat.turns[2].status, chat.turns[2].note) == ("ok", "")


def test_a_complete_reply_is_an_ok_turn():
    chat = chat_with("hello")
    last = logic.record_outcome(chat, chat.turns[0], reply("Hi there"), None)
    assert last.role == "model" and last.status == "ok" and last.text == "Hi there"
    assert last.stats.finish_reason == "STOP"


def test_a_reply_cut_by_an_error_keeps_its_text_as_a_cut_turn():
    chat = chat_with("hello")
    last = logic.record_outcome(chat, chat.turns[0], reply("Partial", finish=None), CUT)
    assert (last.role, last.status, last.text, last.note) == (
        "model",
        "cut",
        "Partial",
        "The stream ended early.",
    )
    assert logic.can_retry(chat)


def test_no_reply_marks_the_user_turn_failed_with_the_reason():
    chat = chat_with("hello")
    last = logic.record_outcome(chat, chat.turns[0], NOTHING, TIMEOUT)
    assert last is chat.turns[0] and len(chat) == 1
    assert last.status == "failed" and "No answer in time." in last.note
    assert logic.can_retry(chat)


def test_a_blocked_prompt_keeps_an_empty_reply_with_the_reason():
    chat = chat_with("bad")
    last = logic.record_outcome(chat, chat.turns[0], BLOCKED, None)
    assert last.role == "model" and last.status == "ok" and not last.sendable
    assert last.stats.finish_reason == "BLOCKED:SAFETY"
    assert not logic.can_retry(chat)


def test_stop_keeps_what_arrived_or_fails_the_waiting_turn():
    chat = chat_with("hello")
    logic.record_stop(chat, reply("Once upon", finish=None))
    assert chat.turns[-1].status == "stopped" and chat.turns[-1].text == "Once upon"
    empty = chat_with("hello")
    logic.record_stop(empty, NOTHING)
    assert empty.turns[-1].status == "failed" and "Stopped" in empty.turns[-1].note
    untouched = chat_with("hello")
    logic.record_stop(untouched, None)
    assert untouched.turns[-1].status == "ok"


def test_new_message_from_text_and_images():
    image = types.Part.from_bytes(data=b"png", mime_type="image/png")
    assert logic.new_message("  ") is None
    assert logic.new_message("hi").parts[0].text == "hi"
    content = logic.new_message("", [image])
    assert content.role == "user" and content.parts == [image]


def test_menu_options_per_turn():
    chat = chat_with("a", "b", "c", "d")
    assert logic.menu_options(chat.turns[0], is_last=False) == ["Copy", "Edit & resend", "Delete"]
    assert logic.menu_options(chat.turns[1], is_last=False) == ["Copy", "Delete"]
    assert logic.menu_options(chat.turns[3], is_last=True) == ["Copy", "Regenerate", "Delete"]


def test_menu_copy_edit_delete():
    chat = chat_with("a", "b", "c", "d")
    first = chat.turns[0].id
    assert logic.apply_menu(chat, first, "Copy") == logic.MenuEffect(copying=first)
    assert logic.apply_menu(chat, first, "Edit & resend") == logic.MenuEffect(editing=first)
    assert len(chat) == 4
    assert logic.apply_menu(chat, chat.turns[2].id, "Delete") == logic.MenuEffect()
    assert texts(chat) == ["a", "b", "d"]


def test_regenerate_drops_the_last_reply_and_resends_its_message():
    chat = chat_with("a", "b", "c", "d")
    revision = chat.revision
    effect = logic.apply_menu(chat, chat.turns[3].id, "Regenerate")
    assert texts(chat) == ["a", "b", "c"] and effect.send is chat.turns[2]
    assert chat.revision > revision
    # Only the last reply can be regenerated (a stale menu pick does nothing).
    assert logic.apply_menu(chat, chat.turns[1].id, "Regenerate") == logic.MenuEffect()
    assert texts(chat) == ["a", "b", "c"]


def test_edit_and_resend_drops_later_turns_and_keeps_images():
    image = types.Part.from_bytes(data=b"png", mime_type="image/png")
    chat = chat_with("a", "b")
    chat.add_user(types.Content(role="user", parts=[types.Part.from_text(text="old"), image]))
    chat.add(Turn("model", text_content("model", "reply")))
    chat.add_user(text_content("user", "later"))
    edited = chat.turns[2].id
    assert logic.later_turns(chat, edited) == 2
    turn = logic.resend_edited(chat, edited, "new text")
    assert texts(chat) == ["a", "b", "new text"] and chat.turns[-1] is turn
    assert turn.content.parts[1] == image and turn.id != edited


def test_an_edit_that_leaves_nothing_is_refused_and_changes_nothing():
    chat = chat_with("a", "b", "c")
    with pytest.raises(BadInput, match="empty"):
        logic.resend_edited(chat, chat.turns[0].id, "   ")
    assert texts(chat) == ["a", "b", "c"]
    with pytest.raises(BadInput, match="no longer in the chat"):
        logic.resend_edited(chat, "gone", "text")


def test_retry_after_a_failure_and_after_an_interrupted_reply():
    assert not logic.can_retry(Conversation()) and logic.prepare_retry(Conversation()) is None
    chat = chat_with("a", "b", "c")
    assert not logic.can_retry(chat)  # the last user turn is still ok (being sent)
    chat.turns[2].status = "failed"
    assert logic.prepare_retry(chat) is chat.turns[2] and len(chat) == 3
    chat.add_reply(reply("Part", finish=None), status="stopped")
    assert logic.prepare_retry(chat) is chat.turns[2] and len(chat) == 3
    chat.add_reply(reply("Done"))
    assert not logic.can_retry(chat) and logic.prepare_retry(chat) is None


def test_starting_history():
    chat = Conversation()
    logic.add_seed_example(chat)
    logic.add_exchange(chat, " Who are you? ", "Neko.")
    assert texts(chat) == [
        "Hello",
        "Great to meet you. What would you like to know?",
        "Who are you?",
        "Neko.",
    ]
    assert [t.role for t in chat.turns] == ["user", "model"] * 2
    with pytest.raises(BadInput, match="both"):
        logic.add_exchange(chat, "only the user", " ")
    assert len(chat) == 4


def test_context_comes_from_the_last_reply_until_the_history_changes():
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return 99

    chat = chat_with("hello")
    assert logic.context_tokens(Conversation(), count) == 0 and not calls
    logic.record_outcome(chat, chat.turns[0], reply("two words", prompt=10), None)
    assert logic.context_tokens(chat, count) == 12 and not calls
    chat.delete(chat.turns[0].id)
    assert logic.context_tokens(chat, count) == 99 and len(calls) == 1


def test_context_warning_at_eighty_percent():
    assert logic.context_warning(799, 1000) is None
    assert logic.context_warning(None, 1000) is None
    assert logic.context_warning(900, None) is None
    assert logic.context_warning(800, 1000).startswith("The conversation uses 80% of the model's")


def test_stats_line():
    turn = Turn("model", text_content("model", "x"))
    assert logic.stats_line(turn) == ""
    turn.stats = TurnStats(
        output_tokens=1234, thought_tokens=5, latency_s=1.5, finish_reason="STOP"
    )
    assert logic.stats_line(turn) == "1,234 output tokens · 5 thought tokens · 1.50 s · STOP"
    turn.stats = TurnStats(output_tokens=3, latency_s=0.25)
    assert logic.stats_line(turn) == "3 output tokens · 0.25 s"

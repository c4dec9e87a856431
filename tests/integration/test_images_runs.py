"""playground.images runs through the real SDK against gemini_offline: parallel calls with
per-call outcomes, and edit-chat turns that grow the conversation only on success."""

from __future__ import annotations

import io

import pytest
from google import genai
from PIL import Image

from gemini_offline import OfflineServer
from playground.conversation import Conversation
from playground.errors import ApiError
from playground.gemini import Gemini, RetryPolicy
from playground.images import edit_chat_turn, mode_request, run_calls
from playground.media import ImageStore
from playground.settings import ImageSettings

MODEL = "gemini-3.1-flash-image"


@pytest.fixture
def gemini(client: genai.Client) -> Gemini:
    return Gemini(client, retry=RetryPolicy(attempts=1))


def generate_calls(srv: OfflineServer) -> list:
    return [r for r in srv.requests if r.action == "generateContent"]


def test_parallel_calls_each_become_an_outcome(gemini, srv):
    store = ImageStore()
    request = mode_request("Generate", "Generate an image of a lighthouse", [], ImageSettings())
    done: list[int] = []
    outcomes = run_calls(gemini, request, 3, store, on_done=lambda i, _r: done.append(i))
    assert len(generate_calls(srv)) == 3 and sorted(done) == [0, 1, 2]
    assert all(len(o.image_digests) == 1 and o.error is None for o in outcomes)
    for outcome in outcomes:
        Image.open(io.BytesIO(store.get(outcome.image_digests[0]).data)).verify()


def test_a_failing_call_is_an_outcome_with_its_error(gemini, srv):
    request = mode_request("Generate", "A dog [[fault:400]]", [], ImageSettings())
    (outcome,) = run_calls(gemini, request, 1, ImageStore())
    assert isinstance(outcome.error, ApiError) and outcome.error.code == 400
    assert outcome.parts == ()


def test_edit_chat_turns_build_on_the_last_image(gemini, srv):
    store = ImageStore()
    chat = Conversation()
    settings = ImageSettings(model=MODEL)
    first = mode_request("Edit chat", "Draw a blue car", [], settings, chat.history())
    turn, outcome = edit_chat_turn(gemini, chat, first, store)
    assert [t.role for t in chat.turns] == ["user", "model"] and chat.turns[1] is turn
    assert len(outcome.image_digests) == 1
    second = mode_request("Edit chat", "Now make it yellow", [], settings, chat.history())
    edit_chat_turn(gemini, chat, second, store)
    sent = srv.last("generateContent").body["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user"]
    assert len(chat.turns) == 4


def test_a_failed_edit_chat_turn_leaves_the_chat_as_it_was(gemini, srv):
    chat = Conversation()
    request = mode_request("Edit chat", "Draw a car [[fault:400]]", [], ImageSettings())
    with pytest.raises(ApiError):
        edit_chat_turn(gemini, chat, request, ImageStore())
    assert chat.turns == []

"""Get code for a chat with function calling: the Python, JavaScript and curl snippets run
unmodified against gemini_offline and send the same history the app sent — the model's
functionCall parts with their Gemini 3 thought signature, and the user's functionResponse
parts — and print the answer the app showed."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from playground import chat as turns_logic
from playground.conversation import Conversation, text_content
from playground.gemini import GenerateRequest, build_chat_request
from playground.settings import GenerationSettings
from playground.tools import FUNCTION_EXAMPLES
from tests.integration.test_codegen_exec import (  # noqa: F401 (fixtures)
    JS_DIR,
    _normalise,
    app_text,
    gemini,
    node_ready,
    run,
    snippet_env,
    write_bundle,
)

SETTINGS = GenerationSettings(
    model="gemini-3-pro-preview",
    temperature=0,
    function_declarations=FUNCTION_EXAMPLES["Weather lookup"],
)


def calling_chat(gemini) -> Conversation:  # noqa: F811
    """A chat whose last reply asks for get_current_weather (signed, Gemini 3)."""
    chat = Conversation()
    question = chat.add_user(text_content("user", "What's the weather in Boston?"))
    request = build_chat_request(SETTINGS, chat.history(1), question.content)
    stream = gemini.stream(request)
    list(stream.events())
    chat.add_reply(stream.reply)
    assert chat.turns[-1].function_calls and chat.turns[-1].content.parts[0].thought_signature
    return chat


def answered_chat(gemini) -> Conversation:  # noqa: F811
    """The same chat after the user typed the result and the model answered."""
    chat = calling_chat(gemini)
    results = turns_logic.answer_calls(chat, ['{"sky": "clear", "temperature": 31}'])
    stream = gemini.stream(build_chat_request(SETTINGS, chat.history(2), results.content))
    list(stream.events())
    chat.add_reply(stream.reply)
    assert "clear" in chat.turns[-1].text
    return chat


CASES = {"pending": calling_chat, "answered": answered_chat}


def code_request(chat: Conversation) -> GenerateRequest:
    """What the Chat page's Get code renders for this chat (a fresh one each time: the
    SDK's chat adds its usage headers to the config it is given)."""
    return build_chat_request(SETTINGS, chat.history(), turns_logic.code_message(chat))


def check_same_history(srv, app_body: dict) -> None:
    snippet_body = srv.last("streamGenerateContent").body
    assert _normalise(snippet_body["contents"]) == _normalise(app_body["contents"])
    parts = [p for c in snippet_body["contents"] for p in c["parts"]]
    assert any("functionCall" in p and p.get("thoughtSignature") for p in parts)


@pytest.mark.parametrize("case", list(CASES))
def test_python_snippet_resends_the_calls_and_results(case, gemini, snippet_env, tmp_path, srv):  # noqa: F811
    chat = CASES[case](gemini)
    answer, _ = app_text(gemini, code_request(chat))
    request = code_request(chat)
    app_body = srv.last("streamGenerateContent").body
    write_bundle(request, tmp_path)
    out = run([sys.executable, "gemini_request.py"], tmp_path, snippet_env)
    assert answer.strip() and answer.strip() in out
    check_same_history(srv, app_body)
    if case == "pending":  # the results Get code sends are the form's examples
        assert "what get_current_weather returned" in out


@pytest.mark.parametrize("case", list(CASES))
def test_javascript_snippet_resends_the_calls_and_results(case, gemini, snippet_env, srv, request):  # noqa: F811
    node_ready()
    chat = CASES[case](gemini)
    answer, _ = app_text(gemini, code_request(chat))
    req = code_request(chat)
    app_body = srv.last("streamGenerateContent").body
    directory = JS_DIR / ".run" / request.node.name.replace("[", "-").replace("]", "")
    shutil.rmtree(directory, ignore_errors=True)
    write_bundle(req, directory)
    out = run(["node", "gemini_request.mjs"], directory, snippet_env)
    assert answer.strip() and answer.strip() in out
    check_same_history(srv, app_body)


@pytest.mark.parametrize("case", list(CASES))
def test_curl_snippet_resends_the_calls_and_results(case, gemini, snippet_env, tmp_path, srv):  # noqa: F811
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed: .ci/run installs it")
    chat = CASES[case](gemini)
    answer, _ = app_text(gemini, code_request(chat))
    req = code_request(chat)
    app_body = srv.last("streamGenerateContent").body
    write_bundle(req, tmp_path)
    out = run(["bash", "gemini_request.sh"], tmp_path, snippet_env)
    events = [json.loads(line[5:]) for line in out.splitlines() if line.startswith("data:")]
    text = "".join(
        p.get("text", "")
        for e in events
        for p in e["candidates"][0]["content"]["parts"]
        if not p.get("thought")
    )
    assert text == answer, out[:1500]
    check_same_history(srv, app_body)

"""Get code, proven: exported snippets run unmodified (python, node + @google/genai, curl)
against gemini_offline — pointed to only by environment variables — and print what the
app showed for the same request."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from playground.codegen import render
from playground.conversation import Conversation, Turn, text_content
from playground.gemini import (
    Gemini,
    GenerateRequest,
    RetryPolicy,
    build_chat_request,
    build_request,
)
from playground.images import edit_message
from playground.media import ImageStore
from playground.settings import GenerationSettings, ImageSettings
from playground.tools import FUNCTION_EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "tests" / "js"


@pytest.fixture
def gemini(client) -> Gemini:
    return Gemini(client, RetryPolicy(attempts=1))


@pytest.fixture
def snippet_env(srv) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "GOOGLE_API_KEY",
            "GEMINI_API_KEY",
            "GOOGLE_GENAI_USE_VERTEXAI",
            "GOOGLE_GENAI_USE_ENTERPRISE",
        )
    }
    env.update(
        {
            "GEMINI_API_KEY": "snippet-key",
            "GOOGLE_GEMINI_BASE_URL": srv.url,
            "GEMINI_BASE_URL": srv.url,
        }
    )
    return env


def write_bundle(request: GenerateRequest, directory: Path) -> None:
    bundle = render(request)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "gemini_request.py").write_text(bundle.python)
    (directory / "gemini_request.mjs").write_text(bundle.javascript)
    (directory / "gemini_request.sh").write_text(bundle.rest)
    for name, data in bundle.files:
        (directory / name).write_bytes(data)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def app_text(gemini: Gemini, request: GenerateRequest) -> tuple[str, str]:
    """(answer, thoughts) as the app shows them for this request."""
    if request.stream:
        stream = gemini.stream(request)
        list(stream.events())
        reply = stream.reply
    else:
        reply = gemini.generate(request)
    return reply.text, reply.thoughts


def png(color=(30, 80, 200), size=(160, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "legs": {"type": "integer"}},
    "required": ["name", "legs"],
}


def chat_request() -> GenerateRequest:
    history = [
        text_content("user", "Hello"),
        text_content("model", "Great to meet you. What would you like to know?"),
        text_content("user", "I have 2 dogs in my house."),
        text_content("model", "Two dogs! Lovely."),
    ]
    return build_chat_request(
        GenerationSettings(temperature=0),
        history,
        text_content("user", "How many paws are in my house?"),
        stream=False,
    )


TEXT_CASES = {
    "text": lambda: build_request(
        GenerationSettings(
            system_instruction="You are a cat. Your name is Neko.",
            max_output_tokens=500,
            temperature=0.1,
            seed=7,
        ),
        "Hello there",
    ),
    "json_schema": lambda: build_request(
        GenerationSettings(response_format="json", response_schema=SCHEMA), "Describe a cat"
    ),
    "thoughts": lambda: build_request(
        GenerationSettings(thinking_budget=512, include_thoughts=True), "Why is the sky blue?"
    ),
    "stream": lambda: build_request(
        GenerationSettings(temperature=0), "Explain how AI works", stream=True
    ),
    "tools": lambda: build_request(
        GenerationSettings(
            temperature=0,
            seed=7,
            google_search=True,
            code_execution=True,
            function_declarations=FUNCTION_EXAMPLES["Weather lookup"],
        ),
        "Who won the Tour de France in 2024, and what is 12 times 34?",
    ),
    "chat": chat_request,
    "chat_stream": lambda: build_chat_request(
        GenerationSettings(temperature=0),
        [text_content("user", "Hello"), text_content("model", "Hi!")],
        text_content("user", "I have 2 dogs in my house."),
    ),
}


@pytest.mark.parametrize("case", list(TEXT_CASES))
def test_python_snippets_print_what_the_app_showed(case, gemini, snippet_env, tmp_path):
    request = TEXT_CASES[case]()
    answer, thoughts = app_text(gemini, request)
    write_bundle(request, tmp_path)
    out = run([sys.executable, "gemini_request.py"], tmp_path, snippet_env)
    assert answer.strip() and answer.strip() in out
    if thoughts:
        assert f"Thought summary: {thoughts.strip()}" in out
    if case == "json_schema":
        instance = json.loads(out)
        assert isinstance(instance["name"], str) and isinstance(instance["legs"], int)


def test_python_image_generation_writes_the_images(gemini, snippet_env, tmp_path, srv):
    settings = ImageSettings(model="gemini-3.1-flash-image", aspect_ratio="16:9", temperature=0)
    request = build_request(settings, "Generate an image of a lighthouse at dusk")
    reply = gemini.generate(request)
    write_bundle(request, tmp_path)
    out = run([sys.executable, "gemini_request.py"], tmp_path, snippet_env)
    assert reply.text.strip() in out
    written = Image.open(tmp_path / "gemini-image-1.png")
    shown = Image.open(io.BytesIO(reply.images[0].data))
    assert written.size == shown.size and abs(written.width / written.height - 16 / 9) < 0.02
    assert written.convert("RGB").tobytes() == shown.convert("RGB").tobytes()


def test_python_image_edit_writes_the_edited_image(gemini, snippet_env, tmp_path):
    store = ImageStore()
    car = store.add(png(), "image/png")
    settings = ImageSettings(model="gemini-3.1-flash-image")
    request = GenerateRequest(
        settings.model, (edit_message("Make it yellow", [car]),), settings.to_config()
    )
    reply = gemini.generate(request)
    write_bundle(request, tmp_path)
    assert (tmp_path / "image_1.png").read_bytes() == car.data
    out = run([sys.executable, "gemini_request.py"], tmp_path, snippet_env)
    assert reply.text.strip() in out
    written = Image.open(tmp_path / "gemini-image-1.png").convert("RGB")
    shown = Image.open(io.BytesIO(reply.images[0].data)).convert("RGB")
    assert written.tobytes() == shown.tobytes()
    assert written.resize((160, 100)).tobytes() != Image.open(io.BytesIO(car.data)).tobytes()


def test_python_edit_chat_with_image_history_and_signatures(gemini, snippet_env, tmp_path, srv):
    """A multi-turn edit: the history holds the model's image and its thought signature."""
    settings = ImageSettings(model="gemini-3.1-flash-image")
    store = ImageStore()
    chat = Conversation()
    first = edit_message("Turn this car into a convertible", [store.add(png(), "image/png")])
    reply = gemini.generate(build_chat_request(settings, [], first, stream=False))
    chat.add_user(first)
    chat.add(Turn("model", reply.first.content))
    request = build_chat_request(
        settings, chat.history(), text_content("user", "Now make it yellow"), stream=False
    )
    second = gemini.generate(request)
    app_body = srv.last("generateContent").body
    write_bundle(request, tmp_path)
    run([sys.executable, "gemini_request.py"], tmp_path, snippet_env)
    snippet_body = srv.last("generateContent").body
    assert _normalise(snippet_body["contents"][1:]) == _normalise(app_body["contents"][1:])
    written = Image.open(tmp_path / "gemini-image-1.png").convert("RGB")
    assert (
        written.tobytes() == Image.open(io.BytesIO(second.images[0].data)).convert("RGB").tobytes()
    )


def _normalise(contents: list[dict]) -> list[dict]:
    """Wire contents with base64 decoded (either alphabet) and keys in camelCase."""

    def fix(value):
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                camel = "".join(w.capitalize() if i else w for i, w in enumerate(key.split("_")))
                if camel in ("data", "thoughtSignature") and isinstance(item, str):
                    item = base64.urlsafe_b64decode(item.replace("+", "-").replace("/", "_"))
                out[camel] = fix(item)
            return out
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    return fix(contents)


def node_ready() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: .ci/run installs Debian's nodejs")
    if not (JS_DIR / "node_modules" / "@google" / "genai").is_dir():
        pytest.fail("@google/genai is missing: run `npm install --prefix tests/js`")


@pytest.mark.parametrize("case", ["text", "stream", "chat", "chat_stream", "tools"])
def test_javascript_snippets_run_with_node(case, gemini, snippet_env, request):
    node_ready()
    req = TEXT_CASES[case]()
    answer, _ = app_text(gemini, req)
    directory = JS_DIR / ".run" / request.node.name.replace("[", "-").replace("]", "")
    shutil.rmtree(directory, ignore_errors=True)
    write_bundle(req, directory)
    out = run(["node", "gemini_request.mjs"], directory, snippet_env)
    assert answer.strip() in out


@pytest.mark.parametrize("case", ["text", "stream", "tools"])
def test_curl_snippets_run(case, gemini, snippet_env, tmp_path):
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed: .ci/run installs it")
    req = TEXT_CASES[case]()
    answer, _ = app_text(gemini, req)
    write_bundle(req, tmp_path)
    out = run(["bash", "gemini_request.sh"], tmp_path, snippet_env)
    if req.stream:
        events = [json.loads(line[5:]) for line in out.splitlines() if line.startswith("data:")]
        text = "".join(
            p.get("text", "")
            for e in events
            for p in e["candidates"][0]["content"]["parts"]
            if not p.get("thought")
        )
    else:
        parts = json.loads(out)["candidates"][0]["content"]["parts"]
        text = "".join(p.get("text", "") for p in parts if not p.get("thought"))
    assert text == answer


def test_curl_with_an_image_base64_encodes_it_in_the_shell(gemini, snippet_env, tmp_path, srv):
    store = ImageStore()
    organ = store.add(png((120, 60, 20)), "image/png")
    settings = GenerationSettings(temperature=0)
    req = build_request(settings, "Tell me about this instrument", [_attachment(organ)])
    answer, _ = app_text(gemini, req)
    write_bundle(req, tmp_path)
    out = run(["bash", "gemini_request.sh"], tmp_path, snippet_env)
    parts = json.loads(out)["candidates"][0]["content"]["parts"]
    assert "".join(p.get("text", "") for p in parts if not p.get("thought")) == answer
    sent = srv.last("generateContent").body["contents"][0]["parts"][1]["inlineData"]["data"]
    assert base64.b64decode(sent) == organ.data


def _attachment(image):
    from playground.media import Attachment

    return Attachment("organ.png", image.mime_type, image.data, image.width, image.height)


def test_snippets_never_hold_the_key():
    for request in (factory() for factory in TEXT_CASES.values()):
        bundle = render(request)
        for text in (bundle.python, bundle.javascript, bundle.rest):
            assert "snippet-key" not in text and "api_key=" not in text
        assert "$GEMINI_API_KEY" in bundle.rest

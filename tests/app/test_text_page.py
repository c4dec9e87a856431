"""AppTest on app.py: the Text page in offline demo mode, asserted on the page and the wire."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import urllib.request

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.app.conftest import all_text


def replay(server, recorded) -> dict:
    """Send a recorded request body again, straight to the server; return the JSON reply."""
    request = urllib.request.Request(
        f"{server.url}{recorded.path}",
        data=json.dumps(recorded.body).encode(),
        headers={"content-type": "application/json", "x-goog-api-key": "replay"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def run_prompt(at: AppTest, prompt: str) -> AppTest:
    at.text_area(key="text.prompt").input(prompt)
    at.button(key="text.run").click().run()
    assert not at.exception, at.exception
    return at


def page_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.main.markdown)


def png_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def test_renders_offline_with_no_key_and_no_network(app, offline):
    banner = " ".join(i.value for i in app.info)
    assert "Offline demo" in banner and "simulated" in banner
    assert app.text_area(key="text.prompt").value == ""
    assert [r.action for r in offline.requests if r.action != "countTokens"] == ["list"]


def test_model_picker_lists_text_models_from_the_server(app, offline):
    labels = app.sidebar.selectbox(key="settings.model").options
    listed = {m["displayName"]: m["name"].removeprefix("models/") for m in offline_models(offline)}
    assert labels and set(labels) <= set(listed)
    options = [listed[label] for label in labels]
    assert not any("image" in o or "embedding" in o for o in options)
    assert app.sidebar.selectbox(key="settings.model").value == "gemini-2.5-flash"


def offline_models(server) -> list[dict]:
    with urllib.request.urlopen(
        urllib.request.Request(
            f"{server.url}/v1/models?pageSize=100", headers={"x-goog-api-key": "k"}
        ),
        timeout=10,
    ) as response:
        return json.loads(response.read())["models"]


def test_a_run_shows_the_reply_the_server_sent(app, offline):
    app.sidebar.slider(key="settings.temperature").set_value(0.0)
    run_prompt(app, "How does AI work?")
    sent = offline.last("generateContent")
    assert sent.user_texts == ["How does AI work?"]
    expected = replay(offline, sent)["candidates"][0]["content"]["parts"][0]["text"]
    assert expected.strip() and expected.strip() in page_markdown(app)
    metrics = {m.label: m.value for m in app.main.metric}
    usage = replay(offline, sent)["usageMetadata"]
    assert metrics["Output tokens"] == f"{usage['candidatesTokenCount']:,}"
    assert "Finish" not in metrics  # in words instead: a metric truncates "MAX_TOKENS"
    assert ":material/flag: **Finish:** complete (`STOP`)" in page_markdown(app)
    assert "gemini-2.5-flash" in " ".join(c.value for c in app.main.caption)


def test_reply_survives_a_rerun(app, offline):
    run_prompt(app, "Explain how AI works")
    before = page_markdown(app)
    app.run()
    assert page_markdown(app) == before
    assert len([r for r in offline.requests if r.action == "generateContent"]) == 1


@pytest.mark.parametrize(
    ("widget", "key", "value", "field", "expected"),
    [
        ("slider", "settings.temperature", 0.3, "temperature", 0.3),
        ("slider", "settings.top_p", 0.5, "topP", 0.5),
        ("slider", "settings.max_output_tokens", 256, "maxOutputTokens", 256),
        ("slider", "settings.candidate_count", 3, "candidateCount", 3),
        ("slider", "settings.presence_penalty", 0.5, "presencePenalty", 0.5),
        ("slider", "settings.frequency_penalty", -0.5, "frequencyPenalty", -0.5),
        ("number_input", "settings.top_k", 20, "topK", 20),
        ("number_input", "settings.seed", 1234, "seed", 1234),
        ("text_area", "settings.stop_sequences", "END\nSTOP", "stopSequences", ["END", "STOP"]),
    ],
)
def test_each_setting_changes_what_is_sent(app, offline, widget, key, value, field, expected):
    getattr(app.sidebar, widget)(key=key).set_value(value)
    run_prompt(app, "Explain how AI works")
    assert offline.last("generateContent").generation_config[field] == expected


def test_defaults_leave_sampling_to_the_model(app, offline):
    run_prompt(app, "Explain how AI works")
    config = offline.last("generateContent").generation_config
    assert set(config) == {"maxOutputTokens"}


def test_model_choice_changes_the_url(app, offline):
    app.sidebar.selectbox(key="settings.model").select("gemini-2.5-pro")
    run_prompt(app, "Hello there")
    assert offline.last("generateContent").model == "gemini-2.5-pro"


def test_json_mode_with_schema(app, offline):
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "legs": {"type": "integer"}},
        "required": ["name", "legs"],
    }
    app.sidebar.segmented_control(key="settings.response_format").set_value("JSON").run()
    app.sidebar.text_area(key="settings.response_schema").input(json.dumps(schema))
    run_prompt(app, "Describe a cat")
    config = offline.last("generateContent").generation_config
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == schema
    shown = app.main.json[0].value
    instance = json.loads(shown)
    assert isinstance(instance["name"], str) and isinstance(instance["legs"], int)


def test_malformed_schema_blocks_the_run_and_keeps_the_text(app, offline):
    app.sidebar.segmented_control(key="settings.response_format").set_value("JSON").run()
    app.sidebar.text_area(key="settings.response_schema").input('{"type": "object",')
    run_prompt(app, "Describe a cat")
    assert "not valid JSON" in " ".join(e.value for e in app.sidebar.error)
    assert "not valid JSON" in " ".join(w.value for w in app.main.warning)
    assert offline.last("generateContent") is None
    assert app.sidebar.text_area(key="settings.response_schema").value == '{"type": "object",'
    assert app.text_area(key="text.prompt").value == "Describe a cat"


def test_thinking_budget_and_thoughts(app, offline):
    app.sidebar.toggle(key="settings.custom_thinking").set_value(True).run()
    app.sidebar.slider(key="settings.thinking_budget").set_value(1024)
    app.sidebar.toggle(key="settings.include_thoughts").set_value(True)
    run_prompt(app, "Why is the sky blue?")
    thinking = offline.last("generateContent").generation_config["thinkingConfig"]
    assert thinking.get("thinkingBudget", thinking.get("thinking_budget")) == 1024
    assert thinking.get("includeThoughts", thinking.get("include_thoughts")) is True
    assert [e.label for e in app.main.expander if e.label == "Thoughts"]
    assert int(next(m.value for m in app.main.metric if m.label == "Thought tokens")) > 0


def test_gemini_3_models_get_a_thinking_level(app, offline):
    app.sidebar.selectbox(key="settings.model").select("gemini-3-pro-preview").run()
    assert not app.sidebar.get("toggle") or all(
        t.key != "settings.custom_thinking" for t in app.sidebar.toggle
    )
    app.sidebar.selectbox(key="settings.thinking_level").select("LOW")
    run_prompt(app, "Why is the sky blue?")
    thinking = offline.last("generateContent").generation_config["thinkingConfig"]
    assert thinking.get("thinkingLevel", thinking.get("thinking_level")) == "LOW"


def test_safety_threshold_is_sent(app, offline):
    app.sidebar.selectbox(key="settings.safety.HARM_CATEGORY_HARASSMENT").select("BLOCK_ONLY_HIGH")
    run_prompt(app, "Hello")
    assert offline.last("generateContent").body["safetySettings"] == [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
    ]


def test_system_instruction_is_sent_and_followed(app, offline):
    app.text_area(key="settings.system_instruction").input("You are a cat. Your name is Neko.")
    run_prompt(app, "Hello there")
    assert offline.last("generateContent").system_text == "You are a cat. Your name is Neko."
    assert "Neko" in page_markdown(app)


def test_candidates_are_shown_side_by_side(app, offline):
    app.sidebar.slider(key="settings.candidate_count").set_value(2)
    run_prompt(app, "Write a haiku about the sea")
    labels = [t.label for t in app.main.tabs]
    assert [label for label in labels if label.startswith("Candidate")] == [
        "Candidate 1",
        "Candidate 2",
    ]
    sent = replay(offline, offline.last("generateContent"))
    texts = [c["content"]["parts"][-1]["text"] for c in sent["candidates"]]
    assert len(texts) == 2


def test_max_tokens_finish_is_explained(app, offline):
    app.sidebar.slider(key="settings.max_output_tokens").set_value(5)
    run_prompt(app, "Explain how AI works")
    assert "raise Max output tokens" in " ".join(i.value for i in app.main.info)
    assert "**Finish:** cut at Max output tokens (`MAX_TOKENS`)" in page_markdown(app)


def test_attachments_reach_the_server(app, offline):
    image = png_bytes((64, 48))
    app.text_area(key="text.prompt").input("Tell me about this instrument")
    app.file_uploader(key="text.attachments").upload("organ.png", image, "image/png").run()
    app.button(key="text.run").click().run()
    assert not app.exception
    sent = offline.last("generateContent").body["contents"][-1]["parts"]
    inline = [
        p.get("inlineData") or p.get("inline_data")
        for p in sent
        if "inlineData" in p or "inline_data" in p
    ]
    assert len(inline) == 1
    assert base64.urlsafe_b64decode(inline[0]["data"]) == image
    assert "64×48" in page_markdown(app)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.png", b"this is a text file, renamed", "not an image"),
        ("broken.png", png_bytes()[:60], "corrupt"),
    ],
)
def test_bad_attachments_get_a_message_and_keep_the_prompt(app, offline, name, data, message):
    app.text_area(key="text.prompt").input("What is this?")
    app.file_uploader(key="text.attachments").upload(name, data, "image/png").run()
    app.button(key="text.run").click().run()
    assert not app.exception
    warnings = " ".join(w.value for w in app.main.warning)
    assert message in warnings and name in warnings
    assert offline.last("generateContent") is None
    assert app.text_area(key="text.prompt").value == "What is this?"


def test_empty_prompt_gets_a_message_and_no_call(app, offline):
    app.button(key="text.run").click().run()
    assert "prompt is empty" in " ".join(w.value for w in app.main.warning)
    assert offline.last("generateContent") is None


def test_token_count_of_the_prompt(app, offline):
    app.text_area(key="text.prompt").input("How does AI work?").run()
    counted = offline.last("countTokens")
    assert counted is not None
    caption = " ".join(c.value for c in app.main.caption)
    assert "tokens" in caption and any(ch.isdigit() for ch in caption)


FAULTS = [
    ("[[fault:400]]", "error", "400 INVALID_ARGUMENT"),
    ("[[fault:429]]", "error", "429 RESOURCE_EXHAUSTED"),
    ("[[fault:500]]", "error", "500 INTERNAL"),
    ("[[fault:503]]", "error", "503 UNAVAILABLE"),
    ("[[fault:timeout]]", "error", "timed out"),
    ("[[fault:cut]]", "error", "connection dropped"),
    ("[[fault:midstream]]", "error", "500 INTERNAL"),
    (
        "[[block:SAFETY]]",
        "warning",
        "Prompt blocked (SAFETY)** — The prompt was blocked by the safety filters. Rephrase it "
        "or relax the safety settings in the sidebar.",
    ),
    ("[[finish:SAFETY]]", "info", "safety filters"),
    ("[[finish:RECITATION]]", "info", "reciting"),
]


@pytest.mark.parametrize(("directive", "element", "message"), FAULTS)
def test_fault_directives_give_a_clear_message_and_keep_the_prompt(
    app, offline, directive, element, message
):
    prompt = f"Explain how AI works {directive}"
    run_prompt(app, prompt)
    shown = " ".join(e.value for e in getattr(app.main, element))
    assert message in shown
    assert app.text_area(key="text.prompt").value == prompt


def test_retryable_faults_are_retried_with_backoff(app, offline):
    run_prompt(app, "Explain how AI works [[fault:503]]")
    attempts = [r for r in offline.requests if r.action == "generateContent"]
    assert len(attempts) == 3
    assert "Tried 3 times" in " ".join(e.value for e in app.main.error)


def test_fault_429x2_succeeds_on_the_third_attempt(app, offline):
    run_prompt(app, "Explain how AI works [[fault:429x2]]")
    assert not app.main.error
    assert len([r for r in offline.requests if r.action == "generateContent"]) == 3
    assert "succeeded after 3 attempts" in " ".join(c.value for c in app.main.caption)


def test_bad_key_gets_a_clear_message_and_stays_offline(app, offline, monkeypatch):
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", offline.url)  # a Gemini endpoint to ask
    app.sidebar.text_input(key="connection.key_input").input("invalid-key")
    app.sidebar.button(key="connection.use_key").click().run()
    assert "API key not valid" in " ".join(e.value for e in app.sidebar.error)
    assert "Offline demo" in " ".join(i.value for i in app.info)
    assert app.session_state["connection.api_key"] is None
    # the rejected key is not left in the password box (nor anywhere on the page)
    assert app.sidebar.text_input(key="connection.key_input").value == ""
    assert "invalid-key" not in all_text(app)


def test_a_pasted_key_is_used_and_never_rendered_back(app, offline, monkeypatch):
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", offline.url)
    key = "my-pasted-secret-key-0123456789"
    app.sidebar.text_input(key="connection.key_input").input(key)
    app.sidebar.button(key="connection.use_key").click().run()
    assert not app.exception
    assert "Gemini API (custom endpoint)" in " ".join(c.value for c in app.main.caption)
    run_prompt(app, "Hello there [[fault:400]]")
    run_prompt(app, "Hello there")
    assert offline.last("generateContent").key_hint == hashlib.sha256(key.encode()).hexdigest()[:12]
    # an accepted key is swapped for "Forget my key"; no input holds it
    assert "Forget my key" in [b.label for b in app.sidebar.button]
    assert key not in [t.value for t in app.sidebar.text_input]
    assert key not in all_text(app)
    assert all(
        key not in str(v)
        for k, v in app.session_state.to_dict().items()
        if k != "connection.api_key"
    )

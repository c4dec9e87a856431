"""AppTest: demo polish (#14, part 4) — the Offline demo switch shows the mode in use, the
finish reason is words that wrap, the tuning grid escapes its previews and counts whole
cells, Max output tokens takes an exact number, and no internal jargon on screen."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, all_text
from tests.app.test_url_state import fresh, query_of

SWITCH = "connection.offline_switch"
MAX = "settings.max_output_tokens"
EXACT = "settings.max_output_tokens.exact"


def banner(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def test_the_switch_is_on_when_offline_for_want_of_a_key(app):
    assert app.sidebar.toggle(key=SWITCH).value is True
    assert "Offline demo" in banner(app)
    assert app.session_state["app.connected"].plan.offline_reason == "no_key"


def test_turning_it_off_without_a_key_says_a_key_is_needed(app):
    app.sidebar.toggle(key=SWITCH).set_value(False).run()
    assert not app.exception, app.exception
    notice = " ".join(i.value for i in app.sidebar.info)
    assert "stays on" in notice and "API key" in notice
    assert app.sidebar.toggle(key=SWITCH).value is True
    assert app.session_state["app.connected"].plan.mode == "offline"
    key_box = next(e for e in app.sidebar.expander if e.label == "Use your Gemini API key")
    assert key_box.proto.expanded, "the way to a key is opened beside the notice"


def test_with_a_key_the_switch_is_off_and_turns_the_demo_on(offline, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "local")  # the deployment's key is for this user
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-for-the-switch")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", offline.url)
    at = AppTest.from_file(APP, default_timeout=20).run()
    assert not at.exception, at.exception
    assert at.sidebar.toggle(key=SWITCH).value is False
    assert at.session_state["app.connected"].plan.mode == "gemini"
    at.sidebar.toggle(key=SWITCH).set_value(True).run()
    plan = at.session_state["app.connected"].plan
    assert (plan.mode, plan.offline_reason) == ("offline", "switched")
    assert at.sidebar.toggle(key=SWITCH).value is True and not at.sidebar.info
    at.sidebar.toggle(key=SWITCH).set_value(False).run()
    assert at.session_state["app.connected"].plan.mode == "gemini"
    assert at.sidebar.toggle(key=SWITCH).value is False and not at.sidebar.info


def test_exactly_500_output_tokens_goes_over_the_wire(app, offline):
    app.sidebar.number_input(key=EXACT).set_value(500).run()
    assert app.sidebar.slider(key=MAX).value == 500
    app.text_area(key="text.prompt").input("Explain how AI works")
    app.button(key="text.run").click().run()
    assert not app.exception, app.exception
    assert offline.last("generateContent").generation_config["maxOutputTokens"] == 500
    # the slider moves the box too, and the box still wins afterwards: no fighting
    app.sidebar.slider(key=MAX).set_value(1025).run()
    assert app.sidebar.number_input(key=EXACT).value == 1025
    app.sidebar.number_input(key=EXACT).set_value(777).run()
    assert app.sidebar.slider(key=MAX).value == 777
    assert app.session_state["settings"].max_output_tokens == 777


def test_an_exact_max_output_tokens_round_trips_through_the_url(offline):
    at = fresh()
    at.sidebar.number_input(key=EXACT).set_value(500).run()
    assert query_of(at)["max"] == "500"
    again = fresh(query_of(at))
    assert again.sidebar.number_input(key=EXACT).value == 500
    assert again.session_state["settings"].max_output_tokens == 500


def test_streaming_finish_reason_is_words_not_a_metric(app):
    app.switch_page("views/stream.py").run()
    app.sidebar.number_input(key=EXACT).set_value(5).run()
    app.text_area(key="stream.prompt").input("Explain how AI works")
    app.button(key="stream.run").click().run()
    assert not app.exception, app.exception
    assert "Finish" not in [m.label for m in app.main.metric]
    line = next(m.value for m in app.main.markdown if "**Finish:**" in m.value)
    assert "cut at Max output tokens" in line and "MAX_TOKENS" in line


@pytest.fixture
def tuning(app: AppTest) -> AppTest:
    app.switch_page("views/system.py").run()
    assert not app.exception, app.exception
    return app


def run_grid(at: AppTest, instructions: list[str], prompts: str, samples: int = 1) -> AppTest:
    at.slider(key="system.count").set_value(len(instructions)).run()
    for index, text in enumerate(instructions):
        at.text_area(key=f"system.variant.{index}").input(text)
    at.text_area(key="system.prompts").input(prompts)
    at.slider(key="system.samples").set_value(samples).run()
    at.button(key="system.run").click().run(timeout=60)
    assert not at.exception, at.exception
    return at


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.main.get("vega_lite_chart")]


def marks(spec: dict) -> set[str]:
    found = set()
    for layer in spec.get("layer", [spec]):
        mark = layer.get("mark")
        found.add(mark if isinstance(mark, str) else mark["type"])
    return found


def test_grid_previews_escape_markdown(tuning):
    run_grid(tuning, ["Mention gemini_offline *by name*", ""], "Say __hi__ to gemini_offline")
    captions = [c.value for c in tuning.main.caption]
    assert r"Mention gemini\_offline \*by name\*" in captions
    assert "(no system instruction)" in captions
    assert r"**Prompt 1:** Say \_\_hi\_\_ to gemini\_offline" in [
        m.value for m in tuning.main.markdown
    ]


def test_finish_chart_counts_whole_cells_and_boxes_need_three_samples(tuning):
    run_grid(tuning, ["", "You are a cat. Your name is Neko."], "Hello there")
    specs = chart_specs(tuning)
    finish = next(s for s in specs if s.get("title") == "Finish reasons")
    axis = finish["encoding"]["y"]["axis"]
    assert axis["format"] == "d" and axis["tickMinStep"] == 1
    spreads = [s for s in specs if s.get("title") in ("Latency (s)", "Output tokens")]
    assert len(spreads) == 2 and all(marks(s) == {"circle"} for s in spreads)

    tuning.slider(key="system.samples").set_value(3).run()
    tuning.button(key="system.run").click().run(timeout=60)
    spreads = [s for s in chart_specs(tuning) if s.get("title") in ("Latency (s)", "Output tokens")]
    assert all(marks(s) == {"boxplot", "circle"} for s in spreads)


def test_no_internal_jargon_on_screen(tuning):
    tuning.selectbox(key="system.preset.0").select("Cat named Neko").run()
    assert tuning.text_area(key="system.variant.0").value == "You are a cat. Your name is Neko."
    text = all_text(tuning)
    assert "the seed" not in text.lower()
    assert "Cat named Neko" in tuning.selectbox(key="system.preset.0").options

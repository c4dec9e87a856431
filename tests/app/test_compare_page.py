"""AppTest: the Compare page — one prompt streamed to two models side by side, figures and
cost per column, the vote, the word diff, Use this, and a failing column beside a good one."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import replay_text

PROMPT = "Explain how AI works"


@pytest.fixture
def page(app: AppTest) -> AppTest:
    app.switch_page("views/compare.py").run()
    app.sidebar.slider(key="settings.temperature").set_value(0.0).run()  # replies repeatable
    assert not app.exception, app.exception
    return app


def run_compare(at: AppTest, prompt: str = PROMPT) -> AppTest:
    at.text_area(key="compare.prompt").input(prompt)
    at.button(key="compare.go").click().run()
    assert not at.exception, at.exception
    return at


def streams(offline) -> list:
    return [r for r in offline.log.entries if r.action == "streamGenerateContent"]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.main.caption)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.main.markdown)


def test_two_columns_stream_two_models_with_figures_and_cost(page, offline):
    first = page.selectbox(key="compare.model.0").value
    second = page.selectbox(key="compare.model.1").value
    assert first == page.sidebar.selectbox(key="settings.model").value
    assert first != second  # the columns start with two different models
    run_compare(page)
    sent = streams(offline)
    assert sorted(r.model for r in sent) == sorted([first, second])
    assert all(r.body["contents"][-1]["parts"][0]["text"] == PROMPT for r in sent)
    shown = markdown(page)
    for request in sent:
        assert replay_text(offline, request).strip()[:60] in shown
    names = [h.value for h in page.main.subheader]
    assert "Gemini 2.5 Flash" in names and len(set(names) - {"Word diff"}) == 2
    text = captions(page)
    assert text.count("First token") == 2 and text.count("tokens/s") == 2
    assert text.count("output tokens") == 2 and text.count("latency") == 2
    assert text.count("Cost: would cost $") == 2  # the offline demo bills nothing
    assert "(`STOP`)" in text


def test_vote_diff_and_use_this(page, offline):
    run_compare(page)
    second_model = page.selectbox(key="compare.model.1").value
    labels = [h.value for h in page.main.subheader if h.value != "Word diff"]
    page.button(key="compare.best.1").click().run()
    assert "Voted best" in [s.value for s in page.main.success]
    assert f"Your vote: **{labels[1]}**" in captions(page)
    run = page.session_state["compare.run"]
    assert run.best == 1 and run.best_label == labels[1]

    diff = next(m.value for m in page.main.markdown if ":green[" in m.value or ":red[" in m.value)
    assert ":red[~~" in diff or ":green[" in diff
    assert "words added" in captions(page)

    page.button(key="compare.use.1").click().run()
    assert not page.exception, page.exception
    assert page.sidebar.selectbox(key="settings.model").value == second_model
    assert "now the model in the sidebar" in " ".join(s.value for s in page.main.success)
    assert page.session_state["settings"].model == second_model


def test_empty_prompt_sends_nothing(page, offline):
    page.button(key="compare.go").click().run()
    assert "prompt is empty" in " ".join(w.value for w in page.main.warning)
    assert streams(offline) == []


def test_a_failing_column_does_not_hide_the_other(page, offline):
    # Thinking level MINIMAL is for Gemini 3 Flash; Gemini 3 Pro refuses it with a 400.
    page.sidebar.selectbox(key="settings.model").set_value("gemini-3-flash-preview").run()
    page.sidebar.selectbox(key="settings.thinking_level").set_value("MINIMAL").run()
    page.selectbox(key="compare.model.0").set_value("gemini-3-flash-preview")
    page.selectbox(key="compare.model.1").set_value("gemini-3-pro-preview").run()
    run_compare(page)
    sent = {r.model: r for r in streams(offline)}
    assert set(sent) == {"gemini-3-flash-preview", "gemini-3-pro-preview"}
    errors = " ".join(e.value for e in page.main.error)
    assert "Thinking level MINIMAL is not supported" in errors
    assert replay_text(offline, sent["gemini-3-flash-preview"]).strip()[:60] in markdown(page)
    assert captions(page).count("Cost: would cost $") == 1  # no figures for the failed column


def test_a_429_in_every_column_is_retried_and_both_finish(page, offline):
    run_compare(page, f"{PROMPT} [[fault:429x1]]")
    assert len(streams(offline)) == 4  # each column: one 429, then its stream
    assert captions(page).count("Cost: would cost $") == 2
    assert not page.main.error


def test_the_columns_stream_at_the_same_time(page, offline):
    offline.options.chunk_delay_ms = 10
    try:
        started = time.perf_counter()
        run_compare(page)
        wall = time.perf_counter() - started
    finally:
        offline.options.chunk_delay_ms = 0
    latencies = [c.reply.timing.latency_s for c in page.session_state["compare.run"].columns]
    assert min(latencies) > 0.3  # each stream took a while…
    assert wall < sum(latencies) * 0.8  # …and they overlapped instead of queueing


def test_four_columns_send_four_models(page, offline):
    page.radio(key="compare.count").set_value(4).run()
    chosen = [page.selectbox(key=f"compare.model.{i}").value for i in range(4)]
    assert len(set(chosen)) == 4  # each new column starts with a model not yet in use
    run_compare(page)
    assert sorted(r.model for r in streams(offline)) == sorted(chosen)
    assert captions(page).count("Cost: would cost $") == 4
    assert page.button(key="compare.best.3").label == "Best"


def test_a_429_that_lasts_is_explained_in_each_column_without_figures(page, offline):
    run_compare(page, f"{PROMPT} [[fault:429]]")
    errors = [e.value for e in page.main.error]
    assert len(errors) == 2 and errors[0] == errors[1]
    assert "429 RESOURCE_EXHAUSTED" in errors[0] and "You hit a rate limit" in errors[0]
    assert "First token" not in captions(page) and "Cost:" not in captions(page)
    assert page.text_area(key="compare.prompt").value == f"{PROMPT} [[fault:429]]"

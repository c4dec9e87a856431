"""AppTest: the Streaming page — live text, timing figures, finish reason, Stop and cuts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import replay_text


@pytest.fixture
def page(app: AppTest) -> AppTest:
    app.switch_page("views/stream.py").run()
    assert not app.exception, app.exception
    return app


def run_prompt(at: AppTest, prompt: str) -> AppTest:
    at.text_area(key="stream.prompt").input(prompt)
    at.button(key="stream.run").click().run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.main.metric}


def finish(at: AppTest) -> str:
    """The finish reason, shown in words with its API name (a line that wraps, no metric)."""
    return next(m.value for m in at.main.markdown if "**Finish:**" in m.value)


def shown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.main.markdown)


def test_streamed_text_timing_and_finish(page, offline):
    page.sidebar.slider(key="settings.temperature").set_value(0.0)
    run_prompt(page, "Explain how AI works")
    sent = offline.last("streamGenerateContent")
    assert sent is not None and sent.query.get("alt") == "sse"
    assert replay_text(offline, sent).strip() in shown(page)
    figures = metrics(page)
    assert int(figures["Chunks"]) > 3
    assert figures["Time to first token"].endswith(" s")
    assert figures["Tokens/s"] != "—" and figures["Total time"].endswith(" s")
    assert "Finish" not in figures and finish(page).endswith("(`STOP`)")
    assert any("Output tokens over time" in c.value for c in page.main.caption)


def test_max_tokens_is_explained(page, offline):
    page.sidebar.slider(key="settings.max_output_tokens").set_value(5)
    run_prompt(page, "Explain how AI works")
    assert finish(page).endswith("(`MAX_TOKENS`)")
    assert "raise Max output tokens" in " ".join(i.value for i in page.main.info)


def test_thoughts_have_their_own_expander(page, offline):
    page.sidebar.toggle(key="settings.include_thoughts").set_value(True)
    run_prompt(page, "Why is the sky blue?")
    expander = next(e for e in page.main.expander if e.label == "Thoughts")
    thought = " ".join(m.value for m in expander.markdown)
    assert thought and thought not in " ".join(
        m.value for m in page.main.markdown if m not in expander.markdown
    )


def test_empty_prompt_is_refused_without_a_call(page, offline):
    page.button(key="stream.run").click().run()
    assert "prompt is empty" in " ".join(w.value for w in page.main.warning)
    assert offline.last("streamGenerateContent") is None


def test_a_cut_stream_keeps_partial_text_and_offers_retry(page, offline):
    run_prompt(page, "Explain how AI works [[fault:cut]]")
    text = shown(page)
    assert "AI" in text
    assert "ended before the model finished" in " ".join(e.value for e in page.main.error)
    assert finish(page).endswith("(`CUT`)")
    page.button(key="stream.retry").click().run()
    assert len([r for r in offline.requests if r.action == "streamGenerateContent"]) == 2
    assert page.text_area(key="stream.prompt").value == "Explain how AI works [[fault:cut]]"


def test_an_error_midstream_keeps_partial_text(page, offline):
    run_prompt(page, "Explain how AI works [[fault:midstream]]")
    errors = " ".join(e.value for e in page.main.error)
    assert "500 INTERNAL" in errors and "text that arrived is kept" in errors
    assert "AI" in shown(page)
    assert page.button(key="stream.retry")


def test_stop_keeps_the_partial_text_marked_stopped(page, offline):
    """A Stop click interrupts the script mid-stream; the next run finds the parked run."""
    from playground.gemini import build_request
    from playground.settings import GenerationSettings

    link = page.session_state["app.connected"]
    run = link.gemini.stream(
        build_request(GenerationSettings(), "Explain how AI works", stream=True)
    )
    events = run.events()
    arrived = "".join(next(events).text for _ in range(4))
    page.session_state["stream.inflight"] = run  # what stream_live parks while streaming
    page.run()
    assert "Stopped" in " ".join(w.value for w in page.main.warning)
    assert arrived.strip() in shown(page)
    assert finish(page).endswith("(`STOPPED`)")
    assert page.button(key="stream.retry")


@pytest.mark.parametrize(
    ("directive", "message"),
    [
        ("[[fault:503]]", "503 UNAVAILABLE"),
        ("[[fault:400]]", "400 INVALID_ARGUMENT"),
        ("[[fault:timeout]]", "timed out"),
    ],
)
def test_failures_before_the_first_chunk(page, offline, directive, message):
    run_prompt(page, f"Explain how AI works {directive}")
    assert message in " ".join(e.value for e in page.main.error)
    assert page.text_area(key="stream.prompt").value.endswith(directive)


def test_blocked_prompt_in_a_stream(page, offline):
    run_prompt(page, "Explain how AI works [[block:SAFETY]]")
    assert (
        "Prompt blocked (SAFETY)** — The prompt was blocked by the safety filters. Rephrase it "
        "or relax the safety settings in the sidebar."
    ) in " ".join(w.value for w in page.main.warning)


def test_a_remote_image_in_the_streamed_reply_is_shown_as_a_link(page, offline):
    # gemini_offline quotes the text it summarises, so the reply carries the image.
    run_prompt(page, "Summarize: The page shows ![cat](https://evil.example/cat.png) on a mat.")
    texts = [m.value for m in page.main.markdown]
    assert any("[Image: cat (https\\://evil.example/cat.png)]" in t for t in texts)
    assert not any("![cat]" in t for t in texts)

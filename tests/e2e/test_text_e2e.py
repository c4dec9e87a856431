"""The Text page in a real browser: type a prompt, run it offline, see the reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_run_a_prompt_offline_and_see_the_reply(page, app_url):
    page.goto(app_url)
    page.get_by_text("Offline demo", exact=False).first.wait_for()
    screenshot(page, "text-01-empty")
    prompt = page.get_by_label("Prompt")
    prompt.fill("How does AI work?")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("Output tokens", exact=True).wait_for()
    reply = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="for real answers")
    expect(reply.last).to_be_visible()
    assert "AI" in reply.last.inner_text()  # the simulated reply is about the prompt's topic
    expect(page.get_by_text("Finish")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    path = screenshot(page, "text-02-reply")
    assert path.stat().st_size > 10_000


def test_a_fault_shows_a_message_not_a_traceback(page, app_url):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    prompt.fill("Explain how AI works [[fault:400]]")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("400 INVALID_ARGUMENT").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_label("Prompt").input_value() == "Explain how AI works [[fault:400]]"
    screenshot(page, "text-03-fault")


def test_a_run_that_hangs_shows_its_clock_and_can_be_cancelled(page, app_url):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    text = "Explain how AI works [[fault:timeout]]"
    prompt.fill(text)
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    clock = page.get_by_text("Calling Gemini…", exact=False)
    clock.wait_for()
    page.wait_for_function(  # the clock moves while the call waits
        "() => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
        ".some(e => /Calling Gemini… [1-9][0-9]*\\.[0-9] s/.test(e.innerText))"
    )
    screenshot(page, "text-04-waiting")
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("You cancelled the run", exact=False).wait_for(timeout=5_000)
    expect(page.get_by_text("Calling Gemini…", exact=False)).to_have_count(0)
    assert page.get_by_label("Prompt").input_value() == text
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "text-05-cancelled")


def test_touching_a_setting_while_a_reply_is_on_its_way_loses_nothing(page, app_url):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    prompt.fill("Explain how AI works [[fault:429x2]]")  # two retries: a run of a few seconds
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("retrying in", exact=False).first.wait_for()  # the call is in its backoff
    temperature = page.get_by_role("slider", name="Temperature")
    temperature.focus()
    temperature.press("ArrowLeft")  # a rerun while the call waits
    reply = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="for real answers")
    expect(reply.last).to_be_visible(timeout=30_000)
    expect(page.get_by_text("You cancelled", exact=False)).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "text-06-kept-across-a-rerun")


def test_get_code_opens_with_the_request_as_code(page, app_url):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    prompt.fill("Explain how tides work")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Get code").click()
    # The snippets are built when the popover opens (a rerun), then shown in it.
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').first
    expect(code).to_contain_text("client.models.generate_content(", timeout=15_000)
    expect(code).to_contain_text("Explain how tides work")
    assert "api_key=" not in code.inner_text()
    page.get_by_role("tab", name="REST").click()
    expect(
        page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').filter(has_text="curl")
    ).to_be_visible()
    screenshot(page, "text-05-get-code")

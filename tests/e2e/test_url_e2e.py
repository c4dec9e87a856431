"""The setup in the URL, in a real browser: reload, a fresh browser, Share, page switches."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def wait_for_query(page, name: str) -> None:
    page.wait_for_function(f"() => new URLSearchParams(location.search).has({name!r})")


def test_a_reload_and_a_fresh_browser_reopen_the_same_setup(page, browser, app_url):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    prompt.fill("Explain how AI works, for a ten-year-old")
    prompt.press("Control+Enter")
    wait_for_query(page, "prompt")
    temperature = page.get_by_role("slider", name="Temperature")
    temperature.focus()
    for _ in range(6):
        temperature.press("ArrowLeft")
    page.wait_for_function("() => new URLSearchParams(location.search).get('temp') === '0.7'")
    link = page.url
    assert query(page)["prompt"] == ["Explain how AI works, for a ten-year-old"]

    page.reload()
    expect(page.get_by_label("Prompt")).to_have_value("Explain how AI works, for a ten-year-old")
    expect(page.get_by_role("slider", name="Temperature")).to_have_value("0.7")
    settle(page)
    screenshot(page, "url-01-reloaded")

    other = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        elsewhere = other.new_page()
        elsewhere.goto(link)
        expect(elsewhere.get_by_label("Prompt")).to_have_value(
            "Explain how AI works, for a ten-year-old"
        )
        expect(elsewhere.get_by_role("slider", name="Temperature")).to_have_value("0.7")
        elsewhere.get_by_role("button", name="Share").click()
        shared = elsewhere.locator('[data-testid="stCode"]').filter(has_text="prompt=")
        expect(shared).to_be_visible()
        assert "temp=0.7" in shared.inner_text()
        screenshot(elsewhere, "url-02-share")
    finally:
        other.close()


def test_a_tampered_link_opens_with_a_note(page, app_url):
    page.goto(f"{app_url}/?v=1&temp=9&max=abc&prompt=Still+here")
    expect(page.get_by_label("Prompt")).to_have_value("Still here")
    expect(page.get_by_text("Temperature 9 is outside 0–2", exact=False)).to_be_visible()
    expect(page.get_by_text("Max output tokens “abc” is not a number", exact=False)).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page)
    screenshot(page, "url-03-tampered")


def test_switching_pages_does_not_carry_one_pages_prompt_to_another(page, app_url):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    prompt.fill("A prompt for the Text page")
    prompt.press("Control+Enter")
    wait_for_query(page, "prompt")
    page.get_by_role("link", name="Streaming").click()
    page.wait_for_url("**/streaming**")
    expect(page.get_by_role("heading", name="Streaming")).to_be_visible()
    settle(page)
    expect(page.get_by_label("Prompt")).to_have_value("")
    assert "prompt" not in query(page)


def test_two_chat_turns_survive_a_reload(page, app_url):
    page.goto(f"{app_url}/chat")
    chat_input = page.locator('[data-testid="stChatInputTextArea"]')
    chat_input.wait_for()
    for number, text in enumerate(("What is a pipe organ?", "How loud can it get?"), start=1):
        chat_input.fill(text)
        chat_input.press("Enter")
        expect(page.locator('[data-testid="stChatMessage"]')).to_have_count(
            2 * number, timeout=30_000
        )
        # the turn's figures are drawn by the run after the reply, which saved it first
        finished = page.get_by_text(re.compile(r"output tokens · .* STOP · would cost \$"))
        expect(finished).to_have_count(number, timeout=30_000)
    wait_for_query(page, "c")
    page.reload()
    messages = page.locator('[data-testid="stChatMessage"]')
    expect(messages).to_have_count(4, timeout=30_000)
    expect(messages.nth(0)).to_contain_text("What is a pipe organ?")
    expect(messages.nth(2)).to_contain_text("How loud can it get?")
    expect(messages.nth(3)).to_contain_text("Simulated by gemini_offline")
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "url-04-chat-reloaded")

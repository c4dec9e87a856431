"""Function calling in Chat, in a real browser: the weather example switched on, the call
card, a malformed result refused with the text kept, then the typed result sent and an
answer that uses it; the result turn shown as one folded line."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the sidebar selectbox labelled `label`."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    choice = page.get_by_role("option").filter(has_text=option).first
    for _ in range(3):  # a rerun may redraw the box just as it opens
        box.get_by_role("combobox").click()
        try:
            choice.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            settle(page)
    choice.click()
    settle(page)


def test_a_function_call_answered_with_a_typed_result(page, app_url):
    page.goto(f"{app_url}/chat")
    chat_input = page.locator('[data-testid="stChatInputTextArea"]')
    chat_input.wait_for()
    pick(page, "Model", "Gemini 3 Pro Preview")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Tools", exact=True).click()
    settle(page)
    pick(page, "Start from an example", "Weather lookup")
    expect(sidebar.locator("textarea").filter(has_text="get_current_weather")).to_have_count(1)

    chat_input.fill("What's the weather in Boston?")
    chat_input.press("Enter")
    main = page.locator('[data-testid="stMainBlockContainer"]')  # a chat page has no stMain
    expect(main.get_by_text("Function call:", exact=False)).to_be_visible(timeout=30_000)
    form = main.locator('[data-testid="stForm"]')
    result = form.locator("textarea")
    expect(result).to_have_count(1)
    assert "what get_current_weather returned" in result.input_value()
    expect(form.get_by_text('"Boston"', exact=False)).to_be_visible()  # the call's arguments

    result.fill('{"temperature": 31, "sky": "clear skies"')
    form.get_by_role("button", name="Send function result").click()
    expect(main.get_by_text("not valid JSON", exact=False)).to_be_visible(timeout=30_000)
    settle(page)
    assert form.locator("textarea").input_value() == '{"temperature": 31, "sky": "clear skies"'
    screenshot(page, "chat-functions-01-refused")

    form.locator("textarea").fill('{"temperature": 31, "sky": "clear skies"}')
    form.get_by_role("button", name="Send function result").click()
    messages = page.locator('[data-testid="stChatMessage"]')
    expect(messages).to_have_count(4, timeout=30_000)
    answer = messages.nth(3)
    expect(answer).to_contain_text("clear skies", timeout=30_000)
    expect(answer).to_contain_text("31")
    expect(messages.nth(2)).to_contain_text("Function result for get_current_weather")
    expect(main.locator('[data-testid="stForm"]')).to_have_count(0)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "chat-functions-02-answered")

"""Tools in a real browser: a grounded answer with clickable sources and citation markers
(search suggestions in an isolated frame), and a code-execution reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


def switch_tool(page, label: str) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    tools = sidebar.get_by_text("Tools", exact=True)
    if not sidebar.get_by_text(label, exact=True).is_visible():
        tools.click()
    sidebar.get_by_text(label, exact=True).click()
    settle(page)


def ask(page, prompt_text: str) -> None:
    prompt = page.get_by_label("Prompt")
    prompt.fill(prompt_text)
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("Output tokens", exact=True).wait_for()
    settle(page)


def test_a_grounded_answer_and_a_code_execution_reply(page, app_url):
    page.goto(app_url)
    switch_tool(page, "Grounding with Google Search")
    ask(page, "Who won the Tour de France in 2024?")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Sources", exact=True)).to_be_visible()
    marker = main.locator("a", has_text="[1]").first
    expect(marker).to_be_visible()
    assert marker.get_attribute("href").startswith("https://")
    frame = main.locator("iframe").first
    expect(frame).to_be_visible()
    assert frame.get_attribute("src").startswith("data:text/html;base64,")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "tools-01-grounded")

    switch_tool(page, "Grounding with Google Search")
    switch_tool(page, "Code execution")
    ask(page, "What is 12 times 34?")
    expect(main.get_by_text("Code result", exact=False).first).to_be_visible()
    expect(main.get_by_text("408").first).to_be_visible()
    screenshot(page, "tools-02-code")

"""The Library in a real browser: Save a setup by name, find it, open it again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


def test_save_find_and_reopen_a_prompt(page, app_url):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    prompt.fill("Write a limerick about a librarian")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("Output tokens", exact=True).wait_for()  # the reply's figures
    page.get_by_role("button", name="Save").click()
    page.get_by_label("Name").fill("Librarian limerick")
    page.get_by_role("button", name="Save to Library").click()
    expect(page.get_by_text("Saved “Librarian limerick”", exact=False)).to_be_visible()

    page.get_by_role("link", name="Library").click()
    page.wait_for_url("**/library**")
    expect(page.get_by_text("Librarian limerick", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Run history").click()
    expect(page.locator('[data-testid="stDataFrame"]')).to_be_visible()
    page.get_by_role("tab", name="Saved prompts").click()
    settle(page)
    screenshot(page, "library-01-list")
    main = page.locator('[data-testid="stMain"]')
    main.locator("button").filter(has_text="Open").first.click()
    expect(page.get_by_role("heading", name="Text")).to_be_visible(timeout=15_000)
    expect(page.get_by_label("Prompt")).to_have_value("Write a limerick about a librarian")
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page)
    screenshot(page, "library-02-reopened")

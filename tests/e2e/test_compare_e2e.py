"""The Compare page in a real browser: one prompt, two models streaming side by side."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


@pytest.fixture
def wide(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 2300})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_compare_two_models_side_by_side(wide, app_url):
    page = wide
    page.goto(f"{app_url}/compare")
    page.get_by_role("heading", name="Compare").wait_for()
    prompt = page.get_by_label("Prompt")
    prompt.fill("Explain how AI works")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    # While they stream, both columns show live figures at once.
    live = page.get_by_text("tokens/s", exact=False)
    expect(live).to_have_count(2, timeout=30_000)
    # Finished: each column has its reply, figures, cost, Best and Use this.
    expect(page.get_by_role("button", name="Best")).to_have_count(2, timeout=60_000)
    expect(page.get_by_text("would cost", exact=False)).to_have_count(2)
    first = page.get_by_label("Column 1").input_value()
    second = page.get_by_label("Column 2").input_value()
    assert first != second  # two different models by default
    for name in (first, second):
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    replies = page.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text="for real answers"
    )
    expect(replies.nth(1)).to_be_visible()  # both columns (the diff shows the words too)
    page.get_by_role("button", name="Best").last.click()
    expect(page.get_by_text("Voted best")).to_be_visible()
    expect(page.get_by_role("heading", name="Word diff")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page)
    path = screenshot(page, "compare-01")
    assert path.stat().st_size > 10_000


def test_three_columns_stream_and_stop_keeps_what_each_received(wide, app_url):
    page = wide
    page.goto(f"{app_url}/compare")
    page.get_by_text("3", exact=True).click()  # the Columns choice
    page.get_by_label("Column 3").wait_for()
    prompt = page.get_by_label("Prompt")
    prompt.fill("Write a long essay about how AI works")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text("tokens/s", exact=False)).to_have_count(3, timeout=30_000)
    expect(page.get_by_text("would cost", exact=False)).to_have_count(3)  # live, per column
    screenshot(page, "compare-02-streaming")
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(page.get_by_text("Stopped", exact=False).first).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Best")).to_have_count(3)
    expect(page.get_by_text("(STOPPED)", exact=False).first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_label("Prompt").input_value() == "Write a long essay about how AI works"
    settle(page)
    screenshot(page, "compare-03-stopped")

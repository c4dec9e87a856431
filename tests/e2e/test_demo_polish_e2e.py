"""Demo polish (#14, part 4) at 1440 x 900 in Chromium: the Offline demo switch is on with
no key, an exact Max output tokens, Streaming's figures and finish reason whole (nothing
cut with "…"), and the tuning grid's replies side by side in full."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, settle

pytestmark = pytest.mark.e2e

# Elements whose text would be cut with an ellipsis if it did not fit.
CLIPPED = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stMetricValue"],'
    + '[data-testid="stMain"] [data-testid="stMetricLabel"],'
    + '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
  .filter(e => e.offsetParent !== null)
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText)"""


@pytest.fixture
def wide(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the 1440 x 900 viewport


def test_streaming_figures_fit_at_1440(wide, app_url):
    page = wide
    page.goto(f"{app_url}/streaming")
    switch = page.get_by_role("switch", name="Offline demo")
    expect(switch).to_be_checked()  # offline for want of a key: the switch says so
    exact = page.get_by_role("spinbutton", name="Max output tokens (exact)")
    exact.fill("20")
    exact.press("Enter")
    settle(page)
    box = page.get_by_label("Prompt")
    box.fill("Explain how AI works, in detail")
    box.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    finish = page.locator('[data-testid="stMarkdownContainer"] p').filter(has_text="Finish:")
    expect(finish).to_contain_text("cut at Max output tokens (MAX_TOKENS)", timeout=30_000)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.locator('[data-testid="stMain"] [data-testid="stMetric"]')).to_have_count(5)
    assert page.evaluate(CLIPPED) == []
    page.locator(
        '[data-testid="stMain"] [data-testid="stMetric"]'
    ).first.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    shot(page, "demo-polish-01-stream-figures")

    # with no key, turning the switch off explains what is missing, and the demo stays on
    page.locator("label").filter(has=switch).click()
    notice = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    expect(notice).to_contain_text("stays on", timeout=10_000)
    expect(switch).to_be_checked()
    expect(page.get_by_role("textbox", name="API key")).to_be_visible()
    settle(page)
    switch.scroll_into_view_if_needed()
    shot(page, "demo-polish-04-switch-needs-a-key")


def test_tuning_grid_is_readable_side_by_side_at_1440(wide, app_url):
    page = wide
    page.goto(f"{app_url}/system")
    page.get_by_role("button", name="Run 6 cells").click()
    expect(page.get_by_text("Scoreboard")).to_be_visible(timeout=30_000)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('[data-testid="stExpander"]').count() == 0, "no collapsed replies"
    cards = main.locator('[class*="st-key-system-cell-"]')
    expect(cards).to_have_count(6)
    first = cards.first.bounding_box()
    second = cards.nth(1).bounding_box()
    assert first and second and abs(first["y"] - second["y"]) < 2, "cards share a row"
    assert second["x"] > first["x"] + first["width"] - 1
    page.get_by_text("Prompt 1:", exact=False).scroll_into_view_if_needed()
    page.mouse.wheel(0, -60)
    page.wait_for_timeout(300)
    shot(page, "demo-polish-02-grid")
    main.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
    page.mouse.wheel(0, -120)
    page.wait_for_timeout(600)
    shot(page, "demo-polish-03-grid-charts")

"""The tuning grid in a real browser: run a 3 x 2 grid, see charts, grid and scoreboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, screenshot, settle

pytestmark = pytest.mark.e2e


def test_grid_and_charts_render(page, app_url):
    page.goto(f"{app_url}/system")
    page.get_by_role("button", name="Run 6 cells").click()
    expect(page.get_by_text("Scoreboard")).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(3, timeout=30_000)
    expect(page.get_by_text("Prompt 2:", exact=False)).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page)
    screenshot(page, "system-01-grid")
    expect(page.get_by_role("button", name="Re-run it")).to_be_enabled()
    page.get_by_text("Scoreboard").scroll_into_view_if_needed()
    page.get_by_text("Prompt 2:", exact=False).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "system-02-rows.png"))

"""Prompt variables and test cases in a real browser: type a template, fill its variable,
upload test cases, run them all, and see one result row per case."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


def test_a_template_with_test_cases_runs_each_case(page, app_url, tmp_path):
    page.goto(app_url)
    prompt = page.get_by_label("Prompt")
    prompt.fill("Write a haiku about {{topic}} in {{city}}.")
    prompt.press("Control+Enter")
    page.get_by_label("{{city}}").wait_for()
    expect(page.get_by_label("{{topic}}")).to_be_visible()

    page.get_by_text("Test cases (0)").click()
    cases = tmp_path / "cases.csv"
    cases.write_text("city,topic\nLisbon,trams\nOslo,snow\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Test cases (CSV").locator(
        'input[type="file"]'
    ).set_input_files(str(cases))
    page.get_by_text("Test cases (2)").wait_for()
    page.get_by_role("button", name="Run all test cases").click()
    page.get_by_role("button", name="Download results (CSV)").wait_for()
    settle(page)
    grids = page.locator('[data-testid="stDataFrame"]')
    expect(grids.last).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "variables-01-test-cases")

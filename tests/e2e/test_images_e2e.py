"""The Images page in a real browser: generate an image, then a two-step edit chat."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


def test_generate_then_edit_twice(page, app_url, tmp_path):
    page.goto(f"{app_url}/images")
    prompt = page.get_by_label("Prompt")
    prompt.fill("Generate an image of a pig with wings flying over a green city")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.get_by_text("Gallery (1)")).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stImage"]').first).to_be_visible()
    settle(page)
    screenshot(page, "images-01-generated")

    car = tmp_path / "car.png"
    Image.new("RGB", (240, 160), (20, 40, 190)).save(car)
    page.get_by_text("Edit chat", exact=True).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(car))
    page.get_by_text("car.png").first.wait_for()
    prompt = page.get_by_label("Prompt")
    prompt.fill("Turn this car into a convertible")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Gallery (2)")).to_be_visible(timeout=30_000)
    prompt.fill("Now make it yellow")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Gallery (3)")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Continue from this image")).to_have_count(1)
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page)
    screenshot(page, "images-02-edit-chat")

"""Streaming and Chat in a real browser: a reply that visibly grows, Stop, a multi-turn chat
with an image attachment."""

from __future__ import annotations

import time

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle

pytestmark = pytest.mark.e2e


def start_stream(page, app_url: str, prompt: str) -> None:
    page.goto(f"{app_url}/streaming")
    box = page.get_by_label("Prompt")
    box.fill(prompt)
    box.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()


def test_a_streamed_reply_visibly_grows(page, app_url):
    start_stream(page, app_url, "Explain how AI works, in detail")
    page.get_by_role("button", name="Stop", exact=True).wait_for()
    page.locator('[data-testid="stChatMessage"], [data-testid="stMarkdownContainer"]').filter(
        has_text="AI"
    ).last.wait_for()
    shown = "() => document.querySelector('[data-testid=\"stMain\"]').innerText.length"
    first = screenshot(page, "stream-01-early")
    early_length = page.evaluate(shown)
    # wait until more of the reply has arrived on the page, then look again
    page.wait_for_function(f"() => ({shown})() > {early_length + 40}", timeout=30_000)
    second = screenshot(page, "stream-02-later")
    difference = ImageChops.difference(
        Image.open(first).convert("RGB"), Image.open(second).convert("RGB")
    )
    assert difference.getbbox() is not None, "the page did not change while streaming"
    expect(page.get_by_text("Output tokens over time")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Time to first token", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    expect(page.get_by_role("button", name="Stop", exact=True)).to_have_count(0)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "stream-03-done")


def test_stop_keeps_the_partial_text(page, app_url):
    start_stream(page, app_url, "Tell me a long story about AI")
    page.get_by_role("button", name="Stop", exact=True).wait_for()
    time.sleep(0.4)
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(page.get_by_text("you stopped the stream")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Retry", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Stop", exact=True)).to_have_count(0)
    settle(page)
    screenshot(page, "stream-04-stopped")


def test_stop_works_before_the_first_token(page, app_url):
    start_stream(page, app_url, "Explain how AI works [[fault:timeout]]")
    page.get_by_text("Waiting for the first token…", exact=False).wait_for()
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(page.get_by_text("you stopped the stream")).to_be_visible(timeout=5_000)
    expect(page.get_by_text("Waiting for the first token…", exact=False)).to_have_count(0)
    assert page.get_by_label("Prompt").input_value().endswith("[[fault:timeout]]")
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page)
    screenshot(page, "stream-05-stopped-before-first-token")


def test_a_multi_turn_chat_with_an_image(page, app_url, tmp_path):
    image_path = tmp_path / "organ.png"
    Image.new("RGB", (120, 80), (160, 90, 30)).save(image_path)
    page.goto(f"{app_url}/chat")
    chat_input = page.locator('[data-testid="stChatInputTextArea"]')
    chat_input.wait_for()
    page.locator('[data-testid="stChatInput"] input[type="file"]').set_input_files(str(image_path))
    page.get_by_text("organ.png").first.wait_for()
    chat_input.fill("Tell me about this instrument")
    chat_input.press("Enter")
    expect(page.get_by_text("120×80 px", exact=False).first).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stChatMessage"]')).to_have_count(2, timeout=30_000)
    chat_input.fill("What colour is it?")
    chat_input.press("Enter")
    expect(page.locator('[data-testid="stChatMessage"]')).to_have_count(4, timeout=30_000)
    follow_up = "Looking again at the image you shared earlier, it is a landscape-format"
    expect(page.get_by_text(follow_up, exact=False).first).to_be_visible(timeout=30_000)
    messages = page.locator('[data-testid="stChatMessage"]')
    for reply in (messages.nth(1), messages.nth(3)):  # user, model, user, model
        expect(reply).to_contain_text("Simulated by gemini_offline", timeout=30_000)
    for question in (messages.nth(0), messages.nth(2)):
        expect(question).not_to_contain_text("Simulated by gemini_offline")
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "chat-01-two-turns")

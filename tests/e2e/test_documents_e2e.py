"""Documents on the Text page in a real browser: attach a PDF (sent inline) and a video
(through the Files API), see what each is, run the prompt and read the reply about them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle
from tests.media_samples import mp4 as media_mp4
from tests.media_samples import pdf


def mp4(seconds: float) -> bytes:
    return media_mp4(seconds, padding=20_000)  # about 20 KB


pytestmark = pytest.mark.e2e


def test_attach_a_pdf_and_a_video_and_ask_about_them(page, app_url, tmp_path):
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf(3))
    clip = tmp_path / "holiday.mp4"
    clip.write_bytes(mp4(6.0))
    page.goto(app_url)
    page.get_by_text("Offline demo", exact=False).first.wait_for()
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    uploader.set_input_files([str(report), str(clip)])
    expect(page.get_by_text("report.pdf · 3 pages", exact=False)).to_be_visible()
    expect(page.get_by_text("holiday.mp4 · 6.0 s", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Files API", exact=False).first).to_be_visible()
    prompt = page.get_by_label("Prompt")
    prompt.fill("Summarise the report and the video")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("Output tokens", exact=True).wait_for()
    reply = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="3-page PDF")
    expect(reply.last).to_be_visible()
    text = reply.last.inner_text()
    assert "report.pdf" in text or "3-page PDF document" in text
    assert "lasting 6.0 seconds" in page.locator("body").inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_label("Prompt").input_value() == "Summarise the report and the video"
    settle(page)
    path = screenshot(page, "documents-01-pdf-and-video")
    assert path.stat().st_size > 10_000


def test_a_renamed_file_is_refused_in_the_page(page, app_url, tmp_path):
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    page.goto(app_url)
    page.get_by_text("Offline demo", exact=False).first.wait_for()
    prompt = page.get_by_label("Prompt")
    prompt.fill("What does the scan say?")
    prompt.press("Control+Enter")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(fake)
    )
    expect(page.get_by_text("its content looks like a PNG image", exact=False)).to_be_visible()
    assert page.get_by_label("Prompt").input_value() == "What does the scan say?"
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page)
    screenshot(page, "documents-02-renamed-file")

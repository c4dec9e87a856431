"""What the offline server reads from non-image attachments, and what they cost in tokens."""

from __future__ import annotations

import struct

from gemini_offline.media import describe, mp4_duration, wav_duration
from gemini_offline.tokens import BLOB_TOKENS, count_prompt
from tests.integration.test_offline_files import mp4_bytes, pdf_bytes, wav_bytes


def test_pdf_pages_are_the_page_objects_not_the_page_tree() -> None:
    described = describe("application/pdf", pdf_bytes(5))
    assert described.pdf_pages == 5 and described.tokens() == 5 * 258
    assert "5 pages" in described.summary()
    not_a_pdf = describe("application/pdf", b"/Type /Page but no header")
    assert not_a_pdf.pdf_pages is None and not_a_pdf.tokens() == BLOB_TOKENS
    assert "could not count" in not_a_pdf.acknowledgement()


def test_audio_and_video_durations_from_their_headers() -> None:
    assert wav_duration(wav_bytes(1.5)) == 1.5
    assert wav_duration(b"ID3 an mp3") is None
    assert mp4_duration(mp4_bytes(12.25)) == 12.25
    body = struct.pack(">B3xQQIQ", 1, 0, 0, 600, 600 * 90) + b"\0" * 80
    version1 = struct.pack(">I4s", 8 + len(body), b"mvhd") + body
    assert mp4_duration(version1) == 90.0
    assert describe("video/mp4", mp4_bytes(2.2)).tokens() == 3 * 263
    assert describe("audio/wav", wav_bytes(2.0)).tokens() == 2 * 32
    unknown = describe("audio/mpeg", b"\xff\xfb\x90\x00" * 10)
    assert unknown.duration_s is None and unknown.tokens() == BLOB_TOKENS
    assert "can't tell" in unknown.acknowledgement()
    assert "1 min 30 s" in describe("video/quicktime", version1).acknowledgement()


def test_text_files_are_quoted_and_counted_by_their_text() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    described = describe("text/plain", text.encode())
    assert described.text_tokens == 13 and described.tokens() == 13
    assert "begins “one two three" in described.acknowledgement()
    assert described.acknowledgement().endswith("twelve…”")
    assert describe("application/json", b'{"a": 1}').kind == "text"


def test_known_blob_costs_replace_the_flat_rate() -> None:
    blob = {"mimeType": "application/pdf", "data": "x"}
    contents = [{"role": "user", "parts": [{"inlineData": blob}, {"text": "hi"}]}]
    assert count_prompt(contents) == {"TEXT": 1, "DOCUMENT": BLOB_TOKENS}
    assert count_prompt(contents, None, {id(blob): ("DOCUMENT", 774)}) == {
        "TEXT": 1,
        "DOCUMENT": 774,
    }

"""Documents, audio and video checked by their content before they are sent: PDF pages,
UTF-8 text, magic bytes, renamed and corrupt files, size limits, MIME types Gemini expects,
captions, the Files API decision and the upload registry."""

from __future__ import annotations

import io

import pytest

from playground import documents
from playground.documents import check_document, check_youtube_url, sniff
from playground.errors import BadInput
from playground.media import INLINE_LIMIT_BYTES, Attachment, check_upload
from playground.uploads import RemoteFile, UploadedFiles
from tests.media_samples import mp4, pdf, wav


def flac(seconds: float, rate: int = 44100) -> bytes:
    samples = int(seconds * rate)
    info = bytearray(34)
    info[10] = (rate >> 12) & 0xFF
    info[11] = (rate >> 4) & 0xFF
    info[12] = ((rate & 0x0F) << 4) | 0b0010  # 2 channels - 1 … bits; not read
    info[13] = (samples >> 32) & 0x0F
    info[14:18] = (samples & 0xFFFFFFFF).to_bytes(4, "big")
    return b"fLaC" + bytes([0x80, 0, 0, 34]) + bytes(info) + b"\xff\xf8" + b"\0" * 32


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\0" * 200
ADTS = b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\0" * 100
OGG = b"OggS\x00\x02" + b"\0" * 100
WEBM = b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\x82\x84webm" + b"\0" * 64


def test_a_pdf_is_counted_in_pages_and_described():
    data = pdf(3)
    a = check_document("report.pdf", data)
    assert (a.kind, a.mime_type, a.pages) == ("pdf", "application/pdf", 3)
    caption = a.caption()
    assert caption.startswith(":material/picture_as_pdf: report.pdf · 3 pages · ")
    assert caption.endswith(f" · {len(data)} B · inline")
    assert not a.needs_upload
    assert a.to_part().inline_data.mime_type == "application/pdf"


def test_a_corrupt_pdf_is_refused_with_a_remedy():
    with pytest.raises(BadInput) as refused:
        check_document("broken.pdf", pdf(2)[:300])
    assert "could not be read" in refused.value.message and "corrupt" in refused.value.message
    assert "export it again" in refused.value.remedy
    with pytest.raises(BadInput, match="corrupt"):
        check_document("junk.pdf", b"%PDF-1.7\nthis is not really a pdf at all")


def test_a_renamed_file_is_named_for_what_it_is():
    with pytest.raises(BadInput) as png_as_pdf:
        check_document("report.pdf", PNG)
    assert "is not a PDF: its content looks like a PNG image" in png_as_pdf.value.message
    assert ".png" in png_as_pdf.value.remedy
    with pytest.raises(BadInput, match="looks like a PDF document"):
        check_document("song.mp3", pdf(1))
    with pytest.raises(BadInput, match="not a text file: its content looks like a PDF"):
        check_document("notes.txt", pdf(1))
    with pytest.raises(BadInput, match="not an image: its content looks like a PDF"):
        check_upload("photo.png", pdf(1))
    with pytest.raises(BadInput, match="is not an MP4 video"):
        check_document("clip.mp4", b"just some words, not a video at all")


def test_a_wrong_type_is_refused_with_the_list_of_what_is_taken():
    with pytest.raises(BadInput) as refused:
        check_upload("letter.docx", b"PK\x03\x04" + b"\0" * 40)
    assert "a .docx file, which can't be attached here" in refused.value.message
    assert "PDF" in refused.value.remedy and "MP4" in refused.value.remedy
    with pytest.raises(BadInput, match="without an extension"):
        check_upload("README", b"hello")


def test_too_large_and_empty_files_are_refused(monkeypatch):
    monkeypatch.setattr(documents, "MAX_FILE_BYTES", 1000)
    with pytest.raises(BadInput) as big:
        check_document("big.txt", b"a" * 1001)
    assert "the limit is 1000 B" in big.value.message and "smaller" in big.value.remedy
    with pytest.raises(BadInput, match="is empty"):
        check_document("empty.csv", b"")


def test_text_must_be_utf8():
    with pytest.raises(BadInput) as latin:
        check_document("prices.csv", "name,price\ncafé,3\n".encode("latin-1"))
    assert "not UTF-8 text" in latin.value.message and "0xE9" in latin.value.message
    assert "UTF-8" in latin.value.remedy
    with pytest.raises(BadInput, match="binary data"):
        check_document("data.txt", b"abc\x00def")


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("notes.txt", "text/plain"),
        ("README.md", "text/md"),
        ("table.csv", "text/csv"),
        ("page.html", "text/html"),
    ],
)
def test_text_files_get_the_mime_type_gemini_expects(name, mime):
    a = check_document(name, "﻿first line\nsecond line, with ünïcode\n".encode())
    assert (a.kind, a.mime_type, a.lines) == ("text", mime, 2)
    assert " · 2 lines · " in a.caption()


@pytest.mark.parametrize(
    ("name", "data", "mime", "seconds"),
    [
        ("voice.wav", wav(2.5), "audio/wav", 2.5),
        ("song.mp3", MP3, "audio/mp3", None),
        ("clip.aac", ADTS, "audio/aac", None),
        ("sound.ogg", OGG, "audio/ogg", None),
        ("take.flac", flac(3.0), "audio/flac", 3.0),
    ],
)
def test_audio_by_magic_bytes(name, data, mime, seconds):
    a = check_document(name, data)
    assert (a.kind, a.mime_type) == ("audio", mime)
    assert a.duration_s == (pytest.approx(seconds) if seconds else None)
    assert a.caption().startswith(":material/audio_file: ")
    assert not a.needs_upload  # small audio goes inline


def test_video_by_magic_bytes_always_goes_through_the_files_api():
    movie = check_document("holiday.mp4", mp4(12.5))
    assert (movie.kind, movie.mime_type, movie.duration_s) == ("video", "video/mp4", 12.5)
    assert movie.needs_upload
    assert " · 12.5 s · " in movie.caption()
    quicktime = check_document("holiday.mov", mp4(61, brand=b"qt  "))
    assert quicktime.mime_type == "video/mov" and "1:01 min" in quicktime.caption()
    assert check_document("talk.webm", WEBM).mime_type == "video/webm"
    uploaded = movie.uploaded("http://x/v1beta/files/abc", "files/abc")
    part = uploaded.to_part()
    assert part.file_data.file_uri == "http://x/v1beta/files/abc" and not part.inline_data
    assert part.file_data.mime_type == "video/mp4"
    assert uploaded.caption().endswith(" · Files API")


def test_large_files_go_through_the_files_api():
    text = check_document("big.txt", b"word " * (INLINE_LIMIT_BYTES // 5 + 10))
    assert text.needs_upload
    assert not check_document("small.txt", b"word").needs_upload


def test_sniff_tells_the_common_formats_apart():
    assert sniff(pdf(1)) == "pdf"
    assert sniff(PNG) == "png"
    assert sniff(wav(0.1)) == "wav"
    assert sniff(MP3) == "mp3"
    assert sniff(b"\xff\xfb\x90\x00" + b"\0" * 10) == "mp3"
    assert sniff(ADTS) == "aac"
    assert sniff(mp4(1)) == "mp4"
    assert sniff(mp4(1, brand=b"qt  ")) == "mov"
    assert sniff(WEBM) == "webm"
    assert sniff(b"hello world") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=9hE5-98ZeCg",
        "youtube.com/watch?v=9hE5-98ZeCg&t=30",
        "https://youtu.be/9hE5-98ZeCg",
        "https://m.youtube.com/shorts/9hE5-98ZeCg",
    ],
)
def test_a_youtube_link_becomes_a_file_data_part(url):
    a = check_youtube_url(url)
    part = a.to_part()
    assert part.file_data.file_uri == "https://www.youtube.com/watch?v=9hE5-98ZeCg"
    assert not a.needs_upload and "YouTube" in a.caption()


@pytest.mark.parametrize(
    "url", ["https://vimeo.com/123", "https://youtube.com/", "ftp://youtu.be/9hE5-98ZeCg", "hi"]
)
def test_other_links_are_refused(url):
    with pytest.raises(BadInput, match="not a YouTube video link"):
        check_youtube_url(url)


def test_images_still_go_through_the_image_checks():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 60, 20)).save(out, "PNG")
    a = check_upload("organ.png", out.getvalue())
    assert isinstance(a, Attachment) and (a.kind, a.width, a.height) == ("image", 64, 48)
    assert a.caption().startswith(":material/image: organ.png · 64×48 px · ")
    with pytest.raises(BadInput, match="not an image"):
        check_upload("notes.png", b"this is a text file, renamed")


def test_the_registry_reuses_live_uploads_and_releases_removed_ones():
    files = UploadedFiles()
    remote = RemoteFile("files/a", "http://x/files/a", "video/mp4", "me", expires_at=10_000.0)
    files.put("digest-a", remote)
    assert files.get("me", "digest-a", now=100.0) is remote
    assert files.get("someone-else", "digest-a", now=100.0) is None
    assert files.release("me", ["digest-a"]) == []
    assert files.release("me", []) == [remote] and len(files) == 0
    files.put("digest-a", remote)
    assert files.get("me", "digest-a", now=9_900.0) is None  # about to expire: upload again
    assert len(files) == 0

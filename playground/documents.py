"""Checks on uploaded documents, audio and video before they are sent to Gemini.

Each file is judged by its content, not only its name: a PDF must start with ``%PDF-`` and
parse (its pages are counted with pypdf), text must decode as UTF-8, and audio and video
must carry the magic bytes of their format. A renamed file is caught and named for what
it really is ("looks like a PNG image"). The MIME type given is the one Gemini expects
(``text/md``, ``audio/mp3``, ``video/mov``…), and the description says what the file is:
pages, duration when its header tells cheaply (WAV, FLAC, MP4/MOV), lines, size.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import wave
from urllib.parse import urlparse

from playground.errors import BadInput
from playground.media import Attachment, human_size

#: Largest document, audio or video file taken (Gemini's limit for a PDF; keeps a session's
#: memory bounded). Larger than INLINE_LIMIT_BYTES means it goes through the Files API.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 1000

#: extension -> (kind, MIME type Gemini expects, the formats its content may have)
FORMATS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pdf": ("pdf", "application/pdf", ("pdf",)),
    "txt": ("text", "text/plain", ("text",)),
    "md": ("text", "text/md", ("text",)),
    "markdown": ("text", "text/md", ("text",)),
    "csv": ("text", "text/csv", ("text",)),
    "html": ("text", "text/html", ("text",)),
    "htm": ("text", "text/html", ("text",)),
    "mp3": ("audio", "audio/mp3", ("mp3",)),
    "wav": ("audio", "audio/wav", ("wav",)),
    "ogg": ("audio", "audio/ogg", ("ogg",)),
    "flac": ("audio", "audio/flac", ("flac",)),
    "aac": ("audio", "audio/aac", ("aac",)),
    "mp4": ("video", "video/mp4", ("mp4", "mov")),
    "mov": ("video", "video/mov", ("mov", "mp4")),
    "webm": ("video", "video/webm", ("webm",)),
}
DOCUMENT_TYPES = list(FORMATS)

#: What a sniffed format is called in messages.
FORMAT_NAMES = {
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "webp": "a WebP image",
    "bmp": "a BMP image",
    "tiff": "a TIFF image",
    "mp3": "MP3 audio",
    "wav": "WAV audio",
    "ogg": "OGG audio",
    "flac": "FLAC audio",
    "aac": "AAC audio",
    "m4a": "M4A audio",
    "mp4": "an MP4 video",
    "mov": "a QuickTime (MOV) video",
    "webm": "a WebM video",
    "zip": "a ZIP archive (e.g. a Word or Excel file)",
    "text": "plain text",
}
#: The extension a sniffed format should have (for the remedy of a renamed file).
FORMAT_EXTENSIONS = {"jpeg": "jpg", "tiff": "tif", "text": "txt"}
ACCEPTED = (
    "an image, a PDF, a text, Markdown, CSV or HTML file, audio (MP3, WAV, OGG, FLAC, AAC) "
    "or video (MP4, MOV, WEBM)"
)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings are not for users


def sniff(data: bytes) -> str | None:
    """The format the bytes really have ("pdf", "png", "mp3", "mp4", …), or None."""
    head = data[:64]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3"):
        return "mp3"
    if head.startswith(b"ADIF"):
        return "aac"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        return "mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mov"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "webm"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        layer = (head[1] >> 1) & 0b11
        if layer == 0 and head[1] & 0xF0 == 0xF0:
            return "aac"  # an ADTS frame header
        if layer != 0:
            return "mp3"  # an MPEG audio frame header
    if head.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\0\0\0\0":
        return "bmp"
    return None


def check_document(name: str, data: bytes) -> Attachment:
    """Check a PDF, text, audio or video upload by its content; BadInput says what is wrong
    and what to do."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in FORMATS:
        shown = f"a .{extension} file" if extension else "a file without an extension"
        raise BadInput(
            f"“{name}” is {shown}, which can't be attached here.",
            f"Attach {ACCEPTED}. Save other documents (e.g. Word) as PDF first.",
            kind="bad_attachment",
        )
    kind, mime_type, formats = FORMATS[extension]
    if not data:
        raise BadInput(f"“{name}” is empty.", "Choose a file with something in it.")
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(
            f"“{name}” is {human_size(len(data))}; the limit is {human_size(MAX_FILE_BYTES)}.",
            "Use a smaller file (split a long document or trim the recording).",
        )
    found = sniff(data)
    if kind == "text":
        return _check_text(name, data, mime_type, found)
    if found not in formats:
        raise _not_what_it_says(name, extension, kind, found)
    if kind == "pdf":
        pages = pdf_pages(name, data)
        return Attachment(name, mime_type, data, kind="pdf", pages=pages)
    if found == "mov" and extension == "mp4":
        mime_type = "video/mov"
    elif found == "mp4" and extension == "mov":
        mime_type = "video/mp4"
    duration = media_duration(found or "", data)
    return Attachment(name, mime_type, data, kind=kind, duration_s=duration)


def _not_what_it_says(name: str, extension: str, kind: str, found: str | None) -> BadInput:
    expected = FORMAT_NAMES.get(extension, f"a .{extension} file")
    if kind == "pdf":
        expected = "a PDF"
    if found is not None and found != "text":
        real = FORMAT_EXTENSIONS.get(found, found)
        return BadInput(
            f"“{name}” is not {expected}: its content looks like {FORMAT_NAMES[found]}.",
            f"Upload the original file, or give this one its real extension (.{real}).",
            kind="bad_attachment",
        )
    return BadInput(
        f"“{name}” is not {expected} (or it is corrupt): its first bytes are not a "
        f".{extension} header.",
        f"Export it again as {extension.upper()} and upload it again.",
        kind="bad_attachment",
    )


def _check_text(name: str, data: bytes, mime_type: str, found: str | None) -> Attachment:
    if found is not None and found not in ("mp3", "aac", "bmp"):  # weak magic: text may match
        raise BadInput(
            f"“{name}” is not a text file: its content looks like {FORMAT_NAMES[found]}.",
            f"Upload the original file, or give this one its real extension "
            f"(.{FORMAT_EXTENSIONS.get(found, found)}).",
            kind="bad_attachment",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"“{name}” is not UTF-8 text (byte 0x{data[exc.start]:02X} at position "
            f"{exc.start:,} can't be read).",
            "Save it with UTF-8 encoding (e.g. “CSV UTF-8” or “Save as… UTF-8”) and "
            "upload it again.",
            kind="bad_attachment",
        ) from None
    if "\x00" in text:
        raise BadInput(
            f"“{name}” holds binary data, not text.",
            "Upload the original text file (or convert the document to PDF).",
            kind="bad_attachment",
        )
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return Attachment(name, mime_type, data, kind="text", lines=lines)


def pdf_pages(name: str, data: bytes) -> int:
    """The page count of a PDF that pypdf can read; BadInput when it can't."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadInput(
                f"“{name}” is password-protected, so Gemini can't read it.",
                "Save a copy without a password and upload that.",
                kind="bad_attachment",
            )
        pages = len(reader.pages)
    except BadInput:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise BadInput(
            f"“{name}” starts like a PDF but could not be read: the file looks corrupt "
            f"({type(exc).__name__}).",
            "Open it in a PDF viewer and save or export it again, then upload it again.",
            kind="bad_attachment",
        ) from None
    if pages == 0:
        raise BadInput(f"“{name}” has no pages.", "Upload a PDF with at least one page.")
    if pages > MAX_PDF_PAGES:
        raise BadInput(
            f"“{name}” has {pages:,} pages; Gemini reads at most {MAX_PDF_PAGES:,}.",
            "Split it into smaller PDFs and attach the part you need.",
            kind="bad_attachment",
        )
    return pages


def media_duration(found: str, data: bytes) -> float | None:
    """Seconds of audio or video when the header tells cheaply (WAV, FLAC, MP4/MOV)."""
    if found == "wav":
        return wav_duration(data)
    if found == "flac":
        return flac_duration(data)
    if found in ("mp4", "mov", "m4a"):
        return mp4_duration(data)
    return None


def wav_duration(data: bytes) -> float | None:
    try:
        with wave.open(io.BytesIO(data)) as w:
            rate = w.getframerate()
            return w.getnframes() / rate if rate else None
    except (wave.Error, EOFError, struct.error):
        return None


def flac_duration(data: bytes) -> float | None:
    """From the STREAMINFO block (sample rate: 20 bits, total samples: 36 bits)."""
    if len(data) < 4 + 4 + 18 or data[4] & 0x7F != 0:
        return None
    info = data[8:26]
    rate = (info[10] << 12) | (info[11] << 4) | (info[12] >> 4)
    samples = ((info[13] & 0x0F) << 32) | int.from_bytes(info[14:18], "big")
    return samples / rate if rate and samples else None


def mp4_duration(data: bytes) -> float | None:
    """From the ``mvhd`` box, looked for near the start and the end of the file."""
    window = 4 * 1024 * 1024
    at = data.find(b"mvhd", 0, window)
    if at < 4 and len(data) > window:
        at = data.find(b"mvhd", len(data) - window)
    if at < 4:
        return None
    box = data[at + 4 : at + 40]
    try:
        if box[0] == 1:
            timescale, duration = struct.unpack(">IQ", box[20:32])
        else:
            timescale, duration = struct.unpack(">II", box[12:20])
    except (struct.error, IndexError):
        return None
    return duration / timescale if timescale else None


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def check_youtube_url(url: str) -> Attachment:
    """A YouTube link as an attachment (sent as ``file_data`` with the URL as ``file_uri``)."""
    text = url.strip()
    parsed = urlparse(text if "://" in text else f"https://{text}")
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host == "youtu.be":
        video_id = parsed.path.strip("/")
    elif host in ("youtube.com", "music.youtube.com"):
        if parsed.path == "/watch":
            query = dict(p.split("=", 1) for p in parsed.query.split("&") if "=" in p)
            video_id = query.get("v", "")
        elif parsed.path.startswith(("/shorts/", "/live/", "/embed/")):
            video_id = parsed.path.split("/")[2]
    if parsed.scheme not in ("http", "https") or not _YOUTUBE_ID.match(video_id):
        raise BadInput(
            f"“{text}” is not a YouTube video link.",
            "Paste a link like https://www.youtube.com/watch?v=… or https://youtu.be/…, "
            "or clear the box.",
            kind="bad_attachment",
        )
    canonical = f"https://www.youtube.com/watch?v={video_id}"
    return Attachment(canonical, "video/*", b"", kind="youtube", file_uri=canonical)

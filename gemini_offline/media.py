"""Attachments (inline blobs and uploaded files): decode and describe them for the reply.

Images are opened with Pillow so the reply can state their real format, size and look.
PDFs are counted in pages (their ``/Type /Page`` objects), WAV audio and MP4/QuickTime
video are timed from their headers, and plain text is quoted by its first words; anything
else is acknowledged by type and size. :meth:`Attachment.tokens` charges them as the Gemini
docs state: 258 tokens per image and per PDF page, 32 per second of audio, 263 per second
of video, and text files by their text.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
import struct
import wave
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .tokens import count_tokens

_B64_RE = re.compile(r"^[A-Za-z0-9+/\-_]*={0,2}$")

#: The message real Gemini gives for bytes that are not a readable image.
BAD_IMAGE_MESSAGE = (
    "Unable to process input image. Please retry or report in "
    "https://developers.generativeai.google/guide/troubleshooting"
)

_COLOUR_NAMES = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "grey": (128, 128, 128),
    "red": (200, 40, 40),
    "orange": (230, 140, 40),
    "yellow": (230, 210, 60),
    "green": (60, 160, 70),
    "teal": (40, 150, 150),
    "blue": (50, 90, 200),
    "purple": (130, 60, 170),
    "pink": (230, 130, 180),
    "brown": (120, 80, 50),
}


def decode_base64(data: str) -> bytes:
    """Decode standard or URL-safe base64 (padding optional); ValueError if it is not."""
    compact = "".join(data.split())
    if not _B64_RE.match(compact) or len(compact.rstrip("=")) % 4 == 1:
        raise ValueError("not base64")
    padded = compact.rstrip("=") + "=" * (-len(compact.rstrip("=")) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error as exc:
        raise ValueError("not base64") from exc


@dataclass(frozen=True)
class Attachment:
    """What the reply says about one inline blob."""

    mime_type: str
    size_bytes: int
    #: Pillow's format name ("PNG", "JPEG") for images, else None.
    image_format: str | None = None
    width: int = 0
    height: int = 0
    #: Nearest named colour of the image's average pixel, e.g. "blue".
    colour: str | None = None
    #: Pages of a PDF whose bytes parse as one.
    pdf_pages: int | None = None
    #: Seconds of audio or video, when the header tells.
    duration_s: float | None = None
    #: The first words of a text file.
    text_preview: str | None = None
    #: Tokens of a text file's whole text.
    text_tokens: int = 0
    #: The uploaded file's display name (or ``files/<id>``), None for inline data.
    file_name: str | None = None

    @property
    def kind(self) -> str:
        """``image``, ``pdf``, ``audio``, ``video``, ``text`` or ``file``."""
        if self.is_image:
            return "image"
        mime = self.mime_type.lower()
        if mime == "application/pdf":
            return "pdf"
        major = mime.split("/", 1)[0]
        if major in ("audio", "video", "text"):
            return major
        if mime in TEXT_MIME_TYPES:
            return "text"
        return "file"

    def tokens(self) -> int:
        """Prompt tokens this attachment costs."""
        kind = self.kind
        if kind == "pdf" and self.pdf_pages:
            return PAGE_TOKENS * self.pdf_pages
        if kind in ("audio", "video") and self.duration_s is not None:
            rate = AUDIO_TOKENS_PER_S if kind == "audio" else VIDEO_TOKENS_PER_S
            return max(1, math.ceil(self.duration_s)) * rate
        if kind == "text":
            return self.text_tokens
        return PAGE_TOKENS

    @property
    def is_image(self) -> bool:
        """True for a decoded image."""
        return self.image_format is not None

    def summary(self) -> str:
        """``PNG, 640×480 px, 12.3 KB`` for images; ``application/pdf, 3 pages, 2.0 KB``,
        ``audio/wav, 2.5 s, 40.0 KB``; ``application/zip, 2.0 KB`` otherwise."""
        size = human_size(self.size_bytes)
        named = f"“{self.file_name}”, " if self.file_name else ""
        if self.is_image:
            return f"{named}{self.image_format}, {self.width}×{self.height} px, {size}"
        bits = [self.mime_type]
        if self.pdf_pages:
            bits.append(f"{self.pdf_pages} page{'s' * (self.pdf_pages != 1)}")
        if self.duration_s is not None:
            bits.append(f"{self.duration_s:.1f} s")
        return f"{named}{', '.join(bits)}, {size}"

    def acknowledgement(self) -> str:
        """What the reply says about a non-image attachment's content, e.g. ``“doc.pdf”, a
        2-page PDF document (1.2 KB)``."""
        named = f"“{self.file_name}”, " if self.file_name else ""
        size = human_size(self.size_bytes)
        kind = self.kind
        if kind == "pdf":
            if self.pdf_pages:
                pages = f"{self.pdf_pages}-page" if self.pdf_pages != 1 else "one-page"
                return f"{named}a {pages} PDF document ({size})"
            return f"{named}a PDF document ({size}) whose pages I could not count"
        if kind in ("audio", "video"):
            noun = "an audio clip" if kind == "audio" else "a video"
            if self.duration_s is not None:
                length = _duration_words(self.duration_s)
                return f"{named}{noun} ({self.mime_type}, {size}) lasting {length}"
            return f"{named}{noun} ({self.mime_type}, {size}) whose length I can't tell offline"
        if kind == "text":
            if self.text_preview:
                return f"{named}a text file ({size}) that begins “{self.text_preview}”"
            return f"{named}an empty text file"
        return f"{named}a file ({self.mime_type}, {size}) in a format I can't read offline"

    def look(self) -> str:
        """A short phrase about the picture: orientation and main colour."""
        if self.width > self.height * 1.1:
            shape = "a landscape-format picture"
        elif self.height > self.width * 1.1:
            shape = "a portrait-format picture"
        else:
            shape = "a square picture"
        return f"{shape} dominated by {self.colour} tones" if self.colour else shape


def human_size(size: int) -> str:
    """``512 B``, ``12.3 KB``, ``4.2 MB`` (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


#: Token rates from the Gemini docs.
PAGE_TOKENS = 258
AUDIO_TOKENS_PER_S = 32
VIDEO_TOKENS_PER_S = 263
#: Non-``text/*`` MIME types that hold plain text.
TEXT_MIME_TYPES = frozenset(
    {"application/json", "application/xml", "application/x-python", "application/javascript"}
)
_PAGE_RE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_PREVIEW_WORDS = 12


def describe(mime_type: str, raw: bytes, file_name: str | None = None) -> Attachment:
    """Describe a decoded blob; raises ValueError for an ``image/*`` Pillow cannot read."""
    if not mime_type.lower().startswith("image/"):
        probe = Attachment(mime_type, len(raw))
        kind = probe.kind
        if kind == "pdf":
            pages = len(_PAGE_RE.findall(raw)) if raw.lstrip()[:5] == b"%PDF-" else 0
            return Attachment(mime_type, len(raw), pdf_pages=pages or None, file_name=file_name)
        if kind == "audio":
            return Attachment(
                mime_type, len(raw), duration_s=wav_duration(raw), file_name=file_name
            )
        if kind == "video":
            return Attachment(
                mime_type, len(raw), duration_s=mp4_duration(raw), file_name=file_name
            )
        if kind == "text":
            text = raw.decode("utf-8", "replace")
            words = text.split()
            preview = " ".join(words[:_PREVIEW_WORDS]) + (
                "…" if len(words) > _PREVIEW_WORDS else ""
            )
            return Attachment(
                mime_type,
                len(raw),
                text_preview=preview or None,
                text_tokens=count_tokens(text),
                file_name=file_name,
            )
        return Attachment(mime_type, len(raw), file_name=file_name)
    try:
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            fmt = img.format or mime_type.split("/", 1)[1].upper()
            width, height = img.size
            average = img.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(BAD_IMAGE_MESSAGE) from exc
    return Attachment(
        mime_type, len(raw), fmt, width, height, _nearest_colour(average), file_name=file_name
    )


def wav_duration(raw: bytes) -> float | None:
    """Seconds of a RIFF/WAVE file, or None when the bytes are not one."""
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        return None
    try:
        with wave.open(io.BytesIO(raw)) as w:
            rate = w.getframerate()
            return w.getnframes() / rate if rate else None
    except (wave.Error, EOFError, struct.error):
        return None


def mp4_duration(raw: bytes) -> float | None:
    """Seconds of an MP4 / QuickTime file from its ``mvhd`` box, or None."""
    at = raw.find(b"mvhd", 0, 4 * 1024 * 1024)
    if at < 4:
        return None
    box = raw[at + 4 :]
    try:
        if box[0] == 1:
            timescale, duration = struct.unpack(">IQ", box[20:32])
        else:
            timescale, duration = struct.unpack(">II", box[12:20])
    except (struct.error, IndexError):
        return None
    return duration / timescale if timescale else None


def _duration_words(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} seconds"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def _nearest_colour(rgb: object) -> str:
    r, g, b = rgb if isinstance(rgb, tuple) else (rgb, rgb, rgb)
    return min(
        _COLOUR_NAMES,
        key=lambda n: sum((a - c) ** 2 for a, c in zip((r, g, b), _COLOUR_NAMES[n], strict=True)),
    )

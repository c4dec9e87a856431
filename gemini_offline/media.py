"""Attachments (inline blobs and uploaded files): decode and describe them for the reply.

Images are opened with Pillow so the reply can state their real format, size and look.
PDFs are counted in pages (their ``/Type /Page`` objects), audio and video are timed from
their headers (WAV, MP3, Ogg Vorbis/Opus, FLAC, WebM/Matroska, MP4/QuickTime: see
:func:`media_duration`), and plain text is quoted by its first words; anything
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
        if kind in ("audio", "video"):
            return Attachment(
                mime_type, len(raw), duration_s=media_duration(raw), file_name=file_name
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


def media_duration(raw: bytes) -> float | None:
    """Seconds of an audio or video file recognised by its first bytes (whatever its MIME
    type says), or None when the format is unknown or the header is truncated or corrupt.
    Only headers are read (pure Python); it never raises."""
    try:
        head = raw[:12]
        if head[:4] == b"RIFF":
            return wav_duration(raw)
        if head[:4] == b"fLaC":
            return flac_duration(raw)
        if head[:4] == b"OggS":
            return ogg_duration(raw)
        if head[:4] == b"\x1a\x45\xdf\xa3":
            return matroska_duration(raw)
        if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free"):
            return mp4_duration(raw)
        if head[:3] == b"ID3" and raw[_id3_end(raw) : _id3_end(raw) + 4] == b"fLaC":
            return flac_duration(raw[_id3_end(raw) :])
        if head[:3] != b"ID3" and (found := mp4_duration(raw)) is not None:
            return found
        return mp3_duration(raw)
    except (IndexError, ValueError, struct.error, OverflowError, ZeroDivisionError):
        return None


def flac_duration(raw: bytes) -> float | None:
    """Seconds of a FLAC stream: STREAMINFO's total samples / sample rate, or None."""
    if raw[:4] != b"fLaC" or len(raw) < 8 + 34 or raw[4] & 0x7F != 0:
        return None
    bits = int.from_bytes(raw[8 + 10 : 8 + 18], "big")
    rate, samples = bits >> 44, bits & ((1 << 36) - 1)
    return samples / rate if rate and samples else None


# -- MP3 ---------------------------------------------------------------------------------

_MP3_BITRATES = {  # kbit/s by bitrate index, MPEG-1 and MPEG-2/2.5 Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_MP3_SCAN = 64 * 1024


@dataclass(frozen=True)
class _Mp3Frame:
    mpeg1: bool
    bitrate: int
    rate: int
    length: int
    mono: bool

    @property
    def samples(self) -> int:
        return 1152 if self.mpeg1 else 576


def _mp3_frame(raw: bytes, at: int) -> _Mp3Frame | None:
    """The Layer III frame header at ``at``, or None."""
    if at + 4 > len(raw) or raw[at] != 0xFF or raw[at + 1] & 0xE0 != 0xE0:
        return None
    version, layer = (raw[at + 1] >> 3) & 3, (raw[at + 1] >> 1) & 3
    index, rate_index = raw[at + 2] >> 4, (raw[at + 2] >> 2) & 3
    if version == 1 or layer != 1 or index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = _MP3_BITRATES[1 if mpeg1 else 2][index] * 1000
    rate = _MP3_RATES[version][rate_index]
    padding = (raw[at + 2] >> 1) & 1
    length = (144 if mpeg1 else 72) * bitrate // rate + padding
    return _Mp3Frame(mpeg1, bitrate, rate, length, raw[at + 3] >> 6 == 3)


def _id3_end(raw: bytes) -> int:
    """Where the audio starts after a leading ID3v2 tag (0 without one)."""
    if raw[:3] != b"ID3" or len(raw) < 10:
        return 0
    size = 0
    for byte in raw[6:10]:
        size = (size << 7) | (byte & 0x7F)
    return 10 + size + (10 if raw[5] & 0x10 else 0)


def mp3_duration(raw: bytes) -> float | None:
    """Seconds of an MPEG audio Layer III file, or None.

    The first whole frame whose successor is a frame too (or that ends the data) is taken; a
    Xing/Info header in it gives the frame count (VBR), else the file is timed as CBR from
    its size. A trailing ID3v1 tag is not counted.
    """
    start = _id3_end(raw)
    first = None
    at = start - 1
    while (at := raw.find(b"\xff", at + 1, start + _MP3_SCAN)) >= 0:
        frame = _mp3_frame(raw, at)
        if frame is None:
            continue
        after = at + frame.length
        if after > len(raw) or (after + 4 <= len(raw) and _mp3_frame(raw, after) is None):
            continue
        first = (at, frame)
        break
    if first is None:
        return None
    at, frame = first
    side = (17 if frame.mono else 32) if frame.mpeg1 else (9 if frame.mono else 17)
    tag = at + 4 + side
    if raw[tag : tag + 4] in (b"Xing", b"Info") and len(raw) >= tag + 12:
        flags = int.from_bytes(raw[tag + 4 : tag + 8], "big")
        if flags & 1:
            frames = int.from_bytes(raw[tag + 8 : tag + 12], "big")
            if frames:
                return frames * frame.samples / frame.rate
    end = len(raw) - (128 if raw[-128:-125] == b"TAG" else 0)
    return max(0, end - at) * 8 / frame.bitrate if end > at else None


# -- Ogg ---------------------------------------------------------------------------------

_OGG_CRC = []
for _byte in range(256):
    _reg = _byte << 24
    for _ in range(8):
        _reg = ((_reg << 1) ^ 0x04C11DB7) if _reg & 0x80000000 else _reg << 1
    _OGG_CRC.append(_reg & 0xFFFFFFFF)


def _ogg_crc(page: bytes) -> int:
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[(crc >> 24) ^ byte]
    return crc


def _ogg_page(raw: bytes, at: int) -> tuple[int, int, bytes] | None:
    """``(granule, serial, body)`` of the complete, CRC-checked Ogg page at ``at``."""
    if raw[at : at + 4] != b"OggS" or at + 27 > len(raw) or raw[at + 4] != 0:
        return None
    segments = raw[at + 26]
    table = raw[at + 27 : at + 27 + segments]
    end = at + 27 + segments + sum(table)
    if len(table) < segments or end > len(raw):
        return None
    page = raw[at:end]
    if _ogg_crc(page[:22] + b"\0\0\0\0" + page[26:]) != struct.unpack("<I", page[22:26])[0]:
        return None
    granule, serial = struct.unpack("<qI", page[6:18])
    return granule, serial, page[27 + segments :]


def ogg_duration(raw: bytes) -> float | None:
    """Seconds of an Ogg Vorbis or Opus stream: the last page's granule position over the
    sample rate of the identification header (Opus: 48 kHz, less the pre-skip), or None."""
    first = _ogg_page(raw, 0)
    if first is None:
        return None
    _, serial, body = first
    if body[:7] == b"\x01vorbis" and len(body) >= 16:
        rate, skip = struct.unpack("<I", body[12:16])[0], 0
    elif body[:8] == b"OpusHead" and len(body) >= 19:
        rate, skip = 48000, struct.unpack("<H", body[10:12])[0]
    else:
        return None
    at = len(raw)
    while (at := raw.rfind(b"OggS", 0, at)) > 0:
        page = _ogg_page(raw, at)
        if page is not None and page[1] == serial and page[0] >= 0:
            samples = page[0] - skip
            return samples / rate if rate and samples > 0 else None
    return None


# -- Matroska / WebM -----------------------------------------------------------------------

_EBML_SEGMENT, _EBML_INFO = 0x18538067, 0x1549A966
_EBML_TIMECODE_SCALE, _EBML_DURATION, _EBML_CLUSTER = 0x2AD7B1, 0x4489, 0x1F43B675


def _vint(raw: bytes, at: int, keep_marker: bool) -> tuple[int, int, bool]:
    """``(value, next offset, unknown size)`` of the EBML variable-size integer at ``at``."""
    first = raw[at]
    width = 8 - first.bit_length() + 1
    if first == 0 or width > 8 or at + width > len(raw):
        raise ValueError("bad EBML integer")
    value = int.from_bytes(raw[at : at + width], "big")
    if not keep_marker:
        value &= (1 << (7 * width)) - 1
    unknown = not keep_marker and value == (1 << (7 * width)) - 1
    return value, at + width, unknown


def _ebml_children(raw: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """``(id, data start, data end)`` of the elements between ``start`` and ``end``; stops
    at a Cluster or an element of unknown size other than a Segment."""
    found = []
    at = start
    while at < end:
        element, at, _ = _vint(raw, at, keep_marker=True)
        size, at, unknown = _vint(raw, at, keep_marker=False)
        stop = end if unknown else min(end, at + size)
        found.append((element, at, stop))
        if element == _EBML_CLUSTER or (unknown and element != _EBML_SEGMENT):
            break
        at = stop
    return found


def matroska_duration(raw: bytes) -> float | None:
    """Seconds of a WebM / Matroska file: Segment → Info → Duration × TimecodeScale."""
    if raw[:4] != b"\x1a\x45\xdf\xa3":
        return None
    for element, start, end in _ebml_children(raw, 0, len(raw)):
        if element != _EBML_SEGMENT:
            continue
        for child, c_start, c_end in _ebml_children(raw, start, end):
            if child != _EBML_INFO:
                continue
            scale, duration = 1_000_000, None
            for field, f_start, f_end in _ebml_children(raw, c_start, c_end):
                data = raw[f_start:f_end]
                if field == _EBML_TIMECODE_SCALE and data:
                    scale = int.from_bytes(data, "big")
                elif field == _EBML_DURATION and len(data) in (4, 8):
                    duration = struct.unpack(">f" if len(data) == 4 else ">d", data)[0]
            if duration is None or not math.isfinite(duration) or duration <= 0:
                return None
            return duration * scale / 1e9
    return None


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

"""Inline attachments: decode their base64 and describe them for the reply.

Images are opened with Pillow so the reply can state their real format, size and look;
other blobs are acknowledged by type and size only.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

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

    @property
    def is_image(self) -> bool:
        """True for a decoded image."""
        return self.image_format is not None

    def summary(self) -> str:
        """``PNG, 640×480 px, 12.3 KB`` for images, ``application/pdf, 2.0 KB`` otherwise."""
        size = human_size(self.size_bytes)
        if self.is_image:
            return f"{self.image_format}, {self.width}×{self.height} px, {size}"
        return f"{self.mime_type}, {size}"

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


def describe(mime_type: str, raw: bytes) -> Attachment:
    """Describe a decoded blob; raises ValueError for an ``image/*`` Pillow cannot read."""
    if not mime_type.lower().startswith("image/"):
        return Attachment(mime_type, len(raw))
    try:
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            fmt = img.format or mime_type.split("/", 1)[1].upper()
            width, height = img.size
            average = img.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(BAD_IMAGE_MESSAGE) from exc
    return Attachment(mime_type, len(raw), fmt, width, height, _nearest_colour(average))


def _nearest_colour(rgb: object) -> str:
    r, g, b = rgb if isinstance(rgb, tuple) else (rgb, rgb, rgb)
    return min(
        _COLOUR_NAMES,
        key=lambda n: sum((a - c) ** 2 for a, c in zip((r, g, b), _COLOUR_NAMES[n], strict=True)),
    )

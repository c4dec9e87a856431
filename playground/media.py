"""Checks on uploaded images before they are sent to Gemini.

Every upload is decoded with Pillow (so a renamed text file or a corrupt image is caught
with a clear message), guarded against decompression bombs, turned upright from its EXIF
orientation, converted to PNG when Gemini does not take its format, and downscaled when it
is larger than an inline request allows.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from google.genai import types
from PIL import Image, ImageOps, UnidentifiedImageError

from playground.errors import BadInput
from playground.uploads import UploadedFiles

# Gemini takes these inline; anything else Pillow can read is converted to PNG.
NATIVE_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
MAX_PIXELS = 50_000_000  # larger images are refused as possible decompression bombs
MAX_INLINE_BYTES = 7 * 1024 * 1024  # per image; the whole request must stay under 20 MB
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SIDE = 3072
# The only decoders Pillow may use on untrusted bytes (JPEG also opens cameras' MPO files).
# Keeps plug-ins such as EPS (which runs Ghostscript) away from uploads and model replies.
DECODERS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")


#: Files larger than this (and every video) go through the Files API, not inline.
INLINE_LIMIT_BYTES = 8 * 1024 * 1024
ICONS = {
    "image": ":material/image:",
    "pdf": ":material/picture_as_pdf:",
    "text": ":material/description:",
    "audio": ":material/audio_file:",
    "video": ":material/video_file:",
    "youtube": ":material/smart_display:",
}


def human_size(size: int) -> str:
    """``512 B``, ``120 KB``, ``3.4 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        kb = size / 1024
        return f"{kb:.1f} KB" if kb < 10 else f"{kb:,.0f} KB"
    return f"{size / 2**20:.1f} MB"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d} min"


@dataclass(frozen=True)
class Attachment:
    """A checked file ready to send: bytes in a format Gemini takes, what it is, and —
    once it went through the Files API (or is a YouTube link) — the URI that names it."""

    name: str
    mime_type: str
    data: bytes = b""
    width: int = 0
    height: int = 0
    note: str = ""
    kind: str = "image"  # image | pdf | text | audio | video | youtube
    pages: int | None = None
    duration_s: float | None = None
    lines: int | None = None
    file_uri: str | None = None  # set when the request refers to it by URI
    file_name: str | None = None  # files/<id> of an upload through the Files API

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]

    @property
    def needs_upload(self) -> bool:
        """Too large to send inline, or a video: it goes through the Files API."""
        if self.kind == "youtube":
            return False
        return self.kind == "video" or len(self.data) > INLINE_LIMIT_BYTES

    def uploaded(self, file_uri: str, file_name: str) -> Attachment:
        """This attachment, referred to by its uploaded file from now on."""
        return replace(self, file_uri=file_uri, file_name=file_name)

    def to_part(self) -> types.Part:
        if self.kind == "youtube" and self.file_uri:
            return types.Part(file_data=types.FileData(file_uri=self.file_uri))
        if self.file_uri:
            return types.Part.from_uri(file_uri=self.file_uri, mime_type=self.mime_type)
        return types.Part.from_bytes(data=self.data, mime_type=self.mime_type)

    def describe(self) -> str:
        kb = len(self.data) / 1024
        text = f"{self.name}: {self.width}×{self.height} px, {kb:,.1f} KB"
        return f"{text} ({self.note})" if self.note else text

    def caption(self) -> str:
        """What the page shows under the uploader, e.g.
        ``:material/picture_as_pdf: report.pdf · 3 pages · 120 KB · inline``."""
        bits = [self.name]
        if self.kind == "image":
            bits.append(f"{self.width}×{self.height} px")
        if self.pages is not None:
            bits.append(f"{self.pages:,} page{'s' * (self.pages != 1)}")
        if self.lines is not None:
            bits.append(f"{self.lines:,} line{'s' * (self.lines != 1)}")
        if self.duration_s is not None:
            bits.append(_duration(self.duration_s))
        if self.kind == "youtube":
            bits.append("YouTube video, sent as a link")
        else:
            bits.append(human_size(len(self.data)))
            bits.append("Files API" if self.file_name else "inline")
        if self.note:
            bits.append(self.note)
        return f"{ICONS.get(self.kind, ':material/attach_file:')} " + " · ".join(bits)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=90)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def check_image(name: str, data: bytes) -> Attachment:
    """Validate and normalise one uploaded image. Raises BadInput with a clear reason."""
    if not data:
        raise BadInput(f"“{name}” is empty.", "Choose an image file (PNG, JPEG, WebP, GIF).")
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadInput(
            f"“{name}” is {len(data) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB.",
            "Use a smaller image.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=DECODERS)
            fmt = image.format or ""
            if image.width * image.height > MAX_PIXELS:
                raise BadInput(
                    f"“{name}” is {image.width}×{image.height} px, too large to process safely.",
                    "Resize it below 50 megapixels and upload it again.",
                )
            image.load()
    except BadInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadInput(
            f"“{name}” is too large to process safely (a possible decompression bomb).",
            "Resize it below 50 megapixels and upload it again.",
        ) from None
    except UnidentifiedImageError:
        raise BadInput(
            f"“{name}” is not an image Gemini can read (or it is corrupt).",
            "Upload a PNG, JPEG, WebP or GIF file.",
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadInput(
            f"“{name}” could not be decoded: the file looks corrupt ({type(exc).__name__}).",
            "Re-export the image and upload it again.",
        ) from None
    notes: list[str] = []
    rotated = image.getexif().get(0x0112, 1) != 1  # EXIF Orientation tag
    if rotated:
        image = ImageOps.exif_transpose(image)
        notes.append("rotated upright from EXIF")
    target = fmt if fmt in NATIVE_MIME else "PNG"
    if target != fmt:
        notes.append(f"converted from {fmt or 'unknown format'} to PNG")
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
    out = data if (target == fmt and not rotated) else _encode(image, target)
    if len(out) > MAX_INLINE_BYTES or max(image.size) > MAX_SIDE * 2:
        original = image.size
        while len(out) > MAX_INLINE_BYTES or max(image.size) > MAX_SIDE:
            scale = min(MAX_SIDE / max(image.size), 0.75) if max(image.size) > MAX_SIDE else 0.75
            image = image.resize(
                (max(1, int(image.width * scale)), max(1, int(image.height * scale))),
                Image.Resampling.LANCZOS,
            )
            out = _encode(image, target)
        notes.append(f"downscaled from {original[0]}×{original[1]} to fit the request limit")
    return Attachment(
        name=name,
        mime_type=NATIVE_MIME[target],
        data=out,
        width=image.width,
        height=image.height,
        note="; ".join(notes),
    )


IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff")
_IMAGE_FORMATS = {"png", "jpeg", "gif", "webp", "bmp", "tiff"}


def check_upload(name: str, data: bytes) -> Attachment:
    """Any attachment the prompt pages take: images (check_image), PDFs, text, audio and
    video (playground.documents.check_document), each judged by its content."""
    from playground.documents import FORMAT_NAMES, check_document, sniff

    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in IMAGE_EXTENSIONS:
        found = sniff(data)
        if found is not None and found not in _IMAGE_FORMATS and found in FORMAT_NAMES:
            raise BadInput(
                f"“{name}” is not an image: its content looks like {FORMAT_NAMES[found]}.",
                "Upload the original file, or give this one its real extension.",
                kind="bad_attachment",
            )
        return check_image(name, data)
    return check_document(name, data)


UploadKey = tuple[str, int]  # (the uploader's file id, size in bytes)


class CheckedUploads:
    """Each attached file checked once (decoded, bomb-guarded, converted, downscaled) and
    reused on every later rerun while it stays attached.

    Keyed by the uploader's file id and size: a new upload, even of the same name, gets a
    new id and is checked afresh. A refused file keeps its BadInput, so its message stays
    on the page without decoding it again.
    """

    def __init__(self, check: Callable[[str, bytes], Attachment] | None = None) -> None:
        self._check = check or check_image
        self._checked: dict[UploadKey, Attachment | BadInput] = {}
        #: Files this uploader sent through the Files API, by content digest.
        self.uploads = UploadedFiles()

    def check(
        self,
        file_id: str,
        name: str,
        size: int,
        read: Callable[[], bytes],
        check: Callable[[str, bytes], Attachment] | None = None,
    ) -> Attachment | BadInput:
        """The checked attachment (or why it was refused); `read` runs on first sight only.
        `check` replaces this cache's own check (e.g. check_upload for documents too)."""
        key = (file_id, size)
        if key not in self._checked:
            try:
                self._checked[key] = (check or self._check)(name, read())
            except BadInput as problem:
                self._checked[key] = problem
        return self._checked[key]

    def keep_only(self, keys: Iterable[UploadKey]) -> None:
        """Forget the files that are no longer attached."""
        wanted = set(keys)
        for key in [k for k in self._checked if k not in wanted]:
            del self._checked[key]

    def entries(self) -> list[Attachment | BadInput]:
        return list(self._checked.values())

    def __len__(self) -> int:
        return len(self._checked)


THUMBNAIL_SIDE = 256
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}


def thumbnail(data: bytes, max_side: int = THUMBNAIL_SIDE) -> tuple[bytes, int, int]:
    """A small JPEG (PNG when transparent) for galleries, and the full image's size."""
    with Image.open(io.BytesIO(data), formats=DECODERS) as image:
        width, height = image.size
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
        buffer = io.BytesIO()
        if has_alpha:
            image.save(buffer, "PNG", optimize=True)
        else:
            image.convert("RGB").save(buffer, "JPEG", quality=82)
    return buffer.getvalue(), width, height


@dataclass(frozen=True)
class StoredImage:
    """One image of the session: its original bytes (kept once) and a thumbnail."""

    digest: str
    data: bytes
    mime_type: str
    width: int
    height: int
    thumbnail: bytes

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.mime_type, "bin")

    @property
    def aspect_ratio(self) -> float:
        return self.width / self.height if self.height else 1.0


class ImageStore:
    """Every image of a session, once, by content digest.

    Pages and histories refer to images by digest or share the very same bytes object,
    so no image is held twice (no PIL objects, no base64 copies).
    """

    def __init__(self) -> None:
        self._images: dict[str, StoredImage] = {}

    def add(self, data: bytes, mime_type: str) -> StoredImage:
        digest = hashlib.sha256(data).hexdigest()[:20]
        known = self._images.get(digest)
        if known is not None:
            return known
        thumb, width, height = thumbnail(data)
        stored = StoredImage(digest, data, mime_type, width, height, thumb)
        self._images[digest] = stored
        return stored

    def get(self, digest: str) -> StoredImage:
        return self._images[digest]

    def __contains__(self, digest: object) -> bool:
        return digest in self._images

    def __len__(self) -> int:
        return len(self._images)

    def __iter__(self):
        return iter(self._images.values())

    @property
    def original_bytes(self) -> int:
        return sum(len(i.data) for i in self._images.values())


def zip_images(files: list[tuple[str, bytes]]) -> bytes:
    """A zip of (name, bytes) pairs, images stored as they are (no recompression)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()

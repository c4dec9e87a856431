"""Uploaded image checks: exact expectations for the bad and the awkward files."""

import io

import pytest
from PIL import Image, UnidentifiedImageError

from playground.errors import BadInput
from playground.media import MAX_INLINE_BYTES, CheckedUploads, ImageStore, check_image


def encoded(fmt: str, size=(40, 30), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else 1).save(buffer, fmt, **save)
    return buffer.getvalue()


def test_png_passes_through_unchanged():
    data = encoded("PNG")
    a = check_image("a.png", data)
    assert (a.mime_type, a.data, a.width, a.height, a.note) == ("image/png", data, 40, 30, "")


def test_text_file_renamed_png_is_refused():
    with pytest.raises(BadInput, match="not an image Gemini can read"):
        check_image("notes.png", b"just some text\n")


def test_truncated_image_is_refused_as_corrupt():
    with pytest.raises(BadInput, match="corrupt"):
        check_image("broken.png", encoded("PNG", (300, 300))[:200])


def test_empty_file():
    with pytest.raises(BadInput, match="is empty"):
        check_image("empty.png", b"")


def test_decompression_bomb_is_refused_before_decoding():
    bomb = encoded("PNG", (20_000, 20_000), mode="1")
    assert len(bomb) < 200_000  # tiny on disk, 400 megapixels when decoded
    with pytest.raises(BadInput, match="too large to process safely"):
        check_image("bomb.png", bomb)


def test_large_but_not_bomb_sized_image_is_refused_by_pixel_count():
    big = encoded("PNG", (8_000, 7_000), mode="1")  # 56 MP: under Pillow's guard, over ours
    with pytest.raises(BadInput, match="8000×7000 px, too large"):
        check_image("big.png", big)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_formats_gemini_lacks_become_png(fmt):
    a = check_image(f"x.{fmt.lower()}", encoded(fmt))
    assert a.mime_type == "image/png" and f"converted from {fmt} to PNG" in a.note
    assert Image.open(io.BytesIO(a.data)).format == "PNG"


def test_exif_rotated_jpeg_is_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    data = encoded("JPEG", (40, 30), exif=exif.tobytes())
    a = check_image("photo.jpg", data)
    assert (a.width, a.height) == (30, 40) and "rotated upright" in a.note
    assert a.mime_type == "image/jpeg"


def test_oversize_image_is_downscaled_with_a_note():
    noisy = Image.effect_noise((3000, 3000), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert len(buffer.getvalue()) > MAX_INLINE_BYTES
    a = check_image("big.png", buffer.getvalue())
    assert len(a.data) <= MAX_INLINE_BYTES and a.width < 3000
    assert "downscaled from 3000×3000" in a.note


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\n"
    b"newpath 0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"
)


def test_only_raster_decoders_touch_untrusted_bytes():
    """An EPS file (which Pillow would hand to Ghostscript) is not decoded at all."""
    with pytest.raises(BadInput, match="not an image Gemini can read"):
        check_image("drawing.png", EPS)
    with pytest.raises(UnidentifiedImageError):
        ImageStore().add(EPS, "image/png")


def test_an_upload_is_checked_once_while_it_stays_attached():
    uploads = CheckedUploads()
    reads: list[str] = []

    def reader(data: bytes, name: str):
        def read() -> bytes:
            reads.append(name)
            return data

        return read

    big = encoded("PNG", (6500, 100))  # wider than the limit: downscaled when checked
    first = uploads.check("id-1", "big.png", len(big), reader(big, "big"))
    again = uploads.check("id-1", "big.png", len(big), reader(big, "big"))
    assert again is first and reads == ["big"] and "downscaled" in first.note
    bad = uploads.check("id-2", "notes.png", 5, reader(b"hello", "bad"))
    assert isinstance(bad, BadInput) and "not an image" in bad.message
    assert uploads.check("id-2", "notes.png", 5, reader(b"hello", "bad")) is bad
    assert reads == ["big", "bad"]
    # the same bytes uploaded again get a new file id: checked afresh
    fresh = uploads.check("id-3", "big.png", len(big), reader(big, "again"))
    assert fresh is not first and fresh == first and reads[-1] == "again"
    uploads.keep_only([("id-3", len(big))])  # the others were removed from the uploader
    assert uploads.entries() == [fresh]

"""gemini_offline.images: the pixel-size table, edit parsing, drawing and edits."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image, ImageChops, ImageStat

from gemini_offline.faults import Directives, parse_directives
from gemini_offline.image_replies import subject_of
from gemini_offline.images import (
    EditOp,
    apply_edits,
    caption_words,
    describe_edits,
    draw_image,
    nearest_ratio,
    oriented_size,
    parse_edit,
    pixel_size,
    png_bytes,
)
from gemini_offline.models import (
    CATALOGUE,
    EXTREME_ASPECT_RATIOS,
    IMAGE_ASPECT_RATIOS,
    IMAGEN_CATALOGUE,
    find_imagen,
    find_model,
)
from tests.expected_pixel_sizes import EXPECTED_1K

#: The documented 1K table (long side 1024, short side the nearest multiple of 8).


def test_the_1k_table_covers_every_ratio() -> None:
    assert set(EXPECTED_1K) == set(IMAGE_ASPECT_RATIOS + EXTREME_ASPECT_RATIOS)
    assert {r: pixel_size(r, "1K") for r in EXPECTED_1K} == EXPECTED_1K


@pytest.mark.parametrize("ratio", list(EXPECTED_1K))
@pytest.mark.parametrize(("size", "scale"), [("1K", 1), ("2K", 2), ("4K", 4)])
def test_sizes_are_multiples_of_8_within_half_a_percent(ratio: str, size: str, scale: int) -> None:
    width, height = pixel_size(ratio, size)
    w, h = (int(n) for n in ratio.split(":"))

    assert (width, height) == (EXPECTED_1K[ratio][0] * scale, EXPECTED_1K[ratio][1] * scale)
    assert width % 8 == 0 and height % 8 == 0
    assert max(width, height) == 1024 * scale
    assert abs((width / height) / (w / h) - 1) < 0.005


def test_nearest_ratio_snaps_arbitrary_sizes() -> None:
    assert nearest_ratio(640, 480, IMAGE_ASPECT_RATIOS) == "4:3"
    assert nearest_ratio(1920, 1080, IMAGE_ASPECT_RATIOS) == "16:9"
    assert nearest_ratio(100, 50, IMAGE_ASPECT_RATIOS) == "16:9"
    assert nearest_ratio(50, 400, IMAGE_ASPECT_RATIOS + EXTREME_ASPECT_RATIOS) == "1:8"


def test_image_models_carry_their_limits_and_imagen_is_not_listed() -> None:
    flash, pro, old = (
        find_model(m)
        for m in ("gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-2.5-flash-image")
    )
    assert flash.image.aspect_ratios[-4:] == EXTREME_ASPECT_RATIOS
    assert pro.image.aspect_ratios == IMAGE_ASPECT_RATIOS and pro.image.max_input_images == 14
    assert old.image.image_sizes == ("1K",) and old.image.max_input_images == 3
    assert not old.image.thought_signatures and flash.image.thought_signatures
    assert all(m.image is not None for m in CATALOGUE if "image" in m.id)
    assert all(m.image is None for m in CATALOGUE if "image" not in m.id)
    assert {m.id for m in IMAGEN_CATALOGUE}.isdisjoint(m.id for m in CATALOGUE)
    assert find_imagen("models/imagen-4.0-fast-generate-001").image_sizes == ("1K",)


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("make it yellow", [EditOp("tint", "yellow")]),
        ("Make it black and white", [EditOp("greyscale")]),
        ("convert to grayscale", [EditOp("greyscale")]),
        ("Flip it", [EditOp("flip")]),
        ("mirror the photo", [EditOp("flip")]),
        ("turn it upside down", [EditOp("flip_vertical")]),
        ("rotate it", [EditOp("rotate", "clockwise")]),
        ("rotate left", [EditOp("rotate", "anticlockwise")]),
        ("Add a llama next to the car", [EditOp("sticker", "llama")]),
        ("put a hat on the cat", [EditOp("sticker", "hat")]),
        ("add an owl.", [EditOp("sticker", "owl")]),
        ("invert the colours", [EditOp("invert")]),
        ("make it softer", [EditOp("blur")]),
        ("sharpen it", [EditOp("sharpen")]),
        ("brighter please", [EditOp("brighter")]),
        ("a bit darker", [EditOp("darker")]),
        (
            "Turn this car into a convertible",
            [EditOp("banner", "Turn this car into a convertible")],
        ),
    ],
)
def test_single_edit_rules(instruction: str, expected: list[EditOp]) -> None:
    assert parse_edit(instruction) == expected


def test_several_edits_compose_in_a_fixed_order() -> None:
    ops = parse_edit("Add a red hat and a llama, blur it, make it yellow and flip it")

    assert ops == [
        EditOp("flip"),
        EditOp("tint", "yellow"),
        EditOp("blur"),
        EditOp("sticker", "red hat"),
        EditOp("sticker", "llama"),
    ]
    assert describe_edits(ops, references=2) == (
        "mirrored left to right, tinted yellow, blurred, added a sticker “red hat”, "
        "added a sticker “llama”, pasted 2 reference thumbnails in a corner"
    )


def test_black_and_white_is_not_two_tints() -> None:
    assert [op.kind for op in parse_edit("make it black and white and blue")] == [
        "greyscale",
        "tint",
    ]


def test_rotation_swaps_the_oriented_size() -> None:
    assert oriented_size((640, 480), parse_edit("rotate it")) == (480, 640)
    assert oriented_size((640, 480), parse_edit("flip it")) == (640, 480)


def test_caption_words_skip_filler_and_negative_words() -> None:
    assert caption_words("Generate an image of a lighthouse at dawn") == ["lighthouse", "dawn"]
    assert caption_words("two red barns under a blue sky", avoid=["blue", "barn"]) == [
        "two",
        "red",
        "sky",
    ]


def test_drawing_is_deterministic_and_varies_with_prompt_seed_and_variant() -> None:
    size = (256, 256)
    first = png_bytes(draw_image("A lighthouse at dawn", size))

    assert png_bytes(draw_image("A lighthouse at dawn", size)) == first
    assert png_bytes(draw_image("A lighthouse at noon", size)) != first
    assert png_bytes(draw_image("A lighthouse at dawn", size, seed=3)) != first
    assert png_bytes(draw_image("A lighthouse at dawn", size, variant=1)) != first
    assert Image.open(io.BytesIO(first)).size == size


def test_colour_words_colour_the_drawing() -> None:
    yellow = ImageStat.Stat(draw_image("a yellow field of yellow flowers", (256, 256))).mean
    blue = ImageStat.Stat(draw_image("a blue lake under a blue sky", (256, 256))).mean

    assert yellow[0] > yellow[2] and yellow[1] > yellow[2]
    assert blue[2] > blue[0]


def test_a_1k_drawing_is_fast() -> None:
    timings = []
    for i in range(3):
        start = time.perf_counter()
        png_bytes(draw_image(f"A lighthouse at dawn {i}", pixel_size("16:9", "1K")))
        timings.append(time.perf_counter() - start)

    assert min(timings) < 0.5


def test_greyscale_edit_has_equal_channels() -> None:
    base = draw_image("a red barn", (320, 240))

    out = apply_edits(base, parse_edit("black and white"), (320, 240))

    r, g, b = out.split()
    assert ImageChops.difference(r, g).getbbox() is None
    assert ImageChops.difference(g, b).getbbox() is None


def test_flip_mirrors_the_picture() -> None:
    base = draw_image("a red barn", (320, 240))

    out = apply_edits(base, parse_edit("flip"), (320, 240))

    # Away from the (unflipped) corner note, the output is the mirror image.
    left = (0, 60, 160, 240)
    mirrored = base.transpose(Image.Transpose.FLIP_LEFT_RIGHT).crop(left)
    assert ImageChops.difference(out.crop(left), mirrored).getbbox() is None


def test_every_edit_changes_the_picture() -> None:
    base = draw_image("a quiet harbour", (320, 240))
    for instruction in ("add a llama", "sharpen", "Turn this car into a convertible", "rotate"):
        out = apply_edits(
            base, parse_edit(instruction), oriented_size((320, 240), parse_edit(instruction))
        )
        if out.size == base.size:
            assert ImageChops.difference(out, base).getbbox() is not None, instruction


def test_text_only_directive_is_found_and_stripped() -> None:
    text, found = parse_directives("Draw a lighthouse [[text-only]] at dawn [[finish:STOP]]")

    assert text == "Draw a lighthouse at dawn"
    assert found == Directives(finish="STOP", text_only=True)


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        ("Generate an image of a lighthouse at dawn", "a lighthouse at dawn"),
        ("A lighthouse at dawn.", "a lighthouse at dawn"),
        ("Please create a photorealistic picture of my cat", "my cat"),
        ("NASA rocket launch", "NASA rocket launch"),
        ("", "your prompt"),
    ],
)
def test_subject_of_a_prompt(prompt: str, subject: str) -> None:
    assert subject_of(prompt) == subject

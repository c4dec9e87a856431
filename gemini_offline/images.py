"""Pillow drawing and edits behind the simulated image models (Gemini image models, Imagen).

Everything here is a pure function of its arguments, so the same request always gives the
same PNG bytes.

Pixel sizes
-----------
:func:`pixel_size` gives the size of an output image. At ``1K`` the long side is 1024 px
and the short side is the multiple of 8 nearest to the exact ratio; ``2K`` and ``4K`` are
exactly 2× and 4× the 1K size. (This is not Google's ~1-megapixel table: it keeps every
ratio within 0.4 % of exact, which Google's table does not.)

======  ==========  ==========  ==========
ratio   1K          2K          4K
======  ==========  ==========  ==========
1:1     1024×1024   2048×2048   4096×4096
2:3     680×1024    1360×2048   2720×4096
3:2     1024×680    2048×1360   4096×2720
3:4     768×1024    1536×2048   3072×4096
4:3     1024×768    2048×1536   4096×3072
4:5     816×1024    1632×2048   3264×4096
5:4     1024×816    2048×1632   4096×3264
9:16    576×1024    1152×2048   2304×4096
16:9    1024×576    2048×1152   4096×2304
21:9    1024×440    2048×880    4096×1760
1:4     256×1024    512×2048    1024×4096
4:1     1024×256    2048×512    4096×1024
1:8     128×1024    256×2048    512×4096
8:1     1024×128    2048×256    4096×512
======  ==========  ==========  ==========

Drawing
-------
:func:`draw_image`: a soft four-corner gradient sky, a sun with a halo, three rolling hills
and a few floating shapes, coloured from a hash of the prompt (or from the colour words in
it), with the prompt's key words as a caption and a "SIMULATED" corner note. The scene is
painted at up to 1536 px and scaled to size (anti-aliased at 1K, fast at 4K); text is drawn
at full resolution.

Edits
-----
:func:`parse_edit` turns an instruction into :class:`EditOp` s, applied by
:func:`apply_edits` in the fixed order of :data:`EDIT_ORDER` (see that tuple for the words
each one reacts to). An instruction that matches no rule gets a caption banner with its
text, so every edit is visible.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

RGB = tuple[int, int, int]

#: Long side in pixels at 1K.
BASE_LONG_SIDE = 1024
#: Scale of each ``imageSize`` relative to 1K.
SIZE_SCALE = {"1K": 1, "2K": 2, "4K": 4}
#: The scene (gradient and shapes) is painted at twice the output's long side, at most this
#: (supersampled edges at 1K), then scaled to the output size.
SCENE_LONG_SIDE = 1536
#: The corner note on every simulated image.
WATERMARK = "SIMULATED"

#: Colour words understood in prompts and edit instructions.
COLOURS: dict[str, RGB] = {
    "red": (220, 50, 47),
    "orange": (240, 140, 30),
    "yellow": (245, 205, 40),
    "gold": (212, 175, 55),
    "green": (60, 170, 80),
    "teal": (30, 150, 150),
    "cyan": (40, 190, 220),
    "blue": (45, 100, 220),
    "navy": (25, 40, 110),
    "purple": (130, 70, 190),
    "violet": (145, 95, 215),
    "magenta": (200, 40, 160),
    "pink": (240, 130, 180),
    "brown": (130, 85, 50),
    "black": (22, 22, 26),
    "white": (246, 246, 246),
    "grey": (128, 128, 128),
    "gray": (128, 128, 128),
    "silver": (190, 192, 200),
}
_COLOUR_RE = re.compile(r"\b(" + "|".join(COLOURS) + r")\b", re.IGNORECASE)

#: Words left out of captions: requests to draw, not things to draw.
CAPTION_STOPWORDS = frozenset(
    """
    a an the and or of in on at to for with from by into onto over under near next
    image images picture pictures photo photos photograph drawing illustration illustrated
    painting render rendering sketch art artwork style realistic photorealistic draw paint
    generate create make show give me please some my your this that it its is are be
    can could would you i we us high quality detailed beautiful simulated step steps
    recipe story provide as go along each way
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


# -- sizes -------------------------------------------------------------------------------


def parse_ratio(ratio: str) -> tuple[int, int]:
    """``"16:9"`` -> ``(16, 9)``; ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d{1,3})\s*:\s*(\d{1,3})\s*", ratio or "")
    if not match or not int(match.group(1)) or not int(match.group(2)):
        raise ValueError(f"not an aspect ratio: {ratio!r}")
    return int(match.group(1)), int(match.group(2))


def pixel_size(aspect_ratio: str = "1:1", image_size: str = "1K") -> tuple[int, int]:
    """(width, height) of an output image; see the table in the module docstring."""
    w, h = parse_ratio(aspect_ratio)
    scale = SIZE_SCALE[image_size]
    short = 8 * round(BASE_LONG_SIDE * min(w, h) / max(w, h) / 8)
    long, short = BASE_LONG_SIDE * scale, max(8, short) * scale
    return (long, short) if w >= h else (short, long)


def nearest_ratio(width: int, height: int, allowed: Sequence[str]) -> str:
    """The ratio in ``allowed`` closest to ``width:height`` (compared on a log scale)."""
    target = math.log(width / height)

    def distance(ratio: str) -> float:
        w, h = parse_ratio(ratio)
        return abs(math.log(w / h) - target)

    return min(allowed, key=distance)


# -- small helpers -----------------------------------------------------------------------


def _digest(*parts: object) -> int:
    key = "|".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _mix(a: Sequence[int], b: Sequence[int], t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _hsv(hue: float, sat: float, val: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, sat, val)
    return round(r * 255), round(g * 255), round(b * 255)


def _hue_of(rgb: Sequence[int]) -> tuple[float, float]:
    h, s, _ = colorsys.rgb_to_hsv(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255)
    return h, s


def _rotate(rgb: Sequence[int], turn: float) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255)
    if s < 0.12:  # greys have no hue to turn: give them a gentle one
        s = 0.35
    return _hsv(h + turn, s, max(v, 0.35))


def _luma(rgb: Sequence[int]) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at ``size`` px (cached)."""
    return ImageFont.load_default(size=max(6, int(size)))


def _fit_text(
    draw: ImageDraw.ImageDraw, text: str, max_width: float, size: int, min_size: int = 10
) -> tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """Shrink the font (down to ``min_size``), then shorten ``text`` until it fits."""
    size = max(min_size, size)
    while size > min_size and draw.textlength(text, font=font(size)) > max_width:
        size = max(min_size, int(size * 0.9))
    f = font(size)
    if draw.textlength(text, font=f) <= max_width:
        return text, f
    while len(text) > 1 and draw.textlength(text + "...", font=f) > max_width:
        text = text[:-1]
    return text.rstrip() + "...", f


def colour_words(text: str) -> list[str]:
    """Colour names in ``text``, in order of first appearance ("gray" is "grey")."""
    found: list[str] = []
    for match in _COLOUR_RE.finditer(text):
        name = match.group(1).lower().replace("gray", "grey")
        if name not in found:
            found.append(name)
    return found


def caption_words(text: str, avoid: Iterable[str] = (), limit: int = 5) -> list[str]:
    """Key words of a prompt for the caption: no filler, no ``avoid`` words, no repeats."""
    banned = {w.lower().rstrip("s") for w in avoid}
    words: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'\-]*", text):
        lowered = word.lower().strip("'-")
        if (
            len(lowered) > 1
            and lowered not in CAPTION_STOPWORDS
            and lowered.rstrip("s") not in banned
            and lowered not in words
        ):
            words.append(lowered)
    return words[:limit]


def png_bytes(img: Image.Image) -> bytes:
    """Encode ``img`` as PNG (deterministic for the same pixels)."""
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", compress_level=6 if img.width * img.height <= 4_200_000 else 1)
    return buffer.getvalue()


def encode(img: Image.Image, mime_type: str = "image/png", quality: int = 75) -> bytes:
    """Encode ``img`` as PNG or JPEG."""
    if mime_type == "image/jpeg":
        buffer = io.BytesIO()
        img.convert("RGB").save(buffer, format="JPEG", quality=max(1, min(100, quality)))
        return buffer.getvalue()
    return png_bytes(img)


def open_image(data: bytes) -> Image.Image:
    """Decode image bytes to an RGB image (transparency flattened onto white)."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return img.convert("RGB")


# -- drawing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    """The colours of one drawing."""

    sky: tuple[RGB, RGB, RGB, RGB]  # top-left, top-right, bottom-left, bottom-right
    sun: RGB
    hills: tuple[RGB, RGB, RGB]
    accents: tuple[RGB, RGB, RGB]


def palette_for(prompt: str, seed: int | None = None, avoid: Iterable[str] = ()) -> Palette:
    """Colours from the colour words of ``prompt``, else from its hash.

    Colour words in ``avoid`` (a negative prompt) are dropped, and every colour whose hue
    is near an avoided colour's is turned to the opposite hue.
    """
    avoided = set(colour_words(" ".join(avoid)))
    avoided_hues = [h for h, sat in (_hue_of(COLOURS[n]) for n in avoided) if sat > 0.2]
    named = [c for c in colour_words(prompt) if c not in avoided]
    h = _digest("palette", prompt.lower().strip(), seed)
    hue = (h % 360) / 360
    primary = COLOURS[named[0]] if named else _hsv(hue, 0.5 + (h >> 12) % 30 / 100, 0.88)
    if len(named) > 1:
        secondary = COLOURS[named[1]]
    elif named:  # one colour word: let it dominate, with an analogous hue for the hills
        secondary = _mix(_rotate(primary, 0.04 + (h >> 20) % 5 / 100), primary, 0.3)
    else:
        secondary = _rotate(primary, 0.42 + (h >> 20) % 16 / 100)
    white, black = (255, 255, 255), (0, 0, 0)
    sky_top = _mix(primary, black, 0.35)
    sky_bottom = _mix(primary, white, 0.45)
    sky = (
        sky_top,
        _mix(sky_top, secondary, 0.25),
        sky_bottom,
        _mix(sky_bottom, _rotate(primary, 0.08), 0.35),
    )
    sun = _mix(_rotate(secondary, -0.3) if not named else secondary, white, 0.45)
    hills = (
        _mix(secondary, white, 0.15),
        _mix(secondary, black, 0.3),
        _mix(secondary, black, 0.55),
    )
    accents = (
        _mix(_rotate(primary, 0.5), white, 0.2),
        _mix(secondary, white, 0.5),
        _rotate(primary, 0.18),
    )
    if avoided_hues:
        # The ignores: a generator rebuilds each fixed-length tuple, which mypy types as
        # tuple[RGB, ...]; the lengths are unchanged.
        sky = tuple(_steer(c, avoided_hues) for c in sky)  # type: ignore[assignment]
        sun = _steer(sun, avoided_hues)
        hills = tuple(_steer(c, avoided_hues) for c in hills)  # type: ignore[assignment]
        accents = tuple(_steer(c, avoided_hues) for c in accents)  # type: ignore[assignment]
    return Palette(sky, sun, hills, accents)


def _steer(rgb: RGB, avoided_hues: Sequence[float], within: float = 0.13) -> RGB:
    """``rgb`` with its hue turned to the opposite side if it is near an avoided hue."""
    h, s, v = colorsys.rgb_to_hsv(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255)
    if s < 0.15:
        return rgb
    for other in avoided_hues:
        if min(abs(h - other), 1 - abs(h - other)) < within:
            return _hsv(other + 0.5, s, v)
    return rgb


def _gradient(size: tuple[int, int], corners: Sequence[RGB]) -> Image.Image:
    """A smooth four-corner gradient (painted at 16×16 and scaled up bicubically)."""
    tl, tr, bl, br = corners
    n = 16
    small = Image.new("RGB", (n, n))
    pixels: list[RGB] = []
    for y in range(n):
        v = y / (n - 1)
        left, right = _mix(tl, bl, v), _mix(tr, br, v)
        pixels.extend(_mix(left, right, x / (n - 1)) for x in range(n))
    small.putdata(pixels)
    return small.resize(size, Image.Resampling.BICUBIC)


def _paint_scene(size: tuple[int, int], palette: Palette, rng: random.Random) -> Image.Image:
    w, h = size
    m = min(w, h)
    img = _gradient(size, palette.sky)
    draw = ImageDraw.Draw(img, "RGBA")
    # Sun with a halo.
    cx, cy = w * rng.uniform(0.22, 0.78), h * rng.uniform(0.16, 0.34)
    r = m * rng.uniform(0.08, 0.13)
    for k, alpha in ((1.9, 24), (1.4, 46), (1.0, 235)):
        draw.ellipse((cx - r * k, cy - r * k, cx + r * k, cy + r * k), fill=(*palette.sun, alpha))
    # Floating shapes in the upper half.
    for i in range(rng.randint(3, 6)):
        colour = palette.accents[i % 3]
        sx, sy = w * rng.uniform(0.06, 0.94), h * rng.uniform(0.06, 0.5)
        s = m * rng.uniform(0.02, 0.055)
        alpha = rng.randint(120, 200)
        kind = rng.choice(("circle", "triangle", "diamond", "square"))
        if kind == "circle":
            draw.ellipse((sx - s, sy - s, sx + s, sy + s), fill=(*colour, alpha))
        elif kind == "triangle":
            draw.polygon([(sx, sy - s), (sx + s, sy + s), (sx - s, sy + s)], fill=(*colour, alpha))
        elif kind == "diamond":
            draw.polygon(
                [(sx, sy - s), (sx + s, sy), (sx, sy + s), (sx - s, sy)], fill=(*colour, alpha)
            )
        else:
            draw.rounded_rectangle((sx - s, sy - s, sx + s, sy + s), s * 0.3, fill=(*colour, alpha))
    # Three rolling hills, back to front.
    steps = 48
    for i, colour in enumerate(palette.hills):
        base = h * (0.58 + 0.12 * i + rng.uniform(-0.03, 0.03))
        amp = h * rng.uniform(0.03, 0.07)
        freq = rng.uniform(1.2, 2.6) * math.pi / w
        phase = rng.uniform(0, 2 * math.pi)
        points = [
            (x * w / steps, base + amp * math.sin(freq * x * w / steps + phase))
            for x in range(steps + 1)
        ]
        draw.polygon([*points, (w, h), (0, h)], fill=(*colour, 255))
    return img


def _band(
    draw: ImageDraw.ImageDraw,
    text: str,
    size: tuple[int, int],
    font_px: int,
    *,
    bottom: float,
    full_width: bool = False,
) -> None:
    """A rounded dark band with white ``text``, centred, its bottom edge at ``bottom``."""
    w, _ = size
    pad = max(4, font_px // 2)
    text, f = _fit_text(draw, text, w * 0.9 - 2 * pad, font_px)
    left, top, right, low = draw.textbbox((0, 0), text, font=f)
    tw, th = right - left, low - top
    bw = w if full_width else tw + 2 * pad
    x0 = (w - bw) / 2
    y0 = bottom - th - 2 * pad
    box = (x0, y0, x0 + bw, bottom)
    draw.rounded_rectangle(
        box, 0 if full_width else pad, fill=(0, 0, 0, 185 if full_width else 150)
    )
    draw.text(((w - tw) / 2 - left, y0 + pad - top), text, font=f, fill=(255, 255, 255, 255))


def watermark(img: Image.Image, text: str = WATERMARK) -> None:
    """Draw the small neutral (grey-safe) corner note in place, top right."""
    w, h = img.size
    m = min(w, h)
    draw = ImageDraw.Draw(img, "RGBA")
    size = max(9, round(m * 0.024))
    f = font(size)
    left, top, right, low = draw.textbbox((0, 0), text, font=f)
    pad = max(2, size // 3)
    x1 = w - max(3, m * 0.015)
    x0 = x1 - (right - left) - 2 * pad
    y0 = max(3, m * 0.015)
    y1 = y0 + (low - top) + 2 * pad
    draw.rounded_rectangle((x0, y0, x1, y1), pad, fill=(0, 0, 0, 110))
    draw.text((x0 + pad - left, y0 + pad - top), text, font=f, fill=(255, 255, 255, 220))


def draw_image(
    prompt: str,
    size: tuple[int, int] = (1024, 1024),
    *,
    seed: int | None = None,
    variant: int = 0,
    label: str | None = None,
    avoid: Iterable[str] = (),
) -> Image.Image:
    """Draw the simulated picture for ``prompt`` at ``size`` (width, height).

    ``seed`` and ``variant`` (a step or sample index) change the composition but not the
    palette's colour words; ``label`` ("Step 2") starts the caption; ``avoid`` (a negative
    prompt's words) keeps those words out of the caption and those colours out of the image.
    """
    avoid = tuple(avoid)
    width, height = size
    scale = min(2 * max(width, height), SCENE_LONG_SIDE) / max(width, height)
    scene_size = (max(8, round(width * scale)), max(8, round(height * scale)))
    rng = random.Random(_digest("scene", prompt.lower().strip(), seed, variant))
    scene = _paint_scene(scene_size, palette_for(prompt, seed, avoid), rng)
    if scene_size != size:
        # Painted larger: box-filter down (anti-aliased edges); painted smaller: scale up.
        resample = Image.Resampling.BOX if scale > 1 else Image.Resampling.BICUBIC
        scene = scene.resize(size, resample)
    img = scene
    words = caption_words(prompt, avoid) or ["untitled"]
    caption = " · ".join(words)
    if label:
        caption = f"{label} · {caption}"
    draw = ImageDraw.Draw(img, "RGBA")
    m = min(width, height)
    _band(draw, caption, size, max(10, round(m * 0.05)), bottom=height - max(4, m * 0.04))
    watermark(img)
    return img


# -- edits -------------------------------------------------------------------------------

#: Edit kinds in the order they are applied.
EDIT_ORDER = (
    "rotate",  # "rotate" → 90° clockwise ("rotate left"/"counterclockwise" → 90° anticlockwise)
    "flip",  # "flip", "mirror" → left-right mirror
    "flip_vertical",  # "upside down", "flip vertically" → top-bottom flip
    "greyscale",  # "black and white", "grayscale", "greyscale", "monochrome", "b&w"
    "tint",  # each colour word ("make it yellow") → colour grade toward it
    "invert",  # "invert", "negative"
    "brighter",  # "brighter", "brighten", "lighter", "lighten"
    "darker",  # "darker", "darken", "dimmer"
    "blur",  # "blur", "blurry", "soft", "soften", "dreamy"
    "sharpen",  # "sharpen", "sharper", "crisp" → unsharp mask + a little contrast
    "sticker",  # "add a X", "add an X", "put a X", "place a X" → labelled sticker "X"
    "banner",  # nothing matched → caption banner with the instruction
)

_ARTICLE = r"(?:a|an|some|one|the|two|three)\s+"
_THING = r"[a-z][a-z'\-]*(?:\s+[a-z][a-z'\-]*){0,2}?"
_STICKER_RE = re.compile(
    r"\b(?:add|put|place|stick|draw|include)\s+"
    rf"({_ARTICLE}{_THING}(?:\s*(?:,\s*and|,|\s+and)\s+{_ARTICLE}{_THING})*)"
    r"(?=\s+(?:on|onto|to|in|into|at|next|beside|behind|above|below|under|near|over|and|with|"
    r"wearing|for|that|which|so|then)\b|\s*[,.;:!?]|\s*$)",
    re.IGNORECASE,
)
_STICKER_SPLIT_RE = re.compile(rf"^{_ARTICLE}|\s*(?:,\s*and|,|\s+and)\s+{_ARTICLE}", re.IGNORECASE)
_GREY_RE = re.compile(
    r"\bblack\s*(?:and|&|n)\s*white\b|\bb\s*&\s*w\b|\bgr[ae]y\s*-?\s*scale\b|\bmonochrome\b|"
    r"\bdesaturate[ds]?\b",
    re.IGNORECASE,
)
_VFLIP_RE = re.compile(
    r"\bupside[\s-]*down\b|\bflip(?:ped|s)?\s+(?:it\s+)?vertical(?:ly)?\b|\bvertical\s+flip\b",
    re.IGNORECASE,
)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rotate", re.compile(r"\brotat\w*\b|\bturn\s+(?:it\s+)?sideways\b", re.IGNORECASE)),
    ("flip", re.compile(r"\bflip\w*\b|\bmirror\w*\b", re.IGNORECASE)),
    ("invert", re.compile(r"\binvert\w*\b|\bnegative\b", re.IGNORECASE)),
    ("brighter", re.compile(r"\b(?:brighter|brighten\w*|lighter|lighten\w*)\b", re.IGNORECASE)),
    ("darker", re.compile(r"\b(?:darker|darken\w*|dimmer)\b", re.IGNORECASE)),
    ("blur", re.compile(r"\b(?:blur\w*|soft\w*|dreamy)\b", re.IGNORECASE)),
    ("sharpen", re.compile(r"\b(?:sharp\w*|crisp\w*)\b", re.IGNORECASE)),
)
_CCW_RE = re.compile(r"\b(?:left|counter-?clockwise|anti-?clockwise)\b", re.IGNORECASE)


@dataclass(frozen=True)
class EditOp:
    """One edit: its kind (from :data:`EDIT_ORDER`) and argument (colour, label, text)."""

    kind: str
    arg: str = ""

    def describe(self) -> str:
        """Past-tense phrase for the reply text, e.g. ``tinted yellow``."""
        if self.kind == "rotate":
            return f"rotated 90° {self.arg or 'clockwise'}"
        if self.kind == "sticker":
            return f"added a sticker “{self.arg}”"
        if self.kind == "banner":
            return f"added a caption banner “{self.arg}”"
        if self.kind == "tint":
            return f"tinted {self.arg}"
        return {
            "flip": "mirrored left to right",
            "flip_vertical": "flipped upside down",
            "greyscale": "converted to black and white",
            "invert": "inverted the colours",
            "brighter": "brightened",
            "darker": "darkened",
            "blur": "blurred",
            "sharpen": "sharpened",
        }[self.kind]


def parse_edit(instruction: str) -> list[EditOp]:
    """The edits ``instruction`` asks for, in :data:`EDIT_ORDER` (a banner if none match)."""
    text = " ".join(instruction.split())
    ops: list[EditOp] = []
    for match in _STICKER_RE.finditer(text):
        for label in _STICKER_SPLIT_RE.split(match.group(1)):
            label = label.strip().lower()
            if label and label not in ("it", "this", "that"):
                ops.append(EditOp("sticker", label))
    rest = _STICKER_RE.sub(" ", text)
    if _GREY_RE.search(rest):
        ops.append(EditOp("greyscale"))
        rest = _GREY_RE.sub(" ", rest)
    if _VFLIP_RE.search(rest):
        ops.append(EditOp("flip_vertical"))
        rest = _VFLIP_RE.sub(" ", rest)
    for kind, pattern in _RULES:
        if pattern.search(rest):
            arg = ""
            if kind == "rotate":
                arg = "anticlockwise" if _CCW_RE.search(rest) else "clockwise"
            ops.append(EditOp(kind, arg))
    ops += [EditOp("tint", name) for name in colour_words(rest)]
    if not ops:
        ops.append(EditOp("banner", " ".join(text.split()) or "edit"))
    order = {kind: i for i, kind in enumerate(EDIT_ORDER)}
    return sorted(ops, key=lambda op: order[op.kind])


def oriented_size(size: tuple[int, int], ops: Sequence[EditOp]) -> tuple[int, int]:
    """``size`` after the edits' rotations (width and height swap per 90° turn)."""
    turns = sum(1 for op in ops if op.kind == "rotate")
    return (size[1], size[0]) if turns % 2 else size


def _tint(img: Image.Image, colour: RGB) -> Image.Image:
    # A colour wash: luminance mapped from a shaded to a lightened tint, then blended in,
    # so even dark pictures clearly take on the colour.
    dark = _mix(colour, (0, 0, 0), 0.5)
    light = _mix(colour, (255, 255, 255), 0.5)
    graded = ImageOps.colorize(img.convert("L"), black=dark, white=light)
    return Image.blend(img, graded, 0.6)


def _sticker_colour(label: str) -> RGB:
    named = colour_words(label)
    if named:
        return COLOURS[named[0]]
    return _hsv((_digest("sticker", label) % 360) / 360, 0.6, 0.85)


#: Where stickers go (centre, as fractions of width and height), picked by label hash.
STICKER_SPOTS = ((0.3, 0.32), (0.7, 0.3), (0.32, 0.64), (0.68, 0.62), (0.5, 0.46), (0.5, 0.2))


def _stickers(img: Image.Image, labels: Sequence[str]) -> None:
    w, h = img.size
    m = min(w, h)
    draw = ImageDraw.Draw(img, "RGBA")
    used: set[int] = set()
    for label in labels:
        spot = _digest("spot", label) % len(STICKER_SPOTS)
        while spot in used and len(used) < len(STICKER_SPOTS):
            spot = (spot + 1) % len(STICKER_SPOTS)
        used.add(spot)
        fx, fy = STICKER_SPOTS[spot]
        text, f = _fit_text(draw, label, w * 0.42, max(10, round(m * 0.065)))
        left, top, right, low = draw.textbbox((0, 0), text, font=f)
        tw, th = right - left, low - top
        pad = max(4, round(th * 0.6))
        bw, bh = tw + 2 * pad, th + 2 * pad
        x0, y0 = w * fx - bw / 2, h * fy - bh / 2
        x0 = min(max(2, x0), w - bw - 2)
        y0 = min(max(2, y0), h - bh - 2)
        radius = bh / 2
        shadow = max(2, round(m * 0.006))
        border = max(2, round(m * 0.007))
        colour = _sticker_colour(label)
        draw.rounded_rectangle(
            (x0 + shadow, y0 + shadow, x0 + bw + shadow, y0 + bh + shadow),
            radius,
            fill=(0, 0, 0, 90),
        )
        draw.rounded_rectangle(
            (x0, y0, x0 + bw, y0 + bh),
            radius,
            fill=(*colour, 255),
            outline=(255, 255, 255, 255),
            width=border,
        )
        ink = (20, 20, 20, 255) if _luma(colour) > 150 else (255, 255, 255, 255)
        draw.text((x0 + pad - left, y0 + pad - top), text, font=f, fill=ink)


def _thumbnails(img: Image.Image, references: Sequence[Image.Image]) -> None:
    """Paste small square thumbnails of ``references`` along the top-left edge."""
    if not references:
        return
    w, h = img.size
    m = min(w, h)
    gap = max(3, round(m * 0.012))
    side = min(m * 0.18, (w * 0.8 - gap) / len(references) - gap)
    side = max(12, int(side))
    border = max(1, side // 24)
    draw = ImageDraw.Draw(img)
    for i, ref in enumerate(references):
        x = gap + i * (side + gap)
        thumb = ImageOps.fit(ref, (side, side), Image.Resampling.BILINEAR)
        draw.rectangle(
            (x - border, gap - border, x + side + border - 1, gap + side + border - 1),
            fill=(255, 255, 255),
        )
        img.paste(thumb, (x, gap))


def apply_edits(
    base: Image.Image,
    ops: Sequence[EditOp],
    size: tuple[int, int],
    references: Sequence[Image.Image] = (),
) -> Image.Image:
    """Apply ``ops`` (already in :data:`EDIT_ORDER`) to ``base``; return a ``size`` image."""
    img = base.convert("RGB")
    for op in ops:
        if op.kind == "rotate":
            turn = (
                Image.Transpose.ROTATE_90
                if op.arg == "anticlockwise"
                else (Image.Transpose.ROTATE_270)
            )
            img = img.transpose(turn)
    img = ImageOps.fit(img, size, Image.Resampling.BICUBIC) if img.size != size else img.copy()
    m = min(size)
    stickers: list[str] = []
    for op in ops:
        kind = op.kind
        if kind == "flip":
            img = ImageOps.mirror(img)
        elif kind == "flip_vertical":
            img = ImageOps.flip(img)
        elif kind == "greyscale":
            img = img.convert("L").convert("RGB")
        elif kind == "tint":
            img = _tint(img, COLOURS[op.arg])
        elif kind == "invert":
            img = ImageOps.invert(img)
        elif kind == "brighter":
            img = ImageEnhance.Brightness(img).enhance(1.35)
        elif kind == "darker":
            img = ImageEnhance.Brightness(img).enhance(0.62)
        elif kind == "blur":
            img = img.filter(ImageFilter.GaussianBlur(max(2.0, m / 110)))
        elif kind == "sharpen":
            img = img.filter(ImageFilter.UnsharpMask(radius=max(2, m // 300), percent=180))
            img = ImageEnhance.Contrast(img).enhance(1.15)
        elif kind == "sticker":
            stickers.append(op.arg)
        elif kind == "banner":
            draw = ImageDraw.Draw(img, "RGBA")
            font_px = max(10, round(m * 0.045))
            _band(draw, f"Edit: {op.arg}", size, font_px, bottom=size[1], full_width=True)
    _stickers(img, stickers)
    _thumbnails(img, references)
    watermark(img)
    return img


def describe_edits(ops: Sequence[EditOp], references: int = 0) -> str:
    """``tinted yellow, added a sticker “hat”`` (plus pasted reference thumbnails)."""
    phrases = [op.describe() for op in ops]
    if references:
        phrases.append(
            f"pasted {references} reference thumbnail{'s' * (references != 1)} in a corner"
        )
    return ", ".join(phrases)

"""The parts of an image model's answer: what to draw or edit, and the words around it.

:func:`plan_image_parts` is called for a request whose ``image_output`` is true. It returns
answer parts in wire shape (``{"text": …}`` and ``{"inlineData": {"mimeType": "image/png",
"data": <standard base64>}}``) plus the image tokens they cost. Signatures and finish
reasons are added by :mod:`.responses`.

* **Generate** (no image anywhere in the conversation): one picture drawn from the prompt,
  preceded by "Here is a simulated image of …". Like the real models, every call draws a
  new picture — unless the request has a ``seed`` (reproducible per seed) or temperature 0
  (always the same); see :func:`draw_seed`.
* **Interleave** (the prompt asks for a recipe, story, steps, "illustrated", "as you go"):
  3–4 steps, each a text part followed by its picture.
* **Edit** (the conversation holds an image): the latest image in any role is the base —
  in an edit chat that is the model's own previous output unless the last user turn attaches
  a new one. The last user turn's text says what to change (:func:`.images.parse_edit`);
  other images of that turn are pasted as reference thumbnails.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .images import (
    apply_edits,
    describe_edits,
    draw_image,
    encode,
    nearest_ratio,
    open_image,
    oriented_size,
    parse_edit,
    pixel_size,
    png_bytes,
)
from .media import decode_base64
from .request import GenerateRequest, image_parts

#: Output tokens charged per generated image, by ``imageSize``.
IMAGE_TOKENS = {"1K": 1290, "2K": 1290, "4K": 2000}

#: Prompts that get alternating text and pictures.
INTERLEAVE_RE = re.compile(
    r"\b(?:recipes?|step[-\s]+by[-\s]+step|steps|story|stories|storyboard|comic|illustrated|"
    r"tutorial|(?:images?|pictures?)\s+as\s+you\s+go|as\s+you\s+go)\b",
    re.IGNORECASE,
)
_RECIPE_RE = re.compile(r"\b(?:recipes?|cook|bake|baking|dish)\b", re.IGNORECASE)
_STORY_RE = re.compile(r"\b(?:story|stories|tale|storyboard|comic|fable)\b", re.IGNORECASE)
_SUBJECT_LEAD_RE = re.compile(
    r"^(?:(?:please|ok|okay|now)[,\s]+)*(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?"
    r"(?:generate|create|draw|paint|make|render|design|illustrate|show|give|produce|imagine|"
    r"sketch|write|tell)(?:\s+(?:me|us))?\s+",
    re.IGNORECASE,
)
_SUBJECT_NOUN_RE = re.compile(
    r"^(?:(?:a|an|the|some|one)\s+)?(?:[\w-]+\s+)?(?:image|picture|photo|photograph|drawing|"
    r"illustration|painting|render|sketch|portrait|poster|wallpaper|icon|logo)s?\s+"
    r"(?:of|showing|with|for)\s+",
    re.IGNORECASE,
)
_EXPLAIN_RE = re.compile(
    r"^(?:(?:please|can you|could you)\s+)*(?:explain|describe|teach me|show me|tell me)\s+",
    re.IGNORECASE,
)
#: Where the subject of an interleaved request ends ("…, with images as you go").
_SUBJECT_END_RE = re.compile(
    r"[,;:]|\s+(?:with|showing|and\s+(?:provide|give|show|include|add|draw|illustrate)\w*)\b",
    re.IGNORECASE,
)
_TOPIC_RE = re.compile(
    r"\b(?:recipes?|story|stories|tale|guide|tutorial|steps?|comic|storyboard)\s+"
    r"(?:for|about|of|on|to|explaining)\s+(.+)$",
    re.IGNORECASE,
)

RECIPE_STEPS = (
    "Gather and measure everything you need for {s}.",
    "Prepare the main ingredients: wash, chop and mix them.",
    "Cook it gently until the colours and smells come together.",
    "Plate it up, garnish, and serve.",
)
STORY_SCENES = (
    "It begins: {s}, on an ordinary morning.",
    "Something unexpected appears on the horizon.",
    "A brave choice changes everything.",
    "And so the day ends happily, with a lesson learned.",
)
GENERIC_STEPS = (
    "Start with the basics of {s}.",
    "Build up the main part.",
    "Add the details that make it yours.",
    "Check the finished result.",
)


@dataclass(frozen=True)
class InputImage:
    """One image blob of the conversation."""

    data: bytes
    #: Index of its content in ``contents``.
    turn: int
    role: str


def input_images(req: GenerateRequest) -> list[InputImage]:
    """Every image blob in the conversation, oldest first (thought images skipped)."""
    found = []
    for turn, content in enumerate(req.contents):
        for blob in image_parts(content):
            data = decode_base64(str(blob.get("data", "")))
            found.append(InputImage(data, turn, str(content.get("role", "user"))))
    return found


def _shorten(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def subject_of(prompt: str) -> str:
    """What the picture shows: the prompt minus "Generate an image of", first sentence only."""
    first = next((s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", prompt) if s.strip()), "")
    text = _SUBJECT_LEAD_RE.sub("", first, count=1)
    text = _SUBJECT_NOUN_RE.sub("", text, count=1).strip(" .!?,;:")
    first_word = text.split(" ", 1)[0]
    if first_word != "I" and first_word[1:] == first_word[1:].lower():  # not "NASA"
        text = text[:1].lower() + text[1:]
    return _shorten(text) if text else "your prompt"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


#: What ``[[image-mime:TYPE]]`` sends instead of the PNG, for the types that are documents:
#: active content a client must never run or render as a page.
MIME_DOCUMENTS: dict[str, bytes] = {
    "image/svg+xml": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    ),
    "text/html": (
        b"<!DOCTYPE html><html><head><title>gemini_offline</title></head><body>"
        b"<script>alert(1)</script><p>Not an image (image-mime directive).</p></body></html>"
    ),
}


def image_part(data: bytes, mime_type: str | None = None) -> dict[str, Any]:
    """An ``inlineData`` image part (standard base64, as the real API sends).

    ``mime_type`` (from ``[[image-mime:…]]``) relabels the part; for the document types of
    :data:`MIME_DOCUMENTS` the PNG is replaced by that document.
    """
    if mime_type is None:
        return {"inlineData": {"mimeType": "image/png", "data": _b64(data)}}
    body = MIME_DOCUMENTS.get(mime_type, data)
    return {"inlineData": {"mimeType": mime_type, "data": _b64(body)}}


#: Offset of per-call drawing seeds, so they never coincide with small user seeds.
CALL_SEED_BASE = 1 << 40


def draw_seed(req: GenerateRequest, next_count: Callable[[], int]) -> int | None:
    """The seed a generated picture is drawn with.

    The request's ``seed`` when it has one (same request → same bytes); None (the prompt
    alone decides) at temperature 0; otherwise a fresh per-call number, so parallel calls
    with the same prompt give different pictures, as real image models do. Edits draw
    nothing random, so they are always reproducible.
    """
    if req.seed is not None:
        return req.seed
    if req.temperature == 0:
        return None
    return CALL_SEED_BASE + next_count()


def plan_image_parts(
    req: GenerateRequest, seed: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The answer parts of an image reply, and the IMAGE tokens they cost.

    ``seed`` (from :func:`draw_seed`) drives generated pictures; edits ignore it. The
    pictures come in the model's own format (JPEG for Gemini 3 Pro Image, else PNG);
    ``[[image-mime:…]]`` overrides it.
    """
    spec = req.model.image
    assert spec is not None
    image_size = str(req.image_config.get("imageSize") or "1K")
    ratio = req.image_config.get("aspectRatio")
    with_text = "TEXT" in req.response_modalities
    images = input_images(req)
    if images:
        texts, pngs = _edit(req, images, ratio, image_size, spec.aspect_ratios)
    elif INTERLEAVE_RE.search(req.prompt):
        texts, pngs = _interleaved(req, pixel_size(ratio or "1:1", image_size), seed)
    else:
        size = pixel_size(ratio or "1:1", image_size)
        picture = draw_image(req.prompt, size, seed=seed)
        texts, pngs = [f"Here is a simulated image of {subject_of(req.prompt)}."], [picture]
    parts: list[dict[str, Any]] = []
    for text, picture in zip(texts, pngs, strict=True):
        if with_text and text:
            parts.append({"text": text})
        if spec.mime_type != "image/png" and req.directives.image_mime is None:
            data = encode(picture, spec.mime_type, quality=90)
            parts.append({"inlineData": {"mimeType": spec.mime_type, "data": _b64(data)}})
            continue
        parts.append(image_part(png_bytes(picture), req.directives.image_mime))
    return parts, IMAGE_TOKENS[image_size] * len(pngs)


def _interleaved(
    req: GenerateRequest, size: tuple[int, int], seed: int | None
) -> tuple[list[str], list[Any]]:
    prompt = req.prompt
    digest = hashlib.sha256(f"{prompt}|{seed}".encode()).digest()
    steps = 3 + digest[0] % 2
    subject = subject_of(prompt)
    topic = _TOPIC_RE.search(subject)
    if topic:
        subject = topic.group(1)
    else:  # "Explain step by step how to plant a tree" → "how to plant a tree"
        subject = subject_of(_EXPLAIN_RE.sub("", " ".join(INTERLEAVE_RE.sub(" ", prompt).split())))
    subject = _SUBJECT_END_RE.split(subject)[0].strip(" .!?")
    subject = subject or "your request"
    if _RECIPE_RE.search(prompt):
        bank, word, kind = RECIPE_STEPS, "Step", f"Here is an illustrated recipe for {subject}"
    elif _STORY_RE.search(prompt):
        bank, word, kind = STORY_SCENES, "Scene", f"Here is an illustrated story about {subject}"
    else:
        bank, word, kind = GENERIC_STEPS, "Step", f"Here are illustrated steps for {subject}"
    chosen = [*bank[: steps - 1], bank[-1]]
    texts, pictures = [], []
    for i, sentence in enumerate(chosen, start=1):
        text = f"**{word} {i}:** {sentence.format(s=subject)}"
        if i == 1:
            text = f"{kind} — simulated, one picture per {word.lower()}.\n\n{text}"
        texts.append(text)
        pictures.append(draw_image(prompt, size, seed=seed, variant=i, label=f"{word} {i}"))
    return texts, pictures


def _edit(
    req: GenerateRequest,
    images: list[InputImage],
    ratio: str | None,
    image_size: str,
    allowed_ratios: tuple[str, ...],
) -> tuple[list[str], list[Any]]:
    base_blob = images[-1]
    last_user = max(
        (i for i, c in enumerate(req.contents) if c.get("role", "user") == "user"), default=-1
    )
    references = [
        open_image(img.data)
        for img in images[:-1]
        if img.turn == last_user and base_blob.turn == last_user
    ]
    base = open_image(base_blob.data)
    ops = parse_edit(req.prompt)
    oriented = oriented_size(base.size, ops)
    size = pixel_size(ratio or nearest_ratio(*oriented, allowed_ratios), image_size)
    edited = apply_edits(base, ops, size, references)
    text = f"Simulated edit: {describe_edits(ops, len(references))}."
    return [text], [edited]

"""Imagen on the Enterprise ``:predict`` path: check the body, draw the samples.

The SDK's ``models.generate_images`` (Enterprise clients only) posts::

    POST /v1beta1/publishers/google/models/{m}:predict                              (express)
    POST /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{m}:predict   (project)
    {"instances": [{"prompt": …}],
     "parameters": {"sampleCount": 2, "aspectRatio": "16:9", "negativePrompt": …,
                    "personGeneration": "ALLOW_ADULT", "outputOptions": {"mimeType": …}, …}}

and reads ``{"predictions": [{"bytesBase64Encoded": …, "mimeType": "image/png"} |
{"raiFilteredReason": …}, …]}``. Samples are drawn by :func:`.images.draw_image` with the
sample index as the variant, so they differ from each other. With ``parameters.seed`` the
same body gives the same bytes; without one every call draws new pictures (as Imagen does).
The negative prompt's words stay out of the caption and its colours out of the palette.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import invalid_argument
from .faults import Directives, parse_directives
from .images import draw_image, encode, pixel_size
from .models import ImagenSpec

PERSON_GENERATION = ("dont_allow", "allow_adult", "allow_all")
OUTPUT_MIME_TYPES = ("image/png", "image/jpeg")
#: What Imagen says in place of a filtered image (``[[block:…]]`` in the prompt).
RAI_FILTERED_REASON = (
    "Unable to show generated images. All images were filtered out because they violated "
    "Vertex AI's usage guidelines. You will not be charged for blocked images. Try "
    "rephrasing the prompt. If you think this was an error, send feedback. "
    "Support codes: 39322892 (simulated by gemini_offline)"
)


@dataclass(frozen=True)
class PredictRequest:
    """A validated Imagen ``:predict`` body."""

    model: ImagenSpec
    prompt: str
    directives: Directives
    samples: int
    aspect_ratio: str = "1:1"
    image_size: str = "1K"
    negative_prompt: str = ""
    seed: int | None = None
    mime_type: str = "image/png"
    quality: int = 75


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise invalid_argument(f"{field} must be an integer, got {value!r}.")
    return int(value)


def parse_predict(body: Mapping[str, Any], model: ImagenSpec) -> PredictRequest:
    """Validate a ``:predict`` body for ``model``; raise a 400 ApiError on a bad one."""
    instances = body.get("instances")
    if not isinstance(instances, list) or len(instances) != 1:
        raise invalid_argument("instances must be a list holding exactly one instance.")
    instance = instances[0]
    prompt = instance.get("prompt") if isinstance(instance, Mapping) else None
    if not isinstance(prompt, str) or not prompt.strip():
        raise invalid_argument("instances[0].prompt is required and must be a non-empty string.")
    params = body.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise invalid_argument("parameters must be an object.")
    samples = model.default_samples
    if params.get("sampleCount") is not None:
        samples = _int(params["sampleCount"], "parameters.sampleCount")
        if not 1 <= samples <= model.max_samples:
            raise invalid_argument(
                f"parameters.sampleCount must be between 1 and {model.max_samples} for "
                f"{model.id}, got {samples}."
            )
    ratio = params.get("aspectRatio") or "1:1"
    if ratio not in model.aspect_ratios:
        raise invalid_argument(
            f"parameters.aspectRatio {ratio!r} is not supported by {model.id}; use one of "
            f"{', '.join(model.aspect_ratios)}."
        )
    size = params.get("sampleImageSize") or "1K"
    if size not in model.image_sizes:
        raise invalid_argument(
            f"parameters.sampleImageSize {size!r} is not supported by {model.id}; use one of "
            f"{', '.join(model.image_sizes)}."
        )
    person = params.get("personGeneration")
    if person is not None and str(person).lower() not in PERSON_GENERATION:
        raise invalid_argument(
            f"parameters.personGeneration {person!r} is invalid; use one of "
            f"{', '.join(PERSON_GENERATION)}."
        )
    negative = params.get("negativePrompt") or ""
    if not isinstance(negative, str):
        raise invalid_argument("parameters.negativePrompt must be a string.")
    seed = params.get("seed")
    seed = None if seed is None else _int(seed, "parameters.seed")
    options = params.get("outputOptions") or {}
    mime = str(options.get("mimeType") or "image/png").lower()
    if mime not in OUTPUT_MIME_TYPES:
        raise invalid_argument(
            f"parameters.outputOptions.mimeType {mime!r} is not supported; use one of "
            f"{', '.join(OUTPUT_MIME_TYPES)}."
        )
    quality = options.get("compressionQuality")
    quality = (
        75 if quality is None else _int(quality, "parameters.outputOptions.compressionQuality")
    )
    cleaned, directives = parse_directives(prompt)
    return PredictRequest(
        model=model,
        prompt=cleaned,
        directives=directives,
        samples=samples,
        aspect_ratio=ratio,
        image_size=size,
        negative_prompt=negative,
        seed=seed,
        mime_type=mime,
        quality=quality,
    )


def predictions(req: PredictRequest, call_seed: int | None = None) -> dict[str, Any]:
    """The ``{"predictions": [...]}`` body for a validated request.

    ``call_seed`` (a per-call number) is used when the request has no ``seed``.
    """
    if req.directives.block:
        return {"predictions": [{"raiFilteredReason": RAI_FILTERED_REASON}] * req.samples}
    size = pixel_size(req.aspect_ratio, req.image_size)
    avoid = re.findall(r"[A-Za-z][A-Za-z'\-]*", req.negative_prompt)
    out = []
    for index in range(req.samples):
        seed = req.seed if req.seed is not None else call_seed
        img = draw_image(req.prompt, size, seed=seed, variant=index, avoid=avoid)
        data = encode(img, req.mime_type, req.quality)
        out.append(
            {"bytesBase64Encoded": base64.b64encode(data).decode(), "mimeType": req.mime_type}
        )
    return {"predictions": out}

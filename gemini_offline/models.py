"""The model catalogue the offline server advertises, kept as plain data.

Add a model by appending a :class:`ModelSpec` to :data:`CATALOGUE`; routing, validation and
``models.list`` paging all read from here.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from dataclasses import dataclass
from typing import Any, TypedDict

from .errors import ApiError, invalid_argument

SIMULATED_NOTE = "Simulated by the gemini_offline demo server; replies are generated locally."

TEXT_METHODS = ("generateContent", "countTokens")

#: Aspect ratios every Gemini image model accepts in ``imageConfig.aspectRatio``.
IMAGE_ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
#: The extra, extreme ratios of the newest image models.
EXTREME_ASPECT_RATIOS = ("1:4", "4:1", "1:8", "8:1")
#: ``imageConfig.imageSize`` values (uppercase K only, as the real API requires).
IMAGE_SIZES = ("1K", "2K", "4K")


@dataclass(frozen=True)
class ImageOutput:
    """What a Gemini image model accepts and returns when asked for IMAGE output."""

    aspect_ratios: tuple[str, ...] = IMAGE_ASPECT_RATIOS
    image_sizes: tuple[str, ...] = IMAGE_SIZES
    #: Most images one user turn may attach (reference images for an edit).
    max_input_images: int = 14
    #: Gemini 3 image models sign the first part and every image part (``thoughtSignature``).
    thought_signatures: bool = True
    #: The type the real model sends its pictures as (Gemini 3 Pro Image sends JPEG).
    mime_type: str = "image/png"


@dataclass(frozen=True)
class ModelSpec:
    """One catalogue entry; :meth:`to_wire` gives the REST ``Model`` resource."""

    id: str
    display_name: str
    description: str
    version: str = "001"
    input_token_limit: int = 1_048_576
    output_token_limit: int = 65_536
    methods: tuple[str, ...] = TEXT_METHODS
    #: Whether the model thinks at all (the ``thinking`` field of the resource).
    thinking: bool = False
    #: Which ``thinkingConfig`` knob the model takes: "level" (Gemini 3) or "budget" (2.5).
    thinking_control: str | None = None
    #: False for models that only think when given a thinking budget (2.5 Flash-Lite).
    thinks_by_default: bool = True
    #: False for models that cannot turn thinking off (budget 0 is rejected).
    can_disable_thinking: bool = True
    #: The ``thinkingLevel`` values a "level" model takes; any other level gets the real
    #: "Thinking level X is not supported for this model" 400.
    thinking_levels: tuple[str, ...] = ()
    #: Whether ``presencePenalty`` / ``frequencyPenalty`` are accepted. The real API answers
    #: "Penalty is not enabled for models/gemini-2.5-flash" (wire/error_400_…penalty…json);
    #: it is not known for every model, so every Gemini 2.5 and 3 model here (Flash, Pro,
    #: Flash-Lite, image) is treated like 2.5 Flash and refuses them.
    penalties: bool = False
    #: False for models that refuse ``candidateCount`` > 1 ("Multiple candidates is not
    #: enabled for this model": the image models, as reported against the real API).
    multiple_candidates: bool = True
    #: Whether ``responseLogprobs`` is served; the others answer "Logprobs is not enabled
    #: for models/<id>", as the 2.5 models do on the Gemini API (gemini-2.0-flash serves them).
    logprobs: bool = False
    #: For a ``-latest`` alias, the model it currently serves (its replies' modelVersion).
    alias_of: str | None = None
    output_modalities: tuple[str, ...] = ("TEXT",)
    #: Image output limits; None for models without IMAGE output.
    image: ImageOutput | None = None
    temperature: float | None = 1.0
    max_temperature: float | None = 2.0
    top_p: float | None = 0.95
    top_k: int | None = 64

    @property
    def served_id(self) -> str:
        """The model that answers: the alias target, else this model (``modelVersion``)."""
        return self.alias_of or self.id

    @property
    def name(self) -> str:
        """The resource name, ``models/<id>``."""
        return f"models/{self.id}"

    @property
    def requires_thought_signatures(self) -> bool:
        """True for Gemini 3 models: the first ``functionCall`` part of each step of the
        current turn must come back with its ``thoughtSignature`` (2.5 models do not check).
        """
        return self.served_id.startswith("gemini-3")

    def supports(self, method: str) -> bool:
        """True if ``method`` (e.g. "generateContent") is in supportedGenerationMethods."""
        # Streaming is the same method as far as the catalogue is concerned.
        wanted = "generateContent" if method == "streamGenerateContent" else method
        return wanted in self.methods

    def to_wire(self) -> dict[str, Any]:
        """The ``Model`` resource as real Gemini lists it (camelCase, unset fields omitted)."""
        entry: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "displayName": self.display_name,
            "description": f"{self.description} {SIMULATED_NOTE}",
            "inputTokenLimit": self.input_token_limit,
            "outputTokenLimit": self.output_token_limit,
            "supportedGenerationMethods": list(self.methods),
        }
        for key, value in (
            ("temperature", self.temperature),
            ("topP", self.top_p),
            ("topK", self.top_k),
            ("maxTemperature", self.max_temperature),
        ):
            if value is not None:
                entry[key] = value
        if "generateContent" in self.methods:
            entry["thinking"] = self.thinking
        return entry


class _ImageModelLimits(TypedDict):
    multiple_candidates: bool
    input_token_limit: int
    output_token_limit: int
    output_modalities: tuple[str, ...]


_IMAGE_MODEL: _ImageModelLimits = {
    "multiple_candidates": False,
    "input_token_limit": 65_536,
    "output_token_limit": 32_768,
    "output_modalities": ("TEXT", "IMAGE"),
}

CATALOGUE: tuple[ModelSpec, ...] = (
    ModelSpec(
        "gemini-3-pro-preview",
        "Gemini 3 Pro Preview",
        "Gemini 3 Pro: the most capable reasoning model, preview release.",
        version="3-pro-preview",
        thinking=True,
        thinking_control="level",
        can_disable_thinking=False,
        # Gemini 3 Pro takes LOW and HIGH only; MINIMAL gets the recorded 400
        # (wire/error_400_…thinking_level_minimal_unsupported.json, from 3.1 Pro).
        thinking_levels=("LOW", "HIGH"),
    ),
    ModelSpec(
        "gemini-3-flash-preview",
        "Gemini 3 Flash Preview",
        "Gemini 3 Flash: frontier intelligence at Flash speed, preview release.",
        version="3-flash-preview",
        thinking=True,
        thinking_control="level",
        can_disable_thinking=False,
        thinking_levels=("MINIMAL", "LOW", "MEDIUM", "HIGH"),
    ),
    ModelSpec(
        "gemini-2.5-pro",
        "Gemini 2.5 Pro",
        "Stable release of Gemini 2.5 Pro, a thinking model for complex tasks.",
        thinking=True,
        thinking_control="budget",
        can_disable_thinking=False,
    ),
    ModelSpec(
        "gemini-2.5-flash",
        "Gemini 2.5 Flash",
        "Stable release of Gemini 2.5 Flash, a fast mid-size multimodal model.",
        thinking=True,
        thinking_control="budget",
    ),
    ModelSpec(
        "gemini-2.5-flash-lite",
        "Gemini 2.5 Flash-Lite",
        "Stable release of Gemini 2.5 Flash-Lite, the fastest and most cost-efficient 2.5 model.",
        thinking=True,
        thinking_control="budget",
        thinks_by_default=False,
    ),
    ModelSpec(
        "gemini-2.0-flash",
        "Gemini 2.0 Flash",
        "Gemini 2.0 Flash: fast and versatile multimodal model; serves log probabilities.",
        version="2.0",
        output_token_limit=8192,
        top_k=40,
        logprobs=True,
    ),
    ModelSpec(
        "gemini-2.0-flash-lite",
        "Gemini 2.0 Flash-Lite",
        "Gemini 2.0 Flash-Lite: the most cost-efficient 2.0 model; serves log probabilities.",
        version="2.0",
        output_token_limit=8192,
        top_k=40,
        logprobs=True,
    ),
    ModelSpec(
        "gemini-3.1-flash-image",
        "Nano Banana 2 (Gemini 3.1 Flash Image)",
        "Gemini 3.1 Flash Image: image generation and editing.",
        version="3.1",
        image=ImageOutput(aspect_ratios=IMAGE_ASPECT_RATIOS + EXTREME_ASPECT_RATIOS),
        **_IMAGE_MODEL,
    ),
    ModelSpec(
        "gemini-3-pro-image",
        "Nano Banana Pro (Gemini 3 Pro Image)",
        "Gemini 3 Pro Image: studio-quality image generation and editing with thinking.",
        version="3.0",
        thinking=True,
        thinking_control="level",
        can_disable_thinking=False,
        thinking_levels=("LOW", "HIGH"),
        image=ImageOutput(mime_type="image/jpeg"),
        **_IMAGE_MODEL,
    ),
    ModelSpec(
        "gemini-2.5-flash-image",
        "Nano Banana (Gemini 2.5 Flash Image)",
        "Gemini 2.5 Flash Image: image generation and editing.",
        image=ImageOutput(image_sizes=("1K",), max_input_images=3, thought_signatures=False),
        **_IMAGE_MODEL,
    ),
    ModelSpec(
        "gemini-embedding-001",
        "Gemini Embedding 001",
        "Obtain a distributed representation of a text.",
        input_token_limit=2048,
        output_token_limit=1,
        methods=("embedContent",),
        temperature=None,
        max_temperature=None,
        top_p=None,
        top_k=None,
    ),
)


def _alias(alias: str, target_id: str, display_name: str, family: str) -> ModelSpec:
    target = next(spec for spec in CATALOGUE if spec.id == target_id)
    return dataclasses.replace(
        target,
        id=alias,
        display_name=display_name,
        description=f"Latest release of {family}.",
        version=display_name,
        alias_of=target.id,
    )


#: The ``-latest`` aliases the real models.list serves. They point at the 2.5 models, as at
#: their launch (they take a thinking budget, like the app expects of a non-3 model id).
ALIASES: tuple[ModelSpec, ...] = (
    _alias("gemini-flash-latest", "gemini-2.5-flash", "Gemini Flash Latest", "Gemini Flash"),
    _alias(
        "gemini-flash-lite-latest",
        "gemini-2.5-flash-lite",
        "Gemini Flash-Lite Latest",
        "Gemini Flash-Lite",
    ),
)
CATALOGUE = CATALOGUE + ALIASES

_BY_ID = {spec.id: spec for spec in CATALOGUE}

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def find_model(model_id: str) -> ModelSpec | None:
    """The catalogue entry for ``model_id`` (with or without "models/"), or None."""
    return _BY_ID.get(model_id.removeprefix("models/"))


# -- Imagen (Enterprise ``:predict`` only; never listed by the Developer API) ------------

#: Aspect ratios Imagen 4 accepts in ``parameters.aspectRatio``.
IMAGEN_ASPECT_RATIOS = ("1:1", "3:4", "4:3", "9:16", "16:9")


@dataclass(frozen=True)
class ImagenSpec:
    """An Imagen model served on the Enterprise ``…/publishers/google/models/{m}:predict`` path."""

    id: str
    display_name: str
    #: ``parameters.sampleImageSize`` values.
    image_sizes: tuple[str, ...] = ("1K", "2K")
    aspect_ratios: tuple[str, ...] = IMAGEN_ASPECT_RATIOS
    max_samples: int = 4
    #: Images per call when ``sampleCount`` is not sent.
    default_samples: int = 4


IMAGEN_CATALOGUE: tuple[ImagenSpec, ...] = (
    ImagenSpec("imagen-4.0-generate-001", "Imagen 4"),
    ImagenSpec("imagen-4.0-fast-generate-001", "Imagen 4 Fast", image_sizes=("1K",)),
    ImagenSpec("imagen-4.0-ultra-generate-001", "Imagen 4 Ultra"),
)
_IMAGEN_BY_ID = {spec.id: spec for spec in IMAGEN_CATALOGUE}


def find_imagen(model_id: str) -> ImagenSpec | None:
    """The Imagen entry for ``model_id`` (with or without "models/"), or None."""
    return _IMAGEN_BY_ID.get(model_id.removeprefix("models/"))


def encode_page_token(offset: int) -> str:
    """Opaque page token for a list offset."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_page_token(token: str) -> int:
    """The offset inside ``token``; raises a 400 for anything this server did not issue."""
    try:
        raw = base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)).decode()
        prefix, _, number = raw.partition(":")
        if prefix != "offset" or not number.isdigit():
            raise ValueError(raw)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_argument("Invalid page token.") from None


def list_page(page_size: str | int | None, page_token: str | None) -> dict[str, Any]:
    """One page of ``models.list``: ``{"models": [...], "nextPageToken": ...}``."""
    try:
        size = int(page_size) if page_size not in (None, "") else DEFAULT_PAGE_SIZE
    except (TypeError, ValueError):
        raise ApiError(400, f"Invalid value at 'page_size' (TYPE_INT32), \"{page_size}\"") from None
    if size < 0:
        raise invalid_argument("* ListModelsRequest.page_size: must not be negative")
    size = min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = decode_page_token(page_token) if page_token else 0
    entries = CATALOGUE[offset : offset + size]
    page: dict[str, Any] = {"models": [spec.to_wire() for spec in entries]}
    if offset + size < len(CATALOGUE):
        page["nextPageToken"] = encode_page_token(offset + size)
    return page

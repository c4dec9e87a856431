"""The model catalogue: which models exist and what each can do.

Models come from `models.list` (through playground.gemini); when listing fails the
catalogue falls back to a built-in list so the app stays usable. Image output is not an
API field, so it is inferred from the model id, as Google's own docs suggest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from google.genai import types

from playground.errors import PlaygroundError

ThinkingStyle = Literal["budget", "level"]

ASPECT_RATIOS: tuple[str, ...] = (
    "1:1",
    "2:3",
    "3:2",
    "3:4",
    "4:3",
    "4:5",
    "5:4",
    "9:16",
    "16:9",
    "21:9",
)
EXTREME_ASPECT_RATIOS: tuple[str, ...] = ("1:4", "4:1", "1:8", "8:1")


@dataclass(frozen=True)
class ImageCapabilities:
    """What an image model takes. Not an API field: Google documents it per model."""

    aspect_ratios: tuple[str, ...] = ASPECT_RATIOS
    image_sizes: tuple[str, ...] = ("1K",)
    max_reference_images: int = 3


# Longest matching id prefix wins; unknown image models get the conservative default.
IMAGE_CAPABILITIES: dict[str, ImageCapabilities] = {
    "gemini-3.1-flash-image": ImageCapabilities(
        ASPECT_RATIOS + EXTREME_ASPECT_RATIOS, ("1K", "2K", "4K"), 14
    ),
    "gemini-3-pro-image": ImageCapabilities(ASPECT_RATIOS, ("1K", "2K", "4K"), 14),
    "gemini-2.5-flash-image": ImageCapabilities(ASPECT_RATIOS, ("1K",), 3),
}


@dataclass(frozen=True)
class ModelInfo:
    """What the playground needs to know about one model."""

    id: str
    display_name: str
    description: str = ""
    input_token_limit: int | None = None
    output_token_limit: int | None = None
    actions: tuple[str, ...] = ("generateContent", "countTokens")
    thinking: bool = False
    max_temperature: float | None = 2.0

    @property
    def generates_content(self) -> bool:
        return "generateContent" in self.actions

    @property
    def image_output(self) -> bool:
        return "image" in self.id and self.generates_content

    @property
    def text_output(self) -> bool:
        return self.generates_content and not self.image_output

    @property
    def image_capabilities(self) -> ImageCapabilities:
        matches = [p for p in IMAGE_CAPABILITIES if self.id.startswith(p)]
        return IMAGE_CAPABILITIES[max(matches, key=len)] if matches else ImageCapabilities()

    @property
    def thinking_style(self) -> ThinkingStyle | None:
        """Gemini 3 models take a thinking level; 2.5 models take a token budget."""
        if not self.thinking:
            return None
        return "level" if self.id.startswith("gemini-3") else "budget"

    @classmethod
    def from_sdk(cls, model: types.Model) -> ModelInfo:
        model_id = (model.name or "").removeprefix("models/")
        return cls(
            id=model_id,
            display_name=model.display_name or model_id,
            description=model.description or "",
            input_token_limit=model.input_token_limit,
            output_token_limit=model.output_token_limit,
            actions=tuple(model.supported_actions or ()),
            thinking=bool(model.thinking),
            max_temperature=model.max_temperature,
        )


def _fallback(model_id: str, name: str, thinking: bool, out: int = 65536) -> ModelInfo:
    return ModelInfo(
        id=model_id,
        display_name=name,
        input_token_limit=1_048_576 if "image" not in model_id else 65536,
        output_token_limit=out,
        thinking=thinking,
    )


FALLBACK_MODELS: tuple[ModelInfo, ...] = (
    _fallback("gemini-2.5-flash", "Gemini 2.5 Flash", True),
    _fallback("gemini-2.5-pro", "Gemini 2.5 Pro", True),
    _fallback("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", True),
    _fallback("gemini-3-pro-preview", "Gemini 3 Pro Preview", True),
    _fallback("gemini-3-flash-preview", "Gemini 3 Flash Preview", True),
    _fallback("gemini-3.1-flash-image", "Nano Banana 2", False, 32768),
    _fallback("gemini-3-pro-image", "Nano Banana Pro", True, 32768),
    _fallback("gemini-2.5-flash-image", "Nano Banana", False, 32768),
)


@dataclass(frozen=True)
class Catalog:
    """The models available to this connection."""

    models: tuple[ModelInfo, ...]
    from_fallback: bool = False
    error: PlaygroundError | None = None  # why the fallback is in use

    @property
    def problem(self) -> str | None:
        return f"{self.error.title}: {self.error.message}" if self.error else None

    @property
    def text_models(self) -> list[ModelInfo]:
        return [m for m in self.models if m.text_output]

    @property
    def image_models(self) -> list[ModelInfo]:
        return [m for m in self.models if m.image_output]

    def get(self, model_id: str) -> ModelInfo | None:
        return next((m for m in self.models if m.id == model_id), None)

    def info(self, model_id: str) -> ModelInfo:
        """The model's info, or a conservative guess for an id the catalogue lacks."""
        known = self.get(model_id)
        if known:
            return known
        return ModelInfo(
            id=model_id,
            display_name=model_id,
            thinking="gemini-2.5" in model_id or model_id.startswith("gemini-3"),
        )

    @classmethod
    def from_models(cls, models: list[types.Model]) -> Catalog:
        infos = [ModelInfo.from_sdk(m) for m in models]
        usable = tuple(sorted((m for m in infos if m.generates_content), key=_sort_key))
        if not usable:
            return cls.fallback(
                PlaygroundError("The model list had no models that generate content.")
            )
        return cls(usable)

    @classmethod
    def fallback(cls, error: PlaygroundError) -> Catalog:
        return cls(FALLBACK_MODELS, from_fallback=True, error=error)


def _sort_key(model: ModelInfo) -> tuple[Any, ...]:
    # Newest families first, so the picker opens on current models.
    family = 0 if model.id.startswith("gemini-3") else 1 if model.id.startswith("gemini-2.5") else 2
    return (family, model.id)

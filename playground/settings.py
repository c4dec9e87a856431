"""Generation settings: one pydantic model holds every knob, its bounds and its default.

The sidebar derives its sliders from the field metadata here (label, help, step), so a
bound changes in one place. `to_config()` turns the settings into the SDK's
GenerateContentConfig, sending only what differs from the API's own defaults, so that a
request (and the code exported from it) says exactly what the user chose.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from google.genai import types
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from playground.tools import build_tools

HARM_CATEGORIES: dict[str, str] = {
    "HARM_CATEGORY_HARASSMENT": "Harassment",
    "HARM_CATEGORY_HATE_SPEECH": "Hate speech",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT": "Sexually explicit",
    "HARM_CATEGORY_DANGEROUS_CONTENT": "Dangerous content",
}
BLOCK_THRESHOLDS: tuple[str, ...] = (
    "BLOCK_NONE",
    "BLOCK_ONLY_HIGH",
    "BLOCK_MEDIUM_AND_ABOVE",
    "BLOCK_LOW_AND_ABOVE",
    "OFF",
)
THINKING_LEVELS: tuple[str, ...] = ("MINIMAL", "LOW", "MEDIUM", "HIGH")
MAX_STOP_SEQUENCES = 5
THINKING_BUDGET_MAX = 32768

DEFAULT_MODEL = "gemini-2.5-flash"


def _ui(label: str, step: float | int | None = None, **extra: Any) -> dict[str, Any]:
    return {"label": label, "step": step, **extra}


class GenerationSettings(BaseModel):
    """Everything that shapes a generate call apart from the prompt itself."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid", frozen=False)

    model: str = Field(default=DEFAULT_MODEL, min_length=1, description="Model id")
    system_instruction: str = Field(
        default="", description="Instructions the model follows for the whole request."
    )
    temperature: float = Field(
        default=1.0,
        ge=0.0,
        le=2.0,
        description="Randomness: 0 gives the most likely answer every time, 2 the most varied.",
        json_schema_extra=_ui("Temperature", 0.05),
    )
    top_p: float = Field(
        default=0.95,
        ge=0.0,
        le=1.0,
        description="Nucleus sampling: only tokens within this cumulative probability are drawn.",
        json_schema_extra=_ui("Top P", 0.01),
    )
    top_k: int | None = Field(
        default=None,
        ge=1,
        le=500,
        description="Sample only from the K most likely tokens. Empty = the model's default.",
        json_schema_extra=_ui("Top K", 1),
    )
    max_output_tokens: int = Field(
        default=8192,
        ge=1,
        le=65536,
        description="Upper limit of tokens in the reply; a longer reply stops with MAX_TOKENS.",
        json_schema_extra=_ui("Max output tokens", 64),
    )
    stop_sequences: list[str] = Field(
        default_factory=list,
        max_length=MAX_STOP_SEQUENCES,
        description="Up to 5 strings; the reply stops before the first one it would write.",
    )
    candidate_count: int = Field(
        default=1,
        ge=1,
        le=8,
        description="How many alternative replies to ask for in one request.",
        json_schema_extra=_ui("Candidates", 1),
    )
    seed: int | None = Field(
        default=None,
        ge=0,
        le=2**31 - 1,
        description="Fixed seed for reproducible sampling. Empty = random.",
    )
    presence_penalty: float = Field(
        default=0.0,
        ge=-2.0,
        lt=2.0,
        description="Positive values discourage tokens that already appeared (more new topics).",
        json_schema_extra=_ui("Presence penalty", 0.1, max_value=1.9),
    )
    frequency_penalty: float = Field(
        default=0.0,
        ge=-2.0,
        lt=2.0,
        description="Positive values discourage tokens in proportion to how often they appeared.",
        json_schema_extra=_ui("Frequency penalty", 0.1, max_value=1.9),
    )
    response_format: Literal["text", "json"] = Field(
        default="text", description="Plain text/Markdown, or JSON (optionally with a schema)."
    )
    response_schema: dict[str, Any] | None = Field(
        default=None, description="JSON Schema the JSON reply must follow."
    )
    thinking_budget: int | None = Field(
        default=None,
        ge=-1,
        le=THINKING_BUDGET_MAX,
        description="Tokens the model may spend thinking (2.5 models). -1 = dynamic, 0 = off.",
    )
    thinking_level: Literal["MINIMAL", "LOW", "MEDIUM", "HIGH"] | None = Field(
        default=None, description="How hard a Gemini 3 model thinks. Empty = the model's default."
    )
    include_thoughts: bool = Field(
        default=False, description="Return thought summaries alongside the answer."
    )
    safety: dict[str, str] = Field(
        default_factory=dict, description="Block threshold per harm category (unset = default)."
    )
    google_search: bool = Field(
        default=False, description="Ground the answer in Google Search results (with sources)."
    )
    url_context: bool = Field(
        default=False, description="Let the model read the web pages whose URLs are in the prompt."
    )
    code_execution: bool = Field(
        default=False, description="Let the model write and run Python to compute its answer."
    )
    function_declarations: list[dict[str, Any]] = Field(
        default_factory=list, description="Functions the model may ask you to call (JSON)."
    )
    function_mode: Literal["AUTO", "ANY", "NONE"] = Field(
        default="AUTO", description="AUTO: the model decides; ANY: it must call; NONE: never."
    )
    allowed_function_names: list[str] = Field(
        default_factory=list, description="With ANY: the functions it may choose from."
    )

    @field_validator("stop_sequences")
    @classmethod
    def _stop_sequences_not_blank(cls, value: list[str]) -> list[str]:
        if any(not s for s in value):
            raise ValueError("stop sequences must not be empty strings")
        return value

    @field_validator("safety")
    @classmethod
    def _known_safety(cls, value: dict[str, str]) -> dict[str, str]:
        for category, threshold in value.items():
            if category not in HARM_CATEGORIES:
                raise ValueError(f"unknown harm category {category}")
            if threshold not in BLOCK_THRESHOLDS:
                raise ValueError(f"unknown block threshold {threshold}")
        return value

    @model_validator(mode="after")
    def _one_thinking_knob(self) -> GenerationSettings:
        if self.thinking_budget is not None and self.thinking_level is not None:
            raise ValueError("set either a thinking budget or a thinking level, not both")
        if self.response_schema is not None and self.response_format != "json":
            raise ValueError("a response schema needs the JSON response format")
        declared = {d.get("name") for d in self.function_declarations}
        unknown = [n for n in self.allowed_function_names if n not in declared]
        if unknown:
            raise ValueError(f"allowed function names not declared: {', '.join(unknown)}")
        if self.allowed_function_names and self.function_mode != "ANY":
            raise ValueError("allowed function names go with the ANY function-calling mode")
        if (
            self.function_declarations
            and self.function_mode == "ANY"
            and (self.response_format == "json")
        ):
            raise ValueError("forced function calling (ANY) cannot be combined with JSON output")
        return self

    def to_config(self) -> types.GenerateContentConfig:
        """The SDK config for these settings; API defaults are left out of the request."""
        defaults = type(self)()
        config: dict[str, Any] = {"max_output_tokens": self.max_output_tokens}
        if self.system_instruction.strip():
            config["system_instruction"] = self.system_instruction
        for name in (
            "temperature",
            "top_p",
            "candidate_count",
            "presence_penalty",
            "frequency_penalty",
        ):
            if getattr(self, name) != getattr(defaults, name):
                config[name] = getattr(self, name)
        if self.top_k is not None:
            config["top_k"] = self.top_k
        if self.seed is not None:
            config["seed"] = self.seed
        if self.stop_sequences:
            config["stop_sequences"] = list(self.stop_sequences)
        if self.response_format == "json":
            config["response_mime_type"] = "application/json"
            if self.response_schema is not None:
                config["response_json_schema"] = self.response_schema
        thinking: dict[str, Any] = {}
        if self.thinking_budget is not None:
            thinking["thinking_budget"] = self.thinking_budget
        if self.thinking_level is not None:
            thinking["thinking_level"] = self.thinking_level
        if self.include_thoughts:
            thinking["include_thoughts"] = True
        if thinking:
            config["thinking_config"] = types.ThinkingConfig(**thinking)
        tools, tool_config = build_tools(
            google_search=self.google_search,
            url_context=self.url_context,
            code_execution=self.code_execution,
            function_declarations=self.function_declarations,
            function_mode=self.function_mode,
            allowed_function_names=self.allowed_function_names,
        )
        if tools:
            config["tools"] = tools
        if tool_config is not None:
            config["tool_config"] = tool_config
        if self.safety:
            config["safety_settings"] = [
                types.SafetySetting.model_validate({"category": c, "threshold": t})
                for c, t in self.safety.items()
            ]
        return types.GenerateContentConfig(**config)

    def for_model(self, thinking_style: str | None, output_token_limit: int | None) -> Any:
        """A copy fitted to a model: drops thinking knobs it lacks, clamps max output."""
        update: dict[str, Any] = {}
        if thinking_style != "budget":
            update["thinking_budget"] = None
        if thinking_style != "level":
            update["thinking_level"] = None
        if thinking_style is None:
            update["include_thoughts"] = False
        if output_token_limit and self.max_output_tokens > output_token_limit:
            update["max_output_tokens"] = output_token_limit
        return self.model_copy(update=update) if update else self


def field_ui(name: str) -> dict[str, Any]:
    """Bounds, default, label, help and step of a numeric field, for building a widget."""
    info = GenerationSettings.model_fields[name]
    extra = dict(info.json_schema_extra or {})  # type: ignore[arg-type]
    bounds: dict[str, Any] = {}
    for meta in info.metadata:
        for attr in ("ge", "le", "gt", "lt"):
            if getattr(meta, attr, None) is not None:
                bounds[attr] = getattr(meta, attr)
    min_value = bounds.get("ge", bounds.get("gt"))
    max_value = extra.pop("max_value", None) or bounds.get("le", bounds.get("lt"))
    return {
        "label": extra.get("label", name.replace("_", " ").capitalize()),
        "help": info.description,
        "step": extra.get("step"),
        "min_value": min_value,
        "max_value": max_value,
        "default": info.get_default(call_default_factory=True),
    }


def parse_json_schema(text: str) -> dict[str, Any] | None:
    """Parse the user's JSON schema text; None when blank. Raises ValueError with a reason."""
    if not text.strip():
        return None
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"The JSON schema is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc
    if not isinstance(schema, dict):
        raise ValueError('The JSON schema must be a JSON object, e.g. {"type": "object"}.')
    if "type" not in schema and not any(k in schema for k in ("anyOf", "oneOf", "$ref", "enum")):
        raise ValueError('The JSON schema needs a "type" (for example "object").')
    return schema


def parse_stop_sequences(text: str) -> list[str]:
    """One stop sequence per line; blank lines ignored. Raises ValueError past the limit."""
    sequences = [line for line in text.splitlines() if line.strip()]
    if len(sequences) > MAX_STOP_SEQUENCES:
        raise ValueError(
            f"At most {MAX_STOP_SEQUENCES} stop sequences are allowed; you gave {len(sequences)}."
        )
    return sequences


IMAGE_SIZES: tuple[str, ...] = ("1K", "2K", "4K")
IMAGEN_ASPECT_RATIOS: tuple[str, ...] = ("1:1", "3:4", "4:3", "9:16", "16:9")
IMAGEN_MODELS: tuple[str, ...] = (
    "imagen-4.0-generate-001",
    "imagen-4.0-fast-generate-001",
    "imagen-4.0-ultra-generate-001",
)
PERSON_GENERATION: tuple[str, ...] = ("dont_allow", "allow_adult", "allow_all")
DEFAULT_IMAGE_MODEL = "gemini-3.1-flash-image"
DEFAULT_IMAGEN_MODEL = "imagen-4.0-generate-001"


class ImageSettings(BaseModel):
    """The knobs of a Gemini image call (generateContent with IMAGE output)."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(default=DEFAULT_IMAGE_MODEL, min_length=1)
    aspect_ratio: str | None = Field(
        default=None,
        pattern=r"^\d+:\d+$",
        description="None lets the model choose (1:1, or the input image's shape for edits).",
    )
    image_size: Literal["1K", "2K", "4K"] = "1K"
    number_of_images: int = Field(
        default=1, ge=1, le=4, description="Parallel calls: these models return one per call."
    )
    temperature: float = Field(default=1.0, ge=0.0, le=2.0)

    def to_config(self) -> types.GenerateContentConfig:
        """TEXT+IMAGE output (image-only is not supported); 1K is the default size."""
        image_config: dict[str, Any] = {}
        if self.aspect_ratio:
            image_config["aspect_ratio"] = self.aspect_ratio
        if self.image_size != "1K":
            image_config["image_size"] = self.image_size
        # Temperature is always sent: with several parallel calls, each is a fresh sample.
        return types.GenerateContentConfig(
            response_modalities=["TEXT", "IMAGE"],
            image_config=types.ImageConfig(**image_config) if image_config else None,
            temperature=self.temperature,
        )


class ImagenSettings(BaseModel):
    """Imagen's generate_images knobs (Gemini Enterprise mode only)."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(default=DEFAULT_IMAGEN_MODEL, min_length=1)
    number_of_images: int = Field(default=1, ge=1, le=4)
    aspect_ratio: Literal["1:1", "3:4", "4:3", "9:16", "16:9"] = "1:1"
    negative_prompt: str = ""
    person_generation: Literal["dont_allow", "allow_adult", "allow_all"] = "allow_adult"

    def to_config(self) -> types.GenerateImagesConfig:
        config: dict[str, Any] = {
            "number_of_images": self.number_of_images,
            "aspect_ratio": self.aspect_ratio,
            "person_generation": self.person_generation,
        }
        if self.negative_prompt.strip():
            config["negative_prompt"] = self.negative_prompt
        return types.GenerateImagesConfig(**config)

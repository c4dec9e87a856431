"""The setup of a page as URL query parameters, and back.

A link carries `v` (the format version) and only the values that differ from their
defaults, under short readable names (`temp=0.3&max=512&prompt=…`): the sidebar's model
and generation settings, the system instruction and the page's own fields (its prompt,
the Images page's controls, the tuning grid's variants). Never the API key, never
attachments. Reading a link never fails: a value that cannot be read is dropped, a number
outside its bounds is clamped, a choice that does not exist falls back to the default,
and each of those adds a note saying so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from playground.images import MODES
from playground.settings import (
    BLOCK_THRESHOLDS,
    HARM_CATEGORIES,
    IMAGEN_ASPECT_RATIOS,
    IMAGEN_MODELS,
    PERSON_GENERATION,
    THINKING_BUDGET_MAX,
    THINKING_LEVELS,
    field_ui,
)
from playground.state import (
    CHAT_LINK,
    CHAT_SYSTEM_INSTRUCTION,
    DEFAULT_LABEL,
    IMAGEN_ASPECT_RATIO,
    IMAGEN_COUNT,
    IMAGEN_MODEL,
    IMAGEN_NEGATIVE,
    IMAGEN_PEOPLE,
    IMAGES_ASPECT_RATIO,
    IMAGES_CHAT_LINK,
    IMAGES_COUNT,
    IMAGES_MODE,
    IMAGES_MODEL,
    IMAGES_SIZE,
    IMAGES_TEMPERATURE,
    MODEL,
    SESSION_DEFAULTS,
    SYSTEM_INSTRUCTION,
    safety_key,
    setting_key,
    settings_widget_defaults,
)
from playground.sweep import KNOBS as SWEEP_KNOBS
from playground.sweep import MAX_SAMPLES as SWEEP_MAX_SAMPLES
from playground.sweep import MAX_VALUES as SWEEP_MAX_VALUES
from playground.sweep import MIN_VALUES as SWEEP_MIN_VALUES
from playground.sweep import MODES as SWEEP_MODES
from playground.sweep import session_defaults as sweep_defaults
from playground.tools import FUNCTION_MODES
from playground.tuning import MAX_SAMPLES, MAX_VARIANTS, MIN_VARIANTS
from playground.tuning import session_defaults as tuning_defaults

VERSION = "1"
VERSION_PARAM = "v"
MAX_TEXT = 100_000  # characters of one text field read from a link
MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,99}$")

Kind = Literal["float", "int", "optional_int", "bool", "choice", "text", "model", "token"]
SNAPSHOT_PARAM = "s"  # a setup too long for a link, kept in the library under this token
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{20,64}$")


@dataclass(frozen=True)
class Param:
    """One setting in the URL: its name there, its widget's session key, how it is read."""

    name: str
    key: str
    kind: Kind
    label: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


def _numeric(name: str, param: str, kind: Kind) -> Param:
    ui = field_ui(name)
    return Param(param, setting_key(name), kind, ui["label"], ui["min_value"], ui["max_value"])


def sidebar_params() -> list[Param]:
    """The model and every generation setting of the sidebar (shared by all pages)."""
    params = [
        Param("model", MODEL, "model", "Model"),
        _numeric("temperature", "temp", "float"),
        _numeric("top_p", "top_p", "float"),
        _numeric("top_k", "top_k", "optional_int"),
        _numeric("max_output_tokens", "max", "int"),
        _numeric("candidate_count", "n", "int"),
        _numeric("seed", "seed", "optional_int"),
        _numeric("presence_penalty", "presence", "float"),
        _numeric("frequency_penalty", "frequency", "float"),
        Param("stop", setting_key("stop_sequences"), "text", "Stop sequences"),
        Param(
            "format",
            setting_key("response_format"),
            "choice",
            "Response format",
            choices=("Text", "JSON"),
        ),
        Param("schema", setting_key("response_schema"), "text", "JSON schema"),
        Param("think", setting_key("custom_thinking"), "bool", "Set thinking budget"),
        Param(
            "budget",
            setting_key("thinking_budget"),
            "int",
            "Thinking budget",
            -1,
            THINKING_BUDGET_MAX,
        ),
        Param(
            "level",
            setting_key("thinking_level"),
            "choice",
            "Thinking level",
            choices=(DEFAULT_LABEL, *THINKING_LEVELS),
        ),
        Param("thoughts", setting_key("include_thoughts"), "bool", "Include thoughts"),
        Param("system", SYSTEM_INSTRUCTION, "text", "System instruction"),
        Param("search", setting_key("google_search"), "bool", "Google Search"),
        Param("url_context", setting_key("url_context"), "bool", "URL context"),
        Param("code", setting_key("code_execution"), "bool", "Code execution"),
        Param("functions", setting_key("functions"), "text", "Function declarations"),
        Param(
            "fn_mode",
            setting_key("function_mode"),
            "choice",
            "Function calling",
            choices=FUNCTION_MODES,
        ),
        Param("fn_allowed", setting_key("allowed_functions"), "text", "Allowed functions"),
    ]
    for category, label in HARM_CATEGORIES.items():
        short = category.removeprefix("HARM_CATEGORY_").lower()
        params.append(
            Param(
                f"safety.{short}",
                safety_key(category),
                "choice",
                f"Safety: {label}",
                choices=(DEFAULT_LABEL, *BLOCK_THRESHOLDS),
            )
        )
    return params


def _prompt(key: str) -> Param:
    return Param("prompt", key, "text", "Prompt")


def _tuning_params() -> list[Param]:
    params = [
        Param("variants", "system.count", "int", "Variants", MIN_VARIANTS, MAX_VARIANTS),
        Param("prompts", "system.prompts", "text", "Test prompts"),
        Param("samples", "system.samples", "int", "Samples", 1, MAX_SAMPLES),
    ]
    for i in range(MAX_VARIANTS):
        params += [
            Param(f"v{i}.system", f"system.variant.{i}", "text", f"Variant {i + 1} instruction"),
            Param(f"v{i}.own_temp", f"system.temp_on.{i}", "bool", f"Variant {i + 1} temperature"),
            Param(
                f"v{i}.temp", f"system.temp.{i}", "float", f"Variant {i + 1} temperature", 0.0, 2.0
            ),
            Param(f"v{i}.model", f"system.model.{i}", "text", f"Variant {i + 1} model"),
        ]
    return params


def _sweep_params() -> list[Param]:
    """The Parameter sweep's prompt, setting, values and samples."""
    return [
        _prompt("sweep.prompt"),
        Param("setting", "sweep.setting", "choice", "Sweep setting", choices=tuple(SWEEP_KNOBS)),
        Param("spacing", "sweep.mode", "choice", "Sweep values", choices=SWEEP_MODES),
        Param("from", "sweep.from", "float", "Sweep from"),
        Param("to", "sweep.to", "float", "Sweep to"),
        Param("values", "sweep.count", "int", "Sweep values", SWEEP_MIN_VALUES, SWEEP_MAX_VALUES),
        Param("typed", "sweep.typed", "text", "Sweep typed values"),
        Param("samples", "sweep.samples", "int", "Samples per value", 1, SWEEP_MAX_SAMPLES),
        Param("logprobs", "sweep.logprobs", "bool", "Log probabilities"),
    ]


def _image_params() -> list[Param]:
    return [
        _prompt("images.prompt"),
        Param(
            "mode",
            IMAGES_MODE,
            "choice",
            "Mode",
            choices=MODES,
        ),
        Param("image_model", IMAGES_MODEL, "model", "Image model"),
        Param("aspect", IMAGES_ASPECT_RATIO, "text", "Aspect ratio"),
        Param("size", IMAGES_SIZE, "choice", "Image size", choices=("1K", "2K", "4K")),
        Param("images", IMAGES_COUNT, "int", "Images", 1, 4),
        Param("image_temp", IMAGES_TEMPERATURE, "float", "Image temperature", 0.0, 2.0),
        Param("imagen_n", IMAGEN_COUNT, "int", "Imagen images", 1, 4),
        Param("imagen_model", IMAGEN_MODEL, "choice", "Imagen model", choices=IMAGEN_MODELS),
        Param(
            "imagen_aspect",
            IMAGEN_ASPECT_RATIO,
            "choice",
            "Imagen aspect ratio",
            choices=IMAGEN_ASPECT_RATIOS,
        ),
        Param(
            "imagen_people", IMAGEN_PEOPLE, "choice", "Person generation", choices=PERSON_GENERATION
        ),
        Param("imagen_negative", IMAGEN_NEGATIVE, "text", "Negative prompt"),
        Param("ec", IMAGES_CHAT_LINK, "token", "Edit chat"),
    ]


def page_params(page: str) -> list[Param]:
    """What a page keeps in its URL: the sidebar's settings plus the page's own fields.

    `page` is the page's url path ("" for Text, the default page).
    """
    own: dict[str, list[Param]] = {
        "": [_prompt("text.prompt")],
        "streaming": [_prompt("stream.prompt")],
        "chat": [
            Param("chat_system", CHAT_SYSTEM_INSTRUCTION, "text", "Chat instruction"),
            Param("c", CHAT_LINK, "token", "Conversation"),
        ],
        "images": _image_params(),
        "system": _tuning_params(),
        "sweep": _sweep_params(),
    }
    return [*sidebar_params(), *own.get(page, [])]


def defaults() -> dict[str, Any]:
    """The value of every URL setting when nothing has been changed."""
    values = settings_widget_defaults()
    values.update(tuning_defaults())
    values.update(sweep_defaults())
    values.update(
        {key: factory() for key, factory in SESSION_DEFAULTS.items() if key.startswith("images.")}
    )
    return values


# --- writing ---------------------------------------------------------------------------------


def _to_text(param: Param, value: Any) -> str:
    if param.kind == "bool":
        return "1" if value else "0"
    if param.kind == "float":
        return f"{float(value):.6g}"
    if param.kind in ("int", "optional_int"):
        return str(int(value))
    return str(value)


def encode(
    params: Sequence[Param], values: Mapping[str, Any], defaults: Mapping[str, Any]
) -> dict[str, str]:
    """Query parameters for the values that differ from their defaults (plus `v`)."""
    query: dict[str, str] = {}
    for param in params:
        if param.key not in values:
            continue
        value = values[param.key]
        if value == defaults.get(param.key) or (
            value in (None, "") and not defaults.get(param.key)
        ):
            continue
        if value is None:
            continue
        query[param.name] = _to_text(param, value)
    if query:
        query = {VERSION_PARAM: VERSION, **query}
    return query


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Restored:
    """What a link sets (session key -> value), and notes about what it could not."""

    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _clamp(param: Param, number: float) -> tuple[float, str | None]:
    low = param.low if param.low is not None else -math.inf
    high = param.high if param.high is not None else math.inf
    if number < low or number > high:
        bounded = min(max(number, low), high)
        shown = int(bounded) if param.kind != "float" else bounded
        return bounded, f"{param.label} {number:g} is outside {low:g}–{high:g}; using {shown}."
    return number, None


def _read(param: Param, raw: str) -> tuple[Any, str | None]:
    """(value, note); value None means "not set from the link"."""
    if param.kind == "text":
        if len(raw) > MAX_TEXT:
            return raw[:MAX_TEXT], f"{param.label} was cut to {MAX_TEXT:,} characters."
        return raw, None
    if param.kind == "token":
        if TOKEN.match(raw):
            return raw, None
        return None, f"{param.label} link “{raw[:40]}” is not a valid token; it was ignored."
    if param.kind == "model":
        if MODEL_ID.match(raw):
            return raw, None
        return None, f"{param.label} “{raw[:40]}” is not a model id; it was left as it was."
    if param.kind == "bool":
        if raw in ("1", "true", "0", "false"):
            return raw in ("1", "true"), None
        return None, f"{param.label} “{raw[:40]}” is not on or off (1 or 0); it was ignored."
    if param.kind == "choice":
        if raw in param.choices:
            return raw, None
        return None, (
            f"{param.label} “{raw[:40]}” is not one of {', '.join(param.choices)}; it was ignored."
        )
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        return None, f"{param.label} “{raw[:40]}” is not a number; it was ignored."
    if param.kind != "float" and number != int(number):
        number = round(number)
    bounded, note = _clamp(param, number)
    return (bounded if param.kind == "float" else int(bounded)), note


def decode(params: Sequence[Param], query: Mapping[str, str]) -> Restored:
    """The values a link sets, clamped and checked, with a note for each problem."""
    restored = Restored()
    if not query:
        return restored
    version = query.get(VERSION_PARAM)
    if version not in (None, VERSION):
        restored.notes.append(
            f"This link was made by a newer version of the app (format {version[:8]}); "
            "only the settings this version knows were read."
        )
    known = {p.name: p for p in params}
    for name, raw in query.items():
        if name == VERSION_PARAM:
            continue
        param = known.get(name)
        if param is None:
            continue  # another page's field, or a parameter of something else
        value, note = _read(param, raw)
        if note:
            restored.notes.append(note)
        if value is not None:
            restored.values[param.key] = value
    return restored

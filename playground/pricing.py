"""What a run costs: a versioned price table (``pricing.toml`` beside this module, rows
overridable by the deployer) applied to the usage the API reported.

Prices are US dollars per 1M tokens (Imagen: per image). ``promptTokenCount`` includes
cached tokens, which are billed at the cache price; tool-use prompt tokens are billed as
input; thinking tokens as output. A model with no row has no price — never $0.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.errors import BadInput
from playground.reply import Usage

DEFAULT_FILE = Path(__file__).with_name("pricing.toml")
#: Looked for (in this order) for rows that replace the defaults.
OVERRIDE_ENV = "PLAYGROUND_PRICING_FILE"
OVERRIDE_FILE = Path(".streamlit/pricing.toml")
SUPPORTED_VERSION = 1
MILLION = 1_000_000
_RATE_FIELDS = (
    "input",
    "input_long",
    "output",
    "output_long",
    "cached",
    "cached_long",
    "audio_input",
    "image_output",
    "per_image",
)


@dataclass(frozen=True)
class ModelPrice:
    """One model's rates (USD per 1M tokens; ``per_image`` per image)."""

    input: float | None = None
    output: float | None = None
    input_long: float | None = None
    output_long: float | None = None
    cached: float | None = None
    cached_long: float | None = None
    audio_input: float | None = None
    image_output: float | None = None
    per_image: float | None = None
    long_above: int | None = None


@dataclass(frozen=True)
class TokenUse:
    """The usage figures a price applies to (as the API reports them)."""

    prompt: int = 0
    output: int = 0
    thoughts: int = 0
    cached: int = 0
    tool_prompt: int = 0
    #: Of ``prompt``: audio tokens (billed at ``audio_input`` where the model has one).
    audio_prompt: int = 0
    #: Of ``output``: image tokens (billed at ``image_output``).
    image_output: int = 0
    #: Images returned by an Imagen call.
    images: int = 0


@dataclass(frozen=True)
class Cost:
    """The cost of one run, in US dollars, by what it paid for."""

    input: float = 0.0
    output: float = 0.0
    cached: float = 0.0
    images: float = 0.0

    @property
    def total(self) -> float:
        return self.input + self.output + self.cached + self.images

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.input + other.input,
            self.output + other.output,
            self.cached + other.cached,
            self.images + other.images,
        )


@dataclass(frozen=True)
class PriceTable:
    version: int
    source: str
    checked: str
    models: Mapping[str, ModelPrice] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    def price_of(self, model: str) -> ModelPrice | None:
        """The row for ``model`` ("models/" prefix and aliases allowed), or None."""
        name = model.removeprefix("models/")
        name = self.aliases.get(name, name)
        return self.models.get(name)

    def cost(self, model: str, use: TokenUse) -> Cost | None:
        """What ``use`` costs on ``model``; None when no price is known."""
        price = self.price_of(model)
        if price is None:
            return None
        if price.per_image is not None and price.input is None:
            return Cost(images=price.per_image * use.images)
        if price.input is None or price.output is None:
            return None
        long = price.long_above is not None and use.prompt > price.long_above
        rate_in = (price.input_long if long else None) or price.input
        rate_out = (price.output_long if long else None) or price.output
        rate_cached = (price.cached_long if long else None) or price.cached or rate_in
        audio = min(use.audio_prompt, max(0, use.prompt - use.cached))
        fresh = max(0, use.prompt - use.cached - audio) + use.tool_prompt
        image_out = min(use.image_output, use.output)
        text_out = use.output - image_out + use.thoughts
        return Cost(
            input=(fresh * rate_in + audio * (price.audio_input or rate_in)) / MILLION,
            output=(text_out * rate_out + image_out * (price.image_output or rate_out)) / MILLION,
            cached=use.cached * rate_cached / MILLION,
        )


def describe(cost: Cost | None, *, offline: bool) -> str:
    """``$0.000123`` (``would cost …`` in the offline demo), or ``no price known``."""
    if cost is None:
        return "no price known"
    amount = money(cost.total)
    return f"would cost {amount}" if offline else amount


def money(amount: float) -> str:
    """Dollars with enough digits to see a fraction of a cent (never rounded to $0)."""
    if amount == 0:
        return "$0.00"
    if amount >= 1:
        return f"${amount:,.2f}"
    decimals = min(10, max(2, 2 - math.floor(math.log10(amount))))  # 3 significant digits
    text = f"{amount:.{decimals}f}"
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents[:2]}{cents[2:].rstrip('0')}"


def parse_table(data: Mapping[str, Any], where: str) -> PriceTable:
    """A PriceTable from TOML ``data``; BadInput naming ``where`` if it is malformed."""
    version = data.get("version", SUPPORTED_VERSION)
    if version != SUPPORTED_VERSION:
        raise BadInput(
            f"{where}: pricing version {version!r} is not supported.",
            f"Use version = {SUPPORTED_VERSION} (the layout of playground/pricing.toml).",
        )
    models: dict[str, ModelPrice] = {}
    for name, row in (data.get("models") or {}).items():
        if not isinstance(row, Mapping):
            raise BadInput(f"{where}: [models.{name!r}] must be a table.", _REMEDY)
        unknown = set(row) - {*_RATE_FIELDS, "long_above"}
        if unknown:
            raise BadInput(
                f"{where}: [models.{name!r}] has unknown field(s) {', '.join(sorted(unknown))}.",
                _REMEDY,
            )
        values: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise BadInput(
                    f"{where}: [models.{name!r}] {key} must be a number ≥ 0, not {value!r}.",
                    _REMEDY,
                )
            values[key] = int(value) if key == "long_above" else float(value)
        models[str(name)] = ModelPrice(**values)
    aliases = {str(k): str(v) for k, v in (data.get("aliases") or {}).items()}
    return PriceTable(
        version=SUPPORTED_VERSION,
        source=str(data.get("source", "")),
        checked=str(data.get("checked", "")),
        models=models,
        aliases=aliases,
    )


_REMEDY = "Fix the pricing file (prices in USD per 1M tokens, see playground/pricing.toml)."


def read_table(path: Path) -> PriceTable:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"Could not read the pricing file {path}: {exc}.", _REMEDY) from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"The pricing file {path} is not valid TOML: {exc}.", _REMEDY) from None
    return parse_table(data, str(path))


def merged(base: PriceTable, override: PriceTable) -> PriceTable:
    """``base`` with ``override``'s rows, aliases and dates taking precedence."""
    return PriceTable(
        version=base.version,
        source=override.source or base.source,
        checked=override.checked or base.checked,
        models={**base.models, **override.models},
        aliases={**base.aliases, **override.aliases},
    )


def load_prices(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> PriceTable:
    """The default table with the deployer's override (if any) applied."""
    env = os.environ if env is None else env
    table = read_table(DEFAULT_FILE)
    named = env.get(OVERRIDE_ENV)
    override = Path(named) if named else (cwd or Path.cwd()) / OVERRIDE_FILE
    if named or override.exists():
        table = merged(table, read_table(override))
    return table


def use_of(usage: Usage) -> TokenUse:
    """The priced figures of a reply's usage."""
    return TokenUse(
        prompt=usage.prompt_tokens,
        output=usage.output_tokens,
        thoughts=usage.thought_tokens,
        cached=usage.cached_tokens,
        tool_prompt=usage.tool_prompt_tokens,
        audio_prompt=usage.audio_prompt_tokens,
        image_output=usage.image_output_tokens,
    )

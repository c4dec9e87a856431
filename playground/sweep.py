"""Parameter sweep: one prompt, one setting at 2–7 values, 1–10 samples a value.

A sweep is planned from what the page asks (`SweepAsk`): the values, evenly spaced between
two ends or typed as a list, are checked against the setting's bounds on the chosen model
(and a setting the model does not take is refused) before anything is sent. Each value
becomes one request — the shared settings with that one setting changed, and that setting
always written into the request, even where it equals the API's default — sent `samples`
times through the app's bounded pool (`Gemini.generate_all`, the tuning grid's pool and
retry rules, each cell counted by the limits guard).

Per value the replies are measured for how much they differ: the number of distinct
replies, distinct-2 (distinct word bigrams over all bigrams of all samples) and the mean
pairwise similarity of the replies (rapidfuzz's normalised Indel similarity, 1.0 for
identical texts). Exports are CSV (cells neutralised for spreadsheets) and JSON.
"""

from __future__ import annotations

import itertools
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from rapidfuzz.distance import Indel

from playground.catalog import ModelInfo
from playground.csvsafe import to_csv_text
from playground.errors import BadInput, PlaygroundError
from playground.gemini import Gemini, GenerateRequest, build_request
from playground.pricing import Cost, PriceTable
from playground.reply import Reply
from playground.settings import THINKING_BUDGET_MAX, THINKING_LEVELS, GenerationSettings
from playground.tuning import CellResult, cell_use, grid_workers

MIN_VALUES, MAX_VALUES = 2, 7
MIN_SAMPLES, MAX_SAMPLES = 1, 10
SPACED, TYPED = "Evenly spaced", "Typed list"
MODES = (SPACED, TYPED)
#: Models known to return log probabilities (``responseLogprobs``). There is no capability
#: flag in the model list; the 2.5 models refuse with a 400 on the Gemini API.
LOGPROB_MODEL_PREFIXES = ("gemini-2.0-flash",)
DEFAULT_PROMPT = "Write a haiku about the sea."
_WORD = re.compile(r"\w+(?:['’]\w+)*")

Value = float | int | str


@dataclass(frozen=True)
class Knob:
    """One setting a sweep can vary: its label, its kind and the ends a sweep starts from."""

    name: str  # the GenerationSettings field
    label: str
    kind: Literal["float", "int", "level"]
    start: float = 0.0
    stop: float = 1.0
    step: float = 1.0
    typed: str = ""

    @property
    def integer(self) -> bool:
        return self.kind == "int"


KNOBS: dict[str, Knob] = {
    k.name: k
    for k in (
        Knob("temperature", "Temperature", "float", 0.0, 2.0, 0.05, "0, 0.5, 1, 1.5, 2"),
        Knob("top_p", "Top P", "float", 0.1, 1.0, 0.01, "0.1, 0.5, 0.95"),
        Knob("top_k", "Top K", "int", 1, 40, 1, "1, 5, 40"),
        Knob("max_output_tokens", "Max output tokens", "int", 16, 256, 1, "16, 64, 256"),
        Knob("thinking_budget", "Thinking budget", "int", 0, 2048, 1, "0, 512, 2048"),
        Knob("thinking_level", "Thinking level", "level", typed="LOW, HIGH"),
        Knob("seed", "Seed", "int", 1, 3, 1, "1, 2, 3"),
    )
}


def session_defaults() -> dict[str, object]:
    """Initial values of the sweep page's widgets (keys `sweep.*`): a temperature sweep
    from 0 to 2 at three values, three samples each."""
    knob = KNOBS["temperature"]
    return {
        "sweep.prompt": DEFAULT_PROMPT,
        "sweep.setting": knob.name,
        "sweep.mode": SPACED,
        "sweep.from": knob.start,
        "sweep.to": knob.stop,
        "sweep.count": 3,
        "sweep.typed": knob.typed,
        "sweep.samples": 3,
        "sweep.logprobs": False,
    }


def knob_defaults(name: str) -> dict[str, object]:
    """The ends and typed list a newly chosen setting starts from."""
    knob = KNOBS[name]
    return {
        "sweep.from": float(knob.start),
        "sweep.to": float(knob.stop),
        "sweep.typed": knob.typed,
    }


def format_value(value: Value) -> str:
    """`0.5`, `40`, `HIGH`: a value as the page and the exports show it."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def serves_logprobs(model_id: str) -> bool:
    return model_id.startswith(LOGPROB_MODEL_PREFIXES)


# --- the values --------------------------------------------------------------------------


def bounds(knob: Knob, model: ModelInfo) -> tuple[float, float]:
    """The lowest and highest value the setting takes on this model."""
    info = GenerationSettings.model_fields[knob.name]
    low: float = 0.0
    high: float = 0.0
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        if getattr(meta, "le", None) is not None:
            high = meta.le
    if knob.name == "temperature" and model.max_temperature:
        high = model.max_temperature
    if knob.name == "max_output_tokens" and model.output_token_limit:
        high = model.output_token_limit
    if knob.name == "thinking_budget":
        low, high = -1, THINKING_BUDGET_MAX
    return low, high


def refusal(knob: Knob, model: ModelInfo) -> str | None:
    """Why this model does not take the setting, or None when it does."""
    style = model.thinking_style
    if knob.name in ("thinking_budget", "thinking_level") and style is None:
        return (
            f"{model.display_name} (`{model.id}`) does not think, so it takes no "
            f"{knob.label.lower()}. Choose a Gemini 2.5 model (thinking budget) or a Gemini 3 "
            "model (thinking level) in the sidebar, or sweep another setting."
        )
    if knob.name == "thinking_budget" and style == "level":
        return (
            f"{model.display_name} (`{model.id}`) takes a thinking level, not a thinking "
            "budget. Sweep Thinking level instead, or choose a Gemini 2.5 model."
        )
    if knob.name == "thinking_level" and style == "budget":
        return (
            f"{model.display_name} (`{model.id}`) takes a thinking budget, not a thinking "
            "level. Sweep Thinking budget instead, or choose a Gemini 3 model."
        )
    return None


def spaced(start: float, stop: float, count: int, *, integer: bool = False) -> list[Value]:
    """`count` values evenly spaced from `start` to `stop` (both included).

    Whole-number settings are rounded; ends too close together for `count` different whole
    numbers are refused (ValueError) rather than repeating a value.
    """
    if not MIN_VALUES <= count <= MAX_VALUES:
        raise ValueError(f"Choose {MIN_VALUES}–{MAX_VALUES} values; you asked for {count}.")
    if start == stop:
        raise ValueError(f"The two ends are both {start:g}: choose two different ends.")
    step = (stop - start) / (count - 1)
    values: list[Value] = [round(start + step * i, 6) for i in range(count)]
    if integer:
        values = [round(float(v)) for v in values]
        if len(set(values)) < count:
            between = abs(round(stop) - round(start)) + 1
            raise ValueError(
                f"There are only {between} whole numbers from {round(start)} to {round(stop)}; "
                f"choose at most {between} values or ends further apart."
            )
    return values


def parse_typed(text: str, knob: Knob) -> list[Value]:
    """Values typed as a comma-separated list (`0, 0.7, 1.4`; `LOW, HIGH` for levels)."""
    items = [item.strip() for item in re.split(r"[,;\s]+", text or "") if item.strip()]
    values: list[Value] = []
    for item in items:
        if knob.kind == "level":
            level = item.upper()
            if level not in THINKING_LEVELS:
                raise ValueError(
                    f"“{item[:20]}” is not a thinking level; use {', '.join(THINKING_LEVELS)}."
                )
            values.append(level)
            continue
        try:
            number = float(item)
        except ValueError:
            raise ValueError(f"“{item[:20]}” is not a number.") from None
        if knob.integer:
            if number != int(number):
                raise ValueError(f"{knob.label} takes whole numbers; {item} is not one.")
            values.append(int(number))
        else:
            values.append(number)
    duplicates = sorted({format_value(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"{', '.join(duplicates)} is typed more than once.")
    if not MIN_VALUES <= len(values) <= MAX_VALUES:
        raise ValueError(
            f"Type {MIN_VALUES}–{MAX_VALUES} values separated by commas; you typed {len(values)}."
        )
    return values


def out_of_bounds(values: Sequence[Value], knob: Knob, model: ModelInfo) -> list[Value]:
    if knob.kind == "level":
        return []
    low, high = bounds(knob, model)
    return [v for v in values if not low <= float(v) <= high]


@dataclass(frozen=True)
class SweepAsk:
    """What the sweep form asks for."""

    setting: str
    mode: str = SPACED
    start: float = 0.0
    stop: float = 1.0
    count: int = 3
    typed: str = ""
    samples: int = 3
    logprobs: bool = False


def _refuse(message: str, remedy: str) -> BadInput:
    return BadInput(message, f"{remedy} Nothing was sent.", kind="bad_sweep")


def sweep_values(ask: SweepAsk, model: ModelInfo) -> list[Value]:
    """The values to sweep, checked for this model; BadInput says what is wrong."""
    knob = KNOBS.get(ask.setting)
    if knob is None:
        raise _refuse(f"“{ask.setting}” is not a setting a sweep can vary.", "Choose a setting.")
    why = refusal(knob, model)
    if why:
        raise _refuse(why, "")
    try:
        if knob.kind == "level" or ask.mode == TYPED:
            values = parse_typed(ask.typed, knob)
        else:
            values = spaced(ask.start, ask.stop, ask.count, integer=knob.integer)
    except ValueError as problem:
        raise _refuse(f"{knob.label}: {problem}", "Fix the values.") from None
    outside = out_of_bounds(values, knob, model)
    if outside:
        low, high = bounds(knob, model)
        shown = ", ".join(format_value(v) for v in outside)
        raise _refuse(
            f"{knob.label} {shown} is outside {low:g}–{high:g} on `{model.id}`.",
            f"Choose values from {low:g} to {high:g}.",
        )
    if not MIN_SAMPLES <= ask.samples <= MAX_SAMPLES:
        raise _refuse(
            f"{ask.samples} samples a value is outside {MIN_SAMPLES}–{MAX_SAMPLES}.",
            "Choose fewer samples.",
        )
    return values


# --- the requests and the run -------------------------------------------------------------


def value_settings(base: GenerationSettings, setting: str, value: Value) -> GenerationSettings:
    """The shared settings with one setting at `value` (checked by the settings model)."""
    update: dict[str, Any] = {setting: value}
    if setting == "thinking_budget":
        update["thinking_level"] = None
    if setting == "thinking_level":
        update["thinking_budget"] = None
    return GenerationSettings.model_validate({**base.model_dump(), **update})


def value_request(
    base: GenerationSettings, setting: str, value: Value, prompt: str, *, logprobs: bool = False
) -> GenerateRequest:
    """The request of one value. The swept setting is always on the wire (the settings
    leave out a temperature or top-p equal to the API's default)."""
    request = build_request(value_settings(base, setting, value), prompt)
    update: dict[str, Any] = {}
    if setting in ("temperature", "top_p"):
        update[setting] = value
    if logprobs:
        update["response_logprobs"] = True
    if not update:
        return request
    return replace(request, config=request.config.model_copy(update=update))


@dataclass(frozen=True)
class SweepCell:
    """One request of a sweep: which value, which sample."""

    value: int
    sample: int = 0


@dataclass(frozen=True)
class SampleResult:
    """What one cell produced: the grid's figures, plus the average log-probability of the
    reply where the model served one."""

    cell: CellResult
    avg_logprob: float | None = None

    @classmethod
    def from_outcome(cls, outcome: Reply | PlaygroundError) -> SampleResult:
        logprob = None
        if isinstance(outcome, Reply):
            logprob = average_logprob(outcome)
        return cls(CellResult.from_outcome(outcome), logprob)


def average_logprob(reply: Reply) -> float | None:
    """The reply's ``avgLogprobs``, when the reply model carries it (it is read by the
    Probabilities work of issue 17; until then None)."""
    value = getattr(reply.first, "avg_logprobs", None)
    return float(value) if isinstance(value, int | float) else None


@dataclass
class Sweep:
    """A sweep's inputs as they were when it ran, and its results so far."""

    setting: str
    values: list[Value]
    samples: int
    prompt: str
    base: GenerationSettings
    logprobs: bool = False
    results: dict[SweepCell, SampleResult] = field(default_factory=dict)

    @property
    def knob(self) -> Knob:
        return KNOBS[self.setting]

    @property
    def model(self) -> str:
        return self.base.model

    def cells(self) -> list[SweepCell]:
        return [SweepCell(v, s) for v in range(len(self.values)) for s in range(self.samples)]

    def request(self, index: int) -> GenerateRequest:
        return value_request(
            self.base, self.setting, self.values[index], self.prompt, logprobs=self.logprobs
        )


def plan_sweep(base: GenerationSettings, prompt: str, ask: SweepAsk, model: ModelInfo) -> Sweep:
    """The sweep to run; BadInput (nothing sent) for an empty prompt, a setting the model
    does not take or a value outside its bounds."""
    if not prompt.strip():
        raise BadInput(
            "The prompt is empty.", "Write a prompt, then run the sweep.", kind="empty_prompt"
        )
    values = sweep_values(ask, model)
    logprobs = ask.logprobs and serves_logprobs(model.id)
    sweep = Sweep(ask.setting, values, ask.samples, prompt, base, logprobs)
    try:
        for index in range(len(values)):
            sweep.request(index)
    except ValueError as problem:  # the settings model refused a combination
        raise _refuse(f"{sweep.knob.label}: {problem}", "Fix the values or the sidebar.") from None
    return sweep


def run_sweep(
    gemini: Gemini,
    sweep: Sweep,
    on_done: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Sweep:
    """Send every cell through the grid's bounded pool; a failed cell keeps its error and
    the rest stand (a limit reached stops the cells not yet sent)."""
    cells = sweep.cells()
    requests = [sweep.request(cell.value) for cell in cells]
    finished = 0

    def progress(_index: int, _result: object) -> None:
        nonlocal finished
        finished += 1
        if on_done:
            on_done(finished, len(cells))

    outcomes = gemini.generate_all(requests, workers=workers or grid_workers(), on_done=progress)
    sweep.results = {
        cell: SampleResult.from_outcome(o) for cell, o in zip(cells, outcomes, strict=True)
    }
    return sweep


# --- how much the samples differ -----------------------------------------------------------


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def distinct_replies(texts: Sequence[str]) -> int:
    """How many different replies (ignoring differences of whitespace alone)."""
    return len({" ".join(t.split()) for t in texts})


def distinct_2(texts: Sequence[str]) -> float | None:
    """Distinct word bigrams over all word bigrams of all the texts (None: no bigrams)."""
    bigrams = [pair for t in texts for pair in itertools.pairwise(words(t))]
    if not bigrams:
        return None
    return len(set(bigrams)) / len(bigrams)


def mean_similarity(texts: Sequence[str]) -> float | None:
    """Mean normalised Indel similarity of every pair of texts (None: fewer than two)."""
    pairs = list(itertools.combinations(texts, 2))
    if not pairs:
        return None
    return statistics.fmean(Indel.normalized_similarity(a, b) for a, b in pairs)


@dataclass(frozen=True)
class ValueFigures:
    """The figures of one value over its samples."""

    value: Value
    samples: int
    failed: int
    distinct: int | None
    distinct_2: float | None
    similarity: float | None
    tokens_mean: float | None
    latency_median_s: float | None
    finish_reasons: dict[str, int]
    avg_logprob: float | None
    cost: Cost | None


def value_results(sweep: Sweep, index: int) -> list[SampleResult]:
    return [r for c, r in sorted(sweep.results.items(), key=_order) if c.value == index]


def value_figures(sweep: Sweep, index: int, prices: PriceTable | None = None) -> ValueFigures:
    mine = value_results(sweep, index)
    ok = [r for r in mine if r.cell.error is None]
    texts = [r.cell.text for r in ok]
    logprobs = [r.avg_logprob for r in ok if r.avg_logprob is not None]
    cost: Cost | None = None
    if prices is not None and ok:
        costs = [prices.cost(sweep.model, cell_use(r.cell)) for r in ok]
        if all(c is not None for c in costs):
            cost = sum((c for c in costs if c is not None), Cost())
    return ValueFigures(
        value=sweep.values[index],
        samples=len(mine),
        failed=len(mine) - len(ok),
        distinct=distinct_replies(texts) if texts else None,
        distinct_2=distinct_2(texts),
        similarity=mean_similarity(texts),
        tokens_mean=statistics.fmean(r.cell.output_tokens for r in ok) if ok else None,
        latency_median_s=statistics.median(r.cell.latency_s for r in ok) if ok else None,
        finish_reasons=dict(Counter(r.cell.finish_reason or "—" for r in mine)),
        avg_logprob=statistics.fmean(logprobs) if logprobs else None,
        cost=cost,
    )


def all_figures(sweep: Sweep, prices: PriceTable | None = None) -> list[ValueFigures]:
    return [value_figures(sweep, i, prices) for i in range(len(sweep.values))]


def sweep_cost(figures: Sequence[ValueFigures]) -> Cost | None:
    """The whole sweep's cost; None when any value has none."""
    if not figures or any(f.cost is None for f in figures):
        return None
    return sum((f.cost for f in figures if f.cost is not None), Cost())


# --- the chart ---------------------------------------------------------------------------

CHART_HEIGHT = 180
CHARTED: tuple[tuple[str, str], ...] = (
    ("distinct", "Distinct replies"),
    ("distinct_2", "Distinct-2"),
    ("similarity", "Mean similarity"),
    ("tokens_mean", "Output tokens (mean)"),
    ("latency_median_s", "Latency (s, median)"),
    ("avg_logprob", "Avg log-probability"),
)


def chart_specs(sweep: Sweep, figures: Sequence[ValueFigures]) -> list[dict[str, Any]]:
    """Ready Vega-Lite specs (no Altair validation on every rerun): each figure against the
    value, then the finish reasons per value. A figure with no data (log-probabilities on
    a model that serves none) gets no chart."""
    label = sweep.knob.label
    numeric = sweep.knob.kind != "level"
    order = [format_value(v) for v in sweep.values]
    x: dict[str, Any] = (
        {
            "field": "value",
            "type": "quantitative",
            "title": label,
            "axis": {"values": list(sweep.values)},  # ticks at the values swept
        }
        if numeric
        else {"field": "label", "type": "ordinal", "title": label, "sort": order}
    )
    specs = []
    for name, title in CHARTED:
        rows = [
            {"value": f.value, "label": format_value(f.value), "figure": getattr(f, name)}
            for f in figures
            if getattr(f, name) is not None
        ]
        if not rows:
            continue
        # No axis title: the page draws the chart's title above it.
        y: dict[str, Any] = {"field": "figure", "type": "quantitative", "title": None}
        if name == "distinct":
            y["axis"] = {"format": "d", "tickMinStep": 1}
            y["scale"] = {"domainMin": 0, "domainMax": sweep.samples}
        if name in ("distinct_2", "similarity"):
            y["scale"] = {"domain": [0, 1]}
        specs.append(
            {
                "title": title,
                "data": {"values": rows},
                "mark": {"type": "line", "point": {"size": 60}, "tooltip": True},
                "encoding": {"x": x, "y": y},
                "height": CHART_HEIGHT,
            }
        )
    finish_rows = [
        {"value": f.value, "label": format_value(f.value), "finish": reason, "cells": n}
        for f in figures
        for reason, n in f.finish_reasons.items()
    ]
    if finish_rows:
        bar_x: dict[str, Any] = {"field": "label", "type": "ordinal", "title": label}
        bar_x.update({"sort": order, "axis": {"labelAngle": 0}})
        specs.append(
            {
                "title": "Finish reasons",
                "data": {"values": finish_rows},
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": bar_x,
                    "y": {
                        "field": "cells",
                        "type": "quantitative",
                        "aggregate": "sum",
                        "title": None,
                        "axis": {"format": "d", "tickMinStep": 1},
                    },
                    "color": {"field": "finish", "type": "nominal", "title": "finish"},
                },
                "height": CHART_HEIGHT,
            }
        )
    return specs


# --- exports -----------------------------------------------------------------------------


def _order(item: tuple[SweepCell, SampleResult]) -> tuple[int, int]:
    return item[0].value, item[0].sample


def _rows(sweep: Sweep) -> list[dict[str, object]]:
    rows = []
    for cell, result in sorted(sweep.results.items(), key=_order):
        rows.append(
            {
                "setting": sweep.setting,
                "value": sweep.values[cell.value],
                "sample": cell.sample,
                "model": sweep.model,
                "prompt": sweep.prompt,
                "system_instruction": sweep.base.system_instruction,
                **asdict(result.cell),
                "avg_logprob": result.avg_logprob,
            }
        )
    return rows


def to_csv(sweep: Sweep) -> str:
    """One row per cell; text a spreadsheet would run as a formula is neutralised."""
    return to_csv_text(_rows(sweep))


def _figures_json(figures: ValueFigures) -> dict[str, object]:
    data = asdict(figures)
    data["cost_usd"] = figures.cost.total if figures.cost is not None else None
    del data["cost"]
    return data


def to_json(sweep: Sweep, figures: Sequence[ValueFigures] | None = None) -> str:
    """The sweep with the settings that produced it (the settings hold no key)."""
    figures = list(figures) if figures is not None else all_figures(sweep)
    return json.dumps(
        {
            "format": "gemini-playground/sweep",
            "version": 1,
            "settings": sweep.base.model_dump(mode="json"),
            "setting": sweep.setting,
            "values": list(sweep.values),
            "samples": sweep.samples,
            "prompt": sweep.prompt,
            "response_logprobs": sweep.logprobs,
            "figures": [_figures_json(f) for f in figures],
            "cells": _rows(sweep),
        },
        ensure_ascii=False,
        indent=1,
    )

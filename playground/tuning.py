"""System-instruction tuning: variants × test prompts × samples, run side by side.

A grid is planned as Cells; each cell becomes one GenerateRequest (the shared settings with
the variant's system instruction, temperature and model). Results are summarised per
variant (latency and output tokens: median and spread; finish reasons) and exported as
CSV or JSON with the settings that produced them — never a key.
"""

from __future__ import annotations

import json
import re
import statistics
import string
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from playground.csvsafe import to_csv_text
from playground.env import env_number
from playground.errors import PlaygroundError
from playground.gemini import Gemini, GenerateRequest, build_request
from playground.pricing import Cost, PriceTable, TokenUse
from playground.reply import Reply
from playground.settings import GenerationSettings

MIN_VARIANTS, MAX_VARIANTS = 2, 6
MAX_PROMPTS = 10
MAX_SAMPLES = 5
DEFAULT_WORKERS = 8
MIN_BOX_SAMPLES = 3  # fewer values than this per variant are drawn as points, not a box
PREVIEW_CHARS = 160
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")

PRESETS: dict[str, str] = {
    "No system instruction (baseline)": "",
    "Cat named Neko": "You are a cat. Your name is Neko.",
    "Terse expert": "You are a terse expert. Answer in one or two precise sentences, "
    "with no preamble.",
    "Friendly teacher": "You are a friendly teacher. Explain step by step with a simple "
    "example, in a warm and encouraging tone.",
    "JSON-only responder": 'Respond only with a JSON object of the form {"answer": string, '
    '"confidence": number}. No prose outside the JSON.',
}


SHARED_MODEL = "Shared model"  # a variant's model choice meaning "the shared setting"
DEFAULT_INSTRUCTIONS = [
    PRESETS["No system instruction (baseline)"],
    PRESETS["Cat named Neko"],
    PRESETS["Terse expert"],
    PRESETS["Friendly teacher"],
    PRESETS["JSON-only responder"],
    "",
]


def escape_markdown(text: str) -> str:
    """Text shown literally by st.markdown: `gemini_offline` stays gemini_offline."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def preview(text: str, limit: int = PREVIEW_CHARS, empty: str = "(empty)") -> str:
    """A one-line, Markdown-escaped preview of text, cut at a word with "…" when long."""
    line = " ".join(text.split())
    if not line:
        return empty
    if len(line) > limit:
        cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
        line = cut.rstrip(",;:.") + "…"
    return escape_markdown(line)


def box_variants(counts: Mapping[str, int]) -> list[str]:
    """The variants with enough values for a box plot (median and spread mean something)."""
    return [name for name, n in counts.items() if n >= MIN_BOX_SAMPLES]


def variant_name(index: int) -> str:
    return f"Variant {string.ascii_uppercase[index]}"


def session_defaults() -> dict[str, object]:
    """Initial values of the tuning page's widgets (keys `system.*`)."""
    values: dict[str, object] = {
        "system.count": 3,
        "system.prompts": "Hello there\nExplain how AI works",
        "system.samples": 1,
    }
    for index, text in enumerate(DEFAULT_INSTRUCTIONS):
        values[f"system.variant.{index}"] = text
        values[f"system.temp_on.{index}"] = False
        values[f"system.temp.{index}"] = 1.0
        values[f"system.model.{index}"] = SHARED_MODEL
    return values


@dataclass(frozen=True)
class Variant:
    """One column of the grid."""

    name: str
    system_instruction: str = ""
    temperature: float | None = None  # None: the shared setting
    model: str | None = None  # None: the shared model

    def settings(self, base: GenerationSettings) -> GenerationSettings:
        update: dict[str, object] = {"system_instruction": self.system_instruction}
        if self.temperature is not None:
            update["temperature"] = self.temperature
        if self.model:
            update["model"] = self.model
        return base.model_copy(update=update)


@dataclass(frozen=True)
class Cell:
    """One request of the grid: which variant, which prompt, which sample."""

    variant: int
    prompt: int
    sample: int = 0


@dataclass(frozen=True)
class CellResult:
    """What one cell produced (or why it failed)."""

    text: str = ""
    latency_s: float = 0.0
    output_tokens: int = 0
    finish_reason: str | None = None
    error: str | None = None  # "title — message" of a failed cell
    prompt_tokens: int = 0
    thought_tokens: int = 0

    @classmethod
    def from_outcome(cls, outcome: Reply | PlaygroundError) -> CellResult:
        if isinstance(outcome, PlaygroundError):
            return cls(error=f"{outcome.title} — {outcome.message}", finish_reason="ERROR")
        finish = f"BLOCKED:{outcome.block_reason}" if outcome.blocked else outcome.finish_reason
        return cls(
            text=outcome.text,
            latency_s=round(outcome.timing.latency_s, 4),
            output_tokens=outcome.usage.output_tokens,
            finish_reason=finish,
            prompt_tokens=outcome.usage.prompt_tokens,
            thought_tokens=outcome.usage.thought_tokens,
        )


def parse_prompts(text: str) -> list[str]:
    """One test prompt per non-blank line, at most MAX_PROMPTS."""
    prompts = [line.strip() for line in text.splitlines() if line.strip()]
    if len(prompts) > MAX_PROMPTS:
        raise ValueError(f"At most {MAX_PROMPTS} test prompts; you gave {len(prompts)}.")
    return prompts


def plan_cells(
    variants: int,
    prompts: int,
    samples: int,
    *,
    only_variant: int | None = None,
    only_prompt: int | None = None,
) -> list[Cell]:
    """Every cell, or only one variant's column or one prompt's row."""
    return [
        Cell(v, p, s)
        for p in range(prompts)
        for v in range(variants)
        for s in range(samples)
        if (only_variant is None or v == only_variant) and (only_prompt is None or p == only_prompt)
    ]


def cell_request(
    base: GenerationSettings, variants: Sequence[Variant], prompts: Sequence[str], cell: Cell
) -> GenerateRequest:
    return build_request(variants[cell.variant].settings(base), prompts[cell.prompt])


def grid_workers(env: Mapping[str, str] | None = None) -> int:
    """Concurrent requests; PLAYGROUND_GRID_WORKERS lowers it for tight rate limits."""
    return int(env_number("PLAYGROUND_GRID_WORKERS", DEFAULT_WORKERS, minimum=1, env=env))


def run_grid(
    gemini: Gemini,
    base: GenerationSettings,
    variants: Sequence[Variant],
    prompts: Sequence[str],
    cells: Sequence[Cell],
    on_done: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> dict[Cell, CellResult]:
    """Run the cells concurrently; a failed cell holds its error, the rest stand."""
    requests = [cell_request(base, variants, prompts, cell) for cell in cells]
    finished = 0

    def progress(_index: int, _result: object) -> None:
        nonlocal finished
        finished += 1
        if on_done:
            on_done(finished, len(cells))

    outcomes = gemini.generate_all(requests, workers=workers or grid_workers(), on_done=progress)
    return {cell: CellResult.from_outcome(o) for cell, o in zip(cells, outcomes, strict=True)}


@dataclass
class Grid:
    """A run's inputs as they were when it ran, and its results so far."""

    variants: list[Variant]
    prompts: list[str]
    samples: int
    base: GenerationSettings
    results: dict[Cell, CellResult] = field(default_factory=dict)


def grid_matches(
    grid: Grid | None, variants: Sequence[Variant], prompts: Sequence[str], samples: int
) -> bool:
    """Whether one row or column can be re-run into the current grid (same shape)."""
    return (
        grid is not None
        and len(grid.variants) == len(variants)
        and grid.prompts == list(prompts)
        and grid.samples == samples
    )


def rerun_targets(variants: Sequence[Variant], prompts: Sequence[str]) -> list[str]:
    """What can be re-run on its own: each variant's column, then each prompt's row."""
    return [v.name for v in variants] + [f"Prompt {p + 1}" for p in range(len(prompts))]


def target_scope(
    target: str | None, variants: Sequence[Variant], prompts: Sequence[str]
) -> tuple[int | None, int | None]:
    """(only_variant, only_prompt) for a re-run target; (None, None) for the whole grid."""
    targets = rerun_targets(variants, prompts)
    if target not in targets:
        return None, None
    position = targets.index(target)
    if position < len(variants):
        return position, None
    return None, position - len(variants)


def plan_run(
    current: Grid | None,
    base: GenerationSettings,
    variants: Sequence[Variant],
    prompts: Sequence[str],
    samples: int,
    *,
    only_variant: int | None = None,
    only_prompt: int | None = None,
) -> tuple[Grid, list[Cell]]:
    """The grid a run fills and the cells it sends.

    A partial run (one variant or one prompt) into a grid of the same shape keeps every
    other cell's result and takes the current variants and settings (the re-run column may
    have a new instruction); anything else starts a new grid (holding only the cells run).
    """
    partial = only_variant is not None or only_prompt is not None
    if partial and current is not None and grid_matches(current, variants, prompts, samples):
        grid = current
        grid.variants = list(variants)
        grid.base = base
    else:
        grid = Grid(list(variants), list(prompts), samples, base)
    cells = plan_cells(
        len(variants), len(prompts), samples, only_variant=only_variant, only_prompt=only_prompt
    )
    return grid, cells


def run_into(
    gemini: Gemini,
    grid: Grid,
    cells: Sequence[Cell],
    on_done: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Grid:
    """Run `cells` of the grid and merge their results into it (re-run cells replaced)."""
    grid.results.update(
        run_grid(gemini, grid.base, grid.variants, grid.prompts, cells, on_done, workers)
    )
    return grid


@dataclass(frozen=True)
class VariantSummary:
    """Figures of one variant over all its cells."""

    cells: int
    failed: int
    latency_median_s: float | None
    latency_min_s: float | None
    latency_max_s: float | None
    tokens_median: float | None
    tokens_min: int | None
    tokens_max: int | None
    finish_reasons: dict[str, int]


def summarize(results: Mapping[Cell, CellResult], variant: int) -> VariantSummary:
    mine = [r for c, r in results.items() if c.variant == variant]
    ok = [r for r in mine if r.error is None]
    latencies = [r.latency_s for r in ok]
    tokens = [r.output_tokens for r in ok]
    return VariantSummary(
        cells=len(mine),
        failed=len(mine) - len(ok),
        latency_median_s=statistics.median(latencies) if latencies else None,
        latency_min_s=min(latencies) if latencies else None,
        latency_max_s=max(latencies) if latencies else None,
        tokens_median=statistics.median(tokens) if tokens else None,
        tokens_min=min(tokens) if tokens else None,
        tokens_max=max(tokens) if tokens else None,
        finish_reasons=dict(Counter(r.finish_reason or "—" for r in mine)),
    )


def cell_model(grid: Grid, cell: Cell) -> str:
    """The model a cell ran on: its variant's, else the shared one."""
    return grid.variants[cell.variant].model or grid.base.model


def cell_use(result: CellResult) -> TokenUse:
    """The priced figures of one cell."""
    return TokenUse(
        prompt=result.prompt_tokens, output=result.output_tokens, thoughts=result.thought_tokens
    )


def grid_cost(grid: Grid, prices: PriceTable, variant: int | None = None) -> Cost | None:
    """What the grid's cells (of one variant, or all) cost; None if any has no price."""
    total = Cost()
    for cell, result in grid.results.items():
        if (variant is not None and cell.variant != variant) or result.error:
            continue
        cost = prices.cost(cell_model(grid, cell), cell_use(result))
        if cost is None:
            return None
        total = total + cost
    return total


def tally(best: Mapping[int, int | None], variants: int) -> list[int]:
    """Points per variant from the user's per-row "best" picks (prompt -> variant)."""
    scores = [0] * variants
    for choice in best.values():
        if choice is not None and 0 <= choice < variants:
            scores[choice] += 1
    return scores


def _rows(
    results: Mapping[Cell, CellResult], variants: Sequence[Variant], prompts: Sequence[str]
) -> list[dict[str, object]]:
    rows = []
    for cell in sorted(results, key=lambda c: (c.prompt, c.variant, c.sample)):
        variant = variants[cell.variant]
        rows.append(
            {
                "prompt_index": cell.prompt,
                "prompt": prompts[cell.prompt],
                "variant_index": cell.variant,
                "variant": variant.name,
                "system_instruction": variant.system_instruction,
                "temperature": variant.temperature,
                "model": variant.model,
                "sample": cell.sample,
                **asdict(results[cell]),
            }
        )
    return rows


def to_csv(
    results: Mapping[Cell, CellResult], variants: Sequence[Variant], prompts: Sequence[str]
) -> str:
    """The grid as CSV; text that a spreadsheet would run as a formula is neutralised."""
    return to_csv_text(_rows(results, variants, prompts))


def to_json(
    results: Mapping[Cell, CellResult],
    variants: Sequence[Variant],
    prompts: Sequence[str],
    base: GenerationSettings,
) -> str:
    """Results with the settings that produced them (the settings hold no key)."""
    return json.dumps(
        {
            "format": "gemini-playground/tuning-grid",
            "version": 1,
            "settings": base.model_dump(mode="json"),
            "variants": [asdict(v) for v in variants],
            "prompts": list(prompts),
            "cells": _rows(results, variants, prompts),
        },
        ensure_ascii=False,
        indent=1,
    )

"""Tuning grid logic: planning, partial re-runs, per-variant settings, summaries, tallies,
exports."""

import csv
import io

import pytest

from playground.errors import ApiError
from playground.reply import Reply
from playground.settings import GenerationSettings
from playground.tuning import (
    MAX_VARIANTS,
    PRESETS,
    SHARED_MODEL,
    Cell,
    CellResult,
    Grid,
    Variant,
    cell_request,
    grid_matches,
    grid_workers,
    parse_prompts,
    plan_cells,
    plan_run,
    rerun_targets,
    session_defaults,
    summarize,
    tally,
    target_scope,
    to_csv,
    variant_name,
)


def test_plan_all_or_one_row_or_column():
    assert len(plan_cells(3, 2, 2)) == 12
    assert {c.variant for c in plan_cells(3, 2, 2, only_variant=1)} == {1}
    assert len(plan_cells(3, 2, 2, only_variant=1)) == 4
    assert {c.prompt for c in plan_cells(3, 2, 1, only_prompt=0)} == {0}


def test_variant_overrides_reach_the_request():
    base = GenerationSettings(temperature=0.9, system_instruction="shared")
    variants = [Variant("A"), Variant("B", "Be a cat.", 0.2, "gemini-2.5-pro")]
    plain = cell_request(base, variants, ["hi"], Cell(0, 0))
    cat = cell_request(base, variants, ["hi"], Cell(1, 0))
    assert plain.config.system_instruction is None and plain.config.temperature == 0.9
    assert cat.config.system_instruction == "Be a cat." and cat.config.temperature == 0.2
    assert cat.model == "gemini-2.5-pro"


def test_prompts_parse_and_limit():
    assert parse_prompts(" a \n\n b\n") == ["a", "b"]
    with pytest.raises(ValueError, match="At most 10"):
        parse_prompts("\n".join("x" * 11))


def test_summary_and_tally():
    results = {
        Cell(0, 0): CellResult("a", 1.0, 10, "STOP"),
        Cell(0, 1): CellResult("b", 3.0, 30, "MAX_TOKENS"),
        Cell(0, 2): CellResult.from_outcome(ApiError("down", code=503, status="UNAVAILABLE")),
    }
    summary = summarize(results, 0)
    assert (summary.cells, summary.failed) == (3, 1)
    assert (summary.latency_median_s, summary.latency_min_s, summary.latency_max_s) == (
        2.0,
        1.0,
        3.0,
    )
    assert summary.finish_reasons == {"STOP": 1, "MAX_TOKENS": 1, "ERROR": 1}
    assert results[Cell(0, 2)].error == "503 UNAVAILABLE — down"
    assert tally({0: 1, 1: 1, 2: None, 3: 0}, 3) == [1, 2, 0]


def test_cell_result_from_a_blocked_reply():
    reply = Reply.from_wire({"promptFeedback": {"blockReason": "SAFETY"}})
    assert CellResult.from_outcome(reply).finish_reason == "BLOCKED:SAFETY"


def test_workers_from_env():
    assert grid_workers({}) == 8
    assert grid_workers({"PLAYGROUND_GRID_WORKERS": "2"}) == 2
    assert grid_workers({"PLAYGROUND_GRID_WORKERS": "x"}) == 8


# --- grids and partial re-runs --------------------------------------------------------------

VARIANTS = [Variant("Variant A"), Variant("Variant B", "Be a cat.")]
PROMPTS = ["Hello", "Explain AI"]


def full_grid(samples: int = 1) -> Grid:
    grid, cells = plan_run(None, GenerationSettings(), VARIANTS, PROMPTS, samples)
    grid.results.update({cell: CellResult(f"{cell}", 1.0, 5, "STOP") for cell in cells})
    return grid


def test_a_full_run_plans_every_cell_in_a_new_grid():
    current = full_grid()
    grid, cells = plan_run(current, GenerationSettings(), VARIANTS, PROMPTS, 2)
    assert grid is not current and grid.results == {} and len(cells) == 8
    assert (grid.variants, grid.prompts, grid.samples) == (VARIANTS, PROMPTS, 2)


def test_a_partial_run_merges_into_the_grid_with_the_new_instruction():
    current = full_grid()
    kept = dict(current.results)
    changed = [VARIANTS[0], Variant("Variant B", "Be a pirate.")]
    base = GenerationSettings(temperature=0.3)
    grid, cells = plan_run(current, base, changed, PROMPTS, 1, only_variant=1)
    assert grid is current and grid.results == kept  # nothing lost before the run
    assert cells == [Cell(1, 0), Cell(1, 1)]
    assert grid.variants[1].system_instruction == "Be a pirate." and grid.base is base
    grid, cells = plan_run(current, base, changed, PROMPTS, 1, only_prompt=0)
    assert cells == [Cell(0, 0), Cell(1, 0)]


def test_a_partial_run_on_a_grid_of_another_shape_starts_a_new_one():
    current = full_grid()
    grid, cells = plan_run(current, GenerationSettings(), VARIANTS, ["Other"], 1, only_prompt=0)
    assert grid is not current and grid.results == {} and cells == [Cell(0, 0), Cell(1, 0)]


def test_grid_matches_only_the_same_shape():
    grid = full_grid()
    assert grid_matches(grid, VARIANTS, PROMPTS, 1)
    assert grid_matches(grid, [Variant("A", "new"), Variant("B")], PROMPTS, 1)
    assert not grid_matches(grid, VARIANTS[:1], PROMPTS, 1)
    assert not grid_matches(grid, VARIANTS, PROMPTS[:1], 1)
    assert not grid_matches(grid, VARIANTS, PROMPTS, 2)
    assert not grid_matches(None, VARIANTS, PROMPTS, 1)


def test_rerun_targets_name_columns_then_rows():
    assert rerun_targets(VARIANTS, PROMPTS) == ["Variant A", "Variant B", "Prompt 1", "Prompt 2"]
    assert target_scope("Variant B", VARIANTS, PROMPTS) == (1, None)
    assert target_scope("Prompt 2", VARIANTS, PROMPTS) == (None, 1)
    assert target_scope("Prompt 3", VARIANTS, PROMPTS) == (None, None)
    assert target_scope(None, VARIANTS, PROMPTS) == (None, None)


def test_session_defaults_cover_every_variant_editor():
    values = session_defaults()
    assert values["system.count"] == 3 and values["system.samples"] == 1
    for index in range(MAX_VARIANTS):
        assert values[f"system.model.{index}"] == SHARED_MODEL
        assert values[f"system.temp_on.{index}"] is False
    assert values["system.variant.1"] == PRESETS["Cat named Neko"]
    assert variant_name(5) == "Variant F"


def test_grid_csv_neutralises_a_reply_that_is_a_formula():
    """A reply beginning "=HYPERLINK(" leaves the CSV as text, not a live formula."""
    formula = '=HYPERLINK("https://example.invalid/","Click here")'
    body = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": formula}]},
                "finishReason": "STOP",
                "index": 0,
            }
        ]
    }
    results = {
        Cell(0, 0): CellResult.from_outcome(Reply.from_wire(body)),
        Cell(1, 0): CellResult("A plain answer.", 0.5, 3, "STOP"),
    }
    variants = [Variant("Variant A", "-be terse", 0.2), Variant("Variant B", "@cat")]
    data = to_csv(results, variants, ["+1 or 2?"]).encode("utf-8")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert rows[0]["text"] == "'" + formula
    assert rows[1]["text"] == "A plain answer."
    assert [r["system_instruction"] for r in rows] == ["'-be terse", "'@cat"]
    assert {r["prompt"] for r in rows} == {"'+1 or 2?"}
    cells = [value for row in rows for value in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]

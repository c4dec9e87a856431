"""Tuning grid logic: planning, per-variant settings, summaries, tallies, exports."""

import pytest

from playground.errors import ApiError
from playground.reply import Reply
from playground.settings import GenerationSettings
from playground.tuning import (
    Cell,
    CellResult,
    Variant,
    cell_request,
    grid_workers,
    parse_prompts,
    plan_cells,
    summarize,
    tally,
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

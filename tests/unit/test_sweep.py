"""Parameter sweep logic: values and their bounds, refusals, requests, spread figures,
charts and exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from playground.catalog import ModelInfo
from playground.errors import BadInput
from playground.pricing import load_prices
from playground.settings import GenerationSettings
from playground.sweep import (
    KNOBS,
    SPACED,
    TYPED,
    SampleResult,
    Sweep,
    SweepAsk,
    SweepCell,
    all_figures,
    bounds,
    chart_specs,
    distinct_2,
    distinct_replies,
    mean_similarity,
    parse_typed,
    plan_sweep,
    refusal,
    spaced,
    sweep_cost,
    sweep_values,
    to_csv,
    to_json,
    value_figures,
    value_request,
)
from playground.tuning import CellResult

FLASH = ModelInfo("gemini-2.5-flash", "Gemini 2.5 Flash", output_token_limit=65536, thinking=True)
OLD = ModelInfo("gemini-2.0-flash", "Gemini 2.0 Flash", output_token_limit=8192)
THREE = ModelInfo("gemini-3-flash-preview", "Gemini 3 Flash Preview", thinking=True)


# --- spread figures ------------------------------------------------------------------------


def test_identical_samples_are_one_distinct_reply_with_similarity_one():
    texts = ["The cat sat on the mat."] * 3
    assert distinct_replies(texts) == 1
    assert mean_similarity(texts) == 1.0
    assert distinct_2(texts) == pytest.approx(5 / 15)  # 5 bigrams a sample, the same each time


def test_disjoint_samples_have_similarity_near_zero():
    texts = ["aaaa aaaa aaaa", "bbbb bbbb bbbb", "cccc cccc cccc"]
    assert distinct_replies(texts) == 3
    assert mean_similarity(texts) < 0.2
    assert mean_similarity(["aaaaaaaa", "zzzzzzzz"]) == 0.0


def test_distinct_2_counts_word_bigrams_over_all_samples():
    # bigrams: (a b) (b c) | (a b) (b d) -> 3 distinct of 4
    assert distinct_2(["A b c", "a B d"]) == 0.75
    assert distinct_2(["one", "two"]) is None  # no bigram at all
    assert distinct_replies(["a  b", "a b\n"]) == 1  # whitespace alone is no difference


def test_similarity_needs_two_samples():
    assert mean_similarity(["only one"]) is None


# --- values and bounds --------------------------------------------------------------------


def test_evenly_spaced_values_include_both_ends():
    assert spaced(0, 2, 3) == [0, 1, 2]
    assert spaced(0, 1, 5) == [0, 0.25, 0.5, 0.75, 1]
    assert spaced(2, 0, 2) == [2, 0]
    assert spaced(0.1, 0.3, 3) == [0.1, 0.2, 0.3]  # no 0.30000000000000004


def test_whole_number_settings_are_rounded_and_never_repeat():
    assert spaced(1, 40, 3, integer=True) == [1, 20, 40]
    with pytest.raises(ValueError, match="only 3 whole numbers from 1 to 3"):
        spaced(1, 3, 5, integer=True)


@pytest.mark.parametrize("count", [1, 8])
def test_two_to_seven_values(count):
    with pytest.raises(ValueError, match="2–7 values"):
        spaced(0, 1, count)


def test_equal_ends_are_refused():
    with pytest.raises(ValueError, match="two different ends"):
        spaced(1, 1, 3)


def test_typed_values():
    assert parse_typed("0, 0.7; 1.4", KNOBS["temperature"]) == [0.0, 0.7, 1.4]
    assert parse_typed("1 5 40", KNOBS["top_k"]) == [1, 5, 40]
    assert parse_typed("low, High", KNOBS["thinking_level"]) == ["LOW", "HIGH"]


@pytest.mark.parametrize(
    ("setting", "text", "problem"),
    [
        ("top_p", "0, warm", "“warm” is not a number"),
        ("top_k", "1, 2.5", "Top K takes whole numbers; 2.5 is not one"),
        ("top_p", "0.5, 0.5, 1", "0.5 is typed more than once"),
        ("top_p", "1", "you typed 1"),
        ("thinking_level", "LOW, LOUD", "“LOUD” is not a thinking level"),
    ],
)
def test_typed_values_that_cannot_be_read(setting, text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_typed(text, KNOBS[setting])


def test_bounds_follow_the_settings_and_the_model():
    assert bounds(KNOBS["temperature"], FLASH) == (0, 2)
    assert bounds(KNOBS["top_p"], FLASH) == (0, 1)
    assert bounds(KNOBS["top_k"], FLASH) == (1, 500)
    assert bounds(KNOBS["max_output_tokens"], OLD) == (1, 8192)
    assert bounds(KNOBS["thinking_budget"], FLASH) == (-1, 32768)
    cool = ModelInfo("m", "M", max_temperature=1.0)
    assert bounds(KNOBS["temperature"], cool) == (0, 1.0)


def test_a_setting_the_model_does_not_take_is_refused():
    assert "does not think" in (refusal(KNOBS["thinking_budget"], OLD) or "")
    assert "takes a thinking level" in (refusal(KNOBS["thinking_budget"], THREE) or "")
    assert "takes a thinking budget" in (refusal(KNOBS["thinking_level"], FLASH) or "")
    assert refusal(KNOBS["thinking_budget"], FLASH) is None
    assert refusal(KNOBS["temperature"], OLD) is None
    with pytest.raises(BadInput, match="does not think") as caught:
        sweep_values(SweepAsk("thinking_budget", typed="0, 512", mode=TYPED), OLD)
    assert "Nothing was sent" in caught.value.remedy


def test_a_value_outside_the_bounds_is_refused():
    with pytest.raises(BadInput, match=r"Temperature 2\.5 is outside 0–2 on `gemini-2.5-flash`"):
        sweep_values(SweepAsk("temperature", SPACED, 0, 2.5, 3), FLASH)
    with pytest.raises(BadInput, match="Max output tokens 9000 is outside 1–8192"):
        sweep_values(SweepAsk("max_output_tokens", TYPED, typed="100, 9000"), OLD)
    with pytest.raises(BadInput, match="samples"):
        sweep_values(SweepAsk("temperature", SPACED, 0, 2, 3, samples=11), FLASH)
    assert sweep_values(SweepAsk("temperature", SPACED, 0, 2, 3), FLASH) == [0, 1, 2]


# --- requests -----------------------------------------------------------------------------


def test_the_swept_setting_is_always_on_the_wire():
    base = GenerationSettings()
    request = value_request(base, "temperature", 1.0, "Hi")  # the API's default, sent anyway
    assert request.config.temperature == 1.0
    assert value_request(base, "top_p", 0.95, "Hi").config.top_p == 0.95
    assert value_request(base, "top_k", 5, "Hi").config.top_k == 5
    assert value_request(base, "seed", 3, "Hi").config.seed == 3
    assert value_request(base, "max_output_tokens", 64, "Hi").config.max_output_tokens == 64
    assert value_request(base, "temperature", 0.5, "Hi").config.response_logprobs is None
    assert value_request(base, "temperature", 0.5, "Hi", logprobs=True).config.response_logprobs


def test_thinking_values_replace_the_other_thinking_knob():
    level = GenerationSettings(model="gemini-3-flash-preview", thinking_level="HIGH")
    config = value_request(level, "thinking_level", "LOW", "Hi").config
    assert config.thinking_config.thinking_level.value == "LOW"
    budget = GenerationSettings(thinking_budget=1024)
    config = value_request(budget, "thinking_budget", 0, "Hi").config
    assert config.thinking_config.thinking_budget == 0


def test_plan_asks_for_log_probabilities_only_where_served():
    ask = SweepAsk("temperature", SPACED, 0, 2, 3, samples=2, logprobs=True)
    sweep = plan_sweep(GenerationSettings(model="gemini-2.0-flash"), "Hi", ask, OLD)
    assert sweep.logprobs and sweep.request(0).config.response_logprobs
    assert len(sweep.cells()) == 6
    sweep = plan_sweep(GenerationSettings(), "Hi", ask, FLASH)
    assert not sweep.logprobs and sweep.request(0).config.response_logprobs is None
    with pytest.raises(BadInput, match="prompt is empty"):
        plan_sweep(GenerationSettings(), "  ", ask, FLASH)


# --- figures, charts, exports -------------------------------------------------------------


def finished(texts_by_value: list[list[str]]) -> Sweep:
    sweep = Sweep("temperature", [0.0, 2.0], len(texts_by_value[0]), "Hi", GenerationSettings())
    for v, texts in enumerate(texts_by_value):
        for s, text in enumerate(texts):
            cell = CellResult(text, 0.1 * (s + 1), 10 + s, "STOP", prompt_tokens=5)
            sweep.results[SweepCell(v, s)] = SampleResult(cell, -0.5 * (v + 1))
    return sweep


def test_figures_per_value():
    sweep = finished([["Same reply."] * 3, ["One reply.", "Another one.", "=HYPERLINK(1)"]])
    prices = load_prices()
    cold, hot = value_figures(sweep, 0, prices), value_figures(sweep, 1, prices)
    assert (cold.distinct, cold.similarity) == (1, 1.0)
    assert hot.distinct == 3 and hot.similarity < 0.7
    assert cold.tokens_mean == 11 and cold.latency_median_s == pytest.approx(0.2)
    assert cold.finish_reasons == {"STOP": 3}
    assert cold.avg_logprob == -0.5 and hot.avg_logprob == -1.0
    assert cold.cost is not None and cold.cost.total > 0
    assert sweep_cost([cold, hot]).total == pytest.approx(cold.cost.total + hot.cost.total)


def test_a_failed_sample_is_counted_apart():
    sweep = finished([["a b", "a b"], ["c d", "e f"]])
    sweep.results[SweepCell(1, 1)] = SampleResult(
        CellResult(error="429 — busy", finish_reason="ERROR")
    )
    figures = value_figures(sweep, 1)
    assert figures.failed == 1 and figures.distinct == 1 and figures.similarity is None
    assert figures.finish_reasons == {"STOP": 1, "ERROR": 1}


def test_chart_specs_plot_each_figure_against_the_value():
    sweep = finished([["Same."] * 2, ["One two.", "Three four."]])
    specs = chart_specs(sweep, all_figures(sweep))
    titles = [s["title"] for s in specs]
    assert titles[:3] == ["Distinct replies", "Distinct-2", "Mean similarity"]
    assert "Avg log-probability" in titles and titles[-1] == "Finish reasons"
    distinct = specs[0]
    assert [(r["value"], r["figure"]) for r in distinct["data"]["values"]] == [(0.0, 1), (2.0, 2)]
    assert distinct["encoding"]["x"]["title"] == "Temperature"
    for result in sweep.results.values():
        object.__setattr__(result, "avg_logprob", None)
    titles = [s["title"] for s in chart_specs(sweep, all_figures(sweep))]
    assert "Avg log-probability" not in titles  # not served: no empty chart


def test_exports_neutralise_formulas_and_keep_the_settings():
    sweep = finished([["Same."] * 2, ['=HYPERLINK("x")', "+1"]])
    rows = list(csv.DictReader(io.StringIO(to_csv(sweep))))
    assert len(rows) == 4 and rows[0]["setting"] == "temperature" and rows[0]["value"] == "0.0"
    assert rows[2]["text"] == '\'=HYPERLINK("x")' and rows[3]["text"] == "'+1"
    document = json.loads(to_json(sweep))
    assert document["format"] == "gemini-playground/sweep"
    assert document["values"] == [0.0, 2.0] and document["settings"]["model"] == "gemini-2.5-flash"
    assert document["figures"][0]["distinct"] == 1 and len(document["cells"]) == 4
    assert "key" not in json.dumps(document["settings"]).lower()

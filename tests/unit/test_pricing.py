"""Cost of a run from the price table: tiers, cache, thinking, tools, images, overrides,
and "no price known" (never $0) for a model with no row."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.errors import BadInput
from playground.pricing import (
    Cost,
    TokenUse,
    describe,
    load_prices,
    money,
    read_table,
)


@pytest.fixture
def prices(tmp_path: Path):
    return load_prices(env={}, cwd=tmp_path)  # the defaults: no override file there


def test_the_default_table_is_versioned_dated_and_sourced(prices) -> None:
    assert prices.version == 1 and prices.checked and "ai.google.dev" in prices.source
    assert prices.price_of("models/gemini-2.5-flash") is not None
    assert prices.price_of("gemini-flash-latest") == prices.price_of("gemini-2.5-flash")


def test_input_output_and_thinking_are_priced_per_million(prices) -> None:
    row = prices.price_of("gemini-2.5-flash")
    cost = prices.cost("gemini-2.5-flash", TokenUse(prompt=1_000, output=500, thoughts=300))

    assert cost.input == pytest.approx(1_000 * row.input / 1e6)
    assert cost.output == pytest.approx(800 * row.output / 1e6)  # thinking billed as output
    assert cost.total == pytest.approx(cost.input + cost.output)


def test_cached_tokens_are_part_of_the_prompt_but_billed_at_the_cache_price(prices) -> None:
    row = prices.price_of("gemini-2.5-flash")
    cost = prices.cost("gemini-2.5-flash", TokenUse(prompt=10_000, cached=8_000))

    assert cost.input == pytest.approx(2_000 * row.input / 1e6)
    assert cost.cached == pytest.approx(8_000 * row.cached / 1e6)


def test_long_prompts_use_the_long_tier(prices) -> None:
    row = prices.price_of("gemini-2.5-pro")
    short = prices.cost("gemini-2.5-pro", TokenUse(prompt=200_000, output=1_000))
    long = prices.cost("gemini-2.5-pro", TokenUse(prompt=200_001, output=1_000))

    assert short.output == pytest.approx(1_000 * row.output / 1e6)
    assert long.input == pytest.approx(200_001 * row.input_long / 1e6)
    assert long.output == pytest.approx(1_000 * row.output_long / 1e6)


def test_tool_prompt_audio_and_image_tokens_use_their_rates(prices) -> None:
    flash = prices.price_of("gemini-2.5-flash")
    image = prices.price_of("gemini-2.5-flash-image")

    tools = prices.cost("gemini-2.5-flash", TokenUse(prompt=100, tool_prompt=400))
    audio = prices.cost("gemini-2.5-flash", TokenUse(prompt=1_000, audio_prompt=960))
    drawn = prices.cost(
        "gemini-2.5-flash-image", TokenUse(prompt=10, output=1_300, image_output=1_290)
    )

    assert tools.input == pytest.approx(500 * flash.input / 1e6)
    assert audio.input == pytest.approx((40 * flash.input + 960 * flash.audio_input) / 1e6)
    assert drawn.output == pytest.approx((10 * image.output + 1_290 * image.image_output) / 1e6)


def test_imagen_is_priced_per_image(prices) -> None:
    cost = prices.cost("imagen-4.0-fast-generate-001", TokenUse(images=3))

    assert cost.images == pytest.approx(
        3 * prices.price_of("imagen-4.0-fast-generate-001").per_image
    )


def test_a_model_without_a_row_has_no_price_never_zero(prices) -> None:
    assert prices.cost("gemini-9-ultra", TokenUse(prompt=10, output=10)) is None
    assert describe(None, offline=False) == "no price known"


def test_offline_reads_would_cost_and_small_amounts_keep_their_digits() -> None:
    cost = Cost(input=0.0000123)

    assert describe(cost, offline=True) == "would cost $0.0000123"
    assert describe(cost, offline=False) == "$0.0000123"
    assert (
        money(0.0123) == "$0.0123"
        and money(12.5) == "$12.50"
        and money(0.5) == "$0.50"
        and money(0) == "$0.00"
    )


def test_a_deployer_override_replaces_rows_and_keeps_the_rest(tmp_path: Path) -> None:
    override = tmp_path / ".streamlit" / "pricing.toml"
    override.parent.mkdir()
    override.write_text(
        'version = 1\nchecked = "2026-12-01"\n'
        '[models."gemini-2.5-flash"]\ninput = 1.0\noutput = 2.0\n'
        '[models."my-tuned-model"]\ninput = 0.5\noutput = 0.5\n',
        encoding="utf-8",
    )

    prices = load_prices(env={}, cwd=tmp_path)

    assert prices.price_of("gemini-2.5-flash").input == 1.0 and prices.checked == "2026-12-01"
    assert prices.price_of("my-tuned-model") is not None
    assert prices.price_of("gemini-2.5-pro") is not None  # defaults kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = 2", "pricing version 2 is not supported"),
        ("version = 1\n[models.x]\ninput = -1", "input must be a number ≥ 0"),
        ("version = 1\n[models.x]\ninptu = 1", "unknown field(s) inptu"),
        ("version = 1\n[models.x", "is not valid TOML"),
    ],
)
def test_a_malformed_pricing_file_is_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "prices.toml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(BadInput) as caught:
        load_prices(env={"PLAYGROUND_PRICING_FILE": str(path)}, cwd=tmp_path)

    assert message in caught.value.message and str(path) in caught.value.message


def test_the_bundled_file_parses(tmp_path: Path) -> None:
    from playground.pricing import DEFAULT_FILE

    assert read_table(DEFAULT_FILE).models

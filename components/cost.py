"""What a run costs, next to its usage: "$0.00012", "would cost $0.00012" in the offline
demo (and when replaying a recording), "no price known" for a model without a price."""

from __future__ import annotations

import streamlit as st

from components.session import connected
from playground.conversation import TurnStats
from playground.errors import BadInput
from playground.images import ImageOutcome
from playground.pricing import Cost, PriceTable, TokenUse, describe, load_prices, use_of
from playground.reply import Reply
from playground.tuning import Cell, CellResult, Grid, cell_model, cell_use, grid_cost


@st.cache_resource(show_spinner=False)
def price_table() -> PriceTable | BadInput:
    """The price table, read once per process; a broken override file is kept as its
    message (shown where a cost would be) instead of failing every page."""
    try:
        return load_prices()
    except BadInput as problem:
        return problem


def priced_offline() -> bool:
    """True when no run is billed: the offline demo, or a replayed recording."""
    return connected().plan.mode in ("offline", "replay")


def cost_of(reply: Reply, model: str) -> Cost | None:
    table = price_table()
    if isinstance(table, BadInput):
        return None
    # The model asked for is what is billed; the served version helps for unlisted aliases.
    priced = model if table.price_of(model) else (reply.model_version or model)
    return table.cost(priced, use_of(reply.usage))


def cost_text(reply: Reply, model: str) -> str:
    """``Cost: $0.00012`` (or ``would cost …``, ``no price known``) for one reply."""
    table = price_table()
    if isinstance(table, BadInput):
        return f"Cost: no price known ({table.message})"
    return f"Cost: {describe(cost_of(reply, model), offline=priced_offline())}"


def total_text(costs: list[Cost | None]) -> str:
    """The cumulative cost of several runs; ``no price known`` if any run has none."""
    if not costs or any(c is None for c in costs):
        return describe(None, offline=False)
    total = sum((c for c in costs if c is not None), Cost())
    return describe(total, offline=priced_offline())


def outcome_cost_text(outcome: ImageOutcome) -> str:
    """``Cost: …`` of one image call: its tokens (image output priced as such), or for
    Imagen its images."""
    table = price_table()
    if isinstance(table, BadInput):
        return f"Cost: no price known ({table.message})"
    if outcome.usage is not None:
        use = use_of(outcome.usage)
    else:
        use = TokenUse(images=len(outcome.image_digests))
    return f"Cost: {describe(table.cost(outcome.model, use), offline=priced_offline())}"


def turn_cost(stats: TurnStats, model: str) -> Cost | None:
    """What one chat reply cost, from the figures kept with the turn."""
    table = price_table()
    if isinstance(table, BadInput):
        return None
    served = stats.model_version or model
    priced = served if table.price_of(served) else model
    use = TokenUse(
        prompt=stats.prompt_tokens, output=stats.output_tokens, thoughts=stats.thought_tokens
    )
    return table.cost(priced, use)


def turn_cost_text(stats: TurnStats, model: str) -> str:
    return describe(turn_cost(stats, model), offline=priced_offline())


def chat_total_text(stats: list[TurnStats], model: str) -> str:
    """``chat so far: $…`` over every reply of a conversation."""
    return f"chat so far: {total_text([turn_cost(s, model) for s in stats])}"


def cell_cost_text(grid: Grid, cell: Cell, result: CellResult) -> str:
    """What one tuning-grid cell cost."""
    table = price_table()
    if isinstance(table, BadInput):
        return describe(None, offline=False)
    cost = table.cost(cell_model(grid, cell), cell_use(result))
    return describe(cost, offline=priced_offline())


def grid_cost_text(grid: Grid, variant: int | None = None) -> str:
    """What a variant's cells (or the whole grid) cost."""
    table = price_table()
    if isinstance(table, BadInput):
        return describe(None, offline=False)
    return describe(grid_cost(grid, table, variant), offline=priced_offline())

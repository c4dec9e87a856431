"""AppTest: the cost of a run, next to its usage — "would cost" in the offline demo, the
figure the price table gives for the usage the server reported, and a clear line when the
deployer's pricing file is broken."""

from __future__ import annotations

import re

import pytest

from components.cost import price_table
from playground.pricing import Cost, TokenUse, load_prices, money, use_of
from playground.state import TEXT_REPLY


@pytest.fixture(autouse=True)
def _fresh_prices():
    price_table.clear()
    yield
    price_table.clear()


def _run_text(app, prompt: str = "How does AI work?"):
    app.text_area(key="text.prompt").input(prompt)
    app.button(key="text.run").click().run()
    assert not app.exception, app.exception
    return [c.value for c in app.main.caption]


def test_a_text_run_shows_what_it_would_cost_from_the_usage_the_server_reported(app, offline):
    captions = _run_text(app)

    reply = app.session_state[TEXT_REPLY]  # the usage exactly as the server reported it
    assert reply.usage.prompt_tokens > 0 and reply.usage.output_tokens > 0
    expected = load_prices().cost("gemini-2.5-flash", use_of(reply.usage))
    assert expected is not None and expected.total > 0
    assert f"Cost: would cost {money(expected.total)}" in captions


def test_a_broken_pricing_file_is_named_where_the_cost_would_be(
    app, offline, tmp_path, monkeypatch
):
    broken = tmp_path / "prices.toml"
    broken.write_text("version = 1\n[models.x\n", encoding="utf-8")
    monkeypatch.setenv("PLAYGROUND_PRICING_FILE", str(broken))

    captions = _run_text(app)

    line = next(c for c in captions if c.startswith("Cost:"))
    assert re.match(
        r"Cost: no price known \(The pricing file .*prices\.toml is not valid TOML", line
    )


def test_each_chat_reply_and_the_whole_chat_show_what_they_would_cost(app, offline):
    from playground.state import CHAT_CONVERSATION

    app.switch_page("views/chat.py").run()
    for message in ("Hello there", "I have 2 dogs in my house."):
        app.chat_input(key="chat.input").set_value(message).run()
    assert not app.exception, app.exception

    prices = load_prices()
    replies = [t.stats for t in app.session_state[CHAT_CONVERSATION].turns if t.stats]
    costs = [
        prices.cost(
            "gemini-2.5-flash",
            TokenUse(prompt=s.prompt_tokens, output=s.output_tokens, thoughts=s.thought_tokens),
        )
        for s in replies
    ]
    captions = [c.value for c in app.main.caption]
    assert len(replies) == 2 and all(c is not None and c.total > 0 for c in costs)
    for cost in costs:
        assert any(c.endswith(f"· would cost {money(cost.total)}") for c in captions), captions
    total = money(sum(costs, Cost()).total)  # summed as the page sums them
    assert any(f"chat so far: would cost {total}" in c for c in captions), captions


def test_an_image_run_prices_its_image_tokens_at_the_image_rate(app, offline):
    from playground.reply import Usage
    from playground.state import IMAGES_RESULT

    app.switch_page("views/images.py").run()
    picker = app.selectbox(key="images.model")
    picker.select("gemini-2.5-flash-image").run()  # a model with a price
    app.text_area(key="images.prompt").input("Generate an image of a red fox in the snow")
    app.button(key="images.run").click().run()
    assert not app.exception, app.exception

    _, outcomes, _ = app.session_state[IMAGES_RESULT]
    usage = outcomes[0].usage
    assert usage.image_output_tokens > 0  # the server's candidatesTokensDetails IMAGE share
    expected = load_prices().cost(outcomes[0].model, use_of(usage))
    as_text = Usage(prompt_tokens=usage.prompt_tokens, output_tokens=usage.output_tokens)
    flat = load_prices().cost(outcomes[0].model, use_of(as_text))
    captions = [c.value for c in app.main.caption]
    assert expected is not None and expected.total > flat.total  # image tokens cost more
    assert f"Cost: would cost {money(expected.total)}" in captions, captions


def test_an_image_model_without_a_price_says_so(app, offline):
    app.switch_page("views/images.py").run()  # the default model has no row in the table
    app.text_area(key="images.prompt").input("Generate an image of a lighthouse")
    app.button(key="images.run").click().run()

    assert "Cost: no price known" in [c.value for c in app.main.caption]


def test_a_streamed_run_shows_what_it_would_cost(app, offline):
    from playground.pricing import load_prices, money, use_of
    from playground.state import STREAM_REPLY

    app.switch_page("views/stream.py").run()
    app.text_area(key="stream.prompt").input("How does AI work?")
    app.button(key="stream.run").click().run()

    reply = app.session_state[STREAM_REPLY]
    cost = load_prices().cost("gemini-2.5-flash", use_of(reply.usage))
    assert cost is not None and reply.usage.output_tokens > 0
    assert any(
        c.value.endswith(f" · Cost: would cost {money(cost.total)}") for c in app.main.caption
    )


def test_each_grid_cell_each_variant_and_the_whole_grid_show_their_cost(app, offline):
    from playground.state import SYSTEM_GRID

    app.switch_page("views/system.py").run()
    app.slider(key="system.count").set_value(2).run()
    app.text_area(key="system.variant.0").input("")
    app.text_area(key="system.variant.1").input("You are a cat.")
    app.text_area(key="system.prompts").input("How does AI work?\nWrite a haiku about rain").run()
    app.button(key="system.run").click().run(timeout=60)
    assert not app.exception, app.exception

    grid = app.session_state[SYSTEM_GRID]
    prices = load_prices()
    costs = {
        cell: prices.cost(
            "gemini-2.5-flash",
            TokenUse(prompt=r.prompt_tokens, output=r.output_tokens, thoughts=r.thought_tokens),
        )
        for cell, r in grid.results.items()
    }
    captions = [c.value for c in app.main.caption]
    assert len(costs) == 4 and all(c is not None and c.total > 0 for c in costs.values())
    for cost in costs.values():
        assert any(c.endswith(f"· would cost {money(cost.total)}") for c in captions)
    total = sum(costs.values(), Cost())
    assert f":material/payments: The whole grid: would cost {money(total.total)}" in captions

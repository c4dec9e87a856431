"""Reply planning: variations, thinking, limits, finish directives and stream events."""

from __future__ import annotations

import itertools
from typing import Any

from gemini_offline.keys import normalize
from gemini_offline.models import find_model
from gemini_offline.request import parse_generate_request
from gemini_offline.responses import cut_at_stop, plan_reply, split_words
from gemini_offline.tokens import count_tokens


def plan(prompt: str = "Explain tides", model: str = "gemini-2.5-flash", **config: Any):
    body = {"contents": [{"role": "user", "parts": [{"text": prompt}]}], "generationConfig": config}
    req = parse_generate_request(normalize(body), find_model(model))
    return plan_reply(req, itertools.count(1).__next__)


def texts(reply) -> list[str]:
    return [c.text for c in reply.candidates]


def test_split_words_keeps_every_character() -> None:
    text = "  **Title**\n\nOne two  three.\n- four\n"

    chunks = split_words(text, 2)

    assert "".join(chunks) == text
    assert chunks[0] == "  **Title**\n\nOne "


def test_stream_events_add_up_to_the_body() -> None:
    reply = plan(model="gemini-2.5-pro", thinkingConfig={"includeThoughts": True})

    body = reply.body()
    events = reply.events(3)

    parts = [e["candidates"][0]["content"]["parts"][0] for e in events]
    thought = "".join(p["text"] for p in parts if p.get("thought"))
    answer = "".join(p["text"] for p in parts if not p.get("thought"))
    assert [thought, answer] == [p["text"] for p in body["candidates"][0]["content"]["parts"]]
    assert events[-1]["usageMetadata"] == body["usageMetadata"]
    assert body["candidates"][0]["content"]["parts"][1]["thoughtSignature"]


def test_unset_temperature_follows_the_callers_counter_and_candidates_differ() -> None:
    # Unset is the default 1.0: each call takes the next count, so a fresh counter repeats.
    first, again = plan(candidateCount=3), plan(candidateCount=3)

    assert texts(first) == texts(again)
    assert len(set(texts(first))) == 3


def test_temperature_zero_gives_identical_candidates() -> None:
    assert len(set(texts(plan(candidateCount=4, temperature=0)))) == 1


def test_seed_is_reproducible() -> None:
    assert texts(plan(temperature=1, seed=3)) == texts(plan(temperature=1, seed=3))
    assert texts(plan(temperature=1, seed=3)) != texts(plan(temperature=1, seed=4))


def test_thinking_budget_caps_thought_tokens() -> None:
    reply = plan(thinkingConfig={"thinkingBudget": 20, "includeThoughts": True})

    assert reply.candidates[0].thought_tokens == 20
    assert plan(thinkingConfig={"thinkingBudget": 0}).candidates[0].thought_tokens == 0
    assert plan(model="gemini-2.5-flash-lite").candidates[0].thought_tokens == 0


def test_max_tokens_and_stop_sequences() -> None:
    full = texts(plan(temperature=0))[0]

    off = {"thinkingBudget": 0}  # thoughts would share the cap
    capped = plan(maxOutputTokens=7, thinkingConfig=off).candidates[0]
    assert (count_tokens(capped.text), capped.finish) == (7, "MAX_TOKENS")
    assert cut_at_stop("one two three two", ["three", "two"]) == ("one ", True)
    assert cut_at_stop("abc", ["x"]) == ("abc", False)
    word = full.split()[5]
    assert texts(plan(stopSequences=[word], temperature=0))[0] == full[: full.index(word)]


def test_finish_and_block_directives() -> None:
    safety = plan("Explain tides [[finish:SAFETY]]").body()["candidates"][0]
    assert safety["content"] == {} and safety["finishReason"] == "SAFETY"

    prompt = "Explain tides [[block:OTHER]]"
    blocked = plan(prompt).body()
    assert "candidates" not in blocked and blocked["promptFeedback"]["blockReason"] == "OTHER"
    assert blocked["usageMetadata"]["totalTokenCount"] == count_tokens(prompt)

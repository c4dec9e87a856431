"""gemini_offline varies as a model does, through the real SDK: replies spread more as the
temperature rises; temperature 0, ``topK: 1`` and a fixed seed stay reproducible."""

from __future__ import annotations

import itertools

from google import genai
from google.genai import types

MODEL = "gemini-2.5-flash"
PROMPT = "Explain how a rainbow forms in three short paragraphs"
SAMPLES = 8


def replies(client: genai.Client, n: int = SAMPLES, **config: object) -> list[str]:
    cfg = types.GenerateContentConfig(**config)  # type: ignore[arg-type]
    return [
        client.models.generate_content(model=MODEL, contents=PROMPT, config=cfg).text or ""
        for _ in range(n)
    ]


def distinct_bigrams(texts: list[str]) -> float:
    """distinct-2: distinct word bigrams over all bigrams of the samples."""
    pairs = []
    for text in texts:
        words = text.split()
        pairs += list(itertools.pairwise(words))
    return len(set(pairs)) / len(pairs)


def test_temperature_zero_gives_one_reply(client: genai.Client) -> None:
    assert len(set(replies(client, temperature=0.0))) == 1


def test_spread_grows_with_temperature(client: genai.Client) -> None:
    low, mid, high = (replies(client, temperature=t) for t in (0.3, 1.0, 2.0))
    assert 1 <= len(set(low)) < len(set(mid))
    assert len(set(high)) >= len(set(mid))
    assert distinct_bigrams(high) > distinct_bigrams(mid)


def test_low_temperature_mostly_repeats_the_likely_reply(client: genai.Client) -> None:
    likely = replies(client, n=1, temperature=0.0)[0]
    low = replies(client, temperature=0.2)
    assert low.count(likely) > SAMPLES // 2


def test_top_k_one_is_greedy_even_when_hot(client: genai.Client) -> None:
    hot = replies(client, temperature=1.5, top_k=1)
    assert len(set(hot)) == 1
    assert hot[0] == replies(client, n=1, temperature=0.0)[0]


def test_small_top_p_narrows(client: genai.Client) -> None:
    narrow = replies(client, temperature=1.0, top_p=0.05)
    wide = replies(client, temperature=1.0, top_p=1.0)
    assert len(set(narrow)) < len(set(wide))


def test_seed_gives_the_same_reply_each_time(client: genai.Client) -> None:
    for temperature in (0.7, 2.0):
        seeded = replies(client, n=4, temperature=temperature, seed=42)
        assert len(set(seeded)) == 1
    assert replies(client, n=1, temperature=2.0, seed=42) != replies(
        client, n=1, temperature=2.0, seed=43
    )

"""Log probabilities of a reply's tokens, as ``responseLogprobs`` returns them.

The reply text is fixed before its numbers are made: each of its tokens (the tokeniser of
:mod:`.tokens`, whitespace riding on the token before it so the tokens join back to the
text and every stream chunk starts on a token) is the chosen candidate of one step. Its
log-probability and the step's alternatives follow the request's sampling: at an effective
temperature 0 (``topK: 1`` too) the chosen token is the top alternative at every step; as the
temperature rises, more steps choose a less likely token, so the average falls. Shapes follow
the API reference (``avgLogprobs``; ``logprobsResult`` with ``topCandidates[].candidates[]``
sorted descending, ``chosenCandidates[]``, ``logProbabilitySum``) and the recorded body
tests/fixtures/wire/generate_logprobs_chosen_only_gemini-1.5-flash-002.json.
"""

from __future__ import annotations

import math
import random
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

#: A token of :data:`.tokens.TOKEN_RE` with the whitespace after it.
_TOKEN_WITH_SPACE = re.compile(r"(?:\w+|[^\w\s])\s*")
#: Highest ``logprobs`` (alternatives per step) the API takes.
MAX_LOGPROBS = 20
#: Vocabulary size the token ids are drawn from (Gemini's is 256k).
VOCABULARY = 256_000
#: Share of steps that choose a less likely token, per unit of temperature.
STRAY_PER_DEGREE = 0.15
#: Floor of a reported probability (log -23), so no alternative is log 0.
MIN_PROBABILITY = 1e-10
#: Common tokens offered as alternatives besides the reply's own.
COMMON = ("the", "a", "and", "of", "to", "is", "in", ",", ".", "that", "it", "for")


def token_pieces(text: str) -> list[str]:
    """``text`` cut into tokens that join back to it: whitespace rides on the token before
    it (leading whitespace on the first one)."""
    pieces = _TOKEN_WITH_SPACE.findall(text)
    if pieces:
        lead = text[: len(text) - len(text.lstrip())]
        pieces[0] = lead + pieces[0]
    return pieces


def token_id(token: str) -> int:
    """A stable id for ``token``."""
    return zlib.crc32(token.encode()) % VOCABULARY


@dataclass(frozen=True)
class Step:
    """One decoding step: the chosen token and the top alternatives, most likely first."""

    token: str
    log_probability: float
    alternatives: tuple[tuple[str, float], ...]


def _entry(token: str, log_probability: float) -> dict[str, Any]:
    return {"token": token, "tokenId": token_id(token), "logProbability": log_probability}


@dataclass
class TokenLogprobs:
    """The steps of one candidate's answer text."""

    steps: list[Step] = field(default_factory=list)
    #: Alternatives per step to report (``logprobs``); 0 or None sends no topCandidates.
    top: int | None = None

    def fields(self, start: int = 0, count: int | None = None) -> dict[str, Any]:
        """``avgLogprobs`` and ``logprobsResult`` of steps ``start`` … ``start + count``
        (all from ``start`` when ``count`` is None); empty when there are none."""
        steps = self.steps[start:] if count is None else self.steps[start : start + count]
        if not steps:
            return {}
        total = sum(s.log_probability for s in steps)
        result: dict[str, Any] = {}
        if self.top:
            result["topCandidates"] = [
                {"candidates": [_entry(t, lp) for t, lp in s.alternatives[: self.top]]}
                for s in steps
            ]
        result["chosenCandidates"] = [_entry(s.token, s.log_probability) for s in steps]
        result["logProbabilitySum"] = total
        return {"avgLogprobs": total / len(steps), "logprobsResult": result}


def _split(mass: float, n: int, rng: random.Random) -> list[float]:
    """``n`` decreasing shares of ``mass`` that leave some of it unassigned."""
    shares, left = [], mass
    for _ in range(n):
        share = left * rng.uniform(0.35, 0.6)
        shares.append(share)
        left -= share
    return shares


def _step(token: str, temperature: float, pool: list[str], rng: random.Random) -> Step:
    bare = token.strip()
    space = token[len(token.rstrip()) :]
    others = [t for t in pool if t != bare]
    # Alternatives are spelt like the chosen token: the same whitespace after them.
    names = [t + space for t in rng.sample(others, min(MAX_LOGPROBS, len(others)))]
    if names and rng.random() < STRAY_PER_DEGREE * temperature:
        # A less likely token was drawn: one or two alternatives rank above it.
        chosen = rng.uniform(0.04, 0.3)
        above = [rng.uniform(chosen + 0.05, (1.0 - chosen) * 0.9)]
        left = 1.0 - chosen - above[0]
        if len(names) > 1 and rng.random() < 0.4 and left * 0.9 > chosen + 0.01:
            above.append(rng.uniform(chosen + 0.005, min(above[0], left * 0.9)))
        below = _split(1.0 - chosen - sum(above), len(names) - len(above), rng)
        probs = [*above, chosen, *[min(p, chosen * 0.99) for p in below]]
        tokens = [*names[: len(above)], token, *names[len(above) :]]
    else:
        # The most likely token: usually near certain, sometimes contested.
        chosen = min(1.0, 1.0 - rng.random() ** 6 * 0.55)
        below = _split(1.0 - chosen, len(names), rng)
        probs = [chosen, *[min(p, chosen * 0.99) for p in below]]
        tokens = [token, *names]
    logs = [math.log(max(p, MIN_PROBABILITY)) for p in probs]
    ranked = sorted(zip(tokens, logs, strict=True), key=lambda a: -a[1])
    return Step(token, math.log(max(chosen, MIN_PROBABILITY)), tuple(ranked))


def token_logprobs(
    text: str, temperature: float, top: int | None, rng: random.Random
) -> TokenLogprobs:
    """The steps of ``text`` sampled at ``temperature`` (already the effective one)."""
    pieces = token_pieces(text)
    pool = list(dict.fromkeys([*COMMON, *(p.strip() for p in pieces)]))
    return TokenLogprobs([_step(p, temperature, pool, rng) for p in pieces], top)

"""StreamRun.progress(): the live figures in constant time agree with a full merge."""

from __future__ import annotations

from playground.gemini import Gemini, RetryPolicy, build_request
from playground.settings import GenerationSettings
from tests.integration.conftest import sdk_client


def test_live_progress_matches_the_merged_snapshot_at_every_chunk(srv):
    gemini = Gemini(sdk_client(srv), RetryPolicy(attempts=1))
    settings = GenerationSettings(temperature=0, seed=7)
    run = gemini.stream(build_request(settings, "Explain how AI works, in detail", [], stream=True))
    checked = 0
    for _event in run.events():
        timing, tokens = run.progress()
        merged = run.snapshot()
        assert tokens == merged.usage.output_tokens
        assert timing.chunks == merged.timing.chunks
        assert timing.first_token_s == merged.timing.first_token_s
        if merged.timing.tokens_per_s is not None:
            assert abs(timing.tokens_per_s - merged.timing.tokens_per_s) < 1e-6
        checked += 1
    assert checked > 5 and run.reply is not None

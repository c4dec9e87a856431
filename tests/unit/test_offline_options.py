"""Server options: keyword arguments beat GEMINI_OFFLINE_* env vars, which beat defaults."""

from __future__ import annotations

import pytest

from gemini_offline.options import ServerOptions


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CHUNK_WORDS",
        "CHUNK_DELAY_MS",
        "LATENCY_MS",
        "TIMEOUT_SLEEP_S",
        "RETRY_DELAY_S",
        "CONNECTION_TIMEOUT_S",
    ):
        monkeypatch.delenv(f"GEMINI_OFFLINE_{name}", raising=False)

    assert ServerOptions.resolve() == ServerOptions(3, 80, 0, 600, 1, 60)
    # The [[fault:timeout]] stall outlasts the app's default 120 s request timeout.
    assert ServerOptions.resolve().timeout_sleep_s > 120


def test_env_then_kwargs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_OFFLINE_CHUNK_WORDS", "7")
    monkeypatch.setenv("GEMINI_OFFLINE_LATENCY_MS", "250")

    options = ServerOptions.resolve(latency_ms=5)

    assert options.chunk_words == 7 and isinstance(options.chunk_words, int)
    assert options.latency_ms == 5


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_OFFLINE_CHUNK_DELAY_MS", "fast")
    with pytest.raises(ValueError, match="GEMINI_OFFLINE_CHUNK_DELAY_MS"):
        ServerOptions.resolve()
    with pytest.raises(ValueError, match="latency_ms"):
        ServerOptions.resolve(chunk_delay_ms=0, latency_ms=-1)


def test_the_default_pacing_streams_a_long_answer_for_several_seconds(monkeypatch) -> None:
    """Demo pacing by default: an ordinary answer takes seconds, a long essay many."""
    import itertools

    from gemini_offline.keys import normalize
    from gemini_offline.models import find_model
    from gemini_offline.request import parse_generate_request
    from gemini_offline.responses import plan_reply

    for name in ("CHUNK_WORDS", "CHUNK_DELAY_MS"):
        monkeypatch.delenv(f"GEMINI_OFFLINE_{name}", raising=False)
    options = ServerOptions.resolve()

    def streamed_seconds(prompt: str) -> float:
        body = {"contents": [{"role": "user", "parts": [{"text": prompt}]}]}
        req = parse_generate_request(normalize(body), find_model("gemini-2.5-flash"))
        events = plan_reply(req, itertools.count(1).__next__).events(options.chunk_words)
        return (len(events) - 1) * options.chunk_delay_ms / 1000

    assert streamed_seconds("Explain how rainbows form") >= 2.5
    # About a real model's visible pace: a 600-word essay streams for 10-30 s.
    words_per_second = options.chunk_words / (options.chunk_delay_ms / 1000)
    assert 20 <= words_per_second <= 60

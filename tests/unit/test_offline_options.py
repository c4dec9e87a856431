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

    assert ServerOptions.resolve() == ServerOptions(3, 40, 0, 600, 1, 60)
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

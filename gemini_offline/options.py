"""Server tunables (stream pacing, simulated latency, fault timings) and their env defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

#: Environment variable and default for each option.
ENV_DEFAULTS: dict[str, tuple[str, float]] = {
    "chunk_words": ("GEMINI_OFFLINE_CHUNK_WORDS", 3),
    "chunk_delay_ms": ("GEMINI_OFFLINE_CHUNK_DELAY_MS", 40),
    "latency_ms": ("GEMINI_OFFLINE_LATENCY_MS", 0),
    "timeout_sleep_s": ("GEMINI_OFFLINE_TIMEOUT_SLEEP_S", 30),
    "retry_delay_s": ("GEMINI_OFFLINE_RETRY_DELAY_S", 1),
}


@dataclass
class ServerOptions:
    """Mutable at run time: a test may change ``srv.options.chunk_delay_ms`` between calls."""

    #: Words per streamed text chunk.
    chunk_words: int = 3
    #: Pause between streamed events.
    chunk_delay_ms: float = 40
    #: Pause before every generateContent / streamGenerateContent reply.
    latency_ms: float = 0
    #: How long ``[[fault:timeout]]`` stalls before answering.
    timeout_sleep_s: float = 30
    #: The ``RetryInfo.retryDelay`` of ``[[fault:429]]`` errors.
    retry_delay_s: float = 1

    @classmethod
    def resolve(cls, **overrides: float | None) -> ServerOptions:
        """Options from keyword arguments, else ``GEMINI_OFFLINE_*`` env vars, else defaults."""
        values: dict[str, float] = {}
        for f in fields(cls):
            env_name, default = ENV_DEFAULTS[f.name]
            value = overrides.get(f.name)
            if value is None:
                raw = os.environ.get(env_name, "").strip()
                try:
                    value = float(raw) if raw else default
                except ValueError:
                    raise ValueError(f"{env_name} must be a number, got {raw!r}") from None
            if value < 0:
                raise ValueError(f"{f.name} must not be negative, got {value}")
            values[f.name] = value
        values["chunk_words"] = max(1, int(values["chunk_words"]))
        return cls(**values)  # type: ignore[arg-type]

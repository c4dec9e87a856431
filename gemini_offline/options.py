"""Server tunables (stream pacing, simulated latency, fault timings) and their env defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

#: Environment variable and default for each option.
ENV_DEFAULTS: dict[str, tuple[str, float]] = {
    "chunk_words": ("GEMINI_OFFLINE_CHUNK_WORDS", 3),
    "chunk_delay_ms": ("GEMINI_OFFLINE_CHUNK_DELAY_MS", 80),
    "latency_ms": ("GEMINI_OFFLINE_LATENCY_MS", 0),
    "timeout_sleep_s": ("GEMINI_OFFLINE_TIMEOUT_SLEEP_S", 600),
    "retry_delay_s": ("GEMINI_OFFLINE_RETRY_DELAY_S", 1),
    "connection_timeout_s": ("GEMINI_OFFLINE_CONNECTION_TIMEOUT_S", 60),
}


@dataclass
class ServerOptions:
    """Mutable at run time: a test may change ``srv.options.chunk_delay_ms`` between calls."""

    #: Words per streamed text chunk.
    chunk_words: int = 3
    #: Pause between streamed events. The default paces a demo like a real model: about
    #: 37 words a second, so a typical answer streams for a few seconds and a long essay
    #: for many (Stop can be shown by hand). Test suites set their own (0 or 60).
    chunk_delay_ms: float = 80
    #: Pause before every generateContent / streamGenerateContent reply.
    latency_ms: float = 0
    #: The upper bound of a ``[[fault:timeout]]`` stall: the server holds the request until
    #: the client hangs up (its own timeout) or this many seconds pass, then answers. The
    #: default outlasts any sensible client timeout (the app's is 120 s).
    timeout_sleep_s: float = 600
    #: The ``RetryInfo.retryDelay`` of ``[[fault:429]]`` errors.
    retry_delay_s: float = 1
    #: A connection that sends nothing for this long — a half-sent request, or an idle
    #: keep-alive between requests — is closed (0: never). Read when a connection opens.
    connection_timeout_s: float = 60

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
        words = max(1, int(values.pop("chunk_words")))
        return cls(chunk_words=words, **values)

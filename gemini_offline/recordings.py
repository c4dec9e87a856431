"""Record and replay demos: the public API.

Record (with a real key, or in front of any Gemini-compatible server)::

    from gemini_offline.recordings import RecordingProxy
    proxy = RecordingProxy("demo-rec", upstream="https://generativelanguage.googleapis.com")
    proxy.start()            # listening on loopback; proxy.url is the SDK's base_url
    client = genai.Client(api_key=key, http_options=types.HttpOptions(base_url=proxy.url))
    ...                      # every exchange is written to demo-rec/ as it completes
    proxy.stop()

Replay (no network, no key; the SDK still wants some ``api_key``, any string will do)::

    from gemini_offline.recordings import ReplayServer
    with ReplayServer("demo-rec", speed=1.0) as replay:   # speed 4: 4x faster, 0: no delays
        client = genai.Client(api_key="replay", http_options=types.HttpOptions(base_url=replay.url))

The same from the command line::

    GEMINI_API_KEY=… python -m gemini_offline --record demo-rec --upstream URL [--port 8766]
    python -m gemini_offline --replay demo-rec [--speed 4] [--port 8765]

:class:`RecordingProxy` ``(directory, upstream=DEFAULT_UPSTREAM, *, host="127.0.0.1",
port=0, api_key=None, timeout_s=600.0)`` — attributes ``url``, ``port``, ``directory``,
``upstream``, ``recorded``; ``start()`` (returns the proxy), ``stop()``, context manager.
Forwards everything (generateContent, streamGenerateContent with and without ``alt=sse``,
countTokens, models.list/get, image models, uploads — whose ``x-goog-upload-url`` is
rewritten to the proxy) and returns upstream's answers unchanged. The key is the
client's, else ``api_key``, else ``GOOGLE_API_KEY``/``GEMINI_API_KEY``; it is never
written to disk.

:class:`ReplayServer` ``(directory, speed=1.0, *, host="127.0.0.1", port=0)`` —
attributes ``url``, ``port``, ``directory``, ``speed``, ``exchanges``, ``misses``;
``start()``, ``stop()``, ``rewind()``, context manager. A request recorded several times
gets its answers in recorded order, then the last one again; an unrecorded one gets a
404 ``NOT_FOUND`` envelope naming the model, action, prompt preview and folder.

The folder format (versioned, one readable JSON file per exchange) is described in
:mod:`gemini_offline.recording_format`; :func:`load_exchanges` reads it.
"""

from __future__ import annotations

from .proxy import DEFAULT_UPSTREAM, RecordingProxy
from .recording_format import (
    FORMAT,
    VERSION,
    Exchange,
    RecordingError,
    canonical_request,
    load_exchanges,
    request_hash,
)
from .recording_replay import ReplayServer

__all__ = [
    "DEFAULT_UPSTREAM",
    "FORMAT",
    "VERSION",
    "Exchange",
    "RecordingError",
    "RecordingProxy",
    "ReplayServer",
    "canonical_request",
    "load_exchanges",
    "request_hash",
]

"""Per-caller state: every counter that makes one reply differ from the next.

The ``[[fault:CODExN]]`` counters and the per-call variation counter (temperature > 0
without a seed, image drawing seeds) are kept per *caller*, so one visitor's retries and
samples never depend on another visitor's traffic. A caller is the SHA-256 of the
credential it sent (``x-goog-api-key`` header, ``key=`` query parameter or bearer token);
requests with none share the anonymous bucket. The credential itself is never stored.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import OrderedDict

from .faults import FaultCounter

#: The bucket of requests that carry no credential at all.
ANONYMOUS = "anonymous"
#: How many callers are remembered; the least recently seen is forgotten beyond this.
MAX_CALLERS = 4096


def caller_id(credential: str | None) -> str:
    """A one-way id for a credential: its full SHA-256, or :data:`ANONYMOUS`."""
    if not credential:
        return ANONYMOUS
    return hashlib.sha256(credential.encode()).hexdigest()


class CallerState:
    """The mutable state of one caller."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self.faults = FaultCounter()

    def next_count(self) -> int:
        """This caller's call counter (1, 2, 3, …) for replies that vary between calls."""
        with self._lock:
            return next(self._counter)


class Callers:
    """Thread-safe map of caller id -> :class:`CallerState`, bounded (LRU)."""

    def __init__(self, limit: int = MAX_CALLERS) -> None:
        self._lock = threading.Lock()
        self._states: OrderedDict[str, CallerState] = OrderedDict()
        self._limit = max(1, limit)

    def get(self, credential: str | None) -> CallerState:
        """The state for the caller presenting ``credential`` (created on first use)."""
        ident = caller_id(credential)
        with self._lock:
            state = self._states.get(ident)
            if state is None:
                state = self._states[ident] = CallerState()
                while len(self._states) > self._limit:
                    self._states.popitem(last=False)
            else:
                self._states.move_to_end(ident)
            return state

    def __len__(self) -> int:
        with self._lock:
            return len(self._states)

    def clear(self) -> None:
        """Forget every caller (counters start again from 1)."""
        with self._lock:
            self._states.clear()

"""Blocking work in a worker thread, watched from the script that started it.

A Streamlit script blocked inside an HTTP call cannot draw (no elapsed time) and cannot be
interrupted: a click on Cancel or Stop only takes effect at the script's next Streamlit
call. `Background` moves the call to a daemon thread; the script iterates `watch()`, which
yields what the work emits (stream events, finished calls, retry notices) and a `Tick`
after every `tick_s` of quiet, so the script draws elapsed time and Streamlit can interrupt
it at once. When the watcher goes away early (interrupted, or it stops iterating), the work
is abandoned: its next `emit` raises `Abandoned`, and whatever it returns is dropped. The
worker never touches Streamlit.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

Emit = Callable[[Any], None]


class Abandoned(Exception):
    """Raised inside the work by `emit` once nobody is watching any more."""


@dataclass(frozen=True)
class Tick:
    """Nothing arrived for a while; the work has been running for `elapsed_s`."""

    elapsed_s: float


@dataclass(frozen=True)
class _Done:
    value: Any = None
    error: BaseException | None = None


class Background(Generic[T]):
    """Run `work(emit)` in a daemon thread at once; iterate `watch()`, then `result()`."""

    def __init__(self, work: Callable[[Emit], T], *, tick_s: float = 0.1) -> None:
        self._work = work
        self._tick_s = tick_s
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._abandoned = threading.Event()
        self._done: _Done | None = None
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="playground-call", daemon=True)
        self._thread.start()

    def _emit(self, item: Any) -> None:
        if self._abandoned.is_set():
            raise Abandoned
        self._queue.put(item)

    def _run(self) -> None:
        try:
            outcome = _Done(value=self._work(self._emit))
        except BaseException as exc:  # handed to the watcher, which re-raises it
            outcome = _Done(error=exc)
        self._queue.put(outcome)

    def elapsed_s(self) -> float:
        return time.perf_counter() - self._started

    @property
    def abandoned(self) -> bool:
        return self._abandoned.is_set()

    def abandon(self) -> None:
        """Stop watching: the work's next `emit` raises, its result is dropped."""
        if self._done is None:
            self._abandoned.set()

    def watch(self, *, abandon_on_close: bool = True) -> Iterator[Any]:
        """What the work emits, in order, and a Tick after each `tick_s` of quiet; ends when
        the work is done. Closing the iterator early abandons the work, unless
        `abandon_on_close` is False: then the work goes on and a later `watch()` resumes
        with what it emitted meanwhile."""
        try:
            while self._done is None:
                try:
                    item = self._queue.get(timeout=self._tick_s)
                except queue.Empty:
                    yield Tick(self.elapsed_s())
                    continue
                if isinstance(item, _Done):
                    self._done = item
                else:
                    yield item
        finally:
            if abandon_on_close:
                self.abandon()

    def result(self) -> T:
        """The work's return value, or its exception raised here (after `watch()` ended)."""
        if self._done is None:
            for _ in self.watch():
                pass
        assert self._done is not None
        if self._done.error is not None:
            raise self._done.error
        return self._done.value

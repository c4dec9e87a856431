"""Wait for Gemini with the elapsed time on screen and a Cancel button.

The call runs in a `Background` worker; this script watches it, so the clock moves and a
click on Cancel (or any other widget) interrupts the wait at once. Cancel's callback leaves
a `Cancelled` message in the page's error key; the abandoned call's answer is dropped.
Retry notices from the worker become toasts here, in the script's own thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from components.errors import retry_toast
from playground.background import Background, Emit, Tick
from playground.errors import PlaygroundError, cancelled
from playground.gemini import RetryCallback

T = TypeVar("T")


@dataclass(frozen=True)
class RetryNotice:
    """A 429/503 is being retried (emitted by the worker, shown by the script)."""

    attempt: int
    wait_s: float
    error: PlaygroundError


def retry_notices(emit: Emit) -> RetryCallback:
    """An `on_retry` callback for work in the background: it hands notices to the script."""
    return lambda attempt, wait, error: emit(RetryNotice(attempt, wait, error))


def _cancel(error_key: str, started: float, what: str) -> None:
    st.session_state[error_key] = cancelled(time.perf_counter() - started, what)


def show_retry(item: Any) -> bool:
    """Toast a RetryNotice; True when `item` was one."""
    if isinstance(item, RetryNotice):
        retry_toast(item.attempt, item.wait_s, item.error)
        return True
    return False


def wait_for(
    work: Callable[[Emit], T],
    *,
    key: str,
    error_key: str,
    label: str = "Calling Gemini…",
    what: str = "run",
    on_item: Callable[[Any], None] | None = None,
) -> T:
    """Run `work(emit)` in the background with a clock and Cancel; return its result.

    Items the work emits go to `on_item` (RetryNotices become toasts). The work's own
    exception (e.g. a PlaygroundError) is raised here.
    """
    started = time.perf_counter()
    box = st.empty()
    with box.container():
        clock_col, cancel_col = st.columns([5, 1], vertical_alignment="center")
        clock = clock_col.empty()
        cancel_col.button(
            "Cancel",
            key=f"{key}.cancel",
            icon=":material/cancel:",
            on_click=_cancel,
            args=(error_key, started, what),
        )
    job = Background(work)
    try:
        for item in job.watch():
            if isinstance(item, Tick):
                clock.caption(f":material/hourglass_top: {label} {item.elapsed_s:.1f} s")
            elif not show_retry(item) and on_item is not None:
                on_item(item)
    finally:
        job.abandon()
    box.empty()
    return job.result()

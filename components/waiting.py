"""Wait for Gemini with the elapsed time on screen and a Cancel button.

The call runs in a `Background` worker; this script watches it, so the clock moves and a
click on Cancel interrupts the wait at once: Cancel's callback abandons the call and leaves
a `Cancelled` message in the page's error key. Any other widget also interrupts the script
(Streamlit reruns), but then the call goes on: it is parked in session state and the next
run resumes watching it (`resume`) and delivers its answer, so touching a slider while a
reply is on its way loses nothing. Retry notices from the worker become toasts here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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


@dataclass
class Pending(Generic[T]):
    """A call in flight, and what to do with its answer when it comes."""

    job: Background[T]
    finish: Callable[[T], Any] | None
    label: str
    what: str
    error_key: str


def retry_notices(emit: Emit) -> RetryCallback:
    """An `on_retry` callback for work in the background: it hands notices to the script."""
    return lambda attempt, wait, error: emit(RetryNotice(attempt, wait, error))


def show_retry(item: Any) -> bool:
    """Toast a RetryNotice; True when `item` was one."""
    if isinstance(item, RetryNotice):
        retry_toast(item.attempt, item.wait_s, item.error)
        return True
    return False


def _pending_key(key: str) -> str:
    return f"{key}.pending"


def _cancel(key: str) -> None:
    pending: Pending | None = st.session_state.pop(_pending_key(key), None)
    if pending is not None:
        pending.job.abandon()
        st.session_state[pending.error_key] = cancelled(pending.job.elapsed_s(), pending.what)


def _watch(pending: Pending[T], key: str, on_item: Callable[[Any], None] | None) -> T:
    box = st.empty()
    with box.container():
        clock_col, cancel_col = st.columns([5, 1], vertical_alignment="center")
        clock = clock_col.empty()
        cancel_col.button(
            "Cancel", key=f"{key}.cancel", icon=":material/cancel:", on_click=_cancel, args=(key,)
        )
    for item in pending.job.watch(abandon_on_close=False):
        if isinstance(item, Tick):
            clock.caption(f":material/hourglass_top: {pending.label} {item.elapsed_s:.1f} s")
        elif not show_retry(item) and on_item is not None:
            on_item(item)
    st.session_state.pop(_pending_key(key), None)
    box.empty()
    value = pending.job.result()
    if pending.finish is not None:
        pending.finish(value)
    return value


def wait_for(
    work: Callable[[Emit], T],
    *,
    key: str,
    error_key: str,
    label: str = "Calling Gemini…",
    what: str = "run",
    on_item: Callable[[Any], None] | None = None,
    finish: Callable[[T], Any] | None = None,
) -> T:
    """Run `work(emit)` in the background with a clock and Cancel; return its result.

    `finish(result)` stores the answer (it also runs when a later run resumes the call).
    Items the work emits go to `on_item` (RetryNotices become toasts). The work's own
    exception (e.g. a PlaygroundError) is raised here.
    """
    pending: Pending[T] = Pending(Background(work), finish, label, what, error_key)
    st.session_state[_pending_key(key)] = pending
    return _watch(pending, key, on_item)


def resume(key: str) -> None:
    """Watch a call an earlier run left in flight (another widget interrupted it) and
    deliver its answer through its `finish`; its error goes to its page's error key."""
    pending: Pending | None = st.session_state.get(_pending_key(key))
    if pending is None:
        return
    try:
        _watch(pending, key, None)
    except PlaygroundError as error:
        st.session_state[pending.error_key] = error

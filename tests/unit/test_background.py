"""Background: blocking work in a worker thread, watched (and abandoned) by the script."""

from __future__ import annotations

import threading
import time

import pytest

from playground.background import Abandoned, Background, Tick


def test_items_arrive_in_order_then_the_result():
    job = Background(lambda emit: [emit(n) for n in range(5)] and "done", tick_s=0.05)
    items = [item for item in job.watch() if not isinstance(item, Tick)]
    assert items == [0, 1, 2, 3, 4]
    assert job.result() == "done"


def test_quiet_work_yields_ticks_with_a_growing_clock():
    release = threading.Event()
    job = Background(lambda emit: release.wait(5), tick_s=0.02)
    ticks: list[float] = []
    for item in job.watch():
        assert isinstance(item, Tick)
        ticks.append(item.elapsed_s)
        if len(ticks) == 5:
            release.set()
    assert len(ticks) >= 5
    assert ticks == sorted(ticks) and ticks[0] > 0
    assert job.result() is True


def test_the_works_exception_is_raised_by_result():
    def work(emit):
        emit("partial")
        raise ValueError("boom")

    job = Background(work, tick_s=0.05)
    assert [i for i in job.watch() if not isinstance(i, Tick)] == ["partial"]
    with pytest.raises(ValueError, match="boom"):
        job.result()


def test_a_watcher_that_goes_away_abandons_the_work():
    seen: list[int] = []
    stopped = threading.Event()

    def work(emit):
        try:
            for n in range(1000):
                emit(n)
                seen.append(n)
                time.sleep(0.005)
        except Abandoned:
            stopped.set()
            raise

    job = Background(work, tick_s=0.05)
    watch = job.watch()
    assert next(watch) == 0
    watch.close()  # what happens when Streamlit interrupts the script mid-iteration
    assert job.abandoned
    assert stopped.wait(2), "the work's next emit must raise Abandoned"
    assert len(seen) < 1000


def test_abandon_after_the_work_finished_changes_nothing():
    job = Background(lambda emit: 42, tick_s=0.05)
    assert job.result() == 42
    job.abandon()
    assert not job.abandoned
    assert job.result() == 42

"""The usage view's queries (playground.usage.read_report) on SQLite and a real PostgreSQL:
counts written by the Limiter, as the app writes them, read back per day and per visitor,
with the gauges of the limits in force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playground.limits import Limiter, Limits
from playground.usage import read_report

NOW = datetime(2026, 12, 3, 17, 20, 30, tzinfo=UTC)
ADA, BOB = "ada@example.com", "session-0123456789abcdef0123456789abcdef"


def calls(limiter: Limiter, visitor: str, when: datetime, tokens: list[int]) -> None:
    for used in tokens:
        limiter.check_and_count(visitor, when)
        limiter.add_tokens(visitor, used, when)


def test_per_day_and_per_visitor_over_fourteen_days(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=0, visitor_tokens_per_day=0))
    calls(limiter, ADA, NOW - timedelta(days=20), [999])  # before the period: not shown
    calls(limiter, ADA, NOW - timedelta(days=13), [100])  # the period's first day
    calls(limiter, BOB, NOW - timedelta(days=2), [40, 60])
    calls(limiter, ADA, NOW - timedelta(minutes=3), [300, 200])
    calls(limiter, BOB, NOW, [10])

    limits = Limits(visitor_rpm=10, visitor_tokens_per_day=1000, daily_requests=50)
    report = read_report(storage, limits, NOW)

    assert report.today == "2026-12-03"
    assert len(report.days) == 14
    assert report.days[0].day == "2026-11-20" and report.days[-1].day == "2026-12-03"
    by_day = {d.day: (d.requests, d.tokens, d.visitors) for d in report.days}
    assert by_day["2026-11-20"] == (1, 100, 1)
    assert by_day["2026-12-01"] == (2, 100, 1)
    assert by_day["2026-12-03"] == (3, 510, 2)
    assert by_day["2026-12-02"] == (0, 0, 0)  # a quiet day is a zero, not a gap
    assert report.period_requests == 6 and report.period_tokens == 710

    assert report.visitor_count == 2
    ada, bob = report.visitors  # most tokens first
    assert (ada.visitor, ada.requests, ada.tokens) == (ADA, 3, 600)
    assert (ada.requests_today, ada.tokens_today, ada.requests_this_minute) == (2, 500, 0)
    assert (bob.visitor, bob.requests, bob.tokens, bob.last_day) == (BOB, 3, 110, "2026-12-03")
    assert (bob.requests_today, bob.tokens_today, bob.requests_this_minute) == (1, 10, 1)

    rpm, tokens_day, requests_day, tokens_total = report.gauges
    assert rpm.text == f"1 of 10 this minute (busiest visitor: {BOB})"
    assert rpm.resets == "resets at 17:21 UTC"
    assert tokens_day.text == f"500 of 1,000 today (busiest visitor: {ADA})"
    assert tokens_day.fraction == 0.5
    assert requests_day.text == "3 of 50 today"
    assert tokens_total.text == "510 today, no limit" and tokens_total.fraction is None


def test_an_empty_database_reads_as_zeros(storage):
    report = read_report(storage, Limits(), NOW)
    assert [d.requests for d in report.days] == [0] * 14
    assert report.visitors == () and report.visitor_count == 0
    assert report.gauges[0].text == "0 of 10 this minute"

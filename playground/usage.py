"""The deployer's usage view: requests and tokens per day and per visitor, and how close each
limit is, read from the counters the limits keep (`usage_counters`, see
`playground.limits`).

The counters hold, per visitor (an email or a salted session hash, never an IP or a key;
"*" for the whole deployment), one row per UTC day and one for the visitor's latest UTC
minute. They are written only for calls on the deployment's own key in the modes that
limit it (`signed-in`, `open`). `read_report` asks a handful of indexed queries;
`build_report` (pure) turns their answers into what the page draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from playground.limits import (
    DAILY_REQUESTS,
    DAILY_TOKENS,
    VISITOR_RPM,
    VISITOR_TOKENS_PER_DAY,
    Limits,
    day_key,
    minute_key,
)

if TYPE_CHECKING:
    from playground.storage.store import Storage

DAYS = 14  # how many UTC days the view covers, today included
MAX_VISITORS = 100  # visitors listed (those with the most tokens in the period)


@dataclass(frozen=True)
class DayUsage:
    """The whole deployment's requests and tokens on one UTC day."""

    day: str  # "2026-12-03"
    requests: int
    tokens: int
    visitors: int


@dataclass(frozen=True)
class VisitorUsage:
    """One visitor's requests and tokens: today, in the current minute, over the period."""

    visitor: str
    requests_today: int
    tokens_today: int
    requests_this_minute: int
    requests: int  # over the period
    tokens: int
    last_day: str  # the last UTC day with a call


@dataclass(frozen=True)
class Gauge:
    """One limit and how much of it is used now."""

    label: str
    setting: str  # the environment variable that sets it
    used: int
    allowed: int  # 0: no limit
    period: str  # "this minute" or "today"
    resets: str  # when the period ends, in words
    who: str | None = None  # for a per-visitor limit: the visitor closest to it

    @property
    def fraction(self) -> float | None:
        """Used over allowed, within 0..1; None without a limit."""
        if self.allowed <= 0:
            return None
        return min(1.0, self.used / self.allowed)

    @property
    def text(self) -> str:
        """E.g. "7 of 10 this minute (busiest visitor: ada@example.com)"."""
        if self.allowed > 0:
            line = f"{self.used:,} of {self.allowed:,} {self.period}"
        else:
            line = f"{self.used:,} {self.period}, no limit"
        if self.who:
            line += f" (busiest visitor: {self.who})"
        return line


@dataclass(frozen=True)
class UsageReport:
    """What the usage view shows."""

    today: str
    minute: str
    days: tuple[DayUsage, ...]  # oldest first, every day of the period (zeros included)
    visitors: tuple[VisitorUsage, ...]  # most tokens in the period first, at most MAX_VISITORS
    visitor_count: int  # distinct visitors in the period
    gauges: tuple[Gauge, ...]  # empty when the limits could not be read

    @property
    def today_usage(self) -> DayUsage:
        return self.days[-1]

    @property
    def period_requests(self) -> int:
        return sum(day.requests for day in self.days)

    @property
    def period_tokens(self) -> int:
        return sum(day.tokens for day in self.days)


@dataclass(frozen=True)
class Counts:
    """What `read_report` asks the database, as plain values (so `build_report` is pure)."""

    deployment_days: Mapping[str, tuple[int, int]]  # day -> (requests, tokens)
    visitors_per_day: Mapping[str, int]
    visitor_totals: tuple[tuple[str, int, int, str], ...]  # (visitor, requests, tokens, last)
    visitor_count: int
    visitor_today: Mapping[str, tuple[int, int]]  # visitor -> (requests, tokens) today
    visitor_minute: Mapping[str, int]  # visitor -> requests this minute
    busiest_minute: tuple[str, int] | None  # the visitor with most requests this minute
    busiest_day: tuple[str, int] | None  # the visitor with most tokens today


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def period_days(now: datetime, days: int = DAYS) -> list[str]:
    """The UTC days of the period ending today, oldest first."""
    now = _utc(now)
    return [day_key(now - timedelta(days=back)) for back in range(days - 1, -1, -1)]


def gauges(limits: Limits, counts: Counts, now: datetime) -> tuple[Gauge, ...]:
    """The four limits and how close each is now."""
    now = _utc(now)
    next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    minute_resets = f"resets at {next_minute:%H:%M} UTC"
    day_resets = "resets at midnight UTC"
    requests_today, tokens_today = counts.deployment_days.get(day_key(now), (0, 0))
    minute_who, minute_used = counts.busiest_minute or (None, 0)
    day_who, day_used = counts.busiest_day or (None, 0)
    return (
        Gauge(
            "Requests a minute, per visitor",
            VISITOR_RPM,
            minute_used,
            limits.visitor_rpm,
            "this minute",
            minute_resets,
            minute_who if minute_used else None,
        ),
        Gauge(
            "Tokens a day, per visitor",
            VISITOR_TOKENS_PER_DAY,
            day_used,
            limits.visitor_tokens_per_day,
            "today",
            day_resets,
            day_who if day_used else None,
        ),
        Gauge(
            "Requests a day, whole deployment",
            DAILY_REQUESTS,
            requests_today,
            limits.daily_requests,
            "today",
            day_resets,
        ),
        Gauge(
            "Tokens a day, whole deployment",
            DAILY_TOKENS,
            tokens_today,
            limits.daily_tokens,
            "today",
            day_resets,
        ),
    )


def build_report(
    counts: Counts, limits: Limits | None, now: datetime | None = None, days: int = DAYS
) -> UsageReport:
    """The report from the database's answers: every day of the period (a day without
    calls is a zero, not a gap), the visitors, and the gauges (none when `limits` is None,
    i.e. they could not be read)."""
    now = _utc(now)
    today = day_key(now)
    day_rows = tuple(
        DayUsage(
            day,
            *counts.deployment_days.get(day, (0, 0)),
            counts.visitors_per_day.get(day, 0),
        )
        for day in period_days(now, days)
    )
    visitors = tuple(
        VisitorUsage(
            visitor,
            *counts.visitor_today.get(visitor, (0, 0)),
            counts.visitor_minute.get(visitor, 0),
            requests,
            tokens,
            last_day,
        )
        for visitor, requests, tokens, last_day in counts.visitor_totals
    )
    return UsageReport(
        today,
        minute_key(now),
        day_rows,
        visitors,
        counts.visitor_count,
        gauges(limits, counts, now) if limits is not None else (),
    )


def _pairs(rows: Iterable[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
    return {str(key): (int(requests), int(tokens)) for key, requests, tokens in rows}


def read_counts(
    storage: Storage, now: datetime | None = None, days: int = DAYS, top: int = MAX_VISITORS
) -> Counts:
    """Ask the counters what the report needs (all on the (kind, period) index or the
    primary key; at most `top` visitors are read in detail)."""
    from sqlalchemy import func, select

    from playground.storage.store import DEPLOYMENT
    from playground.storage.tables import usage_counters as table

    now = _utc(now)
    today, minute = day_key(now), minute_key(now)
    first = period_days(now, days)[0]
    in_period = (table.c.kind == "day", table.c.period >= first, table.c.period <= today)
    visitor = table.c.visitor != DEPLOYMENT
    with storage.engine.connect() as db:
        deployment_days = _pairs(
            db.execute(
                select(table.c.period, table.c.requests, table.c.tokens).where(
                    *in_period, table.c.visitor == DEPLOYMENT
                )
            )
        )
        visitors_per_day = {
            str(day): int(n)
            for day, n in db.execute(
                select(table.c.period, func.count())
                .where(*in_period, visitor)
                .group_by(table.c.period)
            )
        }
        tokens_sum = func.sum(table.c.tokens)
        totals = tuple(
            (str(who), int(requests or 0), int(tokens or 0), str(last))
            for who, requests, tokens, last in db.execute(
                select(
                    table.c.visitor,
                    func.sum(table.c.requests),
                    tokens_sum,
                    func.max(table.c.period),
                )
                .where(*in_period, visitor)
                .group_by(table.c.visitor)
                .order_by(tokens_sum.desc(), table.c.visitor)
                .limit(top)
            )
        )
        visitor_count = int(
            db.execute(
                select(func.count(func.distinct(table.c.visitor))).where(*in_period, visitor)
            ).scalar_one()
        )
        listed = [who for who, *_ in totals]
        visitor_today = _pairs(
            db.execute(
                select(table.c.visitor, table.c.requests, table.c.tokens).where(
                    table.c.kind == "day", table.c.period == today, table.c.visitor.in_(listed)
                )
            )
        )
        this_minute = (table.c.kind == "minute", table.c.period == minute, visitor)
        visitor_minute = {
            str(who): int(n)
            for who, n in db.execute(
                select(table.c.visitor, table.c.requests).where(
                    *this_minute, table.c.visitor.in_(listed)
                )
            )
        }
        busiest_minute = db.execute(
            select(table.c.visitor, table.c.requests)
            .where(*this_minute)
            .order_by(table.c.requests.desc(), table.c.visitor)
            .limit(1)
        ).first()
        busiest_day = db.execute(
            select(table.c.visitor, table.c.tokens)
            .where(table.c.kind == "day", table.c.period == today, visitor)
            .order_by(table.c.tokens.desc(), table.c.visitor)
            .limit(1)
        ).first()
    return Counts(
        deployment_days,
        visitors_per_day,
        totals,
        visitor_count,
        visitor_today,
        visitor_minute,
        (str(busiest_minute[0]), int(busiest_minute[1])) if busiest_minute else None,
        (str(busiest_day[0]), int(busiest_day[1])) if busiest_day else None,
    )


def read_report(
    storage: Storage, limits: Limits | None, now: datetime | None = None, days: int = DAYS
) -> UsageReport:
    """The usage report for the period ending `now` (UTC)."""
    now = _utc(now)
    return build_report(read_counts(storage, now, days), limits, now, days)

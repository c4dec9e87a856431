"""Limits on the deployment's key, counted in the database (SQLite and a real PostgreSQL):
per-visitor requests a minute and tokens a day, the deployment's daily budgets, resets at
the next UTC minute / day, 0 = no limit, and atomic counting under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy

from playground.errors import BadInput, PlaygroundError
from playground.limits import Limiter, LimitReached, Limits, read_limits
from playground.storage import Storage

NOW = datetime(2026, 12, 3, 17, 20, 5, tzinfo=UTC)
PLUS_ONE = timezone(timedelta(hours=1))


def refusal(limiter: Limiter, visitor: str, now: datetime) -> LimitReached:
    with pytest.raises(LimitReached) as caught:
        limiter.check_and_count(visitor, now)
    return caught.value


def test_requests_per_minute_per_visitor_and_the_refusal_says_which_limit_and_when(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=2))
    limiter.check_and_count("ada@example.com", NOW)
    limiter.check_and_count("ada@example.com", NOW + timedelta(seconds=30))
    refused = refusal(limiter, "ada@example.com", NOW + timedelta(seconds=40))
    assert isinstance(refused, PlaygroundError)
    assert refused.limit == "PLAYGROUND_VISITOR_RPM"
    assert refused.allowed == 2
    assert refused.resets_at == datetime(2026, 12, 3, 17, 21, tzinfo=UTC)
    assert "2 requests a minute" in refused.message
    assert "17:21 UTC" in refused.message and "in 15 s" in refused.message
    assert "paste your own Gemini API key" in refused.remedy
    assert refused.retry_after_s == pytest.approx(15)
    # another visitor has their own minute
    limiter.check_and_count("session-0123", NOW)
    # the next UTC minute starts afresh
    limiter.check_and_count("ada@example.com", datetime(2026, 12, 3, 17, 21, tzinfo=UTC))


def test_a_refused_request_is_not_counted(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=1, daily_requests=100))
    limiter.check_and_count("v", NOW)
    for _ in range(5):
        refusal(limiter, "v", NOW)
    (deployment,) = [c for c in storage.usage_counts("day") if c.visitor == "*"]
    assert deployment.requests == 1


def test_tokens_per_day_per_visitor_reset_at_midnight_utc(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=0, visitor_tokens_per_day=1000))
    limiter.check_and_count("v", NOW)
    limiter.add_tokens("v", 600, NOW)
    limiter.check_and_count("v", NOW + timedelta(minutes=1))  # 600 < 1000: still allowed
    limiter.add_tokens("v", 500, NOW + timedelta(minutes=1))
    refused = refusal(limiter, "v", NOW + timedelta(hours=1))
    assert refused.limit == "PLAYGROUND_VISITOR_TOKENS_PER_DAY"
    assert "1,000 tokens a day" in refused.message
    assert refused.resets_at == datetime(2026, 12, 4, tzinfo=UTC)
    assert "midnight UTC" in refused.message
    limiter.check_and_count("other", NOW + timedelta(hours=1))  # someone else's day
    limiter.check_and_count("v", datetime(2026, 12, 4, 0, 0, 1, tzinfo=UTC))  # next day


def test_the_deployments_daily_requests_count_every_visitor(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=0, daily_requests=3))
    for visitor in ("a", "b", "c"):
        limiter.check_and_count(visitor, NOW)
    refused = refusal(limiter, "d", NOW)
    assert refused.limit == "PLAYGROUND_DAILY_REQUESTS"
    assert "daily budget of 3 requests is spent" in refused.message
    assert refused.resets_at == datetime(2026, 12, 4, tzinfo=UTC)
    limiter.check_and_count("d", datetime(2026, 12, 4, 0, 0, tzinfo=UTC))


def test_the_deployments_daily_tokens(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=0, visitor_tokens_per_day=0, daily_tokens=100))
    limiter.check_and_count("a", NOW)
    limiter.add_tokens("a", 60, NOW)
    limiter.check_and_count("b", NOW)
    limiter.add_tokens("b", 60, NOW)
    refused = refusal(limiter, "c", NOW)
    assert refused.limit == "PLAYGROUND_DAILY_TOKENS"
    assert "daily budget of 100 tokens is spent" in refused.message


def test_zero_means_no_limit(storage):
    limiter = Limiter(
        storage,
        Limits(visitor_rpm=0, visitor_tokens_per_day=0, daily_requests=0, daily_tokens=0),
    )
    for _ in range(30):
        limiter.check_and_count("v", NOW)
        limiter.add_tokens("v", 1_000_000, NOW)
    counts = {c.visitor: c for c in storage.usage_counts("day", "2026-12-03")}
    assert counts["v"].requests == 30 and counts["v"].tokens == 30_000_000
    assert counts["*"].requests == 30 and counts["*"].tokens == 30_000_000


def test_naive_and_other_zone_times_are_read_as_utc(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=1))
    limiter.check_and_count("v", datetime(2026, 12, 3, 23, 59, 30))  # naive = UTC
    # 00:59:40 in UTC+1 is 23:59:40 UTC: the same minute, the same day
    refused = refusal(limiter, "v", datetime(2026, 12, 4, 0, 59, 40, tzinfo=PLUS_ONE))
    assert refused.resets_at == datetime(2026, 12, 4, tzinfo=UTC)


def test_old_minute_rows_of_a_visitor_are_pruned(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=5))
    for minute in range(5):
        limiter.check_and_count("v", NOW + timedelta(minutes=minute))
    assert [c.period for c in storage.usage_counts("minute")] == ["2026-12-03T17:24"]
    assert storage.usage_counts("day")[0].requests == 5


def hammer(limiter: Limiter, visitors: list[str]) -> int:
    barrier = threading.Barrier(len(visitors))
    passed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(visitor: str) -> None:
        barrier.wait()
        try:
            limiter.check_and_count(visitor, NOW)
            with lock:
                passed.append(visitor)
        except LimitReached:
            pass
        except BaseException as error:  # surfaced below, never swallowed
            errors.append(error)

    threads = [threading.Thread(target=call, args=(v,)) for v in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return len(passed)


def test_fifty_concurrent_calls_against_a_limit_of_ten_let_exactly_ten_through(database):
    storage = Storage.open(database)
    try:
        limiter = Limiter(storage, Limits(visitor_rpm=10))
        assert hammer(limiter, ["same-visitor"] * 50) == 10
        (minute,) = storage.usage_counts("minute")
        assert minute.requests == 10
    finally:
        storage.close()


def test_fifty_concurrent_visitors_against_a_daily_budget_of_ten(database):
    storage = Storage.open(database)
    try:
        limiter = Limiter(storage, Limits(visitor_rpm=0, daily_requests=10))
        assert hammer(limiter, [f"visitor-{n}" for n in range(50)]) == 10
        with storage.engine.connect() as db:
            total = db.execute(
                sqlalchemy.text(
                    "select requests from usage_counters where visitor = '*' and kind = 'day'"
                )
            ).scalar()
        assert total == 10
    finally:
        storage.close()


def test_two_storages_on_one_database_share_the_counts(database):
    """Two replicas (two engines) on one database: one daily budget."""
    first, second = Storage.open(database), Storage.open(database)
    try:
        limits = Limits(visitor_rpm=0, daily_requests=3)
        one, two = Limiter(first, limits), Limiter(second, limits)
        one.check_and_count("a", NOW)
        two.check_and_count("b", NOW)
        one.check_and_count("a", NOW)
        assert refusal(two, "b", NOW).limit == "PLAYGROUND_DAILY_REQUESTS"
    finally:
        first.close()
        second.close()


def test_limits_are_read_from_the_environment_then_the_secrets_with_defaults():
    assert read_limits({}) == Limits(10, 200_000, 0, 0)
    env = {
        "PLAYGROUND_VISITOR_RPM": "2",
        "PLAYGROUND_VISITOR_TOKENS_PER_DAY": "50_000",
        "PLAYGROUND_DAILY_REQUESTS": " 1,000 ",
    }
    secrets = {"PLAYGROUND_DAILY_TOKENS": 5_000_000, "PLAYGROUND_VISITOR_RPM": 99}
    assert read_limits(env, secrets) == Limits(2, 50_000, 1000, 5_000_000)
    assert read_limits({"PLAYGROUND_VISITOR_RPM": "0"}).visitor_rpm == 0


@pytest.mark.parametrize("value", ["ten", "-1", "2.5", "1e3"])
def test_a_bad_limit_is_a_clear_configuration_message_never_no_limit(value):
    with pytest.raises(BadInput) as caught:
        read_limits({"PLAYGROUND_DAILY_REQUESTS": value})
    assert caught.value.kind == "bad_config"
    assert "PLAYGROUND_DAILY_REQUESTS" in caught.value.message and value in caught.value.message
    assert "0 means no limit" in caught.value.remedy


def test_a_spent_daily_budget_is_named_before_a_full_minute(storage):
    limiter = Limiter(storage, Limits(visitor_rpm=2, daily_requests=2))
    limiter.check_and_count("v", NOW)
    limiter.check_and_count("v", NOW)
    # both the minute and the day are full: the day is what the visitor must hear about
    assert refusal(limiter, "v", NOW).limit == "PLAYGROUND_DAILY_REQUESTS"
    limiter = Limiter(storage, Limits(visitor_rpm=1, visitor_tokens_per_day=10))
    limiter.check_and_count("w", NOW)
    limiter.add_tokens("w", 10, NOW)
    assert refusal(limiter, "w", NOW).limit == "PLAYGROUND_VISITOR_TOKENS_PER_DAY"


def test_a_database_made_before_the_counters_gains_them_on_the_next_start(database):
    from alembic import command
    from alembic.config import Config

    from playground.storage.store import MIGRATIONS

    engine = sqlalchemy.create_engine(database)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    token = Storage(engine).save_snapshot("local", "text", {"prompt": "kept"})
    assert "usage_counters" not in sqlalchemy.inspect(engine).get_table_names()
    engine.dispose()
    storage = Storage.open(database)  # the new release starting on the old database
    try:
        assert "usage_counters" in sqlalchemy.inspect(storage.engine).get_table_names()
        with storage.engine.connect() as db:
            version = db.execute(sqlalchemy.text("select version_num from alembic_version"))
            assert version.scalar() == "0002"
        assert storage.load_snapshot(token).query == {"prompt": "kept"}
        Limiter(storage, Limits()).check_and_count("v", NOW)
        assert storage.usage_counts("day")[0].requests == 1
    finally:
        storage.close()

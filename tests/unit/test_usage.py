"""The usage view's logic (playground.usage) and the call log line (playground.gemini)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from playground.errors import ApiError
from playground.gemini import call_log_line
from playground.limits import LimitReached, Limits
from playground.reply import Candidate, Reply, ReplyPart, Timing, Usage
from playground.usage import Counts, Gauge, build_report, period_days

NOW = datetime(2026, 12, 3, 17, 20, 30, tzinfo=UTC)


def counts(**changes) -> Counts:
    values = {
        "deployment_days": {"2026-12-03": (7, 1500), "2026-11-28": (2, 80)},
        "visitors_per_day": {"2026-12-03": 2, "2026-11-28": 1},
        "visitor_totals": (("ada@example.com", 6, 1400, "2026-12-03"),),
        "visitor_count": 2,
        "visitor_today": {"ada@example.com": (4, 1320)},
        "visitor_minute": {"ada@example.com": 3},
        "busiest_minute": ("ada@example.com", 3),
        "busiest_day": ("ada@example.com", 1320),
    }
    values.update(changes)
    return Counts(**values)


def test_the_period_is_fourteen_utc_days_ending_today():
    days = period_days(NOW)
    assert len(days) == 14 and days[0] == "2026-11-20" and days[-1] == "2026-12-03"
    # a time given in another zone counts by its UTC day
    assert period_days(datetime(2026, 12, 4, 0, 30), 1) == ["2026-12-04"]


def test_the_report_has_every_day_and_the_visitors_figures():
    report = build_report(counts(), Limits(), NOW)
    assert [d.day for d in report.days] == period_days(NOW)
    assert report.today_usage.requests == 7 and report.today_usage.visitors == 2
    assert next(d for d in report.days if d.day == "2026-11-28").tokens == 80
    assert sum(d.requests for d in report.days) == report.period_requests == 9
    (ada,) = report.visitors
    assert (ada.requests_today, ada.tokens_today, ada.requests_this_minute) == (4, 1320, 3)
    assert (ada.requests, ada.tokens) == (6, 1400)


def test_gauges_say_how_close_each_limit_is():
    limits = Limits(visitor_rpm=10, visitor_tokens_per_day=2000, daily_requests=0)
    rpm, day_tokens, day_requests, all_tokens = build_report(counts(), limits, NOW).gauges
    assert rpm.setting == "PLAYGROUND_VISITOR_RPM"
    assert rpm.text == "3 of 10 this minute (busiest visitor: ada@example.com)"
    assert rpm.fraction == 0.3 and rpm.resets == "resets at 17:21 UTC"
    assert day_tokens.text == "1,320 of 2,000 today (busiest visitor: ada@example.com)"
    assert day_requests.text == "7 today, no limit" and day_requests.fraction is None
    assert all_tokens.text == "1,500 today, no limit"
    assert all_tokens.resets == "resets at midnight UTC"


def test_a_spent_limit_is_full_and_a_quiet_minute_names_nobody():
    assert Gauge("x", "X", 12, 10, "today", "").fraction == 1.0
    quiet = build_report(counts(busiest_minute=None), Limits(), NOW).gauges[0]
    assert quiet.text == "0 of 10 this minute"


def test_without_readable_limits_there_are_no_gauges():
    assert build_report(counts(), None, NOW).gauges == ()


def reply(text: str) -> Reply:
    return Reply(
        candidates=(Candidate(0, (ReplyPart("text", text),), "STOP"),),
        usage=Usage(prompt_tokens=6, output_tokens=40, thought_tokens=9, total_tokens=55),
        timing=Timing(latency_s=0.4321, attempts=2),
    )


def test_the_call_log_line_has_the_fields_and_no_text():
    line = call_log_line(
        call="generate",
        page="text",
        model="gemini-2.5-flash",
        visitor="session-abc",
        latency_s=0.4321,
        reply=reply("The secret recipe is saffron"),
    )
    record = json.loads(line)
    assert record["event"] == "gemini_call" and record["call"] == "generate"
    assert (record["page"], record["model"], record["visitor"]) == (
        "text",
        "gemini-2.5-flash",
        "session-abc",
    )
    assert record["outcome"] == "ok" and record["finish_reason"] == "STOP"
    assert record["tokens"] == {"prompt": 6, "output": 40, "thoughts": 9, "total": 55}
    assert record["latency_ms"] == 432 and record["attempts"] == 2
    assert datetime.fromisoformat(record["time"]).tzinfo is not None
    assert "saffron" not in line


def test_an_error_is_logged_by_its_kind_and_status_never_its_message():
    error = ApiError("Invalid value at 'contents' (the purple walrus)", code=400, kind="bad")
    line = call_log_line(
        call="stream", page="chat", model="m", visitor="v", latency_s=1, error=error
    )
    record = json.loads(line)
    assert (record["outcome"], record["error"], record["status"]) == ("error", "bad", 400)
    assert record["tokens"]["total"] == 0 and record["finish_reason"] is None
    assert "walrus" not in line and "Invalid value" not in line
    refused = LimitReached("You have used …", kind="limit_reached")
    record = json.loads(
        call_log_line(
            call="generate",
            page="text",
            model="m",
            visitor="v",
            latency_s=0,
            error=refused,
            outcome="refused",
        )
    )
    assert (record["outcome"], record["error"]) == ("refused", "limit_reached")

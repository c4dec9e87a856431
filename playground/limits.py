"""Limits on the deployment's own key (access modes `signed-in` and `open`).

Per visitor (a signed-in email, else a session hash — see `playground.access.visitor_id`):
`PLAYGROUND_VISITOR_RPM` requests a minute (default 10) and
`PLAYGROUND_VISITOR_TOKENS_PER_DAY` tokens a day (default 200,000). For the whole
deployment: `PLAYGROUND_DAILY_REQUESTS` and `PLAYGROUND_DAILY_TOKENS` (unset: no limit).
`0` means no limit. Minutes and days are UTC; days reset at midnight UTC.

Counters are rows in the app's database (`usage_counters`), updated atomically, so they
hold across replicas and restarts. Every call is reserved with `check_and_count` before it
is sent (a grid counts each cell); its tokens are added with `add_tokens` once it answered.
Token limits are checked against the tokens of the calls that already answered, so calls
in flight at the moment a token limit is reached may pass it by their own size.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from playground.access import setting
from playground.errors import BadInput, PlaygroundError

if TYPE_CHECKING:
    from playground.storage.store import Storage

VISITOR_RPM = "PLAYGROUND_VISITOR_RPM"
VISITOR_TOKENS_PER_DAY = "PLAYGROUND_VISITOR_TOKENS_PER_DAY"
DAILY_REQUESTS = "PLAYGROUND_DAILY_REQUESTS"
DAILY_TOKENS = "PLAYGROUND_DAILY_TOKENS"


@dataclass(frozen=True)
class Limits:
    """0 means no limit."""

    visitor_rpm: int = 10
    visitor_tokens_per_day: int = 200_000
    daily_requests: int = 0
    daily_tokens: int = 0


def _limit(
    name: str, default: int, env: Mapping[str, str] | None, secrets: Mapping[str, Any] | None
) -> int:
    raw = setting(name, env, secrets)
    if not raw:
        return default
    text = raw.replace(",", "").replace("_", "").replace(" ", "")
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise BadInput(
            f"{name} is set to “{raw[:40]}”, which is not a whole number of 0 or more.",
            f"Set {name} to a whole number (0 means no limit), or remove it "
            + (f"to use the default, {default:,}." if default else "for no limit."),
            kind="bad_config",
        )
    return value


def read_limits(
    env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
) -> Limits:
    """The limits from the environment (then secrets). A value that is not a whole number
    of 0 or more raises BadInput (kind "bad_config"): a typo must not lift a limit."""
    env = os.environ if env is None else env
    return Limits(
        visitor_rpm=_limit(VISITOR_RPM, 10, env, secrets),
        visitor_tokens_per_day=_limit(VISITOR_TOKENS_PER_DAY, 200_000, env, secrets),
        daily_requests=_limit(DAILY_REQUESTS, 0, env, secrets),
        daily_tokens=_limit(DAILY_TOKENS, 0, env, secrets),
    )


@dataclass
class LimitReached(PlaygroundError):
    """A call refused before it was sent: which limit, its value, and when it resets."""

    limit: str = ""  # the setting's name, e.g. "PLAYGROUND_VISITOR_RPM"
    allowed: int = 0
    resets_at: datetime | None = None


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def minute_key(now: datetime) -> str:
    return _utc(now).strftime("%Y-%m-%dT%H:%M")


def day_key(now: datetime) -> str:
    return _utc(now).strftime("%Y-%m-%d")


def _in(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    if seconds < 60:
        return f"{seconds} s"
    minutes = (seconds + 59) // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


_OWN_KEY = (
    "paste your own Gemini API key in the sidebar to run without this deployment's limits, "
    "or use the offline demo. Your prompt and settings are kept."
)


def limit_reached(which: str, limits: Limits, now: datetime) -> LimitReached:
    """The message for a refusal by `Storage.reserve_request`."""
    now = _utc(now)
    if which == "visitor_rpm":
        resets = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        name, allowed = VISITOR_RPM, limits.visitor_rpm
        what = f"You have used this deployment's limit of {allowed:,} requests a minute"
    else:
        resets = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        if which == "visitor_tokens_per_day":
            name, allowed = VISITOR_TOKENS_PER_DAY, limits.visitor_tokens_per_day
            what = f"You have used this deployment's limit of {allowed:,} tokens a day"
        elif which == "daily_requests":
            name, allowed = DAILY_REQUESTS, limits.daily_requests
            what = f"This deployment's daily budget of {allowed:,} requests is spent"
        elif which == "daily_tokens":
            name, allowed = DAILY_TOKENS, limits.daily_tokens
            what = f"This deployment's daily budget of {allowed:,} tokens is spent"
        else:
            raise ValueError(f"unknown limit {which!r}")
    wait = (resets - now).total_seconds()
    when = resets.strftime("%H:%M UTC")
    if which != "visitor_rpm":
        when = f"midnight UTC ({resets:%Y-%m-%d} 00:00)"
    return LimitReached(
        f"{what} ({name}); nothing was sent. It resets at {when}, in {_in(wait)}.",
        f"Wait until then, or {_OWN_KEY}",
        kind="limit_reached",
        retry_after_s=wait,
        limit=name,
        allowed=allowed,
        resets_at=resets,
    )


class Limiter:
    """The limits, counted in the app's database (thread-safe, shared by all sessions)."""

    def __init__(self, storage: Storage, limits: Limits) -> None:
        self.storage = storage
        self.limits = limits

    def check_and_count(self, visitor: str, now: datetime | None = None) -> None:
        """Reserve one request for `visitor` before a call; raise LimitReached (nothing
        counted) when a limit refuses it."""
        now = _utc(now)
        limits = self.limits
        refused = self.storage.reserve_request(
            visitor,
            minute=minute_key(now),
            day=day_key(now),
            now=now,
            visitor_rpm=limits.visitor_rpm,
            visitor_tokens_per_day=limits.visitor_tokens_per_day,
            daily_requests=limits.daily_requests,
            daily_tokens=limits.daily_tokens,
        )
        if refused is not None:
            raise limit_reached(refused, limits, now)

    def add_tokens(self, visitor: str, tokens: int | None, now: datetime | None = None) -> None:
        """Add a finished call's total tokens (prompt + output + thinking) to `visitor`'s and
        the deployment's day."""
        now = _utc(now)
        self.storage.add_usage_tokens(visitor, day=day_key(now), tokens=int(tokens or 0), now=now)

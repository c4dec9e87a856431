"""Bounded exponential backoff with full jitter that respects RetryInfo up to a cap,
exercised through the retry loop itself with the SDK's real APIError."""

from __future__ import annotations

import random

import pytest
from google import genai
from google.genai import errors

from playground.errors import PlaygroundError
from playground.gemini import Gemini, RetryPolicy
from tests.conftest import wire_json

ERROR_429 = "error_429_resource_exhausted_rpm_freetier_gemini-2.5-flash.json"  # retryDelay 15s
ERROR_503 = "error_503_unavailable_model_overloaded.json"  # no RetryInfo
ERROR_400 = "error_400_invalid_argument_api_key_invalid.json"


def top(low: float, high: float) -> float:
    return high


def bottom(low: float, high: float) -> float:
    return low


def test_backoff_ceiling_doubles_and_is_capped():
    policy = RetryPolicy(attempts=5, base_delay_s=1.0, max_delay_s=5.0, uniform=top)
    assert [policy.delay(n, None) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    floor = RetryPolicy(attempts=5, base_delay_s=1.0, max_delay_s=5.0, uniform=bottom)
    assert [floor.delay(n, None) for n in (1, 2, 3, 4)] == [0.0, 0.0, 0.0, 0.0]


def test_full_jitter_spreads_delays_within_the_ceiling():
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=10.0, uniform=random.Random(7).uniform)
    delays = [policy.delay(3, None) for _ in range(200)]
    assert all(0.0 <= d <= 4.0 for d in delays)
    assert len(set(delays)) > 150 and min(delays) < 1.0 and max(delays) > 3.0


def test_retry_info_is_a_lower_bound_capped_at_the_maximum():
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=10.0, uniform=bottom)
    assert policy.delay(1, 3.0) == 3.0  # at least what the server asked
    assert policy.delay(1, 15.0) == 10.0  # but never past the cap
    jittered = RetryPolicy(base_delay_s=8.0, max_delay_s=10.0, uniform=top)
    assert jittered.delay(1, 3.0) == 8.0  # the jitter may wait longer than asked


def test_env_overrides():
    policy = RetryPolicy.from_env(
        {
            "PLAYGROUND_RETRY_ATTEMPTS": "4",
            "PLAYGROUND_RETRY_BASE_S": "0.5",
            "PLAYGROUND_RETRY_MAX_S": "2",
        }
    )
    assert (policy.attempts, policy.base_delay_s, policy.max_delay_s) == (4, 0.5, 2.0)
    assert RetryPolicy.from_env({"PLAYGROUND_RETRY_ATTEMPTS": "x"}).attempts == 3


class Flaky:
    """A callable that raises the SDK's APIError from real error bodies, then succeeds."""

    def __init__(self, *failures: str) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            body = wire_json(self.failures.pop(0))
            raise errors.APIError(body["error"]["code"], body)
        return "answer"


@pytest.fixture
def client():
    client = genai.Client(api_key="unit-test-key")
    yield client
    client.close()


def gemini(client, policy: RetryPolicy) -> tuple[Gemini, list[float]]:
    slept: list[float] = []
    return Gemini(client, policy, sleep=slept.append), slept


@pytest.mark.parametrize("failure", [ERROR_429, ERROR_503])
def test_the_loop_retries_twice_then_succeeds_with_jittered_delays(client, failure):
    policy = RetryPolicy(
        attempts=3, base_delay_s=1.0, max_delay_s=10.0, uniform=random.Random(3).uniform
    )
    g, slept = gemini(client, policy)
    flaky = Flaky(failure, failure)
    retried: list[tuple[int, float, str]] = []
    result, attempts = g._call(flaky, lambda n, wait, err: retried.append((n, wait, err.title)))
    assert (result, attempts, flaky.calls) == ("answer", 3, 3)
    assert len(slept) == 2 and [w for _, w, _ in retried] == slept
    assert [n for n, _, _ in retried] == [1, 2]
    if failure == ERROR_429:
        # RetryInfo asked for 15 s: at least that, capped at the 10 s maximum
        assert slept == [10.0, 10.0]
        assert {t for _, _, t in retried} == {"429 RESOURCE_EXHAUSTED"}
    else:
        # no RetryInfo: full jitter under a ceiling of 1 s, then 2 s
        assert 0.0 <= slept[0] <= 1.0 and 0.0 <= slept[1] <= 2.0
        assert {t for _, _, t in retried} == {"503 UNAVAILABLE"}


def test_the_loop_gives_up_after_the_last_attempt(client):
    g, slept = gemini(client, RetryPolicy(attempts=3, base_delay_s=0.5, max_delay_s=4.0))
    flaky = Flaky(ERROR_503, ERROR_503, ERROR_503)
    with pytest.raises(PlaygroundError) as raised:
        g._call(flaky, None)
    assert flaky.calls == 3 and len(slept) == 2
    assert all(0.0 <= w <= 1.0 for w in slept)
    assert raised.value.code == 503 and "Tried 3 times" in raised.value.remedy


def test_a_400_is_not_retried(client):
    g, slept = gemini(client, RetryPolicy(attempts=3, base_delay_s=1.0))
    flaky = Flaky(ERROR_400)
    with pytest.raises(PlaygroundError) as raised:
        g._call(flaky, None)
    assert (flaky.calls, slept) == (1, [])
    assert raised.value.code == 400 and "Tried" not in raised.value.remedy
    assert "API key not valid" in str(raised.value)

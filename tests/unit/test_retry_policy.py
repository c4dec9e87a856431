"""Bounded exponential backoff that respects RetryInfo up to a cap."""

from playground.gemini import RetryPolicy


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(attempts=5, base_delay_s=1.0, max_delay_s=5.0)
    assert [policy.delay(n, None) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]


def test_retry_info_wins_but_not_past_the_cap():
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=10.0)
    assert policy.delay(1, 3.0) == 3.0
    assert policy.delay(1, 15.0) == 10.0


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

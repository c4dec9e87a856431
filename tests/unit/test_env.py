"""env_number: the one reader of numeric settings from the environment."""

import pytest

from playground.env import env_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 7.0),
        ("", 7.0),
        ("  2.5 ", 2.5),
        ("oops", 7.0),
        ("nan", 7.0),
        ("inf", 7.0),
        ("-3", 1.0),
    ],
)
def test_env_number_reads_clamps_and_falls_back(raw, expected):
    env = {} if raw is None else {"X": raw}
    assert env_number("X", 7.0, minimum=1.0, env=env) == expected

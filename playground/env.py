"""Numbers read from the environment, the one way every setting does it."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping


def env_number(
    name: str, default: float, *, minimum: float, env: Mapping[str, str] | None = None
) -> float:
    """`env[name]` as a number no smaller than `minimum`; `default` when unset or unreadable.

    A typo in a deployment's environment must not stop the app, so an unreadable value
    falls back to the default rather than raising.
    """
    env = os.environ if env is None else env
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = default
    if not math.isfinite(value):
        value = default
    return max(minimum, value)

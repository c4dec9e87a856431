"""Time one limit check (`Limiter.check_and_count`, the reservation made before every call
on the deployment's key) on SQLite and on a real PostgreSQL started for the run.

Each call reserves a request in three counters (the visitor's minute and day, the
deployment's day) in one transaction, as in the app. Visitors rotate through a pool so
rows are both new and updated, and every limit is set high enough never to refuse.
Prints one JSON line: median, p95 and mean milliseconds per call, per database.
Usage: python bench/limits_check.py [--calls N] [--visitors N] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.limits import Limiter, Limits  # noqa: E402
from playground.storage.store import Storage  # noqa: E402

LIMITS = Limits(
    visitor_rpm=1_000_000,
    visitor_tokens_per_day=10**12,
    daily_requests=10**9,
    daily_tokens=10**12,
)


def measure(url: str, calls: int, visitors: int) -> dict[str, float]:
    storage = Storage.open(url)
    try:
        limiter = Limiter(storage, LIMITS)
        start = datetime.now(UTC).replace(second=0, microsecond=0)
        for n in range(20):  # warm the pool and the statement caches
            limiter.check_and_count(f"warm-{n}", start)
        times = []
        for n in range(calls):
            now = start + timedelta(seconds=n * 0.5)  # a new minute every 120 calls
            began = time.perf_counter()
            limiter.check_and_count(f"visitor-{n % visitors}", now)
            times.append((time.perf_counter() - began) * 1000)
            if n % 10 == 0:
                limiter.add_tokens(f"visitor-{n % visitors}", 1234, now)
        times.sort()
        return {
            "median_ms": round(statistics.median(times), 3),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
            "mean_ms": round(statistics.fmean(times), 3),
            "calls": calls,
        }
    finally:
        storage.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    result: dict[str, object] = {"visitors": args.visitors, "target_ms": 5}
    with tempfile.TemporaryDirectory() as folder:
        result["sqlite"] = measure(f"sqlite:///{folder}/bench.db", args.calls, args.visitors)
    if not args.sqlite_only:
        from tests.storage.postgres import running_postgres

        with running_postgres() as url:
            result["postgresql"] = measure(url, args.calls, args.visitors)
    result["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))


if __name__ == "__main__":
    main()

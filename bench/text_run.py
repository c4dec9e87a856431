"""Time the Text page: an idle rerun, a Run against the offline server, and the raw SDK call.

Prints one JSON line: medians in milliseconds over repeated runs.
Usage: python bench/text_run.py [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from _offline import use_offline_demo

ROOT = use_offline_demo()

from google import genai  # noqa: E402
from google.genai import types  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gemini_offline import shared_server  # noqa: E402


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    repeats = parser.parse_args().repeats
    server = shared_server()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    first_run_ms = timed(at.run)
    at.text_area(key="text.prompt").input("How does AI work?").run()
    idle = [timed(at.run) for _ in range(repeats)]

    def run_prompt() -> None:
        at.button(key="text.run").click().run()

    runs = [timed(run_prompt) for _ in range(repeats)]
    assert not at.exception, at.exception
    client = genai.Client(api_key="bench", http_options=types.HttpOptions(base_url=server.url))
    sdk = [
        timed(
            lambda: client.models.generate_content(
                model="gemini-2.5-flash", contents="How does AI work?"
            )
        )
        for _ in range(repeats)
    ]
    print(
        json.dumps(
            {
                "bench": "text_run",
                "repeats": repeats,
                "first_run_ms": round(first_run_ms, 1),
                "idle_rerun_median_ms": round(statistics.median(idle), 1),
                "run_prompt_median_ms": round(statistics.median(runs), 1),
                "sdk_generate_offline_median_ms": round(statistics.median(sdk), 1),
            }
        )
    )


if __name__ == "__main__":
    main()

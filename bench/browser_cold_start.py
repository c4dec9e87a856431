"""Cold start in Chromium: launch `streamlit run app.py` → the first page rendered (its
title visible), against the one-line hello app (bench/apps/hello.py), interleaved
(app, hello, app, …). Each launch is a new process and a fresh browser context; the
browser itself is already running. Also reports the part until the server answers its
health check. The app runs in its offline demo mode (no key, no custom endpoint).

Prints one JSON line. Usage: python bench/browser_cold_start.py [--short] [--pairs N]
"""

from __future__ import annotations

import argparse
import time

from browser_common import (
    HELLO_APP,
    ROOT,
    _stop,
    chromium,
    column,
    emit,
    interleave,
    median,
    spawn_streamlit,
    streamlit_env,
    wait_healthy,
)


def cold_start(browser, script) -> dict:
    env = streamlit_env(None)
    context = browser.new_context(viewport={"width": 1400, "height": 1500})
    page = context.new_page()
    started = time.perf_counter()
    process, url = spawn_streamlit(script, env)
    try:
        wait_healthy(url, process)
        healthy = time.perf_counter()
        page.goto(url)
        page.locator('[data-testid="stMain"] h1').first.wait_for(state="visible", timeout=60_000)
        shown = time.perf_counter()
    finally:
        context.close()
        _stop(process)
    return {"healthy_ms": (healthy - started) * 1000, "done_ms": (shown - started) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true", help="1 pair after 1 warm-up (CI)")
    parser.add_argument("--pairs", type=int, default=None)
    args = parser.parse_args()
    pairs = args.pairs or (1 if args.short else 7)
    with chromium() as browser:
        apps, hellos = interleave(
            pairs,
            lambda: cold_start(browser, ROOT / "app.py"),
            lambda: cold_start(browser, HELLO_APP),
        )
    app, hello = median(column(apps, "done_ms")), median(column(hellos, "done_ms"))
    emit(
        {
            "bench": "browser_cold_start",
            "n": pairs,
            "short": args.short,
            "settings": {"app": "app.py (offline demo)", "reference": "bench/apps/hello.py"},
            "app_first_page_ms": app,
            "hello_first_page_ms": hello,
            "ratio": round(app / hello, 2),
            "app_healthy_ms": median(column(apps, "healthy_ms")),
            "hello_healthy_ms": median(column(hellos, "healthy_ms")),
        }
    )


if __name__ == "__main__":
    main()

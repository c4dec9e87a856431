"""Text page in Chromium against the raw SDK, interleaved (app run, SDK call, …).

App: click Run → the run is over in the browser and the reply is on the page (every
offline reply ends with "Simulated by gemini_offline"). SDK: `generate_content` with the
same request, against the same gemini_offline process. Prints one JSON line with the
medians and the difference (what the page adds).

Usage: python bench/browser_text.py [--short] [--pairs N]
"""

from __future__ import annotations

import argparse

from browser_common import (
    ROOT,
    bench_page,
    chromium,
    column,
    emit,
    interleave,
    median,
    offline_server,
    sdk_client,
    sdk_generate,
    streamlit_app,
    timed_input,
)

from playground.gemini import build_request
from playground.settings import GenerationSettings

PROMPT = "How does AI work?"
REPLY_SHOWN = (
    "document.querySelector('[data-testid=stMain]').innerText"
    ".includes('Simulated by gemini_offline')"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true", help="2 pairs (for CI)")
    parser.add_argument("--pairs", type=int, default=None)
    args = parser.parse_args()
    pairs = args.pairs or (2 if args.short else 9)
    request = build_request(GenerationSettings(), PROMPT)
    with (
        chromium() as browser,
        offline_server(0) as server,
        streamlit_app(ROOT / "app.py", server) as url,
        bench_page(browser, url, "") as page,
    ):
        client = sdk_client(server)
        page.get_by_label("Prompt").fill(PROMPT)
        page.get_by_label("Prompt").press("Control+Enter")
        run = page.get_by_role("button", name="Run", exact=True)
        apps, sdks = interleave(
            pairs,
            lambda: timed_input(page, run.click, REPLY_SHOWN),
            lambda: sdk_generate(client, request.model, list(request.contents), request.config),
        )
    app, sdk = median(column(apps, "done_ms")), median(column(sdks, "done_ms"))
    emit(
        {
            "bench": "browser_text",
            "n": pairs,
            "short": args.short,
            "settings": {"prompt": PROMPT, "model": request.model},
            "app_run_ms": app,
            "sdk_generate_ms": sdk,
            "added_ms": round(app - sdk, 1),
            "ratio": round(app / sdk, 2),
        }
    )


if __name__ == "__main__":
    main()

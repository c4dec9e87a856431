"""Streaming page in Chromium against the raw SDK, interleaved (app run, SDK call, …).

For each pacing (20 ms and 0 ms per chunk, by default) one gemini_offline process serves
both the app and the SDK. App: click Run → the run is over in the browser (Stop button
gone, the final chart drawn), and click → the reply's first words visible. SDK:
`generate_content_stream` with the same request (model, contents, config built the way the
page builds them), call → last chunk, and call → first chunk.

The reply is the longest the offline server writes (a "detailed" answer with every
persona voice in the system instruction): about 240 words, 80 chunks of 3 words.

Prints one JSON line. Usage: python bench/browser_stream.py [--short] [--pairs N]
  [--delays 20,0] [--chunk-words 3]
"""

from __future__ import annotations

import argparse

from browser_common import (
    CHART_DRAWN,
    NO_STOP,
    ROOT,
    TEXT_AFTER_STOP,
    bench_page,
    chromium,
    column,
    emit,
    fill_system_instruction,
    interleave,
    median,
    median_or_none,
    offline_server,
    sdk_client,
    sdk_stream,
    streamlit_app,
    timed_input,
)

from playground.gemini import build_request
from playground.settings import GenerationSettings

LONG_SYSTEM = (
    "You are a pirate, a robot, a dog and a Shakespearean cat, a friendly teacher, formal and "
    "enthusiastic. Your name is Neko. Act as a historian. Be detailed and thorough."
)
SHORT_SYSTEM = ""
PROMPT = "Explain how AI works"


def measure(delay_ms: float, pairs: int, system: str, chunk_words: int, browser) -> dict:
    with (
        offline_server(delay_ms, chunk_words) as server,
        streamlit_app(ROOT / "app.py", server) as url,
        bench_page(browser, url, "streaming") as page,
    ):
        settings = GenerationSettings(system_instruction=system)
        request = build_request(settings, PROMPT, stream=True)
        client = sdk_client(server)
        reply = client.models.generate_content(
            model=request.model, contents=list(request.contents), config=request.config
        ).text
        if system:
            fill_system_instruction(page, system)
        page.get_by_label("Prompt").fill(PROMPT)
        page.get_by_label("Prompt").press("Control+Enter")
        run = page.get_by_role("button", name="Run", exact=True)

        def app():
            return timed_input(page, run.click, f"{NO_STOP} && {CHART_DRAWN}", TEXT_AFTER_STOP)

        def sdk():
            return sdk_stream(client, request.model, list(request.contents), request.config)

        apps, sdks = interleave(pairs, app, sdk)
    done_app, done_sdk = median(column(apps, "done_ms")), median(column(sdks, "done_ms"))
    first_app = median_or_none(column(apps, "first_ms"))
    first_sdk = median(column(sdks, "first_ms"))
    return {
        "reply_words": len(reply.split()),
        "chunks": sdks[0]["chunks"],
        "app_done_ms": done_app,
        "sdk_done_ms": done_sdk,
        "done_ratio": round(done_app / done_sdk, 3),
        "done_added_ms": round(done_app - done_sdk, 1),
        "app_first_token_ms": first_app,
        "sdk_first_token_ms": first_sdk,
        "first_token_added_ms": None if first_app is None else round(first_app - first_sdk, 1),
        "first_token_seen_in": len(column(apps, "first_ms")),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true", help="2 pairs, a short reply (for CI)")
    parser.add_argument("--pairs", type=int, default=None)
    parser.add_argument("--delays", default="20,0", help="ms per chunk, comma-separated")
    parser.add_argument("--chunk-words", type=int, default=3)
    args = parser.parse_args()
    pairs = args.pairs or (2 if args.short else 9)
    system = SHORT_SYSTEM if args.short else LONG_SYSTEM
    delays = [float(d) for d in args.delays.split(",")]
    figures: dict = {
        "bench": "browser_stream",
        "n": pairs,
        "short": args.short,
        "settings": {
            "prompt": PROMPT,
            "system_instruction": system,
            "chunk_words": args.chunk_words,
            "delays_ms": delays,
        },
    }
    with chromium() as browser:
        for delay in delays:
            figures[f"at_{delay:g}ms"] = measure(delay, pairs, system, args.chunk_words, browser)
    emit(figures)


if __name__ == "__main__":
    main()

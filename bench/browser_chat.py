"""Chat page in Chromium with 0/50/200/500 turns of history, against its references,
interleaved.

The history is loaded through the page's own "Restore from file" uploader, with a file in
the app's format (`Conversation.to_file`; turns as in bench/chat_rerun.py, ~120-word
replies). Then, at each size:

- idle rerun: the Streamlit rerun key ("r", the same as the menu's Rerun: a full rerun
  that changes nothing) → the run is over in the browser (its successful `script_finished`
  has arrived and the next frame is drawn), against the same key in the one-line hello
  app (bench/apps/hello.py);
- send: type a message, Enter → the streamed reply is finished (the run chain is over and
  the last two messages are this question and a reply), against a raw SDK
  `generate_content_stream` with the same history and message (same gemini_offline
  process, 0 ms per chunk). Each send adds two turns, so the history grows by 2 a pair.

Prints one JSON line. Usage: python bench/browser_chat.py [--short] [--pairs N]
  [--sizes 0,50,200,500]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from browser_common import (
    HELLO_APP,
    MODEL,
    ROOT,
    bench_page,
    chromium,
    column,
    emit,
    interleave,
    median,
    offline_server,
    sdk_client,
    sdk_stream,
    settle,
    streamlit_app,
    timed_input,
)

from playground.conversation import Conversation, Turn, TurnStats, text_content
from playground.gemini import build_chat_request
from playground.settings import GenerationSettings

REPLY = " ".join(["A simulated answer with a few sentences of ordinary prose."] * 12)


def history(turns: int) -> Conversation:
    chat = Conversation()
    for number in range(turns // 2):
        chat.add_user(text_content("user", f"Question number {number}: how does it work?"))
        chat.add(
            Turn(
                "model",
                text_content("model", REPLY),
                stats=TurnStats(output_tokens=120, latency_s=0.8, finish_reason="STOP"),
            )
        )
    return chat


def restore(page, chat: Conversation, folder: Path) -> None:
    """Load `chat` through the page's Restore from file uploader (set-up, not timed)."""
    path = folder / f"chat-{len(chat)}.json"
    path.write_bytes(chat.to_file(model=MODEL, system_instruction=""))
    page.get_by_role("button", name="Restore from file").click()
    page.locator('input[type="file"][accept*="json"]').set_input_files(str(path))
    page.get_by_text(f"Restored {len(chat)} turns").first.wait_for()
    page.keyboard.press("Escape")
    settle(page)


def rerun_key(page):
    """The 'r' rerun key, pressed with the focus out of any text box."""

    def act() -> None:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("r")

    return lambda: timed_input(page, act, "true")


def sent(index: int) -> str:
    return (
        "(() => { const m = [...document.querySelectorAll('[data-testid=stChatMessage]')];"
        f" return m.length >= 2 && m[m.length - 2].innerText.includes('One more question {index}')"
        " && m[m.length - 1].innerText.includes('Simulated by gemini_offline'); })()"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true", help="2 pairs, sizes 0 and 50 (CI)")
    parser.add_argument("--pairs", type=int, default=None)
    parser.add_argument("--sizes", default=None, help="turns of history, comma-separated")
    args = parser.parse_args()
    pairs = args.pairs or (2 if args.short else 7)
    sizes = [int(s) for s in (args.sizes or ("0,50" if args.short else "0,50,200,500")).split(",")]
    figures: dict = {
        "bench": "browser_chat",
        "n": pairs,
        "short": args.short,
        "settings": {"sizes": sizes, "model": MODEL, "chunk_delay_ms": 0},
    }
    folder = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    with (
        chromium() as browser,
        offline_server(0) as server,
        streamlit_app(ROOT / "app.py", server) as url,
        streamlit_app(HELLO_APP) as hello_url,
        bench_page(browser, url, "chat") as page,
        bench_page(browser, hello_url) as hello,
    ):
        client = sdk_client(server)
        box = page.locator('[data-testid="stChatInputTextArea"]')
        for turns in sizes:
            chat = history(turns)
            if turns:
                restore(page, chat, folder)
            idle_app, idle_hello = interleave(pairs, rerun_key(page), rerun_key(hello))
            counter = iter(range(10**6))

            def send(counter=counter) -> dict:
                index = next(counter)
                box.fill(f"One more question {index}")
                return timed_input(page, lambda: box.press("Enter"), sent(index))

            def raw(chat=chat) -> dict:
                request = build_chat_request(
                    GenerationSettings(), chat.history(), text_content("user", "One more")
                )
                return sdk_stream(client, request.model, list(request.contents), request.config)

            sends, raws = interleave(pairs, send, raw)
            idle, ref = median(column(idle_app, "done_ms")), median(column(idle_hello, "done_ms"))
            send_ms, raw_ms = median(column(sends, "done_ms")), median(column(raws, "done_ms"))
            figures[f"turns_{turns}"] = {
                "idle_rerun_ms": idle,
                "hello_rerun_ms": ref,
                "idle_ratio": round(idle / ref, 2),
                "send_ms": send_ms,
                "sdk_chat_ms": raw_ms,
                "send_added_ms": round(send_ms - raw_ms, 1),
            }
    emit(figures)


if __name__ == "__main__":
    main()

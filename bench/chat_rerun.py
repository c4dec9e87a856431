"""Script time of one chat interaction (send a message, stream the reply, redraw) with 0,
50, 200 and 500 turns of history already in the chat. Median of repeated AppTest runs,
against the offline server with no stream pacing. Prints one JSON line.

Usage: python bench/chat_rerun.py [--repeats N]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time

from _offline import use_offline_demo

ROOT = use_offline_demo()

from streamlit.testing.v1 import AppTest  # noqa: E402

from playground.conversation import Conversation, Turn, TurnStats, text_content  # noqa: E402

SIZES = (0, 50, 200, 500)


def history(turns: int) -> Conversation:
    """A chat of `turns` turns with replies of realistic length (~120 words)."""
    chat = Conversation()
    reply = " ".join(["A simulated answer with a few sentences of ordinary prose."] * 12)
    for number in range(turns // 2):
        chat.add_user(text_content("user", f"Question number {number}: how does it work?"))
        chat.add(
            Turn(
                "model",
                text_content("model", reply),
                stats=TurnStats(output_tokens=120, latency_s=0.8, finish_reason="STOP"),
            )
        )
    return chat


def measure(turns: int, repeats: int) -> tuple[float, float]:
    """Median ms of one interaction, and of an idle rerun, at this history size."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/chat.py").run()
    base = history(turns)
    sends, idles = [], []
    for index in range(repeats + 1):  # the first round warms caches and is dropped
        at.session_state["chat.conversation"] = copy.deepcopy(base)
        at.run()
        started = time.perf_counter()
        at.chat_input(key="chat.input").set_value(f"One more question {index}").run()
        send_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        at.run()
        idle_ms = (time.perf_counter() - started) * 1000
        assert not at.exception, at.exception
        assert len(at.session_state["chat.conversation"]) == turns + 2
        if index:
            sends.append(send_ms)
            idles.append(idle_ms)
    return statistics.median(sends), statistics.median(idles)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    figures: dict[str, object] = {"bench": "chat_rerun", "repeats": repeats}
    for turns in SIZES:
        send_ms, idle_ms = measure(turns, repeats)
        figures[f"send_ms_{turns}_turns"] = round(send_ms, 1)
        figures[f"idle_rerun_ms_{turns}_turns"] = round(idle_ms, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

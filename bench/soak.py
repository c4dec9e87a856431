"""Memory soak of the app's in-process offline server: 500 mixed requests (text, stream,
chat with a growing history, image generation) through ``playground.gemini.Gemini`` as the
app uses it, against ``gemini_offline.shared_server()``.

Prints one JSON line: RSS (VmRSS of /proc/self/status) after a warm-up and at the end,
and the growth between them (target: under 20 MB).
Usage: python bench/soak.py [--requests N] [--warmup N] [--record]
(``--record`` turns the server's request log on, to show what it would cost.)
"""

from __future__ import annotations

import argparse
import gc
import json
import time

from _offline import use_offline_demo

ROOT = use_offline_demo()

from google.genai import types  # noqa: E402

from gemini_offline import shared_server  # noqa: E402
from playground.connection import build_client, plan_connection, secrets_for_redaction  # noqa: E402
from playground.gemini import (  # noqa: E402
    Gemini,
    RetryPolicy,
    build_chat_request,
    build_request,
)
from playground.settings import GenerationSettings, ImageSettings  # noqa: E402

KINDS = ("text", "stream", "chat", "image")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class Soak:
    def __init__(self, gemini: Gemini) -> None:
        self.gemini = gemini
        self.text_settings = GenerationSettings(temperature=1.0)
        self.image_settings = ImageSettings()
        self.history: list[types.Content] = []
        self.image_bytes = 0

    def one(self, n: int) -> None:
        kind = KINDS[n % len(KINDS)]
        prompt = f"Request {n}: explain how tides work, briefly."
        if kind == "text":
            assert self.gemini.generate(build_request(self.text_settings, prompt)).text
        elif kind == "stream":
            run = self.gemini.stream(build_request(self.text_settings, prompt, stream=True))
            assert "".join(run.text())
        elif kind == "chat":
            message = types.Content(role="user", parts=[types.Part.from_text(text=prompt)])
            request = build_chat_request(self.text_settings, self.history, message)
            text = "".join(self.gemini.stream(request).text())
            assert text
            reply = types.Content(role="model", parts=[types.Part.from_text(text=text)])
            self.history += [message, reply]
        else:
            request = build_request(self.image_settings, f"A lighthouse, picture {n}")
            reply = self.gemini.generate(request)
            assert reply.images, "no image came back"
            self.image_bytes += sum(len(p.data) for p in reply.images)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--record", action="store_true", help="turn the request log on")
    args = parser.parse_args()
    server = shared_server()
    if args.record:
        server.log.start()
    plan = plan_connection(session_key=None, secrets_key=None, env={})
    assert plan.mode == "offline", plan
    # As components/connection.py builds it: the offline client with the app's retry policy.
    gemini = Gemini(build_client(plan), RetryPolicy.from_env(), secrets=secrets_for_redaction(plan))
    soak = Soak(gemini)
    started = time.perf_counter()
    for n in range(args.warmup):
        soak.one(n)
    gc.collect()
    warm = rss_mb()
    for n in range(args.warmup, args.requests):
        soak.one(n)
    gc.collect()
    end = rss_mb()
    print(
        json.dumps(
            {
                "bench": "soak",
                "requests": args.requests,
                "warmup": args.warmup,
                "recording": server.log.active,
                "logged_requests": len(server.log),
                "chat_turns": len(soak.history),
                "image_bytes_received": soak.image_bytes,
                "rss_after_warmup_mb": round(warm, 1),
                "rss_end_mb": round(end, 1),
                "growth_mb": round(end - warm, 1),
                "target_growth_mb": 20,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()

"""``python -m gemini_offline --port 8765``: run the offline Gemini server in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from .server import start_server


def main(argv: list[str] | None = None) -> int:
    """Parse flags, start the server, print its URL, and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m gemini_offline", description="Local, simulated Gemini API server."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="TCP port, 0 for any (default 8765)")
    parser.add_argument("--chunk-words", type=int, help="words per streamed chunk")
    parser.add_argument("--chunk-delay-ms", type=float, help="pause between streamed chunks")
    parser.add_argument("--latency-ms", type=float, help="pause before every generate reply")
    parser.add_argument(
        "--timeout-sleep-s",
        type=float,
        help="upper bound of the [[fault:timeout]] stall (it ends when the client hangs up)",
    )
    parser.add_argument("--retry-delay-s", type=float, help="RetryInfo delay of [[fault:429]]")
    parser.add_argument(
        "--connection-timeout-s",
        type=float,
        help="close a connection silent for this long (0: never; default 60)",
    )
    args = parser.parse_args(argv)
    try:
        srv = start_server(
            args.host,
            args.port,
            chunk_words=args.chunk_words,
            chunk_delay_ms=args.chunk_delay_ms,
            latency_ms=args.latency_ms,
            timeout_sleep_s=args.timeout_sleep_s,
            retry_delay_s=args.retry_delay_s,
            connection_timeout_s=args.connection_timeout_s,
        )
    except (OSError, ValueError) as exc:
        print(f"gemini_offline: cannot start: {exc}", file=sys.stderr)
        return 2
    print(f"gemini_offline listening on {srv.url} (simulated Gemini API)", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    srv.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

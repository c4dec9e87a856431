"""``python -m gemini_offline``: run the offline Gemini server in the foreground.

``--port 8765`` (and the pacing/fault flags) run the simulated API;
``--record DIR --upstream URL`` runs a recording proxy in front of a real (or any
Gemini-compatible) API, the key coming from each request or from
``GOOGLE_API_KEY``/``GEMINI_API_KEY``; ``--replay DIR [--speed 4]`` serves a recording with
no network and no key (see :mod:`gemini_offline.recordings`).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from .server import start_server

#: Flags of the simulated server that mean nothing to a proxy or a replay.
_SIMULATOR_FLAGS = (
    "chunk_words",
    "chunk_delay_ms",
    "latency_ms",
    "timeout_sleep_s",
    "retry_delay_s",
    "connection_timeout_s",
)


def main(argv: list[str] | None = None) -> int:
    """Parse flags, start the server, print its URL, and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m gemini_offline", description="Local, simulated Gemini API server."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="TCP port, 0 for any (default 8765)")
    parser.add_argument("--chunk-words", type=int, help="words per streamed chunk")
    parser.add_argument(
        "--chunk-delay-ms", type=float, help="pause between streamed chunks (default 80)"
    )
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
    demo = parser.add_argument_group("record and replay demos")
    mode = demo.add_mutually_exclusive_group()
    mode.add_argument(
        "--record",
        metavar="DIR",
        help="run a recording proxy to --upstream, storing every exchange in DIR",
    )
    mode.add_argument(
        "--replay", metavar="DIR", help="serve the recording in DIR (no network, no key)"
    )
    demo.add_argument(
        "--upstream",
        metavar="URL",
        help="with --record: the API base URL (default https://generativelanguage.googleapis.com)",
    )
    demo.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="with --replay: pacing of streams and reply latency (1 as recorded, 4 four times "
        "faster, 0 no delays)",
    )
    args = parser.parse_args(argv)
    if args.record or args.replay:
        stray = [f"--{n.replace('_', '-')}" for n in _SIMULATOR_FLAGS if getattr(args, n)]
        if stray:
            parser.error(f"{', '.join(stray)} only apply to the simulated server")
    if args.upstream and not args.record:
        parser.error("--upstream needs --record DIR")
    if args.speed != 1.0 and not args.replay:
        parser.error("--speed needs --replay DIR")
    if args.speed < 0:
        parser.error("--speed must be >= 0")
    if args.record or args.replay:
        return _serve_demo(args)
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
    _wait_for_signal()
    srv.stop()
    return 0


def _wait_for_signal() -> None:
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()


def _serve_demo(args: argparse.Namespace) -> int:
    """``--record`` or ``--replay``: the proxy or the replay server in the foreground."""
    from .proxy import DEFAULT_UPSTREAM, RecordingProxy, env_api_key
    from .recording_format import RecordingError
    from .recording_replay import ReplayServer

    server: RecordingProxy | ReplayServer
    try:
        if args.record:
            upstream = args.upstream or DEFAULT_UPSTREAM
            server = RecordingProxy(args.record, upstream, host=args.host, port=args.port)
            key_note = (
                "key from each request, else the environment"
                if env_api_key()
                else "key from each request (none in GOOGLE_API_KEY/GEMINI_API_KEY)"
            )
            line = (
                f"gemini_offline recording proxy listening on {server.url} -> {server.upstream}"
                f", recording into {server.directory} ({key_note}; never stored)"
            )
        else:
            server = ReplayServer(args.replay, args.speed, host=args.host, port=args.port)
            line = (
                f"gemini_offline replaying {len(server.exchanges)} exchanges from "
                f"{server.directory} on {server.url} (speed {args.speed:g}; no network, no key)"
            )
    except (OSError, ValueError) as exc:  # RecordingError is a ValueError
        kind = "recording" if isinstance(exc, RecordingError) else "cannot start"
        print(f"gemini_offline: {kind}: {exc}", file=sys.stderr)
        return 2
    server.start()
    print(line, flush=True)
    if args.record and env_api_key() and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"gemini_offline: warning: listening on {args.host}, so anyone who reaches this "
            "port calls the API with the key from the environment",
            file=sys.stderr,
            flush=True,
        )
    _wait_for_signal()
    server.stop()
    if isinstance(server, RecordingProxy):
        print(f"gemini_offline: recorded {server.recorded} exchanges", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

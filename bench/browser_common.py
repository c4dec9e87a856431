"""Shared pieces of the browser benchmarks: a gemini_offline server process, `streamlit run`
of an app pointed at it, headless Chromium, in-page timing of a run, interleaving, medians.

How the end of a run is detected: an init script wraps the page's WebSocket and reads the
top-level fields of every ForwardMsg Streamlit sends. `script_finished` (field 6) with
FINISHED_SUCCESSFULLY (0) closes a run chain (a run that ends in `st.rerun()` sends
FINISHED_EARLY_FOR_RERUN first, and its follow-up run sends the success). A watcher then
polls every animation frame and records `performance.now()` at the first frame where that
message has arrived *and* the page's own condition (e.g. "the Stop button is gone and the
chart is drawn") holds. The start is the `performance.now()` of the click or key press
itself (a capture-phase listener), so both ends are browser time, to a frame (~16 ms).

The app and the raw SDK talk to the same `python -m gemini_offline` process: the app via
`GOOGLE_GEMINI_BASE_URL` and a dummy key (the same code path as with a real key and a
remote API), the SDK with `HttpOptions(base_url=...)`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BENCH_KEY = "bench-key"  # any key but gemini_offline's INVALID_KEY is accepted
MODEL = "gemini-2.5-flash"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# A SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so every `finally` stops its process.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

# In-page instrumentation, installed before any page script runs.
INIT_SCRIPT = r"""
(() => {
  const B = window.__bench = {finished: [], messages: 0, input: null};
  function varint(bytes, at) {
    let value = 0, scale = 1, b;
    do { b = bytes[at++]; value += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80);
    return [value, at];
  }
  function scriptFinished(buffer) {  // the top-level field 6 of a ForwardMsg, or -1
    const bytes = new Uint8Array(buffer);
    let at = 0;
    while (at < bytes.length) {
      let tag; [tag, at] = varint(bytes, at);
      const field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) { let v; [v, at] = varint(bytes, at); if (field === 6) return v; }
      else if (wire === 2) { let n; [n, at] = varint(bytes, at); at += n; }
      else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return -1;
    }
    return -1;
  }
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (event) => {
      const now = performance.now();
      B.messages++;
      if (event.data instanceof ArrayBuffer) {
        const status = scriptFinished(event.data);
        if (status >= 0) B.finished.push([now, status]);
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  for (const type of ['click', 'keydown']) {
    document.addEventListener(type, () => { B.input = performance.now(); }, true);
  }
  // Record the first animation frame at which `check()` holds, after `since`.
  B.watch = (name, check) => {
    B[name] = null;
    const tick = () => {
      let ok = false;
      try { ok = check(); } catch (e) { ok = false; }
      if (ok) { B[name] = performance.now(); } else { requestAnimationFrame(tick); }
    };
    requestAnimationFrame(tick);
  };
  // True once a successful script_finished has arrived after the last input.
  B.runDone = () => B.input !== null && B.finished.some(([t, s]) => t > B.input && s === 0);
  B.running = () => !!document.querySelector('[data-testid="stStatusWidget"]');
})();
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def emit(figures: dict) -> None:
    """The one JSON line a benchmark prints."""
    figures["loadavg"] = loadavg()
    print(json.dumps(figures), flush=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_port(port: int, process: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited early with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} in time")


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("streamlit did not become healthy in time")


@contextlib.contextmanager
def offline_server(chunk_delay_ms: float = 0, chunk_words: int = 3) -> Iterator[str]:
    """`python -m gemini_offline` on a free port, with this pacing; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gemini_offline",
            "--port",
            str(port),
            "--chunk-delay-ms",
            str(chunk_delay_ms),
            "--chunk-words",
            str(chunk_words),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


def streamlit_env(base_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL")
    }
    env["PYTHONUNBUFFERED"] = "1"
    env["PLAYGROUND_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/library.db"
    if base_url:
        env["GEMINI_API_KEY"] = BENCH_KEY
        env["GOOGLE_GEMINI_BASE_URL"] = base_url
    return env


def spawn_streamlit(script: Path | str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run script` headless on a free port (not waiting for it)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def streamlit_app(script: Path | str, base_url: str | None = None) -> Iterator[str]:
    """`streamlit run script`, healthy; yields its URL and stops it afterwards."""
    process, url = spawn_streamlit(script, streamlit_env(base_url))
    try:
        wait_healthy(url, process)
        yield url
    finally:
        _stop(process)


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Playwright), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def bench_page(browser, url: str, path: str = "") -> Iterator:
    """A fresh context and page at url/path, instrumented, with the first run over."""
    context = browser.new_context(viewport={"width": 1400, "height": 1500})
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{url}/{path}")
        page.wait_for_function("() => window.__bench.finished.some(([t, s]) => s === 0)")
        yield page
    finally:
        context.close()


def timed_input(
    page,
    act: Callable[[], None],
    done_js: str,
    first_js: str | None = None,
    timeout_ms: float = 60_000,
) -> dict[str, float]:
    """Do `act` (a click or a key press) and time, in the browser, from that input to the
    first frame where the run is over and `done_js` holds (and to the first frame where
    `first_js` holds, when given). Returns {"done_ms": ..., "first_ms": ...}."""
    page.evaluate(
        "([done, first]) => { const B = window.__bench; B.input = null;"
        " B.watch('doneAt', () => B.runDone() && eval(done));"
        " if (first) B.watch('firstAt', () => B.input !== null && eval(first)); }",
        [done_js, first_js],
    )
    act()
    try:
        page.wait_for_function("() => window.__bench.doneAt !== null", timeout=timeout_ms)
    except Exception as error:  # say what the page shows instead (an app error, usually)
        shown = page.locator('[data-testid="stException"], [data-testid="stAlert"]')
        texts = [t[:300] for t in shown.all_inner_texts()]
        raise RuntimeError(f"the run did not finish as expected; the page shows {texts}") from error
    times = page.evaluate("() => window.__bench")
    result = {"done_ms": times["doneAt"] - times["input"]}
    if first_js:
        # None when the condition never held on screen: everything arrived within a frame
        # or two (e.g. at 0 ms per chunk the Stop button may never be drawn).
        first = times["firstAt"]
        result["first_ms"] = None if first is None else first - times["input"]
    return result


def interleave(pairs: int, a: Callable[[], dict], b: Callable[[], dict], warmup: int = 1):
    """Run a, b, a, b … (`warmup` pairs first, dropped); return the lists of results."""
    results_a, results_b = [], []
    for index in range(warmup + pairs):
        ra, rb = a(), b()
        if index >= warmup:
            results_a.append(ra)
            results_b.append(rb)
    return results_a, results_b


def column(results: list[dict], key: str) -> list[float]:
    return [r[key] for r in results if r[key] is not None]


def median_or_none(values: list[float]) -> float | None:
    return median(values) if values else None


def sdk_client(base_url: str):
    from google import genai
    from google.genai import types

    return genai.Client(api_key=BENCH_KEY, http_options=types.HttpOptions(base_url=base_url))


def sdk_stream(client, model: str, contents, config) -> dict[str, float]:
    """Raw SDK streaming: ms from the call to the first chunk and to the last chunk."""
    started = time.perf_counter()
    first = None
    chunks = 0
    for _ in client.models.generate_content_stream(model=model, contents=contents, config=config):
        chunks += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    return {
        "first_ms": (first - started) * 1000,
        "done_ms": (end - started) * 1000,
        "chunks": chunks,
    }


def sdk_generate(client, model: str, contents, config) -> dict[str, float]:
    started = time.perf_counter()
    client.models.generate_content(model=model, contents=contents, config=config)
    return {"done_ms": (time.perf_counter() - started) * 1000}


HELLO_APP = BENCH / "apps" / "hello.py"

# Page conditions shared by the benchmarks (JS expressions).
NO_STOP = "![...document.querySelectorAll('button')].some(b => b.innerText.trim().endsWith('Stop'))"
CHART_DRAWN = (
    "!!document.querySelector('[data-testid=stVegaLiteChart] canvas, "
    "[data-testid=stVegaLiteChart] svg')"
)


# This run's reply text is visible: a non-empty markdown block after the Stop button, not
# a caption (the live figures) nor the button's own label. The previous run's stale reply
# sat where the Stop button now is, so it never counts. (The offline server varies its
# wording from call to call, so the text itself cannot be the marker.)
TEXT_AFTER_STOP = (
    "(() => { const stop = [...document.querySelectorAll('button')]"
    ".find(b => b.innerText.trim().endsWith('Stop')); if (!stop) return false;"
    " return [...document.querySelectorAll('[data-testid=stMain] "
    "[data-testid=stMarkdownContainer]')].some(m => {"
    " const at = stop.compareDocumentPosition(m);"
    " return (at & 4) && !(at & 16) && !m.closest('[data-testid=stCaptionContainer]')"
    " && m.innerText.trim().length > 0; }); })()"
)


def fill_system_instruction(page, text: str, label: str = "System instruction") -> None:
    box = page.locator('[data-testid="stExpander"]').filter(has_text=label).first
    if not box.locator("textarea").is_visible():
        box.locator("summary").click()
    box.locator("textarea").fill(text)
    box.locator("textarea").press("Control+Enter")
    settle(page)


def settle(page) -> None:
    """Set-up only (not timed): let the rerun a widget change started finish."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !window.__bench.running()")

"""The browser benchmarks still run: each --short run prints one JSON line (times unchecked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e

SCRIPTS = ["browser_stream.py", "browser_text.py", "browser_chat.py", "browser_cold_start.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_browser_bench_prints_its_json(script):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--short"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    figures = json.loads(lines[0])
    assert figures["bench"] == script.removesuffix(".py")
    assert figures["n"] >= 1 and len(figures["loadavg"]) == 3

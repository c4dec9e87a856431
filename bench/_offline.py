"""Shared set-up for the benchmarks: import the project from this checkout and run the
app in offline demo mode (no key, no custom endpoint), with no stream pacing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def use_offline_demo() -> Path:
    """Put the checkout on sys.path, clear any key, and return the checkout's root."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("GEMINI_OFFLINE_CHUNK_DELAY_MS", "0")
    return ROOT

"""Shared test helpers: the real recorded API bodies kept in tests/fixtures/wire."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WIRE = ROOT / "tests" / "fixtures" / "wire"


def wire_json(name: str) -> dict:
    return json.loads((WIRE / name).read_text(encoding="utf-8"))


def wire_sse_events(name: str) -> list[dict]:
    text = (WIRE / name).read_text(encoding="utf-8")
    events = [e for e in text.replace("\r\n", "\n").split("\n\n") if e.strip()]
    return [json.loads(e.removeprefix("data:").strip()) for e in events]


@pytest.fixture
def wire_dir() -> Path:
    if not WIRE.is_dir():
        pytest.fail(f"recorded wire bodies not found at {WIRE}")
    return WIRE


@contextmanager
def silent_endpoint() -> Iterator[str]:
    """The URL of a loopback port that accepts connections and never answers (a hung API)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        yield f"http://127.0.0.1:{silent.getsockname()[1]}"

"""Shared test helpers: the real recorded API bodies kept in tests/fixtures/wire."""

from __future__ import annotations

import json
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

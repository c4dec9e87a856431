"""Integration fixtures: the real google-genai SDK talking HTTP to gemini_offline.

One server per test module (no pacing delays, short fault timings), recording requests;
the request log is cleared before every test so each test sees only its own calls.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google import genai
from google.genai import types

from gemini_offline import OfflineServer, start_server

TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def srv() -> Iterator[OfflineServer]:
    server = start_server(port=0, chunk_delay_ms=0, timeout_sleep_s=3, retry_delay_s=0, record=True)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_request_log(srv: OfflineServer) -> None:
    srv.clear_requests()


def sdk_client(server: OfflineServer) -> genai.Client:
    """The real SDK pointed at `server`, as every integration test talks to it."""
    return genai.Client(
        api_key="test-key", http_options=types.HttpOptions(base_url=server.url, timeout=TIMEOUT_MS)
    )


@pytest.fixture
def client(srv: OfflineServer) -> Iterator[genai.Client]:
    c = sdk_client(srv)
    yield c
    c.close()

"""Plain-HTTP helpers for requests the SDK would refuse to send."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from gemini_offline import OfflineServer


def raw_call(
    srv: OfflineServer,
    path: str,
    body: Any = None,
    *,
    key: str | None = "test-key",
    method: str | None = None,
) -> tuple[int, Any]:
    """A plain urllib request, for what the SDK refuses to send. Returns (status, JSON)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["x-goog-api-key"] = key
    request = urllib.request.Request(srv.url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())

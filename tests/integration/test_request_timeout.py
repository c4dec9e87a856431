"""The visitor's request timeout applies per request, and a cancelled pool sends no more."""

from __future__ import annotations

import threading
import time

import pytest
from google import genai
from google.genai import types

from playground.errors import PlaygroundError
from playground.gemini import Gemini, RetryPolicy, build_request
from playground.settings import GenerationSettings
from tests.conftest import silent_endpoint
from tests.integration.conftest import sdk_client


def test_a_run_gives_up_at_the_sessions_timeout_not_the_clients():
    with silent_endpoint() as url:
        client = genai.Client(
            api_key="k", http_options=types.HttpOptions(base_url=url, timeout=120_000)
        )
        gemini = Gemini(client, RetryPolicy(attempts=1), request_timeout_s=0.5)
        request = build_request(GenerationSettings(), "Explain how AI works", [])
        try:
            started = time.monotonic()
            with pytest.raises(PlaygroundError) as caught:
                gemini.generate(request)
            assert caught.value.kind == "timeout"
            assert time.monotonic() - started < 10

            started = time.monotonic()
            run = gemini.stream(build_request(GenerationSettings(), "Hi", [], stream=True))
            assert list(run.events()) == []
            assert run.error is not None and run.error.kind == "timeout"
            assert time.monotonic() - started < 10
        finally:
            client.close()


def test_the_timeout_is_not_sent_over_the_wire(srv):
    client = sdk_client(srv)
    gemini = Gemini(client, RetryPolicy(attempts=1), request_timeout_s=30)
    gemini.generate(build_request(GenerationSettings(), "Explain how AI works", []))
    body = srv.requests[-1].body
    assert "httpOptions" not in str(body) and "timeout" not in str(body.get("generationConfig"))


def test_a_pool_whose_watcher_gives_up_starts_no_more_calls(srv):
    client = sdk_client(srv)
    gemini = Gemini(client, RetryPolicy(attempts=1), request_timeout_s=0.4)
    requests = [  # each call takes the 0.4 s timeout
        build_request(GenerationSettings(), f"Explain topic {n} [[fault:timeout]]", [])
        for n in range(12)
    ]
    finished: list[int] = []
    lock = threading.Lock()

    def give_up(index, result):
        with lock:
            finished.append(index)
        raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        gemini.generate_all(requests, workers=2, on_done=give_up)
    time.sleep(1.0)  # a queued call would have gone out by now
    sent = [r for r in srv.requests if r.action == "generateContent"]
    assert len(finished) == 1  # both workers may have taken one more call: at most 4 sent
    assert len(sent) <= 4, f"{len(sent)} of 12 calls went out after the watcher gave up"

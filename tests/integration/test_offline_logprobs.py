"""Log probabilities as the real API serves them, through the real SDK.

gemini-2.0-flash serves ``avgLogprobs`` and ``logprobsResult`` (chosen tokens that join to
the reply, the top alternatives of every step, their sum); the numbers follow the request's
sampling. The 2.5 models refuse ``responseLogprobs`` with the real text, and a bad
``logprobs`` is a 400 in the API's error envelope. The last test compares what the SDK reads
from the recorded real body with the offline reply.
"""

from __future__ import annotations

import json
import statistics
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from google import genai
from google.genai import errors, types

from gemini_offline import OfflineServer
from tests.conftest import wire_json

from .helpers import raw_call

MODEL = "gemini-2.0-flash"
PROMPT = "Explain how a rainbow forms in three short paragraphs"
RECORDED = "generate_logprobs_chosen_only_gemini-1.5-flash-002.json"


def generate(
    client: genai.Client, model: str = MODEL, prompt: str = PROMPT, **config: Any
) -> types.GenerateContentResponse:
    return client.models.generate_content(
        model=model, contents=prompt, config=types.GenerateContentConfig(**config)
    )


def test_greedy_reply_chooses_the_top_alternative_at_every_step(client: genai.Client) -> None:
    reply = generate(client, temperature=0, response_logprobs=True, logprobs=5)
    candidate = reply.candidates[0]
    result = candidate.logprobs_result
    chosen, top = result.chosen_candidates, result.top_candidates
    assert "".join(c.token for c in chosen) == reply.text
    assert len(chosen) == len(top) == reply.usage_metadata.candidates_token_count
    for pick, step in zip(chosen, top, strict=True):
        alternatives = step.candidates
        assert len(alternatives) == 5
        probabilities = [a.log_probability for a in alternatives]
        assert probabilities == sorted(probabilities, reverse=True)
        assert (alternatives[0].token, alternatives[0].token_id) == (pick.token, pick.token_id)
        assert alternatives[0].log_probability == pick.log_probability <= 0
    total = sum(c.log_probability for c in chosen)
    assert result.log_probability_sum == pytest.approx(total)
    assert candidate.avg_logprobs == pytest.approx(total / len(chosen))
    again = generate(client, temperature=0, response_logprobs=True, logprobs=5)
    assert again.candidates[0].avg_logprobs == candidate.avg_logprobs


def test_hot_samples_are_less_likely_and_more_varied(client: genai.Client) -> None:
    def samples(temperature: float) -> list[types.GenerateContentResponse]:
        return [
            generate(client, temperature=temperature, response_logprobs=True, logprobs=3)
            for _ in range(5)
        ]

    cold, hot = samples(0), samples(2)
    mean = statistics.mean
    assert mean(r.candidates[0].avg_logprobs for r in hot) < mean(
        r.candidates[0].avg_logprobs for r in cold
    )
    assert len({r.text for r in hot}) > len({r.text for r in cold}) == 1
    # Some hot steps chose a token that was not the most likely one.
    steps = [
        (pick, step)
        for r in hot
        for pick, step in zip(
            r.candidates[0].logprobs_result.chosen_candidates,
            r.candidates[0].logprobs_result.top_candidates,
            strict=True,
        )
    ]
    assert any(step.candidates[0].token != pick.token for pick, step in steps)


def test_top_k_one_always_picks_the_top_token(client: genai.Client) -> None:
    reply = generate(client, temperature=2, top_k=1, response_logprobs=True, logprobs=2)
    result = reply.candidates[0].logprobs_result
    for pick, step in zip(result.chosen_candidates, result.top_candidates, strict=True):
        assert step.candidates[0].token == pick.token


def test_seed_gives_the_same_numbers(client: genai.Client) -> None:
    def seeded() -> types.Candidate:
        reply = generate(client, temperature=1.5, seed=7, response_logprobs=True, logprobs=4)
        return reply.candidates[0]

    first, second = seeded(), seeded()
    assert first.avg_logprobs == second.avg_logprobs
    assert first.logprobs_result == second.logprobs_result


def test_without_logprobs_only_the_chosen_tokens_come_back(client: genai.Client) -> None:
    reply = generate(client, model="gemini-2.0-flash-lite", response_logprobs=True)
    result = reply.candidates[0].logprobs_result
    assert result.top_candidates is None
    assert "".join(c.token for c in result.chosen_candidates) == reply.text
    plain = generate(client, temperature=0)
    assert plain.candidates[0].logprobs_result is None
    assert plain.candidates[0].avg_logprobs is None


def test_stream_chunks_carry_their_own_tokens(client: genai.Client) -> None:
    config = types.GenerateContentConfig(temperature=0, response_logprobs=True, logprobs=3)
    chunks = list(
        client.models.generate_content_stream(model=MODEL, contents=PROMPT, config=config)
    )
    assert len(chunks) > 2
    streamed, tokens = "", []
    for chunk in chunks:
        candidate = chunk.candidates[0]
        text = chunk.text or ""
        streamed += text
        if not text:
            continue
        result = candidate.logprobs_result
        own = [c.token for c in result.chosen_candidates]
        assert "".join(own) == text
        assert len(result.top_candidates) == len(own)
        assert candidate.avg_logprobs == pytest.approx(
            sum(c.log_probability for c in result.chosen_candidates) / len(own)
        )
        tokens += own
    whole = generate(client, temperature=0, response_logprobs=True, logprobs=3)
    assert "".join(tokens) == streamed == whole.text
    assert tokens == [c.token for c in whole.candidates[0].logprobs_result.chosen_candidates]


@pytest.mark.parametrize("model", ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-3-flash-preview"])
def test_newer_models_refuse_logprobs(client: genai.Client, model: str) -> None:
    with pytest.raises(errors.ClientError) as caught:
        generate(client, model=model, response_logprobs=True, logprobs=5)
    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"
    assert caught.value.message == f"Logprobs is not enabled for models/{model}"


@pytest.mark.parametrize(
    ("config", "wording"),
    [
        ({"responseLogprobs": True, "logprobs": 50}, "logprobs: must be in the range [0, 20]"),
        ({"responseLogprobs": True, "logprobs": -1}, "logprobs: must be in the range [0, 20]"),
        ({"logprobs": 5}, "logprobs: only valid if response_logprobs is true"),
    ],
)
def test_bad_logprobs_are_a_400(srv: OfflineServer, config: dict, wording: str) -> None:
    body = {"contents": [{"parts": [{"text": PROMPT}]}], "generationConfig": config}
    status, reply = raw_call(srv, f"/v1beta/models/{MODEL}:generateContent", body)
    assert status == 400
    error = reply["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert f"* GenerateContentRequest.generation_config.{wording}" in error["message"]
    violations = [v for d in error["details"] for v in d.get("fieldViolations", [])]
    assert [v["field"] for v in violations] == ["generation_config.logprobs"]


def test_sdk_refuses_logprobs_alone_on_the_wire(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        generate(client, logprobs=5)
    assert caught.value.code == 400
    assert "only valid if response_logprobs is true" in caught.value.message


class _Recorded(BaseHTTPRequestHandler):
    """Answers every request with the recorded real body."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        data = json.dumps(wire_json(RECORDED)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def real_client() -> Iterator[genai.Client]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=url))
    yield client
    client.close()
    server.shutdown()
    server.server_close()


def _scores_shape(reply: types.GenerateContentResponse) -> dict[str, Any]:
    candidate = reply.candidates[0]
    result = candidate.logprobs_result
    first = result.chosen_candidates[0]
    return {
        "avg_logprobs": type(candidate.avg_logprobs),
        "token": type(first.token),
        "log_probability": type(first.log_probability),
        "joined_is_text": "".join(c.token for c in result.chosen_candidates) == reply.text,
        "mean_is_avg": statistics.mean(c.log_probability for c in result.chosen_candidates)
        == pytest.approx(candidate.avg_logprobs),
    }


def test_offline_scores_read_like_the_recorded_ones(
    client: genai.Client, real_client: genai.Client
) -> None:
    real = generate(real_client, model="gemini-1.5-flash-002", response_logprobs=True)
    offline = generate(client, response_logprobs=True)
    assert _scores_shape(offline) == _scores_shape(real)
    assert _scores_shape(real)["token"] is str and _scores_shape(real)["avg_logprobs"] is float

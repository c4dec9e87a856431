"""Fault directives in the last user turn, observed through the real SDK."""

from __future__ import annotations

import httpx2
import pytest
from google import genai
from google.genai import errors, types

from gemini_offline import OfflineServer

MODEL = "gemini-2.5-flash"


def generate(client: genai.Client, prompt: str, **config):
    cfg = types.GenerateContentConfig(**config) if config else None
    return client.models.generate_content(model=MODEL, contents=prompt, config=cfg)


def stream(client: genai.Client, prompt: str, **config):
    cfg = types.GenerateContentConfig(**config) if config else None
    return client.models.generate_content_stream(model=MODEL, contents=prompt, config=cfg)


@pytest.mark.parametrize(
    ("directive", "error_type", "code", "status"),
    [
        ("400", errors.ClientError, 400, "INVALID_ARGUMENT"),
        ("500", errors.ServerError, 500, "INTERNAL"),
        ("503", errors.ServerError, 503, "UNAVAILABLE"),
    ],
)
def test_status_fault_raises_that_error(
    client: genai.Client, directive: str, error_type: type, code: int, status: str
) -> None:
    with pytest.raises(error_type) as caught:
        generate(client, f"Explain tides [[fault:{directive}]]")

    assert caught.value.code == code and caught.value.status == status
    if code == 503:
        assert caught.value.message == "The model is overloaded. Please try again later."
    if code == 400:
        assert caught.value.message == "Simulated bad request (fault directive)."


def test_429_carries_quota_help_and_retry_info_every_time(client: genai.Client) -> None:
    for _ in range(2):
        with pytest.raises(errors.ClientError) as caught:
            generate(client, "Explain tides [[fault:429]]")
        assert caught.value.code == 429 and caught.value.status == "RESOURCE_EXHAUSTED"

    details = caught.value.details["error"]["details"]
    assert [d["@type"].rsplit(".", 1)[1] for d in details] == ["QuotaFailure", "Help", "RetryInfo"]
    assert details[2]["retryDelay"] == "0s"
    assert details[0]["violations"][0]["quotaDimensions"]["model"] == MODEL


def test_429x2_fails_twice_then_succeeds_and_repeats(
    client: genai.Client, srv: OfflineServer
) -> None:
    prompt = "Explain tides [[fault:429x2]]"
    for _ in range(2):  # the counter resets after the success, so the pattern repeats
        for _attempt in range(2):
            with pytest.raises(errors.ClientError) as caught:
                generate(client, prompt)
            assert caught.value.code == 429
        reply = generate(client, prompt)
        assert "tides" in reply.text and "[[" not in reply.text
    assert len([r for r in srv.requests if r.action == "generateContent"]) == 6


def test_429x2_is_absorbed_by_sdk_retries(srv: OfflineServer) -> None:
    retrying = genai.Client(
        api_key="test-key",
        http_options=types.HttpOptions(
            base_url=srv.url,
            retry_options=types.HttpRetryOptions(
                attempts=3, initial_delay=0.01, max_delay=0.05, http_status_codes=[429]
            ),
        ),
    )

    reply = retrying.models.generate_content(model=MODEL, contents="Explain tides [[fault:429x2]]")

    assert reply.text
    assert len(srv.requests) == 3


def test_timeout_fault_makes_the_client_time_out(srv: OfflineServer) -> None:
    impatient = genai.Client(
        api_key="test-key", http_options=types.HttpOptions(base_url=srv.url, timeout=1000)
    )

    with pytest.raises(httpx2.TimeoutException):
        impatient.models.generate_content(model=MODEL, contents="Explain tides [[fault:timeout]]")


def test_cut_drops_a_non_streamed_reply(client: genai.Client) -> None:
    with pytest.raises(httpx2.RemoteProtocolError):
        generate(client, "Explain tides [[fault:cut]]")


def test_cut_stream_stops_early_without_finish_reason(client: genai.Client) -> None:
    chunks = list(stream(client, "Explain tides [[fault:cut]]", temperature=0))
    full = generate(client, "Explain tides", temperature=0).text

    text = "".join(c.text or "" for c in chunks)
    assert chunks and full.startswith(text) and len(text) < len(full)
    assert all(c.candidates[0].finish_reason is None for c in chunks)


def test_midstream_error_raises_after_earlier_chunks(client: genai.Client) -> None:
    received = []
    with pytest.raises(errors.APIError) as caught:
        for chunk in stream(client, "Explain tides [[fault:midstream]]"):
            received.append(chunk)

    assert received and received[0].text
    assert caught.value.code == 500 and caught.value.status == "INTERNAL"


def test_midstream_without_streaming_is_a_500(client: genai.Client) -> None:
    with pytest.raises(errors.ServerError) as caught:
        generate(client, "Explain tides [[fault:midstream]]")

    assert caught.value.code == 500


def test_block_returns_prompt_feedback_and_no_candidates(client: genai.Client) -> None:
    reply = generate(client, "Explain tides [[block:SAFETY]]")

    assert reply.prompt_feedback.block_reason == types.BlockedReason.SAFETY
    assert reply.prompt_feedback.safety_ratings
    assert reply.candidates is None and reply.text is None
    usage = reply.usage_metadata
    assert usage.candidates_token_count is None
    assert usage.total_token_count == usage.prompt_token_count > 0


def test_block_in_a_stream_is_one_event(client: genai.Client) -> None:
    chunks = list(stream(client, "Explain tides [[block:PROHIBITED_CONTENT]]"))

    assert len(chunks) == 1
    assert chunks[0].prompt_feedback.block_reason == types.BlockedReason.PROHIBITED_CONTENT


def test_finish_safety_gives_a_candidate_with_empty_content(client: genai.Client) -> None:
    reply = generate(client, "Explain tides [[finish:SAFETY]]")

    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason.SAFETY
    # As recorded: "content": {} (the SDK gives Content() with parts None).
    assert candidate.content == types.Content() and reply.text is None
    blocked = [r for r in candidate.safety_ratings if r.blocked]
    assert len(blocked) == 1 and blocked[0].probability == types.HarmProbability.HIGH


def test_finish_recitation_gives_no_content(client: genai.Client) -> None:
    reply = generate(client, "Explain tides [[finish:RECITATION]]")

    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason.RECITATION
    # As recorded: no content at all.
    assert candidate.content is None and reply.text is None


def test_any_finish_reason_name_is_accepted(client: genai.Client) -> None:
    reply = generate(client, "Draw a cat [[finish:NO_IMAGE]]")

    assert reply.candidates[0].finish_reason == types.FinishReason.NO_IMAGE


def test_unknown_directive_is_a_400_listing_the_accepted_ones(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        generate(client, "Explain tides [[fault:418]]")

    assert caught.value.code == 400 and "[[fault:418]]" in caught.value.message


def test_directives_in_earlier_turns_are_ignored(client: genai.Client) -> None:
    history = [
        types.Content(role="user", parts=[types.Part(text="Explain tides [[fault:500]]")]),
        types.Content(role="model", parts=[types.Part(text="Sorry, that failed.")]),
    ]

    reply = client.chats.create(model=MODEL, history=history).send_message("Try again please")

    assert "Moon's gravity" in reply.text  # tides again, the fault not repeated

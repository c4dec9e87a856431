"""Fault directive parsing and the fail-N-times counter."""

from __future__ import annotations

import pytest

from gemini_offline.errors import ApiError
from gemini_offline.faults import Directives, FaultCounter, fault_error, parse_directives


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Explain tides", Directives()),
        ("Explain tides [[fault:429]]", Directives(fault_code=429)),
        ("[[FAULT:503x3]] Explain tides", Directives(fault_code=503, fault_times=3)),
        ("Explain [[fault:timeout]] tides", Directives(transport="timeout")),
        ("Explain tides [[fault:cut]]", Directives(transport="cut")),
        ("Explain tides [[fault:midstream]]", Directives(transport="midstream")),
        ("Explain tides [[block:safety]]", Directives(block="SAFETY")),
        ("Explain tides [[finish:RECITATION]]", Directives(finish="RECITATION")),
        (
            "Explain tides [[fault:500x2]] [[finish:STOP]]",
            Directives(fault_code=500, fault_times=2, finish="STOP"),
        ),
        ("Explain tides [[image-mime:image/SVG+xml]]", Directives(image_mime="image/svg+xml")),
        ("[[Image-Mime: text/html]] Explain tides", Directives(image_mime="text/html")),
        ("Explain tides [[url:paywall]]", Directives(url_status="PAYWALL")),
        ("[[url:URL_RETRIEVAL_STATUS_UNSAFE]] Explain tides", Directives(url_status="UNSAFE")),
    ],
)
def test_directives_are_found_and_stripped(prompt: str, expected: Directives) -> None:
    text, found = parse_directives(prompt)

    assert found == expected
    assert text == "Explain tides"


@pytest.mark.parametrize(
    "bad",
    [
        "[[fault:418]]",
        "[[fault:slow]]",
        "[[block:MEAN]]",
        "[[finish:DONE]]",
        "[[image-mime:svg]]",
        "[[image-mime:]]",
        "[[url:BROKEN]]",
        "[[url:URL_RETRIEVAL_STATUS_UNSPECIFIED]]",
    ],
)
def test_unknown_directive_values_are_a_400(bad: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_directives(f"Explain tides {bad}")

    assert caught.value.code == 400 and bad in caught.value.message


def test_counter_fails_n_times_then_succeeds_then_repeats() -> None:
    counter = FaultCounter()

    pattern = [counter.should_fail("a", 2) for _ in range(6)]

    assert pattern == [True, True, False, True, True, False]
    assert counter.should_fail("b", 1) is True  # keys are independent


def test_429_error_has_quota_help_and_retry_info() -> None:
    body = fault_error(429, "gemini-2.5-flash", 1.5).body()["error"]

    assert body["code"] == 429 and body["status"] == "RESOURCE_EXHAUSTED"
    assert body["details"][-1] == {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": "1.5s",
    }

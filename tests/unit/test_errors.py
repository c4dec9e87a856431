"""Every recorded error body maps to the right PlaygroundError, message and remedy."""

import httpx2
import pytest
from google.genai import errors as genai_errors

from playground.errors import (
    ApiError,
    BadInput,
    TransportError,
    from_api_error,
    from_exception,
    parse_duration,
    redact,
)
from tests.conftest import wire_json


def sdk_error(name: str) -> genai_errors.APIError:
    body = wire_json(name)
    code = body["error"]["code"]
    cls = genai_errors.ClientError if code < 500 else genai_errors.ServerError
    return cls(code, body)


@pytest.mark.parametrize(
    ("name", "kind", "retryable", "message_part", "remedy_part"),
    [
        (
            "error_400_invalid_argument_api_key_invalid.json",
            "bad_key",
            False,
            "API key not valid",
            "Check the API key",
        ),
        (
            "error_404_model_not_found_generateContent.json",
            "not_found",
            False,
            "gemini-3.6-flahs is not found",
            "Pick another model",
        ),
        (
            "error_429_resource_exhausted_rpm_freetier_gemini-2.5-flash.json",
            "rate_limited",
            True,
            "exceeded your current quota",
            "waiting 15 s",
        ),
        (
            "error_503_unavailable_model_overloaded.json",
            "unavailable",
            True,
            "The model is overloaded",
            "Try again in a moment",
        ),
    ],
)
def test_recorded_error_bodies_map(name, kind, retryable, message_part, remedy_part):
    error = from_exception(sdk_error(name))
    assert isinstance(error, ApiError)
    body = wire_json(name)["error"]
    assert (error.code, error.status) == (body["code"], body["status"])
    assert error.kind == kind and error.retryable is retryable
    assert message_part in error.message and remedy_part in error.remedy
    assert error.title == f"{body['code']} {body['status']}"


def test_retry_info_is_read():
    name = "error_429_resource_exhausted_rpm_freetier_gemini-2.5-flash.json"
    error = from_exception(sdk_error(name))
    assert error.retry_after_s == 15.0


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        (403, "PERMISSION_DENIED", "permission_denied"),
        (500, "INTERNAL", "server_error"),
        (504, "DEADLINE_EXCEEDED", "deadline"),
        (400, "INVALID_ARGUMENT", "invalid_argument"),
    ],
)
def test_other_statuses(code, status, kind):
    body = {"error": {"code": code, "message": "m", "status": status}}
    error = from_api_error(code, status, "m", body)
    assert error.kind == kind and error.retryable is False and error.remedy


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx2.ReadTimeout("read timed out"), "timeout"),
        (httpx2.ConnectError("refused"), "connection_failed"),
        (httpx2.RemoteProtocolError("peer closed"), "connection_dropped"),
    ],
)
def test_transport_failures(exc, kind):
    error = from_exception(exc)
    assert isinstance(error, TransportError) and error.kind == kind and error.remedy


def test_programming_errors_are_not_swallowed():
    with pytest.raises(TypeError):
        from_exception(KeyError("bug"))


def test_missing_key_value_error_is_bad_input():
    error = from_exception(ValueError("No API key was provided"))
    assert isinstance(error, BadInput)


def test_keys_are_redacted_from_messages():
    key = "AIza" + "x" * 35
    body = {
        "error": {
            "code": 400,
            "message": f"bad key {key} and my-secret-key",
            "status": "INVALID_ARGUMENT",
        }
    }
    error = from_api_error(
        400, "INVALID_ARGUMENT", body["error"]["message"], body, secrets=("my-secret-key",)
    )
    assert key not in error.message and "my-secret-key" not in error.message
    assert redact("x my-secret-key y", ("my-secret-key",)) == "x [redacted] y"


def test_durations():
    assert parse_duration("15s") == 15.0 and parse_duration("0.5s") == 0.5
    assert parse_duration("soon") is None and parse_duration(None) is None

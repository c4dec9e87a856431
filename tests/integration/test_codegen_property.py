"""Property: for random valid GenerationSettings, the exported Python snippet compiles and
sends the very request body the app sends (compared on the wire by gemini_offline)."""

from __future__ import annotations

import contextlib
import io

import pytest
from google.genai import errors as genai_errors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.codegen import render
from playground.errors import PlaygroundError
from playground.gemini import Gemini, RetryPolicy, build_request
from playground.settings import BLOCK_THRESHOLDS, HARM_CATEGORIES, GenerationSettings

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)
SCHEMAS = st.sampled_from(
    [
        None,
        {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        {"type": "array", "items": {"type": "integer"}, "minItems": 1},
    ]
)


@st.composite
def generation_settings(draw) -> GenerationSettings:
    response_format = draw(st.sampled_from(["text", "json"]))
    thinking_budget = draw(st.one_of(st.none(), st.sampled_from([-1, 0, 128, 1024])))
    return GenerationSettings(
        model="gemini-2.5-flash",
        system_instruction=draw(st.one_of(st.just(""), TEXT)),
        temperature=draw(st.floats(0, 2).map(lambda x: round(x, 2))),
        top_p=draw(st.floats(0, 1).map(lambda x: round(x, 2))),
        top_k=draw(st.one_of(st.none(), st.integers(1, 100))),
        max_output_tokens=draw(st.integers(1, 8192)),
        stop_sequences=draw(st.lists(TEXT, max_size=5)),
        candidate_count=draw(st.integers(1, 4)),
        seed=draw(st.one_of(st.none(), st.integers(0, 2**31 - 1))),
        presence_penalty=draw(st.floats(-2, 1.9).map(lambda x: round(x, 1))),
        frequency_penalty=draw(st.floats(-2, 1.9).map(lambda x: round(x, 1))),
        response_format=response_format,
        response_schema=draw(SCHEMAS) if response_format == "json" else None,
        thinking_budget=thinking_budget,
        include_thoughts=draw(st.booleans()) if thinking_budget != 0 else False,
        safety=draw(
            st.dictionaries(
                st.sampled_from(list(HARM_CATEGORIES)),
                st.sampled_from(BLOCK_THRESHOLDS),
                max_size=4,
            )
        ),
    )


@pytest.fixture(scope="module")
def wire_env(srv):
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("GOOGLE_API_KEY", raising=False)
        patch.setenv("GEMINI_API_KEY", "snippet-key")
        patch.setenv("GOOGLE_GEMINI_BASE_URL", srv.url)
        yield


def last_body(srv) -> dict:
    recorded = srv.last("generateContent")
    assert recorded is not None
    return recorded.body


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=generation_settings(), prompt=TEXT.filter(str.strip))
def test_python_snippet_sends_the_same_body(chosen, prompt, client, srv, wire_env):
    request = build_request(chosen, prompt)
    with contextlib.suppress(PlaygroundError):
        Gemini(client, RetryPolicy(attempts=1)).generate(request)
    app_body = last_body(srv)
    srv.clear_requests()  # so the snippet's own request is the only one to compare
    code = render(request).python
    compiled = compile(code, "gemini_request.py", "exec")
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.suppress(genai_errors.APIError, TypeError, IndexError),
    ):
        exec(compiled, {"__name__": "__main__"})  # blocked or failed replies print nothing
    assert last_body(srv) == app_body

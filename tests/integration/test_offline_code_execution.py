"""Code execution through the real SDK: executableCode / codeExecutionResult pairs in order,
several runs, a failed run, right answers for arithmetic, and nothing from the request run."""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from google import genai
from google.genai import types

from tests.conftest import wire_json

from .test_offline_shapes import recorded, through_sdk

__all__ = ["recorded"]

MODEL = "gemini-2.5-flash"
CODE = types.Tool(code_execution=types.ToolCodeExecution())


def run(client: genai.Client, prompt: str, model: str = MODEL, **config: Any):
    cfg = types.GenerateContentConfig(tools=[CODE], **config)
    return client.models.generate_content(model=model, contents=prompt, config=cfg)


def kinds(reply: types.GenerateContentResponse) -> list[str]:
    out = []
    for part in reply.parts:
        if part.executable_code:
            out.append("code")
        elif part.code_execution_result:
            out.append("result")
        elif part.text is not None:
            out.append("thought" if part.thought else "text")
    return out


@pytest.mark.parametrize(
    ("prompt", "output"),
    [
        ("What is 12 * 7?", "84\n"),
        ("Compute (3 + 4) * 5 - 2 ** 3", "27\n"),
        ("What is 2^10?", "1024\n"),
        ("What's 15 divided by 4?", "3.75\n"),
        ("What is 0.1 + 0.2?", "0.30000000000000004\n"),
        ("Calculate -7 // 2 and tell me", "-4\n"),
        ("What is the average of 3, 5 and 10?", "6.0\n"),
    ],
)
def test_arithmetic_is_run_and_answered_right(
    client: genai.Client, prompt: str, output: str
) -> None:
    reply = run(client, prompt)

    assert kinds(reply) == ["code", "result", "text"]
    code = reply.executable_code
    assert reply.parts[0].executable_code.language == types.Language.PYTHON
    assert "print(" in code
    result = reply.parts[1].code_execution_result
    assert result.outcome == types.Outcome.OUTCOME_OK and result.output == output
    assert reply.code_execution_result == output
    assert f"**{output.strip()}**" in reply.text


def test_several_calculations_give_several_runs_in_order(client: genai.Client) -> None:
    reply = run(client, "What is 6 * 7, and what is 100 - 58 + 3?")

    assert kinds(reply) == ["code", "result", "code", "result", "text"]
    outputs = [p.code_execution_result.output for p in reply.parts if p.code_execution_result]
    assert outputs == ["42\n", "45\n"]


def test_division_by_zero_is_a_failed_run(client: genai.Client) -> None:
    reply = run(client, "What is 1 / 0? And 2 + 2?")

    first, second = (p.code_execution_result for p in reply.parts if p.code_execution_result)
    assert first.outcome == types.Outcome.OUTCOME_FAILED
    assert first.output.startswith("Traceback (most recent call last):")
    assert first.output.rstrip().endswith("ZeroDivisionError: division by zero")
    assert second.outcome == types.Outcome.OUTCOME_OK and second.output == "4\n"
    assert "ZeroDivisionError" in reply.text


def test_code_in_the_request_is_never_run(client: genai.Client, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    prompt = f"What is __import__('pathlib').Path({str(marker)!r}).touch() or 1 + 1?"
    reply = run(client, prompt)

    assert not marker.exists()
    # Only the plain arithmetic at the end is a calculation.
    assert [p.code_execution_result.output for p in reply.parts if p.code_execution_result] == [
        "2\n"
    ]
    assert "__import__" not in (reply.executable_code or "")


def test_huge_powers_are_not_computed(client: genai.Client) -> None:
    reply = run(client, "What is 9 ** 9 ** 9?")

    assert reply.executable_code is None and reply.text


def test_a_prompt_without_a_calculation_is_answered_in_words(client: genai.Client) -> None:
    reply = run(client, "Tell me about the history of Python")

    assert kinds(reply) == ["text"]
    assert reply.usage_metadata.tool_use_prompt_token_count is None


def test_usage_counts_the_runs(client: genai.Client) -> None:
    usage = run(client, "What is 12 * 7?").usage_metadata

    assert usage.tool_use_prompt_token_count > 0
    assert usage.total_token_count == (
        usage.prompt_token_count
        + usage.candidates_token_count
        + (usage.thoughts_token_count or 0)
        + usage.tool_use_prompt_token_count
    )


def test_gemini_3_signs_the_first_part(client: genai.Client) -> None:
    reply = run(client, "What is 12 * 7?", model="gemini-3-pro-preview")

    assert [bool(p.thought_signature) for p in reply.parts] == [True, False, False]


def test_a_stream_sends_code_result_and_text_in_order(client: genai.Client) -> None:
    cfg = types.GenerateContentConfig(tools=[CODE])
    chunks = list(
        client.models.generate_content_stream(model=MODEL, contents="What is 12 * 7?", config=cfg)
    )

    assert chunks[0].executable_code and chunks[1].code_execution_result == "84\n"
    assert "**84**" in "".join(c.text or "" for c in chunks[2:])
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP


def _shape(reply: types.GenerateContentResponse) -> dict[str, Any]:
    return {
        "kinds": kinds(reply),
        "code": sorted(k for k, v in reply.parts[0].executable_code if v is not None),
        "result": sorted(k for k, v in reply.parts[1].code_execution_result if v is not None),
        "usage": sorted(k for k, v in reply.usage_metadata if v is not None),
    }


def test_the_offline_reply_reads_like_the_recorded_one(
    client: genai.Client, recorded: ThreadingHTTPServer
) -> None:
    real = through_sdk(recorded, wire_json("tool_code_execution_gemini-2.5-pro.json"), MODEL)
    offline = run(client, "What is 12 * 7?", model="gemini-2.5-pro")

    assert _shape(offline) == _shape(real)

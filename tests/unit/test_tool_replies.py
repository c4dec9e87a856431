"""The reply model and the citation markers for tool output: recorded real bodies (search,
code execution, URL context), parallel function calls, several code runs, non-ASCII text."""

from __future__ import annotations

from playground.citations import cite
from playground.reply import Reply, Support
from tests.conftest import wire_json


def test_a_recorded_search_answer_has_sources_queries_supports_and_suggestions():
    reply = Reply.from_wire(wire_json("tool_google_search_gemini-2.5-pro.json"))
    grounding = reply.first.grounding
    assert grounding.queries and grounding.sources and grounding.supports
    assert all(uri.startswith("https://") for _, uri in grounding.sources)
    assert grounding.suggestions_html and "<" in grounding.suggestions_html
    assert reply.usage.tool_prompt_tokens > 0
    text_part = next(p for p in reply.first.parts if p.kind == "text")
    cited = cite(text_part.text, grounding.supports, grounding.sources, text_part.part_index)
    assert cited != text_part.text and "[[1]](https://" in cited
    # each marker comes right after the exact bytes its support names
    data = text_part.text.encode("utf-8")
    first = min(grounding.supports, key=lambda s: s.end)
    before = data[: first.end].decode("utf-8")
    assert cited.startswith(before + " [[")


def test_citations_use_utf8_byte_offsets_not_characters():
    text = "Café au lait is French. Crème brûlée is too."
    first_end = len("Café au lait is French.".encode())  # 24 bytes, 23 characters
    supports = [
        Support(0, 0, first_end, (0,)),
        Support(0, first_end + 1, len(text.encode()), (1, 0)),
    ]
    sources = [("Le Monde", "https://example.fr/a"), ("Wiki (FR)", "https://example.fr/b (1)")]
    cited = cite(text, supports, sources)
    assert cited == (
        "Café au lait is French. [[1]](https://example.fr/a) Crème brûlée is too."
        " [[1]](https://example.fr/a)[[2]](https://example.fr/b%20%281%29)"
    )
    # an offset inside a multi-byte character moves to the end of that character
    inside = cite("é!", [Support(0, 0, 1, (0,))], sources[:1])
    assert inside == "é [[1]](https://example.fr/a)!"
    assert cite(text, supports, sources, part_index=1) == text  # supports of another part


def test_recorded_code_execution_and_url_context():
    code = Reply.from_wire(wire_json("tool_code_execution_gemini-2.5-pro.json")).first
    kinds = [p.kind for p in code.parts]
    assert kinds[:2] == ["code", "code_result"] and "text" in kinds
    assert code.parts[1].outcome == "OUTCOME_OK" and code.parts[1].text.strip()
    urls = Reply.from_wire(wire_json("tool_url_context_gemini-2.5-flash.json")).first.grounding
    assert urls.urls and all(status.startswith("URL_RETRIEVAL_STATUS_") for _, status in urls.urls)


def test_parallel_calls_several_runs_and_mixed_parts_keep_their_order():
    body = {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {"text": "Planning the sums.", "thought": True},
                        {"executableCode": {"language": "PYTHON", "code": "print(2 + 2)"}},
                        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "4\n"}},
                        {"executableCode": {"language": "PYTHON", "code": "print(1 / 0)"}},
                        {
                            "codeExecutionResult": {
                                "outcome": "OUTCOME_FAILED",
                                "output": "ZeroDivisionError: division by zero",
                            }
                        },
                        {"text": "2 + 2 is 4; 1 / 0 fails."},
                        {"functionCall": {"name": "find_theaters", "args": {"location": "Köln"}}},
                        {
                            "functionCall": {
                                "name": "find_movies",
                                "args": {"description": "Barbie"},
                            }
                        },
                    ],
                },
                "finishReason": "STOP",
            }
        ]
    }
    candidate = Reply.from_wire(body).first
    assert [p.kind for p in candidate.parts] == [
        "thought", "code", "code_result", "code", "code_result", "text",
        "function_call", "function_call",
    ]  # fmt: skip
    assert [p.outcome for p in candidate.parts if p.kind == "code_result"] == [
        "OUTCOME_OK",
        "OUTCOME_FAILED",
    ]
    assert [(c.text, c.args) for c in candidate.function_calls] == [
        ("find_theaters", {"location": "Köln"}),
        ("find_movies", {"description": "Barbie"}),
    ]
    assert candidate.text == "2 + 2 is 4; 1 / 0 fails." and candidate.grounding.empty

"""Server-side tool steps (toolCall / toolResponse parts, e.g. file search) in the reply
model: their kinds and order, the retrieved passages they bring, and the one-line summary
a step is shown with."""

from __future__ import annotations

from playground.citations import cite
from playground.reply import Reply, ReplyPart, step_sources, step_summary, tool_name

ANSWER = "Refunds are paid within 14 days. Café orders are final."


def file_search_body(*, with_steps: bool = True) -> dict:
    parts: list[dict] = []
    if with_steps:
        parts += [
            {
                "toolCall": {
                    "id": "fs-1",
                    "toolType": "FILE_SEARCH",
                    "args": {"query": "refund policy"},
                },
                "thoughtSignature": "c2lnbmVk",
            },
            {"toolResponse": {"id": "fs-1", "toolType": "FILE_SEARCH", "response": {"hits": 2}}},
        ]
    parts.append({"text": ANSWER})
    first_end = len(b"Refunds are paid within 14 days.")
    return {
        "candidates": [
            {
                "index": 0,
                "content": {"role": "model", "parts": parts},
                "finishReason": "STOP",
                "groundingMetadata": {
                    "groundingChunks": [
                        {
                            "retrievedContext": {
                                "title": "refunds.pdf",
                                "text": "Refunds are paid within 14 days of the return.",
                                "fileSearchStore": "fileSearchStores/shop-docs",
                            }
                        },
                        {"web": {"uri": "https://example.com/cafe", "title": "example.com"}},
                        {
                            "retrievedContext": {
                                "uri": "https://docs.example.com/terms",
                                "title": "terms.md",
                                "text": "Café orders cannot be returned.",
                            }
                        },
                    ],
                    "groundingSupports": [
                        {
                            "segment": {"partIndex": len(parts) - 1, "endIndex": first_end},
                            "groundingChunkIndices": [0],
                        },
                        {
                            "segment": {
                                "partIndex": len(parts) - 1,
                                "startIndex": first_end + 1,
                                "endIndex": len(ANSWER.encode()),
                            },
                            "groundingChunkIndices": [2, 1],
                        },
                    ],
                },
            }
        ],
        "usageMetadata": {"promptTokenCount": 30, "toolUsePromptTokenCount": 120},
    }


def test_tool_call_and_response_parts_keep_their_order_type_and_id():
    candidate = Reply.from_wire(file_search_body()).first
    assert [p.kind for p in candidate.parts] == ["tool_call", "tool_response", "text"]
    call, response, _ = candidate.parts
    assert (call.text, call.call_id, call.args) == (
        "FILE_SEARCH",
        "fs-1",
        {"query": "refund policy"},
    )
    assert (response.text, response.call_id, response.args) == ("FILE_SEARCH", "fs-1", {"hits": 2})
    assert call.tool_label == "File search"
    assert candidate.tool_steps == [call, response]


def test_retrieved_passages_keep_their_place_among_all_sources():
    reply = Reply.from_wire(file_search_body())
    grounding = reply.first.grounding
    assert grounding.sources == (
        ("refunds.pdf", ""),
        ("example.com", "https://example.com/cafe"),
        ("terms.md", "https://docs.example.com/terms"),
    )
    assert [(r.number, r.title, r.store) for r in grounding.retrieved] == [
        (1, "refunds.pdf", "fileSearchStores/shop-docs"),
        (3, "terms.md", ""),
    ]
    assert grounding.retrieved[0].text.startswith("Refunds are paid")
    assert reply.usage.tool_prompt_tokens == 120
    text = reply.first.parts[-1]
    cited = cite(text.text, grounding.supports, grounding.sources, text.part_index)
    assert cited == (
        "Refunds are paid within 14 days. [1] Café orders are final."
        " [[2]](https://example.com/cafe)[[3]](https://docs.example.com/terms)"
    )


def test_the_passages_are_shown_with_the_last_tool_response_only():
    candidate = Reply.from_wire(file_search_body()).first
    call, response, text = candidate.parts
    assert step_sources(candidate, response) == candidate.grounding.retrieved
    assert step_sources(candidate, call) == ()
    assert step_sources(candidate, text) == ()
    bare = Reply.from_wire(file_search_body(with_steps=False)).first
    assert bare.tool_steps == [] and len(bare.grounding.retrieved) == 2


def test_a_step_summary_is_its_query_or_short_json():
    def step(args: dict) -> ReplyPart:
        return ReplyPart("tool_call", text="FILE_SEARCH", args=args)

    assert step_summary(step({"query": "  refund\n policy "})) == "refund policy"
    assert step_summary(step({"queries": ["a", "b"]})) == "a · b"
    assert step_summary(step({"top_k": 3})) == '{"top_k": 3}'
    assert step_summary(step({})) == ""
    long = step_summary(step({"query": "x" * 500}), limit=50)
    assert len(long) == 50 and long.endswith("…")


def test_tool_types_in_words():
    assert tool_name("FILE_SEARCH") == "File search"
    assert tool_name("GOOGLE_MAPS") == "Google Maps"
    assert tool_name("SOME_NEW_TOOL") == "Some new tool"
    assert tool_name("") == tool_name("TOOL_TYPE_UNSPECIFIED") == "Server tool"

"""The offline tokeniser and prompt counting."""

from __future__ import annotations

from gemini_offline.tokens import (
    BLOB_TOKENS,
    count_prompt,
    count_tokens,
    modality_details,
    tokenize,
    truncate_to_tokens,
)


def test_words_and_punctuation_are_tokens() -> None:
    assert tokenize("Hello, world! It's 2024.") == [
        "Hello",
        ",",
        "world",
        "!",
        "It",
        "'",
        "s",
        "2024",
        ".",
    ]
    assert count_tokens("") == 0
    assert count_tokens("  \n ") == 0


def test_truncate_keeps_exactly_n_tokens_and_the_text_between_them() -> None:
    text = "The capital of France is Paris, of course."

    assert truncate_to_tokens(text, 5) == "The capital of France is"
    assert truncate_to_tokens(text, 7) == "The capital of France is Paris,"
    assert truncate_to_tokens(text, 0) == ""
    assert truncate_to_tokens(text, 99) == text
    for n in range(count_tokens(text) + 1):
        assert count_tokens(truncate_to_tokens(text, n)) == n


def test_prompt_counts_system_text_and_blobs_by_modality() -> None:
    contents = [
        {
            "role": "user",
            "parts": [
                {"text": "Look at this"},
                {"inlineData": {"mimeType": "image/png", "data": ""}},
            ],
        },
        {"role": "model", "parts": [{"text": "A cat."}]},
        {"role": "user", "parts": [{"fileData": {"mimeType": "application/pdf", "fileUri": "x"}}]},
    ]

    totals = count_prompt(contents, {"parts": [{"text": "Be brief"}]})

    assert totals == {"TEXT": 2 + 3 + 3, "IMAGE": BLOB_TOKENS, "DOCUMENT": BLOB_TOKENS}
    assert modality_details(totals) == [
        {"modality": "TEXT", "tokenCount": 8},
        {"modality": "IMAGE", "tokenCount": 258},
        {"modality": "DOCUMENT", "tokenCount": 258},
    ]

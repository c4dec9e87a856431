"""Demo polish decisions (#14, part 4): is offline a choice, Markdown-safe previews, and
when a spread is worth a box plot."""

from __future__ import annotations

from playground.connection import key_available
from playground.tuning import MIN_BOX_SAMPLES, box_variants, escape_markdown, preview


def test_offline_is_a_choice_only_with_some_way_to_gemini():
    assert not key_available(session_key=None, secrets_key=None, env={})
    assert not key_available(session_key="  ", secrets_key="", env={"GEMINI_API_KEY": " "})
    assert key_available(session_key="k", secrets_key=None, env={})
    assert key_available(session_key=None, secrets_key="s", env={})
    assert key_available(session_key=None, secrets_key=None, env={"GOOGLE_API_KEY": "g"})
    assert key_available(
        session_key=None, secrets_key=None, env={"GOOGLE_GENAI_USE_VERTEXAI": "true"}
    )


def test_markdown_is_escaped_so_it_shows_literally():
    assert escape_markdown("gemini_offline") == r"gemini\_offline"
    assert escape_markdown("*a* [b](c) # d `e`") == r"\*a\* \[b\]\(c\) \# d \`e\`"


def test_preview_is_one_escaped_line_cut_at_a_word():
    assert preview("Use gemini_offline\n\nnow") == r"Use gemini\_offline now"
    long = preview("word " * 100, limit=23)
    assert long == "word word word word…" and len(long) <= 24
    assert preview("   ", empty="(none)") == "(none)"
    assert preview("x" * 50, limit=10) == "xxxxxxxxxx…"


def test_a_box_needs_enough_values():
    counts = {"A": MIN_BOX_SAMPLES, "B": MIN_BOX_SAMPLES - 1, "C": 10}
    assert box_variants(counts) == ["A", "C"]
    assert box_variants({"A": 1, "B": 2}) == []

"""Compare's decisions: the columns' models, setup checks, labels, figures, the vote and
the word diff."""

from __future__ import annotations

import pytest
from google.genai import types

from playground.compare import (
    BREAK,
    Column,
    CompareRun,
    check_setup,
    column_labels,
    figures,
    fill_models,
    model_key,
    word_diff,
    words,
)
from playground.errors import BadInput
from playground.gemini import GenerateRequest
from playground.reply import Reply, Timing

IDS = ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-3-pro-preview"]
NAMES = {"gemini-2.5-flash": "Gemini 2.5 Flash", "gemini-2.5-pro": "Gemini 2.5 Pro"}


def test_columns_start_with_the_shared_model_then_different_ones():
    assert fill_models([None, None], IDS, "gemini-2.5-pro") == [
        "gemini-2.5-pro",
        "gemini-2.5-flash",
    ]
    assert fill_models([None] * 3, IDS, "unknown") == IDS


def test_a_chosen_model_is_kept_and_a_new_column_takes_an_unused_one():
    assert fill_models(["gemini-3-pro-preview", None], IDS, "gemini-2.5-flash") == [
        "gemini-3-pro-preview",
        "gemini-2.5-flash",
    ]
    assert fill_models([None, "gemini-2.5-flash"], IDS, "gemini-2.5-flash") == [
        "gemini-2.5-pro",
        "gemini-2.5-flash",
    ]
    # a model no longer in the catalogue is replaced
    assert fill_models(["gone", "gemini-2.5-pro"], IDS, "gemini-2.5-flash")[0] == "gemini-2.5-flash"


def test_more_columns_than_models_repeat_models():
    assert fill_models([None] * 4, IDS[:2], IDS[0]) == [IDS[0], IDS[1], IDS[0], IDS[1]]
    assert fill_models([None], [], "x") == []


def test_model_keys_are_per_column():
    assert model_key(0) == "compare.model.0" and model_key(3) == "compare.model.3"


def test_setup_needs_two_to_four_known_models():
    check_setup(IDS[:2], IDS)
    with pytest.raises(BadInput, match="2 to 4 columns; 1 chosen"):
        check_setup(IDS[:1], IDS)
    with pytest.raises(BadInput, match="2 to 4 columns; 5 chosen"):
        check_setup(IDS[:1] * 5, IDS)
    with pytest.raises(BadInput, match="No model named gemini-9"):
        check_setup([IDS[0], "gemini-9"], IDS)


def test_labels_are_display_names_and_repeats_are_numbered():
    assert column_labels(IDS, NAMES) == [
        "Gemini 2.5 Flash",
        "Gemini 2.5 Pro",
        "gemini-3-pro-preview",
    ]
    assert column_labels([IDS[0], IDS[1], IDS[0]], NAMES) == [
        "Gemini 2.5 Flash #1",
        "Gemini 2.5 Pro",
        "Gemini 2.5 Flash #2",
    ]


def test_figures_before_and_after_the_first_token():
    waiting = figures(Timing(latency_s=0.4), 0)
    assert (waiting.first_token, waiting.tokens_per_s, waiting.output_tokens) == ("—", "—", "0")
    assert waiting.latency == "0.40 s"
    timing = Timing(latency_s=2.5, first_token_s=0.5, chunks=3, timeline=((0.5, 10), (1.5, 1200)))
    done = figures(timing, 1200)
    assert done.first_token == "0.50 s" and done.tokens_per_s == "1,200"
    assert done.output_tokens == "1,200" and done.latency == "2.50 s"
    line = done.line()
    assert "First token **0.50 s**" in line and "**1,200** tokens/s" in line
    assert "latency **2.50 s**" in line


def _request(model: str) -> GenerateRequest:
    return GenerateRequest(model, (), types.GenerateContentConfig(), stream=True)


def _reply(text: str) -> Reply:
    response = types.GenerateContentResponse(
        candidates=[
            types.Candidate(
                content=types.Content(role="model", parts=[types.Part(text=text)]),
                finish_reason=types.FinishReason.STOP,
            )
        ]
    )
    return Reply.from_response(response, Timing())


def test_the_vote_is_one_column_and_can_be_taken_back():
    run = CompareRun("p", [Column(m, m, _request(m)) for m in IDS[:2]])
    assert run.best is None and run.best_label is None
    run.vote(1)
    assert run.best == 1 and run.best_label == IDS[1]
    run.vote(0)
    assert run.best == 0
    run.vote(0)
    assert run.best is None
    with pytest.raises(IndexError):
        run.vote(2)


def test_replies_for_the_diff_skip_columns_without_text():
    columns = [Column(m, m, _request(m)) for m in IDS]
    columns[0].reply = _reply("one")
    columns[2].reply = _reply("three")
    assert CompareRun("p", columns).replies() == [(IDS[0], "one"), (IDS[2], "three")]


def test_word_diff_marks_insertions_and_deletions():
    diff = word_diff("the quick brown fox", "the slow brown fox jumps")
    assert diff.runs == (
        ("equal", ("the",)),
        ("delete", ("quick",)),
        ("insert", ("slow",)),
        ("equal", ("brown", "fox")),
        ("insert", ("jumps",)),
    )
    assert (diff.added, diff.removed, diff.same) == (2, 1, 3)
    assert diff.summary() == "2 words added, 1 removed; 75% of the first reply's words kept"
    assert diff.markdown() == "the :red[~~quick~~] :green[slow] brown fox :green[jumps]"


def test_word_diff_escapes_the_models_markdown():
    diff = word_diff("use **bold** and gemini_offline", "use [link](x) and gemini_offline")
    md = diff.markdown()
    assert r":red[~~\*\*bold\*\*~~]" in md
    assert r":green[\[link\]\(x\)]" in md
    assert md.endswith(r"and gemini\_offline")


def test_word_diff_ignores_spacing_and_handles_empty_texts():
    assert word_diff("a  b \t c", " a b c ").runs == (("equal", ("a", "b", "c")),)
    assert word_diff("", "").runs == ()
    assert word_diff("", "").summary().endswith("— of the first reply's words kept")
    assert word_diff("", "new").markdown() == ":green[new]"


def test_line_and_paragraph_breaks_are_kept_but_not_counted():
    assert words("a b\n\n\n\nc\nd") == ["a", "b", BREAK, BREAK, "c", BREAK, "d"]
    diff = word_diff("Title\n\n- one two\n- three", "Title\n\n- one 2\n- three\n\nEnd")
    assert (diff.added, diff.removed) == (2, 1)
    assert diff.markdown() == (
        "Title\n\n\\- one :red[~~two~~] :green[2]  \n\\- three\n\n:green[End]"
    )
    joined = word_diff("a\nb", "a b")  # a deleted break is dropped from the view
    assert joined.markdown() == "a b" and (joined.added, joined.removed) == (0, 0)

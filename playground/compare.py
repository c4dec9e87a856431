"""Compare: one prompt streamed to 2–4 columns, each a model. The decisions, no drawing.

Which models the columns start with, whether a setup can run, how the columns are labelled
(by what differs: the model's display name), the figures each column shows while its
stream arrives, the vote for the best column, and a word-level diff of two replies as
Streamlit Markdown (insertions `:green[…]`, deletions `:red[~~…~~]`, the words escaped).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from playground.errors import BadInput, PlaygroundError
from playground.gemini import GenerateRequest
from playground.reply import Reply, Timing
from playground.state import COMPARE_MODEL
from playground.tuning import escape_markdown

MIN_COLUMNS = 2
MAX_COLUMNS = 4
COLUMN_CHOICES = tuple(range(MIN_COLUMNS, MAX_COLUMNS + 1))


def model_key(index: int) -> str:
    """The session key of column `index`'s model widget."""
    return f"{COMPARE_MODEL}.{index}"


def fill_models(
    current: Sequence[str | None], available: Sequence[str], preferred: str
) -> list[str]:
    """Each column's model: the one it has if still available, otherwise the first model
    no other column uses yet (the shared model first, then catalogue order), so the
    columns start with different models while there are enough."""
    if not available:
        return []
    order = (
        [preferred, *[m for m in available if m != preferred]]
        if preferred in available
        else list(available)
    )
    kept = [m if m in available else None for m in current]
    chosen: list[str] = []
    for index, model in enumerate(kept):
        if model is None:
            taken = set(chosen) | {m for m in kept[index + 1 :] if m}
            free = [m for m in order if m not in taken]
            model = free[0] if free else order[index % len(order)]
        chosen.append(model)
    return chosen


def check_setup(models: Sequence[str], available: Sequence[str]) -> None:
    """BadInput unless there are 2–4 columns, each with a model from the catalogue."""
    if not MIN_COLUMNS <= len(models) <= MAX_COLUMNS:
        raise BadInput(
            f"Compare needs {MIN_COLUMNS} to {MAX_COLUMNS} columns; {len(models)} chosen.",
            f"Choose between {MIN_COLUMNS} and {MAX_COLUMNS} columns above the prompt.",
            kind="bad_compare",
        )
    unknown = [m for m in models if m not in available]
    if unknown:
        raise BadInput(
            f"No model named {', '.join(unknown)} is available to this connection.",
            "Pick another model for that column.",
            kind="bad_compare",
        )


def column_labels(models: Sequence[str], names: Mapping[str, str]) -> list[str]:
    """Each column's heading: the model's display name; a model chosen twice gets "#1",
    "#2" so the columns can still be told apart."""
    shown = [names.get(m, m) for m in models]
    labels = []
    for index, label in enumerate(shown):
        if shown.count(label) > 1:
            label = f"{label} #{shown[: index + 1].count(label)}"
        labels.append(label)
    return labels


@dataclass(frozen=True)
class Figures:
    """What one column shows next to its reply, as text (live or final)."""

    first_token: str
    tokens_per_s: str
    output_tokens: str
    latency: str

    def line(self) -> str:
        return (
            f"First token **{self.first_token}** · **{self.tokens_per_s}** tokens/s · "
            f"**{self.output_tokens}** output tokens · latency **{self.latency}**"
        )


def figures(timing: Timing, output_tokens: int) -> Figures:
    """Time to first token, tokens/s, output tokens and latency ("—" until known)."""
    return Figures(
        first_token=f"{timing.first_token_s:.2f} s" if timing.first_token_s is not None else "—",
        tokens_per_s=f"{timing.tokens_per_s:,.0f}" if timing.tokens_per_s else "—",
        output_tokens=f"{output_tokens:,}",
        latency=f"{timing.latency_s:.2f} s",
    )


@dataclass
class Column:
    """One column of a comparison: its model, heading, request, and how it went."""

    model: str
    label: str
    request: GenerateRequest
    reply: Reply | None = None
    error: PlaygroundError | None = None


@dataclass
class CompareRun:
    """A whole comparison, kept in the session: the prompt, the columns, the vote."""

    prompt: str
    columns: list[Column] = field(default_factory=list)
    best: int | None = None

    def vote(self, index: int) -> None:
        """Mark column `index` as the best (again on the same column: the vote is taken
        back)."""
        if not 0 <= index < len(self.columns):
            raise IndexError(index)
        self.best = None if self.best == index else index

    @property
    def best_label(self) -> str | None:
        return self.columns[self.best].label if self.best is not None else None

    def replies(self) -> list[tuple[str, str]]:
        """(label, reply text) of the columns that have text, for the diff."""
        return [(c.label, c.reply.text) for c in self.columns if c.reply and c.reply.text]


_WORD = re.compile(r"\S+")
BREAK = "\n"  # a line break, kept as a token of its own so the diff keeps the layout


def words(text: str) -> list[str]:
    """The words of a text, with a BREAK token per line break (at most two in a row: a
    paragraph break)."""
    tokens: list[str] = []
    for number, line in enumerate(text.strip().split("\n")):
        if number and tokens[-2:] != [BREAK, BREAK]:
            tokens.append(BREAK)
        tokens.extend(_WORD.findall(line))
    return tokens


def _count(run: tuple[str, ...]) -> int:
    return sum(1 for w in run if w != BREAK)


@dataclass(frozen=True)
class WordDiff:
    """A word-level diff of two texts: (op, words) runs, op in equal / insert / delete."""

    runs: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def added(self) -> int:
        return sum(_count(w) for op, w in self.runs if op == "insert")

    @property
    def removed(self) -> int:
        return sum(_count(w) for op, w in self.runs if op == "delete")

    @property
    def same(self) -> int:
        return sum(_count(w) for op, w in self.runs if op == "equal")

    def summary(self) -> str:
        total = self.same + self.removed
        share = f"{self.same / total:.0%}" if total else "—"
        return (
            f"{self.added:,} words added, {self.removed:,} removed; "
            f"{share} of the first reply's words kept"
        )

    def markdown(self, escape: Callable[[str], str] = escape_markdown) -> str:
        """Streamlit Markdown: kept words plain, insertions green, deletions red and struck
        through; every word escaped so the model's Markdown shows literally; line and
        paragraph breaks kept (a deleted break is dropped, an inserted one kept)."""
        out: list[str] = []  # coloured runs of words, and BREAKs between them
        for op, run in self.runs:
            for number, line in enumerate(_split_breaks(run)):
                if number and op != "delete":
                    out.append(BREAK)
                if line:
                    out.append(_coloured(op, escape(" ".join(line))))
        text = ""
        for piece in out:
            if piece == BREAK:
                text = text.rstrip(" ")
                if text.endswith("  \n"):  # a second break in a row: a new paragraph
                    text = text[:-3] + "\n\n"
                elif not text.endswith("\n\n"):
                    text += "  \n"  # a hard line break
            else:
                text += piece + " "
        return text.strip()


def _split_breaks(run: tuple[str, ...]) -> list[list[str]]:
    """The words of a run between its BREAKs (empty lists where breaks follow each other)."""
    lines: list[list[str]] = [[]]
    for word in run:
        if word == BREAK:
            lines.append([])
        else:
            lines[-1].append(word)
    return lines


def _coloured(op: str, text: str) -> str:
    if op == "insert":
        return f":green[{text}]"
    if op == "delete":
        return f":red[~~{text}~~]"
    return text


def word_diff(first: str, second: str) -> WordDiff:
    """How `second` differs from `first`, word by word (difflib over whitespace-split
    words)."""
    a, b = words(first), words(second)
    runs: list[tuple[str, tuple[str, ...]]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", tuple(a[i1:i2])))
        if op in ("delete", "replace"):
            runs.append(("delete", tuple(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", tuple(b[j1:j2])))
    return WordDiff(tuple(runs))

"""What a prompt asks for: its subject, and the shape the answer should take.

``Shape`` holds the structure words of a prompt ("three short paragraphs", "a list of 10",
"a haiku", "a long essay", "in one sentence"), which are taken out of the subject so that
"Explain how a rainbow forms in three short paragraphs" is about "how a rainbow forms"
and is answered in three paragraphs. Everything here is a pure function of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "a couple of": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_NUMBER = r"(\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
#: Plural nouns a list is made of ("10 tips", "five ideas", "3 reasons").
LIST_NOUNS = (
    "ideas|tips|ways|reasons|examples|facts|steps|things|questions|items|points|names|"
    "suggestions|options|benefits|ideas|places|books|habits|activities|mistakes|rules|"
    "strategies|techniques|tools|words|uses|features|advantages|questions|topics|titles"
)
MAX_ITEMS = 20
MAX_PARAGRAPHS = 12


def number(word: str) -> int:
    """``"three"`` → 3, ``"10"`` → 10."""
    word = word.lower().strip()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 0)


@dataclass(frozen=True)
class Shape:
    """The structure a prompt (or system instruction) asks the answer to take."""

    paragraphs: int | None = None
    items: int | None = None
    #: What the list items are ("tips", "ideas", "names", …).
    item_kind: str | None = None
    sentences: int | None = None
    #: "haiku", "limerick", "sonnet" or "poem".
    poem: str | None = None
    #: A long piece: an essay, "detailed", "in depth", or many words.
    long: bool = False
    #: "in a few words", "briefly".
    brief: bool = False
    #: For a child or a beginner.
    simple: bool = False


_PARAGRAPHS_RE = re.compile(
    rf"\b(?:in\s+|with\s+|using\s+)?{_NUMBER}\s+(?:short\s+|brief\s+|long\s+|concise\s+)?"
    r"paragraphs?\b",
    re.IGNORECASE,
)
_ITEMS_RE = re.compile(
    rf"\b(?:(?:a\s+)?(?:list|top)\s+(?:of\s+)?)?{_NUMBER}\s+"
    rf"(?:(?:\w+[\s-]){{0,2}}?)({LIST_NOUNS})\b",
    re.IGNORECASE,
)
_LIST_OF_RE = re.compile(rf"\b(?:a\s+)?list\s+of\s+{_NUMBER}\b", re.IGNORECASE)
_SENTENCES_RE = re.compile(rf"\b(?:in\s+)?{_NUMBER}\s+(?:short\s+)?sentences?\b", re.IGNORECASE)
_POEM_RE = re.compile(r"\b(haiku|limerick|sonnet|poem|verse|rhyme)s?\b", re.IGNORECASE)
_LONG_RE = re.compile(
    r"\b(?:essay|long|lengthy|detailed|thorough|in[- ]depth|in detail|comprehensive|"
    r"(?:[5-9]\d\d|\d{4})\s+words|(?:five|six|seven|eight|nine) hundred words|"
    r"a thousand words)\b",
    re.IGNORECASE,
)
_BRIEF_RE = re.compile(
    r"\b(?:in a few words|in (?:one|a) (?:word|line)|briefly|in short|tl;?dr|"
    r"in (?:\d|one|two|three|four|five|ten|twenty) words)\b",
    re.IGNORECASE,
)
_SIMPLE_RE = re.compile(
    r"\b(?:(?:to|for) a (?:\w+[- ]year[- ]old|child|kid|beginner)|like i'?m (?:five|5)|"
    r"eli5|in simple terms|simply|for beginners|for kids)\b",
    re.IGNORECASE,
)
#: Structure words removed from the subject, in this order.
_STRUCTURE_RES = (
    re.compile(
        rf",?\s*\b(?:in|with|using|as)\s+(?:a\s+)?(?:list of\s+)?{_NUMBER}\s+"
        r"(?:short\s+|brief\s+|long\s+|concise\s+)?(?:paragraphs?|sentences?|bullet points|"
        r"bullets|points|lines|words|steps)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r",?\s*\b(?:in a few words|in (?:one|a) (?:word|line)|in short|briefly|in simple terms|"
        r"simply|in detail|in depth)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r",?\s*\b(?:(?:to|for) a (?:\w+[- ]year[- ]old|child|kid|beginner)|like i'?m (?:five|5)|"
        r"for beginners|for kids)\b",
        re.IGNORECASE,
    ),
)


def shape_of(text: str) -> Shape:
    """The structure asked for in ``text`` (a prompt, or a prompt plus system instruction)."""
    paragraphs = _first_number(_PARAGRAPHS_RE, text)
    items, kind = None, None
    match = _ITEMS_RE.search(text)
    if match and number(match.group(1)) > 1:
        items, kind = number(match.group(1)), match.group(2).lower()
    elif (m := _LIST_OF_RE.search(text)) and number(m.group(1)) > 1:
        items = number(m.group(1))
    poem = None
    if m := _POEM_RE.search(text):
        word = m.group(1).lower()
        poem = {"verse": "poem", "rhyme": "poem"}.get(word, word)
    return Shape(
        paragraphs=min(paragraphs, MAX_PARAGRAPHS) if paragraphs else None,
        items=min(items, MAX_ITEMS) if items else None,
        item_kind=kind,
        sentences=_first_number(_SENTENCES_RE, text),
        poem=poem,
        long=bool(_LONG_RE.search(text)) and not _BRIEF_RE.search(text),
        brief=bool(_BRIEF_RE.search(text)),
        simple=bool(_SIMPLE_RE.search(text)),
    )


def _first_number(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    value = number(match.group(1)) if match else 0
    return value or None


def without_structure(phrase: str) -> str:
    """``phrase`` without its structure words ("how a rainbow forms, in three paragraphs"
    → "how a rainbow forms")."""
    for pattern in _STRUCTURE_RES:
        phrase = pattern.sub("", phrase)
    return re.sub(r"\s{2,}", " ", phrase).strip(" ,;:-")


def is_clause(phrase: str) -> bool:
    """True for a wh-clause subject ("how a rainbow forms"), which reads well after a
    preposition but not as the subject of a sentence."""
    return bool(re.match(r"(?:how|why|what|when|where|whether|who|which)\b", phrase, re.I))

"""The body of a simulated reply, one writer per kind of request.

A writer gets a :class:`Draft` (what is asked, about what, in which shape) and returns
Markdown blocks (paragraphs, lists, headings). Framing — persona, attachments, earlier
turns, the simulated label — is added around it by :mod:`.text`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import prose
from .asks import Shape, is_clause

SubjectWords = tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    """Everything a writer needs."""

    #: The subject, as a noun phrase or a wh-clause ("photosynthesis", "how AI works").
    subject: str
    keywords: SubjectWords
    intent: str
    shape: Shape
    prompt: str
    rng: random.Random
    #: Offsets the rotating lines (closings) so consecutive variations differ.
    rotation: int = 0
    known: prose.Known | None = None
    #: Keep to plain wording (a child, a beginner).
    simple: bool = False
    #: Above temperature 1 (0 to 1): the share of picked sentences that also get a
    #: hedging tail, so more of the reply's wording varies.
    spread: float = 0.0

    def slots(self) -> dict[str, str]:
        aspects = random.Random(self.subject).sample(prose.ASPECTS, 3)
        return {
            "t": self.subject,
            **{f"a{i + 1}": a for i, a in enumerate(aspects)},
            **{f"A{i + 1}": cap(a) for i, a in enumerate(aspects)},
            **{f"n{i + 1}": prose.ASPECT_NOTES[a] for i, a in enumerate(aspects)},
        }

    def fill(self, template: str) -> str:
        return template.format(**self.slots())

    def pick(self, bank: Sequence[str], k: int, *, in_order: bool = False) -> list[str]:
        """``k`` different entries of ``bank`` (repeating only when it is too small); kept
        in the bank's order when ``in_order`` (for sentences that build on each other)."""
        chosen: list[int] = []
        while len(chosen) < k:
            chosen += self.rng.sample(range(len(bank)), min(k - len(chosen), len(bank)))
        if in_order:
            chosen.sort()
        return [self.hedge(self.fill(bank[i])) for i in chosen]

    def hedge(self, sentence: str) -> str:
        """``sentence``, given a hedging tail with probability ``spread``."""
        if self.spread <= 0 or not re.search(r"[a-z]\.$", sentence):
            return sentence
        if self.rng.random() >= self.spread:
            return sentence
        return f"{sentence[:-1]}, {self.rng.choice(prose.HEDGES)}."

    def closing(self) -> str:
        """The closing line; consecutive rotations always give different ones."""
        return self.fill(prose.CLOSINGS[self.rotation % len(prose.CLOSINGS)])


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def uncap(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ("AI")."""
    first = text.split(" ", 1)[0]
    return text if first[1:2].isupper() else text[:1].lower() + text[1:]


def heading(text: str) -> str:
    return f"**{cap(text)}**"


# -- explanations ------------------------------------------------------------------------


def explain(d: Draft) -> list[str]:
    """The default answer: a heading, an opening paragraph, key points and a closing line;
    or exactly the paragraphs or sentences asked for."""
    if d.shape.paragraphs:
        return paragraphs(d, d.shape.paragraphs)
    if d.shape.sentences:
        return [" ".join(_sentences(d, d.shape.sentences))]
    if d.shape.long:
        return essay(d)
    if d.shape.brief:
        if d.known:  # two wordings, so that consecutive rotations differ
            gist = d.known.gist
            return [gist if d.rotation % 2 else f"In short: {uncap(gist)}"]
        return [d.fill(prose.BRIEF[d.rotation % len(prose.BRIEF)])]
    if d.known:
        facts = list(d.known.facts)
        title = heading(d.fill(d.rng.choice(prose.HEADINGS)))
        blocks = [title, " ".join([d.known.gist, *facts[:2]])]
        if len(facts) > 3:
            blocks.append("Key points:\n\n" + "\n".join(f"- {f}" for f in facts[2:]))
        elif facts[2:]:
            blocks.append(" ".join(facts[2:]))
        return [*blocks, d.closing()]
    opening = " ".join(_sentences(d, 3))
    points = "\n".join(f"- {d.fill(p)}" for p in prose.POINTS)
    return [
        heading(d.fill(d.rng.choice(prose.HEADINGS))),
        opening,
        f"Key points:\n\n{points}",
        d.closing(),
    ]


def _sentences(d: Draft, n: int) -> list[str]:
    """``n`` sentences that open an answer: the facts when the subject is known."""
    if d.known:
        facts = [d.known.gist, *d.known.facts]
        if n <= len(facts):
            return facts[:n]
        return facts + d.pick(prose.DETAILS, n - len(facts))
    return [d.fill(d.rng.choice(prose.INTROS)), *d.pick(prose.DETAILS, n - 1)]


def paragraphs(d: Draft, n: int) -> list[str]:
    """Exactly ``n`` paragraphs of three or four sentences each, no heading."""
    roles = _roles(n)
    out = []
    facts = list(d.known.facts) if d.known else []
    for i, role in enumerate(roles):
        if i == 0:
            lead = d.known.gist if d.known else d.fill(d.rng.choice(prose.INTROS))
            rest = facts[:2] if facts else d.pick(prose.DETAILS, 2)
            facts = facts[2:]
            out.append(" ".join([lead, *rest]))
            continue
        if role == "conclusion":
            sentences = d.pick(prose.CONCLUDING, 2 if n <= 3 else 3)
        elif facts:
            sentences = [*facts[:2], *d.pick(prose.NEUTRAL, 1)]
            facts = facts[2:]
        else:
            sentences = d.pick(prose.ESSAY[role], 3, in_order=True)
        out.append(" ".join(sentences))
    return out


def _roles(n: int) -> list[str]:
    if n == 1:
        return ["intro"]
    middle = list(prose.ESSAY_ROLES[1:-1])
    body = [middle[i % len(middle)] for i in range(n - 2)]
    return ["intro", *body, "conclusion"]


def essay(d: Draft) -> list[str]:
    """A long piece: a title and seven sections of four or five sentences."""
    out = [heading(d.fill(d.rng.choice(prose.ESSAY_TITLES)))]
    facts = list(d.known.facts) if d.known else []
    for role in prose.ESSAY_ROLES:
        sentences = d.pick(prose.ESSAY[role], len(prose.ESSAY[role]), in_order=True)
        if role == "intro" and d.known:
            sentences.insert(0, d.known.gist)
        if facts and role in ("background", "mechanism", "practice"):
            sentences[1:1] = facts[:2]
            facts = facts[2:]
        title = prose.ESSAY_SECTIONS.get(role)
        if title:
            out.append(f"**{title}**")
        out.append(" ".join(sentences))
    return out


# -- lists -------------------------------------------------------------------------------

_IDEA_KINDS = {"ideas", "suggestions", "activities", "options", "places", "gifts", "themes"}
_FACT_KINDS = {"facts", "reasons", "benefits", "advantages", "examples", "features", "uses"}


def numbered(d: Draft) -> list[str]:
    """A numbered list of exactly the number of items asked for (five by default)."""
    n = d.shape.items or 5
    kind = d.shape.item_kind or _kind_from_prompt(d.prompt)
    if kind in ("names", "titles"):
        chosen = d.rng.sample(prose.NAMES, n)
        items = [f"**{name}**: {why}" for name, why in chosen]
    elif kind in _IDEA_KINDS:
        items = d.pick(prose.IDEAS, n)
    elif kind in _FACT_KINDS or kind == "points":
        items = d.pick(prose.FACTS, n)
    else:
        items = d.pick(prose.ADVICE, n)
    what = f"{n} {kind}"
    link = re.search(rf"\b{kind}\s+(for|about|to|on|of|that)\b", d.prompt, re.IGNORECASE)
    word = link.group(1).lower() if link else _link_word(kind)
    title = f"{what} {word} {d.subject}" if d.subject else what
    body = "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    return [heading(title), body, d.closing()]


_KINDS_RE = re.compile(
    r"\b(tips|ideas|ways|reasons|examples|facts|steps|suggestions|names|benefits|habits)\b",
    re.IGNORECASE,
)


def _kind_from_prompt(prompt: str) -> str:
    match = _KINDS_RE.search(prompt)
    if match:
        return match.group(1).lower()
    return "tips" if re.search(r"\b(?:how to|advice|improve)\b", prompt, re.I) else "points"


def _link_word(kind: str | None) -> str:
    return "about" if kind in _FACT_KINDS or kind == "points" else "for"


def bullets(d: Draft) -> list[str]:
    """Bullet points only (a system instruction asked for bullets)."""
    if d.known:
        facts = "\n".join(f"- {f}" for f in (d.known.gist, *d.known.facts))
        return [heading(d.fill(d.rng.choice(prose.HEADINGS))), facts, d.closing()]
    items = "\n".join(f"- {d.fill(p)}" for p in prose.POINTS)
    return [heading(d.fill(d.rng.choice(prose.HEADINGS))), items, d.closing()]


# -- verse -------------------------------------------------------------------------------


def poem(d: Draft) -> list[str]:
    """A haiku (three lines, 5-7-5 where the subject allows), a limerick (five lines), a
    sonnet (fourteen) or a short poem (two or three quatrains)."""
    word = _poem_word(d)
    kind = d.shape.poem or "poem"
    if kind == "haiku":
        lines = haiku(word, d.rng)
        title = f"Haiku: {word}"
    elif kind == "limerick":
        lines = [line.format(w=word) for line in prose.LIMERICK]
        title = f"A limerick about {word}"
    elif kind == "sonnet":
        lines = [line.format(w=word) for line in prose.SONNET]
        title = f"Sonnet: {word}"
    else:
        stanzas = d.rng.sample(prose.STANZAS, 2)
        title = cap(word)
        verses = ["\n".join(f"*{line.format(w=word)}*" for line in s) for s in stanzas]
        return [heading(title), *verses]
    return [heading(title), "\n".join(f"*{line}*" for line in lines)]


def _poem_word(d: Draft) -> str:
    subject = re.sub(r"^(?:a|an)\s+", "", d.subject.strip(), flags=re.IGNORECASE)
    if len(subject.split()) <= 3 and not is_clause(subject):
        return subject
    return d.keywords[0] if d.keywords else "the morning"


def haiku(word: str, rng: random.Random) -> list[str]:
    """Three lines of 5, 7 and 5 syllables (as counted by :func:`prose.syllables`)."""
    need = 5 - prose.syllables(word)
    if 0 <= need <= 4:
        first = rng.choice(prose.HAIKU_FIRST[need]).format(W=cap(word))
        second = rng.choice(prose.HAIKU_SECOND)
    else:
        first = rng.choice(prose.HAIKU_FALLBACK_FIRST)
        second = "and the " + " ".join(word.split()[-1:]) + " drifts slowly by"
    return [first, second, rng.choice(prose.HAIKU_THIRD)]


# -- stories -----------------------------------------------------------------------------


_STORY_LEAD_RE = re.compile(
    r"^(?:a|an)\s+(?:short\s+|long\s+)?(?:story|tale|fable)\s+(?:about|of)\s+", re.I
)


def story(d: Draft) -> list[str]:
    """A short story with a named character: about an object ("a magic backpack") or a
    theme ("friendship"). Three paragraphs by default, five when asked for a long one."""
    name = d.rng.choice(prose.STORY_NAMES)
    subject = _STORY_LEAD_RE.sub("", d.subject)
    match = re.match(r"(a|an|the)\s+(.+)", subject, re.IGNORECASE)
    if match:
        noun = match.group(2)
        first = f"{match.group(1).lower()} {noun}"
        paras = [
            f"{name} found {first} on a rainy Tuesday, tucked behind a stack of boxes in "
            "the attic of the old house at the end of the street. At first it seemed "
            "perfectly ordinary.",
            f"The next morning, the {noun} began to hum, as if it had been waiting for "
            f"someone to notice it. By lunchtime {name} knew it was anything but ordinary.",
            f"Over the following weeks, the {noun} changed everything. It seemed to know what "
            "was needed before anyone asked: a map when the path split, a warm scarf when the "
            "wind turned, the right words when a friend was sad.",
            f"Then, one evening, the {noun} went missing. {name} searched the whole town and "
            "found it at last in the one place nobody had thought to look: the park bench "
            "where the adventure had begun.",
            f"In the end, {name} understood that the real magic lay in how the {noun} was "
            "used: to help, to share and to notice the people nearby. It still waits by the "
            "door, ready for the next adventure.",
        ]
        title = f"The {' '.join(w if w.isupper() else cap(w) for w in noun.split())}"
    else:
        theme = subject or "an ordinary day"
        paras = [
            f"{name} had never thought much about {theme}. Life in the small harbour town "
            "was busy enough without big questions.",
            f"That changed the winter the storm came. With the roads closed and the power "
            f"out, {name} spent three long days with neighbours who had only ever been names "
            "on doorbells. They shared candles, soup and stories, and a girl from the third "
            "floor organised a concert on the stairs.",
            "An old fisherman taught everyone to tie knots, and by the second night the "
            "stairwell was the warmest, loudest place in the building.",
            "When the roads opened again, nobody rushed back to the way things had been. "
            "Doors stayed open, and the stairwell concerts became a weekly habit.",
            f"Years later, when people asked {name} about {theme}, the answer was always the "
            "same story, and it always ended with the stairs.",
        ]
        title = f"A story about {theme}"
    wanted = d.shape.paragraphs or (5 if d.shape.long else 3)
    middle = [paras[2], paras[1], paras[3]] if match else paras[1:4]
    chosen = [paras[0], *middle[: max(0, wanted - 2)], paras[-1]] if wanted > 1 else paras[:1]
    while len(chosen) < wanted:
        chosen.insert(-1, d.fill(d.rng.choice(prose.ESSAY["practice"])))
    return [heading(title), *chosen]


# -- conversation ------------------------------------------------------------------------


def greeting(d: Draft, *, persona: bool) -> list[str]:
    if persona:
        return [
            "Hello to you too! It's lovely to meet you.",
            "What would you like to talk about today?",
        ]
    hello = ("Hello! 👋", "Hi there! 👋", "Hey, nice to meet you!", "Hello and welcome!")
    return [
        heading(hello[d.rotation % len(hello)]),
        "I'm the offline demo of Gemini. I can answer questions, stream replies, follow a "
        "system instruction and keep track of a conversation, all simulated locally, so it "
        "works without an API key or a network connection.",
        "Try asking me to explain something, write a short poem, or compare two ideas.",
    ]


def thanks(d: Draft) -> list[str]:
    return [
        heading(("You're welcome!", "Any time!", "Glad to help!")[d.rotation % 3]),
        "I'm happy that was useful.",
        d.closing(),
    ]


def statement(d: Draft, paraphrase: str) -> list[str]:
    """An acknowledgement of something the user told us about themselves."""
    return [
        heading(("Got it!", "Noted!", "Thanks for telling me!", "Good to know!")[d.rotation % 4]),
        f"So {paraphrase}. I'll keep that in mind for the rest of our conversation, so feel "
        "free to ask something that builds on it.",
    ]


def compare(d: Draft) -> list[str]:
    match = re.search(
        r"(?:compare|between)?\s*([\w\- ]+?)\s+(?:and|vs\.?|versus|with|to)\s+([\w\- ]+)",
        d.prompt,
        re.IGNORECASE,
    )
    left, right = (match.group(1), match.group(2)) if match else ("the first", "the second")
    left = re.sub(r"^(?:compare|the difference between|what is)\s+", "", left.strip(), flags=re.I)
    right = re.sub(r"\s+(?:in|for|as)\s+.*$", "", right.strip())
    return [
        heading(f"{cap(left)} vs. {right}"),
        f"Both have their place. Here is how {left} and {right} compare at a glance.",
        f"| | {cap(left)} | {cap(right)} |\n|---|---|---|\n"
        "| Best for | quick starts | depth and control |\n"
        "| Learning curve | gentle | steeper |\n"
        "| Typical use | everyday tasks | specialised work |",
        f"In short, pick {left} when speed matters most and {right} when you need more control.",
        d.closing(),
    ]


def summary(d: Draft, rest: str) -> list[str]:
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", rest) if s.strip()][:3]
    if not sentences:
        return explain(d)
    items = "\n".join(f"- {_shorten(s, 90)}" for s in sentences)
    return [heading("Summary"), f"Here are the main points of the text you shared:\n\n{items}"]


def _shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def code(d: Draft) -> list[str]:
    name = re.sub(r"\W+", "_", "_".join(d.keywords[:2]) or "solve").strip("_").lower()
    words = [*d.keywords, "alpha", "beta"]
    javascript = re.search(r"\b(?:javascript|js|node|typescript)\b", d.prompt, re.I)
    if javascript:
        fn = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
        snippet = (
            f"```javascript\n// Sketch for: {d.subject}\nfunction {fn}(items) {{\n"
            "  return items.map((item) => item.trim()).filter(Boolean);\n}\n\n"
            f'console.log({fn}(["{words[0]}", "{words[1]}"]));\n```'
        )
    else:
        snippet = (
            f'```python\ndef {name}(items):\n    """Sketch for: {d.subject}."""\n'
            "    return [item.strip() for item in items if item.strip()]\n\n\n"
            f'print({name}(["{words[0]}", "{words[1]}"]))\n```'
        )
    language = "JavaScript" if javascript else "Python"
    return [
        heading(f"A small {language} sketch"),
        "Here is a minimal, runnable starting point, deliberately simple so you can adapt it.",
        snippet,
        "It takes a list of items, tidies each one and drops the empty ones. Replace the body "
        "with the real logic you need.",
        d.closing(),
    ]


Writer = Callable[[Draft], list[str]]

"""Compose the simulated answer (and thought summary) for a generateContent request.

Replies are short Markdown built from sentence banks, about the topic of the last user
turn, shaped by the system instruction (see :mod:`.instructions`), aware of the chat turn
and of attachments, and always marked as simulated. Everything is a pure function of the
request and a :class:`Variation`, so the same request gives the same reply.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from typing import Any

from .instructions import Style, apply_voice, style_for
from .request import GenerateRequest
from .schema import ValueHints, instance_for

#: Last line of every Markdown reply; also used by apps to tell offline replies apart.
SIMULATED_LINE = "_Simulated by gemini_offline — add a Gemini API key for real answers._"
#: The phrase every non-JSON reply contains, in one form or another.
SIMULATED_MARK = "Simulated by gemini_offline"
#: Added when IMAGE output was requested but the answer is words only ([[text-only]]).
TEXT_ONLY_NOTE = (
    "_(I answered in words this time — no image was generated. Ask explicitly for a "
    "picture, e.g. “Generate an image of …”, to get one.)_"
)

#: Words that never make a topic keyword.
STOPWORDS = frozenset(
    """
    a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each
    few for from further get give had has have having he her here hers him his how i if
    in into is it its itself just know let like list me more most much my no nor not now
    of off on once only or other our out over own please same she should so some such
    tell than that the their them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would
    write you your yours explain describe show make create generate give short quick
    simple many using use want need really thing things way ways one two three few
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

_LEAD_RE = re.compile(
    r"^(?:(?:please|kindly|hey|ok|okay|so|now)[,!\s]+)*"
    r"(?:(?:can|could|would|will) you\s+)?(?:please\s+)?"
    r"(?:i(?:'d| would) like (?:to know|you to)\s+|i want (?:to know|you to)\s+)?",
    re.IGNORECASE,
)
_VERB_RE = re.compile(
    r"^(?:explain|describe|tell me about|tell me|teach me about|teach me|"
    r"what (?:is|are|was|were)|what's|who (?:is|was|are|were)|"
    r"how (?:does|do|did|can|to|is|are)|why (?:is|are|does|do|did)|where (?:is|are|does)|"
    r"when (?:is|was|did)|write (?:me )?(?:a|an|some)\s+\w+\s+(?:about|on)|"
    r"write (?:me )?(?:a|an|some)\s+\w+|write about|give me|list|suggest|summari[sz]e|"
    r"compare|define|show me|create|make|generate|name|plan|help me (?:understand|with))\s+",
    re.IGNORECASE,
)
#: "a Python function to", "code that", … in front of what the code should do.
_CODE_LEAD_RE = re.compile(
    r"^(?:(?:a|an|some)\s+)?(?:(?:python|javascript|js|sql|small|simple)\s+)*"
    r"(?:function|script|program|snippet|code|class|regex|query)\s+(?:to|that|which|for)\s+",
    re.IGNORECASE,
)
_HOW_X_WORKS_RE = re.compile(
    r"^(?:how|what|why)\s+(.+?)\s+(?:works?|means?|happens?|do|does)$", re.IGNORECASE
)

INTENTS: tuple[tuple[str, str], ...] = (
    ("greeting", r"^(?:hi|hello|hey|howdy|greetings|good (?:morning|afternoon|evening))\b"),
    ("thanks", r"^(?:thanks|thank you|thx|cheers|much appreciated)\b"),
    ("compare", r"\b(?:compare|versus|vs\.?|difference between)\b"),
    ("code", r"\b(?:code|function|script|program|snippet|implement|regex|sql|python|javascript)\b"),
    ("poem", r"\b(?:poem|haiku|limerick|verse|rhyme|sonnet)\b"),
    ("story", r"\b(?:story|tale|fable)\b"),
    ("summary", r"^(?:summari[sz]e|tl;?dr)\b"),
    ("list", r"^(?:list|suggest|name)\b|\b(?:ideas|tips|ways to|steps to|examples of)\b"),
    ("statement", r"^(?:i|i'm|im|my|we|our|we're)\b[^?]*$"),
)

# -- sentence banks ----------------------------------------------------------------------
# {topic}/{Topic}: the topic phrase (capitalised); {k1}..{k3}/{K1}..{K3}: aspects of any
# topic ("the basic idea", "its history", …) so sentences stay grammatical whatever the
# topic; {w1}/{w2}: real words from the prompt, for poems, stories and code.

ASPECTS = (
    "the basic idea",
    "how it works in practice",
    "common misconceptions",
    "its history",
    "why it matters",
    "everyday examples",
    "the key terms",
    "the trade-offs",
    "the bigger picture",
    "a simple example",
)
FALLBACK_WORDS = ("light", "time", "questions")

HEADINGS = (
    "{Topic}: the short version",
    "A quick guide to {topic}",
    "Understanding {topic}",
    "{Topic} in a nutshell",
    "What to know about {topic}",
    "{Topic}, briefly",
)
OPENERS = (
    "{Topic} is easiest to understand by starting with {k1}.",
    "Here is a short overview of {topic}.",
    "At its core, {topic} is about how {k1} and {k2} fit together.",
    "A good way into {topic} is to ask what problem it solves.",
    "{Topic} comes up more often than you might expect.",
    "Let's break {topic} down into a few simple pieces.",
    "A few ideas make {topic} click.",
    "People usually meet {topic} through {k1} first.",
    "The short answer: start with {k1} and the rest of {topic} follows.",
    "Think of {topic} as a puzzle where {k1} is the first piece.",
    "Most of what matters about {topic} fits in a few lines.",
    "{Topic} rewards a little curiosity.",
)
DETAILS = (
    "Once you have {k1} clear, everything else tends to fall into place.",
    "In practice, most of the interesting questions come up around {k2}.",
    "It helps to look at a concrete example before worrying about edge cases.",
    "Experts tend to focus on {k1}, while newcomers notice {k2} first.",
    "It pays to revisit {k1} after you have seen a few cases.",
    "Ideas about {topic} have changed over time, so context matters.",
    "It is easy to overlook {k2}, yet it often matters most.",
    "Looking closely at {k1} is usually the best first step.",
)
BULLETS = (
    "**{K1}** — what it is and why it matters",
    "**{K2}** — how it connects to {k1}",
    "**Around you** — where {topic} shows up in daily life",
    "**Trade-offs** — what you gain and what you give up",
    "**Next steps** — a good place to read more about {k3}",
    "**Common pitfalls** — what people tend to get wrong about {topic}",
)
CLOSINGS = (
    "If you like, I can go deeper into {k1} or give a worked example.",
    "Ask a follow-up and I'll zoom in on any of these points.",
    "Want a quick example or a comparison next?",
    "Happy to expand on any part of this.",
    "Tell me what you already know and I'll tailor the next answer.",
    "I can also turn this into a checklist if that helps.",
    "Shall I say more about {k2}?",
    "That's the gist; there is plenty more to explore.",
    "Let me know which part you'd like to unpack next.",
    "A good next question might be how {k1} relates to {k3}.",
    "Curious about the history of {topic}? Just ask.",
    "I hope that gives you a useful starting point.",
)
ONE_LINERS = (
    "In short, {topic} is best approached through {k1}.",
    "{Topic}, in one line: start with {k1}, then look at {k2}.",
    "Briefly: {topic} makes most sense once you see {k1}.",
    "The gist of {topic} lies in {k1}.",
    "{Topic} is easiest to grasp through {k1}.",
    "In a sentence: {topic} is about {k1} more than anything else.",
    "Short version: focus on {k1} to understand {topic}.",
    "{Topic} boils down to {k1} and {k2}.",
)
LIST_ITEMS = (
    "**Start with {k1}** — a small first step makes the rest easier.",
    "**Look at {k2}** — that is where most surprises hide.",
    "**Find a real example** — seeing {topic} in action beats theory.",
    "**Keep notes** — write down what works and what doesn't.",
    "**Ask an expert** — someone who knows {topic} well can save you time.",
    "**Iterate** — revisit {k1} once you understand {k2}.",
)
POEM_LINES = (
    ("In quiet hours I think of {w1},", "of {w2} adrift in morning light;"),
    ("A thread of {w1} runs through the day,", "with {w2} humming beneath it all;"),
    ("Consider {w1}, so small, so bright,", "and {w2}, soft along the way;"),
)
POEM_ENDINGS = (
    ("a simple thought, a gentle tune,", "for {topic}, and for the night."),
    ("we follow where the questions go,", "and find {topic} there, at home."),
    ("no grand design, just patient care,", "and {topic}, in bloom at last."),
)
POEM_TITLES = ("{Topic}", "On {topic}", "A few lines on {topic}", "{Topic}, in verse")
GREETINGS = (
    "Hello! 👋",
    "Hi there! 👋",
    "Hey, nice to meet you!",
    "Hello and welcome!",
    "Hi! Great to hear from you.",
    "Greetings! 👋",
    "Hello, friend!",
    "Hey there! 😊",
)


@dataclass(frozen=True)
class Topic:
    """What the last user turn is about."""

    phrase: str
    keywords: tuple[str, ...]
    intent: str
    #: The user's own words, quoted when the phrase alone would read badly.
    quote: str | None = None

    def slots(self) -> dict[str, str]:
        """Template slots: topic/Topic, aspects k1..k3/K1..K3 and prompt words w1/w2."""
        aspects = random.Random(self.phrase).sample(ASPECTS, 3)
        words = [*self.keywords, *FALLBACK_WORDS]
        return {
            "topic": self.phrase,
            "Topic": _cap(self.phrase),
            **{f"k{i + 1}": a for i, a in enumerate(aspects)},
            **{f"K{i + 1}": _cap(a) for i, a in enumerate(aspects)},
            "w1": words[0],
            "w2": words[1],
        }


@dataclass(frozen=True)
class Variation:
    """Which of the equally good replies to give.

    ``rotation`` picks the rotating lines (consecutive rotations always differ);
    ``seed`` drives every other choice.
    """

    rotation: int = 0
    seed: int = 0

    def rng(self, salt: str = "") -> random.Random:
        """A private RNG for one choice."""
        return random.Random(f"{self.seed}|{self.rotation}|{salt}")

    def rotate(self, bank: tuple[Any, ...], base: int) -> Any:
        """The bank entry for this rotation, offset by a per-prompt ``base``."""
        return bank[(base + self.rotation) % len(bank)]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def keywords_of(text: str, limit: int = 4) -> tuple[str, ...]:
    """Content words of ``text`` in order, lower-cased, without stopwords or digits."""
    seen: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'\-]+", text):
        lowered = word.lower().strip("'-")
        if len(lowered) > 2 and lowered not in STOPWORDS and lowered not in seen:
            seen.append(lowered)
    return tuple(seen[:limit])


def analyse(prompt: str) -> Topic:
    """Find the topic phrase, keywords and intent of a user prompt."""
    text = prompt.strip()
    first = next((s.strip() for s in re.split(r"[?!.\n]+", text) if s.strip()), "")
    intent = "explain"
    for name, pattern in INTENTS:
        if re.search(pattern, first, re.IGNORECASE):
            intent = name
            break
    if intent == "greeting" and len(first.split()) > 6:
        intent = "explain"
    phrase = first
    for _ in range(3):  # "Explain how X works" needs two passes
        stripped = _VERB_RE.sub("", _LEAD_RE.sub("", phrase), count=1)
        if stripped == phrase:
            break
        phrase = stripped
    phrase = _HOW_X_WORKS_RE.sub(r"\1", phrase)
    if intent == "code":
        phrase = _CODE_LEAD_RE.sub("", phrase)
    phrase = re.sub(r"^(?:a few|some|several)\s+", "", phrase, flags=re.IGNORECASE)
    phrase = re.sub(r"^(?:about|on)\s+", "", phrase, flags=re.IGNORECASE).strip(" ,;:")
    keywords = keywords_of(phrase) or keywords_of(text)
    if intent == "statement":
        quote = _shorten(text.split("\n")[0])
        return Topic(_and_join(keywords[:2]) or "that", keywords, intent, quote=quote)
    if (phrase == first and "?" in text) or len(phrase.split()) > 8:
        # A question we cannot rephrase: talk about "your question" and quote it.
        return Topic("your question", keywords, intent, quote=_shorten(text.split("\n")[0]))
    return Topic(phrase or "your message", keywords, intent)


def _and_join(words: tuple[str, ...] | list[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _base(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


# -- public API --------------------------------------------------------------------------


def topic_of(req: GenerateRequest) -> Topic:
    """The topic of the request's last user turn (its attachments when it has no text)."""
    if req.prompt.strip():
        return analyse(req.prompt)
    if req.attachments:
        return Topic("your attachment", ("attachment",), "attachment")
    return Topic("your message", (), "explain")


def compose_answer(req: GenerateRequest, variation: Variation) -> str:
    """The full answer text of one candidate (before stop sequences and token limits)."""
    style = style_for(req.system_text)
    topic = topic_of(req)
    mime = req.response_mime_type
    if mime == "text/x.enum":
        return str(_enum_answer(req, topic, variation))
    if mime == "application/json":
        schema = req.response_schema
        if schema is not None:
            hints = ValueHints(topic.phrase, topic.keywords, variation.rotation)
            return json.dumps(instance_for(schema, hints), indent=2, ensure_ascii=False)
        return _json_object(req, topic, style, variation)
    if style.fmt == "json":
        return _json_object(req, topic, style, variation)
    if style.length == "one_sentence":
        return _one_liner(req, topic, style, variation)
    return _markdown(req, topic, style, variation)


def compose_thoughts(req: GenerateRequest) -> list[str]:
    """Thought-summary paragraphs, each starting with a bold title, for thinking models."""
    topic = topic_of(req)
    style = style_for(req.system_text)
    s = topic.slots()
    plan = {
        "greeting": "greet them back and say what this offline demo can do",
        "thanks": "acknowledge the thanks warmly and offer more help",
        "code": "sketch a small, runnable code example and explain it briefly",
        "poem": "write a few short lines of verse",
        "story": "tell a very short story",
        "compare": "lay out the comparison in a small table",
        "summary": "pull out the main points as bullets",
        "list": "give a short numbered list",
        "statement": "acknowledge what they told me and keep it in mind",
    }.get(topic.intent, f"give a plain-language overview, then cover {s['k1']} and {s['k2']}")
    about = f"“{topic.quote}”" if topic.quote else topic.phrase
    first = f"The user is asking about {about}. I'll {plan}."
    if style.active:
        first += f" The system instruction asks for {', '.join(style.labels)}, so I'll follow it."
    if req.user_turns > 1:
        first += (
            f" This is turn {req.user_turns} of the conversation, so I'll connect it "
            "to what they said earlier."
        )
    if req.attachments:
        n = len(req.attachments)
        first += (
            f" There {'is' if n == 1 else 'are'} {n} attachment{'s' * (n != 1)} to acknowledge."
        )
    first += " I should make it clear that this reply is simulated by the offline demo."
    paragraphs = [f"**Planning the answer**\n\n{first}"]
    level = (req.thinking.level or "").upper()
    budget = req.thinking.budget
    if level not in ("MINIMAL", "LOW") and (budget is None or budget < 0 or budget >= 256):
        paragraphs.append(
            "**Checking the details**\n\nBefore writing, I'll check that "
            f"{s['k1']} and {s['k2']} are covered and that the answer stays short enough "
            "to read at a glance."
        )
    if level in ("HIGH", "XHIGH") or (budget is not None and budget >= 2048):
        paragraphs.append(
            f"**Considering alternatives**\n\nI could also approach {topic.phrase} through "
            f"{s['k3']}, but a short overview with a few key points is the most useful "
            "structure here."
        )
    return paragraphs


# -- answer shapes -----------------------------------------------------------------------


def _enum_answer(req: GenerateRequest, topic: Topic, variation: Variation) -> Any:
    values = (req.response_schema or {}).get("enum") or [""]
    hints = ValueHints(topic.phrase, keywords_of(req.prompt, limit=50), variation.rotation)
    return instance_for({"enum": values}, hints)


def _json_object(req: GenerateRequest, topic: Topic, style: Style, variation: Variation) -> str:
    s = topic.slots()
    obj: dict[str, Any] = {
        "topic": topic.phrase,
        "answer": variation.rotate(ONE_LINERS, _base(topic.phrase)).format(**s),
        "key_points": [re.sub(r"\*\*", "", b.format(**s)) for b in BULLETS[:3]],
    }
    if req.user_turns > 1:
        obj["turn"] = req.user_turns
        obj["earlier_you_said"] = _shorten(req.previous_prompt or "")
    if req.attachments:
        obj["attachments"] = [a.summary() for a in req.attachments]
    if style.active:
        obj["system_instruction_applied"] = style.labels
    obj["simulated"] = True
    obj["note"] = f"{SIMULATED_MARK} — add a Gemini API key for real answers."
    return json.dumps(obj, indent=2, ensure_ascii=False)


def _shorten(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _turn_line(req: GenerateRequest) -> str | None:
    if req.user_turns < 2:
        return None
    if req.previous_prompt:
        return f"_(turn {req.user_turns} — earlier you said “{_shorten(req.previous_prompt)}”)_"
    return f"_(turn {req.user_turns} — earlier you sent an attachment)_"


def _attachment_lines(req: GenerateRequest) -> list[str]:
    images = [a for a in req.attachments if a.is_image]
    files = [a for a in req.attachments if not a.is_image]
    lines = []
    if images:
        n = len(images)
        summary = "; ".join(a.summary() for a in images)
        looks = f"It is {images[0].look()}." if n == 1 else f"The first one is {images[0].look()}."
        lines.append(f"I can see {n} attached image{'s' * (n != 1)}: {summary}. {looks}")
    if files:
        n = len(files)
        verb = "I also received" if images else "I received"
        what = "; ".join(a.acknowledgement() for a in files)
        lines.append(f"{verb} {n} attached file{'s' * (n != 1)}: {what}.")
    return lines


def _one_liner(req: GenerateRequest, topic: Topic, style: Style, variation: Variation) -> str:
    s = topic.slots()
    if topic.intent == "greeting":
        sentence = "Hello — I'm the offline Gemini demo, ready when you are."
    else:
        sentence = variation.rotate(ONE_LINERS, _base(topic.phrase)).format(**s)
    bits = [v.short for v in style.voices if v.short]
    who = style.name or (_cap(style.role) if style.role else None)
    if who:
        bits.append(f"{who} here")
    prefix = ", ".join(bits)
    if prefix:
        sentence = f"{prefix}: {sentence[:1].lower()}{sentence[1:]}"
    extras = []
    if req.user_turns > 1:
        extras.append(f"turn {req.user_turns}")
    extras += [a.summary() for a in req.attachments]
    if extras:
        sentence = f"({'; '.join(extras)}) {sentence}"
    sentence = apply_voice(sentence, style)
    if style.uppercase:
        sentence = sentence.upper()
    return f"{sentence} _({SIMULATED_MARK} · system instruction: {', '.join(style.labels)})_"


def _markdown(req: GenerateRequest, topic: Topic, style: Style, variation: Variation) -> str:
    top: list[str] = []
    if style.active:
        top.append(f"_System instruction applied: {', '.join(style.labels)}._")
    turn = _turn_line(req)
    if turn:
        top.append(turn)

    body: list[str] = []
    opener = _opener(style)
    if opener:
        body.append(opener)
    body += _attachment_lines(req)
    if style.fmt == "poem":
        main = _poem(req, topic, variation)
    elif style.fmt == "bullets":
        main = _bullets_only(req, topic, variation)
    else:
        main = _BODIES.get(topic.intent, _explain)(req, topic, variation)
    if style.length == "long":
        rng = variation.rng("long")
        extra = " ".join(d.format(**topic.slots()) for d in rng.sample(DETAILS, 3))
        main.insert(-1, extra)
    aside = " ".join(v.aside for v in style.voices if v.aside)
    if aside and len(main) > 1:
        main[1] = f"{main[1]} {aside}"
    body += main
    if "IMAGE" in [str(m).upper() for m in req.config.get("responseModalities") or []]:
        body.append(TEXT_ONLY_NOTE)
    body += [v.closer for v in style.voices if v.closer]
    text = apply_voice("\n\n".join(body), style)
    if style.uppercase:
        text = _upper_outside_code(text)
    return "\n\n".join([*top, text, SIMULATED_LINE])


def _opener(style: Style) -> str:
    bits = [style.greeting or ""] + [v.opener for v in style.voices]
    if style.name:
        bits.append(f"I'm {style.name}.")
    if style.role:
        article = "an" if style.role[:1] in "aeiou" else "a"
        bits.append(f"Speaking as {article} {style.role}:")
    return " ".join(b for b in bits if b)


def _upper_outside_code(text: str) -> str:
    parts = re.split(r"(```.*?```)", text, flags=re.DOTALL)
    return "".join(p if p.startswith("```") else p.upper() for p in parts)


def _explain(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    s = topic.slots()
    rng = variation.rng("explain")
    base = _base(topic.phrase)
    heading = rng.choice(HEADINGS).format(**s)
    opener = variation.rotate(OPENERS, base).format(**s)
    details = " ".join(d.format(**s) for d in rng.sample(DETAILS, 2))
    bullets = "\n".join(f"- {b.format(**s)}" for b in rng.sample(BULLETS, 3))
    closing = variation.rotate(CLOSINGS, base).format(**s)
    asked = f"You asked: “{topic.quote}” " if topic.quote else ""
    return [f"**{heading}**", f"{asked}{opener} {details}", f"Key points:\n\n{bullets}", closing]


def _greeting(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    hello = variation.rotate(GREETINGS, _base(req.prompt))
    return [
        f"**{hello}**",
        "I'm the offline demo of Gemini. I can answer questions, stream replies, follow a "
        "system instruction and keep track of a conversation — all simulated locally, so "
        "it works without an API key or a network connection.",
        "Try asking me to explain something, write a short poem, or compare two ideas.",
    ]


def _thanks(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    return [
        f"**{variation.rotate(('You are welcome!', 'Any time!', 'Glad to help!'), 0)}**",
        "Happy that was useful. Remember that these answers are simulated by the offline "
        "demo; with a Gemini API key the same conversation gets real replies.",
        variation.rotate(CLOSINGS, _base(req.prompt)).format(**topic.slots()),
    ]


def _code(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    s = topic.slots()
    name = re.sub(r"\W+", "_", "_".join(topic.keywords[:2]) or "solve").strip("_").lower()
    javascript = re.search(r"\b(?:javascript|js|node|typescript)\b", req.prompt, re.I)
    if javascript:
        fn = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
        code = (
            f"```javascript\n// Sketch for: {topic.phrase}\nfunction {fn}(items) {{\n"
            "  return items.map((item) => item.trim()).filter(Boolean);\n}\n\n"
            f'console.log({fn}(["{s["w1"]}", "{s["w2"]}"]));\n```'
        )
    else:
        code = (
            f'```python\ndef {name}(items):\n    """Sketch for: {topic.phrase}."""\n'
            "    return [item.strip() for item in items if item.strip()]\n\n\n"
            f'print({name}(["{s["w1"]}", "{s["w2"]}"]))\n```'
        )
    return [
        f"**A small {'JavaScript' if javascript else 'Python'} sketch: {topic.phrase}**",
        "Here is a minimal, runnable starting point — deliberately simple so you can adapt it.",
        code,
        "It takes a list of items, tidies each one and drops the empty ones; replace the "
        f"body with the real logic for {topic.phrase}.",
        variation.rotate(CLOSINGS, _base(topic.phrase)).format(**s),
    ]


def _poem(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    s = topic.slots()
    rng = variation.rng("poem")
    base = _base(topic.phrase)
    lines = [line.format(**s) for line in (*rng.choice(POEM_LINES), *rng.choice(POEM_ENDINGS))]
    if re.search(r"\bhaiku\b", f"{req.prompt} {req.system_text}", re.IGNORECASE):
        lines = [lines[0], lines[1], lines[3]]  # three lines, ending on the topic
    title = variation.rotate(POEM_TITLES, base).format(**s)
    closing = variation.rotate(CLOSINGS, base).format(**s)
    return [f"**{title}**", "\n".join(f"*{line}*" for line in lines), closing]


def _story(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    s = topic.slots()
    return [
        f"**A very short story about {topic.phrase}**",
        f"Once, in a town that cared a great deal about {s['w1']}, a curious traveller "
        f"arrived asking questions nobody had asked before. Everyone had opinions about "
        f"{s['w2']}, but nobody had looked closely.",
        "So the traveller looked, and listened, and wrote things down. By the end of the "
        f"week the town understood {topic.phrase} a little better — and so did the traveller.",
        variation.rotate(CLOSINGS, _base(topic.phrase)).format(**s),
    ]


def _compare(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    match = re.search(
        r"(?:compare|between)?\s*([\w\- ]+?)\s+(?:and|vs\.?|versus|with|to)\s+([\w\- ]+)",
        req.prompt,
        re.IGNORECASE,
    )
    left, right = (
        (match.group(1), match.group(2)) if match else (topic.slots()["w1"], topic.slots()["w2"])
    )
    left = re.sub(r"^(?:compare|the difference between)\s+", "", left.strip(), flags=re.I)
    right = right.strip()
    return [
        f"**{_cap(left)} vs. {_cap(right)}**",
        f"Both have their place; here is how {left} and {right} compare at a glance.",
        f"| | {_cap(left)} | {_cap(right)} |\n|---|---|---|\n"
        "| Best for | quick starts | depth and control |\n"
        "| Learning curve | gentle | steeper |\n"
        "| Typical use | everyday tasks | specialised work |",
        variation.rotate(CLOSINGS, _base(topic.phrase)).format(**topic.slots()),
    ]


def _summary(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    rest = re.sub(r"^(?:summari[sz]e|tl;?dr)[^:\n]*[:\n]?", "", req.prompt, flags=re.I).strip()
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", rest) if s.strip()][:3]
    if not sentences:
        return _explain(req, topic, variation)
    bullets = "\n".join(f"- {_shorten(s, 90)}" for s in sentences)
    return [
        "**Summary**",
        f"Here are the main points of the text you shared:\n\n{bullets}",
        variation.rotate(CLOSINGS, _base(rest)).format(**topic.slots()),
    ]


def _numbered(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    s = topic.slots()
    rng = variation.rng("list")
    items = "\n".join(
        f"{i}. {item.format(**s)}" for i, item in enumerate(rng.sample(LIST_ITEMS, 4), 1)
    )
    return [
        f"**{_cap(topic.phrase)}: a short list**",
        items,
        variation.rotate(CLOSINGS, _base(topic.phrase)).format(**s),
    ]


def _bullets_only(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    s = topic.slots()
    rng = variation.rng("bullets")
    bullets = "\n".join(f"- {b.format(**s)}" for b in rng.sample(BULLETS, 5))
    base = _base(topic.phrase)
    return [
        f"**{rng.choice(HEADINGS).format(**s)}**",
        bullets,
        variation.rotate(CLOSINGS, base).format(**s),
    ]


def _statement(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    s = topic.slots()
    return [
        f"**{variation.rotate(('Got it!', 'Noted!', 'Thanks for sharing!', 'Good to know!'), 0)}**",
        f"I've made a note of that: “{topic.quote}” I'll keep it in mind for the rest of our "
        "conversation, so feel free to ask follow-up questions that build on it.",
        variation.rotate(CLOSINGS, _base(req.prompt)).format(**s),
    ]


def _attachment_only(req: GenerateRequest, topic: Topic, variation: Variation) -> list[str]:
    return [
        "**About your attachment**",
        "That's everything I can tell from the file itself. Ask me something specific about "
        "it and I'll focus the answer on that.",
        variation.rotate(CLOSINGS, 0).format(**topic.slots()),
    ]


_BODIES = {
    "greeting": _greeting,
    "thanks": _thanks,
    "code": _code,
    "poem": _poem,
    "story": _story,
    "compare": _compare,
    "summary": _summary,
    "list": _numbered,
    "statement": _statement,
    "attachment": _attachment_only,
}

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
from dataclasses import dataclass, replace
from typing import Any

from . import writers
from .asks import LIST_NOUNS, Shape, shape_of, without_structure
from .instructions import Style, apply_voice, style_for
from .prose import known_subject
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
    r"when (?:is|was|did)|write (?:me )?(?:[\w-]+\s+){1,4}?(?:about|on|of)|"
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
_HOW_DOES_X_WORK_RE = re.compile(
    r"^how (?:does|do|did|can) (.+?) (?:work|function|operate)$", re.IGNORECASE
)
#: "a list of 10 ideas for", "tips for", … in front of what the list is about.
_LIST_LEAD_RE = re.compile(
    r"^(?:(?:a\s+)?(?:short\s+)?list\s+of\s+)?(?:\d+\s+|(?:one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twelve|twenty)\s+)?(?:\w+\s+)?(?:" + LIST_NOUNS + r")\s+"
    r"(?:for|about|on|to|of)\s+",
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


@dataclass(frozen=True)
class Topic:
    """What the last user turn is about."""

    phrase: str
    keywords: tuple[str, ...]
    intent: str
    #: The user's own words, when the phrase alone would read badly.
    quote: str | None = None


@dataclass(frozen=True)
class Variation:
    """Which of the equally good replies to give.

    ``rotation`` picks the rotating lines (consecutive rotations always differ);
    ``seed`` drives every other choice.
    """

    rotation: int = 0
    seed: int = 0
    #: How far past the usual choices the reply strays (0 up to temperature 1; grows
    #: above it), see :class:`.writers.Draft`.
    spread: float = 0.0

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
    phrase = _HOW_DOES_X_WORK_RE.sub(r"\1", first)
    for _ in range(3):  # "Explain how X works" needs two passes
        stripped = _VERB_RE.sub("", _LEAD_RE.sub("", phrase), count=1)
        if stripped == phrase:
            break
        phrase = stripped
    phrase = _HOW_X_WORKS_RE.sub(r"\1", phrase)
    if intent == "code":
        phrase = _CODE_LEAD_RE.sub("", phrase)
    phrase = re.sub(r"^(?:a few|some|several)\s+", "", phrase, flags=re.IGNORECASE)
    phrase = re.sub(r"^(?:about|on)\s+", "", phrase, flags=re.IGNORECASE)
    phrase = _LIST_LEAD_RE.sub("", without_structure(phrase)).strip(" ,;:")
    keywords = keywords_of(phrase) or keywords_of(text)
    quote = _shorten(text.split("\n")[0])
    if intent == "statement":
        return Topic(" and ".join(keywords[:2]) or "that", keywords, intent, quote=quote)
    if (phrase == first and "?" in text) or len(phrase.split()) > 8:
        # A question we cannot rephrase: talk about "your question about <its first noun>".
        about = f"your question about {keywords[0]}" if keywords else "your question"
        return Topic(about, keywords, intent, quote=quote)
    return Topic(phrase or "your message", keywords, intent)


def _base(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _shorten(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


_PRONOUNS = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "am": "are",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "we": "you",
    "our": "your",
    "ours": "yours",
    "us": "you",
    "we're": "you're",
    "was": "were",
}


def second_person(text: str) -> str:
    """``"I have 2 dogs in my house."`` → ``"you have 2 dogs in your house"``."""
    sentence = text.strip().rstrip(".!")
    words = sentence.split(" ")
    out = [_PRONOUNS.get(w.lower(), w) if w.lower() in _PRONOUNS else w for w in words]
    result = " ".join(out)
    return result[:1].lower() + result[1:] if out and out[0] != words[0] else result


# -- the conversation so far -------------------------------------------------------------

#: Legs (or paws) per animal, for "How many paws are in my house?".
LEGS = {
    "dog": 4,
    "puppy": 4,
    "cat": 4,
    "kitten": 4,
    "horse": 4,
    "cow": 4,
    "rabbit": 4,
    "hamster": 4,
    "mouse": 4,
    "bird": 2,
    "parrot": 2,
    "chicken": 2,
    "hen": 2,
    "duck": 2,
    "spider": 8,
    "ant": 6,
}
_COUNT_RE = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+([a-z]+?)(?:s|es)?\b",
    re.IGNORECASE,
)


def earlier_user_texts(req: GenerateRequest) -> list[str]:
    """Text of the user turns before the last one, oldest first."""
    users = [c for c in req.contents if c.get("role", "user") == "user"]
    texts = []
    for content in users[:-1]:
        text = " ".join(
            str(p.get("text", "")) for p in content.get("parts") or [] if isinstance(p, dict)
        )
        text = re.sub(r"\[\[[^\]]*\]\]", "", text).strip()
        if text:
            texts.append(text)
    return texts


def counted_animals(texts: list[str]) -> list[tuple[int, str]]:
    """``(count, animal)`` pairs stated in ``texts`` ("I have 2 dogs" → (2, "dog"))."""
    from .asks import number

    found = []
    for text in texts:
        for match in _COUNT_RE.finditer(text):
            noun = match.group(2).lower()
            for candidate in (noun, noun + "e", noun.rstrip("i") + "y"):
                if candidate in LEGS:
                    found.append((number(match.group(1)), candidate))
                    break
    return found


def counting_answer(req: GenerateRequest) -> str | None:
    """A worked answer to "How many paws/legs …?" from animals counted in earlier turns."""
    match = re.search(r"\bhow many (paws|legs|feet)\b", req.prompt, re.IGNORECASE)
    if not match:
        return None
    animals = counted_animals(earlier_user_texts(req))
    if not animals:
        return None
    what = match.group(1).lower()
    total = sum(n * LEGS[a] for n, a in animals)
    said = " and ".join(f"{n} {a}{'s' * (n != 1)}" for n, a in animals)
    each = ", ".join(f"each {a} has {LEGS[a]} {what}" for _, a in animals)
    return (
        f"You mentioned {said} earlier, and {each}, so there are **{total} {what}** in all, "
        "not counting your own feet!"
    )


_FOLLOW_UP_RE = re.compile(
    r"\b(?:it|its|that|this|those|these|they|them|more|also|else|again|another|instead|"
    r"same|earlier|before|previous|above)\b",
    re.IGNORECASE,
)
#: Subjects that only point back at the conversation ("Tell me more about it").
_POINTING_RE = re.compile(
    r"^(?:(?:try|do it|say it|go)\s+again(?:\s+please)?|again|retry)$|"
    r"^(?:(?:a\s+(?:bit|little)\s+)?more(?:\s+(?:about|on))?\s*)?"
    r"(?:it|that|this|them|those|these)?$",
    re.IGNORECASE,
)


def memory_line(req: GenerateRequest, rotation: int) -> str | None:
    """A sentence that connects this answer to the conversation so far: always for a fact
    the user told us, and for an earlier question when this one follows up on it."""
    earlier = earlier_user_texts(req)
    if not earlier:
        return None
    last = earlier[-1]
    topic = analyse(last)
    if topic.intent == "statement":
        told = second_person(last)
        lines = (
            f"Keeping in mind what you told me earlier, that {told}:",
            f"Since you mentioned that {told}, I'll take that into account.",
        )
        return lines[rotation % len(lines)]
    if topic.intent in ("greeting", "thanks") or topic.phrase.startswith("your "):
        return None
    shared = set(topic.keywords) & set(keywords_of(req.prompt, limit=20))
    if not shared and not _FOLLOW_UP_RE.search(req.prompt):
        return None
    lines = (
        f"Following on from your earlier question about {topic.phrase}:",
        f"Building on what we discussed about {topic.phrase}:",
    )
    return lines[rotation % len(lines)]


def earlier_image(req: GenerateRequest) -> Any:
    """The latest image of an earlier user turn (a media.Attachment), when this turn has
    no attachment of its own and points back at something ("What colour is it?")."""
    from .media import decode_base64, describe

    if req.attachments or not _FOLLOW_UP_RE.search(req.prompt):
        return None
    users = [c for c in req.contents if c.get("role", "user") == "user"][:-1]
    for content in reversed(users):
        for part in reversed(content.get("parts") or []):
            blob = part.get("inlineData") if isinstance(part, dict) else None
            mime = str((blob or {}).get("mimeType", ""))
            if blob and mime.startswith("image/"):
                try:
                    return describe(mime, decode_base64(str(blob.get("data", ""))))
                except ValueError:
                    return None
    return None


def image_follow_up(req: GenerateRequest) -> list[str] | None:
    """An answer about the image an earlier turn attached."""
    image = earlier_image(req)
    if image is None:
        return None
    lines = [f"Looking again at the image you shared earlier, it is {image.look()}."]
    if re.search(r"\bcolou?rs?\b", req.prompt, re.IGNORECASE) and image.colour:
        lines.append(f"Its main colour is **{image.colour}**.")
    lines.append(
        "I can only describe its shape and colours in this offline demo; with a Gemini API "
        "key, the model looks at the picture itself."
    )
    return [" ".join(lines)]


_POINTS_AT_IMAGE_RE = re.compile(
    r"\b(?:this|these|that|attached|the (?:image|picture|photo|drawing|chart|file|document|"
    r"pdf|report|recording|audio|video|clip)|in (?:it|the image))\b",
    re.IGNORECASE,
)


def file_question(req: GenerateRequest, topic: Topic) -> list[str] | None:
    """An answer about attached documents, audio or video when the prompt points at them
    ("Summarise this report"): what the offline demo read, and what a real model adds."""
    files = [a for a in req.attachments if not a.is_image]
    if not files or not _POINTS_AT_IMAGE_RE.search(req.prompt):
        return None
    subject = topic.phrase if not topic.phrase.startswith("your ") else "your file"
    return [
        f"**About {subject}**",
        "That is what this offline demo can read from the file itself: its kind, its size, "
        "its length, and the opening of a plain-text file.",
        f"With a Gemini API key, the model reads the whole file and answers about {subject} "
        "directly: a summary, the key points, or any question you ask about it.",
    ]


def image_question(req: GenerateRequest, topic: Topic) -> list[str] | None:
    """An answer about the attached image when the prompt points at it ("Tell me about
    this instrument"): what can be read from it offline, and what a real model adds."""
    images = [a for a in req.attachments if a.is_image]
    if not images or not _POINTS_AT_IMAGE_RE.search(req.prompt):
        return None
    subject = topic.phrase if not topic.phrase.startswith("your ") else "what it shows"
    return [
        f"**About {subject}**",
        "That is as much as this offline demo can tell: it reads an image's size, shape and "
        f"colours, but cannot recognise {subject} in it.",
        "With a Gemini API key, the model looks at the image itself and answers about "
        f"{subject}: what it is, how it is used and anything notable in the picture.",
    ]


def _follow_up_topic(req: GenerateRequest, topic: Topic) -> Topic:
    """``topic``, or the earlier question's when this turn only points back at it."""
    if not _POINTING_RE.match(topic.phrase.strip()):
        return topic
    for text in reversed(earlier_user_texts(req)):
        earlier = analyse(text)
        if earlier.intent not in ("greeting", "thanks", "statement"):
            return Topic(earlier.phrase, earlier.keywords, topic.intent)
    return topic


# -- public API --------------------------------------------------------------------------


def topic_of(req: GenerateRequest) -> Topic:
    """The topic of the request's last user turn (its attachments when it has no text)."""
    if req.prompt.strip():
        return _follow_up_topic(req, analyse(req.prompt))
    if req.attachments:
        return Topic("your attachment", ("attachment",), "attachment")
    return Topic("your message", (), "explain")


def shape_for(req: GenerateRequest, style: Style) -> Shape:
    """The shape asked for by the prompt, completed by the system instruction."""
    asked = shape_of(req.prompt)
    told = shape_of(req.system_text)
    return Shape(
        paragraphs=asked.paragraphs or told.paragraphs,
        items=asked.items or told.items,
        item_kind=asked.item_kind or told.item_kind,
        sentences=asked.sentences or told.sentences,
        poem=asked.poem or told.poem or ("poem" if style.fmt == "poem" else None),
        long=asked.long or (style.length == "long" and not asked.brief),
        brief=asked.brief,
        simple=asked.simple or told.simple,
    )


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
    shape = shape_for(req, style)
    if style.length == "one_sentence" or shape.sentences == 1:
        return _one_liner(req, topic, style, variation)
    return _markdown(req, topic, style, shape, variation)


def compose_thoughts(req: GenerateRequest) -> list[str]:
    """Thought-summary paragraphs, each starting with a bold title, for thinking models."""
    topic = topic_of(req)
    style = style_for(req.system_text)
    shape = shape_for(req, style)
    if shape.paragraphs:
        plan = f"write exactly {shape.paragraphs} paragraphs"
    elif shape.items:
        plan = f"give a numbered list of {shape.items} items"
    elif shape.poem:
        plan = f"write a {shape.poem}"
    elif shape.long:
        plan = "write a long, well-structured piece with several sections"
    else:
        plan = {
            "greeting": "greet them back warmly",
            "thanks": "acknowledge the thanks and offer more help",
            "code": "sketch a small, runnable code example and explain it briefly",
            "story": "tell a short story with a named character",
            "compare": "lay out the comparison in a small table",
            "summary": "pull out the main points as bullets",
            "list": "give a short numbered list",
            "statement": "acknowledge what they told me and keep it in mind",
        }.get(topic.intent, "give a plain-language overview with a few key points")
    about = f"“{topic.quote}”" if topic.quote else topic.phrase
    first = f"The user is asking about {about}. I'll {plan}."
    if style.active:
        first += f" The system instruction asks for {', '.join(style.labels)}, so I'll follow it."
    if req.user_turns > 1:
        first += " This continues our conversation, so I'll connect it to what they said earlier."
    if req.attachments:
        n = len(req.attachments)
        first += (
            f" There {'is' if n == 1 else 'are'} {n} attachment{'s' * (n != 1)} to acknowledge."
        )
    paragraphs = [f"**Planning the answer**\n\n{first}"]
    level = (req.thinking.level or "").upper()
    budget = req.thinking.budget
    if level not in ("MINIMAL", "LOW") and (budget is None or budget < 0 or budget >= 256):
        paragraphs.append(
            "**Checking the details**\n\nBefore writing, I'll check that the answer stays on "
            f"{topic.phrase}, keeps to the structure asked for and reads well at a glance."
        )
    if level in ("HIGH", "XHIGH") or (budget is not None and budget >= 2048):
        paragraphs.append(
            "**Considering alternatives**\n\nI could go into more depth, but a clear answer "
            "with a concrete example is the most useful structure here."
        )
    return paragraphs


# -- answer shapes -----------------------------------------------------------------------


def _enum_answer(req: GenerateRequest, topic: Topic, variation: Variation) -> Any:
    values = (req.response_schema or {}).get("enum") or [""]
    hints = ValueHints(topic.phrase, keywords_of(req.prompt, limit=50), variation.rotation)
    return instance_for({"enum": values}, hints)


def _json_object(req: GenerateRequest, topic: Topic, style: Style, variation: Variation) -> str:
    d = _draft(req, topic, style, shape_for(req, style), variation)
    known = d.known
    obj: dict[str, Any] = {
        "topic": topic.phrase,
        "answer": known.gist if known else writers.explain(replace(d, shape=Shape(brief=True)))[0],
        "key_points": [re.sub(r"\*\*", "", p) for p in d.pick(_POINTS, 3)],
    }
    if req.user_turns > 1:
        obj["turn"] = req.user_turns
        obj["earlier_you_said"] = _shorten(req.previous_prompt or "")
    if req.attachments:
        obj["attachments"] = [a.summary() for a in req.attachments]
    obj["simulated"] = True
    obj["note"] = f"{SIMULATED_MARK} — add a Gemini API key for real answers."
    return json.dumps(obj, indent=2, ensure_ascii=False)


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
    d = _draft(req, topic, style, Shape(brief=True), variation)
    if topic.intent == "greeting":
        sentence = "Hello! What would you like to talk about?"
    elif (counted := counting_answer(req)) is not None:
        sentence = counted.replace("**", "")
    else:
        sentence = writers.explain(d)[0]
    bits = [v.short for v in style.voices if v.short]
    if style.name:
        bits.append(f"{style.name} here")
    prefix = ", ".join(bits)
    if prefix:
        sentence = f"{prefix}: {writers.uncap(sentence)}"
    if req.attachments:
        sentence = f"({'; '.join(a.summary() for a in req.attachments)}) {sentence}"
    sentence = apply_voice(sentence, style)
    if style.uppercase:
        sentence = sentence.upper()
    return f"{sentence} _({SIMULATED_MARK})_"


_POINTS = writers.prose.POINTS


def _draft(
    req: GenerateRequest, topic: Topic, style: Style, shape: Shape, variation: Variation
) -> writers.Draft:
    return writers.Draft(
        subject=topic.phrase,
        keywords=topic.keywords,
        intent=topic.intent,
        shape=shape,
        prompt=req.prompt,
        rng=variation.rng(f"body|{req.system_text}|{topic.phrase}"),
        rotation=variation.rotation + _base(req.system_text + req.prompt),
        known=known_subject(topic.phrase) if topic.intent in ("explain", "list") else None,
        simple=shape.simple,
        spread=variation.spread,
    )


def _body(req: GenerateRequest, topic: Topic, style: Style, d: writers.Draft) -> list[str]:
    if (counted := counting_answer(req)) is not None:
        return [counted]
    about_media = image_follow_up(req) or image_question(req, topic) or file_question(req, topic)
    if about_media is not None:
        return about_media
    if d.shape.poem or style.fmt == "poem" or topic.intent == "poem":
        return writers.poem(d)
    if style.fmt == "bullets" and not d.shape.paragraphs:
        return writers.bullets(d)
    if d.shape.items or (topic.intent == "list" and not d.shape.paragraphs):
        return writers.numbered(d)
    persona = bool(style.voices or style.name or style.role)
    if topic.intent == "greeting":
        return writers.greeting(d, persona=persona)
    if topic.intent == "statement":
        return writers.statement(d, second_person(req.prompt))
    if topic.intent == "summary":
        rest = re.sub(r"^(?:summari[sz]e|tl;?dr)[^:\n]*[:\n]?", "", req.prompt, flags=re.I)
        return writers.summary(d, rest.strip())
    simple: dict[str, writers.Writer] = {
        "thanks": writers.thanks,
        "code": writers.code,
        "story": writers.story,
        "compare": writers.compare,
    }
    if topic.intent == "attachment":
        return [
            "Ask me something specific about it, and I'll focus the answer on that.",
        ]
    return simple.get(topic.intent, writers.explain)(d)


def _markdown(
    req: GenerateRequest, topic: Topic, style: Style, shape: Shape, variation: Variation
) -> str:
    d = _draft(req, topic, style, shape, variation)
    body = _body(req, topic, style, d)
    answered = counting_answer(req) or earlier_image(req)
    memory = None if answered else memory_line(req, d.rotation)
    opener = _opener(style, in_character=topic.intent not in ("greeting", "thanks"))
    lead = [b for b in (opener, *_attachment_lines(req), memory) if b]
    if "IMAGE" in [str(m).upper() for m in req.config.get("responseModalities") or []]:
        body.append(TEXT_ONLY_NOTE)
    aside = " ".join(v.aside for v in style.voices if v.aside)
    closer = " ".join(v.closer for v in style.voices if v.closer)
    exact = shape.paragraphs is not None and topic.intent not in ("story",)
    prose_at = [i for i, b in enumerate(body) if _is_prose(b)]
    if exact and prose_at:
        first, last = prose_at[0], prose_at[-1]
        if lead:
            body[first] = " ".join([*lead, body[first]])
        if aside and len(prose_at) > 1:
            body[prose_at[1]] = f"{body[prose_at[1]]} {aside}"
        if closer:
            body[last] = f"{body[last]} {closer}"
    else:
        if aside and len(prose_at) > 1:
            body[prose_at[1]] = f"{body[prose_at[1]]} {aside}"
        body = [" ".join(lead), *body] if lead else body
        if closer:
            body.append(closer)
    text = apply_voice("\n\n".join(body), style)
    if style.uppercase:
        text = _upper_outside_code(text)
    return "\n\n".join([text, SIMULATED_LINE])


def _is_prose(block: str) -> bool:
    """A paragraph of sentences (not a heading, list, table, code or verse)."""
    first = block.lstrip()[:1]
    return (
        bool(block)
        and not block.startswith(("**", "```", "|", "- ", "*", "_"))
        and (first.isalpha() or first in "“\"'(")
        and not re.match(r"\d+\. ", block)
    )


def _opener(style: Style, *, in_character: bool = True) -> str:
    bits = [style.greeting or ""] + [v.opener for v in style.voices]
    if style.name:
        bits.append(f"I'm {style.name}.")
    if in_character:
        bits += [v.flavour for v in style.voices if v.flavour]
    if style.role:
        article = "an" if style.role[:1] in "aeiou" else "a"
        bits.append(f"Speaking as {article} {style.role}, here is my take.")
    return " ".join(b for b in bits if b)


def _upper_outside_code(text: str) -> str:
    parts = re.split(r"(```.*?```)", text, flags=re.DOTALL)
    return "".join(p if p.startswith("```") else p.upper() for p in parts)

"""How a system instruction shapes the simulated reply: a small, extendable rule table.

Each :class:`Rule` looks for a pattern in the system instruction and adjusts a
:class:`Style` (persona voice, length, format, tone). The reply plays the style (a cat
answers as a cat) rather than announcing it; the thought summary names the rules that fired.
To support a new instruction, add a :class:`Voice` to :data:`VOICES` or a row to
:data:`RULES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Voice:
    """A persona's way of speaking: lines around the answer and word swaps inside it."""

    label: str
    opener: str = ""
    #: Added after the first paragraph, e.g. "*purrs*".
    aside: str = ""
    closer: str = ""
    #: Short prefix for one-sentence replies, e.g. "Meow".
    short: str = ""
    #: A line in character after the opener, e.g. the cat's view from the windowsill.
    flavour: str = ""
    substitutions: tuple[tuple[str, str], ...] = ()


VOICES: dict[str, Voice] = {
    "cat": Voice(
        "cat persona",
        opener="Meow! 🐾",
        aside="*purrs and flicks tail*",
        closer="*curls up in a sunny spot* Mrrp.",
        short="Meow",
        flavour="I've thought about this from my favourite windowsill, between naps.",
    ),
    "dog": Voice(
        "dog persona",
        opener="Woof woof! 🐶",
        aside="*wags tail excitedly*",
        closer="*drops a ball at your feet* Woof!",
        short="Woof",
        flavour="I sniffed around this one, and here's what I dug up!",
    ),
    "pirate": Voice(
        "pirate voice",
        opener="Arr, ahoy there, matey! 🏴‍☠️",
        closer="Fair winds to ye, and may yer questions never run aground!",
        short="Arr",
        flavour="I've sailed the seven seas, and here be what I've learned.",
        substitutions=(
            (r"\byou\b", "ye"),
            (r"\bYou\b", "Ye"),
            (r"\byour\b", "yer"),
            (r"\bYour\b", "Yer"),
            (r"\bmy\b", "me"),
            (r"\bis\b", "be"),
            (r"\bare\b", "be"),
            (r"\bfriend\b", "matey"),
            (r"\bhello\b", "ahoy"),
        ),
    ),
    "robot": Voice(
        "robot persona",
        opener="BEEP BOOP. 🤖 Query received.",
        closer="END OF TRANSMISSION.",
        short="BEEP",
        flavour="PROCESSING COMPLETE. RESULTS FOLLOW.",
    ),
    "shakespeare": Voice(
        "Shakespearean voice",
        opener="Hark! Good morrow, gentle friend.",
        closer="Parting is such sweet sorrow.",
        short="Forsooth",
        substitutions=((r"\byour\b", "thy"), (r"\byou\b", "thee"), (r"\bYou\b", "Thou")),
    ),
    "teacher": Voice(
        "friendly teacher tone",
        opener="Great question! Let's learn this together, one step at a time. 🍎",
        closer="**Quick check:** can you explain it back in your own words?",
        short="Great question",
    ),
    "formal": Voice(
        "formal tone",
        opener="Certainly. Please find a concise overview below.",
        closer="Kind regards.",
        short="Certainly",
    ),
    "enthusiastic": Voice(
        "enthusiastic tone",
        opener="Ooh, I love this question! 🎉",
        closer="Have fun exploring — you've got this! 🚀",
        short="Wow",
    ),
}

#: Persona nouns (as in "You are a …") that map to a voice.
PERSONA_WORDS = {
    "cat": "cat",
    "kitten": "cat",
    "kitty": "cat",
    "feline": "cat",
    "dog": "dog",
    "puppy": "dog",
    "pirate": "pirate",
    "robot": "robot",
    "android": "robot",
    "shakespeare": "shakespeare",
    "bard": "shakespeare",
    "teacher": "teacher",
    "tutor": "teacher",
}

GREETINGS = {
    "french": "Bonjour !",
    "spanish": "¡Hola!",
    "german": "Hallo!",
    "portuguese": "Olá!",
    "italian": "Ciao!",
    "japanese": "こんにちは！",
    "dutch": "Hallo!",
}


@dataclass
class Style:
    """What the system instruction asks of the reply."""

    labels: list[str] = field(default_factory=list)
    voices: list[Voice] = field(default_factory=list)
    name: str | None = None
    #: "normal", "one_sentence" or "long".
    length: str = "normal"
    #: "markdown", "json", "bullets" or "poem".
    fmt: str = "markdown"
    uppercase: bool = False
    greeting: str | None = None
    #: A role without a dedicated voice, e.g. "travel agent".
    role: str | None = None

    def add_voice(self, key: str) -> None:
        """Apply the voice registered under ``key`` once."""
        voice = VOICES[key]
        if voice not in self.voices:
            self.voices.append(voice)
            self.labels.append(voice.label)

    @property
    def active(self) -> bool:
        """True when any rule fired."""
        return bool(self.labels)


@dataclass(frozen=True)
class Rule:
    """``pattern`` (case-insensitive) found in the system instruction -> ``apply``."""

    pattern: str
    apply: Callable[[Style, re.Match[str]], None]
    flags: int = re.IGNORECASE


def _persona(style: Style, match: re.Match[str]) -> None:
    role = match.group(1).strip().lower()
    for word in re.findall(r"[a-z]+", role):
        if word in PERSONA_WORDS:
            style.add_voice(PERSONA_WORDS[word])
            return
    if role and style.role is None:
        style.role = role
        style.labels.append(f"persona “{role}”")


def _name(style: Style, match: re.Match[str]) -> None:
    if style.name is None:
        style.name = match.group(1)
        style.labels.append(f"name “{style.name}”")


def _set(attr: str, value: object, label: str) -> Callable[[Style, re.Match[str]], None]:
    def apply(style: Style, _match: re.Match[str]) -> None:
        if getattr(style, attr) != value:
            setattr(style, attr, value)
            style.labels.append(label)

    return apply


def _voice(key: str) -> Callable[[Style, re.Match[str]], None]:
    return lambda style, _match: style.add_voice(key)


def _language(style: Style, match: re.Match[str]) -> None:
    language = match.group(1).lower()
    style.greeting = GREETINGS[language]
    style.labels.append(f"answer in {language.capitalize()}")


RULES: tuple[Rule, ...] = (
    Rule(r"\byou are (?:a|an)\s+([a-z][a-z \-]{1,40}?)(?:[.,;!\n]| who| that| named|$)", _persona),
    Rule(
        r"\b(?:act|speak|talk|respond|answer|reply|write) (?:like|as) (?:a|an)\s+"
        r"([a-z][a-z \-]{1,30}?)(?:[.,;!\n]|$)",
        _persona,
    ),
    # Case-sensitive name so "named after" is not taken for a name.
    Rule(
        r"(?i:your name is|you are called|you're called|named|call yourself)"
        r"\s+[\"“']?([A-Z][\w'\-]*)",
        _name,
        flags=0,
    ),
    Rule(r"\bpirate\b", _voice("pirate")),
    Rule(r"\b(?:shakespeare|shakespearean|elizabethan)\b", _voice("shakespeare")),
    Rule(r"\b(?:teacher|tutor|eli5|five[- ]year[- ]old|beginner|kids?|child)\b", _voice("teacher")),
    Rule(r"\b(?:formal|professional|polite|business)\b", _voice("formal")),
    Rule(r"\b(?:enthusiastic|excited|cheerful|upbeat|energetic)\b", _voice("enthusiastic")),
    Rule(
        r"\b(?:terse|brief|briefly|concise|concisely|succinct|one sentence|single sentence|"
        r"one line|one-liner|short answers?|tl;?dr)\b",
        _set("length", "one_sentence", "terse (one sentence)"),
    ),
    Rule(
        r"\b(?:detailed|thorough|in depth|in-depth|comprehensive)\b",
        _set("length", "long", "detailed"),
    ),
    Rule(r"\bjson\b", _set("fmt", "json", "JSON output")),
    Rule(r"\b(?:bullet|bullets|bulleted|bullet points)\b", _set("fmt", "bullets", "bullet points")),
    Rule(r"\b(?:haiku|poem|poems|rhyme|rhymes|verse)\b", _set("fmt", "poem", "verse")),
    Rule(
        r"\b(?:all caps|uppercase|upper case|shout|shouting)\b", _set("uppercase", True, "ALL CAPS")
    ),
    Rule(
        r"\b(?:respond|answer|reply|speak|write|talk)s? (?:only )?in ("
        + "|".join(GREETINGS)
        + r")\b",
        _language,
    ),
)


def style_for(system_text: str, rules: tuple[Rule, ...] = RULES) -> Style:
    """Apply every matching rule to a fresh :class:`Style`.

    A non-empty instruction that no rule recognises is still acknowledged, quoting its
    start, so the reply visibly reflects it.
    """
    style = Style()
    text = system_text.strip()
    if not text:
        return style
    for rule in rules:
        for match in re.finditer(rule.pattern, text, flags=rule.flags):
            rule.apply(style, match)
    if not style.labels:
        quoted = text if len(text) <= 48 else text[:47].rstrip() + "…"
        style.labels.append(f"“{quoted}”")
    return style


def apply_voice(text: str, style: Style) -> str:
    """Swap words for the active voices, leaving fenced code blocks alone."""
    subs = [sub for voice in style.voices for sub in voice.substitutions]
    if not subs:
        return text
    out, in_code = [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code:
            for pattern, replacement in subs:
                line = re.sub(pattern, replacement, line)
        out.append(line)
    return "\n".join(out)

"""Reply quality of the offline server, through the real SDK: 30 varied prompts whose
replies must have the structure asked for (paragraphs, items, verse lines, length), stay
on topic, play a persona instead of announcing it, and show no grammar smells (repeated
phrases, dangling clauses, unfilled slots)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from google import genai
from google.genai import types

from gemini_offline import SIMULATED_LINE

MODEL = "gemini-2.5-flash"
#: Words that cannot end a sentence.
DANGLING = {
    "a", "an", "the", "of", "to", "and", "or", "but", "about", "with", "for", "in", "on",
    "that", "which", "by", "from", "into", "as", "its", "their", "your",
}  # fmt: skip


@dataclass(frozen=True)
class Case:
    prompt: str
    system: str = ""
    #: Every one of these words appears in the reply (case-insensitive).
    nouns: tuple[str, ...] = ()
    paragraphs: int | None = None
    items: int | None = None
    verse_lines: int | None = None
    min_words: int = 0
    max_words: int = 10_000


CASES = [
    Case("How does AI work?", nouns=("AI", "data", "model"), min_words=80),
    Case("Explain how AI works in a few words", nouns=("AI",), max_words=30),
    Case("Explain how a rainbow forms in three short paragraphs", nouns=("rainbow",), paragraphs=3),
    Case("Describe photosynthesis in two paragraphs", nouns=("photosynthesis",), paragraphs=2),
    Case("Explain black holes in 4 paragraphs", nouns=("black hole",), paragraphs=4),
    Case("Write five paragraphs about the history of jazz", nouns=("jazz",), paragraphs=5),
    Case("Give me a list of 10 ideas for a birthday party", nouns=("birthday party",), items=10),
    Case("List 7 tips for better sleep", nouns=("sleep",), items=7),
    Case("Suggest three names for a kitten", nouns=("names",), items=3),
    Case("Give me 12 reasons to learn Spanish", nouns=("Spanish",), items=12),
    Case("What are 4 ways to save money?", nouns=("save money",), items=4),
    Case("Write a haiku about autumn leaves", nouns=("autumn leaves",), verse_lines=3),
    Case("Write a haiku about the sea", nouns=("sea",), verse_lines=3),
    Case("Write a limerick about coffee", nouns=("coffee",), verse_lines=5),
    Case("Write a sonnet about the moon", nouns=("moon",), verse_lines=14),
    Case(
        "Write a long essay about the history of the printing press",
        nouns=("printing press",),
        min_words=450,
    ),
    Case("Write a detailed explanation of how vaccines work", nouns=("vaccines",), min_words=400),
    Case("Write a story about a magic backpack", nouns=("magic backpack",), min_words=80),
    Case("Tell me a short story about friendship", nouns=("friendship",), min_words=60),
    Case("What is the capital of France?", nouns=("Paris",)),
    Case("What is the capital of Japan?", nouns=("Tokyo",)),
    Case("Explain how tides work", nouns=("Moon", "tides")),
    Case("Compare tea and coffee", nouns=("tea", "coffee")),
    Case("Write a Python function that reverses a list", nouns=("def ", "python")),
    Case("Hello there", system="You are a cat. Your name is Neko.", nouns=("Meow", "Neko")),
    Case("Explain gravity", system="You are a pirate.", nouns=("gravity", "Arr")),
    Case(
        "Explain the internet",
        system="Answer in two paragraphs.",
        nouns=("internet",),
        paragraphs=2,
    ),
    Case("Describe a rainbow", system="Use bullet points.", nouns=("rainbow",)),
    Case(
        "Tell me about machine learning",
        system="You are a friendly teacher.",
        nouns=("machine learning", "Great question"),
    ),
    Case(
        "Summarize: The cat sat on the mat. It was warm. Then it slept all day.",
        nouns=("cat", "mat"),
    ),
]


def _generate(client: genai.Client, case: Case, **config) -> str:
    reply = client.models.generate_content(
        model=MODEL,
        contents=case.prompt,
        config=types.GenerateContentConfig(
            system_instruction=case.system or None, temperature=0, **config
        ),
    )
    assert reply.text
    return reply.text


def blocks_of(text: str) -> list[str]:
    """The reply's Markdown blocks without the simulated label."""
    assert text.rstrip().endswith(SIMULATED_LINE)
    body = re.sub(r"```.*?```", "```code```", text.rstrip()[: -len(SIMULATED_LINE)], flags=re.S)
    return [b.strip() for b in body.split("\n\n") if b.strip()]


def is_heading(block: str) -> bool:
    return bool(re.fullmatch(r"\*\*[^*\n]+\*\*", block))


def prose_paragraphs(text: str) -> list[str]:
    return [
        b
        for b in blocks_of(text)
        if not is_heading(b) and not re.match(r"(?:- |\d+\. |\||```|\*)", b)
    ]


def sentences_of(text: str) -> list[str]:
    prose = " ".join(prose_paragraphs(text))
    prose = re.sub(r"(?<!\*)\*[^*\n]+\*(?!\*)", "", prose)  # *purrs*: a stage direction
    prose = re.sub(r"\*\*", "", prose)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", prose) if s.strip()]


def grammar_smells(text: str, prompt: str) -> list[str]:
    """What reads as broken: unfilled slots, doubled words, space before punctuation,
    sentences that dangle or start in lower case, repeated sentences or phrases."""
    smells = []
    if re.search(r"[{}]", text.split("```")[0]):
        smells.append("unfilled template slot")
    if m := re.search(r"\b(\w+) \1\b", text, re.IGNORECASE):
        smells.append(f"doubled word {m.group(0)!r}")
    if re.search(r"\s[,.;:!?](?!\w)", re.sub(r"```.*?```", "", text, flags=re.S)):
        smells.append("space before punctuation")
    sentences = sentences_of(text)
    for s in sentences:
        words = re.findall(r"[A-Za-z']+", s)
        if words and words[-1].lower() in DANGLING:
            smells.append(f"dangling clause: {s!r}")
        if s[:1].islower():
            smells.append(f"sentence starts in lower case: {s!r}")
    repeated = {s for s in sentences if sentences.count(s) > 1}
    smells += [f"repeated sentence: {s!r}" for s in repeated]
    prompt_words = {w.lower() for w in re.findall(r"[A-Za-z']+", prompt)}
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", " ".join(sentences))]
    grams = [tuple(words[i : i + 5]) for i in range(len(words) - 4)]
    for gram in {g for g in grams if grams.count(g) > 1}:
        if not set(gram) <= prompt_words | {"the", "of", "a", "and", "how"}:
            smells.append(f"repeated phrase: {' '.join(gram)!r}")
    return smells


@pytest.mark.parametrize("case", CASES, ids=[c.prompt[:40] for c in CASES])
def test_reply_has_the_structure_asked_for_and_reads_well(client: genai.Client, case: Case) -> None:
    text = _generate(client, case)
    words = len(re.findall(r"\w+", text)) - len(re.findall(r"\w+", SIMULATED_LINE))

    for noun in case.nouns:
        assert noun.lower() in text.lower(), f"{noun!r} missing from:\n{text}"
    if case.paragraphs is not None:
        assert len(prose_paragraphs(text)) == case.paragraphs, text
    if case.items is not None:
        assert len(re.findall(r"^\d+\. ", text, re.MULTILINE)) == case.items, text
    if case.verse_lines is not None:
        verse = [b for b in blocks_of(text) if not is_heading(b)]
        assert len(verse) == 1 and len(verse[0].splitlines()) == case.verse_lines, text
    assert case.min_words <= words <= case.max_words, f"{words} words:\n{text}"
    assert grammar_smells(text, case.prompt) == [], text
    assert "System instruction applied" not in text and not re.search(r"\bpersona\b", text)


def test_the_grammar_check_catches_the_smells_it_names() -> None:
    broken = (
        "People usually meet how a rainbow forms, in three short paragraphs through everyday "
        "examples first. It is a town that cared a great deal about. the the end . "
        "It helps a lot here. It helps a lot here.\n\n" + SIMULATED_LINE
    )

    smells = grammar_smells(broken, "Explain rainbows")

    assert any(s.startswith("dangling clause") for s in smells)
    assert any(s.startswith("doubled word") for s in smells)
    assert "space before punctuation" in smells
    assert any(s.startswith("repeated sentence") for s in smells)


def test_a_haiku_keeps_five_seven_five_syllables(client: genai.Client) -> None:
    from gemini_offline.prose import syllables

    text = _generate(client, Case("Write a haiku about autumn leaves"))
    verse = next(b for b in blocks_of(text) if not is_heading(b))

    assert [syllables(line.strip("*")) for line in verse.splitlines()] == [5, 7, 5]


def test_a_long_essay_is_many_paragraphs_and_a_brief_answer_is_one(
    client: genai.Client,
) -> None:
    essay = _generate(client, Case("Write a long essay about the printing press"))
    brief = _generate(client, Case("Explain the printing press in a few words"))

    assert len(prose_paragraphs(essay)) >= 6
    assert len(prose_paragraphs(brief)) == 1 and len(brief.split()) < len(essay.split()) / 8


def test_a_persona_is_played_not_announced(client: genai.Client) -> None:
    text = _generate(
        client, Case("Explain photosynthesis", system="You are a cat. Your name is Neko.")
    )

    first = blocks_of(text)[0]
    assert first.startswith("Meow! 🐾 I'm Neko.") and "windowsill" in first
    assert "*purrs" in text and "System instruction" not in text


def test_chat_follow_ups_refer_back_to_earlier_turns(client: genai.Client) -> None:
    chat = client.chats.create(model=MODEL, config=types.GenerateContentConfig(temperature=0))
    chat.send_message("Explain how tides work")

    more = chat.send_message("Tell me more about it").text

    assert re.search(r"(?:Following on from|Building on) .*\btides\b", more)
    assert "Moon" in more  # "it" is the tides, not the word "it"


def test_an_attached_image_is_referred_to(client: genai.Client) -> None:
    import io

    import PIL.Image

    buffer = io.BytesIO()
    PIL.Image.new("RGB", (64, 48), "orange").save(buffer, format="PNG")
    image = types.Part.from_bytes(data=buffer.getvalue(), mime_type="image/png")

    reply = client.models.generate_content(
        model=MODEL, contents=["Tell me about this instrument", image]
    )

    assert "attached image" in reply.text and "**About this instrument**" in reply.text
    assert "It is a landscape-format picture dominated by orange tones." in reply.text
    assert grammar_smells(reply.text, "Tell me about this instrument") == []


def test_replies_vary_by_default_and_repeat_under_a_seed(client: genai.Client) -> None:
    prompt = "Give me tips for better sleep"
    default = {client.models.generate_content(model=MODEL, contents=prompt).text for _ in range(3)}
    config = types.GenerateContentConfig(seed=7)
    seeded = {
        client.models.generate_content(model=MODEL, contents=prompt, config=config).text
        for _ in range(3)
    }

    assert len(default) > 1 and len(seeded) == 1


def test_a_follow_up_about_an_earlier_image_describes_that_image(client: genai.Client) -> None:
    import io

    import PIL.Image

    buffer = io.BytesIO()
    PIL.Image.new("RGB", (120, 80), (20, 60, 200)).save(buffer, format="PNG")
    image = types.Part.from_bytes(data=buffer.getvalue(), mime_type="image/png")
    chat = client.chats.create(model=MODEL)
    chat.send_message(["Tell me about this instrument", image])

    text = chat.send_message("What colour is it?").text

    assert text.startswith("Looking again at the image you shared earlier")
    assert "landscape-format" in text and "Its main colour is **blue**" in text

"""Topic analysis and the system-instruction rule table."""

from __future__ import annotations

import pytest

from gemini_offline.instructions import apply_voice, style_for
from gemini_offline.text import analyse


@pytest.mark.parametrize(
    ("prompt", "phrase", "intent"),
    [
        ("Explain how photosynthesis works", "photosynthesis", "explain"),
        ("What is the capital of France?", "the capital of France", "explain"),
        ("Could you please tell me about black holes?", "black holes", "explain"),
        ("Write a haiku about autumn leaves", "autumn leaves", "poem"),
        ("Hello there", "Hello there", "greeting"),
        ("Thanks a lot!", "Thanks a lot", "thanks"),
        ("Write a Python function that reverses a list", "reverses a list", "code"),
        ("Compare tea and coffee", "tea and coffee", "compare"),
        ("Give me tips for better sleep", "better sleep", "list"),
        ("Explain how a rainbow forms in three short paragraphs", "how a rainbow forms", "explain"),
        ("How does AI work?", "AI", "explain"),
        ("Give me a list of 10 ideas for a birthday party", "a birthday party", "list"),
        ("Write a long essay about the printing press", "the printing press", "explain"),
        ("Name a few famous bridges", "famous bridges", "list"),
        ("How many paws are in my house?", "your question about paws", "explain"),
    ],
)
def test_topic_and_intent(prompt: str, phrase: str, intent: str) -> None:
    topic = analyse(prompt)

    assert (topic.phrase, topic.intent) == (phrase, intent)


def test_statement_is_quoted() -> None:
    topic = analyse("I have 2 dogs in my house.")

    assert topic.intent == "statement" and topic.quote == "I have 2 dogs in my house."


def test_persona_and_name() -> None:
    style = style_for("You are a cat. Your name is Neko.")

    assert style.name == "Neko"
    assert [v.label for v in style.voices] == ["cat persona"]
    assert style.labels == ["cat persona", "name “Neko”"]


@pytest.mark.parametrize(
    ("instruction", "attr", "value"),
    [
        ("Be terse.", "length", "one_sentence"),
        ("Answer in one sentence", "length", "one_sentence"),
        ("Always reply in JSON", "fmt", "json"),
        ("Use bullet points", "fmt", "bullets"),
        ("Please be detailed", "length", "long"),
        ("SHOUT in all caps", "uppercase", True),
    ],
)
def test_format_rules(instruction: str, attr: str, value: object) -> None:
    assert getattr(style_for(instruction), attr) == value


def test_tone_and_role_rules() -> None:
    assert style_for("You are a friendly teacher").labels == ["friendly teacher tone"]
    assert style_for("Talk like a pirate").voices[0].label == "pirate voice"
    assert style_for("You are a travel agent.").role == "travel agent"
    assert style_for("Respond in French").greeting == "Bonjour !"


def test_unrecognised_instruction_is_still_acknowledged() -> None:
    assert style_for("Mention the weather in Lisbon").labels == ["“Mention the weather in Lisbon”"]
    assert style_for("").labels == []


def test_name_needs_a_capital_so_named_after_is_not_a_name() -> None:
    assert style_for("a story named after the river").name is None


def test_pirate_voice_leaves_code_alone() -> None:
    style = style_for("You are a pirate")
    text = "Your code is here.\n```python\nyou = 1\n```"

    assert apply_voice(text, style) == "Yer code be here.\n```python\nyou = 1\n```"

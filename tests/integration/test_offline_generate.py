"""generateContent through the real SDK: reply shape and every config knob it honours."""

from __future__ import annotations

import io
import re

import PIL.Image
from google import genai
from google.genai import types

from gemini_offline import SIMULATED_LINE
from gemini_offline.tokens import count_tokens

MODEL = "gemini-2.5-flash"
PROMPT = "Explain how photosynthesis works"


def generate(client: genai.Client, contents=PROMPT, model: str = MODEL, **config):
    cfg = types.GenerateContentConfig(**config) if config else None
    return client.models.generate_content(model=model, contents=contents, config=cfg)


def test_reply_is_simulated_markdown_about_the_prompt(client: genai.Client) -> None:
    reply = generate(client)

    text = reply.text
    assert "photosynthesis" in text.lower()
    assert text.rstrip().endswith(SIMULATED_LINE)
    assert 60 <= len(text.split()) <= 150
    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason.STOP and candidate.index == 0
    assert candidate.content.role == "model"
    assert reply.model_version == MODEL and reply.response_id


def test_usage_metadata_adds_up(client: genai.Client) -> None:
    reply = generate(client, system_instruction="Be helpful.")

    usage = reply.usage_metadata
    assert usage.prompt_token_count == count_tokens(PROMPT) + count_tokens("Be helpful.")
    assert usage.candidates_token_count == count_tokens(reply.text)
    assert usage.thoughts_token_count > 0  # 2.5 Flash thinks by default
    assert usage.total_token_count == (
        usage.prompt_token_count + usage.candidates_token_count + usage.thoughts_token_count
    )
    assert [(d.modality, d.token_count) for d in usage.prompt_tokens_details] == [
        (types.MediaModality.TEXT, usage.prompt_token_count)
    ]


def test_unset_temperature_is_the_default_1_and_replies_vary(client: genai.Client) -> None:
    assert len({generate(client).text for _ in range(3)}) == 3


def test_temperature_zero_replies_are_identical(client: genai.Client) -> None:
    texts = {generate(client, temperature=0).text for _ in range(3)}

    assert len(texts) == 1


def test_temperature_one_replies_vary_between_calls(client: genai.Client) -> None:
    texts = {generate(client, temperature=1.0).text for _ in range(3)}

    assert len(texts) == 3


def test_seed_makes_replies_reproducible_and_different_seeds_differ(client: genai.Client) -> None:
    first = generate(client, temperature=1.0, seed=7).text
    again = generate(client, temperature=1.0, seed=7).text
    other = generate(client, temperature=1.0, seed=8).text

    assert first == again
    assert other != first


def test_candidate_count_returns_distinct_indexed_candidates(client: genai.Client) -> None:
    reply = generate(client, candidate_count=3, temperature=0.9)

    assert [c.index for c in reply.candidates] == [0, 1, 2]
    texts = ["".join(p.text for p in c.content.parts) for c in reply.candidates]
    assert len(set(texts)) == 3
    assert reply.usage_metadata.candidates_token_count == sum(count_tokens(t) for t in texts)


def test_max_output_tokens_truncates_with_max_tokens(client: genai.Client) -> None:
    # Thinking off: thoughts would share the cap (see test_offline_shapes.py).
    off = types.ThinkingConfig(thinking_budget=0)
    full = generate(client, temperature=0, thinking_config=off).text
    reply = generate(client, max_output_tokens=12, temperature=0, thinking_config=off)

    assert reply.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert reply.usage_metadata.candidates_token_count == 12
    assert count_tokens(reply.text) == 12
    assert full.startswith(reply.text)


def test_stop_sequence_cuts_before_its_first_occurrence(client: genai.Client) -> None:
    full = generate(client, temperature=0).text
    words = re.findall(r"[A-Za-z]{5,}", full)
    stop = words[len(words) // 2]
    reply = generate(client, stop_sequences=[stop], temperature=0)

    assert reply.text == full[: full.index(stop)]
    assert reply.candidates[0].finish_reason == types.FinishReason.STOP


def test_system_instruction_persona_speaks_as_neko(client: genai.Client) -> None:
    reply = generate(
        client, contents="Hello there", system_instruction="You are a cat. Your name is Neko."
    )

    text = reply.text
    assert text.startswith("Meow! 🐾 I'm Neko.")  # played, not announced
    assert "System instruction" not in text and "persona" not in text


def test_terse_system_instruction_gives_one_short_sentence(client: genai.Client) -> None:
    text = generate(client, system_instruction="Be terse.").text

    assert "\n" not in text.strip()
    sentence = text.split(" _(")[0]
    assert sentence.count(". ") == 0 and len(sentence.split()) <= 25
    assert "Simulated by gemini_offline" in text


def test_include_thoughts_returns_thought_part_signature_and_count(client: genai.Client) -> None:
    reply = generate(
        client,
        model="gemini-3-pro-preview",
        thinking_config=types.ThinkingConfig(include_thoughts=True, thinking_level="HIGH"),
    )

    thought, answer = reply.candidates[0].content.parts
    assert thought.thought is True and thought.text.startswith("**Planning the answer**\n\n")
    assert answer.thought is None and answer.thought_signature
    assert reply.text == answer.text
    assert reply.usage_metadata.thoughts_token_count == count_tokens(thought.text)


def test_thinking_without_include_thoughts_still_counts_thought_tokens(
    client: genai.Client,
) -> None:
    hidden = generate(client, thinking_config=types.ThinkingConfig(thinking_budget=1024))
    off = generate(client, thinking_config=types.ThinkingConfig(thinking_budget=0))

    assert len(hidden.candidates[0].content.parts) == 1
    assert hidden.usage_metadata.thoughts_token_count > 0
    assert off.usage_metadata.thoughts_token_count is None


def _png(size: tuple[int, int], colour: str) -> bytes:
    buffer = io.BytesIO()
    PIL.Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_pil_image_is_acknowledged_with_format_and_size(client: genai.Client) -> None:
    image = PIL.Image.new("RGB", (640, 480), "navy")

    reply = generate(client, contents=["Tell me about this instrument", image])

    assert re.search(r"I can see 1 attached image: PNG, 640×480 px, [\d.]+ (KB|B)", reply.text)
    assert "instrument" in reply.text
    details = {d.modality: d.token_count for d in reply.usage_metadata.prompt_tokens_details}
    assert details[types.MediaModality.IMAGE] == 258


def test_part_from_bytes_images_and_files_are_acknowledged(client: genai.Client) -> None:
    jpeg = io.BytesIO()
    PIL.Image.new("RGB", (32, 48), "red").save(jpeg, format="JPEG")
    parts = [
        "What are these?",
        types.Part.from_bytes(data=_png((100, 50), "green"), mime_type="image/png"),
        types.Part.from_bytes(data=jpeg.getvalue(), mime_type="image/jpeg"),
        types.Part.from_bytes(data=b"%PDF-1.4 tiny", mime_type="application/pdf"),
    ]

    text = generate(client, contents=parts).text

    assert "I can see 2 attached images: PNG, 100×50 px" in text
    assert "JPEG, 32×48 px" in text
    assert "1 attached file: a PDF document (13 B) whose pages I could not count" in text


def test_chat_reply_uses_what_an_earlier_turn_said(client: genai.Client) -> None:
    history = [
        types.Content(role="user", parts=[types.Part(text="Hello")]),
        types.Content(role="model", parts=[types.Part(text="Great to meet you.")]),
        types.Content(role="user", parts=[types.Part(text="I have 2 dogs in my house.")]),
        types.Content(role="model", parts=[types.Part(text="Noted.")]),
    ]
    chat = client.chats.create(model=MODEL, history=history)

    reply = chat.send_message("How many paws are in my house?")

    assert "You mentioned 2 dogs earlier, and each dog has 4 paws" in reply.text
    assert "**8 paws**" in reply.text


def test_count_tokens_for_text_and_image(client: genai.Client) -> None:
    text_only = client.models.count_tokens(model=MODEL, contents="How many tokens is this?")
    with_image = client.models.count_tokens(
        model=MODEL, contents=["Describe", PIL.Image.new("RGB", (8, 8))]
    )

    assert text_only.total_tokens == count_tokens("How many tokens is this?") == 6
    assert with_image.total_tokens == 1 + 258

"""Image output and image edits on the Gemini image models, through the real SDK."""

from __future__ import annotations

import io
import math

import PIL.Image
import pytest
from google import genai
from google.genai import errors, types
from PIL import ImageChops, ImageStat

from gemini_offline import OfflineServer
from gemini_offline.media import decode_base64
from gemini_offline.text import TEXT_ONLY_NOTE
from tests.expected_pixel_sizes import EXPECTED_1K

from .helpers import raw_call

IMAGE_MODELS = ("gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-2.5-flash-image")
FLASH = "gemini-3.1-flash-image"
YELLOW = (245, 205, 40)

#: Pixel sizes at 1K, as documented in gemini_offline/images.py.


def config(modalities=("TEXT", "IMAGE"), ratio=None, size=None, **extra):
    image_config = None
    if ratio or size:
        image_config = types.ImageConfig(aspect_ratio=ratio, image_size=size)
    return types.GenerateContentConfig(
        response_modalities=list(modalities), image_config=image_config, **extra
    )


def draw(client: genai.Client, contents, model: str = FLASH, **kwargs):
    return client.models.generate_content(model=model, contents=contents, config=config(**kwargs))


def pictures(reply) -> list[PIL.Image.Image]:
    return [
        PIL.Image.open(io.BytesIO(p.inline_data.data)).convert("RGB")
        for p in reply.parts or []
        if p.inline_data
    ]


def picture_bytes(reply) -> list[bytes]:
    return [p.inline_data.data for p in reply.parts or [] if p.inline_data]


def rejected(call) -> errors.ClientError:
    with pytest.raises(errors.ClientError) as caught:
        call()
    assert caught.value.code == 400 and caught.value.status == "INVALID_ARGUMENT"
    return caught.value


def mean(img: PIL.Image.Image) -> list[float]:
    return ImageStat.Stat(img.convert("RGB")).mean


def distance(a, b) -> float:
    return math.dist(a[:3], b[:3])


def test_picture(size=(512, 384)) -> PIL.Image.Image:
    """A left-red / right-blue test picture with a white bar (not a test)."""
    img = PIL.Image.new("RGB", size, (200, 40, 40))
    img.paste((40, 60, 200), (size[0] // 2, 0, size[0], size[1]))
    img.paste((255, 255, 255), (size[0] // 8, size[1] // 2, size[0] // 4, size[1] * 3 // 4))
    return img


test_picture.__test__ = False  # type: ignore[attr-defined]


# -- generation --------------------------------------------------------------------------


@pytest.mark.parametrize("model", IMAGE_MODELS)
def test_each_image_model_answers_text_then_a_png(client: genai.Client, model: str) -> None:
    reply = draw(client, "Generate an image of a lighthouse at dawn", model=model)

    parts = reply.parts
    assert [bool(p.text) for p in parts] == [True, False]
    assert parts[0].text == "Here is a simulated image of a lighthouse at dawn."
    # Gemini 3 Pro Image sends JPEG, as the real model does; the others PNG.
    kind = "JPEG" if model == "gemini-3-pro-image" else "PNG"
    assert parts[1].inline_data.mime_type == f"image/{kind.lower()}"
    image = PIL.Image.open(io.BytesIO(parts[1].inline_data.data))
    assert image.format == kind and image.size == (1024, 1024)
    signed = [bool(p.thought_signature) for p in parts]
    assert signed == ([False, False] if model == "gemini-2.5-flash-image" else [True, True])
    assert reply.candidates[0].finish_reason == types.FinishReason.STOP
    assert reply.text == parts[0].text


def test_wire_body_has_the_recorded_shape(srv: OfflineServer) -> None:
    status, body = raw_call(
        srv,
        "/v1beta/models/gemini-2.5-flash-image:generateContent",
        {
            "contents": [{"parts": [{"text": "A tiny axolotl"}]}],
            "generationConfig": {"responseModalities": ["text", "image"]},
        },
    )

    assert status == 200
    candidate = body["candidates"][0]
    text, image = candidate["content"]["parts"]
    assert set(text) == {"text"} and set(image) == {"inlineData"}
    assert set(image["inlineData"]) == {"mimeType", "data"}
    assert image["inlineData"]["mimeType"] == "image/png"
    assert "-" not in image["inlineData"]["data"] and "_" not in image["inlineData"]["data"]
    assert candidate["finishReason"] == "STOP" and candidate["content"]["role"] == "model"
    usage = body["usageMetadata"]
    text_tokens = usage["candidatesTokenCount"] - 1290
    assert usage["candidatesTokensDetails"] == [
        {"modality": "TEXT", "tokenCount": text_tokens},
        {"modality": "IMAGE", "tokenCount": 1290},
    ]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]


def test_image_only_modality_returns_just_the_image(client: genai.Client) -> None:
    reply = draw(client, "A lighthouse at dawn", modalities=["IMAGE"])

    assert len(reply.parts) == 1 and reply.parts[0].inline_data
    assert reply.text is None


@pytest.mark.parametrize("ratio", list(EXPECTED_1K))
def test_every_aspect_ratio_has_its_documented_size(client: genai.Client, ratio: str) -> None:
    (image,) = pictures(draw(client, "A red kite", ratio=ratio))

    assert image.size == EXPECTED_1K[ratio]
    w, h = (int(n) for n in ratio.split(":"))
    assert abs(image.width / image.height / (w / h) - 1) < 0.01


def test_2k_and_4k_double_and_quadruple_the_1k_size(client: genai.Client) -> None:
    (two_k,) = pictures(draw(client, "A red kite", ratio="3:4", size="2K"))
    four_k = draw(client, "A red kite", model="gemini-3-pro-image", ratio="16:9", size="4K")

    assert two_k.size == (1536, 2048)
    assert pictures(four_k)[0].size == (4096, 2304)
    assert four_k.usage_metadata.candidates_tokens_details[-1].token_count == 2000


def test_a_seed_or_temperature_0_repeats_the_bytes(client: genai.Client) -> None:
    seeded = picture_bytes(draw(client, "A lighthouse at dawn", seed=7, temperature=1.0))
    again = picture_bytes(draw(client, "A lighthouse at dawn", seed=7, temperature=1.0))
    other = picture_bytes(draw(client, "A lighthouse at dawn", seed=8))
    cold = {picture_bytes(draw(client, "A lighthouse at dawn", temperature=0))[0] for _ in "ab"}

    assert seeded == again
    assert other != seeded
    assert len(cold) == 1


def test_calls_without_a_seed_draw_new_pictures(client: genai.Client) -> None:
    # The app makes parallel calls for "number of images": each must differ, as online.
    drawn = {picture_bytes(draw(client, "A lighthouse at dawn"))[0] for _ in range(3)}

    assert len(drawn) == 3


def test_prompts_draw_different_pictures(client: genai.Client) -> None:
    cat, dog = (picture_bytes(draw(client, p, seed=1))[0] for p in ("A cat", "A dog"))

    assert cat != dog


def test_interleaved_recipe_alternates_text_and_images(client: genai.Client) -> None:
    reply = draw(client, "Give me an illustrated recipe for pancakes, with images as you go")

    kinds = ["image" if p.inline_data else "text" for p in reply.parts]
    assert kinds.count("image") >= 3
    assert kinds == ["text", "image"] * (len(kinds) // 2)
    texts = [p.text for p in reply.parts if p.text]
    assert "recipe for pancakes" in texts[0] and "**Step 1:**" in texts[0]
    assert texts[1].startswith("**Step 2:**")
    assert len(set(picture_bytes(reply))) == kinds.count("image")
    usage = reply.usage_metadata
    assert usage.candidates_tokens_details[-1].token_count == 1290 * kinds.count("image")


def test_a_story_is_told_in_scenes(client: genai.Client) -> None:
    reply = draw(client, "Tell a short story about a brave snail, step by step")

    texts = [p.text for p in reply.parts if p.text]
    assert len(texts) >= 3 and "**Scene 1:**" in texts[0]


# -- validation ---------------------------------------------------------------------------


def test_an_unknown_aspect_ratio_is_rejected_naming_the_field(client: genai.Client) -> None:
    error = rejected(lambda: draw(client, "A cat", ratio="5:3"))

    assert "generation_config.image_config.aspect_ratio" in error.message
    assert "16:9" in error.message


def test_extreme_ratios_are_only_for_the_newest_model(client: genai.Client) -> None:
    error = rejected(lambda: draw(client, "A cat", model="gemini-3-pro-image", ratio="1:8"))

    assert "aspect_ratio" in error.message


def test_a_lowercase_image_size_is_rejected(client: genai.Client) -> None:
    error = rejected(lambda: draw(client, "A cat", size="1k"))

    assert "generation_config.image_config.image_size" in error.message


def test_nano_banana_supports_only_1k(client: genai.Client) -> None:
    error = rejected(lambda: draw(client, "A cat", model="gemini-2.5-flash-image", size="2K"))

    assert (
        "models/gemini-2.5-flash-image does not support image size 2K; supported: 1K"
        in error.message
    )


def test_image_models_give_one_candidate(client: genai.Client) -> None:
    error = rejected(lambda: draw(client, "A cat", candidate_count=2))

    assert error.message == "Multiple candidates is not enabled for this model"


def test_a_text_model_cannot_return_images(client: genai.Client) -> None:
    error = rejected(lambda: draw(client, "A cat", model="gemini-2.5-flash"))

    assert error.message == (
        "models/gemini-2.5-flash does not support the requested response modalities: image"
    )


def test_too_many_reference_images_are_rejected(client: genai.Client) -> None:
    tiny = [PIL.Image.new("RGB", (8, 8), (i * 15, 0, 0)) for i in range(15)]

    error = rejected(lambda: draw(client, ["Combine these", *tiny]))
    assert "at most 14 input images" in error.message and "got 15" in error.message

    error = rejected(lambda: draw(client, ["Combine", *tiny[:4]], model="gemini-2.5-flash-image"))
    assert "at most 3 input images" in error.message


# -- directives ----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["NO_IMAGE", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"])
def test_image_finish_directives_give_no_content(client: genai.Client, reason: str) -> None:
    reply = draw(client, f"A cat [[finish:{reason}]]")

    candidate = reply.candidates[0]
    assert candidate.finish_reason == types.FinishReason[reason]
    # NO_IMAGE sends "content": {} as the real API does; the others send no content.
    expected = types.Content() if reason == "NO_IMAGE" else None
    assert candidate.content == expected and reply.parts is None and reply.text is None


def test_text_only_directive_answers_in_words(client: genai.Client) -> None:
    reply = draw(client, "A lighthouse at dawn [[text-only]]")

    assert not pictures(reply) and len(reply.parts) == 1
    assert TEXT_ONLY_NOTE in reply.text and "lighthouse" in reply.text.lower()
    assert reply.parts[0].thought_signature  # Gemini 3 signs the first part
    assert reply.candidates[0].finish_reason == types.FinishReason.STOP
    assert reply.usage_metadata.candidates_tokens_details[0].modality == types.MediaModality.TEXT


# -- edits ---------------------------------------------------------------------------------


def test_make_it_yellow_tints_the_input(client: genai.Client) -> None:
    source = test_picture()

    reply = draw(client, [source, "Make it yellow"])

    (out,) = pictures(reply)
    assert out.size == (1024, 768)  # 4:3 input → 4:3 at 1K
    assert distance(mean(out), YELLOW) < distance(mean(source), YELLOW) - 20
    assert reply.parts[0].text == "Simulated edit: tinted yellow."


def test_black_and_white_gives_a_grey_picture(client: genai.Client) -> None:
    (out,) = pictures(draw(client, [test_picture(), "Make it black and white"]))

    r, g, b = out.split()
    assert ImageChops.difference(r, g).getbbox() is None
    assert ImageChops.difference(g, b).getbbox() is None


def test_flip_mirrors_the_input(client: genai.Client) -> None:
    source = test_picture()

    (out,) = pictures(draw(client, [source, "Flip it"]))

    small = out.resize(source.size)
    first_out = small.crop((0, 0, 1, source.height))
    last_in = source.crop((source.width - 1, 0, source.width, source.height))
    assert distance(mean(first_out), mean(last_in)) < 10
    assert distance(mean(first_out), mean(source.crop((0, 0, 1, source.height)))) > 100


def test_add_a_llama_differs_from_the_input_and_from_a_plain_edit(client: genai.Client) -> None:
    source = test_picture()

    (llama,) = pictures(draw(client, [source, "Add a llama"]))
    (plain,) = pictures(draw(client, [source, "Make it nicer"]))

    base = source.resize(llama.size)
    assert ImageChops.difference(llama, base).getbbox() is not None
    assert ImageChops.difference(llama, plain).getbbox() is not None


def test_an_edit_can_set_its_own_size(client: genai.Client) -> None:
    (out,) = pictures(draw(client, [test_picture(), "Make it yellow"], ratio="1:1", size="2K"))

    assert out.size == (2048, 2048)


def test_reference_images_become_thumbnails(client: genai.Client) -> None:
    refs = [PIL.Image.new("RGB", (64, 64), c) for c in ("green", "orange")]

    reply = draw(
        client, ["Put them together", *refs, test_picture()], model="gemini-2.5-flash-image"
    )

    assert "pasted 2 reference thumbnails" in reply.text
    (out,) = pictures(reply)
    assert out.size == (1024, 768)  # the base (last) image decides the ratio
    assert reply.usage_metadata.prompt_tokens_details[-1].token_count == 3 * 258


@pytest.mark.parametrize("model", ["gemini-3.1-flash-image", "gemini-2.5-flash-image"])
def test_multi_turn_edit_chat_edits_the_previous_output(
    client: genai.Client, srv: OfflineServer, model: str
) -> None:
    chat = client.chats.create(model=model, config=config())
    source = test_picture()

    first = chat.send_message([source, "Turn this car into a convertible"])
    second = chat.send_message("Now make it yellow")

    assert "convertible" in first.text and second.text == "Simulated edit: tinted yellow."
    request = srv.last()
    assert request.images_in == 2
    assert request.signed_images_in == (1 if model.startswith("gemini-3") else 0)
    model_turn = request.body["contents"][1]
    sent = next(p for p in model_turn["parts"] if "inline_data" in p or "inlineData" in p)
    blob = sent.get("inline_data") or sent["inlineData"]
    assert decode_base64(blob["data"]) == picture_bytes(first)[0]
    (before,) = pictures(first)
    (after,) = pictures(second)
    assert after.size == before.size
    assert distance(mean(after), YELLOW) < distance(mean(before), YELLOW) - 20


def test_a_new_image_in_the_last_turn_wins_over_the_previous_output(
    client: genai.Client,
) -> None:
    chat = client.chats.create(model=FLASH, config=config())
    chat.send_message([test_picture(), "Add a hat"])

    second = chat.send_message([PIL.Image.new("RGB", (300, 600), "green"), "Flip it"])

    (out,) = pictures(second)
    assert out.size == (576, 1024)  # the new 1:2 picture's nearest ratio, 9:16


# -- streaming and usage -------------------------------------------------------------------


def test_streaming_sends_each_image_as_one_chunk(client: genai.Client) -> None:
    chunks = list(
        client.models.generate_content_stream(
            model="gemini-3-pro-image", contents="A lighthouse at dawn", config=config(seed=5)
        )
    )

    image_chunks = [c for c in chunks if any(p.inline_data for p in c.parts or [])]
    assert len(image_chunks) == 1 and len(image_chunks[0].parts) == 1
    assert image_chunks[0].parts[0].thought_signature
    # As the real API streams it: the image chunk, then an empty text chunk with the finish.
    assert chunks[-2] is image_chunks[0] and [p.text for p in chunks[-1].parts] == [""]
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert all(c.candidates[0].finish_reason is None for c in chunks[:-1])
    text = "".join(p.text for c in chunks[:-1] for p in c.parts if p.text and not p.thought)
    assert text == "Here is a simulated image of a lighthouse at dawn."
    assert chunks[-1].usage_metadata.candidates_tokens_details[-1].token_count == 1290
    whole = draw(client, "A lighthouse at dawn", model="gemini-3-pro-image", seed=5)
    assert image_chunks[0].parts[0].inline_data.data == picture_bytes(whole)[0]


def test_usage_counts_input_and_output_images(client: genai.Client) -> None:
    reply = draw(client, [test_picture(), test_picture((64, 64)), "Make it blue"])

    usage = reply.usage_metadata
    details = {d.modality: d.token_count for d in usage.prompt_tokens_details}
    assert details[types.MediaModality.IMAGE] == 2 * 258
    out = {d.modality: d.token_count for d in usage.candidates_tokens_details}
    assert out[types.MediaModality.IMAGE] == 1290
    assert usage.candidates_token_count == out[types.MediaModality.TEXT] + 1290


def test_image_models_without_image_modality_still_answer_text(client: genai.Client) -> None:
    reply = client.models.generate_content(model=FLASH, contents="What can you draw?")

    assert reply.text and not pictures(reply)


def test_request_log_shows_the_image_config(client: genai.Client, srv: OfflineServer) -> None:
    draw(client, "A cat", ratio="4:5", size="2K")

    assert srv.last().image_config == {"aspectRatio": "4:5", "imageSize": "2K"}
    assert srv.last().images_in == 0


SVG_DOCUMENT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def inline_parts(reply) -> list[types.Blob]:
    return [p.inline_data for p in reply.parts or [] if p.inline_data]


def test_image_mime_svg_returns_an_svg_document_labelled_svg(client: genai.Client) -> None:
    reply = draw(client, "A red kite [[image-mime:image/svg+xml]]")

    [blob] = inline_parts(reply)
    assert blob.mime_type == "image/svg+xml"
    assert blob.data == SVG_DOCUMENT
    assert "kite" in reply.text and "[[" not in reply.text


def test_image_mime_html_returns_an_html_document(client: genai.Client) -> None:
    reply = draw(client, "A red kite [[image-mime:text/html]]", modalities=("IMAGE",))

    [blob] = inline_parts(reply)
    assert blob.mime_type == "text/html"
    assert blob.data.startswith(b"<!DOCTYPE html>") and b"<script>" in blob.data


def test_image_mime_other_types_label_the_usual_png(client: genai.Client) -> None:
    plain = draw(client, "A red kite", seed=7)
    labelled = draw(client, "A red kite [[image-mime:image/jpeg]]", seed=7)

    [png] = inline_parts(plain)
    [blob] = inline_parts(labelled)
    assert png.mime_type == "image/png" and blob.mime_type == "image/jpeg"
    assert blob.data == png.data and blob.data.startswith(b"\x89PNG")


def test_image_mime_applies_to_every_picture_of_an_interleaved_reply(
    client: genai.Client,
) -> None:
    reply = draw(client, "An illustrated recipe for paella [[image-mime:image/svg+xml]]")

    blobs = inline_parts(reply)
    assert len(blobs) >= 3
    assert {b.mime_type for b in blobs} == {"image/svg+xml"}
    assert {b.data for b in blobs} == {SVG_DOCUMENT}


def test_image_mime_needs_a_mime_type(client: genai.Client) -> None:
    error = rejected(lambda: draw(client, "A red kite [[image-mime:svg]]"))
    assert "[[image-mime:svg]]" in error.message and "image/svg+xml" in error.message

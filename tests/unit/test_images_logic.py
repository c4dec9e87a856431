"""Image settings, the session image store, per-mode requests, outcomes (including parts
that are not raster images) and the no-image explanations."""

import base64
import io
import zipfile

import pytest
from google.genai import types
from PIL import Image
from pydantic import ValidationError

from playground.catalog import ModelInfo
from playground.errors import ApiError, BadInput
from playground.images import (
    NO_IMAGE_TIP,
    GalleryItem,
    ImageOutcome,
    References,
    RunSummary,
    add_to_gallery,
    call_progress,
    check_inputs,
    image_part,
    imagen_outcome,
    mode_request,
    outcome_from_reply,
    outcome_of,
    select_references,
    summarize_run,
    unsupported_message,
)
from playground.media import ImageStore, StoredImage, zip_images
from playground.reply import Reply
from playground.settings import ImagenSettings, ImageSettings
from tests.conftest import wire_json


def png(size=(300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 100, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def wire(config) -> dict:
    return config.model_dump(mode="json", exclude_none=True)


def test_image_settings_config():
    assert wire(ImageSettings().to_config()) == {
        "response_modalities": ["TEXT", "IMAGE"],
        "temperature": 1.0,
    }
    assert wire(ImageSettings(aspect_ratio="16:9", image_size="2K").to_config())[
        "image_config"
    ] == {"aspect_ratio": "16:9", "image_size": "2K"}
    with pytest.raises(ValidationError):
        ImageSettings(number_of_images=5)
    with pytest.raises(ValidationError):
        ImageSettings(image_size="2k")


def test_imagen_settings_config():
    config = wire(
        ImagenSettings(number_of_images=3, aspect_ratio="16:9", negative_prompt="text").to_config()
    )
    assert config["number_of_images"] == 3 and config["negative_prompt"] == "text"
    with pytest.raises(ValidationError):
        ImagenSettings(aspect_ratio="21:9")


def test_model_image_capabilities():
    assert ModelInfo("gemini-3.1-flash-image", "x").image_capabilities.image_sizes == (
        "1K",
        "2K",
        "4K",
    )
    assert "8:1" in ModelInfo("gemini-3.1-flash-image", "x").image_capabilities.aspect_ratios
    flash = ModelInfo("gemini-2.5-flash-image", "x").image_capabilities
    assert flash.image_sizes == ("1K",) and flash.max_reference_images == 3
    assert ModelInfo("gemini-9-image-x", "x").image_capabilities.image_sizes == ("1K",)


def test_store_keeps_each_image_once_with_a_thumbnail():
    store = ImageStore()
    data = png()
    first = store.add(data, "image/png")
    again = store.add(bytes(data), "image/png")
    assert first is again and len(store) == 1 and store.original_bytes == len(data)
    assert (first.width, first.height, first.extension) == (300, 200, "png")
    thumb = Image.open(io.BytesIO(first.thumbnail))
    assert max(thumb.size) == 256 and thumb.format == "JPEG"


def test_zip_holds_the_original_bytes():
    data = png()
    with zipfile.ZipFile(io.BytesIO(zip_images([("a.png", data)]))) as archive:
        assert archive.read("a.png") == data


def test_outcome_from_the_recorded_image_body():
    store = ImageStore()
    body = wire_json("generate_image_inlinedata_png_gemini-2.5-flash-image.json")
    outcome = outcome_from_reply(Reply.from_wire(body), store)
    assert [kind for kind, _ in outcome.parts] == ["text", "image"]
    assert outcome.why_no_image is None and len(store) == 1
    stored = store.get(outcome.image_digests[0])
    blob = outcome.content.parts[1].inline_data
    assert blob.data is stored.data  # the history shares the stored bytes


@pytest.mark.parametrize(
    ("candidate", "words"),
    [
        ({"finishReason": "NO_IMAGE", "index": 0}, "NO_IMAGE"),
        ({"finishReason": "IMAGE_SAFETY", "index": 0}, "safety"),
        (
            {
                "content": {"role": "model", "parts": [{"text": "I can only describe it."}]},
                "finishReason": "STOP",
                "index": 0,
            },
            "answered in words only",
        ),
    ],
)
def test_missing_images_are_explained_with_the_tip(candidate, words):
    outcome = outcome_from_reply(Reply.from_wire({"candidates": [candidate]}), ImageStore())
    assert words in outcome.why_no_image and NO_IMAGE_TIP in outcome.why_no_image
    assert outcome.image_digests == []


def test_blocked_prompt_is_explained():
    body = wire_json("generate_prompt_blocked_safety_gemini-pro.json")
    outcome = outcome_from_reply(Reply.from_wire(body), ImageStore())
    assert "blocked" in outcome.why_no_image and outcome.finish_reason == "SAFETY"


# --- per-mode requests, inputs, outcomes (playground.images) -----------------------------


def stored(store: ImageStore, size=(40, 30)) -> StoredImage:
    return store.add(png(size), "image/png")


@pytest.mark.parametrize(
    ("mode", "prompt", "with_image", "words"),
    [
        ("Generate", "  ", False, "The prompt is empty"),
        ("Edit", "", True, "The prompt is empty"),
        ("Edit", "Make it yellow", False, "Upload at least one image"),
        ("Edit chat", " ", False, "Write an instruction"),
    ],
)
def test_inputs_a_mode_cannot_send_are_refused(mode, prompt, with_image, words):
    references = [stored(ImageStore())] if with_image else []
    with pytest.raises(BadInput, match=words):
        check_inputs(mode, prompt, references)


def test_inputs_a_mode_can_send_pass():
    image = stored(ImageStore())
    check_inputs("Generate", "A fox", [])
    check_inputs("Edit", "Make it yellow", [image])
    check_inputs("Edit chat", "", [image])  # an image alone starts an edit chat


def test_generate_request_is_the_prompt_with_image_output():
    settings = ImageSettings(model="gemini-3.1-flash-image", aspect_ratio="16:9")
    request = mode_request("Generate", "A fox", [], settings)
    assert request.model == "gemini-3.1-flash-image" and not request.chat
    assert [p.text for p in request.contents[0].parts] == ["A fox"]
    assert wire(request.config)["image_config"] == {"aspect_ratio": "16:9"}


def test_edit_request_sends_the_instruction_then_the_images():
    store = ImageStore()
    a, b = stored(store, (40, 30)), stored(store, (30, 40))
    request = mode_request("Edit", "Add a llama", [a, b], ImageSettings())
    (content,) = request.contents
    assert content.parts[0].text == "Add a llama"
    assert [p.inline_data.data for p in content.parts[1:]] == [a.data, b.data]
    assert content.parts[1].inline_data.data is a.data  # shared, not copied


def test_edit_chat_request_is_one_call_on_the_history():
    store = ImageStore()
    history = [
        types.Content(role="user", parts=[types.Part.from_text(text="Draw a car")]),
        types.Content(role="model", parts=[image_part(stored(store))]),
    ]
    settings = ImageSettings(number_of_images=3)
    request = mode_request("Edit chat", "Now make it yellow", [], settings, history)
    assert request.chat and not request.stream
    assert [c.role for c in request.contents] == ["user", "model", "user"]
    assert request.contents[-1].parts[0].text == "Now make it yellow"


def test_no_request_without_input_or_for_imagen():
    assert mode_request("Generate", " ", [], ImageSettings()) is None
    assert mode_request("Imagen", "A pig", [], ImagenSettings()) is None


def test_a_failed_call_is_an_outcome_with_its_error():
    error = ApiError("overloaded", code=503, status="UNAVAILABLE")
    outcome = outcome_of(error, ImageStore())
    assert outcome.error is error and outcome.parts == ()


def test_run_summary_counts_images_and_flags_failures():
    store = ImageStore()
    image = ImageOutcome(parts=(("image", stored(store).digest),))
    failed = ImageOutcome(error=ApiError("down", code=503, status="UNAVAILABLE"))
    assert summarize_run([image, image], 1.234) == RunSummary("2 images in 1.2 s", False)
    assert summarize_run([image, failed], 2.0) == RunSummary("1 image in 2.0 s", True)
    assert summarize_run([ImageOutcome(why_no_image="x")], 0.5).failed
    assert call_progress(0, failed.error, 1.25) == "Call 1 failed after 1.2 s"
    assert call_progress(2, object(), 3.0) == "Call 3 ready after 3.0 s"


def test_imagen_response_becomes_images_and_filter_reasons():
    store = ImageStore()
    first, second = png((64, 64)), png((32, 48))
    response = types.GenerateImagesResponse(
        generated_images=[
            types.GeneratedImage(image=types.Image(image_bytes=first, mime_type="image/png")),
            types.GeneratedImage(rai_filtered_reason="Person generation is not allowed."),
            types.GeneratedImage(image=types.Image(image_bytes=second)),  # no MIME: PNG
        ]
    )
    outcome = imagen_outcome(response, store)
    assert [store.get(d).data for d in outcome.image_digests] == [first, second]
    assert outcome.why_no_image == "Imagen filtered the result: Person generation is not allowed."


def test_imagen_with_nothing_back_says_so():
    outcome = imagen_outcome(types.GenerateImagesResponse(generated_images=[]), ImageStore())
    assert outcome.image_digests == [] and "Imagen returned no image" in outcome.why_no_image


# --- non-raster "images" -------------------------------------------------------------------

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
HTML = b"<html><body><script>alert(1)</script></body></html>"


def image_body(mime_type: str, data: bytes) -> dict:
    return {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {"text": "Here is your cat."},
                        {
                            "inlineData": {
                                "mimeType": mime_type,
                                "data": base64.b64encode(data).decode(),
                            }
                        },
                    ],
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ]
    }


@pytest.mark.parametrize(("mime_type", "data"), [("image/svg+xml", SVG), ("text/html", HTML)])
def test_non_raster_parts_are_named_not_decoded(mime_type, data):
    store = ImageStore()
    outcome = outcome_from_reply(Reply.from_wire(image_body(mime_type, data)), store)
    assert outcome.parts == (("text", "Here is your cat."), ("unsupported", mime_type))
    assert outcome.unsupported == [mime_type] and outcome.image_digests == []
    assert len(store) == 0  # nothing stored, nothing to download
    assert outcome.why_no_image is None  # the unsupported part is the explanation
    assert f"`{mime_type}`" in unsupported_message(mime_type)
    # the model turn is kept as it came, for the next edit-chat turn
    assert outcome.content.parts[1].inline_data.data == data


def test_a_raster_type_with_bytes_that_do_not_decode_is_unsupported_too():
    store = ImageStore()
    outcome = outcome_from_reply(Reply.from_wire(image_body("image/png", SVG)), store)
    assert outcome.unsupported == ["image/png"] and len(store) == 0


def test_a_raster_part_next_to_an_svg_part_is_still_shown():
    body = image_body("image/svg+xml", SVG)
    raster = {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png()).decode()}}
    body["candidates"][0]["content"]["parts"].append(raster)
    store = ImageStore()
    outcome = outcome_from_reply(Reply.from_wire(body), store)
    assert [kind for kind, _ in outcome.parts] == ["text", "unsupported", "image"]
    assert store.get(outcome.image_digests[0]).data == png()


# --- gallery and reference selection -------------------------------------------------------


def test_gallery_adds_each_new_image_once_with_its_origin():
    store = ImageStore()
    a, b = stored(store, (40, 30)), stored(store, (30, 40))
    gallery: list[GalleryItem] = []
    add_to_gallery(gallery, [ImageOutcome(parts=(("image", a.digest),))], "a fox", "Generate")
    edited = ImageOutcome(parts=(("text", "x"), ("image", a.digest), ("image", b.digest)))
    add_to_gallery(gallery, [edited, ImageOutcome(error=ApiError("x"))], "edit", "Edit", ["s"])
    assert gallery == [
        GalleryItem(a.digest, "a fox", "Generate"),
        GalleryItem(b.digest, "edit", "Edit", ("s",)),
    ]


def test_references_are_limited_to_what_the_model_takes():
    store = ImageStore()
    images = [stored(store, (20 + n, 20)) for n in range(5)]
    chosen = select_references("Edit", images, set(), 3)
    assert chosen == References(images[:3], already_sent=False, over_limit=2)
    assert select_references("Edit", images[:2], set(), 3).over_limit == 0


def test_edit_chat_sends_an_upload_only_once():
    store = ImageStore()
    old, new = stored(store, (20, 20)), stored(store, (21, 20))
    chosen = select_references("Edit chat", [old, new], {old.digest}, 14)
    assert chosen.images == [new] and chosen.already_sent
    # in Edit every upload is sent each time
    assert select_references("Edit", [old, new], {old.digest}, 14).images == [old, new]

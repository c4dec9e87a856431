"""Image settings, the session image store, outcomes and the no-image explanations."""

import io
import zipfile

import pytest
from PIL import Image
from pydantic import ValidationError

from playground.catalog import ModelInfo
from playground.images import NO_IMAGE_TIP, outcome_from_reply
from playground.media import ImageStore, zip_images
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

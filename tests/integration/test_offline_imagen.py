"""Imagen through the real SDK's Enterprise ``generate_images`` against gemini_offline."""

from __future__ import annotations

import io
from collections.abc import Iterator

import PIL.Image
import pytest
from google import genai
from google.genai import errors, types
from google.oauth2.credentials import Credentials
from PIL import ImageStat

from gemini_offline import OfflineServer
from gemini_offline.imagen import RAI_FILTERED_REASON

from .conftest import TIMEOUT_MS
from .helpers import raw_call

pytestmark = pytest.mark.filterwarnings("ignore:The generate_images method is deprecated")

IMAGEN = "imagen-4.0-generate-001"


@pytest.fixture
def express(srv: OfflineServer) -> Iterator[genai.Client]:
    """Enterprise express mode: an API key, no project."""
    c = genai.Client(
        vertexai=True,
        api_key="test-key",
        http_options=types.HttpOptions(base_url=srv.url, timeout=TIMEOUT_MS),
    )
    yield c
    c.close()


@pytest.fixture
def project(srv: OfflineServer) -> Iterator[genai.Client]:
    """Enterprise with a project, location and an OAuth token (any token is accepted)."""
    c = genai.Client(
        enterprise=True,
        project="demo-project",
        location="us-central1",
        credentials=Credentials(token="any-token"),
        http_options=types.HttpOptions(base_url=srv.url, timeout=TIMEOUT_MS),
    )
    yield c
    c.close()


def generate(
    client: genai.Client, prompt: str = "A red barn under a blue sky", model=IMAGEN, **cfg
):
    return client.models.generate_images(
        model=model, prompt=prompt, config=types.GenerateImagesConfig(**cfg) if cfg else None
    )


def opened(result) -> list[PIL.Image.Image]:
    return [PIL.Image.open(io.BytesIO(g.image.image_bytes)) for g in result.generated_images]


def test_two_16_9_images_in_express_mode(express: genai.Client, srv: OfflineServer) -> None:
    result = generate(
        express,
        number_of_images=2,
        aspect_ratio="16:9",
        negative_prompt="fog",
        person_generation="allow_adult",
    )

    images = opened(result)
    assert [(i.format, i.size) for i in images] == [("PNG", (1024, 576))] * 2
    assert [g.image.mime_type for g in result.generated_images] == ["image/png"] * 2
    assert images[0].tobytes() != images[1].tobytes()  # each sample differs
    assert all(g.rai_filtered_reason is None for g in result.generated_images)
    request = srv.last("predict")
    assert request.path == f"/v1beta1/publishers/google/models/{IMAGEN}:predict"
    assert (request.api_version, request.model, request.method) == ("v1beta1", IMAGEN, "POST")
    assert request.instances == [{"prompt": "A red barn under a blue sky"}]
    assert request.parameters == {
        "negativePrompt": "fog",
        "sampleCount": 2,
        "aspectRatio": "16:9",
        "personGeneration": "ALLOW_ADULT",
    }
    assert request.key_hint and "x-goog-api-key" not in request.headers


def test_project_path_with_a_bearer_token(project: genai.Client, srv: OfflineServer) -> None:
    result = generate(project, model="imagen-4.0-fast-generate-001", number_of_images=1)

    assert len(result.generated_images) == 1
    request = srv.last("predict")
    assert request.path == (
        "/v1beta1/projects/demo-project/locations/us-central1/publishers/google/models/"
        "imagen-4.0-fast-generate-001:predict"
    )
    assert "authorization" not in request.headers and request.key_hint is None


def test_unset_sample_count_gives_four_different_samples(express: genai.Client) -> None:
    samples = [g.image.image_bytes for g in generate(express, "A quiet harbour").generated_images]

    assert len(samples) == 4 and len(set(samples)) == 4


def test_a_seed_repeats_the_bytes_and_calls_without_one_differ(express: genai.Client) -> None:
    def once(**cfg) -> bytes:
        return (
            generate(express, "A quiet harbour", number_of_images=1, **cfg)
            .generated_images[0]
            .image.image_bytes
        )

    assert once(seed=3, add_watermark=False) == once(seed=3, add_watermark=False)
    assert once() != once()


def test_negative_prompt_steers_colours_away(express: genai.Client) -> None:
    (plain,) = opened(generate(express, number_of_images=1, seed=1, add_watermark=False))
    (steered,) = opened(
        generate(express, number_of_images=1, seed=1, add_watermark=False, negative_prompt="blue")
    )

    assert plain.tobytes() != steered.tobytes()
    blue = ImageStat.Stat(plain.convert("RGB")).mean[2]
    assert ImageStat.Stat(steered.convert("RGB")).mean[2] < blue - 15


def test_jpeg_output_and_2k(express: genai.Client) -> None:
    result = generate(express, number_of_images=1, output_mime_type="image/jpeg", image_size="2K")

    (image,) = opened(result)
    assert image.format == "JPEG" and image.size == (2048, 2048)
    assert result.generated_images[0].image.mime_type == "image/jpeg"


def test_block_directive_filters_every_sample(express: genai.Client) -> None:
    result = generate(express, "A cat [[block:SAFETY]]", number_of_images=2)

    assert [g.rai_filtered_reason for g in result.generated_images] == [RAI_FILTERED_REASON] * 2
    assert all(g.image is None or g.image.image_bytes is None for g in result.generated_images)


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ({"number_of_images": 5}, "sampleCount must be between 1 and 4"),
        ({"aspect_ratio": "2:3"}, "aspectRatio '2:3' is not supported"),
    ],
)
def test_bad_parameters_are_a_400(express: genai.Client, config: dict, needle: str) -> None:
    with pytest.raises(errors.ClientError) as caught:
        generate(express, **config)

    assert caught.value.code == 400 and needle in caught.value.message


def test_fast_model_is_1k_only(express: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        generate(express, model="imagen-4.0-fast-generate-001", image_size="2K")

    assert "sampleImageSize '2K'" in caught.value.message


def test_fault_directives_work_on_predict(express: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        generate(express, "A cat [[fault:429]]")

    assert caught.value.code == 429


def test_unknown_publisher_model_is_a_404(express: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        generate(express, model="gemini-2.5-flash")

    assert caught.value.code == 404 and "Publisher Model" in caught.value.message


def test_no_key_and_no_token_is_a_403(srv: OfflineServer) -> None:
    body = {"instances": [{"prompt": "A cat"}]}

    status, reply = raw_call(
        srv, f"/v1beta1/publishers/google/models/{IMAGEN}:predict", body, key=None
    )

    assert status == 403 and reply["error"]["status"] == "PERMISSION_DENIED"


def test_imagen_is_not_on_the_developer_api(client: genai.Client, srv: OfflineServer) -> None:
    listed = {m.name for m in client.models.list()}
    status, _ = raw_call(srv, f"/v1beta/models/{IMAGEN}:predict", {"instances": []})

    assert not any("imagen" in name for name in listed)
    assert status == 404


def test_developer_api_client_refuses_generate_images(client: genai.Client) -> None:
    with pytest.raises(ValueError, match="only supported in Gemini Enterprise"):
        generate(client)

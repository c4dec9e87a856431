"""AppTest: the Images page — generate, edit, edit chat, Imagen — on the page and the wire."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageStat
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

# Timeouts follow the work: drawing an offline image costs about 0.1 s a megapixel on an
# idle machine (measured: 1K 0.13 s, 2K 0.22 s, 4K 0.52 s per call, end to end), and calls
# made in parallel share the same cores. LOAD_FACTOR leaves room for a loaded 2-core machine
# shared by several test runs; nothing below is a tight timer.
MEGAPIXELS = {"1K": 1, "2K": 4, "4K": 16}
IDLE_S_PER_MEGAPIXEL = 0.1
LOAD_FACTOR = 20
MIN_REQUEST_S = 2.0  # the AppTest default (tests/app/conftest.py)
PAGE_S = 20.0  # the app's own run: the page, the sidebar, the catalogue


def request_timeout(size: str = "1K", images: int = 1) -> float:
    """The app's per-request timeout for drawing `images` images of `size` at once."""
    work = IDLE_S_PER_MEGAPIXEL * MEGAPIXELS[size] * images
    return max(MIN_REQUEST_S, LOAD_FACTOR * work)


def run_timeout(size: str = "1K", images: int = 1) -> float:
    """AppTest's timeout for one script run that draws them (the calls run in parallel)."""
    return PAGE_S + request_timeout(size, images)


@pytest.fixture
def open_images(offline, monkeypatch):
    """Open the Images page in a fresh app whose timeouts suit the work the test asks for."""

    def open_page(size: str = "1K", images: int = 1) -> AppTest:
        monkeypatch.setenv("PLAYGROUND_TIMEOUT_S", str(request_timeout(size, images)))
        at = AppTest.from_file(APP, default_timeout=run_timeout(size, images))
        at.run()
        at.switch_page("views/images.py").run()
        assert not at.exception, at.exception
        return at

    return open_page


@pytest.fixture
def images(open_images) -> AppTest:
    return open_images()


def mode(at: AppTest, name: str) -> AppTest:
    at.segmented_control(key="images.mode").set_value(name).run()
    assert not at.exception, at.exception
    return at


def run(at: AppTest, prompt: str) -> AppTest:
    at.text_area(key="images.prompt").input(prompt)
    at.button(key="images.run").click().run()
    assert not at.exception, at.exception
    return at


def png(size=(96, 64), color=(30, 60, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def store(at: AppTest):
    return at.session_state["images.store"]


def gallery(at: AppTest):
    return at.session_state["images.gallery"]


def decoded(at: AppTest, digest: str) -> Image.Image:
    return Image.open(io.BytesIO(store(at).get(digest).data))


def generate_requests(offline) -> list:
    return [r for r in offline.requests if r.action == "generateContent"]


def inline_images(contents: list[dict]) -> list[bytes]:
    found = []
    for content in contents:
        for part in content["parts"]:
            blob = part.get("inlineData") or part.get("inline_data")
            if blob:
                found.append(base64.urlsafe_b64decode(blob["data"]))
    return found


def test_model_picker_offers_image_models_only(images, offline):
    options = images.selectbox(key="images.model").options
    assert options and all("image" in o.lower() or "banana" in o.lower() for o in options)


def test_generate_shows_an_image_with_the_asked_aspect_ratio(images, offline):
    images.selectbox(key="images.aspect_ratio").select("16:9")
    run(images, "Generate an image of a red fox in the snow")
    sent = offline.last("generateContent").generation_config
    assert [m.upper() for m in sent["responseModalities"]] == ["TEXT", "IMAGE"]
    assert sent["imageConfig"]["aspectRatio"] == "16:9"
    (item,) = gallery(images)
    width, height = decoded(images, item.digest).size
    assert abs(width / height - 16 / 9) < 0.02
    assert images.main.image and any(b.label == "Download" for b in images.main.download_button)
    assert "1 image in" in images.main.status[0].label


def test_number_of_images_makes_parallel_calls(open_images, offline):
    images = open_images(images=3)
    images.slider(key="images.count").set_value(3)
    run(images, "Generate an image of a lighthouse")
    assert len(generate_requests(offline)) == 3
    assert len(gallery(images)) == 3
    assert any(b.label == "Download all (zip)" for b in images.main.download_button)


def test_image_size_is_sent_where_supported(open_images, offline):
    images = open_images(size="2K")
    images.selectbox(key="images.model").select("gemini-3.1-flash-image")
    images.selectbox(key="images.size").select("2K").run()
    run(images, "Generate an image of a mountain")
    assert offline.last("generateContent").generation_config["imageConfig"]["imageSize"] == "2K"
    width, height = decoded(images, gallery(images)[0].digest).size
    assert max(width, height) >= 2000
    images.selectbox(key="images.model").select("gemini-2.5-flash-image").run()
    assert images.selectbox(key="images.size").options == ["1K"]


def test_interleaved_recipe_keeps_the_order_of_parts(open_images, offline):
    images = open_images(images=4)  # one call draws a picture per step
    run(images, "Generate an illustrated recipe for a paella")
    _, outcomes, _ = images.session_state["images.result"]
    kinds = [kind for kind, _ in outcomes[0].parts]
    assert kinds.count("image") >= 3
    assert kinds[0] == "text" and "text" in kinds[kinds.index("image") :]


def test_edit_sends_text_then_image_and_shows_before_and_after(images, offline):
    mode(images, "Edit")
    original = png()
    images.file_uploader(key="images.upload").upload("me.png", original, "image/png").run()
    run(images, "Make it yellow")
    contents = offline.last("generateContent").body["contents"]
    assert contents[0]["parts"][0]["text"] == "Make it yellow"
    assert inline_images(contents) == [original]
    captions = [c.value for c in images.main.caption]
    assert "Before" in captions and "After" in captions
    after = decoded(images, images.session_state["images.result"][1][0].image_digests[0])
    before = Image.open(io.BytesIO(original))
    assert after.convert("RGB").resize(before.size).tobytes() != before.tobytes()


def test_edit_without_an_image_is_refused(images, offline):
    mode(images, "Edit")
    run(images, "Add a llama")
    assert "Upload at least one image" in " ".join(w.value for w in images.main.warning)
    assert offline.last("generateContent") is None


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("car.png", b"not an image at all", "not an image"), ("car.png", png()[:50], "corrupt")],
)
def test_bad_uploads_are_explained_and_the_prompt_kept(images, offline, name, data, message):
    mode(images, "Edit")
    images.file_uploader(key="images.upload").upload(name, data, "image/png").run()
    images.text_area(key="images.prompt").input("Make it a convertible").run()
    assert message in " ".join(w.value for w in images.main.warning)
    assert images.text_area(key="images.prompt").value == "Make it a convertible"


def test_edit_chat_builds_on_the_last_image_and_can_branch(images, offline):
    mode(images, "Edit chat")
    car = png((120, 80), (20, 20, 200))
    images.file_uploader(key="images.upload").upload("car.png", car, "image/png").run()
    run(images, "Turn this car into a convertible")
    run(images, "Now make it yellow")  # the upload stays in the box but is not sent again
    second = offline.last("generateContent").body["contents"]
    assert [c["role"] for c in second] == ["user", "model", "user"]
    first_output = gallery(images)[0].digest
    assert store(images).get(first_output).data in inline_images(second[1:2])
    yellow = decoded(images, gallery(images)[1].digest).convert("RGB")
    base = decoded(images, first_output).convert("RGB").resize(yellow.size)
    r, g, b = ImageStat.Stat(yellow).mean
    r0, g0, b0 = ImageStat.Stat(base).mean
    assert (r + g) / 2 - b > (r0 + g0) / 2 - b0  # moved toward yellow from the last image
    chat = images.session_state["images.chat"]
    assert len(chat.turns) == 4
    first_model = chat.turns[1]
    images.button(key=f"images.branch.{first_model.id}").click().run()
    assert len(images.session_state["images.chat"].turns) == 2


@pytest.mark.parametrize(
    "directive", ["[[finish:NO_IMAGE]]", "[[text-only]]", "[[finish:IMAGE_SAFETY]]"]
)
def test_no_image_is_explained_with_the_tip(images, offline, directive):
    run(images, f"A cat {directive}")
    warning = " ".join(w.value for w in images.main.warning)
    assert "No image came back" in warning and "generate an image of" in warning
    assert not gallery(images)


def test_api_errors_keep_the_prompt(images, offline):
    run(images, "Generate a dog [[fault:400]]")
    assert "400 INVALID_ARGUMENT" in " ".join(e.value for e in images.main.error)
    assert images.text_area(key="images.prompt").value == "Generate a dog [[fault:400]]"


def test_imagen_explains_itself_in_api_key_mode(images, offline):
    mode(images, "Imagen")
    info = " ".join(i.value for i in images.main.info)
    assert "Enterprise" in info and "gemini-3.1-flash-image" in info
    assert not [b for b in images.button if b.key == "images.run"]


def test_imagen_in_enterprise_mode(offline, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ACCESS", "local")  # the deployment's key is for this user
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    monkeypatch.setenv("GOOGLE_API_KEY", "enterprise-express-key")
    monkeypatch.setenv("GOOGLE_VERTEX_BASE_URL", offline.url)
    monkeypatch.setenv("PLAYGROUND_TIMEOUT_S", str(request_timeout(images=2)))
    at = AppTest.from_file(APP, default_timeout=run_timeout(images=2))
    at.run()
    at.switch_page("views/images.py").run()
    mode(at, "Imagen")
    at.slider(key="images.imagen.count").set_value(2)
    at.text_input(key="images.imagen.negative").input("text")
    run(at, "A pig with wings over a green city")
    predict = offline.last("predict")
    assert predict is not None and predict.body["parameters"]["sampleCount"] == 2
    assert predict.body["parameters"]["negativePrompt"] == "text"
    assert len(gallery(at)) == 2


def test_gallery_keeps_every_image_once(images, offline):
    run(images, "Generate an image of a boat")
    run(images, "Generate an image of a boat")  # same prompt: same deterministic image
    run(images, "Generate an image of a tree")
    digests = [item.digest for item in gallery(images)]
    assert len(digests) == len(set(digests)) == len(store(images))
    assert images.main.subheader[-1].value.startswith("Gallery (")


@pytest.mark.parametrize("mime_type", ["image/svg+xml", "text/html"])
def test_a_non_raster_image_part_is_named_not_rendered(images, offline, mime_type):
    run(images, f"A cat [[image-mime:{mime_type}]]")
    warning = " ".join(w.value for w in images.main.warning)
    assert "Unsupported image part" in warning and f"`{mime_type}`" in warning
    assert not images.main.image  # neither drawn nor embedded
    assert not [b for b in images.main.download_button if b.label == "Download"]
    assert not gallery(images) and len(store(images)) == 0
    assert "0 images in" in images.main.status[0].label

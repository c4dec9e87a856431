"""AppTest: an attached image is checked (decoded, downscaled) once, not on every rerun —
on the Text and Streaming pages (components/prompt.py) and the Images page's uploader."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from playground.errors import BadInput
from playground.media import Attachment


def png(size: tuple[int, int], color=(40, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def sent_images(recorded) -> list[bytes]:
    parts = recorded.body["contents"][-1]["parts"]
    blobs = [p.get("inlineData") or p.get("inline_data") for p in parts]
    return [base64.urlsafe_b64decode(b["data"]) for b in blobs if b]


@pytest.mark.parametrize("page", ["text", "stream"])
def test_an_attachment_is_decoded_once_across_reruns(app: AppTest, offline, page):
    if page == "stream":
        app.switch_page("views/stream.py").run()
    wide = png((6500, 120))  # wider than the 6144 px limit: downscaled when checked
    app.file_uploader(key=f"{page}.attachments").upload("wide.png", wide, "image/png").run()
    (checked,) = app.session_state[f"{page}.checked"].entries()
    assert isinstance(checked, Attachment) and "downscaled from 6500×120" in checked.note

    app.text_area(key=f"{page}.prompt").input("What colour is this?").run()  # a keystroke
    app.slider(key="settings.temperature").set_value(0.5).run()  # a slider move
    assert app.session_state[f"{page}.checked"].entries() == [checked]
    assert app.session_state[f"{page}.checked"].entries()[0] is checked  # not decoded again

    app.button(key=f"{page}.run").click().run()
    assert not app.exception, app.exception
    recorded = offline.last("streamGenerateContent" if page == "stream" else "generateContent")
    assert sent_images(recorded) == [checked.data]


def test_a_replaced_file_is_checked_afresh_and_the_old_one_forgotten(app: AppTest, offline):
    uploader = app.file_uploader(key="text.attachments")
    uploader.upload("first.png", png((64, 64)), "image/png").run()
    (first,) = app.session_state["text.checked"].entries()
    app.file_uploader(key="text.attachments").upload("bad.png", b"not an image", "image/png")
    app.run()
    (refused,) = app.session_state["text.checked"].entries()  # the first one is gone
    assert isinstance(refused, BadInput) and refused is not first
    assert "not an image" in " ".join(w.value for w in app.main.warning)
    app.text_area(key="text.prompt").input("Still here").run()
    assert app.session_state["text.checked"].entries()[0] is refused
    assert "not an image" in " ".join(w.value for w in app.main.warning)


def test_image_references_are_decoded_once_across_reruns(app: AppTest, offline):
    app.switch_page("views/images.py").run()
    app.segmented_control(key="images.mode").set_value("Edit").run()
    app.file_uploader(key="images.upload").upload("car.png", png((96, 64)), "image/png").run()
    (checked,) = app.session_state["images.checked"].entries()
    app.text_area(key="images.prompt").input("Make it yellow").run()
    assert app.session_state["images.checked"].entries()[0] is checked
    assert not app.exception, app.exception

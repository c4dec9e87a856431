"""AppTest: documents, audio and video on the Text and Streaming pages — what reaches
gemini_offline (inline MIME types, the Files API round trip for a video: upload, ACTIVE,
fileData in the request, delete when removed), what the page says about each attachment,
and bad files refused with a message while the prompt is kept."""

from __future__ import annotations

import base64

import pytest
from streamlit.testing.v1 import AppTest

from tests.media_samples import mp4, pdf, wav


def file_name(recorded) -> str:
    """files/<id> of a files.get / files.delete request (whatever the API version)."""
    return "files/" + recorded.path.rsplit("/files/", 1)[1]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.main.caption)


def last_user_parts(recorded) -> list[dict]:
    return recorded.body["contents"][-1]["parts"]


def blob(part: dict) -> dict | None:
    return part.get("inlineData") or part.get("inline_data")


def file_data(part: dict) -> dict | None:
    """A fileData part with camelCase keys (the SDK may send either spelling)."""
    found = part.get("fileData") or part.get("file_data")
    if found is None:
        return None
    return {
        "fileUri": found.get("fileUri") or found.get("file_uri"),
        "mimeType": found.get("mimeType") or found.get("mime_type"),
    }


@pytest.mark.parametrize("page", ["text", "stream"])
def test_a_pdf_and_an_audio_file_reach_the_server_inline(app: AppTest, offline, page):
    if page == "stream":
        app.switch_page("views/stream.py").run()
    report, voice = pdf(3), wav(2.0)
    app.text_area(key=f"{page}.prompt").input("Summarise the report and the recording")
    uploader = app.file_uploader(key=f"{page}.attachments")
    uploader.upload("report.pdf", report, "application/pdf")
    uploader.upload("voice.wav", voice, "audio/wav").run()
    shown = captions(app)
    assert ":material/picture_as_pdf: report.pdf · 3 pages · " in shown
    assert ":material/audio_file: voice.wav · 2.0 s · 31 KB · inline" in shown

    app.button(key=f"{page}.run").click().run()
    assert not app.exception, app.exception
    recorded = offline.last("streamGenerateContent" if page == "stream" else "generateContent")
    blobs = [b for b in map(blob, last_user_parts(recorded)) if b]
    assert [(b.get("mimeType") or b.get("mime_type")) for b in blobs] == [
        "application/pdf",
        "audio/wav",
    ]
    assert base64.urlsafe_b64decode(blobs[0]["data"]) == report
    assert base64.urlsafe_b64decode(blobs[1]["data"]) == voice
    answer = "\n".join(m.value for m in app.main.markdown)
    assert "a 3-page PDF document" in answer and "lasting 2.0 seconds" in answer
    assert offline.last("files.start") is None  # small files never touch the Files API


def test_a_video_goes_through_the_files_api_and_is_deleted_when_removed(app: AppTest, offline):
    video = mp4(4.0, padding=300_000)
    app.text_area(key="text.prompt").input("What happens in this video?")
    app.file_uploader(key="text.attachments").upload("holiday.mp4", video, "video/mp4").run()
    assert not app.exception, app.exception
    assert not app.main.warning, [w.value for w in app.main.warning]

    actions = [r.action for r in offline.requests]
    assert actions.count("files.start") == 1 and actions.count("files.upload") == 1
    start = offline.last("files.start")
    assert start.headers["x-goog-upload-header-content-type"] == "video/mp4"
    assert start.headers["x-goog-upload-header-content-length"] == str(len(video))
    gets = [r for r in offline.requests if r.action == "files.get"]
    assert len(gets) >= 1  # polled until ACTIVE (the offline server says PROCESSING first)
    (status,) = app.main.status
    assert "holiday.mp4 is ready" in status.label
    shown = captions(app)
    assert ":material/video_file: holiday.mp4 · 4.0 s · 293 KB · Files API" in shown
    (name,) = {file_name(r) for r in gets}

    app.slider(key="settings.temperature").set_value(0.5).run()  # reruns reuse the upload
    app.button(key="text.run").click().run()
    assert not app.exception, app.exception
    assert [r.action for r in offline.requests].count("files.start") == 1
    parts = last_user_parts(offline.last("generateContent"))
    (sent,) = [f for f in map(file_data, parts) if f]
    assert sent["fileUri"].endswith(f"/v1beta/{name}")
    assert sent["mimeType"] == "video/mp4"
    assert not [p for p in parts if blob(p)]
    answer = "\n".join(m.value for m in app.main.markdown)
    assert "a video (video/mp4" in answer and "lasting 4.0 seconds" in answer

    app.file_uploader(key="text.attachments").clear().run()
    deleted = offline.last("files.delete")
    assert deleted is not None and file_name(deleted) == name
    assert not [c for c in app.main.caption if "holiday.mp4" in c.value]


def test_a_file_the_server_lost_is_uploaded_again_before_the_run(app: AppTest, offline):
    app.text_area(key="text.prompt").input("Describe it")
    app.file_uploader(key="text.attachments").upload("clip.mp4", mp4(1.0), "video/mp4").run()
    first = offline.last("files.start")
    name = file_name(offline.last("files.get"))
    owner = next(iter(offline.files._files))[0]
    offline.files.delete(owner, name)  # expired or deleted elsewhere

    app.button(key="text.run").click().run()
    assert not app.exception, app.exception
    starts = [r for r in offline.requests if r.action == "files.start"]
    assert len(starts) == 2 and starts[0] is first
    sent = [f for f in map(file_data, last_user_parts(offline.last("generateContent"))) if f]
    assert len(sent) == 1 and not sent[0]["fileUri"].endswith(name)
    assert "lasting 1.0 seconds" in "\n".join(m.value for m in app.main.markdown)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "its content looks like a PNG image"),
        ("broken.pdf", pdf(2)[:200], "looks corrupt"),
        ("prices.csv", "café,3\n".encode("latin-1"), "not UTF-8 text"),
        ("song.mp3", b"plain words, not audio", "is not MP3 audio"),
    ],
)
def test_a_bad_file_gets_a_message_and_keeps_the_prompt(app: AppTest, offline, name, data, message):
    app.text_area(key="text.prompt").input("What is in this file?")
    app.file_uploader(key="text.attachments").upload(name, data, "application/octet-stream")
    app.run()
    app.button(key="text.run").click().run()
    assert not app.exception, app.exception
    warnings = " ".join(w.value for w in app.main.warning)
    assert message in warnings and name in warnings
    assert offline.last("generateContent") is None
    assert app.text_area(key="text.prompt").value == "What is in this file?"


def test_a_youtube_link_is_sent_as_file_data(app: AppTest, offline):
    app.text_area(key="text.prompt").input("Summarise this talk")
    app.text_input(key="text.youtube").input("https://youtu.be/9hE5-98ZeCg").run()
    assert ":material/smart_display:" in captions(app)
    app.button(key="text.run").click().run()
    assert not app.exception, app.exception
    parts = last_user_parts(offline.last("generateContent"))
    assert [f["fileUri"] for f in map(file_data, parts) if f] == [
        "https://www.youtube.com/watch?v=9hE5-98ZeCg"
    ]


def test_a_link_that_is_not_youtube_is_refused(app: AppTest, offline):
    app.text_area(key="text.prompt").input("Summarise this talk")
    app.text_input(key="text.youtube").input("https://vimeo.com/12345").run()
    app.button(key="text.run").click().run()
    assert "not a YouTube video link" in " ".join(w.value for w in app.main.warning)
    assert offline.last("generateContent") is None
    assert app.text_area(key="text.prompt").value == "Summarise this talk"


def _chat_attachments_script() -> None:
    """A chat input's files turned into message parts (what the Chat page can call)."""
    import streamlit as st

    from components.connection import connect
    from components.prompt import message_parts
    from components.session import CONNECTED, init_session
    from playground.errors import BadInput

    init_session()
    st.session_state[CONNECTED] = connect()
    files = st.file_uploader("Files", accept_multiple_files=True, key="files")
    if files:
        try:
            parts = message_parts(files)
        except BadInput as problem:
            st.warning(problem.message)
        else:
            for part in parts:
                shown = part.file_data or part.inline_data
                st.text(f"{'uri' if part.file_data else 'inline'} {shown.mime_type}")


def test_chat_message_parts_upload_a_video_and_inline_a_pdf(offline):
    at = AppTest.from_function(_chat_attachments_script, default_timeout=20)
    at.run()
    uploader = at.file_uploader(key="files")
    uploader.upload("report.pdf", pdf(2), "application/pdf")
    uploader.upload("clip.mp4", mp4(2.0), "video/mp4").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.text] == ["inline application/pdf", "uri video/mp4"]
    assert offline.last("files.start") is not None and offline.last("files.delete") is None

    at.file_uploader(key="files").clear().upload("song.mp3", b"words", "audio/mpeg").run()
    assert "is not MP3 audio" in " ".join(w.value for w in at.warning)

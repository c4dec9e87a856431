"""Get code for a request with attached files, proven: a PDF and audio sent inline and a
video the app put through the Files API. The Python, JavaScript and curl snippets run
unmodified against gemini_offline: they read the inline files from beside the snippet and
upload the video themselves (start, upload + finalize), wait until it is ACTIVE, and send
it as fileData — and the answer acknowledges all three, as the app's did."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from playground.codegen import render
from playground.documents import check_document
from playground.gemini import Gemini, RetryPolicy, build_request
from playground.settings import GenerationSettings
from tests.media_samples import mp4, pdf, wav

from .test_codegen_exec import JS_DIR, node_ready, run, write_bundle

PROMPT = "What is in these files?"


@pytest.fixture
def gemini(client) -> Gemini:
    return Gemini(client, RetryPolicy(attempts=1))


@pytest.fixture
def snippet_env(srv) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "GEMINI_"))}
    env.update(
        {
            "GEMINI_API_KEY": "snippet-files-key",
            "GOOGLE_GEMINI_BASE_URL": srv.url,
            "GEMINI_BASE_URL": srv.url,
        }
    )
    return env


@pytest.fixture
def request_with_files(gemini, srv):
    """What the Text page sends for a PDF, a WAV and an MP4 (the video uploaded)."""
    video = check_document("holiday.mp4", mp4(4.0))
    uploaded = gemini.upload_file(video.data, video.mime_type, video.name)
    gemini.wait_until_active(uploaded, timeout_s=30)
    attachments = [
        check_document("report.pdf", pdf(3)),
        check_document("voice.wav", wav(2.0)),
        video.uploaded(uploaded.uri or "", uploaded.name or ""),
    ]
    request = build_request(GenerationSettings(temperature=0), PROMPT, attachments)
    app_reply = gemini.generate(request).text
    assert "a 3-page PDF document" in app_reply and "lasting 4.0 seconds" in app_reply
    srv.log.clear()
    return request


def assert_acknowledged(text: str) -> None:
    assert "a 3-page PDF document" in text
    assert "an audio clip (audio/wav" in text and "lasting 2.0 seconds" in text
    assert "a video (video/mp4" in text and "lasting 4.0 seconds" in text


def assert_uploaded_and_used(srv) -> None:
    start = srv.last("files.start")
    assert start is not None and start.headers["x-goog-upload-header-content-type"] == ("video/mp4")
    assert srv.last("files.upload") is not None
    sent = srv.last("generateContent").body["contents"][-1]["parts"]
    uris = [
        (p.get("fileData") or p.get("file_data") or {}).get("fileUri")
        or (p.get("fileData") or p.get("file_data") or {}).get("file_uri")
        for p in sent
    ]
    assert [u for u in uris if u and "/files/" in u]


def test_the_bundle_holds_the_files_and_names_them_by_kind(request_with_files):
    bundle = render(request_with_files)
    assert [name for name, _ in bundle.files] == ["document_1.pdf", "audio_1.wav", "video_1.mp4"]
    assert 'client.files.upload(file="video_1.mp4"' in bundle.python
    assert "types.FileState.PROCESSING" in bundle.python
    assert "ai.files.upload({" in bundle.javascript and "video_1.uri" in bundle.javascript
    assert "X-Goog-Upload-Command: start" in bundle.rest and "${VIDEO_1_URI}" in bundle.rest
    (source,) = request_with_files.uploads
    for text in (bundle.python, bundle.javascript, bundle.rest):
        assert source.file_uri not in text  # the app's upload is its own: the code uploads
        assert "snippet-files-key" not in text


def test_python_uploads_the_video_itself(request_with_files, snippet_env, srv, tmp_path):
    write_bundle(request_with_files, tmp_path)
    out = run([sys.executable, "gemini_request.py"], tmp_path, snippet_env)
    assert_acknowledged(out)
    assert_uploaded_and_used(srv)


def test_javascript_uploads_the_video_itself(request_with_files, snippet_env, srv, request):
    node_ready()
    directory = JS_DIR / ".run" / request.node.name
    shutil.rmtree(directory, ignore_errors=True)
    write_bundle(request_with_files, directory)
    out = run(["node", "gemini_request.mjs"], directory, snippet_env)
    assert_acknowledged(out)
    assert_uploaded_and_used(srv)


def test_curl_uploads_the_video_itself(request_with_files, snippet_env, srv, tmp_path):
    if shutil.which("curl") is None:
        pytest.fail("curl is not installed: .ci/run installs it")
    write_bundle(request_with_files, tmp_path)
    out = run(["bash", "gemini_request.sh"], tmp_path, snippet_env)
    parts = json.loads(out)["candidates"][0]["content"]["parts"]
    assert_acknowledged("".join(p.get("text", "") for p in parts))
    assert_uploaded_and_used(srv)


def test_a_youtube_link_is_passed_on_as_file_data(gemini, snippet_env, srv, tmp_path):
    from playground.documents import check_youtube_url

    link = check_youtube_url("https://youtu.be/9hE5-98ZeCg")
    request = build_request(GenerationSettings(temperature=0), "Summarise this talk", [link])
    answer = gemini.generate(request).text
    write_bundle(request, tmp_path)
    assert "types.FileData(file_uri=" in render(request).python
    for command in ([sys.executable, "gemini_request.py"], ["bash", "gemini_request.sh"]):
        srv.log.clear()
        out = run(command, tmp_path, snippet_env)
        if command[0] == "bash":
            out = json.loads(out)["candidates"][0]["content"]["parts"][0]["text"]
        assert answer.strip() in out
        parts = srv.last("generateContent").body["contents"][-1]["parts"]
        (sent,) = [p.get("fileData") or p.get("file_data") for p in parts if "text" not in p]
        assert (sent.get("fileUri") or sent.get("file_uri")) == link.file_uri

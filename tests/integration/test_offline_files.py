"""The Files API through the real SDKs: resumable upload, get (PROCESSING → ACTIVE), list,
delete, expiry, bounded memory, and ``fileData`` parts in generateContent / stream /
countTokens, acknowledged in the reply and charged in the token counts."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from google import genai
from google.genai import errors, types
from PIL import Image

from gemini_offline import OfflineServer, start_server
from gemini_offline.files import EXPIRY_S, PROCESSING_S
from gemini_offline.media import AUDIO_TOKENS_PER_S, PAGE_TOKENS, VIDEO_TOKENS_PER_S
from tests.media_samples import mp4 as mp4_bytes
from tests.media_samples import wav as wav_bytes

from .conftest import TIMEOUT_MS

MODEL = "gemini-2.5-flash"
JS_DIR = Path(__file__).resolve().parents[1] / "js"


def pdf_bytes(pages: int) -> bytes:
    objects = [b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj"]
    objects.append(f"2 0 obj << /Type /Pages /Count {pages} >> endobj".encode())
    objects += [
        f"{3 + i} 0 obj << /Type /Page /Parent 2 0 R >> endobj".encode() for i in range(pages)
    ]
    return b"%PDF-1.4\n" + b"\n".join(objects) + b"\n%%EOF\n"


def png_bytes(size: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (50, 90, 200)).save(out, "PNG")
    return out.getvalue()


def new_client(server: OfflineServer, key: str | None = None) -> genai.Client:
    """A client with a credential of its own (files are kept per caller)."""
    return genai.Client(
        api_key=key or f"files-{uuid.uuid4().hex}",
        http_options=types.HttpOptions(base_url=server.url, timeout=TIMEOUT_MS),
    )


@pytest.fixture(autouse=True)
def _processing_ends_on_the_second_get(srv: OfflineServer) -> Iterator[None]:
    """Only the second ``get`` ends PROCESSING here, however slow the machine is."""
    srv.files.processing_s = 600
    yield
    srv.files.processing_s = PROCESSING_S


@pytest.fixture
def me(srv: OfflineServer) -> Iterator[genai.Client]:
    c = new_client(srv)
    yield c
    c.close()


def upload(client: genai.Client, data: bytes, mime: str, name: str = "doc") -> types.File:
    return client.files.upload(
        file=io.BytesIO(data), config={"mime_type": mime, "display_name": name}
    )


def wait_active(client: genai.Client, file: types.File) -> types.File:
    assert file.name
    for _ in range(10):
        file = client.files.get(name=file.name)
        if file.state == types.FileState.ACTIVE:
            return file
    raise AssertionError(f"{file.name} never became ACTIVE")


def details(usage) -> dict[str, int]:
    return {d.modality.value: d.token_count for d in usage.prompt_tokens_details or []}


def test_a_pdf_goes_through_upload_processing_use_count_list_delete(srv, me) -> None:
    data = pdf_bytes(3)
    before = time.time()
    uploaded = upload(me, data, "application/pdf", "report.pdf")

    assert uploaded.name and uploaded.name.startswith("files/")
    assert uploaded.display_name == "report.pdf"
    assert uploaded.mime_type == "application/pdf"
    assert uploaded.size_bytes == len(data)
    assert uploaded.source == types.FileSource.UPLOADED
    assert uploaded.state == types.FileState.PROCESSING
    assert uploaded.uri == f"{srv.url}/v1beta/{uploaded.name}"
    assert uploaded.sha256_hash and uploaded.create_time and uploaded.expiration_time
    assert uploaded.create_time.timestamp() >= before - 1
    lifetime = uploaded.expiration_time - uploaded.create_time
    assert lifetime.total_seconds() == pytest.approx(48 * 3600)
    # The resumable protocol as the SDK speaks it: start, then upload + finalize.
    start, finish = srv.requests[-2:]
    assert start.method == finish.method == "POST"
    assert start.path in ("/upload/v1/files", "/upload/v1beta/files")  # the client's version
    assert finish.path == "/upload/v1beta/files" and "upload_id" in finish.query
    assert start.headers["x-goog-upload-protocol"] == "resumable"
    assert start.headers["x-goog-upload-command"] == "start"
    assert start.headers["x-goog-upload-header-content-length"] == str(len(data))
    assert finish.headers["x-goog-upload-command"] == "upload, finalize"

    # The first get still says PROCESSING; a request using it now is refused.
    first = me.files.get(name=uploaded.name)
    assert first.state == types.FileState.PROCESSING
    with pytest.raises(errors.ClientError) as refused:
        me.models.generate_content(model=MODEL, contents=[first, "Summarise this report"])
    assert refused.value.code == 400
    assert "is not in an ACTIVE state and usage is not allowed" in str(refused.value.message)

    active = me.files.get(name=uploaded.name)
    assert active.state == types.FileState.ACTIVE

    reply = me.models.generate_content(model=MODEL, contents=[active, "Summarise this report"])
    assert "3-page PDF document" in (reply.text or "")
    assert "report.pdf" in (reply.text or "")
    usage = reply.usage_metadata
    assert usage is not None and details(usage)["DOCUMENT"] == 3 * PAGE_TOKENS

    counted = me.models.count_tokens(model=MODEL, contents=[active, "Summarise this report"])
    text_only = me.models.count_tokens(model=MODEL, contents="Summarise this report")
    assert counted.total_tokens == (text_only.total_tokens or 0) + 3 * PAGE_TOKENS
    assert counted.total_tokens == usage.prompt_token_count

    assert uploaded.name in [f.name for f in me.files.list()]
    me.files.delete(name=uploaded.name)
    assert uploaded.name not in [f.name for f in me.files.list()]
    with pytest.raises(errors.ClientError) as gone:
        me.files.get(name=uploaded.name)
    assert gone.value.code == 404 and gone.value.status == "NOT_FOUND"
    with pytest.raises(errors.ClientError) as again:
        me.files.delete(name=uploaded.name)
    assert again.value.code == 404


def test_processing_also_ends_by_itself_after_a_while(srv, me) -> None:
    srv.files.processing_s = 0
    uploaded = upload(me, wav_bytes(0.5), "audio/wav")
    assert me.files.get(name=uploaded.name or "").state == types.FileState.ACTIVE


def test_files_belong_to_their_caller_and_unknown_files_are_refused(srv, me) -> None:
    mine = upload(me, png_bytes(), "image/png", "dot.png")
    assert mine.state == types.FileState.ACTIVE  # images are ready at once
    other = new_client(srv)
    try:
        assert list(other.files.list()) == []
        with pytest.raises(errors.ClientError) as hidden:
            other.files.get(name=mine.name or "")
        assert hidden.value.code == 404
        with pytest.raises(errors.ClientError) as denied:
            other.models.generate_content(model=MODEL, contents=[mine, "What is this?"])
        assert denied.value.code == 403
        assert "or it may not exist" in str(denied.value.message)
    finally:
        other.close()
    unknown = types.Part.from_uri(
        file_uri=f"{srv.url}/v1beta/files/nosuchfile", mime_type="image/png"
    )
    with pytest.raises(errors.ClientError) as missing:
        me.models.count_tokens(model=MODEL, contents=[unknown, "hi"])
    assert missing.value.code == 403
    reply = me.models.generate_content(model=MODEL, contents=[mine, "What is this?"])
    assert "PNG, 8×8 px" in (reply.text or "")


def test_audio_and_video_files_are_timed_and_charged_per_second(srv, me) -> None:
    audio = wait_active(me, upload(me, wav_bytes(2.0), "audio/wav", "hello.wav"))
    video = wait_active(me, upload(me, mp4_bytes(3.5), "video/mp4", "clip.mp4"))

    counted = me.models.count_tokens(model=MODEL, contents=[audio, video, "Describe both"])
    text_only = me.models.count_tokens(model=MODEL, contents="Describe both")
    assert counted.total_tokens == (
        (text_only.total_tokens or 0) + 2 * AUDIO_TOKENS_PER_S + 4 * VIDEO_TOKENS_PER_S
    )

    chunks = list(
        me.models.generate_content_stream(model=MODEL, contents=[audio, video, "Describe both"])
    )
    text = "".join(c.text or "" for c in chunks)
    assert "an audio clip (audio/wav" in text and "lasting 2.0 seconds" in text
    assert "a video (video/mp4" in text and "lasting 3.5 seconds" in text
    usage = chunks[-1].usage_metadata
    assert usage is not None
    assert details(usage)["AUDIO"] == 2 * AUDIO_TOKENS_PER_S
    assert details(usage)["VIDEO"] == 4 * VIDEO_TOKENS_PER_S


def test_inline_documents_audio_and_text_are_acknowledged_too(me) -> None:
    parts = [
        types.Part.from_bytes(data=pdf_bytes(2), mime_type="application/pdf"),
        types.Part.from_bytes(data=wav_bytes(1.0), mime_type="audio/wav"),
        types.Part.from_bytes(
            data=b"Minutes of the bridge committee: the vote passed unanimously.",
            mime_type="text/plain",
        ),
        "What did I send?",
    ]
    reply = me.models.generate_content(model=MODEL, contents=parts)
    text = reply.text or ""
    assert "I received 3 attached files" in text
    assert "a 2-page PDF document" in text
    assert "lasting 1.0 seconds" in text
    assert "begins “Minutes of the bridge committee" in text
    counted = me.models.count_tokens(model=MODEL, contents=parts)
    assert reply.usage_metadata is not None
    assert counted.total_tokens == reply.usage_metadata.prompt_token_count
    assert details(reply.usage_metadata)["DOCUMENT"] == 2 * PAGE_TOKENS
    assert details(reply.usage_metadata)["AUDIO"] == AUDIO_TOKENS_PER_S


def test_list_pages_through_page_size_and_tokens(me, tmp_path) -> None:
    names = []
    for i in range(3):
        path = tmp_path / f"img{i}.png"
        path.write_bytes(png_bytes(4 + i))
        names.append(me.files.upload(file=path).name)  # mime type guessed from the path
    pager = me.files.list(config={"page_size": 2})
    assert len(pager.page) == 2
    assert [f.name for f in pager] == names[::-1]  # newest first, across both pages


def test_a_file_expires_after_48_hours(srv, me) -> None:
    kept = upload(me, png_bytes(), "image/png")
    real_clock = srv.files.clock
    srv.files.clock = lambda: real_clock() + EXPIRY_S + 1
    try:
        with pytest.raises(errors.ClientError) as expired:
            me.files.get(name=kept.name or "")
        assert expired.value.code == 404
        assert list(me.files.list()) == []
    finally:
        srv.files.clock = real_clock


@pytest.fixture
def small() -> Iterator[OfflineServer]:
    server = start_server(port=0, chunk_delay_ms=0)
    server.files.max_total_bytes = 3000
    server.files.max_files = 3
    yield server
    server.stop()


def test_the_store_is_bounded_and_evicts_the_oldest_first(small) -> None:
    a, b = new_client(small), new_client(small)
    try:
        first = upload(a, b"x" * 1000, "text/plain", "first")
        second = upload(b, b"y" * 1000, "text/plain", "second")
        upload(a, b"z" * 900, "text/plain", "third")
        upload(b, b"w" * 900, "text/plain", "fourth")  # 3800 bytes > 3000: first goes
        assert small.files.total_bytes <= 3000
        with pytest.raises(errors.ClientError):
            a.files.get(name=first.name or "")
        assert b.files.get(name=second.name or "").size_bytes == 1000
        for i in range(3):  # the count cap as well
            upload(a, b"v", "text/plain", f"tiny{i}")
        assert len(small.files) == 3
        with pytest.raises(errors.ClientError):
            b.files.get(name=second.name or "")
        with pytest.raises(errors.ClientError) as too_big:
            upload(a, b"u" * 4000, "text/plain", "huge")
        assert too_big.value.code == 400
    finally:
        a.close()
        b.close()


def test_the_js_sdk_uploads_a_file_and_uses_it(srv, tmp_path) -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: .ci/run installs Debian's nodejs")
    if not (JS_DIR / "node_modules" / "@google" / "genai").is_dir():
        pytest.fail("@google/genai is missing: run `npm install --prefix tests/js`")
    path = tmp_path / "notes.pdf"
    path.write_bytes(pdf_bytes(4))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "GEMINI_"))}
    env.update({"GEMINI_API_KEY": f"js-{uuid.uuid4().hex}", "GOOGLE_GEMINI_BASE_URL": srv.url})
    done = subprocess.run(
        ["node", "files_upload.mjs", str(path), "application/pdf"],
        cwd=JS_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["name"].startswith("files/") and out["displayName"] == "from-js"
    assert out["sizeBytes"] == str(path.stat().st_size)
    assert out["states"] == ["PROCESSING", "PROCESSING", "ACTIVE"]
    assert "a 4-page PDF document" in out["text"]
    assert out["totalTokens"] > 4 * PAGE_TOKENS
    assert out["listed"] == [out["name"]]
    assert out["afterDelete"] == 404


def test_an_upload_in_several_chunks_on_the_wire(srv) -> None:
    import httpx2 as httpx

    key = {"x-goog-api-key": f"raw-{uuid.uuid4().hex}"}
    start = httpx.post(
        f"{srv.url}/upload/v1beta/files",
        headers={
            **key,
            "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start",
            "X-Goog-Upload-Header-Content-Length": "10",
            "X-Goog-Upload-Header-Content-Type": "text/plain",
        },
        json={"file": {"display_name": "two-parts"}},
    )
    assert start.status_code == 200 and start.headers["x-goog-upload-status"] == "active"
    url = start.headers["x-goog-upload-url"]
    assert url.startswith(f"{srv.url}/upload/v1beta/files?upload_id=")
    first = httpx.post(
        url,
        headers={"X-Goog-Upload-Command": "upload", "X-Goog-Upload-Offset": "0"},
        content=b"hello",
    )
    assert first.status_code == 200 and first.headers["x-goog-upload-status"] == "active"
    skipped = httpx.post(
        url,
        headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "7"},
        content=b"world",
    )
    assert skipped.status_code == 400
    last = httpx.post(
        url,
        headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "5"},
        content=b"world",
    )
    assert last.status_code == 200 and last.headers["x-goog-upload-status"] == "final"
    file = last.json()["file"]
    assert file["displayName"] == "two-parts" and file["sizeBytes"] == "10"
    assert file["state"] == "ACTIVE" and file["mimeType"] == "text/plain"
    got = httpx.get(f"{srv.url}/v1beta/{file['name']}", headers=key).json()
    assert got == file
    assert httpx.get(f"{srv.url}/v1beta/{file['name']}").status_code == 403  # no key
    listed = httpx.get(f"{srv.url}/v1beta/files", headers=key, params={"pageSize": 1}).json()
    assert listed == {"files": [file]}

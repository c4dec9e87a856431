"""playground.gemini's Files API calls against gemini_offline: upload, wait until ACTIVE
(bounded by the timeout), get, delete — and what they say when a file is gone."""

from __future__ import annotations

import struct

import pytest

from playground.errors import PlaygroundError
from playground.gemini import Gemini, RetryPolicy


def mp4(seconds: float) -> bytes:
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0, b"isom")
    body = struct.pack(">B3xIIII", 0, 0, 0, 1000, int(seconds * 1000)) + b"\0" * 80
    mvhd = struct.pack(">I4s", 8 + len(body), b"mvhd") + body
    return ftyp + struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd


@pytest.fixture
def gemini(client, srv):
    srv.files.processing_s = 600  # only the second files.get ends PROCESSING
    slept: list[float] = []
    yield Gemini(client, RetryPolicy(attempts=1), sleep=slept.append)
    srv.files.processing_s = 2.0


def test_upload_wait_until_active_and_delete(gemini, srv):
    file = gemini.upload_file(mp4(2.0), "video/mp4", "clip.mp4")
    assert file.state.name == "PROCESSING" and file.display_name == "clip.mp4"
    polls = []
    active = gemini.wait_until_active(file, timeout_s=30, on_poll=lambda f, s: polls.append(f))
    assert active.state.name == "ACTIVE" and [p.state.name for p in polls][-1] == "ACTIVE"
    assert len([r for r in srv.requests if r.action == "files.get"]) == 2
    assert gemini.get_file(file.name).name == file.name
    assert gemini.delete_file(file.name) is True
    assert srv.last("files.delete") is not None
    assert gemini.get_file(file.name) is None
    assert gemini.delete_file(file.name) is False  # already gone: not an error


def test_waiting_is_bounded_by_the_timeout(gemini):
    file = gemini.upload_file(mp4(1.0), "video/mp4", "slow.mp4")
    with pytest.raises(PlaygroundError) as still:
        gemini.wait_until_active(file, timeout_s=0.1)
    assert "still being processed" in still.value.message
    assert "Run again" in still.value.remedy


def test_images_and_text_are_active_at_once(gemini, srv):
    file = gemini.upload_file(b"hello, world\n", "text/plain", "notes.txt")
    assert gemini.wait_until_active(file, timeout_s=0.1).state.name == "ACTIVE"
    assert srv.last("files.get") is None

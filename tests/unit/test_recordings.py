"""The recording format: canonical request hash, byte-exact body encodings, the folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gemini_offline.recording_format import (
    FORMAT,
    MANIFEST,
    REDACTED,
    VERSION,
    ChunkRecorder,
    RecordingError,
    RecordingWriter,
    canonical_request,
    closest_difference,
    decode_body,
    encode_body,
    first_difference,
    load_exchanges,
    model_and_action,
    prompt_preview,
    request_hash,
    scrub,
)

PATH = "/v1/models/gemini-2.5-flash:generateContent"
BODY = {
    "contents": [{"role": "user", "parts": [{"text": "Explain tides"}]}],
    "generationConfig": {"temperature": 0.2, "maxOutputTokens": 64},
}


def digest(method: str, target: str, body: object = None) -> str:
    raw = b"" if body is None else json.dumps(body).encode()
    return request_hash(canonical_request(method, target, raw))


def test_the_key_in_the_query_does_not_change_the_hash_nor_appear_in_it() -> None:
    with_key = canonical_request("POST", PATH + "?key=AIzaSecret-1&alt=sse", b"{}")

    assert "AIzaSecret" not in json.dumps(with_key)
    assert request_hash(with_key) == digest("POST", PATH + "?alt=sse", {})
    assert digest("POST", PATH + "?alt=sse&key=other", {}) == digest("POST", PATH + "?alt=sse", {})
    assert digest("POST", PATH + "?access_token=t", {}) == digest("POST", PATH, {})


def test_headers_are_not_part_of_the_canonical_request() -> None:
    # The canonical request is built from method, target and body only: no header (the
    # x-goog-api-key, Authorization, user-agent) can reach the hash or the stored file.
    canonical = canonical_request("POST", PATH, json.dumps(BODY).encode())

    assert set(canonical) == {"method", "path", "query", "body"}


def test_json_key_order_and_whitespace_do_not_change_the_hash() -> None:
    reordered = {
        "generationConfig": {"maxOutputTokens": 64, "temperature": 0.2},
        "contents": [{"parts": [{"text": "Explain tides"}], "role": "user"}],
    }
    spaced = json.dumps(BODY, indent=4).encode()

    assert digest("POST", PATH, reordered) == digest("POST", PATH, BODY)
    assert request_hash(canonical_request("POST", PATH, spaced)) == digest("POST", PATH, BODY)


def test_query_order_does_not_matter_but_every_meaningful_part_does() -> None:
    base = digest("GET", "/v1/models?pageSize=50&pageToken=abc")

    assert digest("GET", "/v1/models?pageToken=abc&pageSize=50") == base
    assert digest("GET", "/v1/models?pageSize=50") != base
    changed_prompt = {**BODY, "contents": [{"role": "user", "parts": [{"text": "Other"}]}]}
    assert digest("POST", PATH, changed_prompt) != digest("POST", PATH, BODY)
    assert digest("POST", PATH + "?alt=sse", BODY) != digest("POST", PATH, BODY)
    assert digest("POST", PATH.replace("/v1/", "/v1beta/"), BODY) != digest("POST", PATH, BODY)
    assert digest("GET", PATH) != digest("POST", PATH)


def test_only_the_upload_protocol_headers_count() -> None:
    secret = {"x-goog-api-key": "AIzaSecret", "Authorization": "Bearer t", "User-Agent": "a"}
    plain = canonical_request("POST", PATH, b"{}", secret)
    start = canonical_request(
        "POST", "/upload/v1/files", b"{}", {**secret, "X-Goog-Upload-Command": "start"}
    )

    assert "headers" not in plain and plain == canonical_request("POST", PATH, b"{}")
    assert start["headers"] == {"x-goog-upload-command": "start"}
    assert "AIzaSecret" not in json.dumps(start)


def test_non_json_bodies_are_hashed_not_stored() -> None:
    canonical = canonical_request("POST", "/upload/v1beta/files?upload_id=1", b"\x89PNG\x00\xff")

    assert canonical["body"] == {
        "sha256": canonical["body"]["sha256"],
        "size": 6,
    }
    other = canonical_request("POST", "/upload/v1beta/files?upload_id=1", b"\x89PNG\x00\xfe")
    assert request_hash(other) != request_hash(canonical)


@pytest.mark.parametrize(
    "data", [b"", b'{\n  "a": 1\n}', b"line\r\nend\n", "é ☃ 🌊".encode(), b"\xff\x00\x89"]
)
def test_bodies_round_trip_byte_for_byte(data: bytes) -> None:
    encoded = json.loads(json.dumps(encode_body(data)))

    assert decode_body(encoded) == data


def test_a_character_split_across_reads_stays_text_and_exact() -> None:
    data = "data: ☃🌊\r\n\r\n".encode()
    recorder = ChunkRecorder()
    for i, piece in enumerate([data[:7], data[7:9], data[9:]]):
        recorder.add(piece, 0.1 * i)
    chunks = recorder.finish(1.0)

    assert all("text" in c for c in chunks)
    assert b"".join(decode_body(c) for c in chunks) == data
    assert [c["at_s"] for c in chunks] == sorted(c["at_s"] for c in chunks)


def test_invalid_utf8_chunks_fall_back_to_base64_exactly() -> None:
    recorder = ChunkRecorder()
    recorder.add(b"ok \xe2", 0.0)
    recorder.add(b"\xff tail", 0.5)
    recorder.add(b"\xe2\x98", 0.6)
    chunks = recorder.finish(0.7)

    assert b"".join(decode_body(c) for c in chunks) == b"ok \xe2\xff tail\xe2\x98"


def test_scrub_replaces_long_secrets_only() -> None:
    assert (
        scrub("the key AIzaSecretKey9 here", {"AIzaSecretKey9", "ab"}) == f"the key {REDACTED} here"
    )
    assert scrub("a b", {"a"}) == "a b"


def test_summaries_name_model_action_and_prompt() -> None:
    assert model_and_action(PATH) == ("gemini-2.5-flash", "generateContent")
    assert model_and_action("/v1/models/gemini-2.5-flash", "GET") == ("gemini-2.5-flash", "get")
    assert model_and_action("/v1/models", "GET") == (None, "list")
    history = {
        "contents": [
            {"role": "user", "parts": [{"text": "first"}]},
            {"role": "model", "parts": [{"text": "reply"}]},
            {"role": "user", "parts": [{"text": "second   question\nhere"}]},
        ]
    }
    assert prompt_preview(history) == "second question here"
    assert prompt_preview({"contents": [{"parts": [{"text": "x" * 100}]}]}) == "x" * 59 + "…"
    assert prompt_preview({"instances": [{"prompt": "a cat"}]}) == "a cat"


def _exchange(writer: RecordingWriter, target: str, text: str) -> Path:
    canonical = canonical_request("POST", target, json.dumps(BODY).encode())
    sequence, occurrence = writer.reserve(request_hash(canonical))
    response = {"status": 200, "stream": False, "body": encode_body(text.encode())}
    return writer.write(
        sequence=sequence,
        occurrence=occurrence,
        canonical=canonical,
        response=response,
        secrets={"AIzaSecretKey9"},
    )


def test_writer_numbers_repeats_and_continues_an_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    writer = RecordingWriter(folder, upstream="http://127.0.0.1:1")
    _exchange(writer, PATH, "one")
    _exchange(writer, PATH, "two, not AIzaSecretKey9")
    again = RecordingWriter(folder)
    _exchange(again, PATH, "three")

    exchanges = load_exchanges(folder)
    assert [(e.sequence, e.occurrence) for e in exchanges] == [(1, 1), (2, 2), (3, 3)]
    assert len({e.hash for e in exchanges}) == 1
    assert [e.body_bytes() for e in exchanges] == [b"one", b"two, not REDACTED", b"three"]
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["format"] == FORMAT and manifest["version"] == VERSION
    assert exchanges[0].path.name.startswith("0001-gemini-2.5-flash-generateContent-")


def test_loading_refuses_what_is_not_a_recording(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="no recording folder"):
        load_exchanges(tmp_path / "missing")
    with pytest.raises(RecordingError, match=MANIFEST):
        load_exchanges(tmp_path)
    (tmp_path / MANIFEST).write_text(json.dumps({"format": FORMAT, "version": VERSION + 1}))
    with pytest.raises(RecordingError, match="version"):
        load_exchanges(tmp_path)


def test_a_miss_is_explained_by_its_closest_recorded_request() -> None:
    def canonical(body: object, target: str = PATH) -> dict[str, object]:
        return canonical_request("POST", target, json.dumps(body).encode())

    warmer = {**BODY, "generationConfig": {"temperature": 0.9, "maxOutputTokens": 64}}
    other_prompt = {**BODY, "contents": [{"role": "user", "parts": [{"text": "x"}]}]}
    recorded = [canonical(other_prompt), canonical(BODY), canonical(BODY, "/v1/models")]

    assert closest_difference(recorded, canonical(warmer)) == (
        "generationConfig.temperature: recorded 0.2, asked 0.9"
    )
    assert closest_difference(recorded[2:], canonical(warmer)) is None
    assert first_difference(other_prompt, other_prompt) is None
    assert first_difference({"a": [1, 2]}, {"a": [1]}) == "a: recorded 2 items, this request 1"
    assert first_difference({"a": 1}, {"b": 1}) == "a: recorded 1, not in this request"

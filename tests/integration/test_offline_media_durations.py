"""MP3, Ogg (Vorbis and Opus), FLAC and WebM timed from their headers, through the real
SDK: the reply says how long each clip lasts and the prompt is charged 32 tokens a second
of audio and 263 of video; truncated or corrupt files are acknowledged without a length
(never a 500). The files are real FFmpeg output (tests/fixtures/media/README.md)."""

from __future__ import annotations

import io
import math
import random
from pathlib import Path

import pytest
from google import genai
from google.genai import types

from gemini_offline import OfflineServer
from gemini_offline.files import PROCESSING_S
from gemini_offline.media import (
    AUDIO_TOKENS_PER_S,
    PAGE_TOKENS,
    VIDEO_TOKENS_PER_S,
    media_duration,
)

MODEL = "gemini-2.5-flash"
MEDIA = Path(__file__).resolve().parents[1] / "fixtures" / "media"
#: file, MIME type, seconds (as ffprobe gives them, VBR MP3 from its Xing frame count).
CLIPS = [
    ("tone_2.5s_cbr_info.mp3", "audio/mpeg", 2.56),
    ("tone_2.5s_cbr_bare.mp3", "audio/mp3", 2.56),
    ("tone_3s_vbr_xing.mp3", "audio/mpeg", 3.03),
    ("tone_2.5s.ogg", "audio/ogg", 2.5),
    ("tone_2.5s.opus", "audio/ogg", 2.5),
    ("tone_2.5s.flac", "audio/flac", 2.5),
    ("tone_2.5s.webm", "audio/webm", 2.51),
    ("blue_3s.webm", "video/webm", 3.0),
]


def details(usage: types.GenerateContentResponseUsageMetadata) -> dict[str, int]:
    return {d.modality.value: d.token_count for d in usage.prompt_tokens_details or []}


def ask(client: genai.Client, data: bytes, mime: str) -> types.GenerateContentResponse:
    return client.models.generate_content(
        model=MODEL,
        contents=[types.Part.from_bytes(data=data, mime_type=mime), "What is in this clip?"],
    )


@pytest.mark.parametrize(("name", "mime", "seconds"), CLIPS, ids=[c[0] for c in CLIPS])
def test_a_clip_is_timed_in_the_reply_and_the_token_counts(
    client: genai.Client, name: str, mime: str, seconds: float
) -> None:
    reply = ask(client, (MEDIA / name).read_bytes(), mime)

    noun = "a video" if mime.startswith("video/") else "an audio clip"
    assert f"{noun} ({mime}," in reply.text
    assert f"lasting {seconds:.1f} seconds" in reply.text
    kind = "VIDEO" if mime.startswith("video/") else "AUDIO"
    rate = VIDEO_TOKENS_PER_S if kind == "VIDEO" else AUDIO_TOKENS_PER_S
    assert details(reply.usage_metadata)[kind] == math.ceil(seconds) * rate


@pytest.mark.parametrize("name", ["tone_2.5s.flac", "tone_2.5s_cbr_info.mp3", "blue_3s.webm"])
def test_a_truncated_header_is_acknowledged_without_a_length(
    client: genai.Client, name: str
) -> None:
    mime = "video/webm" if name.endswith(".webm") else "audio/mpeg"
    reply = ask(client, (MEDIA / name).read_bytes()[:30], mime)

    assert "whose length I can't tell offline" in reply.text
    assert sum(details(reply.usage_metadata).values()) > PAGE_TOKENS  # the flat charge + text


def test_a_corrupt_or_cut_ogg_keeps_what_its_pages_prove(client: genai.Client) -> None:
    raw = (MEDIA / "tone_2.5s.opus").read_bytes()
    garbled = raw[:40] + bytes(b ^ 0x5A for b in raw[40:])  # every later page fails its CRC

    assert "length I can't tell" in ask(client, garbled, "audio/ogg").text
    cut = ask(client, raw[: len(raw) // 2], "audio/ogg").text
    assert "lasting" in cut and "lasting 2.5 seconds" not in cut


def test_an_uploaded_webm_and_ogg_are_timed_too(srv: OfflineServer) -> None:
    srv.files.processing_s = 0
    client = genai.Client(api_key="media-key", http_options=types.HttpOptions(base_url=srv.url))
    try:
        video = client.files.upload(
            file=io.BytesIO((MEDIA / "blue_3s.webm").read_bytes()),
            config={"mime_type": "video/webm", "display_name": "blue.webm"},
        )
        audio = client.files.upload(
            file=io.BytesIO((MEDIA / "tone_2.5s.ogg").read_bytes()),
            config={"mime_type": "audio/ogg", "display_name": "tone.ogg"},
        )
        for file in (video, audio):
            assert file.name
            assert client.files.get(name=file.name).state == types.FileState.ACTIVE
        contents = [video, audio, "Describe both"]
        reply = client.models.generate_content(model=MODEL, contents=contents)
        counted = client.models.count_tokens(model=MODEL, contents=contents)
    finally:
        client.close()
        srv.files.processing_s = PROCESSING_S

    assert "“blue.webm”, a video (video/webm" in reply.text and "lasting 3.0 seconds" in reply.text
    assert "“tone.ogg”, an audio clip (audio/ogg" in reply.text
    assert details(reply.usage_metadata)["VIDEO"] == 3 * VIDEO_TOKENS_PER_S
    assert details(reply.usage_metadata)["AUDIO"] == 3 * AUDIO_TOKENS_PER_S
    assert counted.total_tokens == reply.usage_metadata.prompt_token_count


def test_no_prefix_or_corruption_of_any_clip_makes_the_parser_raise() -> None:
    rng = random.Random(11)
    for name, _, seconds in CLIPS:
        raw = (MEDIA / name).read_bytes()
        assert media_duration(raw) == pytest.approx(seconds, abs=0.01)
        for cut in range(0, min(len(raw), 600), 7):
            media_duration(raw[:cut])
        for _ in range(150):
            broken = bytearray(raw)
            for _ in range(6):
                broken[rng.randrange(len(broken))] = rng.randrange(256)
            found = media_duration(bytes(broken))
            assert found is None or (math.isfinite(found) and found >= 0)

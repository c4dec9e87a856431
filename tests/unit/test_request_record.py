"""The run history's record of a request: text, attachments by type and size, files by URI;
never bytes."""

from __future__ import annotations

import json

from google.genai import types

from playground.gemini import GenerateRequest
from playground.library import request_record


def test_inline_attachments_and_file_uris_are_named_not_copied() -> None:
    pdf = b"%PDF-1.4 " + b"x" * 500
    request = GenerateRequest(
        model="gemini-2.5-flash",
        contents=(
            types.Content(
                role="user",
                parts=[
                    types.Part(text="Summarise these"),
                    types.Part.from_bytes(data=pdf, mime_type="application/pdf"),
                    types.Part.from_uri(
                        file_uri="https://www.youtube.com/watch?v=9hE5-98ZeCg",
                        mime_type="video/*",
                    ),
                ],
            ),
        ),
        config=types.GenerateContentConfig(temperature=0.5),
    )

    record = request_record(request)

    assert record["contents"][0]["parts"] == [
        {"text": "Summarise these"},
        {"attachment": "application/pdf", "bytes": len(pdf)},
        {"file": "video/*", "uri": "https://www.youtube.com/watch?v=9hE5-98ZeCg"},
    ]
    assert "xxxx" not in json.dumps(record) and record["config"]["temperature"] == 0.5

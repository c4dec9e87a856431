"""Code export details: files, zips, escaping, docs style."""

import base64
import io
import json
import subprocess
import zipfile

from google.genai import types

from playground.codegen import render
from playground.gemini import GenerateRequest, build_request
from playground.settings import GenerationSettings


def test_shell_specials_in_a_prompt_are_literal_in_curl(tmp_path):
    """The body is written by an unquoted heredoc (to expand the image); the user's text
    must come out exactly as typed."""
    text = 'cost $HOME `x` \\n "quoted" \\$PATH'
    image = types.Part.from_bytes(data=b"\x89PNG fake", mime_type="image/png")
    content = types.Content(role="user", parts=[types.Part.from_text(text=text), image])
    bundle = render(
        GenerateRequest("gemini-2.5-flash", (content,), GenerationSettings().to_config())
    )
    script = bundle.rest.split("\ncurl ")[0]  # everything up to the request itself
    (tmp_path / "image_1.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "make.sh").write_text(script)
    subprocess.run(["bash", "make.sh"], cwd=tmp_path, check=True)
    body = json.loads((tmp_path / "request.json").read_text())
    assert body["contents"][0]["parts"][0]["text"] == text
    data = body["contents"][0]["parts"][1]["inlineData"]["data"]
    assert base64.b64decode(data) == b"\x89PNG fake"


def test_images_travel_as_files_in_the_zip():
    image = types.Part.from_bytes(data=b"\x89PNG fake", mime_type="image/png")
    content = types.Content(role="user", parts=[types.Part.from_text(text="what?"), image])
    bundle = render(GenerateRequest("m", (content,), GenerationSettings().to_config()))
    assert bundle.files == (("image_1.png", b"\x89PNG fake"),)
    assert 'image_1 = Image.open("image_1.png")' in bundle.python
    assert 'fs.readFileSync("image_1.png")' in bundle.javascript
    with zipfile.ZipFile(io.BytesIO(bundle.zip("python"))) as archive:
        assert sorted(archive.namelist()) == ["gemini_request.py", "image_1.png"]


def test_docs_style():
    bundle = render(build_request(GenerationSettings(temperature=0.2), "How does AI work?"))
    assert "client = genai.Client()" in bundle.python
    assert "types.GenerateContentConfig(" in bundle.python
    assert "for part in response.candidates[0].content.parts:" in bundle.python
    assert (
        "new GoogleGenAI({})" in bundle.javascript and "maxOutputTokens: 8192" in bundle.javascript
    )
    assert "x-goog-api-key: $GEMINI_API_KEY" in bundle.rest
    assert "${GEMINI_BASE_URL:-https://generativelanguage.googleapis.com}" in bundle.rest
    compile(bundle.python, "snippet.py", "exec")

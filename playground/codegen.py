"""Get code: a GenerateRequest as runnable Python (google-genai), JavaScript (@google/genai)
and REST (curl), in the style of Google's docs.

The key is never inlined: the SDKs read GEMINI_API_KEY from the environment (and honour
GOOGLE_GEMINI_BASE_URL), curl sends $GEMINI_API_KEY and uses
${GEMINI_BASE_URL:-https://generativelanguage.googleapis.com}. Images, documents and audio
sent inline are written as files next to the snippet (image_1.png, document_1.pdf, …) and
read back from there; files the app sent through the Files API (video_1.mp4, …) are written
there too, and the snippet uploads them itself and waits until they are ACTIVE.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from google.genai import types

from playground.gemini import GenerateRequest, UploadSource

EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "text/md": "md",
    "text/csv": "csv",
    "text/html": "html",
    "audio/mp3": "mp3",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "audio/aac": "aac",
    "video/mp4": "mp4",
    "video/mov": "mov",
    "video/webm": "webm",
}
REST_BASE = "${GEMINI_BASE_URL:-https://generativelanguage.googleapis.com}"
NESTED_TYPES = {
    "thinking_config": "ThinkingConfig",
    "image_config": "ImageConfig",
    "speech_config": "SpeechConfig",
}
# Part payloads other than text and images (a chat history holds them: function calls and
# the user's results, code runs, server-side tool steps), as `types.Part(field=Type(...))`.
PART_TYPES = {
    "function_call": "FunctionCall",
    "function_response": "FunctionResponse",
    "executable_code": "ExecutableCode",
    "code_execution_result": "CodeExecutionResult",
    "tool_call": "ToolCall",
    "tool_response": "ToolResponse",
}
# Config fields the REST API takes beside generationConfig rather than inside it.
REST_TOP_LEVEL = {
    "systemInstruction",
    "safetySettings",
    "tools",
    "toolConfig",
    "cachedContent",
    "labels",
}


@dataclass(frozen=True)
class CodeBundle:
    """The three snippets and the files they read."""

    python: str
    javascript: str
    rest: str
    files: tuple[tuple[str, bytes], ...] = ()

    def zip(self, language: str) -> bytes:
        """One snippet with its images, as a zip to download."""
        name, text = {
            "python": ("gemini_request.py", self.python),
            "javascript": ("gemini_request.mjs", self.javascript),
            "rest": ("gemini_request.sh", self.rest),
        }[language]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, text)
            for file_name, data in self.files:
                archive.writestr(file_name, data)
        return buffer.getvalue()


def _prefix(mime_type: str) -> str:
    """image_N, document_N, audio_N or video_N: what a file next to the snippet is."""
    major = mime_type.split("/", 1)[0]
    return major if major in ("image", "audio", "video") else "document"


class _Files:
    """Names for the files of a request: one per distinct inline blob, one per uploaded
    file (by URI) whose bytes the app kept (`GenerateRequest.uploads`)."""

    def __init__(self, uploads: tuple[UploadSource, ...] = ()) -> None:
        self.by_data: dict[bytes, str] = {}
        self.sources = {u.file_uri: u for u in uploads}
        self.uploads: dict[str, str] = {}  # file_uri -> local file name
        self._counts: dict[str, int] = {}

    def _new_name(self, mime_type: str) -> str:
        prefix = _prefix(mime_type)
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        return f"{prefix}_{self._counts[prefix]}.{EXTENSIONS.get(mime_type, 'bin')}"

    def name(self, blob: types.Blob) -> str:
        data = blob.data or b""
        if data not in self.by_data:
            self.by_data[data] = self._new_name(blob.mime_type or "")
        return self.by_data[data]

    def upload(self, file_data: types.FileData) -> str | None:
        """The local name of an uploaded file the snippet uploads itself; None for a URI
        it can only pass on (a YouTube link, a file uploaded elsewhere)."""
        uri = file_data.file_uri or ""
        if uri not in self.sources:
            return None
        if uri not in self.uploads:
            self.uploads[uri] = self._new_name(self.sources[uri].mime_type)
        return self.uploads[uri]

    def items(self) -> tuple[tuple[str, bytes], ...]:
        inline = tuple((name, data) for data, name in self.by_data.items())
        return inline + tuple((name, self.sources[uri].data) for uri, name in self.uploads.items())


def _stem(name: str) -> str:
    return name.split(".")[0]


def render(request: GenerateRequest) -> CodeBundle:
    files = _Files(request.uploads)
    for content in request.contents:  # name files in request order, for every language
        for part in content.parts or []:
            if part.inline_data is not None:
                files.name(part.inline_data)
            elif part.file_data is not None:
                files.upload(part.file_data)
    return CodeBundle(
        python=_python(request, files),
        javascript=_javascript(request, files),
        rest=_rest(request, files),
        files=files.items(),
    )


# --- Python --------------------------------------------------------------------------


def _py(value: Any, indent: int = 0) -> str:
    """A Python literal for JSON-like data, formatted like the docs."""
    pad = " " * indent
    inner = " " * (indent + 4)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [_py(v, indent + 4) for v in value]
        if sum(len(i) for i in items) < 60 and all("\n" not in i for i in items):
            return "[" + ", ".join(items) + "]"
        return "[\n" + "".join(f"{inner}{i},\n" for i in items) + pad + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {_py(v, indent + 4)},\n" for k, v in value.items()]
        return "{\n" + "".join(items) + pad + "}"
    raise TypeError(f"cannot render {type(value).__name__}")


def _py_call(name: str, kwargs: dict[str, str], indent: int) -> str:
    pad = " " * indent
    inner = " " * (indent + 4)
    body = "".join(f"{inner}{k}={v},\n" for k, v in kwargs.items())
    return f"{name}(\n{body}{pad})"


def _py_config(config: types.GenerateContentConfig, indent: int) -> str | None:
    data = config.model_dump(mode="json", exclude_none=True)
    if not data:
        return None
    kwargs: dict[str, str] = {}
    for key, value in data.items():
        if key in NESTED_TYPES and isinstance(value, dict):
            kwargs[key] = _py_call(
                f"types.{NESTED_TYPES[key]}",
                {k: _py(v, indent + 8) for k, v in value.items()},
                indent + 4,
            )
        elif key == "safety_settings":
            settings = [
                "types.SafetySetting(" + ", ".join(f"{k}={_py(v)}" for k, v in s.items()) + ")"
                for s in value
            ]
            kwargs[key] = (
                "[\n"
                + "".join(f"{' ' * (indent + 8)}{s},\n" for s in settings)
                + (" " * (indent + 4) + "]")
            )
        else:
            kwargs[key] = _py(value, indent + 4)
    return _py_call("types.GenerateContentConfig", kwargs, indent)


def _py_file_data(file_data: types.FileData, files: _Files) -> str:
    """An uploaded file (by the snippet's own upload) or a URI passed on as it is."""
    name = files.upload(file_data)
    if name is not None:
        variable = _stem(name)
        return f"types.Part.from_uri(file_uri={variable}.uri, mime_type={variable}.mime_type)"
    args = [f"file_uri={_py(file_data.file_uri or '')}"]
    if file_data.mime_type:
        args.append(f"mime_type={_py(file_data.mime_type)}")
    return f"types.Part(file_data=types.FileData({', '.join(args)}))"


def _py_part(part: types.Part, files: _Files) -> str:
    fields = []
    if part.file_data is not None:
        return _py_file_data(part.file_data, files)
    if part.inline_data is not None:
        name, mime = files.name(part.inline_data), part.inline_data.mime_type
        if not part.thought_signature:
            return f'types.Part.from_bytes(data=Path("{name}").read_bytes(), mime_type="{mime}")'
        fields.append(
            f'inline_data=types.Blob(data=Path("{name}").read_bytes(), mime_type="{mime}")'
        )
    if part.text is not None:
        fields.append(f"text={_py(part.text)}")
    for name, type_name in PART_TYPES.items():
        payload = getattr(part, name)
        if payload is not None:
            data = payload.model_dump(mode="json", exclude_none=True)
            args = ", ".join(f"{k}={_py(v)}" for k, v in data.items())
            fields.append(f"{name}=types.{type_name}({args})")
    if part.thought:
        fields.append("thought=True")
    if part.thought_signature:
        encoded = base64.b64encode(part.thought_signature).decode()
        fields.append(f'thought_signature=base64.b64decode("{encoded}")')
    return "types.Part(" + ", ".join(fields) + ")"


def _py_contents_list(contents: tuple[types.Content, ...], files: _Files, indent: int) -> str:
    pad = " " * (indent + 4)
    lines = []
    for content in contents:
        parts = ", ".join(_py_part(p, files) for p in content.parts or [])
        lines.append(f'{pad}types.Content(role="{content.role}", parts=[{parts}]),\n')
    return "[\n" + "".join(lines) + " " * indent + "]"


def _py_message(content: types.Content, files: _Files, images: dict[str, str]) -> str:
    """A single user turn as the docs write it: a string, or [text, image, …]."""
    items = []
    if any(getattr(p, name) is not None for p in content.parts or [] for name in PART_TYPES):
        # Function results (the answer to the model's calls) go as Parts.
        return "[" + ", ".join(_py_part(p, files) for p in content.parts or []) + "]"
    for part in content.parts or []:
        if part.inline_data is not None:
            name = files.name(part.inline_data)
            if name in images:
                items.append(images[name])
            else:
                mime = part.inline_data.mime_type
                items.append(
                    f'types.Part.from_bytes(data=Path("{name}").read_bytes(), mime_type="{mime}")'
                )
        elif part.file_data is not None:
            uploaded = files.upload(part.file_data)
            items.append(_stem(uploaded) if uploaded else _py_file_data(part.file_data, files))
        elif part.text is not None:
            items.append(_py(part.text))
    parts = content.parts or []
    if len(items) == 1 and not images and parts and parts[0].text is not None:
        return items[0]
    return "[" + ", ".join(items) + "]"


def _python(request: GenerateRequest, files: _Files) -> str:
    message = request.contents[-1]
    history = request.contents[:-1]
    single_turn = not history and not request.chat
    uses_history = bool(history)
    images: dict[str, str] = {}
    for part in message.parts or []:
        if part.inline_data is not None and (part.inline_data.mime_type or "").startswith("image/"):
            name = files.name(part.inline_data)
            images[name] = f"image_{len(images) + 1}"
    expects_images = "IMAGE" in [m.upper() for m in request.config.response_modalities or []]
    imports = ["from google import genai", "from google.genai import types"]
    history_has_bytes = any(
        p.inline_data or p.thought_signature for c in history for p in c.parts or []
    )
    if history_has_bytes and any(p.thought_signature for c in history for p in c.parts or []):
        imports.insert(0, "import base64")
    message_has_files = any(
        p.inline_data and not (p.inline_data.mime_type or "").startswith("image/")
        for p in message.parts or []
    )
    if message_has_files or (
        history_has_bytes and any(p.inline_data for c in history for p in c.parts or [])
    ):
        imports.insert(0, "from pathlib import Path")
    if files.uploads:
        imports.insert(0, "import time")
    if images or expects_images:
        imports.append("from PIL import Image")
    if expects_images:
        imports.insert(0, "from io import BytesIO")
    lines = ["\n".join(imports), "", "client = genai.Client()  # reads GEMINI_API_KEY", ""]
    for uri, name in files.uploads.items():
        variable, mime = _stem(name), files.sources[uri].mime_type
        lines += [
            f'{variable} = client.files.upload(file="{name}", config={{"mime_type": "{mime}"}})',
            f"while {variable}.state == types.FileState.PROCESSING:  # wait until it is ACTIVE",
            "    time.sleep(1)",
            f"    {variable} = client.files.get(name={variable}.name)",
            "",
        ]
    for name, variable in images.items():
        lines.append(f'{variable} = Image.open("{name}")')
    if images:
        lines.append("")
    config = _py_config(request.config, 4)
    message_code = _py_message(message, files, {n: v for n, v in images.items()})
    if request.chat:
        args = {"model": _py(request.model)}
        if config:
            args["config"] = config
        if uses_history:
            args["history"] = _py_contents_list(history, files, 4)
        lines.append("chat = " + _py_call("client.chats.create", args, 0))
        if request.stream:
            lines += [
                f"for chunk in chat.send_message_stream({message_code}):",
                '    print(chunk.text or "", end="", flush=True)',
                "print()",
            ]
            return "\n".join(lines) + "\n"
        lines.append(f"response = chat.send_message({message_code})")
    else:
        contents = message_code if single_turn else _py_contents_list(request.contents, files, 4)
        args = {"model": _py(request.model), "contents": contents}
        if config:
            args["config"] = config
        if request.stream:
            lines.append(
                "for chunk in " + _py_call("client.models.generate_content_stream", args, 0) + ":"
            )
            lines += ['    print(chunk.text or "", end="", flush=True)', "print()"]
            return "\n".join(lines) + "\n"
        lines.append("response = " + _py_call("client.models.generate_content", args, 0))
    lines += [""]
    if expects_images:
        lines.append("image_count = 0")
    lines += [
        "for part in response.candidates[0].content.parts:",
        "    if part.thought:",
        '        print("Thought summary:", part.text)',
        "    elif part.text is not None:",
        "        print(part.text)",
    ]
    if expects_images:
        lines += [
            "    elif part.inline_data is not None:",
            "        image_count += 1",
            "        image = Image.open(BytesIO(part.inline_data.data))",
            '        image.save(f"gemini-image-{image_count}.png")',
            '        print(f"[saved gemini-image-{image_count}.png]")',
        ]
    return "\n".join(lines) + "\n"


# --- JavaScript ----------------------------------------------------------------------


def _wire_text_part(part: types.Part) -> dict[str, Any]:
    """A non-image part as the REST API spells it (also a valid JS object literal)."""
    data: dict[str, Any] = {}
    if part.text is not None:
        data["text"] = part.text
    for name in PART_TYPES:
        payload = getattr(part, name)
        if payload is not None:
            wire = "".join(w.capitalize() if i else w for i, w in enumerate(name.split("_")))
            data[wire] = payload.model_dump(mode="json", by_alias=True, exclude_none=True)
    if part.thought:
        data["thought"] = True
    if part.thought_signature:
        data["thoughtSignature"] = base64.b64encode(part.thought_signature).decode()
    return data


def _js(value: Any, indent: int = 0) -> str:
    """A JS object literal: JSON with identifier keys unquoted, as the docs write it."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    text = re.sub(r'^(\s*)"([A-Za-z_]\w*)": ', r"\1\2: ", text, flags=re.M)
    return text.replace("\n", "\n" + " " * indent)


def _js_part(part: types.Part, files: _Files) -> str:
    if part.file_data is not None:
        uploaded = files.upload(part.file_data)
        if uploaded is not None:
            variable = _stem(uploaded)
            return f"{{ fileData: {{ fileUri: {variable}.uri, mimeType: {variable}.mimeType }} }}"
        return json.dumps({"fileData": _wire_file_data(part.file_data)}, ensure_ascii=False)
    if part.inline_data is not None:
        name = files.name(part.inline_data)
        signature = (
            f', thoughtSignature: "{base64.b64encode(part.thought_signature).decode()}"'
            if part.thought_signature
            else ""
        )
        return (
            f'{{ inlineData: {{ mimeType: "{part.inline_data.mime_type}", '
            f'data: fs.readFileSync("{name}").toString("base64") }}{signature} }}'
        )
    return json.dumps(_wire_text_part(part), ensure_ascii=False)


def _wire_file_data(file_data: types.FileData) -> dict[str, str]:
    wire = {"fileUri": file_data.file_uri or ""}
    if file_data.mime_type:
        wire["mimeType"] = file_data.mime_type
    return wire


def _js_content(content: types.Content, files: _Files) -> str:
    parts = ", ".join(_js_part(p, files) for p in content.parts or [])
    return f'{{ role: "{content.role}", parts: [{parts}] }}'


def _js_message(content: types.Content, files: _Files) -> str:
    parts = content.parts or []
    if len(parts) == 1 and parts[0].text is not None:
        return json.dumps(parts[0].text, ensure_ascii=False)
    return "[" + ", ".join(_js_part(p, files) for p in parts) + "]"


def _javascript(request: GenerateRequest, files: _Files) -> str:
    config = request.config.model_dump(mode="json", by_alias=True, exclude_none=True)
    message = request.contents[-1]
    history = request.contents[:-1]
    uses_files = bool(files.by_data)  # read with fs (uploads are read by the SDK itself)
    lines = ['import { GoogleGenAI } from "@google/genai";']
    if uses_files:
        lines.append('import fs from "node:fs";')
    lines += ["", "const ai = new GoogleGenAI({}); // reads GEMINI_API_KEY", ""]
    for uri, name in files.uploads.items():
        variable, mime = _stem(name), files.sources[uri].mime_type
        lines += [
            f"let {variable} = await ai.files.upload({{",
            f'  file: "{name}",',
            f'  config: {{ mimeType: "{mime}" }},',
            "});",
            f'while ({variable}.state === "PROCESSING") {{ // wait until it is ACTIVE',
            "  await new Promise((resolve) => setTimeout(resolve, 1000));",
            f"  {variable} = await ai.files.get({{ name: {variable}.name }});",
            "}",
            "",
        ]
    config_line = f"  config: {_js(config, 2)}," if config else None
    if request.chat:
        history_js = ",\n    ".join(_js_content(c, files) for c in history)
        lines += ["const chat = ai.chats.create({", f'  model: "{request.model}",']
        if config_line:
            lines.append(config_line)
        if history:
            lines.append(f"  history: [\n    {history_js},\n  ],")
        lines.append("});")
        call = "sendMessageStream" if request.stream else "sendMessage"
        lines.append(
            f"const response = await chat.{call}({{ message: {_js_message(message, files)} }});"
        )
    else:
        if history:
            contents = (
                "[\n    "
                + ",\n    ".join(_js_content(c, files) for c in request.contents)
                + ",\n  ]"
            )
        else:
            contents = _js_message(message, files)
        call = "generateContentStream" if request.stream else "generateContent"
        lines += [
            f"const response = await ai.models.{call}({{",
            f'  model: "{request.model}",',
            f"  contents: {contents},",
        ]
        if config_line:
            lines.append(config_line)
        lines.append("});")
    if request.stream:
        lines += [
            "for await (const chunk of response) {",
            '  process.stdout.write(chunk.text ?? "");',
            "}",
            "console.log();",
        ]
    else:
        lines += [
            "for (const part of response.candidates?.[0]?.content?.parts ?? []) {",
            "  if (part.thought) {",
            '    console.log("Thought summary:", part.text);',
            "  } else if (part.text !== undefined) {",
            "    console.log(part.text);",
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


# --- REST ----------------------------------------------------------------------------


def _rest_body(request: GenerateRequest, files: _Files) -> dict[str, Any]:
    config = request.config.model_dump(mode="json", by_alias=True, exclude_none=True)
    body: dict[str, Any] = {"contents": []}
    for content in request.contents:
        parts = []
        for part in content.parts or []:
            if part.file_data is not None:
                uploaded = files.upload(part.file_data)
                wire = _wire_file_data(part.file_data)
                if uploaded is not None:
                    wire = {
                        "mimeType": files.sources[part.file_data.file_uri or ""].mime_type,
                        "fileUri": f"${{{_stem(uploaded).upper()}_URI}}",
                    }
                parts.append({"fileData": wire})
                continue
            if part.inline_data is not None:
                name = files.name(part.inline_data)
                variable = name.split(".")[0].upper() + "_B64"
                image: dict[str, Any] = {
                    "inlineData": {
                        "mimeType": part.inline_data.mime_type,
                        "data": f"${{{variable}}}",
                    }
                }
                if part.thought_signature:
                    image["thoughtSignature"] = base64.b64encode(part.thought_signature).decode()
                parts.append(image)
                continue
            parts.append(_wire_text_part(part))
        body["contents"].append({"role": content.role, "parts": parts})
    system = config.pop("systemInstruction", None)
    if system is not None:
        body["systemInstruction"] = (
            {"parts": [{"text": system}]} if isinstance(system, str) else system
        )
    for key in list(config):
        if key in REST_TOP_LEVEL:
            body[key] = config.pop(key)
    if config:
        body["generationConfig"] = config
    return body


def _shell_heredoc_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`")


def _rest_upload(name: str, mime: str) -> list[str]:
    """Shell lines that upload `name` (resumable: start, then upload + finalize), wait until
    it is ACTIVE and leave its URI in ${NAME_URI}."""
    var = _stem(name).upper()
    return [
        f'{var}_BYTES=$(wc -c < "{name}" | tr -d " ")',
        f"{var}_HEADERS=$(mktemp)",
        f'curl -s -D "${{{var}_HEADERS}}" -o /dev/null -X POST \\',
        f'  "{REST_BASE}/upload/v1beta/files" \\',
        '  -H "x-goog-api-key: $GEMINI_API_KEY" \\',
        '  -H "X-Goog-Upload-Protocol: resumable" \\',
        '  -H "X-Goog-Upload-Command: start" \\',
        f'  -H "X-Goog-Upload-Header-Content-Length: ${{{var}_BYTES}}" \\',
        f'  -H "X-Goog-Upload-Header-Content-Type: {mime}" \\',
        '  -H "Content-Type: application/json" \\',
        f'  -d \'{{"file": {{"display_name": "{name}"}}}}\'',
        f'{var}_UPLOAD_URL=$(grep -i "^x-goog-upload-url: " "${{{var}_HEADERS}}" '
        '| cut -d" " -f2 | tr -d "\\r")',
        f'rm -f "${{{var}_HEADERS}}"',
        f'curl -s -X POST "${{{var}_UPLOAD_URL}}" \\',
        '  -H "X-Goog-Upload-Offset: 0" \\',
        '  -H "X-Goog-Upload-Command: upload, finalize" \\',
        f'  --data-binary "@{name}" > "{_stem(name)}.json"',
        f'{var}_NAME=$(sed -n \'s/.*"name": *"\\(files\\/[^"]*\\)".*/\\1/p\' '
        f'"{_stem(name)}.json" | head -n 1)',
        f'{var}_URI=$(sed -n \'s/.*"uri": *"\\([^"]*\\)".*/\\1/p\' '
        f'"{_stem(name)}.json" | head -n 1)',
        f'while grep -q \'"state": *"PROCESSING"\' "{_stem(name)}.json"; do'
        "  # wait until it is ACTIVE",
        "  sleep 1",
        f'  curl -s "{REST_BASE}/v1beta/${{{var}_NAME}}" \\',
        f'    -H "x-goog-api-key: $GEMINI_API_KEY" > "{_stem(name)}.json"',
        "done",
        "",
    ]


def _rest(request: GenerateRequest, files: _Files) -> str:
    method = "streamGenerateContent?alt=sse" if request.stream else "generateContent"
    url = f'"{REST_BASE}/v1beta/models/{request.model}:{method}"'
    body = json.dumps(_rest_body(request, files), ensure_ascii=False, indent=2)
    lines = ["#!/usr/bin/env bash", "# Needs GEMINI_API_KEY in the environment.", "set -e", ""]
    for uri, name in files.uploads.items():
        lines += _rest_upload(name, files.sources[uri].mime_type)
    if files.by_data or files.uploads:
        variables = [name.split(".")[0].upper() + "_B64" for name in files.by_data.values()]
        variables += [_stem(name).upper() + "_URI" for name in files.uploads.values()]
        for name in files.by_data.values():
            variable = name.split(".")[0].upper() + "_B64"
            lines.append(f'{variable}=$(base64 < "{name}" | tr -d "\\n")')
        escaped = _shell_heredoc_escape(body)
        for variable in variables:
            escaped = escaped.replace(f"\\${{{variable}}}", f"${{{variable}}}")
        lines += ["", "cat > request.json <<EOF", escaped, "EOF"]
    else:
        lines += ["cat > request.json <<'EOF'", body, "EOF"]
    stream_flag = " \\\n  --no-buffer" if request.stream else ""
    lines += [
        "",
        f"curl -s -X POST {url} \\",
        '  -H "x-goog-api-key: $GEMINI_API_KEY" \\',
        '  -H "Content-Type: application/json" \\',
        f"  -d @request.json{stream_flag}",
    ]
    return "\n".join(lines) + "\n"

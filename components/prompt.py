"""Prompt editor, system instruction and attachments (images, documents, audio, video and
a YouTube link), shared by the prompt pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import streamlit as st
from google.genai import types

from components.session import connected
from playground import variables
from playground.documents import DOCUMENT_TYPES, check_youtube_url
from playground.errors import BadInput, PlaygroundError
from playground.media import Attachment, CheckedUploads, check_upload, human_size
from playground.state import SYSTEM_INSTRUCTION
from playground.uploads import RemoteFile, UploadedFiles

IMAGE_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"]
ATTACHMENT_TYPES = [*IMAGE_TYPES, *DOCUMENT_TYPES]


def checked_uploads(
    files, cache_key: str, check: Callable[[str, bytes], Attachment] | None = None
) -> list[Attachment | BadInput]:
    """Every uploaded file checked once per upload (cached in `st.session_state[cache_key]`,
    a CheckedUploads); files no longer attached are forgotten."""
    cache: CheckedUploads = st.session_state[cache_key]
    files = list(files or [])
    results = [cache.check(f.file_id, f.name, f.size, f.getvalue, check) for f in files]
    cache.keep_only((f.file_id, f.size) for f in files)
    return results


@dataclass
class PromptInput:
    """What the user typed and attached, plus any attachment that was refused."""

    text: str
    attachments: list[Attachment] = field(default_factory=list)
    rejected: list[BadInput] = field(default_factory=list)
    namespace: str = ""
    #: Values typed for the ``{{variables}}`` of the prompt and system instruction.
    variables: dict[str, str] = field(default_factory=dict)

    def require_sendable(self) -> None:
        """BadInput (nothing is sent) while an attachment is refused."""
        if self.rejected:
            raise BadInput(
                "An attached file can't be sent.",
                "Remove the file marked above (or replace it with a valid file), then Run.",
                kind="bad_attachment",
            )


def variables_editor(namespace: str, *texts: str) -> dict[str, str]:
    """An input per ``{{variable}}`` found in `texts` (`{namespace}.var.<name>`), shown only
    when there are any; returns the typed values."""
    names = variables.names_in(*texts)
    if not names:
        return {}
    values: dict[str, str] = {}
    with st.container(border=True):
        st.markdown(
            ":material/data_object: **Variables** — filled in before the prompt is sent",
        )
        cols = st.columns(min(3, len(names)))
        for index, name in enumerate(names):
            values[name] = cols[index % len(cols)].text_input(
                f"{{{{{name}}}}}", key=f"{namespace}.var.{name}", placeholder=f"value of {name}"
            )
    return values


def system_instruction_editor(
    key: str = SYSTEM_INSTRUCTION,
    label: str = "System instruction",
    placeholder: str = "e.g. You are a cat. Your name is Neko.",
) -> None:
    """A system instruction box, kept across pages. The default key is the shared one
    (part of the settings); the chat passes its own."""
    with st.expander(label, icon=":material/tune:", expanded=bool(st.session_state.get(key))):
        st.text_area(
            label,
            key=key,
            placeholder=placeholder,
            help="Guides the model's behaviour for the whole request.",
            label_visibility="collapsed",
            persist_state="session",
        )


def prompt_editor(namespace: str, *, placeholder: str = "Ask Gemini anything…") -> PromptInput:
    """The prompt text area (`{namespace}.prompt`), the uploader (`{namespace}.attachments`)
    and a YouTube link (`{namespace}.youtube`). Files that must go through the Files API are
    uploaded here (with progress) and reused while attached; removed ones are deleted."""
    text = st.text_area(
        "Prompt",
        key=f"{namespace}.prompt",
        height=160,
        placeholder=placeholder,
        persist_state="session",
    )
    files = st.file_uploader(
        "Attach files",
        type=ATTACHMENT_TYPES,
        accept_multiple_files=True,
        key=f"{namespace}.attachments",
        help=(
            "Images, PDFs, text / Markdown / CSV / HTML, audio (MP3, WAV, OGG, FLAC, AAC) and "
            "video (MP4, MOV, WEBM). Small files are sent inline with the prompt (e.g. “Tell "
            "me about this instrument”); videos and files over 8 MB are uploaded through the "
            "Files API, kept 48 hours, and deleted when you remove them here."
        ),
    )
    youtube = st.text_input(
        "YouTube URL",
        key=f"{namespace}.youtube",
        placeholder="https://www.youtube.com/watch?v=…",
        help="A public YouTube video to send with the prompt (as a link; nothing is uploaded).",
    )
    prompt = PromptInput(text or "", namespace=namespace)
    cache_key = f"{namespace}.checked"
    for checked in checked_uploads(files, cache_key, check_upload):
        if isinstance(checked, BadInput):
            prompt.rejected.append(checked)
        else:
            prompt.attachments.append(checked)
    if (youtube or "").strip():
        try:
            prompt.attachments.append(check_youtube_url(youtube))
        except BadInput as problem:
            prompt.rejected.append(problem)
    sync_uploads(prompt, st.session_state[cache_key])
    for attachment in prompt.attachments:
        st.caption(attachment.caption())
    return prompt


def sync_uploads(prompt: PromptInput, cache: CheckedUploads, *, verify: bool = False) -> None:
    """Put every attachment that needs it through the Files API (reusing a live upload of
    the same bytes), and delete the uploads whose attachment was removed. With `verify`,
    ask the server first whether each reused file still exists (re-uploading if not)."""
    link = connected()
    owner = link.cache_id
    registry = cache.uploads
    ready: list[Attachment] = []
    for attachment in prompt.attachments:
        if not attachment.needs_upload:
            ready.append(attachment)
            continue
        remote = registry.get(owner, attachment.digest)
        if remote is not None and verify and link.gemini.get_file(remote.name) is None:
            registry.forget(owner, attachment.digest)
            remote = None
        try:
            if remote is None or not remote.active:
                remote = _upload(link, attachment, remote, registry)
        except PlaygroundError as problem:
            prompt.rejected.append(problem if isinstance(problem, BadInput) else _as_bad(problem))
            continue
        ready.append(attachment.uploaded(remote.uri, remote.name))
    prompt.attachments[:] = ready
    attached = {a.digest for a in ready if a.file_name}
    for gone in registry.release(owner, attached):
        try:
            link.gemini.delete_file(gone.name)
        except PlaygroundError:
            st.toast(f"Could not delete {gone.name} from the Files API; it expires in 48 h.")


def _as_bad(problem: PlaygroundError) -> BadInput:
    return BadInput(problem.message, problem.remedy, kind="bad_attachment")


def _upload(link, attachment: Attachment, remote: RemoteFile | None, registry) -> RemoteFile:
    """Upload (unless already uploaded and still processing) and wait until ACTIVE, with a
    status box; the registry learns the file as soon as it exists, so a rerun while it
    processes goes on waiting instead of uploading it again."""
    file = link.gemini.get_file(remote.name) if remote is not None else None
    if file is None:
        registry.forget(link.cache_id, attachment.digest)
    name, size = attachment.name, human_size(len(attachment.data))
    started = time.monotonic()
    with st.status(f"Uploading {name} ({size}) to the Files API…") as status:
        if file is None:
            file = link.gemini.upload_file(attachment.data, attachment.mime_type, name)
            remote = RemoteFile(
                name=file.name or "",
                uri=file.uri or "",
                mime_type=file.mime_type or attachment.mime_type,
                owner=link.cache_id,
                expires_at=file.expiration_time.timestamp() if file.expiration_time else None,
            )
            registry.put(attachment.digest, remote)
        assert remote is not None
        status.update(label=f"Processing {name} ({_state(file)})…")

        def progress(latest, elapsed: float) -> None:
            status.update(label=f"Processing {name}… {_state(latest)} after {elapsed:.1f} s")

        link.gemini.wait_until_active(file, on_poll=progress)
        remote = replace(remote, active=True)
        registry.put(attachment.digest, remote)
        status.update(
            label=f"{name} is ready ({time.monotonic() - started:.1f} s)",
            state="complete",
            expanded=False,
        )
    return remote


def _state(file) -> str:
    return file.state.name if file.state is not None else "ACTIVE"


def refresh_uploads(prompt: PromptInput) -> None:
    """Before a run: re-upload any attached file the server no longer has (expired or
    deleted elsewhere), so the request never names a missing file."""
    if prompt.namespace and any(a.file_name for a in prompt.attachments):
        cache_key = f"{prompt.namespace}.checked"
        sync_uploads(prompt, st.session_state[cache_key], verify=True)


def message_parts(files) -> list[types.Part]:
    """The parts of a chat message's attached files (from `st.chat_input`): each checked by
    content (check_upload); videos and large files put through the Files API with progress
    (they stay for the conversation and expire after 48 h). BadInput for a refused file."""
    link = connected()
    parts: list[types.Part] = []
    registry = UploadedFiles()
    for file in files or []:
        attachment = check_upload(file.name, file.getvalue())
        if attachment.needs_upload:
            remote = _upload(link, attachment, None, registry)
            attachment = attachment.uploaded(remote.uri, remote.name)
        parts.append(attachment.to_part())
    return parts

"""What the app keeps in the library (playground.storage), decided without Streamlit:
when a conversation needs saving, how a saved one is opened again, and the snapshot a long
setup's link points to."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.conversation import Conversation
from playground.errors import BadInput
from playground.gemini import GenerateRequest
from playground.reply import Reply

if TYPE_CHECKING:  # SQLAlchemy is imported only when a database is opened
    from playground.storage import Storage, StoredConversation

LOCAL_OWNER = "local"  # the one user of a local run
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{20,64}$")


@dataclass(frozen=True)
class SavedChat:
    """Where this session's conversation is saved, and which of its revisions that is."""

    uid: str  # Conversation.uid it belongs to
    token: str
    revision: int  # the stored revision (for optimistic concurrency)
    chat_revision: int  # Conversation.revision that was saved
    forked: bool = False


def autosave(
    storage: Storage,
    owner: str,
    chat: Conversation,
    saved: SavedChat | None,
    *,
    page: str,
    model: str,
    system_instruction: str,
) -> SavedChat | None:
    """Save `chat` when it changed since `saved`; None when there is nothing to save."""
    if not chat.turns:
        return saved if saved is not None and saved.uid == chat.uid else None
    same_chat = saved is not None and saved.uid == chat.uid
    if same_chat and saved is not None and saved.chat_revision == chat.revision:
        return saved
    document = json.loads(chat.to_file(model=model, system_instruction=system_instruction))
    result = storage.save_conversation(
        owner,
        page,
        document,
        token=saved.token if same_chat and saved is not None else None,
        revision=saved.revision if same_chat and saved is not None else 0,
    )
    return SavedChat(chat.uid, result.token, result.revision, chat.revision, result.forked)


@dataclass(frozen=True)
class OpenedChat:
    chat: Conversation
    model: str
    system_instruction: str
    saved: SavedChat
    frozen: bool  # a shared copy: the next save makes the visitor's own conversation


def open_saved(storage: Storage, token: str) -> OpenedChat:
    """The conversation a link names; BadInput when there is none (or it is unreadable)."""
    stored: StoredConversation | None = (
        storage.load_conversation(token) if TOKEN.match(token) else None
    )
    if stored is None:
        raise BadInput(
            "The conversation this link points to was not found.",
            "It may have been deleted, or the link was cut short. Start a new chat here.",
            kind="unknown_conversation",
        )
    chat, meta = Conversation.from_file(json.dumps(stored.document).encode(), stored.title)
    saved = SavedChat(chat.uid, stored.token, stored.revision, chat.revision)
    return OpenedChat(
        chat,
        str(meta.get("model") or ""),
        str(meta.get("system_instruction") or ""),
        saved,
        stored.frozen,
    )


def snapshot_query(storage: Storage, owner: str, page: str, query: Mapping[str, str]) -> str:
    """Keep a setup too long for a link; the token that reopens it."""
    return storage.save_snapshot(owner, page, query)


def expand_snapshot(storage: Storage, token: str) -> dict[str, str] | None:
    """The full query a snapshot token stands for; None for an unknown token."""
    if not TOKEN.match(token):
        return None
    snapshot = storage.load_snapshot(token)
    return dict(snapshot.query) if snapshot else None


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


@dataclass(frozen=True)
class Scope:
    """Whose library this session works in, whether it may list it, and why (one line)."""

    owner: str
    can_list: bool
    why: str


def library_scope(
    *,
    user_email: str | None,
    server_address: str | None,
    url_host: str | None,
    library_mode: str | None,
) -> Scope:
    """The privacy rule of a session.

    - Signed in (st.login): the user's own items only.
    - A local run (bound to loopback, or reached on it): one user, the whole library.
    - A deployment without sign-in: `PLAYGROUND_LIBRARY=shared` makes one team library;
      otherwise visitors are anonymous: no list, and they reach only what their own
      links name (a token is a capability: 192 random bits, never guessable).
    """
    if user_email:
        email = user_email.strip().lower()
        return Scope(f"user:{email}", True, f"Signed in as {email}: the library is your own.")
    address = (server_address or "").strip()
    if address in LOOPBACK or (not address and (url_host is None or url_host in LOOPBACK)):
        return Scope(LOCAL_OWNER, True, "Local run: one user, the whole library is yours.")
    if (library_mode or "").strip().lower() == "shared":
        return Scope(
            "shared", True, "Team library (PLAYGROUND_LIBRARY=shared): everyone here sees it."
        )
    return Scope(
        "anonymous",
        False,
        "Shared deployment without sign-in: the library list is off; your links (Share, the "
        "URL) still reopen your work.",
    )


# Pages by url path: their title and page file (for Open in the Library).
PAGES: dict[str, tuple[str, str]] = {
    "": ("Text", "views/text.py"),
    "streaming": ("Streaming", "views/stream.py"),
    "system": ("System instructions", "views/system.py"),
    "images": ("Images", "views/images.py"),
    "chat": ("Chat", "views/chat.py"),
}


def page_title(page: str) -> str:
    return PAGES.get(page, (page or "Text", ""))[0]


def request_record(request: GenerateRequest) -> dict[str, Any]:
    """What the run history keeps of a request: model, config and the text of each turn
    (attachments named by type and size, never their bytes; never a key)."""
    contents = []
    for content in request.contents:
        parts: list[dict[str, Any]] = []
        for part in content.parts or []:
            if part.text is not None:
                parts.append({"text": part.text})
            elif part.inline_data is not None:
                data = part.inline_data.data or b""
                parts.append({"attachment": part.inline_data.mime_type, "bytes": len(data)})
            elif part.file_data is not None:  # a Files API upload or a YouTube link
                parts.append({"file": part.file_data.mime_type, "uri": part.file_data.file_uri})
        contents.append({"role": content.role, "parts": parts})
    config = request.config.model_dump(mode="json", exclude_none=True)
    return {"model": request.model, "contents": contents, "config": config}


def usage_record(reply: Reply) -> dict[str, int]:
    usage = reply.usage
    return {
        "prompt_tokens": usage.prompt_tokens,
        "output_tokens": usage.output_tokens,
        "thought_tokens": usage.thought_tokens,
        "total_tokens": usage.total_tokens,
    }

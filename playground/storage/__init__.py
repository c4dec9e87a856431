"""The library on a real database: SQLite by default, PostgreSQL when replicas share one.

`Storage.open(url)` connects and migrates to the newest schema (Alembic, migrations in
`playground/storage/migrations`). Everything is scoped by `owner` (a signed-in user, or
"local" for the one user of a local run); tokens are unguessable (`secrets.token_urlsafe`,
192 bits), so a link reaches only what it names. Image bytes are stored once per digest.

Conversations are saved with optimistic concurrency: a save names the revision it started
from; when another session saved the same conversation meanwhile, the save becomes a new
conversation (a fork) instead of overwriting, so two sessions never lose each other's turns.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = ROOT / "data" / "playground.db"
TOKEN_BYTES = 24  # 192 bits

if TYPE_CHECKING:  # the implementation is imported on first use (SQLAlchemy is heavy)
    from playground.storage.store import (
        ConversationRow,
        Library,
        RunRow,
        Saved,
        SavedPrompt,
        Snapshot,
        Storage,
        StoredConversation,
    )

__all__ = [
    "ConversationRow",
    "Library",
    "RunRow",
    "Saved",
    "SavedPrompt",
    "Snapshot",
    "Storage",
    "StoredConversation",
    "database_url",
    "new_token",
]


def database_url(env: Mapping[str, str] | None = None, secret: str | None = None) -> str:
    """PLAYGROUND_DATABASE_URL (environment, then secrets), else the SQLite file."""
    env = os.environ if env is None else env
    url = (env.get("PLAYGROUND_DATABASE_URL") or secret or "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def __getattr__(name: str) -> Any:
    """Storage, Library and the row types, from playground.storage.store on first use."""
    if name in __all__:
        from playground.storage import store

        return getattr(store, name)
    raise AttributeError(name)

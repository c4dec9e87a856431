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

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from playground.storage.tables import blobs, conversations, snapshots

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = ROOT / "data" / "playground.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
TOKEN_BYTES = 24  # 192 bits


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


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@dataclass(frozen=True)
class Snapshot:
    token: str
    page: str
    query: dict[str, str]


@dataclass(frozen=True)
class StoredConversation:
    token: str
    owner: str
    page: str
    title: str
    document: dict[str, Any]  # the conversation file's JSON, images inline again
    revision: int
    frozen: bool
    parent: str | None


@dataclass(frozen=True)
class Saved:
    """Where a save went: its token and new revision; `forked` when it became a copy."""

    token: str
    revision: int
    forked: bool = False


class Storage:
    """The app's database (thread-safe: one Engine with a connection pool)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Storage:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_pre_ping=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        storage = cls(engine)
        storage.migrate()
        return storage

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest migration (safe to run on every start)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    # --- blobs -------------------------------------------------------------------------------

    def put_blob(self, data: bytes, mime_type: str) -> str:
        """Store bytes once; their sha256 digest is their name."""
        digest = hashlib.sha256(data).hexdigest()
        with self.engine.begin() as db:
            if db.execute(select(blobs.c.digest).where(blobs.c.digest == digest)).first():
                return digest
        try:
            with self.engine.begin() as db:
                db.execute(
                    insert(blobs).values(
                        digest=digest,
                        mime_type=mime_type,
                        size=len(data),
                        data=data,
                        created_at=_now(),
                    )
                )
        except IntegrityError:  # another session stored the same bytes just now
            pass
        return digest

    def get_blob(self, digest: str) -> tuple[bytes, str] | None:
        with self.engine.connect() as db:
            row = db.execute(
                select(blobs.c.data, blobs.c.mime_type).where(blobs.c.digest == digest)
            ).first()
        return (bytes(row.data), row.mime_type) if row else None

    # --- snapshots ---------------------------------------------------------------------------

    def save_snapshot(self, owner: str, page: str, query: Mapping[str, str]) -> str:
        token = new_token()
        with self.engine.begin() as db:
            db.execute(
                insert(snapshots).values(
                    token=token,
                    owner=owner,
                    page=page,
                    query=json.dumps(dict(query), ensure_ascii=False),
                    created_at=_now(),
                )
            )
        return token

    def load_snapshot(self, token: str) -> Snapshot | None:
        with self.engine.connect() as db:
            row = db.execute(select(snapshots).where(snapshots.c.token == token)).first()
        if row is None:
            return None
        return Snapshot(row.token, row.page, json.loads(row.query))

    # --- conversations -----------------------------------------------------------------------

    def _split_images(self, document: dict[str, Any]) -> dict[str, Any]:
        """The document with every inline image moved to blobs (replaced by its digest)."""
        copy = json.loads(json.dumps(document))
        for turn in copy.get("turns", []):
            for part in (turn.get("content") or {}).get("parts") or []:
                inline = part.get("inline_data")
                if isinstance(inline, dict) and isinstance(inline.get("data"), str):
                    data = _b64decode(inline["data"])
                    inline["blob"] = self.put_blob(data, inline.get("mime_type") or "")
                    del inline["data"]
        return copy

    def _join_images(self, document: dict[str, Any]) -> dict[str, Any]:
        for turn in document.get("turns", []):
            for part in (turn.get("content") or {}).get("parts") or []:
                inline = part.get("inline_data")
                if isinstance(inline, dict) and "blob" in inline:
                    found = self.get_blob(inline.pop("blob"))
                    inline["data"] = base64.b64encode(found[0]).decode() if found else ""
        return document

    def save_conversation(
        self,
        owner: str,
        page: str,
        document: dict[str, Any],
        *,
        token: str | None = None,
        revision: int = 0,
        title: str = "",
    ) -> Saved:
        """Save a conversation file's JSON. With `token`, as the next revision after
        `revision`; if that is no longer the newest (another session saved meanwhile) or the
        conversation is frozen or someone else's, it is saved as a new conversation."""
        body = json.dumps(self._split_images(document), ensure_ascii=False)
        title = (title or _title_of(document))[:200]
        now = _now()
        if token is not None:
            with self.engine.begin() as db:
                changed = db.execute(
                    update(conversations)
                    .where(
                        conversations.c.token == token,
                        conversations.c.owner == owner,
                        conversations.c.revision == revision,
                        conversations.c.frozen.is_(False),
                    )
                    .values(body=body, title=title, revision=revision + 1, updated_at=now)
                ).rowcount
            if changed == 1:
                return Saved(token, revision + 1)
        new = new_token()
        with self.engine.begin() as db:
            db.execute(
                insert(conversations).values(
                    token=new,
                    owner=owner,
                    page=page,
                    title=title,
                    body=body,
                    revision=1,
                    frozen=False,
                    parent=token,
                    created_at=now,
                    updated_at=now,
                )
            )
        return Saved(new, 1, forked=token is not None)

    def load_conversation(self, token: str) -> StoredConversation | None:
        with self.engine.connect() as db:
            row = db.execute(select(conversations).where(conversations.c.token == token)).first()
        if row is None:
            return None
        return StoredConversation(
            token=row.token,
            owner=row.owner,
            page=row.page,
            title=row.title,
            document=self._join_images(json.loads(row.body)),
            revision=row.revision,
            frozen=bool(row.frozen),
            parent=row.parent,
        )

    def freeze_copy(self, token: str, owner: str) -> str | None:
        """A read-only copy of a conversation (for Share conversation), with its own token."""
        with self.engine.begin() as db:
            row = db.execute(
                select(conversations).where(
                    conversations.c.token == token, conversations.c.owner == owner
                )
            ).first()
            if row is None:
                return None
            copy = new_token()
            now = _now()
            db.execute(
                insert(conversations).values(
                    token=copy,
                    owner=owner,
                    page=row.page,
                    title=row.title,
                    body=row.body,
                    revision=1,
                    frozen=True,
                    parent=token,
                    created_at=now,
                    updated_at=now,
                )
            )
        return copy


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_" if ("-" in text or "_" in text) else None)
    except (binascii.Error, ValueError):
        return b""


def _title_of(document: Mapping[str, Any]) -> str:
    for turn in document.get("turns", []):
        for part in (turn.get("content") or {}).get("parts") or []:
            text = part.get("text")
            if turn.get("role") == "user" and isinstance(text, str) and text.strip():
                return " ".join(text.split())[:80]
    return "Untitled conversation"

"""The library's storage: SQLAlchemy Core over SQLite or PostgreSQL (see the package
docstring)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from playground.storage import new_token
from playground.storage.tables import (
    blobs,
    conversations,
    prompts,
    runs,
    snapshots,
    usage_counters,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


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
class UsageCount:
    """One counter row: a visitor's (or "*", the deployment's) requests and tokens in one
    UTC minute or day."""

    visitor: str
    kind: str
    period: str
    requests: int
    tokens: int


DEPLOYMENT = "*"  # the visitor name of the deployment-wide counters


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
        from alembic import command  # imported here: only opening a database needs it
        from alembic.config import Config

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

    # --- usage counters (the limits on the deployment's key) ---------------------------------

    def _count(
        self,
        db: Any,
        visitor: str,
        kind: str,
        period: str,
        *,
        requests: int,
        tokens: int,
        now: datetime,
        where: Any = None,
    ) -> Any:
        """Add to one counter atomically (INSERT ... ON CONFLICT DO UPDATE [WHERE] ...
        RETURNING); the row's new (requests, tokens), or None when `where` refused."""
        from sqlalchemy.dialects import postgresql, sqlite

        dialects: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
        if self.dialect not in dialects:
            raise RuntimeError(f"usage counters need SQLite or PostgreSQL, not {self.dialect}")
        dialect_insert = dialects[self.dialect]
        table = usage_counters
        statement = (
            dialect_insert(table)
            .values(
                visitor=visitor,
                kind=kind,
                period=period,
                requests=requests,
                tokens=tokens,
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=[table.c.visitor, table.c.kind, table.c.period],
                set_={
                    "requests": table.c.requests + requests,
                    "tokens": table.c.tokens + tokens,
                    "updated_at": now,
                },
                where=where,
            )
            .returning(table.c.requests, table.c.tokens)
        )
        return db.execute(statement).first()

    def reserve_request(
        self,
        visitor: str,
        *,
        minute: str,
        day: str,
        now: datetime,
        visitor_rpm: int = 0,
        visitor_tokens_per_day: int = 0,
        daily_requests: int = 0,
        daily_tokens: int = 0,
    ) -> str | None:
        """Count one request for `visitor` in `minute` and `day` and for the deployment in
        `day`, all or nothing, in one transaction. Returns None when counted, else the name
        of the limit that refused (nothing is counted then; of several spent, the one that
        lasts longest): "visitor_rpm",
        "visitor_tokens_per_day", "daily_requests" or "daily_tokens". A limit of 0 is none.
        Rows are locked in one order (minute, visitor's day, deployment's day), so
        concurrent reservations on PostgreSQL never deadlock; SQLite serialises writers."""
        table = usage_counters
        with self.engine.connect() as db:
            transaction = db.begin()
            try:
                row = self._count(
                    db,
                    visitor,
                    "minute",
                    minute,
                    requests=1,
                    tokens=0,
                    now=now,
                    where=(table.c.requests < visitor_rpm) if visitor_rpm > 0 else None,
                )
                if row is None:
                    refused = self._refusal(
                        db,
                        visitor,
                        day,
                        "visitor_rpm",
                        visitor_tokens_per_day=visitor_tokens_per_day,
                        daily_requests=daily_requests,
                        daily_tokens=daily_tokens,
                    )
                    transaction.rollback()
                    return refused
                if row.requests == 1:  # this visitor's first request this minute
                    db.execute(
                        delete(table).where(
                            table.c.visitor == visitor,
                            table.c.kind == "minute",
                            table.c.period < minute,
                        )
                    )
                row = self._count(
                    db,
                    visitor,
                    "day",
                    day,
                    requests=1,
                    tokens=0,
                    now=now,
                    where=(
                        (table.c.tokens < visitor_tokens_per_day)
                        if visitor_tokens_per_day > 0
                        else None
                    ),
                )
                if row is None:
                    refused = self._refusal(
                        db,
                        visitor,
                        day,
                        "visitor_tokens_per_day",
                        visitor_tokens_per_day=visitor_tokens_per_day,
                        daily_requests=daily_requests,
                        daily_tokens=daily_tokens,
                    )
                    transaction.rollback()
                    return refused
                conditions = []
                if daily_requests > 0:
                    conditions.append(table.c.requests < daily_requests)
                if daily_tokens > 0:
                    conditions.append(table.c.tokens < daily_tokens)
                row = self._count(
                    db,
                    DEPLOYMENT,
                    "day",
                    day,
                    requests=1,
                    tokens=0,
                    now=now,
                    where=and_(*conditions) if conditions else None,
                )
                if row is None:
                    refused = self._refusal(
                        db,
                        visitor,
                        day,
                        "daily_tokens",
                        visitor_tokens_per_day=visitor_tokens_per_day,
                        daily_requests=daily_requests,
                        daily_tokens=daily_tokens,
                    )
                    transaction.rollback()
                    return refused
                transaction.commit()
            except BaseException:
                if transaction.is_active:
                    transaction.rollback()
                raise
        return None

    def _refusal(
        self,
        db: Any,
        visitor: str,
        day: str,
        first: str,
        *,
        visitor_tokens_per_day: int,
        daily_requests: int,
        daily_tokens: int,
    ) -> str:
        """The limit to name for a refusal: of those spent now, the one that lasts longest
        (the deployment's day, then the visitor's day, then `first`, the one that refused),
        so a visitor is not told to wait a minute only to meet a spent daily budget."""
        table = usage_counters
        rows = {
            row.visitor: row
            for row in db.execute(
                select(table.c.visitor, table.c.requests, table.c.tokens).where(
                    table.c.kind == "day",
                    table.c.period == day,
                    table.c.visitor.in_([visitor, DEPLOYMENT]),
                )
            )
        }
        deployment, mine = rows.get(DEPLOYMENT), rows.get(visitor)
        if deployment is not None:
            if 0 < daily_requests <= deployment.requests:
                return "daily_requests"
            if 0 < daily_tokens <= deployment.tokens:
                return "daily_tokens"
        if mine is not None and 0 < visitor_tokens_per_day <= mine.tokens:
            return "visitor_tokens_per_day"
        return first

    def add_usage_tokens(self, visitor: str, *, day: str, tokens: int, now: datetime) -> None:
        """Add a finished call's tokens to `visitor`'s and the deployment's `day`."""
        if tokens <= 0:
            return
        with self.engine.begin() as db:
            for who in (visitor, DEPLOYMENT):
                self._count(db, who, "day", day, requests=0, tokens=tokens, now=now)

    def usage_counts(self, kind: str = "day", period: str | None = None) -> list[UsageCount]:
        """Counter rows of one kind (optionally one period), newest period first."""
        table = usage_counters
        query = select(table).where(table.c.kind == kind)
        if period is not None:
            query = query.where(table.c.period == period)
        with self.engine.connect() as db:
            rows = db.execute(
                query.order_by(table.c.period.desc(), table.c.visitor).limit(10_000)
            ).all()
        return [
            UsageCount(r.visitor, r.kind, r.period, int(r.requests), int(r.tokens)) for r in rows
        ]


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


# --- the Library: saved prompts, conversations, runs --------------------------------------------


@dataclass(frozen=True)
class SavedPrompt:
    id: str
    name: str
    page: str
    setup: dict[str, str]  # the page's query parameters
    conversation: str | None
    updated_at: datetime


@dataclass(frozen=True)
class ConversationRow:
    token: str
    title: str
    page: str
    turns: int
    frozen: bool
    updated_at: datetime


@dataclass(frozen=True)
class RunRow:
    id: int
    page: str
    model: str
    request: dict[str, Any]
    reply_text: str
    usage: dict[str, Any]
    latency_s: float | None
    finish_reason: str | None
    created_at: datetime


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


class Library:
    """One owner's view of the library: every query is scoped to `owner`."""

    def __init__(self, storage: Storage, owner: str) -> None:
        self.storage = storage
        self.owner = owner

    @property
    def _engine(self) -> Engine:
        return self.storage.engine

    # prompts
    def save_prompt(
        self, name: str, page: str, setup: Mapping[str, str], conversation: str | None = None
    ) -> str:
        item = new_token()
        now = _now()
        with self._engine.begin() as db:
            db.execute(
                insert(prompts).values(
                    id=item,
                    owner=self.owner,
                    name=(name.strip() or "Untitled prompt")[:200],
                    page=page,
                    setup=json.dumps(dict(setup), ensure_ascii=False),
                    conversation=conversation,
                    created_at=now,
                    updated_at=now,
                )
            )
        return item

    def _prompt(self, row: Any) -> SavedPrompt:
        return SavedPrompt(
            row.id, row.name, row.page, json.loads(row.setup), row.conversation, row.updated_at
        )

    def get_prompt(self, item: str) -> SavedPrompt | None:
        with self._engine.connect() as db:
            row = db.execute(
                select(prompts).where(prompts.c.id == item, prompts.c.owner == self.owner)
            ).first()
        return self._prompt(row) if row else None

    def list_prompts(self, search: str = "", page: str | None = None) -> list[SavedPrompt]:
        query = select(prompts).where(prompts.c.owner == self.owner)
        if search.strip():
            pattern = _like(search.strip())
            query = query.where(
                func.lower(prompts.c.name).like(pattern, escape="\\")
                | func.lower(prompts.c.setup).like(pattern, escape="\\")
            )
        if page is not None:
            query = query.where(prompts.c.page == page)
        with self._engine.connect() as db:
            rows = db.execute(query.order_by(prompts.c.updated_at.desc()).limit(500)).all()
        return [self._prompt(row) for row in rows]

    def rename_prompt(self, item: str, name: str) -> bool:
        with self._engine.begin() as db:
            return (
                db.execute(
                    update(prompts)
                    .where(prompts.c.id == item, prompts.c.owner == self.owner)
                    .values(name=(name.strip() or "Untitled prompt")[:200], updated_at=_now())
                ).rowcount
                == 1
            )

    def duplicate_prompt(self, item: str) -> str | None:
        found = self.get_prompt(item)
        if found is None:
            return None
        return self.save_prompt(f"{found.name} (copy)", found.page, found.setup, found.conversation)

    def delete_prompt(self, item: str) -> bool:
        with self._engine.begin() as db:
            return (
                db.execute(
                    delete(prompts).where(prompts.c.id == item, prompts.c.owner == self.owner)
                ).rowcount
                == 1
            )

    # conversations
    def list_conversations(
        self, search: str = "", page: str | None = None
    ) -> list[ConversationRow]:
        query = select(
            conversations.c.token,
            conversations.c.title,
            conversations.c.page,
            conversations.c.body,
            conversations.c.frozen,
            conversations.c.updated_at,
        ).where(conversations.c.owner == self.owner)
        if search.strip():
            pattern = _like(search.strip())
            query = query.where(
                func.lower(conversations.c.title).like(pattern, escape="\\")
                | func.lower(conversations.c.body).like(pattern, escape="\\")
            )
        if page is not None:
            query = query.where(conversations.c.page == page)
        with self._engine.connect() as db:
            rows = db.execute(query.order_by(conversations.c.updated_at.desc()).limit(500)).all()
        return [
            ConversationRow(
                r.token,
                r.title,
                r.page,
                len(json.loads(r.body).get("turns", [])),
                bool(r.frozen),
                r.updated_at,
            )
            for r in rows
        ]

    def rename_conversation(self, token: str, title: str) -> bool:
        with self._engine.begin() as db:
            return (
                db.execute(
                    update(conversations)
                    .where(conversations.c.token == token, conversations.c.owner == self.owner)
                    .values(title=(title.strip() or "Untitled conversation")[:200])
                ).rowcount
                == 1
            )

    def delete_conversation(self, token: str) -> bool:
        with self._engine.begin() as db:
            return (
                db.execute(
                    delete(conversations).where(
                        conversations.c.token == token, conversations.c.owner == self.owner
                    )
                ).rowcount
                == 1
            )

    # runs
    def record_run(
        self,
        page: str,
        model: str,
        request: Mapping[str, Any],
        reply_text: str,
        usage: Mapping[str, Any],
        latency_s: float | None,
        finish_reason: str | None,
    ) -> int:
        with self._engine.begin() as db:
            result = db.execute(
                insert(runs).values(
                    owner=self.owner,
                    page=page,
                    model=model[:100],
                    request=json.dumps(dict(request), ensure_ascii=False, default=str),
                    reply_text=reply_text,
                    usage=json.dumps(dict(usage)),
                    latency_s=latency_s,
                    finish_reason=(finish_reason or None) and finish_reason[:40],
                    created_at=_now(),
                )
            )
            key = result.inserted_primary_key
        return int(key[0]) if key else 0

    def list_runs(
        self, search: str = "", page: str | None = None, limit: int = 200
    ) -> list[RunRow]:
        query = select(runs).where(runs.c.owner == self.owner)
        if search.strip():
            pattern = _like(search.strip())
            query = query.where(
                func.lower(runs.c.reply_text).like(pattern, escape="\\")
                | func.lower(runs.c.request).like(pattern, escape="\\")
            )
        if page is not None:
            query = query.where(runs.c.page == page)
        with self._engine.connect() as db:
            rows = db.execute(query.order_by(runs.c.id.desc()).limit(limit)).all()
        return [
            RunRow(
                r.id,
                r.page,
                r.model,
                json.loads(r.request),
                r.reply_text,
                json.loads(r.usage),
                r.latency_s,
                r.finish_reason,
                r.created_at,
            )
            for r in rows
        ]

    def delete_run(self, run_id: int) -> bool:
        with self._engine.begin() as db:
            return (
                db.execute(
                    delete(runs).where(runs.c.id == run_id, runs.c.owner == self.owner)
                ).rowcount
                == 1
            )

    # export / import
    def export_all(self) -> dict[str, Any]:
        """Everything this owner has, as one JSON document (conversations with images)."""
        exported_conversations = []
        for row in self.list_conversations():
            stored = self.storage.load_conversation(row.token)
            if stored is not None:
                exported_conversations.append(
                    {"title": stored.title, "page": stored.page, "document": stored.document}
                )
        return {
            "format": "gemini-playground/library",
            "version": 1,
            "prompts": [
                {"name": p.name, "page": p.page, "setup": p.setup} for p in self.list_prompts()
            ],
            "conversations": exported_conversations,
            "runs": [
                {
                    "page": r.page,
                    "model": r.model,
                    "request": r.request,
                    "reply_text": r.reply_text,
                    "usage": r.usage,
                    "latency_s": r.latency_s,
                    "finish_reason": r.finish_reason,
                }
                for r in self.list_runs(limit=100_000)
            ],
        }

    def import_all(self, document: Mapping[str, Any]) -> dict[str, int]:
        """Add an export's items to this owner's library (new ids; nothing is replaced)."""
        if document.get("format") != "gemini-playground/library" or document.get("version") != 1:
            raise ValueError("not a Gemini Playground library export (version 1)")
        counts = {"prompts": 0, "conversations": 0, "runs": 0}
        for item in document.get("prompts", []):
            self.save_prompt(str(item["name"]), str(item["page"]), dict(item["setup"]))
            counts["prompts"] += 1
        for item in document.get("conversations", []):
            self.storage.save_conversation(
                self.owner, str(item["page"]), dict(item["document"]), title=str(item["title"])
            )
            counts["conversations"] += 1
        for item in document.get("runs", []):
            self.record_run(
                str(item["page"]),
                str(item["model"]),
                dict(item["request"]),
                str(item["reply_text"]),
                dict(item["usage"]),
                item.get("latency_s"),
                item.get("finish_reason"),
            )
            counts["runs"] += 1
        return counts

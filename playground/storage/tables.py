"""The library's tables (SQLAlchemy Core). Changes go through a new Alembic migration."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# Image bytes, once per content digest (sha256 hex), never re-encoded.
blobs = Table(
    "blobs",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("mime_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A page's setup too long for a URL, reached by its unguessable token.
snapshots = Table(
    "snapshots",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("owner", String(320), nullable=False),
    Column("page", String(40), nullable=False),
    Column("query", Text, nullable=False),  # JSON object of query parameters
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Conversations (Chat and the Images edit chat), autosaved turn by turn.
conversations = Table(
    "conversations",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("owner", String(320), nullable=False),
    Column("page", String(40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),  # conversation JSON; images as blob digests
    Column("revision", Integer, nullable=False),
    Column("frozen", Boolean, nullable=False),  # a shared read-only copy
    Column("parent", String(64), ForeignKey("conversations.token", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_conversations_owner_updated", "owner", "updated_at"),
)

# Prompts saved by name from any page (the Library).
prompts = Table(
    "prompts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    Column("page", String(40), nullable=False),
    Column("setup", Text, nullable=False),  # JSON: the page's query parameters
    Column("conversation", String(64), ForeignKey("conversations.token", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_prompts_owner_updated", "owner", "updated_at"),
)

# Every run: what was sent and what came back (AI Studio keeps this history too).
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(320), nullable=False),
    Column("page", String(40), nullable=False),
    Column("model", String(100), nullable=False),
    Column("request", Text, nullable=False),  # JSON of the request (no key, no image bytes)
    Column("reply_text", Text, nullable=False),
    Column("usage", Text, nullable=False),  # JSON
    Column("latency_s", Float),
    Column("finish_reason", String(40)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_runs_owner_created", "owner", "created_at"),
)

# Counters for the limits on the deployment's key (playground.limits): one row per visitor
# (an email or a session hash; "*" for the whole deployment) per UTC minute or UTC day,
# updated atomically with INSERT ... ON CONFLICT DO UPDATE so every replica sees one count.
usage_counters = Table(
    "usage_counters",
    metadata,
    Column("visitor", String(320), primary_key=True),
    Column("kind", String(10), primary_key=True),  # "minute" or "day"
    Column("period", String(16), primary_key=True),  # "2026-12-03T17:20" or "2026-12-03"
    Column("requests", BigInteger, nullable=False),
    Column("tokens", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_usage_counters_kind_period", "kind", "period"),
)

"""The library: blobs, snapshots, conversations, saved prompts, run history.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("frozen", sa.Boolean, nullable=False),
        sa.Column(
            "parent",
            sa.String(64),
            sa.ForeignKey("conversations.token", ondelete="SET NULL"),
        ),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
    )
    op.create_index("ix_conversations_owner_updated", "conversations", ["owner", "updated_at"])
    op.create_table(
        "prompts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("setup", sa.Text, nullable=False),
        sa.Column(
            "conversation",
            sa.String(64),
            sa.ForeignKey("conversations.token", ondelete="SET NULL"),
        ),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
    )
    op.create_index("ix_prompts_owner_updated", "prompts", ["owner", "updated_at"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("reply_text", sa.Text, nullable=False),
        sa.Column("usage", sa.Text, nullable=False),
        sa.Column("latency_s", sa.Float),
        sa.Column("finish_reason", sa.String(40)),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_index("ix_runs_owner_created", "runs", ["owner", "created_at"])


def downgrade() -> None:
    for index, table in (
        ("ix_runs_owner_created", "runs"),
        ("ix_prompts_owner_updated", "prompts"),
        ("ix_conversations_owner_updated", "conversations"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("runs", "prompts", "conversations", "snapshots", "blobs"):
        op.drop_table(table)

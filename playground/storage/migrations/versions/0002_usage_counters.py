"""Usage counters for the limits on the deployment's key (per visitor, per UTC minute/day).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_counters",
        sa.Column("visitor", sa.String(320), primary_key=True),
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("period", sa.String(16), primary_key=True),
        sa.Column("requests", sa.BigInteger, nullable=False),
        sa.Column("tokens", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_usage_counters_kind_period", "usage_counters", ["kind", "period"])


def downgrade() -> None:
    op.drop_index("ix_usage_counters_kind_period", table_name="usage_counters")
    op.drop_table("usage_counters")

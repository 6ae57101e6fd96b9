"""Retention: mark the old row versions whose notes the server's retention purge removed,
and keep a log of what administrators' commands did to the data (counts only).

Revision ID: s0004
Revises: s0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a nullable column without a default: a plain ALTER TABLE on both backends (no copy)
    op.add_column("sync_row_versions",
                  sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "admin_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("command", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_admin_events"),
    )
    op.create_index("ix_admin_events_at", "admin_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_admin_events_at", table_name="admin_events")
    op.drop_table("admin_events")
    with op.batch_alter_table("sync_row_versions") as batch:
        batch.drop_column("purged_at")

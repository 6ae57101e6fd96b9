"""Scope exits: a practitioner leaving a user's scope, or a record moving to another
practitioner, so devices that hold copies they may no longer keep drop them.

Revision ID: s0003
Revises: s0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scope_exits",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("practitioner_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("table_name", sa.String(64), nullable=True),
        sa.Column("row_id", sa.String(36), nullable=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_scope_exits"),
    )
    op.create_index("ix_scope_exits_practitioner_id", "scope_exits", ["practitioner_id"])
    op.create_index("ix_scope_exits_user_id", "scope_exits", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_scope_exits_user_id", table_name="scope_exits")
    op.drop_index("ix_scope_exits_practitioner_id", table_name="scope_exits")
    op.drop_table("scope_exits")

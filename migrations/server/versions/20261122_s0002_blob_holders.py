"""Blob holders: who has shown they hold a file's bytes (uploaded or re-sent them), so naming
a known sha256 in a row is not enough to read the file.

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_holders",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("proved", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], ondelete="CASCADE",
                                name="fk_blob_holders_sha256_blobs"),
        sa.PrimaryKeyConstraint("sha256", "user_id", name="pk_blob_holders"),
    )


def downgrade() -> None:
    op.drop_table("blob_holders")

"""document subject

Revision ID: 20261122_0004
Revises: 20261122_0003
Create Date: 2026-11-22 14:49:17.104362
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261122_0004'
down_revision = '20261122_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.String(length=36), server_default='', nullable=False))




def downgrade() -> None:

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('subject_id')



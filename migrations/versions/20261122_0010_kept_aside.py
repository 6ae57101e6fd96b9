"""kept aside: unsent changes of a practitioner who left this device's scope

Revision ID: 20261122_0010
Revises: 20261122_0005
Create Date: 2026-11-22 20:00:00

When the server says a practitioner left the user's scope, the device removes that
practitioner's records. A change it could not send first is kept here (local only, never
synced) until the practitioner comes back or the user discards it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261122_0010'
down_revision = '20261122_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kept_aside',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('practitioner_id', sa.String(length=36), nullable=False),
        sa.Column('practitioner_name', sa.String(length=200), nullable=False),
        sa.Column('table_name', sa.String(length=64), nullable=False),
        sa.Column('row_id', sa.String(length=36), nullable=False),
        sa.Column('root_table', sa.String(length=64), nullable=False),
        sa.Column('root_id', sa.String(length=36), nullable=False),
        sa.Column('row', sa.JSON(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('kept_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_aside')),
    )
    with op.batch_alter_table('kept_aside', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_aside_practitioner_id'), ['practitioner_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kept_aside', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_aside_practitioner_id'))
    op.drop_table('kept_aside')

"""sync conflicts: the conflict table becomes a syncable row shared with the server

Revision ID: 20261122_0005
Revises: 20261122_0004
Create Date: 2026-11-22 16:20:00

The old ``local_value`` / ``server_value`` become ``other_value`` / ``kept_value``
(the server keeps its value, the device's is the other); ``resolved_at`` becomes an
ISO string so it travels unchanged. Only the conflict table is rebuilt (batch mode),
so the evidence tables' FTS triggers are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261122_0005'
down_revision = '20261122_0004'
branch_labels = None
depends_on = None

_NOW = "2026-11-22 00:00:00.000000"


def upgrade() -> None:
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practitioner_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('kept_value', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('other_value', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('base_value', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('other_user', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('other_device', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('resolution', sa.String(length=16), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('resolved_by', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('resolved_on', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('rev', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('base_rev', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('dirty', sa.Boolean(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True),
                                      server_default=_NOW, nullable=False))
        batch_op.add_column(sa.Column('updated_by', sa.String(length=64), server_default='',
                                      nullable=False))
    op.execute(
        "UPDATE conflict SET kept_value = server_value, other_value = local_value,"
        " updated_at = created_at,"
        " resolution = CASE WHEN resolved_at IS NULL THEN '' ELSE 'kept' END,"
        " resolved_on = CASE WHEN resolved_at IS NULL THEN NULL"
        "   ELSE replace(substr(resolved_at, 1, 19), ' ', 'T') || '+00:00' END")
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_column('local_value')
        batch_op.drop_column('server_value')
        batch_op.drop_column('resolved_at')
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.alter_column('resolved_on', new_column_name='resolved_at',
                              existing_type=sa.String(length=40), existing_nullable=True)
        batch_op.alter_column('other_user', server_default=None)
        batch_op.alter_column('other_device', server_default=None)
        batch_op.alter_column('resolution', server_default=None)
        batch_op.alter_column('resolved_by', server_default=None)
        batch_op.alter_column('rev', server_default=None)
        batch_op.alter_column('base_rev', server_default=None)
        batch_op.alter_column('dirty', server_default=None)
        batch_op.alter_column('updated_at', server_default=None)
        batch_op.alter_column('updated_by', server_default=None)
        batch_op.create_index(batch_op.f('ix_conflict_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_practitioner_id'), ['practitioner_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_entity_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_dirty'))
        batch_op.add_column(sa.Column('local_value', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('server_value', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('resolved_on', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE conflict SET local_value = other_value, server_value = kept_value,"
               " resolved_on = CASE WHEN resolved_at IS NULL THEN NULL"
               "   ELSE replace(substr(resolved_at, 1, 19), 'T', ' ') END")
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        for name in ('practitioner_id', 'kept_value', 'other_value', 'base_value', 'other_user',
                     'other_device', 'resolution', 'resolved_by', 'resolved_at', 'rev', 'base_rev',
                     'dirty', 'deleted_at', 'updated_at', 'updated_by'):
            batch_op.drop_column(name)
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.alter_column('resolved_on', new_column_name='resolved_at',
                              existing_type=sa.DateTime(timezone=True), existing_nullable=True)

"""signing identities and pseudonyms

Revision ID: 20261122_0002
Revises: 20261122_0001
Create Date: 2026-11-22 13:47:59.986562
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261122_0002'
down_revision = '20261122_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('pseudonym',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('scope', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('real', sa.Text(), nullable=False),
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pseudonym')),
    sa.UniqueConstraint('scope', 'kind', 'real', name='uq_pseudonym_scope_kind_real')
    )
    op.create_table('signing_identity',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('registration_number', sa.String(length=32), nullable=False),
    sa.Column('cert_pem', sa.Text(), nullable=False),
    sa.Column('key_pem_encrypted', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('issuer', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_identity'))
    )
    with op.batch_alter_table('signing_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_identity_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_signing_identity_subject_id'), ['subject_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('signing_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_identity_subject_id'))
        batch_op.drop_index(batch_op.f('ix_signing_identity_fingerprint'))

    op.drop_table('signing_identity')
    op.drop_table('pseudonym')


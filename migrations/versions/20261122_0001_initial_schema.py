"""initial schema

Revision ID: 20261122_0001
Revises:
Create Date: 2026-11-22 13:15:46.326513
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261122_0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event'))
    )
    op.create_table('catalogue_entry',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ident', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('yaml_text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_entry')),
    sa.UniqueConstraint('kind', 'ident', 'version', name='uq_catalogue_entry_kind_ident_version')
    )
    with op.batch_alter_table('catalogue_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_entry_dirty'), ['dirty'], unique=False)

    op.create_table('conflict',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('local_value', sa.JSON(), nullable=False),
    sa.Column('server_value', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict'))
    )
    op.create_table('person',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('registration_number', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_dirty'), ['dirty'], unique=False)

    op.create_table('practitioner',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('registration_number', sa.String(length=32), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('fte', sa.Float(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practitioner'))
    )
    with op.batch_alter_table('practitioner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practitioner_dirty'), ['dirty'], unique=False)

    op.create_table('store_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_store_meta'))
    )
    op.create_table('sync_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sync_state'))
    )
    op.create_table('enrolment',
    sa.Column('practitioner_id', sa.String(length=36), nullable=False),
    sa.Column('programme_id', sa.String(length=64), nullable=False),
    sa.Column('programme_version', sa.String(length=32), nullable=False),
    sa.Column('framework_versions', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('fte', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('extension_months', sa.Float(), nullable=False),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('assessor_id', sa.String(length=36), nullable=True),
    sa.Column('line_manager_id', sa.String(length=36), nullable=True),
    sa.Column('coordinator_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['person.id'], name=op.f('fk_enrolment_assessor_id_person')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['person.id'], name=op.f('fk_enrolment_coordinator_id_person')),
    sa.ForeignKeyConstraint(['line_manager_id'], ['person.id'], name=op.f('fk_enrolment_line_manager_id_person')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_enrolment_practitioner_id_practitioner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment'))
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_assessor_id'), ['assessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('agreement',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('planned_dates', sa.JSON(), nullable=False),
    sa.Column('supervision_plan', sa.Text(), nullable=False),
    sa.Column('workload_percent', sa.Float(), nullable=False),
    sa.Column('protected_time_percent', sa.Float(), nullable=False),
    sa.Column('workload_notes', sa.Text(), nullable=False),
    sa.Column('initial_pdp', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_agreement_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_agreement_enrolment_id'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_dirty'), ['dirty'], unique=False)

    op.create_table('document',
    sa.Column('enrolment_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.String(length=36), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('evidence_set_sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_document_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('evidence',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('stage_id', sa.String(length=64), nullable=False),
    sa.Column('author_role', sa.String(length=32), nullable=False),
    sa.Column('transcribed', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_evidence_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_occurred_on'), ['occurred_on'], unique=False)

    op.create_table('final_assessment',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('judgements', sa.JSON(), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('development', sa.Text(), nullable=False),
    sa.Column('year2_plan', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.String(length=8), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('practitioner_comments', sa.Text(), nullable=False),
    sa.Column('manager_comments', sa.Text(), nullable=False),
    sa.Column('moderation_outcome', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_final_assessment_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_final_assessment')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_final_assessment_enrolment_id'))
    )
    with op.batch_alter_table('final_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_final_assessment_dirty'), ['dirty'], unique=False)

    op.create_table('pause',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('agreed_by', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_pause_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pause'))
    )
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pause_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_pause_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('review',
    sa.Column('enrolment_id', sa.String(length=36), nullable=False),
    sa.Column('review_point_id', sa.String(length=64), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('attendees', sa.JSON(), nullable=False),
    sa.Column('judgement', sa.String(length=32), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('workload_check', sa.Text(), nullable=False),
    sa.Column('supervision_check', sa.Text(), nullable=False),
    sa.Column('pdp', sa.Text(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('signoffs', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_review_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('attachment',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('mime', sa.String(length=128), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_attachment_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_evidence_id'), ['evidence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('feedback',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('respondent_type', sa.String(length=64), nullable=False),
    sa.Column('age_band', sa.String(length=16), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('collected_by', sa.String(length=200), nullable=False),
    sa.Column('practitioner_present', sa.Boolean(), nullable=False),
    sa.Column('consent', sa.String(length=16), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('respondent_ref', sa.String(length=32), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('could_be_better', sa.Text(), nullable=False),
    sa.Column('own_words', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_feedback_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_feedback_evidence_id'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_dirty'), ['dirty'], unique=False)

    op.create_table('observation',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('start_time', sa.String(length=5), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('setting', sa.String(length=32), nullable=False),
    sa.Column('activity', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('people_present', sa.JSON(), nullable=False),
    sa.Column('consent_how', sa.Text(), nullable=False),
    sa.Column('consent_by', sa.String(length=200), nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=True),
    sa.Column('observer_name', sa.String(length=200), nullable=False),
    sa.Column('observer_role', sa.String(length=200), nullable=False),
    sa.Column('plan_before', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('development', sa.Text(), nullable=False),
    sa.Column('practitioner_reflection', sa.Text(), nullable=False),
    sa.Column('assessor_judgement', sa.Text(), nullable=False),
    sa.Column('signed_off_by_practitioner', sa.Date(), nullable=True),
    sa.Column('signed_off_by_assessor', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_observation_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_observation_evidence_id'))
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_dirty'), ['dirty'], unique=False)

    op.create_table('record_review',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('case_reference', sa.String(length=64), nullable=False),
    sa.Column('record_type', sa.String(length=64), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('grade', sa.String(length=32), nullable=False),
    sa.Column('commentary', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_record_review_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_review')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_record_review_evidence_id'))
    )
    with op.batch_alter_table('record_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_review_dirty'), ['dirty'], unique=False)

    op.create_table('reflection',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('learning', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_reflection_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflection')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_reflection_evidence_id'))
    )
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflection_dirty'), ['dirty'], unique=False)

    op.create_table('self_assessment',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('priorities', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_self_assessment_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessment')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_self_assessment_evidence_id'))
    )
    with op.batch_alter_table('self_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_assessment_dirty'), ['dirty'], unique=False)

    op.create_table('signature',
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('cert_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('field_name', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_signature_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature'))
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_signature_document_id'), ['document_id'], unique=False)

    op.create_table('standard_link',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('framework_id', sa.String(length=64), nullable=False),
    sa.Column('framework_version', sa.String(length=32), nullable=False),
    sa.Column('statement_code', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('strength', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_standard_link_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_link'))
    )
    with op.batch_alter_table('standard_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_link_dirty'), ['dirty'], unique=False)
        batch_op.create_index(batch_op.f('ix_standard_link_evidence_id'), ['evidence_id'], unique=False)

    op.create_table('supervision_entry',
    sa.Column('evidence_id', sa.String(length=36), nullable=False),
    sa.Column('supervisor_name', sa.String(length=200), nullable=False),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('case_discussion', sa.Text(), nullable=False),
    sa.Column('reflective_discussion', sa.Text(), nullable=False),
    sa.Column('wellbeing_workload', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('base_rev', sa.Integer(), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_supervision_entry_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_entry')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_supervision_entry_evidence_id'))
    )
    with op.batch_alter_table('supervision_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_entry_dirty'), ['dirty'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('supervision_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_entry_dirty'))

    op.drop_table('supervision_entry')
    with op.batch_alter_table('standard_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standard_link_evidence_id'))
        batch_op.drop_index(batch_op.f('ix_standard_link_dirty'))

    op.drop_table('standard_link')
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_document_id'))
        batch_op.drop_index(batch_op.f('ix_signature_dirty'))

    op.drop_table('signature')
    with op.batch_alter_table('self_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_assessment_dirty'))

    op.drop_table('self_assessment')
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflection_dirty'))

    op.drop_table('reflection')
    with op.batch_alter_table('record_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_review_dirty'))

    op.drop_table('record_review')
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_dirty'))

    op.drop_table('observation')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_dirty'))

    op.drop_table('feedback')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachment_evidence_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_dirty'))

    op.drop_table('attachment')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_review_dirty'))

    op.drop_table('review')
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pause_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_pause_dirty'))

    op.drop_table('pause')
    with op.batch_alter_table('final_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_final_assessment_dirty'))

    op.drop_table('final_assessment')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_evidence_kind'))
        batch_op.drop_index(batch_op.f('ix_evidence_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_dirty'))

    op.drop_table('evidence')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_document_dirty'))

    op.drop_table('document')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_dirty'))

    op.drop_table('agreement')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_dirty'))
        batch_op.drop_index(batch_op.f('ix_enrolment_assessor_id'))

    op.drop_table('enrolment')
    op.drop_table('sync_state')
    op.drop_table('store_meta')
    with op.batch_alter_table('practitioner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practitioner_dirty'))

    op.drop_table('practitioner')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_dirty'))

    op.drop_table('person')
    op.drop_table('conflict')
    with op.batch_alter_table('catalogue_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_entry_dirty'))

    op.drop_table('catalogue_entry')
    op.drop_table('audit_event')


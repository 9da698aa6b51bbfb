"""Complaints and reports (投诉举报): the ledger, its timeline, links to cases and inspections,
and the record of clear reads of complainants' identities.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21

down_revision is 0007 (inspections). The complaint tables depend on nothing 0007 creates: links to
inspections are plain uuids without a foreign key.
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('complaint', 'report', 'request', name='complaint_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('channel', sa.Enum('hotline_12345', 'app', 'letter', 'visit', 'special_supervisor', 'enterprise_contact', 'other', name='complaint_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('external_number', sa.String(length=60), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('received_by_agency_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('handler_id', sa.Uuid(), nullable=True),
    sa.Column('domain_code', sa.String(length=40), nullable=True),
    sa.Column('subject_entity_id', sa.Uuid(), nullable=True),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_address', sa.String(length=300), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('complainant_name_cipher', sa.Text(), nullable=True),
    sa.Column('complainant_phone_cipher', sa.Text(), nullable=True),
    sa.Column('complainant_phone_digest', sa.String(length=64), nullable=True),
    sa.Column('complainant_id_number_cipher', sa.Text(), nullable=True),
    sa.Column('complainant_id_number_digest', sa.String(length=64), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'assigned', 'replied', 'handling', 'resolved', 'closed', name='complaint_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reply_starts_on', sa.Date(), nullable=False),
    sa.Column('reply_due_on', sa.Date(), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('reply_accepted', sa.Boolean(), nullable=True),
    sa.Column('reply_text', sa.Text(), nullable=True),
    sa.Column('handling_starts_on', sa.Date(), nullable=False),
    sa.Column('handling_due_on', sa.Date(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('provisional_year', sa.Integer(), nullable=True),
    sa.Column('satisfaction', sa.Enum('satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable', name='complaint_satisfaction', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('feedback_comment', sa.Text(), nullable=True),
    sa.Column('feedback_on', sa.Date(), nullable=True),
    sa.Column('reopened_count', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("status <> 'closed' OR (closed_on IS NOT NULL AND resolved_on IS NOT NULL)", name=op.f('ck_complaints_closed_only_resolved')),
    sa.CheckConstraint('reopened_count >= 0', name=op.f('ck_complaints_reopened_non_negative')),
    sa.CheckConstraint('reply_due_on >= reply_starts_on AND handling_due_on >= handling_starts_on', name=op.f('ck_complaints_due_after_start')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_complaints_version_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_complaints_agency_id_agencies')),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_complaints_domain_code_domains')),
    sa.ForeignKeyConstraint(['handler_id'], ['officers.id'], name=op.f('fk_complaints_handler_id_officers')),
    sa.ForeignKeyConstraint(['received_by_agency_id'], ['agencies.id'], name=op.f('fk_complaints_received_by_agency_id_agencies')),
    sa.ForeignKeyConstraint(['subject_entity_id'], ['entities.id'], name=op.f('fk_complaints_subject_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('channel', 'external_number', name='uq_complaints_channel_external_number'),
    sa.UniqueConstraint('number', name=op.f('uq_complaints_number'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_complainant_id_number_digest'), ['complainant_id_number_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_complainant_phone_digest'), ['complainant_phone_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_domain_code'), ['domain_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_handling_due_on'), ['handling_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_received_by_agency_id'), ['received_by_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_reply_due_on'), ['reply_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_subject_entity_id'), ['subject_entity_id'], unique=False)

    op.create_table('complaint_events',
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('data', JSON, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events')),
    sa.UniqueConstraint('complaint_id', 'seq', name='uq_complaint_events_complaint_id_seq')
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_identity_reads',
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('viewer', sa.String(length=100), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('fields', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_identity_reads_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_identity_reads'))
    )
    with op.batch_alter_table('complaint_identity_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_identity_reads_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_identity_reads_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_identity_reads_viewer'), ['viewer'], unique=False)

    op.create_table('complaint_links',
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Uuid(), nullable=False),
    sa.Column('linked_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("target_kind IN ('case', 'inspection')", name=op.f('ck_complaint_links_target_kind_known')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_links_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_links')),
    sa.UniqueConstraint('complaint_id', 'target_kind', 'target_id', name='uq_complaint_links_target')
    )
    with op.batch_alter_table('complaint_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_links_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_links_target_id'), ['target_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_links_target_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_links_complaint_id'))

    op.drop_table('complaint_links')
    with op.batch_alter_table('complaint_identity_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_identity_reads_viewer'))
        batch_op.drop_index(batch_op.f('ix_complaint_identity_reads_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_identity_reads_at'))

    op.drop_table('complaint_identity_reads')
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_events_complaint_id'))

    op.drop_table('complaint_events')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_subject_entity_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_status'))
        batch_op.drop_index(batch_op.f('ix_complaints_reply_due_on'))
        batch_op.drop_index(batch_op.f('ix_complaints_received_on'))
        batch_op.drop_index(batch_op.f('ix_complaints_received_by_agency_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_handling_due_on'))
        batch_op.drop_index(batch_op.f('ix_complaints_handler_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_domain_code'))
        batch_op.drop_index(batch_op.f('ix_complaints_complainant_phone_digest'))
        batch_op.drop_index(batch_op.f('ix_complaints_complainant_id_number_digest'))
        batch_op.drop_index(batch_op.f('ix_complaints_channel'))
        batch_op.drop_index(batch_op.f('ix_complaints_agency_id'))

    op.drop_table('complaints')

"""Publication of penalty decisions, credit records and credit repair.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credit_records',
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('severity', sa.Enum('ordinary', 'serious', name='credit_severity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('repairable_from', sa.Date(), nullable=False),
    sa.Column('shown_until', sa.Date(), nullable=False),
    sa.Column('repaired_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_credit_records_case_id_cases')),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_credit_records_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_records')),
    sa.UniqueConstraint('case_id', name=op.f('uq_credit_records_case_id'))
    )
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_records_entity_id'), ['entity_id'], unique=False)

    op.create_table('publications',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('party_kind', sa.String(length=30), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('party_address', sa.String(length=300), nullable=False),
    sa.Column('item_name', sa.String(length=300), nullable=False),
    sa.Column('violated', sa.Text(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('penalty', sa.Text(), nullable=False),
    sa.Column('fine_fen', sa.BigInteger(), nullable=True),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('published_by', sa.String(length=100), nullable=False),
    sa.Column('redaction_version', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('published', 'withdrawn', 'superseded', name='publication_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_reason', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('fine_fen IS NULL OR fine_fen >= 0', name=op.f('ck_publications_fine_non_negative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_publications_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_publications_case_id_cases')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['publications.id'], name=op.f('fk_publications_supersedes_id_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_decision_number'), ['decision_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_domain_code'), ['domain_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_published_on'), ['published_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_status'), ['status'], unique=False)

    op.create_table('credit_repairs',
    sa.Column('credit_record_id', sa.Uuid(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'granted', 'refused', name='repair_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['credit_record_id'], ['credit_records.id'], name=op.f('fk_credit_repairs_credit_record_id_credit_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_repairs'))
    )
    with op.batch_alter_table('credit_repairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_repairs_credit_record_id'), ['credit_record_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('credit_repairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_repairs_credit_record_id'))

    op.drop_table('credit_repairs')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_status'))
        batch_op.drop_index(batch_op.f('ix_publications_published_on'))
        batch_op.drop_index(batch_op.f('ix_publications_domain_code'))
        batch_op.drop_index(batch_op.f('ix_publications_decision_number'))
        batch_op.drop_index(batch_op.f('ix_publications_case_id'))
        batch_op.drop_index(batch_op.f('ix_publications_agency_id'))

    op.drop_table('publications')
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_records_entity_id'))

    op.drop_table('credit_records')

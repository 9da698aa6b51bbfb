"""Core schema: regions, agencies, officers, entities, catalog item versions, cases, audit chain.

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

GENESIS = "0" * 64  # core.audit.chain.GENESIS, frozen here as migrations must be

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_records',
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Uuid(), nullable=True),
    sa.Column('before_digest', sa.String(length=64), nullable=True),
    sa.Column('after_digest', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_records_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_records_seq'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_object_id'), ['object_id'], unique=False)

    op.create_table('domains',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('plugin', sa.String(length=100), nullable=False),
    sa.Column('plugin_version', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_domains'))
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Enum('province', 'city', 'county', 'township', name='region_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("(level = 'township' AND length(code) IN (9, 12)) OR (level <> 'township' AND length(code) = 6)", name=op.f('ck_regions_code_length_matches_level')),
    sa.ForeignKeyConstraint(['parent_id'], ['regions.id'], name=op.f('fk_regions_parent_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_id'), ['parent_id'], unique=False)

    op.create_table('agencies',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('comprehensive_bureau', 'professional_team', 'township_team', 'justice_bureau', name='agency_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('level', sa.Enum('province', 'city', 'county', 'township', name='agency_level', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('region_id', sa.Uuid(), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['agencies.id'], name=op.f('fk_agencies_parent_id_agencies')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_agencies_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('name', name=op.f('uq_agencies_name'))
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agencies_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agencies_region_id'), ['region_id'], unique=False)

    op.create_table('catalog_item_versions',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('penalty', 'inspection', 'coercive', name='item_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('violated', sa.Text(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('law_version', sa.Date(), nullable=True),
    sa.Column('penalty_kinds', JSON, nullable=False),
    sa.Column('measures', JSON, nullable=False),
    sa.Column('delegable', sa.Boolean(), nullable=False),
    sa.Column('major_fine_fen', sa.BigInteger(), nullable=True),
    sa.Column('major_kinds', JSON, nullable=False),
    sa.Column('limitation', sa.String(length=8), nullable=False),
    sa.Column('facts', JSON, nullable=False),
    sa.Column('discretion', JSON, nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('repealed_on', sa.Date(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('major_fine_fen IS NULL OR major_fine_fen >= 0', name=op.f('ck_catalog_item_versions_major_fine_non_negative')),
    sa.CheckConstraint('repealed_on IS NULL OR repealed_on > effective_from', name=op.f('ck_catalog_item_versions_window_not_empty')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_catalog_item_versions_version_positive')),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_catalog_item_versions_domain_code_domains')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_item_versions')),
    sa.UniqueConstraint('code', 'version', name='uq_catalog_item_versions_code_version')
    )
    with op.batch_alter_table('catalog_item_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_item_versions_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_item_versions_domain_code'), ['domain_code'], unique=False)

    op.create_table('entities',
    sa.Column('kind', sa.Enum('legal_person', 'individual_business', 'natural_person', 'other_organisation', name='entity_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('id_number_cipher', sa.Text(), nullable=True),
    sa.Column('id_number_digest', sa.String(length=64), nullable=True),
    sa.Column('identifier_override', sa.Boolean(), nullable=False),
    sa.Column('legal_representative', sa.String(length=50), nullable=True),
    sa.Column('phone_cipher', sa.Text(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('region_id', sa.Uuid(), nullable=False),
    sa.Column('industry_tags', JSON, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("(kind = 'natural_person' AND id_number_digest IS NOT NULL AND credit_code IS NULL) OR (kind <> 'natural_person' AND credit_code IS NOT NULL AND id_number_digest IS NULL)", name=op.f('ck_entities_identifier_matches_kind')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_entities_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_entities_credit_code')),
    sa.UniqueConstraint('id_number_digest', name=op.f('uq_entities_id_number_digest'))
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entities_region_id'), ['region_id'], unique=False)

    op.create_table('agency_domains',
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_domains_agency_id_agencies')),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_agency_domains_domain_code_domains')),
    sa.PrimaryKeyConstraint('agency_id', 'domain_code', name=op.f('pk_agency_domains'))
    )
    op.create_table('cases',
    sa.Column('case_number', sa.String(length=60), nullable=False),
    sa.Column('procedure', sa.Enum('simple', 'general', name='procedure', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('registered', 'filed', 'not_filed', 'investigating', 'proposed', 'notified', 'hearing', 'legal_review', 'collective_discussion', 'decided', 'served', 'executing', 'closed', 'transferred', name='case_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.Column('item_version_id', sa.Uuid(), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('facts', JSON, nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('violation_date', sa.Date(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_cases_version_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_cases_agency_id_agencies')),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_cases_domain_code_domains')),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_cases_entity_id_entities')),
    sa.ForeignKeyConstraint(['item_version_id'], ['catalog_item_versions.id'], name=op.f('fk_cases_item_version_id_catalog_item_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('case_number', name=op.f('uq_cases_case_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_domain_code'), ['domain_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_item_version_id'), ['item_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_registered_at'), ['registered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_status'), ['status'], unique=False)

    op.create_table('number_sequences',
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('doc_type', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_value >= 0', name=op.f('ck_number_sequences_non_negative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_number_sequences_agency_id_agencies')),
    sa.PrimaryKeyConstraint('agency_id', 'doc_type', 'year', name=op.f('pk_number_sequences'))
    )
    op.create_table('officers',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('certificate_number', sa.String(length=40), nullable=True),
    sa.Column('certificate_valid_from', sa.Date(), nullable=True),
    sa.Column('certificate_valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('valid', 'suspended', 'revoked', name='certificate_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('role', sa.Enum('officer', 'auxiliary', 'legal_reviewer', 'agency_head', name='officer_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('legal_qualification', sa.Boolean(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("role = 'auxiliary' OR (certificate_number IS NOT NULL AND certificate_valid_from IS NOT NULL AND certificate_valid_until IS NOT NULL)", name=op.f('ck_officers_enforcers_hold_certificate')),
    sa.CheckConstraint('certificate_valid_until IS NULL OR certificate_valid_until >= certificate_valid_from', name=op.f('ck_officers_certificate_window_ordered')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_officers_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officers')),
    sa.UniqueConstraint('certificate_number', name=op.f('uq_officers_certificate_number'))
    )
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officers_agency_id'), ['agency_id'], unique=False)

    op.create_table('case_events',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('data', JSON, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events')),
    sa.UniqueConstraint('case_id', 'seq', name='uq_case_events_case_id_seq')
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_officers',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_officers_case_id_cases')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_case_officers_officer_id_officers')),
    sa.PrimaryKeyConstraint('case_id', 'officer_id', name=op.f('pk_case_officers'))
    )
    with op.batch_alter_table('case_officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_officers_officer_id'), ['officer_id'], unique=False)

    op.create_table('officer_domains',
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_officer_domains_domain_code_domains')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_officer_domains_officer_id_officers')),
    sa.PrimaryKeyConstraint('officer_id', 'domain_code', name=op.f('pk_officer_domains'))
    )
    op.create_table('postings',
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('region_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('is_head', sa.Boolean(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_postings_ordered')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_postings_agency_id_agencies')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_postings_officer_id_officers')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_postings_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postings'))
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_officer_id'), ['officer_id'], unique=False)
    # The audit chain's tip, seeded here so that writers only ever UPDATE it (see core.audit.service).
    op.bulk_insert(sa.table('audit_head', sa.column('id'), sa.column('seq'), sa.column('last_hash')), [{'id': 1, 'seq': 0, 'last_hash': GENESIS}])


def downgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_officer_id'))

    op.drop_table('postings')
    op.drop_table('officer_domains')
    with op.batch_alter_table('case_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_officers_officer_id'))

    op.drop_table('case_officers')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officers_agency_id'))

    op.drop_table('officers')
    op.drop_table('number_sequences')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_status'))
        batch_op.drop_index(batch_op.f('ix_cases_registered_at'))
        batch_op.drop_index(batch_op.f('ix_cases_item_version_id'))
        batch_op.drop_index(batch_op.f('ix_cases_entity_id'))
        batch_op.drop_index(batch_op.f('ix_cases_domain_code'))
        batch_op.drop_index(batch_op.f('ix_cases_agency_id'))

    op.drop_table('cases')
    op.drop_table('agency_domains')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_region_id'))

    op.drop_table('entities')
    with op.batch_alter_table('catalog_item_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_item_versions_domain_code'))
        batch_op.drop_index(batch_op.f('ix_catalog_item_versions_code'))

    op.drop_table('catalog_item_versions')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencies_region_id'))
        batch_op.drop_index(batch_op.f('ix_agencies_parent_id'))

    op.drop_table('agencies')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_id'))

    op.drop_table('regions')
    op.drop_table('domains')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_object_id'))

    op.drop_table('audit_records')
    op.drop_table('audit_head')

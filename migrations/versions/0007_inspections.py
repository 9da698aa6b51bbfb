"""Inspections: double-random plans and their recorded draws, joint visits and the separate
visits they replaced, point results with their case leads, recusal declarations, risk ratings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('entity_risk_ratings',
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('risk_class', sa.Enum('A', 'B', 'C', 'D', name='risk_class', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rated_on', sa.Date(), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('rated_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_risk_ratings_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_risk_ratings'))
    )
    with op.batch_alter_table('entity_risk_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_risk_ratings_entity_id'), ['entity_id'], unique=False)

    op.create_table('inspection_plans',
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('domains', JSON, nullable=False),
    sa.Column('checklist_codes', JSON, nullable=False),
    sa.Column('target_filter', JSON, nullable=False),
    sa.Column('target_count', sa.Integer(), nullable=True),
    sa.Column('percents', JSON, nullable=True),
    sa.Column('inspectors_per_task', sa.SmallInteger(), nullable=False),
    sa.Column('yearly_ceiling', sa.SmallInteger(), nullable=False),
    sa.Column('rotation_months', sa.SmallInteger(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'drawn', 'closed', name='inspection_plan_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('results_published_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_inspection_plans_window_ordered')),
    sa.CheckConstraint('inspectors_per_task >= 2', name=op.f('ck_inspection_plans_two_inspectors')),
    sa.CheckConstraint('rotation_months >= 0', name=op.f('ck_inspection_plans_rotation_non_negative')),
    sa.CheckConstraint('target_count IS NULL OR target_count >= 1', name=op.f('ck_inspection_plans_count_positive')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_inspection_plans_version_positive')),
    sa.CheckConstraint('yearly_ceiling >= 1', name=op.f('ck_inspection_plans_ceiling_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_inspection_plans_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plans'))
    )
    with op.batch_alter_table('inspection_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plans_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plans_status'), ['status'], unique=False)

    op.create_table('inspection_draws',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('algorithm', sa.String(length=60), nullable=False),
    sa.Column('algorithm_version', sa.SmallInteger(), nullable=False),
    sa.Column('seed', sa.String(length=100), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_by', sa.String(length=100), nullable=False),
    sa.Column('snapshot', JSON, nullable=False),
    sa.Column('digests', JSON, nullable=False),
    sa.Column('result', JSON, nullable=False),
    sa.Column('result_digest', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_inspection_draws_plan_id_inspection_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_draws')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_inspection_draws_plan_id'))
    )
    op.create_table('inspections',
    sa.Column('kind', sa.Enum('random', 'joint', name='inspection_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=True),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('scenario_code', sa.String(length=40), nullable=True),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'done', name='inspection_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('outcome', sa.Enum('no_problem', 'corrected', 'referred', 'no_business', 'not_located', name='inspection_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('domains', JSON, nullable=False),
    sa.Column('points', JSON, nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("kind <> 'random' OR plan_id IS NOT NULL", name=op.f('ck_inspections_random_has_plan')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_inspections_version_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_inspections_agency_id_agencies')),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_inspections_entity_id_entities')),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_inspections_plan_id_inspection_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_planned_on'), ['planned_on'], unique=False)

    op.create_table('recusal_declarations',
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Enum('relative', 'former_employment', 'interest', name='recusal_reason', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('declared_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= declared_on', name=op.f('ck_recusal_declarations_window_ordered')),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_recusal_declarations_entity_id_entities')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_recusal_declarations_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusal_declarations'))
    )
    with op.batch_alter_table('recusal_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusal_declarations_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recusal_declarations_officer_id'), ['officer_id'], unique=False)

    op.create_table('inspection_inspectors',
    sa.Column('inspection_id', sa.Uuid(), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_inspectors_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_inspection_inspectors_officer_id_officers')),
    sa.PrimaryKeyConstraint('inspection_id', 'officer_id', name=op.f('pk_inspection_inspectors'))
    )
    with op.batch_alter_table('inspection_inspectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_inspectors_officer_id'), ['officer_id'], unique=False)

    op.create_table('inspection_merged_visits',
    sa.Column('inspection_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.Column('checklist_codes', JSON, nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_inspection_merged_visits_agency_id_agencies')),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_inspection_merged_visits_domain_code_domains')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_merged_visits_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('inspection_id', 'agency_id', 'domain_code', name=op.f('pk_inspection_merged_visits'))
    )
    with op.batch_alter_table('inspection_merged_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_merged_visits_agency_id'), ['agency_id'], unique=False)

    op.create_table('inspection_results',
    sa.Column('inspection_id', sa.Uuid(), nullable=False),
    sa.Column('point_code', sa.String(length=40), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.Enum('pass', 'fail', 'not_applicable', name='point_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inspection_results_case_id_cases')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_results_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('inspection_id', 'point_code', name=op.f('pk_inspection_results')),
    sa.UniqueConstraint('case_id', name=op.f('uq_inspection_results_case_id'))
    )


def downgrade() -> None:
    op.drop_table('inspection_results')
    with op.batch_alter_table('inspection_merged_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_merged_visits_agency_id'))

    op.drop_table('inspection_merged_visits')
    with op.batch_alter_table('inspection_inspectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_inspectors_officer_id'))

    op.drop_table('inspection_inspectors')
    with op.batch_alter_table('recusal_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusal_declarations_officer_id'))
        batch_op.drop_index(batch_op.f('ix_recusal_declarations_entity_id'))

    op.drop_table('recusal_declarations')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_planned_on'))
        batch_op.drop_index(batch_op.f('ix_inspections_plan_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_kind'))
        batch_op.drop_index(batch_op.f('ix_inspections_entity_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_agency_id'))

    op.drop_table('inspections')
    op.drop_table('inspection_draws')
    with op.batch_alter_table('inspection_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plans_status'))
        batch_op.drop_index(batch_op.f('ix_inspection_plans_agency_id'))

    op.drop_table('inspection_plans')
    with op.batch_alter_table('entity_risk_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_risk_ratings_entity_id'))

    op.drop_table('entity_risk_ratings')

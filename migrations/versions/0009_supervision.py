"""Enforcement supervision (执法监督): samples for case-file review and return visits, reviews and
their findings, special explanations, supervision letters and their timeline, rectification
campaigns and problem lists, outside supervisors (and the complaints they report), legal
challenges; key townships for the staffing rule.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outside_supervisors',
    sa.Column('kind', sa.Enum('special_supervisor', 'enterprise_contact', name='outside_supervisor_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=True),
    sa.Column('region_id', sa.Uuid(), nullable=False),
    sa.Column('appointing_agency_id', sa.Uuid(), nullable=False),
    sa.Column('appointed_on', sa.Date(), nullable=False),
    sa.Column('term_until', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('term_until IS NULL OR term_until >= appointed_on', name=op.f('ck_outside_supervisors_term_ordered')),
    sa.ForeignKeyConstraint(['appointing_agency_id'], ['agencies.id'], name=op.f('fk_outside_supervisors_appointing_agency_id_agencies')),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_outside_supervisors_entity_id_entities')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_outside_supervisors_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outside_supervisors'))
    )
    with op.batch_alter_table('outside_supervisors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outside_supervisors_appointing_agency_id'), ['appointing_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_supervisors_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_supervisors_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_supervisors_region_id'), ['region_id'], unique=False)

    op.create_table('rectification_campaigns',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('organiser_agency_id', sa.Uuid(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('self_assessment_until', sa.Date(), nullable=False),
    sa.Column('rectification_until', sa.Date(), nullable=False),
    sa.Column('pre_assessment_until', sa.Date(), nullable=False),
    sa.Column('final_assessment_until', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('starts_on <= self_assessment_until AND self_assessment_until < rectification_until AND rectification_until < pre_assessment_until AND pre_assessment_until < final_assessment_until', name=op.f('ck_rectification_campaigns_stages_ordered')),
    sa.ForeignKeyConstraint(['organiser_agency_id'], ['agencies.id'], name=op.f('fk_rectification_campaigns_organiser_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_campaigns'))
    )
    with op.batch_alter_table('rectification_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_campaigns_organiser_agency_id'), ['organiser_agency_id'], unique=False)

    op.create_table('special_explanations',
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_special_explanations_agency_id_agencies')),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_special_explanations_domain_code_domains')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_explanations')),
    sa.UniqueConstraint('agency_id', 'year', 'domain_code', name='uq_special_explanations_agency_year_domain')
    )
    with op.batch_alter_table('special_explanations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_explanations_agency_id'), ['agency_id'], unique=False)

    op.create_table('supervision_samples',
    sa.Column('purpose', sa.Enum('case_review', 'return_visit', name='sample_purpose', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('percent', sa.SmallInteger(), nullable=False),
    sa.Column('seed', sa.String(length=200), nullable=False),
    sa.Column('organiser_agency_id', sa.Uuid(), nullable=False),
    sa.Column('population_size', sa.Integer(), nullable=False),
    sa.Column('population_digest', sa.String(length=64), nullable=False),
    sa.Column('sample_digest', sa.String(length=64), nullable=False),
    sa.Column('rubric', JSON, nullable=True),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('percent BETWEEN 1 AND 100', name=op.f('ck_supervision_samples_percent_range')),
    sa.ForeignKeyConstraint(['organiser_agency_id'], ['agencies.id'], name=op.f('fk_supervision_samples_organiser_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_samples'))
    )
    with op.batch_alter_table('supervision_samples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_samples_organiser_agency_id'), ['organiser_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_samples_purpose'), ['purpose'], unique=False)

    op.create_table('case_reviews',
    sa.Column('sample_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('reviewer_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('grade', sa.Enum('excellent', 'good', 'pass', 'fail', name='review_grade', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('(reviewed_on IS NULL) = (grade IS NULL)', name=op.f('ck_case_reviews_graded_when_reviewed')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_case_reviews_score_range')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_case_reviews_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_reviews_case_id_cases')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['officers.id'], name=op.f('fk_case_reviews_reviewer_id_officers')),
    sa.ForeignKeyConstraint(['sample_id'], ['supervision_samples.id'], name=op.f('fk_case_reviews_sample_id_supervision_samples')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reviews')),
    sa.UniqueConstraint('sample_id', 'case_id', name='uq_case_reviews_sample_id_case_id')
    )
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_reviews_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_reviews_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_reviews_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_reviews_sample_id'), ['sample_id'], unique=False)

    op.create_table('legal_challenges',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('reconsideration', 'litigation', name='challenge_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'upheld', 'revoked', 'changed', 'confirmed_illegal', 'ordered_to_act', 'withdrawn', name='challenge_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("(outcome = 'pending') = (decided_on IS NULL)", name=op.f('ck_legal_challenges_decided_when_ended')),
    sa.CheckConstraint('decided_on IS NULL OR decided_on >= filed_on', name=op.f('ck_legal_challenges_decided_after_filed')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_legal_challenges_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_challenges'))
    )
    with op.batch_alter_table('legal_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_challenges_case_id'), ['case_id'], unique=False)

    op.create_table('return_visits',
    sa.Column('sample_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('visitor_id', sa.Uuid(), nullable=True),
    sa.Column('method', sa.Enum('phone', 'on_site', 'questionnaire', name='visit_method', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('visited_on', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.Enum('satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable', name='visit_satisfaction', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('problem_reported', sa.Boolean(), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('(visited_on IS NULL) = (satisfaction IS NULL)', name=op.f('ck_return_visits_answered_when_visited')),
    sa.CheckConstraint('problem_reported = (complaint_id IS NOT NULL)', name=op.f('ck_return_visits_reported_problem_registered')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_return_visits_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_return_visits_case_id_cases')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_return_visits_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['sample_id'], ['supervision_samples.id'], name=op.f('fk_return_visits_sample_id_supervision_samples')),
    sa.ForeignKeyConstraint(['visitor_id'], ['officers.id'], name=op.f('fk_return_visits_visitor_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visits')),
    sa.UniqueConstraint('sample_id', 'case_id', name='uq_return_visits_sample_id_case_id')
    )
    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_visits_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_sample_id'), ['sample_id'], unique=False)

    op.create_table('supervision_letters',
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('issuing_agency_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('campaign_id', sa.Uuid(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('alerts', JSON, nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('issued', 'answered', 'returned', 'closed', name='letter_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("status <> 'closed' OR closed_on IS NOT NULL", name=op.f('ck_supervision_letters_closed_dated')),
    sa.CheckConstraint('due_on >= issued_on', name=op.f('ck_supervision_letters_due_after_issue')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_supervision_letters_version_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_supervision_letters_agency_id_agencies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['rectification_campaigns.id'], name=op.f('fk_supervision_letters_campaign_id_rectification_campaigns')),
    sa.ForeignKeyConstraint(['issuing_agency_id'], ['agencies.id'], name=op.f('fk_supervision_letters_issuing_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_letters')),
    sa.UniqueConstraint('number', name=op.f('uq_supervision_letters_number'))
    )
    with op.batch_alter_table('supervision_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_letters_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_letters_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_letters_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_letters_issuing_agency_id'), ['issuing_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_letters_status'), ['status'], unique=False)

    op.create_table('review_findings',
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('item_code', sa.String(length=20), nullable=False),
    sa.Column('deduction', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('deduction >= 0', name=op.f('ck_review_findings_deduction_non_negative')),
    sa.ForeignKeyConstraint(['review_id'], ['case_reviews.id'], name=op.f('fk_review_findings_review_id_case_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_findings')),
    sa.UniqueConstraint('review_id', 'item_code', name='uq_review_findings_review_id_item_code')
    )
    with op.batch_alter_table('review_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_findings_review_id'), ['review_id'], unique=False)

    op.create_table('supervision_letter_events',
    sa.Column('letter_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('data', JSON, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['supervision_letters.id'], name=op.f('fk_supervision_letter_events_letter_id_supervision_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_letter_events')),
    sa.UniqueConstraint('letter_id', 'seq', name='uq_supervision_letter_events_letter_id_seq')
    )
    with op.batch_alter_table('supervision_letter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_letter_events_letter_id'), ['letter_id'], unique=False)

    op.create_table('supervision_problems',
    sa.Column('campaign_id', sa.Uuid(), nullable=True),
    sa.Column('letter_id', sa.Uuid(), nullable=True),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('stage', sa.Enum('self_assessment', 'rectification', 'pre_assessment', 'final_assessment', name='campaign_stage', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', JSON, nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'rectified', 'closed', name='problem_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('measure', sa.Text(), nullable=True),
    sa.Column('rectified_on', sa.Date(), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('verified_by', sa.String(length=100), nullable=True),
    sa.Column('returned_reasons', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("status <> 'closed' OR verified_on IS NOT NULL", name=op.f('ck_supervision_problems_closed_when_verified')),
    sa.CheckConstraint("status = 'open' OR (measure IS NOT NULL AND rectified_on IS NOT NULL)", name=op.f('ck_supervision_problems_rectified_with_measure')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_supervision_problems_version_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_supervision_problems_agency_id_agencies')),
    sa.ForeignKeyConstraint(['campaign_id'], ['rectification_campaigns.id'], name=op.f('fk_supervision_problems_campaign_id_rectification_campaigns')),
    sa.ForeignKeyConstraint(['letter_id'], ['supervision_letters.id'], name=op.f('fk_supervision_problems_letter_id_supervision_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_problems'))
    )
    with op.batch_alter_table('supervision_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_problems_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_problems_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_problems_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_problems_status'), ['status'], unique=False)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outside_supervisor_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaints_outside_supervisor_id'), ['outside_supervisor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_complaints_outside_supervisor_id_outside_supervisors'), 'outside_supervisors', ['outside_supervisor_id'], ['id'])

    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_township', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_column('key_township')

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaints_outside_supervisor_id_outside_supervisors'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaints_outside_supervisor_id'))
        batch_op.drop_column('outside_supervisor_id')

    with op.batch_alter_table('supervision_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_problems_status'))
        batch_op.drop_index(batch_op.f('ix_supervision_problems_letter_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_problems_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_problems_agency_id'))

    op.drop_table('supervision_problems')
    with op.batch_alter_table('supervision_letter_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_letter_events_letter_id'))

    op.drop_table('supervision_letter_events')
    with op.batch_alter_table('review_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_findings_review_id'))

    op.drop_table('review_findings')
    with op.batch_alter_table('supervision_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_letters_status'))
        batch_op.drop_index(batch_op.f('ix_supervision_letters_issuing_agency_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_letters_due_on'))
        batch_op.drop_index(batch_op.f('ix_supervision_letters_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_letters_agency_id'))

    op.drop_table('supervision_letters')
    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_visits_sample_id'))
        batch_op.drop_index(batch_op.f('ix_return_visits_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_return_visits_case_id'))
        batch_op.drop_index(batch_op.f('ix_return_visits_agency_id'))

    op.drop_table('return_visits')
    with op.batch_alter_table('legal_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_challenges_case_id'))

    op.drop_table('legal_challenges')
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_reviews_sample_id'))
        batch_op.drop_index(batch_op.f('ix_case_reviews_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_case_reviews_case_id'))
        batch_op.drop_index(batch_op.f('ix_case_reviews_agency_id'))

    op.drop_table('case_reviews')
    with op.batch_alter_table('supervision_samples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_samples_purpose'))
        batch_op.drop_index(batch_op.f('ix_supervision_samples_organiser_agency_id'))

    op.drop_table('supervision_samples')
    with op.batch_alter_table('special_explanations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_explanations_agency_id'))

    op.drop_table('special_explanations')
    with op.batch_alter_table('rectification_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_campaigns_organiser_agency_id'))

    op.drop_table('rectification_campaigns')
    with op.batch_alter_table('outside_supervisors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outside_supervisors_region_id'))
        batch_op.drop_index(batch_op.f('ix_outside_supervisors_kind'))
        batch_op.drop_index(batch_op.f('ix_outside_supervisors_entity_id'))
        batch_op.drop_index(batch_op.f('ix_outside_supervisors_appointing_agency_id'))

    op.drop_table('outside_supervisors')

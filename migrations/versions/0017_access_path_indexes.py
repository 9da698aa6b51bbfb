"""Indexes for every access path the API offers and the transfer state kept on the case (issue 14 point 2).

`case_recipients` holds the agencies each case was sent to by transfer, kept by the transfer step;
the case access rule reads it instead of searching the timeline's JSON. It is filled here from
the transfer events already recorded.

The indexes follow the lists: each keyset order gets its (order column, id) index, led by the
jurisdiction column where one agency's rows are paged (cases by agency and registration time);
open deadlines get a partial index by due day; the supervision reports read an agency's decisions
of a period and the timeline's steps of one kind (hearings, payments, ends of execution).
Single-column indexes that a new composite one starts with are dropped, as are those a unique
constraint already starts with.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

import uuid

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
OPEN = sa.text('met_on IS NULL')

# (name, table, columns, partial condition or None)
INDEXES = [
    ('ix_cases_agency_id_registered_at_id', 'cases', ['agency_id', 'registered_at', 'id'], None),
    ('ix_cases_agency_id_entity_id', 'cases', ['agency_id', 'entity_id'], None),
    ('ix_cases_registered_at_id', 'cases', ['registered_at', 'id'], None),
    ('ix_cases_violation_date_id', 'cases', ['violation_date', 'id'], None),
    ('ix_cases_agency_id_decided_on', 'cases', ['agency_id', 'decided_on'], None),
    ('ix_case_events_kind_case_id', 'case_events', ['kind', 'case_id'], None),
    ('ix_case_deadlines_open_due_on', 'case_deadlines', ['due_on', 'case_id'], OPEN),
    ('ix_entities_name_id', 'entities', ['name', 'id'], None),
    ('ix_entities_region_id_name_id', 'entities', ['region_id', 'name', 'id'], None),
    ('ix_complaints_received_at_id', 'complaints', ['received_at', 'id'], None),
    ('ix_complaints_handling_due_on_id', 'complaints', ['handling_due_on', 'id'], None),
    ('ix_inspections_planned_on_id', 'inspections', ['planned_on', 'id'], None),
    ('ix_inspections_agency_id_planned_on_id', 'inspections', ['agency_id', 'planned_on', 'id'], None),
    ('ix_publications_published_on_id', 'publications', ['published_on', 'id'], None),
    ('ix_officers_agency_id_name_id', 'officers', ['agency_id', 'name', 'id'], None),
    ('ix_officers_name_id', 'officers', ['name', 'id'], None),
]
# Superseded: (name, table, column) — each is the first column of a new index or of a unique constraint.
SUPERSEDED = [
    ('ix_cases_agency_id', 'cases', 'agency_id'),
    ('ix_cases_registered_at', 'cases', 'registered_at'),
    ('ix_case_deadlines_due_on', 'case_deadlines', 'due_on'),
    ('ix_case_deadlines_case_id', 'case_deadlines', 'case_id'),
    ('ix_case_events_case_id', 'case_events', 'case_id'),
    ('ix_entities_region_id', 'entities', 'region_id'),
    ('ix_complaints_handling_due_on', 'complaints', 'handling_due_on'),
    ('ix_inspections_planned_on', 'inspections', 'planned_on'),
    ('ix_inspections_agency_id', 'inspections', 'agency_id'),
    ('ix_publications_published_on', 'publications', 'published_on'),
    ('ix_officers_agency_id', 'officers', 'agency_id'),
]


def upgrade() -> None:
    op.create_table('case_recipients',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_case_recipients_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_recipients_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', 'agency_id', name=op.f('pk_case_recipients'))
    )
    op.create_index('ix_case_recipients_agency_id_case_id', 'case_recipients', ['agency_id', 'case_id'])
    _backfill_recipients()
    for name, table, columns, where in INDEXES:
        op.create_index(name, table, columns, postgresql_where=where, sqlite_where=where)
    for name, table, _column in SUPERSEDED:
        op.drop_index(name, table_name=table)


def _backfill_recipients() -> None:
    """Every agency a recorded transfer sent a case to."""
    bind = op.get_bind()
    events = sa.table('case_events', sa.column('case_id', sa.Uuid()), sa.column('kind', sa.String()), sa.column('data', JSON))
    recipients = sa.table('case_recipients', sa.column('case_id', sa.Uuid()), sa.column('agency_id', sa.Uuid()))
    sent = bind.execute(sa.select(events.c.case_id, events.c.data).where(events.c.kind == 'transfer'))
    pairs = {(case_id, uuid.UUID(data['to_agency_id'])) for case_id, data in sent if data.get('to_agency_id')}
    if pairs:
        bind.execute(sa.insert(recipients), [{'case_id': c, 'agency_id': a} for c, a in sorted(pairs)])


def downgrade() -> None:
    for name, table, column in SUPERSEDED:
        op.create_index(name, table, [column])
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index('ix_case_recipients_agency_id_case_id', table_name='case_recipients')
    op.drop_table('case_recipients')

"""Agency administration: each agency's numbering patterns, a version column for optimistic
locking, and closure (never deletion): closed_on, the successor agency that took its cases over,
and the decision and reason that closed it. Existing rows get today's patterns from the server
defaults, so their numbers read as before.

Plain ALTER TABLE ADD COLUMN, as in 0013: batch mode would rebuild `agencies`, which most tables
reference.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CASE_PATTERN = '{short}{type}〔{year}〕{serial}号'
DOCUMENT_PATTERN = '{short}{type}字〔{year}〕{serial}号'


def upgrade() -> None:
    op.add_column('agencies', sa.Column('case_pattern', sa.String(length=60), server_default=CASE_PATTERN, nullable=False))
    op.add_column('agencies', sa.Column('document_pattern', sa.String(length=60), server_default=DOCUMENT_PATTERN, nullable=False))
    op.add_column('agencies', sa.Column('closed_on', sa.Date(), nullable=True))
    op.add_column('agencies', sa.Column('closing_decision', sa.String(length=100), nullable=True))
    op.add_column('agencies', sa.Column('closing_reason', sa.String(length=500), nullable=True))
    op.add_column('agencies', sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    # SQLite takes a foreign key only inline with its new column.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE agencies ADD COLUMN successor_id CHAR(32) REFERENCES agencies (id)')
    else:
        op.add_column('agencies', sa.Column('successor_id', sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f('fk_agencies_successor_id_agencies'), 'agencies', 'agencies', ['successor_id'], ['id'])


def downgrade() -> None:
    # On SQLite this rebuilds `agencies`, so there it works only before other tables reference it.
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(op.f('fk_agencies_successor_id_agencies'), type_='foreignkey')
        for column in ('successor_id', 'version', 'closing_reason', 'closing_decision', 'closed_on', 'document_pattern', 'case_pattern'):
            batch_op.drop_column(column)

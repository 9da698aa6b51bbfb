"""The generation of the agency and region trees (issue 14 point 4): one counter that moves in the
same transaction as any change to `agencies` or `regions`, so that every worker process can keep
the trees in memory and check them with one primary-key read per request.

Triggers keep it, not the writers: every path that changes the trees (the services, the region
import, onboarding, the workbook, the demo and bulk loaders' COPY, hand-written SQL) bumps it
without having to remember. On PostgreSQL one statement-level trigger per table (a bulk load bumps
it once per statement); SQLite has row triggers only. The table is no ORM model: nothing but the
triggers writes it, and test snapshots must not restore it (it only ever grows).

A later migration that rebuilds `agencies` or `regions` on SQLite (batch mode copies the table)
drops their triggers with the old table and must create them again (`create_triggers`).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TABLES = ('agencies', 'regions')
BUMP = 'UPDATE tree_generation SET value = value + 1 WHERE id = 1'
SQLITE_EVENTS = ('INSERT', 'UPDATE', 'DELETE')


def upgrade() -> None:
    op.create_table(
        'tree_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_tree_generation_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tree_generation')),
    )
    op.execute('INSERT INTO tree_generation (id, value) VALUES (1, 0)')
    create_triggers()


def create_triggers() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'CREATE FUNCTION bump_tree_generation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$')
        for table in TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_tree_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} '
                'FOR EACH STATEMENT EXECUTE FUNCTION bump_tree_generation()'
            )
        return
    for table in TABLES:
        for event in SQLITE_EVENTS:
            op.execute(f'CREATE TRIGGER {table}_tree_generation_{event.lower()} AFTER {event} ON {table} BEGIN {BUMP}; END')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'DROP TRIGGER {table}_tree_generation ON {table}')
        op.execute('DROP FUNCTION bump_tree_generation()')
    else:
        for table in TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f'DROP TRIGGER {table}_tree_generation_{event.lower()}')
    op.drop_table('tree_generation')

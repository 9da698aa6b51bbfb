"""Regions over time: a division's row stays its identity through renames, moves and mergers.
The row holds the current name and parent with the day they took effect (valid_from; None for
rows from before: in force since before the records, so nothing needs backfilling), superseded
names and parents go to region_versions, and a division merged into another keeps its row with
ended_on and successor_id (old cases and entities keep the region they had).

The columns come without a CHECK constraint: SQLite could add one only by rebuilding
`regions`, which most tables reference.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN, on SQLite too: batch mode would rebuild `regions`, and dropping
    # the old table fails once other tables' rows reference it. SQLite takes a foreign key only
    # inline with its new column.
    op.add_column('regions', sa.Column('valid_from', sa.Date(), nullable=True))
    op.add_column('regions', sa.Column('ended_on', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE regions ADD COLUMN successor_id CHAR(32) REFERENCES regions (id)')
    else:
        op.add_column('regions', sa.Column('successor_id', sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f('fk_regions_successor_id_regions'), 'regions', 'regions', ['successor_id'], ['id'])
    op.create_table('region_versions',
    sa.Column('region_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('valid_from IS NULL OR valid_until > valid_from', name=op.f('ck_region_versions_window_not_empty')),
    sa.ForeignKeyConstraint(['parent_id'], ['regions.id'], name=op.f('fk_region_versions_parent_id_regions')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_region_versions_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_versions'))
    )
    with op.batch_alter_table('region_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_versions_region_id'), ['region_id'], unique=False)


def downgrade() -> None:
    op.drop_table('region_versions')
    # On SQLite this rebuilds `regions` (a column in a foreign key cannot be dropped in place), so
    # there it works only before other tables reference regions.
    with op.batch_alter_table('regions', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(op.f('fk_regions_successor_id_regions'), type_='foreignkey')
        batch_op.drop_column('successor_id')
        batch_op.drop_column('ended_on')
        batch_op.drop_column('valid_from')

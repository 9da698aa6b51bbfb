"""Entities over time: the entity row holds the current values and its status (active, licence
revoked, deregistered, merged into a survivor), entity_versions the values from each day they
took effect, entity_merges / entity_merge_moves / entity_unmerges the merges of duplicates, the
rows each moved, and their reversals. Every existing entity gets its first version: its values
now, undated (in force since before the records).

The new columns of `entities` are added in place, with their CHECK and foreign key inline: batch
mode would rebuild `entities`, which most tables reference.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import datetime as dt

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from zhifa.core.ids import new_id

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
STATUSES = ('active', 'licence_revoked', 'deregistered', 'merged')
CHANGES = ('registered', 'updated', 'licence_revoked', 'deregistered', 'merged', 'unmerged')


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    uuid_type = 'CHAR(32)' if op.get_bind().dialect.name == 'sqlite' else 'UUID'
    op.execute("ALTER TABLE entities ADD COLUMN status VARCHAR(15) DEFAULT 'active' NOT NULL"
               f" CONSTRAINT ck_entities_entity_status CHECK ({_in('status', STATUSES)})")
    op.add_column('entities', sa.Column('status_since', sa.Date(), nullable=True))
    op.add_column('entities', sa.Column('status_reason', sa.String(length=300), nullable=True))
    op.execute(f'ALTER TABLE entities ADD COLUMN merged_into_id {uuid_type}'
               ' CONSTRAINT fk_entities_merged_into_id_entities REFERENCES entities (id)')
    op.add_column('entities', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    _create_tables()
    _backfill_first_versions()


def _backfill_first_versions() -> None:
    bind = op.get_bind()
    key, text, tags = sa.Uuid(), sa.String(), JSON
    entities = sa.table('entities', *(sa.column(n, t) for n, t in (('id', key), ('name', text), ('address', text),
                                                                   ('legal_representative', text), ('industry_tags', tags))))
    versions = sa.table('entity_versions', *(sa.column(n, t) for n, t in (
        ('id', key), ('entity_id', key), ('seq', sa.Integer()), ('change', text), ('valid_from', sa.Date()), ('name', text),
        ('address', text), ('legal_representative', text), ('industry_tags', tags), ('status', text), ('note', text),
        ('recorded_at', sa.DateTime(timezone=True)), ('recorded_by', text))))
    now = dt.datetime.now(dt.UTC)
    rows = [{'id': new_id(), 'entity_id': r.id, 'seq': 1, 'change': 'registered', 'valid_from': None, 'name': r.name, 'address': r.address,
             'legal_representative': r.legal_representative, 'industry_tags': r.industry_tags or [], 'status': 'active', 'note': '',
             'recorded_at': now, 'recorded_by': 'migration:0016'} for r in bind.execute(sa.select(entities))]
    if rows:
        bind.execute(sa.insert(versions), rows)


def _create_tables() -> None:
    op.create_table('entity_versions',
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('change', sa.Enum(*CHANGES, name='entity_change', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('legal_representative', sa.String(length=50), nullable=True),
    sa.Column('industry_tags', JSON, nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='entity_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_versions_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_versions')),
    sa.UniqueConstraint('entity_id', 'seq', name=op.f('uq_entity_versions_entity_id_seq'))
    )
    op.create_index(op.f('ix_entity_versions_entity_id'), 'entity_versions', ['entity_id'], unique=False)
    op.create_table('entity_merges',
    sa.Column('duplicate_id', sa.Uuid(), nullable=False),
    sa.Column('survivor_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('duplicate_id <> survivor_id', name=op.f('ck_entity_merges_distinct_entities')),
    sa.ForeignKeyConstraint(['duplicate_id'], ['entities.id'], name=op.f('fk_entity_merges_duplicate_id_entities')),
    sa.ForeignKeyConstraint(['survivor_id'], ['entities.id'], name=op.f('fk_entity_merges_survivor_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_merges'))
    )
    op.create_index(op.f('ix_entity_merges_duplicate_id'), 'entity_merges', ['duplicate_id'], unique=False)
    op.create_index(op.f('ix_entity_merges_survivor_id'), 'entity_merges', ['survivor_id'], unique=False)
    op.create_table('entity_merge_moves',
    sa.Column('merge_id', sa.Uuid(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['merge_id'], ['entity_merges.id'], name=op.f('fk_entity_merge_moves_merge_id_entity_merges')),
    sa.PrimaryKeyConstraint('merge_id', 'table_name', 'row_id', name=op.f('pk_entity_merge_moves'))
    )
    op.create_index(op.f('ix_entity_merge_moves_row_id'), 'entity_merge_moves', ['row_id'], unique=False)
    op.create_table('entity_unmerges',
    sa.Column('merge_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['merge_id'], ['entity_merges.id'], name=op.f('fk_entity_unmerges_merge_id_entity_merges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_unmerges')),
    sa.UniqueConstraint('merge_id', name=op.f('uq_entity_unmerges_merge_id'))
    )


def downgrade() -> None:
    op.drop_table('entity_unmerges')
    op.drop_index(op.f('ix_entity_merge_moves_row_id'), table_name='entity_merge_moves')
    op.drop_table('entity_merge_moves')
    op.drop_index(op.f('ix_entity_merges_survivor_id'), table_name='entity_merges')
    op.drop_index(op.f('ix_entity_merges_duplicate_id'), table_name='entity_merges')
    op.drop_table('entity_merges')
    op.drop_index(op.f('ix_entity_versions_entity_id'), table_name='entity_versions')
    op.drop_table('entity_versions')
    # On SQLite this rebuilds `entities` (a column in a foreign key cannot be dropped in place), so
    # there it works only before other tables' rows reference entities.
    with op.batch_alter_table('entities', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':  # SQLite's reflection does not name an inline foreign key
            batch_op.drop_constraint(op.f('fk_entities_merged_into_id_entities'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_entities_entity_status'), type_='check')
        batch_op.drop_column('version')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('status_since')
        batch_op.drop_column('status')

"""Catalog drafts and publication, non-overlapping validity windows, township delegations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delegations',
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('granted_by', sa.String(length=100), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoked_by', sa.String(length=100), nullable=True),
    sa.Column('revoke_reason', sa.String(length=300), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('revoked_on IS NULL OR revoked_on >= granted_on', name=op.f('ck_delegations_ordered')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_delegations_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations'))
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegations_item_code'), ['item_code'], unique=False)
        batch_op.create_index('uq_delegations_active', ['agency_id', 'item_code'], unique=True, postgresql_where=sa.text('revoked_on IS NULL'), sqlite_where=sa.text('revoked_on IS NULL'))

    with op.batch_alter_table('catalog_item_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('draft', 'published', name='version_status', native_enum=False, create_constraint=True), nullable=False, server_default='published'))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_by', sa.String(length=100), nullable=True))



    _forbid_overlapping_windows()


# Two published versions of one item may never be in force on the same day. PostgreSQL says so
# with an exclusion constraint; SQLite, which has none, with triggers that abort the write.
OVERLAP = """
    SELECT 1 FROM catalog_item_versions o
    WHERE o.code = NEW.code AND o.id <> NEW.id AND o.status = 'published' AND NEW.status = 'published'
      AND o.effective_from < COALESCE(NEW.repealed_on, '9999-12-31')
      AND NEW.effective_from < COALESCE(o.repealed_on, '9999-12-31')
"""


def _forbid_overlapping_windows() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE catalog_item_versions ADD CONSTRAINT ex_catalog_item_versions_no_overlap "
            "EXCLUDE USING gist (code WITH =, daterange(effective_from, repealed_on) WITH &&) WHERE (status = 'published')"
        )
        return
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER catalog_item_versions_no_overlap_{event.lower()} BEFORE {event} ON catalog_item_versions "
            f"WHEN EXISTS ({OVERLAP}) BEGIN SELECT RAISE(ABORT, 'catalog item versions overlap'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE catalog_item_versions DROP CONSTRAINT ex_catalog_item_versions_no_overlap")
    else:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER catalog_item_versions_no_overlap_{event}")
    with op.batch_alter_table('catalog_item_versions', schema=None) as batch_op:
        batch_op.drop_column('published_by')
        batch_op.drop_column('published_at')
        batch_op.drop_column('status')

    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index('uq_delegations_active', postgresql_where=sa.text('revoked_on IS NULL'), sqlite_where=sa.text('revoked_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_delegations_item_code'))
        batch_op.drop_index(batch_op.f('ix_delegations_agency_id'))

    op.drop_table('delegations')

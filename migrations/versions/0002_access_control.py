"""Personal-data read log and rate-limit windows (access control).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_windows',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('window', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window', name=op.f('pk_rate_windows'))
    )
    op.create_table('personal_data_reads',
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('viewer', sa.String(length=100), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('fields', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_personal_data_reads_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_reads'))
    )
    with op.batch_alter_table('personal_data_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_data_reads_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_reads_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_reads_viewer'), ['viewer'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('personal_data_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_data_reads_viewer'))
        batch_op.drop_index(batch_op.f('ix_personal_data_reads_entity_id'))
        batch_op.drop_index(batch_op.f('ix_personal_data_reads_at'))

    op.drop_table('personal_data_reads')
    op.drop_table('rate_windows')

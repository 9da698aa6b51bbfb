"""Case procedure: what each step settles on the case, and the deadlines it runs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('case_deadlines',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('day_type', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('basis', sa.String(length=200), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('provisional_year', sa.Integer(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_deadlines_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadlines')),
    sa.UniqueConstraint('case_id', 'kind', name='uq_case_deadlines_case_id_kind')
    )
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_deadlines_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_deadlines_due_on'), ['due_on'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fine_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('penalty_kinds', JSON, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('major', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('hearing_right', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('discretion', JSON, nullable=True))
        batch_op.add_column(sa.Column('decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decision_number', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_cases_decision_number'), ['decision_number'])
        batch_op.create_check_constraint('fine_non_negative', 'fine_fen IS NULL OR fine_fen >= 0')



def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('ck_cases_fine_non_negative', type_='check')
        batch_op.drop_constraint(batch_op.f('uq_cases_decision_number'), type_='unique')
        batch_op.drop_column('closed_on')
        batch_op.drop_column('decision_number')
        batch_op.drop_column('decided_on')
        batch_op.drop_column('discretion')
        batch_op.drop_column('hearing_right')
        batch_op.drop_column('major')
        batch_op.drop_column('penalty_kinds')
        batch_op.drop_column('fine_fen')
        batch_op.drop_column('filed_on')

    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_deadlines_due_on'))
        batch_op.drop_index(batch_op.f('ix_case_deadlines_case_id'))

    op.drop_table('case_deadlines')

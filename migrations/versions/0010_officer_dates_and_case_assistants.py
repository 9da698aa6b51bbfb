"""Officer dates the law asks about, and assisting staff on a case: since when an officer does
legal review (行政处罚法第五十八条第二款: only those who first take it up after 2021-07-15 need
法律职业资格) and since when a certificate has its current status (a suspension counts from its
day, not before); a case's people carry a role — handlers (执法人员, Art. 42) or assistants
(辅助人员, recorded but never acting).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_review_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status_since', sa.Date(), nullable=True))
    with op.batch_alter_table('case_officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=9), server_default='handler', nullable=False))
        batch_op.create_check_constraint(op.f('ck_case_officers_case_officer_role'), "role IN ('handler', 'assistant')")


def downgrade() -> None:
    with op.batch_alter_table('case_officers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_officers_case_officer_role'), type_='check')
        batch_op.drop_column('role')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_column('status_since')
        batch_op.drop_column('legal_review_since')

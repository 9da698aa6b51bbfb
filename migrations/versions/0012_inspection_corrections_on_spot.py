"""Problems corrected on the spot (现场整改问题): a failed inspection point may be recorded as put
right during the visit, and the visit-reduction figures count them (seed 002, the Dinghai
summary: "现场整改问题143个" beside the visits avoided). Results recorded before stay false.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrected_on_spot', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.drop_column('corrected_on_spot')

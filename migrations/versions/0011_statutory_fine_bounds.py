"""The statutory fine range of each catalog item version (法定罚款幅度, from its penalty provision):
proposals and decisions are held to it whatever the stated reasons (行政处罚法第三十四条,
国办发〔2022〕27号). Versions stored before keep NULL (no range known).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table('catalog_item_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bounds', JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('catalog_item_versions', schema=None) as batch_op:
        batch_op.drop_column('bounds')

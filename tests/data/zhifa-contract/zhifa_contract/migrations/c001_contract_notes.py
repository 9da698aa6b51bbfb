"""The contract plug-in's own table, on its own branch.

Revision ID: c001
Revises:
"""

from alembic import op
import sqlalchemy as sa

revision = "c001"
down_revision = None
branch_labels = ("contract",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table("contract_notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("case_id", sa.Uuid, sa.ForeignKey("cases.id")))


def downgrade() -> None:
    op.drop_table("contract_notes")

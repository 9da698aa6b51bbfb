"""Evidence and its chain of custody (全过程记录); custody steps and file identity cannot be rewritten.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
EVIDENCE_KINDS = ('documentary', 'physical', 'audio_visual', 'electronic', 'witness_testimony', 'party_statement', 'expert_opinion', 'inspection_record')
CUSTODY_ACTIONS = ('uploaded', 'viewed', 'verified', 'transferred', 'sealed', 'unsealed', 'returned')


def upgrade() -> None:
    op.create_table('evidence',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum(*EVIDENCE_KINDS, name='evidence_kind', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('collected_by', JSON, nullable=False),
    sa.Column('device_id', sa.String(length=100), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recording_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recording_ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('interruption_notes', sa.Text(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_evidence_sha256_hex')),
    sa.CheckConstraint('recording_ended_at IS NULL OR recording_started_at IS NULL OR recording_ended_at >= recording_started_at', name=op.f('ck_evidence_recording_ordered')),
    sa.CheckConstraint('size > 0', name=op.f('ck_evidence_size_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_evidence_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('case_id', 'sha256', name='uq_evidence_case_id_sha256')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_sha256'), ['sha256'], unique=False)

    op.create_table('evidence_custody_events',
    sa.Column('evidence_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum(*CUSTODY_ACTIONS, name='custody_action', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('data', JSON, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_custody_events_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_custody_events')),
    sa.UniqueConstraint('evidence_id', 'seq', name='uq_evidence_custody_events_evidence_id_seq')
    )
    with op.batch_alter_table('evidence_custody_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_custody_events_evidence_id'), ['evidence_id'], unique=False)

    _forbid_rewrites()


# A custody step, once written, is never changed; nor is which file (and which case) a piece of
# evidence is. The database itself refuses, whatever the application sends.
IDENTITY = ('case_id', 'sha256', 'size', 'media_type')


def _forbid_rewrites() -> None:
    changed = " OR ".join(f"NEW.{c} <> OLD.{c}" for c in IDENTITY)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION evidence_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER evidence_custody_events_append_only BEFORE UPDATE ON evidence_custody_events "
            "FOR EACH ROW EXECUTE FUNCTION evidence_refuse_rewrite('custody events are append-only')"
        )
        op.execute(
            f"CREATE TRIGGER evidence_identity_fixed BEFORE UPDATE ON evidence FOR EACH ROW WHEN ({changed}) "
            "EXECUTE FUNCTION evidence_refuse_rewrite('the file of a piece of evidence cannot change')"
        )
        return
    op.execute(
        "CREATE TRIGGER evidence_custody_events_append_only BEFORE UPDATE ON evidence_custody_events "
        "BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END"
    )
    op.execute(
        f"CREATE TRIGGER evidence_identity_fixed BEFORE UPDATE ON evidence WHEN {changed} "
        "BEGIN SELECT RAISE(ABORT, 'the file of a piece of evidence cannot change'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER evidence_identity_fixed" + (" ON evidence" if _pg() else ""))
    op.execute("DROP TRIGGER evidence_custody_events_append_only" + (" ON evidence_custody_events" if _pg() else ""))
    if _pg():
        op.execute("DROP FUNCTION evidence_refuse_rewrite()")
    with op.batch_alter_table('evidence_custody_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_custody_events_evidence_id'))

    op.drop_table('evidence_custody_events')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_created_at'))
        batch_op.drop_index(batch_op.f('ix_evidence_case_id'))

    op.drop_table('evidence')


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"

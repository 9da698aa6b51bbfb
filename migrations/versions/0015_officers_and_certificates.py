"""Officers and certificates as records: an officer's ID number (encrypted), external identity
(the provincial identity provider's subject) and retirement day; enforcement certificates with
their domains and status changes; training hours and annual assessments per year. The new role
staff_admin; an officer may be registered before his certificate is issued (the case guards
refuse him until then). Every certificate already on an officer becomes a record.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import datetime as dt
import uuid
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from zhifa.core.ids import new_id

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ROLES_BEFORE = ('officer', 'auxiliary', 'legal_reviewer', 'agency_head')
ROLES = (*ROLES_BEFORE, 'staff_admin')
STATUSES_BEFORE = ('valid', 'suspended', 'revoked')
STATUSES = (*STATUSES_BEFORE, 'expired')
ENFORCERS_HOLD_CERTIFICATE = (
    "role = 'auxiliary' OR (certificate_number IS NOT NULL AND certificate_valid_from IS NOT NULL"
    " AND certificate_valid_until IS NOT NULL)"
)
MIGRATED_AUTHORITY = '（迁移前记录，发证机关未登记）'


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with _officers_rebuilt() as batch_op:
        batch_op.add_column(sa.Column('id_number_cipher', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('id_number_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('external_identity', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('retired_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_officers_id_number_digest'), ['id_number_digest'])
        batch_op.create_unique_constraint(batch_op.f('uq_officers_external_identity'), ['external_identity'])
        batch_op.drop_constraint(batch_op.f('ck_officers_enforcers_hold_certificate'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_officers_officer_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_officers_officer_role'), _in('role', ROLES))
        batch_op.drop_constraint(batch_op.f('ck_officers_certificate_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_officers_certificate_status'), _in('status', STATUSES))

    op.create_table('certificates',
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issuing_authority', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_certificates_window_ordered')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_certificates_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_officer_id'), ['officer_id'], unique=False)

    op.create_table('certificate_domains',
    sa.Column('certificate_id', sa.Uuid(), nullable=False),
    sa.Column('domain_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_domains_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['domain_code'], ['domains.code'], name=op.f('fk_certificate_domains_domain_code_domains')),
    sa.PrimaryKeyConstraint('certificate_id', 'domain_code', name=op.f('pk_certificate_domains'))
    )

    op.create_table('certificate_changes',
    sa.Column('certificate_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='certificate_change_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_changes_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_changes'))
    )
    with op.batch_alter_table('certificate_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_changes_certificate_id'), ['certificate_id'], unique=False)

    op.create_table('officer_years',
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('training_hours', sa.Integer(), nullable=False),
    sa.Column('assessment', sa.Enum('excellent', 'competent', 'basic', 'incompetent', name='assessment_result', native_enum=False, create_constraint=True), nullable=True),
    sa.CheckConstraint('training_hours >= 0', name=op.f('ck_officer_years_hours_not_negative')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_officer_years_officer_id_officers')),
    sa.PrimaryKeyConstraint('officer_id', 'year', name=op.f('pk_officer_years'))
    )
    _backfill_certificates()


@contextmanager
def _officers_rebuilt():
    """SQLite rebuilds `officers` to change its CHECK constraints (copy, drop, rename), and the
    drop's implicit delete would trip every foreign key pointing at officers: they are switched
    off for the rebuild (only possible outside a transaction) and checked once it is done."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys = OFF')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        yield batch_op
    if sqlite:
        if broken := op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').all():
            raise RuntimeError(f'foreign keys broken by rebuilding officers: {broken}')
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys = ON')


def _table(name: str, **columns: sa.types.TypeEngine) -> sa.TableClause:
    return sa.table(name, *(sa.column(column, type_) for column, type_ in columns.items()))


def _backfill_certificates() -> None:
    """Each officer's certificate columns become a certificate record: its domains from
    officer_domains, VALID from its first day, and the officer's current status from the day
    it took effect (status_since, else the first day) when that status is not valid."""
    bind = op.get_bind()
    day, text, key = sa.Date(), sa.String(), sa.Uuid()
    officers = _table('officers', id=key, certificate_number=text, certificate_valid_from=day, certificate_valid_until=day, status=text, status_since=day)
    officer_domains = _table('officer_domains', officer_id=key, domain_code=text)
    certificates = _table('certificates', id=key, officer_id=key, number=text, issuing_authority=text, valid_from=day, valid_until=day)
    certificate_domains = _table('certificate_domains', certificate_id=key, domain_code=text)
    changes = _table('certificate_changes', id=key, certificate_id=key, status=text, effective_on=day, decision=text, reason=text,
                     recorded_by=text, recorded_at=sa.DateTime(timezone=True))
    rows = bind.execute(sa.select(officers).where(officers.c.certificate_number.is_not(None))).all()
    if not rows:
        return
    domains: dict[uuid.UUID, list[str]] = {}
    for officer_id, code in bind.execute(sa.select(officer_domains.c.officer_id, officer_domains.c.domain_code)):
        domains.setdefault(officer_id, []).append(code)
    now = dt.datetime.now(dt.UTC)
    new_certificates, new_domains, new_changes = [], [], []
    for row in rows:
        certificate_id = new_id()
        new_certificates.append({'id': certificate_id, 'officer_id': row.id, 'number': row.certificate_number, 'issuing_authority': MIGRATED_AUTHORITY,
                                 'valid_from': row.certificate_valid_from, 'valid_until': row.certificate_valid_until})
        new_domains += [{'certificate_id': certificate_id, 'domain_code': code} for code in domains.get(row.id, [])]
        change = {'certificate_id': certificate_id, 'decision': '', 'recorded_by': 'migration:0015', 'recorded_at': now}
        new_changes.append({**change, 'id': new_id(), 'status': 'valid', 'effective_on': row.certificate_valid_from, 'reason': '迁移前登记的执法证件'})
        if row.status != 'valid':
            since = max(row.status_since or row.certificate_valid_from, row.certificate_valid_from)
            new_changes.append({**change, 'id': new_id(), 'status': row.status, 'effective_on': since, 'reason': '迁移前登记的证件状态'})
    bind.execute(sa.insert(certificates), new_certificates)
    if new_domains:
        bind.execute(sa.insert(certificate_domains), new_domains)
    bind.execute(sa.insert(changes), new_changes)


def downgrade() -> None:
    op.drop_table('officer_years')
    with op.batch_alter_table('certificate_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_changes_certificate_id'))
    op.drop_table('certificate_changes')
    op.drop_table('certificate_domains')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_officer_id'))
    op.drop_table('certificates')
    with _officers_rebuilt() as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_officers_certificate_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_officers_certificate_status'), _in('status', STATUSES_BEFORE))
        batch_op.drop_constraint(batch_op.f('ck_officers_officer_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_officers_officer_role'), _in('role', ROLES_BEFORE))
        batch_op.create_check_constraint(batch_op.f('ck_officers_enforcers_hold_certificate'), ENFORCERS_HOLD_CERTIFICATE)
        batch_op.drop_constraint(batch_op.f('uq_officers_external_identity'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_officers_id_number_digest'), type_='unique')
        batch_op.drop_column('retired_on')
        batch_op.drop_column('external_identity')
        batch_op.drop_column('id_number_digest')
        batch_op.drop_column('id_number_cipher')

"""Enforcement certificates (行政执法证件) as records: issue, suspension, reinstatement and
revocation, each with its decision and the day it takes effect.

行政处罚法第四十二条: penalties are imposed by officers holding enforcement qualifications; the
day of an act decides (a certificate suspended on X refuses acts from X on, not before). The
officer's certificate columns and officer_domains are kept as the projection of the certificate
in force today (`project`), for the lists and alerts that read them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.audit.service import record
from zhifa.core.catalog.models import Domain
from zhifa.core.clock import legal_today
from zhifa.core.db import utcnow
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import (
    Certificate,
    CertificateChange,
    CertificateDomain,
    CertificateStatus,
    Officer,
    OfficerDomain,
    OfficerRole,
)

Status = CertificateStatus
# Staff who never enforce hold no enforcement certificate (Art. 42: auxiliaries only assist).
NON_ENFORCING = frozenset({OfficerRole.AUXILIARY, OfficerRole.STAFF_ADMIN})
# What a recorded status may become: reinstated after a suspension; revocation is final.
TRANSITIONS = {
    Status.VALID: frozenset({Status.SUSPENDED, Status.REVOKED}),
    Status.SUSPENDED: frozenset({Status.VALID, Status.REVOKED}),
    Status.REVOKED: frozenset(),
}
NEEDS_DECISION = frozenset({Status.SUSPENDED, Status.REVOKED})


@dataclass(frozen=True)
class NewCertificate:
    officer_id: uuid.UUID
    number: str
    issuing_authority: str
    domains: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date
    decision: str = ""


class Change(Protocol):
    status: CertificateStatus
    effective_on: dt.date


# --- Pure rules ------------------------------------------------------------------------------------


def change_on(changes: Sequence[Change], day: dt.date) -> Change | None:
    """The change in force on `day`: the latest taking effect on or before it (of two on the same
    day, the later one given)."""
    applying = [c for c in changes if c.effective_on <= day]
    return max(reversed(applying), key=lambda c: c.effective_on) if applying else None


def status_on(changes: Sequence[Change], valid_from: dt.date, valid_until: dt.date, day: dt.date) -> CertificateStatus:
    """The certificate's status on `day`: its latest change by then, EXPIRED when valid but past
    `valid_until`. Before `valid_from` no change applies yet: VALID, and the window refuses it."""
    change = change_on(changes, day)
    status = change.status if change else Status.VALID
    return Status.EXPIRED if status is Status.VALID and day > valid_until else status


def held_on(certificates: Sequence[Certificate], changes: dict[uuid.UUID, list[Change]], day: dt.date) -> Certificate | None:
    """The certificate an act on `day` is judged by: one whose window holds the day (a valid one
    first, then the latest issued), else the one whose window is nearest to it."""
    if not certificates:
        return None

    def rank(c: Certificate) -> tuple:
        distance = (c.valid_from - day).days if day < c.valid_from else max((day - c.valid_until).days, 0)
        valid = status_on(changes.get(c.id, []), c.valid_from, c.valid_until, day) is Status.VALID
        return (distance, not valid, -c.valid_from.toordinal())

    return min(certificates, key=rank)


def in_force(certificates: Sequence[Certificate], changes: dict[uuid.UUID, list[Change]], day: dt.date) -> Certificate | None:
    """The certificate the officer's record shows: the one in force on `day`, else the latest issued."""
    holding = [c for c in certificates if c.valid_from <= day <= c.valid_until]
    if holding:
        return held_on(holding, changes, day)
    return max(certificates, key=lambda c: c.valid_from, default=None)


# --- Services ---------------------------------------------------------------------------------------


async def issue_certificate(session: AsyncSession, actor: str, new: NewCertificate, today: dt.date | None = None) -> Certificate:
    today = today or legal_today()
    officer = await active_officer(session, new.officer_id)
    number, authority = new.number.strip(), new.issuing_authority.strip()
    errors = _certificate_errors(officer, number, authority, new, today)
    domains = sorted(set(new.domains))
    known = set((await session.execute(sa.select(Domain.code).where(Domain.code.in_(domains)))).scalars())
    if not domains or set(domains) - known:
        unknown = "、".join(sorted(set(domains) - known))
        errors.append(UserError(PeopleErrorCode.CERTIFICATE_DOMAINS_INVALID, f"没有代码为 {unknown} 的执法领域" if unknown else "执法证件须载明执法领域", "domains"))
    raise_if_any(errors)
    if await certificate_by_number(session, number) is not None:
        raise UserError(PeopleErrorCode.CERTIFICATE_DUPLICATE, f"执法证号 {number} 已经登记", "number")
    certificate = Certificate(officer_id=officer.id, number=number, issuing_authority=authority, valid_from=new.valid_from, valid_until=new.valid_until)
    session.add(certificate)
    await session.flush()
    session.add_all(CertificateDomain(certificate_id=certificate.id, domain_code=code) for code in domains)
    session.add(_change(actor, certificate.id, Status.VALID, new.valid_from, new.decision.strip(), "核发"))
    await session.flush()
    await record(
        session, actor=actor, action="certificate.issued", object_type="Certificate", object_id=certificate.id,
        after={"officer_id": str(officer.id), "number": number, "issuing_authority": authority, "domains": domains,
               "valid_from": new.valid_from.isoformat(), "valid_until": new.valid_until.isoformat(), "decision": new.decision.strip()},
    )
    await project(session, officer.id, today)
    return certificate


def _certificate_errors(officer: Officer, number: str, authority: str, new: NewCertificate, today: dt.date) -> list[UserError]:
    errors = []
    if officer.role in NON_ENFORCING:
        errors.append(UserError(PeopleErrorCode.CERTIFICATE_NOT_FOR_ROLE, f"{officer.name}是{officer.role.label}，不从事执法，不核发执法证件", "officerId"))
    if not 1 <= len(number) <= 40:
        errors.append(UserError(CommonErrorCode.INVALID, "执法证号不能为空，且不超过 40 个字符", "number"))
    if not 1 <= len(authority) <= 200:
        errors.append(UserError(CommonErrorCode.NAME_REQUIRED, "须填写发证机关（不超过 200 个字符）", "issuingAuthority"))
    if new.valid_until < new.valid_from or new.valid_from > today:
        errors.append(UserError(PeopleErrorCode.CERTIFICATE_WINDOW_INVALID, "有效期截止日不能早于起始日，起始日不能晚于今天", "validUntil"))
    return errors


async def certificate_by_number(session: AsyncSession, number: str) -> Certificate | None:
    return await session.scalar(sa.select(Certificate).where(Certificate.number == number.strip()))


async def change_certificate_status(
    session: AsyncSession, actor: str, certificate_id: uuid.UUID, status: CertificateStatus,
    effective_on: dt.date, decision: str, reason: str, today: dt.date | None = None,
) -> CertificateChange:
    """Suspend (暂扣), reinstate (恢复) or revoke (注销、吊销) a certificate from `effective_on` on."""
    certificate = await session.get(Certificate, certificate_id)
    if certificate is None:
        raise UserError(PeopleErrorCode.CERTIFICATE_NOT_FOUND, "执法证件不存在", "certificateId")
    await active_officer(session, certificate.officer_id)
    return await record_change(session, actor, certificate, status, effective_on, decision, reason, today or legal_today())


async def record_change(
    session: AsyncSession, actor: str, certificate: Certificate, status: CertificateStatus,
    effective_on: dt.date, decision: str, reason: str, today: dt.date,
) -> CertificateChange:
    """The change itself, for a certificate whose officer may change (retirement revokes first)."""
    decision, reason = decision.strip(), reason.strip()
    current, since = recorded_status(certificate, (await changes_of(session, [certificate.id]))[certificate.id])
    errors = []
    if status not in TRANSITIONS.get(current, ()):
        errors.append(UserError(PeopleErrorCode.CERTIFICATE_TRANSITION_INVALID, f"执法证件当前为“{current.label}”，不能变更为“{status.label}”", "status"))
    if not since <= effective_on <= today:
        errors.append(UserError(
            PeopleErrorCode.CERTIFICATE_CHANGE_DATE_INVALID,
            f"生效日期须在 {since.isoformat()} 至今天之间（不早于有效期起始日和上一次变更）", "effectiveOn",
        ))
    if status in NEEDS_DECISION and not decision:
        errors.append(UserError(PeopleErrorCode.DECISION_REQUIRED, f"{status.label}执法证件须写明决定文号", "decision"))
    if status in NEEDS_DECISION and not reason:
        errors.append(UserError(CommonErrorCode.REASON_REQUIRED, f"{status.label}执法证件须写明理由", "reason"))
    raise_if_any(errors)
    change = _change(actor, certificate.id, status, effective_on, decision, reason)
    session.add(change)
    await session.flush()
    await record(
        session, actor=actor, action="certificate.status_changed", object_type="Certificate", object_id=certificate.id,
        before={"status": current.value}, after={"status": status.value, "effective_on": effective_on.isoformat(), "decision": decision},
        detail=reason,
    )
    await project(session, certificate.officer_id, today)
    return change


def recorded_status(certificate: Certificate, changes: Sequence[Change]) -> tuple[CertificateStatus, dt.date]:
    """The status last recorded and the earliest day a next change may take effect."""
    last = changes[-1] if changes else None
    return (last.status, max(last.effective_on, certificate.valid_from)) if last else (Status.VALID, certificate.valid_from)


def _change(actor: str, certificate_id: uuid.UUID, status: CertificateStatus, on: dt.date, decision: str, reason: str) -> CertificateChange:
    return CertificateChange(certificate_id=certificate_id, status=status, effective_on=on, decision=decision, reason=reason,
                             recorded_by=actor, recorded_at=utcnow())


async def active_officer(session: AsyncSession, officer_id: uuid.UUID) -> Officer:
    """The officer, refused once retired: his records are closed."""
    officer = await session.get(Officer, officer_id)
    if officer is None:
        raise UserError(PeopleErrorCode.OFFICER_NOT_FOUND, "执法人员不存在", "officerId")
    if officer.retired_on is not None:
        raise UserError(PeopleErrorCode.OFFICER_RETIRED, f"{officer.name}已于 {officer.retired_on.isoformat()} 退休或离岗", "officerId")
    return officer


async def certificates_of(session: AsyncSession, officer_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Certificate]]:
    rows = (await session.execute(sa.select(Certificate).where(Certificate.officer_id.in_(officer_ids)))).scalars()
    found: dict[uuid.UUID, list[Certificate]] = {key: [] for key in officer_ids}
    for certificate in rows:
        found[certificate.officer_id].append(certificate)
    return found


async def changes_of(session: AsyncSession, certificate_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[CertificateChange]]:
    """Each certificate's changes in the order they were recorded."""
    rows = (await session.execute(
        sa.select(CertificateChange).where(CertificateChange.certificate_id.in_(certificate_ids))
        .order_by(CertificateChange.recorded_at, CertificateChange.id)
    )).scalars()
    found: dict[uuid.UUID, list[CertificateChange]] = {key: [] for key in certificate_ids}
    for change in rows:
        found[change.certificate_id].append(change)
    return found


async def domains_of(session: AsyncSession, certificate_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
    rows = await session.execute(sa.select(CertificateDomain.certificate_id, CertificateDomain.domain_code).where(CertificateDomain.certificate_id.in_(certificate_ids)))
    found: dict[uuid.UUID, set[str]] = {key: set() for key in certificate_ids}
    for certificate_id, code in rows:
        found[certificate_id].add(code)
    return {key: frozenset(codes) for key, codes in found.items()}


async def project(session: AsyncSession, officer_id: uuid.UUID, today: dt.date) -> None:
    """Keep the officer's certificate columns and officer_domains as the certificate in force
    today (else the latest issued); the stored status is the recorded one (EXPIRED is read off
    the window, never stored)."""
    officer = await session.get(Officer, officer_id)
    certificates = (await certificates_of(session, [officer_id]))[officer_id]
    changes = await changes_of(session, [c.id for c in certificates])
    shown = in_force(certificates, changes, today)
    change = change_on(changes[shown.id], today) if shown else None
    officer.certificate_number = shown.number if shown else None
    officer.certificate_valid_from = shown.valid_from if shown else None
    officer.certificate_valid_until = shown.valid_until if shown else None
    officer.status = change.status if change else Status.VALID
    officer.status_since = change.effective_on if change else None
    codes = (await domains_of(session, [shown.id]))[shown.id] if shown else frozenset()
    await session.execute(sa.delete(OfficerDomain).where(OfficerDomain.officer_id == officer_id))
    session.add_all(OfficerDomain(officer_id=officer_id, domain_code=code) for code in sorted(codes))
    await session.flush()

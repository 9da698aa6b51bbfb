"""Officers as records: registration (ID number encrypted like an entity's), postings (transfers
and leadership terms, read by the rotation rules), the legal professional qualification, training
hours and the annual assessment, and retirement. Never deleted: a retired officer stays on every
record he signed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.audit.service import record
from zhifa.core.clock import legal_today
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.identifiers import check_id_number
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.people.certificates import (
    active_officer,
    certificates_of,
    changes_of,
    record_change,
    recorded_status,
)
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import (
    Agency,
    AssessmentResult,
    CertificateStatus,
    Officer,
    OfficerRole,
    OfficerYear,
    Posting,
    Region,
)

# Subjects our own tokens use: an external identity must not pass for one of them.
OWN_SUBJECTS = ("officer:", "service:", "anonymous")
# The subject signs the audit records its requests make (audit_records.actor holds 100).
MAX_SUBJECT = 100
FIRST_YEAR = 2000


@dataclass(frozen=True)
class NewOfficer:
    agency_id: uuid.UUID
    name: str
    role: OfficerRole
    id_number: str | None = None
    external_identity: str | None = None
    posted_on: dt.date | None = None  # None: today


async def register_officer(session: AsyncSession, actor: str, new: NewOfficer, key: DataKey, today: dt.date | None = None) -> Officer:
    """An officer of an agency, posted there from `posted_on`; his certificate is issued apart
    (until then the case guards refuse him as a handler)."""
    today = today or legal_today()
    posted_on = new.posted_on or today
    name, external = new.name.strip(), (new.external_identity or "").strip() or None
    errors = []
    if not 1 <= len(name) <= 50:
        errors.append(UserError(CommonErrorCode.NAME_INVALID, "姓名不能为空，且不超过 50 个字符", "name"))
    agency = await session.get(Agency, new.agency_id)
    if agency is None:
        errors.append(UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "所属机关不存在", "agencyId"))
    id_number = _checked_id_number(new.id_number, errors)
    if external is not None and (len(external) > MAX_SUBJECT or external.startswith(OWN_SUBJECTS)):
        errors.append(UserError(PeopleErrorCode.EXTERNAL_IDENTITY_INVALID, f"统一身份认证标识不超过 {MAX_SUBJECT} 个字符，且不能以 officer:、service: 开头或为 anonymous", "externalIdentity"))
    if posted_on > today:
        errors.append(UserError(PeopleErrorCode.POSTING_DATE_INVALID, "任职起始日期不能晚于今天", "postedOn"))
    raise_if_any(errors)
    digest = key.lookup(id_number) if id_number else None
    await _refuse_duplicate(session, digest, external)
    officer = Officer(
        name=name, role=new.role, agency_id=agency.id, status=CertificateStatus.VALID,
        id_number_cipher=key.encrypt(id_number) if id_number else None, id_number_digest=digest, external_identity=external,
    )
    session.add(officer)
    await session.flush()
    session.add(Posting(officer_id=officer.id, region_id=agency.region_id, agency_id=agency.id, is_head=new.role is OfficerRole.AGENCY_HEAD, started_on=posted_on))
    await session.flush()
    await record(
        session, actor=actor, action="officer.registered", object_type="Officer", object_id=officer.id,
        after={"name": name, "role": new.role.value, "agency_id": str(agency.id), "id_number_digest": digest,
               "external_identity": external, "posted_on": posted_on.isoformat()},
    )
    return officer


def _checked_id_number(raw: str | None, errors: list[UserError]) -> str | None:
    if not raw:
        return None
    try:
        return check_id_number(raw).value
    except UserError as exc:
        errors.append(UserError(exc.code, exc.message, "idNumber"))
        return None


async def _refuse_duplicate(session: AsyncSession, digest: str | None, external: str | None) -> None:
    if digest and await session.scalar(sa.select(Officer.id).where(Officer.id_number_digest == digest)):
        raise UserError(PeopleErrorCode.OFFICER_DUPLICATE, "该公民身份号码已登记为其他人员", "idNumber")
    if external and await session.scalar(sa.select(Officer.id).where(Officer.external_identity == external)):
        raise UserError(PeopleErrorCode.OFFICER_DUPLICATE, "该统一身份认证标识已登记为其他人员", "externalIdentity")


async def officer_by_id_number(session: AsyncSession, key: DataKey, id_number: str) -> Officer | None:
    try:
        value = check_id_number(id_number).value
    except UserError:
        return None
    return await session.scalar(sa.select(Officer).where(Officer.id_number_digest == key.lookup(value)))


async def officer_by_external_identity(session: AsyncSession, subject: str) -> Officer | None:
    return await session.scalar(sa.select(Officer).where(Officer.external_identity == subject))


async def post_officer(
    session: AsyncSession, actor: str, officer_id: uuid.UUID, agency_id: uuid.UUID, started_on: dt.date,
    *, region_id: uuid.UUID | None = None, is_head: bool = False, today: dt.date | None = None,
) -> Posting:
    """A new posting from `started_on` (transfer to another agency or area, or a leadership term):
    the open posting ends the day before, and the officer belongs to the new agency."""
    today = today or legal_today()
    officer = await active_officer(session, officer_id)
    agency = await session.get(Agency, agency_id)
    if agency is None:
        raise UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "所任职的机关不存在", "agencyId")
    if region_id is not None and await session.get(Region, region_id) is None:
        raise UserError(PeopleErrorCode.REGION_NOT_FOUND, "任职的行政区划不存在", "regionId")
    current = await open_posting(session, officer.id)
    if started_on > today or (current is not None and started_on <= current.started_on):
        since = f"，且须晚于现任职务的起始日期 {current.started_on.isoformat()}" if current else ""
        raise UserError(PeopleErrorCode.POSTING_DATE_INVALID, f"任职起始日期不能晚于今天{since}", "startedOn")
    if current is not None:
        current.ended_on = started_on - dt.timedelta(days=1)
    posting = Posting(officer_id=officer.id, region_id=region_id or agency.region_id, agency_id=agency.id, is_head=is_head, started_on=started_on)
    session.add(posting)
    before = {"agency_id": str(officer.agency_id)}
    officer.agency_id = agency.id
    await session.flush()
    await record(
        session, actor=actor, action="officer.posted", object_type="Officer", object_id=officer.id, before=before,
        after={"agency_id": str(agency.id), "region_id": str(posting.region_id), "is_head": is_head, "started_on": started_on.isoformat()},
    )
    return posting


async def open_posting(session: AsyncSession, officer_id: uuid.UUID) -> Posting | None:
    return await session.scalar(
        sa.select(Posting).where(Posting.officer_id == officer_id, Posting.ended_on.is_(None)).order_by(Posting.started_on.desc()).limit(1)
    )


async def record_legal_qualification(
    session: AsyncSession, actor: str, officer_id: uuid.UUID, qualified: bool, reviewing_since: dt.date | None, today: dt.date | None = None,
) -> Officer:
    """法律职业资格 and the first day of legal review work (APL Art. 58 para 2)."""
    officer = await active_officer(session, officer_id)
    if reviewing_since is not None and reviewing_since > (today or legal_today()):
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "开始从事法制审核的日期不能晚于今天", "reviewingSince")
    before = {"legal_qualification": officer.legal_qualification, "legal_review_since": _iso(officer.legal_review_since)}
    officer.legal_qualification, officer.legal_review_since = qualified, reviewing_since
    await session.flush()
    await record(
        session, actor=actor, action="officer.legal_qualification", object_type="Officer", object_id=officer.id, before=before,
        after={"legal_qualification": qualified, "legal_review_since": _iso(reviewing_since)},
    )
    return officer


async def record_year(
    session: AsyncSession, actor: str, officer_id: uuid.UUID, year: int, training_hours: int,
    assessment: AssessmentResult | None, today: dt.date | None = None,
) -> OfficerYear:
    """A year's rotation training hours (轮训) and annual assessment (年度考核); recorded again, replaced."""
    officer = await active_officer(session, officer_id)
    errors = []
    if not FIRST_YEAR <= year <= (today or legal_today()).year:
        errors.append(UserError(CommonErrorCode.PERIOD_INVALID, f"年度须在 {FIRST_YEAR} 年至今年之间", "year"))
    if training_hours < 0:
        errors.append(UserError(CommonErrorCode.NUMBER_NEGATIVE, "培训学时不能为负数", "trainingHours"))
    raise_if_any(errors)
    row = await session.get(OfficerYear, (officer.id, year))
    before = {"training_hours": row.training_hours, "assessment": row.assessment and row.assessment.value} if row else None
    if row is None:
        row = OfficerYear(officer_id=officer.id, year=year)
        session.add(row)
    row.training_hours, row.assessment = training_hours, assessment
    await session.flush()
    await record(
        session, actor=actor, action="officer.year_recorded", object_type="Officer", object_id=officer.id, before=before,
        after={"year": year, "training_hours": training_hours, "assessment": assessment and assessment.value},
    )
    return row


async def retire_officer(session: AsyncSession, actor: str, officer_id: uuid.UUID, on: dt.date, reason: str, today: dt.date | None = None) -> Officer:
    """Retirement or leaving the service (退休、离岗) from `on`: every certificate not yet revoked
    is revoked that day and the open posting ends; the officer stays on his records."""
    today = today or legal_today()
    officer = await active_officer(session, officer_id)
    reason = reason.strip()
    current = await open_posting(session, officer.id)
    errors = []
    if not reason:
        errors.append(UserError(CommonErrorCode.REASON_REQUIRED, "须写明退休或离岗的事由", "reason"))
    if on > today:
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "退休或离岗日期不能晚于今天", "on"))
    elif current is not None and on < current.started_on:
        errors.append(UserError(PeopleErrorCode.POSTING_DATE_INVALID, f"退休或离岗日期不能早于现任职务的起始日期 {current.started_on.isoformat()}", "on"))
    raise_if_any(errors)
    certificates = (await certificates_of(session, [officer.id]))[officer.id]
    changes = await changes_of(session, [c.id for c in certificates])
    for certificate in certificates:
        status, since = recorded_status(certificate, changes[certificate.id])
        if status is not CertificateStatus.REVOKED:
            effective = max(on, since)
            await record_change(session, actor, certificate, CertificateStatus.REVOKED, effective, f"{reason}（{on.isoformat()}）", reason, today)
    if current is not None:
        current.ended_on = on
    officer.retired_on = on
    await session.flush()
    await record(session, actor=actor, action="officer.retired", object_type="Officer", object_id=officer.id, after={"retired_on": on.isoformat()}, detail=reason)
    return officer


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None

"""Outside supervision (社会监督): special supervisors (特邀行政执法监督员) and enterprise contact points
(行政执法监督企业联系点) appointed by a justice bureau, and their reports.

Luoyang 2023 (洛阳市提升行政执法质量三年行动实施方案) item 8 widens the special supervisors (more of
them, more from private and large enterprises and individual businesses); item 9 picks enterprises
as contact points, visited once or twice a year to survey satisfaction with enforcement.

A report by an outside supervisor is a complaint like any other: it is registered through
`core.complaints.service.register` (numbering, deadlines, encryption, audit all apply) with the
channel of its kind and `Complaint.outside_supervisor_id` set, received by the appointing bureau,
which assigns it onward as the complaint rules allow. The reporter is named, never anonymous.
Only an active supervisor within its term may report.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.db import in_ids
from zhifa.core.audit.service import record
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.clock import legal_date
from zhifa.core.complaints import service as complaints
from zhifa.core.complaints.models import Complaint, ComplaintChannel, ComplaintKind
from zhifa.core.complaints.policy import DEFAULT_COMPLAINT_POLICY, ComplaintPolicy
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.models import Entity
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.people.models import Agency, AgencyKind, Region
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import OutsideSupervisor, OutsideSupervisorKind as K

LUOYANG = "《洛阳市提升行政执法质量三年行动实施方案》"

CHANNEL = {K.SPECIAL_SUPERVISOR: ComplaintChannel.SPECIAL_SUPERVISOR, K.ENTERPRISE_CONTACT: ComplaintChannel.ENTERPRISE_CONTACT}


# --- pure rules ---------------------------------------------------------------------------------


def check_term(appointed_on: dt.date, term_until: dt.date | None) -> None:
    if term_until is not None and term_until < appointed_on:
        raise UserError(SupervisionErrorCode.TERM_INVALID, "聘任期满日不能早于聘任日", "termUntil")


def check_can_report(active: bool, appointed_on: dt.date, term_until: dt.date | None, received_on: dt.date) -> None:
    """Only an active supervisor, within its term on the day the report was received, reports."""
    if not active:
        raise UserError(SupervisionErrorCode.OUTSIDE_SUPERVISOR_INACTIVE, "该特邀监督员（企业联系点）已解聘，不能再以此身份反映问题", "outsideSupervisorId")
    if received_on < appointed_on:
        raise UserError(SupervisionErrorCode.OUTSIDE_SUPERVISOR_NOT_APPOINTED, f"反映日期早于聘任日（{appointed_on.isoformat()}）", "receivedAt")
    if term_until is not None and received_on > term_until:
        raise UserError(
            SupervisionErrorCode.OUTSIDE_SUPERVISOR_EXPIRED, f"该特邀监督员（企业联系点）的聘期已于 {term_until.isoformat()} 届满", "outsideSupervisorId"
        )


def in_term_clause(table: sa.Table, on: dt.date) -> sa.ColumnElement[bool]:
    """Active and within the term on `on` (the list's `current` filter), in SQL."""
    c = table.c
    return sa.and_(c.active.is_(True), c.appointed_on <= on, sa.or_(c.term_until.is_(None), c.term_until >= on))


def visible_clause(table: sa.Table, agencies: frozenset[uuid.UUID], regions: frozenset[uuid.UUID]) -> sa.ColumnElement[bool]:
    """Appointed by an agency in reach, or serving a region in reach (an enforcer of the county
    knows who watches it; the names of special supervisors are published)."""
    return sa.or_(in_ids(table.c.appointing_agency_id, agencies), in_ids(table.c.region_id, regions))


# --- services -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOutsideSupervisor:
    kind: K
    appointing_agency_id: uuid.UUID  # the justice bureau that appoints
    appointed_on: dt.date
    term_until: dt.date | None = None
    name: str = ""  # a special supervisor's name; a contact point takes the entity's
    organisation: str = ""  # 工作单位 / 联系人及所在部门
    region_id: uuid.UUID | None = None  # a contact point defaults to the entity's region
    entity_id: uuid.UUID | None = None  # required for a contact point


async def appoint(session: AsyncSession, actor: str, new: NewOutsideSupervisor, *, today: dt.date) -> OutsideSupervisor:
    """聘任 a special supervisor or designate an enterprise contact point. The caller checks that
    the region (and the entity) are within the appointing bureau's reach."""
    errors: list[UserError] = []
    bureau = await session.get(Agency, new.appointing_agency_id)
    if bureau is None or bureau.kind is not AgencyKind.JUSTICE_BUREAU:
        raise UserError(CommonErrorCode.FORBIDDEN, "特邀监督员和企业联系点由司法行政机关（执法监督机构）聘任", "agencyId")
    name, organisation, region_id = new.name.strip(), new.organisation.strip(), new.region_id
    if new.kind is K.ENTERPRISE_CONTACT:
        entity = await session.get(Entity, new.entity_id) if new.entity_id else None
        if entity is None:
            errors.append(UserError(SupervisionErrorCode.ENTITY_REQUIRED, "企业联系点须选定已登记的企业（行政相对人）", "entityId"))
        else:
            name, region_id = entity.name, region_id or entity.region_id
            duplicate = await session.scalar(sa.select(OutsideSupervisor.id).where(
                OutsideSupervisor.entity_id == entity.id, OutsideSupervisor.appointing_agency_id == bureau.id,
                OutsideSupervisor.active.is_(True),
            ))
            if duplicate:
                errors.append(UserError(SupervisionErrorCode.CONTACT_POINT_EXISTS, f"{entity.name}已是本机关的企业联系点", "entityId"))
    elif new.entity_id is not None:
        errors.append(UserError(SupervisionErrorCode.ENTITY_NOT_ALLOWED, "特邀监督员是个人，不关联行政相对人；企业请设为企业联系点", "entityId"))
    if not name:
        errors.append(UserError(CommonErrorCode.NAME_REQUIRED, "请填写特邀监督员姓名", "name"))
    elif len(name) > 200 or len(organisation) > 200:
        errors.append(UserError(CommonErrorCode.NAME_INVALID, "姓名（名称）和工作单位均不超过 200 字", "name"))
    if region_id is None or await session.get(Region, region_id) is None:
        errors.append(UserError(SupervisionErrorCode.REGION_REQUIRED, "请选择监督的行政区划", "regionId"))
    if new.appointed_on > today:
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "聘任日期不能晚于今天", "appointedOn"))
    try:
        check_term(new.appointed_on, new.term_until)
    except UserError as exc:
        errors.append(exc)
    raise_if_any(errors)
    supervisor = OutsideSupervisor(
        kind=new.kind, name=name, organisation=organisation, entity_id=new.entity_id if new.kind is K.ENTERPRISE_CONTACT else None,
        region_id=region_id, appointing_agency_id=bureau.id, appointed_on=new.appointed_on, term_until=new.term_until, active=True,
    )
    session.add(supervisor)
    await session.flush()
    await _audit(session, actor, "outside_supervisor.appointed", supervisor, None)
    return supervisor


async def end_term(session: AsyncSession, actor: str, supervisor_id: uuid.UUID, on: dt.date, *, today: dt.date) -> OutsideSupervisor:
    """解聘 / 期满: the supervisor stops on `on` (its term ends that day); reports after it are refused."""
    supervisor = await session.get(OutsideSupervisor, supervisor_id)
    if supervisor is None:
        raise UserError(SupervisionErrorCode.OUTSIDE_SUPERVISOR_NOT_FOUND, "特邀监督员（企业联系点）不存在或不在本机关管辖范围内", "outsideSupervisorId")
    if not supervisor.active:
        raise UserError(SupervisionErrorCode.OUTSIDE_SUPERVISOR_INACTIVE, "已解聘，无需重复操作", "outsideSupervisorId")
    if on > today:
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "解聘日期不能晚于今天", "on")
    if on < supervisor.appointed_on:
        raise UserError(SupervisionErrorCode.TERM_INVALID, "解聘日期不能早于聘任日", "on")
    before = _state(supervisor)
    supervisor.active = False
    supervisor.term_until = on if supervisor.term_until is None else min(supervisor.term_until, on)
    await session.flush()
    await _audit(session, actor, "outside_supervisor.ended", supervisor, before)
    return supervisor


@dataclass(frozen=True)
class OutsideReport:
    supervisor_id: uuid.UUID
    content: str
    received_at: dt.datetime
    subject_name: str = ""
    subject_entity_id: uuid.UUID | None = None
    subject_address: str = ""
    domain_code: str | None = None
    phone: str | None = None  # how to reach the reporter (encrypted in the complaint)
    confidential: bool = False


async def report(
    session: AsyncSession,
    actor: str,
    new: OutsideReport,
    key: DataKey,
    *,
    today: dt.date,
    policy: ComplaintPolicy = DEFAULT_COMPLAINT_POLICY,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Complaint:
    """登记 an outside supervisor's report in the complaint ledger, received by the appointing bureau."""
    supervisor = await session.get(OutsideSupervisor, new.supervisor_id)
    if supervisor is None:
        raise UserError(SupervisionErrorCode.OUTSIDE_SUPERVISOR_NOT_FOUND, "特邀监督员（企业联系点）不存在或不在本机关管辖范围内", "outsideSupervisorId")
    if new.received_at.tzinfo is None:
        raise UserError(CommonErrorCode.DATETIME_NAIVE, "收到时间须带时区（如 2025-09-30T09:00:00+08:00）", "receivedAt")
    check_can_report(supervisor.active, supervisor.appointed_on, supervisor.term_until, legal_date(new.received_at))
    complaint = await complaints.register(session, actor, complaints.NewComplaint(
        kind=ComplaintKind.REPORT,
        channel=CHANNEL[supervisor.kind],
        agency_id=supervisor.appointing_agency_id,
        received_at=new.received_at,
        content=new.content,
        subject_name=new.subject_name,
        subject_address=new.subject_address,
        subject_entity_id=new.subject_entity_id,
        domain_code=new.domain_code,
        complainant_name=supervisor.name,
        complainant_phone=new.phone,
        confidential=new.confidential,
        outside_supervisor_id=supervisor.id,
    ), key, today=today, policy=policy, calendar=calendar)
    await record(session, actor=actor, action="outside_supervisor.reported", object_type="OutsideSupervisor",
                 object_id=supervisor.id, after={"complaint": complaint.number})
    return complaint


def _state(s: OutsideSupervisor) -> dict:
    return {
        "kind": s.kind.value, "name": s.name, "organisation": s.organisation, "entity": str(s.entity_id) if s.entity_id else None,
        "region": str(s.region_id), "appointed_on": s.appointed_on.isoformat(),
        "term_until": s.term_until.isoformat() if s.term_until else None, "active": s.active,
    }


async def _audit(session: AsyncSession, actor: str, action: str, s: OutsideSupervisor, before: dict | None) -> None:
    await record(session, actor=actor, action=action, object_type="OutsideSupervisor", object_id=s.id, before=before, after=_state(s))

"""Case services: each step validates, changes, numbers, and writes the timeline and the audit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.access.viewer import Role
from zhifa.core.audit.service import record
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.guards import OfficerSnapshot, not_enforcers
from zhifa.core.cases.models import Case, CaseEvent, CaseOfficer, CaseOfficerRole, CaseStatus, Procedure
from zhifa.core.cases.numbering import allocate, number_for
from zhifa.core.catalog.loader import parse_facts
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.catalog.service import version_in_force
from zhifa.core.catalog.spec import normalise_facts
from zhifa.core.clock import legal_date, legal_today
from zhifa.core.db import utcnow
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.models import Entity
from zhifa.core.entities.status import case_refusal
from zhifa.core.errors import UserError, UserErrors, raise_if_any
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import Agency, AgencyDomain, Officer

CASE_DOC_TYPE = "案"
MAX_HANDLERS = 10


@dataclass(frozen=True)
class NewCase:
    entity_id: uuid.UUID
    agency_id: uuid.UUID
    item_code: str
    violation_date: dt.date
    officer_ids: list[uuid.UUID]
    procedure: Procedure = Procedure.GENERAL
    facts: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    assistant_ids: list[uuid.UUID] = field(default_factory=list)  # auxiliary staff who assist, never act (APL Art. 42)


async def register_case(session: AsyncSession, actor: str, new: NewCase) -> Case:
    """登记: a clue becomes a case with a number, pinned to the item version of the violation day."""
    errors: list[UserError] = []
    if new.violation_date > legal_today():
        errors.append(UserError(CaseErrorCode.VIOLATION_DATE_IN_FUTURE, "违法行为发生日期不能晚于今天", "violationDate"))
    entity = await session.get(Entity, new.entity_id)
    if entity is None:
        errors.append(UserError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在", "entityId"))
    elif refusal := case_refusal(entity.status, entity.status_since, new.violation_date):
        errors.append(refusal)
    agency, domains = await _agency_with_domains(session, new.agency_id)
    if agency is None:
        errors.append(UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "执法主体不存在", "agencyId"))
    elif agency.closed_on is not None:
        errors.append(closed_agency(agency))
    item = await version_in_force(session, new.item_code, new.violation_date, errors)
    officer_ids = list(dict.fromkeys(new.officer_ids))
    assistant_ids = [a for a in dict.fromkeys(new.assistant_ids) if a not in officer_ids]  # a handler already takes part
    await check_people(session, officer_ids, assistant_ids, new.agency_id, errors)
    facts: dict[str, Any] = {}
    if item is not None:
        if agency is not None and item.domain_code not in domains:
            errors.append(UserError(PeopleErrorCode.AGENCY_DOMAIN_MISMATCH, f"{agency.name}不承担“{item.domain_code}”领域的执法职责", "agencyId"))
        try:
            facts = normalise_facts(item.code, parse_facts(item.facts), new.facts)
        except UserErrors as exc:
            errors += exc.errors
    raise_if_any(errors)
    return await _insert_case(session, actor, new, agency, item, officer_ids, assistant_ids, facts)


async def _insert_case(
    session: AsyncSession,
    actor: str,
    new: NewCase,
    agency: Agency,
    item: CatalogItemVersion,
    officer_ids: list[uuid.UUID],
    assistant_ids: list[uuid.UUID],
    facts: dict[str, Any],
) -> Case:
    now = utcnow()
    year = legal_date(now).year
    serial = await allocate(session, agency.id, CASE_DOC_TYPE, year)
    case = Case(
        case_number=number_for(agency.case_pattern, agency.short_name, CASE_DOC_TYPE, year, serial),
        procedure=new.procedure,
        status=CaseStatus.REGISTERED,
        domain_code=item.domain_code,
        item_version_id=item.id,
        entity_id=new.entity_id,
        agency_id=agency.id,
        facts=facts,
        description=new.description.strip(),
        violation_date=new.violation_date,
        registered_at=now,
        updated_at=now,
    )
    session.add(case)
    await session.flush()
    session.add_all(CaseOfficer(case_id=case.id, officer_id=o, position=i) for i, o in enumerate(officer_ids))
    session.add_all(CaseOfficer(case_id=case.id, officer_id=o, position=i, role=CaseOfficerRole.ASSISTANT) for i, o in enumerate(assistant_ids))
    session.add(CaseEvent(case_id=case.id, seq=1, kind="registered", at=now, actor=actor, data={"item": item.code, "itemVersion": item.version}))
    await record(
        session,
        actor=actor,
        action="case.registered",
        object_type="Case",
        object_id=case.id,
        after={"case_number": case.case_number, "item": item.code, "version": item.version, "facts": facts},
    )
    await session.flush()
    return case


def closed_agency(agency: Agency) -> UserError:
    """A closed agency takes no new case: its successor does (core.people.agencies)."""
    return UserError(PeopleErrorCode.AGENCY_CLOSED, f"{agency.name}已于 {agency.closed_on.isoformat()} 撤销，不能承接新案件", "agencyId")


async def _agency_with_domains(session: AsyncSession, agency_id: uuid.UUID) -> tuple[Agency | None, set[str]]:
    """The agency and the domains it enforces, in one statement."""
    stmt = sa.select(Agency, AgencyDomain.domain_code).outerjoin(AgencyDomain, AgencyDomain.agency_id == Agency.id).where(Agency.id == agency_id)
    rows = (await session.execute(stmt)).all()
    return (rows[0][0] if rows else None), {domain for _, domain in rows if domain is not None}


async def check_people(
    session: AsyncSession, officer_ids: list[uuid.UUID], assistant_ids: list[uuid.UUID], agency_id: uuid.UUID, errors: list[UserError]
) -> None:
    """Handlers are the agency's enforcement officers from registration on (APL Art. 42); its
    auxiliary staff may be named as assistants, who are recorded but never counted or acting."""
    if not 1 <= len(officer_ids) <= MAX_HANDLERS or len(assistant_ids) > MAX_HANDLERS:
        errors.append(UserError(CaseErrorCode.HANDLERS_REQUIRED, f"请指定 1 至 {MAX_HANDLERS} 名承办人员、至多 {MAX_HANDLERS} 名协助人员", "officerIds"))
        return
    stmt = sa.select(Officer.id, Officer.agency_id, Officer.name, Officer.role).where(Officer.id.in_([*officer_ids, *assistant_ids]))
    found = {r.id: r for r in (await session.execute(stmt)).all()}
    for ids, label, key in ((officer_ids, "承办人员", "officerIds"), (assistant_ids, "协助人员", "assistantIds")):
        if missing := [o for o in ids if o not in found]:
            errors.append(UserError(PeopleErrorCode.OFFICER_NOT_FOUND, f"有 {len(missing)} 名{label}不存在", key))
        if any(found[o].agency_id != agency_id for o in ids if o in found):
            errors.append(UserError(PeopleErrorCode.OFFICER_NOT_IN_AGENCY, f"{label}必须是本执法主体的人员", key))
    errors += not_enforcers([OfficerSnapshot(o, Role(found[o].role.value), name=found[o].name) for o in officer_ids if o in found])

"""Agencies as records (issue 12 point 2): create, rename, move under another parent, set the
domains held and the numbering patterns, and close. Never deleted: a closed agency keeps its row
and its cases; its open cases pass to a successor agency by a recorded decision (机构改革、撤并),
and the jurisdiction rules place it below that successor, so the successor reads what it closed.

Authorisation is the GraphQL layer's; these services validate, change and audit (before/after).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.access.viewer import descendants
from zhifa.core.audit.service import record
from zhifa.core.cases.models import Case
from zhifa.core.cases.numbering import pattern_problem
from zhifa.core.cases.procedure import TERMINAL
from zhifa.core.cases.workflow import append_event
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.models import Domain
from zhifa.core.clock import legal_today
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import (
    Agency,
    AgencyDomain,
    AgencyKind,
    Region,
    RegionLevel,
)

MAX_NAME, MAX_SHORT_NAME = 200, 20
HANDOVER = "handover"  # the case event of a closure's handover (not a procedural step: it dates nothing)


@dataclass(frozen=True)
class NewAgency:
    name: str
    short_name: str
    kind: AgencyKind
    region_id: uuid.UUID
    parent_id: uuid.UUID | None
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Closure:
    successor_id: uuid.UUID
    decision: str  # 决定文号 of the act that abolished or merged the agency
    reason: str
    closed_on: dt.date | None = None  # None: today


async def agency_by_name(session: AsyncSession, name: str) -> Agency | None:
    return (await session.execute(sa.select(Agency).where(Agency.name == name.strip()))).scalar_one_or_none()


async def create_agency(session: AsyncSession, actor: str, new: NewAgency) -> Agency:
    """An agency seated in a region at or below its parent's (a county bureau's team sits in the
    county or one of its townships), holding registered domains."""
    errors: list[UserError] = []
    name, short_name = await _checked_names(session, None, new.name, new.short_name, errors)
    region = await _region(session, new.region_id, errors)
    parent = await _open_parent(session, new.parent_id, errors)
    if region is not None:
        errors += _kind_problems(new.kind, region)
        if parent is not None and not await _at_or_below(session, region.id, parent.region_id):
            errors.append(_outside_parent(parent))
    domains = await _checked_domains(session, new.domains, errors)
    raise_if_any(errors)
    agency = Agency(name=name, short_name=short_name, kind=new.kind, level=region.level, region_id=region.id, parent_id=new.parent_id)
    session.add(agency)
    await session.flush()
    session.add_all(AgencyDomain(agency_id=agency.id, domain_code=d) for d in domains)
    await _audit(session, actor, "agency.created", agency, None, {**_state(agency), "domains": domains})
    return agency


async def rename_agency(
    session: AsyncSession, actor: str, agency_id: uuid.UUID, name: str | None, short_name: str | None, version: int | None = None
) -> Agency:
    """A new name or short name; numbers already issued keep the old short name."""
    agency = await open_agency(session, agency_id, version)
    before = _state(agency)
    errors: list[UserError] = []
    agency.name, agency.short_name = await _checked_names(
        session, agency.id, agency.name if name is None else name, agency.short_name if short_name is None else short_name, errors
    )
    raise_if_any(errors)
    await session.flush()
    await _audit(session, actor, "agency.renamed", agency, before, _state(agency))
    return agency


async def move_agency(session: AsyncSession, actor: str, agency_id: uuid.UUID, parent_id: uuid.UUID, version: int | None = None) -> Agency:
    """Under another open parent whose region holds the agency's, never under itself or below it."""
    agency = await open_agency(session, agency_id, version)
    errors: list[UserError] = []
    parent = await _open_parent(session, parent_id, errors)
    raise_if_any(errors)
    parent_of = dict((await session.execute(sa.select(Agency.id, Agency.parent_id))).all())
    if parent.id in descendants([agency.id], parent_of):
        raise UserError(PeopleErrorCode.AGENCY_PARENT_CYCLE, f"不能将{agency.name}移至其自身或其下级机关{parent.name}之下", "parentId")
    if not await _at_or_below(session, agency.region_id, parent.region_id):
        raise _outside_parent(parent)
    before = _state(agency)
    agency.parent_id = parent.id
    await session.flush()
    await _audit(session, actor, "agency.moved", agency, before, _state(agency))
    return agency


async def set_agency_domains(session: AsyncSession, actor: str, agency_id: uuid.UUID, domains: tuple[str, ...], version: int | None = None) -> Agency:
    """The domains the agency enforces from now on (a case already registered keeps its domain)."""
    agency = await open_agency(session, agency_id, version)
    errors: list[UserError] = []
    codes = await _checked_domains(session, domains, errors)
    raise_if_any(errors)
    held = await domains_of(session, agency.id)
    await session.execute(sa.delete(AgencyDomain).where(AgencyDomain.agency_id == agency.id))
    session.add_all(AgencyDomain(agency_id=agency.id, domain_code=d) for d in codes)
    await session.flush()
    await _audit(session, actor, "agency.domains_set", agency, {"domains": held}, {"domains": codes})
    return agency


async def set_agency_numbering(
    session: AsyncSession, actor: str, agency_id: uuid.UUID, case_pattern: str | None, document_pattern: str | None, version: int | None = None
) -> Agency:
    """The patterns of its case numbers and document numbers from the next number on (core.cases.numbering)."""
    agency = await open_agency(session, agency_id, version)
    errors: list[UserError] = []
    patterns = {"case_pattern": case_pattern, "document_pattern": document_pattern}
    for field, pattern in patterns.items():
        if pattern is not None and (problem := pattern_problem(pattern.strip(), field == "document_pattern")):
            errors.append(UserError(PeopleErrorCode.NUMBER_PATTERN_INVALID, problem, "casePattern" if field == "case_pattern" else "documentPattern"))
    raise_if_any(errors)
    before = _state(agency)
    for field, pattern in patterns.items():
        if pattern is not None:
            setattr(agency, field, pattern.strip())
    await session.flush()
    await _audit(session, actor, "agency.numbering_set", agency, before, _state(agency))
    return agency


async def close_agency(session: AsyncSession, actor: str, agency_id: uuid.UUID, closure: Closure, version: int | None = None) -> Agency:
    """Closed from `closed_on` by `decision`: its open cases pass to the successor (which must hold
    their domains), each handover on the case's timeline and in the audit; its subordinate
    agencies must have been moved first. Its closed cases stay where they are, read through the
    successor."""
    agency = await open_agency(session, agency_id, version)
    closed_on = closure.closed_on or legal_today()
    decision, reason = closure.decision.strip(), closure.reason.strip()
    errors: list[UserError] = []
    if not decision or not reason:
        errors.append(UserError(PeopleErrorCode.AGENCY_CLOSURE_DECISION_REQUIRED, "撤销执法主体须写明撤销决定的文号和理由", "decision" if not decision else "reason"))
    if closed_on > legal_today():
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "撤销日期不能晚于今天", "closedOn"))
    successor = await _successor(session, agency, closure.successor_id, errors)
    if await _open_subordinates(session, agency.id):
        errors.append(UserError(PeopleErrorCode.AGENCY_HAS_SUBORDINATES, f"{agency.name}仍有未撤销的下级机关，须先将其移至其他上级机关或予以撤销", "agencyId"))
    open_cases = await _open_cases(session, agency.id)
    if successor is not None and (missing := sorted({c.domain_code for c in open_cases} - set(await domains_of(session, successor.id)))):
        errors.append(UserError(
            PeopleErrorCode.AGENCY_SUCCESSOR_INVALID, f"{successor.name}不承担“{'、'.join(missing)}”领域的执法职责，不能承接{agency.name}的未结案件", "successorId",
        ))
    raise_if_any(errors)
    before = _state(agency)
    agency.closed_on, agency.successor_id, agency.closing_decision, agency.closing_reason = closed_on, successor.id, decision, reason
    await session.flush()
    for case in open_cases:
        await _hand_over(session, actor, case, agency, successor, closed_on)
    await _audit(session, actor, "agency.closed", agency, before, {**_state(agency), "cases_handed_over": [c.case_number for c in open_cases]})
    return agency


async def open_agency(session: AsyncSession, agency_id: uuid.UUID, version: int | None = None) -> Agency:
    """The agency, to change: it exists, is open, and is the version the client saw (if it says)."""
    agency = await session.get(Agency, agency_id)
    if agency is None:
        raise UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "执法主体不存在", "agencyId")
    if agency.closed_on is not None:
        raise _closed(agency, "不能再变更", "agencyId")
    if version is not None and version != agency.version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, f"执法主体已被他人修改（当前版本 {agency.version}，提交的是 {version}），请刷新后重试", "version")
    return agency


async def domains_of(session: AsyncSession, agency_id: uuid.UUID) -> list[str]:
    stmt = sa.select(AgencyDomain.domain_code).where(AgencyDomain.agency_id == agency_id).order_by(AgencyDomain.domain_code)
    return list((await session.execute(stmt)).scalars())


# --- checks --------------------------------------------------------------------------------------


async def _checked_names(session: AsyncSession, agency_id: uuid.UUID | None, name: str, short_name: str, errors: list[UserError]) -> tuple[str, str]:
    """Both unique: the name identifies the agency, the short name keeps its numbers apart from any other's."""
    name, short_name = name.strip(), short_name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        errors.append(UserError(CommonErrorCode.NAME_INVALID, f"机关名称不能为空，且不超过 {MAX_NAME} 个字符", "name"))
    elif await _taken(session, Agency.name, name, agency_id):
        errors.append(UserError(PeopleErrorCode.AGENCY_NAME_DUPLICATE, f"已有名为“{name}”的机关", "name"))
    if not 1 <= len(short_name) <= MAX_SHORT_NAME or any(c in short_name for c in "{}〔〕"):
        errors.append(UserError(PeopleErrorCode.AGENCY_SHORT_NAME_INVALID, f"机关简称不能为空，不超过 {MAX_SHORT_NAME} 个字符，且不含花括号和六角括号", "shortName"))
    elif await _taken(session, Agency.short_name, short_name, agency_id):
        errors.append(UserError(PeopleErrorCode.AGENCY_SHORT_NAME_DUPLICATE, f"简称“{short_name}”已由其他机关使用，案号和文书编号会重复", "shortName"))
    return name, short_name


async def _taken(session: AsyncSession, column, value: str, agency_id: uuid.UUID | None) -> bool:
    stmt = sa.select(Agency.id).where(column == value)
    if agency_id is not None:
        stmt = stmt.where(Agency.id != agency_id)
    return (await session.execute(stmt)).first() is not None


async def _region(session: AsyncSession, region_id: uuid.UUID, errors: list[UserError]) -> Region | None:
    region = await session.get(Region, region_id)
    if region is None:
        errors.append(UserError(PeopleErrorCode.REGION_NOT_FOUND, "行政区划不存在", "regionId"))
    elif region.ended_on is not None:
        errors.append(UserError(PeopleErrorCode.REGION_ENDED, f"{region.name}已于 {region.ended_on.isoformat()} 撤销或并入其他区划，不能设立机关", "regionId"))
        return None
    return region


def _kind_problems(kind: AgencyKind, region: Region) -> list[UserError]:
    """A township team sits in a township (it acts there under delegation, APL Art. 24); every other kind above it."""
    if (kind is AgencyKind.TOWNSHIP_TEAM) == (region.level is RegionLevel.TOWNSHIP):
        return []
    return [UserError(PeopleErrorCode.AGENCY_KIND_MISMATCH, f"{kind.label}不能设在{region.level.label}一级的{region.name}", "kind")]


async def _open_parent(session: AsyncSession, parent_id: uuid.UUID | None, errors: list[UserError]) -> Agency | None:
    if parent_id is None:
        return None
    parent = await session.get(Agency, parent_id)
    if parent is None:
        errors.append(UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "上级机关不存在", "parentId"))
    elif parent.closed_on is not None:
        errors.append(_closed(parent, "不能作为上级机关", "parentId"))
        return None
    return parent


async def _at_or_below(session: AsyncSession, region_id: uuid.UUID, ancestor_id: uuid.UUID) -> bool:
    parent_of = dict((await session.execute(sa.select(Region.id, Region.parent_id))).all())
    return region_id in descendants([ancestor_id], parent_of)


def _outside_parent(parent: Agency) -> UserError:
    return UserError(PeopleErrorCode.AGENCY_REGION_OUTSIDE_PARENT, f"机关所在区划须为{parent.name}所在区划或其下级区划", "regionId")


async def _checked_domains(session: AsyncSession, domains: tuple[str, ...], errors: list[UserError]) -> list[str]:
    codes = sorted({d.strip() for d in domains})
    known = set((await session.execute(sa.select(Domain.code).where(Domain.code.in_(codes)))).scalars())
    if unknown := [c for c in codes if c not in known]:
        errors.append(UserError(CatalogErrorCode.DOMAIN_UNKNOWN, f"没有代码为“{'、'.join(unknown)}”的执法领域", "domains"))
    return codes


async def _successor(session: AsyncSession, agency: Agency, successor_id: uuid.UUID, errors: list[UserError]) -> Agency | None:
    successor = await session.get(Agency, successor_id)
    if successor is None or successor.id == agency.id:
        errors.append(UserError(PeopleErrorCode.AGENCY_SUCCESSOR_INVALID, "承继机关须为另一个已登记的执法主体", "successorId"))
        return None
    if successor.closed_on is not None:
        errors.append(_closed(successor, "不能作为承继机关", "successorId"))
        return None
    return successor


def _closed(agency: Agency, consequence: str, field: str) -> UserError:
    return UserError(PeopleErrorCode.AGENCY_CLOSED, f"{agency.name}已于 {agency.closed_on.isoformat()} 撤销，{consequence}", field)


async def _open_subordinates(session: AsyncSession, agency_id: uuid.UUID) -> bool:
    stmt = sa.select(Agency.id).where(Agency.parent_id == agency_id, Agency.closed_on.is_(None))
    return (await session.execute(stmt)).first() is not None


async def _open_cases(session: AsyncSession, agency_id: uuid.UUID) -> list[Case]:
    stmt = sa.select(Case).where(Case.agency_id == agency_id, Case.status.not_in([*TERMINAL])).order_by(Case.registered_at).with_for_update()
    return list((await session.execute(stmt)).scalars())


# --- changes -------------------------------------------------------------------------------------


async def _hand_over(session: AsyncSession, actor: str, case: Case, closed: Agency, successor: Agency, on: dt.date) -> None:
    """The successor continues the case under its number and with its handlers (the file is
    whole); the next documents carry the successor's numbers."""
    data = {
        "on": on.isoformat(), "from_agency_id": str(closed.id), "to_agency_id": str(successor.id),
        "decision": closed.closing_decision, "reason": closed.closing_reason,
    }
    before = {"agency_id": str(case.agency_id), "version": case.version}
    case.agency_id = successor.id
    await append_event(session, case.id, HANDOVER, actor, data)
    await session.flush()  # the case's version moves: a client holding the old one must reload
    await record(session, actor=actor, action="case.handover", object_type="Case", object_id=case.id, before=before,
                 after={"agency_id": str(successor.id), "version": case.version, **data})


def _state(agency: Agency) -> dict:
    return {
        "name": agency.name, "short_name": agency.short_name, "kind": agency.kind.value, "region_id": str(agency.region_id),
        "parent_id": str(agency.parent_id) if agency.parent_id else None,
        "case_pattern": agency.case_pattern, "document_pattern": agency.document_pattern,
        "closed_on": agency.closed_on.isoformat() if agency.closed_on else None,
        "successor_id": str(agency.successor_id) if agency.successor_id else None,
        "closing_decision": agency.closing_decision, "closing_reason": agency.closing_reason,
    }


async def _audit(session: AsyncSession, actor: str, action: str, agency: Agency, before: dict | None, after: dict) -> None:
    await record(session, actor=actor, action=action, object_type="Agency", object_id=agency.id, before=before, after=after)

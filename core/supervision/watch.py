"""Problem detection as a service: load the plain data each alert rule needs, within a set of
agencies, and run the rules of `core.supervision.alerts`. One statement (sometimes two) per data
set, never one per row, so the number of statements does not grow with the data.

Also the special explanation (专项说明, source 003 item 10) that clears NO_ENFORCEMENT_ACT.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection
from itertools import groupby
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.cases.models import Case, CaseDeadline, CaseOfficer, CaseOfficerRole, CaseStatus
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.models import CatalogItemVersion, Delegation, Domain
from zhifa.core.clock import legal_date
from zhifa.core.db import in_ids
from zhifa.core.complaints import rules as complaint_rules
from zhifa.core.complaints.models import Complaint
from zhifa.core.errors import UserError
from zhifa.core.inspections.models import Inspection, InspectionInspector
from zhifa.core.inspections.service import VISIT_DAY
from zhifa.core.people.models import Agency, AgencyDomain, AgencyKind, Officer, OfficerDomain, Posting, Region
from zhifa.core.publication.models import Publication
from zhifa.core.supervision import alerts as a
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import SpecialExplanation

Agencies = Collection[uuid.UUID] | None  # None: every agency


@dataclass(frozen=True)
class Scope:
    as_of: dt.date
    year: int
    agencies: Agencies  # the agencies whose alerts are computed (the viewer's reach, maybe narrowed)
    codes: frozenset[str] | None = None  # None: every rule

    def wants(self, *codes: str) -> bool:
        return self.codes is None or bool(self.codes & set(codes))

    def of(self, column: sa.ColumnElement) -> list[sa.ColumnElement[bool]]:
        return [] if self.agencies is None else [column.in_(list(self.agencies))]

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return min(dt.date(self.year, 12, 31), self.as_of)


async def detect(session: AsyncSession, scope: Scope, policy: a.AlertPolicy = a.DEFAULT_ALERT_POLICY) -> list[a.Alert]:
    """Every alert of the rules in `scope.codes`, for the agencies of the scope."""
    found: list[a.Alert] = []
    if scope.wants("CASE_DEADLINE_OVERDUE", "PUBLICATION_OVERDUE"):
        rows = await _deadlines(session, scope)
        if scope.wants("CASE_DEADLINE_OVERDUE"):
            found += a.case_deadlines_overdue(rows, scope.as_of)
        if scope.wants("PUBLICATION_OVERDUE"):
            found += a.publication_overdue(rows, scope.as_of)
    if scope.wants("COMPLAINT_OVERDUE"):
        found += a.complaints_overdue(await _complaints(session, scope), scope.as_of)
    if scope.wants("TOO_FEW_OFFICERS", "AUXILIARY_ALONE"):
        acts = [*await _case_acts(session, scope), *await _inspection_acts(session, scope)]
        staff = await _staff(session, in_ids(Officer.id, {person for act in acts for person in act.staff_ids}))
        found += a.acting_staff(acts, {s.id: s for s in staff}, policy)
    if scope.wants("DISPARATE_PENALTY", "DISCRETION_DEPARTURE", "DISCRETION_DEPARTURE_UNREASONED"):
        decided = await _decided(session, scope)
        if scope.wants("DISPARATE_PENALTY"):
            found += a.disparate_penalty(decided, policy)
        found += [x for x in a.discretion_departure(decided) if scope.wants(x.code)]
    if scope.wants("NO_ENFORCEMENT_ACT"):
        found += await _no_enforcement(session, scope)
    if scope.wants("ROTATION_DUE"):
        found += a.rotation_due(await _postings(session, scope), scope.as_of, policy)
    if scope.wants("STAFFING_FRONT_LINE_BELOW_RATIO", "TOWNSHIP_UNDERSTAFFED"):
        places = _places(scope)
        agencies = await _agencies(session, places)
        staff = await _staff(session, *scope.of(Officer.agency_id))
        if scope.wants("STAFFING_FRONT_LINE_BELOW_RATIO"):
            found += a.front_line_ratio(agencies, staff, scope.as_of, policy)
        if scope.wants("TOWNSHIP_UNDERSTAFFED"):
            found += a.township_staffing(await _regions(session, places), agencies, staff, scope.as_of, policy)
    if scope.wants("INSPECTION_CEILING_EXCEEDED"):
        found += await _inspection_load(session, scope, policy)
    inside = scope.agencies
    return [x for x in found if inside is None or x.agency_id in inside]


# --- loaders (one statement per data set) --------------------------------------------------------


async def _deadlines(session: AsyncSession, scope: Scope) -> list[a.DeadlineRow]:
    """Deadlines past due and unmet on `as_of`; a publication deadline with its decision's first
    publication (looked up for those rows only, never grouped over every publication)."""
    d = CaseDeadline
    first_published = sa.case(
        (d.kind == a.PUBLICATION_KIND, sa.select(sa.func.min(Publication.published_on)).where(Publication.case_id == d.case_id).scalar_subquery()),
    )
    stmt = (
        sa.select(d.case_id, Case.agency_id, Case.case_number, d.kind, d.label, d.due_on, d.met_on, d.basis, first_published)
        .join(Case, Case.id == d.case_id)
        .where(d.due_on < scope.as_of, sa.or_(d.met_on.is_(None), d.met_on > scope.as_of), *scope.of(Case.agency_id))
    )
    return [a.DeadlineRow(*row) for row in await session.execute(stmt)]


async def _complaints(session: AsyncSession, scope: Scope) -> list[a.ComplaintRow]:
    c = Complaint
    stmt = sa.select(c.id, c.agency_id, c.number, c.reply_due_on, c.replied_on, c.handling_due_on, c.resolved_on).where(
        complaint_rules.overdue_clause(Complaint.__table__, scope.as_of), *scope.of(c.agency_id)
    )
    return [a.ComplaintRow(*row) for row in await session.execute(stmt)]


# Cases whose handling officers acted: everything past registration (a case not filed never acted).
NOT_ACTED = (CaseStatus.REGISTERED, CaseStatus.NOT_FILED)


def _case_where(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """Cases past registration that may have acted in the year (refined in Python: `_case_acts`)."""
    start, end = scope.year_start, scope.year_end
    coarse = sa.or_(
        Case.decided_on.between(start, end),
        sa.and_(Case.decided_on.is_(None), Case.filed_on.between(start, end)),
        sa.and_(Case.decided_on.is_(None), Case.filed_on.is_(None),
                Case.registered_at.between(_moment(start - dt.timedelta(days=1)), _moment(end + dt.timedelta(days=2)))),
    )
    return [Case.status.not_in(NOT_ACTED), coarse, *scope.of(Case.agency_id)]


async def _case_acts(session: AsyncSession, scope: Scope) -> list[a.Act]:
    """Cases past registration whose act day falls in the year: the decision day when decided, else
    the filing day, else the registration day (the last act the handling officers signed)."""
    start, end = scope.year_start, scope.year_end
    where = _case_where(scope)
    handler = sa.and_(CaseOfficer.case_id == Case.id, CaseOfficer.role == CaseOfficerRole.HANDLER)
    rows = await session.execute(  # each case with its handlers, a row a handler
        sa.select(Case.id, Case.agency_id, Case.case_number, Case.domain_code, Case.decided_on, Case.filed_on, Case.registered_at, CaseOfficer.officer_id)
        .outerjoin(CaseOfficer, handler).where(*where).order_by(Case.id, CaseOfficer.position)
    )
    acts = []
    for _, same in groupby(rows, key=lambda r: r.id):
        c, *others = same
        on = c.decided_on or c.filed_on or legal_date(c.registered_at)
        if start <= on <= end:
            handlers = tuple(r.officer_id for r in (c, *others) if r.officer_id is not None)
            acts.append(a.Act("Case", c.id, c.agency_id, on, (c.domain_code,), handlers, c.case_number))
    return acts


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _inspection_where(scope: Scope) -> list[sa.ColumnElement[bool]]:
    return [Inspection.inspected_on.between(scope.year_start, scope.year_end), *scope.of(Inspection.agency_id)]


async def _inspection_acts(session: AsyncSession, scope: Scope) -> list[a.Act]:
    """Inspections carried out in the year (inspected_on set), by their inspectors."""
    where = _inspection_where(scope)
    rows = (await session.execute(sa.select(Inspection.id, Inspection.agency_id, Inspection.inspected_on, Inspection.domains).where(*where))).all()
    inspectors: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    stmt = sa.select(InspectionInspector.inspection_id, InspectionInspector.officer_id).where(
        InspectionInspector.inspection_id.in_(sa.select(Inspection.id).where(*where))
    )
    for inspection_id, officer_id in await session.execute(stmt):
        inspectors[inspection_id].append(officer_id)
    return [a.Act("Inspection", r.id, r.agency_id, r.inspected_on, tuple(r.domains or ()), tuple(inspectors[r.id]), r.inspected_on.isoformat())
            for r in rows]


async def _staff(session: AsyncSession, *where: sa.ColumnElement[bool]) -> list[a.Staff]:
    o = Officer
    rows = (await session.execute(sa.select(o.id, o.agency_id, o.role, o.status, o.certificate_valid_from, o.certificate_valid_until).where(*where))).all()
    domains: dict[uuid.UUID, set[str]] = defaultdict(set)
    stmt = sa.select(OfficerDomain.officer_id, OfficerDomain.domain_code).where(OfficerDomain.officer_id.in_(sa.select(o.id).where(*where)))
    for officer_id, code in await session.execute(stmt):
        domains[officer_id].add(code)
    return [a.Staff(r.id, r.agency_id, r.role, r.status, r.certificate_valid_from, r.certificate_valid_until, frozenset(domains[r.id])) for r in rows]


async def _decided(session: AsyncSession, scope: Scope) -> list[a.Decided]:
    stmt = (
        sa.select(Case.id, Case.agency_id, Case.case_number, CatalogItemVersion.code, Case.decided_on, Case.fine_fen, Case.discretion)
        .join(CatalogItemVersion, CatalogItemVersion.id == Case.item_version_id)
        .where(Case.decided_on.between(scope.year_start, scope.year_end), *scope.of(Case.agency_id))
    )
    return [a.Decided(*row) for row in await session.execute(stmt)]


async def holdings(session: AsyncSession, year: int, until: dt.date, agencies: Agencies) -> list[a.Holding]:
    """The domains each agency holds in `year`: its AgencyDomain rows, except township teams, which
    hold the domains of the items delegated to them (a delegation active on any day of the year up
    to `until`). Justice bureaus enforce nothing."""
    scope_of = [] if agencies is None else [Agency.id.in_(list(agencies))]
    county = (await session.execute(
        sa.select(AgencyDomain.agency_id, AgencyDomain.domain_code).join(Agency, Agency.id == AgencyDomain.agency_id)
        .where(Agency.kind.not_in((AgencyKind.TOWNSHIP_TEAM, AgencyKind.JUSTICE_BUREAU)), *scope_of)
    )).all()
    items = sa.select(CatalogItemVersion.code, CatalogItemVersion.domain_code).distinct().subquery()
    delegated = (await session.execute(
        sa.select(Delegation.agency_id, items.c.domain_code, sa.func.count(sa.distinct(Delegation.item_code)))
        .join(items, items.c.code == Delegation.item_code)
        .join(Agency, Agency.id == Delegation.agency_id)
        .where(Agency.kind == AgencyKind.TOWNSHIP_TEAM, Delegation.granted_on <= until,
               sa.or_(Delegation.revoked_on.is_(None), Delegation.revoked_on > dt.date(year, 1, 1)), *scope_of)
        .group_by(Delegation.agency_id, items.c.domain_code)
    )).all()
    return [*(a.Holding(r[0], r[1], "agency_domain") for r in county), *(a.Holding(r[0], r[1], "delegation", int(r[2])) for r in delegated)]


async def _no_enforcement(session: AsyncSession, scope: Scope) -> list[a.Alert]:
    held = await holdings(session, scope.year, scope.year_end, scope.agencies)
    acted = {(r[0], r[1]) for r in await session.execute(
        sa.select(Case.agency_id, Case.domain_code).where(Case.decided_on.between(scope.year_start, scope.year_end), *scope.of(Case.agency_id)).distinct()
    )}
    explained = {(r[0], r[1]) for r in await session.execute(
        sa.select(SpecialExplanation.agency_id, SpecialExplanation.domain_code).where(SpecialExplanation.year == scope.year, *scope.of(SpecialExplanation.agency_id))
    )}
    # the climb from an acting agency to the agencies above it stays inside the scope (closed downwards)
    parents = dict((await session.execute(sa.select(Agency.id, Agency.parent_id).where(*scope.of(Agency.id)))).all())
    return a.no_enforcement_act(held, acted, explained, scope.year, scope.as_of, parents)


async def _postings(session: AsyncSession, scope: Scope) -> list[a.PostingRow]:
    """Every posting of the officers now serving in the scope's agencies (their whole history)."""
    serving = sa.select(Officer.id).where(*scope.of(Officer.agency_id))
    p = Posting
    stmt = sa.select(p.officer_id, p.agency_id, p.region_id, p.is_head, p.started_on, p.ended_on).where(p.officer_id.in_(serving))
    return [a.PostingRow(*row) for row in await session.execute(stmt)]


def _places(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """The regions where the scope's agencies sit and the townships right below them: every agency
    seated there is loaded (a township's teams, a bureau's department), whatever the scope."""
    if scope.agencies is None:
        return []
    seats = sa.select(Agency.region_id).where(*scope.of(Agency.id))
    return [sa.or_(Region.id.in_(seats), Region.parent_id.in_(seats))]


async def _agencies(session: AsyncSession, places: list[sa.ColumnElement[bool]]) -> list[a.AgencyRow]:
    stmt = sa.select(Agency.id, Agency.parent_id, Agency.region_id, Agency.kind, Agency.name)
    if places:
        stmt = stmt.where(Agency.region_id.in_(sa.select(Region.id).where(*places)))
    return [a.AgencyRow(*r) for r in await session.execute(stmt)]


async def _regions(session: AsyncSession, places: list[sa.ColumnElement[bool]]) -> list[a.RegionRow]:
    stmt = sa.select(Region.id, Region.parent_id, Region.level, Region.key_township, Region.name).where(*places)
    return [a.RegionRow(*r) for r in await session.execute(stmt)]


async def _inspection_load(session: AsyncSession, scope: Scope, policy: a.AlertPolicy) -> list[a.Alert]:
    """Inspections of the year (done or scheduled, as `core.inspections.service.load_report`
    counts them) of the entities the scope's agencies inspected, by every agency."""
    in_year = VISIT_DAY.between(dt.date(scope.year, 1, 1), dt.date(scope.year, 12, 31))
    touched = sa.select(Inspection.entity_id).where(in_year, *scope.of(Inspection.agency_id))
    stmt = sa.select(Inspection.id, Inspection.entity_id, Inspection.agency_id, VISIT_DAY).where(in_year, Inspection.entity_id.in_(touched))
    found = a.inspection_ceiling([a.Visit(*row) for row in await session.execute(stmt)], scope.year, policy)
    if scope.agencies is None:
        return found
    out = []
    for alert in found:  # the counts of agencies outside the viewer's reach are summed, not named
        by_agency = alert.details["by_agency"]
        seen = {k: v for k, v in by_agency.items() if uuid.UUID(k) in scope.agencies}
        details = {**alert.details, "by_agency": seen, "other_agencies": sum(by_agency.values()) - sum(seen.values())}
        out.append(a.Alert(alert.code, alert.agency_id, alert.subject_kind, alert.subject_id, details, alert.severity))
    return out


# --- 专项说明 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewExplanation:
    agency_id: uuid.UUID
    year: int
    domain_code: str
    text: str


async def file_explanation(session: AsyncSession, actor: str, new: NewExplanation, today: dt.date) -> SpecialExplanation:
    """An agency explains why it made no penalty decision in a domain it holds during a year
    (source 003 item 10: 于当年度末向本级人民政府说明情况). Filed once per (agency, year, domain)."""
    text = new.text.strip()
    if not text:
        raise UserError(SupervisionErrorCode.EXPLANATION_TEXT_REQUIRED, "请填写专项说明的内容（未作出执法行为的原因）", "text")
    if not 2000 <= new.year <= today.year:
        raise UserError(SupervisionErrorCode.EXPLANATION_YEAR_INVALID, f"只能对已开始的年度（不晚于 {today.year} 年）作专项说明", "year")
    if await session.get(Domain, new.domain_code) is None:
        raise UserError(CatalogErrorCode.DOMAIN_UNKNOWN, f"没有代码为“{new.domain_code}”的执法领域", "domain")
    held = await holdings(session, new.year, min(dt.date(new.year, 12, 31), today), [new.agency_id])
    if not any(h.domain == new.domain_code for h in held):
        raise UserError(SupervisionErrorCode.DOMAIN_NOT_HELD, "本机关该年度不持有该领域的执法事项，无需专项说明", "domain")
    exists = await session.scalar(sa.select(SpecialExplanation.id).where(
        SpecialExplanation.agency_id == new.agency_id, SpecialExplanation.year == new.year, SpecialExplanation.domain_code == new.domain_code
    ))
    if exists is not None:
        raise UserError(SupervisionErrorCode.EXPLANATION_ALREADY_FILED, "本机关已就该年度、该领域提交过专项说明", "domain")
    row = SpecialExplanation(agency_id=new.agency_id, year=new.year, domain_code=new.domain_code, text=text, filed_on=today, actor=actor)
    session.add(row)
    await session.flush()
    await record(session, actor=actor, action="supervision.explanation_filed", object_type="SpecialExplanation", object_id=row.id,
                 after={"agency": str(new.agency_id), "year": new.year, "domain": new.domain_code, "text": text})
    return row

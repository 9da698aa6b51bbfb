"""Return visits (案件回访): a justice bureau asks the parties of a sample of closed cases how the
enforcement went, and handles what they report.

Luoyang 2023 (洛阳市提升行政执法质量三年行动实施方案) item 7: 建立行政执法案件回访制度，明确案件回访
比例、回访人员、回访结果处理. Here:

- **比例 (ratio).** A supervisor draws a sample of the cases closed in a year, `percent` of each
  agency's closed cases (at least one per agency), reproducible from the recorded seed
  (`core.supervision.sampling`). One `ReturnVisit` row per drawn case, for the case's agency.
- **人员 (who visits).** An officer of the organising justice bureau, or a supervisor whose reach
  holds the visited agency — never someone of the agency visited.
- **结果处理 (handling the result).** When the party reports misconduct, the report is registered
  in the complaint ledger in the same transaction (channel 其他渠道, kind 举报, received by the
  organising bureau, the party as the reporter, the case linked) and the visit points at it; a
  check constraint (`problem_reported = (complaint_id IS NOT NULL)`) makes an unregistered report
  impossible. From there the complaint rules apply: deadlines, assignment, 不解决不销号.

The rules are pure functions; the services wrap them with a session and the audit record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.db import in_ids
from zhifa.core.audit.service import record
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.cases.models import Case
from zhifa.core.clock import LEGAL_ZONE
from zhifa.core.complaints import service as complaints
from zhifa.core.complaints.models import ComplaintChannel, ComplaintKind
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.models import Entity
from zhifa.core.entities.service import PHONE
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.people.models import Agency, AgencyKind, Officer
from zhifa.core.supervision import draws, outside
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.rates import percent, rate
from zhifa.core.supervision.models import ReturnVisit, SamplePurpose, SupervisionSample, VisitMethod, VisitSatisfaction as V

LUOYANG = "《洛阳市提升行政执法质量三年行动实施方案》第7项"

# --- who reads what (SQL predicates over the viewer's reach, the kinds' row rules) ---------------


def where(
    kind: str, table: sa.Table, agencies: frozenset[uuid.UUID], regions: frozenset[uuid.UUID], supervises: bool
) -> list[sa.ColumnElement[bool]]:
    """Return visits are the supervisors' records: a visit is read by the staff of the bureau that
    organised its sample and by supervisors (and the provincial platform) reaching the visited
    agency — never by the visited agency itself, whose party may have reported its officers (the
    reporter is protected: 投诉举报办法第三十三条). A sample is read by its organiser and by whoever
    reads one of its visits. An outside supervisor as in `outside.visible_clause`. `supervises`:
    the viewer is a supervisor or the provincial platform."""
    if kind == "OutsideSupervisor":
        return [outside.visible_clause(table, agencies, regions)]
    organised = in_ids(SupervisionSample.organiser_agency_id, agencies)
    if kind == "ReturnVisit":
        mine = table.c.sample_id.in_(sa.select(SupervisionSample.id).where(organised))
        return [sa.or_(in_ids(table.c.agency_id, agencies), mine) if supervises else mine]
    if kind == "ReturnVisitSample":
        purpose = table.c.purpose == SamplePurpose.RETURN_VISIT.value
        if not supervises:
            return [purpose, in_ids(table.c.organiser_agency_id, agencies)]
        visited = sa.select(ReturnVisit.sample_id).where(in_ids(ReturnVisit.agency_id, agencies))
        return [purpose, sa.or_(in_ids(table.c.organiser_agency_id, agencies), table.c.id.in_(visited))]
    return [sa.false()]


# --- pure rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitAnswer:
    method: VisitMethod
    visited_on: dt.date
    satisfaction: V
    feedback: str = ""
    problem_reported: bool = False  # the party reported misconduct of the enforcers


def check_answer(answer: VisitAnswer, closed_on: dt.date | None, today: dt.date) -> str:
    """The rules a visit's record must pass; returns the cleaned feedback."""
    errors = []
    feedback = answer.feedback.strip()
    if answer.visited_on > today:
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "回访日期不能晚于今天", "visitedOn"))
    if closed_on is not None and answer.visited_on < closed_on:
        errors.append(UserError(SupervisionErrorCode.VISIT_BEFORE_CLOSING, f"回访须在结案之后（结案日 {closed_on.isoformat()}）", "visitedOn"))
    if answer.satisfaction is V.UNREACHABLE and answer.problem_reported:
        errors.append(UserError(SupervisionErrorCode.PARTY_UNREACHABLE, "未能联系上当事人，不能记录其反映的问题", "problemReported"))
    elif (answer.problem_reported or answer.satisfaction is V.UNSATISFIED) and not feedback:
        errors.append(UserError(CommonErrorCode.FEEDBACK_REQUIRED, "当事人不满意或反映执法问题的，须记录其具体意见", "feedback"))
    raise_if_any(errors)
    return feedback


def satisfaction_rate(satisfied: int, basically_satisfied: int, reached: int) -> Decimal | None:
    """满意率: (satisfied + basically satisfied) / parties reached, a percentage (core.supervision.rates);
    None when nobody was reached (unreachable parties are not counted as unsatisfied)."""
    return percent(rate(satisfied + basically_satisfied, reached))


@dataclass(frozen=True)
class VisitFigures:
    agency_id: uuid.UUID | None  # None: a total
    drawn: int
    done: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    unreachable: int
    misconduct_reports: int

    @property
    def reached(self) -> int:
        return self.done - self.unreachable

    @property
    def rate(self) -> Decimal | None:
        return satisfaction_rate(self.satisfied, self.basically_satisfied, self.reached)


COUNTS = ("drawn", "done", "satisfied", "basically_satisfied", "unsatisfied", "unreachable", "misconduct_reports")


def total(parts: Iterable[VisitFigures]) -> VisitFigures:
    """The sum of the agencies' figures (the rate recomputed from the sums, never averaged)."""
    parts = list(parts)
    return VisitFigures(None, *(sum(getattr(p, name) for p in parts) for name in COUNTS))


# --- services -----------------------------------------------------------------------------------


async def draw(
    session: AsyncSession, actor: str, organiser_id: uuid.UUID, req: draws.SampleRequest, agencies: Iterable[uuid.UUID], *, today: dt.date
) -> SupervisionSample:
    """抽取回访案件: the organiser's sample of `agencies`' cases closed in the year (the caller
    restricts `agencies` to the organiser's reach)."""
    draws.checked(req, SamplePurpose.RETURN_VISIT, today)
    organiser = await session.get(Agency, organiser_id)
    if organiser is None or organiser.kind is not AgencyKind.JUSTICE_BUREAU:
        raise UserError(CommonErrorCode.FORBIDDEN, "案件回访由司法行政机关（执法监督机构）组织", "agencyId")
    drawn = await draws.draw(session, SamplePurpose.RETURN_VISIT, req, organiser.id, agencies, actor, today)
    sample = drawn.sample
    session.add_all([ReturnVisit(sample_id=sample.id, case_id=uuid.UUID(c.case), agency_id=uuid.UUID(c.agency)) for c in drawn.cases])
    await session.flush()
    await record(session, actor=actor, action="return_visit_sample.drawn", object_type="SupervisionSample", object_id=sample.id,
                 after={"year": sample.year, "percent": sample.percent, "seed": sample.seed, "population": len(drawn.population),
                        "drawn": len(drawn.cases), "population_digest": sample.population_digest, "sample_digest": sample.sample_digest})
    return sample


async def record_visit(
    session: AsyncSession,
    actor: str,
    visit_id: uuid.UUID,
    visitor_id: uuid.UUID,
    answer: VisitAnswer,
    key: DataKey,
    *,
    today: dt.date,
    version: int | None = None,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> ReturnVisit:
    """记录回访 and, when the party reported misconduct, register the report (回访结果处理)."""
    visit = await session.get(ReturnVisit, visit_id)
    if visit is None:
        raise UserError(SupervisionErrorCode.RETURN_VISIT_NOT_FOUND, "回访记录不存在或不在本机关管辖范围内", "returnVisitId")
    if version is not None and version != visit.version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, "记录已被他人修改，请刷新后重试", "version")
    if visit.visited_on is not None:
        raise UserError(SupervisionErrorCode.VISIT_ALREADY_RECORDED, "该案件已回访并记录，回访结果不能改写", "returnVisitId")
    visitor = await session.get(Officer, visitor_id)
    if visitor is None or visitor.agency_id == visit.agency_id:
        raise UserError(SupervisionErrorCode.VISITOR_NOT_INDEPENDENT, "回访人员不能是被回访案件的执法机关人员", "returnVisitId")
    case = await session.get(Case, visit.case_id)
    feedback = check_answer(answer, case.closed_on, today)
    visit.visitor_id, visit.method, visit.visited_on = visitor.id, answer.method, answer.visited_on
    visit.satisfaction, visit.feedback = answer.satisfaction, feedback
    if answer.problem_reported:  # the flag and its complaint together (a check constraint holds them so)
        sample = await session.get(SupervisionSample, visit.sample_id)
        complaint = await _register_report(session, actor, visit, case, sample.organiser_agency_id, visitor, feedback, key, today, calendar)
        visit.problem_reported, visit.complaint_id = True, complaint.id
    await session.flush()
    await record(session, actor=actor, action="return_visit.recorded", object_type="ReturnVisit", object_id=visit.id, after={
        "case": str(case.id), "method": answer.method.value, "visited_on": answer.visited_on.isoformat(),
        "satisfaction": answer.satisfaction.value, "problem_reported": answer.problem_reported,
        "complaint": str(visit.complaint_id) if visit.complaint_id else None,
    })
    return visit


async def _register_report(session, actor, visit, case, organiser_id, visitor, feedback, key, today, calendar):
    """The party's report as a complaint-ledger item (举报, 其他渠道) received by the organising
    bureau, the visitor handling it when they belong to that bureau, linked to the case."""
    party = await session.get(Entity, case.entity_id)
    agency = await session.get(Agency, case.agency_id)
    phone = key.decrypt(party.phone_cipher) if party.phone_cipher else None
    on = visit.visited_on
    received_at = dt.datetime.now(LEGAL_ZONE) if on == today else dt.datetime.combine(on, dt.time(12), LEGAL_ZONE)
    complaint = await complaints.register(session, actor, complaints.NewComplaint(
        kind=ComplaintKind.REPORT,
        channel=ComplaintChannel.OTHER,
        agency_id=organiser_id,
        received_at=received_at,
        content=f"案件回访中当事人反映执法问题（案件 {case.case_number}）：{feedback}",
        subject_name=agency.name,
        domain_code=case.domain_code,
        complainant_name=party.name,
        complainant_phone=phone if phone and PHONE.match(phone) else None,
        handler_id=visitor.id if visitor.agency_id == organiser_id else None,
    ), key, today=today, calendar=calendar)
    await complaints.link(session, actor, complaint.id, "case", case.id, on, today=today)
    return complaint


async def figures(session: AsyncSession, where: list[sa.ColumnElement[bool]]) -> list[VisitFigures]:
    """Per visited agency, over the visits (return_visits rows) that `where` keeps (sample, year, reach …)."""
    rv = ReturnVisit.__table__.c

    def count(condition) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    rows = await session.execute(
        sa.select(
            rv.agency_id, sa.func.count(), count(rv.visited_on.is_not(None)),
            *(count(rv.satisfaction == s.value) for s in (V.SATISFIED, V.BASICALLY_SATISFIED, V.UNSATISFIED, V.UNREACHABLE)),
            count(rv.problem_reported.is_(True)),
        ).where(*where).group_by(rv.agency_id)
    )
    return sorted((VisitFigures(r[0], *(int(v) for v in r[1:])) for r in rows), key=lambda f: str(f.agency_id))

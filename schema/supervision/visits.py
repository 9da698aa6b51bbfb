"""Supervision in GraphQL: 案件回访、特邀监督员和企业联系点.

Return visits (core.supervision.visits): a supervisor draws a reproducible sample of closed cases,
the visits are recorded with the party's satisfaction, a reported misconduct lands in the
complaint ledger, and the figures per agency. Outside supervisors (core.supervision.outside):
appointed by a justice bureau, listed with the number of reports each made; their reports are
complaints (channel 特邀监督员反映 / 企业联系点反映, `Complaint.outsideSupervisor`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry
from zhifa.core.access.viewer import STAFF, Role, Scope
from zhifa.core.cases.models import Case as CaseRow
from zhifa.core.clock import legal_today
from zhifa.core.complaints.models import Complaint as ComplaintRow
from zhifa.core.complaints.policy import DEFAULT_COMPLAINT_POLICY
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.models import Entity as EntityRow
from zhifa.core.errors import CommonErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.supervision import models as m
from zhifa.core.supervision import outside
from zhifa.core.supervision import visits as rules
from zhifa.core.supervision.draws import SampleRequest
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.sampling import ALGORITHM, ALGORITHM_VERSION
from zhifa.schema.complaints.types import ComplaintPayload
from zhifa.schema.kit.access import Access, RowRule
from zhifa.schema.kit.connections import connection, contains, decode_id, one, planner
from zhifa.schema.kit.enums import from_core, graphql_enum, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Planner, Relation, child_selections
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, Node, PageRequest, global_id

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
CaseRef = Annotated["Case", strawberry.lazy("zhifa.schema.cases.types")]  # another domain's type, resolved by name
EntityRef = Annotated["Entity", strawberry.lazy("zhifa.schema.entities.types")]  # another domain's type, resolved by name
OfficerRef = Annotated["Officer", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
RegionRef = Annotated["Region", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

VisitMethod = graphql_enum(m.VisitMethod, "VisitMethod", "回访方式")
VisitSatisfaction = graphql_enum(m.VisitSatisfaction, "VisitSatisfaction", "回访中当事人的满意度")
OutsideSupervisorKind = graphql_enum(m.OutsideSupervisorKind, "OutsideSupervisorKind", "社会监督力量类别")

visits_t, samples_t, outside_t = m.ReturnVisit.__table__, m.SupervisionSample.__table__, m.OutsideSupervisor.__table__
complaints_t, cases_t = ComplaintRow.__table__, CaseRow.__table__

# Rows carry their counts (one correlated count per row of the page, in the page's statement).
SAMPLES = sa.select(
    samples_t,
    sa.select(sa.func.count()).where(visits_t.c.sample_id == samples_t.c.id).scalar_subquery().label("size"),
    sa.select(sa.func.count()).where(visits_t.c.sample_id == samples_t.c.id, visits_t.c.visited_on.is_not(None))
    .scalar_subquery().label("done"),
).subquery("return_visit_samples")
# Visits carry the case number and closing day: the bureau's visitors need them, not the case's reach.
VISITS = sa.select(visits_t, cases_t.c.case_number, cases_t.c.closed_on).join(cases_t, cases_t.c.id == visits_t.c.case_id).subquery("return_visits_cases")
OUTSIDE = sa.select(
    outside_t,
    sa.select(sa.func.count()).where(complaints_t.c.outside_supervisor_id == outside_t.c.id).scalar_subquery().label("report_count"),
).subquery("outside_supervisors_reports")


# --- types ------------------------------------------------------------------------------------


@strawberry.type(description="回访抽样：按比例从某年度已结案案件中随机抽取（每个执法主体分层，至少一件），可凭种子复现")
class ReturnVisitSample(Node):
    name: str
    year: int = strawberry.field(description="结案年度")
    percent: int = strawberry.field(description="回访比例（%）")
    seed: str = strawberry.field(description="随机种子")
    algorithm: str = strawberry.field(description="抽样算法及版本")
    population_size: int = strawberry.field(description="可供抽取的已结案案件数")
    population_digest: str = strawberry.field(description="总体的 SM3 摘要")
    sample_digest: str = strawberry.field(description="抽中案件的 SM3 摘要")
    size: int = strawberry.field(description="抽中（应回访）的案件数")
    done: int = strawberry.field(description="已回访的案件数")
    drawn_at: dt.datetime
    actor: str
    organiser: AgencyRef | None = strawberry.field(default=None, description="组织回访的司法行政机关")


@strawberry.type(description="案件回访：抽中的已结案案件，回访当事人的方式、满意度和意见；反映执法问题的登记为投诉举报")
class ReturnVisit(Node):
    done: bool = strawberry.field(description="已回访")
    method: VisitMethod | None
    visited_on: dt.date | None
    satisfaction: VisitSatisfaction | None
    feedback: str = strawberry.field(description="当事人的意见")
    case_number: str = strawberry.field(description="案号")
    closed_on: dt.date | None = strawberry.field(description="结案日期（回访不得早于此日）")
    problem_reported: bool = strawberry.field(description="当事人反映了执法人员的违法违规问题")
    version: int
    case: CaseRef | None = strawberry.field(default=None, description="被回访的案件（管辖范围内的）")
    agency: AgencyRef | None = strawberry.field(default=None, description="案件的执法主体")
    sample: ReturnVisitSample | None = None
    visitor: OfficerRef | None = strawberry.field(default=None, description="回访人员")
    misconduct_report_id: strawberry.ID | None = strawberry.field(
        description="反映的问题登记成的投诉举报的全局 ID（回访结果处理），用 complaint(id:) 按投诉举报的可见范围读取"
    )


@strawberry.type(description="特邀行政执法监督员或行政执法监督企业联系点")
class OutsideSupervisor(Node):
    kind: OutsideSupervisorKind
    name: str = strawberry.field(description="姓名；企业联系点为企业名称")
    organisation: str = strawberry.field(description="工作单位；企业联系点为联系人及部门")
    appointed_on: dt.date
    term_until: dt.date | None = strawberry.field(description="聘期届满日（解聘的为解聘日）；为空表示未定期限")
    active: bool = strawberry.field(description="未解聘")
    current: bool = strawberry.field(description="今天在聘（未解聘且在聘期内），可反映问题")
    report_count: int = strawberry.field(description="反映问题登记为投诉举报的件数")
    region: RegionRef | None = None
    appointed_by: AgencyRef | None = strawberry.field(default=None, description="聘任的司法行政机关")
    entity: EntityRef | None = strawberry.field(default=None, description="企业联系点对应的行政相对人")


def _sample(r) -> ReturnVisitSample:
    return ReturnVisitSample(
        id=global_id("ReturnVisitSample", r.id), name=r.name, year=r.year, percent=r.percent, seed=r.seed,
        algorithm=f"{ALGORITHM} v{ALGORITHM_VERSION}", population_size=r.population_size, population_digest=r.population_digest,
        sample_digest=r.sample_digest, size=r.size, done=r.done, drawn_at=r.drawn_at, actor=r.actor,
    )


def _visit(r) -> ReturnVisit:
    return ReturnVisit(
        id=global_id("ReturnVisit", r.id), done=r.visited_on is not None,
        method=from_core(VisitMethod, m.VisitMethod(r.method)) if r.method else None, visited_on=r.visited_on,
        satisfaction=from_core(VisitSatisfaction, m.VisitSatisfaction(r.satisfaction)) if r.satisfaction else None,
        feedback=r.feedback, case_number=r.case_number, closed_on=r.closed_on, problem_reported=r.problem_reported, version=r.version,
        misconduct_report_id=global_id("Complaint", r.complaint_id) if r.complaint_id else None,
    )


def _outside(r) -> OutsideSupervisor:
    today = legal_today()
    return OutsideSupervisor(
        id=global_id("OutsideSupervisor", r.id), kind=from_core(OutsideSupervisorKind, m.OutsideSupervisorKind(r.kind)),
        name=r.name, organisation=r.organisation, appointed_on=r.appointed_on, term_until=r.term_until, active=r.active,
        current=r.active and r.appointed_on <= today and (r.term_until is None or r.term_until >= today), report_count=r.report_count,
    )


def _rows(kind: str) -> RowRule:
    def where(access: Access, table: sa.Table):
        supervises = access.viewer.has(Role.SUPERVISOR, Role.PROVINCIAL)
        return rules.where(kind, table, access.agencies, access.regions, supervises)

    return RowRule(Scope.CASES, where)


SAMPLE = Kind("ReturnVisitSample", SAMPLES, _sample, {"organiser": Relation("one", "Agency", "organiser_agency_id")}, rule=_rows("ReturnVisitSample"))
VISIT = Kind("ReturnVisit", VISITS, _visit, {
    "case": Relation("one", "Case", "case_id"),
    "agency": Relation("one", "Agency", "agency_id"),
    "sample": Relation("one", "ReturnVisitSample", "sample_id"),
    "visitor": Relation("one", "Officer", "visitor_id"),
},
    rule=_rows("ReturnVisit"),
)
OUTSIDE_SUPERVISOR = Kind("OutsideSupervisor", OUTSIDE, _outside, {
    "region": Relation("one", "Region", "region_id"),
    "appointedBy": Relation("one", "Agency", "appointing_agency_id"),
    "entity": Relation("one", "Entity", "entity_id"),
},
    rule=_rows("OutsideSupervisor"),
)
# Complaint.outsideSupervisor (declared lazily in schema.complaints, which cannot import this module).

NODES = KINDS = (SAMPLE, VISIT, OUTSIDE_SUPERVISOR)  # planner kinds, all reached by `node`


# --- reading ----------------------------------------------------------------------------------


@strawberry.input(description="案件回访筛选")
class ReturnVisitFilter:
    sample_id: strawberry.ID | None = None
    year: int | None = strawberry.field(default=None, description="抽样的结案年度")
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="被回访案件的执法主体")
    done: bool | None = strawberry.field(default=None, description="true：已回访；false：待回访")
    problem_reported: bool | None = strawberry.field(default=None, description="true：当事人反映了执法问题")


def _visit_clauses(f: ReturnVisitFilter, table=VISITS) -> list[sa.ColumnElement[bool]]:
    c, where = table.c, []
    if f.sample_id:
        where.append(c.sample_id == decode_id(f.sample_id, "ReturnVisitSample", "filter.sampleId"))
    if f.year is not None:
        where.append(c.sample_id.in_(sa.select(samples_t.c.id).where(samples_t.c.year == f.year)))
    if f.agency_id:
        where.append(c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.done is not None:
        where.append(c.visited_on.is_not(None) if f.done else c.visited_on.is_(None))
    if f.problem_reported is not None:
        where.append(c.problem_reported.is_(f.problem_reported))
    return where


@strawberry.type(description="回访情况统计（某执法主体或合计）")
class ReturnVisitFigures:
    agency: AgencyRef | None = strawberry.field(description="执法主体；合计行为空")
    drawn: int = strawberry.field(description="抽中应回访件数")
    done: int = strawberry.field(description="已回访件数")
    reached: int = strawberry.field(description="联系上当事人的件数（已回访 − 未能联系上）")
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    unreachable: int
    satisfaction_rate: str | None = strawberry.field(description="满意率 =（满意 + 基本满意）÷ 联系上的件数，百分比，两位小数；无人联系上时为空")
    misconduct_reports: int = strawberry.field(description="当事人反映执法问题（已登记为投诉举报）的件数")


@strawberry.type(description="案件回访统计：按执法主体分列及合计")
class ReturnVisitReport:
    total: ReturnVisitFigures
    by_agency: list[ReturnVisitFigures]


def _figures(f: rules.VisitFigures, agency: AgencyRef | None) -> ReturnVisitFigures:
    return ReturnVisitFigures(
        agency=agency, drawn=f.drawn, done=f.done, reached=f.reached, satisfied=f.satisfied, basically_satisfied=f.basically_satisfied,
        unsatisfied=f.unsatisfied, unreachable=f.unreachable, satisfaction_rate=None if f.rate is None else str(f.rate),
        misconduct_reports=f.misconduct_reports,
    )


async def resolve_figures(info: strawberry.Info, sample_id: strawberry.ID | None, year: int | None, agency_id: strawberry.ID | None) -> ReturnVisitReport:
    access: Access = info.context.access
    access.require("ReturnVisit")
    where = _visit_clauses(ReturnVisitFilter(sample_id=sample_id, year=year, agency_id=agency_id), visits_t)
    selected = [s for f in info.selected_fields for s in f.selections]
    async with planner(info) as plan:
        where += access.where("ReturnVisit", visits_t)
        found = await rules.figures(plan.session, where)
        agencies = await plan.by_ids("Agency", [f.agency_id for f in found], child_selections(selected, "byAgency", "agency") or [])
    return ReturnVisitReport(total=_figures(rules.total(found), None), by_agency=[_figures(f, agencies.get(f.agency_id)) for f in found])


@strawberry.input(description="特邀监督员和企业联系点筛选")
class OutsideSupervisorFilter:
    kind: OutsideSupervisorKind | None = None
    current: bool | None = strawberry.field(default=None, description="true：在聘（未解聘且在聘期内）；false：已解聘或期满")
    as_of: dt.date | None = strawberry.field(default=None, description="判断是否在聘的日期，默认今天")
    region_id: strawberry.ID | None = None
    search: str | None = strawberry.field(default=None, description="在姓名（名称）和工作单位中查找")


def _outside_clauses(f: OutsideSupervisorFilter) -> list[sa.ColumnElement[bool]]:
    c, where = OUTSIDE.c, []
    if f.kind:
        where.append(c.kind == f.kind.value)
    if f.current is not None:
        clause = outside.in_term_clause(OUTSIDE, f.as_of or legal_today())
        where.append(clause if f.current else sa.not_(clause))
    if f.region_id:
        where.append(c.region_id == decode_id(f.region_id, "Region", "filter.regionId"))
    if f.search:
        where.append(sa.or_(contains(c.name, f.search), contains(c.organisation, f.search)))
    return where


# --- acting -----------------------------------------------------------------------------------


@strawberry.input(description="抽取回访案件（按比例、分执法主体随机抽取某年度已结案案件）")
class DrawReturnVisitSampleInput:
    year: int = strawberry.field(description="结案年度")
    percent: int = strawberry.field(description="回访比例（1–100，%）")
    seed: str | None = strawberry.field(default=None, description="随机种子（如公开摇号的号码）：相同种子和案件总体得出相同结果；默认随机生成并记录")
    name: str = strawberry.field(default="", description="名称，默认“某年度行政执法案件回访”")
    agency_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="限定的执法主体（须在管辖范围内）；默认管辖范围内全部")


@strawberry.input(description="记录一次回访")
class RecordReturnVisitInput:
    return_visit_id: strawberry.ID
    method: VisitMethod
    visited_on: dt.date | None = strawberry.field(default=None, description="回访日期（不早于结案日、不晚于今天），默认今天")
    satisfaction: VisitSatisfaction
    feedback: str = strawberry.field(default="", description="当事人的意见；不满意或反映问题的必填")
    problem_reported: bool = strawberry.field(default=False, description="当事人反映执法人员违法违规问题：自动登记为投诉举报并关联案件")
    version: int | None = None


@strawberry.input(description="聘任特邀行政执法监督员或确定行政执法监督企业联系点")
class AppointOutsideSupervisorInput:
    kind: OutsideSupervisorKind
    name: str = strawberry.field(default="", description="特邀监督员姓名；企业联系点取企业名称，不填")
    organisation: str = strawberry.field(default="", description="工作单位；企业联系点可填联系人及部门")
    region_id: strawberry.ID | None = strawberry.field(default=None, description="监督的行政区划（须在管辖范围内）；企业联系点默认企业所在区划")
    entity_id: strawberry.ID | None = strawberry.field(default=None, description="企业联系点：已登记的企业（行政相对人）")
    appointed_on: dt.date | None = strawberry.field(default=None, description="聘任日期，默认今天")
    term_until: dt.date | None = strawberry.field(default=None, description="聘期届满日")


@strawberry.input(description="解聘（聘期提前结束）")
class EndOutsideSupervisorTermInput:
    outside_supervisor_id: strawberry.ID
    on: dt.date | None = strawberry.field(default=None, description="解聘日期，默认今天")


@strawberry.input(description="登记特邀监督员或企业联系点反映的问题（进入投诉举报台账）")
class ReportByOutsideSupervisorInput:
    outside_supervisor_id: strawberry.ID
    content: str = strawberry.field(description="反映的事实和请求")
    subject_name: str = strawberry.field(default="", description="被反映的对象（执法机关、执法人员或行政相对人）")
    subject_address: str = ""
    subject_entity_id: strawberry.ID | None = None
    domain: str | None = None
    received_at: dt.datetime | None = strawberry.field(default=None, description="收到时间（须带时区），默认现在")
    phone: str | None = strawberry.field(default=None, description="反映人联系电话（加密保存）")
    confidential: bool = False


@strawberry.type(description="回访抽样操作的结果")
class ReturnVisitSamplePayload:
    sample: ReturnVisitSample | None
    errors: list[UserError]


@strawberry.type(description="回访操作的结果")
class ReturnVisitPayload:
    return_visit: ReturnVisit | None
    errors: list[UserError]


@strawberry.type(description="特邀监督员和企业联系点操作的结果")
class OutsideSupervisorPayload:
    outside_supervisor: OutsideSupervisor | None
    errors: list[UserError]


def _require_supervisor(access: Access) -> None:
    if not access.viewer.has(Role.SUPERVISOR) or access.viewer.agency_id is None:
        raise RuleError(CommonErrorCode.FORBIDDEN, "只有司法行政机关的执法监督人员可以执行此操作")


def _reach(access: Access) -> frozenset[uuid.UUID]:
    return (access.reach.agencies if access.reach else None) or frozenset()


async def _visible(session, access: Access, kind: Kind, key: uuid.UUID, code: str, message: str, field: str) -> None:
    if not await Planner(session, access).exists(kind, key):
        raise RuleError(code, message, field)


def _supervisor_or_bureau_staff(access: Access, bureau_id: uuid.UUID, *also: uuid.UUID) -> None:
    """A supervisor reaching the owning justice bureau (or one of `also`, e.g. the visited
    agency), or staff of that bureau."""
    viewer = access.viewer
    if viewer.has(Role.SUPERVISOR) and not (_reach(access) | {viewer.agency_id}).isdisjoint({bureau_id, *also}):
        return
    if viewer.has(*STAFF) and viewer.agency_id == bureau_id:
        return
    raise RuleError(CommonErrorCode.FORBIDDEN, "只有组织（聘任）的司法行政机关人员或管辖范围内的执法监督人员可以执行此操作")


async def resolve_draw(info: strawberry.Info, input: DrawReturnVisitSampleInput) -> ReturnVisitSamplePayload:
    async def work(session):
        access = info.context.access
        _require_supervisor(access)
        reach = _reach(access)
        wanted = [decode_id(a, "Agency", "agencyIds") for a in input.agency_ids or []]
        if any(a not in reach for a in wanted):
            raise RuleError(CommonErrorCode.FORBIDDEN, "所选执法主体不在本机关监督范围内", "agencyIds")
        req = SampleRequest(year=input.year, percent=input.percent, seed=input.seed, name=input.name)
        return (await rules.draw(session, info.context.actor, access.viewer.agency_id, req, wanted or reach, today=legal_today())).id

    key, errors = await run_mutation(info, work)
    return ReturnVisitSamplePayload(sample=await one(info, SAMPLE, key, "sample") if key else None, errors=errors)


async def resolve_record(info: strawberry.Info, input: RecordReturnVisitInput) -> ReturnVisitPayload:
    async def work(session):
        access = info.context.access
        key = decode_id(input.return_visit_id, "ReturnVisit", "returnVisitId")
        await _visible(session, access, VISIT, key, SupervisionErrorCode.RETURN_VISIT_NOT_FOUND, "回访记录不存在或不在本机关管辖范围内", "returnVisitId")
        visit = await session.get(m.ReturnVisit, key)
        sample = await session.get(m.SupervisionSample, visit.sample_id)
        _supervisor_or_bureau_staff(access, sample.organiser_agency_id, visit.agency_id)
        if access.viewer.officer_id is None:
            raise RuleError(CommonErrorCode.FORBIDDEN, "回访须由具体的回访人员记录", "returnVisitId")
        answer = rules.VisitAnswer(
            method=to_core(m.VisitMethod, input.method), visited_on=input.visited_on or legal_today(),
            satisfaction=to_core(m.VisitSatisfaction, input.satisfaction), feedback=input.feedback, problem_reported=input.problem_reported,
        )
        return (await rules.record_visit(session, info.context.actor, key, access.viewer.officer_id, answer, access.key,
                                         today=legal_today(), version=input.version, calendar=info.context.calendar)).id

    key, errors = await run_mutation(info, work)
    return ReturnVisitPayload(return_visit=await one(info, VISIT, key, "returnVisit") if key else None, errors=errors)


async def _outside_payload(info: strawberry.Info, work) -> OutsideSupervisorPayload:
    key, errors = await run_mutation(info, work)
    found = await one(info, OUTSIDE_SUPERVISOR, key, "outsideSupervisor") if key else None
    return OutsideSupervisorPayload(outside_supervisor=found, errors=errors)


async def resolve_appoint(info: strawberry.Info, input: AppointOutsideSupervisorInput) -> OutsideSupervisorPayload:
    async def work(session):
        access = info.context.access
        _require_supervisor(access)
        region = decode_id(input.region_id, "Region", "regionId")
        entity = decode_id(input.entity_id, "Entity", "entityId")
        if entity is not None:
            await _visible(session, access, "Entity", entity, EntityErrorCode.ENTITY_NOT_FOUND, "企业不存在或不在本机关管辖范围内", "entityId")
            if region is None:
                region = (await session.get(EntityRow, entity)).region_id
        if region is not None:
            access.require_region(region)
        new = outside.NewOutsideSupervisor(
            kind=to_core(m.OutsideSupervisorKind, input.kind), appointing_agency_id=access.viewer.agency_id,
            appointed_on=input.appointed_on or legal_today(), term_until=input.term_until, name=input.name,
            organisation=input.organisation, region_id=region, entity_id=entity,
        )
        return (await outside.appoint(session, info.context.actor, new, today=legal_today())).id

    return await _outside_payload(info, work)


async def _own_outside(session, access: Access, gid: strawberry.ID) -> m.OutsideSupervisor:
    key = decode_id(gid, "OutsideSupervisor", "outsideSupervisorId")
    await _visible(session, access, OUTSIDE_SUPERVISOR, key, SupervisionErrorCode.OUTSIDE_SUPERVISOR_NOT_FOUND,
                   "特邀监督员（企业联系点）不存在或不在本机关管辖范围内", "outsideSupervisorId")
    found = await session.get(m.OutsideSupervisor, key)
    _supervisor_or_bureau_staff(access, found.appointing_agency_id)
    return found


async def resolve_end_term(info: strawberry.Info, input: EndOutsideSupervisorTermInput) -> OutsideSupervisorPayload:
    async def work(session):
        access = info.context.access
        _require_supervisor(access)
        found = await _own_outside(session, access, input.outside_supervisor_id)
        return (await outside.end_term(session, info.context.actor, found.id, input.on or legal_today(), today=legal_today())).id

    return await _outside_payload(info, work)


async def resolve_report(info: strawberry.Info, input: ReportByOutsideSupervisorInput) -> ComplaintPayload:
    async def work(session):
        access = info.context.access
        found = await _own_outside(session, access, input.outside_supervisor_id)
        subject = decode_id(input.subject_entity_id, "Entity", "subjectEntityId")
        if subject is not None:
            await _visible(session, access, "Entity", subject, EntityErrorCode.ENTITY_NOT_FOUND, "被反映的行政相对人不存在或不在本机关管辖范围内", "subjectEntityId")
        new = outside.OutsideReport(
            supervisor_id=found.id, content=input.content, received_at=input.received_at or dt.datetime.now(dt.UTC),
            subject_name=input.subject_name, subject_entity_id=subject, subject_address=input.subject_address,
            domain_code=input.domain, phone=input.phone, confidential=input.confidential,
        )
        return (await outside.report(session, info.context.actor, new, access.key, today=legal_today(),
                                     policy=DEFAULT_COMPLAINT_POLICY, calendar=info.context.calendar)).id

    key, errors = await run_mutation(info, work)
    return ComplaintPayload(complaint=await one(info, "Complaint", key, "complaint") if key else None, errors=errors)


@strawberry.type
class VisitQueries:
    @strawberry.field(description=f"回访抽样（组织的，或含管辖范围内执法主体案件的）。{PAGE_ARGS}")
    async def return_visit_samples(
        self, info: strawberry.Info, year: int | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[ReturnVisitSample]:
        where = [SAMPLES.c.year == year] if year is not None else []
        return await connection(info, SAMPLE, where, (SAMPLES.c.drawn_at, SAMPLES.c.id), True, PageRequest(first, after, last, before))

    @strawberry.field(description=f"案件回访（管辖范围内执法主体的案件）。{PAGE_ARGS}")
    async def return_visits(
        self, info: strawberry.Info, filter: ReturnVisitFilter | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[ReturnVisit]:
        where = _visit_clauses(filter or ReturnVisitFilter())
        return await connection(info, VISIT, where, (VISITS.c.id,), False, PageRequest(first, after, last, before))

    @strawberry.field(description="案件回访统计：按执法主体分列的抽中、已回访、满意度、满意率和反映问题件数（管辖范围内）")
    async def return_visit_figures(
        self, info: strawberry.Info, sample_id: strawberry.ID | None = None, year: int | None = None, agency_id: strawberry.ID | None = None,
    ) -> ReturnVisitReport:
        return await resolve_figures(info, sample_id, year, agency_id)

    @strawberry.field(description=f"特邀行政执法监督员和行政执法监督企业联系点，含各自反映问题的件数。{PAGE_ARGS}")
    async def outside_supervisors(
        self, info: strawberry.Info, filter: OutsideSupervisorFilter | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[OutsideSupervisor]:
        where = _outside_clauses(filter or OutsideSupervisorFilter())
        return await connection(info, OUTSIDE_SUPERVISOR, where, (OUTSIDE.c.appointed_on, OUTSIDE.c.id), True,
                                PageRequest(first, after, last, before))


@strawberry.type
class VisitMutations:
    @strawberry.mutation(description="抽取回访案件：按比例分执法主体随机抽取某年度已结案案件（洛阳方案第7项：明确案件回访比例）")
    async def draw_return_visit_sample(self, info: strawberry.Info, input: DrawReturnVisitSampleInput) -> ReturnVisitSamplePayload:
        return await resolve_draw(info, input)

    @strawberry.mutation(description="记录回访：方式、日期、满意度和意见；当事人反映执法问题的，登记为投诉举报并关联案件（回访结果处理）")
    async def record_return_visit(self, info: strawberry.Info, input: RecordReturnVisitInput) -> ReturnVisitPayload:
        return await resolve_record(info, input)

    @strawberry.mutation(description="聘任特邀行政执法监督员或确定行政执法监督企业联系点（洛阳方案第8、9项）")
    async def appoint_outside_supervisor(self, info: strawberry.Info, input: AppointOutsideSupervisorInput) -> OutsideSupervisorPayload:
        return await resolve_appoint(info, input)

    @strawberry.mutation(description="解聘特邀监督员或取消企业联系点：此后反映的问题不再以此身份登记")
    async def end_outside_supervisor_term(self, info: strawberry.Info, input: EndOutsideSupervisorTermInput) -> OutsideSupervisorPayload:
        return await resolve_end_term(info, input)

    @strawberry.mutation(description="登记特邀监督员或企业联系点反映的问题：进入投诉举报台账（编号、期限、加密、交办与普通投诉举报相同）")
    async def report_by_outside_supervisor(self, info: strawberry.Info, input: ReportByOutsideSupervisorInput) -> ComplaintPayload:
        return await resolve_report(info, input)

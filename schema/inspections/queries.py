"""Reading inspections: the plan and inspection lists, draw verification, scenarios and joint
visit plans, visit reduction and yearly load."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from zhifa.core.access.viewer import Role, Scope
from zhifa.core.clock import legal_today
from zhifa.core.errors import CommonErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.inspections import figures, service
from zhifa.core.inspections import scenarios as scenario_data
from zhifa.core.inspections.joint import by_domain
from zhifa.core.inspections.models import PlanStatus as CorePlanStatus
from zhifa.core.models import Entity as EntityRow
from zhifa.schema.inspections.filters import InspectionFilter, InspectionPlanFilter
from zhifa.schema.inspections.types import (
    INSPECTION,
    PLAN,
    AgencyRef,
    EntityRef,
    Inspection,
    InspectionPlan,
    InspectionPoint,
    OfficerRef,
    inspection_point,
    inspections_table,
    plans_table,
)
from zhifa.schema.kit.connections import connection, decode_id, planner, selections
from zhifa.schema.kit.enums import EntityKind
from zhifa.schema.kit.planner import child_selections
from zhifa.schema.kit.relay import Connection, PageRequest, global_id

MAX_LIST = 100


async def resolve_plans(info: strawberry.Info, filter: InspectionPlanFilter | None, page: PageRequest) -> Connection[InspectionPlan]:
    f, where = filter or InspectionPlanFilter(), []
    if f.agency_id:
        where.append(plans_table.c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.status:
        where.append(plans_table.c.status == f.status.value)
    if f.year is not None:
        if not 2000 <= f.year <= 2100:  # as inspectionLoad: a year no plan can have is a bad argument, not an empty list
            raise GraphQLError("年度应在 2000 至 2100 之间", extensions={"code": CommonErrorCode.ARGUMENT_INVALID, "field": "filter.year"})
        where.append(plans_table.c.starts_on.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)))
    return await connection(info, PLAN, where, (plans_table.c.starts_on, plans_table.c.id), True, page)


async def resolve_inspections(info: strawberry.Info, filter: InspectionFilter | None, page: PageRequest) -> Connection[Inspection]:
    f, where, t = filter or InspectionFilter(), [], inspections_table
    if f.entity_id:
        where.append(t.c.entity_id == decode_id(f.entity_id, "Entity", "filter.entityId"))
    if f.plan_id:
        where.append(t.c.plan_id == decode_id(f.plan_id, "InspectionPlan", "filter.planId"))
    if f.agency_id:
        where.append(t.c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.kind:
        where.append(t.c.kind == f.kind.value)
    if f.status:
        where.append(t.c.status == f.status.value)
    if f.from_:
        where.append(t.c.planned_on >= f.from_)
    if f.to:
        where.append(t.c.planned_on <= f.to)
    return await connection(info, INSPECTION, where, (t.c.planned_on, t.c.id), True, page)


# ---------------------------------------------------------------------------------------------
# Draw verification


@strawberry.type(description="抽取复核：按记录的种子和冻结名录重新运行抽取，与记录的结果比对")
class DrawVerification:
    ok: bool
    algorithm: str
    algorithm_version: int
    seed: str
    recorded_result_digest: str
    recomputed_result_digest: str | None
    problems: list[str]


async def resolve_verify_draw(info: strawberry.Info, plan_id: strawberry.ID) -> DrawVerification | None:
    """Staff in reach may verify any drawn plan; anyone may verify a plan whose results are public."""
    key = decode_id(plan_id, "InspectionPlan", "planId")
    access = info.context.access
    async with planner(info) as plan:
        stmt = sa.select(plans_table.c.id).where(plans_table.c.id == key)
        if access.viewer.is_public or (access.viewer.has(Role.PROVINCIAL) and Scope.CASES.value not in access.viewer.scopes):
            stmt = stmt.where(plans_table.c.status == CorePlanStatus.CLOSED.value)
        else:
            stmt = stmt.where(*access.where("InspectionPlan", plans_table))
        if await plan.session.scalar(stmt) is None:
            return None
        check = await service.verify_draw(plan.session, key)
    if check is None:
        return None
    v, d = check.verification, check.draw
    return DrawVerification(ok=v.ok, algorithm=d.algorithm, algorithm_version=d.algorithm_version, seed=d.seed,
                            recorded_result_digest=v.recorded_digest, recomputed_result_digest=v.recomputed_digest, problems=list(v.problems))


# ---------------------------------------------------------------------------------------------
# Scenarios and joint visit planning


@strawberry.type(description="“一件事”场景中的检查要点")
class ScenarioPoint:
    code: str
    checklist_code: str
    domain: str
    item_code: str
    text: str
    basis: str


@strawberry.type(description="“一件事”监管场景：跨领域的检查要点组合，指明牵头领域，可作为综合查一次的依据")
class InspectionScenario:
    code: str
    name: str
    lead_domain: str
    lead: str = strawberry.field(description="牵头部门")
    description: str
    source: str
    applies_to: list[EntityKind]
    industries: list[str]
    domains: list[str]
    points: list[ScenarioPoint]


def available_scenarios(info: strawberry.Info) -> list[scenario_data.ScenarioSpec]:
    """The built-in scenarios and the plug-ins' (`PluginManager.scenarios()`)."""
    plugins = info.context.plugins
    contributed = plugins.scenarios() if callable(getattr(plugins, "scenarios", None)) else ()
    return scenario_data.available(plugins.catalog, contributed)


def _scenario(spec: scenario_data.ScenarioSpec, info: strawberry.Info) -> InspectionScenario:
    points = scenario_data.points_of(spec, info.context.plugins.catalog)
    return InspectionScenario(
        code=spec.code, name=spec.name, lead_domain=spec.lead_domain, lead=spec.lead, description=spec.description, source=spec.source,
        applies_to=[EntityKind(k) for k in spec.applies_to], industries=list(spec.industries), domains=sorted({p.domain for p in points}),
        points=[ScenarioPoint(code=p.code, checklist_code=p.checklist, domain=p.domain, item_code=p.item, text=p.text, basis=p.basis) for p in points],
    )


def resolve_scenarios(info: strawberry.Info, domain: str | None, applies_to: EntityKind | None = None) -> list[InspectionScenario]:
    usable = available_scenarios(info)
    found = [_scenario(s, info) for s in (scenario_data.meant_for(usable, applies_to.value) if applies_to else usable)]
    return [s for s in found if domain is None or domain in s.domains]


@strawberry.type(description="联合检查中的一个领域：合并后的要点、原本单独上门的执法主体和所需人员")
class JointVisitDomain:
    domain: str
    agency: AgencyRef | None = strawberry.field(description="该领域原本单独上门检查的执法主体")
    checklist_codes: list[str]
    points: list[InspectionPoint]
    inspector_ids: list[strawberry.ID]


@strawberry.type(description="某领域缺少的持证检查人员")
class DomainShortfall:
    domain: str
    missing: int


@strawberry.type(description="综合查一次方案：一个对象适用的全部检查清单合并为一次上门")
class JointVisitPlan:
    entity: EntityRef | None
    scenario: InspectionScenario | None
    lead_agency: AgencyRef | None
    checklist_codes: list[str]
    source_point_count: int = strawberry.field(description="合并前各清单检查要点数之和")
    point_count: int = strawberry.field(description="去重合并后的检查要点数")
    domains: list[JointVisitDomain]
    inspector_ids: list[strawberry.ID] = strawberry.field(description="覆盖全部领域所需的检查人员（每个领域至少 2 名持证人员，已排除需回避者）")
    inspectors: list[OfficerRef] = strawberry.field(description="上述人员中本机关可见者")
    shortfall: list[DomainShortfall]
    separate_visits: int = strawberry.field(description="不合并时各执法主体分别上门的次数")
    visits_avoided: int


async def resolve_joint_plan(info: strawberry.Info, entity_id: strawberry.ID, scenario_code: str | None, on: dt.date | None) -> JointVisitPlan:
    access = info.context.access
    if access.viewer.is_public:
        raise GraphQLError("请先登录（需要 Bearer 令牌）", extensions={"code": CommonErrorCode.UNAUTHENTICATED})
    access.require("Entity")
    key = decode_id(entity_id, "Entity", "entityId")
    selected = selections(info)
    catalog = info.context.plugins.catalog
    async with planner(info) as plan:
        if not await plan.exists("Entity", key):
            raise GraphQLError("行政相对人不存在或不在本机关管辖范围内", extensions={"code": CommonErrorCode.NOT_FOUND, "field": "entityId"})
        try:
            jp = await service.plan_joint_visit(plan.session, catalog, key, scenario_code, on or legal_today(), available_scenarios(info))
        except RuleError as exc:
            raise GraphQLError(exc.message, extensions={"code": exc.code, "field": exc.field}) from None
        entity = (await plan.by_ids("Entity", [key], child_selections(selected, "entity") or [])).get(key)
        agency_ids = {a for a in jp.agency_for.values() if a} | ({jp.lead_agency_id} if jp.lead_agency_id else set())
        agency_sub = (child_selections(selected, "leadAgency") or []) + (child_selections(selected, "domains", "agency") or [])
        agencies = await plan.by_ids("Agency", agency_ids, agency_sub)
        officers = await plan.by_ids("Officer", jp.inspectors, child_selections(selected, "inspectors") or [])
    groups = by_domain(jp.points)
    domains = []
    for d, ps in groups.items():
        team = [global_id("Officer", o) for o in jp.inspectors if d in jp.inspector_domains.get(o, ())]
        domains.append(JointVisitDomain(domain=d, agency=agencies.get(jp.agency_for.get(d)), checklist_codes=sorted({c for p in ps for c in p.checklists}),
                                        points=[inspection_point(p.as_json()) for p in ps], inspector_ids=team))
    separate = len(jp.visits)
    return JointVisitPlan(
        entity=entity, scenario=_scenario(jp.scenario, info) if jp.scenario else None, lead_agency=agencies.get(jp.lead_agency_id),
        checklist_codes=jp.checklists, source_point_count=jp.source_count, point_count=len(jp.points), domains=domains,
        inspector_ids=[global_id("Officer", o) for o in jp.inspectors], inspectors=[officers[o] for o in jp.inspectors if o in officers],
        shortfall=[DomainShortfall(domain=d, missing=n) for d, n in sorted(jp.shortfall.items())],
        separate_visits=separate, visits_avoided=max(separate - 1, 0),
    )


# ---------------------------------------------------------------------------------------------
# Reduction and load


@strawberry.type(description="某对象的检查频次减少情况")
class EntityVisitReduction:
    entity: EntityRef | None
    joint_visits: int
    separate_visits: int
    visits_avoided: int
    reduction_rate: str | None = strawberry.field(description="减幅（百分比，一位小数）")
    problems_corrected_on_spot: int = strawberry.field(description="现场整改问题数")


@strawberry.type(description="某执法主体的检查频次减少情况（联合检查计入牵头主体）")
class AgencyVisitReduction:
    agency: AgencyRef | None
    joint_visits: int = strawberry.field(description="牵头实施的联合检查次数")
    separate_visits: int = strawberry.field(description="原本要单独上门的次数")
    visits_avoided: int
    reduction_rate: str | None
    problems_corrected_on_spot: int = strawberry.field(description="牵头实施的联合检查中现场整改的问题数")


@strawberry.type(description="综合查一次减少的检查频次（受检频次减少 = 原本单独上门次数 − 联合检查次数；减幅 = 减少次数 ÷ 原本次数）")
class InspectionReduction:
    from_: dt.date = strawberry.field(name="from")
    to: dt.date
    joint_visits: int
    separate_visits: int
    visits_avoided: int
    reduction_rate: str | None
    problems_corrected_on_spot: int = strawberry.field(description="现场整改问题数：联合检查中不符合、已在现场整改到位的检查要点（如定海区 2022 年“现场整改问题143个”）")
    by_entity: list[EntityVisitReduction]
    by_agency: list[AgencyVisitReduction]


def _rate(f: figures.Figures) -> str | None:
    return None if f.rate is None else str(f.rate)


async def resolve_reduction(info: strawberry.Info, start: dt.date, end: dt.date, agency_id: strawberry.ID | None) -> InspectionReduction:
    info.context.access.require("Inspection")
    if end < start:
        raise GraphQLError("结束日期不能早于开始日期", extensions={"code": CommonErrorCode.PERIOD_INVALID, "field": "to"})
    agency = decode_id(agency_id, "Agency", "agencyId")
    selected = selections(info)
    async with planner(info) as plan:
        report = await service.reduction_report(plan.session, start, end, plan.access.where("Inspection", inspections_table), agency)
        rows_e = report.by_entity[:MAX_LIST]
        found_e = await plan.by_ids("Entity", [uuid.UUID(f.key) for f in rows_e], child_selections(selected, "byEntity", "entity") or []) if rows_e else {}
        found_a = await plan.by_ids("Agency", [uuid.UUID(f.key) for f in report.by_agency], child_selections(selected, "byAgency", "agency") or []) if report.by_agency else {}
    t = report.total
    return InspectionReduction(
        from_=start, to=end, joint_visits=t.actual, separate_visits=t.separate, visits_avoided=t.avoided, reduction_rate=_rate(t),
        problems_corrected_on_spot=t.corrected_on_spot,
        by_entity=[EntityVisitReduction(entity=found_e.get(uuid.UUID(f.key)), joint_visits=f.actual, separate_visits=f.separate,
                                        visits_avoided=f.avoided, reduction_rate=_rate(f), problems_corrected_on_spot=f.corrected_on_spot) for f in rows_e],
        by_agency=[AgencyVisitReduction(agency=found_a.get(uuid.UUID(f.key)), joint_visits=f.actual, separate_visits=f.separate,
                                        visits_avoided=f.avoided, reduction_rate=_rate(f), problems_corrected_on_spot=f.corrected_on_spot)
                   for f in report.by_agency],
    )


@strawberry.type(description="某执法主体对该对象的检查次数")
class AgencyInspectionCount:
    agency: AgencyRef | None
    count: int


@strawberry.type(description="一个对象的年度受检次数")
class EntityInspectionLoad:
    entity: EntityRef | None
    count: int = strawberry.field(description="本年度各执法主体的检查（含已排定）次数，联合检查计一次")
    at_ceiling: bool
    by_agency: list[AgencyInspectionCount]


@strawberry.type(description="年度受检次数（涉企检查频次）")
class InspectionLoadReport:
    year: int
    ceiling: int
    entity_count: int = strawberry.field(description="本年度接受过检查的对象数")
    at_ceiling_count: int
    entities: list[EntityInspectionLoad] = strawberry.field(description="按受检次数由多到少，最多 first 条")


async def resolve_load(info: strawberry.Info, year: int, ceiling: int | None, only_at_ceiling: bool, first: int) -> InspectionLoadReport:
    access = info.context.access
    access.require("Entity")
    ceiling = ceiling or figures.DEFAULT_YEARLY_CEILING
    if not 1 <= first <= MAX_LIST:
        raise GraphQLError(f"每页数量应在 1 至 {MAX_LIST} 之间", extensions={"code": CommonErrorCode.PAGE_SIZE_INVALID})
    if not 1 <= ceiling <= 100 or not 2000 <= year <= 2100:
        raise GraphQLError("年度或上限无效", extensions={"code": CommonErrorCode.ARGUMENT_INVALID})
    selected = selections(info)
    entity_table = EntityRow.__table__
    async with planner(info) as plan:
        visible = sa.select(entity_table.c.id).where(*access.where("Entity", entity_table))
        loads = await service.load_report(plan.session, year, ceiling, visible)
        rows = sorted(loads.values(), key=lambda l: (-l.count, l.entity))
        if only_at_ceiling:
            rows = [r for r in rows if r.at_ceiling]
        shown = rows[:first]
        found_e = await plan.by_ids("Entity", [uuid.UUID(r.entity) for r in shown], child_selections(selected, "entities", "entity") or [])
        agency_ids = {uuid.UUID(a) for r in shown for a in r.by_agency}
        found_a = await plan.by_ids("Agency", agency_ids, child_selections(selected, "entities", "byAgency", "agency") or [])
    return InspectionLoadReport(
        year=year, ceiling=ceiling, entity_count=len(loads), at_ceiling_count=sum(1 for l in loads.values() if l.at_ceiling),
        entities=[
            EntityInspectionLoad(entity=found_e.get(uuid.UUID(r.entity)), count=r.count, at_ceiling=r.at_ceiling,
                                 by_agency=[AgencyInspectionCount(agency=found_a.get(uuid.UUID(a)), count=n) for a, n in r.by_agency.items()])
            for r in shown
        ],
    )

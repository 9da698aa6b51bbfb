"""Inspections in GraphQL: double-random plans and their verifiable draws, "inspect once" joint
visits, one-thing scenarios, results that open case leads, visit reduction and yearly load, and
the public, redacted plans and results.

Reads are kept inside the viewer's reach by `core.inspections.jurisdiction` (applied here
directly, so this module does not depend on schema.access knowing its kinds). Lists are planned
pages: the nested inspection details (points with results, replaced visits, a plan's draw and
tasks) are fetched per level in one statement each; when an object comes alone (node(id:)),
the same fields load themselves.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import defaultdict
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Role, Scope
from zhifa.core.clock import legal_today
from zhifa.core.errors import UserError as RuleError
from zhifa.core.inspections import figures, jurisdiction, service
from zhifa.core.inspections import scenarios as scenario_data
from zhifa.core.inspections.joint import by_domain
from zhifa.core.inspections.models import (
    CreditLevel as CoreCreditLevel,
)
from zhifa.core.inspections.models import (
    Inspection as InspectionRow,
)
from zhifa.core.inspections.models import (
    InspectionDraw as DrawRow,
)
from zhifa.core.inspections.models import (
    InspectionInspector,
    MergedVisit,
)
from zhifa.core.inspections.models import (
    InspectionKind as CoreInspectionKind,
)
from zhifa.core.inspections.models import (
    InspectionOutcome as CoreOutcome,
)
from zhifa.core.inspections.models import (
    InspectionPlan as PlanRow,
)
from zhifa.core.inspections.models import (
    InspectionResult as ResultRow,
)
from zhifa.core.inspections.models import (
    InspectionStatus as CoreInspectionStatus,
)
from zhifa.core.inspections.models import (
    PlanStatus as CorePlanStatus,
)
from zhifa.core.inspections.models import (
    PointOutcome as CorePointOutcome,
)
from zhifa.core.inspections.models import (
    RecusalReason as CoreRecusalReason,
)
from zhifa.core.inspections.models import (
    RiskClass as CoreRiskClass,
)
from zhifa.core.models import Agency as AgencyRow
from zhifa.core.models import Entity as EntityRow
from zhifa.core.models import Officer as OfficerRow
from zhifa.core.publication import redaction
from zhifa.schema.kit.access import RowRule
from zhifa.schema.kit.connections import connection, decode_id, one, planner
from zhifa.schema.kit.enums import EntityKind, graphql_enum, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import (
    Kind,
    Planner,
    Relation,
    child_selections,
    merge_selections,
)
from zhifa.schema.kit.relay import (
    Connection,
    Node,
    PageRequest,
    global_id,
    keyset,
    make_connection,
)

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
CaseRef = Annotated["Case", strawberry.lazy("zhifa.schema.cases.types")]  # another domain's type, resolved by name
EntityRef = Annotated["Entity", strawberry.lazy("zhifa.schema.entities.types")]  # another domain's type, resolved by name
OfficerRef = Annotated["Officer", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

plans_table = PlanRow.__table__
inspections_table = InspectionRow.__table__
inspectors_table = InspectionInspector.__table__
RESULTS_DUE_WORKING_DAYS = 20  # publish normal results within 20 working days (REFERENCE §6, Hebei rule)
MAX_LIST = 100

InspectionPlanStatus = graphql_enum(CorePlanStatus, "InspectionPlanStatus", "抽查计划状态")
RiskClass = graphql_enum(CoreRiskClass, "RiskClass", "信用风险分类")
CreditLevel = graphql_enum(CoreCreditLevel, "CreditLevel", "信用状况（按公示期内未修复的信用记录）")
InspectionKind = graphql_enum(CoreInspectionKind, "InspectionKind", "检查方式")
InspectionStatus = graphql_enum(CoreInspectionStatus, "InspectionStatus", "检查状态")
InspectionOutcome = graphql_enum(CoreOutcome, "InspectionOutcome", "检查结果")
PointOutcome = graphql_enum(CorePointOutcome, "PointOutcome", "检查要点结果")
RecusalReason = graphql_enum(CoreRecusalReason, "RecusalReason", "回避事由")


# ---------------------------------------------------------------------------------------------
# Reading rules


# ---------------------------------------------------------------------------------------------
# Types


@strawberry.type(description="检查要点（综合查一次时已去重合并，保留全部原始要点代码）")
class InspectionPoint:
    code: str = strawberry.field(description="录入结果所用的要点代码（合并时取第一个）")
    codes: list[str] = strawberry.field(description="合并进本要点的全部原始要点代码")
    checklist_codes: list[str]
    domain: str
    item_code: str = strawberry.field(description="不符合时对应的执法事项")
    text: str
    texts: list[str] = strawberry.field(description="各原始要点的检查内容")
    basis: str
    outcome: PointOutcome | None = strawberry.field(description="检查结果；未录入时为 null")
    evidence: str | None
    case_id: strawberry.ID | None = strawberry.field(description="据此登记的案件（案源）")


def _point(p: dict[str, Any], result: Any | None = None) -> InspectionPoint:
    return InspectionPoint(
        code=p["code"], codes=list(p.get("codes") or [p["code"]]), checklist_codes=list(p.get("checklists") or []), domain=p["domain"],
        item_code=p["item"], text=p["text"], texts=list(p.get("texts") or [p["text"]]), basis=p["basis"],
        outcome=PointOutcome(CorePointOutcome(result.outcome).value) if result is not None else None,
        evidence=result.evidence if result is not None else None,
        case_id=global_id("Case", result.case_id) if result is not None and result.case_id else None,
    )


@strawberry.type(description="联合检查所合并（替代）的一次单独检查")
class ReplacedVisit:
    agency: AgencyRef | None
    domain: str
    checklist_codes: list[str]


@strawberry.type(description="一次检查（一个对象、一次上门）：双随机抽查任务或综合查一次联合检查")
class Inspection(Node):
    kind: InspectionKind
    plan_id: strawberry.ID | None = strawberry.field(description="所属抽查计划（双随机）")
    scenario_code: str | None = strawberry.field(description="所依据的“一件事”场景")
    planned_on: dt.date
    inspected_on: dt.date | None
    status: InspectionStatus
    outcome: InspectionOutcome | None
    domains: list[str]
    version: int
    entity: EntityRef | None = None
    agency: AgencyRef | None = strawberry.field(default=None, description="牵头（实施）执法主体")
    inspectors: list[OfficerRef] = strawberry.field(default_factory=list, description="检查人员（仅显示本机关可见的人员）")
    key: strawberry.Private[uuid.UUID] = None
    raw_points: strawberry.Private[list] = None
    replaced_visits: list[ReplacedVisit] = strawberry.field(
        default_factory=list, description="本次联合检查合并的单独检查（每个领域由负责的执法主体原本要单独上门一次）"
    )
    loaded_results: strawberry.Private[dict] = None

    @strawberry.field(description="检查要点及结果，按领域分组排列")
    def points(self) -> list[InspectionPoint]:
        return [_point(p, (self.loaded_results or {}).get(p["code"])) for p in self.raw_points]


def _inspection(r) -> Inspection:
    return Inspection(
        id=global_id("Inspection", r.id), kind=InspectionKind(CoreInspectionKind(r.kind).value),
        plan_id=global_id("InspectionPlan", r.plan_id) if r.plan_id else None, scenario_code=r.scenario_code,
        planned_on=r.planned_on, inspected_on=r.inspected_on, status=InspectionStatus(CoreInspectionStatus(r.status).value),
        outcome=InspectionOutcome(CoreOutcome(r.outcome).value) if r.outcome else None, domains=list(r.domains), version=r.version,
        key=r.id, raw_points=list(r.points),
    )


def _rows(kind: str) -> RowRule:
    return RowRule(Scope.CASES, lambda access, t: jurisdiction.where(kind, t, access.agencies))


INSPECTION = Kind(
    "Inspection",
    inspections_table,
    _inspection,
    {
        "entity": Relation("one", "Entity", "entity_id"),
        "agency": Relation("one", "Agency", "agency_id"),
        "inspectors": Relation(
            "many",
            "Officer",
            link=lambda ids: sa.select(inspectors_table.c.inspection_id, inspectors_table.c.officer_id, inspectors_table.c.position).where(
                inspectors_table.c.inspection_id.in_(ids)
            ),
        ),
    },
    rule=_rows("Inspection"),
)


@strawberry.type(description="抽取所用名录和参数的 SM3 摘要")
class DrawDigest:
    part: str = strawberry.field(description="parameters（参数）/ targets（检查对象名录）/ inspectors（执法检查人员名录）/ conflicts（回避）/ excluded（因达到年度上限未入库）/ context")
    sm3: str


@strawberry.type(description="按风险分类的抽取情况")
class DrawStratum:
    risk_class: str = strawberry.field(description="A–D；按户数抽取时为 *")
    pool: int
    drawn: int


@strawberry.type(description="因达到年度检查次数上限而未进入抽取名录的对象")
class DrawExclusion:
    entity_id: strawberry.ID
    load: int
    ceiling: int


@strawberry.type(description="因回避未能与对象匹配的执法人员")
class DrawRecusal:
    officer_id: strawberry.ID
    entity_id: strawberry.ID
    reason: str = strawberry.field(description="declared:relative 等（已声明的回避事由）或 rotation（近期检查过该对象）")


@strawberry.type(description="抽取记录：算法、随机种子、名录摘要和结果摘要；任何人可据此复核")
class InspectionDraw:
    algorithm: str
    algorithm_version: int
    seed: str
    drawn_on: dt.date
    drawn_at: dt.datetime
    digests: list[DrawDigest]
    result_digest: str
    strata: list[DrawStratum]
    excluded: list[DrawExclusion]
    recused: list[DrawRecusal]
    snapshot: JSON = strawberry.field(description="冻结的名录和参数（规范 JSON），用于在系统外重新运行抽取")


def _draw(r) -> InspectionDraw:
    return InspectionDraw(
        algorithm=r.algorithm, algorithm_version=r.algorithm_version, seed=r.seed, drawn_on=r.drawn_on, drawn_at=r.drawn_at,
        digests=[DrawDigest(part=k, sm3=v) for k, v in sorted(r.digests.items())], result_digest=r.result_digest,
        strata=[DrawStratum(risk_class=s["risk_class"], pool=s["pool"], drawn=s["drawn"]) for s in r.result["strata"]],
        excluded=[DrawExclusion(entity_id=global_id("Entity", uuid.UUID(x["entity"])), load=x["load"], ceiling=x["ceiling"]) for x in r.snapshot.get("excluded", [])],
        recused=[DrawRecusal(officer_id=global_id("Officer", uuid.UUID(c["officer"])), entity_id=global_id("Entity", uuid.UUID(c["entity"])), reason=c["reason"]) for c in r.result["recused"]],
        snapshot=r.snapshot,
    )


@strawberry.type(description="各风险分类的抽取比例")
class RiskPercent:
    risk_class: RiskClass
    percent: int


@strawberry.type(description="检查对象的筛选条件（检查对象名录库的范围）")
class PlanTargetFilter:
    region_ids: list[strawberry.ID]
    industries: list[str]
    entity_kinds: list[EntityKind]
    risk_classes: list[RiskClass]
    credit_levels: list[CreditLevel]


@strawberry.type(description="“双随机、一公开”抽查计划")
class InspectionPlan(Node):
    name: str
    domains: list[str]
    checklist_codes: list[str]
    target_filter: PlanTargetFilter
    target_count: int | None = strawberry.field(description="抽取户数（与按比例抽取二者取一）")
    percents: list[RiskPercent] = strawberry.field(description="按风险分类的抽取比例（向上取整）")
    inspectors_per_task: int
    yearly_ceiling: int = strawberry.field(description="每个对象每年接受检查的次数上限；达到上限的不进入抽取名录")
    rotation_months: int = strawberry.field(description="近若干个月检查过该对象的人员回避（轮换）")
    starts_on: dt.date
    ends_on: dt.date
    status: InspectionPlanStatus
    published_on: dt.date | None
    results_published_on: dt.date | None
    version: int
    agency: AgencyRef | None = None
    key: strawberry.Private[uuid.UUID] = None
    draw: InspectionDraw | None = strawberry.field(default=None, description="抽取记录（尚未抽取时为 null）")
    tasks: list[Inspection] = strawberry.field(default_factory=list, description="抽取产生的检查任务")

    @strawberry.field(description="结果公示期限：检查期限结束后 20 个工作日；工作日历尚无该年度安排时为 null")
    def results_due_on(self, info: strawberry.Info) -> dt.date | None:
        try:
            return info.context.calendar.add_working_days(self.ends_on, RESULTS_DUE_WORKING_DAYS)
        except RuleError:  # a year the working-day calendar does not know yet
            return None


def _plan(r) -> InspectionPlan:
    f = r.target_filter or {}
    return InspectionPlan(
        id=global_id("InspectionPlan", r.id), name=r.name, domains=list(r.domains), checklist_codes=list(r.checklist_codes),
        target_filter=PlanTargetFilter(
            region_ids=[global_id("Region", uuid.UUID(x)) for x in f.get("region_ids", [])], industries=list(f.get("industries", [])),
            entity_kinds=[EntityKind(k) for k in f.get("entity_kinds", [])], risk_classes=[RiskClass(k) for k in f.get("risk_classes", [])],
            credit_levels=[CreditLevel(k) for k in f.get("credit_levels", [])],
        ),
        target_count=r.target_count, percents=[RiskPercent(risk_class=RiskClass(k), percent=v) for k, v in sorted((r.percents or {}).items())],
        inspectors_per_task=r.inspectors_per_task, yearly_ceiling=r.yearly_ceiling, rotation_months=r.rotation_months,
        starts_on=r.starts_on, ends_on=r.ends_on, status=InspectionPlanStatus(CorePlanStatus(r.status).value),
        published_on=r.published_on, results_published_on=r.results_published_on, version=r.version, key=r.id,
    )


PLAN = Kind("InspectionPlan", plans_table, _plan, {"agency": Relation("one", "Agency", "agency_id")}, rule=_rows("InspectionPlan"))


# ---------------------------------------------------------------------------------------------
# Nested details, loaded for a whole page by the planner (one statement per relation per level)


def _field_selections(info: strawberry.Info) -> list:
    return [s for f in info.selected_fields for s in f.selections]


async def _results(plan: Planner, ids: list[uuid.UUID], _selections) -> dict[uuid.UUID, dict[str, Any]]:
    found: dict[uuid.UUID, dict[str, Any]] = defaultdict(dict)
    for r in await plan.session.execute(sa.select(ResultRow.__table__).where(ResultRow.__table__.c.inspection_id.in_(ids))):
        found[r.inspection_id][r.point_code] = r
    return found


async def _replaced(plan: Planner, ids: list[uuid.UUID], selections: list) -> dict[uuid.UUID, list[ReplacedVisit]]:
    rows = (await plan.session.execute(sa.select(MergedVisit.__table__).where(MergedVisit.__table__.c.inspection_id.in_(ids)))).all()
    sub = child_selections(selections, "agency") or []
    agencies = await plan.by_ids(plan.kind("Agency"), {r.agency_id for r in rows}, sub) if sub else {}
    found: dict[uuid.UUID, list[ReplacedVisit]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r.domain_code, str(r.agency_id))):
        found[r.inspection_id].append(ReplacedVisit(agency=agencies.get(r.agency_id), domain=r.domain_code, checklist_codes=list(r.checklist_codes)))
    return found


async def _draws(plan: Planner, ids: list[uuid.UUID], _selections) -> dict[uuid.UUID, InspectionDraw]:
    rows = await plan.session.execute(sa.select(DrawRow.__table__).where(DrawRow.__table__.c.plan_id.in_(ids)))
    return {r.plan_id: _draw(r) for r in rows}


async def _tasks(plan: Planner, plan_ids: list[uuid.UUID], selections: list) -> dict[uuid.UUID, list[Inspection]]:
    stmt = plan.scoped(INSPECTION, sa.select(inspections_table).where(inspections_table.c.plan_id.in_(plan_ids)))
    pairs = await plan.rows(INSPECTION, stmt.order_by(inspections_table.c.plan_id, inspections_table.c.entity_id), selections)
    found: dict[uuid.UUID, list[Inspection]] = defaultdict(list)
    for obj, row in pairs:
        found[row.plan_id].append(obj)
    return found


INSPECTION.relations.update(
    points=Relation("batch", load=_results, default=dict, attr="loaded_results"),
    replacedVisits=Relation("batch", load=_replaced, default=list),
)
PLAN.relations.update(draw=Relation("batch", load=_draws), tasks=Relation("batch", load=_tasks, default=list))


# ---------------------------------------------------------------------------------------------
# Lists


@strawberry.input(description="抽查计划筛选")
class InspectionPlanFilter:
    agency_id: strawberry.ID | None = None
    status: InspectionPlanStatus | None = None
    year: int | None = strawberry.field(default=None, description="检查期限所在年度")


@strawberry.input(description="检查记录筛选")
class InspectionFilter:
    entity_id: strawberry.ID | None = None
    plan_id: strawberry.ID | None = None
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="牵头执法主体")
    kind: InspectionKind | None = None
    status: InspectionStatus | None = None
    from_: dt.date | None = strawberry.field(default=None, name="from", description="检查（计划）日期起")
    to: dt.date | None = None


async def resolve_plans(info: strawberry.Info, filter: InspectionPlanFilter | None, page: PageRequest) -> Connection[InspectionPlan]:
    f, where = filter or InspectionPlanFilter(), []
    if f.agency_id:
        where.append(plans_table.c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.status:
        where.append(plans_table.c.status == f.status.value)
    if f.year:
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
    """The built-in scenarios, plus the plug-ins' once core.hooks has `zhifa_scenarios` and the
    plug-in manager a `scenarios()` facade."""
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
        raise GraphQLError("请先登录（需要 Bearer 令牌）", extensions={"code": "UNAUTHENTICATED"})
    access.require("Entity")
    key = decode_id(entity_id, "Entity", "entityId")
    selections = _field_selections(info)
    catalog = info.context.plugins.catalog
    async with planner(info) as plan:
        if not await plan.exists("Entity", key):
            raise GraphQLError("行政相对人不存在或不在本机关管辖范围内", extensions={"code": "NOT_FOUND", "field": "entityId"})
        try:
            jp = await service.plan_joint_visit(plan.session, catalog, key, scenario_code, on or legal_today(), available_scenarios(info))
        except RuleError as exc:
            raise GraphQLError(exc.message, extensions={"code": exc.code, "field": exc.field}) from None
        entity = (await plan.by_ids("Entity", [key], child_selections(selections, "entity") or [])).get(key)
        agency_ids = {a for a in jp.agency_for.values() if a} | ({jp.lead_agency_id} if jp.lead_agency_id else set())
        agency_sub = (child_selections(selections, "leadAgency") or []) + (child_selections(selections, "domains", "agency") or [])
        agencies = await plan.by_ids("Agency", agency_ids, agency_sub)
        officers = await plan.by_ids("Officer", jp.inspectors, child_selections(selections, "inspectors") or [])
    groups = by_domain(jp.points)
    domains = []
    for d, ps in groups.items():
        team = [global_id("Officer", o) for o in jp.inspectors if d in jp.inspector_domains.get(o, ())]
        domains.append(JointVisitDomain(domain=d, agency=agencies.get(jp.agency_for.get(d)), checklist_codes=sorted({c for p in ps for c in p.checklists}),
                                        points=[_point(p.as_json()) for p in ps], inspector_ids=team))
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


@strawberry.type(description="某执法主体的检查频次减少情况（联合检查计入牵头主体）")
class AgencyVisitReduction:
    agency: AgencyRef | None
    joint_visits: int = strawberry.field(description="牵头实施的联合检查次数")
    separate_visits: int = strawberry.field(description="原本要单独上门的次数")
    visits_avoided: int
    reduction_rate: str | None


@strawberry.type(description="综合查一次减少的检查频次（受检频次减少 = 原本单独上门次数 − 联合检查次数；减幅 = 减少次数 ÷ 原本次数）")
class InspectionReduction:
    from_: dt.date = strawberry.field(name="from")
    to: dt.date
    joint_visits: int
    separate_visits: int
    visits_avoided: int
    reduction_rate: str | None
    by_entity: list[EntityVisitReduction]
    by_agency: list[AgencyVisitReduction]


def _rate(f: figures.Figures) -> str | None:
    return None if f.rate is None else str(f.rate)


async def resolve_reduction(info: strawberry.Info, start: dt.date, end: dt.date, agency_id: strawberry.ID | None) -> InspectionReduction:
    info.context.access.require("Inspection")
    if end < start:
        raise GraphQLError("结束日期不能早于开始日期", extensions={"code": "PERIOD_INVALID", "field": "to"})
    agency = decode_id(agency_id, "Agency", "agencyId")
    selections = _field_selections(info)
    async with planner(info) as plan:
        report = await service.reduction_report(plan.session, start, end, plan.access.where("Inspection", inspections_table), agency)
        rows_e = report.by_entity[:MAX_LIST]
        found_e = await plan.by_ids("Entity", [uuid.UUID(f.key) for f in rows_e], child_selections(selections, "byEntity", "entity") or []) if rows_e else {}
        found_a = await plan.by_ids("Agency", [uuid.UUID(f.key) for f in report.by_agency], child_selections(selections, "byAgency", "agency") or []) if report.by_agency else {}
    t = report.total
    return InspectionReduction(
        from_=start, to=end, joint_visits=t.actual, separate_visits=t.separate, visits_avoided=t.avoided, reduction_rate=_rate(t),
        by_entity=[EntityVisitReduction(entity=found_e.get(uuid.UUID(f.key)), joint_visits=f.actual, separate_visits=f.separate,
                                        visits_avoided=f.avoided, reduction_rate=_rate(f)) for f in rows_e],
        by_agency=[AgencyVisitReduction(agency=found_a.get(uuid.UUID(f.key)), joint_visits=f.actual, separate_visits=f.separate,
                                        visits_avoided=f.avoided, reduction_rate=_rate(f)) for f in report.by_agency],
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
        raise GraphQLError(f"每页数量应在 1 至 {MAX_LIST} 之间", extensions={"code": "PAGE_SIZE_INVALID"})
    if not 1 <= ceiling <= 100 or not 2000 <= year <= 2100:
        raise GraphQLError("年度或上限无效", extensions={"code": "ARGUMENT_INVALID"})
    selections = _field_selections(info)
    entity_table = EntityRow.__table__
    async with planner(info) as plan:
        visible = sa.select(entity_table.c.id).where(*access.where("Entity", entity_table))
        loads = await service.load_report(plan.session, year, ceiling, visible)
        rows = sorted(loads.values(), key=lambda l: (-l.count, l.entity))
        if only_at_ceiling:
            rows = [r for r in rows if r.at_ceiling]
        shown = rows[:first]
        found_e = await plan.by_ids("Entity", [uuid.UUID(r.entity) for r in shown], child_selections(selections, "entities", "entity") or [])
        agency_ids = {uuid.UUID(a) for r in shown for a in r.by_agency}
        found_a = await plan.by_ids("Agency", agency_ids, child_selections(selections, "entities", "byAgency", "agency") or [])
    return InspectionLoadReport(
        year=year, ceiling=ceiling, entity_count=len(loads), at_ceiling_count=sum(1 for l in loads.values() if l.at_ceiling),
        entities=[
            EntityInspectionLoad(entity=found_e.get(uuid.UUID(r.entity)), count=r.count, at_ceiling=r.at_ceiling,
                                 by_agency=[AgencyInspectionCount(agency=found_a.get(uuid.UUID(a)), count=n) for a, n in r.by_agency.items()])
            for r in shown
        ],
    )


# ---------------------------------------------------------------------------------------------
# Public plans and results (一公开), redacted


@strawberry.type(description="公示的抽查结果（已脱敏：自然人、个体工商户经营者仅显示姓氏加“某”）")
class PublicInspectionResult:
    party_name: str
    party_kind: str
    credit_code: str | None
    inspected_on: dt.date | None
    outcome: InspectionOutcome | None
    outcome_label: str | None


@strawberry.type(description="公示的抽查记录：算法、种子和摘要，可据此复核")
class PublicDrawRecord:
    algorithm: str
    algorithm_version: int
    seed: str
    drawn_on: dt.date
    digests: list[DrawDigest]
    result_digest: str
    strata: list[DrawStratum]


@strawberry.type(description="公示的抽查计划（检查期间只公示计划；结果公示后一并公示抽取记录和检查结果）")
class PublicInspectionPlan(Node):
    name: str
    agency_name: str
    domains: list[str]
    checklist_codes: list[str]
    target_count: int | None
    percents: list[RiskPercent]
    inspectors_per_task: int
    starts_on: dt.date
    ends_on: dt.date
    published_on: dt.date
    results_published_on: dt.date | None
    draw: PublicDrawRecord | None
    results: list[PublicInspectionResult]


async def resolve_public_plans(info: strawberry.Info, agency_id: strawberry.ID | None, page: PageRequest) -> Connection[PublicInspectionPlan]:
    where = [plans_table.c.published_on.is_not(None)]
    if agency_id:
        where.append(plans_table.c.agency_id == decode_id(agency_id, "Agency", "agencyId"))
    order = (plans_table.c.published_on, plans_table.c.id)
    selections = _field_selections(info)
    node = merge_selections(child_selections(selections, "edges", "node") or [])
    async with info.context.sessions() as session:
        base = sa.select(plans_table).where(*where)
        stmt, size = keyset(base, order, True, page)
        rows = (await session.execute(stmt)).all()
        closed = [r.id for r in rows if CorePlanStatus(r.status) is CorePlanStatus.CLOSED]
        names = {}
        if rows:
            names = dict((await session.execute(sa.select(AgencyRow.id, AgencyRow.name).where(AgencyRow.id.in_({r.agency_id for r in rows})))).all())
        draws, results = {}, defaultdict(list)
        if closed and "draw" in node:
            d = DrawRow.__table__
            cols = (d.c.plan_id, d.c.algorithm, d.c.algorithm_version, d.c.seed, d.c.drawn_on, d.c.digests, d.c.result_digest, d.c.result)
            draws = {r.plan_id: r for r in await session.execute(sa.select(*cols).where(d.c.plan_id.in_(closed)))}
        if closed and "results" in node:
            e, t = EntityRow.__table__, inspections_table
            stmt = (
                sa.select(t.c.plan_id, t.c.inspected_on, t.c.outcome, e.c.name, e.c.kind, e.c.credit_code)
                .join(e, e.c.id == t.c.entity_id).where(t.c.plan_id.in_(closed)).order_by(t.c.plan_id, t.c.inspected_on, t.c.id)
            )
            for r in await session.execute(stmt):
                results[r.plan_id].append(r)
        total = 0
        if "totalCount" in merge_selections(selections):
            total = await session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    items = [_public_plan(r, names.get(r.agency_id, ""), draws.get(r.id), results.get(r.id, [])) for r in rows]
    keys = [(r.published_on, r.id) for r in rows]
    return make_connection(items, keys, size, page, total)


def _public_result(r) -> PublicInspectionResult:
    kind = r.kind.value if isinstance(r.kind, enum.Enum) else r.kind
    outcome = CoreOutcome(r.outcome) if r.outcome else None
    return PublicInspectionResult(
        party_name=redaction.party_name(r.name, kind), party_kind=kind, credit_code=r.credit_code, inspected_on=r.inspected_on,
        outcome=InspectionOutcome(outcome.value) if outcome else None, outcome_label=outcome.label if outcome else None,
    )


def _public_plan(r, agency_name: str, drawn, results: list) -> PublicInspectionPlan:
    closed = CorePlanStatus(r.status) is CorePlanStatus.CLOSED
    record = None
    if closed and drawn is not None:
        record = PublicDrawRecord(
            algorithm=drawn.algorithm, algorithm_version=drawn.algorithm_version, seed=drawn.seed, drawn_on=drawn.drawn_on,
            digests=[DrawDigest(part=k, sm3=v) for k, v in sorted(drawn.digests.items())], result_digest=drawn.result_digest,
            strata=[DrawStratum(risk_class=s["risk_class"], pool=s["pool"], drawn=s["drawn"]) for s in drawn.result["strata"]],
        )
    return PublicInspectionPlan(
        id=global_id("PublicInspectionPlan", r.id), name=r.name, agency_name=agency_name, domains=list(r.domains),
        checklist_codes=list(r.checklist_codes), target_count=r.target_count,
        percents=[RiskPercent(risk_class=RiskClass(k), percent=v) for k, v in sorted((r.percents or {}).items())],
        inspectors_per_task=r.inspectors_per_task, starts_on=r.starts_on, ends_on=r.ends_on, published_on=r.published_on,
        results_published_on=r.results_published_on if closed else None, draw=record,
        results=[_public_result(x) for x in results] if closed else [],
    )


# ---------------------------------------------------------------------------------------------
# Mutations


@strawberry.input(description="各风险分类的抽取比例")
class RiskPercentInput:
    risk_class: RiskClass
    percent: int = strawberry.field(description="整数百分比 1–100，按类别向上取整")


@strawberry.input(description="检查对象筛选条件")
class PlanTargetFilterInput:
    region_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="区域（含下级），须在本执法主体辖区内；不填为全辖区")
    industries: list[str] = strawberry.field(default_factory=list, description="行业标签（任一匹配）")
    entity_kinds: list[EntityKind] = strawberry.field(default_factory=list)
    risk_classes: list[RiskClass] = strawberry.field(default_factory=list)
    credit_levels: list[CreditLevel] = strawberry.field(default_factory=list)


@strawberry.input(description="制定双随机抽查计划")
class CreateInspectionPlanInput:
    agency_id: strawberry.ID
    name: str
    domains: list[str]
    checklist_codes: list[str]
    starts_on: dt.date
    ends_on: dt.date
    target_filter: PlanTargetFilterInput | None = None
    target_count: int | None = strawberry.field(default=None, description="抽取户数（与 percents 二者取一）")
    percents: list[RiskPercentInput] | None = strawberry.field(default=None, description="按风险分类的抽取比例")
    inspectors_per_task: int = 2
    yearly_ceiling: int = strawberry.field(default=figures.DEFAULT_YEARLY_CEILING, description="每个对象每年受检次数上限")
    rotation_months: int = strawberry.field(default=service.DEFAULT_ROTATION_MONTHS, description="轮换回避期（月）")


@strawberry.input(description="对抽查计划执行一步")
class InspectionPlanStepInput:
    plan_id: strawberry.ID
    version: int = strawberry.field(description="客户端看到的计划版本号")


@strawberry.input(description="摇号抽取")
class DrawInspectionPlanInput:
    plan_id: strawberry.ID
    version: int
    seed: str | None = strawberry.field(default=None, description="随机种子（如现场公开产生的号码）；不填由系统以安全随机数生成并记录")


@strawberry.type(description="抽查计划操作的结果")
class InspectionPlanPayload:
    plan: InspectionPlan | None
    errors: list[UserError]


async def _plan_payload(info: strawberry.Info, work) -> InspectionPlanPayload:
    key, errors = await run_mutation(info, work)
    return InspectionPlanPayload(plan=await one(info, PLAN, key, "plan") if key else None, errors=errors)


async def _plan_as_enforcer(info: strawberry.Info, session, plan_id: strawberry.ID) -> uuid.UUID:
    key = decode_id(plan_id, "InspectionPlan", "planId")
    row = await session.get(PlanRow, key)
    if row is None:
        raise RuleError("PLAN_NOT_FOUND", "抽查计划不存在", "planId")
    info.context.access.require_enforcer_of(row.agency_id)
    return key


async def resolve_create_plan(info: strawberry.Info, input: CreateInspectionPlanInput) -> InspectionPlanPayload:
    async def work(session):
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        info.context.access.require_enforcer_of(agency_id)
        f = input.target_filter or PlanTargetFilterInput()
        new = service.NewPlan(
            agency_id=agency_id, name=input.name, domains=input.domains, checklist_codes=input.checklist_codes,
            starts_on=input.starts_on, ends_on=input.ends_on,
            target_filter=service.TargetFilter(
                region_ids=tuple(decode_id(r, "Region", "targetFilter.regionIds") for r in f.region_ids), industries=tuple(f.industries),
                entity_kinds=tuple(k.value for k in f.entity_kinds), risk_classes=tuple(k.value for k in f.risk_classes),
                credit_levels=tuple(k.value for k in f.credit_levels),
            ),
            target_count=input.target_count,
            percents={p.risk_class.value: p.percent for p in input.percents} if input.percents else None,
            inspectors_per_task=input.inspectors_per_task, yearly_ceiling=input.yearly_ceiling, rotation_months=input.rotation_months,
        )
        return (await service.create_plan(session, info.context.actor, info.context.plugins.catalog, new)).id

    return await _plan_payload(info, work)


async def resolve_draw(info: strawberry.Info, input: DrawInspectionPlanInput) -> InspectionPlanPayload:
    async def work(session):
        key = await _plan_as_enforcer(info, session, input.plan_id)
        return (await service.run_draw(session, info.context.actor, info.context.plugins.catalog, key, input.version, input.seed)).id

    return await _plan_payload(info, work)


async def resolve_publish_plan(info: strawberry.Info, input: InspectionPlanStepInput, results: bool) -> InspectionPlanPayload:
    async def work(session):
        key = await _plan_as_enforcer(info, session, input.plan_id)
        publish = service.publish_results if results else service.publish_plan
        return (await publish(session, info.context.actor, key, input.version, legal_today())).id

    return await _plan_payload(info, work)


@strawberry.input(description="声明回避（与检查对象存在利害关系）")
class DeclareRecusalInput:
    officer_id: strawberry.ID
    entity_id: strawberry.ID
    reason: RecusalReason
    note: str = ""
    valid_until: dt.date | None = strawberry.field(default=None, description="回避有效期至（不填为长期）")


@strawberry.type(description="回避声明")
class RecusalDeclaration:
    officer_id: strawberry.ID
    entity_id: strawberry.ID
    reason: RecusalReason
    note: str
    declared_on: dt.date
    valid_until: dt.date | None


@strawberry.type(description="声明回避的结果")
class RecusalPayload:
    recusal: RecusalDeclaration | None
    errors: list[UserError]


async def resolve_declare_recusal(info: strawberry.Info, input: DeclareRecusalInput) -> RecusalPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()
        officer_id = decode_id(input.officer_id, "Officer", "officerId")
        officer = await session.get(OfficerRow, officer_id)
        if officer is None:
            raise RuleError("OFFICER_NOT_FOUND", "执法人员不存在", "officerId")
        if officer_id != access.viewer.officer_id:
            access.require_enforcer_of(officer.agency_id)
        row = await service.declare_recusal(session, info.context.actor, officer_id, decode_id(input.entity_id, "Entity", "entityId"),
                                            to_core(CoreRecusalReason, input.reason), input.note, legal_today(), input.valid_until)
        return RecusalDeclaration(officer_id=global_id("Officer", row.officer_id), entity_id=global_id("Entity", row.entity_id), reason=input.reason,
                                  note=row.note, declared_on=row.declared_on, valid_until=row.valid_until)

    recusal, errors = await run_mutation(info, work)
    return RecusalPayload(recusal=recusal, errors=errors)


@strawberry.input(description="登记对象的信用风险分类")
class RateEntityRiskInput:
    entity_id: strawberry.ID
    risk_class: RiskClass
    basis: str = strawberry.field(description="分类依据")


@strawberry.type(description="风险分类的结果")
class RiskRatingPayload:
    risk_class: RiskClass | None
    rated_on: dt.date | None
    errors: list[UserError]


async def _entity_in_reach(info: strawberry.Info, session, entity_id: uuid.UUID) -> None:
    if not await Planner(session, info.context.access).exists("Entity", entity_id):
        raise RuleError("ENTITY_NOT_FOUND", "行政相对人不存在或不在本机关管辖范围内", "entityId")


async def resolve_rate_risk(info: strawberry.Info, input: RateEntityRiskInput) -> RiskRatingPayload:
    async def work(session):
        info.context.access.require_staff()
        entity_id = decode_id(input.entity_id, "Entity", "entityId")
        await _entity_in_reach(info, session, entity_id)
        return await service.rate_risk(session, info.context.actor, entity_id, to_core(CoreRiskClass, input.risk_class), input.basis, legal_today())

    row, errors = await run_mutation(info, work)
    return RiskRatingPayload(risk_class=input.risk_class if row else None, rated_on=row.rated_on if row else None, errors=errors)


@strawberry.input(description="被合并的单独检查")
class ReplacedVisitInput:
    agency_id: strawberry.ID
    domain: str


@strawberry.input(description="登记综合查一次（联合检查）")
class RecordJointVisitInput:
    entity_id: strawberry.ID
    visited_on: dt.date = strawberry.field(description="检查日期（可为计划日期）")
    lead_agency_id: strawberry.ID | None = strawberry.field(default=None, description="牵头执法主体；不填按方案确定")
    scenario_code: str | None = strawberry.field(default=None, description="依据的“一件事”场景；不填则合并对象适用的全部检查清单")
    inspector_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="检查人员；不填按方案配备")
    replaced_visits: list[ReplacedVisitInput] | None = strawberry.field(default=None, description="被合并的单独检查；不填按方案（每个领域的负责主体各一次）")


@strawberry.type(description="检查操作的结果")
class InspectionPayload:
    inspection: Inspection | None
    errors: list[UserError]


async def _inspection_payload(info: strawberry.Info, work) -> InspectionPayload:
    key, errors = await run_mutation(info, work)
    return InspectionPayload(inspection=await one(info, INSPECTION, key, "inspection") if key else None, errors=errors)


async def resolve_record_joint(info: strawberry.Info, input: RecordJointVisitInput) -> InspectionPayload:
    async def work(session):
        access = info.context.access
        lead = decode_id(input.lead_agency_id, "Agency", "leadAgencyId")
        entity_id = decode_id(input.entity_id, "Entity", "entityId")
        await _entity_in_reach(info, session, entity_id)
        new = service.NewJointVisit(
            entity_id=entity_id, visited_on=input.visited_on, lead_agency_id=lead, scenario_code=input.scenario_code,
            inspector_ids=[decode_id(o, "Officer", "inspectorIds") for o in input.inspector_ids] if input.inspector_ids else None,
            replaced=[(decode_id(v.agency_id, "Agency", "replacedVisits"), v.domain) for v in input.replaced_visits] if input.replaced_visits is not None else None,
        )
        row = await service.record_joint_visit(session, info.context.actor, info.context.plugins.catalog, new, available_scenarios(info),
                                               authorize=access.require_enforcer_of)  # also when the plan chose the lead
        return row.id

    return await _inspection_payload(info, work)


@strawberry.input(description="一个检查要点的结果")
class PointResultInput:
    point_code: str
    outcome: PointOutcome
    evidence: str = strawberry.field(default="", description="证据情况（现场笔录、照片、抽样等）；不符合时必填")


@strawberry.input(description="录入检查结果")
class RecordInspectionResultsInput:
    inspection_id: strawberry.ID
    version: int
    inspected_on: dt.date
    results: list[PointResultInput] = strawberry.field(default_factory=list)
    outcome: InspectionOutcome | None = strawberry.field(default=None, description="仅在“未发现开展相关经营活动”或“查无下落”时直接填写")


async def _as_inspector_or_enforcer(info: strawberry.Info, session, inspection_id: uuid.UUID) -> None:
    row = await session.get(InspectionRow, inspection_id)
    if row is None:
        raise RuleError("INSPECTION_NOT_FOUND", "检查记录不存在", "inspectionId")
    access = info.context.access
    viewer = access.viewer
    if viewer.officer_id is not None and viewer.has(Role.OFFICER, Role.AGENCY_HEAD):
        mine = await session.scalar(sa.select(InspectionInspector.officer_id).where(
            InspectionInspector.inspection_id == inspection_id, InspectionInspector.officer_id == viewer.officer_id))
        if mine is not None:
            return
    access.require_enforcer_of(row.agency_id)


async def resolve_record_results(info: strawberry.Info, input: RecordInspectionResultsInput) -> InspectionPayload:
    async def work(session):
        key = decode_id(input.inspection_id, "Inspection", "inspectionId")
        await _as_inspector_or_enforcer(info, session, key)
        findings = [service.PointFinding(r.point_code, to_core(CorePointOutcome, r.outcome), r.evidence) for r in input.results]
        outcome = to_core(CoreOutcome, input.outcome) if input.outcome else None
        return (await service.record_results(session, info.context.actor, key, input.version, input.inspected_on, findings, outcome)).id

    return await _inspection_payload(info, work)


@strawberry.input(description="检查发现问题，转为案源登记")
class OpenInspectionLeadInput:
    inspection_id: strawberry.ID
    point_code: str
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="承办执法主体；不填为负责该领域的主体")
    officer_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="承办人员；不填为该主体参加检查的人员")
    facts: JSON | None = strawberry.field(default=None, description="事项要求的事实（按事项的事实定义）")
    description: str = strawberry.field(default="", description="案情简述；不填由检查要点和证据情况生成")


@strawberry.type(description="转为案源的结果")
class InspectionLeadPayload:
    inspection: Inspection | None
    case: CaseRef | None
    errors: list[UserError]


async def resolve_open_lead(info: strawberry.Info, input: OpenInspectionLeadInput) -> InspectionLeadPayload:
    async def work(session):
        if input.facts is not None and not isinstance(input.facts, dict):
            raise RuleError("FACTS_INVALID", "facts 应为以事实名称为键的对象", "facts")
        access = info.context.access
        key = decode_id(input.inspection_id, "Inspection", "inspectionId")
        agency = decode_id(input.agency_id, "Agency", "agencyId")
        if agency is not None:
            access.require_enforcer_of(agency)
        await _as_inspector_or_enforcer(info, session, key)
        officers = [decode_id(o, "Officer", "officerIds") for o in input.officer_ids] if input.officer_ids else None
        inspection, case = await service.open_lead(session, info.context.actor, key, input.point_code, agency, officers, input.facts or {}, input.description)
        access.require_enforcer_of(case.agency_id)
        return inspection.id, case.id

    keys, errors = await run_mutation(info, work)
    if not keys:
        return InspectionLeadPayload(inspection=None, case=None, errors=errors)
    inspection = await one(info, INSPECTION, keys[0], "inspection")
    case = await one(info, "Case", keys[1], "case")
    return InspectionLeadPayload(inspection=inspection, case=case, errors=errors)


# ---------------------------------------------------------------------------------------------
# Roots (mixins for schema.query.Query / Mutation)


@strawberry.type
class InspectionQueries:
    @strawberry.field(description="双随机抽查计划（本机关及下级；监督机关看本级及以下）。每页最多 100 条")
    async def inspection_plans(
        self, info: strawberry.Info, filter: InspectionPlanFilter | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[InspectionPlan]:
        return await resolve_plans(info, filter, PageRequest(first, after, last, before))

    @strawberry.field(description="按 ID 取一个抽查计划")
    async def inspection_plan(self, info: strawberry.Info, id: strawberry.ID) -> InspectionPlan | None:
        info.context.access.require("InspectionPlan")
        return await one(info, PLAN, decode_id(id, "InspectionPlan", "id"))

    @strawberry.field(description="检查记录（双随机任务和联合检查）。每页最多 100 条")
    async def inspections(
        self, info: strawberry.Info, filter: InspectionFilter | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[Inspection]:
        return await resolve_inspections(info, filter, PageRequest(first, after, last, before))

    @strawberry.field(description="按 ID 取一次检查")
    async def inspection(self, info: strawberry.Info, id: strawberry.ID) -> Inspection | None:
        info.context.access.require("Inspection")
        return await one(info, INSPECTION, decode_id(id, "Inspection", "id"))

    @strawberry.field(description="复核抽取：按记录的种子和冻结名录重新抽取并比对摘要；结果已公示的计划任何人可复核")
    async def verify_draw(self, info: strawberry.Info, plan_id: strawberry.ID) -> DrawVerification | None:
        return await resolve_verify_draw(info, plan_id)

    @strawberry.field(description="综合查一次方案：合并对象适用的全部检查清单（或某“一件事”场景）为一次上门，按领域分组并配备人员")
    async def joint_visit_plan(
        self, info: strawberry.Info, entity_id: strawberry.ID, scenario_code: str | None = None, on: dt.date | None = None
    ) -> JointVisitPlan:
        return await resolve_joint_plan(info, entity_id, scenario_code, on)

    @strawberry.field(description="综合查一次减少的受检频次（按对象和执法主体）")
    async def inspection_reduction(
        self, info: strawberry.Info, from_: Annotated[dt.date, strawberry.argument(name="from")], to: dt.date, agency_id: strawberry.ID | None = None
    ) -> InspectionReduction:
        return await resolve_reduction(info, from_, to, agency_id)

    @strawberry.field(description="“一件事”监管场景")
    def inspection_scenarios(self, info: strawberry.Info, domain: str | None = None) -> list[InspectionScenario]:
        found = [_scenario(s, info) for s in available_scenarios(info)]
        return [s for s in found if domain is None or domain in s.domains]

    @strawberry.field(description="年度受检次数：各执法主体对每个对象的检查次数及是否达到上限")
    async def inspection_load(
        self, info: strawberry.Info, year: int, ceiling: int | None = None, only_at_ceiling: bool = False, first: int = 20
    ) -> InspectionLoadReport:
        return await resolve_load(info, year, ceiling, only_at_ceiling, first)

    @strawberry.field(description="公示的抽查计划和结果：无需登录；每页最多 100 条")
    async def public_inspection_plans(
        self, info: strawberry.Info, agency_id: strawberry.ID | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[PublicInspectionPlan]:
        return await resolve_public_plans(info, agency_id, PageRequest(first, after, last, before))


@strawberry.type
class InspectionMutations:
    @strawberry.mutation(description="制定双随机抽查计划")
    async def create_inspection_plan(self, info: strawberry.Info, input: CreateInspectionPlanInput) -> InspectionPlanPayload:
        return await resolve_create_plan(info, input)

    @strawberry.mutation(description="摇号抽取检查对象并随机匹配执法检查人员（记录种子和名录摘要，可复核）")
    async def draw_inspection_plan(self, info: strawberry.Info, input: DrawInspectionPlanInput) -> InspectionPlanPayload:
        return await resolve_draw(info, input)

    @strawberry.mutation(description="公示抽查计划")
    async def publish_inspection_plan(self, info: strawberry.Info, input: InspectionPlanStepInput) -> InspectionPlanPayload:
        return await resolve_publish_plan(info, input, results=False)

    @strawberry.mutation(description="公示抽查结果（全部任务录入结果后）")
    async def publish_inspection_results(self, info: strawberry.Info, input: InspectionPlanStepInput) -> InspectionPlanPayload:
        return await resolve_publish_plan(info, input, results=True)

    @strawberry.mutation(description="声明回避：抽取和配备检查人员时不再与该对象匹配")
    async def declare_recusal(self, info: strawberry.Info, input: DeclareRecusalInput) -> RecusalPayload:
        return await resolve_declare_recusal(info, input)

    @strawberry.mutation(description="登记对象的信用风险分类（决定抽取比例）")
    async def rate_entity_risk(self, info: strawberry.Info, input: RateEntityRiskInput) -> RiskRatingPayload:
        return await resolve_rate_risk(info, input)

    @strawberry.mutation(description="登记综合查一次：一次上门覆盖多个领域，记录被合并的单独检查")
    async def record_joint_visit(self, info: strawberry.Info, input: RecordJointVisitInput) -> InspectionPayload:
        return await resolve_record_joint(info, input)

    @strawberry.mutation(description="录入检查结果（每个要点的结果和证据情况）")
    async def record_inspection_results(self, info: strawberry.Info, input: RecordInspectionResultsInput) -> InspectionPayload:
        return await resolve_record_results(info, input)

    @strawberry.mutation(description="检查要点不符合的，转为案源登记（对应执法事项，附证据情况）")
    async def open_inspection_lead(self, info: strawberry.Info, input: OpenInspectionLeadInput) -> InspectionLeadPayload:
        return await resolve_open_lead(info, input)

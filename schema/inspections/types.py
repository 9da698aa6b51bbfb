"""Inspections in GraphQL: the plan, inspection and draw types, their planner kinds and row rules,
and the nested details the planner loads per page."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Scope
from zhifa.core.errors import UserError as RuleError
from zhifa.core.inspections import jurisdiction
from zhifa.core.inspections.models import CreditLevel as CoreCreditLevel
from zhifa.core.inspections.models import Inspection as InspectionRow
from zhifa.core.inspections.models import InspectionDraw as DrawRow
from zhifa.core.inspections.models import InspectionInspector, MergedVisit
from zhifa.core.inspections.models import InspectionKind as CoreInspectionKind
from zhifa.core.inspections.models import InspectionOutcome as CoreOutcome
from zhifa.core.inspections.models import InspectionPlan as PlanRow
from zhifa.core.inspections.models import InspectionResult as ResultRow
from zhifa.core.inspections.models import InspectionStatus as CoreInspectionStatus
from zhifa.core.inspections.models import PlanStatus as CorePlanStatus
from zhifa.core.inspections.models import PointOutcome as CorePointOutcome
from zhifa.core.inspections.models import RecusalReason as CoreRecusalReason
from zhifa.core.inspections.models import RiskClass as CoreRiskClass
from zhifa.schema.kit.access import RowRule
from zhifa.schema.kit.enums import EntityKind, graphql_enum
from zhifa.schema.kit.planner import Kind, Planner, Relation, child_selections
from zhifa.schema.kit.relay import Node, global_id

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
EntityRef = Annotated["Entity", strawberry.lazy("zhifa.schema.entities.types")]  # another domain's type, resolved by name
OfficerRef = Annotated["Officer", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

plans_table = PlanRow.__table__
inspections_table = InspectionRow.__table__
inspectors_table = InspectionInspector.__table__
RESULTS_DUE_WORKING_DAYS = 20  # publish normal results within 20 working days (REFERENCE §6, Hebei rule)

InspectionPlanStatus = graphql_enum(CorePlanStatus, "InspectionPlanStatus", "抽查计划状态")
RiskClass = graphql_enum(CoreRiskClass, "RiskClass", "信用风险分类")
CreditLevel = graphql_enum(CoreCreditLevel, "CreditLevel", "信用状况（按公示期内未修复的信用记录）")
InspectionKind = graphql_enum(CoreInspectionKind, "InspectionKind", "检查方式")
InspectionStatus = graphql_enum(CoreInspectionStatus, "InspectionStatus", "检查状态")
InspectionOutcome = graphql_enum(CoreOutcome, "InspectionOutcome", "检查结果")
PointOutcome = graphql_enum(CorePointOutcome, "PointOutcome", "检查要点结果")
RecusalReason = graphql_enum(CoreRecusalReason, "RecusalReason", "回避事由")


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
    corrected_on_spot: bool | None = strawberry.field(description="不符合的问题是否已现场整改；未录入时为 null")
    case_id: strawberry.ID | None = strawberry.field(description="据此登记的案件（案源）")


def inspection_point(p: dict[str, Any], result: Any | None = None) -> InspectionPoint:
    return InspectionPoint(
        code=p["code"], codes=list(p.get("codes") or [p["code"]]), checklist_codes=list(p.get("checklists") or []), domain=p["domain"],
        item_code=p["item"], text=p["text"], texts=list(p.get("texts") or [p["text"]]), basis=p["basis"],
        outcome=PointOutcome(CorePointOutcome(result.outcome).value) if result is not None else None,
        evidence=result.evidence if result is not None else None,
        corrected_on_spot=result.corrected_on_spot if result is not None else None,
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
        return [inspection_point(p, (self.loaded_results or {}).get(p["code"])) for p in self.raw_points]


def _inspection(r) -> Inspection:
    return Inspection(
        id=global_id("Inspection", r.id), kind=InspectionKind(CoreInspectionKind(r.kind).value),
        plan_id=global_id("InspectionPlan", r.plan_id) if r.plan_id else None, scenario_code=r.scenario_code,
        planned_on=r.planned_on, inspected_on=r.inspected_on, status=InspectionStatus(CoreInspectionStatus(r.status).value),
        outcome=InspectionOutcome(CoreOutcome(r.outcome).value) if r.outcome else None, domains=list(r.domains), version=r.version,
        key=r.id, raw_points=list(r.points),
    )


def _rows(kind: str) -> RowRule:
    """Reads stay inside the viewer's reach as `core.inspections.jurisdiction` draws it."""
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
    part: str = strawberry.field(description="parameters（参数）/ targets（检查对象名录）/ inspectors（执法检查人员名录）/ pool（名录来源及各人所属机关）/ conflicts（回避）/ excluded（因达到年度上限未入库）/ context")
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


@strawberry.type(description="执法检查人员名录中的一人（抽取时冻结）")
class DrawPoolMember:
    officer_id: strawberry.ID
    agency_id: strawberry.ID | None = strawberry.field(description="所属执法主体；本功能启用前的抽取记录为 null")
    domains: list[str] = strawberry.field(description="其有效执法证在抽取之日覆盖的计划领域")


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
    inspector_pool: list[DrawPoolMember] = strawberry.field(description="执法检查人员名录（抽取时冻结）")
    inspector_pool_named: bool = strawberry.field(description="名录是否在抽取时逐人指定（可含其他机关人员）；否则为本机关及下级机关全部持证人员")
    snapshot: JSON = strawberry.field(description="冻结的名录和参数（规范 JSON），用于在系统外重新运行抽取")


def _draw(r) -> InspectionDraw:
    return InspectionDraw(
        algorithm=r.algorithm, algorithm_version=r.algorithm_version, seed=r.seed, drawn_on=r.drawn_on, drawn_at=r.drawn_at,
        digests=[DrawDigest(part=k, sm3=v) for k, v in sorted(r.digests.items())], result_digest=r.result_digest,
        strata=[DrawStratum(risk_class=s["risk_class"], pool=s["pool"], drawn=s["drawn"]) for s in r.result["strata"]],
        excluded=[DrawExclusion(entity_id=global_id("Entity", uuid.UUID(x["entity"])), load=x["load"], ceiling=x["ceiling"]) for x in r.snapshot.get("excluded", [])],
        recused=[DrawRecusal(officer_id=global_id("Officer", uuid.UUID(c["officer"])), entity_id=global_id("Entity", uuid.UUID(c["entity"])), reason=c["reason"]) for c in r.result["recused"]],
        inspector_pool=_pool(r.snapshot), inspector_pool_named=r.snapshot.get("pool", {}).get("source") == "named",
        snapshot=r.snapshot,
    )


def _pool(snapshot: dict[str, Any]) -> list[DrawPoolMember]:
    agencies = snapshot.get("pool", {}).get("agencies", {})
    return [DrawPoolMember(officer_id=global_id("Officer", uuid.UUID(i["id"])), domains=list(i["domains"]),
                           agency_id=global_id("Agency", uuid.UUID(agencies[i["id"]])) if i["id"] in agencies else None)
            for i in snapshot["inspectors"]]


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

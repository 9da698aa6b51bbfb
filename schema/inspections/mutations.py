"""The acts on inspections: plans and their draws, recusals, risk ratings, joint visits, results and
case leads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Role
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.clock import legal_today
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.inspections import figures, service
from zhifa.core.inspections.error_codes import InspectionErrorCode
from zhifa.core.inspections.models import Inspection as InspectionRow
from zhifa.core.inspections.models import InspectionInspector
from zhifa.core.inspections.models import InspectionOutcome as CoreOutcome
from zhifa.core.inspections.models import InspectionPlan as PlanRow
from zhifa.core.inspections.models import PointOutcome as CorePointOutcome
from zhifa.core.inspections.models import RecusalReason as CoreRecusalReason
from zhifa.core.inspections.models import RiskClass as CoreRiskClass
from zhifa.core.models import Officer as OfficerRow
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.schema.inspections.queries import available_scenarios
from zhifa.schema.inspections.types import (
    INSPECTION,
    PLAN,
    CreditLevel,
    Inspection,
    InspectionOutcome,
    InspectionPlan,
    PointOutcome,
    RecusalReason,
    RiskClass,
)
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.enums import EntityKind, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Planner
from zhifa.schema.kit.relay import global_id

CaseRef = Annotated["Case", strawberry.lazy("zhifa.schema.cases.types")]  # another domain's type, resolved by name


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
    inspector_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="执法检查人员名录：可含其他执法主体的人员（跨部门联合抽查），每人须在抽取之日持有覆盖计划领域的有效执法证；"
                                  "不填为本机关及下级机关全部持证人员。名录随抽取冻结并计入摘要")


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
        raise RuleError(InspectionErrorCode.PLAN_NOT_FOUND, "抽查计划不存在", "planId")
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
        pool = [decode_id(o, "Officer", "inspectorIds") for o in input.inspector_ids] if input.inspector_ids is not None else None
        return (await service.run_draw(session, info.context.actor, info.context.plugins.catalog, key, input.version, input.seed,
                                       inspector_ids=pool)).id

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
            raise RuleError(PeopleErrorCode.OFFICER_NOT_FOUND, "执法人员不存在", "officerId")
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
        raise RuleError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在或不在本机关管辖范围内", "entityId")


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
    corrected_on_spot: bool = strawberry.field(default=False, description="现场整改：不符合的问题已在检查现场整改到位（计入综合查一次的现场整改问题数）")


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
        raise RuleError(InspectionErrorCode.INSPECTION_NOT_FOUND, "检查记录不存在", "inspectionId")
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
        findings = [service.PointFinding(r.point_code, to_core(CorePointOutcome, r.outcome), r.evidence, r.corrected_on_spot) for r in input.results]
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
            raise RuleError(CatalogErrorCode.FACTS_INVALID, "facts 应为以事实名称为键的对象", "facts")
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

"""Inspections in the root: double-random plans, joint visits, scenarios and figures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from zhifa.schema.inspections import filters, mutations, public, queries
from zhifa.schema.inspections import types as inspections
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.enums import EntityKind
from zhifa.schema.kit.relay import Connection, PageRequest

NODES = KINDS = (inspections.PLAN, inspections.INSPECTION)
TYPES = (inspections.InspectionPlan, inspections.Inspection, public.PublicInspectionPlan)


@strawberry.type
class InspectionQueries:
    @strawberry.field(description="双随机抽查计划（本机关及下级；监督机关看本级及以下）。每页最多 100 条")
    async def inspection_plans(
        self, info: strawberry.Info, filter: filters.InspectionPlanFilter | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[inspections.InspectionPlan]:
        return await queries.resolve_plans(info, filter, PageRequest(first, after, last, before))

    @strawberry.field(description="按 ID 取一个抽查计划")
    async def inspection_plan(self, info: strawberry.Info, id: strawberry.ID) -> inspections.InspectionPlan | None:
        info.context.access.require("InspectionPlan")
        return await one(info, inspections.PLAN, decode_id(id, "InspectionPlan", "id"))

    @strawberry.field(description="检查记录（双随机任务和联合检查）。每页最多 100 条")
    async def inspections(
        self, info: strawberry.Info, filter: filters.InspectionFilter | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[inspections.Inspection]:
        return await queries.resolve_inspections(info, filter, PageRequest(first, after, last, before))

    @strawberry.field(description="按 ID 取一次检查")
    async def inspection(self, info: strawberry.Info, id: strawberry.ID) -> inspections.Inspection | None:
        info.context.access.require("Inspection")
        return await one(info, inspections.INSPECTION, decode_id(id, "Inspection", "id"))

    @strawberry.field(description="复核抽取：按记录的种子和冻结名录重新抽取并比对摘要；结果已公示的计划任何人可复核")
    async def verify_draw(self, info: strawberry.Info, plan_id: strawberry.ID) -> queries.DrawVerification | None:
        return await queries.resolve_verify_draw(info, plan_id)

    @strawberry.field(description="综合查一次方案：合并对象适用的全部检查清单（或某“一件事”场景）为一次上门，按领域分组并配备人员")
    async def joint_visit_plan(
        self, info: strawberry.Info, entity_id: strawberry.ID, scenario_code: str | None = None, on: dt.date | None = None
    ) -> queries.JointVisitPlan:
        return await queries.resolve_joint_plan(info, entity_id, scenario_code, on)

    @strawberry.field(description="综合查一次减少的受检频次（按对象和执法主体）")
    async def inspection_reduction(
        self, info: strawberry.Info, from_: Annotated[dt.date, strawberry.argument(name="from")], to: dt.date, agency_id: strawberry.ID | None = None
    ) -> queries.InspectionReduction:
        return await queries.resolve_reduction(info, from_, to, agency_id)

    @strawberry.field(description="“一件事”监管场景")
    def inspection_scenarios(
        self, info: strawberry.Info, domain: str | None = None,
        applies_to: Annotated[EntityKind | None, strawberry.argument(description="只列出适用于该类对象的场景")] = None,
    ) -> list[queries.InspectionScenario]:
        return queries.resolve_scenarios(info, domain, applies_to)

    @strawberry.field(description="年度受检次数：各执法主体对每个对象的检查次数及是否达到上限")
    async def inspection_load(
        self, info: strawberry.Info, year: int, ceiling: int | None = None, only_at_ceiling: bool = False, first: int = 20
    ) -> queries.InspectionLoadReport:
        return await queries.resolve_load(info, year, ceiling, only_at_ceiling, first)

    @strawberry.field(description="公示的抽查计划和结果：无需登录；每页最多 100 条")
    async def public_inspection_plans(
        self, info: strawberry.Info, agency_id: strawberry.ID | None = None,
        first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None,
    ) -> Connection[public.PublicInspectionPlan]:
        return await public.resolve_public_plans(info, agency_id, PageRequest(first, after, last, before))


@strawberry.type
class InspectionMutations:
    @strawberry.mutation(description="制定双随机抽查计划")
    async def create_inspection_plan(self, info: strawberry.Info, input: mutations.CreateInspectionPlanInput) -> mutations.InspectionPlanPayload:
        return await mutations.resolve_create_plan(info, input)

    @strawberry.mutation(description="摇号抽取检查对象并随机匹配执法检查人员（记录种子和名录摘要，可复核）")
    async def draw_inspection_plan(self, info: strawberry.Info, input: mutations.DrawInspectionPlanInput) -> mutations.InspectionPlanPayload:
        return await mutations.resolve_draw(info, input)

    @strawberry.mutation(description="公示抽查计划")
    async def publish_inspection_plan(self, info: strawberry.Info, input: mutations.InspectionPlanStepInput) -> mutations.InspectionPlanPayload:
        return await mutations.resolve_publish_plan(info, input, results=False)

    @strawberry.mutation(description="公示抽查结果（全部任务录入结果后）")
    async def publish_inspection_results(self, info: strawberry.Info, input: mutations.InspectionPlanStepInput) -> mutations.InspectionPlanPayload:
        return await mutations.resolve_publish_plan(info, input, results=True)

    @strawberry.mutation(description="声明回避：抽取和配备检查人员时不再与该对象匹配")
    async def declare_recusal(self, info: strawberry.Info, input: mutations.DeclareRecusalInput) -> mutations.RecusalPayload:
        return await mutations.resolve_declare_recusal(info, input)

    @strawberry.mutation(description="登记对象的信用风险分类（决定抽取比例）")
    async def rate_entity_risk(self, info: strawberry.Info, input: mutations.RateEntityRiskInput) -> mutations.RiskRatingPayload:
        return await mutations.resolve_rate_risk(info, input)

    @strawberry.mutation(description="登记综合查一次：一次上门覆盖多个领域，记录被合并的单独检查")
    async def record_joint_visit(self, info: strawberry.Info, input: mutations.RecordJointVisitInput) -> mutations.InspectionPayload:
        return await mutations.resolve_record_joint(info, input)

    @strawberry.mutation(description="录入检查结果（每个要点的结果和证据情况）")
    async def record_inspection_results(self, info: strawberry.Info, input: mutations.RecordInspectionResultsInput) -> mutations.InspectionPayload:
        return await mutations.resolve_record_results(info, input)

    @strawberry.mutation(description="检查要点不符合的，转为案源登记（对应执法事项，附证据情况）")
    async def open_inspection_lead(self, info: strawberry.Info, input: mutations.OpenInspectionLeadInput) -> mutations.InspectionLeadPayload:
        return await mutations.resolve_open_lead(info, input)

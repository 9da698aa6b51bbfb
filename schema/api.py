"""The root Query of the core; plug-ins' fields are merged in by schema.build."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from zhifa.schema.catalog import types as catalog

from zhifa.schema.catalog import admin as catalog_admin

from zhifa.schema.cases import types as cases

from zhifa.schema.complaints import types as complaints

from zhifa.schema.entities import types as entities

from zhifa.schema.inspections import types as inspections

from zhifa.schema.people import types as people

from zhifa.schema.publication import types as publication
from zhifa.schema.catalog.discretion import DiscretionResult, resolve_discretion
from zhifa.schema.kit.enums import EntityKind
from zhifa.schema.kit.connections import one
from zhifa.schema.kit.relay import Connection, Node, PageRequest, parse_global_id
from zhifa.schema.complaints.types import ComplaintMutations, ComplaintQueries
from zhifa.schema.evidence.types import EvidenceMutations, EvidenceQueries
from zhifa.schema.inspections.types import InspectionMutations, InspectionQueries
from zhifa.schema.publication.types import PublicationMutations, PublicationQueries
from zhifa.schema.cases.workflow import WorkflowMutations
from zhifa.schema.kit.scalars import Money
from zhifa.schema.supervision import NODE_KINDS as SUPERVISION_KINDS, SupervisionMutations, SupervisionQueries

PAGE_ARGS = "first/after 向后翻页，last/before 向前翻页；每页最多 100 条"

NODE_KINDS = {
    kind.name: kind
    for kind in (
        people.REGION, people.AGENCY, people.OFFICER, entities.ENTITY, catalog.ITEM, cases.CASE,
        publication.DECISION, publication.CREDIT, publication.REPAIR, inspections.PLAN, inspections.INSPECTION,
        complaints.COMPLAINT, *SUPERVISION_KINDS,
    )
}


@strawberry.type(description="查询")
class Query(PublicationQueries, EvidenceQueries, InspectionQueries, ComplaintQueries, SupervisionQueries):
    @strawberry.field(description="按全局 ID 取回任意对象；ID 无效或对象不存在时为 null")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        parsed = parse_global_id(id)
        if parsed is None or parsed[0] not in NODE_KINDS:
            return None
        return await one(info, NODE_KINDS[parsed[0]], parsed[1])

    @strawberry.field(description="已加载的执法领域")
    def domains(self, info: strawberry.Info) -> list[catalog.Domain]:
        return catalog.resolve_domains(info)

    @strawberry.field(description=f"行政区划。{PAGE_ARGS}")
    async def regions(
        self,
        info: strawberry.Info,
        filter: people.RegionFilter | None = None,
        order: people.RegionOrder = people.RegionOrder.CODE_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[people.Region]:
        return await people.resolve_regions(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description=f"执法主体。{PAGE_ARGS}")
    async def agencies(
        self,
        info: strawberry.Info,
        filter: people.AgencyFilter | None = None,
        order: people.AgencyOrder = people.AgencyOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[people.Agency]:
        return await people.resolve_agencies(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description=f"执法人员。{PAGE_ARGS}")
    async def officers(
        self,
        info: strawberry.Info,
        filter: people.OfficerFilter | None = None,
        order: people.OfficerOrder = people.OfficerOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[people.Officer]:
        return await people.resolve_officers(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description=f"行政相对人。{PAGE_ARGS}")
    async def entities(
        self,
        info: strawberry.Info,
        filter: entities.EntityFilter | None = None,
        order: entities.EntityOrder = entities.EntityOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[entities.Entity]:
        return await entities.resolve_entities(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description=f"执法事项目录（默认今天有效的版本）。{PAGE_ARGS}")
    async def catalog_items(
        self,
        info: strawberry.Info,
        filter: catalog.CatalogItemFilter | None = None,
        order: catalog.CatalogItemOrder = catalog.CatalogItemOrder.CODE_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[catalog.CatalogItem]:
        return await catalog.resolve_catalog_items(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description=f"案件。{PAGE_ARGS}")
    async def cases(
        self,
        info: strawberry.Info,
        filter: cases.CaseFilter | None = None,
        order: cases.CaseOrder = cases.CaseOrder.REGISTERED_AT_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[cases.Case]:
        return await cases.resolve_cases(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description="某事项的全部版本（含草稿），按版本号排列")
    async def catalog_item_versions(self, info: strawberry.Info, code: str) -> list[catalog.CatalogItem]:
        return await catalog.resolve_versions(info, code)

    @strawberry.field(description="检查清单：可按领域、适用的相对人类别和行业筛选")
    def checklists(
        self,
        info: strawberry.Info,
        domain: str | None = None,
        applies_to: EntityKind | None = None,
        industry: str | None = None,
    ) -> list[catalog.Checklist]:
        return catalog.resolve_checklists(info, domain, applies_to, industry)

    @strawberry.field(
        description="裁量建议：按违法行为发生日（默认今天）有效的事项版本及其裁量基准，给出档次、罚款幅度、情节和理由；"
        "提交拟处罚款时一并审查是否偏离基准"
    )
    async def discretion(
        self,
        info: strawberry.Info,
        item_code: str,
        facts: JSON,
        party_kind: EntityKind,
        as_of: datetime.date | None = None,
        proposed_fine: Money | None = None,
        proposal_reasons: str | None = None,
    ) -> DiscretionResult:
        return await resolve_discretion(info, item_code, facts, party_kind, as_of, proposed_fine, proposal_reasons)

    @strawberry.field(description="按全局 ID 或案号取一个案件")
    async def case(
        self, info: strawberry.Info, id: strawberry.ID | None = None, case_number: str | None = None
    ) -> cases.Case | None:
        return await cases.resolve_case(info, id, case_number)


@strawberry.type(description="变更")
class Mutation(WorkflowMutations, PublicationMutations, EvidenceMutations, InspectionMutations, ComplaintMutations, SupervisionMutations):
    @strawberry.mutation(description="登记行政相对人")
    async def create_entity(self, info: strawberry.Info, input: entities.CreateEntityInput) -> entities.CreateEntityPayload:
        return await entities.resolve_create_entity(info, input)

    @strawberry.mutation(description="发布事项草稿：自生效日期起取代现行版本（负责人）")
    async def publish_catalog_item(
        self, info: strawberry.Info, input: catalog_admin.PublishCatalogItemInput
    ) -> catalog_admin.PublishCatalogItemPayload:
        return await catalog_admin.resolve_publish(info, input)

    @strawberry.mutation(description="向乡镇（街道）执法队赋予可赋权事项（上级机关负责人）")
    async def grant_delegation(self, info: strawberry.Info, input: catalog_admin.GrantDelegationInput) -> catalog_admin.DelegationPayload:
        return await catalog_admin.resolve_grant(info, input)

    @strawberry.mutation(description="收回对乡镇（街道）执法队的赋权（上级机关负责人）")
    async def revoke_delegation(self, info: strawberry.Info, input: catalog_admin.RevokeDelegationInput) -> catalog_admin.DelegationPayload:
        return await catalog_admin.resolve_revoke(info, input)

    @strawberry.mutation(description="登记案件（案源登记），取违法行为发生日有效的事项版本并编号")
    async def register_case(self, info: strawberry.Info, input: cases.RegisterCaseInput) -> cases.RegisterCasePayload:
        return await cases.resolve_register_case(info, input)

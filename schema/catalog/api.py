"""The catalog in the root: domains, items and their versions, checklists, discretion, and the catalog's administration."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON
from zhifa.schema.catalog import admin as catalog_admin
from zhifa.schema.catalog import types as catalog
from zhifa.schema.catalog.discretion import DiscretionResult, resolve_discretion
from zhifa.schema.kit.enums import EntityKind
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, PageRequest
from zhifa.schema.kit.scalars import Money

NODES = KINDS = (catalog.ITEM,)
TYPES = (catalog.CatalogItem,)


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="已加载的执法领域")
    def domains(self, info: strawberry.Info) -> list[catalog.Domain]:
        return catalog.resolve_domains(info)

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


@strawberry.type
class CatalogMutations:
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

"""Regulated entities in the root: the list, registration, changes over time and merges."""

from __future__ import annotations

import strawberry
from zhifa.core.entities.models import EntityStatus
from zhifa.schema.entities import mutations
from zhifa.schema.entities import types as entities
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, PageRequest

NODES = (entities.ENTITY, entities.MERGE)
KINDS = (*NODES, entities.VERSION)
TYPES = (entities.Entity, entities.EntityMerge)


@strawberry.type
class EntityQueries:
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


@strawberry.type
class EntityMutations:
    @strawberry.mutation(description="登记行政相对人")
    async def create_entity(self, info: strawberry.Info, input: entities.CreateEntityInput) -> entities.CreateEntityPayload:
        return await entities.resolve_create_entity(info, input)

    @strawberry.mutation(description="变更相对人的名称、地址、法定代表人或行业标签：另立一版，自生效日起适用，原信息留存于 history")
    async def update_entity(self, info: strawberry.Info, input: mutations.UpdateEntityInput) -> mutations.EntityPayload:
        return await mutations.resolve_update(info, input)

    @strawberry.mutation(description="登记注销（注销登记之日起相对人终止）：其后不再变更信息，也不就注销之后的行为立案")
    async def deregister_entity(self, info: strawberry.Info, input: mutations.CloseEntityInput) -> mutations.EntityPayload:
        return await mutations.resolve_close(info, input, EntityStatus.DEREGISTERED)

    @strawberry.mutation(description="登记吊销营业执照：相对人在注销前仍然存续，可继续立案和办理注销")
    async def revoke_entity_licence(self, info: strawberry.Info, input: mutations.CloseEntityInput) -> mutations.EntityPayload:
        return await mutations.resolve_close(info, input, EntityStatus.LICENCE_REVOKED)

    @strawberry.mutation(description="将重复登记的相对人并入存续记录：案件、检查、投诉举报等随之转移，逐条留档并记入审计")
    async def merge_entities(self, info: strawberry.Info, input: mutations.MergeEntitiesInput) -> mutations.EntityMergePayload:
        return await mutations.resolve_merge(info, input)

    @strawberry.mutation(description="撤销合并：另立撤销记录，将该次合并转移的记录原样转回重复记录")
    async def unmerge_entities(self, info: strawberry.Info, input: mutations.UnmergeEntitiesInput) -> mutations.EntityMergePayload:
        return await mutations.resolve_unmerge(info, input)

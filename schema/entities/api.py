"""Regulated entities in the root: the list and registration."""

from __future__ import annotations

import strawberry
from zhifa.schema.entities import types as entities
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, PageRequest

NODES = KINDS = (entities.ENTITY,)
TYPES = (entities.Entity,)


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

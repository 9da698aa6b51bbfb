"""Entities over time in GraphQL: changing an entity's particulars, revoking its licence,
deregistering it, and merging a duplicate into its survivor (and undoing that). Staff act on
entities of their own regions, as when registering them."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
import strawberry
from zhifa.core.clock import legal_today
from zhifa.core.entities import models as m
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.history import EntityUpdate, close_entity, update_entity
from zhifa.core.entities.merging import merge_entities, unmerge_entities
from zhifa.core.errors import UserError as RuleError
from zhifa.schema.entities.types import (
    ENTITY,
    MERGE,
    Entity,
    EntityMerge,
    entities,
    merges,
)
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Planner


@strawberry.input(description="变更行政相对人的登记信息：未填的项目不变，变更作为新的一版，自生效日起适用")
class UpdateEntityInput:
    entity_id: strawberry.ID
    version: int = strawberry.field(description="客户端看到的相对人版本号；已被他人修改时返回 VERSION_CONFLICT")
    valid_from: dt.date | None = strawberry.field(default=None, description="变更生效日期（如变更登记核准日），默认今天；不能早于现行版本")
    name: str | None = None
    address: str | None = None
    legal_representative: str | None = strawberry.field(default=None, description="法定代表人（负责人、经营者）；填空字符串为清除")
    industry_tags: list[str] | None = None
    reason: str = strawberry.field(default="", description="变更理由或登记机关的核准文件")


@strawberry.input(description="吊销营业执照或注销登记")
class CloseEntityInput:
    entity_id: strawberry.ID
    reason: str = strawberry.field(description="依据：作出吊销决定的机关和文号，或登记机关的注销登记")
    on: dt.date | None = strawberry.field(default=None, description="吊销决定或注销登记之日，默认今天")


@strawberry.input(description="将重复登记的相对人并入存续记录")
class MergeEntitiesInput:
    duplicate_id: strawberry.ID = strawberry.field(description="重复记录：其案件、检查、投诉举报、信用记录和回避声明转至存续记录")
    survivor_id: strawberry.ID = strawberry.field(description="存续记录")
    reason: str = strawberry.field(description="认定为同一相对人的理由")


@strawberry.input(description="撤销一次合并：另立记录，将该次合并转移的记录原样转回")
class UnmergeEntitiesInput:
    merge_id: strawberry.ID
    reason: str


@strawberry.type(description="变更行政相对人的结果")
class EntityPayload:
    entity: Entity | None
    errors: list[UserError]


@strawberry.type(description="合并或撤销合并的结果")
class EntityMergePayload:
    merge: EntityMerge | None
    errors: list[UserError]


async def _in_reach(info: strawberry.Info, session, entity_id: uuid.UUID, field: str) -> None:
    """Staff, and the entity in one of their regions (parties elsewhere are read, not changed)."""
    access = info.context.access
    access.require_staff()
    stmt = Planner(session, access).scoped(ENTITY, sa.select(entities.c.region_id).where(entities.c.id == entity_id))
    region_id = await session.scalar(stmt)
    if region_id is None:
        raise RuleError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在或不在本机关管辖范围内", field)
    access.require_region(region_id)


async def _entity_payload(info: strawberry.Info, work) -> EntityPayload:
    key, errors = await run_mutation(info, work)
    return EntityPayload(entity=await one(info, ENTITY, key, "entity") if key else None, errors=errors)


async def resolve_update(info: strawberry.Info, input: UpdateEntityInput) -> EntityPayload:
    async def work(session):
        entity_id = decode_id(input.entity_id, "Entity", "entityId")
        await _in_reach(info, session, entity_id, "entityId")
        change = EntityUpdate(entity_id, input.version, input.valid_from, input.name, input.address, input.legal_representative,
                              input.industry_tags, input.reason)
        return (await update_entity(session, info.context.actor, change)).id

    return await _entity_payload(info, work)


async def resolve_close(info: strawberry.Info, input: CloseEntityInput, status: m.EntityStatus) -> EntityPayload:
    async def work(session):
        entity_id = decode_id(input.entity_id, "Entity", "entityId")
        await _in_reach(info, session, entity_id, "entityId")
        return (await close_entity(session, info.context.actor, entity_id, status, input.on or legal_today(), input.reason)).id

    return await _entity_payload(info, work)


async def _merge_payload(info: strawberry.Info, work) -> EntityMergePayload:
    key, errors = await run_mutation(info, work)
    return EntityMergePayload(merge=await one(info, MERGE, key, "merge") if key else None, errors=errors)


async def resolve_merge(info: strawberry.Info, input: MergeEntitiesInput) -> EntityMergePayload:
    async def work(session):
        duplicate_id = decode_id(input.duplicate_id, "Entity", "duplicateId")
        survivor_id = decode_id(input.survivor_id, "Entity", "survivorId")
        await _in_reach(info, session, duplicate_id, "duplicateId")
        await _in_reach(info, session, survivor_id, "survivorId")
        return (await merge_entities(session, info.context.actor, duplicate_id, survivor_id, input.reason)).id

    return await _merge_payload(info, work)


async def resolve_unmerge(info: strawberry.Info, input: UnmergeEntitiesInput) -> EntityMergePayload:
    async def work(session):
        info.context.access.require_staff()
        merge_id = decode_id(input.merge_id, "EntityMerge", "mergeId")
        stmt = Planner(session, info.context.access).scoped(MERGE, sa.select(merges.c.duplicate_id, merges.c.survivor_id).where(merges.c.id == merge_id))
        pair = (await session.execute(stmt)).first()
        if pair is None:
            raise RuleError(EntityErrorCode.MERGE_NOT_FOUND, "合并记录不存在或不在本机关管辖范围内", "mergeId")
        for entity_id in pair:
            await _in_reach(info, session, entity_id, "mergeId")
        await unmerge_entities(session, info.context.actor, merge_id, input.reason)
        return merge_id

    return await _merge_payload(info, work)

"""Merging a duplicate record into the surviving one, and undoing it.

The duplicate's cases, inspections and complaints (and what hangs on the same party: its credit
records and the recusals declared towards it) follow to the survivor; each moved row is recorded
with the merge, so an unmerge, a record of its own, moves back exactly those rows and nothing the
survivor gained since. Risk ratings stay (the survivor's own rating is the one in force),
personal-data read logs and frozen draw records are history and are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.audit.service import record
from zhifa.core.cases.models import Case
from zhifa.core.clock import legal_today
from zhifa.core.complaints.models import Complaint
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.history import add_version, entity_for_change
from zhifa.core.entities.models import (
    EntityChange,
    EntityKind,
    EntityMerge,
    EntityMergeMove,
    EntityStatus,
    EntityUnmerge,
    EntityVersion,
)
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.inspections.models import Inspection, RecusalDeclaration
from zhifa.core.publication.models import CreditRecord

# The rows that follow their party: (table, the column naming the entity).
FOLLOWERS: tuple[tuple[sa.Table, str], ...] = (
    (Case.__table__, "entity_id"),
    (Inspection.__table__, "entity_id"),
    (Complaint.__table__, "subject_entity_id"),
    (CreditRecord.__table__, "entity_id"),
    (RecusalDeclaration.__table__, "entity_id"),
)


def _reason(reason: str) -> str:
    if not reason.strip() or len(reason) > 300:
        raise UserError(CommonErrorCode.REASON_REQUIRED, "请写明合并或撤销合并的理由（不超过 300 字）", "reason")
    return reason.strip()


async def merge_entities(session: AsyncSession, actor: str, duplicate_id: uuid.UUID, survivor_id: uuid.UUID, reason: str) -> EntityMerge:
    if duplicate_id == survivor_id:
        raise UserError(EntityErrorCode.MERGE_SAME_ENTITY, "重复记录与存续记录是同一相对人", "survivorId")
    duplicate = await entity_for_change(session, duplicate_id)
    survivor = await entity_for_change(session, survivor_id)
    for entity, field in ((duplicate, "duplicateId"), (survivor, "survivorId")):
        if entity.status is EntityStatus.MERGED:
            raise UserError(EntityErrorCode.ENTITY_MERGED, f"“{entity.name}”已并入其他记录，不能再参与合并", field)
    if (duplicate.kind is EntityKind.NATURAL_PERSON) != (survivor.kind is EntityKind.NATURAL_PERSON):
        raise UserError(EntityErrorCode.MERGE_KIND_MISMATCH, "自然人与组织不能合并：须同为自然人或同为组织", "survivorId")
    merge = EntityMerge(duplicate_id=duplicate.id, survivor_id=survivor.id, reason=_reason(reason), decided_by=actor)
    session.add(merge)
    await session.flush()
    moved = await _move(session, merge, duplicate.id, survivor.id)
    duplicate.status, duplicate.status_since, duplicate.status_reason = EntityStatus.MERGED, legal_today(), merge.reason
    duplicate.merged_into_id = survivor.id
    await add_version(session, actor, duplicate, EntityChange.MERGED, legal_today(), merge.reason)
    await session.flush()
    await record(session, actor=actor, action="entity.merged", object_type="EntityMerge", object_id=merge.id,
                 after={"duplicate": str(duplicate.id), "survivor": str(survivor.id), "moved": moved}, detail=merge.reason)
    return merge


async def _move(session: AsyncSession, merge: EntityMerge, source: uuid.UUID, target: uuid.UUID) -> dict[str, list[str]]:
    """Every follower row of `source` now names `target`, each recorded with the merge."""
    moved: dict[str, list[str]] = {}
    for table, column in FOLLOWERS:
        ids = list((await session.scalars(sa.select(table.c.id).where(table.c[column] == source).order_by(table.c.id))).all())
        if ids:
            await _repoint(session, table, column, ids, target)
            await session.execute(sa.insert(EntityMergeMove), [{"merge_id": merge.id, "table_name": table.name, "row_id": i} for i in ids])
            moved[table.name] = [str(i) for i in ids]
    return moved


async def _repoint(session: AsyncSession, table: sa.Table, column: str, ids: list[uuid.UUID], target: uuid.UUID) -> None:
    values = {column: target}
    if "version" in table.c:  # a moved case or inspection has changed: a stale form must not overwrite it
        values["version"] = table.c.version + 1
    await session.execute(sa.update(table).where(table.c.id.in_(ids)).values(values))


async def unmerge_entities(session: AsyncSession, actor: str, merge_id: uuid.UUID, reason: str) -> EntityUnmerge:
    merge = await session.get(EntityMerge, merge_id, with_for_update=True)
    if merge is None:
        raise UserError(EntityErrorCode.MERGE_NOT_FOUND, "合并记录不存在", "mergeId")
    if await session.scalar(sa.select(EntityUnmerge.id).where(EntityUnmerge.merge_id == merge.id)) is not None:
        raise UserError(EntityErrorCode.MERGE_ALREADY_REVERSED, "该合并已经撤销，不能再次撤销", "mergeId")
    duplicate = await entity_for_change(session, merge.duplicate_id)
    survivor = await entity_for_change(session, merge.survivor_id)
    if survivor.status is EntityStatus.MERGED:
        raise UserError(EntityErrorCode.MERGE_SUPERSEDED, "存续记录此后又并入其他记录，须先撤销后一次合并", "mergeId")
    unmerge = EntityUnmerge(merge_id=merge.id, reason=_reason(reason), decided_by=actor)
    session.add(unmerge)
    moved = await _move_back(session, merge)
    duplicate.status, duplicate.status_since, duplicate.status_reason = await _status_before(session, duplicate.id)
    duplicate.merged_into_id = None
    await add_version(session, actor, duplicate, EntityChange.UNMERGED, legal_today(), unmerge.reason)
    await session.flush()
    await record(session, actor=actor, action="entity.unmerged", object_type="EntityMerge", object_id=merge.id,
                 after={"duplicate": str(duplicate.id), "survivor": str(survivor.id), "moved_back": moved}, detail=unmerge.reason)
    return unmerge


async def _move_back(session: AsyncSession, merge: EntityMerge) -> dict[str, list[str]]:
    rows = (await session.execute(sa.select(EntityMergeMove.table_name, EntityMergeMove.row_id).where(EntityMergeMove.merge_id == merge.id))).all()
    moved: dict[str, list[str]] = {}
    for table, column in FOLLOWERS:
        ids = sorted(r.row_id for r in rows if r.table_name == table.name)
        if ids:
            await _repoint(session, table, column, ids, merge.duplicate_id)
            moved[table.name] = [str(i) for i in ids]
    return moved


CLOSING = {EntityStatus.LICENCE_REVOKED: EntityChange.LICENCE_REVOKED, EntityStatus.DEREGISTERED: EntityChange.DEREGISTERED}


async def _status_before(session: AsyncSession, entity_id: uuid.UUID) -> tuple[EntityStatus, dt.date | None, str | None]:
    """The duplicate's status before it was merged, with the day and reason of the act that set it."""
    versions = (await session.scalars(sa.select(EntityVersion).where(EntityVersion.entity_id == entity_id).order_by(EntityVersion.seq))).all()
    kept = [v for v in versions if v.change not in (EntityChange.MERGED, EntityChange.UNMERGED)]
    status = kept[-1].status if kept else EntityStatus.ACTIVE
    if status not in CLOSING:
        return EntityStatus.ACTIVE, None, None
    closing = [v for v in kept if v.change is CLOSING[status]][-1]
    return status, closing.valid_from, closing.note

"""An entity over time: changes of its registered particulars, revocation of its licence and its
deregistration, each a new version from the day it took effect, the entity row holding the
values in force now. Nothing is overwritten without a version that keeps it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.audit.service import record
from zhifa.core.cases.models import Case
from zhifa.core.clock import legal_date, legal_today
from zhifa.core.entities import status as rules
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.models import (
    Entity,
    EntityChange,
    EntityMerge,
    EntityMergeMove,
    EntityStatus,
    EntityUnmerge,
    EntityVersion,
    snapshot,
)
from zhifa.core.entities.service import check_name_and_address
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any

TRACKED = ("name", "address", "legal_representative", "industry_tags")


@dataclass(frozen=True)
class EntityUpdate:
    """`None`: left as it is. An empty legal representative clears it."""

    entity_id: uuid.UUID
    version: int
    valid_from: dt.date | None = None  # default today
    name: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    industry_tags: list[str] | None = None
    note: str = ""


async def entity_for_change(session: AsyncSession, entity_id: uuid.UUID) -> Entity:
    entity = await session.get(Entity, entity_id, with_for_update=True)
    if entity is None:
        raise UserError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在", "entityId")
    return entity


async def latest_version(session: AsyncSession, entity_id: uuid.UUID) -> EntityVersion:
    stmt = sa.select(EntityVersion).where(EntityVersion.entity_id == entity_id).order_by(EntityVersion.seq.desc()).limit(1)
    return (await session.scalars(stmt)).one()


async def add_version(session: AsyncSession, actor: str, entity: Entity, change: EntityChange, valid_from: dt.date, note: str = "") -> EntityVersion:
    latest = await latest_version(session, entity.id)
    version = snapshot(entity, latest.seq + 1, change, valid_from, actor, note)
    session.add(version)
    return version


async def update_entity(session: AsyncSession, actor: str, change: EntityUpdate) -> Entity:
    entity = await entity_for_change(session, change.entity_id)
    rules.refuse_change(entity.status, entity.status_since)
    if entity.version != change.version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, f"相对人信息已被他人修改（当前版本 {entity.version}，提交的是 {change.version}），请刷新后重试", "version")
    day = change.valid_from or legal_today()
    rules.check_effective_date(day, (await latest_version(session, entity.id)).valid_from, legal_today(), "validFrom")
    wanted = _wanted(change)
    errors: list[UserError] = []
    check_name_and_address(wanted.get("name"), wanted.get("address"), errors)
    _check_note(change.note, errors)
    raise_if_any(errors)
    before = {f: getattr(entity, f) for f in TRACKED}
    changed = {f: v for f, v in wanted.items() if before[f] != v}
    if not changed:
        raise UserError(EntityErrorCode.ENTITY_UNCHANGED, "所填信息与现有登记信息相同，无须变更")
    for f, v in changed.items():
        setattr(entity, f, v)
    await add_version(session, actor, entity, EntityChange.UPDATED, day, change.note.strip())
    await session.flush()
    await record(session, actor=actor, action="entity.updated", object_type="Entity", object_id=entity.id,
                 before={f: before[f] for f in changed}, after={**changed, "valid_from": day.isoformat()}, detail=change.note.strip())
    return entity


def _wanted(change: EntityUpdate) -> dict:
    wanted = {"name": change.name, "address": change.address, "industry_tags": change.industry_tags}
    wanted = {f: (sorted(set(v)) if f == "industry_tags" else v.strip()) for f, v in wanted.items() if v is not None}
    if change.legal_representative is not None:
        wanted["legal_representative"] = change.legal_representative.strip() or None
    return wanted


def _check_note(note: str, errors: list[UserError], *, required: bool = False) -> None:
    if (required and not note.strip()) or len(note) > 300:
        errors.append(UserError(CommonErrorCode.REASON_REQUIRED, "请写明理由或登记机关的决定（不超过 300 字）", "reason"))


async def close_entity(session: AsyncSession, actor: str, entity_id: uuid.UUID, status: EntityStatus, on: dt.date, reason: str) -> Entity:
    """Licence revoked (吊销营业执照) or deregistered (注销), from `on`, for `reason` (the
    registry's or the enforcing agency's decision)."""
    entity = await entity_for_change(session, entity_id)
    check = rules.check_revocation if status is EntityStatus.LICENCE_REVOKED else rules.check_deregistration
    check(entity.kind, entity.status, entity.status_since)
    rules.check_effective_date(on, (await latest_version(session, entity.id)).valid_from, legal_today(), "on")
    errors: list[UserError] = []
    _check_note(reason, errors, required=True)
    raise_if_any(errors)
    before = entity.status
    entity.status, entity.status_since, entity.status_reason = status, on, reason.strip()
    change = EntityChange.LICENCE_REVOKED if status is EntityStatus.LICENCE_REVOKED else EntityChange.DEREGISTERED
    await add_version(session, actor, entity, change, on, entity.status_reason)
    await session.flush()
    await record(session, actor=actor, action=f"entity.{change.value}", object_type="Entity", object_id=entity.id,
                 before={"status": before.value}, after={"status": status.value, "since": on.isoformat()}, detail=entity.status_reason)
    return entity


async def versions_at_registration(session: AsyncSession, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """The entity version each case was registered against: the one in force on its registration
    day (北京时间) of the record it was registered under, which for a case moved by merges still
    in force is the duplicate of the earliest of them. Two statements for any number of cases."""
    active = (
        sa.select(EntityMergeMove.row_id, EntityMerge.duplicate_id, EntityMerge.decided_at)
        .join(EntityMerge, EntityMerge.id == EntityMergeMove.merge_id)
        .where(EntityMergeMove.table_name == Case.__tablename__, EntityMerge.id.not_in(sa.select(EntityUnmerge.merge_id)))
        .subquery()
    )
    stmt = (
        sa.select(Case.id, Case.entity_id, Case.registered_at, active.c.duplicate_id)
        .outerjoin(active, active.c.row_id == Case.id)
        .where(Case.id.in_(case_ids))
        .order_by(active.c.decided_at.desc())  # the earliest merge is read last and wins
    )
    registered: dict[uuid.UUID, tuple[uuid.UUID, dt.date]] = {}
    for case_id, entity_id, at, duplicate_id in await session.execute(stmt):
        registered[case_id] = (duplicate_id or entity_id, legal_date(at))
    if not registered:
        return {}
    origins = {entity for entity, _ in registered.values()}
    found: dict[uuid.UUID, list] = {}
    stmt = sa.select(EntityVersion.entity_id, EntityVersion.id, EntityVersion.valid_from, EntityVersion.seq).where(EntityVersion.entity_id.in_(origins))
    for row in await session.execute(stmt):
        found.setdefault(row.entity_id, []).append(row)
    chosen = {case_id: rules.in_force(found.get(entity, []), day) for case_id, (entity, day) in registered.items()}
    return {case_id: version.id for case_id, version in chosen.items() if version is not None}

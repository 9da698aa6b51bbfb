"""Regulated entities in GraphQL: reading, filtering and registering them, their versions over
time and the merges of duplicates."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.db import in_ids, in_set
from zhifa.core.access.viewer import Scope, Viewer
from zhifa.core.audit.reads import PersonalDataRead
from zhifa.core.entities import models as m
from zhifa.core.entities.masking import mask_id_number, mask_phone
from zhifa.core.entities.service import NewEntity, create_entity
from zhifa.core.models import Case
from zhifa.schema.kit.access import Access, Predicates, RowRule
from zhifa.schema.kit.compiled.columns import Secret, choice, day, flag, node_id, plain, strings
from zhifa.schema.kit.connections import connection, contains, decode_id, one
from zhifa.schema.kit.enums import EntityChange, EntityKind, EntityStatus, from_core, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Planner, Relation
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id

RegionRef = Annotated["Region", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

entities = m.Entity.__table__
versions, merges, moves, unmerges = (t.__table__ for t in (m.EntityVersion, m.EntityMerge, m.EntityMergeMove, m.EntityUnmerge))


@strawberry.type(description="行政相对人")
class Entity(Node):
    kind: EntityKind
    name: str
    credit_code: str | None = strawberry.field(description="统一社会信用代码（自然人为空）")
    id_number: str | None = strawberry.field(description="公民身份号码：有权角色可见全文（每次读取均留痕），其他角色脱敏，如 330203********1234")
    identifier_override: bool = strawberry.field(description="代码校验未通过、经确认例外登记")
    legal_representative: str | None
    phone: str | None = strawberry.field(description="联系电话：有权角色可见全文（读取留痕），其他角色脱敏")
    address: str
    industry_tags: list[str]
    status: EntityStatus
    status_since: dt.date | None = strawberry.field(description="吊销营业执照、注销或并入存续记录之日；存续的为空")
    status_reason: str | None = strawberry.field(description="吊销、注销或合并的理由（登记机关或作出决定的机关的决定）")
    version: int = strawberry.field(description="乐观锁版本号，变更信息时须提交")
    region: RegionRef | None = None
    merged_into: Entity | None = strawberry.field(default=None, description="重复登记并入的存续记录；未合并的为空")
    history: list[EntityVersion] = strawberry.field(default_factory=list, description="信息版本：每一版自其生效日起适用，按登记顺序")
    merges: list[EntityMerge] = strawberry.field(default_factory=list, description="本记录作为重复记录或存续记录参与的合并（含已撤销的）")


@strawberry.type(description="行政相对人的一版登记信息：自生效日起适用，至下一版生效前")
class EntityVersion:
    seq: int = strawberry.field(description="版本序号，从 1 起")
    change: EntityChange
    valid_from: dt.date | None = strawberry.field(description="生效日期；首版为空：首次登记的信息，自有记录之前起适用")
    name: str
    address: str
    legal_representative: str | None
    industry_tags: list[str]
    status: EntityStatus
    note: str = strawberry.field(description="变更理由或登记机关的决定")
    recorded_at: dt.datetime
    recorded_by: str
    entity: Entity | None = strawberry.field(default=None, description="这一版所属的相对人记录")


@strawberry.type(description="合并随之转移的一类记录")
class MovedRecords:
    table: str = strawberry.field(description="记录类别：cases、inspections、complaints、credit_records、recusal_declarations")
    count: int


@strawberry.type(description="撤销合并：另立的记录，原合并记录不变")
class EntityUnmerge:
    reason: str
    decided_by: str
    decided_at: dt.datetime


@strawberry.type(description="重复登记的相对人并入存续记录：其案件、检查、投诉举报等随之转移；可另立记录撤销")
class EntityMerge(Node):
    reason: str
    decided_by: str
    decided_at: dt.datetime
    duplicate: Entity | None = strawberry.field(default=None, description="重复记录（合并后状态为 MERGED）")
    survivor: Entity | None = strawberry.field(default=None, description="存续记录")
    moved: list[MovedRecords] = strawberry.field(default_factory=list, description="随之转移的记录数，按类别")
    unmerge: EntityUnmerge | None = strawberry.field(default=None, description="撤销合并的记录；未撤销的为空")


def _entity(r) -> Entity:
    return Entity(
        id=global_id("Entity", r.id),
        kind=from_core(EntityKind, m.EntityKind(r.kind)),
        name=r.name,
        credit_code=r.credit_code,
        id_number=None,  # filled by _present
        identifier_override=r.identifier_override,
        legal_representative=r.legal_representative,
        phone=None,
        address=r.address,
        industry_tags=list(r.industry_tags or []),
        status=from_core(EntityStatus, m.EntityStatus(r.status)),
        status_since=r.status_since,
        status_reason=r.status_reason,
        version=r.version,
    )


def _version(r) -> EntityVersion:
    return EntityVersion(
        seq=r.seq, change=from_core(EntityChange, m.EntityChange(r.change)), valid_from=r.valid_from, name=r.name, address=r.address,
        legal_representative=r.legal_representative, industry_tags=list(r.industry_tags or []),
        status=from_core(EntityStatus, m.EntityStatus(r.status)), note=r.note, recorded_at=r.recorded_at, recorded_by=r.recorded_by,
    )


def _merge(r) -> EntityMerge:
    return EntityMerge(id=global_id("EntityMerge", r.id), reason=r.reason, decided_by=r.decided_by, decided_at=r.decided_at)


def _rows(access: Access, table: sa.Table) -> Predicates:
    """Entities in the viewer's regions, and the parties to its agencies' cases wherever they are."""
    party = sa.select(Case.entity_id).where(in_ids(Case.agency_id, access.agencies))
    return [sa.or_(in_ids(table.c.region_id, access.regions), in_set(table.c.id, party))]  # each set an index condition


async def _write_reads(session: AsyncSession, viewer: Viewer, reads: list[tuple[uuid.UUID, str]]) -> None:
    rows = [{"viewer": viewer.subject, "entity_id": e, "fields": f} for e, f in dict(reads).items()]
    await session.execute(sa.insert(PersonalDataRead), rows)


def _present(access: Access, entity: Entity, row, selected: frozenset[str]) -> None:
    """Decrypt the selected personal fields, then show them in clear (and record the read) or
    masked, by the viewer's role. Fields the query did not select stay unread and unlogged."""
    wanted = {f: c for f, g, c in (("id_number", "idNumber", row.id_number_cipher), ("phone", "phone", row.phone_cipher)) if g in selected and c}
    if not wanted:
        return
    clear = {f: access.key.decrypt(c) for f, c in wanted.items()}
    if access.viewer.sees_personal_data:
        for f, v in clear.items():
            setattr(entity, f, v)
        access.note_read(_write_reads, (row.id, ",".join(clear)))
    else:
        entity.id_number, entity.phone = mask_id_number(clear.get("id_number")), mask_phone(clear.get("phone"))


def _readable(access: Access) -> sa.Select:
    return sa.select(entities.c.id).where(*_rows(access, entities))


def _of_readable(access: Access, table: sa.Table) -> Predicates:
    """A version: its entity's. A merge: readable where either record is."""
    if "entity_id" in table.c:
        return [table.c.entity_id.in_(_readable(access))]
    return [sa.or_(table.c.duplicate_id.in_(_readable(access)), table.c.survivor_id.in_(_readable(access)))]


def _merges_of(ids) -> sa.CompoundSelect:
    as_duplicate = sa.select(merges.c.duplicate_id, merges.c.id, merges.c.decided_at).where(merges.c.duplicate_id.in_(ids))
    as_survivor = sa.select(merges.c.survivor_id, merges.c.id, merges.c.decided_at).where(merges.c.survivor_id.in_(ids))
    return sa.union_all(as_duplicate, as_survivor)


async def _moved(plan: Planner, ids: list[uuid.UUID], _sub) -> dict[uuid.UUID, list[MovedRecords]]:
    stmt = sa.select(moves.c.merge_id, moves.c.table_name, sa.func.count()).where(moves.c.merge_id.in_(ids)).group_by(moves.c.merge_id, moves.c.table_name)
    found: dict[uuid.UUID, list[MovedRecords]] = {}
    for merge_id, table, count in sorted(await plan.session.execute(stmt), key=lambda r: r[1]):
        found.setdefault(merge_id, []).append(MovedRecords(table=table, count=count))
    return found


async def _unmerges(plan: Planner, ids: list[uuid.UUID], _sub) -> dict[uuid.UUID, EntityUnmerge]:
    stmt = sa.select(unmerges).where(unmerges.c.merge_id.in_(ids))
    return {r.merge_id: EntityUnmerge(reason=r.reason, decided_by=r.decided_by, decided_at=r.decided_at) for r in await plan.session.execute(stmt)}


ENTITY = Kind(
    "Entity",
    entities,
    _entity,
    {
        "region": Relation("one", "Region", "region_id"),
        "mergedInto": Relation("one", "Entity", "merged_into_id"),
        "history": Relation("many", "EntityVersion", link=lambda ids: sa.select(versions.c.entity_id, versions.c.id, versions.c.seq).where(versions.c.entity_id.in_(ids))),
        "merges": Relation("many", "EntityMerge", link=_merges_of),
    },
    _present,
    rule=RowRule(Scope.ENTITIES, _rows),
    columns={
        "id": node_id("Entity"),
        "kind": choice("kind", EntityKind),
        "name": plain("name"),
        "creditCode": plain("credit_code"),
        "idNumber": Secret(("id", "id_number_cipher", "phone_cipher")),
        "identifierOverride": flag("identifier_override"),
        "legalRepresentative": plain("legal_representative"),
        "phone": Secret(("id", "id_number_cipher", "phone_cipher")),
        "address": plain("address"),
        "industryTags": strings("industry_tags"),
        "status": choice("status", EntityStatus),
        "statusSince": day("status_since"),
        "statusReason": plain("status_reason"),
        "version": plain("version"),
    },
)
VERSION = Kind("EntityVersion", versions, _version, {"entity": Relation("one", "Entity", "entity_id")}, rule=RowRule(Scope.ENTITIES, _of_readable))
MERGE = Kind(
    "EntityMerge",
    merges,
    _merge,
    {
        "duplicate": Relation("one", "Entity", "duplicate_id"),
        "survivor": Relation("one", "Entity", "survivor_id"),
        "moved": Relation("batch", load=_moved, default=list),
        "unmerge": Relation("batch", load=_unmerges),
    },
    rule=RowRule(Scope.ENTITIES, _of_readable),
)


@strawberry.input(description="行政相对人筛选")
class EntityFilter:
    kind: EntityKind | None = None
    region_id: strawberry.ID | None = None
    name_contains: str | None = None
    credit_code: str | None = None


@strawberry.enum(description="行政相对人排序")
class EntityOrder(enum.Enum):
    NAME_ASC = strawberry.enum_value("name_asc", description="按名称升序")


async def resolve_entities(
    info: strawberry.Info, filter: EntityFilter | None, order: EntityOrder, page: PageRequest
) -> Connection[Entity]:
    f, where = filter or EntityFilter(), []
    if f.kind:
        where.append(entities.c.kind == f.kind.value)
    if f.region_id:
        where.append(entities.c.region_id == decode_id(f.region_id, "Region", "filter.regionId"))
    if f.name_contains:
        where.append(contains(entities.c.name, f.name_contains))
    if f.credit_code:
        where.append(entities.c.credit_code == f.credit_code.strip().upper())
    return await connection(info, ENTITY, where, (entities.c.name, entities.c.id), False, page)


@strawberry.input(description="登记行政相对人")
class CreateEntityInput:
    kind: EntityKind
    name: str
    address: str
    region_id: strawberry.ID
    credit_code: str | None = strawberry.field(default=None, description="统一社会信用代码（法人、个体工商户、其他组织必填）")
    id_number: str | None = strawberry.field(default=None, description="公民身份号码（自然人必填）")
    confirm_identifier_override: bool = strawberry.field(
        default=False, description="代码校验位不符但确为登记机关核发时，确认例外登记（将记入审计）"
    )
    legal_representative: str | None = None
    phone: str | None = None
    industry_tags: list[str] = strawberry.field(default_factory=list)


@strawberry.type(description="登记行政相对人的结果")
class CreateEntityPayload:
    entity: Entity | None
    errors: list[UserError]


async def resolve_create_entity(info: strawberry.Info, input: CreateEntityInput) -> CreateEntityPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()
        region_id = decode_id(input.region_id, "Region", "regionId")
        access.require_region(region_id)
        new = NewEntity(
            kind=to_core(m.EntityKind, input.kind),
            name=input.name,
            address=input.address,
            region_id=region_id,
            credit_code=input.credit_code,
            id_number=input.id_number,
            confirm_identifier_override=input.confirm_identifier_override,
            legal_representative=input.legal_representative,
            phone=input.phone,
            industry_tags=input.industry_tags,
        )
        return (await create_entity(session, info.context.actor, new, access.key)).id

    key, errors = await run_mutation(info, work)
    entity = await one(info, ENTITY, key, "entity") if key else None
    return CreateEntityPayload(entity=entity, errors=errors)

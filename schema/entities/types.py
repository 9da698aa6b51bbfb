"""Regulated entities in GraphQL: reading, filtering and registering them."""

from __future__ import annotations

import enum
import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.access.viewer import Scope, Viewer
from zhifa.core.audit.reads import PersonalDataRead
from zhifa.core.entities import models as m
from zhifa.core.entities.masking import mask_id_number, mask_phone
from zhifa.core.entities.service import NewEntity, create_entity
from zhifa.core.models import Case
from zhifa.schema.kit.access import Access, Predicates, RowRule
from zhifa.schema.kit.connections import connection, contains, decode_id, one
from zhifa.schema.kit.enums import EntityKind, from_core, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Relation
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id

RegionRef = Annotated["Region", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

entities = m.Entity.__table__


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
    region: RegionRef | None = None


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
    )


def _rows(access: Access, table: sa.Table) -> Predicates:
    """Entities in the viewer's regions, and the parties to its agencies' cases wherever they are."""
    party = sa.select(Case.entity_id).where(Case.agency_id.in_(access.agencies))
    return [sa.or_(table.c.region_id.in_(access.regions), table.c.id.in_(party))]


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


ENTITY = Kind("Entity", entities, _entity, {"region": Relation("one", "Region", "region_id")}, _present, rule=RowRule(Scope.ENTITIES, _rows))


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

"""Registering regulated entities."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.audit.service import record
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.identifiers import check_credit_code, check_id_number
from zhifa.core.entities.models import Entity, EntityChange, EntityKind, snapshot
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.ids import new_id
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import Region

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass(frozen=True)
class NewEntity:
    kind: EntityKind
    name: str
    address: str
    region_id: uuid.UUID
    credit_code: str | None = None
    id_number: str | None = None
    confirm_identifier_override: bool = False
    legal_representative: str | None = None
    phone: str | None = None
    industry_tags: list[str] = field(default_factory=list)


async def create_entity(session: AsyncSession, actor: str, new: NewEntity, key: DataKey) -> Entity:
    errors: list[UserError] = []
    credit_code, id_number, override = _identifier(new, errors)
    name, address = new.name.strip(), new.address.strip()
    check_name_and_address(name, address, errors)
    if new.phone and not PHONE.match(new.phone):
        errors.append(UserError(CommonErrorCode.PHONE_INVALID, "联系电话格式不正确（手机号或带区号的固定电话）", "phone"))
    if await session.get(Region, new.region_id) is None:
        errors.append(UserError(PeopleErrorCode.REGION_NOT_FOUND, "所属行政区划不存在", "regionId"))
    raise_if_any(errors)
    id_digest = key.lookup(id_number) if id_number else None
    await _refuse_duplicate(session, credit_code, id_digest)
    entity = Entity(
        id=new_id(),
        kind=new.kind,
        name=name,
        credit_code=credit_code,
        id_number_cipher=key.encrypt(id_number) if id_number else None,
        id_number_digest=id_digest,
        identifier_override=override,
        legal_representative=new.legal_representative,
        phone_cipher=key.encrypt(new.phone) if new.phone else None,
        address=address,
        region_id=new.region_id,
        industry_tags=sorted(set(new.industry_tags)),
    )
    session.add_all([entity, snapshot(entity, 1, EntityChange.REGISTERED, None, actor)])
    await session.flush()
    await record(
        session,
        actor=actor,
        action="entity.created",
        object_type="Entity",
        object_id=entity.id,
        after={"kind": new.kind.value, "name": name, "credit_code": credit_code, "id_number_digest": id_digest},
        detail="统一社会信用代码/身份证号校验未通过，经确认例外登记" if override else "",
    )
    return entity


def check_name_and_address(name: str | None, address: str | None, errors: list[UserError]) -> None:
    """`None`: not given (an update leaving it as it is)."""
    if name is not None and not 1 <= len(name) <= 200:
        errors.append(UserError(CommonErrorCode.NAME_INVALID, "名称不能为空，且不超过 200 个字符", "name"))
    if address is not None and not 1 <= len(address) <= 300:
        errors.append(UserError(EntityErrorCode.ADDRESS_INVALID, "地址不能为空，且不超过 300 个字符", "address"))


def _identifier(new: NewEntity, errors: list[UserError]) -> tuple[str | None, str | None, bool]:
    natural = new.kind is EntityKind.NATURAL_PERSON
    raw, other = (new.id_number, new.credit_code) if natural else (new.credit_code, new.id_number)
    field_name = "idNumber" if natural else "creditCode"
    if other:
        label = "统一社会信用代码" if natural else "公民身份号码"
        errors.append(UserError(EntityErrorCode.IDENTIFIER_KIND_MISMATCH, f"{'自然人' if natural else '该类相对人'}不应填写{label}", field_name))
    if not raw:
        label = "公民身份号码" if natural else "统一社会信用代码"
        errors.append(UserError(EntityErrorCode.IDENTIFIER_REQUIRED, f"请填写{label}", field_name))
        return None, None, False
    check = check_id_number if natural else check_credit_code
    try:
        checked = check(raw, allow_checksum_override=new.confirm_identifier_override)
    except UserError as exc:
        errors.append(UserError(exc.code, exc.message, field_name))
        return None, None, False
    value = checked.value
    return (None, value, checked.checksum_failed) if natural else (value, None, checked.checksum_failed)


async def _refuse_duplicate(session: AsyncSession, credit_code: str | None, id_digest: str | None) -> None:
    column, value = (Entity.credit_code, credit_code) if credit_code else (Entity.id_number_digest, id_digest)
    existing = await session.scalar(sa.select(Entity.id).where(column == value))
    if existing is not None:
        raise UserError(EntityErrorCode.ENTITY_DUPLICATE, "该统一社会信用代码或身份证号已登记为相对人", "creditCode" if credit_code else "idNumber")

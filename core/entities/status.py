"""What an entity's status still allows, and which version of it was in force on a day.

A market entity ends on the day its deregistration (注销登记) is granted, not before
(《市场主体登记管理条例实施细则》第四十四条: 自登记机关予以注销登记之日起，市场主体终止). So a
revoked licence (吊销营业执照) leaves the entity in being (it must still liquidate and deregister):
it may be corrected, deregistered and proceeded against. A deregistered entity is corrected no
more, and a case may be registered against it only for what it did before that day. A duplicate
merged into its survivor takes no act at all: acts go to the survivor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.models import EntityKind, EntityStatus
from zhifa.core.errors import CommonErrorCode, UserError


def refuse_change(status: EntityStatus, since: dt.date | None, field: str | None = "entityId") -> None:
    """Updates, revocation and merging: refused once the record is closed."""
    if status is EntityStatus.DEREGISTERED:
        raise UserError(EntityErrorCode.ENTITY_DEREGISTERED, f"相对人已于{since}注销，不能再变更其登记信息", field)
    if status is EntityStatus.MERGED:
        raise UserError(EntityErrorCode.ENTITY_MERGED, "该记录为重复登记，已并入存续记录，不能再变更；请对存续记录办理", field)


def check_revocation(kind: EntityKind, status: EntityStatus, since: dt.date | None) -> None:
    _refuse_natural_person(kind)
    refuse_change(status, since)
    if status is EntityStatus.LICENCE_REVOKED:
        raise UserError(EntityErrorCode.ENTITY_LICENCE_REVOKED, f"该相对人的营业执照已于{since}被吊销", "entityId")


def check_deregistration(kind: EntityKind, status: EntityStatus, since: dt.date | None) -> None:
    """Active or licence revoked: a revoked entity is still to be deregistered."""
    _refuse_natural_person(kind)
    refuse_change(status, since)


def _refuse_natural_person(kind: EntityKind) -> None:
    if kind is EntityKind.NATURAL_PERSON:
        raise UserError(EntityErrorCode.ENTITY_NOT_A_BUSINESS, "自然人不是登记的市场主体，不适用注销登记或吊销营业执照", "entityId")


def case_refusal(status: EntityStatus, since: dt.date | None, violation_date: dt.date) -> UserError | None:
    """Registering a case: a merged duplicate never (the survivor answers), a deregistered
    entity only for a violation before its deregistration day."""
    if status is EntityStatus.MERGED:
        return UserError(EntityErrorCode.ENTITY_MERGED, "该记录为重复登记，已并入存续记录，请对存续记录立案", "entityId")
    if status is EntityStatus.DEREGISTERED and since is not None and violation_date >= since:
        return UserError(EntityErrorCode.ENTITY_DEREGISTERED, f"相对人已于{since}注销，其后不再存续，不能就注销之后的行为立案", "entityId")
    return None


def check_effective_date(day: dt.date, latest: dt.date | None, today: dt.date, field: str) -> None:
    """A change takes effect no later than today and not before the version it follows (the
    first version, undated, is followed by any day)."""
    if day > today:
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "变更生效日期不能晚于今天", field)
    if latest is not None and day < latest:
        raise UserError(CommonErrorCode.DATE_OUT_OF_ORDER, f"变更生效日期不能早于现行版本的生效日期（{latest}）", field)


class Dated(Protocol):
    valid_from: dt.date | None  # None: the first version, in force since before the records
    seq: int


def in_force(versions: Sequence[Dated], day: dt.date) -> Dated | None:
    """The version in force on `day`: the latest that took effect by then (seq breaks a tie)."""
    taken = [v for v in versions if v.valid_from is None or v.valid_from <= day]
    return max(taken, key=lambda v: (v.valid_from or dt.date.min, v.seq), default=None)

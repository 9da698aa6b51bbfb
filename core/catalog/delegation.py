"""Township delegation (赋权, APL Art. 24; 浙江省综合行政执法条例 Art. 9): which items a township
team may enforce, granted and revoked by audited records, never edited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.models import CatalogItemVersion, Delegation, VersionStatus
from zhifa.core.clock import legal_today
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.people.models import Agency, AgencyKind


async def grant(
    session: AsyncSession, actor: str, agency_id: uuid.UUID, codes: list[str], basis: str, granted_on: dt.date | None = None
) -> list[Delegation]:
    agency = await _township_team(session, agency_id)
    day = granted_on or legal_today()
    if not basis.strip():
        raise UserError(CommonErrorCode.BASIS_REQUIRED, "请填写赋权依据（已公布的赋权决定文号）", "basis")
    items = await _items(session, codes)
    active = await active_codes(session, agency_id, day)
    errors = [UserError(CatalogErrorCode.ITEM_NOT_FOUND, f"执法事项“{c}”不存在", "itemCodes") for c in codes if c not in items]
    errors += [
        UserError(CatalogErrorCode.ITEM_NOT_DELEGABLE, f"事项 {c}（{items[c].name}）不可赋权乡镇行使", "itemCodes")
        for c in codes
        if c in items and not items[c].delegable
    ]
    errors += [UserError(CatalogErrorCode.ALREADY_DELEGATED, f"事项 {c} 已赋权{agency.name}", "itemCodes") for c in codes if c in active]
    raise_if_any(errors)
    grants = [Delegation(agency_id=agency_id, item_code=c, granted_on=day, basis=basis.strip(), granted_by=actor) for c in dict.fromkeys(codes)]
    session.add_all(grants)
    await session.flush()
    for g in grants:
        await record(session, actor=actor, action="delegation.granted", object_type="Delegation", object_id=g.id,
                     after={"agency": str(agency_id), "item": g.item_code, "granted_on": day.isoformat(), "basis": g.basis})
    return grants


async def revoke(session: AsyncSession, actor: str, agency_id: uuid.UUID, code: str, reason: str) -> Delegation:
    await _township_team(session, agency_id)
    stmt = sa.select(Delegation).where(Delegation.agency_id == agency_id, Delegation.item_code == code, Delegation.revoked_on.is_(None))
    current = (await session.execute(stmt)).scalar_one_or_none()
    if current is None:
        raise UserError(CatalogErrorCode.NOT_DELEGATED, f"事项 {code} 未赋权该执法队", "itemCode")
    if not reason.strip():
        raise UserError(CommonErrorCode.REASON_REQUIRED, "请说明收回赋权的理由", "reason")
    current.revoked_on, current.revoked_by, current.revoke_reason = max(legal_today(), current.granted_on), actor, reason.strip()
    await session.flush()
    await record(session, actor=actor, action="delegation.revoked", object_type="Delegation", object_id=current.id,
                 after={"agency": str(agency_id), "item": code, "revoked_on": current.revoked_on.isoformat(), "reason": current.revoke_reason})
    return current


async def active_codes(session: AsyncSession, agency_id: uuid.UUID, day: dt.date) -> set[str]:
    return codes_on(await delegations_of(session, agency_id), day)


async def delegations_of(session: AsyncSession, agency_id: uuid.UUID) -> list[Delegation]:
    """Every grant the agency ever had, revoked ones too: an act is judged on its own day."""
    return list((await session.execute(sa.select(Delegation).where(Delegation.agency_id == agency_id))).scalars())


def codes_on(delegations: Iterable[Delegation], day: dt.date) -> set[str]:
    """The items delegated on `day` (APL Art. 24): granted by then and not yet revoked."""
    return {d.item_code for d in delegations if d.active_on(day)}


async def _township_team(session: AsyncSession, agency_id: uuid.UUID) -> Agency:
    agency = await session.get(Agency, agency_id)
    if agency is None or agency.kind is not AgencyKind.TOWNSHIP_TEAM:
        raise UserError(CatalogErrorCode.NOT_A_TOWNSHIP_TEAM, "只能向乡镇（街道）综合行政执法队赋权", "agencyId")
    return agency


async def _items(session: AsyncSession, codes: list[str]) -> dict[str, CatalogItemVersion]:
    stmt = sa.select(CatalogItemVersion).where(
        CatalogItemVersion.code.in_(codes), CatalogItemVersion.status == VersionStatus.PUBLISHED, CatalogItemVersion.repealed_on.is_(None)
    )
    return {v.code: v for v in (await session.execute(stmt)).scalars()}

"""Catalog services: the item version in force on a day, and discretion recommendations for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.catalog.discretion import HearingThresholds, Recommendation, recommend
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.loader import parse_table_dict
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.catalog.spec import normalise_facts, typed_facts
from zhifa.core.errors import UserError, raise_if_any


async def version_in_force(session: AsyncSession, code: str, day: dt.date, errors: list[UserError]) -> CatalogItemVersion | None:
    """The published version of an item in force on a day; a case keeps it for good."""
    versions = (await session.execute(sa.select(CatalogItemVersion).where(CatalogItemVersion.code == code))).scalars().all()
    if not versions:
        errors.append(UserError(CatalogErrorCode.ITEM_NOT_FOUND, f"执法事项“{code}”不存在", "itemCode"))
        return None
    in_force = [v for v in versions if v.in_force_on(day)]
    if not in_force:
        errors.append(UserError(CatalogErrorCode.ITEM_NOT_IN_FORCE, f"执法事项“{code}”在 {day} 不在有效期内", "itemCode"))
        return None
    return in_force[0]


async def recommend_for(
    session: AsyncSession,
    code: str,
    day: dt.date,
    raw_facts: dict[str, Any],
    party_kind: str,
    thresholds: HearingThresholds,
) -> tuple[CatalogItemVersion, Recommendation]:
    errors: list[UserError] = []
    version = await version_in_force(session, code, day, errors)
    raise_if_any(errors)
    if version.discretion is None:
        raise UserError(CatalogErrorCode.DISCRETION_TABLE_MISSING, f"事项 {code} 没有裁量基准（不是处罚类事项或尚未制定）", "itemCode")
    item = version.spec()
    facts = typed_facts(item.facts, normalise_facts(code, item.facts, raw_facts))
    table = parse_table_dict(version.discretion, f"{code} v{version.version} discretion")
    return version, recommend(item, table, facts, party_kind=party_kind, thresholds=thresholds)

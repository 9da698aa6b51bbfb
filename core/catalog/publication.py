"""Publishing catalog drafts (立改废): a draft takes effect only when published with its date.

The previous published version's window closes the day the new one opens; the database refuses
overlapping windows on its own (migration 0003). Publication cannot reach into the past, because
cases already pinned to the version in force on their violation day must keep it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.models import CatalogItemVersion, VersionStatus
from zhifa.core.clock import legal_today
from zhifa.core.db import utcnow
from zhifa.core.errors import UserError


async def publish(session: AsyncSession, actor: str, code: str, version: int, effective_from: dt.date) -> CatalogItemVersion:
    rows = (await session.execute(sa.select(CatalogItemVersion).where(CatalogItemVersion.code == code))).scalars().all()
    draft = next((v for v in rows if v.version == version), None)
    if draft is None:
        raise UserError(CatalogErrorCode.VERSION_NOT_FOUND, f"事项 {code} 没有第 {version} 版", "version")
    if draft.status is not VersionStatus.DRAFT:
        raise UserError(CatalogErrorCode.VERSION_NOT_DRAFT, f"事项 {code} 第 {version} 版已发布，不能再次发布", "version")
    if effective_from < legal_today():
        raise UserError(CatalogErrorCode.EFFECTIVE_DATE_IN_PAST, "生效日期不能早于今天：已办案件所适用的版本不能被改变", "effectiveFrom")
    current = next((v for v in rows if v.status is VersionStatus.PUBLISHED and v.repealed_on is None), None)
    if current is not None and effective_from <= current.effective_from:
        raise UserError(CatalogErrorCode.EFFECTIVE_DATE_TOO_EARLY, f"生效日期须晚于现行版本的生效日期（{current.effective_from}）", "effectiveFrom")
    if current is not None:
        current.repealed_on = effective_from
        await session.flush()  # close the old window before the new one opens
    draft.status, draft.effective_from = VersionStatus.PUBLISHED, effective_from
    draft.published_at, draft.published_by = utcnow(), actor
    await session.flush()
    await record(
        session,
        actor=actor,
        action="catalog.version_published",
        object_type="CatalogItemVersion",
        object_id=draft.id,
        after={"code": code, "version": version, "effective_from": effective_from.isoformat()},
        detail=f"第 {current.version} 版于 {effective_from} 失效" if current else "",
    )
    return draft

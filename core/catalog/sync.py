"""Storing the plug-ins' catalog as versioned rows. History is never rewritten.

The first load of an item publishes it as shipped. A later change arrives as a draft version
that is in force nowhere until it is published with its effective date (core.catalog.publication);
a newer change to an unpublished draft replaces that draft, since nothing can rest on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.chain import canonical, sm3_hex
from zhifa.core.audit.service import record
from zhifa.core.catalog.models import CatalogItemVersion, Domain, ItemKind, VersionStatus
from zhifa.core.catalog.registry import Catalog
from zhifa.core.catalog.spec import ItemSpec

SYNC_ACTOR = "system:catalog-sync"

class CatalogSyncError(Exception):
    pass

@dataclass(frozen=True)
class SyncReport:
    domains: int
    added: list[str]
    amended: list[str]  # changed items now waiting as drafts

    @property
    def changed(self) -> bool:
        return bool(self.added or self.amended)

def item_digest(catalog: Catalog, item: ItemSpec) -> str:
    table = catalog.tables.get(item.code)
    return sm3_hex(canonical({"domain": item.domain, "item": item.raw, "discretion": table.raw if table else None}))

async def latest_versions(session: AsyncSession) -> dict[str, CatalogItemVersion]:
    ranked = sa.select(
        CatalogItemVersion,
        sa.func.row_number()
        .over(partition_by=CatalogItemVersion.code, order_by=CatalogItemVersion.version.desc())
        .label("rank"),
    ).subquery()
    latest = sa.orm.aliased(CatalogItemVersion, ranked)
    rows = await session.execute(sa.select(latest).where(ranked.c.rank == 1))
    return {v.code: v for v in rows.scalars()}

def served(catalog: Catalog, domain_code: sa.ColumnElement[str] = CatalogItemVersion.__table__.c.domain_code) -> sa.ColumnElement[bool]:
    """SQL: the row belongs to a domain of a loaded plug-in. A plug-in removed from plugins.toml
    keeps its stored versions (cases cite them; enabled again, it is served again), but its items
    are no longer offered: every list of items filters with this."""
    return domain_code.in_(sorted(catalog.domains))

async def pending_changes(session: AsyncSession, catalog: Catalog) -> list[str]:
    """Item codes whose stored latest version differs from what the plug-ins ship."""
    latest = await latest_versions(session)
    return [
        code
        for code, item in catalog.items.items()
        if code not in latest or latest[code].digest != item_digest(catalog, item)
    ]

async def sync_catalog(session: AsyncSession, catalog: Catalog) -> SyncReport:
    await _sync_domains(session, catalog)
    latest = await latest_versions(session)
    added, amended = [], []
    for code, item in catalog.items.items():
        digest = item_digest(catalog, item)
        current = latest.get(code)
        if current is not None and current.digest == digest:
            continue
        if current is not None and current.status is VersionStatus.DRAFT:
            number = current.version
            await session.delete(current)
            await session.flush()
        else:
            number = 1 if current is None else current.version + 1
        version = _new_version(catalog, item, digest, number)
        if current is not None:
            version.status = VersionStatus.DRAFT
        session.add(version)
        await session.flush()
        await record(
            session,
            actor=SYNC_ACTOR,
            action="catalog.item_version_added" if current is None else "catalog.item_draft_loaded",
            object_type="CatalogItemVersion",
            object_id=version.id,
            after={"code": code, "version": version.version, "digest": digest, "status": version.status.value},
        )
        (added if current is None else amended).append(code)
    return SyncReport(len(catalog.domains), added, amended)

async def _sync_domains(session: AsyncSession, catalog: Catalog) -> None:
    stored = {d.code: d for d in (await session.execute(sa.select(Domain))).scalars()}
    for code, domain in catalog.domains.items():
        row = stored.get(code) or Domain(code=code)
        row.name_zh, row.name_en = domain.name_zh, domain.name_en
        row.plugin, row.plugin_version = catalog.domain_plugin[code], domain.version
        session.add(row)
    await session.flush()

def _new_version(catalog: Catalog, item: ItemSpec, digest: str, number: int) -> CatalogItemVersion:
    table = catalog.tables.get(item.code)
    return CatalogItemVersion(
        code=item.code,
        version=number,
        domain_code=item.domain,
        name=item.name,
        kind=ItemKind(item.kind),
        violated=item.violated,
        basis=item.basis,
        law_version=item.law_version,
        penalty_kinds=list(item.penalty_kinds),
        measures=list(item.measures),
        delegable=item.delegable,
        major_fine_fen=item.major_fine_fen,
        major_kinds=list(item.major_kinds),
        limitation=item.limitation,
        facts=item.raw.get("facts", []),
        bounds=item.raw.get("bound", []),
        discretion=table.raw if table else None,
        effective_from=item.effective_from,
        digest=digest,
        status=VersionStatus.PUBLISHED,
        published_by=SYNC_ACTOR,
    )

"""The data set the benchmark reads: loaded once (the small demo, or a scale from core.scale) and
reused by every later run, and the subjects picked from it — the busiest county team, one of its
ordinary officers, the county's supervisor, a county-year, an entity, a search term."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from rich.console import Console

from zhifa.core.catalog.sync import sync_catalog
from zhifa.core.config import Settings
from zhifa.core.db import make_engine, session_factory, transaction
from zhifa.core.entities.crypto import DataKey
from zhifa.core.migrate import upgrade_async
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.entities.models import Entity
from zhifa.core.models import Agency, Case, CaseOfficer, Officer
from zhifa.core.people.models import AgencyKind, OfficerRole, Region
from zhifa.core.plugin_manager import PluginManager, PluginsConfig
from zhifa.core.publication.models import Publication
from zhifa.schema.kit.auth import issue_token

from benchmarks.servers import SECRET


def plugins() -> PluginManager:
    return PluginManager(PluginsConfig.read(Settings.from_env().plugins_file)).load()


async def ensure_loaded(url: str, scale: str) -> str:
    """What is loaded at `url`, loading `scale` first when nothing is (never reloading). Pending
    migrations are applied first, as `zhifa db upgrade` would: the server needs the schema at head."""
    catalog = plugins()
    await _upgrade(url, catalog)
    if scale == "demo":
        if await _count_cases(url):
            return "demo (already loaded)"
        from zhifa.core.demo import load_demo

        key = DataKey.from_hex(Settings.from_env().data_key_hex())
        await load_demo(url, catalog.catalog, key, seed=2026, console=Console(stderr=True))
        return "demo (loaded now)"
    from zhifa.core.scale import load_scale, loaded_dataset

    found = await loaded_dataset(url)
    if found is None:
        key = DataKey.from_hex(Settings.from_env().data_key_hex())
        found = await load_scale(url, catalog.catalog, key, scale=scale, seed=2026, console=Console(stderr=True))
    return f"{found.scale} (seed {found.seed}, loaded {found.loaded_at} in {found.seconds} s)"


async def _upgrade(url: str, catalog: PluginManager) -> None:
    await upgrade_async(url, [path for _, path in catalog.migration_folders()])
    engine = make_engine(url)
    try:
        async with transaction(session_factory(engine)) as session:
            await sync_catalog(session, catalog.catalog)
    finally:
        await engine.dispose()


async def _count_cases(url: str) -> int:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(sa.select(sa.func.count()).select_from(Case))).scalar_one()
    finally:
        await engine.dispose()


@dataclass
class Subjects:
    """Who asks and about what; `cursors` and `case_numbers` are filled in once the servers answer."""

    database: str
    agency: uuid.UUID
    officer: uuid.UUID
    supervisor: uuid.UUID
    supervisor_agency: uuid.UUID
    county_agencies: list[uuid.UUID]
    team_cases: int
    year: int
    entity: uuid.UUID
    search: str
    register: dict[str, Any]
    cursors: dict[str, Any] = field(default_factory=dict)
    case_numbers: list[str] = field(default_factory=list)

    def bound(self, key: uuid.UUID) -> Any:
        """A uuid as hand-written SQL binds it: hex without dashes on SQLite, a uuid on PostgreSQL."""
        return key.hex if self.database == "sqlite" else key

    def token(self, viewer: str) -> str | None:
        if viewer == "officer":
            return issue_token(SECRET, subject=f"officer:{self.officer}", roles=["officer"], agency=str(self.agency))
        if viewer == "supervisor":
            return issue_token(SECRET, subject=f"officer:{self.supervisor}", roles=["supervisor"], agency=str(self.supervisor_agency))
        return None


async def pick_subjects(url: str) -> Subjects:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await _subjects(conn, "sqlite" if url.startswith("sqlite") else "postgresql")
    finally:
        await engine.dispose()


async def _subjects(conn, database: str) -> Subjects:
    async def one(stmt):
        return (await conn.execute(stmt)).first()

    agency, team_cases = await one(sa.select(Case.agency_id, sa.func.count()).group_by(Case.agency_id).order_by(sa.func.count().desc()).limit(1))
    officer = (await one(sa.select(Officer.id).where(Officer.agency_id == agency, Officer.role == OfficerRole.OFFICER).order_by(Officer.id).limit(1)))[0]
    region, parent = await one(sa.select(Region.id, Region.parent_id).join(Agency, Agency.region_id == Region.id).where(Agency.id == agency))
    county = region if (await one(sa.select(Agency.id).where(Agency.kind == AgencyKind.JUSTICE_BUREAU, Agency.region_id == region))) else parent
    justice = (await one(sa.select(Agency.id).where(Agency.kind == AgencyKind.JUSTICE_BUREAU, Agency.region_id == county)))[0]
    supervisor = (await one(sa.select(Officer.id).where(Officer.agency_id == justice, Officer.role == OfficerRole.OFFICER).order_by(Officer.id).limit(1)))[0]
    below = sa.select(Region.id).where(sa.or_(Region.id == county, Region.parent_id == county))
    county_agencies = list((await conn.execute(sa.select(Agency.id).where(Agency.region_id.in_(below), Agency.kind != AgencyKind.JUSTICE_BUREAU))).scalars())
    year_of = sa.extract("year", Case.registered_at)
    year = int((await one(sa.select(year_of).where(Case.agency_id.in_(county_agencies)).group_by(year_of).order_by(sa.func.count().desc()).limit(1)))[0])
    entity = await _inspected_entity(conn, agency)
    items = Counter((await conn.execute(sa.select(Publication.item_name).where(Publication.status == "published").limit(5000))).scalars())
    search = items.most_common(1)[0][0][:4] if items else "罚款"
    return Subjects(database, agency, officer, supervisor, justice, county_agencies, team_cases, year, entity, search, await _register(conn, agency))


async def _inspected_entity(conn, agency: uuid.UUID) -> uuid.UUID:
    """The team's busiest entity with industry tags (checklists apply by tag, so its joint visit has points)."""
    top = (sa.select(Case.entity_id, sa.func.count().label("cases")).where(Case.agency_id == agency)
           .group_by(Case.entity_id).order_by(sa.func.count().desc(), Case.entity_id).limit(100).subquery())
    busiest = (await conn.execute(
        sa.select(Entity.id, Entity.industry_tags).join(top, top.c.entity_id == Entity.id).order_by(top.c.cases.desc(), Entity.id)
    )).all()
    return next((e.id for e in busiest if e.industry_tags), busiest[0].id)


async def _register(conn, agency: uuid.UUID) -> dict[str, Any]:
    """registerCase's inputs: the team's most recent registered case is the template (its item,
    facts and handlers); distinct requests get distinct entities of the team's and distinct descriptions."""
    template = (await conn.execute(
        sa.select(Case.id, Case.item_version_id, Case.facts).where(Case.agency_id == agency, Case.status == "registered")
        .order_by(Case.registered_at.desc()).limit(1)
    )).first() or (await conn.execute(
        sa.select(Case.id, Case.item_version_id, Case.facts).where(Case.agency_id == agency).order_by(Case.registered_at.desc()).limit(1)
    )).first()
    code = (await conn.execute(sa.select(CatalogItemVersion.code).where(CatalogItemVersion.id == template.item_version_id))).scalar_one()
    handlers = list((await conn.execute(
        sa.select(CaseOfficer.officer_id).where(CaseOfficer.case_id == template.id, CaseOfficer.role == "handler").order_by(CaseOfficer.position)
    )).scalars())
    entities = list((await conn.execute(sa.select(Case.entity_id).where(Case.agency_id == agency).group_by(Case.entity_id).order_by(Case.entity_id).limit(500))).scalars())
    return {"template": template.id, "item_code": code, "facts": template.facts, "officers": handlers, "entities": entities, "violation_date": dt.date.today() - dt.timedelta(days=7)}

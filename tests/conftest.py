"""Test harness: one migrated database per run (SQLite by default, PostgreSQL when
ZHIFA_TEST_DATABASE_URL names one), emptied before each test that uses it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from rich.console import Console

from core.catalog.sync import sync_catalog
from core.config import Settings
from core.db import make_engine, session_factory, transaction
from core.demo import load_demo
from core.migrate import upgrade_async
from core.entities.crypto import DataKey
from core.models import Base
from core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from core.people.models import Agency, AgencyKind, Officer, OfficerRole
from schema.app import create_app
from schema.auth import issue_token

GENESIS = "0" * 64
SECRET = "zhifa-test-secret-of-at-least-32-bytes!"
KEY = DataKey(bytes(range(16)))


def pytest_report_header(config: pytest.Config) -> str:
    return f"zhifa test database: {_backend()}"


def _backend() -> str:
    return "postgresql" if os.environ.get("ZHIFA_TEST_DATABASE_URL", "").startswith("postgresql") else "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _backend() == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set ZHIFA_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI the PostgreSQL run must really run on PostgreSQL, with nothing skipped for lack of it."""
    if os.environ.get("ZHIFA_REQUIRE_POSTGRES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if _backend() != "postgresql" or skipped:
        print(f"\nZHIFA_REQUIRE_POSTGRES=1 but backend={_backend()} and {skipped} test(s) skipped")
        session.exitstatus = 1


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    given = os.environ.get("ZHIFA_TEST_DATABASE_URL")
    if given and given.startswith("postgresql"):
        name = f"zhifa_test_{uuid.uuid4().hex[:10]}"
        admin = make_engine(given)
        async with admin.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.make_url(given).set(database=name).render_as_string(hide_password=False)
        await upgrade_async(url)
        yield url
        async with admin.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()
    else:
        import tempfile

        folder = tempfile.mkdtemp(prefix="zhifa-test-")
        url = f"sqlite+aiosqlite:///{folder}/test.db"
        await upgrade_async(url)
        yield url


@pytest.fixture(scope="session")
def plugins() -> PluginManager:
    return PluginManager(PluginsConfig(tuple(BUILTIN))).load()


@pytest.fixture
async def engine(database_url: str):
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine, plugins):
    """An empty database holding the built-in catalog, and its session factory."""
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        await _empty(session)
        await sync_catalog(session, plugins.catalog)
    return sessions


async def _empty(session) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    if session.bind.dialect.name == "postgresql":
        await session.execute(sa.text("TRUNCATE " + ", ".join(t.name for t in tables) + " CASCADE"))
    else:
        for table in tables:
            await session.execute(table.delete())
    await session.execute(sa.insert(Base.metadata.tables["audit_head"]).values(id=1, seq=0, last_hash=GENESIS))


@pytest.fixture
async def demo(db, database_url, plugins):
    """A small demo county: agencies, officers, 30 entities, 60 cases."""
    await load_demo(database_url, plugins.catalog, KEY, seed=7, cases=60, entities=30, console=Console(quiet=True))
    return db


class Api:
    """Talks to the real ASGI app over HTTP (httpx's ASGI transport), lifespan included."""

    def __init__(self, client: httpx.AsyncClient, token: str | None = None):
        self.client, self.token = client, token

    def as_(self, token: str | None) -> Api:
        return Api(self.client, token)

    async def post(self, query: str, variables: dict[str, Any] | None = None, **kwargs) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers, **kwargs)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


TEST_HOLIDAYS = Path(__file__).parent / "data" / "holidays-test.toml"


def settings_for(database_url: str, **overrides) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SECRET, data_key=KEY.key.hex(), holidays_file=TEST_HOLIDAYS, **overrides)


@pytest.fixture
async def app(db, database_url, plugins):
    application = create_app(settings_for(database_url), plugins)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhifa.test") as client:
        yield client


@pytest.fixture
async def api(client, demo_tokens) -> Api:
    """Signed in as an officer of the county bureau (sees the whole demo county)."""
    return Api(client, demo_tokens["bureau_officer"])


@pytest.fixture
def public_api(client) -> Api:
    return Api(client)


def token(subject: str, roles: list[str], agency=None, **claims) -> str:
    return issue_token(SECRET, subject=subject, roles=roles, agency=str(agency) if agency else None, **claims)


@pytest.fixture
async def demo_tokens(demo) -> dict[str, str]:
    """Tokens for the people of the demo county, one per role and place."""
    async with demo() as session:
        agencies = {a.name: a for a in (await session.execute(sa.select(Agency))).scalars()}
        officers = (await session.execute(sa.select(Officer))).scalars().all()
    bureau = next(a for a in agencies.values() if a.kind is AgencyKind.COMPREHENSIVE_BUREAU)
    township = next(a for a in agencies.values() if a.kind is AgencyKind.TOWNSHIP_TEAM)
    justice = next(a for a in agencies.values() if a.kind is AgencyKind.JUSTICE_BUREAU)

    def officer_of(agency, role=OfficerRole.OFFICER):
        return next(o for o in officers if o.agency_id == agency.id and o.role is role)

    return {
        "bureau_officer": token(f"officer:{officer_of(bureau).id}", ["officer"], bureau.id),
        "bureau_head": token(f"officer:{officer_of(bureau, OfficerRole.AGENCY_HEAD).id}", ["agency_head"], bureau.id),
        "bureau_reviewer": token(f"officer:{officer_of(bureau, OfficerRole.LEGAL_REVIEWER).id}", ["legal_reviewer"], bureau.id),
        "township_officer": token(f"officer:{officer_of(township).id}", ["officer"], township.id),
        "township_auxiliary": token(f"officer:{officer_of(township, OfficerRole.AUXILIARY).id}", ["auxiliary"], township.id),
        "supervisor": token(f"officer:{officer_of(justice).id}", ["supervisor"], justice.id),
        "provincial": token("service:province", ["provincial"], regions=["330000"], scopes=["read:cases", "read:entities", "read:officers"]),
        "provincial_other": token("service:other-province", ["provincial"], regions=["320000"], scopes=["read:cases", "read:entities"]),
    }


@pytest.fixture
def statements(app):
    """Counts the SQL statements the app's engine runs."""
    engine = app.state.sessions.kw["bind"].sync_engine
    counter = {"n": 0}

    def count(*_args) -> None:
        counter["n"] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    yield counter
    sa.event.remove(engine, "before_cursor_execute", count)

"""Test harness: one migrated database per run (SQLite by default, PostgreSQL when
ZHIFA_TEST_DATABASE_URL names one), emptied before each test that uses it."""

from __future__ import annotations

import os
import uuid
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
from core.models import Base
from core.plugin_manager import PluginManager, PluginsConfig, BUILTIN
from schema.app import create_app

GENESIS = "0" * 64


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
    await load_demo(database_url, plugins.catalog, seed=7, cases=60, entities=30, console=Console(quiet=True))
    return db


class Api:
    """Talks to the real ASGI app over HTTP (httpx's ASGI transport), lifespan included."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    async def post(self, query: str, variables: dict[str, Any] | None = None, **kwargs) -> httpx.Response:
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
async def app(db, database_url, plugins):
    application = create_app(Settings(database_url=database_url), plugins)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(app) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://zhifa.test") as client:
        yield Api(client)


@pytest.fixture
def statements(app):
    """Counts the SQL statements the app's engine runs."""
    engine = app.state.context.sessions.kw["bind"].sync_engine
    counter = {"n": 0}

    def count(*_args) -> None:
        counter["n"] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    yield counter
    sa.event.remove(engine, "before_cursor_execute", count)

"""Test harness: one migrated database per run (SQLite by default, PostgreSQL when
ZHIFA_TEST_DATABASE_URL names one), emptied before each test that uses it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from rich.console import Console

from zhifa.core.catalog.sync import sync_catalog
from zhifa.core.config import Settings
from zhifa.core.db import make_engine, session_factory, transaction
from zhifa.core.clock import legal_today
from zhifa.core.demo import load_demo
from zhifa.core.migrate import upgrade_async
from zhifa.core.entities.crypto import DataKey
from zhifa.core.errors import UserError, declared
from zhifa.core.models import Base
from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from zhifa.core.people.models import Agency, AgencyKind, Officer, OfficerRole, Region
from zhifa.schema.kit import guards
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.auth import issue_token

GENESIS = "0" * 64
SECRET = "zhifa-test-secret-of-at-least-32-bytes!"
KEY = DataKey(bytes(range(16)))


def pytest_report_header(config: pytest.Config) -> str:
    return f"zhifa test database: {_backend()}"


def _backend() -> str:
    return "postgresql" if os.environ.get("ZHIFA_TEST_DATABASE_URL", "").startswith("postgresql") else "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.nodeid.endswith(FINAL_CHECKS))  # stable: the rest keep their order
    if _backend() == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set ZHIFA_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_deselected(items: list[pytest.Item]) -> None:
    DESELECTED.extend(item.nodeid for item in items)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI the PostgreSQL run must really run on PostgreSQL, with nothing skipped for lack of it."""
    if os.environ.get("ZHIFA_REQUIRE_POSTGRES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if _backend() != "postgresql" or skipped:
        print(f"\nZHIFA_REQUIRE_POSTGRES=1 but backend={_backend()} and {skipped} test(s) skipped")
        session.exitstatus = 1


# --- Error codes ------------------------------------------------------------------------------------
#
# Every code the tests make: each core UserError built, and each code in the JSON bodies that the
# tests' HTTP clients receive (`errors` lists: GraphQL's, the HTTP routes', mutation payloads').
# tests/test_error_codes.py checks them against the declared codes after every other test.

FINAL_CHECKS = ("test_error_codes.py::test_every_declared_code_is_raised_by_a_test",)
SEEN_CODES: dict[str, str | None] = {}  # code -> its enum when first seen (None: undeclared then)
DESELECTED: list[str] = []


def saw_code(code: str) -> None:
    if code not in SEEN_CODES:
        try:
            SEEN_CODES[code] = type(declared(code)).__name__
        except ValueError:
            SEEN_CODES[code] = None


def _codes_in(body: Any) -> None:
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack += item
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "errors" and isinstance(value, list):
                    for error in (e for e in value if isinstance(e, dict)):
                        code = error.get("code") or (error.get("extensions") or {}).get("code")
                        if isinstance(code, str):
                            saw_code(code)
                stack.append(value)


def _read_codes(response: httpx.Response) -> None:
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            _codes_in(response.json())
        except (ValueError, httpx.ResponseNotRead):
            pass


async def asgi_request(app, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One bodiless request straight to the ASGI app: the status and the body exactly as the app
    sent it (an HTTP client drops the body of a HEAD response), its codes recorded."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await app({"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"", "headers": raw,
               "http_version": "1.1", "scheme": "http", "server": ("zhifa.test", 80), "client": ("test", 1), "root_path": ""}, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    try:
        _codes_in(json.loads(body))
    except ValueError:
        pass
    return sent[0]["status"], body


@pytest.fixture(scope="session", autouse=True)
def _record_error_codes():
    built, async_send, send = UserError.__post_init__, httpx.AsyncClient.send, httpx.Client.send

    def post_init(self) -> None:
        built(self)
        saw_code(self.code)

    async def recorded_async_send(self, request, **kwargs):
        response = await async_send(self, request, **kwargs)
        if not kwargs.get("stream"):
            _read_codes(response)
        return response

    def recorded_send(self, request, **kwargs):
        response = send(self, request, **kwargs)
        if not kwargs.get("stream"):
            _read_codes(response)
        return response

    UserError.__post_init__, httpx.AsyncClient.send, httpx.Client.send = post_init, recorded_async_send, recorded_send
    yield
    UserError.__post_init__, httpx.AsyncClient.send, httpx.Client.send = built, async_send, send


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


@pytest.fixture(scope="session", autouse=True)
def _reuse_built_schemas():
    """Every app a test creates builds the same strawberry schema (a tenth of a second each):
    `create_app` gets it built once per plug-in manager and mode, and built afresh whenever any
    module-level name of the schema or plug-in packages is no longer the same object (a test that
    monkeypatches `zhifa.schema.build.Query`, say, gets its own build, as before)."""
    import zhifa.schema.http.app

    build = zhifa.schema.http.app.build_schema
    built: dict[tuple, tuple[PluginManager, Any]] = {}

    def reused(plugins: PluginManager, *, production: bool = False):
        key = (id(plugins), production, _schema_names())
        hit = built.get(key)
        if hit is None or hit[0] is not plugins:
            if len(built) >= 8:
                built.pop(next(iter(built)))
            hit = built[key] = (plugins, build(plugins, production=production))
        return hit[1]

    zhifa.schema.http.app.build_schema = reused
    yield
    zhifa.schema.http.app.build_schema = build


def _schema_names() -> tuple:
    return tuple(
        (name, tuple(map(id, vars(module).values())))
        for name, module in sorted(sys.modules.items())
        if module is not None and name.startswith(("zhifa.schema.", "zhifa.plugins."))
    )


@pytest.fixture(scope="session")
def plugins() -> PluginManager:
    return PluginManager(PluginsConfig(tuple(BUILTIN))).load()


@pytest.fixture
async def engine(database_url: str):
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine, database_url, plugins):
    """An empty database holding the built-in catalog, and its session factory.

    The catalog is synced for real once per session (and catalog); later tests get the rows that
    sync wrote, restored from a snapshot (see "Snapshots" below)."""
    sessions = session_factory(engine)
    cached = _snapshots(database_url, plugins)
    async with transaction(sessions) as session:
        if cached is not None:
            await cached.catalog.restore(session)
        else:
            await _empty(session)
            await sync_catalog(session, plugins.catalog)
            _SNAPSHOTS[database_url, id(plugins.catalog)] = _Cached(plugins.catalog, await _Snapshot.capture(session))
    return sessions


async def _empty(session) -> None:
    await _clear(session)
    await session.execute(sa.insert(Base.metadata.tables["audit_head"]).values(id=1, seq=0, last_hash=GENESIS))


async def _clear(session) -> None:
    """Every table emptied (the audit head row included)."""
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    if session.bind.dialect.name == "postgresql":
        await session.execute(sa.text("TRUNCATE " + ", ".join(t.name for t in tables) + " CASCADE"))
    else:
        for table in tables:
            await session.execute(table.delete())


@pytest.fixture
async def demo(db, database_url, plugins):
    """A small demo city: two counties' agencies and officers, the city's bureau and justice
    bureau, 45 entities and 90 cases (30 and 60 of them in the first county, 定海区).

    load_demo runs for real once per session (and catalog); later tests get the rows it wrote
    put back from a snapshot: same ids, same values (see "Snapshots" below)."""
    cached = _snapshots(database_url, plugins)
    async with transaction(db) as session:
        untouched = cached is not None and await cached.catalog.untouched(session)
        if untouched and cached.demo is not None:
            await cached.demo.apply(session)
            return db
    await _load_demo(database_url, plugins)
    if untouched:  # loaded onto exactly the catalog snapshot: keep what it added
        async with transaction(db) as session:
            loaded = await _Snapshot.capture(session)
        cached.demo = await _replayable(db, cached.catalog, loaded)
    return db


async def _replayable(db, catalog: _Snapshot, loaded: _Snapshot) -> _Changes:
    """The changes from `catalog` to `loaded`, tried out as `db` and `demo` will apply them (which
    leaves this test the restored demo too) until every table reads back exactly as loaded."""
    changes = catalog.changes_to(loaded)
    for attempt in range(3):
        async with transaction(db) as session:
            await catalog.restore(session)
        async with transaction(db) as session:
            await changes.apply(session)
            wrong = {t for t, rows in (await _Snapshot.capture(session)).rows.items() if rows != loaded.rows[t]}
        if not wrong:
            return changes
        # On PostgreSQL, rows COPYed into a table emptied by an earlier transaction go through the
        # free-space map and can come back out of order; emptied in the same transaction, COPY
        # fills the pages strictly in order. Those tables (and the ones that reference them, as
        # TRUNCATE wants) are emptied and written whole from now on: all of them, at worst.
        changes.rewrite = _referencing(wrong) if attempt == 0 else set(loaded.rows)
    raise AssertionError(f"the demo snapshot does not read back as loaded: {sorted(wrong)}")


def _referencing(names: set[str]) -> set[str]:
    """The tables named and every table that references one of them, directly or not."""
    names = set(names)
    while more := {t.name for t in Base.metadata.sorted_tables if t.name not in names and any(fk.column.table.name in names for fk in t.foreign_keys)}:
        names |= more
    return names


async def _load_demo(database_url: str, plugins: PluginManager) -> None:
    # Two thirds in the first county: 定海区 keeps the 60 cases and 30 entities the tests were written on.
    await load_demo(database_url, plugins.catalog, KEY, seed=7, cases=90, entities=45, console=Console(quiet=True))


# --- Snapshots -------------------------------------------------------------------------------------
#
# Syncing the catalog (a flush and an audit record per item) and generating the demo county
# through the services (each case's history step by step) cost most of a test's set-up. Each is
# done for real once per session (and catalog); the rows it left in every table are read back
# exactly as the driver returns them (untyped columns: no type processing either way), in storage
# order (SQLite rowid, PostgreSQL ctid), and written back in that order: same ids, same values.
#
# `db` empties every table and writes the catalog rows back in one transaction (on PostgreSQL
# TRUNCATE then COPY, which in the same transaction fills the pages strictly in order, so unordered
# scans return rows in the order the real sync left them). `demo` then adds what load_demo added
# and applies what it changed (the audit head, say), but only onto a database exactly as `db` left
# it (same audit head, same row count in every table); otherwise load_demo runs for real, as
# before. When the snapshot is taken the restore is tried out and read back: a table that does not
# come back in the real load's order (on PostgreSQL, rows COPYed into a table emptied by an earlier
# transaction go through the free-space map, and a later, smaller row can land on an earlier page)
# is from then on emptied and written whole in the demo's own transaction, with the tables that
# reference it; so every test, the first one included, reads the demo back row for row as loaded.
#
# The data is relative to the time it was made (cases registered "n days ago", deadlines and
# certificates counted from today, uuid7 ids): snapshots are retaken after SNAPSHOT_MAX_AGE
# seconds and whenever the legal day changes.

SNAPSHOT_MAX_AGE = 600.0


def _snapshots(database_url: str, plugins: PluginManager) -> _Cached | None:
    cached = _SNAPSHOTS.get((database_url, id(plugins.catalog)))
    if cached is None or cached.plugin_catalog is not plugins.catalog or not cached.fresh():
        return None
    return cached


def _raw(table: sa.Table) -> sa.TableClause:
    return sa.table(table.name, *(sa.column(c.name) for c in table.columns))


def _as_stored(table: sa.Table, dialect) -> list:
    """The columns as the driver returns them; asyncpg decodes json(b) on the way out but wants
    text on the way in, so those are read as text (jsonb's canonical form: the same value)."""
    raw = _raw(table)
    return [
        sa.cast(raw.c[c.name], sa.Text).label(c.name)
        if dialect.name == "postgresql" and isinstance(c.type.dialect_impl(dialect), sa.JSON)
        else raw.c[c.name]
        for c in table.columns
    ]


class _Snapshot:
    """Rows of every table, as the driver returns them, in the order they are stored."""

    def __init__(self, rows: dict[str, list[tuple]]):
        self.rows = rows

    @classmethod
    async def capture(cls, session) -> _Snapshot:
        dialect = session.bind.dialect
        order = sa.literal_column("ctid" if dialect.name == "postgresql" else "rowid")
        rows = {}
        for table in Base.metadata.sorted_tables:
            result = await session.execute(sa.select(*_as_stored(table, dialect)).order_by(order))
            rows[table.name] = [tuple(r) for r in result]
        return cls(rows)

    async def restore(self, session) -> None:
        """Empty every table and put the rows back."""
        await _clear(session)
        await _insert(session, self.rows)

    async def untouched(self, session) -> bool:
        """Still as restored? Every audited change moves the audit head; a row count tells the rest."""
        head = _raw(Base.metadata.tables["audit_head"])
        now = [tuple(r) for r in await session.execute(sa.select(head).order_by(head.c.id))]
        tables = Base.metadata.sorted_tables
        counts = (await session.execute(sa.select(*(sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables)))).one()
        return now == self.rows["audit_head"] and list(counts) == [len(self.rows.get(t.name, ())) for t in tables]

    def changes_to(self, after: _Snapshot) -> _Changes:
        """What turned this snapshot into `after`, table by table (rows matched on primary keys)."""
        added, changed, removed = {}, {}, {}
        for table in Base.metadata.sorted_tables:
            key = _key_of(table)
            before = {key(r): r for r in self.rows.get(table.name, [])}
            now = after.rows[table.name]
            seen = {key(r) for r in now}
            added[table.name] = [r for r in now if key(r) not in before]
            changed[table.name] = [r for r in now if key(r) in before and before[key(r)] != r]
            removed[table.name] = [r for k, r in before.items() if k not in seen]
        return _Changes(added, changed, removed, after)


class _Changes:
    def __init__(self, added: dict[str, list[tuple]], changed: dict[str, list[tuple]], removed: dict[str, list[tuple]], after: _Snapshot):
        self.added, self.changed, self.removed, self.after = added, changed, removed, after
        self.rewrite: set[str] = set()  # tables emptied and written whole instead

    async def apply(self, session) -> None:
        if self.rewrite and session.bind.dialect.name == "postgresql":
            await session.execute(sa.text("TRUNCATE " + ", ".join(sorted(self.rewrite)) + " CASCADE"))
        elif self.rewrite:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name in self.rewrite:
                    await session.execute(table.delete())
        for table in reversed(Base.metadata.sorted_tables):
            raw = _raw(table)
            for row in self.removed[table.name] if table.name not in self.rewrite else ():
                await session.execute(sa.delete(raw).where(*_match(table, raw, row)))
        for table in Base.metadata.sorted_tables:
            raw, names = _raw(table), [c.name for c in table.columns]
            for row in self.changed[table.name] if table.name not in self.rewrite else ():
                await session.execute(sa.update(raw).where(*_match(table, raw, row)).values(dict(zip(names, row))))
        await _insert(session, {t: self.after.rows[t] if t in self.rewrite else rows for t, rows in self.added.items()})


def _key_of(table: sa.Table):
    at = [i for i, c in enumerate(table.columns) if c.primary_key] or list(range(len(table.columns)))
    return lambda row: tuple(row[i] for i in at)


def _match(table: sa.Table, raw: sa.TableClause, row: tuple) -> list:
    return [raw.c[c.name] == row[i] for i, c in enumerate(table.columns) if c.primary_key]


async def _insert(session, rows: dict[str, list[tuple]]) -> None:
    """Insert the rows, parents first: by COPY on PostgreSQL, executemany on SQLite."""
    postgres = session.bind.dialect.name == "postgresql"
    if postgres:
        await session.execute(sa.text("SELECT 1"))  # the driver's transaction has begun: COPY joins it
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
    for table in Base.metadata.sorted_tables:
        if batch := rows.get(table.name):
            names = [c.name for c in table.columns]
            if postgres:
                await driver.copy_records_to_table(table.name, records=batch, columns=names)
            else:
                await session.execute(sa.insert(_raw(table)), [dict(zip(names, r)) for r in batch])


class _Cached:
    def __init__(self, plugin_catalog, catalog: _Snapshot):
        self.plugin_catalog, self.catalog, self.demo = plugin_catalog, catalog, None
        self.taken, self.day = time.monotonic(), legal_today()

    def fresh(self) -> bool:
        return time.monotonic() - self.taken < SNAPSHOT_MAX_AGE and legal_today() == self.day


_SNAPSHOTS: dict[tuple[str, int], _Cached] = {}


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
    """Tokens for the demo's people, one per role and place. The unqualified keys are people of the
    first county (定海区 330902); `other_county_*` of the second (普陀区 330903); `city_supervisor`
    of the city's justice bureau (舟山市, sees both counties)."""
    async with demo() as session:
        rows = (await session.execute(sa.select(Agency, Region.code).join(Region, Region.id == Agency.region_id).order_by(Region.code, Agency.name))).all()
        officers = (await session.execute(sa.select(Officer).order_by(Officer.id))).scalars().all()

    def agency(kind: AgencyKind, region: str):
        """The agency of that kind seated in the region or, for township teams, the first township below it."""
        return next(a for a, code in rows if a.kind is kind and (code == region or (kind is AgencyKind.TOWNSHIP_TEAM and code.startswith(region))))

    def officer_of(agency, role=OfficerRole.OFFICER):
        return next(o for o in officers if o.agency_id == agency.id and o.role is role)

    def of(agency, role=OfficerRole.OFFICER, token_role: str | None = None) -> str:
        return token(f"officer:{officer_of(agency, role).id}", [token_role or role.value], agency.id)

    bureau, township, justice = (agency(k, "330902") for k in (AgencyKind.COMPREHENSIVE_BUREAU, AgencyKind.TOWNSHIP_TEAM, AgencyKind.JUSTICE_BUREAU))
    other_bureau, other_justice = (agency(k, "330903") for k in (AgencyKind.COMPREHENSIVE_BUREAU, AgencyKind.JUSTICE_BUREAU))
    return {
        "bureau_officer": of(bureau),
        "bureau_head": of(bureau, OfficerRole.AGENCY_HEAD),
        "bureau_reviewer": of(bureau, OfficerRole.LEGAL_REVIEWER),
        "township_officer": of(township),
        "township_auxiliary": of(township, OfficerRole.AUXILIARY),
        "supervisor": of(justice, token_role="supervisor"),
        "staff_admin": of(bureau, OfficerRole.STAFF_ADMIN),
        "other_county_officer": of(other_bureau),
        "other_county_supervisor": of(other_justice, token_role="supervisor"),
        "city_supervisor": of(agency(AgencyKind.JUSTICE_BUREAU, "330900"), token_role="supervisor"),
        "provincial": token("service:province", ["provincial"], regions=["330000"], scopes=["read:cases", "read:entities", "read:officers"]),
        "provincial_other": token("service:other-province", ["provincial"], regions=["320000"], scopes=["read:cases", "read:entities"]),
    }


@pytest.fixture
def frozen_minute(monkeypatch):
    """The rate limiter counts fixed minutes; pin the clock so a test never straddles two."""
    now = {"t": dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=dt.UTC)}
    monkeypatch.setattr(guards, "utcnow", lambda: now["t"])
    return now


@pytest.fixture
def statements(app, frozen_minute):
    """Counts the SQL statements the app's engine runs (in one rate-limit minute: the first request
    of a minute also clears the token's old windows, one statement more)."""
    engine = app.state.sessions.kw["bind"].sync_engine
    counter = {"n": 0}

    def count(*_args) -> None:
        counter["n"] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    yield counter
    sa.event.remove(engine, "before_cursor_execute", count)


@contextmanager
def pip_installed(target: Path, projects: list[Path], packages: tuple[str, ...]) -> Iterator[Path]:
    """The projects pip-installed into `target` as real distributions (their entry points found
    like any department's package), importable until the block ends."""
    for project in projects:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(project)],
            check=True,
        )
    sys.path.insert(0, str(target))
    try:
        yield target
    finally:
        sys.path.remove(str(target))
        for name in [m for m in sys.modules if m.startswith(packages)]:
            del sys.modules[name]

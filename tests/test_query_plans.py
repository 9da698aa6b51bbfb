"""Every access path has its index: the SQL the main lists actually run, for an ordinary officer, a
county head and a city supervisor, is planned by PostgreSQL at the county scale without a
sequential scan of a large table that keeps only a small part of it (a scan keeping most of the
table, such as a county head's count of its parties, is what no index could beat; issue 14 point 2). PostgreSQL only: SQLite's planner is not
the production one."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from volume import inflate
from zhifa.core.scale.bulk import analyse
from zhifa.core.models import Agency, Case, Entity, Officer
from zhifa.core.people.models import AgencyKind, OfficerRole
from zhifa.schema.kit.relay import encode_cursor, global_id

from conftest import Api, token

LARGE = 5_000  # rows: a table this big must be reached through an index ...
KEPT = 0.2  # ... unless the scan keeps this share of it or more (a count over most of a county's parties)
CASE_NODE = "id caseNumber status agency { name } entity { name } item { code } officers { name } assistants { name } deadlines { kind overdue }"
LISTS = {
    "first page with totalCount": f"{{ cases(first: 50) {{ totalCount edges {{ node {{ {CASE_NODE} }} }} }} }}",
    "deep page": "query($deep: String) { cases(first: 50, after: $deep) { edges { node { id caseNumber } } } }",
    "status filter": "{ cases(first: 50, filter: {status: [DECIDED, SERVED, EXECUTING]}) { totalCount edges { node { id } } } }",
    "overdue": "{ cases(first: 50, filter: {overdue: true}) { totalCount edges { node { id deadlines { overdue } } } } }",
    "not overdue": "{ cases(first: 50, filter: {overdue: false}) { edges { node { id } } } }",
    "by violation date": "{ cases(first: 50, order: VIOLATION_DATE_DESC) { edges { node { id } } } }",
    "by case number": "{ cases(first: 50, order: CASE_NUMBER_ASC) { edges { node { id } } } }",
    "one case with its timeline": "query($case: ID) { case(id: $case) { timeline { kind } deadlines { kind } evidence { id } } }",
    "entities": "{ entities(first: 50) { totalCount edges { node { name region { name } } } } }",
    "entity by credit code": "query($code: String) { entities(first: 5, filter: {creditCode: $code}) { edges { node { id } } } }",
    "officers": "{ officers(first: 50) { edges { node { name agency { name } } } } }",
}

@pytest.fixture
async def county(demo, database_url, engine):
    """The demo county copied to ~27,000 cases and ~190,000 timeline events, analysed."""
    if not database_url.startswith("postgresql"):
        pytest.skip("query plans are PostgreSQL's")
    async with engine.begin() as conn:
        await inflate(conn, times=300, entity_times=200)
    await analyse(engine)  # as the bulk load leaves it
    return demo


async def test_main_lists_use_an_index_for_every_large_table(county, app, client, demo_tokens, engine):
    async with county() as session:
        team = await session.scalar(sa.select(Agency.id).where(Agency.kind == AgencyKind.PROFESSIONAL_TEAM).order_by(Agency.name))
        officer = await session.scalar(sa.select(Officer.id).where(Officer.agency_id == team, Officer.role == OfficerRole.OFFICER))
        middle = (await session.execute(sa.select(Case.registered_at, Case.id).order_by(Case.registered_at.desc(), Case.id.desc()).offset(10_000).limit(1))).one()
        code = await session.scalar(sa.select(Entity.credit_code).where(Entity.credit_code.is_not(None)).order_by(Entity.id.desc()))
        case_id = await session.scalar(sa.select(Case.id).where(Case.agency_id == team).order_by(Case.registered_at))
    variables = {"deep": encode_cursor(tuple(middle)), "code": code, "case": global_id("Case", case_id)}
    viewers = {
        "team officer": token(f"officer:{officer}", ["officer"], team),
        "county head": demo_tokens["bureau_head"],
        "city supervisor": demo_tokens["city_supervisor"],
    }
    captured = await _statements(app, viewers, client, variables)
    large = await _large_tables(engine)
    scans = []
    async with engine.connect() as conn:
        for where, (sql, params) in captured:
            plan = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params)).scalar()
            scans += [
                (where, table, sql)
                for table, kept in _seq_scans(json.loads(plan) if isinstance(plan, str) else plan)
                if table in large and kept < KEPT * large[table]
            ]
    assert len(captured) > 3 * len(LISTS)
    assert not scans, "\n\n".join(f"{w}: sequential scan of {t}\n{s}" for w, t, s in scans)


async def _statements(app, viewers: dict[str, str], client, variables: dict) -> list[tuple[str, tuple[str, tuple]]]:
    """(viewer and list, (SQL, parameters)) of every SELECT the app ran for each list and viewer."""
    engine = app.state.sessions.kw["bind"].sync_engine
    seen: list = []
    label = {"now": ""}

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((label["now"], (statement, tuple(parameters or ()))))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        for viewer, bearer in viewers.items():
            api = Api(client, bearer)
            for name, query in LISTS.items():
                label["now"] = f"{viewer}, {name}"
                await api(query, {k: v for k, v in variables.items() if f"${k}" in query})
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    return seen


async def _large_tables(engine) -> dict[str, float]:
    """Rows (the planner's estimate) of each table over LARGE."""
    async with engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > :n"), {"n": LARGE})
        return dict(rows.all())


def _seq_scans(plan) -> list[tuple[str, float]]:
    """(relation, rows the scan is expected to keep) of each sequential scan in a JSON plan, at any
    depth (subplans included)."""
    if isinstance(plan, list):
        return [t for p in plan for t in _seq_scans(p)]
    node = plan.get("Plan", plan)
    found = [(node["Relation Name"], node["Plan Rows"])] if node.get("Node Type") == "Seq Scan" else []
    return found + [t for child in node.get("Plans", []) for t in _seq_scans(child)]

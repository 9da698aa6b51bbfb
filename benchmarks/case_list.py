"""Benchmark: the demo's case-list page through /graphql over HTTP, against a floor measured in the
same run (one hand-written SQL query for the same data, same driver, same clients).

The page is asked for by an ordinary officer of one county team (signed token, jurisdiction and
all), the way the design asks benchmarks to be run; the floor reads the same team's 50 cases.

    .venv/bin/python benchmarks/case_list.py --database sqlite
    .venv/bin/python benchmarks/case_list.py --database postgresql --url postgresql+asyncpg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import httpx
import sqlalchemy as sa
from rich.console import Console

from zhifa.core.catalog.sync import sync_catalog
from zhifa.core.db import make_engine, session_factory, transaction
from zhifa.core.config import Settings
from zhifa.core.demo import load_demo
from zhifa.core.entities.crypto import DataKey
from zhifa.core.migrate import upgrade_async
from zhifa.core.models import Case, Officer
from zhifa.core.people.models import OfficerRole
from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from zhifa.schema.kit.auth import issue_token

SECRET = "benchmark-secret-" + "0" * 16

QUERY = """{ cases(first: 50) { edges { node { id caseNumber status violationDate
  entity { name creditCode } item { code name } agency { name } officers { name certificateNumber } } } } }"""
FLOOR = {
    "postgresql": """
SELECT json_agg(row_to_json(p)) FROM (
  SELECT c.id, c.case_number, c.status, c.violation_date, e.name AS entity, e.credit_code, i.code, i.name AS item, a.name AS agency,
    (SELECT json_agg(json_build_object('name', o.name, 'cert', o.certificate_number) ORDER BY co.position)
       FROM case_officers co JOIN officers o ON o.id = co.officer_id WHERE co.case_id = c.id) AS officers
  FROM cases c JOIN entities e ON e.id = c.entity_id JOIN catalog_item_versions i ON i.id = c.item_version_id
  JOIN agencies a ON a.id = c.agency_id WHERE c.agency_id = :agency ORDER BY c.registered_at DESC, c.id DESC LIMIT 50) p""",
    "sqlite": """
SELECT json_group_array(json_object('id', c.id, 'number', c.case_number, 'status', c.status, 'date', c.violation_date,
  'entity', e.name, 'code', e.credit_code, 'item', i.code, 'itemName', i.name, 'agency', a.name,
  'officers', (SELECT json_group_array(json_object('name', o.name, 'cert', o.certificate_number))
               FROM case_officers co JOIN officers o ON o.id = co.officer_id WHERE co.case_id = c.id)))
FROM (SELECT * FROM cases WHERE agency_id = :agency ORDER BY registered_at DESC, id DESC LIMIT 50) c
JOIN entities e ON e.id = c.entity_id JOIN catalog_item_versions i ON i.id = c.item_version_id JOIN agencies a ON a.id = c.agency_id""",
}


async def prepare(url: str) -> None:
    plugins = PluginManager(PluginsConfig(tuple(BUILTIN))).load()
    await upgrade_async(url)
    engine = make_engine(url)
    async with transaction(session_factory(engine)) as session:
        await sync_catalog(session, plugins.catalog)
    await engine.dispose()
    await load_demo(url, plugins.catalog, DataKey.from_hex(Settings.from_env().data_key_hex()), seed=2026, cases=500, entities=200, console=Console(quiet=True))


async def team_officer(url: str) -> tuple[str, str]:
    """The county team with the most cases, and a token for one of its officers."""
    engine = make_engine(url)
    async with engine.connect() as conn:
        agency = (await conn.execute(sa.select(Case.agency_id).group_by(Case.agency_id).order_by(sa.func.count().desc()).limit(1))).scalar_one()
        officer = (await conn.execute(sa.select(Officer.id).where(Officer.agency_id == agency, Officer.role == OfficerRole.OFFICER).limit(1))).scalar_one()
    await engine.dispose()
    # the floor's text binds the id as stored: hex without dashes on SQLite, a uuid on PostgreSQL
    bound = agency.hex if url.startswith("sqlite") else agency
    return bound, issue_token(SECRET, subject=f"officer:{officer}", roles=["officer"], agency=str(agency))


async def load(call, requests: int, clients: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(range(requests))

    async def client() -> None:
        for _ in queue:
            start = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, requests / (time.perf_counter() - start)


def report(name: str, latencies: list[float], rps: float) -> float:
    q = statistics.quantiles(latencies, n=100)
    print(f"{name:<28} p50 {q[49] * 1000:7.2f} ms   p99 {q[98] * 1000:7.2f} ms   {rps:8.1f} req/s")
    return q[49]


async def main(args) -> None:
    url, drop = args.url, None
    if args.database == "sqlite":
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    else:
        name = f"zhifa_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url)
        async with admin.connect() as c:
            await (await c.execution_options(isolation_level="AUTOCOMMIT")).execute(sa.text(f'CREATE DATABASE "{name}"'))
        url, drop = sa.make_url(url).set(database=name).render_as_string(hide_password=False), (admin, name)
    await prepare(url)
    agency, token = await team_officer(url)
    # the rate limit would throttle the benchmark's one token: off, as for a trusted load test
    env = {**os.environ, "ZHIFA_DATABASE_URL": url, "ZHIFA_JWT_SECRET": SECRET, "ZHIFA_RATE_LIMIT_PER_MINUTE": "0"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "zhifa.schema.http.app:create_app", "--factory", "--port", str(args.port), "--log-level", "warning"], env=env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{args.port}", timeout=30) as http:
            for _ in range(100):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)

            async def graphql() -> None:
                body = (await http.post("/graphql", json={"query": QUERY}, headers={"authorization": f"Bearer {token}"})).json()
                assert len(body["data"]["cases"]["edges"]) == 50

            engine = make_engine(url)

            async def floor() -> None:
                async with engine.connect() as conn:
                    assert (await conn.execute(sa.text(FLOOR[args.database]), {"agency": agency})).scalar()

            await load(graphql, 20, 2)  # warm-up
            await load(floor, 20, 2)
            print(f"{args.database}: {args.requests} requests, {args.clients} clients, a team officer's 50 cases with entity, item, agency, officers")
            graphql_p50 = report("GraphQL over HTTP", *(g := await load(graphql, args.requests, args.clients)))
            floor_p50 = report("floor: one SQL query", *(f := await load(floor, args.requests, args.clients)))
            print(f"ratio: p50 {graphql_p50 / floor_p50:.1f}x the floor, throughput {f[1] / g[1]:.1f}x below it")
            await engine.dispose()
    finally:
        server.terminate()
        server.wait()
        if drop:
            admin, name = drop
            async with admin.connect() as c:
                await (await c.execution_options(isolation_level="AUTOCOMMIT")).execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            await admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    asyncio.run(main(parser.parse_args()))

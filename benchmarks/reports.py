"""Benchmark: one county-year's supervision reports through /graphql, on a data set already loaded.

A county justice bureau's supervisor (signed token, jurisdiction and all) asks for the year's
alerts (a page of 100 and the counts) and the responsibility ledger; the script reports p50/p99
and the SQL statements per request. It never loads data: point it at a database filled by
`zhifa demo load --cases N` or `--scale county|province`.

    ZHIFA_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1/reports_dev .venv/bin/python benchmarks/reports.py --year 2026
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import httpx
import sqlalchemy as sa

from zhifa.core.config import Settings
from zhifa.core.db import make_engine
from zhifa.core.people.models import Agency, AgencyKind, Officer, Region
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.auth import issue_token

SECRET = "benchmark-secret-" + "0" * 16

REPORTS = {
    "supervisionAlerts": """query($year: Int!, $asOf: Date!) { supervisionAlerts(year: $year, asOf: $asOf, first: 100) {
        total counts { code count } alerts { code severity agencyId agencyName subjectKind subjectId details } } }""",
    "responsibilityLedger": """query($year: Int!) { responsibilityLedger(year: $year) {
        rows { agencyId agencyName rank composite cases closureRate executionRate publicationRate } total { cases closureRate } } }""",
}


async def busiest_county_supervisor(url: str) -> str:
    """A token for an officer of the justice bureau of the county with the most agencies."""
    engine = make_engine(url)
    async with engine.connect() as conn:
        justice = (await conn.execute(
            sa.select(Agency.id).join(Region, Region.id == Agency.region_id)
            .where(Agency.kind == AgencyKind.JUSTICE_BUREAU, Region.level == "county").order_by(Region.code).limit(1)
        )).scalar_one()
        officer = (await conn.execute(sa.select(Officer.id).where(Officer.agency_id == justice).limit(1))).scalar_one()
    await engine.dispose()
    return issue_token(SECRET, subject=f"officer:{officer}", roles=["supervisor"], agency=str(justice))


async def run(url: str, year: int, repeat: int) -> None:
    app = create_app(Settings(database_url=url, jwt_secret=SECRET, rate_limit_per_minute=0))
    engine = app.state.sessions.kw["bind"].sync_engine
    counted = {"n": 0}
    sa.event.listen(engine, "before_cursor_execute", lambda *_: counted.__setitem__("n", counted["n"] + 1))
    token = await busiest_county_supervisor(url)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://zhifa.bench", headers={"Authorization": f"Bearer {token}"}, timeout=600
    ) as client:
        for name, query in REPORTS.items():
            variables = {"year": year, "asOf": f"{year}-12-31"}
            times, statements = [], []
            for n in range(repeat + 1):
                counted["n"] = 0
                start = time.perf_counter()
                body = (await client.post("/graphql", json={"query": query, "variables": variables})).json()
                elapsed = time.perf_counter() - start
                assert "errors" not in body, body["errors"]
                if n:  # the first request warms caches and plug-in data
                    times.append(elapsed * 1000)
                    statements.append(counted["n"])
            times.sort()
            p99 = times[min(len(times) - 1, round(len(times) * 0.99))]
            size = body["data"][name].get("total", len(body["data"][name].get("rows", [])))
            print(f"{name:22} n={repeat} p50 {statistics.median(times):8.1f} ms  p99 {p99:8.1f} ms  "
                  f"statements {max(statements)}  records {size}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("ZHIFA_DATABASE_URL"))
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.year, args.repeat))


if __name__ == "__main__":
    main()

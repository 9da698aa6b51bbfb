"""Benchmarks of the API against a hand-written SQL floor and PostGraphile v5, in one run.

    .venv/bin/python -m benchmarks                                  # both databases, the demo data set
    .venv/bin/python -m benchmarks --database postgresql --scale county --duration 10
    .venv/bin/python -m benchmarks --only case_list_first,case_detail --workers 1 --clients 1

For each database, number of server worker processes and number of concurrent clients, every
query is timed against its floor (same driver, same clients) and, on PostgreSQL, PostGraphile for
the reads it can express, the runs interleaved and repeated. The data set is loaded once and
reused; the report goes to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path

import httpx
import sqlalchemy as sa

from zhifa.core.db import make_engine
from zhifa.core.models import Case

from benchmarks import measure, report
from benchmarks.dataset import Subjects, ensure_loaded, pick_subjects
from benchmarks.queries import PAGE, QUERIES, deep_cursors
from benchmarks.servers import start_postgraphile, start_zhifa, stop, wait_ready

HERE = Path(__file__).resolve().parent
DEFAULT_URLS = {
    "sqlite": "sqlite+aiosqlite:///var/benchmark-{scale}.db",
    "postgresql": "postgresql+asyncpg://postgres@127.0.0.1:5432/{scale}",
}


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite,postgresql", help="sqlite, postgresql or both, comma-separated")
    parser.add_argument("--url", action="append", default=[], help="a database URL (repeat for both); default: " + ", ".join(DEFAULT_URLS.values()))
    parser.add_argument("--scale", default="demo", choices=("demo", "county", "city", "province"), help="the data set, loaded only when absent")
    parser.add_argument("--workers", default="1,2", help="server worker processes, comma-separated")
    parser.add_argument("--clients", default="1,16", help="concurrent clients, comma-separated")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per timed run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each target per cell (interleaved)")
    parser.add_argument("--deep", type=int, default=5000, help="how many rows into the team's list the deep page starts")
    parser.add_argument("--only", default="", help="query names, comma-separated: " + ", ".join(QUERIES))
    parser.add_argument("--no-postgraphile", action="store_true", help="skip PostGraphile")
    parser.add_argument("--port", type=int, default=8765, help="zhifa's port; PostGraphile uses the next")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    unknown = set(filter(None, args.only.split(","))) - set(QUERIES)
    if unknown:
        parser.error(f"unknown queries: {', '.join(sorted(unknown))}")
    return args


def urls(args: argparse.Namespace) -> dict[str, str]:
    given = {("sqlite" if u.startswith("sqlite") else "postgresql"): u for u in args.url}
    return {db: given.get(db, DEFAULT_URLS[db].format(scale=args.scale)) for db in args.database.split(",")}


async def main(args: argparse.Namespace) -> None:
    queries = [QUERIES[n] for n in args.only.split(",")] if args.only else list(QUERIES.values())
    results = report.Results(started=dt.datetime.now(dt.UTC), args=vars(args), queries=queries)
    for database, url in urls(args).items():
        print(f"== {database}: {sa.make_url(url).render_as_string()}", file=sys.stderr)
        results.datasets[database] = await ensure_loaded(url, args.scale)
        subjects = await pick_subjects(url)
        results.versions.update(await report.database_version(url))
        await run_database(args, database, url, subjects, queries, results)
    results.finished = dt.datetime.now(dt.UTC)
    args.output.write_text(report.markdown(results), encoding="utf-8")
    print(f"written {args.output}", file=sys.stderr)


async def run_database(args, database: str, url: str, subjects: Subjects, queries, results: report.Results) -> None:
    engine = make_engine(url)
    floor = measure.Floor(engine)
    with_postgraphile = database == "postgresql" and not args.no_postgraphile
    prepared = False
    try:
        for workers in map(int, args.workers.split(",")):
            log = HERE / "servers.log"
            servers = [start_zhifa(url, args.port, workers, log)]
            if with_postgraphile:
                servers.append(start_postgraphile(url, args.port + 1, workers, log))
            try:
                for server in servers:
                    waited = await wait_ready(server)
                    results.ready[(database, workers, server.name)] = waited
                    print(f"   {server.name} with {workers} worker(s) ready after {waited:.1f} s", file=sys.stderr)
                for clients in map(int, args.clients.split(",")):
                    zhifa = measure.GraphQLClient(servers[0], clients)
                    postgraphile = measure.GraphQLClient(servers[1], clients) if with_postgraphile else None
                    try:
                        if not prepared:
                            await prepare(args, subjects, engine, zhifa, postgraphile, results, database, queries, floor)
                            prepared = True
                        for query in queries:
                            await measure_cell(args, database, workers, clients, query, subjects, engine, zhifa, floor, postgraphile, results)
                    finally:
                        await zhifa.close()
                        if postgraphile:
                            await postgraphile.close()
            finally:
                for server in servers:
                    stop(server)
    finally:
        await engine.dispose()


async def prepare(args, s: Subjects, engine, zhifa, postgraphile, results, database: str, queries, floor) -> None:
    """The deep page's cursors, the cases the detail query visits, and the same-rows check."""
    depth = max(1, min(args.deep, s.team_cases - PAGE))  # a full page of the team's after it

    async with engine.connect() as conn:
        s.case_numbers = await QUERIES["case_list_first"].floor(conn, s, 0)
        try:
            await deep_cursors(zhifa, postgraphile, conn, s, depth)
        except RuntimeError as exc:
            results.failures[(database, "case_list_deep")] = f"walking to the deep page: {exc}"
    results.depth[database] = depth
    for query in queries:
        if query.writes or (database, query.name) in results.failures:
            continue
        try:
            results.checks[(database, query.name)] = await measure.same_rows(query, measure.targets(query, s, zhifa, floor, postgraphile))
            print(f"   {query.name}: rows checked", file=sys.stderr)
        except RuntimeError as exc:  # a server's error answer: reported, and the query's cells skipped
            results.failures[(database, query.name)] = str(exc)
            print(f"   {query.name}: FAILED {exc}", file=sys.stderr)


async def measure_cell(args, database, workers, clients, query, s, engine, zhifa, floor, postgraphile, results) -> None:
    if (database, query.name) in results.failures:
        return
    calls = measure.targets(query, s, zhifa, floor, postgraphile)
    before = await _team_cases(engine, s) if query.writes else None
    try:
        figures = await measure.interleaved(calls, clients, args.duration, args.repeats, warm_up=min(1.0, args.duration / 4))
    except RuntimeError as exc:
        results.failures[(database, query.name)] = f"{workers} worker(s), {clients} client(s): {exc}"
        print(f"   {database} w{workers} c{clients} {query.name}: FAILED {exc}", file=sys.stderr)
        return
    if query.writes:
        # every zhifa request (warm-up included) must have added one case; the floor rolls back
        figures["zhifa"].created = await _team_cases(engine, s) - before
    results.cells[(database, workers, clients, query.name)] = figures
    line = "  ".join(f"{name} p50 {f.p50 * 1000:.1f} ms {f.rps:.0f}/s" for name, f in figures.items())
    print(f"   {database} w{workers} c{clients} {query.name}: {line}", file=sys.stderr)


async def _team_cases(engine, s: Subjects) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.count()).select_from(Case).where(Case.agency_id == s.agency))).scalar_one()


if __name__ == "__main__":
    try:
        asyncio.run(main(arguments()))
    except (httpx.HTTPError, AssertionError, RuntimeError, TimeoutError) as exc:
        sys.exit(f"benchmark failed: {exc}")

"""Benchmark: the case-list page (case_list.QUERY) in process through the ASGI app, compiled page
(JSON built in SQL, past per-field completion) against the planned path, interleaved in one run,
as an ordinary county officer. `--profile` writes cProfile stats of the compiled runs.

    .venv/bin/python benchmarks/compiled_pages.py --database sqlite
    .venv/bin/python benchmarks/compiled_pages.py --database postgresql --url postgresql+asyncpg://postgres@127.0.0.1/compiled_bench
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from dataclasses import replace

import httpx
import sqlalchemy as sa

from zhifa.core.config import Settings
from zhifa.schema.http.app import create_app

from case_list import QUERY, SECRET, prepare, team_officer  # noqa: E402  (run as a script from the repository)


async def _timed(client: httpx.AsyncClient, token: str, requests: int, profile: cProfile.Profile | None) -> list[float]:
    latencies = []
    for _ in range(requests):
        start = time.perf_counter()
        if profile:
            profile.enable()
        response = await client.post("/graphql", json={"query": QUERY}, headers={"authorization": f"Bearer {token}"})
        if profile:
            profile.disable()
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 200 and "errors" not in response.json(), response.text[:500]
    return latencies


async def main(args) -> None:
    url = args.url or f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='zhifa-compiled-')}/bench.db"
    if not args.reuse:
        await prepare(url)
    _, token = await team_officer(url)
    base = replace(Settings.from_env(), database_url=url, jwt_secret=SECRET, rate_limit_per_minute=10**9)
    apps = {name: create_app(replace(base, compiled_pages=on)) for name, on in (("compiled", True), ("planned", False))}
    profile = cProfile.Profile() if args.profile else None
    results: dict[str, list[float]] = {name: [] for name in apps}
    statements: dict[str, int] = {}
    async with apps["compiled"].router.lifespan_context(apps["compiled"]), apps["planned"].router.lifespan_context(apps["planned"]):
        clients = {name: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") for name, app in apps.items()}
        for name, client in clients.items():  # warm-up, and statements per request
            await _timed(client, token, 5, None)
            counter = {"n": 0}
            engine = apps[name].state.sessions.kw["bind"].sync_engine
            count = lambda *_a, c=counter: c.__setitem__("n", c["n"] + 1)  # noqa: E731
            sa.event.listen(engine, "before_cursor_execute", count)
            await _timed(client, token, 1, None)
            sa.event.remove(engine, "before_cursor_execute", count)
            statements[name] = counter["n"]
        for _ in range(args.requests // 20):  # interleaved rounds of 20
            for name, client in clients.items():
                results[name] += await _timed(client, token, 20, profile if name == "compiled" else None)
        for client in clients.values():
            await client.aclose()
    print(f"{args.database}, {args.requests} requests each, 1 client, in process (ASGI), interleaved")
    for name, latencies in results.items():
        ms = sorted(x * 1000 for x in latencies)
        print(f"  {name:9} p50 {statistics.median(ms):6.2f} ms  p90 {ms[int(len(ms) * 0.9)]:6.2f} ms  mean {statistics.fmean(ms):6.2f} ms  statements/request {statements[name]}")
    print(f"  planned/compiled p50 ratio {statistics.median(results['planned']) / statistics.median(results['compiled']):.2f}")
    if profile:
        profile.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", default=os.environ.get("ZHIFA_BENCH_URL"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="the database already holds the demo")
    parser.add_argument("--profile", help="write cProfile stats of the compiled requests here")
    asyncio.run(main(parser.parse_args()))

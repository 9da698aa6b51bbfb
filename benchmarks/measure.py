"""Measuring: N concurrent clients calling a target for a fixed time, repeated and interleaved
with the other targets of the same query, and the figures kept for the report."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from benchmarks.dataset import Subjects
from benchmarks.queries import Query
from benchmarks.servers import STATEMENTS_HEADER, Server, count_statements, counter

# One request: (rows it returned, SQL statements it ran or None where they cannot be counted)
Call = Callable[[int], Awaitable[tuple[Any, int | None]]]


@dataclass
class Run:
    latencies: list[float]
    seconds: float
    statements: list[int]

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds


@dataclass
class Figures:
    """One target of one query in one cell, over its repeated runs."""

    runs: list[Run] = field(default_factory=list)
    warm_up: Run | None = None
    created: int | None = None  # rows a mutation's runs added, counted in the database afterwards

    @property
    def requests(self) -> int:
        """Every request made, the warm-up's included."""
        return sum(len(r.latencies) for r in [*self.runs, *([self.warm_up] if self.warm_up else [])])

    def quantile(self, q: int) -> float:
        latencies = sorted(x for r in self.runs for x in r.latencies)
        return statistics.quantiles(latencies, n=100, method="inclusive")[q - 1] if len(latencies) > 1 else latencies[0]

    @property
    def p50(self) -> float:
        return self.quantile(50)

    @property
    def p99(self) -> float:
        return self.quantile(99)

    @property
    def rps(self) -> float:
        return sum(len(r.latencies) for r in self.runs) / sum(r.seconds for r in self.runs)

    @property
    def statements(self) -> float | None:
        counted = [n for r in self.runs for n in r.statements]
        return statistics.median(counted) if counted else None

    def spread(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """(min, max) over the runs of the p50 and of requests/s."""
        p50s = [statistics.median(r.latencies) for r in self.runs]
        rates = [r.rps for r in self.runs]
        return (min(p50s), max(p50s)), (min(rates), max(rates))


async def run_for(call: Call, clients: int, seconds: float) -> Run:
    latencies: list[float] = []
    statements: list[int] = []
    numbers = itertools.count()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < deadline:
            i = next(numbers)
            start = time.perf_counter()
            _rows, counted = await call(i)
            latencies.append(time.perf_counter() - start)
            if counted is not None:
                statements.append(counted)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Run(latencies, time.perf_counter() - start, statements)


async def interleaved(targets: dict[str, Call], clients: int, seconds: float, repeats: int, warm_up: float) -> dict[str, Figures]:
    """Each target `repeats` times, their order rotated every round so that none is always first
    on a machine whose load drifts; a short warm-up of each before the first round."""
    figures = {name: Figures(warm_up=await run_for(call, clients, warm_up)) for name, call in targets.items()}
    names = list(targets)
    for round_ in range(repeats):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            figures[name].runs.append(await run_for(targets[name], clients, seconds))
    return figures


class GraphQLClient:
    """One HTTP client per server, with as many kept-alive connections as there are clients."""

    def __init__(self, server: Server, clients: int):
        self.server = server
        self.http = httpx.AsyncClient(base_url=server.base_url, timeout=300, limits=httpx.Limits(max_connections=clients + 2, max_keepalive_connections=clients + 2))

    async def __call__(self, document: str, variables: dict[str, Any], token: str | None) -> tuple[dict, int | None]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        answer = await self.http.post(self.server.graphql_path, json={"query": document, "variables": variables}, headers=headers)
        body = answer.json()
        if body.get("errors") or answer.status_code != 200:
            raise RuntimeError(f"{self.server.name} answered {answer.status_code}: {str(body.get('errors'))[:500]}")
        counted = answer.headers.get(STATEMENTS_HEADER)
        return body["data"], int(counted) if counted is not None else None

    async def close(self) -> None:
        await self.http.aclose()


class Floor:
    """The floors' engine, its statements counted per call the same way as the server's."""

    def __init__(self, engine):
        self.engine = engine
        count_statements(engine.sync_engine)

    def call(self, query: Query, s: Subjects) -> Call:
        async def floor(i: int) -> tuple[Any, int]:
            counted = counter()  # each client is its own task, so its own count
            async with self.engine.connect() as conn:
                rows = await query.floor(conn, s, i)
            return rows, counted[0]

        return floor


def targets(query: Query, s: Subjects, zhifa: GraphQLClient, floor: Floor, postgraphile: GraphQLClient | None) -> dict[str, Call]:
    token = s.token(query.viewer)

    async def ours(i: int) -> tuple[Any, int | None]:
        data, counted = await zhifa(query.document, query.variables(s, i), token)
        return query.rows(data), counted

    found: dict[str, Call] = {"zhifa": ours, "floor": floor.call(query, s)}
    if postgraphile is not None and query.postgraphile is not None:
        pg = query.postgraphile

        async def theirs(i: int) -> tuple[Any, None]:
            data, _ = await postgraphile(pg.document, pg.variables(s, i), None)
            return pg.rows(data), None

        found["postgraphile"] = theirs
    return found


async def same_rows(query: Query, calls: dict[str, Call]) -> dict[str, Any]:
    """Every target's rows for request 0; a read whose sides differ stops the benchmark."""
    rows = {name: (await call(0))[0] for name, call in calls.items()}
    if query.same_rows_required and not query.writes and len({repr(r) for r in rows.values()}) > 1:
        raise AssertionError(f"{query.name}: the targets read different rows: {rows}")
    return rows

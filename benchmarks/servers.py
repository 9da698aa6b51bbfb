"""The servers under test, started and stopped by the benchmark: zhifa under uvicorn with N worker
processes (through `zhifa.schema.http.serve`, as `zhifa serve --workers N` runs it) and PostGraphile v5 from benchmarks/postgraphile/.

zhifa runs `counting_app`, the ordinary `create_app` with one addition: every response carries the
number of SQL statements its request ran (`x-sql-statements`), counted on the server side by a
SQLAlchemy cursor event. That is how the benchmark reports statements per request with any number
of workers and on either database.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa

REPOSITORY = Path(__file__).resolve().parent.parent
POSTGRAPHILE = Path(__file__).resolve().parent / "postgraphile"
SECRET = "benchmark-secret-" + "0" * 16
STATEMENTS_HEADER = "x-sql-statements"
READY_TIMEOUT = 900.0  # seconds: a loaded 2-core machine may take minutes to import and build the schema

_statements: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("statements", default=None)


def _count_statement(*_args) -> None:
    counter = _statements.get()
    if counter is not None:
        counter[0] += 1


def count_statements(target=sa.engine.Engine) -> None:
    """Count the statements `target` (every engine by default) runs into the current `counter()`."""
    sa.event.listen(target, "before_cursor_execute", _count_statement)


def counter() -> list[int]:
    """A fresh count for what the current task (a request, a floor call) runs from now on."""
    found = [0]
    _statements.set(found)
    return found


def counting_app():
    """uvicorn factory: zhifa's app, each response headed with its request's SQL statement count."""
    from zhifa.schema.http.app import create_app

    count_statements()
    app = create_app()

    async def counted(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        counted = counter()

        async def send_counted(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (STATEMENTS_HEADER.encode(), str(counted[0]).encode())]}
            await send(message)

        await app(scope, receive, send_counted)

    return counted


@dataclass
class Server:
    name: str
    base_url: str
    graphql_path: str
    process: subprocess.Popen
    ready_after: float = 0.0  # seconds from start to the first good answer


def start_zhifa(database_url: str, port: int, workers: int, log: Path) -> Server:
    # the rate limit would throttle the benchmark's few tokens: off, as for a trusted load test
    env = {**os.environ, "ZHIFA_DATABASE_URL": database_url, "ZHIFA_JWT_SECRET": SECRET, "ZHIFA_RATE_LIMIT_PER_MINUTE": "0"}
    serve = (f"from zhifa.schema.http.serve import run; run('127.0.0.1', {port}, {workers}, 'benchmarks.servers:counting_app', "
             "log_level='warning', access_log=False)")  # as `zhifa serve --workers N` runs it
    command = [sys.executable, "-c", serve]
    return Server("zhifa", f"http://127.0.0.1:{port}", "/graphql", _spawn(command, env, REPOSITORY, log))


def start_postgraphile(database_url: str, port: int, workers: int, log: Path) -> Server:
    if not (POSTGRAPHILE / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=POSTGRAPHILE, check=True, stdout=subprocess.DEVNULL)
    url = sa.make_url(database_url).set(drivername="postgres").render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "WORKERS": str(workers), "NODE_ENV": "production"}
    return Server("postgraphile", f"http://127.0.0.1:{port}", "/graphql", _spawn(["node", "server.mjs"], env, POSTGRAPHILE, log))


def _spawn(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    # a session of its own, so that stopping it reaches uvicorn's or node's worker processes too
    return subprocess.Popen(command, env=env, cwd=cwd, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


async def wait_ready(server: Server, timeout: float = READY_TIMEOUT) -> float:
    """Poll until the server answers a GraphQL request (every worker imports and builds its schema
    first); fail when it exits or after `timeout`. Returns how long it took."""
    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited with {server.process.returncode} before it was ready")
            try:
                answer = await http.post(server.graphql_path, json={"query": "{ __typename }"})
                if answer.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{server.name} not ready after {timeout:.0f} s")
            await asyncio.sleep(0.25)
    server.ready_after = time.perf_counter() - start
    return server.ready_after


def stop(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()

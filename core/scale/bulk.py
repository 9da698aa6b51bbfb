"""Writing generated rows fast: PostgreSQL through COPY (asyncpg's binary copy on the session's own
connection, so the load is one transaction), SQLite through executemany in the same large
transaction. And emptying a database for `--replace`: every record but the catalog and the audit
chain (which stays whole: the new data set is appended to it)."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import zhifa.core.models  # noqa: F401  (every table in the metadata)
from zhifa.core.db import Base
from zhifa.core.scale.tables import Rows

KEPT = {"domains", "catalog_item_versions", "audit_records", "audit_head", "alembic_version"}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Writer:
    """Writes (table, columns, rows) batches on the connection of the load's transaction."""

    def __init__(self, connection: AsyncConnection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.seconds = 0.0  # spent writing

    async def write_all(self, rows: Rows) -> None:
        """Everything pending in `rows`, parents first."""
        started = time.monotonic()
        for table, columns, batch in rows.drain():
            await self.write(table, columns, batch)
        self.seconds += time.monotonic() - started

    async def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if self.postgres:
            await self._copy(table, columns, rows)
        else:
            target = Base.metadata.tables[table]
            await self.connection.execute(target.insert(), [dict(zip(columns, row)) for row in rows])

    async def _copy(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        target = Base.metadata.tables[table]
        json_at = [i for i, c in enumerate(columns) if isinstance(target.c[c].type, sa.JSON)]
        if json_at:
            rows = [_with_json(row, json_at) for row in rows]
        raw = await self.connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(table, records=rows, columns=columns)


def _with_json(row: tuple, at: list[int]) -> tuple:
    values = list(row)
    for i in at:
        if values[i] is not None:
            values[i] = _json(values[i])
    return tuple(values)


async def empty(connection: AsyncConnection) -> None:
    """Remove every record except the catalog and the audit chain (children first)."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEPT]
    if connection.dialect.name == "postgresql":
        await connection.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " CASCADE"))
    else:
        for table in tables:
            await connection.execute(table.delete())


async def analyse(engine: AsyncEngine) -> None:
    """Planner statistics for the tables just filled (and, on PostgreSQL, the visibility map that
    lets an index-only scan skip the heap): what autovacuum would leave some minutes later. Without
    them the planner takes a county's 20,000 cases for 4,800 and picks its plans accordingly."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM runs outside a transaction
            await connection.execute(sa.text("VACUUM ANALYZE"))
        else:
            await connection.execute(sa.text("ANALYZE"))
            await connection.commit()

"""County-sized volume on PostgreSQL from a loaded demo: every case copied `times` times with its
timeline, deadlines, people and recipients (new ids, numbers suffixed, registration spread back
over the years), every entity `entity_times` times (new codes) as the copies' parties; then
VACUUM ANALYZE by the caller (`core.scale.bulk.analyse`). Set-based INSERT … SELECT, a few seconds for ~25,000 cases.

Used instead of the county data set (`zhifa.core.scale`) because it is quicker to make in a test
and keeps the demo's people and tokens."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from zhifa.core.models import Base

T = Base.metadata.tables
CHILDREN = ("case_events", "case_deadlines", "case_officers", "case_recipients")


async def inflate(conn: AsyncConnection, times: int, entity_times: int) -> None:
    await conn.execute(sa.text(
        "CREATE TEMP TABLE entity_copies ON COMMIT DROP AS "
        "SELECT e.id AS source_id, gen_random_uuid() AS id, n FROM entities e, generate_series(1, :n) n"
    ), {"n": entity_times})
    await conn.execute(sa.text(
        "CREATE TEMP TABLE case_copies ON COMMIT DROP AS "
        "SELECT c.id AS source_id, gen_random_uuid() AS id, n FROM cases c, generate_series(1, :n) n"
    ), {"n": times})
    await conn.execute(_copy("entities", "entity_copies", {
        "credit_code": "CASE WHEN s.credit_code IS NULL THEN NULL ELSE upper(substr(md5(k.id::text), 1, 18)) END",
        "id_number_digest": "CASE WHEN s.id_number_digest IS NULL THEN NULL ELSE md5(k.id::text) END",
        "name": "s.name || k.n",
        "merged_into_id": "NULL",
    }))
    await conn.execute(_copy("cases", "case_copies", {
        "case_number": "s.case_number || '-' || k.n",
        "decision_number": "s.decision_number || '-' || k.n",
        "registered_at": "s.registered_at - k.n * interval '2 hours'",
        "entity_id": "e.id",
    }, join=f"JOIN entity_copies e ON e.source_id = s.entity_id AND e.n = k.n % {entity_times} + 1"))
    for child in CHILDREN:
        await conn.execute(_copy(child, "case_copies", {}, key="case_id"))



def _copy(table: str, copies: str, overrides: dict[str, str], key: str = "id", join: str = "") -> sa.TextClause:
    """INSERT … SELECT of every row of `table` once per copy, its `key` the copy's id."""
    columns = [c.name for c in T[table].columns]
    values = {c: f"s.{c}" for c in columns} | {key: "k.id"}
    if key != "id" and "id" in columns:
        values["id"] = "gen_random_uuid()"
    select = ", ".join((values | overrides)[c] for c in columns)
    return sa.text(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} s JOIN {copies} k ON k.source_id = s.{key} {join}")

"""The one connection resolver every list uses: authorize, filter, keyset page, planned relations, count."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from zhifa.core.errors import CommonErrorCode
from zhifa.schema.kit.compiled import pages as compiled_pages
from zhifa.schema.kit.compiled.plan import connection_plan, object_plan
from zhifa.schema.kit.planner import Kind, Planner, child_selections, merge_selections
from zhifa.schema.kit.relay import (
    Connection,
    PageRequest,
    keyset,
    make_connection,
    parse_global_id,
)


@asynccontextmanager
async def planner(info: strawberry.Info) -> AsyncIterator[Planner]:
    """A session for one resolver, with the viewer's jurisdiction loaded and clear reads recorded."""
    context = info.context
    async with context.sessions() as session:
        await context.access.prepare(session)
        yield Planner(session, context.access)
        await context.access.record_reads(session)


def count_of(base: sa.Select) -> sa.Select:
    """`SELECT count(*)` over the scoped rows themselves: no columns fetched, no order, so an index
    on the filter and jurisdiction columns answers it."""
    return base.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None)


def selections(info: strawberry.Info) -> list:
    """The sub-selections of the field being resolved (fragments not yet flattened)."""
    return [s for f in info.selected_fields for s in f.selections]


async def connection(
    info: strawberry.Info,
    kind: Kind | str,
    where: list[sa.ColumnElement[bool]],
    order: tuple[sa.Column, ...],
    descending: bool,
    page: PageRequest,
) -> Connection:
    kind = info.context.access.kinds[kind] if isinstance(kind, str) else kind
    info.context.access.require(kind.name)
    if compiled := _compiled(info) and connection_plan(info, kind):
        async with planner(info) as plan:
            base = plan.scoped(kind, sa.select(kind.table).where(*where))
            return await compiled_pages.page(plan, compiled, base, count_of(base), order, descending, page)
    selected = selections(info)
    node_selection = child_selections(selected, "edges", "node") or []
    async with planner(info) as plan:
        base = plan.scoped(kind, sa.select(kind.table).where(*where))
        stmt, size = keyset(base, order, descending, page)
        pairs = await plan.rows(kind, stmt, node_selection, shown=size)
        total = 0
        if "totalCount" in merge_selections(selected):
            total = await plan.session.scalar(count_of(base))
    keys = [tuple(getattr(row, c.key) for c in order) for _, row in pairs]
    return make_connection([obj for obj, _ in pairs], keys, size, page, total)


async def one(info: strawberry.Info, kind: Kind | str, key: Any, *path: str) -> Any | None:
    """One object by id if the viewer may see it, with what the selection under `path` asks for."""
    kind = info.context.access.kinds[kind] if isinstance(kind, str) else kind
    if not path and (compiled := _compiled(info) and object_plan(info, kind)):
        async with planner(info) as plan:
            return await compiled_pages.one(plan, compiled, kind, key)
    selected = selections(info)
    nested = child_selections(selected, *path) if path else selected
    async with planner(info) as plan:
        found = await plan.by_ids(kind, [key], nested or [])
    return found.get(key)


def _compiled(info: strawberry.Info) -> bool:
    """Whether plain selections are built as JSON in SQL (kit.compiled); off, the planned path."""
    return info.context.settings.compiled_pages


def decode_id(value: strawberry.ID | None, type_name: str, field: str) -> Any:
    """A global ID of the expected type, or a clear error naming the argument."""
    if value is None:
        return None
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        raise GraphQLError(f"{field} 不是有效的 {type_name} ID", extensions={"code": CommonErrorCode.ID_INVALID, "field": field})
    return parsed[1]


def contains(column: sa.ColumnElement, text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive substring match with LIKE wildcards in the user's text escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")

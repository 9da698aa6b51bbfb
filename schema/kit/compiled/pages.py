"""Compiled pages at run time: one statement for the page (the count folded in), its rows' JSON
decoded in one `json.loads`, personal data put through the kind's own `present` for the shown
rows only, and the connection shaped as the response wants it."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.compiled.execution import Completed
from zhifa.schema.kit.compiled.plan import ConnectionPlan, Nested, ObjectPlan, Private
from zhifa.schema.kit.compiled.sql import ROW, JsonBuilder
from zhifa.schema.kit.planner import Kind, Planner
from zhifa.schema.kit.relay import Connection, PageRequest, keyset, make_connection


async def page(plan: Planner, compiled: ConnectionPlan, base: sa.Select, count: sa.Select, order: tuple, descending: bool, request: PageRequest) -> Completed:
    """`base`: the kind's scoped and filtered rows; `count`: their number."""
    stmt, size = keyset(base, order, descending, request)
    src = stmt.subquery("page")
    build = JsonBuilder(plan.access, plan.session.bind.dialect.name)
    keys = [src.c[c.name] for c in order]
    columns = [*keys, *(_text(build.object(node, src)) for node in compiled.nodes)]
    if compiled.total:
        columns.append(count.scalar_subquery())
    reverse = descending != request.backwards
    rows = (await plan.session.execute(sa.select(*columns).order_by(*(k.desc() if reverse else k.asc() for k in keys)))).all()
    shown = rows[:size]
    objects = [_decode([r[len(keys) + i] for r in shown]) for i in range(len(compiled.nodes))]
    for node, values in zip(compiled.nodes, objects):
        for value in values:
            reveal(plan.access, node, value)
    items = [tuple(values[i] for values in objects) for i in range(len(shown))] + [None] * (len(rows) - len(shown))
    total = 0
    if compiled.total:
        total = rows[0][-1] if rows else await plan.session.scalar(count)
    connection = make_connection(items, [tuple(r[: len(keys)]) for r in rows], size, request, total)
    return Completed(_shape(compiled, connection))


async def one(plan: Planner, compiled: ObjectPlan, kind: Kind, key: Any) -> Completed | None:
    if key is None:
        return None
    src = plan.scoped(kind, sa.select(kind.table).where(kind.table.c.id == key)).subquery("one")
    build = JsonBuilder(plan.access, plan.session.bind.dialect.name)
    text = await plan.session.scalar(sa.select(_text(build.object(compiled, src))))
    if text is None:
        return None
    value = json.loads(text)
    reveal(plan.access, compiled, value)
    return Completed(value)


def _text(value: sa.ColumnElement) -> sa.ColumnElement:
    """JSON as text, whatever codec the driver has for json (asyncpg's decodes it per value)."""
    return sa.cast(value, sa.Text)


def _decode(texts: list[str]) -> list[Any]:
    return json.loads("[" + ",".join(texts) + "]") if texts else []


def reveal(access: Access, plan: ObjectPlan, value: dict | None) -> None:
    """Personal data as the planned path shows it: the kind's `present` over the stored columns,
    told the selected field names; the values it sets replace the placeholders in place."""
    if value is None or not plan.private:
        return
    if plan.row:
        stored = value.pop(ROW)
        row = SimpleNamespace(**{c: _typed(plan.kind, c, v) for c, v in stored.items()})
        private = [f for f in plan.fields if isinstance(f, Private)]
        shown = SimpleNamespace(**{f.attr: None for f in private})
        plan.kind.present(access, shown, row, plan.selected)
        for f in private:
            value[f.key] = getattr(shown, f.attr)
    for f in plan.fields:
        if isinstance(f, Nested) and f.plan.private:
            nested = value[f.key]
            for item in nested if f.relation.shape == "many" else (nested,):
                reveal(access, f.plan, item)


def _typed(kind: Kind, column: str, value: Any) -> Any:
    return uuid.UUID(value) if value is not None and isinstance(kind.table.c[column].type, sa.Uuid) else value


def _shape(compiled: ConnectionPlan, connection: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name, detail in compiled.shape:
        if name == "__typename":
            out[key] = detail
        elif name == "totalCount":
            out[key] = connection.total_count
        elif name == "pageInfo":
            out[key] = {k: getattr(connection.page_info, attr) if attr else type_name for k, attr, type_name in detail}
        else:
            out[key] = [
                {k: edge.cursor if what == "cursor" else edge.node[extra] if what == "node" else extra for k, what, extra in detail}
                for edge in connection.edges
            ]
    return out

"""Planned pages: fetch a page and everything its selection asks for in a fixed number of statements.

A `Kind` maps a GraphQL object type to a table, a row-to-object builder and its relations. The
planner reads the selection, runs one statement per selected relation per level (never one per
row), and wires plain objects together, so nested fields are attribute reads. The number of
statements depends on the shape of the query, not on the page size.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


@dataclass
class Relation:
    """A nested field. `one`: the row's `column` holds the target's id. `many`: `link(ids)` returns
    rows of (source id, target id, position) for the source ids. `values`: `link(ids)` returns
    (source id, value) for a list of plain values."""

    kind: str
    target: Kind | None = None
    column: str | None = None
    link: Callable[[Sequence[uuid.UUID]], sa.Select] | None = None


@dataclass
class Kind:
    name: str
    table: sa.Table
    build: Callable[[Any], Any]
    relations: dict[str, Relation] = field(default_factory=dict)


def merge_selections(selections: Iterable[Selection]) -> dict[str, list[SelectedField]]:
    """Selected fields by name, fragments flattened (a field may be selected twice under aliases)."""
    fields: dict[str, list[SelectedField]] = defaultdict(list)
    for s in selections:
        if isinstance(s, (FragmentSpread, InlineFragment)):
            for name, found in merge_selections(s.selections).items():
                fields[name].extend(found)
        else:
            fields[s.name].append(s)
    return fields


def child_selections(selections: Iterable[Selection], *path: str) -> list[Selection] | None:
    """The selections under a path of field names, or None when the path is not selected."""
    current = list(selections)
    for name in path:
        found = merge_selections(current).get(name)
        if not found:
            return None
        current = [s for f in found for s in f.selections]
    return current


async def attach(session: AsyncSession, kind: Kind, pairs: list[tuple[Any, Any]], selections: list[Selection]) -> None:
    """Fill the selected relations of already-built objects; pairs are (object, row)."""
    if not pairs:
        return
    selected = merge_selections(selections)
    for name, relation in kind.relations.items():
        if name not in selected:
            continue
        sub = [s for f in selected[name] for s in f.selections]
        attr = _attr(name)
        if relation.kind == "one":
            await _attach_one(session, relation, attr, pairs, sub)
        elif relation.kind == "many":
            await _attach_many(session, relation, attr, pairs, sub)
        else:
            await _attach_values(session, relation, attr, pairs)


async def _attach_one(session: AsyncSession, rel: Relation, attr: str, pairs, sub) -> None:
    keys = {getattr(row, rel.column) for _, row in pairs} - {None}
    built = await fetch_by_ids(session, rel.target, keys, sub)
    for obj, row in pairs:
        setattr(obj, attr, built.get(getattr(row, rel.column)))


async def _attach_many(session: AsyncSession, rel: Relation, attr: str, pairs, sub) -> None:
    ids = [row.id for _, row in pairs]
    links = (await session.execute(rel.link(ids))).all()
    built = await fetch_by_ids(session, rel.target, {target for _, target, _ in links}, sub)
    grouped: dict[uuid.UUID, list[tuple[Any, Any]]] = defaultdict(list)
    for source, target, position in links:
        grouped[source].append((position, built[target]))
    for obj, row in pairs:
        setattr(obj, attr, [o for _, o in sorted(grouped[row.id], key=lambda p: p[0])])


async def _attach_values(session: AsyncSession, rel: Relation, attr: str, pairs) -> None:
    grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for source, value in (await session.execute(rel.link([row.id for _, row in pairs]))).all():
        grouped[source].append(value)
    for obj, row in pairs:
        setattr(obj, attr, sorted(grouped[row.id]))


async def fetch_by_ids(
    session: AsyncSession, kind: Kind, ids: Iterable[uuid.UUID], selections: list[Selection]
) -> dict[uuid.UUID, Any]:
    ids = list(ids)
    if not ids:
        return {}
    rows = (await session.execute(sa.select(kind.table).where(kind.table.c.id.in_(ids)))).all()
    pairs = [(kind.build(r), r) for r in rows]
    await attach(session, kind, pairs, selections)
    return {row.id: obj for obj, row in pairs}


async def fetch_rows(session: AsyncSession, kind: Kind, stmt: sa.Select, selections: list[Selection]) -> list[tuple[Any, Any]]:
    """Run a page statement over `kind.table` and attach what the node selection asks for."""
    rows = (await session.execute(stmt)).all()
    pairs = [(kind.build(r), r) for r in rows]
    await attach(session, kind, pairs, selections)
    return pairs


def _attr(graphql_name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in graphql_name)

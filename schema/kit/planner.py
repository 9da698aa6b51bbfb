"""Planned pages: fetch a page and everything its selection asks for in a fixed number of statements.

A `Kind` maps a GraphQL object type to a table, a row-to-object builder and its relations. The
planner reads the selection, runs one statement per selected relation per level (never one per
row), keeps every statement inside the viewer's jurisdiction, and wires plain objects together,
so nested fields are attribute reads. The number of statements depends on the shape of the
query, not on the page size.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types.nodes import (
    FragmentSpread,
    InlineFragment,
    SelectedField,
    Selection,
)
from zhifa.core.db import in_ids
from zhifa.schema.kit.access import OPEN, Access, RowRule

# A batch loader: the planner, the ids of the page's rows, and the field's sub-selections, to values by id.
Loader = Callable[["Planner", list[uuid.UUID], list[Selection]], Awaitable[dict[uuid.UUID, Any]]]


@dataclass
class Relation:
    """A nested field, its target named by kind (the kind may live in another domain package).
    `one`: the row's `column` holds the target's id. `many`: `link(ids)` returns rows of (source id,
    target id, position) for the source ids. `values`: `link(ids)` returns (source id, value) for a
    list of plain values. `batch`: `load` computes the values of a whole page at once; rows it leaves
    out get `default()`. `attr`: the object attribute to fill (default: the field's snake_case name)."""

    shape: str
    target: str | None = None
    column: str | None = None
    link: Callable[[Sequence[uuid.UUID]], sa.Select] | None = None
    load: Loader | None = None
    default: Callable[[], Any] = lambda: None
    attr: str | None = None


@dataclass
class Kind:
    name: str
    table: sa.Table
    build: Callable[[Any], Any]
    relations: dict[str, Relation] = field(default_factory=dict)
    # Adjusts built objects for the viewer (e.g. decrypting and masking personal data); it is handed
    # the selected field names, so nothing the query did not ask for is decrypted or logged as read.
    present: Callable[[Access, Any, Any, frozenset[str]], None] | None = None
    rule: RowRule = OPEN  # which rows the viewer may read (kit.access)
    # GraphQL fields that are plain columns, by name (kit.compiled.columns): a page selecting only
    # these and relations to kinds that declare theirs is built as JSON in SQL (kit.compiled)
    columns: dict[str, Any] = field(default_factory=dict)


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


class Planner:
    """One request's fetches: a session and the viewer's access rules."""

    def __init__(self, session: AsyncSession, access: Access):
        self.session, self.access = session, access

    def kind(self, kind: Kind | str) -> Kind:
        """A kind, or one named by another domain package (the root registers every kind)."""
        return self.access.kinds[kind] if isinstance(kind, str) else kind

    def scoped(self, kind: Kind | str, stmt: sa.Select) -> sa.Select:
        kind = self.kind(kind)
        return stmt.where(*self.access.where(kind.name, kind.table))

    async def rows(self, kind: Kind | str, stmt: sa.Select, selections: list[Selection], *, shown: int | None = None) -> list[tuple[Any, Any]]:
        """Run a statement over `kind.table` (already scoped) and attach what the selection asks for.
        Only the first `shown` rows are presented and completed: a page's look-ahead row, fetched to
        learn whether there is more, is never decrypted, logged as read or given relations."""
        kind = self.kind(kind)
        rows = (await self.session.execute(stmt)).all()
        pairs = [(kind.build(r), r) for r in rows]
        visible = pairs[:shown] if shown is not None else pairs
        if kind.present:
            selected = frozenset(merge_selections(selections))
            for obj, row in visible:
                kind.present(self.access, obj, row, selected)
        await self._attach(kind, visible, selections)
        return pairs

    async def by_ids(self, kind: Kind | str, ids: Iterable[uuid.UUID], selections: list[Selection]) -> dict[uuid.UUID, Any]:
        kind, ids = self.kind(kind), list(ids)
        if not ids:
            return {}
        stmt = self.scoped(kind, sa.select(kind.table).where(in_ids(kind.table.c.id, ids)))
        return {row.id: obj for obj, row in await self.rows(kind, stmt, selections)}

    async def exists(self, kind: Kind | str, key: uuid.UUID) -> bool:
        kind = self.kind(kind)
        stmt = self.scoped(kind, sa.select(kind.table.c.id).where(kind.table.c.id == key))
        return (await self.session.scalar(stmt)) is not None

    async def _attach(self, kind: Kind, pairs: list[tuple[Any, Any]], selections: list[Selection]) -> None:
        if not pairs:
            return
        selected = merge_selections(selections)
        for name, relation in kind.relations.items():
            if name in selected:
                sub = [s for f in selected[name] for s in f.selections]
                fill = {"one": self._one, "many": self._many, "values": self._values, "batch": self._batch}[relation.shape]
                await fill(relation, relation.attr or _attr(name), pairs, sub)

    async def _one(self, rel: Relation, attr: str, pairs, sub) -> None:
        built = await self.by_ids(self.kind(rel.target), {getattr(row, rel.column) for _, row in pairs} - {None}, sub)
        for obj, row in pairs:
            setattr(obj, attr, built.get(getattr(row, rel.column)))

    async def _many(self, rel: Relation, attr: str, pairs, sub) -> None:
        links = (await self.session.execute(rel.link([row.id for _, row in pairs]))).all()
        built = await self.by_ids(self.kind(rel.target), {target for _, target, _ in links}, sub)
        grouped: dict[uuid.UUID, list[tuple[Any, Any]]] = defaultdict(list)
        for source, target, position in links:
            if target in built:  # out of the viewer's reach: left out, never shown
                grouped[source].append((position, built[target]))
        for obj, row in pairs:
            setattr(obj, attr, [o for _, o in sorted(grouped[row.id], key=lambda p: p[0])])

    async def _values(self, rel: Relation, attr: str, pairs, sub) -> None:
        grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for source, value in (await self.session.execute(rel.link([row.id for _, row in pairs]))).all():
            grouped[source].append(value)
        for obj, row in pairs:
            setattr(obj, attr, sorted(grouped[row.id]))


    async def _batch(self, rel: Relation, attr: str, pairs, sub) -> None:
        found = await rel.load(self, [row.id for _, row in pairs], sub)
        for obj, row in pairs:
            setattr(obj, attr, found[row.id] if row.id in found else rel.default())


def _attr(graphql_name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in graphql_name)

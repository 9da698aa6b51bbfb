"""Engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

import base64
import datetime as dt
import enum
import json
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.visitors import InternalTraversal

from zhifa.core.ids import new_id

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Timezone-aware timestamps on both engines (SQLite stores them naive, in UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return dt.datetime

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: zhifa stores timezone-aware times only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """Store an enum by value as text, with a CHECK constraint on both engines."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSONType,
        list[str]: JSONType,
        list[dict[str, Any]]: JSONType,
    }


class _IdList(sa.TypeDecorator[list[uuid.UUID]]):
    """UUIDs bound as one parameter: a uuid[] on PostgreSQL; on SQLite a JSON array of the 32 hex
    digits (no dashes) that sa.Uuid stores there."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(postgresql.ARRAY(sa.Uuid()) if dialect.name == "postgresql" else sa.Text())

    def process_bind_param(self, value: list[uuid.UUID] | None, dialect: Any) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return json.dumps([v.hex for v in value])


class InIds(sa.ColumnElement[bool]):
    """`column IN ids` with the ids as one bound array, so the statement's text (and the
    driver's prepared statement) is the same for any number of ids."""

    __visit_name__ = "in_ids"
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("ids", InternalTraversal.dp_clauseelement)]
    type = sa.Boolean()
    _is_implicitly_boolean = True  # a predicate as it stands: no `= 1` where booleans are integers

    def __init__(self, column: sa.ColumnElement[uuid.UUID], ids: sa.BindParameter):
        self.column, self.ids = column, ids


@compiles(InIds, "postgresql")
def _in_ids_postgresql(element: InIds, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} = ANY ({compiler.process(element.ids, **kw)}))"


@compiles(InIds)
def _in_ids_sqlite(element: InIds, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} IN (SELECT value FROM json_each({compiler.process(element.ids, **kw)})))"


def in_ids(column: sa.ColumnElement[uuid.UUID], ids: Iterable[uuid.UUID]) -> sa.ColumnElement[bool]:
    """`column.in_(ids)` for a UUID column, bound as one parameter however many ids there are
    (an expanded IN list renders a new statement per length, which no statement cache reuses)."""
    ids = list(ids)
    if any(isinstance(i, sa.ColumnElement) for i in ids):  # a correlated row's id (schema.kit.compiled builds links in SQL)
        return column.in_(ids)
    return InIds(column, sa.bindparam("ids", ids, type_=_IdList(), unique=True))


class InSet(sa.ColumnElement[bool]):
    """`column IN (subquery)` with the subquery's set computed once: on PostgreSQL
    `column = ANY (ARRAY(subquery))`, an InitPlan whose array is an index condition on `column`
    (an IN beside an OR is a hashed filter that needs a scan; a pulled-up IN may be probed row by row)."""

    __visit_name__ = "in_set"
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("subquery", InternalTraversal.dp_clauseelement)]
    type = sa.Boolean()
    _is_implicitly_boolean = True

    def __init__(self, column: sa.ColumnElement, subquery: sa.Select):
        self.column, self.subquery = column, subquery.correlate(None)


@compiles(InSet, "postgresql")
def _in_set_postgresql(element: InSet, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} = ANY (ARRAY({compiler.process(element.subquery, **kw)})))"


@compiles(InSet)
def _in_set_sqlite(element: InSet, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column.in_(element.subquery), **kw)


def in_set(column: sa.ColumnElement, subquery: sa.Select) -> sa.ColumnElement[bool]:
    """`column.in_(subquery)` for an uncorrelated subquery, its set built once (see InSet)."""
    return InSet(column, subquery)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _ensure_sqlite_folder(url: str) -> None:
    path = sa.make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite has no base64: pages built as JSON in SQL write global IDs with it
    dbapi_connection.create_function("base64url", 1, _base64url, deterministic=True)


def _base64url(text: str | None) -> str | None:
    return None if text is None else base64.urlsafe_b64encode(text.encode()).decode()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: everything inside commits together, or nothing does."""
    async with sessions() as session, session.begin():
        yield session

"""Plain fields: a GraphQL field read straight from a column, rendered in SQL exactly as
graphql-core would serialize the value the planner builds (enum names, ISO dates, strawberry's
`isoformat` datetimes, Money's decimal string, global IDs), so a compiled page needs no per-field
work in Python. A `Kind` declares its plain fields in `columns`; anything it does not declare
keeps the planned path."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.sql import FromClause

Expr = sa.ColumnElement
_SAFE = re.compile(r"^[A-Za-z0-9_$:%.+\-\[\]]*$")  # no quote, no backslash


@lru_cache(maxsize=4096)
def const(text: str) -> Expr:
    """A SQL string literal for our own names (GraphQL keys, enum names, type names): no bind
    parameter, so the statement's text is the same from request to request. Made once per text
    (an element is immutable, so every statement can share it)."""
    if not _SAFE.match(text):
        raise ValueError(f"not a plain name: {text!r}")
    return sa.literal_column(f"'{text}'", sa.String)


@dataclass(frozen=True)
class Column:
    """`render(source, dialect)` gives the JSON value of the field for a row of `source`."""

    render: Callable[[FromClause, str], Expr]


@dataclass(frozen=True)
class Secret:
    """Personal data: the SQL carries the stored `row` columns, and the kind's `present` decides
    in Python what the viewer sees (decrypted, masked, the read recorded), as on the planned path."""

    row: tuple[str, ...]


def plain(name: str) -> Column:
    """Text and integers: JSON as they are."""
    return Column(lambda src, dialect: src.c[name])


def flag(name: str) -> Column:
    def render(src: FromClause, dialect: str) -> Expr:
        column = src.c[name]
        if dialect == "postgresql":
            return column
        return sa.func.json(sa.case((column.is_(None), sa.null()), (column == sa.true(), const("true")), else_=const("false")))

    return Column(render)


def day(name: str) -> Column:
    """A date: ISO on both engines (PostgreSQL's JSON writes dates as ISO whatever DateStyle is)."""
    return plain(name)


def moment(name: str) -> Column:
    """A timestamp as `datetime.isoformat()` of the aware UTC value the driver returns: seconds,
    microseconds only when there are some, then +00:00."""

    def render(src: FromClause, dialect: str) -> Expr:
        column = src.c[name]
        if dialect == "postgresql":
            utc = sa.func.timezone(const("UTC"), column)
            micro = sa.cast(sa.func.date_part(const("microseconds"), column), sa.Integer) % 1000000
            fraction = sa.case((micro == 0, const("")), else_=sa.func.to_char(utc, const(".US")))
            return sa.case((column.is_(None), sa.null()), else_=sa.func.to_char(utc, sa.literal_column("'YYYY-MM-DD\"T\"HH24:MI:SS'")) + fraction + const("+00:00"))
        # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, naive)
        fraction = sa.case((sa.func.substr(column, 21, 6) == const("000000"), const("")), else_=const(".") + sa.func.substr(column, 21, 6))
        return sa.func.substr(column, 1, 10) + const("T") + sa.func.substr(column, 12, 8) + fraction + const("+00:00")

    return Column(render)


def document(name: str) -> Column:
    """A JSON column, embedded as JSON."""
    return Column(lambda src, dialect: src.c[name] if dialect == "postgresql" else sa.func.json(src.c[name]))


def strings(name: str) -> Column:
    """A JSON list of strings that the planner shows as [] when empty or missing."""

    def render(src: FromClause, dialect: str) -> Expr:
        if dialect == "postgresql":
            return sa.func.coalesce(src.c[name], sa.literal_column("'[]'::jsonb"))
        return sa.func.json(sa.func.coalesce(src.c[name], const("[]")))

    return Column(render)


def enum_sql(column: Expr, gql: type[enum.Enum]) -> Expr:
    """The stored value as the GraphQL enum's name."""
    return sa.case(*((column == const(m.value), const(m.name)) for m in gql), else_=sa.null())


def choice(name: str, gql: type[enum.Enum]) -> Column:
    return Column(lambda src, dialect: enum_sql(src.c[name], gql))


def money(name: str) -> Column:
    """Fen as the Money scalar writes it: str(Decimal yuan to two places), e.g. "-0.05"."""

    def render(src: FromClause, dialect: str) -> Expr:
        fen = src.c[name]
        sign = sa.case((fen < 0, const("-")), else_=const(""))
        if dialect == "postgresql":
            cents = sa.func.lpad(sa.cast(sa.func.abs(fen) % 100, sa.Text), 2, const("0"))
            text = sign + sa.cast(sa.func.abs(fen) // 100, sa.Text) + const(".") + cents
        else:
            text = sa.func.printf(const("%s%d.%02d"), sign, sa.func.abs(fen) // 100, sa.func.abs(fen) % 100)
        return sa.case((fen.is_(None), sa.null()), else_=text)

    return Column(render)


def node_id(type_name: str) -> Column:
    """`relay.global_id`: urlsafe base64 of "Type:uuid" (SQLite: core.db's base64url function)."""

    def render(src: FromClause, dialect: str) -> Expr:
        key = src.c.id
        if dialect == "postgresql":
            raw = sa.func.encode(sa.func.convert_to(const(type_name + ":") + sa.cast(key, sa.Text), const("UTF8")), const("base64"))
            return sa.func.translate(raw, sa.literal_column("E'+/\\n'"), const("-_"))
        dashed = sa.func.substr(key, 1, 8)
        for start, length in ((9, 4), (13, 4), (17, 4), (21, 12)):
            dashed = dashed + const("-") + sa.func.substr(key, start, length)
        return sa.func.base64url(const(type_name + ":") + dashed)

    return Column(render)


def computed(render: Callable[[FromClause, str], Expr]) -> Column:
    """A field the kind computes from its row in SQL (e.g. a status read for today)."""
    return Column(render)

"""Relay building blocks: the Node interface, global IDs, connections and keyset cursors."""

from __future__ import annotations

import base64
import bisect
import binascii
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from zhifa.core.errors import CommonErrorCode

MAX_PAGE = 100
DEFAULT_PAGE = 20
PAGE_ARGS = f"first/after 向后翻页，last/before 向前翻页；每页最多 {MAX_PAGE} 条"  # said in each list's description
T = TypeVar("T")


@strawberry.interface(description="可按全局 ID 取回的对象（Relay Node）")
class Node:
    id: strawberry.ID = strawberry.field(description="全局唯一 ID，可用于 node(id:) 查询")


def global_id(type_name: str, key: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode())


def parse_global_id(value: str) -> tuple[str, uuid.UUID] | None:
    """(type name, key), or None for anything that is not one of our IDs."""
    try:
        type_name, _, key = base64.urlsafe_b64decode(value.encode()).decode().partition(":")
        return type_name, uuid.UUID(key)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


@strawberry.type(description="分页信息")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="连接中的一条边")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="分页连接（Relay Connection）")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="符合筛选条件的总数（不受分页影响）")


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def size(self) -> int:
        if self.first is not None and self.last is not None:
            raise GraphQLError("first 与 last 不能同时使用", extensions={"code": CommonErrorCode.PAGINATION_INVALID})
        size = self.last if self.last is not None else self.first
        if size is None:
            return DEFAULT_PAGE
        if not 0 <= size <= MAX_PAGE:
            raise GraphQLError(f"每页数量应在 0 至 {MAX_PAGE} 之间", extensions={"code": CommonErrorCode.PAGE_SIZE_INVALID})
        return size

    @property
    def backwards(self) -> bool:
        return self.last is not None


def encode_cursor(values: tuple[Any, ...]) -> str:
    text = json.dumps([_jsonable(v) for v in values], ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str, columns: tuple[sa.ColumnElement, ...]) -> tuple[Any, ...]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError
        return tuple(_from_json(v, c.type.python_type) for v, c in zip(raw, columns))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, NotImplementedError):
        raise GraphQLError("分页游标无效", extensions={"code": CommonErrorCode.CURSOR_INVALID}) from None


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value) if isinstance(value, uuid.UUID) else value


def _from_json(value: Any, python_type: type) -> Any:
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if not isinstance(value, python_type):
        raise ValueError
    return value


def keyset(
    stmt: sa.Select, order: tuple[sa.ColumnElement, ...], descending: bool, page: PageRequest
) -> tuple[sa.Select, int]:
    """Apply the cursor and the order; fetch one row more than asked to learn if there is more."""
    size = page.size()
    reverse = descending != page.backwards
    cursor = page.before if page.backwards else page.after
    if cursor:
        values = decode_cursor(cursor, order)
        key = sa.tuple_(*order)
        bound = sa.tuple_(*(sa.literal(v, c.type) for v, c in zip(values, order)))
        stmt = stmt.where(key < bound if reverse else key > bound)
    stmt = stmt.order_by(*(c.desc() if reverse else c.asc() for c in order)).limit(size + 1)
    return stmt, size


def make_connection(items: list[Any], keys: list[tuple[Any, ...]], size: int, page: PageRequest, total: int) -> Connection:
    more = len(items) > size
    items, keys = items[:size], keys[:size]
    if page.backwards:
        items, keys = items[::-1], keys[::-1]
    edges = [Edge(cursor=encode_cursor(k), node=i) for i, k in zip(items, keys)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more and not page.backwards,
            has_previous_page=more and page.backwards,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def sorted_page(
    items: Sequence[T], key: Callable[[T], tuple[Any, ...]], columns: tuple[sa.ColumnElement, ...],
    after: str | None, first: int | None, skip: int = 0,
) -> tuple[list[T], list[str], PageInfo]:
    """A page of a list computed in memory and sorted by `key` (a report's rows): the items after
    the cursor `after` (a key, read back with `columns`' types), `skip` more skipped, at most
    `first` (None: all). Returns the items, their cursors and the page info."""
    start = skip + (bisect.bisect_right(items, decode_cursor(after, columns), key=key) if after else 0)
    page = list(items[start:] if first is None else items[start:start + first])
    cursors = [encode_cursor(key(x)) for x in page]
    info = PageInfo(has_next_page=start + len(page) < len(items), has_previous_page=start > 0,
                    start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None)
    return page, cursors, info

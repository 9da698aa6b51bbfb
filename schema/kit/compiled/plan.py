"""A selection compiled into a plan, once per (document, field, values of the variables its
@include/@skip read): response keys in selection order, fragments flattened by type condition,
fields of one response key merged as graphql-core merges them. A selection that reaches anything
a kind has not declared plain (a computed field, a field with arguments, a batch relation)
compiles to None: that field takes the planned path, whole."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_non_null_type,
)
from zhifa.schema.kit.compiled.columns import Secret
from zhifa.schema.kit.planner import Kind, Relation, _attr


# Objects nested deeper than this take the planned path: each level is a correlated subquery, and
# SQLite's parser overflows its stack on a few dozen (a region's chain of parents at the depth limit).
MAX_NESTING = 4


@dataclass(frozen=True)
class Leaf:
    key: str
    column: Any  # columns.Column


@dataclass(frozen=True)
class Constant:
    key: str
    value: str  # __typename


@dataclass(frozen=True)
class Private:
    key: str
    attr: str  # the attribute `Kind.present` fills


@dataclass(frozen=True)
class Nested:
    key: str
    relation: Relation
    plan: ObjectPlan
    # the related table's alias in the page's statement, made once with the plan: aliasing a table
    # proxies every column, the better part of building the statement when done per request
    alias: Any = field(compare=False)


@dataclass(frozen=True)
class ObjectPlan:
    kind: Kind
    fields: tuple[Leaf | Constant | Private | Nested, ...]
    selected: frozenset[str]  # GraphQL field names, what `Kind.present` is told
    row: tuple[str, ...] = ()  # stored columns `present` reads, when a private field is selected

    @cached_property  # asked for every row of a page
    def private(self) -> bool:
        """Whether this object or one below it needs the Python pass for personal data."""
        return bool(self.row) or any(isinstance(f, Nested) and f.plan.private for f in self.fields)


@dataclass(frozen=True)
class ConnectionPlan:
    # (response key, "edges" | "pageInfo" | "totalCount" | "__typename", detail): edges' detail is
    # ((key, "cursor" | "node" | "__typename", node index or type name), ...); pageInfo's is
    # ((key, attribute of relay.PageInfo or None, type name for __typename), ...)
    shape: tuple[tuple[str, str, Any], ...]
    nodes: tuple[ObjectPlan, ...]
    total: bool


@dataclass
class _Document:
    fragments: Mapping[str, Any]
    variables: Mapping[str, Any]
    read: set[str] = field(default_factory=set)  # variables the directives read

    def included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name in ("skip", "include"):
                value = self._value(next(a.value for a in directive.arguments if a.name.value == "if"))
                if value == (name == "skip"):
                    return False
        return True

    def _value(self, node: Any) -> bool:
        if isinstance(node, VariableNode):
            self.read.add(node.name.value)
            return bool(self.variables.get(node.name.value))
        assert isinstance(node, BooleanValueNode)
        return node.value

    def collect(self, type_: GraphQLObjectType, nodes: Iterable[FieldNode]) -> dict[str, list[FieldNode]]:
        """The sub-fields of `nodes` by response key (CollectFields of the spec)."""
        found: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for node in nodes:
            if node.selection_set:
                self._visit(node.selection_set, type_, found, visited)
        return found

    def _visit(self, selections: SelectionSetNode, type_: GraphQLObjectType, found: dict, visited: set[str]) -> None:
        for s in selections.selections:
            if not self.included(s):
                continue
            if isinstance(s, FieldNode):
                found.setdefault(s.alias.value if s.alias else s.name.value, []).append(s)
            elif isinstance(s, InlineFragmentNode):
                if s.type_condition is None or _applies(s.type_condition.name.value, type_):
                    self._visit(s.selection_set, type_, found, visited)
            elif isinstance(s, FragmentSpreadNode) and s.name.value not in visited:
                visited.add(s.name.value)
                fragment = self.fragments.get(s.name.value)
                if fragment is not None and _applies(fragment.type_condition.name.value, type_):
                    self._visit(fragment.selection_set, type_, found, visited)


def _applies(condition: str, type_: GraphQLObjectType) -> bool:
    return condition == type_.name or any(i.name == condition for i in type_.interfaces)


def _object(doc: _Document, kinds: Mapping[str, Kind], kind: Kind, type_: GraphQLObjectType, nodes: list[FieldNode], depth: int = 0) -> ObjectPlan | None:
    if not kind.columns or depth > MAX_NESTING:
        return None
    fields: list = []
    row: set[str] = set()
    collected = doc.collect(type_, nodes)
    for key, same in collected.items():
        name = same[0].name.value
        if name == "__typename":
            fields.append(Constant(key, type_.name))
            continue
        if any(n.arguments for n in same):
            return None
        column, relation = kind.columns.get(name), kind.relations.get(name)
        if isinstance(column, Secret):
            fields.append(Private(key, _attr(name)))
            row.update(column.row)
        elif column is not None:
            fields.append(Leaf(key, column))
        elif relation is not None and relation.shape in ("one", "many"):
            declared = type_.fields[name].type
            if relation.shape == "one" and is_non_null_type(declared):
                return None  # a row out of reach would be an error there, not a null
            target = kinds[relation.target] if isinstance(relation.target, str) else relation.target
            sub = _object(doc, kinds, target, get_named_type(declared), same, depth + 1)
            if sub is None:
                return None
            fields.append(Nested(key, relation, sub, target.table.alias()))
        else:
            return None
    return ObjectPlan(kind, tuple(fields), frozenset(n[0].name.value for n in collected.values()), tuple(sorted(row)))


_PAGE_INFO = {"hasNextPage": "has_next_page", "hasPreviousPage": "has_previous_page", "startCursor": "start_cursor", "endCursor": "end_cursor"}


def _connection(doc: _Document, kinds: Mapping[str, Kind], kind: Kind, type_: GraphQLObjectType, nodes: list[FieldNode]) -> ConnectionPlan | None:
    shape, objects, total = [], [], False
    for key, same in doc.collect(type_, nodes).items():
        name = same[0].name.value
        if name == "__typename":
            shape.append((key, name, type_.name))
        elif name == "totalCount":
            shape.append((key, name, None))
            total = True
        elif name == "pageInfo":
            info_type = get_named_type(type_.fields[name].type)
            detail = [(k, _PAGE_INFO.get(f[0].name.value), info_type.name) for k, f in doc.collect(info_type, same).items()]
            shape.append((key, name, tuple(detail)))
        elif name == "edges":
            edge_type = get_named_type(type_.fields[name].type)
            detail = []
            for k, f in doc.collect(edge_type, same).items():
                if f[0].name.value == "node":
                    plan = _object(doc, kinds, kind, get_named_type(edge_type.fields["node"].type), f)
                    if plan is None:
                        return None
                    detail.append((k, "node", len(objects)))
                    objects.append(plan)
                else:
                    detail.append((k, f[0].name.value, edge_type.name))
            shape.append((key, name, tuple(detail)))
        else:
            return None
    return ConnectionPlan(tuple(shape), tuple(objects), total)


# (schema id, query text, offset of the field) -> [(values of the variables its directives read, plan)]
_CACHE: dict[tuple, list[tuple[tuple[tuple[str, bool], ...], Any]]] = {}
_CACHE_SIZE = 2048


def _cached(info: Any, kind: Kind, compile_, type_: Any) -> Any:
    raw = info._raw_info
    variables = raw.variable_values
    loc = raw.field_nodes[0].loc
    key = (id(raw.schema), loc.source.body, loc.start, kind.name) if loc is not None else None  # node(id:) serves every kind
    for read, plan in _CACHE.get(key, ()):
        if all(bool(variables.get(name)) == value for name, value in read):
            return plan
    doc = _Document(raw.fragments, variables)
    plan = compile_(doc, info.context.access.kinds, kind, type_, list(raw.field_nodes))
    if key is not None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE.setdefault(key, []).append((tuple((name, bool(variables.get(name))) for name in sorted(doc.read)), plan))
    return plan


def connection_plan(info: Any, kind: Kind) -> ConnectionPlan | None:
    """The plan of the connection field being resolved, or None when it must take the planned path."""
    return _cached(info, kind, _connection, get_named_type(info._raw_info.return_type))


def object_plan(info: Any, kind: Kind) -> ObjectPlan | None:
    """The plan of the object field being resolved (e.g. `case(id:)`, or `node(id:)` whose type is
    the Node interface: the selection is collected for the kind's own type), or None."""
    return _cached(info, kind, _object, info._raw_info.schema.get_type(kind.name))

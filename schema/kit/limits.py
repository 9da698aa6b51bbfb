"""Limits on what one request may ask for: depth, aliases, cost (grows with first/last), tokens.

Depth, aliases and cost are checked by one validation rule over the whole document (fragments
followed, cycles cut). A field's cost multiplies by its page size when its type says it pages:
it returns a connection or a list and takes `first`/`last` (a variable counts as the largest page,
no argument as the default page), so a new list is costed without being named here. Each
refusal carries its own code. String literals may not hold NUL (PostgreSQL text and jsonb cannot
store it: the query would fail in the driver); variables are checked as the body is decoded
(schema/app.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from zhifa.core.errors import CommonErrorCode
from zhifa.schema.kit.relay import DEFAULT_PAGE, MAX_PAGE

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_COST = 10_000
MAX_TOKENS = 3_000
NUL = "\x00"
NUL_MESSAGE = "字符串中不能含有 NUL 字符（\\u0000）"


@dataclass
class Measure:
    """What a selection set asks for: its depth (levels of selection sets), aliases and cost."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def add(self, other: Measure, *, deeper: int = 0) -> None:
        self.depth = max(self.depth, other.depth + deeper)
        self.aliases += other.aliases
        self.cost += other.cost


def _page_size(field: FieldNode) -> int | None:
    """first/last of a connection field: the larger literal, or the largest page for a variable or
    an out-of-range literal (refused at execution, but never allowed to lower the estimate)."""
    sizes = []
    for arg in field.arguments or ():
        if arg.name.value in ("first", "last"):
            literal = int(arg.value.value) if isinstance(arg.value, IntValueNode) else None
            sizes.append(literal if literal is not None and 0 <= literal <= MAX_PAGE else MAX_PAGE)
    return max(sizes) if sizes else None


def _pages(field_def) -> bool:
    """A field pages when it takes first/last and returns a connection (edges) or a list."""
    if not {"first", "last"} & set(field_def.args):
        return False
    named = get_named_type(field_def.type)
    return is_list_type(get_nullable_type(field_def.type)) or (isinstance(named, GraphQLObjectType) and "edges" in named.fields)


class QueryLimits(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        fragments = {d.name.value: d for d in self.context.document.definitions if isinstance(d, FragmentDefinitionNode)}
        root = self.context.schema.get_root_type(node.operation)
        measure = self._measure(node.selection_set, root, fragments, {}, frozenset())
        checks = (
            (measure.depth > MAX_DEPTH, CommonErrorCode.QUERY_TOO_DEEP, f"查询嵌套过深（{measure.depth} 层，上限 {MAX_DEPTH} 层）"),
            (measure.aliases > MAX_ALIASES, CommonErrorCode.TOO_MANY_ALIASES, f"别名过多（{measure.aliases} 个，上限 {MAX_ALIASES} 个）"),
            (measure.cost > MAX_COST, CommonErrorCode.QUERY_TOO_COSTLY, f"查询代价过高（估算 {_shown(measure.cost)}，上限 {MAX_COST}；请减小 first/last 或嵌套）"),
        )
        for failed, code, message in checks:
            if failed:
                self.report_error(GraphQLError(message, node, extensions={"code": code}))

    def enter_string_value(self, node: StringValueNode, *_args) -> None:
        if NUL in node.value:
            self.report_error(GraphQLError(NUL_MESSAGE, node, extensions={"code": CommonErrorCode.INVALID_CHARACTER}))

    def _measure(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, fragments, memo: dict[str, Measure], active: frozenset[str]) -> Measure:
        """Each fragment is measured once (memo), so fragments that spread each other several
        times cost linear time, not exponential; a cycle (invalid anyway) counts as nothing.
        `parent` is the type the selections are made on (None where the document is invalid)."""
        measure = Measure()
        if selection_set is None:
            return measure
        measure.depth = 1
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                measure.aliases += selection.alias is not None
                if selection.selection_set is None:
                    continue
                fields = parent.fields if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else {}
                field_def = fields.get(selection.name.value)
                inner = self._measure(selection.selection_set, get_named_type(field_def.type) if field_def else None, fragments, memo, active)
                size = _page_size(selection)
                if size is None and field_def is not None and _pages(field_def):
                    size = DEFAULT_PAGE
                measure.add(Measure(inner.depth, inner.aliases, 1 + inner.cost * (size if size is not None else 1)), deeper=1)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner_type = self.context.schema.get_type(condition.name.value) if condition else parent
                measure.add(self._measure(selection.selection_set, inner_type, fragments, memo, active))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in fragments or name in active:
                    continue
                if name not in memo:
                    fragment = fragments[name]
                    on = self.context.schema.get_type(fragment.type_condition.name.value)
                    memo[name] = self._measure(fragment.selection_set, on, fragments, memo, active | {name})
                measure.add(memo[name])
        return measure


def _shown(cost: int) -> str:
    return str(cost) if cost < 10**12 else f"超过 {10**12}"


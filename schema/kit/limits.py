"""Limits on what one request may ask for: depth, aliases, cost (grows with first/last), tokens.

Depth, aliases and cost are checked by one validation rule over the whole document (fragments
followed, cycles cut); a page size given through a variable counts as the largest page. Each
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
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
)
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


class QueryLimits(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        fragments = {d.name.value: d for d in self.context.document.definitions if isinstance(d, FragmentDefinitionNode)}
        measure = self._measure(node.selection_set, fragments, {}, frozenset())
        checks = (
            (measure.depth > MAX_DEPTH, "QUERY_TOO_DEEP", f"查询嵌套过深（{measure.depth} 层，上限 {MAX_DEPTH} 层）"),
            (measure.aliases > MAX_ALIASES, "TOO_MANY_ALIASES", f"别名过多（{measure.aliases} 个，上限 {MAX_ALIASES} 个）"),
            (measure.cost > MAX_COST, "QUERY_TOO_COSTLY", f"查询代价过高（估算 {_shown(measure.cost)}，上限 {MAX_COST}；请减小 first/last 或嵌套）"),
        )
        for failed, code, message in checks:
            if failed:
                self.report_error(GraphQLError(message, node, extensions={"code": code}))

    def enter_string_value(self, node: StringValueNode, *_args) -> None:
        if NUL in node.value:
            self.report_error(GraphQLError(NUL_MESSAGE, node, extensions={"code": "INVALID_CHARACTER"}))

    def _measure(self, selection_set: SelectionSetNode | None, fragments, memo: dict[str, Measure], active: frozenset[str]) -> Measure:
        """Each fragment is measured once (memo), so fragments that spread each other several
        times cost linear time, not exponential; a cycle (invalid anyway) counts as nothing."""
        measure = Measure()
        if selection_set is None:
            return measure
        measure.depth = 1
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                measure.aliases += selection.alias is not None
                if selection.selection_set is None:
                    continue
                inner = self._measure(selection.selection_set, fragments, memo, active)
                size = _page_size(selection)
                if size is None and selection.name.value in _CONNECTIONS:
                    size = DEFAULT_PAGE
                measure.add(Measure(inner.depth, inner.aliases, 1 + inner.cost * (size if size is not None else 1)), deeper=1)
            elif isinstance(selection, InlineFragmentNode):
                measure.add(self._measure(selection.selection_set, fragments, memo, active))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in fragments or name in active:
                    continue
                if name not in memo:
                    memo[name] = self._measure(fragments[name].selection_set, fragments, memo, active | {name})
                measure.add(memo[name])
        return measure


def _shown(cost: int) -> str:
    return str(cost) if cost < 10**12 else f"超过 {10**12}"


# Root connections that page with the default size when no first/last is given.
_CONNECTIONS = {"regions", "agencies", "officers", "entities", "catalogItems", "cases"}

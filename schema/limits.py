"""Limits on what one request may ask for: depth, aliases, cost (grows with first/last), tokens.

Depth, aliases and cost are checked by one validation rule over the whole document (fragments
followed, cycles cut); a page size given through a variable counts as the largest page. Each
refusal carries its own code.
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
    ValidationRule,
)

from schema.relay import DEFAULT_PAGE, MAX_PAGE

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_COST = 10_000
MAX_TOKENS = 3_000


@dataclass
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0


def _page_size(field: FieldNode) -> int | None:
    """first/last of a connection field: a literal, or the largest page for a variable."""
    for arg in field.arguments or ():
        if arg.name.value in ("first", "last"):
            return min(int(arg.value.value), MAX_PAGE) if isinstance(arg.value, IntValueNode) else MAX_PAGE
    return None


class QueryLimits(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
        fragments = {d.name.value: d for d in self.context.document.definitions if isinstance(d, FragmentDefinitionNode)}
        measure = Measure()
        cost = self._walk(node.selection_set, fragments, 1, measure, frozenset())
        checks = (
            (measure.depth > MAX_DEPTH, "QUERY_TOO_DEEP", f"查询嵌套过深（{measure.depth} 层，上限 {MAX_DEPTH} 层）"),
            (measure.aliases > MAX_ALIASES, "TOO_MANY_ALIASES", f"别名过多（{measure.aliases} 个，上限 {MAX_ALIASES} 个）"),
            (cost > MAX_COST, "QUERY_TOO_COSTLY", f"查询代价过高（估算 {cost}，上限 {MAX_COST}；请减小 first/last 或嵌套）"),
        )
        for failed, code, message in checks:
            if failed:
                self.report_error(GraphQLError(message, node, extensions={"code": code}))

    def _walk(self, selection_set: SelectionSetNode | None, fragments, depth: int, measure: Measure, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        measure.depth = max(measure.depth, depth)
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                measure.aliases += selection.alias is not None
                inner = self._walk(selection.selection_set, fragments, depth + 1, measure, seen)
                if selection.selection_set is not None:
                    size = _page_size(selection)
                    cost += 1 + inner * (size if size is not None else 1)
                    if size is None and selection.name.value in _CONNECTIONS:
                        cost += inner * (DEFAULT_PAGE - 1)
            elif isinstance(selection, InlineFragmentNode):
                cost += self._walk(selection.selection_set, fragments, depth, measure, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    cost += self._walk(fragments[name].selection_set, fragments, depth, measure, seen | {name})
        return cost


# Root connections that page with the default size when no first/last is given.
_CONNECTIONS = {"regions", "agencies", "officers", "entities", "catalogItems", "cases"}

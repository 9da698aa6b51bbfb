"""The condition language of discretion tables, parsed and evaluated without `eval`.

Grammar (a subset of Python expression syntax): fact names, numbers, "strings", true/false,
comparisons (== != < <= > >=, chained), `in [..]` / `not in [..]`, and/or/not, parentheses.
Python's parser builds the tree; only the node kinds below are accepted, everything else is
refused, and evaluation walks our own small tree. A fact the case has not recorded is missing:
every comparison with it is false.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Union

MISSING = object()

OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
OP_FUNCS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
LITERAL_NAMES = {"true": True, "false": False}
MAX_LENGTH = 2000


class ConditionError(ValueError):
    pass


@dataclass(frozen=True)
class Fact:
    name: str


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Compare:
    op: str  # a key of OP_FUNCS, or "in" / "not in"
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Logic:
    op: str  # "and" | "or"
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Operand = Union[Fact, Literal]
Node = Union[Fact, Literal, Compare, Logic, Not]


def parse(text: str) -> Node:
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"条件过长（超过 {MAX_LENGTH} 个字符）")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"条件语法错误：{exc.msg}（第 {exc.offset} 个字符附近）") from None
    return _convert(tree.body)


def _convert(node: ast.AST) -> Node:
    if isinstance(node, ast.BoolOp):
        return Logic("and" if isinstance(node.op, ast.And) else "or", tuple(map(_convert, node.values)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_convert(node.operand))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _convert(node.operand)
        if isinstance(inner, Literal) and isinstance(inner.value, Decimal):
            return Literal(-inner.value)
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.Name):
        if node.id in LITERAL_NAMES:
            return Literal(LITERAL_NAMES[node.id])
        return Fact(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        raise ConditionError(f"请用小写 true / false，不能用 {node.value}")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
        value = node.value if isinstance(node.value, str) else Decimal(str(node.value))
        return Literal(value)
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_convert(e) for e in node.elts]
        if not all(isinstance(i, Literal) for i in items):
            raise ConditionError("列表中只能写常量")
        return Literal(tuple(i.value for i in items))
    raise ConditionError(f"条件中不允许使用“{ast.unparse(node)}”")


def _compare(node: ast.Compare) -> Node:
    parts: list[Node] = []
    left = _convert(node.left)
    for op, right_node in zip(node.ops, node.comparators):
        right = _convert(right_node)
        if isinstance(op, (ast.In, ast.NotIn)):
            if not (isinstance(right, Literal) and isinstance(right.value, tuple)):
                raise ConditionError("in / not in 后面必须是用 [ ] 写出的列表")
            parts.append(Compare("in" if isinstance(op, ast.In) else "not in", _operand(left), right))
        elif type(op) in OPS:
            parts.append(Compare(OPS[type(op)], _operand(left), _operand(right)))
        else:
            raise ConditionError(f"不支持的比较运算：{ast.unparse(node)}")
        left = right
    return parts[0] if len(parts) == 1 else Logic("and", tuple(parts))


def _operand(node: Node) -> Operand:
    if not isinstance(node, (Fact, Literal)):
        raise ConditionError("比较的两边只能是事实名称或常量")
    return node


def fact_names(node: Node) -> set[str]:
    if isinstance(node, Fact):
        return {node.name}
    if isinstance(node, Compare):
        return fact_names(node.left) | fact_names(node.right)
    if isinstance(node, Logic):
        return set().union(*map(fact_names, node.parts))
    if isinstance(node, Not):
        return fact_names(node.part)
    return set()


def evaluate(node: Node, facts: dict[str, Any]) -> bool:
    """Evaluate over typed facts (Decimal for numbers and money, bool, str)."""
    if isinstance(node, Logic):
        results = (evaluate(p, facts) for p in node.parts)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not evaluate(node.part, facts)
    if isinstance(node, Compare):
        return _evaluate_compare(node, facts)
    value = _value(node, facts)
    return value is True


def _evaluate_compare(node: Compare, facts: dict[str, Any]) -> bool:
    left, right = _value(node.left, facts), _value(node.right, facts)
    if left is MISSING or right is MISSING:
        return False
    if node.op in ("in", "not in"):
        return (left in right) == (node.op == "in")
    try:
        return bool(OP_FUNCS[node.op](_comparable(left), _comparable(right)))
    except TypeError:
        return False


def _comparable(value: Any) -> Any:
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _value(node: Operand, facts: dict[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    return facts.get(node.name, MISSING)

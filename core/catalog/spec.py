"""What plug-ins contribute: items, discretion tables and checklists as plain, validated data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from zhifa.core.catalog.conditions import Node
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.errors import UserError, raise_if_any
from zhifa.core.money import MoneyError, fen_to_yuan, yuan_to_fen

ITEM_KINDS = ("penalty", "inspection", "coercive")
PENALTY_KINDS = {
    "warning": "警告",
    "circulated_criticism": "通报批评",
    "fine": "罚款",
    "confiscate_illegal_gains": "没收违法所得",
    "confiscate_illegal_property": "没收非法财物",
    "suspend_licence": "暂扣许可证件",
    "lower_qualification": "降低资质等级",
    "revoke_licence": "吊销许可证件",
    "restrict_business": "限制开展生产经营活动",
    "suspend_business": "责令停产停业",
    "order_closure": "责令关闭",
    "restrict_practice": "限制从业",
    "detention": "行政拘留",
    "other": "其他行政处罚",
}
MEASURES = {
    "order_correction": "责令改正",
    "order_stop": "责令停止违法行为",
    "order_demolition": "责令限期拆除",
    "order_restoration": "责令恢复原状",
    "seal_seize": "查封扣押",
    "education": "批评教育",
}
# A tier's outcome: a penalty; no penalty (不予行政处罚); or no penalty but an order that stands, such
# as 责令限期拆除 when the party demolished in time (城乡规划法第六十四条, 水法第六十五条).
OUTCOMES = {"penalty": "行政处罚", "no_penalty": "不予行政处罚", "order_only": "责令改正等措施，不予处罚"}
NO_PENALTY_OUTCOMES = ("no_penalty", "order_only")
FACT_TYPES = ("money", "integer", "decimal", "boolean", "text", "enum", "date")
ENTITY_KINDS = ("legal_person", "individual_business", "natural_person", "other_organisation")
LIMITATIONS = ("2y", "5y")
MAX_TEXT_FACT = 500


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()
    unit: str | None = None


@dataclass(frozen=True)
class FixedFine:
    min_fen: int
    max_fen: int


@dataclass(frozen=True)
class ProportionalFine:
    base: str
    rate_min: Decimal
    rate_max: Decimal
    cap_fen: int | None = None


@dataclass(frozen=True)
class StatutoryBound:
    """One clause of the penalty provision's own fine range (法定罚款幅度), e.g. 食品安全法第一百二十四条:
    goods under 10,000 yuan 50,000–100,000 yuan, otherwise 10–20 times the goods. The first clause
    whose `when` holds applies; the last has none. No reasons justify a fine above it."""

    when: Node | None
    when_text: str | None
    fine: FixedFine | ProportionalFine


@dataclass(frozen=True)
class ItemSpec:
    code: str
    domain: str  # empty: the domain of the plug-in that ships it (plug-ins with one domain)
    name: str
    kind: str
    violated: str
    basis: str
    law_version: dt.date | None
    penalty_kinds: tuple[str, ...]
    measures: tuple[str, ...]
    delegable: bool
    effective_from: dt.date
    major_fine_fen: int | None
    major_kinds: tuple[str, ...]
    limitation: str
    facts: tuple[FactSpec, ...]
    bounds: tuple[StatutoryBound, ...] = ()  # empty: no fine (or a version stored before bounds)
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def fact(self, name: str) -> FactSpec | None:
        return next((f for f in self.facts if f.name == name), None)


@dataclass(frozen=True)
class TierSpec:
    code: str
    name: str
    when: Node | None
    when_text: str | None
    outcome: str
    first_violation: bool
    fine: FixedFine | ProportionalFine | None
    other_penalties: tuple[str, ...]
    major: bool
    reasons: str
    measures: tuple[str, ...] = ()  # the orders (MEASURES) that stand; required for "order_only"


@dataclass(frozen=True)
class FactorSpec:
    code: str
    name: str
    effect: str
    when: Node
    when_text: str
    basis: str


@dataclass(frozen=True)
class TableSpec:
    item: str
    issuer: str
    effective_from: dt.date | None
    band: Decimal
    tiers: tuple[TierSpec, ...]
    factors: tuple[FactorSpec, ...]
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class PointSpec:
    code: str
    text: str
    basis: str
    item: str


@dataclass(frozen=True)
class ChecklistSpec:
    code: str
    name: str
    applies_to: tuple[str, ...]
    industries: tuple[str, ...]
    points: tuple[PointSpec, ...]
    domain: str = ""
    source: str = ""

    def meant_for(self, entity_kind: str | None = None, industries: Iterable[str] | None = None) -> bool:
        """Whether the checklist is meant for an entity of this kind with one of these industry tags.
        An empty `applies_to` or `industries` sets no limit: every kind, every industry (and so an
        entity without tags). `None` asks nothing about that side. The one rule for every caller."""
        kind_fits = entity_kind is None or not self.applies_to or entity_kind in self.applies_to
        industry_fits = industries is None or not self.industries or bool(set(industries) & set(self.industries))
        return kind_fits and industry_fits


def normalise_facts(code: str, facts: tuple[FactSpec, ...], raw: dict[str, Any] | None) -> dict[str, Any]:
    """Check a case's facts against the item's typed facts; return the JSON-safe stored form."""
    raw = raw or {}
    errors: list[UserError] = []
    stored: dict[str, Any] = {}
    for name in sorted(raw.keys() - {f.name for f in facts}):
        errors.append(UserError(CatalogErrorCode.FACT_UNKNOWN, f"事项 {code} 没有名为“{name}”的事实", f"facts.{name}"))
    for spec in facts:
        value = raw.get(spec.name)
        if value is None:
            if spec.required:
                errors.append(UserError(CatalogErrorCode.FACT_REQUIRED, f"缺少必填事实“{spec.label}”", f"facts.{spec.name}"))
            continue
        try:
            stored[spec.name] = _store_fact(spec, value)
        except ValueError as exc:
            errors.append(UserError(CatalogErrorCode.FACT_INVALID, f"事实“{spec.label}”的值无效：{exc}", f"facts.{spec.name}"))
    raise_if_any(errors)
    return stored


def typed_facts(facts: tuple[FactSpec, ...], stored: dict[str, Any]) -> dict[str, Any]:
    """Stored facts as the condition language compares them: numbers as Decimal, money in yuan."""
    typed: dict[str, Any] = {}
    for spec in facts:
        if spec.name in stored:
            value = stored[spec.name]
            typed[spec.name] = Decimal(value) if spec.type in ("money", "decimal", "integer") else value
    return typed


def _store_fact(spec: FactSpec, value: Any) -> Any:
    kind = spec.type
    if kind == "money":
        try:
            fen = yuan_to_fen(value)
        except MoneyError as exc:
            raise ValueError(str(exc)) from None
        if fen < 0:
            raise ValueError("金额不能为负")
        return str(fen_to_yuan(fen))
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("应为整数")
        return value
    if kind == "decimal":
        return str(_decimal(value))
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("应为 true 或 false")
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError("应为 YYYY-MM-DD 格式的日期") from None
    if not isinstance(value, str):
        raise ValueError("应为文字")
    if kind == "enum" and value not in spec.choices:
        raise ValueError(f"应为以下之一：{'、'.join(spec.choices)}")
    if len(value) > MAX_TEXT_FACT:
        raise ValueError(f"不能超过 {MAX_TEXT_FACT} 个字符")
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("应为数字")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("应为数字") from None
    if not number.is_finite():
        raise ValueError("应为有限的数字")
    return number

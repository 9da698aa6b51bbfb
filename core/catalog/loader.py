"""The one loader for plug-in data files (docs/plugin-data-format.md).

Reads TOML into specs and reports every problem at once, each naming the file, the entry and the
key. `parse_*_dict` are also used to read back the JSON copies stored on item versions.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from zhifa.core.catalog import conditions
from zhifa.core.catalog.spec import (
    ENTITY_KINDS,
    FACT_TYPES,
    ITEM_KINDS,
    LIMITATIONS,
    MEASURES,
    OUTCOMES,
    PENALTY_KINDS,
    ChecklistSpec,
    FactorSpec,
    FactSpec,
    FixedFine,
    ItemSpec,
    PointSpec,
    ProportionalFine,
    StatutoryBound,
    TableSpec,
    TierSpec,
)
from zhifa.core.money import MoneyError, yuan_to_fen

CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,39}$")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
EFFECTS = ("mitigating", "aggravating")


class DataFileError(Exception):
    """Invalid plug-in data: every problem found, each with its place."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Problems:
    found: list[str]

    def add(self, where: str, message: str) -> None:
        self.found.append(f"{where}: {message}")


class Entry:
    """Typed access to one TOML table that records, rather than raises, what is wrong."""

    def __init__(self, data: Any, where: str, problems: Problems, allowed: Iterable[str]):
        self.where, self.problems = where, problems
        self.data = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            problems.add(where, "应为一个表（[[...]]）")
        for key in self.data.keys() - set(allowed):
            problems.add(f"{where}.{key}", "未知的键（拼写错误？）")

    def _get(self, key: str, required: bool, check: Callable[[Any], Any], expected: str, default: Any = None) -> Any:
        if key not in self.data:
            if required:
                self.problems.add(f"{self.where}.{key}", "缺少必填项")
            return default
        try:
            return check(self.data[key])
        except (ValueError, TypeError, InvalidOperation, MoneyError) as exc:
            detail = f"（{exc}）" if str(exc) else ""
            self.problems.add(f"{self.where}.{key}", f"应为{expected}，实际为 {self.data[key]!r}{detail}")
            return default

    def text(self, key: str, required: bool = True, pattern: re.Pattern[str] | None = None) -> str:
        def check(v: Any) -> str:
            if not isinstance(v, str) or not v.strip() or (pattern and not pattern.match(v)):
                raise ValueError()
            return v.strip()

        expected = f"符合 {pattern.pattern} 的文字" if pattern else "非空文字"
        return self._get(key, required, check, expected, "")

    def choice(self, key: str, allowed: Iterable[str], required: bool = True, default: str = "") -> str:
        allowed = tuple(allowed)

        def check(v: Any) -> str:
            if v not in allowed:
                raise ValueError()
            return v

        return self._get(key, required, check, "以下之一：" + "、".join(allowed), default)

    def choices(self, key: str, allowed: Iterable[str]) -> tuple[str, ...]:
        allowed = tuple(allowed)

        def check(v: Any) -> tuple[str, ...]:
            if not isinstance(v, list) or any(x not in allowed for x in v):
                raise ValueError()
            return tuple(v)

        return self._get(key, False, check, "列表，元素取自：" + "、".join(allowed), ())

    def texts(self, key: str) -> tuple[str, ...]:
        def check(v: Any) -> tuple[str, ...]:
            if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
                raise ValueError()
            return tuple(v)

        return self._get(key, False, check, "文字列表", ())

    def flag(self, key: str, default: bool = False) -> bool:
        def check(v: Any) -> bool:
            if not isinstance(v, bool):
                raise ValueError()
            return v

        return self._get(key, False, check, "true 或 false", default)

    def date(self, key: str, required: bool = True) -> dt.date | None:
        def check(v: Any) -> dt.date:
            if isinstance(v, dt.datetime) or not isinstance(v, (dt.date, str)):
                raise ValueError()
            return v if isinstance(v, dt.date) else dt.date.fromisoformat(v)

        return self._get(key, required, check, "日期（如 2021-07-15）")

    def money(self, key: str, required: bool = False) -> int | None:
        def check(v: Any) -> int:
            fen = yuan_to_fen(v)
            if fen < 0:
                raise ValueError("不能为负")
            return fen

        return self._get(key, required, check, "以元为单位的非负金额（整数或小数字符串）")

    def rate(self, key: str, required: bool = False, default: Decimal | None = None) -> Decimal | None:
        def check(v: Any) -> Decimal:
            if not isinstance(v, str):
                raise ValueError("比例和倍数请写成字符串，如 \"0.05\"")
            number = Decimal(v)
            if not number.is_finite() or number < 0:
                raise ValueError()
            return number

        return self._get(key, required, check, "非负小数字符串", default)

    def condition(self, key: str, required: bool = False) -> tuple[conditions.Node | None, str | None]:
        text = self.text(key, required=required)
        if not text:
            return None, None
        try:
            return conditions.parse(text), text
        except conditions.ConditionError as exc:
            self.problems.add(f"{self.where}.{key}", str(exc))
            return None, text

    def entries(self, key: str, label: str, allowed: Iterable[str]) -> list[Entry]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.problems.add(f"{self.where}.{key}", f"应写成 [[{label}]] 表数组")
            return []
        return [Entry(v, f"{self.where}.{key}[{i}]", self.problems, allowed) for i, v in enumerate(value)]


ITEM_KEYS = (
    "code domain name kind violated basis law_version penalty_kinds measures delegable effective_from"
    " major_fine major_kinds limitation facts bound"
).split()
FINE_KEYS = "fine_min fine_max fine_base fine_rate_min fine_rate_max fine_cap".split()
BOUND_KEYS = ["when", *FINE_KEYS]
FACT_KEYS = "name type label required choices unit".split()
TABLE_KEYS = "item issuer effective_from band tier factor".split()
TIER_KEYS = (
    "code name when outcome first_violation fine_min fine_max fine_base fine_rate_min fine_rate_max"
    " fine_cap other_penalties major reasons measures"
).split()
FACTOR_KEYS = "code name effect when basis".split()
CHECKLIST_KEYS = "code name applies_to industries point".split()
POINT_KEYS = "code text basis item".split()


def read_toml(path: Path, problems: Problems) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.add(str(path), "文件不存在")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.add(str(path), f"不是有效的 TOML：{exc}")
    return {}


def _top(document: dict[str, Any], key: str, where: str, problems: Problems, allowed: Iterable[str]) -> list[Entry]:
    for extra in document.keys() - {key}:
        problems.add(f"{where}: {extra}", f"未知的顶层键，应只有 [[{key}]]")
    value = document.get(key, [])
    if not isinstance(value, list):
        problems.add(f"{where}: {key}", f"应写成 [[{key}]] 表数组")
        return []
    return [Entry(v, f"{where}: {key}[{i}]", problems, allowed) for i, v in enumerate(value)]


def _label(entry: Entry) -> str:
    code = entry.data.get("code") or entry.data.get("item")
    return f"{entry.where} ({code})" if isinstance(code, str) else entry.where


def parse_items(document: dict[str, Any], where: str, problems: Problems) -> list[ItemSpec]:
    return [_item(e, problems) for e in _top(document, "item", where, problems, ITEM_KEYS)]


def _item(e: Entry, problems: Problems) -> ItemSpec:
    e.where = _label(e)
    kind = e.choice("kind", ITEM_KINDS)
    penalty_kinds = e.choices("penalty_kinds", PENALTY_KINDS)
    if kind == "penalty" and not penalty_kinds:
        problems.add(f"{e.where}.penalty_kinds", "处罚类事项至少要有一种处罚种类")
    facts = tuple(_fact(f) for f in e.entries("facts", "item.facts", FACT_KEYS))
    names = [f.name for f in facts]
    for name in {n for n in names if names.count(n) > 1}:
        problems.add(f"{e.where}.facts", f"事实“{name}”重复定义")
    bounds = _bounds(e, facts, "fine" in penalty_kinds)
    return ItemSpec(
        code=e.text("code", pattern=CODE),
        domain=e.text("domain", required=False, pattern=IDENTIFIER),
        name=e.text("name"),
        kind=kind,
        violated=e.text("violated"),
        basis=e.text("basis"),
        law_version=e.date("law_version", required=False),
        penalty_kinds=penalty_kinds,
        measures=e.choices("measures", MEASURES),
        delegable=e.flag("delegable"),
        effective_from=e.date("effective_from"),
        major_fine_fen=e.money("major_fine"),
        major_kinds=e.choices("major_kinds", PENALTY_KINDS),
        limitation=e.choice("limitation", LIMITATIONS, required=False, default="2y"),
        facts=facts,
        bounds=bounds,
        source=e.where,
        raw=_jsonable(e.data),
    )


def _fact(e: Entry) -> FactSpec:
    kind = e.choice("type", FACT_TYPES)
    choices = e.texts("choices")
    if kind == "enum" and not choices:
        e.problems.add(f"{e.where}.choices", "枚举型事实必须列出可选值")
    return FactSpec(
        name=e.text("name", pattern=IDENTIFIER),
        type=kind,
        label=e.text("label"),
        required=e.flag("required"),
        choices=choices,
        unit=e.text("unit", required=False) or None,
    )


def parse_facts(raw: list[dict[str, Any]], where: str = "facts") -> tuple[FactSpec, ...]:
    """Read back the facts stored on an item version (validated when loaded)."""
    problems = Problems([])
    facts = tuple(_fact(Entry(f, f"{where}[{i}]", problems, FACT_KEYS)) for i, f in enumerate(raw))
    if problems.found:
        raise DataFileError(problems.found)
    return facts


def _bounds(e: Entry, facts: tuple[FactSpec, ...], fined: bool) -> tuple[StatutoryBound, ...]:
    """The penalty provision's fine range, clause by clause (`[[item.bound]]`); required exactly
    when the item can fine, so that no proposal or decision can pass the statute's maximum."""
    entries = e.entries("bound", "item.bound", BOUND_KEYS)
    if fined and not entries:
        e.problems.add(f"{e.where}.bound", "可处罚款的事项须写明处罚依据规定的法定罚款幅度（[[item.bound]]）")
    if entries and not fined:
        e.problems.add(f"{e.where}.bound", "处罚种类中没有罚款，不能有法定罚款幅度")
    bounds = tuple(_bound(b, facts) for b in entries)
    if bounds and bounds[-1].when is not None:
        e.problems.add(f"{e.where}.bound", "最后一条法定罚款幅度不能有 when：其他情形都适用它")
    return bounds


def _bound(e: Entry, facts: tuple[FactSpec, ...]) -> StatutoryBound:
    when, when_text = e.condition("when")
    declared = {f.name for f in facts}
    for name in sorted(conditions.fact_names(when) - declared) if when else ():
        e.problems.add(f"{e.where}.when", f"“{name}”不是本事项的事实")
    fine = _fine(e)
    if fine is None:
        e.problems.add(e.where, "法定罚款幅度须写明 fine_min/fine_max 或 fine_base/fine_rate_*（不得罚款的情形写 fine_max = 0）")
    if isinstance(fine, ProportionalFine) and fine.base not in {f.name for f in facts if f.type == "money"}:
        e.problems.add(f"{e.where}.fine_base", f"“{fine.base}”不是本事项的金额型事实")
    return StatutoryBound(when, when_text, fine or FixedFine(0, 0))


def parse_bounds(raw: list[dict[str, Any]], facts: tuple[FactSpec, ...], where: str = "bound") -> tuple[StatutoryBound, ...]:
    """Read back the bounds stored on an item version (validated when loaded)."""
    problems = Problems([])
    entry = Entry({"bound": raw}, where, problems, ["bound"])
    bounds = tuple(_bound(b, facts) for b in entry.entries("bound", "item.bound", BOUND_KEYS))
    if problems.found:
        raise DataFileError(problems.found)
    return bounds


def parse_tables(document: dict[str, Any], where: str, problems: Problems) -> list[TableSpec]:
    return [_table(e) for e in _top(document, "table", where, problems, TABLE_KEYS)]


def parse_table_dict(raw: dict[str, Any], where: str = "discretion") -> TableSpec:
    """Read back a stored table; it was validated when loaded, so any problem is a bug."""
    problems = Problems([])
    table = _table(Entry(raw, where, problems, TABLE_KEYS))
    if problems.found:
        raise DataFileError(problems.found)
    return table


def _table(e: Entry) -> TableSpec:
    e.where = _label(e)
    band = e.rate("band", default=Decimal("0.3"))
    if band is not None and not Decimal(0) < band <= Decimal("0.5"):
        e.problems.add(f"{e.where}.band", "应在 0 与 0.5 之间")
    tiers = tuple(_tier(t) for t in e.entries("tier", "table.tier", TIER_KEYS))
    if not tiers:
        e.problems.add(f"{e.where}.tier", "至少要有一个裁量档次")
    codes = [t.code for t in tiers]
    for code in {c for c in codes if codes.count(c) > 1}:
        e.problems.add(f"{e.where}.tier", f"档次代码“{code}”重复")
    return TableSpec(
        item=e.text("item", pattern=CODE),
        issuer=e.text("issuer"),
        effective_from=e.date("effective_from", required=False),
        band=band or Decimal("0.3"),
        tiers=tiers,
        factors=tuple(_factor(f) for f in e.entries("factor", "table.factor", FACTOR_KEYS)),
        source=e.where,
        raw=_jsonable(e.data),
    )


def _tier(e: Entry) -> TierSpec:
    e.where = _label(e)
    when, when_text = e.condition("when")
    outcome = e.choice("outcome", OUTCOMES)
    fine = _fine(e)
    measures = e.choices("measures", MEASURES)
    if outcome != "penalty" and (fine or e.data.get("other_penalties")):
        e.problems.add(e.where, "不予处罚的档次不能有罚款或其他处罚")
    if outcome == "order_only" and not measures:
        e.problems.add(f"{e.where}.measures", "“责令改正等措施，不予处罚”的档次须列出维持的措施（如 order_demolition）")
    return TierSpec(
        code=e.text("code", pattern=IDENTIFIER),
        name=e.text("name"),
        when=when,
        when_text=when_text,
        outcome=outcome,
        first_violation=e.flag("first_violation"),
        fine=fine,
        other_penalties=e.choices("other_penalties", PENALTY_KINDS),
        major=e.flag("major"),
        reasons=e.text("reasons"),
        measures=measures,
    )


def _fine(e: Entry) -> FixedFine | ProportionalFine | None:
    fixed = {"fine_min", "fine_max"} & e.data.keys()
    proportional = {"fine_base", "fine_rate_min", "fine_rate_max", "fine_cap"} & e.data.keys()
    if fixed and proportional:
        e.problems.add(e.where, "固定罚款（fine_min/fine_max）与按比例罚款（fine_base/fine_rate_*）只能二选一")
        return None
    if fixed:
        low, high = e.money("fine_min") or 0, e.money("fine_max", required=True)
        if high is not None and low > high:
            e.problems.add(f"{e.where}.fine_min", "不能大于 fine_max")
        return FixedFine(low, high or 0)
    if proportional:
        base = e.text("fine_base", pattern=IDENTIFIER)
        low, high = e.rate("fine_rate_min", required=True), e.rate("fine_rate_max", required=True)
        if low is not None and high is not None and low > high:
            e.problems.add(f"{e.where}.fine_rate_min", "不能大于 fine_rate_max")
        return ProportionalFine(base, low or Decimal(0), high or Decimal(0), e.money("fine_cap"))
    return None


def _factor(e: Entry) -> FactorSpec:
    e.where = _label(e)
    when, when_text = e.condition("when", required=True)
    return FactorSpec(
        code=e.text("code", pattern=IDENTIFIER),
        name=e.text("name"),
        effect=e.choice("effect", EFFECTS),
        when=when,
        when_text=when_text or "",
        basis=e.text("basis", required=False),
    )


def parse_checklists(document: dict[str, Any], where: str, problems: Problems) -> list[ChecklistSpec]:
    return [_checklist(e) for e in _top(document, "checklist", where, problems, CHECKLIST_KEYS)]


def _checklist(e: Entry) -> ChecklistSpec:
    e.where = _label(e)
    points = []
    for p in e.entries("point", "checklist.point", POINT_KEYS):
        p.where = _label(p)
        points.append(PointSpec(p.text("code", pattern=CODE), p.text("text"), p.text("basis"), p.text("item", pattern=CODE)))
    if not points:
        e.problems.add(f"{e.where}.point", "检查清单至少要有一个检查要点")
    return ChecklistSpec(
        code=e.text("code", pattern=CODE),
        name=e.text("name"),
        applies_to=e.choices("applies_to", ENTITY_KINDS),
        industries=e.texts("industries"),
        points=tuple(points),
        source=e.where,
    )


def _jsonable(value: Any) -> Any:
    """TOML values as JSON: dates become ISO text (what the stored copy on an item version holds)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value

"""The case-file review rubric (案卷评查标准) as data, and the scoring of a review. Pure functions.

No national standard exists (REFERENCE §7): sector and provincial rubrics share one shape, which
this module models.
- Categories (主体, 事实证据, 程序, 适用法律, 裁量, 文书, 归档), each worth a number of points; the
  points add up to 100 and the deductions within a category never take more than its points.
- Items with a code, a title, a category, a basis (the source) and a kind:
  `ordinary` deducts 0 … its maximum; `veto` (基本要素/否决项: unlawful body, unqualified officers,
  fewer than two officers, insufficient evidence, wrong law, unlawful procedure …) makes the file
  不合格卷 with 0 points whenever it is found; `bars_excellent` deducts like an ordinary item and
  bars the 优秀 grade (一票否决: no agency seal, wrong party …).
- Grade lines (excellent / good / pass), which vary by region and are therefore data.

Deductions are in points out of 100 in steps of 0.5. `core/supervision/rubric.toml` is the
default; a deployment names its own file in ZHIFA_REVIEW_RUBRIC_FILE. Every problem in a rubric
file is a UserError RUBRIC_INVALID naming the file and the key.
"""

from __future__ import annotations

import enum
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from zhifa.core.errors import UserError, raise_if_any
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import ReviewGrade

DEFAULT_RUBRIC_FILE = Path(__file__).with_name("rubric.toml")
TOTAL = Decimal(100)
STEP = Decimal("0.5")


class ItemKind(enum.Enum):
    ORDINARY = "ordinary"
    VETO = "veto"
    BARS_EXCELLENT = "bars_excellent"


ITEM_KIND_LABELS = {ItemKind.ORDINARY: "扣分项", ItemKind.VETO: "否决项（不合格卷）", ItemKind.BARS_EXCELLENT: "一票否决优秀项"}


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    points: Decimal
    description: str = ""


@dataclass(frozen=True)
class Item:
    code: str
    category: str
    title: str
    kind: ItemKind
    max_deduction: Decimal  # 0 for veto items: a veto is not a deduction
    basis: str


@dataclass(frozen=True)
class GradeLines:
    excellent: Decimal
    good: Decimal
    passing: Decimal


@dataclass(frozen=True)
class Rubric:
    name: str
    version: str
    grades: GradeLines
    categories: tuple[Category, ...]
    items: tuple[Item, ...]

    @functools.cached_property
    def by_code(self) -> dict[str, Item]:
        return {i.code: i for i in self.items}

    def to_json(self) -> dict[str, Any]:
        """The canonical plain form (frozen with a sample); `from_mapping` reads it back."""
        return {
            "name": self.name,
            "version": self.version,
            "grades": {"excellent": str(self.grades.excellent), "good": str(self.grades.good), "pass": str(self.grades.passing)},
            "categories": [{"code": c.code, "name": c.name, "points": str(c.points), "description": c.description} for c in self.categories],
            "items": [
                {"code": i.code, "category": i.category, "title": i.title, "kind": i.kind.value, "basis": i.basis}
                | ({} if i.kind is ItemKind.VETO else {"max_deduction": str(i.max_deduction)})
                for i in self.items
            ],
        }


# --- loading ------------------------------------------------------------------------------------

TOP_KEYS = {"name": True, "version": False, "grades": True, "categories": True, "items": True}
GRADE_KEYS = {"excellent": True, "good": True, "pass": True}
CATEGORY_KEYS = {"code": True, "name": True, "points": True, "description": False}
ITEM_KEYS = {"code": True, "category": True, "title": True, "kind": True, "basis": True, "max_deduction": False}


class _Reader:
    """Collects every problem of one rubric source, each naming the source and the key."""

    def __init__(self, source: str):
        self.source, self.errors = source, []

    def fail(self, key: str, problem: str) -> None:
        self.errors.append(UserError(SupervisionErrorCode.RUBRIC_INVALID, f"评查标准 {self.source}：{key} {problem}", key))

    def table(self, value: Any, key: str, known: dict[str, bool]) -> dict[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(key, "应为表（键值对）")
            return None
        for name in value:
            if name not in known:
                self.fail(f"{key}.{name}" if key else name, f"是未知的键（可用：{'、'.join(known)}）")
        for name, required in known.items():
            if required and name not in value:
                self.fail(f"{key}.{name}" if key else name, "缺失")
        return dict(value)

    def text(self, value: Any, key: str, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(key, "应为非空文字")
            return ""
        return value.strip()

    def points(self, value: Any, key: str, positive: bool = True) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(key, "应为分值（数字）")
            return Decimal(0)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(key, f"的取值 {value!r} 不是数字")
            return Decimal(0)
        if not number.is_finite() or number % STEP != 0:
            self.fail(key, f"的取值 {value} 应为 0.5 的整数倍")
        elif positive and number <= 0:
            self.fail(key, f"的取值 {value} 应大于 0")
        elif number < 0 or number > TOTAL:
            self.fail(key, f"的取值 {value} 应在 0 至 100 之间")
        return number


def from_mapping(data: Any, source: str) -> Rubric:
    """Validate a rubric given as plain data (a parsed TOML file or a frozen JSON copy)."""
    r = _Reader(source)
    top = r.table(data, "", TOP_KEYS)
    if top is None:
        raise_if_any(r.errors)
    name, version = r.text(top.get("name"), "name"), r.text(top.get("version"), "version", required=False)
    grades = _grades(r, top.get("grades", {}))
    categories = _categories(r, top.get("categories", []))
    items = _items(r, top.get("items", []), {c.code: c for c in categories})
    raise_if_any(r.errors)
    return Rubric(name=name, version=version, grades=grades, categories=tuple(categories), items=tuple(items))


def _grades(r: _Reader, value: Any) -> GradeLines:
    table = r.table(value, "grades", GRADE_KEYS) or {}
    lines = {k: r.points(table[k], f"grades.{k}") for k in GRADE_KEYS if k in table}
    if len(lines) == 3 and not TOTAL >= lines["excellent"] > lines["good"] > lines["pass"] > 0:
        r.fail("grades", "的分数线应满足 100 ≥ excellent > good > pass > 0")
    return GradeLines(lines.get("excellent", TOTAL), lines.get("good", TOTAL), lines.get("pass", TOTAL))


def _categories(r: _Reader, value: Any) -> list[Category]:
    if not isinstance(value, list) or not value:
        r.fail("categories", "应为非空的表数组（[[categories]]）")
        return []
    found: list[Category] = []
    for n, raw in enumerate(value, 1):
        key = f"categories[{n}]"
        table = r.table(raw, key, CATEGORY_KEYS)
        if table is None:
            continue
        code = r.text(table.get("code"), f"{key}.code")
        if code and code in {c.code for c in found}:
            r.fail(f"{key}.code", f"重复：类别代码 {code} 已定义")
        found.append(Category(code, r.text(table.get("name"), f"{key}.name"), r.points(table.get("points"), f"{key}.points"),
                              r.text(table.get("description"), f"{key}.description", required=False)))
    total = sum((c.points for c in found), Decimal(0))
    if total != TOTAL:
        r.fail("categories", f"各类别分值之和为 {total}，应为 100")
    return found


def _items(r: _Reader, value: Any, categories: dict[str, Category]) -> list[Item]:
    if not isinstance(value, list) or not value:
        r.fail("items", "应为非空的表数组（[[items]]）")
        return []
    found: dict[str, Item] = {}
    for n, raw in enumerate(value, 1):
        key = f"items[{n}]"
        table = r.table(raw, key, ITEM_KEYS)
        if table is None:
            continue
        code = r.text(table.get("code"), f"{key}.code")
        if code and code in found:
            r.fail(f"{key}.code", f"重复：评查项目代码 {code} 已定义")
        elif len(code) > 20:
            r.fail(f"{key}.code", "不得超过 20 个字符")
        category = r.text(table.get("category"), f"{key}.category")
        if category and category not in categories:
            r.fail(f"{key}.category", f"{category} 不是已定义的类别（{'、'.join(categories)}）")
        try:
            kind = ItemKind(table.get("kind"))
        except ValueError:
            r.fail(f"{key}.kind", f"应为 {'、'.join(k.value for k in ItemKind)} 之一")
            kind = ItemKind.ORDINARY
        maximum = Decimal(0)
        if kind is ItemKind.VETO:
            if "max_deduction" in table:
                r.fail(f"{key}.max_deduction", "不适用于否决项（发现即为不合格卷，计 0 分）")
        elif "max_deduction" not in table:
            r.fail(f"{key}.max_deduction", "缺失（扣分项须有最高扣分）")
        else:
            maximum = r.points(table["max_deduction"], f"{key}.max_deduction")
            if category in categories and maximum > categories[category].points:
                r.fail(f"{key}.max_deduction", f"{maximum} 超过所属类别 {category} 的分值 {categories[category].points}")
        found[code] = Item(code, category, r.text(table.get("title"), f"{key}.title"), kind, maximum, r.text(table.get("basis"), f"{key}.basis"))
    for category in categories:
        if not any(i.category == category for i in found.values()):
            r.fail("items", f"类别 {category} 没有评查项目")
    return list(found.values())


def load_rubric(path: Path) -> Rubric:
    """Read and validate a rubric file; every problem is a RUBRIC_INVALID naming the file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(SupervisionErrorCode.RUBRIC_INVALID, f"评查标准文件 {path} 无法读取：{exc.strerror or exc}", "file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(SupervisionErrorCode.RUBRIC_INVALID, f"评查标准文件 {path} 不是有效的 UTF-8 TOML：{exc}", "file") from None
    return from_mapping(data, str(path))


@functools.cache
def rubric_in_force(path: Path | None) -> Rubric:
    """The rubric of a deployment: its file, or the shipped default. Read once per process."""
    return load_rubric(path or DEFAULT_RUBRIC_FILE)


# --- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    item_code: str
    deduction: Decimal
    note: str = ""


@dataclass(frozen=True)
class CategoryScore:
    code: str
    name: str
    points: Decimal
    deducted: Decimal  # capped at the category's points
    score: Decimal


@dataclass(frozen=True)
class Score:
    total: Decimal
    grade: ReviewGrade
    vetoed: bool
    excellent_barred: bool
    categories: tuple[CategoryScore, ...]


def check_findings(rubric: Rubric, findings: Iterable[Finding]) -> list[Finding]:
    """Findings against known items, each once, each within its item's maximum in 0.5 steps."""
    findings, errors, seen = list(findings), [], set()
    for n, f in enumerate(findings):
        field = f"findings[{n}]"
        item = rubric.by_code.get(f.item_code)
        if item is None:
            errors.append(UserError(SupervisionErrorCode.FINDING_ITEM_UNKNOWN, f"评查标准“{rubric.name}”中没有项目 {f.item_code}", f"{field}.itemCode"))
            continue
        if f.item_code in seen:
            errors.append(UserError(SupervisionErrorCode.FINDING_DUPLICATE, f"项目 {f.item_code} 重复记录，请合并为一条", f"{field}.itemCode"))
        seen.add(f.item_code)
        if not f.deduction.is_finite() or f.deduction < 0 or f.deduction % STEP != 0:
            errors.append(UserError(SupervisionErrorCode.FINDING_DEDUCTION_INVALID, f"项目 {f.item_code} 的扣分 {_text(f.deduction)} 应为不小于 0 的 0.5 的整数倍", f"{field}.deduction"))
        elif item.kind is ItemKind.VETO and f.deduction != 0:
            errors.append(UserError(SupervisionErrorCode.FINDING_DEDUCTION_INVALID, f"项目 {f.item_code} 是否决项：发现即为不合格卷（计 0 分），扣分应填 0", f"{field}.deduction"))
        elif f.deduction > item.max_deduction:
            errors.append(UserError(SupervisionErrorCode.FINDING_DEDUCTION_INVALID, f"项目 {f.item_code} 最多扣 {_text(item.max_deduction)} 分，不能扣 {_text(f.deduction)} 分", f"{field}.deduction"))
    raise_if_any(errors)
    return findings


def _text(points: Decimal) -> str:
    return format(points.normalize(), "f") if points.is_finite() else str(points)


def grade_for(lines: GradeLines, total: Decimal, *, vetoed: bool = False, excellent_barred: bool = False) -> ReviewGrade:
    if vetoed or total < lines.passing:
        return ReviewGrade.FAIL
    if total >= lines.excellent and not excellent_barred:
        return ReviewGrade.EXCELLENT
    if total >= lines.good:
        return ReviewGrade.GOOD
    return ReviewGrade.PASS


def score(rubric: Rubric, findings: Iterable[Finding]) -> Score:
    """100 minus the deductions (each category losing at most its points), 0 and 不合格 when a
    veto item is found; a bars-excellent item caps the grade at 良好."""
    findings = check_findings(rubric, findings)
    items = [(rubric.by_code[f.item_code], f) for f in findings]
    vetoed = any(i.kind is ItemKind.VETO for i, _ in items)
    barred = any(i.kind is ItemKind.BARS_EXCELLENT for i, _ in items)
    per_category = []
    for c in rubric.categories:
        deducted = min(c.points, sum((f.deduction for i, f in items if i.category == c.code), Decimal(0)))
        per_category.append(CategoryScore(c.code, c.name, c.points, deducted, c.points - deducted))
    total = Decimal(0) if vetoed else max(Decimal(0), sum((c.score for c in per_category), Decimal(0)))
    return Score(total, grade_for(rubric.grades, total, vetoed=vetoed, excellent_barred=barred), vetoed, barred, tuple(per_category))


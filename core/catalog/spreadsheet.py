"""Catalog data as an Excel workbook: exported for the domain departments, imported back to TOML.

The workbook holds the three plug-in data files (docs/plugin-data-format.md) as five sheets, one
row per entry. Import rebuilds the TOML documents and validates them with the same loader and
registry checks that run at start-up, so a workbook that imports cleanly also loads cleanly; every
problem is reported against the sheet, the row number Excel shows and the column.

Each header reads "中文名 key", where key is the TOML path inside the top-level entry
("name", "facts.type", "tier.fine_min"); import finds columns by that key, so columns may be
reordered and extra (note) columns are ignored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import tomli_w
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhifa.core.catalog.loader import Problems, parse_checklists, parse_items, parse_tables
from zhifa.core.catalog.registry import Catalog, table_problems
from zhifa.core.catalog.spec import ChecklistSpec, ItemSpec, TableSpec

# --- the workbook layout ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # TOML path inside the top-level entry; see `toml`
    label: str
    kind: str = "text"  # text | list | bool | date | money | rate | number
    width: int = 14
    toml: bool = True  # False: a workbook-only column (links, domain, order), not a TOML key

    @property
    def header(self) -> str:
        return f"{self.label} {self.key}"


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


ITEMS = Sheet("执法事项", (
    Column("code", "编码", width=10),
    Column("domain", "领域", width=13, toml=False),  # the plug-in folder decides the domain
    Column("name", "名称", width=40),
    Column("kind", "类别", width=11),
    Column("violated", "违法条款", width=36),
    Column("basis", "处罚依据", width=36),
    Column("law_version", "法律版本日期", "date", 13),
    Column("penalty_kinds", "处罚种类", "list", 30),
    Column("measures", "措施", "list", 30),
    Column("delegable", "可赋权乡镇", "bool", 11),
    Column("effective_from", "生效日期", "date", 13),
    Column("major_fine", "重大罚款额（元）", "money", 15),
    Column("major_kinds", "重大处罚种类", "list", 24),
    Column("limitation", "时效", width=8),
))
FACTS = Sheet("事实", (
    Column("item", "事项编码", width=10, toml=False),
    Column("facts.name", "名称", width=26),
    Column("facts.type", "类型", width=10),
    Column("facts.label", "标签", width=40),
    Column("facts.required", "必填", "bool", 8),
    Column("facts.choices", "可选值", "list", 30),
    Column("facts.unit", "单位", width=10),
))
BOUNDS = Sheet("法定罚款幅度", (
    Column("item", "事项编码", width=10, toml=False),
    Column("bound.order", "顺序", "number", 7, toml=False),  # the order clauses are tried in
    Column("bound.when", "适用条件", width=40),
    Column("bound.fine_min", "罚款下限（元）", "money", 13),
    Column("bound.fine_max", "罚款上限（元）", "money", 13),
    Column("bound.fine_base", "罚款基数事实", width=18),
    Column("bound.fine_rate_min", "罚款比例下限", "rate", 12),
    Column("bound.fine_rate_max", "罚款比例上限", "rate", 12),
    Column("bound.fine_cap", "罚款封顶（元）", "money", 13),
))
TIERS = Sheet("裁量档次", (
    Column("item", "事项编码", width=10),
    Column("issuer", "发布机关", width=24),
    Column("effective_from", "基准生效日期", "date", 13),
    Column("band", "从轻从重幅度", "rate", 12),
    Column("tier.order", "档次顺序", "number", 9, toml=False),  # the order tiers are tried in
    Column("tier.code", "档次编码", width=22),
    Column("tier.name", "档次名称", width=10),
    Column("tier.when", "适用条件", width=40),
    Column("tier.outcome", "处理结果", width=11),
    Column("tier.first_violation", "首违不罚", "bool", 9),
    Column("tier.fine_min", "罚款下限（元）", "money", 13),
    Column("tier.fine_max", "罚款上限（元）", "money", 13),
    Column("tier.fine_base", "罚款基数事实", width=18),
    Column("tier.fine_rate_min", "罚款比例下限", "rate", 12),
    Column("tier.fine_rate_max", "罚款比例上限", "rate", 12),
    Column("tier.fine_cap", "罚款封顶（元）", "money", 13),
    Column("tier.other_penalties", "并处其他处罚", "list", 24),
    Column("tier.measures", "维持的措施", "list", 24),
    Column("tier.major", "重大处罚", "bool", 9),
    Column("tier.reasons", "裁量理由", width=60),
))
FACTORS = Sheet("裁量情节", (
    Column("item", "事项编码", width=10, toml=False),
    Column("factor.code", "情节编码", width=22),
    Column("factor.name", "情节名称", width=36),
    Column("factor.effect", "作用", width=12),
    Column("factor.when", "适用条件", width=36),
    Column("factor.basis", "依据", width=36),
))
CHECKLISTS = Sheet("检查清单", (
    Column("domain", "领域", width=13, toml=False),  # checklists name no items of their own
    Column("code", "清单编码", width=12),
    Column("name", "清单名称", width=30),
    Column("applies_to", "适用对象", "list", 30),
    Column("industries", "行业", "list", 16),
    Column("point.code", "要点编码", width=14),
    Column("point.text", "检查内容", width=40),
    Column("point.basis", "检查依据", width=36),
    Column("point.item", "事项编码", width=10),
))
SHEETS = (ITEMS, FACTS, BOUNDS, TIERS, FACTORS, CHECKLISTS)
FILES = ("items.toml", "discretion.toml", "checklists.toml")
TOPS = ("item", "table", "checklist")  # each file's one top-level array of tables
FILE_SHEET = {"items.toml": ITEMS, "discretion.toml": TIERS, "checklists.toml": CHECKLISTS}

TRUE_WORDS, FALSE_WORDS = {"是", "true", "1"}, {"否", "false", "0"}
LIST_SEPARATORS = re.compile(r"[,，、;；\n]")


@contextmanager
def _track(progress: Any, description: str, total: int) -> Iterator[Callable[[int], None]]:
    """An `advance(n)` for a rich Progress task, or a no-op without one."""
    if progress is None:
        yield lambda n=1: None
        return
    task = progress.add_task(description, total=total)
    yield lambda n=1: progress.advance(task, n)


# --- export ------------------------------------------------------------------------------------


def export_workbook(catalog: Catalog, path: str | Path, domains: list[str] | None = None, progress: Any = None) -> None:
    """Write the catalog (or the given domains) as a workbook, values exactly as in the TOML."""
    unknown = sorted(set(domains or ()) - catalog.domains.keys())
    if unknown:
        raise ValueError(f"未知的领域：{'、'.join(unknown)}（已加载：{'、'.join(catalog.domains)}）")
    chosen = set(domains or catalog.domains)
    items = [i for i in catalog.items.values() if i.domain in chosen]
    tables = [catalog.tables[i.code] for i in items if i.code in catalog.tables]
    rows = {
        ITEMS: [{**i.raw, "domain": i.domain} for i in items],
        FACTS: [row for i in items for row in _fact_rows(i)],
        BOUNDS: [row for i in items for row in _bound_rows(i)],
        TIERS: [row for t in tables for row in _tier_rows(t)],
        FACTORS: [row for t in tables for row in _factor_rows(t)],
        CHECKLISTS: [row for c in catalog.checklists.values() if c.domain in chosen for row in _point_rows(c)],
    }
    workbook = Workbook()
    workbook.remove(workbook.active)
    with _track(progress, "导出执法事项目录", sum(map(len, rows.values()))) as advance:
        for sheet, sheet_rows in rows.items():
            _write_sheet(workbook.create_sheet(sheet.title), sheet, sheet_rows, advance)
    workbook.save(path)


def _nested(prefix: str, raw: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{k}": v for k, v in raw.items()}


def _fact_rows(item: ItemSpec) -> list[dict[str, Any]]:
    return [{"item": item.code, **_nested("facts.", f)} for f in item.raw.get("facts", [])]


def _bound_rows(item: ItemSpec) -> list[dict[str, Any]]:
    return [{"item": item.code, "bound.order": n, **_nested("bound.", b)} for n, b in enumerate(item.raw.get("bound", []), 1)]


def _tier_rows(table: TableSpec) -> list[dict[str, Any]]:
    # Table-level values repeat on every tier row so that filtering a sheet never hides them.
    head = {k: v for k, v in table.raw.items() if k not in ("tier", "factor")}
    return [{**head, "tier.order": n, **_nested("tier.", t)} for n, t in enumerate(table.raw.get("tier", []), 1)]


def _factor_rows(table: TableSpec) -> list[dict[str, Any]]:
    return [{"item": table.item, **_nested("factor.", f)} for f in table.raw.get("factor", [])]


def _point_rows(checklist: ChecklistSpec) -> list[dict[str, Any]]:
    head = {
        "domain": checklist.domain,
        "code": checklist.code,
        "name": checklist.name,
        "applies_to": list(checklist.applies_to),
        "industries": list(checklist.industries),
    }
    return [
        {**head, "point.code": p.code, "point.text": p.text, "point.basis": p.basis, "point.item": p.item}
        for p in checklist.points
    ]


def _write_sheet(ws: Any, sheet: Sheet, rows: list[dict[str, Any]], advance: Callable[[int], None]) -> None:
    ws.append([c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_cell_value(c, row.get(c.key)) for c in sheet.columns])
        advance(1)
    for index, column in enumerate(sheet.columns, 1):
        _format_column(ws, index, column)
    ws.freeze_panes = "B2"  # header and the code column stay visible
    ws.auto_filter.ref = ws.dimensions


def _format_column(ws: Any, index: int, column: Column) -> None:
    letter = get_column_letter(index)
    ws.column_dimensions[letter].width = column.width
    # Rates and codes stay text when edited in Excel ("0.10" would otherwise become 0.1).
    number_format = {"date": "yyyy-mm-dd", "rate": "@", "text": "@", "list": "@"}.get(column.kind)
    if number_format is None:
        return
    for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
        cell.number_format = number_format


def _cell_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "list":
        return ", ".join(value)
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "date":
        return dt.date.fromisoformat(value)  # raw dicts hold dates as ISO text
    if isinstance(value, str) and value.startswith("="):
        return " " + value  # openpyxl would store it as a formula; import strips cells
    return value  # money stays an int or the decimal string written in the TOML; rates stay text


# --- import: results and errors ------------------------------------------------------------------


@dataclass(frozen=True)
class SheetError:
    sheet: str
    row: int | None  # as Excel shows it; None for a problem with the sheet itself
    column: str | None  # the column's Chinese label
    message: str

    def __str__(self) -> str:
        where = self.sheet + (f" 第 {self.row} 行" if self.row else "") + (f" {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    domain: str
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # "items.toml" -> {"item": [...]}
    texts: dict[str, str] = field(default_factory=dict)  # file name -> TOML text
    errors: list[SheetError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Row:
    number: int
    values: dict[str, Any]  # column key -> converted value; None when empty or invalid

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Origin:
    """The row a TOML entry was built from, so a loader problem can be reported on it."""

    sheet: Sheet
    row: int
    prefix: str = ""  # column-key prefix of this entry's keys in its sheet
    code: str | None = None
    children: dict[str, list[Origin]] = field(default_factory=dict)


class Errors(list):
    def add(self, sheet: Sheet, row: int | None, key: str | None, message: str) -> None:
        column = sheet.column(key) if key else None
        self.append(SheetError(sheet.title, row, column.label if column else None, message))


# --- import: reading cells -----------------------------------------------------------------------


def import_workbook(path: str | Path, domain: str, progress: Any = None) -> ImportResult:
    """Rebuild and validate one domain's three TOML documents from a workbook."""
    errors = Errors()
    tables = _read_workbook(Path(path), errors)
    if errors:
        return ImportResult(domain, errors=_tidy(errors))
    total = sum(len(rows) for rows in tables.values()) + len(FILES)
    with _track(progress, f"导入领域 {domain}", total) as advance:
        sheets = {sheet: _rows(sheet, tables[sheet], errors, advance) for sheet in SHEETS}
        builder = _Builder(domain, sheets, errors)
        documents, roots = builder.build()
        texts = {name: _toml_text(name, documents[name]) for name in FILES}
        _validate(texts, roots, builder.flawed, errors)
        advance(len(FILES))
    if errors:
        return ImportResult(domain, errors=_tidy(errors))
    return ImportResult(domain, documents, texts)


def _read_workbook(path: Path, errors: Errors) -> dict[Sheet, list[tuple[Any, ...]]]:
    try:
        workbook = load_workbook(path, data_only=True)  # cached formula results, not formulas
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        errors.append(SheetError(path.name, None, None, f"无法读取工作簿：{type(exc).__name__}: {exc}"))
        return {}
    try:
        found = {}
        for sheet in SHEETS:
            if sheet.title not in workbook.sheetnames:
                errors.add(sheet, None, None, "缺少此工作表")
                continue
            rows = list(workbook[sheet.title].iter_rows(values_only=True))
            found[sheet] = rows
            _check_header(sheet, rows[0] if rows else (), errors)
        return found
    finally:
        workbook.close()


def _header_keys(sheet: Sheet, header: tuple[Any, ...]) -> dict[str, int]:
    """Column key -> index; a header cell matches by its key or by its Chinese label alone."""
    by_name = {c.key: c.key for c in sheet.columns} | {c.label: c.key for c in sheet.columns}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = str(cell or "").strip()
        key = by_name.get(text.split()[-1] if text else "") or by_name.get(text)
        if key and key not in found:
            found[key] = index
    return found


def _check_header(sheet: Sheet, header: tuple[Any, ...], errors: Errors) -> None:
    found = _header_keys(sheet, header)
    for column in sheet.columns:
        if column.key not in found:
            # Every column is required: a deleted column would otherwise silently drop its values.
            errors.add(sheet, None, None, f"缺少列“{column.header}”")


def _rows(sheet: Sheet, table: list[tuple[Any, ...]], errors: Errors, advance: Callable[[int], None]) -> list[Row]:
    index = _header_keys(sheet, table[0])
    rows = []
    for number, cells in enumerate(table[1:], 2):
        advance(1)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        values = {}
        for column in sheet.columns:
            cell = cells[index[column.key]] if index[column.key] < len(cells) else None
            values[column.key] = _convert(sheet, number, column, cell, errors)
        rows.append(Row(number, values))
    return rows


def _convert(sheet: Sheet, number: int, column: Column, value: Any, errors: Errors) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    try:
        return CONVERTERS[column.kind](value)
    except ValueError as exc:
        errors.add(sheet, number, column.key, f"{exc}，实际为“{value}”")
        return None


def _text(value: Any) -> str:
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _float_text(value: float) -> str:
    """The decimal a person typed (Excel keeps numbers as floats): 0.05, not 0.05000000000000000277."""
    return format(Decimal(repr(value)), "f") if value != int(value) else str(int(value))


def _list(value: Any) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(_text(value)) if part.strip()]


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError("应为“是”或“否”（也可写 true / false）")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.strptime(re.sub(r"[/.]", "-", value), "%Y-%m-%d").date()
        except ValueError:
            pass
    raise ValueError("应为日期（如 2021-07-15）")


def _decimal_text(value: Any) -> str:
    """A number cell or numeric text as exact decimal text."""
    if isinstance(value, bool):
        raise ValueError("应为数字")
    text = _float_text(value) if isinstance(value, float) else str(value)
    try:
        if not Decimal(text).is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ValueError("应为数字") from None
    return text


def _money(value: Any) -> int | str:
    # Integers stay integers and decimal text stays text, exactly as the TOML writes yuan.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _decimal_text(value)
    return int(text) if isinstance(value, float) and "." not in text else text


def _rate(value: Any) -> str:
    return _decimal_text(value)  # the loader wants rates as strings: never a float in the TOML


def _number(value: Any) -> Decimal:
    return Decimal(_decimal_text(value))


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": _text, "list": _list, "bool": _bool, "date": _date, "money": _money, "rate": _rate, "number": _number,
}


# --- import: rebuilding the documents ----------------------------------------------------------


class _Builder:
    """Picks the domain's rows, checks links and duplicates, and builds documents with origins."""

    def __init__(self, domain: str, sheets: dict[Sheet, list[Row]], errors: Errors):
        self.domain, self.sheets, self.errors = domain, sheets, errors
        self.known: dict[str, Row] = {}  # every item code in the workbook, any domain
        self.own: dict[str, Row] = {}  # the items of this domain
        self.flawed: set[str] = set()  # items whose facts are in doubt: cross-checks would only add noise
        self.unknown: dict[tuple[Sheet, str], list[int]] = {}  # rows naming an item not in the workbook

    def build(self) -> tuple[dict[str, dict[str, Any]], dict[str, list[Origin]]]:
        self._items()
        facts = self._linked(FACTS, "facts.name")
        bounds = self._linked(BOUNDS, "bound.order")
        tiers = self._linked(TIERS, "tier.code")
        factors = self._linked(FACTORS, "factor.code")
        items, item_origins = self._item_entries(facts, bounds)
        tables, table_origins = self._table_entries(tiers, factors)
        checklists, checklist_origins = self._checklist_entries()
        self._report_unknown()
        documents = {
            name: {top: entries} if entries else {}
            for name, top, entries in zip(FILES, TOPS, (items, tables, checklists))
        }
        return documents, {"item": item_origins, "table": table_origins, "checklist": checklist_origins}

    def _items(self) -> None:
        for row in self.sheets[ITEMS]:
            if not self._present(ITEMS, row, "code") or not self._unique(ITEMS, row, "code", self.known):
                continue
            self.known[row["code"]] = row
            if not row["domain"]:
                self.errors.add(ITEMS, row.number, "domain", "不能为空：每个事项都要写明所属领域")
            elif row["domain"] == self.domain:
                self.own[row["code"]] = row
        if not self.own:
            self.errors.add(ITEMS, None, None, f"没有领域“{self.domain}”的事项（按“领域 domain”列筛选）")

    def _present(self, sheet: Sheet, row: Row, key: str) -> bool:
        if row[key] is None:
            self.errors.add(sheet, row.number, key, "不能为空")
            return False
        return True

    def _unique(self, sheet: Sheet, row: Row, key: str, seen: dict[Any, Row], scope: Any = None) -> bool:
        first = seen.get((scope, row[key]) if scope else row[key])
        if first is not None:
            self.errors.add(sheet, row.number, key, f"“{row[key]}”与第 {first.number} 行重复")
        return first is None

    def _linked(self, sheet: Sheet, code_key: str) -> dict[str, list[Row]]:
        """This domain's rows of a sheet that hangs off items, grouped by item code."""
        groups: dict[str, list[Row]] = {}
        seen: dict[Any, Row] = {}
        for row in self.sheets[sheet]:
            if not self._present(sheet, row, "item") or not self._item_exists(sheet, row, "item"):
                continue
            if row["item"] not in self.own:
                continue  # another domain's row
            if row[code_key] is not None and not self._unique(sheet, row, code_key, seen, row["item"]):
                if sheet is FACTS:
                    self.flawed.add(row["item"])
                continue
            seen[(row["item"], row[code_key])] = row
            groups.setdefault(row["item"], []).append(row)
        return groups

    def _item_exists(self, sheet: Sheet, row: Row, key: str) -> bool:
        if row[key] not in self.known:
            self.unknown.setdefault((sheet, row[key]), []).append(row.number)
            return False
        return True

    def _report_unknown(self) -> None:
        # Once per sheet and code: a mistyped or duplicated item code orphans dozens of rows.
        for (sheet, code), numbers in self.unknown.items():
            key = "point.item" if sheet is CHECKLISTS else "item"
            others = f"（本表另有 {len(numbers) - 1} 行也引用它：第 {_spans(numbers[1:])} 行）" if numbers[1:] else ""
            self.errors.add(sheet, numbers[0], key, f"事项“{code}”不在“{ITEMS.title}”表中{others}")

    def _item_entries(
        self, facts: dict[str, list[Row]], bounds: dict[str, list[Row]]
    ) -> tuple[list[dict[str, Any]], list[Origin]]:
        entries, origins = [], []
        for code, row in self.own.items():
            entry = _fields(ITEMS, row, "")
            children = [Origin(FACTS, r.number, "facts.", r["facts.name"]) for r in facts.get(code, [])]
            if children:
                entry["facts"] = [_fields(FACTS, r, "facts.") for r in facts[code]]
            clauses = sorted(bounds.get(code, []), key=lambda r: r["bound.order"] or 0)
            if clauses:
                entry["bound"] = [_fields(BOUNDS, r, "bound.") for r in clauses]
            entries.append(entry)
            origins.append(Origin(ITEMS, row.number, "", code, {
                "facts": children, "bound": [Origin(BOUNDS, r.number, "bound.") for r in clauses]}))
        return entries, origins

    def _table_entries(
        self, tiers: dict[str, list[Row]], factors: dict[str, list[Row]]
    ) -> tuple[list[dict[str, Any]], list[Origin]]:
        for code in factors.keys() - tiers.keys():
            self.errors.add(FACTORS, factors[code][0].number, "item", f"事项“{code}”在“{TIERS.title}”表中没有档次")
        entries, origins = [], []
        for code, rows in tiers.items():
            if self.own[code]["kind"] not in (None, "penalty"):
                self.errors.add(TIERS, rows[0].number, "item", f"事项“{code}”不是处罚类事项，不能有裁量基准")
            if not all([self._present(TIERS, r, "tier.order") for r in rows]):  # a list: report every row
                continue
            rows = sorted(rows, key=lambda r: (r["tier.order"], r.number))
            head = self._shared(TIERS, rows, "item issuer effective_from band".split())
            entry = {**_fields(TIERS, head, ""), "tier": [_fields(TIERS, r, "tier.") for r in rows]}
            children = {"tier": [Origin(TIERS, r.number, "tier.", r["tier.code"]) for r in rows]}
            if factors.get(code):
                entry["factor"] = [_fields(FACTORS, r, "factor.") for r in factors[code]]
                children["factor"] = [Origin(FACTORS, r.number, "factor.", r["factor.code"]) for r in factors[code]]
            entries.append(entry)
            origins.append(Origin(TIERS, head.number, "", code, children))
        return entries, origins

    def _shared(self, sheet: Sheet, rows: list[Row], keys: list[str]) -> Row:
        """The entry-level values repeated on several rows: from the top row; others blank or equal."""
        head = min(rows, key=lambda r: r.number)
        for row in rows:
            for key in keys:
                if row[key] is not None and row[key] != head[key]:
                    self.errors.add(sheet, row.number, key, f"与第 {head.number} 行（同一条目）不一致")
        return head

    def _checklist_entries(self) -> tuple[list[dict[str, Any]], list[Origin]]:
        groups: dict[str, list[Row]] = {}
        points: dict[Any, Row] = {}
        for row in self.sheets[CHECKLISTS]:
            if not self._present(CHECKLISTS, row, "domain") or row["domain"] != self.domain:
                continue
            if not self._present(CHECKLISTS, row, "code"):
                continue
            if row["point.code"] is not None and not self._unique(CHECKLISTS, row, "point.code", points):
                continue
            points[row["point.code"]] = row
            if row["point.item"] is not None:
                self._item_exists(CHECKLISTS, row, "point.item")
            groups.setdefault(row["code"], []).append(row)
        entries, origins = [], []
        for code, rows in groups.items():
            head = self._shared(CHECKLISTS, rows, "code name applies_to industries".split())
            entries.append({**_fields(CHECKLISTS, head, ""), "point": [_fields(CHECKLISTS, r, "point.") for r in rows]})
            children = {"point": [Origin(CHECKLISTS, r.number, "point.", r["point.code"]) for r in rows]}
            origins.append(Origin(CHECKLISTS, head.number, "", code, children))
        return entries, origins


def _spans(numbers: list[int]) -> str:
    """[20, 21, 22, 30] -> '20–22、30'."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _fields(sheet: Sheet, row: Row, prefix: str) -> dict[str, Any]:
    """The TOML keys of one entry: the columns under `prefix` (top-level ones have no dot)."""
    entry = {}
    for column in sheet.columns:
        key = column.key.removeprefix(prefix)
        if column.toml and column.key.startswith(prefix) and "." not in key and row[column.key] is not None:
            entry[key] = row[column.key]
    return entry


def _toml_text(name: str, document: dict[str, Any]) -> str:
    """Arrays of tables written as [[item]] / [[item.facts]] blocks, like the hand-written files."""
    top = TOPS[FILES.index(name)]
    parts = [f"# {name}：由 `zhifa catalog import` 从 Excel 工作簿生成。格式见 docs/plugin-data-format.md。\n"]
    for entry in document.get(top, []):
        nested = {k: v for k, v in entry.items() if isinstance(v, list) and v and isinstance(v[0], dict)}
        parts.append(f"\n[[{top}]]\n" + tomli_w.dumps({k: v for k, v in entry.items() if k not in nested}))
        for key, children in nested.items():
            parts.extend(f"\n[[{top}.{key}]]\n" + tomli_w.dumps(child) for child in children)
    return "".join(parts)


# --- import: validating with the loader and registry ---------------------------------------------


def _validate(texts: dict[str, str], roots: dict[str, list[Origin]], flawed: set[str], errors: Errors) -> None:
    """Parse the TOML exactly as written to disk, then map every problem back to its row.

    The registry's cross-checks (condition names, fine bases, penalty kinds) run only for items
    whose own entry is sound: checked against a broken item they would flag every tier.
    """
    problems = Problems([])
    documents = {name: tomllib.loads(text) for name, text in texts.items()}
    items = parse_items(documents["items.toml"], "items.toml", problems)
    tables = parse_tables(documents["discretion.toml"], "discretion.toml", problems)
    parse_checklists(documents["checklists.toml"], "checklists.toml", problems)
    for problem in problems.found:
        error, root = _locate(problem, roots)
        errors.append(error)
        if root is not None and problem.startswith("items.toml"):
            flawed.add(root.code)
    by_code = {item.code: item for item in items}
    for table in tables:
        if table.item in by_code and table.item not in flawed:
            errors.extend(_locate(p, roots)[0] for p in table_problems(table, by_code[table.item]))


LOCATION_STEP = re.compile(r"([a-z_]+)(?:\[([^\]]*)\])?(?: \([^()]*\))?")


def _parse_location(problem: str) -> tuple[str, list[tuple[str, str | None]], str] | None:
    """'items.toml: item[3] (JZ004).facts[1].type: message' -> file, steps, message."""
    file, sep, rest = problem.partition(": ")
    steps, pos = [], 0
    while sep and (match := LOCATION_STEP.match(rest, pos)):
        steps.append((match[1], match[2]))
        pos = match.end()
        if not rest.startswith(".", pos):
            break
        pos += 1
    if not steps or not rest.startswith(": ", pos):
        return None
    return file, steps, rest[pos + 2 :]


def _locate(problem: str, roots: dict[str, list[Origin]]) -> tuple[SheetError, Origin | None]:
    parsed = _parse_location(problem)
    fallback = SheetError(FILE_SHEET.get(problem.partition(": ")[0], ITEMS).title, None, None, problem)
    if parsed is None:
        return fallback, None
    _, steps, message = parsed
    origin = root = None
    key = None
    for step, ref in steps:
        if ref is None:
            key = step  # the TOML key the problem is about
            break
        candidates = roots.get(step, []) if origin is None else origin.children.get(step, [])
        origin = _pick(candidates, ref)
        if origin is None:
            return fallback, root
        root = root or origin
    column = origin.sheet.column(origin.prefix + key) if key else None
    return SheetError(origin.sheet.title, origin.row, column.label if column else None, message), root


def _pick(origins: list[Origin], ref: str) -> Origin | None:
    """`ref` is a position (loader: tier[2]) or a code (registry: tier[minor])."""
    if ref.isdigit():
        return origins[int(ref)] if int(ref) < len(origins) else None
    return next((o for o in origins if o.code == ref), None)


def _tidy(errors: list[SheetError]) -> list[SheetError]:
    """One error per cell (a bad value also shows up as missing), in sheet and row order."""
    seen, kept = set(), []
    for error in errors:
        cell = (error.sheet, error.row, error.column)
        if error.row is not None and error.column is not None and cell in seen:
            continue
        seen.add(cell)
        kept.append(error)
    order = {sheet.title: n for n, sheet in enumerate(SHEETS)}
    return sorted(kept, key=lambda e: (order.get(e.sheet, -1), e.row or 0))


# --- writing -------------------------------------------------------------------------------------


def write_plugin_data(result: ImportResult, folder: str | Path) -> list[Path]:
    """Write items.toml, discretion.toml and checklists.toml; refuses a result with errors."""
    if result.errors:
        raise ValueError(f"导入有 {len(result.errors)} 处错误，未写入任何文件")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FILES:
        target, temporary = folder / name, folder / f".{name}.tmp"
        temporary.write_text(result.texts[name], encoding="utf-8")
        os.replace(temporary, target)  # a reader never sees a half-written file
        written.append(target)
    return written

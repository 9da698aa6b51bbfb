"""The people workbook (人员工作簿): agencies, officers and certificates as three sheets.

`zhifa people import` onboards a bureau from it and `zhifa people export` writes it back
(core/people/onboarding.py does the database side, through the people services). This module is
the pure part: the layout, reading cells into typed rows with what the file alone can tell (an
empty required cell, a value that is not a date or not one of a column's choices, the same key on
two rows), and writing rows. Headers, cell conversion and formatting are the catalog workbook's
(core/catalog/spreadsheet.py): a header reads "中文名 key" and is found by its key or its Chinese
label alone, so columns may be reordered and extra columns are ignored.

    机构    name 名称 · short_name 简称 · kind 类别 · region 行政区划代码 · parent 上级机构 · domains 执法领域
    人员    name 姓名 · id_number 公民身份号码 · role 角色 · agency 所属机构 · external_identity 统一身份标识 · posted_on 任职日期
    执法证  number 证号 · id_number 持证人公民身份号码 · issuing_authority 发证机关 · domains 执法领域 · valid_from 有效期起 · valid_until 有效期至

Rows are keyed by agency name, ID number and certificate number: importing is idempotent on them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from zhifa.core.catalog.spreadsheet import (
    Column,
    Row,
    Sheet,
    _check_header,
    _rows,
    _write_sheet,
)
from zhifa.core.errors import UserError
from zhifa.core.labels import LabeledEnum
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import AgencyKind, OfficerRole

AGENCIES = Sheet("机构", (
    Column("name", "名称", width=36),
    Column("short_name", "简称", width=12),
    Column("kind", "类别", width=26),
    Column("region", "行政区划代码", width=14),
    Column("parent", "上级机构", width=36),
    Column("domains", "执法领域", "list", 40),
))
OFFICERS = Sheet("人员", (
    Column("name", "姓名", width=10),
    Column("id_number", "公民身份号码", width=21),
    Column("role", "角色", width=18),
    Column("agency", "所属机构", width=36),
    Column("external_identity", "统一身份标识", width=24),
    Column("posted_on", "任职日期", "date", 13),
))
CERTIFICATES = Sheet("执法证", (
    Column("number", "证号", width=16),
    Column("id_number", "持证人公民身份号码", width=21),
    Column("issuing_authority", "发证机关", width=24),
    Column("domains", "执法领域", "list", 40),
    Column("valid_from", "有效期起", "date", 13),
    Column("valid_until", "有效期至", "date", 13),
))
SHEETS = (AGENCIES, OFFICERS, CERTIFICATES)
OPTIONAL = {AGENCIES: {"parent", "domains"}, OFFICERS: {"external_identity", "posted_on"}, CERTIFICATES: set()}
CHOICES: dict[tuple[Sheet, str], type[LabeledEnum]] = {(AGENCIES, "kind"): AgencyKind, (OFFICERS, "role"): OfficerRole}


@dataclass(frozen=True)
class AgencyRow:
    name: str
    short_name: str
    kind: AgencyKind
    region: str  # GB/T 2260 code
    parent: str | None  # the parent agency's name
    domains: tuple[str, ...]  # sorted
    row: int = field(default=0, compare=False)  # as Excel shows it; 0 for a row read from the database


@dataclass(frozen=True)
class OfficerRow:
    name: str
    id_number: str
    role: OfficerRole
    agency: str
    external_identity: str | None
    posted_on: dt.date | None  # None on import: today
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class CertificateRow:
    number: str
    id_number: str  # the holder's
    issuing_authority: str
    domains: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date
    row: int = field(default=0, compare=False)


ROW_TYPES: dict[Sheet, type] = {AGENCIES: AgencyRow, OFFICERS: OfficerRow, CERTIFICATES: CertificateRow}
UNIQUE = {AGENCIES: ("name",), OFFICERS: ("id_number", "external_identity"), CERTIFICATES: ("number",)}
SHEET_OF: dict[type, Sheet] = {cls: sheet for sheet, cls in ROW_TYPES.items()}


def row_key(row: AgencyRow | OfficerRow | CertificateRow) -> str:
    """What a row is found by: the agency's name, the officer's ID number, the certificate's number."""
    return getattr(row, UNIQUE[SHEET_OF[type(row)]][0])


@dataclass
class Book:
    agencies: list[AgencyRow] = field(default_factory=list)
    officers: list[OfficerRow] = field(default_factory=list)
    certificates: list[CertificateRow] = field(default_factory=list)
    # Keys of rows that did not parse: rows that depend on them are not checked further (they
    # would only repeat the one mistake).
    flawed: set[tuple[Sheet, str]] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)  # what reading the file found

    def sheets(self) -> tuple[tuple[Sheet, list[Any]], ...]:
        return (AGENCIES, self.agencies), (OFFICERS, self.officers), (CERTIFICATES, self.certificates)


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None  # as Excel shows it; None for a problem with the workbook or sheet itself
    column: str | None  # the column's Chinese label
    code: str
    message: str

    def __str__(self) -> str:
        where = self.sheet + (f" 第 {self.row} 行" if self.row else "") + (f" {self.column}" if self.column else "")
        return f"{where}: {self.code} {self.message}"


class Problems(list[RowError]):
    """The catalog reader reports through `add(sheet, row, key, message)`: a sheet-level problem
    (missing sheet or column) is WORKBOOK_INVALID, a cell that does not convert WORKBOOK_CELL_INVALID."""

    def add(self, sheet: Sheet, row: int | None, key: str | None, message: str, code: str | None = None) -> None:
        column = sheet.column(key) if key else None
        code = code or (PeopleErrorCode.WORKBOOK_INVALID if row is None else PeopleErrorCode.WORKBOOK_CELL_INVALID)
        error = UserError(code, message)  # refuses a code no ErrorCode enum declares
        self.append(RowError(sheet.title, row, column.label if column else None, error.code, error.message))

    def sorted(self) -> list[RowError]:
        """One error per cell (a bad value would also show up as missing), in sheet and row order."""
        seen, kept = set(), []
        for error in self:
            cell = (error.sheet, error.row, error.column)
            if error.row is None or error.column is None or cell not in seen:
                kept.append(error)
            seen.add(cell)
        order = {sheet.title: n for n, sheet in enumerate(SHEETS)}
        return sorted(kept, key=lambda e: (order.get(e.sheet, -1), e.row or 0))


# --- reading ----------------------------------------------------------------------------------


def read_book(path: str | Path) -> Book:
    """The rows that parse, and in `errors` every problem the file alone shows."""
    problems = Problems()
    tables = _read_tables(Path(path), problems)
    book = Book()
    if problems:
        book.errors = problems.sorted()
        return book
    rows = {sheet: _rows(sheet, tables[sheet], problems, lambda n=1: None) for sheet in SHEETS}
    seen: dict[tuple[Sheet, str, str], int] = {}
    for sheet, target in book.sheets():
        for row in rows[sheet]:
            parsed = _parse(sheet, row, problems, seen)
            if parsed is None:
                book.flawed.add((sheet, _key(sheet, row.values)))
            else:
                target.append(parsed)
    book.errors = problems.sorted()
    return book


def _read_tables(path: Path, problems: Problems) -> dict[Sheet, list[tuple[Any, ...]]]:
    try:
        workbook = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 -- openpyxl raises many kinds for a file that is not a workbook
        error = UserError(PeopleErrorCode.WORKBOOK_INVALID, f"无法读取工作簿：{type(exc).__name__}: {exc}")
        problems.append(RowError(path.name, None, None, error.code, error.message))
        return {}
    try:
        tables = {}
        for sheet in SHEETS:
            if sheet.title not in workbook.sheetnames:
                problems.add(sheet, None, None, "缺少此工作表")
                continue
            tables[sheet] = list(workbook[sheet.title].iter_rows(values_only=True)) or [()]
            _check_header(sheet, tables[sheet][0], problems)
        return tables
    finally:
        workbook.close()


def _key(sheet: Sheet, values: dict[str, Any]) -> str:
    """`row_key` of a row that did not parse."""
    value = values.get(UNIQUE[sheet][0]) or ""
    return normal_id_number(value) if sheet is OFFICERS else value


def normal_id_number(text: str) -> str:
    return re.sub(r"\s", "", text).upper()  # the check character is written x as often as X


def _parse(sheet: Sheet, row: Row, problems: Problems, seen: dict[tuple[Sheet, str, str], int]) -> Any:
    before = len(problems)
    values = dict(row.values)
    reported = {e.column for e in problems if e.sheet == sheet.title and e.row == row.number}  # by the converter
    for column in sheet.columns:
        if values[column.key] is None and column.key not in OPTIONAL[sheet] and column.label not in reported:
            problems.add(sheet, row.number, column.key, "不能为空", PeopleErrorCode.WORKBOOK_CELL_REQUIRED)
    for (choice_sheet, key), enum_cls in CHOICES.items():
        if choice_sheet is sheet and values[key] is not None:
            values[key] = _choice(sheet, row, key, enum_cls, problems)
    if values.get("id_number"):
        values["id_number"] = normal_id_number(values["id_number"])
    for key in UNIQUE[sheet]:
        _unique(sheet, row, key, values[key], problems, seen)
    if reported or len(problems) > before:
        return None
    if "domains" in values:
        values["domains"] = tuple(sorted(set(values["domains"] or ())))
    cls = ROW_TYPES[sheet]
    return cls(row=row.number, **{f.name: values[f.name] for f in fields(cls) if f.name != "row"})


def _choice(sheet: Sheet, row: Row, key: str, enum_cls: type[LabeledEnum], problems: Problems) -> LabeledEnum | None:
    text = row[key]
    found = next((m for m in enum_cls if text in (m.label, m.value)), None)
    if found is None:
        problems.add(sheet, row.number, key, f"应为以下之一：{'、'.join(m.label for m in enum_cls)}，实际为“{text}”")
    return found


def _unique(sheet: Sheet, row: Row, key: str, value: Any, problems: Problems, seen: dict[tuple[Sheet, str, str], int]) -> None:
    if value is None:
        return
    first = seen.setdefault((sheet, key, value), row.number)
    if first != row.number:
        problems.add(sheet, row.number, key, f"“{value}”与第 {first} 行重复", PeopleErrorCode.WORKBOOK_DUPLICATE_ROW)


# --- writing ----------------------------------------------------------------------------------


def write_book(path: str | Path, book: Book) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in book.sheets():
        _write_sheet(workbook.create_sheet(sheet.title), sheet, [cells(r) for r in rows], lambda n=1: None)
    workbook.save(path)


def cells(row: AgencyRow | OfficerRow | CertificateRow) -> dict[str, Any]:
    """A row as the catalog writer takes it: column key -> value, dates as ISO text, choices by label."""
    values = {}
    for f in fields(row):
        value = getattr(row, f.name)
        if isinstance(value, LabeledEnum):
            value = value.label
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        values[f.name] = value
    return values

"""Administrative divisions as the deployment loads them: GB/T 2260 codes (6 digits) for
provinces, cities and counties, the statistical division codes (统计用区划代码: 9 digits, or 12
ending in 000) for townships and streets. One division file's rows are read, checked against each
other and against the divisions on record, and turned into the changes they make. Pure: the file
and the database are handled in region_import.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zhifa.core.errors import CommonErrorCode, ErrorCode, UserError
from zhifa.core.people.error_codes import PeopleErrorCode as E
from zhifa.core.people.models import RegionLevel

MAX_NAME = 100  # regions.name

# Column key -> its Chinese header; a header cell may give either.
COLUMNS = {
    "code": "区划代码",
    "name": "名称",
    "parent_code": "上级区划代码",
    "successor_code": "并入区划代码",
    "key_township": "重点乡镇",
}
REQUIRED = ("code", "name")
TRUE_WORDS, FALSE_WORDS = {"是", "true", "1"}, {"否", "false", "0"}

# The levels a division may sit under. Counties sit directly under a province where the file has
# no city for them (省直辖县级行政单位); townships under a city that has no counties (不设区的市,
# e.g. 东莞市, 中山市).
PARENT_LEVELS = {
    RegionLevel.PROVINCE: (),
    RegionLevel.CITY: (RegionLevel.PROVINCE,),
    RegionLevel.COUNTY: (RegionLevel.CITY, RegionLevel.PROVINCE),
    RegionLevel.TOWNSHIP: (RegionLevel.COUNTY, RegionLevel.CITY),
}
LEVEL_ORDER = list(PARENT_LEVELS)


def level_of(code: str) -> RegionLevel | None:
    """The level a code's structure gives, or None for a malformed code."""
    if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", code, re.ASCII) or (len(code) == 12 and not code.endswith("000")):
        return None
    if len(code) > 6:
        return RegionLevel.TOWNSHIP
    if code[2:] == "0000":
        return RegionLevel.PROVINCE
    return RegionLevel.CITY if code[4:] == "00" else RegionLevel.COUNTY


def derived_parent(code: str) -> str | None:
    """The parent the code's structure names: a township's 6-digit county, a county's city
    (XXXX00), a city's province (XX0000)."""
    level = level_of(code)
    if level is RegionLevel.TOWNSHIP:
        return code[:6]
    if level is RegionLevel.COUNTY:
        return code[:4] + "00"
    return code[:2] + "0000" if level is RegionLevel.CITY else None


@dataclass(frozen=True)
class RowError:
    row: int | None  # the file's row number (the header is row 1); None: the file as a whole
    column: str | None  # the column's Chinese header
    error: UserError

    def __str__(self) -> str:
        where = (f"第 {self.row} 行" if self.row else "") + (f"“{self.column}”" if self.column else "")
        return f"{where}{'：' if where else ''}{self.error.message}（{self.error.code}）"


def _error(row: int | None, key: str | None, code: ErrorCode, message: str) -> RowError:
    return RowError(row, COLUMNS.get(key or ""), UserError(code, message, key))


@dataclass(frozen=True)
class Division:
    """A division as one row of the file states it (the parent derived when not given)."""

    row: int
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    successor_code: str | None
    key_township: bool | None  # None: not stated (the column is absent or the cell blank)


@dataclass(frozen=True)
class Recorded:
    """A division on record."""

    code: str
    name: str
    parent_code: str | None
    successor_code: str | None
    key_township: bool
    valid_from: dt.date | None
    ended_on: dt.date | None


def cell_text(value: Any) -> str:
    """A cell as text; Excel holds codes typed as numbers as int or float (330902.0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def read(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> tuple[list[Division], list[RowError]]:
    """The divisions the rows state, and what is wrong with each row taken alone."""
    keys = {key: key for key in COLUMNS} | {label: key for key, label in COLUMNS.items()}
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = keys.get(cell_text(cell).lower()) or keys.get(cell_text(cell))
        if key:
            index.setdefault(key, position)
    missing = [COLUMNS[k] for k in REQUIRED if k not in index]
    if missing:
        return [], [RowError(1, None, UserError(E.REGION_COLUMN_MISSING, f"缺少“{'”“'.join(missing)}”列（也可用英文列名 code、name）"))]
    divisions, errors, first_row = [], [], {}
    for number, cells in enumerate(rows, 2):
        values = {k: cell_text(cells[i]) if i < len(cells) else "" for k, i in index.items()}
        if not any(values.values()):
            continue
        division, problems = _division(number, values)
        errors += problems
        if division is None:
            continue
        if division.code in first_row:
            errors.append(_error(number, "code", E.REGION_CODE_DUPLICATE, f"区划代码 {division.code} 已见于第 {first_row[division.code]} 行"))
            continue
        first_row[division.code] = number
        divisions.append(division)
    return divisions, errors


def _division(number: int, values: dict[str, str]) -> tuple[Division | None, list[RowError]]:
    errors = []
    code, name = values["code"], values["name"]
    level = level_of(code)
    if level is None:
        return None, [_error(number, "code", E.REGION_CODE_INVALID, f"“{code}”不是有效的区划代码：县级及以上为 6 位数字，乡镇（街道）为 9 位数字或末三位为 000 的 12 位数字")]
    if not name or len(name) > MAX_NAME:
        errors.append(_error(number, "name", CommonErrorCode.NAME_INVALID, f"区划名称不能为空，且不超过 {MAX_NAME} 个字"))
    related = {key: values.get(key) or None for key in ("parent_code", "successor_code")}
    malformed = [_error(number, k, E.REGION_CODE_INVALID, f"“{v}”不是有效的区划代码") for k, v in related.items() if v and level_of(v) is None]
    if malformed:
        return None, errors + malformed
    flag = None
    word = values.get("key_township", "").lower()
    if word:
        if word not in TRUE_WORDS | FALSE_WORDS:
            errors.append(_error(number, "key_township", E.REGION_FLAG_INVALID, f"应填“是”或“否”，实际为“{values['key_township']}”"))
        elif word in TRUE_WORDS and level is not RegionLevel.TOWNSHIP:
            errors.append(_error(number, "key_township", E.REGION_FLAG_INVALID, f"只有乡镇（街道）可以是重点乡镇，{code} 是{level.label}级区划"))
        else:
            flag = word in TRUE_WORDS
    return Division(number, code, name, level, related["parent_code"] or derived_parent(code), related["successor_code"], flag), errors


def check(divisions: list[Division], recorded: Mapping[str, Recorded], on: dt.date, today: dt.date) -> list[RowError]:
    """What is wrong with the rows taken together and against the record, for changes taking
    effect on `on`."""
    if on > today:
        return [RowError(None, None, UserError(E.REGION_DATE_INVALID, f"生效日期 {on} 晚于今天：区划的现行名称和隶属关系随导入即时改变，须在变更生效之日或之后导入"))]
    stated = {d.code: d for d in divisions}
    errors = []
    for d in divisions:
        errors += _parent_errors(d, stated, recorded) + _successor_errors(d, stated, recorded) + _record_errors(d, recorded.get(d.code), on)
    return errors


def _ended(code: str, stated: Mapping[str, Division], recorded: Mapping[str, Recorded]) -> bool:
    return bool((code in stated and stated[code].successor_code) or (code in recorded and recorded[code].ended_on))


def _level(code: str) -> RegionLevel:
    level = level_of(code)
    assert level is not None  # codes in Division and Recorded are well formed
    return level


def _parent_errors(d: Division, stated: Mapping[str, Division], recorded: Mapping[str, Recorded]) -> list[RowError]:
    parent = d.parent_code
    if parent is None:
        return []
    if d.level is RegionLevel.PROVINCE:
        return [_error(d.row, "parent_code", E.REGION_LEVEL_MISMATCH, "省级区划没有上级区划")]
    if parent not in stated and parent not in recorded:
        return [_error(d.row, "parent_code", E.REGION_PARENT_UNKNOWN, f"上级区划 {parent} 既不在文件中，也未登记（可在“上级区划代码”一栏写明）")]
    if _level(parent) not in PARENT_LEVELS[d.level]:
        return [_error(d.row, "parent_code", E.REGION_LEVEL_MISMATCH, f"{d.level.label}级区划不能隶属于{_level(parent).label}级区划 {parent}")]
    if not d.successor_code and _ended(parent, stated, recorded):
        return [_error(d.row, "parent_code", E.REGION_ENDED, f"上级区划 {parent} 已撤销或并入其他区划，现行区划不能隶属于它")]
    return []


def _successor_errors(d: Division, stated: Mapping[str, Division], recorded: Mapping[str, Recorded]) -> list[RowError]:
    successor = d.successor_code
    if successor is None:
        return []
    if successor not in stated and successor not in recorded:
        return [_error(d.row, "successor_code", E.REGION_SUCCESSOR_UNKNOWN, f"并入区划 {successor} 既不在文件中，也未登记")]
    if _level(successor) is not d.level:
        return [_error(d.row, "successor_code", E.REGION_LEVEL_MISMATCH, f"{d.level.label}级区划只能并入同级区划，{successor} 是{_level(successor).label}级区划")]
    path = [d.code]
    while successor is not None:
        path.append(successor)
        if successor in path[:-1]:
            return [_error(d.row, "successor_code", E.REGION_SUCCESSOR_CYCLE, f"并入关系循环：{' → '.join(path)}")]
        successor = stated[successor].successor_code if successor in stated else recorded[successor].successor_code if successor in recorded else None
    return []


def _record_errors(d: Division, rec: Recorded | None, on: dt.date) -> list[RowError]:
    if rec is None:
        return []
    if rec.ended_on:
        unchanged = (d.name, d.parent_code, d.successor_code) == (rec.name, rec.parent_code, rec.successor_code)
        if unchanged and d.key_township in (None, rec.key_township):
            return []
        merged = f"并入 {rec.successor_code}" if rec.successor_code else "撤销"
        return [_error(d.row, "code", E.REGION_ENDED, f"{d.code} {rec.name}已于 {rec.ended_on} {merged}，不能再变更")]
    changes = (d.name, d.parent_code) != (rec.name, rec.parent_code) or d.successor_code
    if changes and rec.valid_from and on < rec.valid_from:
        return [_error(d.row, "code", E.REGION_DATE_INVALID, f"生效日期 {on} 早于{rec.name}现行名称和隶属关系的生效日期 {rec.valid_from}")]
    return []


class ChangeKind(enum.Enum):
    CREATED = "新增"
    REVISED = "更名或改变隶属"
    FLAGGED = "重点乡镇标记"
    MERGED = "并入"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    division: Division
    before: Recorded | None


def changes(divisions: list[Division], recorded: Mapping[str, Recorded]) -> list[Change]:
    """The changes that bring the record to what a checked file states: new divisions parents
    first, then new names and parents, key-township flags, and mergers last (their successors
    exist by then). A division the file leaves out is left as it is."""
    found = []
    for d in sorted(divisions, key=lambda d: LEVEL_ORDER.index(d.level)):
        rec = recorded.get(d.code)
        if rec is None:
            found.append(Change(ChangeKind.CREATED, dataclasses.replace(d, key_township=bool(d.key_township)), None))
        elif not rec.ended_on:
            if (d.name, d.parent_code) != (rec.name, rec.parent_code):
                found.append(Change(ChangeKind.REVISED, d, rec))
            if d.key_township is not None and d.key_township != rec.key_township:
                found.append(Change(ChangeKind.FLAGGED, d, rec))
        if d.successor_code and not (rec and rec.ended_on):
            found.append(Change(ChangeKind.MERGED, d, rec))
    return sorted(found, key=lambda c: list(ChangeKind).index(c.kind))

"""`zhifa regions import`: a division file (CSV or .xlsx) read, checked by the rules in
regions.py against the divisions on record, and applied in the caller's transaction: nothing is
written unless every row is sound. Each change is audited."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from zhifa.core.audit.service import record
from zhifa.core.errors import UserError
from zhifa.core.ids import new_id
from zhifa.core.people.error_codes import PeopleErrorCode as E
from zhifa.core.people.models import Region, RegionVersion
from zhifa.core.people.regions import (
    Change,
    ChangeKind,
    Division,
    Recorded,
    RowError,
    changes,
    check,
    read,
)


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> Counter[ChangeKind]:
        return Counter(c.kind for c in self.changes)

    def summary(self) -> str:
        counts = self.counts()
        parts = "，".join(f"{kind.value} {counts[kind]}" for kind in ChangeKind)
        return f"{len(self.changes)} changed（{parts}）"


def read_table(path: Path) -> tuple[list[Any], list[list[Any]]]:
    """The header and the rows of a CSV file (UTF-8, with or without BOM) or of an .xlsx
    workbook's first sheet; UserError when the file cannot be read as either."""
    unreadable = f"无法读取 {path.name}：须为 UTF-8 编码的 CSV 文件（.csv）或 Excel 工作簿（.xlsx）"
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                table = list(csv.reader(handle))
        elif path.suffix.lower() == ".xlsx":
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                table = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            finally:
                workbook.close()
        else:
            raise UserError(E.REGION_FILE_UNREADABLE, unreadable, "file")
    except UserError:
        raise
    except Exception as exc:  # csv and openpyxl raise many kinds for a file that is not theirs
        raise UserError(E.REGION_FILE_UNREADABLE, f"{unreadable}（{type(exc).__name__}）", "file") from exc
    return (table[0], table[1:]) if table else ([], [])


async def import_regions(session: AsyncSession, path: Path, on: dt.date, today: dt.date, actor: str) -> ImportReport:
    """Check the file and, when every row is sound, apply its changes as of `on`."""
    try:
        header, rows = read_table(path)
    except UserError as error:
        return ImportReport([RowError(None, None, error)])
    divisions, errors = read(header, rows)
    ids, recorded = await _recorded(session)
    errors += check(divisions, recorded, on, today)
    if errors:
        return ImportReport(sorted(errors, key=lambda e: e.row or 0))
    report = ImportReport(changes=changes(divisions, recorded))
    # New rows in one statement, parents first (the order `changes` gives); the audit follows.
    session.add_all([_new_region(c.division, ids, on) for c in report.changes if c.kind is ChangeKind.CREATED])
    await session.flush()
    for change in report.changes:
        await APPLY[change.kind](session, change, ids, on, actor)
    return report


async def _recorded(session: AsyncSession) -> tuple[dict[str, uuid.UUID], dict[str, Recorded]]:
    parent, successor = aliased(Region), aliased(Region)
    rows = await session.execute(
        sa.select(Region, parent.code, successor.code)
        .outerjoin(parent, parent.id == Region.parent_id)
        .outerjoin(successor, successor.id == Region.successor_id)
    )
    ids, recorded = {}, {}
    for region, parent_code, successor_code in rows:
        ids[region.code] = region.id
        recorded[region.code] = Recorded(region.code, region.name, parent_code, successor_code, region.key_township, region.valid_from, region.ended_on)
    return ids, recorded


def _state(name: str, parent_code: str | None) -> dict[str, Any]:
    return {"name": name, "parent": parent_code}


def _new_region(d: Division, ids: dict[str, uuid.UUID], on: dt.date) -> Region:
    ids[d.code] = new_id()
    return Region(id=ids[d.code], code=d.code, name=d.name, level=d.level, parent_id=ids.get(d.parent_code or ""),
                  key_township=d.key_township, valid_from=on)


async def _create(session: AsyncSession, change: Change, ids: dict[str, uuid.UUID], on: dt.date, actor: str) -> None:
    d = change.division
    await record(session, actor=actor, action="region.create", object_type="Region", object_id=ids[d.code],
                 after=_state(d.name, d.parent_code) | {"code": d.code, "key_township": d.key_township},
                 detail=f"自 {on} 起设立 {d.code} {d.name}")


async def _revise(session: AsyncSession, change: Change, ids: dict[str, uuid.UUID], on: dt.date, actor: str) -> None:
    """A new name or parent from `on`: the one it replaces becomes a version, unless it took
    effect that same day (then the day's version is corrected rather than left empty)."""
    d, before = change.division, change.before
    assert before is not None
    if before.valid_from != on:
        session.add(RegionVersion(region_id=ids[d.code], name=before.name, parent_id=ids.get(before.parent_code or ""),
                                  valid_from=before.valid_from, valid_until=on))
    await session.execute(sa.update(Region).where(Region.id == ids[d.code]).values(name=d.name, parent_id=ids.get(d.parent_code or ""), valid_from=on))
    what = [f"更名 {before.name} → {d.name}"] if d.name != before.name else []
    what += [f"改隶 {before.parent_code} → {d.parent_code}"] if d.parent_code != before.parent_code else []
    await record(session, actor=actor, action="region.revise", object_type="Region", object_id=ids[d.code],
                 before=_state(before.name, before.parent_code), after=_state(d.name, d.parent_code),
                 detail=f"{d.code} 自 {on} 起{'，'.join(what)}")


async def _flag(session: AsyncSession, change: Change, ids: dict[str, uuid.UUID], on: dt.date, actor: str) -> None:
    d = change.division
    await session.execute(sa.update(Region).where(Region.id == ids[d.code]).values(key_township=d.key_township))
    await record(session, actor=actor, action="region.key_township", object_type="Region", object_id=ids[d.code],
                 before={"key_township": not d.key_township}, after={"key_township": d.key_township},
                 detail=f"{d.code} {d.name}{'列为' if d.key_township else '不再列为'}重点乡镇（{on}）")


async def _merge(session: AsyncSession, change: Change, ids: dict[str, uuid.UUID], on: dt.date, actor: str) -> None:
    d = change.division
    await session.execute(sa.update(Region).where(Region.id == ids[d.code]).values(ended_on=on, successor_id=ids[d.successor_code or ""]))
    await record(session, actor=actor, action="region.merge", object_type="Region", object_id=ids[d.code],
                 before={"ended_on": None}, after={"ended_on": on.isoformat(), "successor": d.successor_code},
                 detail=f"{d.code} {d.name}自 {on} 起并入 {d.successor_code}")


APPLY = {ChangeKind.CREATED: _create, ChangeKind.REVISED: _revise, ChangeKind.FLAGGED: _flag, ChangeKind.MERGED: _merge}

"""Administrative divisions loaded from a file (`zhifa regions import`): GB/T 2260 codes for
province, city and county, the statistical division codes (统计用区划代码, 9 or 12 digits) for
townships and streets; every row checked, nothing written unless all are sound; renames, moves
and mergers as dated versions, old records keeping the division they had."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from zhifa.core.audit.models import AuditRecord
from zhifa.core.cases.models import Case
from zhifa.core.clock import legal_today
from zhifa.core.entities.models import Entity
from zhifa.core.people.models import Region, RegionLevel, RegionVersion
from zhifa.core.people.region_import import ImportReport, import_regions
from zhifa.core.people.regions import Recorded, check, derived_parent, level_of, read
from zhifa.schema.kit.relay import global_id

SAMPLE = Path(__file__).parents[1] / "core" / "people" / "data" / "zhoushan-regions.csv"
DAY = dt.date(2024, 1, 1)
TODAY = legal_today()

HISTORY = """query($code: String!) { regions(filter: {code: $code}) { edges { node {
  code name endedOn successor { code name } parent { code }
  history { name validFrom validUntil parent { code name } } } } } }"""


def _csv(tmp_path: Path, text: str, name: str = "regions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def _import(db, path: Path, on: dt.date = DAY, today: dt.date = TODAY) -> ImportReport:
    async with db() as session, session.begin():
        return await import_regions(session, path, on, today, "system:test")


async def _regions(db) -> dict[str, Region]:
    async with db() as session:
        return {r.code: r for r in (await session.execute(sa.select(Region))).scalars()}


def _errors(report: ImportReport) -> list[tuple[int | None, str | None, str]]:
    return [(e.row, e.column, e.error.code) for e in report.errors]


# --- The code structure (GB/T 2260; 统计用区划代码编制规则) ------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("330000", RegionLevel.PROVINCE, None),
        ("330900", RegionLevel.CITY, "330000"),
        ("330902", RegionLevel.COUNTY, "330900"),
        ("330902001", RegionLevel.TOWNSHIP, "330902"),
        ("330902001000", RegionLevel.TOWNSHIP, "330902"),  # the 12-digit statistical code of the same street
        ("441900003", RegionLevel.TOWNSHIP, "441900"),  # 东莞市: towns directly under a city without counties
    ],
)
def test_gb_t_2260_code_structure_gives_level_and_parent(code, level, parent):
    assert level_of(code) is level and derived_parent(code) == parent


@pytest.mark.parametrize("code", ["33090", "3309021", "330902001001", "33O902", "３３０９０２", ""])
def test_malformed_codes_and_village_codes_have_no_level(code):
    assert level_of(code) is None


# --- Row by row: each rule named, with its row and column ---------------------------------------


def _read(text: str):
    lines = [line.split(",") for line in text.strip().splitlines()]
    return read(lines[0], lines[1:])


def test_a_file_without_the_code_or_name_column_is_refused():
    _, errors = _read("code,区划名称\n330000,浙江省")
    assert [(e.row, e.error.code) for e in errors] == [(1, "REGION_COLUMN_MISSING")]
    assert "名称" in errors[0].error.message


def test_each_bad_row_is_named_with_its_column_and_code():
    divisions, errors = _read(
        "区划代码,名称,上级区划代码,并入区划代码,重点乡镇\n"
        "330000,浙江省,,,\n"
        "33090,舟山市,,,\n"  # five digits
        "330902001001,某村,,,\n"  # a village's 12-digit code is not a township's
        "330900,舟山市,33000,,\n"  # malformed parent
        "330902,,,,\n"  # no name
        f"330903,{'普' * 101},,,\n"  # name too long
        "330902001,解放街道,,,也许\n"
        "330921,岱山县,,,是\n"  # only townships are key townships
        "330000,浙江,,,\n"  # the same code twice
    )
    assert [(e.row, e.column, e.error.code) for e in errors] == [
        (3, "区划代码", "REGION_CODE_INVALID"),
        (4, "区划代码", "REGION_CODE_INVALID"),
        (5, "上级区划代码", "REGION_CODE_INVALID"),
        (6, "名称", "NAME_INVALID"),
        (7, "名称", "NAME_INVALID"),
        (8, "重点乡镇", "REGION_FLAG_INVALID"),
        (9, "重点乡镇", "REGION_FLAG_INVALID"),
        (10, "区划代码", "REGION_CODE_DUPLICATE"),
    ]
    assert str(errors[-1]) == "第 10 行“区划代码”：区划代码 330000 已见于第 2 行（REGION_CODE_DUPLICATE）"
    assert [d.code for d in divisions] == ["330000", "330902", "330903", "330902001", "330921"]


def test_rows_are_checked_against_each_other_and_the_record():
    recorded = {
        "330000": Recorded("330000", "浙江省", None, None, False, None, None),
        "330900": Recorded("330900", "舟山市", "330000", None, False, None, None),
        "330902": Recorded("330902", "定海区", "330900", None, False, dt.date(2024, 6, 1), None),
        "330905": Recorded("330905", "旧县", "330900", "330902", False, None, dt.date(2020, 1, 1)),
    }
    divisions, errors = _read(
        "code,name,parent_code,successor_code\n"
        "330999001,某镇,,\n"  # its county is nowhere
        "330902001,解放街道,330000,\n"  # a township directly under a province
        "330000,浙江省,100000,\n"  # a province under anything
        "330902002,昌国街道,,330902\n"  # a township merged into a county
        "330902003,环南街道,,330902099\n"  # merged into nothing known
        "330902004,城东街道,,330902005\n"
        "330902005,盐仓街道,,330902004\n"  # and back: a cycle
        "330905,旧县改名,,\n"  # the record says it was merged in 2020
        "330905001,新镇,,\n"  # under a county merged away
        "330902,定海区,330000,\n"  # moved before its current version took effect (2024-06-01)
    )
    assert errors == []
    found = [(e.row, e.column, e.error.code) for e in check(divisions, recorded, DAY, TODAY)]
    assert found == [
        (2, "上级区划代码", "REGION_PARENT_UNKNOWN"),
        (3, "上级区划代码", "REGION_LEVEL_MISMATCH"),
        (4, "上级区划代码", "REGION_LEVEL_MISMATCH"),
        (5, "并入区划代码", "REGION_LEVEL_MISMATCH"),
        (6, "并入区划代码", "REGION_SUCCESSOR_UNKNOWN"),
        (7, "并入区划代码", "REGION_SUCCESSOR_CYCLE"),
        (8, "并入区划代码", "REGION_SUCCESSOR_CYCLE"),
        (9, "区划代码", "REGION_ENDED"),
        (10, "上级区划代码", "REGION_ENDED"),
        (11, "区划代码", "REGION_DATE_INVALID"),
    ]
    future = check(divisions[:1], recorded, TODAY + dt.timedelta(days=1), TODAY)
    assert [(e.row, e.error.code) for e in future] == [(None, "REGION_DATE_INVALID")]


# --- Importing for real -------------------------------------------------------------------------


async def test_the_sample_file_loads_and_a_second_import_changes_nothing(db):
    report = await _import(db, SAMPLE)
    assert report.errors == [] and report.summary().startswith("28 changed")
    regions = await _regions(db)
    assert regions["330902001"].level is RegionLevel.TOWNSHIP and regions["330902001"].key_township
    assert regions["330902001"].parent_id == regions["330902"].id
    assert regions["330902"].parent_id == regions["330900"].id and regions["330900"].parent_id == regions["330000"].id
    assert regions["330922"].valid_from == DAY and not regions["330902002"].key_township
    async with db() as session:
        audited = await session.scalar(sa.select(sa.func.count()).where(AuditRecord.action == "region.create"))
    assert audited == 28

    again = await _import(db, SAMPLE, on=dt.date(2025, 1, 1))
    assert again.errors == [] and again.summary().startswith("0 changed")
    assert {c: (r.name, r.parent_id, r.valid_from) for c, r in (await _regions(db)).items()} == {
        c: (r.name, r.parent_id, r.valid_from) for c, r in regions.items()
    }


async def test_an_xlsx_with_english_headers_and_numeric_cells_loads(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "key_township"])
    for code, name, key in ((330000, "浙江省", None), (330900, "舟山市", None), (330922, "嵊泗县", None), (330922100.0, "菜园镇", "是")):
        sheet.append([code, name, key])
    book.save(tmp_path / "regions.xlsx")
    report = await _import(db, tmp_path / "regions.xlsx")
    assert report.errors == [] and len(report.changes) == 4
    regions = await _regions(db)
    assert regions["330922100"].parent_id == regions["330922"].id and regions["330922100"].key_township


async def test_one_bad_row_and_nothing_is_written(db, tmp_path):
    path = _csv(tmp_path, "区划代码,名称\n330000,浙江省\n330900,舟山市\n330902001,解放街道\n")  # 定海区 missing
    report = await _import(db, path)
    assert _errors(report) == [(4, "上级区划代码", "REGION_PARENT_UNKNOWN")]
    assert await _regions(db) == {}


async def test_unreadable_files_are_refused(db, tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("区划代码,名称\n330000,浙江省\n".encode("gbk"))
    for path in (gbk, _csv(tmp_path, "code,name\n", "regions.txt"), _csv(tmp_path, "not a workbook", "fake.xlsx")):
        assert _errors(await _import(db, path)) == [(None, None, "REGION_FILE_UNREADABLE")]


async def test_rename_move_and_merge_become_dated_versions(db, public_api, tmp_path):
    await _import(db, SAMPLE)
    change = dt.date(2025, 3, 1)
    path = _csv(tmp_path, (
        "code,name,parent_code,successor_code,key_township\n"
        "330902100,白泉镇（更名）,,,\n"  # renamed
        "330921102,衢山镇,330902,,\n"  # moved to another county
        "330902102,干览镇,,330902100,\n"  # merged
        "330902002,昌国街道,,,是\n"  # made a key township: a flag, not a version
    ))
    report = await _import(db, path, on=change)
    assert report.errors == [] and report.summary().startswith("4 changed")
    again = await _import(db, path, on=change)
    assert again.summary().startswith("0 changed")

    renamed = (await public_api(HISTORY, {"code": "330902100"}))["regions"]["edges"][0]["node"]
    assert renamed["name"] == "白泉镇（更名）" and renamed["endedOn"] is None
    assert [(v["name"], v["validFrom"], v["validUntil"]) for v in renamed["history"]] == [
        ("白泉镇", "2024-01-01", "2025-03-01"), ("白泉镇（更名）", "2025-03-01", None)]
    moved = (await public_api(HISTORY, {"code": "330921102"}))["regions"]["edges"][0]["node"]
    assert moved["parent"]["code"] == "330902" and [v["parent"]["code"] for v in moved["history"]] == ["330921", "330902"]
    merged = (await public_api(HISTORY, {"code": "330902102"}))["regions"]["edges"][0]["node"]
    assert merged["endedOn"] == "2025-03-01" and merged["successor"] == {"code": "330902100", "name": "白泉镇（更名）"}
    assert [(v["name"], v["validUntil"]) for v in merged["history"]] == [("干览镇", "2025-03-01")]

    current = "query($c: Boolean) { regions(filter: {current: $c, level: TOWNSHIP}, first: 100) { edges { node { code } } } }"
    codes = lambda data: {e["node"]["code"] for e in data["regions"]["edges"]}
    assert "330902102" not in codes(await public_api(current, {"c": True}))
    assert codes(await public_api(current, {"c": False})) == {"330902102"}
    assert len(codes(await public_api(current, {"c": None}))) == 22
    assert (await _regions(db))["330902002"].key_township

    refused = await _import(db, _csv(tmp_path, "code,name\n330902102,干览镇（恢复）\n", "revive.csv"), on=change)
    assert _errors(refused) == [(2, "区划代码", "REGION_ENDED")]
    early = await _import(db, _csv(tmp_path, "code,name\n330902100,白泉镇\n", "early.csv"), on=dt.date(2025, 1, 1))
    assert _errors(early) == [(2, "区划代码", "REGION_DATE_INVALID")]


async def test_a_same_day_correction_replaces_that_days_version(db, tmp_path):
    await _import(db, SAMPLE)
    for name in ("白泉镇一", "白泉镇二"):
        await _import(db, _csv(tmp_path, f"code,name\n330902100,{name}\n"), on=dt.date(2025, 3, 1))
    async with db() as session:
        versions = (await session.execute(sa.select(RegionVersion.name, RegionVersion.valid_from, RegionVersion.valid_until))).all()
    assert versions == [("白泉镇", DAY, dt.date(2025, 3, 1))]
    assert (await _regions(db))["330902100"].name == "白泉镇二"


async def test_an_old_case_keeps_its_township_after_the_township_is_merged(demo, api, tmp_path):
    async with demo() as session:
        case_id, township = (await session.execute(
            sa.select(Case.id, Region).join(Entity, Entity.id == Case.entity_id).join(Region, Region.id == Entity.region_id)
            .where(Region.level == RegionLevel.TOWNSHIP).order_by(Case.id).limit(1)
        )).one()
        survivor = await session.scalar(
            sa.select(Region).where(Region.parent_id == township.parent_id, Region.id != township.id, Region.level == RegionLevel.TOWNSHIP).limit(1)
        )
    path = _csv(tmp_path, f"code,name,successor_code\n{township.code},{township.name},{survivor.code}\n")
    report = await _import(demo, path, on=TODAY)
    assert report.errors == [] and report.summary().startswith("1 changed")

    query = """query($id: ID!) { node(id: $id) { ... on Case { entity { region {
      code name endedOn successor { code } history { name validFrom validUntil } } } } } }"""
    region = (await api(query, {"id": global_id("Case", case_id)}))["node"]["entity"]["region"]
    assert region == {
        "code": township.code, "name": township.name, "endedOn": TODAY.isoformat(), "successor": {"code": survivor.code},
        "history": [{"name": township.name, "validFrom": None, "validUntil": TODAY.isoformat()}],
    }


# --- The command itself -------------------------------------------------------------------------


def _zhifa(database_url: str, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from zhifa.schema.cli import app; app()", "regions", "import", *args]
    return subprocess.run(command, check=False, env={**os.environ, "ZHIFA_DATABASE_URL": database_url, "COLUMNS": "200"}, capture_output=True, text=True)


async def test_the_command_imports_reports_and_refuses(db, database_url, tmp_path):
    first = _zhifa(database_url, str(SAMPLE), "--on", "2024-01-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("28 changed") and "生效日期 2024-01-01" in first.stdout
    assert _zhifa(database_url, str(SAMPLE)).stdout.startswith("0 changed")
    assert len(await _regions(db)) == 28

    bad = _zhifa(database_url, str(_csv(tmp_path, "code,name\n330902001,\n330999001,某镇\n")))
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "第 2 行“名称”：区划名称不能为空，且不超过 100 个字（NAME_INVALID）",
        "第 3 行“上级区划代码”：上级区划 330999 既不在文件中，也未登记（可在“上级区划代码”一栏写明）（REGION_PARENT_UNKNOWN）",
        "共 2 处错误，未写入任何变更。",
    ]
    assert _zhifa(database_url, str(SAMPLE), "--on", "2024-13-01").returncode == 2

"""The people workbook (zhifa people import / export): issue 12 point 4, bulk onboarding.

Every write goes through the people services, so the rows meet the API's validation; each bad row
is named by sheet, row, column and code, and nothing is written while any row is bad.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import KEY
from openpyxl import load_workbook
from typer.testing import CliRunner
from zhifa.core.catalog.sync import sync_catalog
from zhifa.core.clock import legal_today
from zhifa.core.db import make_engine, session_factory, transaction
from zhifa.core.migrate import upgrade_async
from zhifa.core.people.models import Agency, Certificate, Officer
from zhifa.core.people.onboarding import export_book, import_book
from zhifa.core.people.region_import import import_regions
from zhifa.core.people.staff import officer_by_id_number, post_officer
from zhifa.core.people.workbook import read_book, write_book
from zhifa.schema.cli import app as cli

ACTOR = "system:test-people-import"
REGIONS = Path(__file__).parents[1] / "core" / "people" / "data" / "zhoushan-regions.csv"
EXAMPLE = Path(__file__).parent / "data" / "people_example.py"


def _example_module():
    spec = importlib.util.spec_from_file_location("people_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = _example_module()


@pytest.fixture
async def regions(db):
    """An empty database holding only the catalog and the divisions of 舟山市 (loaded by the
    regions import, as a deployment would)."""
    async with db() as session, session.begin():
        report = await import_regions(session, REGIONS, dt.date(2020, 1, 1), legal_today(), ACTOR)
    assert not report.errors, report.errors
    return db


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "people.xlsx"
    write_book(path, example.example_book())
    return path


def contents(path: Path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    finally:
        workbook.close()


def unordered(path: Path) -> dict[str, list[str]]:
    """The sheets' rows regardless of order (export writes parents first, then by name)."""
    return {title: [repr(rows[0]), *sorted(map(repr, rows[1:]))] for title, rows in contents(path).items()}


async def export_to(db, path: Path) -> Path:
    async with db() as session:
        written, _ = await export_book(session, KEY)
    write_book(path, written)
    return path


async def counts(db) -> tuple[int, int, int]:
    async with db() as session:
        return tuple([await session.scalar(sa.select(sa.func.count()).select_from(t)) for t in (Agency, Officer, Certificate)])


def where(report) -> set[tuple]:
    return {(e.sheet, e.row, e.column, e.code) for e in report.errors}


def edit(path: Path, sheet: str, cells: dict[tuple[int, int], object] | None = None, append: list[list] = ()) -> None:
    workbook = load_workbook(path)
    for (row, column), value in (cells or {}).items():
        workbook[sheet].cell(row, column).value = value
    for values in append:
        workbook[sheet].append(values)
    workbook.save(path)


# --- round trip and idempotence ----------------------------------------------------------------


async def test_example_imports_into_an_empty_database_and_exports_back_unchanged(regions, book, tmp_path):
    report = await import_book(regions, ACTOR, KEY, read_book(book))
    assert not report.errors, report.errors
    assert dict(report.created) == {"机构": 2, "人员": 5, "执法证": 3} and report.unchanged == 0

    first = await export_to(regions, tmp_path / "first.xlsx")
    assert unordered(first) == unordered(book)  # file -> empty database -> file: the same rows

    again = await import_book(regions, ACTOR, KEY, read_book(first))
    assert not again.errors and again.total_created == 0 and again.unchanged == 10
    assert contents(await export_to(regions, tmp_path / "second.xlsx")) == contents(first)
    assert await counts(regions) == (2, 5, 3)


@pytest.fixture
async def empty_db(tmp_path, plugins):
    """A second, empty database (SQLite, migrated, catalog and divisions loaded): the target of a
    round trip whose source is the `demo` fixture's database."""
    url = f"sqlite+aiosqlite:///{tmp_path}/empty.db"
    await upgrade_async(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    async with transaction(sessions) as session:
        await sync_catalog(session, plugins.catalog)
        assert not (await import_regions(session, REGIONS, dt.date(2020, 1, 1), legal_today(), ACTOR)).errors
    yield sessions
    await engine.dispose()


async def test_the_demo_exported_imports_into_an_empty_database_and_exports_the_same(demo, empty_db, book, tmp_path):
    assert not (await import_book(demo, ACTOR, KEY, read_book(book))).errors  # the demo's officers have no ID numbers
    first = await export_to(demo, tmp_path / "demo.xlsx")
    report = await import_book(empty_db, ACTOR, KEY, read_book(first))
    assert not report.errors, report.errors
    assert report.created["机构"] > 20 and report.created["人员"] == 5 and report.created["执法证"] == 3
    assert contents(await export_to(empty_db, tmp_path / "again.xlsx")) == contents(first)


async def test_id_numbers_are_stored_encrypted_and_found_by_digest(regions, book):
    await import_book(regions, ACTOR, KEY, read_book(book))
    someone = example.example_book().officers[1]
    async with regions() as session:
        officer = await officer_by_id_number(session, KEY, someone.id_number)
        assert officer.name == someone.name
        assert someone.id_number not in officer.id_number_cipher


async def test_a_row_that_differs_from_the_record_is_a_conflict_and_nothing_changes(regions, book):
    await import_book(regions, ACTOR, KEY, read_book(book))
    edit(book, "人员", {(3, 1): "林海艳"})  # 林海燕 renamed in the file
    edit(book, "执法证", {(3, 6): "2030-12-31"})
    edit(book, "人员", append=[["任一", example.id_number("19920202", 99), "执法人员", example.TEAM, None, "2024-01-02"]])
    report = await import_book(regions, ACTOR, KEY, read_book(book))
    assert where(report) == {("人员", 3, "姓名", "WORKBOOK_CONFLICT"), ("执法证", 3, "有效期至", "WORKBOOK_CONFLICT")}
    assert "已登记为“林海燕”，本行为“林海艳”" in next(e.message for e in report.errors if e.column == "姓名")
    assert await counts(regions) == (2, 5, 3)  # the new officer on row 7 was rolled back with the rest


async def test_a_transfer_made_through_the_services_shows_as_conflict_on_reimport(regions, book, tmp_path):
    await import_book(regions, ACTOR, KEY, read_book(book))
    moved = example.example_book().officers[2]
    async with regions() as session, session.begin():
        officer = await officer_by_id_number(session, KEY, moved.id_number)
        bureau = (await session.scalars(sa.select(Agency).where(Agency.name == example.BUREAU))).one()
        await post_officer(session, ACTOR, officer.id, bureau.id, dt.date(2025, 1, 6))
    report = await import_book(regions, ACTOR, KEY, read_book(book))
    assert where(report) == {("人员", 4, "所属机构", "WORKBOOK_CONFLICT"), ("人员", 4, "任职日期", "WORKBOOK_CONFLICT")}
    exported = read_book(await export_to(regions, tmp_path / "now.xlsx"))
    assert next(o for o in exported.officers if o.id_number == moved.id_number).agency == example.BUREAU
    assert not (await import_book(regions, ACTOR, KEY, exported)).errors


# --- bad rows ---------------------------------------------------------------------------------------


async def test_every_bad_row_is_named_and_nothing_is_written(regions, book):
    people = example.example_book()
    bad_id = people.officers[1].id_number[:-1] + ("0" if people.officers[1].id_number[-1] != "0" else "1")
    nobody = example.id_number("19990909", 98)
    edit(book, "机构", append=[
        ["定海区金塘镇综合行政执法队", "定金塘执", "乡镇（街道）综合行政执法队", "330902101", example.BUREAU, "construction, fishery"],
        ["定海区干览镇综合行政执法队", "定干览执", "执法中队", "330902102", example.BUREAU, "market"],
    ])
    edit(book, "人员", {(3, 2): bad_id, (4, 4): "定海区不存在的执法队"}, append=[[None, example.id_number("19900101", 97), "执法人员", example.TEAM]])
    first_number = people.certificates[0].number
    edit(book, "执法证", {(2, 5): "2023-02-30", (3, 2): bad_id}, append=[
        [first_number, people.officers[0].id_number, "浙江省人民政府", "market", "2024-01-01", "2028-12-31"],
        ["浙0902B09999", people.officers[0].id_number, "浙江省人民政府", "fishery", "2024-01-01", "2028-12-31"],
        ["浙0902B09998", nobody, "浙江省人民政府", "market", "2024-01-01", "2028-12-31"],
    ])
    report = await import_book(regions, ACTOR, KEY, read_book(book))
    assert where(report) == {
        ("机构", 4, "执法领域", "DOMAIN_UNKNOWN"),
        ("机构", 5, "类别", "WORKBOOK_CELL_INVALID"),
        ("人员", 3, "公民身份号码", "ID_NUMBER_CHECKSUM"),
        ("人员", 4, "所属机构", "AGENCY_NOT_FOUND"),
        ("人员", 7, "姓名", "WORKBOOK_CELL_REQUIRED"),
        ("执法证", 2, "有效期起", "WORKBOOK_CELL_INVALID"),
        ("执法证", 5, "证号", "WORKBOOK_DUPLICATE_ROW"),
        ("执法证", 6, "执法领域", "CERTIFICATE_DOMAINS_INVALID"),
        ("执法证", 7, "持证人公民身份号码", "OFFICER_NOT_FOUND"),
    }
    # The certificates of the officers on rows 3 and 4 are not checked: they would only repeat it.
    lines = [str(e) for e in report.errors]
    assert "执法证 第 2 行 有效期起: WORKBOOK_CELL_INVALID 应为日期（如 2021-07-15），实际为“2023-02-30”" in lines
    assert f"执法证 第 5 行 证号: WORKBOOK_DUPLICATE_ROW “{first_number}”与第 2 行重复" in lines
    assert [e.row for e in report.errors] == sorted(e.row for e in report.errors if e.sheet == "机构") + sorted(
        e.row for e in report.errors if e.sheet == "人员") + sorted(e.row for e in report.errors if e.sheet == "执法证")
    assert await counts(regions) == (0, 0, 0)


async def test_a_region_code_not_on_record(regions, book):
    edit(book, "机构", {(2, 4): "330999"})
    report = await import_book(regions, ACTOR, KEY, read_book(book))
    assert where(report) == {("机构", 2, "行政区划代码", "REGION_NOT_FOUND")}  # its team and people are not checked


async def test_a_staff_admin_holds_no_certificate(regions, book):
    admin = example.example_book().officers[4]
    edit(book, "执法证", append=[["浙0902B09997", admin.id_number, "浙江省人民政府", "market", "2024-01-01", "2028-12-31"]])
    report = await import_book(regions, ACTOR, KEY, read_book(book))
    assert where(report) == {("执法证", 5, "持证人公民身份号码", "CERTIFICATE_NOT_FOR_ROLE")}


def test_a_missing_sheet_or_column_or_a_file_that_is_no_workbook(book, tmp_path):
    workbook = load_workbook(book)
    del workbook["执法证"]
    workbook["人员"].delete_cols(6)  # 任职日期
    workbook.save(book)
    problems = {(e.sheet, e.row, e.code, e.message) for e in read_book(book).errors}
    assert problems == {
        ("执法证", None, "WORKBOOK_INVALID", "缺少此工作表"),
        ("人员", None, "WORKBOOK_INVALID", "缺少列“任职日期 posted_on”"),
    }
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    assert [e.code for e in read_book(junk).errors] == ["WORKBOOK_INVALID"]


def test_headers_by_chinese_label_in_any_order_and_choices_by_code(book):
    workbook = load_workbook(book)
    sheet = workbook["人员"]
    sheet.move_range("A1:A6", cols=7)  # 姓名 moved to the end, headed by its label alone
    sheet.cell(1, 8).value = "姓名"
    sheet.cell(2, 3).value = "agency_head"
    workbook.save(book)
    read = read_book(book)
    assert not read.errors and read.officers == example.example_book().officers


# --- the command line ------------------------------------------------------------------------------


def environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"ZHIFA_DATABASE_URL": database_url, "ZHIFA_DATA_KEY": KEY.key.hex(), "ZHIFA_PLUGINS_FILE": str(tmp_path / "absent.toml")}


def zhifa(database_url: str, tmp_path: Path, *args: str):
    """The `zhifa` command in this process (typer's runner): output, exit code."""
    return CliRunner().invoke(cli, ["people", *args], env=environment(database_url, tmp_path))


def test_cli_import_twice_then_export(regions, database_url, book, tmp_path):
    # The first run is the installed console script in its own process, as a user runs it.
    first = subprocess.run(
        [str(Path(sys.executable).parent / "zhifa"), "people", "import", str(book), "--actor", ACTOR],
        env={**os.environ, **environment(database_url, tmp_path)}, capture_output=True, text=True, timeout=300, check=False,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert "新建 10 条（机构 2、人员 5、执法证 3），变更 0 条；已登记且一致 0 条。" in first.stdout

    second = zhifa(database_url, tmp_path, "import", str(book), "--actor", ACTOR)
    assert second.exit_code == 0 and "新建 0 条（机构 0、人员 0、执法证 0），变更 0 条；已登记且一致 10 条。" in second.stdout

    out = tmp_path / "exported.xlsx"
    exported = zhifa(database_url, tmp_path, "export", str(out))
    assert exported.exit_code == 0, exported.output
    assert "机构 2 行、人员 5 行、执法证 3 行" in exported.stdout and "个人信息" in exported.stderr
    assert unordered(out) == unordered(book)


def test_cli_lists_bad_rows_and_exits_1(regions, database_url, book, tmp_path):
    edit(book, "人员", {(4, 4): "定海区不存在的执法队"})
    result = zhifa(database_url, tmp_path, "import", str(book), "--actor", ACTOR)
    assert result.exit_code == 1
    assert "人员 第 4 行 所属机构: AGENCY_NOT_FOUND 所属机构“定海区不存在的执法队”未登记，也不在“机构”表中" in result.stdout
    assert "共 1 处错误，未写入任何记录。" in result.stdout

"""Catalog workbook export/import: lossless round trips and errors pinned to sheet, row, column."""

from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.progress import Progress
from typer.testing import CliRunner

from zhifa.core.catalog.loader import Problems, parse_checklists, parse_items, parse_tables, read_toml
from zhifa.core.catalog.spreadsheet import (
    CHECKLISTS,
    FACTORS,
    FACTS,
    ITEMS,
    TIERS,
    Sheet,
    export_workbook,
    import_workbook,
    write_plugin_data,
)
from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from zhifa.schema.cli.catalog import catalog_app

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
PARSERS = {"items.toml": parse_items, "discretion.toml": parse_tables, "checklists.toml": parse_checklists}


@pytest.fixture(scope="module")
def catalog():
    return PluginManager(PluginsConfig(tuple(BUILTIN))).load().catalog


@pytest.fixture(scope="module")
def full_book(catalog, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("book") / "catalog.xlsx"
    with Progress(disable=True) as progress:
        export_workbook(catalog, path, progress=progress)
    return path


@pytest.fixture(scope="module")
def construction_book(catalog, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("book") / "construction.xlsx"
    export_workbook(catalog, path, domains=["construction"])
    return path


@pytest.fixture
def book(construction_book, tmp_path) -> Path:
    """A fresh copy of the construction workbook for one test to edit."""
    return Path(shutil.copy(construction_book, tmp_path / "edited.xlsx"))


def _specs(name: str, document: dict) -> list:
    """Parsed specs without `source`, which names the file they were read from."""
    problems = Problems([])
    specs = PARSERS[name](document, name, problems)
    assert problems.found == []
    return [dataclasses.replace(spec, source="") for spec in specs]


def _column(ws, key: str) -> int:
    return next(cell.column for cell in ws[1] if str(cell.value).split()[-1] == key)


def _find_row(ws, key: str, match) -> int:
    """The first data row whose `key` cell satisfies `match` (a value or a predicate)."""
    column = _column(ws, key)
    test = match if callable(match) else (lambda v: v == match)
    return next(row for row in range(2, ws.max_row + 1) if test(ws.cell(row, column).value))


def _edit(path: Path, sheet: Sheet, find: tuple[str, object], key: str, value) -> int:
    """Set one cell of the row found by `find`; returns that row's number as Excel shows it."""
    workbook = load_workbook(path)
    ws = workbook[sheet.title]
    row = _find_row(ws, *find)
    ws.cell(row, _column(ws, key)).value = value
    workbook.save(path)
    return row


def _errors_at(path: Path, sheet: Sheet, row: int | None, key: str | None, domain: str = "construction") -> list[str]:
    result = import_workbook(path, domain)
    assert not result.ok and result.documents == {}
    label = sheet.column(key).label if key else None
    return [e.message for e in result.errors if (e.sheet, e.row, e.column) == (sheet.title, row, label)]


# --- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", sorted(BUILTIN))
def test_every_builtin_domain_round_trips_to_the_same_specs(full_book, domain):
    result = import_workbook(full_book, domain)
    assert result.errors == []
    for name in PARSERS:
        original = read_toml(PLUGINS / domain / "data" / name, Problems([]))
        assert _specs(name, tomllib.loads(result.texts[name])) == _specs(name, original), name
        assert tomllib.loads(result.texts[name]) == result.documents[name]


def test_export_keeps_money_and_rates_exact(full_book):
    workbook = load_workbook(full_book)
    ws = workbook[TIERS.title]
    row = _find_row(ws, "tier.fine_rate_min", lambda v: v is not None)
    for key in ("band", "tier.fine_rate_min", "tier.fine_rate_max"):
        assert isinstance(ws.cell(row, _column(ws, key)).value, str)  # text, never a float
    assert ws.freeze_panes == "B2"
    assert ws.cell(1, _column(ws, "tier.code")).value == "档次编码 tier.code"


def test_yes_no_and_true_false_are_all_booleans(book):
    _edit(book, ITEMS, ("code", "JZ001"), "delegable", "true")
    _edit(book, ITEMS, ("code", "JZ002"), "delegable", "FALSE")
    _edit(book, FACTS, ("facts.name", "construction_cost"), "facts.required", "是")
    result = import_workbook(book, "construction")
    assert result.errors == []
    items = {i["code"]: i for i in result.documents["items.toml"]["item"]}
    assert items["JZ001"]["delegable"] is True and items["JZ002"]["delegable"] is False


# --- errors -------------------------------------------------------------------------------------


def test_bad_penalty_kind(book):
    row = _edit(book, ITEMS, ("code", "JZ001"), "penalty_kinds", "fine, flogging")
    assert _errors_at(book, ITEMS, row, "penalty_kinds")


def test_missing_required_cell(book):
    row = _edit(book, ITEMS, ("code", "JZ003"), "name", None)
    assert _errors_at(book, ITEMS, row, "name") == ["缺少必填项"]


def test_bad_date(book):
    row = _edit(book, ITEMS, ("code", "JZ002"), "effective_from", "2021-13-45")
    [message] = _errors_at(book, ITEMS, row, "effective_from")
    assert "应为日期" in message


def test_text_in_a_number_column(book):
    row = _edit(book, TIERS, ("tier.fine_max", lambda v: v is not None), "tier.fine_max", "五万元")
    [message] = _errors_at(book, TIERS, row, "tier.fine_max")
    assert "应为数字" in message and "五万元" in message


def test_bad_boolean(book):
    row = _edit(book, ITEMS, ("code", "JZ001"), "delegable", "也许")
    assert _errors_at(book, ITEMS, row, "delegable")


def test_condition_naming_an_unknown_fact(book):
    row = _edit(book, TIERS, ("tier.when", lambda v: v is not None), "tier.when", "no_such_fact > 1")
    [message] = _errors_at(book, TIERS, row, "tier.when")
    assert "no_such_fact" in message


def test_bad_condition_syntax(book):
    row = _edit(book, FACTORS, ("factor.when", lambda v: v is not None), "factor.when", "eliminated_harm and (")
    [message] = _errors_at(book, FACTORS, row, "factor.when")
    assert "语法错误" in message


def test_bad_fact_type_is_reported_on_the_fact_row(book):
    row = _edit(book, FACTS, ("facts.name", "building_area"), "facts.type", "area")
    assert _errors_at(book, FACTS, row, "facts.type")


def test_checklist_point_pointing_at_a_missing_item(book):
    row = _edit(book, CHECKLISTS, ("point.code", "JZ-CL01-02"), "point.item", "JZ999")
    [message] = _errors_at(book, CHECKLISTS, row, "point.item")
    assert "JZ999" in message


def test_fact_of_an_unknown_item(book):
    row = _edit(book, FACTS, ("item", "JZ002"), "item", "JZ998")
    assert _errors_at(book, FACTS, row, "item")


def test_missing_sheet(book):
    workbook = load_workbook(book)
    del workbook[FACTORS.title]
    workbook.save(book)
    assert _errors_at(book, FACTORS, None, None) == ["缺少此工作表"]


def test_missing_column(book):
    workbook = load_workbook(book)
    ws = workbook[ITEMS.title]
    ws.delete_cols(_column(ws, "basis"))
    workbook.save(book)
    [message] = _errors_at(book, ITEMS, None, None)
    assert "处罚依据 basis" in message


def test_duplicate_item_code(book):
    first = _find_row(load_workbook(book)[ITEMS.title], "code", "JZ001")
    row = _edit(book, ITEMS, ("code", "JZ002"), "code", "JZ001")
    [message] = _errors_at(book, ITEMS, row, "code")
    assert f"第 {first} 行" in message


def test_domain_without_items(book):
    assert _errors_at(book, ITEMS, None, None, domain="forestry")


def test_item_without_domain(book):
    row = _edit(book, ITEMS, ("code", "JZ004"), "domain", None)
    assert _errors_at(book, ITEMS, row, "domain")


def test_write_refuses_a_result_with_errors(book, tmp_path):
    _edit(book, ITEMS, ("code", "JZ001"), "kind", "punish")
    result = import_workbook(book, "construction")
    with pytest.raises(ValueError):
        write_plugin_data(result, tmp_path / "data")
    assert not (tmp_path / "data").exists()


# --- command line -------------------------------------------------------------------------------


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    # No plugins.toml: the five built-in plug-ins, whatever the developer's local file enables.
    monkeypatch.setenv("ZHIFA_PLUGINS_FILE", str(tmp_path / "absent-plugins.toml"))
    return CliRunner()


def test_cli_export_then_import_writes_loadable_files(runner, tmp_path):
    book, data = tmp_path / "out.xlsx", tmp_path / "data"
    exported = runner.invoke(catalog_app, ["export", "-o", str(book), "--domain", "market"])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(catalog_app, ["import", str(book), "--domain", "market", "--data-dir", str(data)])
    assert imported.exit_code == 0, imported.output
    for name in PARSERS:
        original = read_toml(PLUGINS / "market" / "data" / name, Problems([]))
        assert _specs(name, read_toml(data / name, Problems([]))) == _specs(name, original)


def test_cli_failing_import_lists_the_row_and_exits_1(runner, book, tmp_path):
    row = _edit(book, ITEMS, ("code", "JZ001"), "penalty_kinds", "flogging")
    result = runner.invoke(catalog_app, ["import", str(book), "--domain", "construction", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert f"执法事项 第 {row} 行 处罚种类:" in result.output
    assert not (tmp_path / "d").exists()


def test_cli_export_rejects_an_unknown_domain(runner, tmp_path):
    result = runner.invoke(catalog_app, ["export", "-o", str(tmp_path / "x.xlsx"), "--domain", "forestry"])
    assert result.exit_code == 2 and "forestry" in result.output

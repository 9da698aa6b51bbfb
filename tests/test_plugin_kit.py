"""The plug-in kit (zhifa.schema.testing) and `zhifa plugin new`: the kit passes the built-ins, names what
is wrong with a broken package, and a freshly scaffolded package installs, loads and passes it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from zhifa.schema.testing import check_plugin, zhifa_plugin_kit  # noqa: F401  (the fixture, until pytest11 registers it)
from zhifa.schema.cli.plugins import plugin_app


def _install(project: Path, target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(project)],
        check=True,
    )


@contextmanager
def _on_path(target: Path, package: str) -> Iterator[None]:
    """Make the installed distributions' entry points visible, and forget them afterwards."""
    sys.path.insert(0, str(target))
    try:
        yield
    finally:
        sys.path.remove(str(target))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


# --- the kit on the built-ins (this is how CI checks all five) ---------------------------------


@pytest.mark.parametrize("name", BUILTIN)
def test_the_kit_passes_every_builtin_plugin(name):
    assert check_plugin(name) == []


def test_the_kit_reports_an_unknown_plugin():
    [problem] = check_plugin("no_such_plugin_anywhere")
    assert "插件 no_such_plugin_anywhere 无法加载" in problem and "未知的插件" in problem


# --- the kit on broken packages -----------------------------------------------------------------

ITEM = """
[[item]]
code = "{code}"
name = "测试事项"
kind = "penalty"
violated = "某法第一条"
basis = "某法第二条"
effective_from = 2021-07-15
penalty_kinds = ["warning"]
"""
TABLE = """
[[table]]
item = "{code}"
issuer = "测试"
[[table.tier]]
code = "normal"
name = "一般"
outcome = "penalty"
reasons = "依据某法第二条，予以警告。"
"""
CHECKLIST = """
[[checklist]]
code = "KB-CL01"
name = "测试清单"
[[checklist.point]]
code = "KB-CL01-01"
text = "是否合规"
basis = "某法第一条"
item = "{code}"
"""
MODULES = {
    "no_table.py": """
        from pathlib import Path
        from zhifa.core.hooks import DataPlugin, Domain
        plugin = DataPlugin(Domain("kit_no_table", "缺基准", "No table", "0.1"), Path(__file__).parent / "no_table")
    """,
    "dangling.py": """
        from pathlib import Path
        from zhifa.core.hooks import DataPlugin, Domain
        plugin = DataPlugin(Domain("kit_dangling", "悬空引用", "Dangling", "0.1"), Path(__file__).parent / "dangling")
    """,
    # Specs built in Python bypass the loader, which is what insists on a tier.
    "no_tiers.py": """
        import dataclasses
        from pathlib import Path
        from zhifa.core.hooks import DataPlugin, Domain, hookimpl
        class NoTiers(DataPlugin):
            @hookimpl
            def zhifa_discretion_tables(self):
                return [dataclasses.replace(t, tiers=()) for t in super().zhifa_discretion_tables()]
        plugin = NoTiers(Domain("kit_no_tiers", "无档次", "No tiers", "0.1"), Path(__file__).parent / "no_tiers")
    """,
    "no_domain.py": """
        from zhifa.core.hooks import hookimpl
        class Plugin:
            @hookimpl
            def zhifa_domains(self):
                return []
        plugin = Plugin()
    """,
    "graphql_clash.py": """
        import strawberry
        from zhifa.core.hooks import Domain, GraphQLContribution, hookimpl
        @strawberry.type
        class Extra:
            @strawberry.field
            def domains(self) -> str:
                return "mine"
        class Plugin:
            @hookimpl
            def zhifa_domains(self):
                return [Domain("kit_graphql", "字段重名", "Clash", "0.1")]
            @hookimpl
            def zhifa_graphql(self):
                return GraphQLContribution(query=[Extra])
        plugin = Plugin()
    """,
}
DATA = {
    "no_table/items.toml": ITEM.format(code="KB001"),
    "dangling/items.toml": ITEM.format(code="KB101"),
    "dangling/discretion.toml": TABLE.format(code="KB101") + TABLE.format(code="KB998"),
    "dangling/checklists.toml": CHECKLIST.format(code="KB999"),
    "no_tiers/items.toml": ITEM.format(code="KB201"),
    "no_tiers/discretion.toml": TABLE.format(code="KB201"),
}
PYPROJECT = """
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"
[project]
name = "zhifa-kit-broken-plugins"
version = "0.0.1"
[tool.setuptools]
packages = ["zhifa_kit_broken"]
[tool.setuptools.package-data]
zhifa_kit_broken = ["*/*.toml"]
[project.entry-points."zhifa.plugins"]
"""


def _write_broken_project(folder: Path) -> Path:
    package = folder / "zhifa_kit_broken"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in MODULES.items():
        (package / name).write_text(textwrap.dedent(source))
    for name, text in DATA.items():
        (package / name).parent.mkdir(exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    entry_points = [f'kit_{module[:-3]} = "zhifa_kit_broken.{module[:-3]}:plugin"' for module in MODULES]
    (folder / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT) + "\n".join(entry_points) + "\n")
    return folder


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    target = tmp_path_factory.mktemp("kit-site")
    _install(_write_broken_project(tmp_path_factory.mktemp("kit-broken")), target)
    with _on_path(target, "zhifa_kit_broken"):
        yield


def test_a_penalty_item_without_a_table_is_reported(broken):
    [problem] = check_plugin("kit_no_table")
    assert problem.startswith("插件 kit_no_table：")
    assert "no_table/items.toml" in problem and "KB001" in problem and "没有裁量基准" in problem


def test_references_to_missing_items_are_reported(broken):
    [problem] = check_plugin("kit_dangling")
    assert problem.startswith("插件 kit_dangling 无法加载")
    assert "checklists.toml" in problem and "point[KB-CL01-01].item: 事项“KB999”不存在" in problem
    assert "discretion.toml" in problem and "事项“KB998”不存在" in problem


def test_a_table_without_tiers_is_reported(broken):
    [problem] = check_plugin("kit_no_tiers")
    assert problem.startswith("插件 kit_no_tiers：") and "KB201" in problem and "没有任何裁量档次" in problem


def test_a_plugin_without_a_domain_is_reported(broken):
    assert check_plugin("kit_no_domain") == ["插件 kit_no_domain：没有声明任何执法领域（钩子 zhifa_domains 未返回 Domain）"]


def test_a_graphql_field_clashing_with_the_core_is_reported(broken):
    [problem] = check_plugin("kit_graphql_clash")
    assert "kit_graphql_clash" in problem and "Query.domains" in problem and "core" in problem


def test_the_fixture_fails_the_test_listing_the_problems(broken, zhifa_plugin_kit):
    zhifa_plugin_kit.assert_ok("market")
    with pytest.raises(pytest.fail.Exception) as caught:
        zhifa_plugin_kit.assert_ok("kit_no_table")
    assert "插件 kit_no_table 未通过检查（1 个问题）" in str(caught.value) and "KB001" in str(caught.value)


# --- zhifa plugin new ---------------------------------------------------------------------------

SCAFFOLD_FILES = {
    "pyproject.toml",
    "README.md",
    "tests/test_plugin.py",
    "zhifa_demo_x/__init__.py",
    "zhifa_demo_x/data/items.toml",
    "zhifa_demo_x/data/discretion.toml",
    "zhifa_demo_x/data/checklists.toml",
}


def _new(*args: str):
    return CliRunner().invoke(plugin_app, ["new", *args])


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    """`zhifa plugin new demo_x`, then the package installed with pip as a real distribution."""
    parent, target = tmp_path_factory.mktemp("scaffold"), tmp_path_factory.mktemp("scaffold-site")
    result = _new("demo_x", "--dir", str(parent), "--domain-zh", "演示")
    assert result.exit_code == 0, result.output
    folder = parent / "zhifa-demo_x"
    _install(folder, target)
    with _on_path(target, "zhifa_demo_x"):
        yield folder, target


def test_new_writes_the_package_files(scaffolded):
    folder, _ = scaffolded
    assert {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "build" not in p.parts and ".egg-info" not in str(p)} == SCAFFOLD_FILES
    pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points."zhifa.plugins"]\ndemo_x = "zhifa_demo_x:plugin"' in pyproject
    assert 'dependencies = ["zhifa"]' in pyproject and '"data/*.toml"' in pyproject
    assert "示例" in (folder / "zhifa_demo_x/data/items.toml").read_text(encoding="utf-8")
    assert 'zhifa_plugin_kit.assert_ok("demo_x"' in (folder / "tests/test_plugin.py").read_text(encoding="utf-8")


def test_the_scaffolded_package_loads_through_its_entry_point_and_passes_the_kit(scaffolded):
    manager = PluginManager(PluginsConfig(("demo_x",))).load()
    assert manager.loaded["demo_x"].source.startswith("zhifa-demo")
    assert manager.catalog.domains["demo_x"].name_zh == "演示"
    assert check_plugin("demo_x") == []
    assert check_plugin("demo_x", with_builtins=True) == []


def test_the_scaffolded_test_passes(scaffolded):
    folder, target = scaffolded
    # Once zhifa registers zhifa.schema.testing as its pytest11 plug-in, -p would register it twice.
    registered = any(ep.name == "zhifa" for ep in metadata.entry_points(group="pytest11"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *([] if registered else ["-p", "zhifa.schema.testing"])],
        cwd=folder, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


@pytest.mark.parametrize("name", ["Demo", "1demo", "demo-x", "演示", "d" * 31, "market"])
def test_new_refuses_an_invalid_name(tmp_path, name):
    result = _new(name, "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert f"插件名称“{name}”" in result.output and ("无效" in result.output or "内置插件重名" in result.output)
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_an_existing_folder(tmp_path):
    existing = tmp_path / "zhifa-demo_y"
    existing.mkdir()
    (existing / "README.md").write_text("部门自己的说明")
    result = _new("demo_y", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "已存在" in result.output
    assert [p.name for p in existing.iterdir()] == ["README.md"]
    assert (existing / "README.md").read_text() == "部门自己的说明"

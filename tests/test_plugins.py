"""Plug-in loading: a third-party distribution found through its entry point, and every way a
broken plug-in stops start-up with one message naming it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import pip_installed
from zhifa.core.plugin_manager import BUILTIN, PluginError, PluginManager, PluginsConfig
from zhifa.schema.build import build_schema

ROOT = Path(__file__).resolve().parent.parent

BROKEN = {
    "import_error.py": "import no_such_module_anywhere\n",
    "raises.py": """
        from zhifa.core.hooks import hookimpl
        class Plugin:
            @hookimpl
            def zhifa_domains(self):
                raise RuntimeError("boom")
        plugin = Plugin()
    """,
    "typo.py": """
        from zhifa.core.hooks import hookimpl
        class Plugin:
            @hookimpl
            def zhifa_domain(self):
                return []
        plugin = Plugin()
    """,
    "async_data.py": """
        from zhifa.core.hooks import hookimpl
        class Plugin:
            @hookimpl
            async def zhifa_domains(self):
                return []
        plugin = Plugin()
    """,
    "bad_data.py": """
        from pathlib import Path
        from zhifa.core.hooks import DataPlugin, Domain
        plugin = DataPlugin(Domain("baddata", "坏数据", "Bad data", "0.1"), Path(__file__).parent / "bad_data")
    """,
    "clash.py": """
        from zhifa.core.hooks import DataPlugin, Domain
        from pathlib import Path
        plugin = DataPlugin(Domain("market", "重复", "Clash", "0.1"), Path(__file__).parent / "nothing")
    """,
    "graphql_a.py": """
        import strawberry
        from zhifa.core.hooks import GraphQLContribution, hookimpl
        @strawberry.type
        class Extra:
            @strawberry.field
            def hello(self) -> str:
                return "a"
        class Plugin:
            @hookimpl
            def zhifa_graphql(self):
                return GraphQLContribution(query=[Extra])
        plugin = Plugin()
    """,
}
BROKEN["graphql_b.py"] = BROKEN["graphql_a.py"]
BAD_ITEMS = """
[[item]]
code = "BD001"
name = "坏事项"
kind = "penalty"
violated = "某法第一条"
basis = "某法第二条"
effective_from = 2021-07-15
penalty_kinds = ["fine", "flogging"]
"""


def _write_broken_project(folder: Path) -> Path:
    package = folder / "zhifa_broken"
    (package / "bad_data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for name, source in BROKEN.items():
        (package / name).write_text(textwrap.dedent(source))
    (package / "bad_data" / "items.toml").write_text(BAD_ITEMS, encoding="utf-8")
    entry_points = {
        "broken_import": "zhifa_broken.import_error:plugin",
        "broken_raises": "zhifa_broken.raises:plugin",
        "broken_typo": "zhifa_broken.typo:plugin",
        "broken_data": "zhifa_broken.bad_data:plugin",
        "broken_async": "zhifa_broken.async_data:plugin",
        "broken_clash": "zhifa_broken.clash:plugin",
        "graphql_a": "zhifa_broken.graphql_a:plugin",
        "graphql_b": "zhifa_broken.graphql_b:plugin",
    }
    lines = "\n".join(f'{k} = "{v}"' for k, v in entry_points.items())
    (folder / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [build-system]
            requires = ["setuptools>=61"]
            build-backend = "setuptools.build_meta"
            [project]
            name = "zhifa-broken-plugins"
            version = "0.0.1"
            [tool.setuptools]
            packages = ["zhifa_broken"]
            [tool.setuptools.package-data]
            zhifa_broken = ["bad_data/*.toml"]
            [project.entry-points."zhifa.plugins"]
            """
        )
        + lines
        + "\n"
    )
    return folder


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Install the example and the broken plug-ins with pip, as real distributions."""
    broken = _write_broken_project(tmp_path_factory.mktemp("broken"))
    projects = [ROOT / "examples" / "zhifa-forestry", broken]
    with pip_installed(tmp_path_factory.mktemp("site"), projects, ("zhifa_broken", "zhifa_forestry")) as target:
        yield target


def test_third_party_plugin_is_found_through_its_entry_point(installed):
    manager = PluginManager(PluginsConfig(("construction", "forestry"))).load()
    assert manager.loaded["forestry"].source == "zhifa-forestry 0.1.0"
    assert "forestry" in manager.catalog.domains
    assert {"LY001", "LY002"} <= manager.catalog.items.keys()
    assert manager.catalog.items["LY001"].domain == "forestry"


def test_third_party_domain_appears_in_the_schema_query(installed):
    manager = PluginManager(PluginsConfig((*BUILTIN, "forestry"))).load()
    result = build_schema(manager).execute_sync("{ domains { code } }", context_value=type("C", (), {"plugins": manager})())
    assert "forestry" in [d["code"] for d in result.data["domains"]]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_such_plugin", "未知的插件"),
        ("broken_import", "导入失败：ModuleNotFoundError"),
        ("broken_raises", "钩子 zhifa_domains 出错：RuntimeError: boom"),
        ("broken_typo", "钩子实现不符合约定"),
        ("broken_async", "钩子 zhifa_domains 不能是 async 函数"),
        ("broken_data", "penalty_kinds"),
        ("broken_clash", "领域代码“market”已由插件 market 提供"),
    ],
)
def test_a_broken_plugin_stops_startup_naming_it(installed, name, message):
    with pytest.raises(PluginError) as caught:
        PluginManager(PluginsConfig(("market", name))).load()
    assert caught.value.plugin == name
    assert str(caught.value).startswith(f"插件 {name} 无法加载")
    assert message in str(caught.value)


def test_invalid_data_names_file_entry_and_key(installed):
    with pytest.raises(PluginError) as caught:
        PluginManager(PluginsConfig(("broken_data",))).load()
    assert "bad_data/items.toml: item[0] (BD001).penalty_kinds" in str(caught.value)


def test_graphql_field_clash_names_both_plugins(installed):
    manager = PluginManager(PluginsConfig(("graphql_a", "graphql_b"))).load()
    with pytest.raises(PluginError) as caught:
        build_schema(manager)
    assert "Query.hello" in str(caught.value) and "graphql_a" in str(caught.value) and caught.value.plugin == "graphql_b"


def test_plugins_toml_settings_for_a_disabled_plugin_are_refused(tmp_path):
    config = tmp_path / "plugins.toml"
    config.write_text('[plugins]\nenabled = ["market"]\n[plugins.settings.ecology]\nx = 1\n')
    with pytest.raises(PluginError, match="未启用的插件"):
        PluginsConfig.read(config)


def test_the_builtin_plugins_meet_the_catalog_counts(plugins):
    """Issue 3's floor: 15 items, a table per penalty item, two checklists of eight points per domain."""
    catalog = plugins.catalog
    for domain in BUILTIN:
        items = [i for i in catalog.items.values() if i.domain == domain]
        assert len(items) >= 15, domain
        assert all(i.code in catalog.tables for i in items if i.kind == "penalty"), domain
        checklists = [c for c in catalog.checklists.values() if c.domain == domain]
        assert len(checklists) >= 2 and all(len(c.points) >= 8 for c in checklists), domain

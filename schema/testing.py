"""The plug-in kit: lets a department check its package the way zhifa will load it.

Usable three ways: `check_plugin(name)` returns the problems (empty = good); the pytest fixture
`zhifa_plugin_kit` offers `.assert_ok(name)`; and this module is zhifa's pytest plug-in (entry
point `pytest11: zhifa`), so the fixture is available in any project that has zhifa installed.

Because pytest imports this module at start-up in *every* such project, it imports nothing of
zhifa at module level: the plug-in manager and the schema are imported when a check runs.

What the kit checks, on top of everything the core refuses at start-up (invalid data files,
a discretion table or a checklist point naming an item that does not exist, clashing codes):
the plug-in declares a domain, every penalty item has a discretion table, every table has a tier,
and the plug-in's GraphQL contribution builds into one schema with the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from zhifa.core.plugin_manager import PluginManager

__all__ = ["PluginKit", "check_plugin", "zhifa_plugin_kit"]


def check_plugin(name: str, *, with_builtins: bool = False) -> list[str]:
    """Load plug-in `name` (built-in or entry point) and return every problem found, in Chinese.

    `with_builtins` loads the five built-in plug-ins alongside, as production does, so codes,
    domains or GraphQL fields that clash with theirs are reported too.
    """
    from zhifa.core.plugin_manager import PluginError, PluginManager, PluginsConfig

    manager = PluginManager(PluginsConfig(_enabled(name, with_builtins)))
    try:
        manager.load()
    except PluginError as exc:
        # Nothing further can be checked on a plug-in the core refuses; the message lists every
        # data problem the loader found, each with its file and entry.
        return [str(exc)]
    return _catalog_problems(manager, name) + _graphql_problems(manager, name)


def _enabled(name: str, with_builtins: bool) -> tuple[str, ...]:
    from zhifa.core.plugin_manager import BUILTIN

    if not with_builtins:
        return (name,)
    return tuple(BUILTIN) if name in BUILTIN else (*BUILTIN, name)


def _catalog_problems(manager: PluginManager, name: str) -> list[str]:
    """The rules the core does not enforce at start-up but a complete plug-in must meet."""
    catalog = manager.catalog
    domains = [code for code, owner in catalog.domain_plugin.items() if owner == name]
    if not domains:  # then the core has refused any item it shipped, so nothing else to check
        return [f"插件 {name}：没有声明任何执法领域（钩子 zhifa_domains 未返回 Domain）"]
    problems: list[str] = []
    for code, owner in catalog.item_plugin.items():
        item = catalog.items[code]
        if owner == name and item.kind == "penalty" and code not in catalog.tables:
            problems.append(f"插件 {name}：{item.source}: 处罚类事项 {code} 没有裁量基准（discretion.toml 中缺少 item = \"{code}\" 的 [[table]]）")
    for table in catalog.tables.values():
        # Tables read from TOML always have a tier (the loader insists); a plug-in that builds
        # its specs in Python bypasses the loader, so the kit checks again.
        if catalog.item_plugin.get(table.item) == name and not table.tiers:
            problems.append(f"插件 {name}：{table.source or table.item}: 事项 {table.item} 的裁量基准没有任何裁量档次")
    return problems


def _graphql_problems(manager: PluginManager, name: str) -> list[str]:
    from zhifa.core.plugin_manager import PluginError
    from zhifa.schema.build import build_schema

    try:
        build_schema(manager)
    except PluginError as exc:  # a field that clashes with the core or another plug-in
        return [str(exc)]
    except Exception as exc:  # strawberry refusing the contributed types
        return [f"插件 {name}：GraphQL 贡献无法与核心一起构建模式：{type(exc).__name__}: {exc}"]
    return []


class PluginKit:
    """What the `zhifa_plugin_kit` fixture hands a test."""

    def check(self, name: str, *, with_builtins: bool = False) -> list[str]:
        return check_plugin(name, with_builtins=with_builtins)

    def assert_ok(self, name: str, *, with_builtins: bool = False) -> None:
        problems = self.check(name, with_builtins=with_builtins)
        if problems:
            # pytrace=False: the department needs the list of problems, not the kit's traceback.
            pytest.fail(f"插件 {name} 未通过检查（{len(problems)} 个问题）：\n" + "\n".join(f"- {p}" for p in problems), pytrace=False)


@pytest.fixture
def zhifa_plugin_kit() -> PluginKit:
    """Checks a zhifa plug-in: `zhifa_plugin_kit.assert_ok("forestry")`."""
    return PluginKit()

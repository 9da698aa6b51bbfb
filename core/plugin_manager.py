"""Loading plug-ins: built-ins by module, third parties through the `zhifa.plugins` entry points.

Each plug-in loads inside its own guard and any failure stops start-up with one message naming
the plug-in. Core code calls hooks through `PluginManager` methods, never `pm.hook.*` strings.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import logging
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pluggy

from zhifa.core.catalog.loader import DataFileError
from zhifa.core.catalog.registry import Catalog, CatalogError, Contribution, build_catalog
from zhifa.core.hooks import PROJECT, CaseAction, CaseEvent, GraphQLContribution, Specs
from zhifa.core.inspections.scenarios import ScenarioSpec, builtin as builtin_scenarios, point_index, problems as scenario_problems
from zhifa.core.errors import ErrorCode, UserError

log = logging.getLogger("zhifa.plugins")

ENTRY_POINT_GROUP = "zhifa.plugins"
BUILTIN = {
    "construction": "zhifa.plugins.construction:plugin",
    "market": "zhifa.plugins.market:plugin",
    "ecology": "zhifa.plugins.ecology:plugin",
    "transport": "zhifa.plugins.transport:plugin",
    "agriculture": "zhifa.plugins.agriculture:plugin",
}
AWAITED_HOOKS = {"zhifa_case_event"}  # the only hook whose result the core awaits


class PluginError(Exception):
    """A plug-in that cannot load. Start-up stops with this message."""

    def __init__(self, plugin: str, message: str):
        super().__init__(f"插件 {plugin} 无法加载：{message}")
        self.plugin = plugin


@dataclass(frozen=True)
class PluginsConfig:
    enabled: tuple[str, ...]
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> PluginsConfig:
        """`plugins.toml`; without one, the five built-in plug-ins with no settings."""
        if not path.exists():
            return cls(tuple(BUILTIN))
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PluginError("（配置）", f"{path} 不是有效的 TOML：{exc}") from None
        section = document.get("plugins", {})
        enabled, settings = section.get("enabled", []), section.get("settings", {})
        if not isinstance(enabled, list) or not all(isinstance(n, str) for n in enabled):
            raise PluginError("（配置）", f"{path}: [plugins].enabled 应为插件名称列表")
        if not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
            raise PluginError("（配置）", f"{path}: [plugins.settings.<名称>] 应为表")
        for name in settings.keys() - set(enabled):
            raise PluginError(name, f"{path} 为未启用的插件提供了设置")
        return cls(tuple(enabled), settings)


@dataclass(frozen=True)
class LoadedPlugin:
    name: str
    version: str
    source: str  # "内置" or the distribution that provides the entry point


class PluginManager:
    def __init__(self, config: PluginsConfig, *, trace: bool = False):
        self.config, self.trace = config, trace
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(Specs)
        self.loaded: dict[str, LoadedPlugin] = {}
        self.catalog = Catalog()
        self._scenarios: tuple[ScenarioSpec, ...] = ()
        self._migrations: tuple[tuple[str, Path], ...] = ()

    def load(self) -> PluginManager:
        entry_points = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
        for name in self.config.enabled:
            self._register(name, entry_points)
        for name in self.loaded:
            self._call_one(name, "zhifa_configure", settings=self.config.settings.get(name, {}))
        self.catalog = self._build_catalog()
        self._scenarios = self._check_scenarios()
        self._migrations = self._check_migrations()
        return self

    def _register(self, name: str, entry_points: Mapping[str, metadata.EntryPoint]) -> None:
        if name in self.loaded:
            raise PluginError(name, "在 plugins.toml 中重复启用")
        if name in BUILTIN and name in entry_points:
            raise PluginError(name, f"与内置插件同名（入口点来自 {_dist_label(entry_points[name])}）")
        if name not in BUILTIN and name not in entry_points:
            raise PluginError(name, f"未知的插件：既不是内置插件，也没有已安装的包在入口点组 {ENTRY_POINT_GROUP} 中提供它")
        try:
            if name in BUILTIN:
                module, _, attr = BUILTIN[name].partition(":")
                plugin, source = getattr(importlib.import_module(module), attr), "内置"
            else:
                plugin, source = entry_points[name].load(), _dist_label(entry_points[name])
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(name, f"钩子实现不符合约定：{exc}") from exc
        except ModuleNotFoundError as exc:
            raise PluginError(name, f"导入失败：{type(exc).__name__}: {exc}{_old_import_hint(exc.name)}") from exc
        except Exception as exc:  # an import error or anything a broken package raises
            raise PluginError(name, f"导入失败：{type(exc).__name__}: {exc}") from exc
        for caller in self.pm.get_hookcallers(plugin) or ():
            if caller.name not in AWAITED_HOOKS and any(inspect.iscoroutinefunction(i.function) for i in caller.get_hookimpls() if i.plugin is plugin):
                raise PluginError(name, f"钩子 {caller.name} 不能是 async 函数：pluggy 是同步的，只有 {'、'.join(sorted(AWAITED_HOOKS))} 的结果会被等待")
        self.loaded[name] = LoadedPlugin(name, _version(plugin, entry_points.get(name)), source)

    def _call_one(self, plugin_name: str, hook: str, **kwargs: Any) -> Any:
        """Call one plug-in's implementation of a hook, guarded and optionally traced."""
        caller: Callable[..., Any] = self.pm.subset_hook_caller(
            hook, remove_plugins=[p for n, p in self.pm.list_name_plugin() if n != plugin_name]
        )
        if self.trace:
            log.info("hook %s -> %s(%s)", plugin_name, hook, ", ".join(kwargs))
        try:
            results = caller(**kwargs)
        except (DataFileError, CatalogError) as exc:
            raise PluginError(plugin_name, f"数据文件有误：\n{exc}") from exc
        except Exception as exc:
            raise PluginError(plugin_name, f"钩子 {hook} 出错：{type(exc).__name__}: {exc}") from exc
        if self.trace:
            log.info("hook %s <- %s: %d result(s)", plugin_name, hook, len(results))
        return results

    def _collect(self, plugin_name: str, hook: str) -> tuple[Any, ...]:
        return tuple(x for batch in self._call_one(plugin_name, hook) for x in (batch or ()))

    def _build_catalog(self) -> Catalog:
        contributions = [
            Contribution(
                plugin=name,
                domains=self._collect(name, "zhifa_domains"),
                items=self._collect(name, "zhifa_catalog_items"),
                tables=self._collect(name, "zhifa_discretion_tables"),
                checklists=self._collect(name, "zhifa_checklists"),
            )
            for name in self.loaded
        ]
        try:
            return build_catalog(contributions)
        except CatalogError as exc:
            raise PluginError(exc.plugin, "数据有误：\n" + "\n".join(exc.problems)) from exc

    def _check_scenarios(self) -> tuple[ScenarioSpec, ...]:
        """The plug-ins' scenarios, cross-checked once against the catalog: every point loaded, two
        domains at least, the lead among them, codes unique with the built-in file's."""
        index, kept = point_index(self.catalog), []
        owner = {s.code: "内置场景文件" for s in builtin_scenarios()}
        for name in self.loaded:
            for spec in self._collect(name, "zhifa_scenarios"):
                spec = spec if spec.where else dataclasses.replace(spec, where=f"zhifa_scenarios: {spec.code}")
                found = scenario_problems(spec, self.catalog, index)
                if spec.code in owner:
                    found.append(f"{spec.where}.code: 场景代码“{spec.code}”已由{owner[spec.code]}使用")
                if found:
                    raise PluginError(name, "数据有误：\n" + "\n".join(found))
                owner[spec.code] = f"插件 {name} "
                kept.append(spec)
        return tuple(kept)

    def _check_migrations(self) -> tuple[tuple[str, Path], ...]:
        folders = tuple((name, Path(p)) for name in self.loaded for p in self._call_one(name, "zhifa_migrations"))
        for name, folder in folders:
            if not folder.is_dir():
                raise PluginError(name, f"钩子 zhifa_migrations 返回的 {folder} 不是文件夹")
        return folders

    # The typed facade the rest of the core calls.

    def graphql_contributions(self) -> list[tuple[str, GraphQLContribution]]:
        return [(name, c) for name in self.loaded for c in self._call_one(name, "zhifa_graphql")]

    def error_code_enums(self) -> list[type[ErrorCode]]:
        """The plug-ins' ErrorCode enums, as their GraphQL contributions list them."""
        enums = []
        for name, contribution in self.graphql_contributions():
            for enum in contribution.error_codes:
                if not (isinstance(enum, type) and issubclass(enum, ErrorCode)):
                    raise PluginError(name, f"GraphQLContribution.error_codes 应为 ErrorCode 枚举，收到 {enum!r}")
                enums.append(enum)
        return enums

    def scenarios(self) -> list[ScenarioSpec]:
        """The plug-ins' scenarios as validated by `load()` (the built-in file's are not included)."""
        return list(self._scenarios)

    def migration_folders(self) -> list[tuple[str, Path]]:
        return list(self._migrations)

    def case_checks(self, action: CaseAction) -> list[UserError]:
        return [
            error
            for name in self.loaded
            for batch in self._call_one(name, "zhifa_case_checks", action=action)
            for error in batch or ()
        ]

    async def case_event(self, event: CaseEvent) -> None:
        """Tell every plug-in about a committed step. The step stands whatever a plug-in does, so a
        failing plug-in is logged, not raised."""
        for name in self.loaded:
            try:
                for result in self._call_one(name, "zhifa_case_event", event=event):
                    if inspect.isawaitable(result):
                        await result
            except Exception:  # a plug-in's integration must not undo or hide a committed step
                log.exception("plug-in %s failed on case event %s of %s", name, event.kind, event.case_number)


def _dist_label(ep: metadata.EntryPoint) -> str:
    return f"{ep.dist.name} {ep.dist.version}" if ep.dist else ep.value


def _version(plugin: Any, ep: metadata.EntryPoint | None) -> str:
    domain = getattr(plugin, "domain", None)
    if domain is not None:
        return domain.version
    return ep.dist.version if ep is not None and ep.dist else "?"


OLD_TOP_LEVEL = ("core", "schema", "plugins", "migrations")


def _old_import_hint(missing: str | None) -> str:
    """zhifa's packages were importable as `core`, `schema`, ... before 0.2; now only as `zhifa.*`."""
    top = (missing or "").partition(".")[0]
    if top not in OLD_TOP_LEVEL:
        return ""
    return f"（zhifa 的模块自 0.2 起只以 zhifa.{top} 导入：请把 `from {top}.…` 改为 `from zhifa.{top}.…`，见 docs/plugin-hooks.md）"

"""The catalog assembled from every loaded plug-in, cross-checked as a whole."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from zhifa.core.catalog import conditions
from zhifa.core.catalog.spec import ChecklistSpec, FixedFine, ItemSpec, ProportionalFine, StatutoryBound, TableSpec
from zhifa.core.hooks import Domain


@dataclass(frozen=True)
class Contribution:
    """What one plug-in returned from the data hooks."""

    plugin: str
    domains: tuple[Domain, ...]
    items: tuple[ItemSpec, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    checklists: tuple[ChecklistSpec, ...] = ()


@dataclass
class Catalog:
    domains: dict[str, Domain] = field(default_factory=dict)
    domain_plugin: dict[str, str] = field(default_factory=dict)
    items: dict[str, ItemSpec] = field(default_factory=dict)
    item_plugin: dict[str, str] = field(default_factory=dict)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    checklists: dict[str, ChecklistSpec] = field(default_factory=dict)


class CatalogError(Exception):
    def __init__(self, plugin: str, problems: list[str]):
        super().__init__("\n".join(problems))
        self.plugin, self.problems = plugin, problems


def build_catalog(contributions: Iterable[Contribution]) -> Catalog:
    catalog = Catalog()
    for c in contributions:
        problems: list[str] = []
        _add_domains(catalog, c, problems)
        _add_items(catalog, c, problems)
        if problems:
            raise CatalogError(c.plugin, problems)
    for c in contributions:
        problems = _add_tables(catalog, c) + _add_checklists(catalog, c)
        if problems:
            raise CatalogError(c.plugin, problems)
    return catalog


def _add_domains(catalog: Catalog, c: Contribution, problems: list[str]) -> None:
    for domain in c.domains:
        if domain.code in catalog.domains:
            problems.append(f"领域代码“{domain.code}”已由插件 {catalog.domain_plugin[domain.code]} 提供")
            continue
        catalog.domains[domain.code] = domain
        catalog.domain_plugin[domain.code] = c.plugin


def _add_items(catalog: Catalog, c: Contribution, problems: list[str]) -> None:
    own = {d.code for d in c.domains}
    for item in c.items:
        domain = item.domain or (next(iter(own)) if len(own) == 1 else "")
        if domain not in own:
            problems.append(f"{item.source}: 事项的领域“{item.domain}”不是本插件提供的领域（{'、'.join(sorted(own))}）")
            continue
        if item.code in catalog.items:
            problems.append(f"{item.source}: 事项代码“{item.code}”已由插件 {catalog.item_plugin[item.code]} 使用")
            continue
        catalog.items[item.code] = dataclasses.replace(item, domain=domain)
        catalog.item_plugin[item.code] = c.plugin


def _add_tables(catalog: Catalog, c: Contribution) -> list[str]:
    problems: list[str] = []
    for table in c.tables:
        item = catalog.items.get(table.item)
        if item is None:
            problems.append(f"{table.source}: 裁量基准对应的事项“{table.item}”不存在")
        elif item.kind != "penalty":
            problems.append(f"{table.source}: 事项“{table.item}”不是处罚类事项，不能有裁量基准")
        elif table.item in catalog.tables:
            problems.append(f"{table.source}: 事项“{table.item}”已有裁量基准")
        else:
            problems += table_problems(table, item)
            catalog.tables[table.item] = table
    return problems


def table_problems(table: TableSpec, item: ItemSpec) -> list[str]:
    """Names in conditions must be the item's facts; fines must rest on money facts."""
    problems: list[str] = []
    declared = {f.name for f in item.facts}
    for tier in table.tiers:
        where = f"{table.source}.tier[{tier.code}]"
        if tier.when is not None:
            for name in sorted(conditions.fact_names(tier.when) - declared):
                problems.append(f"{where}.when: “{name}”不是事项 {item.code} 的事实")
        if isinstance(tier.fine, ProportionalFine):
            base = item.fact(tier.fine.base)
            if base is None or base.type != "money":
                problems.append(f"{where}.fine_base: “{tier.fine.base}”不是事项 {item.code} 的金额型事实")
        if tier.fine and "fine" not in item.penalty_kinds:
            problems.append(f"{where}: 事项 {item.code} 的处罚种类中没有罚款")
        for kind in sorted(set(tier.other_penalties) - set(item.penalty_kinds)):
            problems.append(f"{where}.other_penalties: “{kind}”不在事项 {item.code} 的处罚种类中")
        for measure in sorted(set(tier.measures) - set(item.measures)):
            problems.append(f"{where}.measures: “{measure}”不在事项 {item.code} 的措施（measures）中")
        if tier.fine and item.bounds and not _within_some_bound(tier.fine, item.bounds):
            problems.append(f"{where}: 档次的罚款上限超出事项 {item.code} 的法定罚款幅度（items.toml 的 bound）")
    for factor in table.factors:
        for name in sorted(conditions.fact_names(factor.when) - declared) if factor.when else ():
            problems.append(f"{table.source}.factor[{factor.code}].when: “{name}”不是事项 {item.code} 的事实")
    return problems


def _within_some_bound(fine: FixedFine | ProportionalFine, bounds: tuple[StatutoryBound, ...]) -> bool:
    """A tier's top must fit under some clause of the statute's range. Only like is compared with
    like (amount with amount, rate of the same base with rate); the engine checks the rest per case."""
    same_kind = [b.fine for b in bounds if type(b.fine) is type(fine) and getattr(b.fine, "base", None) == getattr(fine, "base", None)]
    if not same_kind:
        return True
    if isinstance(fine, FixedFine):
        return any(fine.max_fen <= b.max_fen for b in same_kind)
    return any(fine.rate_max <= b.rate_max for b in same_kind)


def _add_checklists(catalog: Catalog, c: Contribution) -> list[str]:
    problems: list[str] = []
    own = {d.code for d in c.domains}
    for checklist in c.checklists:
        if checklist.code in catalog.checklists:
            problems.append(f"{checklist.source}: 检查清单代码“{checklist.code}”重复")
            continue
        for point in checklist.points:
            if point.item not in catalog.items:
                problems.append(f"{checklist.source}.point[{point.code}].item: 事项“{point.item}”不存在")
        codes = [p.code for p in checklist.points]
        for code in sorted({x for x in codes if codes.count(x) > 1}):
            problems.append(f"{checklist.source}: 检查要点代码“{code}”重复")
        catalog.checklists[checklist.code] = dataclasses.replace(checklist, domain=sorted(own)[0] if own else "")
    return problems

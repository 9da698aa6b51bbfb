"""One-thing supervision scenarios (一件事监管): a bundle of checklist points from several domains
with a lead domain, usable as the basis of a joint visit.

Data format (TOML, one `[[scenario]]` per scenario; see scenarios.toml next to this module):

    [[scenario]]
    code = "YJS-HWGG"                 # unique, upper case, digits and hyphens
    name = "户外广告设置和发布“一件事”"
    lead_domain = "construction"      # the domain whose agency leads (牵头)
    lead = "市容环境卫生主管部门"        # the lead department as people say it
    description = "..."               # optional
    source = "..."                    # optional: the policy or practice it comes from
    applies_to = ["legal_person"]     # optional: entity kinds (default: all)
    industries = ["广告"]              # optional: industry tags it is meant for
    points = ["JZ-CL02-04", "SC-CL02-01"]   # checklist point codes of loaded plug-ins

Read with the catalog's loader (every problem named with file, entry and key); cross-checked
against the loaded catalog: points must exist, span at least two domains, and include the lead
domain. Scenarios whose domains are not all loaded are unavailable, not an error, for the
built-in file (a county may not run every plug-in).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhifa.core.catalog.loader import CODE, DataFileError, Entry, Problems, read_toml
from zhifa.core.catalog.spec import ENTITY_KINDS
from zhifa.core.inspections.joint import SourcePoint

if TYPE_CHECKING:  # core.hooks may import this module; the registry imports core.hooks
    from zhifa.core.catalog.registry import Catalog

BUILTIN_FILE = Path(__file__).with_name("scenarios.toml")
SCENARIO_KEYS = "code name lead_domain lead description source applies_to industries points".split()
DOMAIN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class ScenarioSpec:
    code: str
    name: str
    lead_domain: str
    lead: str
    points: tuple[str, ...]
    applies_to: tuple[str, ...] = ENTITY_KINDS
    industries: tuple[str, ...] = ()
    description: str = ""
    source: str = ""
    where: str = ""

    def meant_for(self, entity_kind: str) -> bool:
        """Whether an entity of this kind may be inspected under the scenario (`applies_to`)."""
        return entity_kind in self.applies_to


def parse_scenarios(document: dict[str, Any], where: str, problems: Problems) -> list[ScenarioSpec]:
    for extra in document.keys() - {"scenario"}:
        problems.add(f"{where}: {extra}", "未知的顶层键，应只有 [[scenario]]")
    raw = document.get("scenario", [])
    if not isinstance(raw, list):
        problems.add(f"{where}: scenario", "应写成 [[scenario]] 表数组")
        return []
    found = []
    for i, value in enumerate(raw):
        code = value.get("code") if isinstance(value, dict) else None
        label = f"{where}: scenario[{i}]" + (f" ({code})" if isinstance(code, str) else "")
        e = Entry(value, label, problems, SCENARIO_KEYS)
        points = e.texts("points")
        for code in points:
            if not CODE.match(code):
                problems.add(f"{e.where}.points", f"“{code}”不是有效的检查要点代码")
        if not points:
            problems.add(f"{e.where}.points", "场景至少要有一个检查要点")
        found.append(ScenarioSpec(
            code=e.text("code", pattern=CODE),
            name=e.text("name"),
            lead_domain=e.text("lead_domain", pattern=DOMAIN),
            lead=e.text("lead"),
            points=tuple(dict.fromkeys(points)),
            applies_to=e.choices("applies_to", ENTITY_KINDS) or ENTITY_KINDS,
            industries=e.texts("industries"),
            description=e.text("description", required=False),
            source=e.text("source", required=False),
            where=e.where,
        ))
    codes = [s.code for s in found]
    for code in sorted({c for c in codes if c and codes.count(c) > 1}):
        problems.add(where, f"场景代码“{code}”重复")
    return found


def load_file(path: Path) -> list[ScenarioSpec]:
    problems = Problems([])
    scenarios = parse_scenarios(read_toml(path, problems), str(path), problems)
    if problems.found:
        raise DataFileError(problems.found)
    return scenarios


@functools.cache
def builtin() -> tuple[ScenarioSpec, ...]:
    return tuple(load_file(BUILTIN_FILE))


def point_index(catalog: Catalog) -> dict[str, SourcePoint]:
    return {
        p.code: SourcePoint(p.code, c.code, c.domain, p.item, p.text, p.basis)
        for c in catalog.checklists.values()
        for p in c.points
    }


def problems(scenario: ScenarioSpec, catalog: Catalog, index: dict[str, SourcePoint] | None = None) -> list[str]:
    index = point_index(catalog) if index is None else index
    found = []
    for code in scenario.points:
        if code not in index:
            found.append(f"{scenario.where}.points: 检查要点“{code}”不在已加载的检查清单中")
    if scenario.lead_domain not in catalog.domains:
        found.append(f"{scenario.where}.lead_domain: 领域“{scenario.lead_domain}”未加载")
    domains = {index[c].domain for c in scenario.points if c in index}
    if not found and len(domains) < 2:
        found.append(f"{scenario.where}.points: “一件事”场景应跨至少两个领域")
    if not found and scenario.lead_domain not in domains:
        found.append(f"{scenario.where}.lead_domain: 牵头领域“{scenario.lead_domain}”在场景要点中没有检查内容")
    return found


def available(catalog: Catalog, contributed: Iterable[ScenarioSpec] = ()) -> list[ScenarioSpec]:
    """The built-in scenarios that the loaded catalog can serve, plus contributed ones (which
    must be valid: a plug-in's data is checked at start-up)."""
    index = point_index(catalog)
    usable = [s for s in builtin() if not problems(s, catalog, index)]
    for s in contributed:
        if found := problems(s, catalog, index):
            raise DataFileError(found)
        usable.append(s)
    codes = [s.code for s in usable]
    if dupes := sorted({c for c in codes if codes.count(c) > 1}):
        raise DataFileError([f"场景代码“{c}”重复" for c in dupes])
    return sorted(usable, key=lambda s: s.code)


def meant_for(available: Iterable[ScenarioSpec], entity_kind: str) -> list[ScenarioSpec]:
    """The scenarios an entity of this kind may be inspected under; the others are left out."""
    return [s for s in available if s.meant_for(entity_kind)]


def points_of(scenario: ScenarioSpec, catalog: Catalog) -> list[SourcePoint]:
    index = point_index(catalog)
    return [index[c] for c in scenario.points if c in index]

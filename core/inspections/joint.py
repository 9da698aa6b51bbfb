""""Inspect once" (综合查一次, 进一次门、查多项事): every checklist that applies to one entity, across
domains and agencies, merged into one visit. Pure functions.

Merging rule: the same point code is one point; points from *different* checklists that lead to
the same enforcement item on the same legal basis are the same check and become one merged point
that keeps every original code and text. Points of one checklist are the author's distinct
questions and are never merged with each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhifa.core.catalog.spec import ChecklistSpec
from zhifa.core.inspections.draw import Inspector, staff


@dataclass(frozen=True)
class SourcePoint:
    code: str
    checklist: str
    domain: str
    item: str
    text: str
    basis: str


@dataclass
class MergedPoint:
    code: str  # the first code; results are recorded against it
    domain: str
    item: str
    text: str
    basis: str
    codes: list[str] = field(default_factory=list)
    checklists: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code, "domain": self.domain, "item": self.item, "text": self.text, "basis": self.basis,
            "codes": list(self.codes), "checklists": list(self.checklists), "texts": list(self.texts),
        }


def applicable(checklists: Iterable[ChecklistSpec], entity_kind: str, industry_tags: Iterable[str]) -> list[ChecklistSpec]:
    """Checklists meant for the entity's kind and one of its industry tags (`ChecklistSpec.meant_for`)."""
    tags = tuple(industry_tags)
    return sorted((c for c in checklists if c.meant_for(entity_kind, tags)), key=lambda c: (c.domain, c.code))


def source_points(checklists: Iterable[ChecklistSpec]) -> list[SourcePoint]:
    return [SourcePoint(p.code, c.code, c.domain, p.item, p.text, p.basis) for c in checklists for p in c.points]


def _norm(text: str) -> str:
    return "".join(text.split())


def merge(points: Iterable[SourcePoint]) -> list[MergedPoint]:
    """De-duplicate, keeping first-seen order within each domain; domains in code order."""
    merged: list[MergedPoint] = []
    by_code: dict[str, MergedPoint] = {}
    by_key: dict[tuple[str, str], list[MergedPoint]] = defaultdict(list)
    for p in points:
        if p.code in by_code:
            continue
        key = (p.item, _norm(p.basis))
        target = next((m for m in by_key[key] if p.checklist not in m.checklists), None)
        if target is None:
            target = MergedPoint(p.code, p.domain, p.item, p.text, p.basis)
            merged.append(target)
            by_key[key].append(target)
        target.codes.append(p.code)
        target.checklists.append(p.checklist)
        target.texts.append(p.text)
        by_code[p.code] = target
    order = {d: i for i, d in enumerate(sorted({m.domain for m in merged}))}
    return sorted(merged, key=lambda m: order[m.domain])  # stable: first-seen order inside a domain


def by_domain(points: Sequence[MergedPoint]) -> dict[str, list[MergedPoint]]:
    grouped: dict[str, list[MergedPoint]] = defaultdict(list)
    for p in points:
        grouped[p.domain].append(p)
    return dict(sorted(grouped.items()))


@dataclass(frozen=True)
class AgencyInfo:
    id: str
    name: str
    region_id: str
    domains: frozenset[str]


def responsible(domain: str, agencies: Iterable[AgencyInfo], region_chain: Sequence[str]) -> AgencyInfo | None:
    """The agency that would otherwise visit for a domain: among those enforcing it whose region
    contains the entity's, the one closest to the entity (a township team before the county),
    then the most specialised (a professional team before the comprehensive bureau), then by name.
    `region_chain` is the entity's region followed by its ancestors."""
    depth = {r: i for i, r in enumerate(region_chain)}
    fits = [a for a in agencies if domain in a.domains and a.region_id in depth]
    if not fits:
        return None
    return min(fits, key=lambda a: (depth[a.region_id], len(a.domains), a.name, a.id))


def cover(candidates: Iterable[Inspector], domains: Sequence[str], per_domain: int, preferred: Iterable[str] = ()) -> tuple[list[str], dict[str, int]]:
    """The inspectors needed so that every domain has `per_domain` certified inspectors: greedily
    the one who covers most of what is still missing, officers of `preferred` agencies' (the
    lead's) first, then by id. Returns the team and any shortfall."""
    first = set(preferred)
    pool = sorted(candidates, key=lambda c: (c.id not in first, c.id))
    need = {d: per_domain for d in domains}
    team: list[Inspector] = []
    while any(need.values()):
        remaining = [c for c in pool if c not in team]
        gains = [(sum(1 for d in c.domains if need.get(d, 0) > 0), c) for c in remaining]
        best = max((g for g in gains if g[0] > 0), key=lambda g: g[0], default=None)  # max keeps the first of equals
        if best is None:
            break
        team.append(best[1])
        for d in best[1].domains:
            if need.get(d, 0) > 0:
                need[d] -= 1
    ids, short = staff(team, tuple(domains), per_domain)
    return ids, short


def merged_visits(points: Sequence[MergedPoint], agency_for: Mapping[str, str | None]) -> list[tuple[str, str, list[str]]]:
    """The separate visits a joint visit replaces: one per domain, by its responsible agency,
    with the checklists it would have brought."""
    visits = []
    for domain, group in by_domain(points).items():
        agency = agency_for.get(domain)
        if agency is not None:
            visits.append((agency, domain, sorted({c for p in group for c in p.checklists})))
    return visits

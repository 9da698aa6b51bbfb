"""Visit reduction from joint visits and the yearly inspection load per entity. Pure functions.

Reduction, as the Dinghai figures count it (2022: 91 joint inspections, visits down by 166, a
64.6% reduction, i.e. 166 / (91 + 166)): each joint visit replaced a number of separate visits
(one per domain and the agency that would have come); visits avoided = separate − actual;
reduction rate = avoided / separate.

Per entity the actual visits are its joint visits. Per agency the joint visit is counted for the
lead agency (it knocked on the door); every other agency's merged visits were avoided entirely.
So the per-agency figures add up to the totals.

Problems corrected on the spot (现场整改问题; Dinghai 2022: 143 beside the 166 visits avoided) are
the failed points of those joint visits recorded as put right during the visit, counted for the
entity and for the lead agency whose team was on the spot.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_YEARLY_CEILING = 2  # random checks per entity per year (国办发〔2024〕54号 frequency limits; configurable per plan)


@dataclass(frozen=True)
class JointVisit:
    entity: str
    lead_agency: str
    merged_agencies: tuple[str, ...]  # one per replaced separate visit (an agency appears once per domain)
    corrected_on_spot: int = 0  # failed points put right during the visit


@dataclass(frozen=True)
class Figures:
    key: str
    actual: int
    separate: int
    corrected_on_spot: int = 0

    @property
    def avoided(self) -> int:
        return self.separate - self.actual

    @property
    def rate(self) -> Decimal | None:
        return reduction_rate(self.separate, self.actual)


@dataclass(frozen=True)
class Reduction:
    total: Figures
    by_entity: tuple[Figures, ...]
    by_agency: tuple[Figures, ...]


def reduction_rate(separate: int, actual: int) -> Decimal | None:
    """Percent with one decimal, half up (64.6); None when nothing would have been visited."""
    if separate <= 0:
        return None
    return (Decimal(separate - actual) * 100 / Decimal(separate)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def reduction(visits: Iterable[JointVisit]) -> Reduction:
    visits = list(visits)
    entity_actual, entity_separate = Counter(), Counter()
    agency_actual, agency_separate = Counter(), Counter()
    entity_corrected, agency_corrected = Counter(), Counter()
    for v in visits:
        separate = max(len(v.merged_agencies), 1)
        entity_actual[v.entity] += 1
        entity_separate[v.entity] += separate
        agency_actual[v.lead_agency] += 1
        entity_corrected[v.entity] += v.corrected_on_spot
        agency_corrected[v.lead_agency] += v.corrected_on_spot
        for agency in v.merged_agencies or (v.lead_agency,):
            agency_separate[agency] += 1
    total = Figures("*", len(visits), sum(entity_separate.values()), sum(entity_corrected.values()))

    def rows(actual: Counter, separate: Counter, corrected: Counter) -> tuple[Figures, ...]:
        keys = sorted(set(actual) | set(separate))
        return tuple(sorted((Figures(k, actual[k], separate[k], corrected[k]) for k in keys), key=lambda f: (-f.avoided, f.key)))

    return Reduction(total, rows(entity_actual, entity_separate, entity_corrected),
                     rows(agency_actual, agency_separate, agency_corrected))


@dataclass(frozen=True)
class Load:
    entity: str
    count: int
    by_agency: Mapping[str, int]
    ceiling: int

    @property
    def at_ceiling(self) -> bool:
        return self.count >= self.ceiling


def loads(inspections: Iterable[tuple[str, str]], ceiling: int) -> dict[str, Load]:
    """(entity, agency) per inspection in the period -> the load of each entity."""
    per: dict[str, Counter] = defaultdict(Counter)
    for entity, agency in inspections:
        per[entity][agency] += 1
    return {e: Load(e, sum(c.values()), dict(sorted(c.items())), ceiling) for e, c in per.items()}


def split_at_ceiling(candidates: Iterable[str], counts: Mapping[str, int], ceiling: int) -> tuple[list[str], list[dict]]:
    """Candidates below the ceiling, and the excluded ones with their load (for the draw log)."""
    kept, excluded = [], []
    for entity in sorted(candidates):
        count = counts.get(entity, 0)
        if count >= ceiling:
            excluded.append({"entity": entity, "reason": "ceiling", "load": count, "ceiling": ceiling})
        else:
            kept.append(entity)
    return kept, excluded

"""How big each data set is, and the proportions every scale shares (data, not code).

The province is 11 cities, 90 counties and about 1,300 townships; a county carries on average
660 officers, 11,000 entities and 22,000 cases over five years. `city` is one city of eight
counties and `county` one county: the same generator, only the counts differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhifa.core.cases.models import CaseStatus

S = CaseStatus


@dataclass(frozen=True)
class Staffing:
    """Officers per agency of a county (heads, legal reviewers and auxiliaries included)."""

    bureau: int
    team: int  # each professional team (住建、市场监管 …)
    township: int  # each township enforcement team
    justice: int


@dataclass(frozen=True)
class Scale:
    name: str
    cities: int
    counties: int  # in all, spread evenly over the cities
    townships: int  # per county
    township_teams: float  # share of townships with their own enforcement team
    staffing: Staffing
    entities: int  # per county
    cases: int  # per county
    years: int = 5

    @property
    def totals(self) -> dict[str, int]:
        return {"cities": self.cities, "counties": self.counties, "entities": self.entities * self.counties, "cases": self.cases * self.counties}


COUNTY_STAFF = Staffing(bureau=60, team=80, township=18, justice=12)  # ≈ 660 a county
SCALES: dict[str, Scale] = {
    "province": Scale("province", cities=11, counties=90, townships=14, township_teams=0.75, staffing=COUNTY_STAFF, entities=11_112, cases=22_223),
    "city": Scale("city", cities=1, counties=8, townships=14, township_teams=0.75, staffing=COUNTY_STAFF, entities=11_112, cases=22_223),
    "county": Scale("county", cities=1, counties=1, townships=14, township_teams=0.75, staffing=COUNTY_STAFF, entities=11_112, cases=22_223),
    # The tests' proportion: a county with every kind of agency, small enough for CI.
    "sample": Scale("sample", cities=1, counties=2, townships=4, township_teams=0.5, staffing=Staffing(8, 6, 5, 3), entities=100, cases=250),
}

# Cases registered in the last months are anywhere in the procedure (the small demo's spread);
# older ones have mostly ended: closed, not filed, transferred, or still with the court.
RECENT_DAYS = 150
RECENT_STATUSES = {
    S.REGISTERED: 6, S.FILED: 6, S.NOT_FILED: 3, S.INVESTIGATING: 10, S.PROPOSED: 5, S.NOTIFIED: 6, S.HEARING: 2,
    S.LEGAL_REVIEW: 3, S.COLLECTIVE_DISCUSSION: 1, S.DECIDED: 6, S.SERVED: 6, S.EXECUTING: 8, S.CLOSED: 35, S.TRANSFERRED: 3,
}
OLD_STATUSES = {S.CLOSED: 85, S.NOT_FILED: 6, S.TRANSFERRED: 4, S.EXECUTING: 5}
SIMPLE_SHARE = 0.2  # of cases that end served, executing or closed: decided on the spot
NATURAL_PERSON_SHARE = 10  # one entity in ten is a natural person …
INDIVIDUAL_BUSINESS_SHARE = 4  # … and one in four of the others an individual business
SUSPENDED_EVERY = 23  # one certificate in 23 is suspended (as in the small demo)

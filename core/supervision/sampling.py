"""Random samples of closed cases for case-file review and return visits. Pure functions.

Algorithm `zhifa-sample` version 1, reproducible from the recorded seed and population:
cases are grouped by agency (one stratum each, agencies in id order); in each stratum the cases,
in id order, receive a 64-bit key from the draw generator (core.inspections.draw.generator: MT19937
seeded with the SM3 digest of the seed); the ceil(pool x percent / 100) smallest keys (ties by id)
are drawn, so every agency with closed cases has at least one case in the sample.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from zhifa.core.audit.chain import canonical, sm3_hex
from zhifa.core.inspections.draw import generator

ALGORITHM = "zhifa-sample"
ALGORITHM_VERSION = 1


@dataclass(frozen=True)
class Candidate:
    case: str
    agency: str


def sample(candidates: Iterable[Candidate], percent: int, seed: str) -> list[Candidate]:
    """The drawn cases, in (agency, case) id order."""
    if not 1 <= percent <= 100:
        raise ValueError("percent must be between 1 and 100")
    strata: dict[str, list[Candidate]] = defaultdict(list)
    for c in sorted(set(candidates), key=lambda c: c.case):
        strata[c.agency].append(c)
    rng = generator(seed)
    drawn: list[Candidate] = []
    for agency in sorted(strata):
        pool = strata[agency]
        keys = {c.case: rng.getrandbits(64) for c in pool}
        wanted = math.ceil(len(pool) * percent / 100)
        drawn += sorted(sorted(pool, key=lambda c: (keys[c.case], c.case))[:wanted], key=lambda c: c.case)
    return drawn


def digest(candidates: Iterable[Candidate]) -> str:
    """SM3 of the canonical JSON of the cases (sorted), to record a population or a sample."""
    rows = sorted([c.case, c.agency] for c in candidates)
    return sm3_hex(canonical({"algorithm": ALGORITHM, "version": ALGORITHM_VERSION, "cases": rows}))

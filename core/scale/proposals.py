"""What the cases are about: for every penalty item and kind of party, a pool of fact sets with
the handling proposal the discretion rules settle for them (the same pure rules the workflow's
`propose` step applies), drawn once per load so that millions of cases cost one draw each."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from zhifa.core.cases.policy import DEFAULT_POLICY
from zhifa.core.cases.workflow import proposal_data, settle_proposal
from zhifa.core.catalog.discretion import NO_PENALTY_OUTCOMES, statutory_range
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.catalog.spec import normalise_facts, typed_facts
from zhifa.core.demo import fact_value
from zhifa.core.demo_history import Outlook, simple_fits
from zhifa.core.entities.models import EntityKind
from zhifa.core.errors import UserError, UserErrors

DRAWS = 6  # fact sets tried per item and party kind
PARTY_KINDS = (EntityKind.LEGAL_PERSON.value, EntityKind.INDIVIDUAL_BUSINESS.value, EntityKind.NATURAL_PERSON.value)  # as parties.py makes them
SIMPLE_FINES = {True: (5_000, 10_000, 20_000), False: (20_000, 50_000, 100_000, 200_000)}  # natural person or not


@dataclass(frozen=True)
class Proposal:
    facts: dict[str, Any]  # normalised, as the case stores them
    outlook: Outlook | None  # None: the benchmark cannot propose for these facts
    recorded: dict[str, Any] | None  # what the `propose` step records
    simple_fine: int | None  # a fine within the simple procedure and the provision's range, if any


class Pool:
    """Drawn from a fixed seed: what the catalog's items lead to is the same for every data set."""

    def __init__(self, items: list[CatalogItemVersion], today: dt.date):
        self.items = items
        rng = random.Random("proposals")
        self.by_item: dict[tuple[Any, str], list[Proposal]] = {}
        for item in items:
            parsed = Parsed(item)
            for kind in PARTY_KINDS:
                self.by_item[(item.id, kind)] = [self._draw(parsed, kind, rng, today) for _ in range(DRAWS)]

    def _draw(self, item: Parsed, party_kind: str, rng: random.Random, today: dt.date) -> Proposal:
        facts = normalise_facts(item.code, item.spec().facts, draw_facts(item.facts, rng, today))
        try:
            recorded = proposal_record(item, facts, party_kind)
        except (UserError, UserErrors):
            recorded = None
        seen = _outlook(recorded)
        if seen is None:
            recorded = None
        return Proposal(recorded.pop("facts") if recorded else facts, seen, recorded, _simple_fine(item, facts, party_kind, rng))


class Parsed:
    """An item version whose spec is parsed once (the rules ask for it at every step)."""

    def __init__(self, item: CatalogItemVersion):
        self._item, self._spec = item, item.spec()

    def spec(self):
        return self._spec

    def __getattr__(self, name: str) -> Any:
        return getattr(self._item, name)


def _outlook(recorded: dict[str, Any] | None) -> Outlook | None:
    """The proposal as `core.demo_history.outlook` sees it (None: nothing to propose)."""
    if recorded is None:
        return None
    kinds = tuple(recorded["penalty_kinds"])
    no_penalty = recorded["discretion"]["outcome"] in NO_PENALTY_OUTCOMES and not kinds
    if not no_penalty and not kinds:
        return None
    return Outlook(recorded["fine_fen"], kinds, recorded["major"], recorded["hearing_right"], no_penalty, {})


_POOLS: dict[tuple, Pool] = {}


def pool_for(items: list[CatalogItemVersion], today: dt.date) -> Pool:
    """One pool per catalog state and day in a process (a test loading twice draws once)."""
    key = (today, tuple((i.id, i.digest) for i in items))
    if key not in _POOLS:
        _POOLS.clear()
        _POOLS[key] = Pool(items, today)
    return _POOLS[key]


def draw_facts(definitions: list[dict[str, Any]], rng: random.Random, today: dt.date) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for d in definitions:
        if d.get("required") or rng.random() < 0.5:
            facts[d["name"]] = fact_value(d, rng, today)
    return facts


def proposal_record(item: CatalogItemVersion, facts: dict[str, Any], party_kind: str) -> dict[str, Any]:
    """The `propose` step's record for these facts (core.cases.workflow._propose), plus the facts."""
    settled = settle_proposal(item, facts, party_kind, None, None)
    return {"facts": settled.facts, **proposal_data(settled)}


def _simple_fine(item: CatalogItemVersion, facts: dict[str, Any], party_kind: str, rng: random.Random) -> int | None:
    """On the spot (APL Art. 51): a fine the simple procedure allows, within the provision's range."""
    if not simple_fits(item, facts, party_kind, DEFAULT_POLICY):
        return None
    spec = item.spec()
    try:
        bound = statutory_range(spec, typed_facts(spec.facts, facts))
    except (UserError, UserErrors):
        return None
    fine = rng.choice(SIMPLE_FINES[party_kind == EntityKind.NATURAL_PERSON.value])
    fine = min(fine, DEFAULT_POLICY.simple_fine_limit(party_kind))
    return fine if bound is None else max(bound.min_fen, min(fine, bound.max_fen))

"""Enforcement supervision (执法监督) in the root: one module per concept, merged here."""

from __future__ import annotations

from zhifa.schema.supervision import letters, reviews, visits
from zhifa.schema.supervision.alerts import AlertMutations, AlertQueries
from zhifa.schema.supervision.ledger import LedgerMutations, LedgerQueries
from zhifa.schema.supervision.letters import LetterMutations, LetterQueries
from zhifa.schema.supervision.reviews import ReviewMutations, ReviewQueries
from zhifa.schema.supervision.visits import VisitMutations, VisitQueries

NODES = (*reviews.NODES, *letters.NODES, *visits.NODES)  # alerts and the ledger are computed, not nodes
KINDS = (*reviews.KINDS, *letters.KINDS, *visits.KINDS)
TYPES = ()


class SupervisionQueries(ReviewQueries, AlertQueries, LetterQueries, VisitQueries, LedgerQueries):
    """The supervision fields of the root Query."""


class SupervisionMutations(ReviewMutations, AlertMutations, LetterMutations, VisitMutations, LedgerMutations):
    """The supervision fields of the root Mutation."""

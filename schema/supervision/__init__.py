"""Enforcement supervision (执法监督) in GraphQL: one module per concept, merged here."""

from __future__ import annotations

from zhifa.schema.supervision import letters, reviews, visits
from zhifa.schema.supervision.alerts import AlertQueries, AlertMutations
from zhifa.schema.supervision.ledger import LedgerQueries, LedgerMutations
from zhifa.schema.supervision.letters import LetterQueries, LetterMutations
from zhifa.schema.supervision.reviews import ReviewQueries, ReviewMutations
from zhifa.schema.supervision.visits import VisitQueries, VisitMutations

NODE_KINDS = (*reviews.KINDS, *letters.KINDS, *visits.KINDS)  # alerts and the ledger are computed, not nodes


class SupervisionQueries(ReviewQueries, AlertQueries, LetterQueries, VisitQueries, LedgerQueries):
    """The supervision fields of the root Query."""


class SupervisionMutations(ReviewMutations, AlertMutations, LetterMutations, VisitMutations, LedgerMutations):
    """The supervision fields of the root Mutation."""

"""Enforcement supervision (执法监督) in GraphQL: one module per concept, merged here."""

from __future__ import annotations

from schema.supervision import letters, reviews, visits
from schema.supervision.alerts import AlertQueries, AlertMutations
from schema.supervision.ledger import LedgerQueries, LedgerMutations
from schema.supervision.letters import LetterQueries, LetterMutations
from schema.supervision.reviews import ReviewQueries, ReviewMutations
from schema.supervision.visits import VisitQueries, VisitMutations

NODE_KINDS = (*reviews.KINDS, *letters.KINDS, *visits.KINDS)  # alerts and the ledger are computed, not nodes


class SupervisionQueries(ReviewQueries, AlertQueries, LetterQueries, VisitQueries, LedgerQueries):
    """The supervision fields of the root Query."""


class SupervisionMutations(ReviewMutations, AlertMutations, LetterMutations, VisitMutations, LedgerMutations):
    """The supervision fields of the root Mutation."""

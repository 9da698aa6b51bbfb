"""Enforcement supervision (执法监督) in the root: one module per concept, merged here."""

from __future__ import annotations

from zhifa.schema.supervision import (
    alerts,
    campaigns,
    ledger,
    letters,
    rectification,
    reviews,
    visits,
)

NODES = (*reviews.NODES, *letters.NODES, *campaigns.NODES, *rectification.NODES, *visits.NODES)  # alerts and the ledger are computed, not nodes
KINDS = (*reviews.KINDS, *letters.KINDS, *campaigns.KINDS, *rectification.KINDS, *visits.KINDS)
TYPES = ()


# strawberry lists a class's fields from its last base to its first: letters, campaigns, problem lines.
class SupervisionQueries(
    reviews.ReviewQueries, alerts.AlertQueries, rectification.RectificationQueries, campaigns.CampaignQueries,
    letters.LetterQueries, visits.VisitQueries, ledger.LedgerQueries,
):
    """The supervision fields of the root Query."""


class SupervisionMutations(
    reviews.ReviewMutations, alerts.AlertMutations, rectification.RectificationMutations, campaigns.CampaignMutations,
    letters.LetterMutations, visits.VisitMutations, ledger.LedgerMutations,
):
    """The supervision fields of the root Mutation."""

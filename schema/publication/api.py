"""Publication in the root: published decisions and credit records."""

from __future__ import annotations

from zhifa.schema.publication import types as publication
from zhifa.schema.publication.types import PublicationMutations, PublicationQueries

NODES = KINDS = (publication.DECISION, publication.CREDIT, publication.REPAIR)
TYPES = (publication.PublicDecision, publication.CreditRecord, publication.CreditRepair)
__all__ = ["KINDS", "NODES", "TYPES", "PublicationMutations", "PublicationQueries"]

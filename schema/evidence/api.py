"""Evidence in the root: a case's evidence and its custody (files travel over HTTP, schema/evidence/types.py)."""

from __future__ import annotations

from zhifa.schema.evidence.types import EvidenceMutations, EvidenceQueries

NODES = KINDS = TYPES = ()
__all__ = ["KINDS", "NODES", "TYPES", "EvidenceMutations", "EvidenceQueries"]

"""Complaints and reports in the root."""

from __future__ import annotations

from zhifa.schema.complaints import types as complaints
from zhifa.schema.complaints.types import ComplaintMutations, ComplaintQueries

NODES = (complaints.COMPLAINT,)
KINDS = (*NODES, complaints.EVENT, complaints.LINK)
TYPES = (complaints.Complaint,)
__all__ = ["KINDS", "NODES", "TYPES", "ComplaintMutations", "ComplaintQueries"]

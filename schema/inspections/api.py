"""Inspections in the root: double-random plans, joint visits, scenarios and figures."""

from __future__ import annotations

from zhifa.schema.inspections import types as inspections
from zhifa.schema.inspections.types import InspectionMutations, InspectionQueries

NODES = KINDS = (inspections.PLAN, inspections.INSPECTION)
TYPES = (inspections.InspectionPlan, inspections.Inspection, inspections.PublicInspectionPlan)
__all__ = ["KINDS", "NODES", "TYPES", "InspectionMutations", "InspectionQueries"]

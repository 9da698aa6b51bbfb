"""Who may read inspection records: SQL predicates over the viewer's reach (core.access.viewer).

A plan belongs to its agency. An inspection belongs to its lead agency and to every agency whose
separate visit it replaced (they took part). A viewer reads what belongs to an agency in its
reach: officers their agency and those below it, supervisors every agency of their region and
below, the provincial platform the agencies of its regions (with the read:cases scope).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa

from zhifa.core.db import in_ids
from zhifa.core.inspections.models import MergedVisit



def where(kind: str, table: sa.Table, agencies: Iterable[uuid.UUID] | None) -> list[sa.ColumnElement[bool]]:
    """Predicates keeping a statement over `table` (inspection_plans or inspections) in reach;
    `agencies` None means everything, empty means nothing."""
    if agencies is None:
        return []
    agencies = frozenset(agencies)
    if kind == "InspectionPlan":
        return [in_ids(table.c.agency_id, agencies)]
    if kind == "Inspection":
        joined = sa.select(MergedVisit.inspection_id).where(in_ids(MergedVisit.agency_id, agencies))
        return [sa.or_(in_ids(table.c.agency_id, agencies), table.c.id.in_(joined))]
    return [sa.false()]

"""The agency and region trees every signed-in request's jurisdiction is computed from, kept per
process.

The trees change rarely (an agency set up or closed, a region imported) and every request reads
them. A process keeps the trees it last loaded with the generation they were loaded at; database
triggers bump that generation in the transaction of any change to `agencies` or `regions`
(migration 0018), whoever makes it, so one primary-key read per request tells each worker process
whether its copy still holds. The jurisdictions computed from one copy are kept too (bounded).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.access.viewer import AgencyNode, Jurisdiction, RegionNode, Viewer, jurisdiction
from zhifa.core.people.models import Agency, Region

# Written by the triggers only, so no ORM model (see migration 0018).
GENERATION = sa.table("tree_generation", sa.column("id", sa.Integer), sa.column("value", sa.BigInteger))
MAX_VIEWERS = 4096  # distinct (roles, agency, regions) whose jurisdiction one process remembers


@dataclass(frozen=True)
class Trees:
    agencies: list[AgencyNode]
    regions: list[RegionNode]

    def reach(self, viewer: Viewer) -> Jurisdiction:
        return jurisdiction(viewer, self.agencies, self.regions)


async def load_trees(session: AsyncSession) -> Trees:
    """Every agency and region (two statements)."""
    agencies = await session.execute(sa.select(Agency.id, Agency.parent_id, Agency.region_id, Agency.successor_id))
    regions = await session.execute(sa.select(Region.id, Region.parent_id, Region.code))
    return Trees([AgencyNode(*r) for r in agencies], [RegionNode(*r) for r in regions])


async def generation(session: AsyncSession) -> int:
    return (await session.execute(sa.select(GENERATION.c.value).where(GENERATION.c.id == 1))).scalar_one()


class TreeCache:
    """One process's copy of the trees and of the jurisdictions computed from it."""

    def __init__(self, max_viewers: int = MAX_VIEWERS):
        self.max_viewers = max_viewers
        self._generation: int | None = None
        self._trees: Trees | None = None
        self._reach: OrderedDict[tuple, Jurisdiction] = OrderedDict()

    async def reach(self, session: AsyncSession, viewer: Viewer) -> Jurisdiction:
        """The viewer's jurisdiction: one statement while the trees stand, three after a change.
        The generation is read before the trees, so a copy is never older than its stamp."""
        current = await generation(session)
        if self._trees is None or current != self._generation:
            self._trees, self._generation, self._reach = await load_trees(session), current, OrderedDict()
        key = (viewer.roles, viewer.agency_id, viewer.region_codes)
        if (found := self._reach.get(key)) is not None:
            self._reach.move_to_end(key)
            return found
        found = self._reach[key] = self._trees.reach(viewer)
        if len(self._reach) > self.max_viewers:
            self._reach.popitem(last=False)
        return found

"""People in the root: regions, agencies and officers (published organisation, officers by jurisdiction)."""

from __future__ import annotations

import strawberry
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, PageRequest
from zhifa.schema.people import agencies, certificates, officers
from zhifa.schema.people import types as people

NODES = (people.REGION, people.AGENCY, people.OFFICER, people.CERTIFICATE)
KINDS = (*NODES, people.POSTING)
TYPES = (people.Region, people.Agency, people.Officer, people.Certificate)


@strawberry.type
class PeopleQueries:
    @strawberry.field(description=f"行政区划。{PAGE_ARGS}")
    async def regions(
        self,
        info: strawberry.Info,
        filter: people.RegionFilter | None = None,
        order: people.RegionOrder = people.RegionOrder.CODE_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[people.Region]:
        return await people.resolve_regions(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description=f"执法主体。{PAGE_ARGS}")
    async def agencies(
        self,
        info: strawberry.Info,
        filter: people.AgencyFilter | None = None,
        order: people.AgencyOrder = people.AgencyOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[people.Agency]:
        return await people.resolve_agencies(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description=f"执法人员。{PAGE_ARGS}")
    async def officers(
        self,
        info: strawberry.Info,
        filter: people.OfficerFilter | None = None,
        order: people.OfficerOrder = people.OfficerOrder.NAME_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[people.Officer]:
        return await people.resolve_officers(info, filter, order, PageRequest(first, after, last, before))


@strawberry.type
class StaffMutations(agencies.AgencyMutations, officers.OfficerMutations, certificates.CertificateMutations):
    """Staff administration: agencies, officers and their certificates (人事（法制）管理员)."""

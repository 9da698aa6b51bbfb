"""The root: Query and Mutation composed from every domain package, and the registry of planner
kinds that authorization and nested fields look up by name. Plug-ins' fields are merged in by
`zhifa.schema.build`."""

from __future__ import annotations

import strawberry
from zhifa.schema.cases import api as cases
from zhifa.schema.catalog import api as catalog
from zhifa.schema.complaints import api as complaints
from zhifa.schema.entities import api as entities
from zhifa.schema.evidence import api as evidence
from zhifa.schema.inspections import api as inspections
from zhifa.schema.kit.connections import one
from zhifa.schema.kit.planner import Kind
from zhifa.schema.kit.relay import Node, parse_global_id
from zhifa.schema.people import api as people
from zhifa.schema.publication import api as publication
from zhifa.schema.supervision import api as supervision

DOMAINS = (people, entities, catalog, cases, evidence, publication, inspections, complaints, supervision)


def _by_name(kinds) -> dict[str, Kind]:
    found: dict[str, Kind] = {}
    for kind in kinds:
        if kind.name in found:
            raise RuntimeError(f"planner kind {kind.name} is declared twice")
        found[kind.name] = kind
    return found


KINDS = _by_name(k for d in DOMAINS for k in d.KINDS)
NODE_KINDS = _by_name(k for d in DOMAINS for k in d.NODES)
TYPES = tuple(t for d in DOMAINS for t in d.TYPES)


@strawberry.type
class NodeQueries:
    @strawberry.field(description="按全局 ID 取回任意对象；ID 无效或对象不存在时为 null")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        parsed = parse_global_id(id)
        if parsed is None or parsed[0] not in NODE_KINDS:
            return None
        return await one(info, NODE_KINDS[parsed[0]], parsed[1])


@strawberry.type(description="查询")
class Query(
    NodeQueries, people.PeopleQueries, entities.EntityQueries, catalog.CatalogQueries, cases.CaseQueries,
    publication.PublicationQueries, evidence.EvidenceQueries, inspections.InspectionQueries,
    complaints.ComplaintQueries, supervision.SupervisionQueries,
):
    pass


@strawberry.type(description="变更")
class Mutation(
    people.StaffMutations, entities.EntityMutations, catalog.CatalogMutations, cases.CaseMutations, publication.PublicationMutations,
    evidence.EvidenceMutations, inspections.InspectionMutations, complaints.ComplaintMutations,
    supervision.SupervisionMutations,
):
    pass

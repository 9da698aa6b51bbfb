"""Regions, agencies and officers in GraphQL."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import sqlalchemy as sa
import strawberry
from zhifa.core.access.viewer import Scope
from zhifa.core.people import models as m
from zhifa.schema.kit.access import RowRule
from zhifa.schema.kit.connections import connection, contains, decode_id
from zhifa.schema.kit.enums import (
    AgencyKind,
    CertificateStatus,
    OfficerRole,
    RegionLevel,
    from_core,
)
from zhifa.schema.kit.planner import Kind, Relation
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id

regions, agencies, officers = m.Region.__table__, m.Agency.__table__, m.Officer.__table__
agency_domains, officer_domains = m.AgencyDomain.__table__, m.OfficerDomain.__table__


@strawberry.type(description="行政区划")
class Region(Node):
    code: str = strawberry.field(description="区划代码（县级及以上 6 位，乡镇 9 位）")
    name: str
    level: RegionLevel
    parent: Annotated["Region", strawberry.lazy("zhifa.schema.people.types")] | None = strawberry.field(default=None, description="上级区划")


@strawberry.type(description="执法主体")
class Agency(Node):
    name: str
    short_name: str = strawberry.field(description="文书编号前缀（机关简称），如“定综执”")
    kind: AgencyKind
    level: RegionLevel
    region: Region | None = None
    parent: Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")] | None = strawberry.field(default=None, description="上级执法主体")
    domain_codes: list[str] = strawberry.field(default_factory=list, description="承担执法职责的领域代码")


@strawberry.type(description="执法人员（含辅助人员）")
class Officer(Node):
    name: str
    certificate_number: str | None = strawberry.field(description="执法证号；辅助人员无执法证")
    certificate_valid_from: dt.date | None
    certificate_valid_until: dt.date | None
    status: CertificateStatus
    status_since: dt.date | None = strawberry.field(description="当前证件状态（如暂扣）自何日起；为空表示未记录，视为一直如此")
    role: OfficerRole
    legal_qualification: bool = strawberry.field(description="是否具有法律职业资格")
    legal_review_since: dt.date | None = strawberry.field(
        description="开始从事行政处罚决定法制审核之日；2021年7月15日前已从事的不属初次从事，无须法律职业资格（行政处罚法第五十八条第二款）"
    )
    agency: Agency | None = None
    domain_codes: list[str] = strawberry.field(default_factory=list, description="执法证覆盖的领域代码")


def _region(r) -> Region:
    return Region(id=global_id("Region", r.id), code=r.code, name=r.name, level=from_core(RegionLevel, m.RegionLevel(r.level)))


def _agency(r) -> Agency:
    return Agency(
        id=global_id("Agency", r.id),
        name=r.name,
        short_name=r.short_name,
        kind=from_core(AgencyKind, m.AgencyKind(r.kind)),
        level=from_core(RegionLevel, m.RegionLevel(r.level)),
    )


def _officer(r) -> Officer:
    return Officer(
        id=global_id("Officer", r.id),
        name=r.name,
        certificate_number=r.certificate_number,
        certificate_valid_from=r.certificate_valid_from,
        certificate_valid_until=r.certificate_valid_until,
        status=from_core(CertificateStatus, m.CertificateStatus(r.status)),
        status_since=r.status_since,
        role=from_core(OfficerRole, m.OfficerRole(r.role)),
        legal_qualification=r.legal_qualification,
        legal_review_since=r.legal_review_since,
    )


def _codes(link: sa.Table, key: sa.Column):
    return lambda ids: sa.select(key, link.c.domain_code).where(key.in_(ids))


REGION = Kind("Region", regions, _region)
REGION.relations["parent"] = Relation("one", "Region", "parent_id")
AGENCY = Kind("Agency", agencies, _agency)
AGENCY.relations.update(
    region=Relation("one", "Region", "region_id"),
    parent=Relation("one", "Agency", "parent_id"),
    domainCodes=Relation("values", link=_codes(agency_domains, agency_domains.c.agency_id)),
)
OFFICER = Kind(
    "Officer",
    officers,
    _officer,
    {
        "agency": Relation("one", "Agency", "agency_id"),
        "domainCodes": Relation("values", link=_codes(officer_domains, officer_domains.c.officer_id)),
    },
    rule=RowRule(Scope.OFFICERS, lambda access, t: [t.c.agency_id.in_(access.agencies)]),
)


@strawberry.input(description="行政区划筛选")
class RegionFilter:
    level: RegionLevel | None = None
    parent_id: strawberry.ID | None = None
    code: str | None = None
    name_contains: str | None = None


@strawberry.enum(description="行政区划排序")
class RegionOrder(enum.Enum):
    CODE_ASC = strawberry.enum_value("code_asc", description="按区划代码升序")


@strawberry.input(description="执法主体筛选")
class AgencyFilter:
    kind: AgencyKind | None = None
    level: RegionLevel | None = None
    region_id: strawberry.ID | None = None
    domain: str | None = strawberry.field(default=None, description="承担该领域执法职责的主体")
    name_contains: str | None = None


@strawberry.enum(description="执法主体排序")
class AgencyOrder(enum.Enum):
    NAME_ASC = strawberry.enum_value("name_asc", description="按名称升序")


@strawberry.input(description="执法人员筛选")
class OfficerFilter:
    agency_id: strawberry.ID | None = None
    role: OfficerRole | None = None
    status: CertificateStatus | None = None
    domain: str | None = strawberry.field(default=None, description="执法证覆盖该领域的人员")
    name_contains: str | None = None
    certificate_number: str | None = None


@strawberry.enum(description="执法人员排序")
class OfficerOrder(enum.Enum):
    NAME_ASC = strawberry.enum_value("name_asc", description="按姓名升序")


async def resolve_regions(
    info: strawberry.Info, filter: RegionFilter | None, order: RegionOrder, page: PageRequest
) -> Connection[Region]:
    f, where = filter or RegionFilter(), []
    if f.level:
        where.append(regions.c.level == f.level.value)
    if f.parent_id:
        where.append(regions.c.parent_id == decode_id(f.parent_id, "Region", "filter.parentId"))
    if f.code:
        where.append(regions.c.code == f.code)
    if f.name_contains:
        where.append(contains(regions.c.name, f.name_contains))
    return await connection(info, REGION, where, (regions.c.code, regions.c.id), False, page)


async def resolve_agencies(
    info: strawberry.Info, filter: AgencyFilter | None, order: AgencyOrder, page: PageRequest
) -> Connection[Agency]:
    f, where = filter or AgencyFilter(), []
    if f.kind:
        where.append(agencies.c.kind == f.kind.value)
    if f.level:
        where.append(agencies.c.level == f.level.value)
    if f.region_id:
        where.append(agencies.c.region_id == decode_id(f.region_id, "Region", "filter.regionId"))
    if f.domain:
        where.append(agencies.c.id.in_(sa.select(agency_domains.c.agency_id).where(agency_domains.c.domain_code == f.domain)))
    if f.name_contains:
        where.append(contains(agencies.c.name, f.name_contains))
    return await connection(info, AGENCY, where, (agencies.c.name, agencies.c.id), False, page)


async def resolve_officers(
    info: strawberry.Info, filter: OfficerFilter | None, order: OfficerOrder, page: PageRequest
) -> Connection[Officer]:
    f, where = filter or OfficerFilter(), []
    if f.agency_id:
        where.append(officers.c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.role:
        where.append(officers.c.role == f.role.value)
    if f.status:
        where.append(officers.c.status == f.status.value)
    if f.domain:
        where.append(officers.c.id.in_(sa.select(officer_domains.c.officer_id).where(officer_domains.c.domain_code == f.domain)))
    if f.name_contains:
        where.append(contains(officers.c.name, f.name_contains))
    if f.certificate_number:
        where.append(officers.c.certificate_number == f.certificate_number)
    return await connection(info, OFFICER, where, (officers.c.name, officers.c.id), False, page)

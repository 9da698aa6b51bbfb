"""GraphQL enums made from the core's labelled enums: UPPER_SNAKE values, Chinese descriptions."""

from __future__ import annotations

import enum

import strawberry
from zhifa.core.cases.models import CaseStatus as CoreCaseStatus
from zhifa.core.cases.models import Procedure as CoreProcedure
from zhifa.core.catalog.models import ItemKind as CoreItemKind
from zhifa.core.catalog.models import VersionStatus as CoreVersionStatus
from zhifa.core.entities.models import EntityChange as CoreEntityChange
from zhifa.core.entities.models import EntityKind as CoreEntityKind
from zhifa.core.entities.models import EntityStatus as CoreEntityStatus
from zhifa.core.labels import LabeledEnum
from zhifa.core.people import models as people


def graphql_enum(core: type[LabeledEnum], name: str, description: str) -> type[enum.Enum]:
    members = {m.name: strawberry.enum_value(m.value, description=m.label) for m in core}
    return strawberry.enum(enum.Enum(name, members), description=description)


def to_core(core: type[LabeledEnum], value: enum.Enum | None) -> LabeledEnum | None:
    return None if value is None else core(value.value)


CaseStatus = graphql_enum(CoreCaseStatus, "CaseStatus", "案件状态")
Procedure = graphql_enum(CoreProcedure, "Procedure", "办案程序")
EntityKind = graphql_enum(CoreEntityKind, "EntityKind", "行政相对人类别")
EntityStatus = graphql_enum(CoreEntityStatus, "EntityStatus", "行政相对人状态")
EntityChange = graphql_enum(CoreEntityChange, "EntityChange", "行政相对人信息版本的成因")
ItemKind = graphql_enum(CoreItemKind, "ItemKind", "执法事项类别")
VersionStatus = graphql_enum(CoreVersionStatus, "VersionStatus", "事项版本状态")
RegionLevel = graphql_enum(people.RegionLevel, "RegionLevel", "行政区划层级")
AgencyKind = graphql_enum(people.AgencyKind, "AgencyKind", "执法主体类别")
OfficerRole = graphql_enum(people.OfficerRole, "OfficerRole", "人员角色")
CertificateStatus = graphql_enum(people.CertificateStatus, "CertificateStatus", "执法证状态")
AssessmentResult = graphql_enum(people.AssessmentResult, "AssessmentResult", "年度考核结果")


def from_core(gql: type[enum.Enum], value: LabeledEnum) -> enum.Enum:
    return gql(value.value)

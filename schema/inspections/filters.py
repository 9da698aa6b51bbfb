"""Inputs that filter the plan and inspection lists."""

from __future__ import annotations

import datetime as dt

import strawberry
from zhifa.schema.inspections.types import (
    InspectionKind,
    InspectionPlanStatus,
    InspectionStatus,
)


@strawberry.input(description="抽查计划筛选")
class InspectionPlanFilter:
    agency_id: strawberry.ID | None = None
    status: InspectionPlanStatus | None = None
    year: int | None = strawberry.field(default=None, description="检查期限所在年度")


@strawberry.input(description="检查记录筛选")
class InspectionFilter:
    entity_id: strawberry.ID | None = None
    plan_id: strawberry.ID | None = None
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="牵头执法主体")
    kind: InspectionKind | None = None
    status: InspectionStatus | None = None
    from_: dt.date | None = strawberry.field(default=None, name="from", description="检查（计划）日期起")
    to: dt.date | None = None

"""GraphQL for the transport plug-in: cases by vehicle plate, as a planned list of `Case`."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
import strawberry
from zhifa.core.errors import UserError
from zhifa.core.models import Case
from zhifa.schema.public import CaseRef, graphql_error, planner, selections

from . import PLATE_FACT, SEPARATORS, parse_plate

MAX_CASES = 100
cases = Case.__table__


def stored_plate() -> sa.ColumnElement[str]:
    """The case's recorded plate in canonical spelling, computed in SQL (SQLite and PostgreSQL)."""
    plate = cases.c.facts[PLATE_FACT].as_string()
    for separator in SEPARATORS:
        plate = sa.func.replace(plate, separator, "")
    return sa.func.upper(plate)


def cases_by_plate(plate: str) -> sa.Select:
    """Newest first, capped; `plate` is already canonical."""
    return (
        sa.select(cases)
        .where(stored_plate() == plate)
        .order_by(cases.c.registered_at.desc(), cases.c.id.desc())
        .limit(MAX_CASES)
    )


@strawberry.type
class TransportQuery:
    @strawberry.field(
        description=(
            f"按车辆号牌号码查询案件：案件事实中记录的“车辆号牌号码”（{PLATE_FACT}）与之相同的案件，不限执法领域，"
            f"仅限当前账号管辖范围内的案件，按登记时间由新到旧，最多 {MAX_CASES} 件。号牌不区分大小写，忽略空格、“·”和“-”"
        )
    )
    async def transport_cases_by_plate(
        self,
        info: strawberry.Info,
        plate: Annotated[str, strawberry.argument(description="机动车号牌号码，如 \"浙L12345\"、新能源 \"浙LD12345\"")],
    ) -> list[CaseRef]:
        try:
            canonical = parse_plate(plate, "plate")
        except UserError as error:
            raise graphql_error(error) from None
        info.context.access.require("Case")
        async with planner(info) as plan:  # the viewer's jurisdiction applies to the cases and what they link to
            pairs = await plan.rows("Case", plan.scoped("Case", cases_by_plate(canonical)), selections(info))
        return [case for case, _ in pairs]

"""GraphQL for the construction plug-in: thin types over the rules in `plugins.construction`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from zhifa.core.errors import UserError
from zhifa.core.money import parse_amount
from zhifa.schema.public import Money, graphql_error

from . import construction_cost, parse_area, planning_fine


@strawberry.type(description="建设工程造价估算：建筑面积 × 单方造价")
class ConstructionCost:
    area_square_metres: str = strawberry.field(description="建筑面积（平方米）")
    unit_cost: Money = strawberry.field(description="单方造价（元/平方米）")
    cost: Money = strawberry.field(description="建设工程造价（元），四舍五入到分")


@strawberry.type(description="违反建设工程规划许可建设的罚款幅度（城乡规划法第六十四条，建法〔2012〕99号）")
class ConstructionPlanningFine:
    construction_cost: Money = strawberry.field(description="作为罚款基数的建设工程造价（元）")
    minimum: Money = strawberry.field(description="罚款下限（元）")
    maximum: Money = strawberry.field(description="罚款上限（元）")
    rate_min: str = strawberry.field(description="下限占工程造价的比例，如 \"0.05\"")
    rate_max: str = strawberry.field(description="上限占工程造价的比例，如 \"0.10\"")
    measures: list[str] = strawberry.field(description="罚款以外应当采取的措施")
    explanation: str = strawberry.field(description="本情形如何适用裁量标准")
    basis: str = strawberry.field(description="法律依据与裁量依据")


@strawberry.type
class ConstructionQuery:
    @strawberry.field(description="按建筑面积和单方造价计算建设工程造价（违法建设罚款的基数）。数值以十进制字符串传入")
    def construction_cost(
        self,
        area_square_metres: Annotated[str, strawberry.argument(description="建筑面积（平方米），非负，最多 4 位小数，如 \"1250.5\"")],
        unit_cost_yuan: Annotated[str, strawberry.argument(description="单方造价（元/平方米），非负，最多 2 位小数，如 \"3200.00\"")],
    ) -> ConstructionCost:
        try:
            area, unit = parse_area(area_square_metres, "areaSquareMetres"), parse_amount(unit_cost_yuan, "unitCostYuan")
        except UserError as error:
            raise graphql_error(error) from None
        return ConstructionCost(area_square_metres=format(area, "f"), unit_cost=unit, cost=construction_cost(area, unit))

    @strawberry.field(
        description=(
            "未取得或未按照建设工程规划许可证建设的罚款幅度（城乡规划法第六十四条，按建法〔2012〕99号裁量）："
            "尚可改正且按期改正的处工程造价5%；尚可改正但逾期不改正的处10%；无法改正的处0–10%"
            "（按期拆除的不罚，逾期不拆除的10%，不能拆除的没收并可处10%以下）"
        )
    )
    def construction_planning_fine(
        self,
        construction_cost_yuan: Annotated[str, strawberry.argument(description="建设工程造价（元），非负，最多 2 位小数")],
        correctable: Annotated[bool, strawberry.argument(description="是否尚可采取改正措施消除对规划实施的影响")],
        corrected: Annotated[bool, strawberry.argument(description="是否按期改正；仅对尚可改正的情形有意义")],
    ) -> ConstructionPlanningFine:
        try:
            cost = parse_amount(construction_cost_yuan, "constructionCostYuan")
            fine = planning_fine(cost, correctable, corrected)
        except UserError as error:
            raise graphql_error(error) from None
        return ConstructionPlanningFine(
            construction_cost=cost,
            minimum=fine.minimum,
            maximum=fine.maximum,
            rate_min=format(fine.rate_min, "f"),
            rate_max=format(fine.rate_max, "f"),
            measures=list(fine.measures),
            explanation=fine.explanation,
            basis=fine.basis,
        )

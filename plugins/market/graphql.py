"""GraphQL for the market plug-in: thin types over the rules in `plugins.market`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from zhifa.core.errors import UserError
from zhifa.core.money import parse_amount
from zhifa.schema.public import Money, graphql_error

from . import food_fine_range


@strawberry.type(description="食品安全法按货值金额确定的法定罚款幅度")
class MarketFoodFineRange:
    article: int = strawberry.field(description="适用的食品安全法条文（第几条）")
    goods_value: Money = strawberry.field(description="货值金额（元）")
    minimum: Money = strawberry.field(description="罚款下限（元）")
    maximum: Money = strawberry.field(description="罚款上限（元）")
    multiple_min: int | None = strawberry.field(description="按货值金额倍数计罚时的最低倍数；固定幅度时为 null")
    multiple_max: int | None = strawberry.field(description="按货值金额倍数计罚时的最高倍数；固定幅度时为 null")
    explanation: str = strawberry.field(description="本案货值金额如何适用条文")
    basis: str = strawberry.field(description="法律依据（条款及罚款规定原文）")


@strawberry.type
class MarketQuery:
    @strawberry.field(
        description=(
            "食品安全法第一百二十二条至第一百二十五条（第一款）的法定罚款幅度：货值金额不足一万元的为固定幅度，"
            "一万元以上（含一万元）的为货值金额的倍数。没收、吊销许可证等其他处罚及情节严重的情形不在此计算"
        )
    )
    def market_food_fine_range(
        self,
        goods_value_yuan: Annotated[str, strawberry.argument(description="违法生产经营的食品、食品添加剂货值金额（元），非负，最多 2 位小数，如 \"9999.99\"")],
        article: Annotated[int, strawberry.argument(description="食品安全法条文号：122、123、124 或 125")],
    ) -> MarketFoodFineRange:
        try:
            fine = food_fine_range(parse_amount(goods_value_yuan, "goodsValueYuan"), article)
        except UserError as error:
            raise graphql_error(error) from None
        return MarketFoodFineRange(
            article=article,
            goods_value=fine.goods_value,
            minimum=fine.minimum,
            maximum=fine.maximum,
            multiple_min=fine.multiple_min,
            multiple_max=fine.multiple_max,
            explanation=fine.explanation,
            basis=fine.basis,
        )

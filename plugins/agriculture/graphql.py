"""GraphQL for the agriculture plug-in: thin types over the rules in `plugins.agriculture`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from zhifa.core.errors import UserError
from zhifa.core.money import parse_amount
from zhifa.schema.public import Money, graphql_enum, graphql_error, to_core

from . import SeedViolation as CoreSeedViolation
from . import seed_fine_range

SeedViolation = graphql_enum(CoreSeedViolation, "SeedViolation", "种子违法行为类别")



@strawberry.type(description="种子法按货值金额确定的法定罚款幅度")
class AgricultureSeedFineRange:
    article: int = strawberry.field(description="适用的种子法条文（第几条）")
    goods_value: Money = strawberry.field(description="货值金额（元）")
    minimum: Money = strawberry.field(description="罚款下限（元）")
    maximum: Money = strawberry.field(description="罚款上限（元）")
    multiple_min: int | None = strawberry.field(description="按货值金额倍数计罚时的最低倍数；固定幅度时为 null")
    multiple_max: int | None = strawberry.field(description="按货值金额倍数计罚时的最高倍数；固定幅度时为 null")
    other_penalties: str = strawberry.field(description="罚款以外的处罚和措施")
    explanation: str = strawberry.field(description="本案货值金额如何适用条文")
    basis: str = strawberry.field(description="法律依据（条款及罚款规定原文）")


@strawberry.type
class AgricultureQuery:
    @strawberry.field(
        description=(
            "种子法第七十四条（假种子）、第七十五条（劣种子）的法定罚款幅度：货值金额不足二万元的为固定幅度，"
            "二万元以上（含二万元）的为货值金额的倍数"
        )
    )
    def agriculture_seed_fine_range(
        self,
        goods_value_yuan: Annotated[str, strawberry.argument(description="违法生产经营的种子货值金额（元），非负，最多 2 位小数，如 \"19999.99\"")],
        kind: Annotated[SeedViolation, strawberry.argument(description="违法行为类别：假种子或劣种子")],
    ) -> AgricultureSeedFineRange:
        try:
            fine = seed_fine_range(parse_amount(goods_value_yuan, "goodsValueYuan"), to_core(CoreSeedViolation, kind))
        except UserError as error:
            raise graphql_error(error) from None
        return AgricultureSeedFineRange(
            article=fine.article,
            goods_value=fine.goods_value,
            minimum=fine.minimum,
            maximum=fine.maximum,
            multiple_min=fine.multiple_min,
            multiple_max=fine.multiple_max,
            other_penalties=fine.other_penalties,
            explanation=fine.explanation,
            basis=fine.basis,
        )

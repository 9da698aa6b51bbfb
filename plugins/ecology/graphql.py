"""GraphQL for the ecology plug-in: thin types over the rules in `plugins.ecology`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry
from zhifa.core.errors import UserError
from zhifa.schema.public import graphql_error

from . import BASIS, assess_exceedance, parse_quantity


def _plain(value: Decimal) -> str:
    return format(value, "f")



@strawberry.type(description="超标程度评估：实测值相对排放标准限值的超标比例、倍数和裁量因子等级")
class EcologyExceedance:
    measured: str = strawberry.field(description="实测值（与限值同一计量单位）")
    limit: str = strawberry.field(description="标准限值")
    exceedance_ratio: str = strawberry.field(
        description="超标比例 =（实测值 − 限值）÷ 限值，向下截取到 4 位小数（0.1000 即超标 10%）；未超标时为 0 或负数"
    )
    multiple: str = strawberry.field(description="实测值为限值的倍数 = 实测值 ÷ 限值，向下截取到 4 位小数")
    level: int = strawberry.field(description="“超标程度”裁量因子等级：未超标为 0，超标为 1–5")
    level_description: str = strawberry.field(description="等级说明")
    exceeds: bool = strawberry.field(description="是否超标（实测值大于限值）；等于限值不算超标")
    basis: str = strawberry.field(description="分级依据")


@strawberry.type
class EcologyQuery:
    @strawberry.field(
        description="计算实测浓度（或排放量）相对标准限值的超标程度及裁量因子等级（1–5 级）。数值以十进制字符串传入，如 \"35.6\""
    )
    def ecology_exceedance(
        self,
        measured: Annotated[str, strawberry.argument(description="实测值，非负十进制数字字符串")],
        limit: Annotated[str, strawberry.argument(description="排放标准限值，正的十进制数字字符串，单位与实测值相同")],
    ) -> EcologyExceedance:
        try:
            result = assess_exceedance(parse_quantity(measured, "measured"), parse_quantity(limit, "limit"))
        except UserError as error:
            raise graphql_error(error) from None
        return EcologyExceedance(
            measured=_plain(result.measured),
            limit=_plain(result.limit),
            exceedance_ratio=_plain(result.ratio),
            multiple=_plain(result.multiple),
            level=result.level,
            level_description=result.level_label,
            exceeds=result.exceeds,
            basis=BASIS,
        )

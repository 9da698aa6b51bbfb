"""生态环境（ecology）: the built-in plug-in for this domain, shaped like a third-party package.

Besides the data files it contributes one GraphQL field, `ecologyExceedance`: how far a measured
concentration exceeds its emission standard, and the "exceedance" factor level (1–5) that the
provincial factor-scoring discretion tables use (REFERENCE §3.3). The rule is the plain functions
below; `graphql.py` only translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation, localcontext
from pathlib import Path

from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.money import decimal_places
from zhifa.core.hooks import DataPlugin, Domain, GraphQLContribution, hookimpl

from .error_codes import EcologyErrorCode

__version__ = "1.0.0"

# Inputs are bounded so every result is exact under a 60-digit context and prints without exponent.
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 10
RATIO_PLACES = Decimal("0.0001")

# (lower bound of the exceedance ratio, level): the ratio is (measured − limit) / limit.
LEVELS = ((Decimal(2), 5), (Decimal(1), 4), (Decimal("0.5"), 3), (Decimal("0.1"), 2))
LEVEL_LABELS = {
    0: "未超标",
    1: "超标不足10%",
    2: "超标10%以上不足50%",
    3: "超标50%以上不足100%",
    4: "超标100%以上不足200%",
    5: "超标200%以上",
}
BASIS = (
    "生态环境行政处罚裁量因子“超标程度”分级（各省依环执法〔2019〕42号制定的因子赋分裁量基准中的常见分级）："
    "超标不足10%为1级，10%以上不足50%为2级，50%以上不足100%为3级，100%以上不足200%为4级，200%以上为5级；"
    "未超标为0级。适用时以本省现行裁量基准为准。"
)


@dataclass(frozen=True)
class Exceedance:
    measured: Decimal
    limit: Decimal
    ratio: Decimal  # (measured − limit) / limit, rounded down to 4 places
    multiple: Decimal  # measured / limit, rounded down to 4 places
    level: int
    exceeds: bool

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


def parse_quantity(text: str, field: str) -> Decimal:
    """A non-negative decimal written as a string ("35.6"); never a float."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise UserError(CommonErrorCode.NUMBER_INVALID, f"{field} 应为十进制数字字符串，如 \"35.6\"，收到 {text!r}", field) from None
    if not value.is_finite():
        raise UserError(CommonErrorCode.NUMBER_INVALID, f"{field} 应为有限的十进制数字，收到 {text!r}", field)
    if value < 0:
        raise UserError(CommonErrorCode.NUMBER_NEGATIVE, f"{field} 不能为负数", field)
    if value == 0:
        return Decimal(0)
    if value.adjusted() >= MAX_INTEGER_DIGITS or decimal_places(value) > MAX_DECIMAL_PLACES:
        raise UserError(
            CommonErrorCode.NUMBER_OUT_OF_RANGE,
            f"{field} 超出范围：整数部分最多 {MAX_INTEGER_DIGITS} 位，小数最多 {MAX_DECIMAL_PLACES} 位",
            field,
        )
    return value



def exceedance_level(measured: Decimal, limit: Decimal) -> int:
    """The factor level of REFERENCE §3.3: 0 when not exceeding, else 1–5 by the exceedance ratio.

    Compared exactly by cross-multiplication (excess ≥ bound × limit), so 10% exactly is level 2.
    """
    with localcontext(prec=60):
        excess = measured - limit
        if excess <= 0:
            return 0
        for bound, level in LEVELS:
            if excess >= bound * limit:
                return level
        return 1


def assess_exceedance(measured: Decimal, limit: Decimal) -> Exceedance:
    """Exceedance of a measured value over its standard limit (both in the same unit)."""
    if measured < 0:
        raise UserError(CommonErrorCode.NUMBER_NEGATIVE, "measured 不能为负数", "measured")
    if limit < 0:
        raise UserError(CommonErrorCode.NUMBER_NEGATIVE, "limit 不能为负数", "limit")
    if limit == 0:
        raise UserError(EcologyErrorCode.LIMIT_ZERO, "标准限值为 0 时无法计算超标倍数", "limit")
    with localcontext(prec=60):
        ratio = ((measured - limit) / limit).quantize(RATIO_PLACES, rounding=ROUND_FLOOR)
        multiple = (measured / limit).quantize(RATIO_PLACES, rounding=ROUND_FLOOR)
    return Exceedance(measured, limit, ratio, multiple, exceedance_level(measured, limit), measured > limit)


class EcologyPlugin(DataPlugin):
    @hookimpl
    def zhifa_graphql(self) -> GraphQLContribution:
        from .graphql import EcologyQuery

        return GraphQLContribution(query=[EcologyQuery], error_codes=[EcologyErrorCode])


plugin = EcologyPlugin(
    Domain(code="ecology", name_zh="生态环境", name_en="Ecology and environment", version=__version__),
    data=Path(__file__).parent / "data",
)

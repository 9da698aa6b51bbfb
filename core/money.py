"""Exact money: integer fen in storage, Decimal yuan at the edges. Never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100


class MoneyError(ValueError):
    pass


def yuan_to_fen(value: str | int | Decimal) -> int:
    """Parse a yuan amount ("1234.5", 1234, Decimal) into fen; more than 2 decimals is an error."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"金额必须是整数或小数字符串，不能是 {type(value).__name__}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MoneyError(f"无法识别的金额：{value!r}") from exc
    # Beyond 10^15 yuan nothing is a real amount, and huge exponents would overflow Decimal.
    if not amount.is_finite() or amount.adjusted() > 15:
        raise MoneyError(f"无法识别的金额：{value!r}")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"金额最多保留两位小数：{value!r}")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def round_fen(value: Decimal) -> int:
    """Round a computed fen amount (e.g. a rate times a base) half-up to a whole fen."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


MAX_AMOUNT_FEN = 10**12 * FEN_PER_YUAN  # 一万亿元: above any real amount, low enough to stay exact everywhere


def parse_amount(text: str, field: str) -> int:
    """A non-negative yuan amount from user input ("1234.50") in fen, or a coded UserError naming `field`.

    Public for plug-ins: every calculator takes money the same way.
    """
    from zhifa.core.errors import CommonErrorCode, UserError  # core.errors is tiny; imported here to keep money import-light

    try:
        fen = yuan_to_fen(text)
    except MoneyError as exc:
        raise UserError(CommonErrorCode.MONEY_INVALID, f"{field}：{exc}", field) from None
    if fen < 0:
        raise UserError(CommonErrorCode.MONEY_NEGATIVE, f"{field} 不能为负数", field)
    if fen > MAX_AMOUNT_FEN:
        raise UserError(CommonErrorCode.MONEY_OUT_OF_RANGE, f"{field} 超出可计算范围（不超过一万亿元）", field)
    return fen


def decimal_places(value: Decimal) -> int:
    """Significant places after the point ("1.50" has 1), counted without rounding."""
    _, digits, exponent = value.as_tuple()
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))

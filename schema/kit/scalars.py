"""Custom scalars. Money travels as a decimal string in yuan, never as a float."""

from __future__ import annotations

from typing import NewType

import strawberry
from zhifa.core.money import MoneyError, fen_to_yuan, yuan_to_fen


def _parse_money(value: object) -> int:
    if not isinstance(value, str):
        raise ValueError("金额须写成字符串，如 \"1234.50\"")
    try:
        return yuan_to_fen(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


Money = strawberry.scalar(
    NewType("Money", int),
    description="金额（元），以字符串表示的两位小数，如 \"1234.50\"；输入时最多两位小数。内部以分为单位的整数保存",
    serialize=lambda fen: str(fen_to_yuan(fen)),
    parse_value=_parse_money,
)

"""Rates in supervision figures: exact fractions, shown as percentages with two decimals.

One rule for every supervision figure (ledger, review pass rates, return-visit satisfaction): a
rate with nothing to count is None — never 0 % or 100 % — and the percentage is rounded half up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def rate(numerator: int, denominator: int) -> Fraction | None:
    """numerator ÷ denominator exactly; None when there is nothing to count (never 0 or 100 %)."""
    if denominator <= 0:
        return None
    return Fraction(numerator, denominator)


def percent(value: Fraction | None, places: int = 2) -> Decimal | None:
    """A rate as a percentage, rounded half up (e.g. Fraction(19, 20) → Decimal('95.00'))."""
    if value is None:
        return None
    exact = Decimal(value.numerator * 100) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

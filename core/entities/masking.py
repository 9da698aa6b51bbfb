"""Masking personal data for display (REFERENCE §9): keep enough to recognise, not to reuse."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    """330203********1234: the region part and the last four, the birth date hidden."""
    if not value:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    """138****5678 for mobiles; landlines keep the area code and the last four."""
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)

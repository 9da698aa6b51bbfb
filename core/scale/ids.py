"""Deterministic time-ordered ids: UUIDv7 with the row's own moment and bits from the seed, so the
same seed gives the same ids and rows created together sit together in the primary key."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from functools import lru_cache

from zhifa.core.clock import LEGAL_ZONE

_VERSION_7 = 0x7 << 76
_VARIANT = 0b10 << 62


@lru_cache(maxsize=None)
def _day_ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(0), LEGAL_ZONE).timestamp() * 1000)


class Ids:
    def __init__(self, seed: str):
        self._bits = random.Random(seed).getrandbits

    def at(self, moment: dt.datetime | dt.date) -> uuid.UUID:
        """An id whose time is the moment's wall-clock time (its day at 08:00 for a date)."""
        if isinstance(moment, dt.datetime):
            ms = _day_ms(moment.date()) + ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1000
        else:
            ms = _day_ms(moment) + 8 * 3_600_000
        bits = self._bits(74)
        return uuid.UUID(int=(ms << 80) | _VERSION_7 | ((bits >> 62) << 64) | _VARIANT | (bits & ((1 << 62) - 1)))

"""Per-token rate limiting shared by every worker process: fixed one-minute windows in the database."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base


class RateWindow(Base):
    __tablename__ = "rate_windows"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    window: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)  # minutes since the epoch
    count: Mapped[int] = mapped_column(default=0)


async def hit(session: AsyncSession, key: str, now: dt.datetime) -> int:
    """Count one request for `key` in the current minute; return the count so far (atomic upsert)."""
    window = int(now.timestamp() // 60)
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(RateWindow).values(key=key, window=window, count=1)
    stmt = stmt.on_conflict_do_update(index_elements=["key", "window"], set_={"count": RateWindow.count + 1})
    count = (await session.execute(stmt.returning(RateWindow.count))).scalar_one()
    if count == 1:  # first hit of a window: forget this key's old windows
        await session.execute(sa.delete(RateWindow).where(RateWindow.key == key, RateWindow.window < window))
    return count

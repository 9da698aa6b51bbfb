"""Case and document numbers: `{agency short name}{type}〔{year}〕{serial}号`, gap-free (REFERENCE §5.4).

Numbers come from a counter row incremented inside the caller's transaction: the row lock makes
concurrent allocations queue, and a rolled-back transaction gives its number back, so the
sequence has no gaps and no duplicates across any number of processes.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.cases.models import NumberSequence

NUMBER_PATTERN = re.compile(r"^(?P<prefix>.+?)〔(?P<year>\d{4})〕第?(?P<serial>\d+)号$")


def format_number(prefix: str, year: int, serial: int) -> str:
    """GB/T 9704: year in 〔〕, serial without 第 and without zero padding."""
    return f"{prefix}〔{year}〕{serial}号"


def normalise_number(text: str) -> str:
    """Accept the 第X号 and zero-padded forms printed on many forms; return the standard one."""
    match = NUMBER_PATTERN.match(text.strip())
    if not match:
        return text.strip()
    return format_number(match["prefix"], int(match["year"]), int(match["serial"]))


async def allocate(session: AsyncSession, agency_id: uuid.UUID, doc_type: str, year: int) -> int:
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(NumberSequence)
        .values(agency_id=agency_id, doc_type=doc_type, year=year, last_value=0)
        .on_conflict_do_nothing()
    )
    stmt = (
        sa.update(NumberSequence)
        .where(
            NumberSequence.agency_id == agency_id,
            NumberSequence.doc_type == doc_type,
            NumberSequence.year == year,
        )
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    )
    return (await session.execute(stmt)).scalar_one()

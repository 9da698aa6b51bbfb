"""Writing the audit record in the caller's transaction, and verifying the chain."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.chain import Break, ChainWalker, Link, state_digest
from zhifa.core.audit.models import AuditHead, AuditRecord
from zhifa.core.db import utcnow

VERIFY_BATCH = 5000


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: uuid.UUID | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str = "",
) -> AuditRecord:
    """Append one link. Must run inside the transaction that makes the change it describes."""
    seq, prev_hash = await _advance_head(session)
    link = Link(
        seq=seq,
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before_digest=state_digest(before),
        after_digest=state_digest(after),
        detail=detail,
        prev_hash=prev_hash,
    )
    digest = link.hash()
    entry = AuditRecord(hash=digest, **link.__dict__)
    session.add(entry)
    await session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(last_hash=digest))
    return entry


async def _advance_head(session: AsyncSession) -> tuple[int, str]:
    # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before reading the tip,
    # so concurrent writers in any number of processes line up instead of forking the chain.
    # The head row itself is seeded by the first migration.
    stmt = (
        sa.update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.last_hash)
    )
    row = (await session.execute(stmt)).one()
    return row.seq, row.last_hash


async def verify(session: AsyncSession) -> tuple[int, Break | None]:
    """Walk the whole chain in batches; return how many links were checked and the first break."""
    walker, last_seq = ChainWalker(), 0
    while rows := await _batch_after(session, last_seq):
        for row in rows:
            if broken := walker.check(_as_link(row), row.hash):
                return row.seq - 1, broken
        last_seq = rows[-1].seq
    head = await session.get(AuditHead, 1)
    checked = walker.expected_seq - 1
    return checked, walker.check_tip(head.seq, head.last_hash)


async def _batch_after(session: AsyncSession, seq: int) -> list[AuditRecord]:
    stmt = sa.select(AuditRecord).where(AuditRecord.seq > seq).order_by(AuditRecord.seq).limit(VERIFY_BATCH)
    return list((await session.execute(stmt)).scalars())


def _as_link(r: AuditRecord) -> Link:
    return Link(
        seq=r.seq,
        at=r.at,
        actor=r.actor,
        action=r.action,
        object_type=r.object_type,
        object_id=r.object_id,
        before_digest=r.before_digest,
        after_digest=r.after_digest,
        detail=r.detail,
        prev_hash=r.prev_hash,
    )

"""The hash-chained audit record: `zhifa audit verify` proves the chain and names the first break."""

import os
import subprocess
import sys

import sqlalchemy as sa

from zhifa.core.audit.models import AuditRecord
from zhifa.core.audit.service import verify


async def test_verify_passes_then_catches_an_edit_behind_the_apps_back(demo, database_url):
    async with demo() as session:
        checked, broken = await verify(session)
    assert broken is None and checked > 100  # catalog sync and the demo are audited
    async with demo() as session, session.begin():
        await session.execute(sa.update(AuditRecord).where(AuditRecord.seq == 42).values(actor="someone-else"))
    async with demo() as session:
        _, broken = await verify(session)
    assert broken.seq == 42 and "被改动" in broken.reason
    command = [sys.executable, "-c", "from schema.cli import app; app()", "audit", "verify"]
    result = subprocess.run(command, env={**os.environ, "ZHIFA_DATABASE_URL": database_url}, capture_output=True, text=True)
    assert result.returncode == 1 and "第 42 条" in result.stdout


async def test_verify_catches_a_deleted_record(demo):
    async with demo() as session, session.begin():
        await session.execute(sa.delete(AuditRecord).where(AuditRecord.seq == 7))
    async with demo() as session:
        _, broken = await verify(session)
    assert broken.seq == 7 and "缺失" in broken.reason

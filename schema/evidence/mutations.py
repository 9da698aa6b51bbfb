"""Recording custody steps by hand: transfer, seal, unseal, return."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.evidence import service
from zhifa.core.evidence.models import CustodyAction as CoreCustodyAction
from zhifa.schema.evidence.types import (
    CustodyAction,
    Evidence,
    evidence_table,
    load_evidence,
    visible_evidence,
)
from zhifa.schema.kit.connections import decode_id, planner
from zhifa.schema.kit.enums import to_core
from zhifa.schema.kit.errors import UserError, run_mutation


@strawberry.input(description="登记证据保管操作：移交、封存、启封、退还（上传、查阅和校验由系统自动记录）")
class RecordCustodyInput:
    evidence_id: strawberry.ID
    action: CustodyAction
    note: str = strawberry.field(default="", description="说明；移交、退还须写明接收人或去向")


@strawberry.type(description="登记证据保管操作的结果")
class RecordCustodyPayload:
    evidence: Evidence | None
    errors: list[UserError]


async def resolve_record_custody(info: strawberry.Info, input: RecordCustodyInput) -> RecordCustodyPayload:
    async def work(session: AsyncSession) -> uuid.UUID:
        access = info.context.access
        access.require_staff()
        key = decode_id(input.evidence_id, "Evidence", "evidenceId")
        await visible_evidence(session, access, key)
        await service.custody(session, info.context.actor, key, to_core(CoreCustodyAction, input.action), input.note)
        return key

    key, errors = await run_mutation(info, work)
    evidence = None
    if key is not None:
        async with planner(info) as plan:
            found = await load_evidence(plan.session, plan.access, [evidence_table.c.id == key])
        evidence = found[0] if found else None
    return RecordCustodyPayload(evidence=evidence, errors=errors)

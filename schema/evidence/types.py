"""Evidence in GraphQL: the `Evidence` type and its custody chain, a case's evidence, and the
jurisdiction checks the mutations and the HTTP endpoints share."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.models import Case as CaseRow
from zhifa.core.cases.models import CaseStatus
from zhifa.core.errors import UserError as RuleError
from zhifa.core.evidence.error_codes import EvidenceErrorCode
from zhifa.core.evidence.models import CustodyAction as CoreCustodyAction
from zhifa.core.evidence.models import CustodyEvent as CustodyRow
from zhifa.core.evidence.models import Evidence as EvidenceRow
from zhifa.core.evidence.models import EvidenceKind as CoreEvidenceKind
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.connections import decode_id, planner
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.relay import Node, global_id, parse_global_id

evidence_table, custody_table, cases = EvidenceRow.__table__, CustodyRow.__table__, CaseRow.__table__

UPLOAD_PATH = "/evidence"

EvidenceKind = graphql_enum(CoreEvidenceKind, "EvidenceKind", "证据种类（行政处罚法第四十六条）")
CustodyAction = graphql_enum(CoreCustodyAction, "CustodyAction", "证据保管链上的操作")


@strawberry.type(description="证据保管链上的一步：谁在何时对证据做了什么")
class CustodyEvent:
    seq: int
    action: CustodyAction
    actor: str
    at: dt.datetime
    note: str
    data: JSON


@strawberry.type(description="证据（行政处罚法第四十六条）：按 SHA-256 存证的文件、来源和保管链")
class Evidence(Node):
    case_id: strawberry.ID
    kind: EvidenceKind
    title: str
    sha256: str = strawberry.field(description="文件内容的 SHA-256（十六进制），存证与校验的依据")
    size: int = strawberry.field(description="文件字节数")
    media_type: str = strawberry.field(description="按文件内容识别的类型（不采信上传方声明的类型）")
    original_filename: str
    collected_at: dt.datetime | None = strawberry.field(description="采集（提取）时间")
    collected_by: list[strawberry.ID] = strawberry.field(description="采集人员（Officer ID）")
    device_id: str | None = strawberry.field(description="录制或采集设备编号（如执法记录仪）")
    location: str = strawberry.field(description="采集地点")
    notes: str
    recording_started_at: dt.datetime | None = strawberry.field(description="录制开始时间（音视频）")
    recording_ended_at: dt.datetime | None = strawberry.field(description="录制结束时间（音视频）")
    interruption_notes: str = strawberry.field(description="录制中断的情况和原因")
    uploaded_by: str
    created_at: dt.datetime
    sealed: bool = strawberry.field(description="是否处于封存状态")
    content_url: str = strawberry.field(description="下载地址（GET，须带 Bearer 令牌；每次下载记入保管链）")
    custody: list[CustodyEvent] = strawberry.field(description="保管链，按顺序")


def _custody(r) -> CustodyEvent:
    return CustodyEvent(seq=r.seq, action=from_core(CustodyAction, CoreCustodyAction(r.action)), actor=r.actor, at=r.at, note=r.note, data=r.data)


def _evidence(r, custody: list[Any]) -> Evidence:
    gid = global_id("Evidence", r.id)
    seal_steps = [c for c in custody if CoreCustodyAction(c.action) in (CoreCustodyAction.SEALED, CoreCustodyAction.UNSEALED)]
    return Evidence(
        id=gid,
        case_id=global_id("Case", r.case_id),
        kind=from_core(EvidenceKind, CoreEvidenceKind(r.kind)),
        title=r.title,
        sha256=r.sha256,
        size=r.size,
        media_type=r.media_type,
        original_filename=r.original_filename,
        collected_at=r.collected_at,
        collected_by=[global_id("Officer", uuid.UUID(o)) for o in r.collected_by],
        device_id=r.device_id,
        location=r.location,
        notes=r.notes,
        recording_started_at=r.recording_started_at,
        recording_ended_at=r.recording_ended_at,
        interruption_notes=r.interruption_notes,
        uploaded_by=r.uploaded_by,
        created_at=r.created_at,
        sealed=bool(seal_steps) and CoreCustodyAction(seal_steps[-1].action) is CoreCustodyAction.SEALED,
        content_url=f"{UPLOAD_PATH}/{gid}/content",
        custody=[_custody(c) for c in custody],
    )


async def load_evidence(session: AsyncSession, access: Access, where: Iterable[sa.ColumnElement[bool]]) -> list[Evidence]:
    """Evidence on cases inside the viewer's jurisdiction, with its custody chain (two statements)."""
    stmt = (
        sa.select(evidence_table)
        .join(cases, cases.c.id == evidence_table.c.case_id)
        .where(*where, *access.where("Case", cases))
        .order_by(evidence_table.c.created_at, evidence_table.c.id)
    )
    rows = (await session.execute(stmt)).all()
    if not rows:
        return []
    steps = await session.execute(
        sa.select(custody_table).where(custody_table.c.evidence_id.in_([r.id for r in rows])).order_by(custody_table.c.seq)
    )
    grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for step in steps:
        grouped[step.evidence_id].append(step)
    return [_evidence(r, grouped[r.id]) for r in rows]


async def resolve_case_evidence(info: strawberry.Info, case_id: strawberry.ID | uuid.UUID) -> list[Evidence]:
    """A case's evidence in upload order; empty when the case is not the viewer's to see. Every
    case a request asks about is loaded in one batch (two statements, whatever the page size)."""
    key = case_id if isinstance(case_id, uuid.UUID) else decode_id(case_id, "Case", "caseId")
    loaders = info.context.loaders
    if "evidence" not in loaders:

        async def batch(keys: list[uuid.UUID]) -> list[list[Evidence]]:
            async with planner(info) as plan:
                found = await load_evidence(plan.session, plan.access, [evidence_table.c.case_id.in_(keys)])
            by_case: dict[uuid.UUID, list[Evidence]] = defaultdict(list)
            for item in found:
                by_case[parse_global_id(item.case_id)[1]].append(item)
            return [by_case[k] for k in keys]

        loaders["evidence"] = DataLoader(batch)
    return await loaders["evidence"].load(key)


async def visible_case(session: AsyncSession, access: Access, case_id: uuid.UUID) -> CaseStatus:
    stmt = sa.select(cases.c.status).where(cases.c.id == case_id, *access.where("Case", cases))
    status = await session.scalar(stmt)
    if status is None:
        raise RuleError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在或不在本机关管辖范围内", "caseId")
    return CaseStatus(status)


async def visible_evidence(session: AsyncSession, access: Access, evidence_id: uuid.UUID) -> Any:
    stmt = (
        sa.select(evidence_table)
        .join(cases, cases.c.id == evidence_table.c.case_id)
        .where(evidence_table.c.id == evidence_id, *access.where("Case", cases))
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        raise RuleError(EvidenceErrorCode.EVIDENCE_NOT_FOUND, "证据不存在或不在本机关管辖范围内", "evidenceId")
    return row


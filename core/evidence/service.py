"""Evidence services: every step writes the evidence's custody chain, the case timeline and the
audit chain, in the caller's one transaction.

Lock order, the same as the case services: the case row first (FOR UPDATE on PostgreSQL; on
SQLite the first write takes the database's write lock), then the new rows, the audit head last.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.models import Case, CaseEvent, CaseStatus
from zhifa.core.db import utcnow
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.evidence.error_codes import EvidenceErrorCode
from zhifa.core.evidence.models import CustodyAction, CustodyEvent, Evidence, EvidenceKind
from zhifa.core.evidence.store import EvidenceStore, Stored
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import Officer

MAX_TITLE, MAX_FILENAME, MAX_DEVICE, MAX_LOCATION, MAX_TEXT = 200, 255, 100, 300, 5000
MAX_COLLECTORS = 10
SEQ_ATTEMPTS = 5
# Custody steps a person records by hand; the others are written by the system itself.
MANUAL_ACTIONS = {CustodyAction.TRANSFERRED, CustodyAction.SEALED, CustodyAction.UNSEALED, CustodyAction.RETURNED}
NOTE_REQUIRED = {CustodyAction.TRANSFERRED, CustodyAction.RETURNED}
CLOSED = {CaseStatus.CLOSED}


@dataclass(frozen=True)
class EvidenceMeta:
    kind: EvidenceKind
    title: str
    original_filename: str = ""
    collected_at: dt.datetime | None = None
    collected_by: list[uuid.UUID] = field(default_factory=list)
    device_id: str | None = None
    location: str = ""
    notes: str = ""
    recording_started_at: dt.datetime | None = None
    recording_ended_at: dt.datetime | None = None
    interruption_notes: str = ""

    def problems(self) -> list[UserError]:
        """What can be said about the metadata without the database."""
        errors: list[UserError] = []
        now = utcnow()
        if not self.title.strip():
            errors.append(UserError(EvidenceErrorCode.EVIDENCE_TITLE_REQUIRED, "请填写证据名称", "title"))
        for value, limit, name, label in (
            (self.title, MAX_TITLE, "title", "证据名称"),
            (self.device_id or "", MAX_DEVICE, "deviceId", "设备编号"),
            (self.location, MAX_LOCATION, "location", "采集地点"),
            (self.notes, MAX_TEXT, "notes", "备注"),
            (self.interruption_notes, MAX_TEXT, "interruptionNotes", "中断说明"),
        ):
            if len(value.strip()) > limit:
                errors.append(UserError(EvidenceErrorCode.EVIDENCE_FIELD_TOO_LONG, f"{label}不能超过 {limit} 个字符", name))
        for value, name, label in (
            (self.collected_at, "collectedAt", "采集时间"),
            (self.recording_started_at, "recordingStartedAt", "录制开始时间"),
            (self.recording_ended_at, "recordingEndedAt", "录制结束时间"),
        ):
            if value is not None and value.tzinfo is None:
                errors.append(UserError(EvidenceErrorCode.DATETIME_NEEDS_ZONE, f"{label}须带时区（如 2026-05-01T09:30:00+08:00）", name))
            elif value is not None and value > now + dt.timedelta(minutes=5):
                errors.append(UserError(EvidenceErrorCode.EVIDENCE_TIME_IN_FUTURE, f"{label}不能晚于当前时间", name))
        start, end = self.recording_started_at, self.recording_ended_at
        if start and end and start.tzinfo and end.tzinfo and end < start:
            errors.append(UserError(EvidenceErrorCode.RECORDING_PERIOD_INVALID, "录制结束时间不能早于开始时间", "recordingEndedAt"))
        if len(self.collected_by) > MAX_COLLECTORS:
            errors.append(UserError(EvidenceErrorCode.COLLECTORS_TOO_MANY, f"采集人员最多 {MAX_COLLECTORS} 名", "collectedBy"))
        return errors


async def lock_case(session: AsyncSession, case_id: uuid.UUID, *, field: str = "caseId") -> Case:
    """The case, locked for this transaction so its timeline and evidence are numbered one writer at a time."""
    if session.get_bind().dialect.name == "sqlite":
        # No row locks: a first write takes the database's write lock, so the reads that follow are current.
        cases = Case.__table__
        await session.execute(sa.update(cases).where(cases.c.id == case_id).values(version=cases.c.version, updated_at=cases.c.updated_at))
    case = await session.scalar(sa.select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise UserError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在或不在本机关管辖范围内", field)
    return case


async def attach(session: AsyncSession, actor: str, case_id: uuid.UUID, stored: Stored, meta: EvidenceMeta) -> Evidence:
    """Attach a stored file to a case: the evidence, its first custody step ("uploaded"), the case
    timeline's "evidence_added" and the audit record. The same file twice on one case is refused."""
    errors = meta.problems()
    case = await lock_case(session, case_id)
    if case.status in CLOSED:
        errors.append(UserError(EvidenceErrorCode.CASE_CLOSED, "案件已结案归档，不能再添加证据", "caseId"))
    await check_collectors(session, meta.collected_by, case.agency_id, errors)
    if await _existing(session, case_id, stored.sha256) is not None:
        errors.append(duplicate_error())
    raise_if_any(errors)
    now = utcnow()
    evidence = Evidence(
        case_id=case_id,
        kind=meta.kind,
        title=meta.title.strip(),
        sha256=stored.sha256,
        size=stored.size,
        media_type=stored.media_type,
        original_filename=meta.original_filename.strip()[:MAX_FILENAME],
        collected_at=meta.collected_at,
        collected_by=[str(o) for o in dict.fromkeys(meta.collected_by)],
        device_id=(meta.device_id or "").strip() or None,
        location=meta.location.strip(),
        notes=meta.notes.strip(),
        recording_started_at=meta.recording_started_at,
        recording_ended_at=meta.recording_ended_at,
        interruption_notes=meta.interruption_notes.strip(),
        uploaded_by=actor,
        created_at=now,
    )
    session.add(evidence)
    try:
        await session.flush()
    except IntegrityError:
        # Another request attached the same file to this case between our check and our insert.
        raise duplicate_error() from None
    session.add(CustodyEvent(evidence_id=evidence.id, seq=1, action=CustodyAction.UPLOADED, actor=actor, at=now, data=_summary(evidence)))
    await append_case_event(session, case_id, "evidence_added", actor, {"evidence": str(evidence.id), **_summary(evidence)}, now)
    await record(session, actor=actor, action="evidence.added", object_type="Evidence", object_id=evidence.id, after=_state(evidence))
    await session.flush()
    return evidence


async def custody(
    session: AsyncSession,
    actor: str,
    evidence_id: uuid.UUID,
    action: CustodyAction,
    note: str = "",
    data: dict[str, Any] | None = None,
    *,
    manual: bool = True,
) -> CustodyEvent:
    """Append a custody step; by hand only the steps in MANUAL_ACTIONS, with their rules."""
    evidence = await session.get(Evidence, evidence_id)
    if evidence is None:
        raise UserError(EvidenceErrorCode.EVIDENCE_NOT_FOUND, "证据不存在或不在本机关管辖范围内", "evidenceId")
    await lock_case(session, evidence.case_id, field="evidenceId")
    note = note.strip()
    errors: list[UserError] = []
    if manual and action not in MANUAL_ACTIONS:
        errors.append(UserError(EvidenceErrorCode.CUSTODY_ACTION_NOT_MANUAL, f"“{action.label}”由系统自动记录，不能手工登记", "action"))
    if action in NOTE_REQUIRED and not note:
        errors.append(UserError(EvidenceErrorCode.CUSTODY_NOTE_REQUIRED, f"{action.label}须注明接收人或去向", "note"))
    if len(note) > MAX_TEXT:
        errors.append(UserError(EvidenceErrorCode.EVIDENCE_FIELD_TOO_LONG, f"说明不能超过 {MAX_TEXT} 个字符", "note"))
    sealed = await is_sealed(session, evidence_id)
    if action is CustodyAction.SEALED and sealed:
        errors.append(UserError(EvidenceErrorCode.EVIDENCE_ALREADY_SEALED, "该证据已封存", "action"))
    if action is CustodyAction.UNSEALED and not sealed:
        errors.append(UserError(EvidenceErrorCode.EVIDENCE_NOT_SEALED, "该证据未封存，无需启封", "action"))
    raise_if_any(errors)
    now = utcnow()
    seq = (await session.scalar(sa.select(sa.func.max(CustodyEvent.seq)).where(CustodyEvent.evidence_id == evidence_id)) or 0) + 1
    event = CustodyEvent(evidence_id=evidence_id, seq=seq, action=action, actor=actor, at=now, note=note, data=data or {})
    session.add(event)
    await session.flush()
    timeline = {"evidence": str(evidence_id), "title": evidence.title, "action": action.value, "note": note, **(data or {})}
    await append_case_event(session, evidence.case_id, f"evidence_{action.value}", actor, timeline, now)
    await record(
        session,
        actor=actor,
        action=f"evidence.{action.value}",
        object_type="Evidence",
        object_id=evidence_id,
        after={"seq": seq, "action": action.value, "note": note, "sha256": evidence.sha256, **(data or {})},
    )
    return event


async def verify(session: AsyncSession, store: EvidenceStore, actor: str, evidence_id: uuid.UUID) -> tuple[Evidence, bool]:
    """Recompute the stored file's SHA-256 and record the check (intact or not) in the custody chain."""
    evidence = await session.get(Evidence, evidence_id)
    if evidence is None:
        raise UserError(EvidenceErrorCode.EVIDENCE_NOT_FOUND, "证据不存在或不在本机关管辖范围内", "evidenceId")
    intact = await anyio.to_thread.run_sync(store.verify, evidence.sha256)
    await custody(session, actor, evidence_id, CustodyAction.VERIFIED, "" if intact else "文件内容与登记的 SHA-256 不一致", {"intact": intact}, manual=False)
    return evidence, intact


async def is_sealed(session: AsyncSession, evidence_id: uuid.UUID) -> bool:
    stmt = (
        sa.select(CustodyEvent.action)
        .where(CustodyEvent.evidence_id == evidence_id, CustodyEvent.action.in_([CustodyAction.SEALED, CustodyAction.UNSEALED]))
        .order_by(CustodyEvent.seq.desc())
        .limit(1)
    )
    return (await session.scalar(stmt)) is CustodyAction.SEALED


async def append_case_event(session: AsyncSession, case_id: uuid.UUID, kind: str, actor: str, data: dict[str, Any], at: dt.datetime) -> CaseEvent:
    """The next step on the case's timeline. The number is max(seq) + 1; a writer that took the same
    number concurrently loses on the unique (case_id, seq) constraint and tries the next one, inside
    a savepoint so the rest of the transaction stands."""
    for _ in range(SEQ_ATTEMPTS):
        seq = (await session.scalar(sa.select(sa.func.max(CaseEvent.seq)).where(CaseEvent.case_id == case_id)) or 0) + 1
        event = CaseEvent(case_id=case_id, seq=seq, kind=kind, at=at, actor=actor, data=data)
        try:
            async with session.begin_nested():
                session.add(event)
        except IntegrityError:
            continue
        return event
    raise UserError(CommonErrorCode.CONFLICT, "案件时间线正被同时修改，请稍后重试")


def duplicate_error() -> UserError:
    return UserError(EvidenceErrorCode.EVIDENCE_DUPLICATE, "该文件已作为本案证据上传过（内容完全相同）", "file")


async def _existing(session: AsyncSession, case_id: uuid.UUID, sha256: str) -> uuid.UUID | None:
    return await session.scalar(sa.select(Evidence.id).where(Evidence.case_id == case_id, Evidence.sha256 == sha256))


async def check_collectors(session: AsyncSession, officer_ids: list[uuid.UUID], agency_id: uuid.UUID, errors: list[UserError]) -> None:
    if not officer_ids:
        return
    rows = (await session.execute(sa.select(Officer.id, Officer.agency_id).where(Officer.id.in_(officer_ids)))).all()
    found = {r.id: r.agency_id for r in rows}
    if any(o not in found for o in officer_ids):
        errors.append(UserError(PeopleErrorCode.OFFICER_NOT_FOUND, "采集人员不存在", "collectedBy"))
    elif any(a != agency_id for a in found.values()):
        errors.append(UserError(PeopleErrorCode.OFFICER_NOT_IN_AGENCY, "采集人员必须是办案机关的人员", "collectedBy"))


def _summary(e: Evidence) -> dict[str, Any]:
    return {"title": e.title, "kind": e.kind.value, "sha256": e.sha256, "size": e.size, "mediaType": e.media_type}


def _state(e: Evidence) -> dict[str, Any]:
    return {
        "case_id": e.case_id,
        "kind": e.kind.value,
        "title": e.title,
        "sha256": e.sha256,
        "size": e.size,
        "media_type": e.media_type,
        "original_filename": e.original_filename,
        "collected_at": e.collected_at,
        "collected_by": e.collected_by,
        "device_id": e.device_id,
        "location": e.location,
        "recording": [e.recording_started_at, e.recording_ended_at],
        "interruption_notes": e.interruption_notes,
    }



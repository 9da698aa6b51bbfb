"""Supervision letters (行政执法监督函): each act checks the rules (core.supervision.rectification),
changes the letter, appends its timeline event and writes the audit record, in the caller's
transaction. Who may act (the issuing supervisor, the addressed agency's head) is decided by the
caller; these functions take the already-authorized ids."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.cases.numbering import allocate, format_number
from zhifa.core.errors import CommonErrorCode, ErrorCode, UserError
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import Agency
from zhifa.core.supervision import rectification as rules
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import LetterEvent, LetterStatus as L, RectificationCampaign, SupervisionLetter

T = TypeVar("T")


@dataclass(frozen=True)
class NewLetter:
    issuing_agency_id: uuid.UUID  # the supervisor's justice bureau
    agency_id: uuid.UUID  # addressed to
    findings: str
    requirements: str  # 整改要求
    issued_on: dt.date
    due_on: dt.date
    campaign_id: uuid.UUID | None = None
    alerts: Sequence[rules.AlertRef] = field(default_factory=tuple)


async def issue(session: AsyncSession, actor: str, new: NewLetter, *, today: dt.date) -> SupervisionLetter:
    """下达: number the letter per issuing agency and year (gap-free), addressed to an agency in reach."""
    findings = rules.required_text(new.findings, SupervisionErrorCode.FINDINGS_REQUIRED, "请填写发现的问题", "findings")
    requirements = rules.required_text(new.requirements, SupervisionErrorCode.REQUIREMENTS_REQUIRED, "请填写整改要求", "requirements")
    rules.check_letter_dates(new.issued_on, new.due_on, today)
    alerts = rules.check_alert_refs(new.alerts)
    issuer = await session.get(Agency, new.issuing_agency_id)
    if issuer is None:
        raise UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "下达机关不存在", "issuingAgencyId")
    if new.agency_id == issuer.id:
        raise UserError(SupervisionErrorCode.LETTER_TO_SELF, "监督函应下达给被监督的执法部门", "agencyId")
    if await session.get(Agency, new.agency_id) is None:
        raise UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "被监督单位不存在", "agencyId")
    if new.campaign_id is not None:
        campaign = await session.get(RectificationCampaign, new.campaign_id)
        if campaign is None:
            raise UserError(SupervisionErrorCode.CAMPAIGN_NOT_FOUND, "整治活动不存在", "campaignId")
    serial = await allocate(session, issuer.id, rules.LETTER_DOC_TYPE, new.issued_on.year)
    letter = SupervisionLetter(
        number=format_number(issuer.short_name + rules.LETTER_DOC_TYPE, new.issued_on.year, serial),
        issuing_agency_id=issuer.id,
        agency_id=new.agency_id,
        campaign_id=new.campaign_id,
        findings=findings,
        requirements=requirements,
        alerts=alerts,
        issued_on=new.issued_on,
        due_on=new.due_on,
        status=L.ISSUED,
    )
    session.add(letter)
    await session.flush()
    await _event(session, letter, "issue", actor, new.issued_on, {"due_on": new.due_on.isoformat(), "alerts": len(alerts)})
    await _audit(session, actor, "letter.issued", letter, None)
    return letter


async def answer(
    session: AsyncSession, actor: str, letter_id: uuid.UUID, text: str, on: dt.date, *, today: dt.date, version: int | None = None
) -> SupervisionLetter:
    """反馈整改情况: the addressed agency's rectification report (again after a return)."""
    text = rules.required_text(text, SupervisionErrorCode.ANSWER_REQUIRED, "请填写整改情况报告", "answer")

    def apply(letter: SupervisionLetter) -> tuple[dict, str]:
        letter.answer, letter.answered_on = text, on
        return {"answer": text, "on_time": on <= letter.due_on}, ""

    return await _act(session, actor, letter_id, "answer", on, today, version, apply)


async def accept(
    session: AsyncSession, actor: str, letter_id: uuid.UUID, comment: str, on: dt.date, *, today: dt.date, version: int | None = None
) -> SupervisionLetter:
    """办结: the issuing supervisor accepts the rectification report; the letter closes."""
    comment = rules.required_text(comment, "", "", "comment", 2000, required=False)

    def apply(letter: SupervisionLetter) -> tuple[dict, str]:
        letter.closed_on = on
        return {"comment": comment}, comment

    return await _act(session, actor, letter_id, "accept", on, today, version, apply)


async def return_(
    session: AsyncSession,
    actor: str,
    letter_id: uuid.UUID,
    reasons: str,
    on: dt.date,
    *,
    today: dt.date,
    due_on: dt.date | None = None,
    version: int | None = None,
) -> SupervisionLetter:
    """退回 (整改不到位): with reasons, optionally with a new rectification due date."""
    reasons = rules.required_text(reasons, SupervisionErrorCode.REASONS_REQUIRED, "请写明整改不到位的具体情形", "reasons")
    if due_on is not None and due_on <= on:
        raise UserError(SupervisionErrorCode.DUE_NOT_AFTER_RETURN, "新的整改期限须晚于退回日期", "dueOn")

    def apply(letter: SupervisionLetter) -> tuple[dict, str]:
        letter.due_on = due_on or letter.due_on
        return {"reasons": reasons, "due_on": letter.due_on.isoformat()}, reasons

    return await _act(session, actor, letter_id, "return", on, today, version, apply)


AUDIT_ACTIONS = {"answer": "letter.answered", "accept": "letter.closed", "return": "letter.returned"}


async def _act(
    session: AsyncSession, actor: str, letter_id: uuid.UUID, action: str, on: dt.date, today: dt.date, version: int | None,
    apply: Callable[[SupervisionLetter], tuple[dict, str]],
) -> SupervisionLetter:
    """One step of the cycle: check it is allowed and dated in order, apply it, then the event and the audit record."""
    letter = await load(session, letter_id, version)
    after = rules.letter_transition(letter.status, action)
    await _check_day(session, letter, on, today)
    before = _state(letter)
    data, detail = apply(letter)
    letter.status = after
    await session.flush()
    await _event(session, letter, action, actor, on, data)
    await _audit(session, actor, AUDIT_ACTIONS[action], letter, before, detail)
    return letter


async def load(session: AsyncSession, letter_id: uuid.UUID, version: int | None = None) -> SupervisionLetter:
    return await load_versioned(session, SupervisionLetter, letter_id, version, SupervisionErrorCode.LETTER_NOT_FOUND, "监督函", "letterId")


async def load_versioned(session: AsyncSession, model: type[T], key: uuid.UUID, version: int | None, code: ErrorCode, what: str, field: str) -> T:
    """The row, refusing a missing one and a stale `version` (optimistic locking)."""
    row = await session.get(model, key)
    if row is None:
        raise UserError(code, f"{what}不存在或不在本机关管辖范围内", field)
    if version is not None and version != row.version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, "记录已被他人修改，请刷新后重试", "version")
    return row


async def _check_day(session: AsyncSession, letter: SupervisionLetter, on: dt.date, today: dt.date) -> None:
    last = await session.scalar(sa.select(sa.func.max(LetterEvent.happened_on)).where(LetterEvent.letter_id == letter.id))
    rules.check_act_day(on, max(d for d in (letter.issued_on, last) if d is not None), today)


async def _event(session: AsyncSession, letter: SupervisionLetter, kind: str, actor: str, on: dt.date, data: dict) -> None:
    seq = (await session.scalar(sa.select(sa.func.max(LetterEvent.seq)).where(LetterEvent.letter_id == letter.id))) or 0
    session.add(LetterEvent(letter_id=letter.id, seq=seq + 1, kind=kind, happened_on=on, actor=actor, data=data))
    await session.flush()


def _state(letter: SupervisionLetter) -> dict:
    return {
        "number": letter.number, "status": letter.status.value, "agency": str(letter.agency_id),
        "issued_on": letter.issued_on.isoformat(), "due_on": letter.due_on.isoformat(),
        "answered_on": letter.answered_on.isoformat() if letter.answered_on else None,
        "closed_on": letter.closed_on.isoformat() if letter.closed_on else None, "version": letter.version,
    }


async def _audit(session: AsyncSession, actor: str, action: str, letter: SupervisionLetter, before: dict | None, detail: str = "") -> None:
    await record(session, actor=actor, action=action, object_type="SupervisionLetter", object_id=letter.id,
                 before=before, after=_state(letter), detail=detail)

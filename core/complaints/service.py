"""Complaint services: each act checks the rules, changes the complaint, appends its timeline
event and writes the audit record, all in the caller's transaction.

Every act takes the day it happened (`on`) and the legal `today` explicitly, so deadlines are
computed the same way in tests, imports of old 12345 work orders and live use. The complainant's
identity is encrypted on the way in and never written to an event or an audit record.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.cases.numbering import allocate, format_number
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.models import Domain
from zhifa.core.clock import legal_date
from zhifa.core.complaints import rules
from zhifa.core.complaints.error_codes import ComplaintErrorCode
from zhifa.core.complaints.models import (
    Complaint,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintIdentityRead,
    ComplaintKind,
    ComplaintLink,
    ComplaintStatus as S,
    Satisfaction,
)
from zhifa.core.complaints.policy import DEFAULT_COMPLAINT_POLICY, ComplaintPolicy
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.identifiers import check_id_number
from zhifa.core.entities.models import Entity
from zhifa.core.entities.service import PHONE
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import Agency, AgencyDomain, Officer

COMPLAINT_DOC_TYPE = "投"  # 登记编号 prefix: 定综执投〔2025〕3号
LINK_KINDS = ("case", "inspection")


@dataclass(frozen=True)
class NewComplaint:
    kind: ComplaintKind
    channel: ComplaintChannel
    agency_id: uuid.UUID  # the receiving agency (it handles the item until it assigns it)
    received_at: dt.datetime
    content: str
    subject_name: str = ""
    subject_address: str = ""
    subject_entity_id: uuid.UUID | None = None
    domain_code: str | None = None
    external_number: str | None = None
    complainant_name: str | None = None
    complainant_phone: str | None = None
    complainant_id_number: str | None = None
    confidential: bool = False
    handler_id: uuid.UUID | None = None  # the officer who handles it (default: nobody named yet)
    outside_supervisor_id: uuid.UUID | None = None  # a special supervisor or contact point reporting (core.supervision.outside)


# --- registering ------------------------------------------------------------------------------


async def register(
    session: AsyncSession,
    actor: str,
    new: NewComplaint,
    key: DataKey,
    *,
    today: dt.date,
    policy: ComplaintPolicy = DEFAULT_COMPLAINT_POLICY,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Complaint:
    """登记: number the item, encrypt the complainant, start both clocks from the day of receipt."""
    errors: list[UserError] = []
    if new.received_at.tzinfo is None:
        raise UserError(CommonErrorCode.DATETIME_NAIVE, "收到时间须带时区（如 2025-09-30T09:00:00+08:00）", "receivedAt")
    received_on = legal_date(new.received_at)
    if received_on > today:
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "收到日期不能晚于今天", "receivedAt"))
    content = new.content.strip()
    if not content:
        errors.append(UserError(ComplaintErrorCode.CONTENT_REQUIRED, "请填写投诉举报的具体内容（事实和请求）", "content"))
    subject_name, subject_address = new.subject_name.strip(), new.subject_address.strip()
    if new.subject_entity_id is not None:
        entity = await session.get(Entity, new.subject_entity_id)
        if entity is None:
            errors.append(UserError(EntityErrorCode.ENTITY_NOT_FOUND, "被投诉举报的行政相对人不存在", "subjectEntityId"))
        else:
            subject_name, subject_address = subject_name or entity.name, subject_address or entity.address
    if not subject_name:
        errors.append(UserError(ComplaintErrorCode.SUBJECT_REQUIRED, "请填写被投诉举报对象的名称（姓名）", "subjectName"))
    elif len(subject_name) > 200 or len(subject_address) > 300:
        errors.append(UserError(ComplaintErrorCode.SUBJECT_INVALID, "被投诉举报对象名称不超过 200 字，地址不超过 300 字", "subjectName"))
    name = (new.complainant_name or "").strip() or None
    phone = re.sub(r"[\s]", "", new.complainant_phone or "") or None
    id_number = None
    if phone and not PHONE.match(phone):
        errors.append(UserError(CommonErrorCode.PHONE_INVALID, "联系电话格式不正确（手机号或带区号的固定电话）", "complainantPhone"))
    if new.complainant_id_number and new.complainant_id_number.strip():
        try:
            id_number = check_id_number(new.complainant_id_number).value
        except UserError as exc:
            errors.append(UserError(exc.code, exc.message, "complainantIdNumber"))
    if new.kind is ComplaintKind.COMPLAINT and not (name and phone):
        errors.append(UserError(
            ComplaintErrorCode.COMPLAINANT_REQUIRED,
            "投诉须提供投诉人的姓名和电话号码（市场监督管理投诉举报处理暂行办法第九条）；匿名反映请按举报登记",
            "complainantName",
        ))
    anonymous = not (name or phone or id_number)
    if new.confidential and anonymous:
        errors.append(UserError(ComplaintErrorCode.CONFIDENTIAL_ANONYMOUS, "匿名件没有需要保密的身份信息", "confidential"))
    external = (new.external_number or "").strip() or None
    if new.channel is ComplaintChannel.HOTLINE_12345 and not external:
        errors.append(UserError(ComplaintErrorCode.EXTERNAL_NUMBER_REQUIRED, "12345 热线件须填写工单编号", "externalNumber"))
    agency = await session.get(Agency, new.agency_id)
    if agency is None:
        errors.append(UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "接收机关不存在", "agencyId"))
    if new.domain_code is not None and await session.get(Domain, new.domain_code) is None:
        errors.append(UserError(CatalogErrorCode.DOMAIN_UNKNOWN, f"没有代码为“{new.domain_code}”的执法领域", "domain"))
    raise_if_any(errors)
    if new.handler_id is not None:
        await _check_handler(session, new.handler_id, new.agency_id)
    if external and await session.scalar(
        sa.select(Complaint.id).where(Complaint.channel == new.channel, Complaint.external_number == external)
    ):
        raise UserError(ComplaintErrorCode.EXTERNAL_NUMBER_TAKEN, f"{new.channel.label}编号“{external}”已登记，请勿重复登记", "externalNumber")

    reply = rules.clock(rules.reply_rule(policy), received_on, calendar)
    handling = rules.clock(rules.handling_rule(policy), received_on, calendar)
    serial = await allocate(session, agency.id, COMPLAINT_DOC_TYPE, received_on.year)
    complaint = Complaint(
        number=format_number(agency.short_name + COMPLAINT_DOC_TYPE, received_on.year, serial),
        kind=new.kind,
        channel=new.channel,
        outside_supervisor_id=new.outside_supervisor_id,
        external_number=external,
        received_at=new.received_at,
        received_on=received_on,
        received_by_agency_id=agency.id,
        agency_id=agency.id,
        handler_id=new.handler_id,
        domain_code=new.domain_code,
        subject_entity_id=new.subject_entity_id,
        subject_name=subject_name,
        subject_address=subject_address,
        content=content,
        complainant_name_cipher=key.encrypt(name) if name else None,
        complainant_phone_cipher=key.encrypt(phone) if phone else None,
        complainant_phone_digest=key.lookup(phone) if phone else None,
        complainant_id_number_cipher=key.encrypt(id_number) if id_number else None,
        complainant_id_number_digest=key.lookup(id_number) if id_number else None,
        anonymous=anonymous,
        confidential=new.confidential,
        status=S.REGISTERED,
        reply_starts_on=received_on,
        reply_due_on=reply.deadline.due_on,
        handling_starts_on=received_on,
        handling_due_on=handling.deadline.due_on,
        provisional_year=reply.provisional_year or handling.provisional_year,
    )
    session.add(complaint)
    await session.flush()
    await _event(session, complaint, "register", actor, received_on, {
        "channel": new.channel.value, "kind": new.kind.value, "agency_id": agency.id, "anonymous": anonymous,
        "confidential": new.confidential,
    })
    await _audit(session, actor, "complaint.registered", complaint, None)
    return complaint


# --- the acts on a registered complaint ---------------------------------------------------------


async def assign(
    session: AsyncSession,
    actor: str,
    complaint_id: uuid.UUID,
    agency_id: uuid.UUID,
    on: dt.date,
    *,
    today: dt.date,
    handler_id: uuid.UUID | None = None,
    note: str = "",
    version: int | None = None,
    policy: ComplaintPolicy = DEFAULT_COMPLAINT_POLICY,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Complaint:
    """交办: to the competent agency (it must enforce the complaint's domain), optionally naming
    the handler. A new agency counts both periods from the day it receives the item when the
    policy says so (投诉举报办法第十四条、第三十七条). Within the same agency the call only names the
    handler — allowed at any stage before closing, and it restarts nothing."""
    complaint = await _load(session, complaint_id, version)
    moved = agency_id != complaint.agency_id
    if moved:
        rules.check_action("assign", complaint.status)
    else:
        # Within the same agency only the handler changes, at any stage before closing (a
        # confidential complaint without a named handler is otherwise unreadable to everyone).
        if complaint.status is S.CLOSED:
            rules.check_action("assign", complaint.status)
        if handler_id is None:
            raise UserError(ComplaintErrorCode.ALREADY_ASSIGNED, "该投诉举报已由此机关承办；在本机关内交办须指定承办人", "handlerId")
    await _check_day(session, complaint, on, today)
    agency = await session.get(Agency, agency_id)
    if agency is None:
        raise UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "承办机关不存在", "agencyId")
    domains = set((await session.scalars(sa.select(AgencyDomain.domain_code).where(AgencyDomain.agency_id == agency_id))).all())
    if not domains:
        raise UserError(ComplaintErrorCode.AGENCY_NOT_COMPETENT, f"{agency.name}不承担执法职责，不能承办投诉举报", "agencyId")
    if complaint.domain_code and complaint.domain_code not in domains:
        raise UserError(ComplaintErrorCode.AGENCY_NOT_COMPETENT, f"{agency.name}不承担“{complaint.domain_code}”领域的执法职责", "agencyId")
    if handler_id is not None:
        await _check_handler(session, handler_id, agency_id)
    before = _state(complaint)
    if moved and policy.clock_restarts_on_assignment:
        reply = rules.clock(rules.reply_rule(policy), on, calendar)
        handling = rules.clock(rules.handling_rule(policy), on, calendar)
        complaint.reply_starts_on, complaint.reply_due_on = on, reply.deadline.due_on
        complaint.handling_starts_on, complaint.handling_due_on = on, handling.deadline.due_on
        complaint.provisional_year = reply.provisional_year or handling.provisional_year
    if moved:
        complaint.handler_id = handler_id  # the previous agency's handler hands the item over
    elif handler_id is not None:
        complaint.handler_id = handler_id
    complaint.agency_id = agency_id
    if moved:
        complaint.status = S.ASSIGNED
    await session.flush()
    await _event(session, complaint, "assign", actor, on, {
        "to_agency_id": agency_id, "handler_id": complaint.handler_id, "note": note.strip(), "clock_restarted": moved and policy.clock_restarts_on_assignment,
    })
    await _audit(session, actor, "complaint.assigned", complaint, before)
    return complaint


async def reply(
    session: AsyncSession,
    actor: str,
    complaint_id: uuid.UUID,
    accepted: bool,
    text: str,
    on: dt.date,
    *,
    today: dt.date,
    version: int | None = None,
) -> Complaint:
    """受理答复 (Art. 14): accept, or refuse with reasons (Art. 15). A refusal is also the item's
    result: it is resolved by the reply and waits for the feedback like any other result."""
    complaint = await _load(session, complaint_id, version)
    rules.check_action("reply", complaint.status)
    await _check_day(session, complaint, on, today)
    text = text.strip()
    if not text:
        raise UserError(ComplaintErrorCode.REPLY_TEXT_REQUIRED, "请填写答复内容（不予受理的须说明理由和依据）", "text")
    before = _state(complaint)
    complaint.replied_on, complaint.reply_accepted, complaint.reply_text = on, accepted, text
    if accepted:
        complaint.status = S.REPLIED
    else:
        complaint.status, complaint.resolved_on, complaint.result = S.RESOLVED, on, f"不予受理：{text}"
    await session.flush()
    await _event(session, complaint, "reply", actor, on, {"accepted": accepted, "on_time": rules.on_time(complaint.reply_due_on, on)})
    await _audit(session, actor, "complaint.replied", complaint, before)
    return complaint


async def resolve(
    session: AsyncSession,
    actor: str,
    complaint_id: uuid.UUID,
    result: str,
    on: dt.date,
    *,
    today: dt.date,
    version: int | None = None,
) -> Complaint:
    """办结: the substantive result (mediation outcome, the case filed or not, the inspection's finding …)."""
    complaint = await _load(session, complaint_id, version)
    rules.check_action("resolve", complaint.status)
    await _check_day(session, complaint, on, today)
    result = result.strip()
    if not result:
        raise UserError(ComplaintErrorCode.RESULT_REQUIRED, "请填写办理结果", "result")
    before = _state(complaint)
    complaint.status, complaint.resolved_on, complaint.result = S.RESOLVED, on, result
    await session.flush()
    await _event(session, complaint, "resolve", actor, on, {"on_time": rules.on_time(complaint.handling_due_on, on), "round": complaint.reopened_count})
    await _audit(session, actor, "complaint.resolved", complaint, before)
    return complaint


async def record_feedback(
    session: AsyncSession,
    actor: str,
    complaint_id: uuid.UUID,
    satisfaction: Satisfaction,
    comment: str,
    on: dt.date,
    *,
    today: dt.date,
    version: int | None = None,
    policy: ComplaintPolicy = DEFAULT_COMPLAINT_POLICY,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Complaint:
    """回访: the complainant's satisfaction with the result. Unsatisfied reopens the item for
    re-handling with a fresh period while `policy.max_rehandling` rounds remain."""
    complaint = await _load(session, complaint_id, version)
    rules.check_action("feedback", complaint.status)
    await _check_day(session, complaint, on, today)
    if complaint.anonymous:
        raise UserError(ComplaintErrorCode.FEEDBACK_ANONYMOUS, "匿名件无法回访，办结后可直接销号", "complaintId")
    comment = comment.strip()
    if satisfaction is Satisfaction.UNSATISFIED and not comment:
        raise UserError(ComplaintErrorCode.COMMENT_REQUIRED, "不满意的，请记录投诉举报人不满意的具体理由", "comment")
    before = _state(complaint)
    complaint.satisfaction, complaint.feedback_comment, complaint.feedback_on = satisfaction, comment or None, on
    reopen = rules.reopens(satisfaction, complaint.reopened_count, policy)
    if reopen:
        again = rules.clock(rules.handling_rule(policy, rehandling=True), on, calendar)
        complaint.status, complaint.resolved_on = S.HANDLING, None
        complaint.handling_starts_on, complaint.handling_due_on = on, again.deadline.due_on
        complaint.provisional_year = complaint.provisional_year or again.provisional_year
        complaint.reopened_count += 1
    await session.flush()
    await _event(session, complaint, "feedback", actor, on, {"satisfaction": satisfaction.value, "reopened": reopen})
    await _audit(session, actor, "complaint.reopened" if reopen else "complaint.feedback", complaint, before)
    return complaint


async def close(
    session: AsyncSession,
    actor: str,
    complaint_id: uuid.UUID,
    on: dt.date,
    *,
    today: dt.date,
    viewer_is_head: bool,
    head_review: str | None = None,
    version: int | None = None,
) -> Complaint:
    """销号: only a resolved item with its feedback (不解决不销号); see `rules.check_close`."""
    complaint = await _load(session, complaint_id, version)
    rules.check_close(complaint.status, complaint.anonymous, complaint.satisfaction, head_review, viewer_is_head)
    await _check_day(session, complaint, on, today)
    before = _state(complaint)
    complaint.status, complaint.closed_on = S.CLOSED, on
    complaint.close_note = (head_review or "").strip() or None
    await session.flush()
    await _event(session, complaint, "close", actor, on, {"head_review": complaint.close_note is not None})
    await _audit(session, actor, "complaint.closed", complaint, before, detail=complaint.close_note or "")
    return complaint


async def link(
    session: AsyncSession,
    actor: str,
    complaint_id: uuid.UUID,
    target_kind: str,
    target_id: uuid.UUID,
    on: dt.date,
    *,
    today: dt.date,
    version: int | None = None,
) -> Complaint:
    """关联: the case or the inspection the complaint is handled in. An accepted item linked to one
    is in substantive handling. The caller checks that the target exists and is within reach."""
    if target_kind not in LINK_KINDS:
        raise UserError(ComplaintErrorCode.LINK_TARGET_REQUIRED, "请指定关联的案件或检查", "caseId")
    complaint = await _load(session, complaint_id, version)
    rules.check_action("link", complaint.status)
    await _check_day(session, complaint, on, today)
    exists = await session.scalar(sa.select(ComplaintLink.id).where(
        ComplaintLink.complaint_id == complaint.id, ComplaintLink.target_kind == target_kind, ComplaintLink.target_id == target_id
    ))
    if exists:
        raise UserError(ComplaintErrorCode.ALREADY_LINKED, "已关联，请勿重复关联", "caseId" if target_kind == "case" else "inspectionId")
    before = _state(complaint)
    session.add(ComplaintLink(complaint_id=complaint.id, target_kind=target_kind, target_id=target_id, linked_on=on, actor=actor))
    if complaint.status is S.REPLIED:
        complaint.status = S.HANDLING
    complaint.updated_at = dt.datetime.now(dt.UTC)  # a new link changes the complaint: its version moves
    await session.flush()
    await _event(session, complaint, "link", actor, on, {"target_kind": target_kind, "target_id": target_id})
    await _audit(session, actor, "complaint.linked", complaint, before)
    return complaint


# --- reads of the identity ---------------------------------------------------------------------


async def record_identity_reads(session: AsyncSession, viewer: str, reads: Iterable[tuple[uuid.UUID, str]]) -> int:
    """Record clear reads of complainants' identities (one row per complaint and request)."""
    rows = [{"viewer": viewer, "complaint_id": c, "fields": f} for c, f in dict(reads).items()]
    if rows:
        await session.execute(sa.insert(ComplaintIdentityRead), rows)
    return len(rows)


# --- helpers -------------------------------------------------------------------------------------


async def _load(session: AsyncSession, complaint_id: uuid.UUID, version: int | None) -> Complaint:
    complaint = await session.get(Complaint, complaint_id)
    if complaint is None:
        raise UserError(ComplaintErrorCode.COMPLAINT_NOT_FOUND, "投诉举报不存在或不在本机关管辖范围内", "complaintId")
    if version is not None and version != complaint.version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, "记录已被他人修改，请刷新后重试", "version")
    return complaint


async def _check_day(session: AsyncSession, complaint: Complaint, on: dt.date, today: dt.date) -> None:
    if on > today:
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "办理日期不能晚于今天", "on")
    last = await session.scalar(sa.select(sa.func.max(ComplaintEvent.happened_on)).where(ComplaintEvent.complaint_id == complaint.id))
    floor = max(d for d in (complaint.received_on, last) if d is not None)
    if on < floor:
        raise UserError(CommonErrorCode.DATE_OUT_OF_ORDER, f"办理日期不能早于收到日期或上一步的日期（{floor.isoformat()}）", "on")


async def _check_handler(session: AsyncSession, handler_id: uuid.UUID, agency_id: uuid.UUID) -> None:
    officer = await session.get(Officer, handler_id)
    if officer is None or officer.agency_id != agency_id:
        raise UserError(ComplaintErrorCode.HANDLER_NOT_IN_AGENCY, "承办人须是承办机关的工作人员", "handlerId")


async def _event(session: AsyncSession, complaint: Complaint, kind: str, actor: str, on: dt.date, data: dict) -> None:
    seq = (await session.scalar(sa.select(sa.func.max(ComplaintEvent.seq)).where(ComplaintEvent.complaint_id == complaint.id))) or 0
    plain = {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in data.items()}
    session.add(ComplaintEvent(complaint_id=complaint.id, seq=seq + 1, kind=kind, happened_on=on, actor=actor, data=plain))
    await session.flush()


def _state(c: Complaint) -> dict:
    """What the audit digests: the handling state, never the complainant's identity."""
    return {
        "number": c.number, "status": c.status.value, "agency": str(c.agency_id), "handler": str(c.handler_id) if c.handler_id else None,
        "reply_due_on": c.reply_due_on.isoformat(), "replied_on": c.replied_on.isoformat() if c.replied_on else None,
        "handling_due_on": c.handling_due_on.isoformat(), "resolved_on": c.resolved_on.isoformat() if c.resolved_on else None,
        "satisfaction": c.satisfaction.value if c.satisfaction else None, "closed_on": c.closed_on.isoformat() if c.closed_on else None,
        "version": c.version,
    }


async def _audit(session: AsyncSession, actor: str, action: str, complaint: Complaint, before: dict | None, detail: str = "") -> None:
    await record(session, actor=actor, action=action, object_type="Complaint", object_id=complaint.id,
                 before=before, after=_state(complaint), detail=detail)

"""Performing the steps of the procedure: load the case, let the law's guards and the plug-ins
judge the step, then change the case, write the timeline, the audit and the deadlines in the
same transaction. A stale version is a conflict, never an overwrite."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.access.viewer import Role
from zhifa.core.audit.service import record
from zhifa.core.cases import chronology, history
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.execution import ExecutionEnd, Instalment, PaymentPlan, SurchargeAccount, payment_due, validate_plan
from zhifa.core.cases.guards import CaseSnapshot, LimitationCategory, OfficerSnapshot, check
from zhifa.core.cases.models import Case, CaseDeadline, CaseEvent, CaseOfficer, CaseOfficerRole, CaseRecipient, CaseStatus, Procedure
from zhifa.core.cases import transfers
from zhifa.core.cases.numbering import allocate, number_for
from zhifa.core.cases.service import CASE_DOC_TYPE, check_people, closed_agency
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy
from zhifa.core.cases.procedure import Action, next_status
from zhifa.core.catalog.delegation import codes_on, delegations_of
from zhifa.core.catalog.discretion import ProposalCheck, Recommendation, check_proposal, check_statutory_fine, recommend
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.loader import parse_table_dict
from zhifa.core.catalog.models import CatalogItemVersion, Delegation
from zhifa.core.catalog.spec import normalise_facts, typed_facts
from zhifa.core.clock import legal_date, legal_today
from zhifa.core.db import utcnow
from zhifa.core.documents import DocumentType
from zhifa.core.entities.models import Entity
from zhifa.core.errors import CommonErrorCode, ErrorCode, UserError, raise_if_any
from zhifa.core.hooks import CaseAction
from zhifa.core.money import fen_to_yuan
from zhifa.core.people.certificates import certificates_of, change_on, changes_of, domains_of, held_on, status_on
from zhifa.core.people.models import Agency, AgencyDomain, AgencyKind, Certificate, CertificateStatus, Officer, Region

# Non-transition records: they change no status, but the deadlines and execution read them.
RECORDS = {
    "payment", "payment_plan", "court_application", "remit_surcharge", "suspend", "resume", "extend", "end_execution", "waive_rights",
}
STEPS = {*RECORDS, *(a.value for a in Action)}  # the timeline's dated steps (not registration, evidence, publication)
# Windows the agency waits out (no decision before they end): met when they run out, never overdue.
WAITING_WINDOWS = {"NOTICE_RESPONSE", "STATEMENT_DEFENCE"}
# The document each step issues, numbered gap-free per agency, type and year (REFERENCE §5.4).
DOCUMENT_FOR = {
    "file": DocumentType.FILING_APPROVAL,
    "notify": DocumentType.PRIOR_NOTICE,
    "decide": DocumentType.PENALTY_DECISION,
    "decide_no_penalty": DocumentType.NO_PENALTY_DECISION,
    "serve": DocumentType.SERVICE_RECEIPT,
}


@dataclass(frozen=True)
class Step:
    case_id: uuid.UUID
    action: str  # an Action value, or one of RECORDS
    version: int  # the version the client last saw (optimistic locking)
    on: dt.date | None = None  # the day it happened; default today
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Loaded:
    case: Case
    events: list[history.Event]
    handlers: list[OfficerSnapshot]
    item: CatalogItemVersion
    party_kind: str
    agency: Agency
    delegations: list[Delegation]  # a township team's grants, judged on each step's own day (Art. 24)
    policy: CasePolicy = DEFAULT_POLICY  # what the step is judged under: the deployment's policy and calendar
    calendar: WorkingCalendar = DEFAULT_CALENDAR
    last_seq: int = 0  # the timeline's last seq, read under the case's lock: the next event follows it


async def perform(
    session: AsyncSession,
    actor: str,
    step: Step,
    checks=None,
    policy: CasePolicy = DEFAULT_POLICY,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
    today: dt.date | None = None,
) -> Case:
    """Run one step. `checks(CaseAction) -> list[UserError]` adds the plug-ins' domain rules."""
    today = today or legal_today()
    on = step.on or today
    if on > today:
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "办理日期不能晚于今天", "on")
    loaded = await _load(session, step.case_id, policy, calendar, on)
    case = loaded.case
    if case.version != step.version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, f"案件已被他人修改（当前版本 {case.version}，提交的是 {step.version}），请刷新后重试", "version")
    raise_if_any(chronology.order_errors(loaded.events, step.action, on, case.violation_date, STEPS))
    if step.action != "accept_return" and _with_police(loaded.events):
        raise transfers.held_by_police()
    is_record = step.action in RECORDS
    action = None if is_record else Action(step.action)
    status = case.status if is_record else next_status(case.procedure, case.status, action)
    data = await PREPARE.get(step.action, _nothing)(session, loaded, step, on)
    if data.get("answered_by") == transfers.PUBLIC_SECURITY and data["accepted"]:
        status = CaseStatus.TRANSFERRED  # filed by the police: the case stays with them (Art. 12)
    event = history.Event(step.action, on, data)
    if action is not None:
        # The law is applied on the step's own day: a step recorded later (on paper first) is judged
        # as of the day it was taken — certificates, windows and limits alike.
        snapshot = await _snapshot(session, loaded, [*loaded.events, event], data, policy, on)
        errors = check(action, snapshot, on, policy, calendar)
        if checks is not None:
            errors += checks(CaseAction(name=action.value, case=_public(case), payload=data))
        raise_if_any(errors)
    if step.action in DOCUMENT_FOR:
        data["document_number"] = await _number(session, loaded.agency, DOCUMENT_FOR[step.action], on)
        if step.action.startswith("decide"):
            data["decision_number"] = data["document_number"]
    await _apply(session, actor, loaded, step, status, event, data)
    await _store_deadlines(session, loaded, [*loaded.events, event], policy, calendar, today)
    return case


async def refresh_deadlines(
    session: AsyncSession, case_id: uuid.UUID, policy: CasePolicy = DEFAULT_POLICY, calendar: WorkingCalendar = DEFAULT_CALENDAR,
    today: dt.date | None = None,
) -> None:
    """Recompute a case's deadlines from its events as of `today`, as its next step would."""
    today = today or legal_today()
    loaded = await _load(session, case_id, policy, calendar, today)
    await _store_deadlines(session, loaded, loaded.events, policy, calendar, today)


async def surcharges(
    session: AsyncSession, case_ids: list[uuid.UUID], on: dt.date,
    policy: CasePolicy = DEFAULT_POLICY, calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> dict[uuid.UUID, SurchargeAccount | None]:
    """Each case's surcharge as of `on` (None: no fine decided), from its timeline: two statements."""
    fines = dict((await session.execute(sa.select(Case.id, Case.fine_fen).where(Case.id.in_(case_ids)))).all())
    columns = (CaseEvent.case_id, CaseEvent.kind, CaseEvent.at, CaseEvent.data)
    rows = await session.execute(sa.select(*columns).where(CaseEvent.case_id.in_(case_ids)).order_by(CaseEvent.seq))
    timelines: dict[uuid.UUID, list[history.Event]] = {key: [] for key in case_ids}
    for event in rows:
        timelines[event.case_id].append(history.Event(event.kind, _event_day(event), event.data))
    return {
        key: history.surcharge(timelines[key], fines[key], on, policy, calendar) if fines.get(key) else None
        for key in case_ids
    }


async def _load(session: AsyncSession, case_id: uuid.UUID, policy: CasePolicy, calendar: WorkingCalendar, on: dt.date) -> Loaded:
    """The case and what its next step is judged by, its handlers as on `on`."""
    found = (await session.execute(
        sa.select(Case, CatalogItemVersion, Entity, Agency)  # the case locked, with what it points at: one statement
        .join(CatalogItemVersion, CatalogItemVersion.id == Case.item_version_id)
        .join(Entity, Entity.id == Case.entity_id)
        .join(Agency, Agency.id == Case.agency_id)
        .where(Case.id == case_id)
        .with_for_update(of=Case)
    )).one_or_none()
    if found is None:
        raise UserError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在", "caseId")
    case, item, entity, agency = found
    rows = (await session.execute(sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))).scalars().all()
    events = [history.Event(e.kind, _event_day(e), e.data) for e in rows]
    handler_ids = (await session.execute(
        sa.select(CaseOfficer.officer_id)
        .where(CaseOfficer.case_id == case_id, CaseOfficer.role == CaseOfficerRole.HANDLER)
        .order_by(CaseOfficer.position)
    )).scalars().all()
    handlers = await officer_snapshots(session, list(handler_ids), on)
    delegations = await delegations_of(session, agency.id) if agency.kind is AgencyKind.TOWNSHIP_TEAM else []
    return Loaded(
        case, events, [handlers[i] for i in handler_ids if i in handlers], item, entity.kind.value, agency, delegations, policy, calendar,
        last_seq=rows[-1].seq if rows else 0,
    )


def _event_day(event: CaseEvent | sa.Row) -> dt.date:
    on = event.data.get("on") if isinstance(event.data, dict) else None
    return dt.date.fromisoformat(on) if on else legal_date(event.at)


async def officer_snapshots(session: AsyncSession, ids: list[uuid.UUID], on: dt.date) -> dict[uuid.UUID, OfficerSnapshot]:
    """Each officer as the guards see him on `on`: the certificate that day is judged by (its
    window holding the day, else the nearest), with its status that day from its changes."""
    if not ids:
        return {}
    officers = (await session.execute(sa.select(Officer).where(Officer.id.in_(ids)))).scalars().all()
    held = await certificates_of(session, ids)
    changes = await changes_of(session, [c.id for found in held.values() for c in found])
    chosen = {o.id: held_on(held[o.id], changes, on) for o in officers}
    domains = await domains_of(session, [c.id for c in chosen.values() if c is not None])
    return {o.id: _officer_snapshot(o, chosen[o.id], changes, domains, on) for o in officers}


def _officer_snapshot(officer: Officer, certificate: Certificate | None, changes: dict, domains: dict, on: dt.date) -> OfficerSnapshot:
    person = {"id": officer.id, "role": Role(officer.role.value), "name": officer.name,
              "legal_qualification": officer.legal_qualification, "reviewing_since": officer.legal_review_since}
    if certificate is None:
        return OfficerSnapshot(**person, status=CertificateStatus.VALID)  # no window: refused as such
    recorded = changes[certificate.id]
    change = change_on(recorded, on)
    return OfficerSnapshot(
        **person,
        status=status_on(recorded, certificate.valid_from, certificate.valid_until, on),
        status_since=change.effective_on if change else None,
        certificate_valid_from=certificate.valid_from,
        certificate_valid_until=certificate.valid_until,
        domains=domains[certificate.id],
    )


async def _snapshot(session: AsyncSession, loaded: Loaded, events: list[history.Event], data: dict, policy: CasePolicy, today: dt.date) -> CaseSnapshot:
    case, item = loaded.case, loaded.item
    reviewer_ids = [uuid.UUID(e.data["reviewer_id"]) for e in events if e.kind == "review"]
    reviewers = {str(k): v for k, v in (await officer_snapshots(session, reviewer_ids, today)).items()}
    fine = data.get("fine_fen", case.fine_fen) or 0
    kinds = frozenset(data.get("penalty_kinds", case.penalty_kinds or []))
    return CaseSnapshot(
        procedure=case.procedure,
        domain=case.domain_code,
        party_kind=loaded.party_kind,
        handlers=tuple(loaded.handlers),
        fine_fen=fine,
        penalty_kinds=kinds,
        major=bool(data.get("major", case.major)),
        legal_review_required=bool(data.get("major", case.major)),
        complex_or_serious=bool(data.get("complex", False)),
        collective_discussion_held=history.last(events, "discuss") is not None,
        discussed_before_hearing=history.before_hearing(events, "discuss"),
        hearing_right=bool(data.get("hearing_right", case.hearing_right)),
        hearing=history.hearing(events),
        notice_served_on=history.day(events, "notify"),
        rights_waived=history.last(events, "waive_rights") is not None,
        legal_review=history.legal_review(events, reviewers),
        violation_on=case.violation_date,
        limitation=LimitationCategory(item.limitation) if item.limitation in ("2y", "5y") else LimitationCategory.GENERAL,
        filed_on=case.filed_on or history.day(events, "file"),
        suspensions=history.suspensions(events, today),
        extensions=history.extensions(events),
        agency_is_township=loaded.agency.kind is AgencyKind.TOWNSHIP_TEAM,
        item_delegated_to_township=item.code in codes_on(loaded.delegations, today),
        execution=history.execution(events, fine, today, policy, loaded.calendar),
    )


def _public(case: Case) -> dict[str, Any]:
    """What plug-ins see of a case: plain values, no ORM object to write through."""
    return {
        "id": str(case.id),
        "case_number": case.case_number,
        "domain": case.domain_code,
        "status": case.status.value,
        "procedure": case.procedure.value,
        "facts": dict(case.facts),
        "fine_fen": case.fine_fen,
        "penalty_kinds": list(case.penalty_kinds or []),
    }


async def _apply(session: AsyncSession, actor: str, loaded: Loaded, step: Step, status: CaseStatus, event: history.Event, data: dict) -> None:
    case = loaded.case
    before = {"status": case.status.value, "version": case.version}
    for key in ("fine_fen", "penalty_kinds", "major", "hearing_right", "discretion", "decision_number", "agency_id"):
        if key in data:
            setattr(case, key, uuid.UUID(data[key]) if key == "agency_id" else data[key])
    if step.action == "file":
        case.filed_on = event.on
    if step.action in ("decide", "decide_no_penalty"):
        case.decided_on = event.on
    if step.action == "close":
        case.closed_on = event.on
    if step.action == "transfer" and data.get("to_agency_id"):
        _add_recipient(session, loaded, uuid.UUID(data["to_agency_id"]))
    case.status = status
    case.updated_at = utcnow()
    await append_event(session, case.id, step.action, actor, {"on": event.on.isoformat(), **_jsonable(data)}, after=loaded.last_seq)
    await session.flush()  # the version column moves here; a concurrent writer fails on it
    await record(
        session,
        actor=actor,
        action=f"case.{step.action}",
        object_type="Case",
        object_id=case.id,
        before=before,
        after={"status": status.value, "version": case.version, **_jsonable(data)},
    )


async def append_event(
    session: AsyncSession, case_id: uuid.UUID, kind: str, actor: str, data: dict[str, Any], after: int | None = None
) -> CaseEvent:
    """The next step on a case's timeline, after `after` (the last seq, when the caller read it
    under the case's lock) or the last one stored; the unique (case, seq) pair refuses a racing duplicate."""
    seq = after if after is not None else (await session.scalar(sa.select(sa.func.max(CaseEvent.seq)).where(CaseEvent.case_id == case_id))) or 0
    event = CaseEvent(case_id=case_id, seq=seq + 1, kind=kind, actor=actor, data=data)
    session.add(event)
    return event


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, uuid.UUID) else v) for k, v in data.items()}


async def _store_deadlines(session: AsyncSession, loaded: Loaded, events: list[history.Event], policy: CasePolicy, calendar: WorkingCalendar, today: dt.date) -> None:
    case = loaded.case
    publishable = bool(set(case.penalty_kinds or []) - {"warning"})
    computed = history.deadlines(events, case.fine_fen or 0, case.hearing_right, publishable, policy, calendar, today)
    await session.execute(sa.delete(CaseDeadline).where(CaseDeadline.case_id == case.id))
    for found, met in computed:
        provisional = isinstance(found, history.Provisional)
        deadline = found.deadline if provisional else found
        if deadline.kind in WAITING_WINDOWS and met is None and deadline.due_on < today:
            met = deadline.due_on
        session.add(CaseDeadline(
            case_id=case.id, kind=deadline.kind, label=deadline.label, day_type=deadline.day_type.value,
            starts_on=deadline.start, due_on=deadline.due_on, basis=deadline.basis, met_on=met,
            provisional_year=found.unknown_year if provisional else None,
        ))
    await session.flush()


# --- what each step records ------------------------------------------------------------------


async def _nothing(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    return {}


def _required_text(step: Step, key: str, label: str, code: ErrorCode) -> str:
    text = str(step.data.get(key) or "").strip()
    if not text:
        raise UserError(code, f"请填写{label}", key)
    return text


@dataclass(frozen=True)
class Proposal:
    """A handling proposal as the discretion rules settle it (pure; what `propose` records)."""

    facts: dict[str, Any]  # normalised
    recommendation: Recommendation
    check: ProposalCheck
    kinds: list[str]
    major: bool  # APL Art. 58: needs legal review


def settle_proposal(item: CatalogItemVersion, facts: dict[str, Any], party_kind: str, fine_fen: int | None, reasons: str | None) -> Proposal:
    """The benchmark's recommendation for the facts and the proposed fine (default: the bottom of the
    recommended range) checked against it. The item must have a discretion table."""
    spec = item.spec()
    facts = normalise_facts(item.code, spec.facts, facts)
    rec = recommend(spec, parse_table_dict(item.discretion), typed_facts(spec.facts, facts), party_kind=party_kind)
    if fine_fen is None and rec.recommended_range is not None:
        fine_fen = rec.recommended_range.min_fen
    check = check_proposal(rec, fine_fen, reasons)
    kinds = sorted({*rec.other_penalties, *(["fine"] if check.fine_fen else [])})
    return Proposal(facts, rec, check, kinds, check.legal_review_required)  # major: judged on the fine proposed


async def _propose(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """处理意见: the discretion benchmark's recommendation for the facts, and the proposed penalty."""
    item, case = loaded.item, loaded.case
    if item.discretion is None:
        raise UserError(CatalogErrorCode.DISCRETION_TABLE_MISSING, f"事项 {item.code} 没有裁量基准，不能提出处罚意见", "caseId")
    settled = settle_proposal(item, {**case.facts, **(step.data.get("facts") or {})}, loaded.party_kind,
                              step.data.get("fine_fen"), step.data.get("reasons"))
    case.facts = settled.facts
    return proposal_data(settled)


def proposal_data(settled: Proposal) -> dict[str, Any]:
    """What the `propose` step records: the penalty proposed and how the benchmark judged it."""
    rec, proposal = settled.recommendation, settled.check
    return {
        "fine_fen": proposal.fine_fen or 0,
        "penalty_kinds": list(settled.kinds),
        "major": settled.major,
        "hearing_right": proposal.hearing_right,
        "discretion": {
            "tier": rec.tier.code,
            "tier_name": rec.tier.name,
            "outcome": rec.tier.outcome,
            "measures": list(rec.tier.measures),
            "first_violation": rec.tier.first_violation,
            "recommended": [rec.recommended_range.min_fen, rec.recommended_range.max_fen] if rec.recommended_range else None,
            "within_benchmark": proposal.within_benchmark,
            "reasons": list(rec.reasons),
            "departure_reasons": proposal.reasons,
            "legal_review_reasons": list(proposal.legal_review_reasons),
            "hearing_reasons": list(proposal.hearing_reasons),
        },
    }


async def _hold_hearing(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """APL Art. 64: the hearing's time and place notified 7 working days before, a chair who did not investigate."""
    chair, notified = step.data.get("chair_id"), step.data.get("notified_on")
    waived = bool(step.data.get("waived"))
    if not chair and not waived:
        raise UserError(CaseErrorCode.HEARING_CHAIR_REQUIRED, "请指定听证主持人", "chairId")
    if notified is None and not waived:
        raise UserError(CaseErrorCode.HEARING_NOTICE_REQUIRED, "请填写听证通知送达之日", "notifiedOn")
    requested = history.last(loaded.events, "request_hearing")
    if notified is not None and requested is not None and notified < requested.on:
        raise chronology.before_step(f"听证通知送达之日 {notified.isoformat()}", requested, "notifiedOn")
    return {
        "chair_id": str(chair) if chair else None,
        "notified_on": notified.isoformat() if notified else None,
        "waived": waived,
        "record": step.data.get("record", ""),
    }


async def _review(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    reviewer = step.data.get("reviewer_id")
    if reviewer is None:
        raise UserError(CaseErrorCode.REVIEWER_REQUIRED, "请指定法制审核人员", "reviewerId")
    return {"reviewer_id": str(reviewer), "passed": bool(step.data.get("passed")), "opinion": _required_text(step, "opinion", "审核意见", CaseErrorCode.OPINION_REQUIRED)}


async def _discuss(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    return {"conclusion": _required_text(step, "conclusion", "集体讨论结论", CaseErrorCode.CONCLUSION_REQUIRED), "participants": list(step.data.get("participants") or [])}


async def _decide(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    case = loaded.case
    if step.action == "decide" and not (case.penalty_kinds or case.procedure is Procedure.SIMPLE):
        raise UserError(CaseErrorCode.PROPOSAL_REQUIRED, "尚未提出处罚意见（处罚种类和罚款）", "caseId")
    data: dict[str, Any] = {}
    if case.procedure is Procedure.SIMPLE and step.action == "decide":
        fine = int(step.data.get("fine_fen") or 0)
        data.update(fine_fen=fine, penalty_kinds=["fine"] if fine else ["warning"])
    if step.action == "decide":  # whatever was proposed or reasoned, never above the statute
        spec = loaded.item.spec()
        check_statutory_fine(spec, typed_facts(spec.facts, case.facts or {}), data.get("fine_fen", case.fine_fen or 0), "fine")
    if step.action == "decide_no_penalty":
        data.update(ground=_required_text(step, "ground", "不予处罚的理由", CaseErrorCode.GROUND_REQUIRED), fine_fen=0, penalty_kinds=[])
    return data


async def _number(session: AsyncSession, agency: Agency, doc_type: DocumentType, on: dt.date) -> str:
    serial = await allocate(session, agency.id, doc_type.code, on.year)
    return number_for(agency.document_pattern, agency.short_name, doc_type.code, on.year, serial)


async def _transfer(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    target = step.data.get("target")
    reason = _required_text(step, "reason", "移送理由", CommonErrorCode.REASON_REQUIRED)
    if target == transfers.PUBLIC_SECURITY:
        approval = transfers.criminal_approval(_optional_date(step.data.get("reported_on")), on)
        return {"target": target, "reason": reason, "approved_by": str(step.data.get("approved_by") or ""), **approval}
    if target != "agency" or not step.data.get("agency_id"):
        raise UserError(CaseErrorCode.TRANSFER_TARGET_INVALID, "请指定移送对象：有管辖权的执法主体，或公安机关（涉嫌犯罪）", "target")
    receiver = await session.get(Agency, uuid.UUID(str(step.data["agency_id"])))
    if receiver is None or receiver.id == loaded.agency.id:
        raise UserError(CaseErrorCode.TRANSFER_TARGET_INVALID, "接收移送的执法主体不存在或与移送方相同", "agencyId")
    if receiver.closed_on is not None:
        raise closed_agency(receiver)
    raise_if_any(transfers.receiver_problems(await _receiver(session, receiver, on), loaded.case.domain_code, loaded.item.code, await _place(session, loaded)))
    return {"target": target, "to_agency_id": str(receiver.id), "reason": reason}


def _add_recipient(session: AsyncSession, loaded: Loaded, agency_id: uuid.UUID) -> None:
    """The receiver reads the case from now on (the access rule reads case_recipients, not the timeline)."""
    sent_before = {e.data.get("to_agency_id") for e in loaded.events if e.kind == "transfer"}
    if str(agency_id) not in sent_before:
        session.add(CaseRecipient(case_id=loaded.case.id, agency_id=agency_id))


async def _receiver(session: AsyncSession, agency: Agency, on: dt.date) -> transfers.Receiver:
    domains = (await session.execute(sa.select(AgencyDomain.domain_code).where(AgencyDomain.agency_id == agency.id))).scalars()
    township = agency.kind is AgencyKind.TOWNSHIP_TEAM
    delegated = codes_on(await delegations_of(session, agency.id), on) if township else set()
    return transfers.Receiver(agency.name, agency.region_id, frozenset(domains), township, frozenset(delegated))


async def _place(session: AsyncSession, loaded: Loaded) -> frozenset[uuid.UUID]:
    """The party's region and every region above it: where the case is (APL Art. 22)."""
    entity = await session.get(Entity, loaded.case.entity_id)
    parent_of = dict((await session.execute(sa.select(Region.id, Region.parent_id))).all())
    return transfers.region_and_above(entity.region_id, parent_of)


async def _accept_return(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """The police answer a transfer to them; an agency takes the case over with its own handlers
    (its file travels whole, the sender's number and handlers stay in the history), or sends it back."""
    sent = history.last(loaded.events, "transfer")
    accepted = bool(step.data.get("accepted"))
    reason = _required_text(step, "reason", "接收或退回的说明", CommonErrorCode.REASON_REQUIRED)
    if sent and sent.data.get("target") == transfers.PUBLIC_SECURITY:
        return {**transfers.police_answer(accepted, step.data.get("notice_number")), "reason": reason}
    if accepted and sent and sent.data.get("to_agency_id"):
        return {"accepted": True, "reason": reason, **await _take_over(session, loaded, sent.data["to_agency_id"], step, on)}
    return {"accepted": False, "reason": reason}


async def _take_over(session: AsyncSession, loaded: Loaded, receiver_id: str, step: Step, on: dt.date) -> dict:
    """The receiver's own handlers and case number replace the sender's (APL Art. 42)."""
    receiver = await session.get(Agency, uuid.UUID(receiver_id))
    if receiver.closed_on is not None:
        raise closed_agency(receiver)
    handler_ids = list(dict.fromkeys(uuid.UUID(str(o)) for o in step.data.get("officer_ids") or []))
    if not handler_ids:
        raise UserError(CaseErrorCode.TRANSFER_HANDLERS_REQUIRED, f"请指定{receiver.name}的承办人员", "officerIds")
    errors: list[UserError] = []
    await check_people(session, handler_ids, [], receiver.id, errors)
    raise_if_any(errors)
    case = loaded.case
    previous = {"previous_case_number": case.case_number, "previous_handler_ids": [str(h.id) for h in loaded.handlers]}
    await session.execute(sa.delete(CaseOfficer).where(CaseOfficer.case_id == case.id, CaseOfficer.role == CaseOfficerRole.HANDLER))
    session.add_all(CaseOfficer(case_id=case.id, officer_id=o, position=i) for i, o in enumerate(handler_ids))
    serial = await allocate(session, receiver.id, CASE_DOC_TYPE, on.year)
    case.case_number = number_for(receiver.case_pattern, receiver.short_name, CASE_DOC_TYPE, on.year, serial)
    return {"agency_id": receiver_id, "handler_ids": [str(o) for o in handler_ids], "case_number": case.case_number, **previous}


def _with_police(events: list[history.Event]) -> bool:
    """Sent to public security and filed by them since (the last answer after the last transfer)."""
    sent_at = max((i for i, e in enumerate(events) if e.kind == "transfer"), default=None)
    if sent_at is None:
        return False
    return transfers.with_police(events[sent_at].data, [e.data for e in events[sent_at + 1:] if e.kind == "accept_return"])


async def _payment(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    amount = step.data.get("amount_fen")
    if not isinstance(amount, int) or amount <= 0:
        raise UserError(CaseErrorCode.PAYMENT_INVALID, "缴款金额须为正数", "amount")
    if loaded.case.status not in (CaseStatus.SERVED, CaseStatus.EXECUTING):
        raise UserError(CaseErrorCode.PAYMENT_NOT_DUE, "处罚决定送达后才能登记缴款", "caseId")
    data = {"amount_fen": amount, "receipt": str(step.data.get("receipt") or "")}
    after = _surcharge(loaded, [*loaded.events, history.Event("payment", on, data)], on)
    if after.overpaid_fen:
        owed = amount - after.overpaid_fen  # the fine left and the surcharge accrued up to today
        raise UserError(
            CaseErrorCode.PAYMENT_EXCEEDS_OWED,
            f"截至 {on.isoformat()} 尚欠罚款和加处罚款合计 {fen_to_yuan(owed)} 元，缴款 {fen_to_yuan(amount)} 元超出应缴金额",
            "amount",
        )
    return data


def _surcharge(loaded: Loaded, events: list[history.Event], on: dt.date) -> SurchargeAccount:
    return history.surcharge(events, loaded.case.fine_fen or 0, on, loaded.policy, loaded.calendar)


async def _payment_plan(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """An approved deferral or instalments (APL Art. 66 para 2): the surcharge runs from its end."""
    case = loaded.case
    served = history.day(loaded.events, "serve")
    if served is None or not case.fine_fen:
        raise UserError(CaseErrorCode.PAYMENT_NOT_DUE, "处罚决定送达后才能批准暂缓或分期缴纳罚款", "caseId")
    instalments = tuple(Instalment(dt.date.fromisoformat(str(i["due_on"])), int(i["amount_fen"])) for i in step.data.get("instalments") or [])
    plan = PaymentPlan(instalments, _optional_date(step.data.get("applied_on")), on, str(step.data.get("reason") or ""))
    owed = case.fine_fen - history.paid_fen(loaded.events)
    raise_if_any(validate_plan(owed, plan, payment_due(served, loaded.policy, loaded.calendar).last_day))
    return {
        "applied_on": plan.applied_on.isoformat(),
        "reason": plan.reason,
        "instalments": [{"due_on": i.due_on.isoformat(), "amount_fen": i.amount_fen} for i in instalments],
    }


async def _court_application(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """Application to the court for compulsory enforcement (行政强制法第五十三条); its outcome ends execution."""
    if loaded.case.status is not CaseStatus.EXECUTING:
        raise UserError(CaseErrorCode.NOT_EXECUTING, "案件进入执行后才能申请人民法院强制执行", "caseId")
    court = _required_text(step, "court", "受理申请的人民法院", CaseErrorCode.COURT_REQUIRED)
    # the surcharge accrued so far is applied for with the fine (ACL Art. 53; Art. 55 item 4: 申请强制执行标的)
    return {"court": court, "surcharge_fen": _surcharge(loaded, loaded.events, on).accrued_fen}


async def _remit_surcharge(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """ACL Art. 42 para 1: in an execution agreement, the surcharge may be reduced or waived when the
    party has taken remedial measures — only where the deployment's policy allows it."""
    if not loaded.policy.surcharge_remission_allowed:
        raise UserError(
            CaseErrorCode.SURCHARGE_REMISSION_NOT_ALLOWED,
            "本部署未允许减免加处罚款（案件程序配置 surcharge_remission_allowed）；行政强制法第四十二条第一款",
            "caseId",
        )
    outstanding = _surcharge(loaded, loaded.events, on).outstanding_fen
    amount = step.data.get("amount_fen")
    amount = outstanding if amount is None else amount
    if not isinstance(amount, int) or not 0 < amount <= outstanding:
        raise UserError(
            CaseErrorCode.SURCHARGE_REMISSION_TOO_LARGE,
            f"截至 {on.isoformat()} 尚欠加处罚款 {fen_to_yuan(outstanding)} 元，减免金额须大于零且不超过该数",
            "amount",
        )
    return {
        "amount_fen": amount,
        "agreement": _required_text(step, "agreement", "执行协议（文号或内容）", CommonErrorCode.REASON_REQUIRED),
        "remedy": _required_text(step, "remedy", "当事人采取的补救措施", CommonErrorCode.REASON_REQUIRED),
    }


def _optional_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


async def _extend(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    days = step.data.get("days")
    if not isinstance(days, int) or days <= 0:
        raise UserError(CaseErrorCode.EXTENSION_INVALID, "延长天数须为正整数", "days")
    return {"days": days, "reason": _required_text(step, "reason", "延长理由", CommonErrorCode.REASON_REQUIRED), "approved_by": str(step.data.get("approved_by") or "")}


async def _suspend(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """中止 stops the decision clock (hearing, appraisal, announcement); 恢复 starts it again."""
    suspended = sum(e.kind == "suspend" for e in loaded.events) > sum(e.kind == "resume" for e in loaded.events)
    if (step.action == "suspend") == suspended:
        raise UserError(CaseErrorCode.SUSPENSION_INVALID, "案件已中止" if suspended else "案件未中止，无需恢复", "caseId")
    return {"reason": _required_text(step, "reason", "中止或恢复的理由", CommonErrorCode.REASON_REQUIRED)}


async def _end_execution(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    try:
        ended = ExecutionEnd(step.data.get("ended_by"))
    except ValueError:
        raise UserError(CaseErrorCode.EXECUTION_END_INVALID, "请选择依法终结执行的情形", "endedBy") from None
    return {"ended_by": ended.value, "suspended_on": step.data.get("suspended_on"), "reason": _required_text(step, "reason", "终结执行的说明", CommonErrorCode.REASON_REQUIRED)}


async def _waive(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    """APL Art. 62: the party may expressly give up statement, defence and hearing."""
    return {"statement": _required_text(step, "statement", "当事人明确放弃陈述、申辩和听证权利的书面意见", CaseErrorCode.STATEMENT_REQUIRED)}


async def _decline(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    return {"reason": _required_text(step, "reason", "不予立案的理由", CommonErrorCode.REASON_REQUIRED)}


async def _revise(session, loaded: Loaded, step: Step, on: dt.date) -> dict:
    return {"reason": _required_text(step, "reason", "退回理由", CommonErrorCode.REASON_REQUIRED)}


PREPARE = {
    "decline_filing": _decline,
    "propose": _propose,
    "hold_hearing": _hold_hearing,
    "review": _review,
    "revise": _revise,
    "discuss": _discuss,
    "decide": _decide,
    "decide_no_penalty": _decide,
    "transfer": _transfer,
    "accept_return": _accept_return,
    "payment": _payment,
    "extend": _extend,
    "suspend": _suspend,
    "resume": _suspend,
    "end_execution": _end_execution,
    "payment_plan": _payment_plan,
    "court_application": _court_application,
    "remit_surcharge": _remit_surcharge,
    "waive_rights": _waive,
}



async def last_transfer(session: AsyncSession, case_id: uuid.UUID) -> dict[str, Any] | None:
    stmt = sa.select(CaseEvent.data).where(CaseEvent.case_id == case_id, CaseEvent.kind == "transfer").order_by(CaseEvent.seq.desc()).limit(1)
    return await session.scalar(stmt)

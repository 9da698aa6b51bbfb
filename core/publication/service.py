"""Publishing decisions and keeping the entity's credit record (APL Art. 48; 国办发〔2018〕118号;
市场监督管理行政处罚信息公示规定; NDRC credit-repair rules, REFERENCE §8)."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.models import Case, CaseDeadline, CaseStatus
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.catalog.spec import PENALTY_KINDS
from zhifa.core.cases.calendar import add_years
from zhifa.core.cases.workflow import append_event
from zhifa.core.entities.models import Entity
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.money import fen_to_yuan
from zhifa.core.people.models import Agency
from zhifa.core.publication import redaction
from zhifa.core.publication.error_codes import PublicationErrorCode
from zhifa.core.publication.models import (
    CreditRecord,
    CreditRepair,
    CreditSeverity,
    Publication,
    PublicationStatus,
    RepairOutcome,
)

DECIDED = {CaseStatus.DECIDED, CaseStatus.SERVED, CaseStatus.EXECUTING, CaseStatus.CLOSED}
# NDRC 2023 No. 58 [R]: ordinary records may be repaired after 3 months, serious after 1 year;
# they stop being shown after 1 and 3 years.
REPAIR_AFTER = {CreditSeverity.ORDINARY: 3, CreditSeverity.SERIOUS: 12}  # months
SHOWN_FOR = {CreditSeverity.ORDINARY: 1, CreditSeverity.SERIOUS: 3}  # years


async def publish(session: AsyncSession, actor: str, case_id: uuid.UUID, on: dt.date) -> Publication:
    case = await session.get(Case, case_id)
    if case is None or case.status not in DECIDED or case.decided_on is None:
        raise UserError(CaseErrorCode.CASE_NOT_DECIDED, "只有已作出决定的案件才能公示", "caseId")
    if not case.penalty_kinds or case.penalty_kinds == ["warning"]:
        raise UserError(PublicationErrorCode.NOT_TO_BE_PUBLISHED, "仅警告或不予处罚的决定不予公示（市场监督管理行政处罚信息公示规定第二条）", "caseId")
    if await _current(session, case_id) is not None:
        raise UserError(PublicationErrorCode.ALREADY_PUBLISHED, "该决定已在公示中；如需更正请提交更正", "caseId")
    publication = await _redacted(session, actor, case, on)
    session.add(publication)
    await append_event(session, case_id, "publish", actor, {"on": on.isoformat(), "decision_number": case.decision_number})
    await _meet_publication_deadline(session, case_id, on)
    await _write_credit(session, case, on)
    await session.flush()
    await record(session, actor=actor, action="publication.published", object_type="Publication", object_id=publication.id,
                 after={"case": str(case_id), "number": case.decision_number, "redaction": redaction.REDACTION_VERSION})
    return publication


async def withdraw(session: AsyncSession, actor: str, publication_id: uuid.UUID, reason: str, on: dt.date) -> Publication:
    """APL Art. 48 para 2: a changed, revoked or void decision comes down within 3 working days, with reasons."""
    publication = await session.get(Publication, publication_id)
    if publication is None or publication.status is not PublicationStatus.PUBLISHED:
        raise UserError(PublicationErrorCode.PUBLICATION_NOT_ACTIVE, "公示记录不存在或已撤下", "publicationId")
    if not reason.strip():
        raise UserError(CommonErrorCode.REASON_REQUIRED, "请说明撤下的理由（将一并公开）", "reason")
    shown = redaction.free_text(reason.strip(), await _party(session, await session.get(Case, publication.case_id)))
    publication.status, publication.withdrawn_on, publication.withdrawn_reason = PublicationStatus.WITHDRAWN, on, shown
    await session.flush()
    await record(session, actor=actor, action="publication.withdrawn", object_type="Publication", object_id=publication.id,
                 after={"reason": publication.withdrawn_reason, "on": on.isoformat()})
    return publication


async def correct(session: AsyncSession, actor: str, publication_id: uuid.UUID, reason: str, on: dt.date) -> Publication:
    """A correction is a new record from the case as it now stands; the old one is kept, superseded."""
    old = await session.get(Publication, publication_id)
    if old is None or old.status is not PublicationStatus.PUBLISHED:
        raise UserError(PublicationErrorCode.PUBLICATION_NOT_ACTIVE, "公示记录不存在或已撤下", "publicationId")
    if not reason.strip():
        raise UserError(CommonErrorCode.REASON_REQUIRED, "请说明更正的理由", "reason")
    case = await session.get(Case, old.case_id)
    shown = redaction.free_text(reason.strip(), await _party(session, case))
    old.status, old.withdrawn_on, old.withdrawn_reason = PublicationStatus.SUPERSEDED, on, shown
    new = await _redacted(session, actor, case, on)
    new.supersedes_id = old.id
    session.add(new)
    await session.flush()
    await record(session, actor=actor, action="publication.corrected", object_type="Publication", object_id=new.id,
                 after={"supersedes": str(old.id), "reason": old.withdrawn_reason})
    return new


async def _current(session: AsyncSession, case_id: uuid.UUID) -> Publication | None:
    stmt = sa.select(Publication).where(Publication.case_id == case_id, Publication.status == PublicationStatus.PUBLISHED)
    return (await session.execute(stmt)).scalars().first()


async def _redacted(session: AsyncSession, actor: str, case: Case, on: dt.date) -> Publication:
    entity = await session.get(Entity, case.entity_id)
    item = await session.get(CatalogItemVersion, case.item_version_id)
    agency = await session.get(Agency, case.agency_id)
    kind = entity.kind.value
    return Publication(
        case_id=case.id,
        decision_number=case.decision_number,
        party_name=redaction.party_name(entity.name, kind),
        party_kind=kind,
        credit_code=entity.credit_code,
        party_address=redaction.address(entity.address, kind),
        item_name=item.name,
        violated=item.violated,
        basis=item.basis,
        facts=redaction.free_text(case.description or item.name, _party_of(entity)),
        penalty=penalty_text(case),
        fine_fen=case.fine_fen,
        agency_name=agency.name,
        agency_id=agency.id,
        domain_code=case.domain_code,
        decided_on=case.decided_on,
        published_on=on,
        published_by=actor,
        redaction_version=redaction.REDACTION_VERSION,
        status=PublicationStatus.PUBLISHED,
    )


async def _party(session: AsyncSession, case: Case) -> redaction.Party:
    return _party_of(await session.get(Entity, case.entity_id))


def _party_of(entity: Entity) -> redaction.Party:
    """An individual business's 经营者 is a natural person, withheld like the party itself."""
    operator = entity.legal_representative if entity.kind.value == "individual_business" else None
    return redaction.Party(entity.kind.value, entity.name, entity.address, operator)


def penalty_text(case: Case) -> str:
    parts = []
    for kind in case.penalty_kinds or []:
        parts.append(f"罚款人民币 {fen_to_yuan(case.fine_fen or 0)} 元" if kind == "fine" else PENALTY_KINDS.get(kind, kind))
    return "；".join(parts)


async def _meet_publication_deadline(session: AsyncSession, case_id: uuid.UUID, on: dt.date) -> None:
    await session.execute(
        sa.update(CaseDeadline).where(CaseDeadline.case_id == case_id, CaseDeadline.kind == "PUBLICATION").values(met_on=on)
    )


async def _write_credit(session: AsyncSession, case: Case, on: dt.date) -> None:
    severity = CreditSeverity.SERIOUS if case.major else CreditSeverity.ORDINARY
    repairable = _add_months(on, REPAIR_AFTER[severity])
    session.add(CreditRecord(
        entity_id=case.entity_id, case_id=case.id, severity=severity, recorded_on=on,
        repairable_from=repairable, shown_until=add_years(on, SHOWN_FOR[severity]),
    ))


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def apply_repair(session: AsyncSession, actor: str, record_id: uuid.UUID, commitment: str, on: dt.date) -> CreditRepair:
    credit = await session.get(CreditRecord, record_id)
    if credit is None:
        raise UserError(PublicationErrorCode.CREDIT_RECORD_NOT_FOUND, "信用记录不存在", "creditRecordId")
    if credit.repaired_on is not None:
        raise UserError(PublicationErrorCode.ALREADY_REPAIRED, "该信用记录已修复", "creditRecordId")
    if not commitment.strip():
        raise UserError(PublicationErrorCode.COMMITMENT_REQUIRED, "申请信用修复须提交信用承诺书", "commitment")
    raise_if_any(repair_problems(credit, await session.get(Case, credit.case_id), on))
    repair = CreditRepair(credit_record_id=record_id, applied_on=on, commitment=commitment.strip(), outcome=RepairOutcome.PENDING)
    session.add(repair)
    await session.flush()
    await record(session, actor=actor, action="credit.repair_applied", object_type="CreditRepair", object_id=repair.id, after={"record": str(record_id)})
    return repair


def repair_problems(credit: CreditRecord, case: Case, on: dt.date) -> list[UserError]:
    """Why a record cannot be repaired on `on` (NDRC 2023 No. 58 [R]): the minimum period has not
    run, or the penalty is not yet performed. Judged when applied for and again when decided."""
    problems = []
    if on < credit.repairable_from:
        problems.append(UserError(PublicationErrorCode.REPAIR_PERIOD_NOT_OVER, f"最短公示期未满，{credit.repairable_from.isoformat()} 起方可申请信用修复", "creditRecordId"))
    if case.status is not CaseStatus.CLOSED:
        problems.append(UserError(PublicationErrorCode.PENALTY_NOT_PERFORMED, "行政处罚尚未履行完毕（案件未结案），不能信用修复", "creditRecordId"))
    return problems


async def decide_repair(session: AsyncSession, actor: str, repair_id: uuid.UUID, on: dt.date) -> CreditRepair:
    """Granted when the minimum period has run and the penalty is performed (case closed); otherwise
    the codes of what is missing, and the application stays pending."""
    repair = await session.get(CreditRepair, repair_id)
    if repair is None or repair.outcome is not RepairOutcome.PENDING:
        raise UserError(PublicationErrorCode.REPAIR_NOT_PENDING, "修复申请不存在或已有结论", "repairId")
    credit = await session.get(CreditRecord, repair.credit_record_id)
    raise_if_any(repair_problems(credit, await session.get(Case, credit.case_id), on))
    repair.outcome = RepairOutcome.GRANTED
    repair.decided_on, repair.decided_by = on, actor
    repair.reason = "已履行行政处罚并作出信用承诺，最短公示期已满，准予修复"
    credit.repaired_on = on
    await session.flush()
    await record(session, actor=actor, action="credit.repair_decided", object_type="CreditRepair", object_id=repair.id,
                 after={"outcome": repair.outcome.value, "reason": repair.reason})
    return repair

"""A case's documents (文书) rendered from its record: the number the step allocated, the parties,
the facts, the legal basis and the penalty, all read from the database, nothing typed twice."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.cases.models import Case, CaseEvent, CaseOfficer, CaseOfficerRole
from zhifa.core.cases.procedure import takes
from zhifa.core.cases.workflow import DOCUMENT_FOR
from zhifa.core.catalog.models import CatalogItemVersion, Domain
from zhifa.core.catalog.spec import MEASURES
from zhifa.core.clock import legal_date
from zhifa.core.documents import (
    DocumentCase,
    DocumentOfficer,
    DocumentParty,
    DocumentType,
    NoPenalty,
    NoticeGiven,
    Payment,
    PenaltyLine,
    Remedies,
    ServedDocument,
    Service,
    chinese_date,
    render,
)
from zhifa.core.documents.error_codes import DocumentErrorCode
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.masking import mask_id_number
from zhifa.core.entities.models import Entity
from zhifa.core.errors import UserError
from zhifa.core.money import yuan_to_fen
from zhifa.core.people.models import Agency, Officer, Region

STEP_OF = {doc_type: step for step, doc_type in DOCUMENT_FOR.items()}
# APL Art. 67 para 3 (收缴分离): the party pays the bank or the e-payment system, never the agency.
PAYMENT = Payment(bank="指定的银行", e_payment="电子支付系统")


async def case_document(session: AsyncSession, case_id: uuid.UUID, doc_type: DocumentType, key: DataKey, clear: bool) -> tuple[str, bytes]:
    """(document number, DOCX bytes). `clear`: print the party's ID number unmasked."""
    case = await session.get(Case, case_id)
    if case is not None and not takes(case.procedure, STEP_OF[doc_type]):
        raise UserError(DocumentErrorCode.DOCUMENT_NOT_IN_PROCEDURE, f"{case.procedure.label}不制作《{doc_type.label}》", "type")
    events = (await session.execute(sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))).scalars().all()
    step = next((e for e in reversed(events) if e.kind == STEP_OF[doc_type]), None)
    if case is None or step is None or "document_number" not in step.data:
        raise UserError(DocumentErrorCode.DOCUMENT_NOT_ISSUED, f"案件尚未办理到可出具《{doc_type.label}》的步骤", "type")
    data = await _data(session, case, events, step, doc_type, key, clear)
    return step.data["document_number"], render(doc_type, data, step.data["document_number"])


async def _data(session, case: Case, events, step: CaseEvent, doc_type: DocumentType, key: DataKey, clear: bool) -> DocumentCase:
    entity = await session.get(Entity, case.entity_id)
    item = await session.get(CatalogItemVersion, case.item_version_id)
    agency = await session.get(Agency, case.agency_id)
    region = await session.get(Region, agency.region_id)
    domain = await session.get(Domain, case.domain_code)
    officers = (await session.execute(
        sa.select(Officer)
        .join(CaseOfficer, CaseOfficer.officer_id == Officer.id)
        .where(CaseOfficer.case_id == case.id, CaseOfficer.role == CaseOfficerRole.HANDLER)  # the documents name the officers
        .order_by(CaseOfficer.position)
    )).scalars().all()
    id_number = key.decrypt(entity.id_number_cipher) if entity.id_number_cipher else None
    decided = doc_type in (DocumentType.PENALTY_DECISION, DocumentType.NO_PENALTY_DECISION)
    return DocumentCase(
        case_number=case.case_number,
        agency_name=agency.name,
        agency_short_name=agency.short_name,
        document_pattern=agency.document_pattern,
        domain_name=domain.name_zh,
        item_name=item.name,
        violated_provision=item.violated,
        basis_provision=item.basis,
        facts=case.description or f"当事人于{chinese_date(case.violation_date)}实施了{item.name}的行为。",
        party=DocumentParty(
            name=entity.name,
            kind_label=entity.kind.label,
            address=entity.address,
            credit_code=entity.credit_code,
            id_number=id_number if clear else mask_id_number(id_number),
            legal_representative=entity.legal_representative,
        ),
        officers=tuple(DocumentOfficer(o.name, o.certificate_number or "（辅助人员）") for o in officers),
        violation_date=case.violation_date,
        filing_date=case.filed_on or legal_date(case.registered_at),
        issued_on=_day(step),
        penalties=_penalties(case) if doc_type in (DocumentType.PRIOR_NOTICE, DocumentType.PENALTY_DECISION) else (),
        discretion_reasons=tuple((case.discretion or {}).get("reasons", [])),
        hearing_right=case.hearing_right,
        payment=PAYMENT if doc_type is DocumentType.PENALTY_DECISION else None,
        notice=_notice(events) if decided else None,
        remedies=Remedies(f"{region.name}人民政府", f"{region.name}人民法院") if decided else None,
        corrective_order=_orders(case),
        no_penalty=NoPenalty(step.data.get("ground", ""), item.basis, _order_only(case)) if doc_type is DocumentType.NO_PENALTY_DECISION else None,
        service=_service(events, step) if doc_type is DocumentType.SERVICE_RECEIPT else None,
    )


def _order_only(case: Case) -> bool:
    return (case.discretion or {}).get("outcome") == "order_only"


def _orders(case: Case) -> str:
    """The orders the benchmark keeps in force (责令限期拆除 ...), as the decision words them."""
    orders = (MEASURES[m] for m in (case.discretion or {}).get("measures", []))
    return "、".join(o.removeprefix("责令") for o in orders if o.startswith("责令"))


def _notice(events) -> NoticeGiven | None:
    notified = next((e for e in reversed(events) if e.kind == "notify"), None)
    return NoticeGiven(notified.data["document_number"], _day(notified)) if notified else None


def _day(event: CaseEvent) -> dt.date:
    return dt.date.fromisoformat(event.data["on"]) if event.data.get("on") else legal_date(event.at)


def _penalties(case: Case) -> tuple[PenaltyLine, ...]:
    """The fine as decided; the illegal gains confiscated as the investigation found them (the
    `illegal_gains` fact, in yuan)."""
    gains = case.facts.get("illegal_gains")
    amounts = {"fine": case.fine_fen, "confiscate_illegal_gains": yuan_to_fen(gains) if gains is not None else None}
    return tuple(PenaltyLine(kind, amounts.get(kind)) for kind in case.penalty_kinds or [])


def _service(events, step: CaseEvent) -> Service:
    decision = next((e for e in reversed(events) if e.kind in ("decide", "decide_no_penalty")), None)
    served = (ServedDocument("行政处罚决定书" if decision.kind == "decide" else "不予行政处罚决定书", decision.data["document_number"]),) if decision else ()
    return Service(served, method=step.data.get("method", "直接送达"))

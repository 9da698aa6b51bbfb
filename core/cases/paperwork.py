"""A case's documents (文书) rendered from its record: the number the step allocated, the parties,
the facts, the legal basis and the penalty, all read from the database, nothing typed twice."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.cases.models import Case, CaseEvent, CaseOfficer
from zhifa.core.catalog.models import CatalogItemVersion, Domain
from zhifa.core.clock import legal_date
from zhifa.core.documents import (
    DocumentCase,
    DocumentOfficer,
    DocumentParty,
    DocumentType,
    NoPenalty,
    Payment,
    PenaltyLine,
    Remedies,
    ServedDocument,
    Service,
    render,
)
from zhifa.core.documents.error_codes import DocumentErrorCode
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.masking import mask_id_number
from zhifa.core.entities.models import Entity
from zhifa.core.errors import UserError
from zhifa.core.people.models import Agency, Officer, Region

STEP_OF = {
    DocumentType.FILING_APPROVAL: "file",
    DocumentType.PRIOR_NOTICE: "notify",
    DocumentType.PENALTY_DECISION: "decide",
    DocumentType.NO_PENALTY_DECISION: "decide_no_penalty",
    DocumentType.SERVICE_RECEIPT: "serve",
}
PAYMENT_TEXT = "到指定银行或者通过电子支付系统缴纳（行政处罚法第六十七条；罚缴分离）"


async def case_document(session: AsyncSession, case_id: uuid.UUID, doc_type: DocumentType, key: DataKey, clear: bool) -> tuple[str, bytes]:
    """(document number, DOCX bytes). `clear`: print the party's ID number unmasked."""
    case = await session.get(Case, case_id)
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
        sa.select(Officer).join(CaseOfficer, CaseOfficer.officer_id == Officer.id).where(CaseOfficer.case_id == case.id).order_by(CaseOfficer.position)
    )).scalars().all()
    id_number = key.decrypt(entity.id_number_cipher) if entity.id_number_cipher else None
    decided = doc_type in (DocumentType.PENALTY_DECISION, DocumentType.NO_PENALTY_DECISION)
    return DocumentCase(
        case_number=case.case_number,
        agency_name=agency.name,
        agency_short_name=agency.short_name,
        domain_name=domain.name_zh,
        item_name=item.name,
        violated_provision=item.violated,
        basis_provision=item.basis,
        facts=case.description or item.name,
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
        payment=Payment(PAYMENT_TEXT) if doc_type is DocumentType.PENALTY_DECISION else None,
        remedies=Remedies(f"{region.name}人民政府", f"{region.name}人民法院") if decided else None,
        no_penalty=NoPenalty(step.data.get("ground", ""), item.basis) if doc_type is DocumentType.NO_PENALTY_DECISION else None,
        service=_service(events, step) if doc_type is DocumentType.SERVICE_RECEIPT else None,
    )


def _day(event: CaseEvent) -> dt.date:
    return dt.date.fromisoformat(event.data["on"]) if event.data.get("on") else legal_date(event.at)


def _penalties(case: Case) -> tuple[PenaltyLine, ...]:
    return tuple(PenaltyLine(kind, case.fine_fen if kind == "fine" else None) for kind in case.penalty_kinds or [])


def _service(events, step: CaseEvent) -> Service:
    decision = next((e for e in reversed(events) if e.kind in ("decide", "decide_no_penalty")), None)
    served = (ServedDocument("行政处罚决定书" if decision.kind == "decide" else "不予行政处罚决定书", decision.data["document_number"]),) if decision else ()
    return Service(served, method=step.data.get("method", "直接送达"))

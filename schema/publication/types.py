"""Publication (公示) and credit in GraphQL: the public, redacted decisions anyone may query, and
the acts that publish, correct and withdraw them; credit records and their repair."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import strawberry
from zhifa.core.access.viewer import Scope
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.clock import legal_today
from zhifa.core.errors import UserError as RuleError
from zhifa.core.models import Case as CaseRow
from zhifa.core.models import Entity as EntityRow
from zhifa.core.publication import service
from zhifa.core.publication.error_codes import PublicationErrorCode
from zhifa.core.publication.models import (
    CreditRecord as CreditRow,
)
from zhifa.core.publication.models import (
    CreditRepair as RepairRow,
)
from zhifa.core.publication.models import (
    CreditSeverity,
    PublicationStatus,
    RepairOutcome,
)
from zhifa.core.publication.models import (
    Publication as PublicationRow,
)
from zhifa.schema.kit.access import Access, Predicates, RowRule
from zhifa.schema.kit.connections import connection, contains, decode_id, one, planner
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id
from zhifa.schema.kit.scalars import Money

publications = PublicationRow.__table__


@strawberry.type(description="公示的行政处罚决定（已脱敏：自然人仅显示姓氏加“某”，不显示身份证号、联系方式和详细住址）")
class PublicDecision(Node):
    decision_number: str
    party_name: str
    party_kind: str
    credit_code: str | None = strawberry.field(description="法人和其他组织的统一社会信用代码")
    party_address: str
    item_name: str
    violated: str
    basis: str
    facts: str
    penalty: str
    fine: Money | None
    agency_name: str
    domain: str
    decided_on: dt.date
    published_on: dt.date
    status: str = strawberry.field(description="published（公示中）/ withdrawn（已撤下）/ superseded（已更正）")
    withdrawn_on: dt.date | None
    withdrawn_reason: str | None = strawberry.field(description="撤下或更正的理由（依法一并公开）")
    redaction_version: str


def _decision(r) -> PublicDecision:
    return PublicDecision(
        id=global_id("PublicDecision", r.id),
        decision_number=r.decision_number,
        party_name=r.party_name,
        party_kind=r.party_kind,
        credit_code=r.credit_code,
        party_address=r.party_address,
        item_name=r.item_name,
        violated=r.violated,
        basis=r.basis,
        facts=r.facts,
        penalty=r.penalty,
        fine=r.fine_fen,
        agency_name=r.agency_name,
        domain=r.domain_code,
        decided_on=r.decided_on,
        published_on=r.published_on,
        status=PublicationStatus(r.status).value,
        withdrawn_on=r.withdrawn_on,
        withdrawn_reason=r.withdrawn_reason,
        redaction_version=r.redaction_version,
    )


DECISION = Kind("PublicDecision", publications, _decision)


@strawberry.input(description="公示决定筛选")
class PublicDecisionFilter:
    domain: str | None = None
    agency_id: strawberry.ID | None = None
    search: str | None = strawberry.field(default=None, description="在当事人名称、文号和事项名称中查找")
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None
    include_withdrawn: bool = strawberry.field(default=False, description="同时列出已撤下和已更正的记录")


@strawberry.enum(description="公示决定排序")
class PublicDecisionOrder(enum.Enum):
    PUBLISHED_ON_DESC = strawberry.enum_value("published_on_desc", description="公示日期由新到旧")


async def resolve_public_decisions(
    info: strawberry.Info, filter: PublicDecisionFilter | None, order: PublicDecisionOrder, page: PageRequest
) -> Connection[PublicDecision]:
    f, where = filter or PublicDecisionFilter(), []
    if not f.include_withdrawn:
        where.append(publications.c.status == PublicationStatus.PUBLISHED.value)
    if f.domain:
        where.append(publications.c.domain_code == f.domain)
    if f.agency_id:
        where.append(publications.c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.search:
        where.append(sa.or_(*(contains(c, f.search) for c in (publications.c.party_name, publications.c.decision_number, publications.c.item_name))))
    if f.decided_from:
        where.append(publications.c.decided_on >= f.decided_from)
    if f.decided_to:
        where.append(publications.c.decided_on <= f.decided_to)
    return await connection(info, DECISION, where, (publications.c.published_on, publications.c.id), True, page)


@strawberry.input(description="公示处罚决定")
class PublishDecisionInput:
    case_id: strawberry.ID
    on: dt.date | None = None


@strawberry.input(description="撤下或更正公示")
class ChangePublicationInput:
    publication_id: strawberry.ID
    reason: str


@strawberry.type(description="公示操作的结果")
class PublicationPayload:
    publication: PublicDecision | None
    errors: list[UserError]


async def _as_enforcer_of_case(info, session, case_id) -> None:
    case = await session.get(CaseRow, case_id)
    if case is None:
        raise RuleError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在", "caseId")
    info.context.access.require_enforcer_of(case.agency_id)


async def resolve_publish(info: strawberry.Info, input: PublishDecisionInput) -> PublicationPayload:
    async def work(session):
        case_id = decode_id(input.case_id, "Case", "caseId")
        await _as_enforcer_of_case(info, session, case_id)
        return (await service.publish(session, info.context.actor, case_id, input.on or legal_today())).id

    key, errors = await run_mutation(info, work)
    return PublicationPayload(publication=await one(info, DECISION, key, "publication") if key else None, errors=errors)


async def resolve_change(info: strawberry.Info, input: ChangePublicationInput, correct: bool) -> PublicationPayload:
    async def work(session):
        publication_id = decode_id(input.publication_id, "PublicDecision", "publicationId")
        current = await session.get(PublicationRow, publication_id)
        if current is None:
            raise RuleError(PublicationErrorCode.PUBLICATION_NOT_ACTIVE, "公示记录不存在", "publicationId")
        await _as_enforcer_of_case(info, session, current.case_id)
        change = service.correct if correct else service.withdraw
        return (await change(session, info.context.actor, publication_id, input.reason, legal_today())).id

    key, errors = await run_mutation(info, work)
    return PublicationPayload(publication=await one(info, DECISION, key, "publication") if key else None, errors=errors)


@strawberry.type(description="信用记录（行政处罚信息）")
class CreditRecord(Node):
    severity: str
    recorded_on: dt.date
    repairable_from: dt.date = strawberry.field(description="最短公示期满、可以申请信用修复之日")
    shown_until: dt.date
    repaired_on: dt.date | None


@strawberry.type(description="信用修复申请")
class CreditRepair(Node):
    applied_on: dt.date
    outcome: str = strawberry.field(description="pending（审核中）/ granted（准予修复）/ refused（不予修复）")
    decided_on: dt.date | None
    reason: str | None


def _credit(r) -> CreditRecord:
    return CreditRecord(id=global_id("CreditRecord", r.id), severity=CreditSeverity(r.severity).value, recorded_on=r.recorded_on,
                        repairable_from=r.repairable_from, shown_until=r.shown_until, repaired_on=r.repaired_on)


def _repair(r) -> CreditRepair:
    return CreditRepair(id=global_id("CreditRepair", r.id), applied_on=r.applied_on, outcome=RepairOutcome(r.outcome).value, decided_on=r.decided_on, reason=r.reason)


def _credit_rows(access: Access, table: sa.Table) -> Predicates:
    """Credit records follow the entity they belong to."""
    visible = sa.select(EntityRow.id).where(*access.where("Entity", EntityRow.__table__))
    return [table.c.entity_id.in_(visible)]


def _repair_rows(access: Access, table: sa.Table) -> Predicates:
    records = CreditRow.__table__
    return [table.c.credit_record_id.in_(sa.select(records.c.id).where(*_credit_rows(access, records)))]


CREDIT = Kind("CreditRecord", CreditRow.__table__, _credit, rule=RowRule(Scope.ENTITIES, _credit_rows))
REPAIR = Kind("CreditRepair", RepairRow.__table__, _repair, rule=RowRule(Scope.ENTITIES, _repair_rows))


async def resolve_credit_records(info: strawberry.Info, entity_id: strawberry.ID) -> list[CreditRecord]:
    """The entity's credit records, if the entity is within the viewer's reach."""

    key = decode_id(entity_id, "Entity", "entityId")
    info.context.access.require("Entity")
    async with planner(info) as plan:
        if not await plan.exists("Entity", key):
            return []
        stmt = sa.select(CreditRow.__table__).where(CreditRow.__table__.c.entity_id == key).order_by(CreditRow.__table__.c.recorded_on)
        return [obj for obj, _ in await plan.rows(CREDIT, stmt, [])]


@strawberry.input(description="登记信用修复申请")
class ApplyCreditRepairInput:
    credit_record_id: strawberry.ID
    commitment: str = strawberry.field(description="当事人签署的信用承诺")


@strawberry.input(description="对信用修复申请作出结论")
class DecideCreditRepairInput:
    repair_id: strawberry.ID


@strawberry.type(description="信用修复的结果")
class CreditRepairPayload:
    repair: CreditRepair | None
    errors: list[UserError]


async def resolve_apply_repair(info: strawberry.Info, input: ApplyCreditRepairInput) -> CreditRepairPayload:
    async def work(session):
        info.context.access.require_staff()
        record_id = decode_id(input.credit_record_id, "CreditRecord", "creditRecordId")
        return (await service.apply_repair(session, info.context.actor, record_id, input.commitment, legal_today())).id

    key, errors = await run_mutation(info, work)
    return CreditRepairPayload(repair=await one(info, REPAIR, key, "repair") if key else None, errors=errors)


async def resolve_decide_repair(info: strawberry.Info, input: DecideCreditRepairInput) -> CreditRepairPayload:
    async def work(session):
        info.context.access.require_head()
        repair_id = decode_id(input.repair_id, "CreditRepair", "repairId")
        return (await service.decide_repair(session, info.context.actor, repair_id, legal_today())).id

    key, errors = await run_mutation(info, work)
    return CreditRepairPayload(repair=await one(info, REPAIR, key, "repair") if key else None, errors=errors)

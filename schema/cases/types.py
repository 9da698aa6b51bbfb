"""Cases in GraphQL: the case list, one case, and registration (登记)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON
from zhifa.core.db import in_ids, in_set
from zhifa.core.access.viewer import Scope
from zhifa.core.cases import models as m
from zhifa.core.cases.numbering import normalise_number
from zhifa.core.cases.procedure import allowed_actions
from zhifa.core.cases.service import NewCase, register_case
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.models import CatalogItemVersion as ItemRow
from zhifa.core.catalog.spec import PENALTY_KINDS
from zhifa.core.clock import legal_today
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.history import versions_at_registration
from zhifa.core.entities.models import Entity as EntityRow
from zhifa.core.errors import UserError as RuleError
from zhifa.core.supervision import reviews as review_rules
from zhifa.schema.cases.surcharge import Surcharge, resolve_surcharge
from zhifa.schema.catalog.discretion import Term, terms
from zhifa.schema.evidence.types import Evidence, resolve_case_evidence
from zhifa.schema.kit.access import Access, Predicates, RowRule
from zhifa.schema.kit.compiled.columns import choice, day, document, flag, node_id, moment, money, plain
from zhifa.schema.kit.connections import connection, decode_id, one, planner
from zhifa.schema.kit.enums import CaseStatus, Procedure, from_core, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Planner, Relation
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id
from zhifa.schema.kit.scalars import Money

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
CatalogItemRef = Annotated["CatalogItem", strawberry.lazy("zhifa.schema.catalog.types")]  # another domain's type, resolved by name
EntityRef = Annotated["Entity", strawberry.lazy("zhifa.schema.entities.types")]  # another domain's type, resolved by name
EntityVersionRef = Annotated["EntityVersion", strawberry.lazy("zhifa.schema.entities.types")]  # another domain's type, resolved by name
OfficerRef = Annotated["Officer", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

cases, case_officers, case_events = m.Case.__table__, m.CaseOfficer.__table__, m.CaseEvent.__table__
case_deadlines, case_recipients = m.CaseDeadline.__table__, m.CaseRecipient.__table__


@strawberry.type(description="案件时间线上的一步：谁在何时做了什么")
class CaseEvent:
    seq: int
    kind: str
    at: dt.datetime
    actor: str
    data: JSON


@strawberry.type(description="案件的期限：何时起算、何时届满、是否逾期")
class CaseDeadline:
    kind: str
    label: str
    day_type: str = strawberry.field(description="working（工作日）或 calendar（自然日），依行政处罚法第八十五条")
    starts_on: dt.date
    due_on: dt.date
    basis: str
    met_on: dt.date | None = strawberry.field(description="完成或届满之日；为空表示仍在计算")
    overdue: bool
    provisional_year: int | None = strawberry.field(
        description="期限跨入尚未录入节假日安排的年份时为该年份：暂按周末推算（不晚于真实届满日），录入后重新计算"
    )


@strawberry.type(description="案件")
class Case(Node):
    case_number: str = strawberry.field(description="案号，如“定综执案〔2026〕12号”")
    procedure: Procedure
    status: CaseStatus
    domain: str
    facts: JSON = strawberry.field(description="案件事实（按事项定义的类型）")
    description: str
    violation_date: dt.date
    registered_at: dt.datetime
    updated_at: dt.datetime
    version: int = strawberry.field(description="乐观锁版本号，修改时须提交")
    item: CatalogItemRef | None = strawberry.field(default=None, description="违法行为发生时有效的执法事项版本")
    entity: EntityRef | None = strawberry.field(default=None, description="当事人，现在的登记信息（重复记录已合并的，为存续记录）")
    entity_at_registration: EntityVersionRef | None = strawberry.field(
        default=None, description="立案登记之日当事人的登记信息（当日有效的版本）；一页案件合并为一次加载"
    )
    agency: AgencyRef | None = None
    officers: list[OfficerRef] = strawberry.field(default_factory=list, description="承办人员（执法人员），主办在前")
    assistants: list[OfficerRef] = strawberry.field(
        default_factory=list, description="协助人员（辅助人员）：记录在案，不实施行政处罚，不计入执法人员人数（行政处罚法第四十二条）"
    )
    timeline: list[CaseEvent] = strawberry.field(default_factory=list)
    deadlines: list[CaseDeadline] = strawberry.field(default_factory=list, description="期限：起算、届满、是否逾期")
    filed_on: dt.date | None = None
    fine: Money | None = strawberry.field(default=None, description="罚款（处理意见或决定）")
    penalty_kinds: list[Term] = strawberry.field(default_factory=list)
    major: bool = strawberry.field(default=False, description="重大处罚，须法制审核（行政处罚法第五十八条）")
    hearing_right: bool = strawberry.field(default=False, description="当事人享有听证权利（行政处罚法第六十三条）")
    discretion: JSON | None = strawberry.field(default=None, description="处理意见所依据的裁量建议（档次、推荐幅度、理由）")
    decided_on: dt.date | None = None
    decision_number: str | None = strawberry.field(default=None, description="处罚（不予处罚）决定书文号")
    closed_on: dt.date | None = None
    allowed_actions: list[str] = strawberry.field(default_factory=list, description="当前状态下可办理的步骤")

    @strawberry.field(description="证据（按上传顺序，含保管链）。一页案件的证据合并为一次加载（两条查询）")
    async def evidence(self, info: strawberry.Info) -> list[Evidence]:
        return await resolve_case_evidence(info, self.id)

    @strawberry.field(description="加处罚款：单独计算和登记的金额（截至 on，默认今天）；未决定罚款的为空。一页案件合并为一次加载")
    async def surcharge(self, info: strawberry.Info, on: dt.date | None = None) -> Surcharge | None:
        return await resolve_surcharge(info, decode_id(self.id, "Case", "id"), on)


def _case(r) -> Case:
    return Case(
        id=global_id("Case", r.id),
        case_number=r.case_number,
        procedure=from_core(Procedure, m.Procedure(r.procedure)),
        status=from_core(CaseStatus, m.CaseStatus(r.status)),
        domain=r.domain_code,
        facts=r.facts,
        description=r.description,
        violation_date=r.violation_date,
        registered_at=r.registered_at,
        updated_at=r.updated_at,
        version=r.version,
        filed_on=r.filed_on,
        fine=r.fine_fen,
        penalty_kinds=terms(r.penalty_kinds or [], PENALTY_KINDS),
        major=r.major,
        hearing_right=r.hearing_right,
        discretion=r.discretion,
        decided_on=r.decided_on,
        decision_number=r.decision_number,
        closed_on=r.closed_on,
        allowed_actions=[a.value for a in allowed_actions(m.Procedure(r.procedure), m.CaseStatus(r.status))],
    )


def _deadline(r) -> CaseDeadline:
    today = legal_today()
    return CaseDeadline(
        kind=r.kind,
        label=r.label,
        day_type=r.day_type,
        starts_on=r.starts_on,
        due_on=r.due_on,
        basis=r.basis,
        met_on=r.met_on,
        overdue=r.met_on is None and r.due_on < today,
        provisional_year=r.provisional_year,
    )


def _event(r) -> CaseEvent:
    return CaseEvent(seq=r.seq, kind=r.kind, at=r.at, actor=r.actor, data=r.data)


def _rows(access: Access, table: sa.Table) -> Predicates:
    """The viewer's agencies' cases; a case sent to one of them is theirs to answer before they take
    it over (the transfer step keeps its recipients); a case file assigned to the viewer for review
    (案卷评查) is theirs to read. Each set is an index condition of its own (see `in_set`)."""
    sent_here = sa.select(case_recipients.c.case_id).where(in_ids(case_recipients.c.agency_id, access.agencies))
    reach = [in_ids(table.c.agency_id, access.agencies), in_set(table.c.id, sent_here)]
    if access.viewer.officer_id is not None:
        reach.append(in_set(table.c.id, review_rules.assigned_cases(access.viewer.officer_id)))
    return [sa.or_(*reach)]


def _people(ids, role: m.CaseOfficerRole) -> sa.Select:
    return sa.select(case_officers.c.case_id, case_officers.c.officer_id, case_officers.c.position).where(
        in_ids(case_officers.c.case_id, ids), case_officers.c.role == role.value
    )


async def _entity_at_registration(plan: Planner, ids: list, sub: list) -> dict:
    chosen = await versions_at_registration(plan.session, ids)
    built = await plan.by_ids("EntityVersion", set(chosen.values()), sub)
    return {case_id: built[v] for case_id, v in chosen.items() if v in built}


EVENT = Kind(
    "CaseEvent",
    case_events,
    _event,
    columns={"seq": plain("seq"), "kind": plain("kind"), "at": moment("at"), "actor": plain("actor"), "data": document("data")},
)
DEADLINE = Kind("CaseDeadline", case_deadlines, _deadline)
CASE = Kind(
    "Case",
    cases,
    _case,
    {
        "item": Relation("one", "CatalogItem", "item_version_id"),
        "entity": Relation("one", "Entity", "entity_id"),
        "entityAtRegistration": Relation("batch", load=_entity_at_registration),
        "agency": Relation("one", "Agency", "agency_id"),
        "officers": Relation("many", "Officer", link=lambda ids: _people(ids, m.CaseOfficerRole.HANDLER)),
        "assistants": Relation("many", "Officer", link=lambda ids: _people(ids, m.CaseOfficerRole.ASSISTANT)),
        "timeline": Relation(
            "many",
            "CaseEvent",
            link=lambda ids: sa.select(case_events.c.case_id, case_events.c.id, case_events.c.seq).where(
                in_ids(case_events.c.case_id, ids)
            ),
        ),
        "deadlines": Relation(
            "many",
            "CaseDeadline",
            link=lambda ids: sa.select(case_deadlines.c.case_id, case_deadlines.c.id, case_deadlines.c.due_on).where(
                in_ids(case_deadlines.c.case_id, ids)
            ),
        ),
    },
    rule=RowRule(Scope.CASES, _rows),
    columns={
        "id": node_id("Case"),
        "caseNumber": plain("case_number"),
        "procedure": choice("procedure", Procedure),
        "status": choice("status", CaseStatus),
        "domain": plain("domain_code"),
        "facts": document("facts"),
        "description": plain("description"),
        "violationDate": day("violation_date"),
        "registeredAt": moment("registered_at"),
        "updatedAt": moment("updated_at"),
        "version": plain("version"),
        "filedOn": day("filed_on"),
        "fine": money("fine_fen"),
        "major": flag("major"),
        "hearingRight": flag("hearing_right"),
        "discretion": document("discretion"),
        "decidedOn": day("decided_on"),
        "decisionNumber": plain("decision_number"),
        "closedOn": day("closed_on"),
    },
)


@strawberry.input(description="案件筛选")
class CaseFilter:
    status: list[CaseStatus] | None = strawberry.field(default=None, description="任一状态")
    procedure: Procedure | None = None
    domain: str | None = None
    agency_id: strawberry.ID | None = None
    entity_id: strawberry.ID | None = None
    item_code: str | None = None
    case_number: str | None = strawberry.field(default=None, description="案号（接受“第X号”写法）")
    violated_from: dt.date | None = strawberry.field(default=None, description="违法行为发生日期不早于")
    violated_to: dt.date | None = strawberry.field(default=None, description="违法行为发生日期不晚于")
    overdue: bool | None = strawberry.field(default=None, description="true：有已逾期未完成的期限；false：没有")


@strawberry.enum(description="案件排序")
class CaseOrder(enum.Enum):
    REGISTERED_AT_DESC = strawberry.enum_value("registered_at_desc", description="登记时间由新到旧")
    REGISTERED_AT_ASC = strawberry.enum_value("registered_at_asc", description="登记时间由旧到新")
    VIOLATION_DATE_DESC = strawberry.enum_value("violation_date_desc", description="违法日期由新到旧")
    CASE_NUMBER_ASC = strawberry.enum_value("case_number_asc", description="按案号升序")


ORDERS = {
    CaseOrder.REGISTERED_AT_DESC: (cases.c.registered_at, True),
    CaseOrder.REGISTERED_AT_ASC: (cases.c.registered_at, False),
    CaseOrder.VIOLATION_DATE_DESC: (cases.c.violation_date, True),
    CaseOrder.CASE_NUMBER_ASC: (cases.c.case_number, False),
}


async def resolve_cases(
    info: strawberry.Info, filter: CaseFilter | None, order: CaseOrder, page: PageRequest
) -> Connection[Case]:
    f, where = filter or CaseFilter(), []
    if f.status:
        where.append(cases.c.status.in_([s.value for s in f.status]))
    if f.procedure:
        where.append(cases.c.procedure == f.procedure.value)
    if f.domain:
        where.append(cases.c.domain_code == f.domain)
    if f.agency_id:
        where.append(cases.c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.entity_id:
        where.append(cases.c.entity_id == decode_id(f.entity_id, "Entity", "filter.entityId"))
    if f.item_code:
        where.append(cases.c.item_version_id.in_(sa.select(ItemRow.id).where(ItemRow.code == f.item_code)))
    if f.case_number:
        where.append(cases.c.case_number == normalise_number(f.case_number))
    if f.violated_from:
        where.append(cases.c.violation_date >= f.violated_from)
    if f.violated_to:
        where.append(cases.c.violation_date <= f.violated_to)
    if f.overdue is not None:
        late = sa.select(case_deadlines.c.case_id).where(case_deadlines.c.met_on.is_(None), case_deadlines.c.due_on < legal_today())
        where.append(in_set(cases.c.id, late) if f.overdue else cases.c.id.not_in(late))  # each one set, never a probe per case
    column, descending = ORDERS[order]
    return await connection(info, CASE, where, (column, cases.c.id), descending, page)


async def resolve_case(info: strawberry.Info, id: strawberry.ID | None, case_number: str | None) -> Case | None:
    if id is not None:
        return await one(info, CASE, decode_id(id, "Case", "id"))
    if case_number is not None:
        async with planner(info) as plan:
            stmt = plan.scoped(CASE, sa.select(cases.c.id).where(cases.c.case_number == normalise_number(case_number)))
            key = await plan.session.scalar(stmt)
        return await one(info, CASE, key) if key else None
    return None


@strawberry.input(description="登记案件（案源登记）")
class RegisterCaseInput:
    entity_id: strawberry.ID
    agency_id: strawberry.ID
    item_code: str = strawberry.field(description="执法事项编码；自动取违法行为发生日有效的版本")
    violation_date: dt.date
    officer_ids: list[strawberry.ID] = strawberry.field(description="承办人员，须为执法人员（行政处罚法第四十二条），第一位为主办")
    assistant_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="协助人员（如辅助人员）：记录在案，不作为承办人员，不实施行政处罚"
    )
    procedure: Procedure = Procedure.GENERAL
    facts: JSON | None = strawberry.field(default=None, description="案件事实，键为事项定义的事实名称")
    description: str = ""


@strawberry.type(description="登记案件的结果")
class RegisterCasePayload:
    case: Case | None
    errors: list[UserError]


async def resolve_register_case(info: strawberry.Info, input: RegisterCaseInput) -> RegisterCasePayload:
    async def work(session):
        if input.facts is not None and not isinstance(input.facts, dict):
            raise RuleError(CatalogErrorCode.FACTS_INVALID, "facts 应为以事实名称为键的对象", "facts")
        access = info.context.access
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        access.require_enforcer_of(agency_id)
        entity_id = decode_id(input.entity_id, "Entity", "entityId")
        # Loaded and held, not only checked: registration then finds the entity in the session's
        # identity map (which holds its objects weakly: a result not kept is gone again).
        entity = await session.scalar(Planner(session, access).scoped("Entity", sa.select(EntityRow).where(EntityRow.id == entity_id)))
        if entity is None:
            raise RuleError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在或不在本机关管辖范围内", "entityId")
        new = NewCase(
            entity_id=entity_id,
            agency_id=agency_id,
            item_code=input.item_code.strip(),
            violation_date=input.violation_date,
            officer_ids=[decode_id(o, "Officer", "officerIds") for o in input.officer_ids],
            assistant_ids=[decode_id(o, "Officer", "assistantIds") for o in input.assistant_ids],
            procedure=to_core(m.Procedure, input.procedure),
            facts=input.facts or {},
            description=input.description,
        )
        return (await register_case(session, info.context.actor, new)).id

    key, errors = await run_mutation(info, work)
    case = await one(info, CASE, key, "case") if key else None
    return RegisterCasePayload(case=case, errors=errors)

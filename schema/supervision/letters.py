"""Supervision in GraphQL: 行政执法监督函.

A supervisor (role `supervisor`, its justice bureau) issues a letter to an agency in its reach; the
agency's head answers with the rectification report; the issuing bureau's supervisor accepts (办结)
or returns it (整改不到位), after which the agency answers again.

Reads follow `core.supervision.rectification.where`: a letter is seen by viewers reaching the
addressed or the issuing agency; the public sees none. The helpers below are shared with
`campaigns` and `rectification`.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Role, Scope
from zhifa.core.clock import legal_today
from zhifa.core.errors import CommonErrorCode, ErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.supervision import letters as letter_service
from zhifa.core.supervision import models as m
from zhifa.core.supervision import rectification as rules
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.schema.kit.access import Access, RowRule
from zhifa.schema.kit.connections import connection, decode_id, one
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Planner, Relation
from zhifa.schema.kit.relay import (
    PAGE_ARGS,
    Connection,
    Node,
    PageRequest,
    global_id,
    parse_global_id,
)

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
CampaignRef = Annotated["RectificationCampaign", strawberry.lazy("zhifa.schema.supervision.campaigns")]

letters_t, events_t = m.SupervisionLetter.__table__, m.LetterEvent.__table__

LetterStatus = graphql_enum(m.LetterStatus, "SupervisionLetterStatus", "行政执法监督函办理状态")


@strawberry.type(description="引用的预警：规则代码和触发预警的记录")
class AlertReference:
    code: str = strawberry.field(description="预警规则代码")
    subject: strawberry.ID = strawberry.field(description="触发预警的记录的全局 ID")


@strawberry.type(description="监督函时间线上的一步：issue 下达、answer 反馈整改情况、return 退回、accept 办结")
class SupervisionLetterEvent:
    seq: int
    kind: str
    on: dt.date
    at: dt.datetime
    actor: str
    data: JSON = strawberry.field(description="该步的内容：整改情况报告、退回理由、整改期限等")


@strawberry.type(description="行政执法监督函：监督机关就发现的问题向执法部门下达，执法部门反馈整改情况，监督机关认可后办结")
class SupervisionLetter(Node):
    number: str = strawberry.field(description="文号，如“定司监函〔2026〕1号”")
    status: LetterStatus
    findings: str = strawberry.field(description="发现的问题")
    requirements: str = strawberry.field(description="整改要求")
    alerts: list[AlertReference] = strawberry.field(description="引用的预警")
    issued_on: dt.date
    due_on: dt.date = strawberry.field(description="整改期限")
    answer: str | None = strawberry.field(description="最近一次反馈的整改情况")
    answered_on: dt.date | None
    closed_on: dt.date | None = strawberry.field(description="办结日期")
    overdue: bool = strawberry.field(description="已过整改期限而未反馈（已下达或被退回）")
    version: int = strawberry.field(description="乐观锁版本号，办理时可提交以防覆盖他人的操作")
    issuing_agency: AgencyRef | None = strawberry.field(default=None, description="下达机关")
    agency: AgencyRef | None = strawberry.field(default=None, description="被监督单位")
    campaign: CampaignRef | None = strawberry.field(default=None, description="所属整治活动（如有）")
    timeline: list[SupervisionLetterEvent] = strawberry.field(default_factory=list)


def _alert(ref: dict) -> AlertReference:
    return AlertReference(code=ref["code"], subject=strawberry.ID(ref["subject"]))


def _letter(r) -> SupervisionLetter:
    status = m.LetterStatus(r.status)
    return SupervisionLetter(
        id=global_id(rules.LETTER, r.id), number=r.number, status=from_core(LetterStatus, status), findings=r.findings,
        requirements=r.requirements, alerts=[_alert(a) for a in r.alerts or []], issued_on=r.issued_on, due_on=r.due_on,
        answer=r.answer, answered_on=r.answered_on, closed_on=r.closed_on,
        overdue=rules.letter_overdue(status, r.due_on, legal_today()), version=r.version,
    )


def _event(r) -> SupervisionLetterEvent:
    return SupervisionLetterEvent(seq=r.seq, kind=r.kind, on=r.happened_on, at=r.at, actor=r.actor, data=r.data)


def row_rule(kind: str) -> RowRule:
    """Letters and rectification records: the organising or addressed agencies, and those above."""
    return RowRule(Scope.CASES, lambda access, t: rules.where(kind, t, access.agencies, access.reach.overseers))


EVENT = Kind(rules.LETTER_EVENT, events_t, _event, rule=row_rule(rules.LETTER_EVENT))
LETTER = Kind(
    rules.LETTER,
    letters_t,
    _letter,
    {
        "issuingAgency": Relation("one", "Agency", "issuing_agency_id"),
        "agency": Relation("one", "Agency", "agency_id"),
        "campaign": Relation("one", "RectificationCampaign", "campaign_id"),
        "timeline": Relation(
            "many", "SupervisionLetterEvent",
            link=lambda ids: sa.select(events_t.c.letter_id, events_t.c.id, events_t.c.seq).where(events_t.c.letter_id.in_(ids)),
        ),
    },
    rule=row_rule(rules.LETTER),
)
NODES = (LETTER,)  # reached by `node`
KINDS = (*NODES, EVENT)


@strawberry.input(description="监督函筛选")
class SupervisionLetterFilter:
    status: list[LetterStatus] | None = strawberry.field(default=None, description="任一状态")
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="被监督单位")
    issuing_agency_id: strawberry.ID | None = strawberry.field(default=None, description="下达机关")
    campaign_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(default=None, description="true：已过整改期限而未反馈；false：没有逾期")
    as_of: dt.date | None = strawberry.field(default=None, description="判断逾期的日期，默认今天")


def _letter_where(f: SupervisionLetterFilter) -> list[sa.ColumnElement[bool]]:
    c, where = letters_t.c, []
    if f.status:
        where.append(c.status.in_([s.value for s in f.status]))
    if f.agency_id:
        where.append(c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.issuing_agency_id:
        where.append(c.issuing_agency_id == decode_id(f.issuing_agency_id, "Agency", "filter.issuingAgencyId"))
    if f.campaign_id:
        where.append(c.campaign_id == decode_id(f.campaign_id, rules.CAMPAIGN, "filter.campaignId"))
    if f.overdue is not None:
        late = rules.letter_overdue_clause(letters_t, f.as_of or legal_today())
        where.append(late if f.overdue else sa.not_(late))
    return where


@strawberry.enum(description="监督函排序")
class SupervisionLetterOrder(enum.Enum):
    ISSUED_ON_DESC = strawberry.enum_value("issued_on_desc", description="下达日期由新到旧")
    DUE_ON_ASC = strawberry.enum_value("due_on_asc", description="整改期限由近到远")


LETTER_ORDERS = {
    SupervisionLetterOrder.ISSUED_ON_DESC: (letters_t.c.issued_on, True),
    SupervisionLetterOrder.DUE_ON_ASC: (letters_t.c.due_on, False),
}


@strawberry.input(description="引用的预警")
class AlertReferenceInput:
    code: str = strawberry.field(description="预警规则代码（大写字母、数字和下划线）")
    subject: strawberry.ID = strawberry.field(description="触发预警的记录的全局 ID")


@strawberry.input(description="下达行政执法监督函")
class IssueSupervisionLetterInput:
    agency_id: strawberry.ID = strawberry.field(description="被监督单位（须在本机关管辖范围内）")
    findings: str = strawberry.field(description="发现的问题")
    requirements: str = strawberry.field(description="整改要求")
    due_on: dt.date = strawberry.field(description="整改期限（晚于下达日期）")
    issued_on: dt.date | None = strawberry.field(default=None, description="下达日期，默认今天")
    campaign_id: strawberry.ID | None = strawberry.field(default=None, description="所属整治活动")
    alerts: list[AlertReferenceInput] = strawberry.field(default_factory=list, description="引用的预警")


@strawberry.input(description="反馈整改情况（被监督单位负责人）")
class AnswerSupervisionLetterInput:
    letter_id: strawberry.ID
    answer: str = strawberry.field(description="整改情况报告")
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="认可整改情况并办结（下达机关的执法监督人员）")
class AcceptSupervisionLetterInput:
    letter_id: strawberry.ID
    comment: str = ""
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="整改不到位，退回重新整改（下达机关的执法监督人员）")
class ReturnSupervisionLetterInput:
    letter_id: strawberry.ID
    reasons: str = strawberry.field(description="整改不到位的具体情形")
    due_on: dt.date | None = strawberry.field(default=None, description="新的整改期限（不填则不变）")
    on: dt.date | None = None
    version: int | None = None


@strawberry.type(description="监督函操作的结果")
class SupervisionLetterPayload:
    letter: SupervisionLetter | None
    errors: list[UserError]


def in_reach(access: Access, agency_id: uuid.UUID) -> bool:
    agencies = access.reach.agencies if access.reach else frozenset()
    return agencies is None or agency_id in agencies


def require_supervisor(access: Access) -> uuid.UUID:
    if not access.viewer.has(Role.SUPERVISOR) or access.viewer.agency_id is None:
        raise RuleError(CommonErrorCode.FORBIDDEN, "只有司法行政机关的执法监督人员可以执行此操作")
    return access.viewer.agency_id


def require_supervisor_over(access: Access, agency_id: uuid.UUID) -> uuid.UUID:
    own = require_supervisor(access)
    if not in_reach(access, agency_id):
        raise RuleError(CommonErrorCode.FORBIDDEN, "该单位不在本机关的监督范围内", "agencyId")
    return own


async def visible(session, access: Access, kind: Kind | str, key: uuid.UUID, code: ErrorCode, message: str, field: str) -> None:
    if not access.readable(kind if isinstance(kind, str) else kind.name) or not await Planner(session, access).exists(kind, key):
        raise RuleError(code, message, field)


async def _letter_in_reach(session, access: Access, letter_gid: strawberry.ID) -> m.SupervisionLetter:
    key = decode_id(letter_gid, rules.LETTER, "letterId")
    await visible(session, access, LETTER, key, SupervisionErrorCode.LETTER_NOT_FOUND, "监督函不存在或不在本机关管辖范围内", "letterId")
    return await letter_service.load(session, key)


def alert_ref(value: AlertReferenceInput, field: str) -> rules.AlertRef:
    if parse_global_id(value.subject) is None:
        raise RuleError(SupervisionErrorCode.ALERT_SUBJECT_INVALID, "预警对象须为有效的全局 ID", field)
    return rules.AlertRef(code=value.code, subject=str(value.subject))


async def _letter_payload(info: strawberry.Info, work) -> SupervisionLetterPayload:
    key, errors = await run_mutation(info, work)
    return SupervisionLetterPayload(letter=await one(info, LETTER, key, "letter") if key else None, errors=errors)


async def resolve_issue(info: strawberry.Info, input: IssueSupervisionLetterInput) -> SupervisionLetterPayload:
    async def work(session):
        access = info.context.access
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        own = require_supervisor_over(access, agency_id)
        campaign = decode_id(input.campaign_id, rules.CAMPAIGN, "campaignId")
        if campaign is not None:
            await visible(session, access, rules.CAMPAIGN, campaign, SupervisionErrorCode.CAMPAIGN_NOT_FOUND, "整治活动不存在", "campaignId")
        alerts = [alert_ref(a, f"alerts.{i}.subject") for i, a in enumerate(input.alerts)]
        new = letter_service.NewLetter(
            issuing_agency_id=own, agency_id=agency_id, findings=input.findings, requirements=input.requirements,
            issued_on=input.issued_on or legal_today(), due_on=input.due_on, campaign_id=campaign, alerts=alerts,
        )
        return (await letter_service.issue(session, info.context.actor, new, today=legal_today())).id

    return await _letter_payload(info, work)


async def resolve_answer(info: strawberry.Info, input: AnswerSupervisionLetterInput) -> SupervisionLetterPayload:
    async def work(session):
        access = info.context.access
        letter = await _letter_in_reach(session, access, input.letter_id)
        viewer = access.viewer
        if not viewer.has(Role.AGENCY_HEAD) or not (letter.agency_id == viewer.agency_id or in_reach(access, letter.agency_id)):
            raise RuleError(CommonErrorCode.FORBIDDEN, "整改情况由被监督单位的负责人反馈", "letterId")
        return (await letter_service.answer(session, info.context.actor, letter.id, input.answer, input.on or legal_today(),
                                            today=legal_today(), version=input.version)).id

    return await _letter_payload(info, work)


async def _as_issuer(session, info: strawberry.Info, letter_gid: strawberry.ID) -> m.SupervisionLetter:
    access = info.context.access
    letter = await _letter_in_reach(session, access, letter_gid)
    if require_supervisor(access) != letter.issuing_agency_id:
        raise RuleError(CommonErrorCode.FORBIDDEN, "只有下达机关的执法监督人员可以审核整改情况", "letterId")
    return letter


async def resolve_accept(info: strawberry.Info, input: AcceptSupervisionLetterInput) -> SupervisionLetterPayload:
    async def work(session):
        letter = await _as_issuer(session, info, input.letter_id)
        return (await letter_service.accept(session, info.context.actor, letter.id, input.comment, input.on or legal_today(),
                                            today=legal_today(), version=input.version)).id

    return await _letter_payload(info, work)


async def resolve_return(info: strawberry.Info, input: ReturnSupervisionLetterInput) -> SupervisionLetterPayload:
    async def work(session):
        letter = await _as_issuer(session, info, input.letter_id)
        return (await letter_service.return_(session, info.context.actor, letter.id, input.reasons, input.on or legal_today(),
                                             today=legal_today(), due_on=input.due_on, version=input.version)).id

    return await _letter_payload(info, work)


@strawberry.type
class LetterQueries:
    @strawberry.field(description=f"行政执法监督函（可按状态、被监督单位、是否逾期筛选）。{PAGE_ARGS}")
    async def supervision_letters(
        self,
        info: strawberry.Info,
        filter: SupervisionLetterFilter | None = None,
        order: SupervisionLetterOrder = SupervisionLetterOrder.ISSUED_ON_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[SupervisionLetter]:
        column, descending = LETTER_ORDERS[order]
        where = _letter_where(filter or SupervisionLetterFilter())
        return await connection(info, LETTER, where, (column, letters_t.c.id), descending, PageRequest(first, after, last, before))

    @strawberry.field(description="按全局 ID 取一份监督函（含时间线）")
    async def supervision_letter(self, info: strawberry.Info, id: strawberry.ID) -> SupervisionLetter | None:
        info.context.access.require(rules.LETTER)
        return await one(info, LETTER, decode_id(id, rules.LETTER, "id"))


@strawberry.type
class LetterMutations:
    @strawberry.mutation(description="下达行政执法监督函（执法监督人员，对所辖区域内的执法部门）；文号按下达机关和年度连续编号")
    async def issue_supervision_letter(self, info: strawberry.Info, input: IssueSupervisionLetterInput) -> SupervisionLetterPayload:
        return await resolve_issue(info, input)

    @strawberry.mutation(description="反馈整改情况（被监督单位负责人）；被退回后可再次反馈")
    async def answer_supervision_letter(self, info: strawberry.Info, input: AnswerSupervisionLetterInput) -> SupervisionLetterPayload:
        return await resolve_answer(info, input)

    @strawberry.mutation(description="认可整改情况，监督函办结（下达机关的执法监督人员）")
    async def accept_supervision_letter(self, info: strawberry.Info, input: AcceptSupervisionLetterInput) -> SupervisionLetterPayload:
        return await resolve_accept(info, input)

    @strawberry.mutation(description="整改不到位，退回并说明理由（下达机关的执法监督人员）")
    async def return_supervision_letter(self, info: strawberry.Info, input: ReturnSupervisionLetterInput) -> SupervisionLetterPayload:
        return await resolve_return(info, input)

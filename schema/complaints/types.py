"""Complaints and reports (投诉举报) in GraphQL: the ledger as a Relay connection with deadline and
overdue filters, one complaint, the ledger's summary counts, and the acts from registration to
closing (不解决不销号).

The complainant's identity is decided per row by `core.complaints.rules.disclosure`: in clear (and
the read recorded) for an officer, head or legal reviewer of the handling agency — for the named
handler alone when the complainant asked for confidentiality — masked for every other reader.
Nothing that concerns the accused (the entity, its cases, anything public) leads to a complaint.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Role, Scope, Viewer, descendants
from zhifa.core.clock import legal_today
from zhifa.core.complaints import models as m
from zhifa.core.complaints import rules, service
from zhifa.core.complaints.policy import DEFAULT_COMPLAINT_POLICY
from zhifa.core.entities.masking import mask_id_number, mask_phone
from zhifa.core.errors import UserError as RuleError
from zhifa.core.models import Agency as AgencyRow
from zhifa.schema.kit.access import Access, RowRule, forbidden
from zhifa.schema.kit.connections import connection, contains, decode_id, one, planner
from zhifa.schema.kit.enums import from_core, graphql_enum, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Planner, Relation
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
CaseRef = Annotated["Case", strawberry.lazy("zhifa.schema.cases.types")]  # another domain's type, resolved by name
EntityRef = Annotated["Entity", strawberry.lazy("zhifa.schema.entities.types")]  # another domain's type, resolved by name
InspectionRef = Annotated["Inspection", strawberry.lazy("zhifa.schema.inspections.types")]  # another domain's type, resolved by name
OfficerRef = Annotated["Officer", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

complaints, complaint_events, complaint_links = m.Complaint.__table__, m.ComplaintEvent.__table__, m.ComplaintLink.__table__

ComplaintKind = graphql_enum(m.ComplaintKind, "ComplaintKind", "投诉举报类别")
ComplaintChannel = graphql_enum(m.ComplaintChannel, "ComplaintChannel", "投诉举报来源渠道")
ComplaintStatus = graphql_enum(m.ComplaintStatus, "ComplaintStatus", "投诉举报办理状态")
Satisfaction = graphql_enum(m.Satisfaction, "Satisfaction", "回访满意度")
IdentityDisclosure = graphql_enum(rules.Disclosure, "IdentityDisclosure", "投诉举报人身份信息的显示方式")


@strawberry.type(description="投诉举报的期限：何时起算、何时届满、是否逾期")
class ComplaintDeadline:
    kind: str = strawberry.field(description="REPLY（受理答复）或 HANDLING（办结）")
    label: str
    day_type: str = strawberry.field(description="working（工作日）或 calendar（自然日）")
    starts_on: dt.date
    due_on: dt.date
    met_on: dt.date | None = strawberry.field(description="答复或办结之日；为空表示仍在计算")
    overdue: bool = strawberry.field(description="今天已过届满日且尚未完成")
    basis: str


@strawberry.type(description="投诉举报人。身份信息依法保密：仅承办机关的执法人员、负责人、法制审核员可见全文（查看留痕），"
                             "要求保密的仅承办人可见；其他角色脱敏或不显示；被投诉举报人任何情况下都无从获取")
class Complainant:
    disclosure: IdentityDisclosure
    name: str | None
    phone: str | None
    id_number: str | None


@strawberry.type(description="投诉举报时间线上的一步")
class ComplaintEvent:
    seq: int
    kind: str
    on: dt.date
    at: dt.datetime
    actor: str
    data: JSON


@strawberry.type(description="投诉举报关联的案件或检查")
class ComplaintLink:
    target_kind: str = strawberry.field(description="case（案件）或 inspection（检查）")
    target_id: strawberry.ID = strawberry.field(description="关联对象的全局 ID")
    linked_on: dt.date


@strawberry.type(description="投诉举报（含 12345 热线工单、特邀监督员和企业联系点反映的问题）")
class Complaint(Node):
    number: str = strawberry.field(description="登记编号，如“定综执投〔2025〕3号”")
    kind: ComplaintKind
    channel: ComplaintChannel
    external_number: str | None = strawberry.field(description="来源编号，如 12345 工单号")
    received_at: dt.datetime
    received_on: dt.date
    domain: str | None
    subject_name: str = strawberry.field(description="被投诉举报对象")
    subject_address: str
    content: str
    confidential: bool = strawberry.field(description="投诉举报人要求对承办人以外的人员保密身份")
    anonymous: bool
    status: ComplaintStatus
    replied_on: dt.date | None
    reply_accepted: bool | None = strawberry.field(description="true：受理；false：不予受理")
    reply_text: str | None
    resolved_on: dt.date | None
    result: str | None = strawberry.field(description="办理结果")
    satisfaction: Satisfaction | None = strawberry.field(description="最近一次回访的满意度")
    feedback_comment: str | None
    feedback_on: dt.date | None
    reopened_count: int = strawberry.field(description="因不满意退回重办的次数")
    closed_on: dt.date | None
    close_note: str | None = strawberry.field(description="不满意件经负责人审核销号的理由")
    provisional_year: int | None = strawberry.field(
        description="期限跨入尚未录入节假日安排的年份时为该年份：暂按周末推算，录入后以重新登记或交办时的计算为准"
    )
    version: int = strawberry.field(description="乐观锁版本号，修改时可提交以防覆盖他人的修改")
    overdue: bool = strawberry.field(description="今天有已逾期未完成的期限")
    deadlines: list[ComplaintDeadline]
    complainant: Complainant | None = None
    agency: AgencyRef | None = strawberry.field(default=None, description="承办机关")
    received_by: AgencyRef | None = strawberry.field(default=None, description="接收登记的机关")
    handler: OfficerRef | None = strawberry.field(default=None, description="承办人")
    subject: EntityRef | None = strawberry.field(default=None, description="被投诉举报的行政相对人（已登记的）")
    outside_supervisor: Annotated["OutsideSupervisor", strawberry.lazy("zhifa.schema.supervision.visits")] | None = strawberry.field(
        default=None, description="反映问题的特邀监督员或企业联系点（渠道为特邀监督员反映、企业联系点反映的件）"
    )
    timeline: list[ComplaintEvent] = strawberry.field(default_factory=list)
    links: list[ComplaintLink] = strawberry.field(default_factory=list, description="关联的案件和检查")
    linked_cases: list[CaseRef] = strawberry.field(default_factory=list, description="关联的案件（管辖范围内的）")
    linked_inspections: list[InspectionRef] = strawberry.field(default_factory=list, description="关联的检查（管辖范围内的）")


def _deadlines(r, today: dt.date) -> list[ComplaintDeadline]:
    reply, handling = rules.reply_rule(DEFAULT_COMPLAINT_POLICY), rules.handling_rule(
        DEFAULT_COMPLAINT_POLICY, rehandling=bool(r.reopened_count)
    )
    return [
        ComplaintDeadline(kind=rule.kind, label=rule.label, day_type=rule.day_type.value, starts_on=start, due_on=due,
                          met_on=met, overdue=rules.is_overdue(due, met, today), basis=rule.basis)
        for rule, start, due, met in (
            (reply, r.reply_starts_on, r.reply_due_on, r.replied_on),
            (handling, r.handling_starts_on, r.handling_due_on, r.resolved_on),
        )
    ]


def _complaint(r) -> Complaint:
    deadlines = _deadlines(r, legal_today())
    return Complaint(
        id=global_id("Complaint", r.id),
        number=r.number,
        kind=from_core(ComplaintKind, m.ComplaintKind(r.kind)),
        channel=from_core(ComplaintChannel, m.ComplaintChannel(r.channel)),
        external_number=r.external_number,
        received_at=r.received_at,
        received_on=r.received_on,
        domain=r.domain_code,
        subject_name=r.subject_name,
        subject_address=r.subject_address,
        content=r.content,
        confidential=r.confidential,
        anonymous=r.anonymous,
        status=from_core(ComplaintStatus, m.ComplaintStatus(r.status)),
        replied_on=r.replied_on,
        reply_accepted=r.reply_accepted,
        reply_text=r.reply_text,
        resolved_on=r.resolved_on,
        result=r.result,
        satisfaction=from_core(Satisfaction, m.Satisfaction(r.satisfaction)) if r.satisfaction else None,
        feedback_comment=r.feedback_comment,
        feedback_on=r.feedback_on,
        reopened_count=r.reopened_count,
        closed_on=r.closed_on,
        close_note=r.close_note,
        provisional_year=r.provisional_year,
        version=r.version,
        overdue=any(d.overdue for d in deadlines),
        deadlines=deadlines,
    )


async def _write_reads(session, viewer: Viewer, reads: list[tuple[uuid.UUID, str]]) -> None:
    await service.record_identity_reads(session, viewer.subject, reads)


def show_complainant(access: Access, obj: Complaint, row, selected: frozenset[str]) -> None:
    """Decrypt, then show in clear (recording the read), masked or not at all, per `rules.disclosure`;
    nothing at all when the query does not select the complainant."""
    if "complainant" not in selected:
        return
    level = rules.disclosure(access.viewer, row.agency_id, row.handler_id, row.confidential, row.anonymous)
    if level in (rules.Disclosure.ANONYMOUS, rules.Disclosure.HIDDEN):
        obj.complainant = Complainant(disclosure=IdentityDisclosure(level.value), name=None, phone=None, id_number=None)
        return
    key = access.key
    name = key.decrypt(row.complainant_name_cipher) if row.complainant_name_cipher else None
    phone = key.decrypt(row.complainant_phone_cipher) if row.complainant_phone_cipher else None
    id_number = key.decrypt(row.complainant_id_number_cipher) if row.complainant_id_number_cipher else None
    if level is rules.Disclosure.CLEAR:
        shown = ",".join(n for n, v in (("name", name), ("phone", phone), ("id_number", id_number)) if v)
        access.note_read(_write_reads, (row.id, shown))
    else:
        name, phone, id_number = rules.mask_name(name), mask_phone(phone), mask_id_number(id_number)
    obj.complainant = Complainant(disclosure=IdentityDisclosure(level.value), name=name, phone=phone, id_number=id_number)



def _event(r) -> ComplaintEvent:
    return ComplaintEvent(seq=r.seq, kind=r.kind, on=r.happened_on, at=r.at, actor=r.actor, data=r.data)


def _link(r) -> ComplaintLink:
    type_name = "Case" if r.target_kind == "case" else "Inspection"
    return ComplaintLink(target_kind=r.target_kind, target_id=global_id(type_name, r.target_id), linked_on=r.linked_on)


EVENT = Kind("ComplaintEvent", complaint_events, _event)
LINK = Kind("ComplaintLink", complaint_links, _link)
COMPLAINT = Kind(
    "Complaint",
    complaints,
    _complaint,
    {
        "agency": Relation("one", "Agency", "agency_id"),
        "receivedBy": Relation("one", "Agency", "received_by_agency_id"),
        "handler": Relation("one", "Officer", "handler_id"),
        "subject": Relation("one", "Entity", "subject_entity_id"),
        "outsideSupervisor": Relation("one", "OutsideSupervisor", "outside_supervisor_id"),
        "timeline": Relation(
            "many", "ComplaintEvent",
            link=lambda ids: sa.select(complaint_events.c.complaint_id, complaint_events.c.id, complaint_events.c.seq).where(
                complaint_events.c.complaint_id.in_(ids)
            ),
        ),
        "links": Relation(
            "many", "ComplaintLink",
            link=lambda ids: sa.select(complaint_links.c.complaint_id, complaint_links.c.id, complaint_links.c.linked_on).where(
                complaint_links.c.complaint_id.in_(ids)
            ),
        ),
        "linkedCases": Relation(
            "many", "Case",
            link=lambda ids: sa.select(complaint_links.c.complaint_id, complaint_links.c.target_id, complaint_links.c.linked_on).where(
                complaint_links.c.complaint_id.in_(ids), complaint_links.c.target_kind == "case"
            ),
        ),
        "linkedInspections": Relation(
            "many", "Inspection",
            link=lambda ids: sa.select(complaint_links.c.complaint_id, complaint_links.c.target_id, complaint_links.c.linked_on).where(
                complaint_links.c.complaint_id.in_(ids), complaint_links.c.target_kind == "inspection"
            ),
        ),
    },
    show_complainant,
    rule=RowRule(Scope.CASES, lambda access, t: [rules.visible_clause(access.agencies, t)]),
)


# --- reading ----------------------------------------------------------------------------------


@strawberry.input(description="投诉举报筛选")
class ComplaintFilter:
    status: list[ComplaintStatus] | None = strawberry.field(default=None, description="任一状态")
    kind: ComplaintKind | None = None
    channel: list[ComplaintChannel] | None = strawberry.field(default=None, description="任一渠道")
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="承办机关")
    domain: str | None = None
    subject_entity_id: strawberry.ID | None = None
    received_from: dt.date | None = strawberry.field(default=None, description="收到日期不早于")
    received_to: dt.date | None = strawberry.field(default=None, description="收到日期不晚于")
    overdue: bool | None = strawberry.field(default=None, description="true：有逾期未完成的期限（受理答复或办结）；false：没有")
    as_of: dt.date | None = strawberry.field(default=None, description="判断逾期的日期，默认今天（可查某日的逾期台账）")
    search: str | None = strawberry.field(default=None, description="在登记编号、来源编号、被投诉举报对象和内容中查找")
    complainant_phone: str | None = strawberry.field(
        default=None, description="按投诉举报人电话精确查找（仅在本人可见身份全文的件中查找）"
    )


@strawberry.enum(description="投诉举报排序")
class ComplaintOrder(enum.Enum):
    RECEIVED_AT_DESC = strawberry.enum_value("received_at_desc", description="收到时间由新到旧")
    RECEIVED_AT_ASC = strawberry.enum_value("received_at_asc", description="收到时间由旧到新")
    HANDLING_DUE_ASC = strawberry.enum_value("handling_due_asc", description="办结期限由近到远")


ORDERS = {
    ComplaintOrder.RECEIVED_AT_DESC: (complaints.c.received_at, True),
    ComplaintOrder.RECEIVED_AT_ASC: (complaints.c.received_at, False),
    ComplaintOrder.HANDLING_DUE_ASC: (complaints.c.handling_due_on, False),
}


def filter_clauses(info: strawberry.Info, f: ComplaintFilter) -> list[sa.ColumnElement[bool]]:
    c, where = complaints.c, []
    if f.status:
        where.append(c.status.in_([s.value for s in f.status]))
    if f.kind:
        where.append(c.kind == f.kind.value)
    if f.channel:
        where.append(c.channel.in_([ch.value for ch in f.channel]))
    if f.agency_id:
        where.append(c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.domain:
        where.append(c.domain_code == f.domain)
    if f.subject_entity_id:
        where.append(c.subject_entity_id == decode_id(f.subject_entity_id, "Entity", "filter.subjectEntityId"))
    if f.received_from:
        where.append(c.received_on >= f.received_from)
    if f.received_to:
        where.append(c.received_on <= f.received_to)
    if f.overdue is not None:
        late = rules.overdue_clause(complaints, f.as_of or legal_today())
        where.append(late if f.overdue else sa.not_(late))
    if f.search:
        where.append(sa.or_(*(contains(col, f.search) for col in (c.number, c.external_number, c.subject_name, c.content))))
    if f.complainant_phone is not None:
        digest = info.context.access.key.lookup("".join(f.complainant_phone.split()))
        where.append(sa.and_(c.complainant_phone_digest == digest, rules.clear_identity_clause(info.context.access.viewer, complaints)))
    return where


async def resolve_complaints(
    info: strawberry.Info, filter: ComplaintFilter | None, order: ComplaintOrder, page: PageRequest
) -> Connection[Complaint]:
    where = filter_clauses(info, filter or ComplaintFilter())
    column, descending = ORDERS[order]
    result = await connection(info, COMPLAINT, where, (column, complaints.c.id), descending, page)
    return result


async def resolve_complaint(info: strawberry.Info, id: strawberry.ID) -> Complaint | None:
    info.context.access.require("Complaint")
    found = await one(info, COMPLAINT, decode_id(id, "Complaint", "id"))
    return found


@strawberry.type(description="台账中某一渠道的件数")
class ChannelCount:
    channel: ComplaintChannel
    received: int
    overdue_open: int


@strawberry.type(description="投诉举报台账汇总：统计期内收到的件及其截至统计日的办理情况")
class ComplaintLedger:
    from_: dt.date = strawberry.field(name="from")
    to: dt.date
    as_of: dt.date = strawberry.field(description="统计截止日（判断逾期的日期）")
    received: int = strawberry.field(description="收到件数")
    replied: int = strawberry.field(description="已作出受理答复")
    replied_on_time: int = strawberry.field(description="按期答复")
    resolved: int = strawberry.field(description="已办结（含不予受理）")
    resolved_on_time: int = strawberry.field(description="按期办结")
    closed: int = strawberry.field(description="已销号")
    open: int = strawberry.field(description="未销号")
    overdue_open: int = strawberry.field(description="逾期未完成（受理答复或办结逾期）")
    reopened: int = strawberry.field(description="曾因不满意退回重办")
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    unreachable: int
    by_channel: list[ChannelCount]


def _count(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


async def resolve_ledger(
    info: strawberry.Info, agency_id: strawberry.ID, from_: dt.date, to: dt.date, as_of: dt.date | None
) -> ComplaintLedger:
    """One agency's ledger, its subordinate agencies included, within the viewer's reach."""
    access = info.context.access
    access.require("Complaint")
    key = decode_id(agency_id, "Agency", "agencyId")
    if to < from_:
        raise GraphQLError("统计期的结束日早于开始日", extensions={"code": "DATE_RANGE_INVALID", "field": "to"})
    as_of = as_of or legal_today()
    c = complaints.c
    async with planner(info) as plan:
        reach = access.reach.agencies if access.reach else frozenset()
        if reach is not None and key not in reach:
            raise forbidden("该机关不在本账号的管辖范围内")
        tree = descendants([key], {r.id: r.parent_id for r in await plan.session.execute(sa.select(AgencyRow.id, AgencyRow.parent_id))})
        scope = [c.agency_id.in_(tree), c.received_on >= from_, c.received_on <= to, *access.where("Complaint", complaints)]
        late = rules.overdue_clause(complaints, as_of)
        closed = sa.and_(c.closed_on.is_not(None), c.closed_on <= as_of)
        replied = sa.and_(c.replied_on.is_not(None), c.replied_on <= as_of)
        resolved = sa.and_(c.resolved_on.is_not(None), c.resolved_on <= as_of)
        totals = (await plan.session.execute(sa.select(
            sa.func.count(),
            _count(replied), _count(sa.and_(replied, c.replied_on <= c.reply_due_on)),
            _count(resolved), _count(sa.and_(resolved, c.resolved_on <= c.handling_due_on)),
            _count(closed), _count(late), _count(c.reopened_count > 0),
            *(_count(c.satisfaction == s.value) for s in m.Satisfaction),
        ).where(*scope))).one()
        channels = (await plan.session.execute(
            sa.select(c.channel, sa.func.count(), _count(late)).where(*scope).group_by(c.channel).order_by(c.channel)
        )).all()
    received, n_replied, n_replied_ok, n_resolved, n_resolved_ok, n_closed, n_late, n_reopened, *sat = (int(v) for v in totals)
    return ComplaintLedger(
        from_=from_, to=to, as_of=as_of, received=received, replied=n_replied, replied_on_time=n_replied_ok,
        resolved=n_resolved, resolved_on_time=n_resolved_ok, closed=n_closed, open=received - n_closed, overdue_open=n_late,
        reopened=n_reopened, satisfied=sat[0], basically_satisfied=sat[1], unsatisfied=sat[2], unreachable=sat[3],
        by_channel=[ChannelCount(channel=from_core(ComplaintChannel, m.ComplaintChannel(ch)), received=int(n), overdue_open=int(o)) for ch, n, o in channels],
    )


# --- acting -----------------------------------------------------------------------------------


@strawberry.input(description="登记投诉举报")
class RegisterComplaintInput:
    kind: ComplaintKind
    channel: ComplaintChannel
    agency_id: strawberry.ID = strawberry.field(description="接收登记的机关（交办前即承办机关）")
    content: str = strawberry.field(description="反映的事实和请求")
    subject_name: str = strawberry.field(default="", description="被投诉举报对象名称（姓名）；选了已登记的相对人时可不填")
    subject_address: str = ""
    subject_entity_id: strawberry.ID | None = None
    domain: str | None = strawberry.field(default=None, description="涉及的执法领域代码")
    external_number: str | None = strawberry.field(default=None, description="来源编号（12345 热线件必填工单号）")
    received_at: dt.datetime | None = strawberry.field(default=None, description="收到时间（须带时区），默认现在")
    complainant_name: str | None = strawberry.field(default=None, description="投诉举报人姓名（加密保存）")
    complainant_phone: str | None = strawberry.field(default=None, description="联系电话（加密保存）")
    complainant_id_number: str | None = strawberry.field(default=None, description="公民身份号码（加密保存）")
    confidential: bool = strawberry.field(default=False, description="投诉举报人要求身份仅对承办人公开")
    handler_id: strawberry.ID | None = strawberry.field(default=None, description="承办人；默认登记人（本机关执法人员登记时）")


@strawberry.input(description="交办投诉举报（有处理权限的机关）")
class AssignComplaintInput:
    complaint_id: strawberry.ID
    agency_id: strawberry.ID
    handler_id: strawberry.ID | None = strawberry.field(default=None, description="承办人（须为承办机关人员）")
    note: str = ""
    on: dt.date | None = strawberry.field(default=None, description="交办日期，默认今天")
    version: int | None = None


@strawberry.input(description="受理答复（程序性答复）")
class ReplyComplaintInput:
    complaint_id: strawberry.ID
    accepted: bool = strawberry.field(description="true：受理；false：不予受理（须说明理由，并即告办结）")
    text: str
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="办结（实质性办理结果）")
class ResolveComplaintInput:
    complaint_id: strawberry.ID
    result: str
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="回访并记录满意度")
class ComplaintFeedbackInput:
    complaint_id: strawberry.ID
    satisfaction: Satisfaction
    comment: str = strawberry.field(default="", description="不满意的须记录理由")
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="销号")
class CloseComplaintInput:
    complaint_id: strawberry.ID
    head_review: str | None = strawberry.field(
        default=None, description="不满意件（重办次数已用完）由负责人填写审核意见：诉求已依法处理的理由"
    )
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="关联案件或检查（二选一）")
class LinkComplaintInput:
    complaint_id: strawberry.ID
    case_id: strawberry.ID | None = None
    inspection_id: strawberry.ID | None = None
    on: dt.date | None = None
    version: int | None = None


@strawberry.type(description="投诉举报操作的结果")
class ComplaintPayload:
    complaint: Complaint | None
    errors: list[UserError]


def _in_reach(access: Access, agency_id: uuid.UUID) -> bool:
    agencies = access.reach.agencies if access.reach else frozenset()
    return agencies is None or agency_id in agencies


async def _visible(session, access: Access, complaint_id: uuid.UUID) -> m.Complaint:
    if not access.readable("Complaint") or not await Planner(session, access).exists(COMPLAINT, complaint_id):
        raise RuleError("COMPLAINT_NOT_FOUND", "投诉举报不存在或不在本机关管辖范围内", "complaintId")
    return await session.get(m.Complaint, complaint_id)


async def _payload(info: strawberry.Info, work) -> ComplaintPayload:
    key, errors = await run_mutation(info, work)
    complaint = await one(info, COMPLAINT, key, "complaint") if key else None
    return ComplaintPayload(complaint=complaint, errors=errors)


async def resolve_register(info: strawberry.Info, input: RegisterComplaintInput) -> ComplaintPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        if not _in_reach(access, agency_id):
            raise RuleError("FORBIDDEN", "只能以本机关或所属下级机关的名义登记", "agencyId")
        subject = decode_id(input.subject_entity_id, "Entity", "subjectEntityId")
        if subject is not None and not await Planner(session, access).exists("Entity", subject):
            raise RuleError("ENTITY_NOT_FOUND", "被投诉举报的行政相对人不存在或不在本机关管辖范围内", "subjectEntityId")
        viewer = access.viewer
        handler = decode_id(input.handler_id, "Officer", "handlerId")
        if handler is None and viewer.officer_id and viewer.agency_id == agency_id and viewer.has(*rules.HANDLING_ROLES):
            handler = viewer.officer_id
        new = service.NewComplaint(
            kind=to_core(m.ComplaintKind, input.kind),
            channel=to_core(m.ComplaintChannel, input.channel),
            agency_id=agency_id,
            received_at=input.received_at or dt.datetime.now(dt.UTC),
            content=input.content,
            subject_name=input.subject_name,
            subject_address=input.subject_address,
            subject_entity_id=subject,
            domain_code=input.domain,
            external_number=input.external_number,
            complainant_name=input.complainant_name,
            complainant_phone=input.complainant_phone,
            complainant_id_number=input.complainant_id_number,
            confidential=input.confidential,
            handler_id=handler,
        )
        return (await service.register(session, info.context.actor, new, access.key, today=legal_today(),
                                       policy=DEFAULT_COMPLAINT_POLICY, calendar=info.context.calendar)).id

    return await _payload(info, work)


async def resolve_assign(info: strawberry.Info, input: AssignComplaintInput) -> ComplaintPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()
        complaint = await _visible(session, access, decode_id(input.complaint_id, "Complaint", "complaintId"))
        if not _in_reach(access, complaint.agency_id):
            raise RuleError("FORBIDDEN", "只有承办机关或其上级机关可以交办", "complaintId")
        target = decode_id(input.agency_id, "Agency", "agencyId")
        own = await session.get(AgencyRow, access.viewer.agency_id) if access.viewer.agency_id else None
        upward = own is not None and own.parent_id == target  # 报请上级机关处理（投诉举报办法第十二条第三款）
        if not (_in_reach(access, target) or upward):
            raise RuleError("FORBIDDEN", "只能交办给本机关、所属下级机关，或报请直接上级机关处理", "agencyId")
        return (await service.assign(
            session, info.context.actor, complaint.id, target, input.on or legal_today(), today=legal_today(),
            handler_id=decode_id(input.handler_id, "Officer", "handlerId"), note=input.note, version=input.version,
            policy=DEFAULT_COMPLAINT_POLICY, calendar=info.context.calendar,
        )).id

    return await _payload(info, work)


async def _as_handler(session, info: strawberry.Info, complaint_gid: strawberry.ID) -> m.Complaint:
    access = info.context.access
    complaint = await _visible(session, access, decode_id(complaint_gid, "Complaint", "complaintId"))
    access.require_enforcer_of(complaint.agency_id)
    return complaint


async def resolve_reply(info: strawberry.Info, input: ReplyComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        return (await service.reply(session, info.context.actor, complaint.id, input.accepted, input.text,
                                    input.on or legal_today(), today=legal_today(), version=input.version)).id

    return await _payload(info, work)


async def resolve_resolve(info: strawberry.Info, input: ResolveComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        return (await service.resolve(session, info.context.actor, complaint.id, input.result,
                                      input.on or legal_today(), today=legal_today(), version=input.version)).id

    return await _payload(info, work)


async def resolve_feedback(info: strawberry.Info, input: ComplaintFeedbackInput) -> ComplaintPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()  # 回访 is desk work: auxiliary staff may record it
        complaint = await _visible(session, access, decode_id(input.complaint_id, "Complaint", "complaintId"))
        if not _in_reach(access, complaint.agency_id):
            raise RuleError("FORBIDDEN", "只有承办机关或其上级机关可以回访", "complaintId")
        return (await service.record_feedback(
            session, info.context.actor, complaint.id, to_core(m.Satisfaction, input.satisfaction), input.comment,
            input.on or legal_today(), today=legal_today(), version=input.version,
            policy=DEFAULT_COMPLAINT_POLICY, calendar=info.context.calendar,
        )).id

    return await _payload(info, work)


async def resolve_close(info: strawberry.Info, input: CloseComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        return (await service.close(
            session, info.context.actor, complaint.id, input.on or legal_today(), today=legal_today(),
            viewer_is_head=info.context.access.viewer.has(Role.AGENCY_HEAD), head_review=input.head_review, version=input.version,
        )).id

    return await _payload(info, work)


async def resolve_link(info: strawberry.Info, input: LinkComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        if (input.case_id is None) == (input.inspection_id is None):
            raise RuleError("LINK_TARGET_REQUIRED", "请指定关联的案件或检查（二选一）", "caseId")
        if input.case_id is not None:
            kind, target = "case", decode_id(input.case_id, "Case", "caseId")
            if not await Planner(session, info.context.access).exists("Case", target):
                raise RuleError("CASE_NOT_FOUND", "案件不存在或不在本机关管辖范围内", "caseId")
        else:
            kind, target = "inspection", decode_id(input.inspection_id, "Inspection", "inspectionId")
            if not await Planner(session, info.context.access).exists("Inspection", target):
                raise RuleError("INSPECTION_NOT_FOUND", "检查不存在或不在本机关管辖范围内", "inspectionId")
        return (await service.link(session, info.context.actor, complaint.id, kind, target,
                                   input.on or legal_today(), today=legal_today(), version=input.version)).id

    return await _payload(info, work)


PAGE_ARGS = "first/after 向后翻页，last/before 向前翻页；每页最多 100 条"


@strawberry.type
class ComplaintQueries:
    @strawberry.field(description=f"投诉举报台账（含逾期筛选）。{PAGE_ARGS}")
    async def complaints(
        self,
        info: strawberry.Info,
        filter: ComplaintFilter | None = None,
        order: ComplaintOrder = ComplaintOrder.RECEIVED_AT_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Complaint]:
        return await resolve_complaints(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description="按全局 ID 取一件投诉举报")
    async def complaint(self, info: strawberry.Info, id: strawberry.ID) -> Complaint | None:
        return await resolve_complaint(info, id)

    @strawberry.field(description="投诉举报台账汇总：某机关（含下级机关）统计期内收到的件及截至统计日的办理、按期、逾期和满意度")
    async def complaint_ledger(
        self,
        info: strawberry.Info,
        agency_id: strawberry.ID,
        from_: Annotated[dt.date, strawberry.argument(name="from", description="统计期开始日（收到日期）")],
        to: Annotated[dt.date, strawberry.argument(description="统计期结束日（收到日期）")],
        as_of: dt.date | None = None,
    ) -> ComplaintLedger:
        return await resolve_ledger(info, agency_id, from_, to, as_of)


@strawberry.type
class ComplaintMutations:
    @strawberry.mutation(description="登记投诉举报：编号、加密保存投诉举报人身份、计算受理答复和办结期限")
    async def register_complaint(self, info: strawberry.Info, input: RegisterComplaintInput) -> ComplaintPayload:
        return await resolve_register(info, input)

    @strawberry.mutation(description="交办给有处理权限的机关（可指定承办人）；承办机关自收到之日起重新计算期限")
    async def assign_complaint(self, info: strawberry.Info, input: AssignComplaintInput) -> ComplaintPayload:
        return await resolve_assign(info, input)

    @strawberry.mutation(description="受理答复：七个工作日内作出受理或者不予受理的决定并告知（投诉举报办法第十四条）")
    async def reply_complaint(self, info: strawberry.Info, input: ReplyComplaintInput) -> ComplaintPayload:
        return await resolve_reply(info, input)

    @strawberry.mutation(description="办结：记录实质性办理结果")
    async def resolve_complaint(self, info: strawberry.Info, input: ResolveComplaintInput) -> ComplaintPayload:
        return await resolve_resolve(info, input)

    @strawberry.mutation(description="回访并记录满意度；不满意的退回重办（重办次数由配置设定）")
    async def record_complaint_feedback(self, info: strawberry.Info, input: ComplaintFeedbackInput) -> ComplaintPayload:
        return await resolve_feedback(info, input)

    @strawberry.mutation(description="销号：须已办结并回访（不解决不销号）；不满意件须负责人审核")
    async def close_complaint(self, info: strawberry.Info, input: CloseComplaintInput) -> ComplaintPayload:
        return await resolve_close(info, input)

    @strawberry.mutation(description="关联案件或检查；已受理的件由此进入办理中")
    async def link_complaint(self, info: strawberry.Info, input: LinkComplaintInput) -> ComplaintPayload:
        return await resolve_link(info, input)

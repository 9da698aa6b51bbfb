"""Complaints and reports (投诉举报) in GraphQL: the object types, their planner kinds and the
row rule.

The complainant's identity is decided per row by `core.complaints.rules.disclosure`: in clear (and
the read recorded) for an officer, head or legal reviewer of the handling agency — for the named
handler alone when the complainant asked for confidentiality — masked for every other reader.
Nothing that concerns the accused (the entity, its cases, anything public) leads to a complaint.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Scope, Viewer
from zhifa.core.clock import legal_today
from zhifa.core.complaints import models as m
from zhifa.core.complaints import rules, service
from zhifa.core.complaints.policy import DEFAULT_COMPLAINT_POLICY
from zhifa.core.entities.masking import mask_id_number, mask_phone
from zhifa.schema.kit.access import Access, RowRule
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.errors import UserError
from zhifa.schema.kit.planner import Kind, Relation
from zhifa.schema.kit.relay import Node, global_id

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


@strawberry.type(description="投诉举报操作的结果")
class ComplaintPayload:
    complaint: Complaint | None
    errors: list[UserError]

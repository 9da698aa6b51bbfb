"""Reading complaints: the ledger as a Relay connection with deadline and overdue filters, one
complaint, and the ledger's summary counts."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from zhifa.core.db import in_ids
from zhifa.core.access.viewer import descendants
from zhifa.core.clock import legal_today
from zhifa.core.complaints import models as m
from zhifa.core.complaints import rules
from zhifa.core.errors import CommonErrorCode
from zhifa.core.models import Agency as AgencyRow
from zhifa.schema.complaints.types import (
    COMPLAINT,
    ChannelCount,
    Complaint,
    ComplaintChannel,
    ComplaintKind,
    ComplaintLedger,
    ComplaintStatus,
    complaints,
)
from zhifa.schema.kit.access import forbidden
from zhifa.schema.kit.connections import connection, contains, decode_id, one, planner
from zhifa.schema.kit.enums import from_core
from zhifa.schema.kit.relay import Connection, PageRequest


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
        raise GraphQLError("统计期的结束日早于开始日", extensions={"code": CommonErrorCode.DATE_RANGE_INVALID, "field": "to"})
    as_of = as_of or legal_today()
    c = complaints.c
    async with planner(info) as plan:
        reach = access.reach.agencies if access.reach else frozenset()
        if reach is not None and key not in reach:
            raise forbidden("该机关不在本账号的管辖范围内")
        tree = descendants([key], {r.id: r.parent_id for r in await plan.session.execute(sa.select(AgencyRow.id, AgencyRow.parent_id))})
        scope = [in_ids(c.agency_id, tree), c.received_on >= from_, c.received_on <= to, *access.where("Complaint", complaints)]
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

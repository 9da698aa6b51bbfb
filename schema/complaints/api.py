"""Complaints and reports in the root: the ledger, one complaint, its summary, and the acts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from zhifa.schema.complaints import mutations, queries
from zhifa.schema.complaints import types as complaints
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, PageRequest

NODES = (complaints.COMPLAINT,)
KINDS = (*NODES, complaints.EVENT, complaints.LINK)
TYPES = (complaints.Complaint,)


@strawberry.type
class ComplaintQueries:
    @strawberry.field(description=f"投诉举报台账（含逾期筛选）。{PAGE_ARGS}")
    async def complaints(
        self,
        info: strawberry.Info,
        filter: queries.ComplaintFilter | None = None,
        order: queries.ComplaintOrder = queries.ComplaintOrder.RECEIVED_AT_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[complaints.Complaint]:
        return await queries.resolve_complaints(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description="按全局 ID 取一件投诉举报")
    async def complaint(self, info: strawberry.Info, id: strawberry.ID) -> complaints.Complaint | None:
        return await queries.resolve_complaint(info, id)

    @strawberry.field(description="投诉举报台账汇总：某机关（含下级机关）统计期内收到的件及截至统计日的办理、按期、逾期和满意度")
    async def complaint_ledger(
        self,
        info: strawberry.Info,
        agency_id: strawberry.ID,
        from_: Annotated[dt.date, strawberry.argument(name="from", description="统计期开始日（收到日期）")],
        to: Annotated[dt.date, strawberry.argument(description="统计期结束日（收到日期）")],
        as_of: dt.date | None = None,
    ) -> complaints.ComplaintLedger:
        return await queries.resolve_ledger(info, agency_id, from_, to, as_of)


@strawberry.type
class ComplaintMutations:
    @strawberry.mutation(description="登记投诉举报：编号、加密保存投诉举报人身份、计算受理答复和办结期限")
    async def register_complaint(
        self, info: strawberry.Info, input: mutations.RegisterComplaintInput
    ) -> complaints.ComplaintPayload:
        return await mutations.resolve_register(info, input)

    @strawberry.mutation(description="交办给有处理权限的机关（可指定承办人）；承办机关自收到之日起重新计算期限")
    async def assign_complaint(self, info: strawberry.Info, input: mutations.AssignComplaintInput) -> complaints.ComplaintPayload:
        return await mutations.resolve_assign(info, input)

    @strawberry.mutation(description="受理答复：七个工作日内作出受理或者不予受理的决定并告知（投诉举报办法第十四条）")
    async def reply_complaint(self, info: strawberry.Info, input: mutations.ReplyComplaintInput) -> complaints.ComplaintPayload:
        return await mutations.resolve_reply(info, input)

    @strawberry.mutation(description="办结：记录实质性办理结果")
    async def resolve_complaint(
        self, info: strawberry.Info, input: mutations.ResolveComplaintInput
    ) -> complaints.ComplaintPayload:
        return await mutations.resolve_resolve(info, input)

    @strawberry.mutation(description="回访并记录满意度；不满意的退回重办（重办次数由配置设定）")
    async def record_complaint_feedback(
        self, info: strawberry.Info, input: mutations.ComplaintFeedbackInput
    ) -> complaints.ComplaintPayload:
        return await mutations.resolve_feedback(info, input)

    @strawberry.mutation(description="销号：须已办结并回访（不解决不销号）；不满意件须负责人审核")
    async def close_complaint(self, info: strawberry.Info, input: mutations.CloseComplaintInput) -> complaints.ComplaintPayload:
        return await mutations.resolve_close(info, input)

    @strawberry.mutation(description="关联案件或检查；已受理的件由此进入办理中")
    async def link_complaint(self, info: strawberry.Info, input: mutations.LinkComplaintInput) -> complaints.ComplaintPayload:
        return await mutations.resolve_link(info, input)

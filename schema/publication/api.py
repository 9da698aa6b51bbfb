"""Publication in the root: published decisions and credit records."""

from __future__ import annotations

import strawberry
from zhifa.schema.kit.relay import Connection, PageRequest
from zhifa.schema.publication import types as publication

NODES = KINDS = (publication.DECISION, publication.CREDIT, publication.REPAIR)
TYPES = (publication.PublicDecision, publication.CreditRecord, publication.CreditRepair)


@strawberry.type
class PublicationQueries:
    @strawberry.field(description="公示的行政处罚决定：无需登录；每页最多 100 条")
    async def public_decisions(
        self,
        info: strawberry.Info,
        filter: publication.PublicDecisionFilter | None = None,
        order: publication.PublicDecisionOrder = publication.PublicDecisionOrder.PUBLISHED_ON_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[publication.PublicDecision]:
        return await publication.resolve_public_decisions(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description="行政相对人的信用记录")
    async def credit_records(self, info: strawberry.Info, entity_id: strawberry.ID) -> list[publication.CreditRecord]:
        return await publication.resolve_credit_records(info, entity_id)


@strawberry.type
class PublicationMutations:
    @strawberry.mutation(description="公示行政处罚决定（脱敏），并记入当事人信用记录")
    async def publish_decision(self, info: strawberry.Info, input: publication.PublishDecisionInput) -> publication.PublicationPayload:
        return await publication.resolve_publish(info, input)

    @strawberry.mutation(description="撤下公示（决定被变更、撤销或确认违法、无效时，三个工作日内，行政处罚法第四十八条）")
    async def withdraw_publication(self, info: strawberry.Info, input: publication.ChangePublicationInput) -> publication.PublicationPayload:
        return await publication.resolve_change(info, input, correct=False)

    @strawberry.mutation(description="更正公示：按案件现状生成新记录，原记录保留为已更正")
    async def correct_publication(self, info: strawberry.Info, input: publication.ChangePublicationInput) -> publication.PublicationPayload:
        return await publication.resolve_change(info, input, correct=True)

    @strawberry.mutation(description="登记信用修复申请")
    async def apply_credit_repair(self, info: strawberry.Info, input: publication.ApplyCreditRepairInput) -> publication.CreditRepairPayload:
        return await publication.resolve_apply_repair(info, input)

    @strawberry.mutation(description="对信用修复申请作出结论（负责人）")
    async def decide_credit_repair(self, info: strawberry.Info, input: publication.DecideCreditRepairInput) -> publication.CreditRepairPayload:
        return await publication.resolve_decide_repair(info, input)

"""Cases in the root: the list, one case, registration and the workflow's steps."""

from __future__ import annotations

import strawberry
from zhifa.schema.cases import types as cases
from zhifa.schema.cases.workflow import WorkflowMutations
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, PageRequest

NODES = (cases.CASE,)
KINDS = (*NODES, cases.EVENT, cases.DEADLINE)
TYPES = (cases.Case,)


@strawberry.type
class CaseQueries:
    @strawberry.field(description=f"案件。{PAGE_ARGS}")
    async def cases(
        self,
        info: strawberry.Info,
        filter: cases.CaseFilter | None = None,
        order: cases.CaseOrder = cases.CaseOrder.REGISTERED_AT_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[cases.Case]:
        return await cases.resolve_cases(info, filter, order, PageRequest(first, after, last, before))

    @strawberry.field(description="按全局 ID 或案号取一个案件")
    async def case(
        self, info: strawberry.Info, id: strawberry.ID | None = None, case_number: str | None = None
    ) -> cases.Case | None:
        return await cases.resolve_case(info, id, case_number)


@strawberry.type
class CaseMutations(WorkflowMutations):
    @strawberry.mutation(description="登记案件（案源登记），取违法行为发生日有效的事项版本并编号")
    async def register_case(self, info: strawberry.Info, input: cases.RegisterCaseInput) -> cases.RegisterCasePayload:
        return await cases.resolve_register_case(info, input)

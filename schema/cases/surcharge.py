"""The late-payment surcharge of a case in GraphQL (加处罚款, APL Art. 72 item 1): its own amount,
computed from the case's timeline as of a day, every case a request asks about in one batch."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from strawberry.dataloader import DataLoader
from zhifa.core.cases import workflow
from zhifa.core.cases.execution import SurchargeAccount
from zhifa.core.cases.execution import SurchargeStatus as CoreSurchargeStatus
from zhifa.core.clock import legal_today
from zhifa.schema.kit.connections import planner
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.scalars import Money

SurchargeStatus = graphql_enum(CoreSurchargeStatus, "SurchargeStatus", "加处罚款的状态")


@strawberry.type(description="加处罚款（行政处罚法第七十二条第一款第一项）：截至某日的累计、已缴、减免与尚欠")
class Surcharge:
    as_of: dt.date = strawberry.field(description="计算截至之日")
    accrued: Money = strawberry.field(
        description="累计加处罚款：自起算日起每日按罚款数额的百分之三，至罚款缴清之日止，不超过罚款数额；行政复议、行政诉讼期间不计（第七十三条第三款）"
    )
    paid: Money = strawberry.field(description="已缴纳的加处罚款：缴款先抵缴罚款，超出罚款的部分抵缴加处罚款")
    remitted: Money = strawberry.field(description="经负责人批准减免的加处罚款（行政强制法第四十二条第一款）")
    outstanding: Money = strawberry.field(description="尚欠加处罚款：累计减去已缴和减免")
    from_: dt.date | None = strawberry.field(
        name="from", description="起算日：缴款期限最后一日的次日（与案件 PAYMENT 期限为同一届满日）"
    )
    days: int = strawberry.field(description="已计入加处罚款的天数")
    capped: bool = strawberry.field(description="已达到罚款数额的上限")
    status: SurchargeStatus = strawberry.field(description="累计中、罚款已缴清尚欠、已结清、已申请法院强制执行或执行依法终结")  # type: ignore[valid-type]
    basis: str = strawberry.field(description="法律依据")


def _surcharge(account: SurchargeAccount, on: dt.date) -> Surcharge:
    return Surcharge(
        as_of=on,
        accrued=account.accrued_fen,
        paid=account.paid_fen,
        remitted=account.remitted_fen,
        outstanding=account.outstanding_fen,
        from_=account.starts_on,
        days=account.days,
        capped=account.capped,
        status=from_core(SurchargeStatus, account.status),
        basis=account.basis,
    )


async def resolve_surcharge(info: strawberry.Info, case_id: uuid.UUID, on: dt.date | None) -> Surcharge | None:
    """The case's surcharge as of `on` (default today); None when no fine was decided. The case
    itself was read through the viewer's row rules before this field is reached."""
    day = on or legal_today()
    loaders = info.context.loaders
    if "surcharge" not in loaders:

        async def batch(keys: list[tuple[uuid.UUID, dt.date]]) -> list[Surcharge | None]:
            found: dict[tuple[uuid.UUID, dt.date], SurchargeAccount | None] = {}
            async with planner(info) as plan:
                for when in {k[1] for k in keys}:
                    ids = [k[0] for k in keys if k[1] == when]
                    accounts = await workflow.surcharges(plan.session, ids, when, info.context.policy, info.context.calendar)
                    found.update({(key, when): account for key, account in accounts.items()})
            return [_surcharge(found[k], k[1]) if found[k] else None for k in keys]

        loaders["surcharge"] = DataLoader(batch)
    return await loaders["surcharge"].load((case_id, day))

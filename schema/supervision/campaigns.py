"""Supervision in GraphQL: 集中整治活动 — a campaign with four dated stages (source 001), created
by a supervisor and seen by every signed-in official; its problem lines are in `rectification`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from zhifa.core.clock import legal_today
from zhifa.core.supervision import campaigns as campaign_service
from zhifa.core.supervision import models as m
from zhifa.core.supervision import rectification as rules
from zhifa.schema.kit.connections import connection, one
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Relation
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, Node, PageRequest, global_id
from zhifa.schema.supervision.letters import require_supervisor, row_rule

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

campaigns_t = m.RectificationCampaign.__table__

RectificationStage = graphql_enum(m.CampaignStage, "RectificationStage", "集中整治活动的阶段（鞍山 2022 行动方案）")


@strawberry.type(description="一个阶段的起止日期")
class RectificationStageWindow:
    stage: RectificationStage
    from_: dt.date = strawberry.field(name="from", description="第一天")
    to: dt.date = strawberry.field(description="最后一天")


@strawberry.type(description="集中整治行政执法突出问题活动：自评自改、提升整改、预评立制、总评考核四个阶段")
class RectificationCampaign(Node):
    name: str
    year: int
    starts_on: dt.date = strawberry.field(description="活动开始日（自评自改阶段第一天）")
    self_assessment_until: dt.date = strawberry.field(description="自评自改阶段最后一天")
    rectification_until: dt.date = strawberry.field(description="提升整改阶段最后一天")
    pre_assessment_until: dt.date = strawberry.field(description="预评立制阶段最后一天")
    final_assessment_until: dt.date = strawberry.field(description="总评考核阶段最后一天")
    stages: list[RectificationStageWindow] = strawberry.field(description="各阶段起止日期（后一阶段自前一阶段结束次日开始）")
    current_stage: RectificationStage | None = strawberry.field(description="今天所处的阶段；未开始或已结束为空")
    organiser: AgencyRef | None = strawberry.field(default=None, description="组织机关（司法行政机关）")


def campaign_stages(r) -> rules.Stages:
    return rules.Stages(r.starts_on, r.self_assessment_until, r.rectification_until, r.pre_assessment_until, r.final_assessment_until)


def _campaign(r) -> RectificationCampaign:
    stages = campaign_stages(r)
    current = rules.stage_on(stages, legal_today())
    return RectificationCampaign(
        id=global_id(rules.CAMPAIGN, r.id), name=r.name, year=r.year, starts_on=r.starts_on,
        self_assessment_until=r.self_assessment_until, rectification_until=r.rectification_until,
        pre_assessment_until=r.pre_assessment_until, final_assessment_until=r.final_assessment_until,
        stages=[RectificationStageWindow(stage=from_core(RectificationStage, s), from_=a, to=b) for s, a, b in rules.stage_windows(stages)],
        current_stage=from_core(RectificationStage, current) if current else None,
    )


CAMPAIGN = Kind(rules.CAMPAIGN, campaigns_t, _campaign, {"organiser": Relation("one", "Agency", "organiser_agency_id")}, rule=row_rule(rules.CAMPAIGN))
NODES = KINDS = (CAMPAIGN,)  # reached by `node`


@strawberry.input(description="创建集中整治活动（四个阶段的结束日须依次递增）")
class CreateRectificationCampaignInput:
    name: str
    year: int
    starts_on: dt.date
    self_assessment_until: dt.date
    rectification_until: dt.date
    pre_assessment_until: dt.date
    final_assessment_until: dt.date


@strawberry.type(description="整治活动操作的结果")
class RectificationCampaignPayload:
    campaign: RectificationCampaign | None
    errors: list[UserError]


async def resolve_create_campaign(info: strawberry.Info, input: CreateRectificationCampaignInput) -> RectificationCampaignPayload:
    async def work(session):
        own = require_supervisor(info.context.access)
        stages = rules.Stages(input.starts_on, input.self_assessment_until, input.rectification_until,
                              input.pre_assessment_until, input.final_assessment_until)
        return (await campaign_service.create(session, info.context.actor, own, input.name, input.year, stages)).id

    key, errors = await run_mutation(info, work)
    return RectificationCampaignPayload(campaign=await one(info, CAMPAIGN, key, "campaign") if key else None, errors=errors)


@strawberry.type
class CampaignQueries:
    @strawberry.field(description=f"集中整治活动，开始日由新到旧。{PAGE_ARGS}")
    async def rectification_campaigns(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None
    ) -> Connection[RectificationCampaign]:
        return await connection(info, CAMPAIGN, [], (campaigns_t.c.starts_on, campaigns_t.c.id), True, PageRequest(first, after, last, before))


@strawberry.type
class CampaignMutations:
    @strawberry.mutation(description="创建集中整治活动（执法监督人员）：自评自改、提升整改、预评立制、总评考核四个阶段")
    async def create_rectification_campaign(
        self, info: strawberry.Info, input: CreateRectificationCampaignInput
    ) -> RectificationCampaignPayload:
        return await resolve_create_campaign(info, input)

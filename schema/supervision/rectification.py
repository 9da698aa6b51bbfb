"""Supervision in GraphQL: 问题清单和整改台账.

A campaign's problem lines: listed by the supervisor, or by the agency itself during 自评自改;
rectified by the agency; verified and closed (销号) or returned by the supervisor. The
rectification ledger groups a campaign's lines by agency.

Reads follow `core.supervision.rectification.where`: a problem line is seen by viewers reaching its
agency; the public sees none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Annotated

import sqlalchemy as sa
import strawberry
from zhifa.core.access.viewer import Role
from zhifa.core.clock import legal_today
from zhifa.core.supervision import campaigns as campaign_service
from zhifa.core.supervision import models as m
from zhifa.core.supervision import rectification as rules
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.connections import connection, decode_id, one, planner
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Relation, child_selections
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, Node, PageRequest, global_id
from zhifa.schema.supervision.campaigns import (
    CAMPAIGN,
    RectificationCampaign,
    RectificationStage,
    campaign_stages,
)
from zhifa.schema.supervision.letters import (
    LETTER,
    AlertReference,
    AlertReferenceInput,
    SupervisionLetter,
    alert_ref,
    require_supervisor_over,
    row_rule,
    visible,
)

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

problems_t = m.Problem.__table__

ProblemStatus = graphql_enum(m.ProblemStatus, "RectificationProblemStatus", "问题清单中一项问题的整改状态")


@strawberry.type(description="问题清单 / 整改台账中的一项问题")
class RectificationProblem(Node):
    stage: RectificationStage | None = strawberry.field(description="发现问题时所处的阶段")
    category: str = strawberry.field(description="问题类别：不作为、乱作为、不规范、不公开，或预警规则代码")
    description: str
    alert: AlertReference | None = strawberry.field(description="来源预警（如有）")
    found_on: dt.date
    due_on: dt.date = strawberry.field(description="整改期限")
    status: ProblemStatus
    measure: str | None = strawberry.field(description="整改措施")
    rectified_on: dt.date | None
    verified_on: dt.date | None = strawberry.field(description="核验销号日期")
    verified_by: str | None
    returned_reasons: str | None = strawberry.field(description="最近一次退回（整改不到位）的理由")
    overdue: bool = strawberry.field(description="已过整改期限仍未整改（含被退回的）")
    version: int = strawberry.field(description="乐观锁版本号")
    agency: AgencyRef | None = strawberry.field(default=None, description="整改单位")
    campaign: RectificationCampaign | None = None
    letter: SupervisionLetter | None = strawberry.field(default=None, description="来源监督函（如有）")


def _problem(r) -> RectificationProblem:
    status, source = m.ProblemStatus(r.status), r.source or {}
    return RectificationProblem(
        id=global_id(rules.PROBLEM, r.id), stage=from_core(RectificationStage, m.CampaignStage(r.stage)) if r.stage else None,
        category=r.category, description=r.description,
        alert=AlertReference(code=source["alert"], subject=strawberry.ID(source["subject"])) if source.get("alert") else None,
        found_on=r.found_on, due_on=r.due_on, status=from_core(ProblemStatus, status), measure=r.measure,
        rectified_on=r.rectified_on, verified_on=r.verified_on, verified_by=r.verified_by, returned_reasons=r.returned_reasons,
        overdue=rules.problem_overdue(status, r.due_on, legal_today()), version=r.version,
    )


PROBLEM = Kind(
    rules.PROBLEM,
    problems_t,
    _problem,
    {
        "agency": Relation("one", "Agency", "agency_id"),
        "campaign": Relation("one", "RectificationCampaign", "campaign_id"),
        "letter": Relation("one", "SupervisionLetter", "letter_id"),
    },
    rule=row_rule(rules.PROBLEM),
)
NODES = KINDS = (PROBLEM,)  # reached by `node`


@strawberry.input(description="问题清单筛选")
class RectificationProblemFilter:
    campaign_id: strawberry.ID | None = None
    agency_id: strawberry.ID | None = None
    status: list[ProblemStatus] | None = None
    stage: RectificationStage | None = strawberry.field(default=None, description="发现问题时所处的阶段")
    overdue: bool | None = strawberry.field(default=None, description="true：已过整改期限仍未整改")
    as_of: dt.date | None = strawberry.field(default=None, description="判断逾期的日期，默认今天")


def _problem_overdue_clause(as_of: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(problems_t.c.status == m.ProblemStatus.OPEN.value, problems_t.c.due_on < as_of)


def _problem_where(f: RectificationProblemFilter) -> list[sa.ColumnElement[bool]]:
    c, where = problems_t.c, []
    if f.campaign_id:
        where.append(c.campaign_id == decode_id(f.campaign_id, rules.CAMPAIGN, "filter.campaignId"))
    if f.agency_id:
        where.append(c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.status:
        where.append(c.status.in_([s.value for s in f.status]))
    if f.stage:
        where.append(c.stage == f.stage.value)
    if f.overdue is not None:
        late = _problem_overdue_clause(f.as_of or legal_today())
        where.append(late if f.overdue else sa.not_(late))
    return where


@strawberry.type(description="整改台账中一个单位的问题及计数")
class RectificationLedgerRow:
    agency: AgencyRef | None
    total: int
    open: int = strawberry.field(description="待整改（含被退回的）")
    rectified: int = strawberry.field(description="已整改待核验")
    closed: int = strawberry.field(description="已销号")
    overdue: int = strawberry.field(description="逾期未整改")
    lines: list[RectificationProblem]


@strawberry.type(description="一次整治活动的整改台账（销号台账）：按单位列出问题清单及其整改、核验情况")
class RectificationLedger:
    campaign: RectificationCampaign
    as_of: dt.date = strawberry.field(description="判断逾期和阶段的日期")
    stage: RectificationStage | None = strawberry.field(description="统计日所处的阶段")
    total: int
    open: int
    rectified: int
    closed: int
    overdue: int
    agencies: list[RectificationLedgerRow]


def _counts(lines: list[RectificationProblem]) -> dict[str, int]:
    statuses = [m.ProblemStatus(p.status.value) for p in lines]
    return {
        "total": len(lines), "open": statuses.count(m.ProblemStatus.OPEN), "rectified": statuses.count(m.ProblemStatus.RECTIFIED),
        "closed": statuses.count(m.ProblemStatus.CLOSED), "overdue": sum(p.overdue for p in lines),
    }


async def resolve_ledger(info: strawberry.Info, campaign_id: strawberry.ID, agency_id: strawberry.ID | None, as_of: dt.date | None) -> RectificationLedger | None:
    """The campaign's lines within the viewer's reach (a supervisor: its area; an agency: its own),
    grouped by agency, with the counts; overdue counted on `as_of`. Four statements."""
    access = info.context.access
    access.require(rules.PROBLEM)
    key = decode_id(campaign_id, rules.CAMPAIGN, "campaignId")
    agency_key = decode_id(agency_id, "Agency", "agencyId")
    as_of = as_of or legal_today()
    selections = [s for f in info.selected_fields for s in f.selections]
    async with planner(info) as plan:
        found = await plan.by_ids(CAMPAIGN, [key], child_selections(selections, "campaign") or [])
        if key not in found:
            return None
        stmt = sa.select(problems_t).where(problems_t.c.campaign_id == key)
        if agency_key is not None:
            stmt = stmt.where(problems_t.c.agency_id == agency_key)
        stmt = plan.scoped(PROBLEM, stmt).order_by(problems_t.c.found_on, problems_t.c.id)
        pairs = await plan.rows(PROBLEM, stmt, child_selections(selections, "agencies", "lines") or [])
        by_agency: dict[uuid.UUID, list[RectificationProblem]] = defaultdict(list)
        for obj, row in pairs:
            obj.overdue = rules.problem_overdue(m.ProblemStatus(row.status), row.due_on, as_of)
            by_agency[row.agency_id].append(obj)
        agencies = await plan.by_ids("Agency", by_agency, child_selections(selections, "agencies", "agency") or [])
    rows = [RectificationLedgerRow(agency=agencies.get(a), lines=lines, **_counts(lines)) for a, lines in by_agency.items()]
    rows.sort(key=lambda r: (-r.open - r.rectified, r.agency.name if r.agency else ""))
    campaign = found[key]
    stage = rules.stage_on(campaign_stages(campaign), as_of)
    everything = [p for r in rows for p in r.lines]
    return RectificationLedger(campaign=campaign, as_of=as_of, stage=from_core(RectificationStage, stage) if stage else None,
                               agencies=rows, **_counts(everything))


@strawberry.input(description="列入问题清单：监督机关在活动期间、执法部门在自评自改阶段")
class AddRectificationProblemInput:
    campaign_id: strawberry.ID
    agency_id: strawberry.ID = strawberry.field(description="整改单位")
    category: str = strawberry.field(description="不作为、乱作为、不规范、不公开，或预警规则代码")
    description: str
    due_on: dt.date = strawberry.field(description="整改期限")
    found_on: dt.date | None = strawberry.field(default=None, description="发现日期，默认今天；决定所处阶段")
    alert: AlertReferenceInput | None = strawberry.field(default=None, description="来源预警")
    letter_id: strawberry.ID | None = strawberry.field(default=None, description="来源监督函（须下达给该单位）")


@strawberry.input(description="报整改情况（整改单位）")
class RectifyProblemInput:
    problem_id: strawberry.ID
    measure: str = strawberry.field(description="整改措施")
    on: dt.date | None = strawberry.field(default=None, description="整改完成日期，默认今天")
    version: int | None = None


@strawberry.input(description="核验销号（执法监督人员）")
class CloseRectificationProblemInput:
    problem_id: strawberry.ID
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="核验不通过，退回重新整改（执法监督人员）")
class ReturnRectificationProblemInput:
    problem_id: strawberry.ID
    reasons: str
    due_on: dt.date | None = strawberry.field(default=None, description="新的整改期限（不填则不变）")
    on: dt.date | None = None
    version: int | None = None


@strawberry.type(description="问题清单操作的结果")
class RectificationProblemPayload:
    problem: RectificationProblem | None
    errors: list[UserError]


async def _problem_in_reach(session, access: Access, problem_gid: strawberry.ID) -> m.Problem:
    key = decode_id(problem_gid, rules.PROBLEM, "problemId")
    await visible(session, access, PROBLEM, key, SupervisionErrorCode.PROBLEM_NOT_FOUND, "问题不存在或不在本机关管辖范围内", "problemId")
    return await campaign_service.load(session, key)


async def _problem_payload(info: strawberry.Info, work) -> RectificationProblemPayload:
    key, errors = await run_mutation(info, work)
    return RectificationProblemPayload(problem=await one(info, PROBLEM, key, "problem") if key else None, errors=errors)


async def resolve_add_problem(info: strawberry.Info, input: AddRectificationProblemInput) -> RectificationProblemPayload:
    async def work(session):
        access = info.context.access
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        campaign = decode_id(input.campaign_id, rules.CAMPAIGN, "campaignId")
        await visible(session, access, CAMPAIGN, campaign, SupervisionErrorCode.CAMPAIGN_NOT_FOUND, "整治活动不存在", "campaignId")
        if access.viewer.has(Role.SUPERVISOR):
            require_supervisor_over(access, agency_id)
            self_assessed = False
        else:
            access.require_enforcer_of(agency_id)  # 自评: the agency's officers or head list its own problems
            self_assessed = True
        letter = decode_id(input.letter_id, rules.LETTER, "letterId")
        if letter is not None:
            await visible(session, access, LETTER, letter, SupervisionErrorCode.LETTER_NOT_FOUND, "监督函不存在或不在本机关管辖范围内", "letterId")
        new = campaign_service.NewProblem(
            campaign_id=campaign, agency_id=agency_id, category=input.category, description=input.description,
            found_on=input.found_on or legal_today(), due_on=input.due_on, self_assessed=self_assessed,
            alert=alert_ref(input.alert, "alert.subject") if input.alert else None, letter_id=letter,
        )
        return (await campaign_service.add_problem(session, info.context.actor, new, today=legal_today())).id

    return await _problem_payload(info, work)


async def resolve_rectify(info: strawberry.Info, input: RectifyProblemInput) -> RectificationProblemPayload:
    async def work(session):
        access = info.context.access
        problem = await _problem_in_reach(session, access, input.problem_id)
        access.require_enforcer_of(problem.agency_id)
        return (await campaign_service.rectify(session, info.context.actor, problem.id, input.measure, input.on or legal_today(),
                                               today=legal_today(), version=input.version)).id

    return await _problem_payload(info, work)


async def resolve_close_problem(info: strawberry.Info, input: CloseRectificationProblemInput) -> RectificationProblemPayload:
    async def work(session):
        access = info.context.access
        problem = await _problem_in_reach(session, access, input.problem_id)
        require_supervisor_over(access, problem.agency_id)
        return (await campaign_service.close(session, info.context.actor, problem.id, input.on or legal_today(),
                                             today=legal_today(), version=input.version)).id

    return await _problem_payload(info, work)


async def resolve_return_problem(info: strawberry.Info, input: ReturnRectificationProblemInput) -> RectificationProblemPayload:
    async def work(session):
        access = info.context.access
        problem = await _problem_in_reach(session, access, input.problem_id)
        require_supervisor_over(access, problem.agency_id)
        return (await campaign_service.return_(session, info.context.actor, problem.id, input.reasons, input.on or legal_today(),
                                               today=legal_today(), due_on=input.due_on, version=input.version)).id

    return await _problem_payload(info, work)


@strawberry.type
class RectificationQueries:
    @strawberry.field(description=f"问题清单（管辖范围内的问题），发现日期由新到旧。{PAGE_ARGS}")
    async def rectification_problems(
        self,
        info: strawberry.Info,
        filter: RectificationProblemFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[RectificationProblem]:
        where = _problem_where(filter or RectificationProblemFilter())
        return await connection(info, PROBLEM, where, (problems_t.c.found_on, problems_t.c.id), True, PageRequest(first, after, last, before))

    @strawberry.field(description="整改台账（销号台账）：一次整治活动按单位列出的问题、待整改/已整改/已销号/逾期计数。"
                                  "监督人员看所辖区域，执法部门看本单位（及下级）")
    async def rectification_ledger(
        self, info: strawberry.Info, campaign_id: strawberry.ID, agency_id: strawberry.ID | None = None, as_of: dt.date | None = None
    ) -> RectificationLedger | None:
        return await resolve_ledger(info, campaign_id, agency_id, as_of)


@strawberry.type
class RectificationMutations:
    @strawberry.mutation(description="列入问题清单：执法监督人员在活动期间；执法部门在自评自改阶段列入本单位的问题")
    async def add_rectification_problem(self, info: strawberry.Info, input: AddRectificationProblemInput) -> RectificationProblemPayload:
        return await resolve_add_problem(info, input)

    @strawberry.mutation(description="报整改情况：整改措施和完成日期（整改单位的执法人员或负责人）")
    async def rectify_problem(self, info: strawberry.Info, input: RectifyProblemInput) -> RectificationProblemPayload:
        return await resolve_rectify(info, input)

    @strawberry.mutation(description="核验销号：只有已整改的问题可以销号（执法监督人员）")
    async def close_rectification_problem(
        self, info: strawberry.Info, input: CloseRectificationProblemInput
    ) -> RectificationProblemPayload:
        return await resolve_close_problem(info, input)

    @strawberry.mutation(description="核验不通过，退回重新整改（执法监督人员）")
    async def return_rectification_problem(
        self, info: strawberry.Info, input: ReturnRectificationProblemInput
    ) -> RectificationProblemPayload:
        return await resolve_return_problem(info, input)

"""Supervision in GraphQL: 行政执法监督函与整改活动、问题清单和整改台账.

- Letters: a supervisor (role `supervisor`, its justice bureau) issues a letter to an agency in its
  reach; the agency's head answers with the rectification report; the issuing bureau's supervisor
  accepts (办结) or returns it (整改不到位), after which the agency answers again.
- Campaigns with four dated stages (source 001) and their problem lines: listed by the supervisor,
  or by the agency itself during 自评自改; rectified by the agency; verified and closed (销号) or
  returned by the supervisor. The rectification ledger groups a campaign's lines by agency.

Reads follow `core.supervision.rectification.where` (through schema.access): a letter is seen by
viewers reaching the addressed or the issuing agency, a problem line by those reaching its agency,
a campaign by every signed-in official; the public sees none of them.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import defaultdict
from typing import Annotated

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Role, Scope
from zhifa.core.clock import legal_today
from zhifa.core.errors import UserError as RuleError
from zhifa.core.supervision import campaigns as campaign_service
from zhifa.core.supervision import letters as letter_service
from zhifa.core.supervision import models as m
from zhifa.core.supervision import rectification as rules
from zhifa.schema.kit.access import Access, RowRule
from zhifa.schema.kit.connections import connection, decode_id, one, planner
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Planner, Relation, child_selections
from zhifa.schema.kit.relay import (
    Connection,
    Node,
    PageRequest,
    global_id,
    parse_global_id,
)

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

letters_t, events_t = m.SupervisionLetter.__table__, m.LetterEvent.__table__
campaigns_t, problems_t = m.RectificationCampaign.__table__, m.Problem.__table__

LetterStatus = graphql_enum(m.LetterStatus, "SupervisionLetterStatus", "行政执法监督函办理状态")
RectificationStage = graphql_enum(m.CampaignStage, "RectificationStage", "集中整治活动的阶段（鞍山 2022 行动方案）")
ProblemStatus = graphql_enum(m.ProblemStatus, "RectificationProblemStatus", "问题清单中一项问题的整改状态")


# --- types ----------------------------------------------------------------------------------------


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
    campaign: RectificationCampaign | None = strawberry.field(default=None, description="所属整治活动（如有）")
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


def _stages(r) -> rules.Stages:
    return rules.Stages(r.starts_on, r.self_assessment_until, r.rectification_until, r.pre_assessment_until, r.final_assessment_until)


def _campaign(r) -> RectificationCampaign:
    stages = _stages(r)
    current = rules.stage_on(stages, legal_today())
    return RectificationCampaign(
        id=global_id(rules.CAMPAIGN, r.id), name=r.name, year=r.year, starts_on=r.starts_on,
        self_assessment_until=r.self_assessment_until, rectification_until=r.rectification_until,
        pre_assessment_until=r.pre_assessment_until, final_assessment_until=r.final_assessment_until,
        stages=[RectificationStageWindow(stage=from_core(RectificationStage, s), from_=a, to=b) for s, a, b in rules.stage_windows(stages)],
        current_stage=from_core(RectificationStage, current) if current else None,
    )


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


def _event(r) -> SupervisionLetterEvent:
    return SupervisionLetterEvent(seq=r.seq, kind=r.kind, on=r.happened_on, at=r.at, actor=r.actor, data=r.data)


def _rows(kind: str) -> RowRule:
    """Letters and rectification records: the organising or addressed agencies, and those above."""
    return RowRule(Scope.CASES, lambda access, t: rules.where(kind, t, access.agencies, access.reach.overseers))


EVENT = Kind(rules.LETTER_EVENT, events_t, _event, rule=_rows(rules.LETTER_EVENT))
CAMPAIGN = Kind(rules.CAMPAIGN, campaigns_t, _campaign, {"organiser": Relation("one", "Agency", "organiser_agency_id")}, rule=_rows(rules.CAMPAIGN))
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
    rule=_rows(rules.LETTER),
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
    rule=_rows(rules.PROBLEM),
)
NODES = (LETTER, CAMPAIGN, PROBLEM)  # reached by `node`
KINDS = (*NODES, EVENT)


# --- reading ----------------------------------------------------------------------------------


@strawberry.input(description="监督函筛选")
class SupervisionLetterFilter:
    status: list[LetterStatus] | None = strawberry.field(default=None, description="任一状态")
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="被监督单位")
    issuing_agency_id: strawberry.ID | None = strawberry.field(default=None, description="下达机关")
    campaign_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(default=None, description="true：已过整改期限而未反馈；false：没有逾期")
    as_of: dt.date | None = strawberry.field(default=None, description="判断逾期的日期，默认今天")


@strawberry.input(description="问题清单筛选")
class RectificationProblemFilter:
    campaign_id: strawberry.ID | None = None
    agency_id: strawberry.ID | None = None
    status: list[ProblemStatus] | None = None
    stage: RectificationStage | None = strawberry.field(default=None, description="发现问题时所处的阶段")
    overdue: bool | None = strawberry.field(default=None, description="true：已过整改期限仍未整改")
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
    stage = rules.stage_on(_stages(campaign), as_of)
    everything = [p for r in rows for p in r.lines]
    return RectificationLedger(campaign=campaign, as_of=as_of, stage=from_core(RectificationStage, stage) if stage else None,
                               agencies=rows, **_counts(everything))


# --- acting -----------------------------------------------------------------------------------


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


@strawberry.input(description="创建集中整治活动（四个阶段的结束日须依次递增）")
class CreateRectificationCampaignInput:
    name: str
    year: int
    starts_on: dt.date
    self_assessment_until: dt.date
    rectification_until: dt.date
    pre_assessment_until: dt.date
    final_assessment_until: dt.date


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


@strawberry.type(description="监督函操作的结果")
class SupervisionLetterPayload:
    letter: SupervisionLetter | None
    errors: list[UserError]


@strawberry.type(description="整治活动操作的结果")
class RectificationCampaignPayload:
    campaign: RectificationCampaign | None
    errors: list[UserError]


@strawberry.type(description="问题清单操作的结果")
class RectificationProblemPayload:
    problem: RectificationProblem | None
    errors: list[UserError]


def _in_reach(access: Access, agency_id: uuid.UUID) -> bool:
    agencies = access.reach.agencies if access.reach else frozenset()
    return agencies is None or agency_id in agencies


def _require_supervisor(access: Access) -> uuid.UUID:
    if not access.viewer.has(Role.SUPERVISOR) or access.viewer.agency_id is None:
        raise RuleError("FORBIDDEN", "只有司法行政机关的执法监督人员可以执行此操作")
    return access.viewer.agency_id


def _require_supervisor_over(access: Access, agency_id: uuid.UUID) -> uuid.UUID:
    own = _require_supervisor(access)
    if not _in_reach(access, agency_id):
        raise RuleError("FORBIDDEN", "该单位不在本机关的监督范围内", "agencyId")
    return own


async def _visible(session, access: Access, kind: Kind, key: uuid.UUID, code: str, message: str, field: str) -> None:
    if not access.readable(kind.name) or not await Planner(session, access).exists(kind, key):
        raise RuleError(code, message, field)


async def _letter_in_reach(session, access: Access, letter_gid: strawberry.ID) -> m.SupervisionLetter:
    key = decode_id(letter_gid, rules.LETTER, "letterId")
    await _visible(session, access, LETTER, key, "LETTER_NOT_FOUND", "监督函不存在或不在本机关管辖范围内", "letterId")
    return await letter_service.load(session, key)


async def _problem_in_reach(session, access: Access, problem_gid: strawberry.ID) -> m.Problem:
    key = decode_id(problem_gid, rules.PROBLEM, "problemId")
    await _visible(session, access, PROBLEM, key, "PROBLEM_NOT_FOUND", "问题不存在或不在本机关管辖范围内", "problemId")
    return await campaign_service.load(session, key)


def _alert_ref(value: AlertReferenceInput, field: str) -> rules.AlertRef:
    if parse_global_id(value.subject) is None:
        raise RuleError("ALERT_SUBJECT_INVALID", "预警对象须为有效的全局 ID", field)
    return rules.AlertRef(code=value.code, subject=str(value.subject))


async def _letter_payload(info: strawberry.Info, work) -> SupervisionLetterPayload:
    key, errors = await run_mutation(info, work)
    return SupervisionLetterPayload(letter=await one(info, LETTER, key, "letter") if key else None, errors=errors)


async def _problem_payload(info: strawberry.Info, work) -> RectificationProblemPayload:
    key, errors = await run_mutation(info, work)
    return RectificationProblemPayload(problem=await one(info, PROBLEM, key, "problem") if key else None, errors=errors)


async def resolve_issue(info: strawberry.Info, input: IssueSupervisionLetterInput) -> SupervisionLetterPayload:
    async def work(session):
        access = info.context.access
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        own = _require_supervisor_over(access, agency_id)
        campaign = decode_id(input.campaign_id, rules.CAMPAIGN, "campaignId")
        if campaign is not None:
            await _visible(session, access, CAMPAIGN, campaign, "CAMPAIGN_NOT_FOUND", "整治活动不存在", "campaignId")
        alerts = [_alert_ref(a, f"alerts.{i}.subject") for i, a in enumerate(input.alerts)]
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
        if not viewer.has(Role.AGENCY_HEAD) or not (letter.agency_id == viewer.agency_id or _in_reach(access, letter.agency_id)):
            raise RuleError("FORBIDDEN", "整改情况由被监督单位的负责人反馈", "letterId")
        return (await letter_service.answer(session, info.context.actor, letter.id, input.answer, input.on or legal_today(),
                                            today=legal_today(), version=input.version)).id

    return await _letter_payload(info, work)


async def _as_issuer(session, info: strawberry.Info, letter_gid: strawberry.ID) -> m.SupervisionLetter:
    access = info.context.access
    letter = await _letter_in_reach(session, access, letter_gid)
    if _require_supervisor(access) != letter.issuing_agency_id:
        raise RuleError("FORBIDDEN", "只有下达机关的执法监督人员可以审核整改情况", "letterId")
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


async def resolve_create_campaign(info: strawberry.Info, input: CreateRectificationCampaignInput) -> RectificationCampaignPayload:
    async def work(session):
        own = _require_supervisor(info.context.access)
        stages = rules.Stages(input.starts_on, input.self_assessment_until, input.rectification_until,
                              input.pre_assessment_until, input.final_assessment_until)
        return (await campaign_service.create(session, info.context.actor, own, input.name, input.year, stages)).id

    key, errors = await run_mutation(info, work)
    return RectificationCampaignPayload(campaign=await one(info, CAMPAIGN, key, "campaign") if key else None, errors=errors)


async def resolve_add_problem(info: strawberry.Info, input: AddRectificationProblemInput) -> RectificationProblemPayload:
    async def work(session):
        access = info.context.access
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        campaign = decode_id(input.campaign_id, rules.CAMPAIGN, "campaignId")
        await _visible(session, access, CAMPAIGN, campaign, "CAMPAIGN_NOT_FOUND", "整治活动不存在", "campaignId")
        if access.viewer.has(Role.SUPERVISOR):
            _require_supervisor_over(access, agency_id)
            self_assessed = False
        else:
            access.require_enforcer_of(agency_id)  # 自评: the agency's officers or head list its own problems
            self_assessed = True
        letter = decode_id(input.letter_id, rules.LETTER, "letterId")
        if letter is not None:
            await _visible(session, access, LETTER, letter, "LETTER_NOT_FOUND", "监督函不存在或不在本机关管辖范围内", "letterId")
        new = campaign_service.NewProblem(
            campaign_id=campaign, agency_id=agency_id, category=input.category, description=input.description,
            found_on=input.found_on or legal_today(), due_on=input.due_on, self_assessed=self_assessed,
            alert=_alert_ref(input.alert, "alert.subject") if input.alert else None, letter_id=letter,
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
        _require_supervisor_over(access, problem.agency_id)
        return (await campaign_service.close(session, info.context.actor, problem.id, input.on or legal_today(),
                                             today=legal_today(), version=input.version)).id

    return await _problem_payload(info, work)


async def resolve_return_problem(info: strawberry.Info, input: ReturnRectificationProblemInput) -> RectificationProblemPayload:
    async def work(session):
        access = info.context.access
        problem = await _problem_in_reach(session, access, input.problem_id)
        _require_supervisor_over(access, problem.agency_id)
        return (await campaign_service.return_(session, info.context.actor, problem.id, input.reasons, input.on or legal_today(),
                                               today=legal_today(), due_on=input.due_on, version=input.version)).id

    return await _problem_payload(info, work)


@strawberry.enum(description="监督函排序")
class SupervisionLetterOrder(enum.Enum):
    ISSUED_ON_DESC = strawberry.enum_value("issued_on_desc", description="下达日期由新到旧")
    DUE_ON_ASC = strawberry.enum_value("due_on_asc", description="整改期限由近到远")


LETTER_ORDERS = {
    SupervisionLetterOrder.ISSUED_ON_DESC: (letters_t.c.issued_on, True),
    SupervisionLetterOrder.DUE_ON_ASC: (letters_t.c.due_on, False),
}
PAGE_ARGS = "first/after 向后翻页，last/before 向前翻页；每页最多 100 条"


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

    @strawberry.field(description=f"集中整治活动，开始日由新到旧。{PAGE_ARGS}")
    async def rectification_campaigns(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None, last: int | None = None, before: str | None = None
    ) -> Connection[RectificationCampaign]:
        return await connection(info, CAMPAIGN, [], (campaigns_t.c.starts_on, campaigns_t.c.id), True, PageRequest(first, after, last, before))

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

    @strawberry.mutation(description="创建集中整治活动（执法监督人员）：自评自改、提升整改、预评立制、总评考核四个阶段")
    async def create_rectification_campaign(
        self, info: strawberry.Info, input: CreateRectificationCampaignInput
    ) -> RectificationCampaignPayload:
        return await resolve_create_campaign(info, input)

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

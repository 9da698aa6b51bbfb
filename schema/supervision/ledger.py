"""Supervision in GraphQL: 行政执法责任制落实情况统计台账与复议诉讼结果.

- `responsibilityLedger(year | from+to, agencyId)`: a row per enforcement agency within the
  viewer's reach (figures, rates, composite, rank) and the totals. Who may read it: a supervisor
  (the agencies at or below its region), an agency head (its agency and those below), the
  provincial account with read:cases (its regions). Officers, auxiliary staff, legal reviewers
  and the public are refused. The definitions are in core.supervision.ledger.
- `GET /supervision/ledger.xlsx?year=2025` (or `from=…&to=…`, `agencyId=…`): the same ledger as a
  workbook, with the same bearer token and the same reach.
- `recordLegalChallenge` / `recordChallengeOutcome`: a reconsideration or lawsuit against a case's
  decision, and its outcome (once). By the agency head or legal reviewer of the case's agency, or a
  supervisor over it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated
from urllib.parse import quote

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from zhifa.core.access.viewer import Role, descendants
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.models import Case as CaseRow
from zhifa.core.clock import legal_today
from zhifa.core.errors import CommonErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.models import Agency as AgencyRow
from zhifa.core.supervision import challenges as service
from zhifa.core.supervision import ledger as figures
from zhifa.core.supervision import models as m
from zhifa.core.supervision import workbook
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.schema.kit.access import Access, forbidden
from zhifa.schema.kit.connections import decode_id, one, planner
from zhifa.schema.kit.enums import from_core, graphql_enum, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.guards import admit, refuse
from zhifa.schema.kit.planner import Planner
from zhifa.schema.kit.relay import MAX_PAGE, Edge, PageInfo, global_id, sorted_page

CaseRef = Annotated["Case", strawberry.lazy("zhifa.schema.cases.types")]  # another domain's type, resolved by name


LegalChallengeKind = graphql_enum(m.ChallengeKind, "LegalChallengeKind", "行政复议或行政诉讼")
LegalChallengeOutcome = graphql_enum(m.ChallengeOutcome, "LegalChallengeOutcome", "复议或诉讼的结果")

LEDGER_ROLES = (Role.SUPERVISOR, Role.AGENCY_HEAD, Role.PROVINCIAL)
RECORDING_ROLES = (Role.AGENCY_HEAD, Role.LEGAL_REVIEWER)


# --- who sees which agencies ----------------------------------------------------------------------


async def ledger_agencies(session, access: Access, agency_id: uuid.UUID | None) -> frozenset[uuid.UUID]:
    """The agencies the viewer's ledger covers: its reach, or `agency_id` and those below it."""
    viewer = access.viewer
    if viewer.is_public:
        raise GraphQLError("请先登录（需要 Bearer 令牌）：公众不能查看行政执法责任制统计台账", extensions={"code": CommonErrorCode.UNAUTHENTICATED})
    if not viewer.has(*LEDGER_ROLES) or (viewer.has(Role.PROVINCIAL) and not access.readable("Case")):
        raise forbidden("只有司法行政机关执法监督人员、执法机关负责人和省平台可以查看责任制统计台账")
    await access.prepare(session)
    reach = access.reach.agencies if access.reach else frozenset()
    if reach is None:  # no role reaches everything today; kept total for safety
        reach = frozenset(a for a in (await session.execute(sa.select(AgencyRow.id))).scalars())
    if agency_id is None:
        return frozenset(reach)
    if agency_id not in reach:
        raise forbidden("该机关不在本账号的管辖范围内")
    tree = descendants([agency_id], {r.id: r.parent_id for r in await session.execute(sa.select(AgencyRow.id, AgencyRow.parent_id))})
    return frozenset(tree & reach)


def _period(year: int | None, start: dt.date | None, end: dt.date | None) -> figures.Period:
    try:
        return figures.period_of(year, start, end)
    except RuleError as exc:
        raise GraphQLError(exc.message, extensions={"code": exc.code, "field": exc.field}) from None


# --- the ledger -----------------------------------------------------------------------------------


def _percent(value) -> str | None:
    found = figures.percent(value)
    return None if found is None else str(found)


@strawberry.type(description="某执法领域的案件数")
class DomainCases:
    domain: str = strawberry.field(description="执法领域代码")
    name: str = strawberry.field(description="执法领域名称")
    cases: int = strawberry.field(description="统计期内登记的该领域案件数")


@strawberry.type(description="责任制统计台账的一行：一个执法主体（或合计）的件数、比率和排名。比率为百分数（两位小数），无可统计对象时为空")
class LedgerRow:
    agency_id: strawberry.ID | None = strawberry.field(description="执法主体的全局 ID；合计行为空")
    agency_name: str = strawberry.field(description="执法主体名称；合计行为“合计”")
    rank: int | None = strawberry.field(description="排名（按综合得分由高到低，同分按名称）；无任何比率的不排名")
    composite: str | None = strawberry.field(description="综合得分：结案率、执行率、公示率、案卷合格率、按期办结率中有数值者的平均（百分数）")
    cases: int = strawberry.field(description="案件数：统计期内登记的案件")
    simple_procedure: int = strawberry.field(description="其中简易程序")
    general_procedure: int = strawberry.field(description="其中一般程序")
    by_domain: list[DomainCases] = strawberry.field(description="按执法领域分列的案件数")
    not_filed: int = strawberry.field(description="其中不予立案")
    transferred: int = strawberry.field(description="其中已移送（尚未退回）")
    closed: int = strawberry.field(description="其中现已结案")
    closure_rate: str | None = strawberry.field(description="结案率 = 已结案 ÷（案件数 − 不予立案 − 移送）")
    fine_decisions: int = strawberry.field(description="统计期内作出的罚款决定（不含后被撤销的）")
    executed: int = strawberry.field(description="其中罚款已全额缴纳或法院强制执行完毕")
    execution_rate: str | None = strawberry.field(description="执行率 = 执行到位 ÷ 罚款决定")
    to_publish: int = strawberry.field(description="统计期内作出、应当公示的处罚决定")
    published: int = strawberry.field(description="其中已公示")
    publication_rate: str | None = strawberry.field(description="公示率 = 已公示 ÷ 应公示")
    reviewed: int = strawberry.field(description="统计期内完成评查的案卷")
    review_passed: int = strawberry.field(description="其中合格（等次不是不合格）")
    review_pass_rate: str | None = strawberry.field(description="案卷合格率 = 合格 ÷ 评查")
    complaints_received: int = strawberry.field(description="统计期内收到的投诉举报")
    complaints_due: int = strawberry.field(description="其中应办结（已办结或办结期限已届满）")
    complaints_on_time: int = strawberry.field(description="其中按期答复并按期办结")
    complaints_on_time_rate: str | None = strawberry.field(description="按期办结率 = 按期办结 ÷ 应办结")
    hearings: int = strawberry.field(description="统计期内举行的听证（不含放弃的）")
    reconsiderations: int = strawberry.field(description="统计期内申请的行政复议")
    reconsiderations_lost: int = strawberry.field(description="统计期内复议被纠错（撤销、变更、确认违法、责令履行）")
    lawsuits: int = strawberry.field(description="统计期内提起的行政诉讼")
    lawsuits_lost: int = strawberry.field(description="统计期内诉讼败诉")
    challenge_loss_rate: str | None = strawberry.field(description="复议诉讼纠错率 = （被纠错 + 败诉）÷（复议 + 诉讼）；不计入综合得分")


@strawberry.type(description="行政执法责任制落实情况统计台账（鞍山 2022 方案附件 3 的口径见 README）")
class ResponsibilityLedger:
    from_: dt.date = strawberry.field(name="from", description="统计期开始日")
    to: dt.date = strawberry.field(description="统计期结束日（含）")
    as_of: dt.date = strawberry.field(description="统计截止日（判断投诉举报期限是否届满）")
    generated_at: dt.datetime = strawberry.field(description="生成时间")
    rows: list[LedgerRow] = strawberry.field(description="每个执法主体一行，按排名（给出 first 时为该段）")
    edges: list[Edge[LedgerRow]] = strawberry.field(description="同 rows，每条带游标（after 传入 endCursor 取下一段）")
    page_info: PageInfo = strawberry.field(description="分页信息")
    total: LedgerRow = strawberry.field(description="合计（件数相加，比率由合计件数计算）")


def _row(row: figures.LedgerRow, names: dict[str, str]) -> LedgerRow:
    c, r = row.counts, row.rates
    return LedgerRow(
        agency_id=global_id("Agency", row.agency_id) if row.agency_id else None, agency_name=row.name, rank=row.rank,
        composite=_percent(row.composite), cases=c.registered, simple_procedure=c.simple, general_procedure=c.general,
        by_domain=[DomainCases(domain=code, name=names.get(code, code), cases=n) for code, n in c.by_domain],
        not_filed=c.not_filed, transferred=c.transferred, closed=c.closed, closure_rate=_percent(r.closure),
        fine_decisions=c.fine_decisions, executed=c.executed, execution_rate=_percent(r.execution),
        to_publish=c.to_publish, published=c.published, publication_rate=_percent(r.publication),
        reviewed=c.reviewed, review_passed=c.review_passed, review_pass_rate=_percent(r.review_pass),
        complaints_received=c.complaints_received, complaints_due=c.complaints_due, complaints_on_time=c.complaints_on_time,
        complaints_on_time_rate=_percent(r.complaints_on_time), hearings=c.hearings,
        reconsiderations=c.reconsiderations_filed, reconsiderations_lost=c.reconsiderations_lost,
        lawsuits=c.lawsuits_filed, lawsuits_lost=c.lawsuits_lost, challenge_loss_rate=_percent(r.challenge_loss),
    )


# a row's place in the ranking, for reading a cursor back: ranked first by rank, then unranked by name
KEY_COLUMNS = tuple(sa.column(name, kind) for name, kind in (("unranked", sa.Integer), ("rank", sa.Integer), ("name", sa.String), ("agency", sa.String)))


def _key(row: figures.LedgerRow) -> tuple[int, int, str, str]:
    return (int(row.rank is None), row.rank or 0, row.name, str(row.agency_id))


async def resolve_ledger(info: strawberry.Info, year: int | None, start: dt.date | None, end: dt.date | None,
                         agency_id: strawberry.ID | None, first: int | None, after: str | None) -> ResponsibilityLedger:
    period = _period(year, start, end)
    key = decode_id(agency_id, "Agency", "agencyId")
    if first is not None and not 0 <= first <= MAX_PAGE:
        raise GraphQLError(f"每页数量应在 0 至 {MAX_PAGE} 之间", extensions={"code": CommonErrorCode.PAGE_SIZE_INVALID, "field": "first"})
    async with planner(info) as plan:
        scope = await ledger_agencies(plan.session, info.context.access, key)
        found = await figures.responsibility_ledger(plan.session, scope, period)
    page, cursors, page_info = sorted_page(found.rows, _key, KEY_COLUMNS, after, first)
    edges = [Edge(cursor=c, node=_row(r, found.domains)) for r, c in zip(page, cursors)]
    return ResponsibilityLedger(
        from_=found.period.start, to=found.period.end, as_of=found.as_of, generated_at=found.generated_at,
        rows=[e.node for e in edges], edges=edges, page_info=page_info, total=_row(found.total, found.domains),
    )


def make_ledger_endpoint(sessions, verifier, access_for, rate_limit_per_minute: int = 0):
    """GET /supervision/ledger.xlsx?year=YYYY (or from=&to=, agencyId=): the workbook, same bearer
    token and jurisdiction as `responsibilityLedger`."""

    async def endpoint(request: Request) -> Response:
        viewer, problem = await admit(request, verifier, sessions, rate_limit_per_minute)
        if problem:
            return problem
        params = request.query_params
        try:
            year = int(params["year"]) if params.get("year") else None
            start = dt.date.fromisoformat(params["from"]) if params.get("from") else None
            end = dt.date.fromisoformat(params["to"]) if params.get("to") else None
            period = _period(year, start, end)
            agency = decode_id(params.get("agencyId"), "Agency", "agencyId")
        except ValueError:
            return refuse(400, CommonErrorCode.BAD_REQUEST, "year 应为整数，from、to 应为 YYYY-MM-DD 日期")
        except GraphQLError as exc:
            return refuse(400, (exc.extensions or {}).get("code", CommonErrorCode.BAD_REQUEST), exc.message)
        access = access_for(viewer)
        async with sessions() as session:
            try:
                scope = await ledger_agencies(session, access, agency)
            except GraphQLError as exc:
                code = (exc.extensions or {}).get("code", CommonErrorCode.FORBIDDEN)
                return refuse(401 if code == CommonErrorCode.UNAUTHENTICATED else 403, code, exc.message)
            found = await figures.responsibility_ledger(session, scope, period)
        filename = quote(f"{found.period.label}行政执法责任制落实情况统计台账.xlsx")
        return Response(workbook.export(found), media_type=workbook.XLSX,
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"})

    return endpoint


# --- reconsiderations and lawsuits ----------------------------------------------------------------


@strawberry.type(description="针对处罚决定的行政复议或行政诉讼及其结果")
class LegalChallenge:
    id: strawberry.ID = strawberry.field(description="全局 ID")
    case_id: strawberry.ID = strawberry.field(description="被复议或起诉的决定所在案件的全局 ID")
    kind: LegalChallengeKind = strawberry.field(description="行政复议或行政诉讼")
    body: str = strawberry.field(description="复议机关或受理法院")
    filed_on: dt.date = strawberry.field(description="申请复议或起诉之日")
    outcome: LegalChallengeOutcome = strawberry.field(description="结果；审理中为 PENDING")
    decided_on: dt.date | None = strawberry.field(description="作出复议决定或裁判之日；审理中为空")
    lost: bool = strawberry.field(description="是否被纠错或败诉（撤销、变更、确认违法、责令履行）")
    case: CaseRef | None = strawberry.field(default=None, description="案件（本账号可见时）")


def _challenge(row: m.LegalChallenge, case: CaseRef | None = None) -> LegalChallenge:
    return LegalChallenge(
        id=global_id("LegalChallenge", row.id), case_id=global_id("Case", row.case_id), kind=from_core(LegalChallengeKind, row.kind),
        body=row.body, filed_on=row.filed_on, outcome=from_core(LegalChallengeOutcome, row.outcome), decided_on=row.decided_on,
        lost=row.outcome in m.LOST_OUTCOMES, case=case,
    )


@strawberry.input(description="登记针对处罚决定的行政复议或行政诉讼")
class RecordLegalChallengeInput:
    case_id: strawberry.ID
    kind: LegalChallengeKind
    body: str = strawberry.field(description="复议机关或受理法院")
    filed_on: dt.date = strawberry.field(description="申请复议或起诉之日（不早于决定日期，不晚于今天）")


@strawberry.input(description="登记复议或诉讼的结果（只能登记一次）")
class RecordChallengeOutcomeInput:
    challenge_id: strawberry.ID
    outcome: LegalChallengeOutcome
    decided_on: dt.date = strawberry.field(description="作出复议决定或裁判之日（不早于申请或起诉之日）")


@strawberry.type(description="登记复议或诉讼的结果")
class LegalChallengePayload:
    challenge: LegalChallenge | None
    errors: list[UserError]


async def _case_for_recording(session, access: Access, case_id: uuid.UUID) -> uuid.UUID:
    """The case's agency, once the viewer may see the case and record against it."""
    viewer = access.viewer
    if not viewer.has(Role.SUPERVISOR, *RECORDING_ROLES):
        raise RuleError(CommonErrorCode.FORBIDDEN, "只有执法机关负责人、法制审核员或司法行政机关执法监督人员可以登记复议、诉讼", "caseId")
    if not await Planner(session, access).exists("Case", case_id):
        raise RuleError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在或不在本账号的管辖范围内", "caseId")
    agency_id = await session.scalar(sa.select(CaseRow.agency_id).where(CaseRow.id == case_id))
    supervises = viewer.has(Role.SUPERVISOR) and access.reach is not None and agency_id in (access.reach.agencies or ())
    own = viewer.has(*RECORDING_ROLES) and viewer.agency_id == agency_id
    if not (supervises or own):
        raise RuleError(CommonErrorCode.FORBIDDEN, "只能登记本机关案件的复议、诉讼（或本级司法行政机关监督范围内的）", "caseId")
    return agency_id


async def _payload(info: strawberry.Info, work) -> LegalChallengePayload:
    row, errors = await run_mutation(info, work)
    if row is None:
        return LegalChallengePayload(challenge=None, errors=errors)
    return LegalChallengePayload(challenge=_challenge(row, await one(info, "Case", row.case_id, "challenge", "case")), errors=errors)


async def resolve_record(info: strawberry.Info, input: RecordLegalChallengeInput) -> LegalChallengePayload:
    async def work(session):
        case_id = decode_id(input.case_id, "Case", "caseId")
        await _case_for_recording(session, info.context.access, case_id)
        new = service.NewChallenge(case_id, to_core(m.ChallengeKind, input.kind), input.body, input.filed_on)
        return await service.record_challenge(session, info.context.actor, new, legal_today())

    return await _payload(info, work)


async def resolve_outcome(info: strawberry.Info, input: RecordChallengeOutcomeInput) -> LegalChallengePayload:
    async def work(session):
        challenge_id = decode_id(input.challenge_id, "LegalChallenge", "challengeId")
        case_id = await session.scalar(sa.select(m.LegalChallenge.case_id).where(m.LegalChallenge.id == challenge_id))
        if case_id is None:
            raise RuleError(SupervisionErrorCode.CHALLENGE_NOT_FOUND, "复议或诉讼记录不存在", "challengeId")
        try:
            await _case_for_recording(session, info.context.access, case_id)
        except RuleError as exc:
            if exc.code == CaseErrorCode.CASE_NOT_FOUND:
                raise RuleError(SupervisionErrorCode.CHALLENGE_NOT_FOUND, "复议或诉讼记录不存在或不在本账号的管辖范围内", "challengeId") from None
            raise
        return await service.record_outcome(session, info.context.actor, challenge_id, to_core(m.ChallengeOutcome, input.outcome),
                                            input.decided_on, legal_today())

    return await _payload(info, work)


async def resolve_challenges(info: strawberry.Info, case_id: strawberry.ID) -> list[LegalChallenge]:
    access = info.context.access
    access.require("Case")
    key = decode_id(case_id, "Case", "caseId")
    async with planner(info) as plan:
        if not await plan.exists("Case", key):
            return []
        rows = (await plan.session.execute(
            sa.select(m.LegalChallenge).where(m.LegalChallenge.case_id == key).order_by(m.LegalChallenge.filed_on, m.LegalChallenge.created_at)
        )).scalars().all()
    return [_challenge(r) for r in rows]


# --- root fields ----------------------------------------------------------------------------------


@strawberry.type
class LedgerQueries:
    @strawberry.field(description="行政执法责任制落实情况统计台账：按年度或起止日期，每个执法主体一行及合计，含排名。"
                                  "限司法行政机关执法监督人员（本级及以下区划）、执法机关负责人（本机关及下级）和省平台（其区划）")
    async def responsibility_ledger(
        self,
        info: strawberry.Info,
        year: Annotated[int | None, strawberry.argument(description="统计年度（与起止日期二选一）")] = None,
        from_: Annotated[dt.date | None, strawberry.argument(name="from", description="统计期开始日")] = None,
        to: Annotated[dt.date | None, strawberry.argument(description="统计期结束日（含）")] = None,
        agency_id: Annotated[strawberry.ID | None, strawberry.argument(description="只统计该机关及其下级机关")] = None,
        first: Annotated[int | None, strawberry.argument(description=f"只返回排名中的这么多行（0–{MAX_PAGE}）；默认全部。合计不受影响")] = None,
        after: Annotated[str | None, strawberry.argument(description="从该游标（上一段的 pageInfo.endCursor）之后开始")] = None,
    ) -> ResponsibilityLedger:
        return await resolve_ledger(info, year, from_, to, agency_id, first, after)

    @strawberry.field(description="某案件的行政复议和行政诉讼")
    async def legal_challenges(self, info: strawberry.Info, case_id: strawberry.ID) -> list[LegalChallenge]:
        return await resolve_challenges(info, case_id)


@strawberry.type
class LedgerMutations:
    @strawberry.mutation(description="登记针对处罚决定的行政复议或行政诉讼（案件须已作出决定）")
    async def record_legal_challenge(self, info: strawberry.Info, input: RecordLegalChallengeInput) -> LegalChallengePayload:
        return await resolve_record(info, input)

    @strawberry.mutation(description="登记复议或诉讼的结果（只能登记一次；撤销、变更、确认违法、责令履行计为被纠错或败诉）")
    async def record_challenge_outcome(self, info: strawberry.Info, input: RecordChallengeOutcomeInput) -> LegalChallengePayload:
        return await resolve_outcome(info, input)

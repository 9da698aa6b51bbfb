"""Supervision in GraphQL: 问题预警（按规则计算，链接到原始记录）与专项说明.

`supervisionAlerts` runs the rules of `core.supervision.alerts` over the agencies the viewer
reaches (a justice bureau: every agency at or below its region; an agency's staff: their agency
and those below it; the provincial platform: the agencies of its regions, with read:cases; the
public: nobody) and returns the counts per rule and the alerts, each linking to its record by a
global ID. `alertRules` lists the rules with their sources and thresholds. `fileSpecialExplanation`
is the agency head's 专项说明 that clears NO_ENFORCEMENT_ACT.
"""

from __future__ import annotations

import collections
import datetime as dt
import enum
import uuid
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from zhifa.core.access.viewer import descendants
from zhifa.core.clock import legal_today
from zhifa.core.errors import CommonErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.people.models import Agency as AgencyRow
from zhifa.core.supervision import alerts as rules
from zhifa.core.supervision import watch
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import SpecialExplanation as ExplanationRow
from zhifa.schema.kit.access import forbidden
from zhifa.schema.kit.connections import decode_id, planner
from zhifa.schema.kit.enums import graphql_enum
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.relay import Edge, PageInfo, global_id, sorted_page

AlertCode = strawberry.enum(
    enum.Enum("AlertCode", {code: strawberry.enum_value(code, description=rule.title) for code, rule in rules.RULES.items()}),
    description="问题预警规则代码",
)
AlertSeverity = graphql_enum(rules.Severity, "AlertSeverity", "预警严重程度")
MAX_ALERTS = 500
# the types of `core.supervision.alerts.Alert.key`, for reading a cursor back
KEY_COLUMNS = tuple(sa.column(name, kind) for name, kind in (
    ("severity", sa.Integer), ("code", sa.String), ("agency", sa.String), ("kind", sa.String), ("subject", sa.String), ("distinct", sa.String),
))


@strawberry.type(description="一条预警规则：代码、名称、依据和阈值")
class AlertRule:
    code: AlertCode
    title: str = strawberry.field(description="中文名称")
    basis: str = strawberry.field(description="来源（法条或来源文件）")
    severity: AlertSeverity = strawberry.field(description="默认严重程度")
    description: str = strawberry.field(description="判定规则")
    thresholds: JSON = strawberry.field(description="规则使用的阈值（名称 → 数值）")


@strawberry.type(description="一条预警：哪条规则、哪个机关、哪条记录、触发的数字")
class Alert:
    code: AlertCode
    title: str
    basis: str
    severity: AlertSeverity
    agency_id: strawberry.ID = strawberry.field(description="应负责的执法主体（全局 ID）")
    agency_name: str
    subject_kind: str = strawberry.field(description="所涉记录的类型：Case、Complaint、Officer、Entity、Agency、Inspection、Region")
    subject_id: strawberry.ID = strawberry.field(description="所涉记录的全局 ID（可用 node 查询）")
    details: JSON = strawberry.field(description="触发预警的数据（期限、人数、金额、比值等；其中的机关、检查以全局 ID 表示）")


@strawberry.type(description="某规则的预警条数")
class AlertCount:
    code: AlertCode
    title: str
    count: int


@strawberry.type(description="执法监督预警视图：统计日、年度、各规则条数和预警明细")
class AlertReport:
    as_of: dt.date = strawberry.field(description="统计日（期限类规则以此日判断逾期）")
    year: int = strawberry.field(description="年度（同案异罚、偏离裁量、专项说明、执法人数、检查频次按此年度统计）")
    total: int
    counts: list[AlertCount] = strawberry.field(description="每条规则的预警条数（含 0）")
    alerts: list[Alert] = strawberry.field(description="预警明细（按严重程度、规则、机关、记录排序；first/after 或 first/offset 分段）")
    edges: list[Edge[Alert]] = strawberry.field(description="同 alerts，每条带游标（after 传入 endCursor 取下一段）")
    page_info: PageInfo = strawberry.field(description="分页信息")


def _gids(details: dict[str, Any]) -> dict[str, Any]:
    """Record ids inside details as global IDs the front end can follow."""
    out = dict(details)
    if "agencies" in out:
        out["agencies"] = [global_id("Agency", uuid.UUID(x)) for x in out["agencies"]]
    if "by_agency" in out:
        out["by_agency"] = {global_id("Agency", uuid.UUID(k)): v for k, v in out["by_agency"].items()}
    if "exceeding_inspection" in out:
        out["exceeding_inspection"] = global_id("Inspection", uuid.UUID(out["exceeding_inspection"]))
    if "region_id" in out:
        out["region_id"] = global_id("Region", uuid.UUID(out["region_id"]))
    return out


def _alert(x: rules.Alert, names: dict[uuid.UUID, str]) -> Alert:
    rule = x.rule
    return Alert(
        code=AlertCode(x.code), title=rule.title, basis=rule.basis, severity=AlertSeverity(x.level.value),
        agency_id=global_id("Agency", x.agency_id), agency_name=names.get(x.agency_id, ""),
        subject_kind=x.subject_kind, subject_id=global_id(x.subject_kind, x.subject_id), details=_gids(x.details),
    )


async def _scope_agencies(plan, agency_id: strawberry.ID | None) -> frozenset[uuid.UUID] | None:
    """The viewer's reach, narrowed to one agency and those below it when asked."""
    reach = plan.access.reach.agencies if plan.access.reach else frozenset()
    if agency_id is None:
        return reach
    key = decode_id(agency_id, "Agency", "agencyId")
    if reach is not None and key not in reach:
        raise forbidden("该机关不在本账号的管辖范围内")
    tree = descendants([key], {r.id: r.parent_id for r in await plan.session.execute(sa.select(AgencyRow.id, AgencyRow.parent_id))})
    return frozenset(tree if reach is None else tree & reach)


async def resolve_alerts(info: strawberry.Info, as_of: dt.date | None, year: int | None, codes: list[Any] | None,
                         agency_id: strawberry.ID | None, first: int, offset: int, after: str | None) -> AlertReport:
    access = info.context.access
    access.require("Case")
    as_of = as_of or legal_today()
    year = year or as_of.year
    if not 2000 <= year <= as_of.year:
        raise GraphQLError(f"年度应在 2000 至 {as_of.year} 之间", extensions={"code": SupervisionErrorCode.YEAR_INVALID, "field": "year"})
    if not 0 <= first <= MAX_ALERTS or offset < 0:
        raise GraphQLError(f"first 应在 0 至 {MAX_ALERTS} 之间，offset 不能为负", extensions={"code": CommonErrorCode.PAGE_INVALID, "field": "first"})
    wanted = frozenset(c.value for c in codes) if codes else None
    async with planner(info) as plan:
        agencies = await _scope_agencies(plan, agency_id)
        found = sorted(await watch.detect(plan.session, watch.Scope(as_of, year, agencies, wanted)), key=lambda x: x.key)
        page, cursors, page_info = sorted_page(found, lambda x: x.key, KEY_COLUMNS, after, first, skip=offset)
        ids = {x.agency_id for x in page}
        names = dict((await plan.session.execute(sa.select(AgencyRow.id, AgencyRow.name).where(AgencyRow.id.in_(ids)))).all()) if ids else {}
    per_code = collections.Counter(x.code for x in found)
    counts = [AlertCount(code=AlertCode(code), title=rule.title, count=per_code[code])
              for code, rule in rules.RULES.items() if wanted is None or code in wanted]
    edges = [Edge(cursor=c, node=_alert(x, names)) for x, c in zip(page, cursors)]
    return AlertReport(as_of=as_of, year=year, total=len(found), counts=counts, alerts=[e.node for e in edges], edges=edges, page_info=page_info)


def alert_rules() -> list[AlertRule]:
    policy = rules.DEFAULT_ALERT_POLICY
    return [AlertRule(code=AlertCode(r.code), title=r.title, basis=r.basis, severity=AlertSeverity(r.severity.value),
                      description=r.description, thresholds=rules.thresholds(r, policy)) for r in rules.RULES.values()]


# --- 专项说明 --------------------------------------------------------------------------------------


@strawberry.type(description="专项说明：执法主体说明某年度在其持有的执法领域未作出行政处罚的原因（洛阳方案第10项）")
class SpecialExplanation:
    id: strawberry.ID
    agency_id: strawberry.ID
    year: int
    domain: str = strawberry.field(description="执法领域代码")
    text: str
    filed_on: dt.date
    actor: str


def _explanation(row) -> SpecialExplanation:
    return SpecialExplanation(id=global_id("SpecialExplanation", row.id), agency_id=global_id("Agency", row.agency_id), year=row.year,
                              domain=row.domain_code, text=row.text, filed_on=row.filed_on, actor=row.actor)


@strawberry.input(description="提交专项说明（执法主体负责人）")
class FileSpecialExplanationInput:
    year: int = strawberry.field(description="说明的年度")
    domain: str = strawberry.field(description="执法领域代码")
    text: str = strawberry.field(description="未作出执法行为的原因")
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="执法主体；默认本机关（只能是本机关）")


@strawberry.type
class SpecialExplanationPayload:
    explanation: SpecialExplanation | None
    errors: list[UserError]


async def resolve_file_explanation(info: strawberry.Info, input: FileSpecialExplanationInput) -> SpecialExplanationPayload:
    async def work(session):
        access = info.context.access
        access.require_head()
        own = access.viewer.agency_id
        agency = decode_id(input.agency_id, "Agency", "agencyId") or own
        if own is None or agency != own:
            raise RuleError(CommonErrorCode.FORBIDDEN, "只能为本机关提交专项说明", "agencyId")
        new = watch.NewExplanation(agency_id=agency, year=input.year, domain_code=input.domain, text=input.text)
        return _explanation(await watch.file_explanation(session, info.context.actor, new, legal_today()))

    explanation, errors = await run_mutation(info, work)
    return SpecialExplanationPayload(explanation=explanation, errors=errors)


async def resolve_explanations(info: strawberry.Info, year: int, agency_id: strawberry.ID | None) -> list[SpecialExplanation]:
    info.context.access.require("Case")
    async with planner(info) as plan:
        agencies = await _scope_agencies(plan, agency_id)
        stmt = sa.select(ExplanationRow).where(ExplanationRow.year == year).order_by(ExplanationRow.filed_on, ExplanationRow.id)
        if agencies is not None:
            stmt = stmt.where(ExplanationRow.agency_id.in_(list(agencies)))
        return [_explanation(r) for r in (await plan.session.execute(stmt)).scalars()]


@strawberry.type
class AlertQueries:
    @strawberry.field(description="执法监督预警：在查看者管辖范围内按规则计算的问题（逾期、人数、同案异罚、偏离裁量、"
                                  "无执法行为、轮岗、编制、检查频次），每条链接到原始记录。公众不可查询")
    async def supervision_alerts(
        self,
        info: strawberry.Info,
        as_of: Annotated[dt.date | None, strawberry.argument(description="统计日，默认今天")] = None,
        year: Annotated[int | None, strawberry.argument(description="统计年度，默认统计日所在年度")] = None,
        codes: Annotated[list[AlertCode] | None, strawberry.argument(description="只计算这些规则")] = None,
        agency_id: Annotated[strawberry.ID | None, strawberry.argument(description="只看该机关及其下级机关")] = None,
        first: Annotated[int, strawberry.argument(description=f"返回的预警条数（0–{MAX_ALERTS}）；counts 与 total 不受影响")] = 100,
        offset: Annotated[int, strawberry.argument(description="跳过的预警条数（在 after 之后再跳过）")] = 0,
        after: Annotated[str | None, strawberry.argument(description="从该游标（上一段的 pageInfo.endCursor）之后开始")] = None,
    ) -> AlertReport:
        return await resolve_alerts(info, as_of, year, codes, agency_id, first, offset, after)

    @strawberry.field(description="预警规则清单：代码、名称、依据、判定规则和阈值")
    def alert_rules(self) -> list[AlertRule]:
        return alert_rules()

    @strawberry.field(description="某年度的专项说明（查看者管辖范围内）")
    async def special_explanations(
        self, info: strawberry.Info, year: int, agency_id: strawberry.ID | None = None
    ) -> list[SpecialExplanation]:
        return await resolve_explanations(info, year, agency_id)


@strawberry.type
class AlertMutations:
    @strawberry.mutation(description="提交专项说明：本机关某年度在持有的执法领域未作出行政处罚的原因；提交后该领域的“年度无执法行为”预警消除")
    async def file_special_explanation(self, info: strawberry.Info, input: FileSpecialExplanationInput) -> SpecialExplanationPayload:
        return await resolve_file_explanation(info, input)

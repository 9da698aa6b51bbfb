"""The public, redacted plans and results (一公开): no login needed."""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict

import sqlalchemy as sa
import strawberry
from zhifa.core.inspections.models import InspectionDraw as DrawRow
from zhifa.core.inspections.models import InspectionOutcome as CoreOutcome
from zhifa.core.inspections.models import PlanStatus as CorePlanStatus
from zhifa.core.models import Agency as AgencyRow
from zhifa.core.models import Entity as EntityRow
from zhifa.core.publication import redaction
from zhifa.schema.inspections.types import (
    DrawDigest,
    DrawStratum,
    InspectionOutcome,
    RiskClass,
    RiskPercent,
    inspections_table,
    plans_table,
)
from zhifa.schema.kit.connections import decode_id, selections
from zhifa.schema.kit.planner import child_selections, merge_selections
from zhifa.schema.kit.relay import (
    Connection,
    Node,
    PageRequest,
    global_id,
    keyset,
    make_connection,
)


@strawberry.type(description="公示的抽查结果（已脱敏：自然人、个体工商户经营者仅显示姓氏加“某”）")
class PublicInspectionResult:
    party_name: str
    party_kind: str
    credit_code: str | None
    inspected_on: dt.date | None
    outcome: InspectionOutcome | None
    outcome_label: str | None


@strawberry.type(description="公示的抽查记录：算法、种子和摘要，可据此复核")
class PublicDrawRecord:
    algorithm: str
    algorithm_version: int
    seed: str
    drawn_on: dt.date
    digests: list[DrawDigest]
    result_digest: str
    strata: list[DrawStratum]


@strawberry.type(description="公示的抽查计划（检查期间只公示计划；结果公示后一并公示抽取记录和检查结果）")
class PublicInspectionPlan(Node):
    name: str
    agency_name: str
    domains: list[str]
    checklist_codes: list[str]
    target_count: int | None
    percents: list[RiskPercent]
    inspectors_per_task: int
    starts_on: dt.date
    ends_on: dt.date
    published_on: dt.date
    results_published_on: dt.date | None
    draw: PublicDrawRecord | None
    results: list[PublicInspectionResult]


async def resolve_public_plans(info: strawberry.Info, agency_id: strawberry.ID | None, page: PageRequest) -> Connection[PublicInspectionPlan]:
    where = [plans_table.c.published_on.is_not(None)]
    if agency_id:
        where.append(plans_table.c.agency_id == decode_id(agency_id, "Agency", "agencyId"))
    order = (plans_table.c.published_on, plans_table.c.id)
    selected = selections(info)
    node = merge_selections(child_selections(selected, "edges", "node") or [])
    async with info.context.sessions() as session:
        base = sa.select(plans_table).where(*where)
        stmt, size = keyset(base, order, True, page)
        rows = (await session.execute(stmt)).all()
        closed = [r.id for r in rows if CorePlanStatus(r.status) is CorePlanStatus.CLOSED]
        names = {}
        if rows:
            names = dict((await session.execute(sa.select(AgencyRow.id, AgencyRow.name).where(AgencyRow.id.in_({r.agency_id for r in rows})))).all())
        draws, results = {}, defaultdict(list)
        if closed and "draw" in node:
            d = DrawRow.__table__
            cols = (d.c.plan_id, d.c.algorithm, d.c.algorithm_version, d.c.seed, d.c.drawn_on, d.c.digests, d.c.result_digest, d.c.result)
            draws = {r.plan_id: r for r in await session.execute(sa.select(*cols).where(d.c.plan_id.in_(closed)))}
        if closed and "results" in node:
            e, t = EntityRow.__table__, inspections_table
            stmt = (
                sa.select(t.c.plan_id, t.c.inspected_on, t.c.outcome, e.c.name, e.c.kind, e.c.credit_code)
                .join(e, e.c.id == t.c.entity_id).where(t.c.plan_id.in_(closed)).order_by(t.c.plan_id, t.c.inspected_on, t.c.id)
            )
            for r in await session.execute(stmt):
                results[r.plan_id].append(r)
        total = 0
        if "totalCount" in merge_selections(selected):
            total = await session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    items = [_public_plan(r, names.get(r.agency_id, ""), draws.get(r.id), results.get(r.id, [])) for r in rows]
    keys = [(r.published_on, r.id) for r in rows]
    return make_connection(items, keys, size, page, total)


def _public_result(r) -> PublicInspectionResult:
    kind = r.kind.value if isinstance(r.kind, enum.Enum) else r.kind
    outcome = CoreOutcome(r.outcome) if r.outcome else None
    return PublicInspectionResult(
        party_name=redaction.party_name(r.name, kind), party_kind=kind, credit_code=r.credit_code, inspected_on=r.inspected_on,
        outcome=InspectionOutcome(outcome.value) if outcome else None, outcome_label=outcome.label if outcome else None,
    )


def _public_plan(r, agency_name: str, drawn, results: list) -> PublicInspectionPlan:
    closed = CorePlanStatus(r.status) is CorePlanStatus.CLOSED
    record = None
    if closed and drawn is not None:
        record = PublicDrawRecord(
            algorithm=drawn.algorithm, algorithm_version=drawn.algorithm_version, seed=drawn.seed, drawn_on=drawn.drawn_on,
            digests=[DrawDigest(part=k, sm3=v) for k, v in sorted(drawn.digests.items())], result_digest=drawn.result_digest,
            strata=[DrawStratum(risk_class=s["risk_class"], pool=s["pool"], drawn=s["drawn"]) for s in drawn.result["strata"]],
        )
    return PublicInspectionPlan(
        id=global_id("PublicInspectionPlan", r.id), name=r.name, agency_name=agency_name, domains=list(r.domains),
        checklist_codes=list(r.checklist_codes), target_count=r.target_count,
        percents=[RiskPercent(risk_class=RiskClass(k), percent=v) for k, v in sorted((r.percents or {}).items())],
        inspectors_per_task=r.inspectors_per_task, starts_on=r.starts_on, ends_on=r.ends_on, published_on=r.published_on,
        results_published_on=r.results_published_on if closed else None, draw=record,
        results=[_public_result(x) for x in results] if closed else [],
    )

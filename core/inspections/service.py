"""Inspection services: each validates, changes, and writes the audit record in the same transaction.

The pure rules live in `draw`, `joint`, `figures` and `scenarios`; here they meet the database:
the target and inspector pools, recusal and rotation conflicts, the yearly load, and the rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.access.viewer import descendants
from zhifa.core.audit.service import record
from zhifa.core.cases.models import Case
from zhifa.core.cases.service import NewCase, register_case
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.registry import Catalog
from zhifa.core.clock import legal_today
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.entities.models import Entity, EntityKind
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.inspections import draw as lottery
from zhifa.core.inspections import figures, joint, scenarios
from zhifa.core.inspections.error_codes import InspectionErrorCode
from zhifa.core.inspections.models import (
    CreditLevel,
    Inspection,
    InspectionDraw,
    InspectionInspector,
    InspectionKind,
    InspectionOutcome,
    InspectionPlan,
    InspectionResult,
    InspectionStatus,
    MergedVisit,
    PlanStatus,
    PointOutcome,
    RecusalDeclaration,
    RecusalReason,
    RiskClass,
    RiskRating,
)
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import Agency, AgencyDomain, CertificateStatus, Officer, OfficerDomain, OfficerRole, Region
from zhifa.core.publication.error_codes import PublicationErrorCode
from zhifa.core.publication.models import CreditRecord, CreditSeverity

ENFORCING_ROLES = (OfficerRole.OFFICER, OfficerRole.AGENCY_HEAD)
DEFAULT_ROTATION_MONTHS = 12
MAX_INSPECTORS = 10  # per random task
MAX_VISIT_INSPECTORS = 30  # a joint visit across several domains
MAX_NAME = 200
MAX_EVIDENCE = 2000
CREDIT_CLASS = {CreditLevel.SERIOUS.value: "D", CreditLevel.ORDINARY.value: "C", CreditLevel.GOOD.value: "A"}
SETTLING_OUTCOMES = {InspectionOutcome.NO_BUSINESS, InspectionOutcome.NOT_LOCATED}


# ---------------------------------------------------------------------------------------------
# Shared look-ups


async def _region_parents(session: AsyncSession) -> dict[uuid.UUID, uuid.UUID | None]:
    return {r.id: r.parent_id for r in await session.execute(sa.select(Region.id, Region.parent_id))}


async def _agency_parents(session: AsyncSession) -> dict[uuid.UUID, uuid.UUID | None]:
    return {r.id: r.parent_id for r in await session.execute(sa.select(Agency.id, Agency.parent_id))}


def _chain(region_id: uuid.UUID, parents: dict[uuid.UUID, uuid.UUID | None]) -> list[uuid.UUID]:
    chain, seen = [], set()
    while region_id is not None and region_id not in seen:
        chain.append(region_id)
        seen.add(region_id)
        region_id = parents.get(region_id)
    return chain


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


VISIT_DAY = sa.func.coalesce(Inspection.inspected_on, Inspection.planned_on)


async def classify(session: AsyncSession, entity_ids: Iterable[uuid.UUID], on: dt.date) -> dict[uuid.UUID, tuple[str, str]]:
    """(risk class, credit level) per entity on a day. The risk class is the latest rating in
    force (B without one), raised by the credit record: an ordinary record to at least C, a
    serious one to D."""
    ids = set(entity_ids)
    rated: dict[uuid.UUID, str] = {}
    stmt = sa.select(RiskRating.entity_id, RiskRating.risk_class).where(RiskRating.rated_on <= on).order_by(RiskRating.rated_on, RiskRating.created_at)
    for row in await session.execute(stmt):
        if row.entity_id in ids:
            rated[row.entity_id] = RiskClass(row.risk_class).value
    credit: dict[uuid.UUID, str] = {}
    stmt = sa.select(CreditRecord.entity_id, CreditRecord.severity).where(
        CreditRecord.recorded_on <= on, CreditRecord.repaired_on.is_(None), CreditRecord.shown_until >= on
    )
    for row in await session.execute(stmt):
        if row.entity_id in ids:
            level = CreditLevel.SERIOUS.value if CreditSeverity(row.severity) is CreditSeverity.SERIOUS else CreditLevel.ORDINARY.value
            if credit.get(row.entity_id) != CreditLevel.SERIOUS.value:
                credit[row.entity_id] = level
    out = {}
    for e in ids:
        level = credit.get(e, CreditLevel.GOOD.value)
        out[e] = (max(rated.get(e, "B"), CREDIT_CLASS[level]), level)
    return out


async def yearly_counts(session: AsyncSession, year: int) -> Counter:
    """Inspections (done or scheduled) per entity in a calendar year, across all agencies."""
    start, end = _year_bounds(year)
    stmt = sa.select(Inspection.entity_id, sa.func.count()).where(VISIT_DAY.between(start, end)).group_by(Inspection.entity_id)
    return Counter({row[0]: row[1] for row in await session.execute(stmt)})


async def certified(session: AsyncSession, agency_ids: Iterable[uuid.UUID], domains: Sequence[str], on: dt.date) -> list[tuple[lottery.Inspector, uuid.UUID]]:
    """Officers of the agencies holding a certificate valid on `on` for at least one of the domains,
    with the domains it covers, and their agency."""
    stmt = (
        sa.select(Officer.id, Officer.agency_id, OfficerDomain.domain_code)
        .join(OfficerDomain, OfficerDomain.officer_id == Officer.id)
        .where(
            Officer.agency_id.in_(list(agency_ids)),
            Officer.role.in_(ENFORCING_ROLES),
            Officer.status == CertificateStatus.VALID,
            Officer.certificate_valid_from <= on,
            Officer.certificate_valid_until >= on,
            OfficerDomain.domain_code.in_(list(domains)),
        )
    )
    covered: dict[uuid.UUID, set[str]] = defaultdict(set)
    agency_of: dict[uuid.UUID, uuid.UUID] = {}
    for row in await session.execute(stmt):
        covered[row.id].add(row.domain_code)
        agency_of[row.id] = row.agency_id
    return [(lottery.Inspector(str(o), tuple(sorted(d))), agency_of[o]) for o, d in sorted(covered.items(), key=lambda x: str(x[0]))]


async def conflicts(session: AsyncSession, officer_ids: Iterable[uuid.UUID], entity_ids: Iterable[uuid.UUID], on: dt.date, rotation_months: int) -> list[lottery.Conflict]:
    """Recusal as data: declared conflicts in force, and (rotation) an officer who inspected the
    entity in the last `rotation_months` months."""
    officers, entities = set(officer_ids), set(entity_ids)
    found: set[tuple[str, str, str]] = set()
    stmt = sa.select(RecusalDeclaration.officer_id, RecusalDeclaration.entity_id, RecusalDeclaration.reason).where(
        RecusalDeclaration.declared_on <= on,
        sa.or_(RecusalDeclaration.valid_until.is_(None), RecusalDeclaration.valid_until >= on),
    )
    for row in await session.execute(stmt):
        if row.officer_id in officers and row.entity_id in entities:
            found.add((str(row.officer_id), str(row.entity_id), f"declared:{RecusalReason(row.reason).value}"))
    if rotation_months > 0:
        stmt = (
            sa.select(InspectionInspector.officer_id, Inspection.entity_id)
            .join(Inspection, Inspection.id == InspectionInspector.inspection_id)
            .where(VISIT_DAY.between(_months_before(on, rotation_months), on))
        )
        for row in await session.execute(stmt):
            if row.officer_id in officers and row.entity_id in entities:
                found.add((str(row.officer_id), str(row.entity_id), "rotation"))
    return [lottery.Conflict(*c) for c in sorted(found)]


def _version(row: Any, version: int | None, what: str) -> None:
    if version is not None and row.version != version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, f"{what}已被他人修改（当前版本 {row.version}，提交的是 {version}），请刷新后重试", "version")


# ---------------------------------------------------------------------------------------------
# Plans and draws


@dataclass(frozen=True)
class TargetFilter:
    region_ids: tuple[uuid.UUID, ...] = ()
    industries: tuple[str, ...] = ()
    entity_kinds: tuple[str, ...] = ()
    risk_classes: tuple[str, ...] = ()
    credit_levels: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "region_ids": sorted(str(r) for r in self.region_ids),
            "industries": sorted(set(self.industries)),
            "entity_kinds": sorted(set(self.entity_kinds)),
            "risk_classes": sorted(set(self.risk_classes)),
            "credit_levels": sorted(set(self.credit_levels)),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TargetFilter:
        return cls(
            tuple(uuid.UUID(r) for r in data.get("region_ids", [])),
            tuple(data.get("industries", [])),
            tuple(data.get("entity_kinds", [])),
            tuple(data.get("risk_classes", [])),
            tuple(data.get("credit_levels", [])),
        )


@dataclass(frozen=True)
class NewPlan:
    agency_id: uuid.UUID
    name: str
    domains: Sequence[str]
    checklist_codes: Sequence[str]
    starts_on: dt.date
    ends_on: dt.date
    target_filter: TargetFilter = TargetFilter()
    target_count: int | None = None
    percents: dict[str, int] | None = None
    inspectors_per_task: int = lottery.MIN_INSPECTORS
    yearly_ceiling: int = figures.DEFAULT_YEARLY_CEILING
    rotation_months: int = DEFAULT_ROTATION_MONTHS


async def create_plan(session: AsyncSession, actor: str, catalog: Catalog, new: NewPlan) -> InspectionPlan:
    errors: list[UserError] = []
    agency = await session.get(Agency, new.agency_id)
    if agency is None:
        raise UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "执法主体不存在", "agencyId")
    name = new.name.strip()
    if not name or len(name) > MAX_NAME:
        errors.append(UserError(CommonErrorCode.NAME_REQUIRED, f"请填写计划名称（不超过 {MAX_NAME} 字）", "name"))
    domains = sorted(set(new.domains))
    if not domains:
        errors.append(UserError(InspectionErrorCode.DOMAINS_REQUIRED, "请指定抽查涉及的执法领域", "domains"))
    enforced = set((await session.execute(sa.select(AgencyDomain.domain_code).where(AgencyDomain.agency_id == agency.id))).scalars())
    for d in domains:
        if d not in catalog.domains:
            errors.append(UserError(CatalogErrorCode.DOMAIN_UNKNOWN, f"执法领域“{d}”未加载", "domains"))
        elif d not in enforced:
            errors.append(UserError(PeopleErrorCode.AGENCY_DOMAIN_MISMATCH, f"{agency.name}不承担“{d}”领域的执法职责", "domains"))
    codes = sorted(set(new.checklist_codes))
    if not codes:
        errors.append(UserError(InspectionErrorCode.CHECKLISTS_REQUIRED, "请指定抽查事项所用的检查清单", "checklistCodes"))
    for code in codes:
        spec = catalog.checklists.get(code)
        if spec is None:
            errors.append(UserError(InspectionErrorCode.CHECKLIST_UNKNOWN, f"检查清单“{code}”不存在", "checklistCodes"))
        elif spec.domain not in domains:
            errors.append(UserError(InspectionErrorCode.CHECKLIST_DOMAIN_MISMATCH, f"检查清单“{code}”属于“{spec.domain}”领域，不在计划的领域中", "checklistCodes"))
    if new.ends_on < new.starts_on:
        errors.append(UserError(InspectionErrorCode.WINDOW_INVALID, "检查结束日期不能早于开始日期", "endsOn"))
    elif new.ends_on.year != new.starts_on.year:
        errors.append(UserError(InspectionErrorCode.WINDOW_INVALID, "抽查计划按年度制定，检查期限不能跨年", "endsOn"))
    if (new.target_count is None) == (not new.percents):
        errors.append(UserError(InspectionErrorCode.QUOTA_INVALID, "请指定抽取户数，或按风险分类指定抽取比例（二者取一）", "targetCount"))
    if new.target_count is not None and new.target_count < 1:
        errors.append(UserError(InspectionErrorCode.QUOTA_INVALID, "抽取户数至少为 1", "targetCount"))
    for cls, pct in (new.percents or {}).items():
        if cls not in lottery.RISK_CLASSES or not 1 <= int(pct) <= 100:
            errors.append(UserError(InspectionErrorCode.QUOTA_INVALID, f"抽取比例应为 A–D 类、1 至 100 的整数百分比（{cls}: {pct}）", "percents"))
    if not lottery.MIN_INSPECTORS <= new.inspectors_per_task <= MAX_INSPECTORS:
        errors.append(UserError(InspectionErrorCode.INSPECTORS_PER_TASK_INVALID, f"每个检查任务应配 {lottery.MIN_INSPECTORS} 至 {MAX_INSPECTORS} 名执法人员", "inspectorsPerTask"))
    if not 1 <= new.yearly_ceiling <= 100:
        errors.append(UserError(InspectionErrorCode.CEILING_INVALID, "年度检查次数上限应在 1 至 100 之间", "yearlyCeiling"))
    if not 0 <= new.rotation_months <= 120:
        errors.append(UserError(InspectionErrorCode.ROTATION_INVALID, "轮换回避期应在 0 至 120 个月之间", "rotationMonths"))
    f = new.target_filter
    if f.region_ids:
        reach = descendants([agency.region_id], await _region_parents(session))
        if any(r not in reach for r in f.region_ids):
            errors.append(UserError(InspectionErrorCode.REGION_OUT_OF_JURISDICTION, "检查对象的区域须在本执法主体的辖区内", "targetFilter.regionIds"))
    for cls in f.risk_classes:
        if cls not in lottery.RISK_CLASSES:
            errors.append(UserError(InspectionErrorCode.FILTER_INVALID, f"未知的风险分类“{cls}”", "targetFilter.riskClasses"))
    raise_if_any(errors)
    plan = InspectionPlan(
        agency_id=agency.id,
        name=name,
        domains=domains,
        checklist_codes=codes,
        target_filter=f.as_json(),
        target_count=new.target_count,
        percents={k: int(v) for k, v in sorted((new.percents or {}).items())} or None,
        inspectors_per_task=new.inspectors_per_task,
        yearly_ceiling=new.yearly_ceiling,
        rotation_months=new.rotation_months,
        starts_on=new.starts_on,
        ends_on=new.ends_on,
        status=PlanStatus.DRAFT,
        created_by=actor,
    )
    session.add(plan)
    await session.flush()
    await record(session, actor=actor, action="inspection_plan.created", object_type="InspectionPlan", object_id=plan.id,
                 after={"agency": str(agency.id), "name": name, "domains": domains, "checklists": codes, "filter": f.as_json(),
                        "count": new.target_count, "percents": plan.percents, "per_task": new.inspectors_per_task,
                        "ceiling": new.yearly_ceiling, "rotation_months": new.rotation_months})
    return plan


async def target_pool(session: AsyncSession, plan: InspectionPlan, on: dt.date) -> tuple[list[lottery.Target], list[dict[str, Any]]]:
    """The entities the plan may draw (in the agency's area, matching the filter, below the
    yearly ceiling) and those left out for the ceiling."""
    agency = await session.get(Agency, plan.agency_id)
    parents = await _region_parents(session)
    f = TargetFilter.from_json(plan.target_filter)
    regions = descendants(list(f.region_ids) or [agency.region_id], parents) & descendants([agency.region_id], parents)
    rows = (await session.execute(sa.select(Entity.id, Entity.kind, Entity.industry_tags).where(Entity.region_id.in_(regions)))).all()
    tags = set(f.industries)
    matched = [r.id for r in rows if (not f.entity_kinds or r.kind.value in f.entity_kinds) and (not tags or tags & set(r.industry_tags or []))]
    classes = await classify(session, matched, on)
    matched = [
        e for e in matched
        if (not f.risk_classes or classes[e][0] in f.risk_classes) and (not f.credit_levels or classes[e][1] in f.credit_levels)
    ]
    counts = await yearly_counts(session, plan.starts_on.year)
    kept, excluded = figures.split_at_ceiling((str(e) for e in matched), {str(k): v for k, v in counts.items()}, plan.yearly_ceiling)
    by_text = {str(e): e for e in matched}
    return [lottery.Target(t, classes[by_text[t]][0]) for t in kept], excluded


async def inspector_pool(session: AsyncSession, plan: InspectionPlan, on: dt.date,
                         named: Sequence[uuid.UUID] | None = None) -> tuple[list[lottery.Inspector], dict[str, Any]]:
    """执法检查人员名录库: the named officers (of any agency, for joint cross-agency draws) or, without
    names, the certified officers of the plan's agency and those below it; with the record of
    where it came from and each officer's agency, frozen into the draw. A named officer without a
    certificate covering a plan domain on the draw day is refused by name, not silently dropped."""
    if named is None:
        agencies = descendants([plan.agency_id], await _agency_parents(session))
        pool = await certified(session, agencies, plan.domains, on)
    else:
        pool = await _named_pool(session, list(dict.fromkeys(named)), plan.domains, on)
    provenance = {"source": "agencies" if named is None else "named",
                  "agencies": {i.id: str(a) for i, a in sorted(pool, key=lambda x: x[0].id)}}
    return [i for i, _ in pool], provenance


async def _named_pool(session: AsyncSession, named: list[uuid.UUID], domains: Sequence[str], on: dt.date) -> list[tuple[lottery.Inspector, uuid.UUID]]:
    rows = {r.id: r for r in await session.execute(sa.select(Officer.id, Officer.name, Officer.agency_id).where(Officer.id.in_(named)))}
    errors = [UserError(PeopleErrorCode.OFFICER_NOT_FOUND, f"执法检查人员名录中的第 {n} 人不存在", "inspectorIds")
              for n, o in enumerate(named, 1) if o not in rows]
    valid = {i.id: (i, a) for i, a in await certified(session, {r.agency_id for r in rows.values()}, domains, on)}
    for o in named:
        if o in rows and str(o) not in valid:
            errors.append(UserError(InspectionErrorCode.INSPECTOR_NOT_CERTIFIED,
                                    f"{rows[o].name}在抽取之日（{on}）未持有覆盖本计划领域（{'、'.join(domains)}）的有效执法证，不能列入执法检查人员名录",
                                    "inspectorIds"))
    raise_if_any(errors)
    return [valid[str(o)] for o in named]


def _plan_points(plan: InspectionPlan, catalog: Catalog) -> list[dict[str, Any]]:
    specs = [catalog.checklists[c] for c in plan.checklist_codes if c in catalog.checklists]
    return [p.as_json() for p in joint.merge(joint.source_points(specs))]


async def run_draw(session: AsyncSession, actor: str, catalog: Catalog, plan_id: uuid.UUID, version: int | None,
                   seed: str | None = None, on: dt.date | None = None, inspector_ids: Sequence[uuid.UUID] | None = None) -> InspectionPlan:
    """摇号: freeze the candidate lists, draw from a recorded seed, create one task per target.
    `inspector_ids` names the inspector pool; without it, the plan agency's certified officers."""
    on = on or legal_today()
    plan = await session.get(InspectionPlan, plan_id)
    if plan is None:
        raise UserError(InspectionErrorCode.PLAN_NOT_FOUND, "抽查计划不存在", "planId")
    _version(plan, version, "抽查计划")
    if plan.status is not PlanStatus.DRAFT:
        raise UserError(InspectionErrorCode.ALREADY_DRAWN, "该计划已经抽取，抽取结果不能重抽或改动", "planId")
    if on > plan.ends_on:
        raise UserError(InspectionErrorCode.PLAN_EXPIRED, "计划的检查期限已过，不能再抽取", "planId")
    seed = (seed or "").strip() or secrets.token_hex(16)
    if len(seed) > 100:
        raise UserError(InspectionErrorCode.SEED_INVALID, "随机种子不能超过 100 个字符", "seed")
    targets, excluded = await target_pool(session, plan, on)
    inspectors, pool = await inspector_pool(session, plan, on, inspector_ids)
    found = await conflicts(session, [uuid.UUID(i.id) for i in inspectors], [uuid.UUID(t.id) for t in targets], on, plan.rotation_months)
    quota = lottery.Quota(plan.target_count, plan.percents or {})
    inp = lottery.DrawInput(seed, tuple(plan.domains), plan.inspectors_per_task, quota, tuple(targets), tuple(inspectors), tuple(found))
    if not targets:
        raise UserError(InspectionErrorCode.NO_TARGETS, "符合条件的检查对象为空（或均已达年度检查次数上限）", "planId")
    try:
        result = lottery.draw(inp)
    except lottery.DrawError as exc:
        short = "、".join(f"{d} 缺 {n} 名" for d, n in sorted(exc.short.items()))
        raise UserError(InspectionErrorCode.INSPECTORS_INSUFFICIENT, f"检查对象 {exc.entity} 回避后可匹配的持证执法人员不足（{short}），每个任务至少 {plan.inspectors_per_task} 名", "planId") from None
    snapshot = {
        **lottery.input_json(inp),
        "excluded": excluded,
        "pool": pool,
        "context": {"plan": str(plan.id), "drawn_on": on.isoformat(), "year": plan.starts_on.year,
                    "ceiling": plan.yearly_ceiling, "rotation_months": plan.rotation_months, "filter": plan.target_filter},
    }
    result_data = lottery.result_json(result)
    drawn = InspectionDraw(
        plan_id=plan.id, algorithm=lottery.ALGORITHM, algorithm_version=lottery.ALGORITHM_VERSION, seed=seed, drawn_on=on,
        drawn_by=actor, snapshot=snapshot, digests=lottery.digests(snapshot), result=result_data, result_digest=lottery.digest(result_data),
    )
    session.add(drawn)
    points = _plan_points(plan, catalog)
    for task in result.tasks:
        inspection = Inspection(
            kind=InspectionKind.RANDOM, plan_id=plan.id, entity_id=uuid.UUID(task.entity), agency_id=plan.agency_id,
            planned_on=max(plan.starts_on, on), status=InspectionStatus.PLANNED, domains=list(plan.domains), points=points, created_by=actor,
        )
        session.add(inspection)
        await session.flush()
        session.add_all(InspectionInspector(inspection_id=inspection.id, officer_id=uuid.UUID(o), position=i) for i, o in enumerate(task.inspectors))
    plan.status = PlanStatus.DRAWN
    await session.flush()
    await record(session, actor=actor, action="inspection_plan.drawn", object_type="InspectionPlan", object_id=plan.id,
                 after={"seed": seed, "algorithm": f"{lottery.ALGORITHM}/{lottery.ALGORITHM_VERSION}", "digests": drawn.digests,
                        "result": drawn.result_digest, "tasks": len(result.tasks), "excluded": len(excluded)})
    return plan


@dataclass(frozen=True)
class DrawCheck:
    verification: lottery.Verification
    draw: InspectionDraw


async def verify_draw(session: AsyncSession, plan_id: uuid.UUID) -> DrawCheck | None:
    """Re-run the recorded draw and compare; also compare the tasks on file with the result."""
    drawn = (await session.execute(sa.select(InspectionDraw).where(InspectionDraw.plan_id == plan_id))).scalars().first()
    if drawn is None:
        return None
    v = lottery.verify(drawn.seed, drawn.algorithm, drawn.algorithm_version, drawn.snapshot, drawn.digests, drawn.result, drawn.result_digest)
    stmt = (
        sa.select(Inspection.entity_id, InspectionInspector.officer_id, InspectionInspector.position)
        .join(InspectionInspector, InspectionInspector.inspection_id == Inspection.id)
        .where(Inspection.plan_id == plan_id)
    )
    on_file: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in await session.execute(stmt):
        on_file[str(row.entity_id)].append((row.position, str(row.officer_id)))
    filed = {e: [o for _, o in sorted(v_)] for e, v_ in on_file.items()}
    expected = {t["entity"]: t["inspectors"] for t in drawn.result["tasks"]}
    if filed != expected:
        v = lottery.Verification(False, v.recorded_digest, v.recomputed_digest, (*v.problems, "登记的检查任务与抽取结果不一致"))
    return DrawCheck(v, drawn)


async def publish_plan(session: AsyncSession, actor: str, plan_id: uuid.UUID, version: int | None, on: dt.date) -> InspectionPlan:
    plan = await session.get(InspectionPlan, plan_id)
    if plan is None:
        raise UserError(InspectionErrorCode.PLAN_NOT_FOUND, "抽查计划不存在", "planId")
    _version(plan, version, "抽查计划")
    if plan.published_on is not None:
        raise UserError(PublicationErrorCode.ALREADY_PUBLISHED, "该计划已公示", "planId")
    plan.published_on = on
    await session.flush()
    await record(session, actor=actor, action="inspection_plan.published", object_type="InspectionPlan", object_id=plan.id, after={"on": on.isoformat()})
    return plan


async def publish_results(session: AsyncSession, actor: str, plan_id: uuid.UUID, version: int | None, on: dt.date) -> InspectionPlan:
    """Results go public once every task has a result (谁检查、谁录入、谁公开)."""
    plan = await session.get(InspectionPlan, plan_id)
    if plan is None:
        raise UserError(InspectionErrorCode.PLAN_NOT_FOUND, "抽查计划不存在", "planId")
    _version(plan, version, "抽查计划")
    if plan.status is PlanStatus.CLOSED:
        raise UserError(PublicationErrorCode.ALREADY_PUBLISHED, "该计划的抽查结果已公示", "planId")
    if plan.status is not PlanStatus.DRAWN:
        raise UserError(InspectionErrorCode.NOT_DRAWN, "计划尚未抽取", "planId")
    if plan.published_on is None:
        raise UserError(InspectionErrorCode.PLAN_NOT_PUBLISHED, "请先公示抽查计划，再公示抽查结果", "planId")
    pending = await session.scalar(sa.select(sa.func.count()).where(Inspection.plan_id == plan.id, Inspection.status != InspectionStatus.DONE))
    if pending:
        raise UserError(InspectionErrorCode.RESULTS_INCOMPLETE, f"还有 {pending} 个检查任务未录入结果", "planId")
    plan.status, plan.results_published_on = PlanStatus.CLOSED, on
    await session.flush()
    await record(session, actor=actor, action="inspection_plan.results_published", object_type="InspectionPlan", object_id=plan.id, after={"on": on.isoformat()})
    return plan


# ---------------------------------------------------------------------------------------------
# Recusal declarations and risk ratings


async def declare_recusal(session: AsyncSession, actor: str, officer_id: uuid.UUID, entity_id: uuid.UUID, reason: RecusalReason,
                          note: str, on: dt.date, valid_until: dt.date | None) -> RecusalDeclaration:
    errors = []
    if await session.get(Officer, officer_id) is None:
        errors.append(UserError(PeopleErrorCode.OFFICER_NOT_FOUND, "执法人员不存在", "officerId"))
    if await session.get(Entity, entity_id) is None:
        errors.append(UserError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在", "entityId"))
    if valid_until is not None and valid_until < on:
        errors.append(UserError(InspectionErrorCode.WINDOW_INVALID, "回避有效期不能早于声明日期", "validUntil"))
    if len(note) > 300:
        errors.append(UserError(InspectionErrorCode.NOTE_TOO_LONG, "说明不能超过 300 字", "note"))
    raise_if_any(errors)
    row = RecusalDeclaration(officer_id=officer_id, entity_id=entity_id, reason=reason, note=note.strip(), declared_on=on, valid_until=valid_until, declared_by=actor)
    session.add(row)
    await session.flush()
    await record(session, actor=actor, action="recusal.declared", object_type="RecusalDeclaration", object_id=row.id,
                 after={"officer": str(officer_id), "entity": str(entity_id), "reason": reason.value, "until": valid_until.isoformat() if valid_until else None})
    return row


async def rate_risk(session: AsyncSession, actor: str, entity_id: uuid.UUID, risk_class: RiskClass, basis: str, on: dt.date) -> RiskRating:
    if await session.get(Entity, entity_id) is None:
        raise UserError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在", "entityId")
    if not basis.strip() or len(basis) > 300:
        raise UserError(CommonErrorCode.BASIS_REQUIRED, "请说明风险分类的依据（不超过 300 字）", "basis")
    row = RiskRating(entity_id=entity_id, risk_class=risk_class, rated_on=on, basis=basis.strip(), rated_by=actor)
    session.add(row)
    await session.flush()
    await record(session, actor=actor, action="entity.risk_rated", object_type="Entity", object_id=entity_id, after={"class": risk_class.value, "basis": row.basis})
    return row


# ---------------------------------------------------------------------------------------------
# Joint visits (综合查一次)


@dataclass
class JointPlan:
    entity: Entity
    scenario: scenarios.ScenarioSpec | None
    checklists: list[str]
    source_count: int
    points: list[joint.MergedPoint]
    agency_for: dict[str, uuid.UUID | None]
    lead_agency_id: uuid.UUID | None
    inspectors: list[uuid.UUID]
    inspector_domains: dict[uuid.UUID, tuple[str, ...]]
    shortfall: dict[str, int]
    visits: list[tuple[uuid.UUID, str, list[str]]] = field(default_factory=list)

    @property
    def domains(self) -> list[str]:
        return sorted({p.domain for p in self.points})


async def plan_joint_visit(session: AsyncSession, catalog: Catalog, entity_id: uuid.UUID, scenario_code: str | None,
                           on: dt.date, available: Sequence[scenarios.ScenarioSpec] = ()) -> JointPlan:
    entity = await session.get(Entity, entity_id)
    if entity is None:
        raise UserError(EntityErrorCode.ENTITY_NOT_FOUND, "行政相对人不存在", "entityId")
    scenario = None
    if scenario_code:
        scenario = next((s for s in available if s.code == scenario_code), None)
        if scenario is None:
            raise UserError(InspectionErrorCode.SCENARIO_UNKNOWN, f"“一件事”场景“{scenario_code}”不存在或所需领域未加载", "scenarioCode")
        if not scenario.meant_for(entity.kind.value):
            kinds = "、".join(EntityKind(k).label for k in scenario.applies_to)
            raise UserError(InspectionErrorCode.SCENARIO_NOT_APPLICABLE,
                            f"“一件事”场景“{scenario.name}”只适用于{kinds}，不适用于该检查对象", "scenarioCode")
        sources = scenarios.points_of(scenario, catalog)
    else:
        sources = joint.source_points(joint.applicable(catalog.checklists.values(), entity.kind.value, entity.industry_tags or []))
    points = joint.merge(sources)
    domains = sorted({p.domain for p in points})
    rows = (await session.execute(sa.select(Agency.id, Agency.name, Agency.region_id))).all()
    enforced: dict[uuid.UUID, set[str]] = defaultdict(set)
    for a, d in await session.execute(sa.select(AgencyDomain.agency_id, AgencyDomain.domain_code)):
        enforced[a].add(d)
    infos = [joint.AgencyInfo(str(r.id), r.name, str(r.region_id), frozenset(enforced[r.id])) for r in rows]
    chain = [str(r) for r in _chain(entity.region_id, await _region_parents(session))]
    agency_for: dict[str, uuid.UUID | None] = {}
    for d in domains:
        found = joint.responsible(d, infos, chain)
        agency_for[d] = uuid.UUID(found.id) if found else None
    lead = None
    if scenario is not None:
        lead = agency_for.get(scenario.lead_domain)
    if lead is None:
        tally = Counter(a for a in agency_for.values() if a is not None)
        names = {r.id: r.name for r in rows}
        lead = min(tally, key=lambda a: (-tally[a], names[a]), default=None)
    responsible_agencies = {a for a in agency_for.values() if a is not None}
    pool = await certified(session, responsible_agencies, domains, on)
    found = await conflicts(session, [uuid.UUID(i.id) for i, _ in pool], [entity.id], on, DEFAULT_ROTATION_MONTHS)
    conflicted = {c.officer for c in found}
    candidates = [i for i, _ in pool if i.id not in conflicted]
    preferred = [i.id for i, a in pool if a == lead]
    team, short = joint.cover(candidates, domains, lottery.MIN_INSPECTORS, preferred)
    by_id = {i.id: i for i, _ in pool}
    visits = [(uuid.UUID(a), d, c) for a, d, c in joint.merged_visits(points, {d: str(a) if a else None for d, a in agency_for.items()})]
    return JointPlan(
        entity=entity, scenario=scenario, checklists=sorted({c for p in points for c in p.checklists}), source_count=len(sources),
        points=points, agency_for=agency_for, lead_agency_id=lead, inspectors=[uuid.UUID(t) for t in team],
        inspector_domains={uuid.UUID(t): by_id[t].domains for t in team}, shortfall=short, visits=visits,
    )


@dataclass(frozen=True)
class NewJointVisit:
    entity_id: uuid.UUID
    visited_on: dt.date
    lead_agency_id: uuid.UUID | None = None
    scenario_code: str | None = None
    inspector_ids: Sequence[uuid.UUID] | None = None
    replaced: Sequence[tuple[uuid.UUID, str]] | None = None  # (agency, domain) of the separate visits merged


async def record_joint_visit(session: AsyncSession, actor: str, catalog: Catalog, new: NewJointVisit,
                             available: Sequence[scenarios.ScenarioSpec] = (),
                             authorize: Callable[[uuid.UUID], None] | None = None) -> Inspection:
    """`authorize(lead agency)` runs as soon as the lead is known, before any other rule."""
    plan = await plan_joint_visit(session, catalog, new.entity_id, new.scenario_code, new.visited_on, available)
    errors: list[UserError] = []
    if not plan.points:
        raise UserError(InspectionErrorCode.NOTHING_TO_INSPECT, "没有适用于该对象的检查清单，无需联合检查", "entityId")
    lead = new.lead_agency_id or plan.lead_agency_id
    if lead is None:
        raise UserError(InspectionErrorCode.LEAD_AGENCY_REQUIRED, "请指定牵头执法主体", "leadAgencyId")
    if authorize is not None:
        authorize(lead)
    lead_domains = set((await session.execute(sa.select(AgencyDomain.domain_code).where(AgencyDomain.agency_id == lead))).scalars())
    if await session.get(Agency, lead) is None:
        errors.append(UserError(PeopleErrorCode.AGENCY_NOT_FOUND, "执法主体不存在", "leadAgencyId"))
    elif not lead_domains & set(plan.domains):
        errors.append(UserError(PeopleErrorCode.AGENCY_DOMAIN_MISMATCH, "牵头执法主体不承担本次检查任何领域的职责", "leadAgencyId"))
    if new.visited_on > legal_today() + dt.timedelta(days=366):
        errors.append(UserError(InspectionErrorCode.DATE_INVALID, "检查日期过远", "visitedOn"))
    inspector_ids = list(dict.fromkeys(new.inspector_ids)) if new.inspector_ids else plan.inspectors
    errors += await _check_team(session, inspector_ids, plan.entity.id, plan.domains, new.visited_on)
    if new.replaced is not None:
        replaced = sorted(set(new.replaced), key=lambda x: (x[1], str(x[0])))
        for agency, domain in replaced:
            if domain not in plan.domains:
                errors.append(UserError(InspectionErrorCode.REPLACED_VISIT_INVALID, f"被合并的检查领域“{domain}”不在本次检查内容中", "replacedVisits"))
            elif domain not in (await _domains_of(session, agency)):
                errors.append(UserError(InspectionErrorCode.REPLACED_VISIT_INVALID, f"被合并检查的执法主体不承担“{domain}”领域的职责", "replacedVisits"))
        checklists = {d: sorted({c for p in plan.points if p.domain == d for c in p.checklists}) for d in plan.domains}
        visits = [(a, d, checklists.get(d, [])) for a, d in replaced]
    else:
        visits = plan.visits
    if not visits:
        errors.append(UserError(InspectionErrorCode.REPLACED_VISIT_INVALID, "没有可合并的单独检查（各领域均无负责的执法主体）", "replacedVisits"))
    raise_if_any(errors)
    inspection = Inspection(
        kind=InspectionKind.JOINT, entity_id=plan.entity.id, agency_id=lead, scenario_code=plan.scenario.code if plan.scenario else None,
        planned_on=new.visited_on, status=InspectionStatus.PLANNED, domains=plan.domains, points=[p.as_json() for p in plan.points], created_by=actor,
    )
    session.add(inspection)
    await session.flush()
    session.add_all(InspectionInspector(inspection_id=inspection.id, officer_id=o, position=i) for i, o in enumerate(inspector_ids))
    session.add_all(MergedVisit(inspection_id=inspection.id, agency_id=a, domain_code=d, checklist_codes=c) for a, d, c in visits)
    await session.flush()
    await record(session, actor=actor, action="inspection.joint_recorded", object_type="Inspection", object_id=inspection.id,
                 after={"entity": str(plan.entity.id), "lead": str(lead), "scenario": inspection.scenario_code, "points": [p.code for p in plan.points],
                        "inspectors": [str(o) for o in inspector_ids], "replaced": [[str(a), d] for a, d, _ in visits], "on": new.visited_on.isoformat()})
    return inspection


async def _domains_of(session: AsyncSession, agency_id: uuid.UUID) -> set[str]:
    return set((await session.execute(sa.select(AgencyDomain.domain_code).where(AgencyDomain.agency_id == agency_id))).scalars())


async def _check_team(session: AsyncSession, officer_ids: list[uuid.UUID], entity_id: uuid.UUID, domains: Sequence[str], on: dt.date) -> list[UserError]:
    """At least two certified inspectors for every domain, none with a declared conflict."""
    if not lottery.MIN_INSPECTORS <= len(officer_ids) <= MAX_VISIT_INSPECTORS:
        return [UserError(InspectionErrorCode.INSPECTORS_INSUFFICIENT, f"每次检查至少 {lottery.MIN_INSPECTORS} 名持证执法人员", "inspectorIds")]
    found = (await session.execute(sa.select(Officer.id).where(Officer.id.in_(officer_ids)))).scalars().all()
    if len(found) != len(officer_ids):
        return [UserError(PeopleErrorCode.OFFICER_NOT_FOUND, "有检查人员不存在", "inspectorIds")]
    agencies = set((await session.execute(sa.select(Officer.agency_id).where(Officer.id.in_(officer_ids)))).scalars())
    valid = {i.id: i for i, _ in await certified(session, agencies, domains, on)}
    errors = []
    team = [valid[str(o)] for o in officer_ids if str(o) in valid]
    _, short = lottery.staff(team, tuple(domains), lottery.MIN_INSPECTORS)
    if short:
        errors.append(UserError(InspectionErrorCode.INSPECTORS_INSUFFICIENT, "各领域至少需要 2 名持有效执法证的检查人员："
                                + "、".join(f"{d} 缺 {n} 名" for d, n in sorted(short.items())), "inspectorIds"))
    declared = [c for c in await conflicts(session, officer_ids, [entity_id], on, 0)]
    if declared:
        errors.append(UserError(InspectionErrorCode.RECUSAL_REQUIRED, f"有 {len(declared)} 名检查人员已声明与该对象存在利害关系，应当回避", "inspectorIds"))
    return errors


# ---------------------------------------------------------------------------------------------
# Results and leads


@dataclass(frozen=True)
class PointFinding:
    point_code: str
    outcome: PointOutcome
    evidence: str = ""
    corrected_on_spot: bool = False  # 现场整改: the problem was put right during the visit


async def record_results(session: AsyncSession, actor: str, inspection_id: uuid.UUID, version: int | None, inspected_on: dt.date,
                         findings: Sequence[PointFinding], outcome: InspectionOutcome | None = None) -> Inspection:
    inspection = await session.get(Inspection, inspection_id)
    if inspection is None:
        raise UserError(InspectionErrorCode.INSPECTION_NOT_FOUND, "检查记录不存在", "inspectionId")
    _version(inspection, version, "检查记录")
    if inspection.status is InspectionStatus.DONE:
        raise UserError(InspectionErrorCode.ALREADY_RECORDED, "该检查的结果已录入", "inspectionId")
    errors: list[UserError] = []
    if inspected_on > legal_today():
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "检查日期不能晚于今天", "inspectedOn"))
    if inspection.plan_id is not None:
        plan = await session.get(InspectionPlan, inspection.plan_id)
        if not plan.starts_on <= inspected_on <= plan.ends_on:
            errors.append(UserError(InspectionErrorCode.OUTSIDE_PLAN_WINDOW, f"检查日期应在计划期限 {plan.starts_on} 至 {plan.ends_on} 内", "inspectedOn"))
    if outcome is not None and outcome not in SETTLING_OUTCOMES:
        errors.append(UserError(CommonErrorCode.OUTCOME_INVALID, "只有“未发现开展相关经营活动”和“查无下落”可直接填写，其他结果由各检查要点得出", "outcome"))
    points = {p["code"]: p for p in inspection.points}
    seen: set[str] = set()
    for f in findings:
        if f.point_code not in points:
            errors.append(UserError(InspectionErrorCode.POINT_UNKNOWN, f"检查要点“{f.point_code}”不在本次检查内容中", "results"))
        elif f.point_code in seen:
            errors.append(UserError(InspectionErrorCode.POINT_DUPLICATE, f"检查要点“{f.point_code}”重复录入", "results"))
        seen.add(f.point_code)
        if f.outcome is PointOutcome.FAIL and not f.evidence.strip():
            errors.append(UserError(InspectionErrorCode.EVIDENCE_REQUIRED, f"检查要点“{f.point_code}”不符合，须记录证据情况", "results"))
        if f.corrected_on_spot and f.outcome is not PointOutcome.FAIL:
            errors.append(UserError(InspectionErrorCode.ON_SPOT_NOT_FAILED, f"检查要点“{f.point_code}”未发现问题，不能记录为现场整改", "results"))
        if len(f.evidence) > MAX_EVIDENCE:
            errors.append(UserError(InspectionErrorCode.EVIDENCE_TOO_LONG, f"证据说明不能超过 {MAX_EVIDENCE} 字", "results"))
    if outcome is None and (missing := [c for c in points if c not in seen]):
        errors.append(UserError(InspectionErrorCode.RESULTS_INCOMPLETE, f"还有 {len(missing)} 个检查要点未录入结果（如 {missing[0]}）", "results"))
    raise_if_any(errors)
    for f in findings:
        p = points[f.point_code]
        session.add(InspectionResult(inspection_id=inspection.id, point_code=f.point_code, domain_code=p["domain"], item_code=p["item"],
                                     outcome=f.outcome, evidence=f.evidence.strip(), corrected_on_spot=f.corrected_on_spot, recorded_by=actor))
    failed = any(f.outcome is PointOutcome.FAIL for f in findings)
    inspection.outcome = outcome or (InspectionOutcome.CORRECTED if failed else InspectionOutcome.NO_PROBLEM)
    inspection.status, inspection.inspected_on = InspectionStatus.DONE, inspected_on
    await session.flush()
    await record(session, actor=actor, action="inspection.results_recorded", object_type="Inspection", object_id=inspection.id,
                 after={"on": inspected_on.isoformat(), "outcome": inspection.outcome.value,
                        "results": {f.point_code: f.outcome.value for f in findings},
                        "corrected_on_spot": sorted(f.point_code for f in findings if f.corrected_on_spot)})
    return inspection


async def open_lead(session: AsyncSession, actor: str, inspection_id: uuid.UUID, point_code: str, agency_id: uuid.UUID | None,
                    officer_ids: Sequence[uuid.UUID] | None, facts: dict[str, Any], description: str = "") -> tuple[Inspection, Case]:
    """A failed point becomes a case lead (案源登记) for the item it maps to, carrying the evidence."""
    inspection = await session.get(Inspection, inspection_id)
    if inspection is None:
        raise UserError(InspectionErrorCode.INSPECTION_NOT_FOUND, "检查记录不存在", "inspectionId")
    result = await session.get(InspectionResult, (inspection_id, point_code))
    if result is None or result.outcome is not PointOutcome.FAIL:
        raise UserError(InspectionErrorCode.POINT_NOT_FAILED, "只有检查结果为“不符合”的要点才能转为案源", "pointCode")
    if result.case_id is not None:
        raise UserError(InspectionErrorCode.LEAD_ALREADY_OPENED, "该检查要点已转为案源", "pointCode")
    if agency_id is None:
        agency_id = await _agency_for_domain(session, inspection, result.domain_code)
    if officer_ids is None:
        stmt = (
            sa.select(InspectionInspector.officer_id)
            .join(Officer, Officer.id == InspectionInspector.officer_id)
            .where(InspectionInspector.inspection_id == inspection.id, Officer.agency_id == agency_id)
            .order_by(InspectionInspector.position)
        )
        officer_ids = list((await session.execute(stmt)).scalars())
    point = next(p for p in inspection.points if p["code"] == point_code)
    kind = InspectionKind(inspection.kind).label
    text = description.strip() or f"{kind}（{inspection.inspected_on}）发现：{point['text']}。证据情况：{result.evidence}"
    case = await register_case(session, actor, NewCase(
        entity_id=inspection.entity_id, agency_id=agency_id, item_code=result.item_code, violation_date=inspection.inspected_on,
        officer_ids=list(officer_ids), facts=facts, description=text,
    ))
    result.case_id = case.id
    inspection.outcome = InspectionOutcome.REFERRED
    await session.flush()
    await record(session, actor=actor, action="inspection.lead_opened", object_type="Inspection", object_id=inspection.id,
                 after={"point": point_code, "item": result.item_code, "case": str(case.id), "case_number": case.case_number})
    return inspection, case


async def _agency_for_domain(session: AsyncSession, inspection: Inspection, domain: str) -> uuid.UUID:
    if domain in await _domains_of(session, inspection.agency_id):
        return inspection.agency_id
    stmt = sa.select(MergedVisit.agency_id).where(MergedVisit.inspection_id == inspection.id, MergedVisit.domain_code == domain)
    agency = (await session.execute(stmt)).scalars().first()
    if agency is None:
        raise UserError(InspectionErrorCode.AGENCY_REQUIRED, f"请指定承办“{domain}”领域案件的执法主体", "agencyId")
    return agency


# ---------------------------------------------------------------------------------------------
# Figures


async def reduction_report(session: AsyncSession, start: dt.date, end: dt.date, readable: list[sa.ColumnElement[bool]],
                           agency_id: uuid.UUID | None = None) -> figures.Reduction:
    """Visit reduction over the joint visits in [start, end] the viewer may read (optionally those
    an agency led or took part in)."""
    table = Inspection.__table__
    stmt = sa.select(Inspection.id, Inspection.entity_id, Inspection.agency_id).where(
        Inspection.kind == InspectionKind.JOINT, VISIT_DAY.between(start, end), *readable
    )
    if agency_id is not None:
        took_part = sa.select(MergedVisit.inspection_id).where(MergedVisit.agency_id == agency_id)
        stmt = stmt.where(sa.or_(table.c.agency_id == agency_id, table.c.id.in_(took_part)))
    visits = (await session.execute(stmt)).all()
    merged: dict[uuid.UUID, list[str]] = defaultdict(list)
    if visits:
        rows = await session.execute(sa.select(MergedVisit.inspection_id, MergedVisit.agency_id).where(MergedVisit.inspection_id.in_([v.id for v in visits])))
        for row in rows:
            merged[row.inspection_id].append(str(row.agency_id))
    corrected = await _corrected_on_spot(session, [v.id for v in visits])
    return figures.reduction(
        figures.JointVisit(str(v.entity_id), str(v.agency_id), tuple(sorted(merged[v.id])), corrected[v.id]) for v in visits
    )


async def _corrected_on_spot(session: AsyncSession, inspection_ids: list[uuid.UUID]) -> Counter:
    if not inspection_ids:
        return Counter()
    stmt = (sa.select(InspectionResult.inspection_id, sa.func.count())
            .where(InspectionResult.inspection_id.in_(inspection_ids), InspectionResult.corrected_on_spot.is_(True))
            .group_by(InspectionResult.inspection_id))
    return Counter({row[0]: row[1] for row in await session.execute(stmt)})


async def load_report(session: AsyncSession, year: int, ceiling: int, visible_entities: sa.Select) -> dict[str, figures.Load]:
    """Inspections per entity in a year across all agencies, for the entities the viewer may see."""
    start, end = _year_bounds(year)
    stmt = sa.select(Inspection.entity_id, Inspection.agency_id).where(VISIT_DAY.between(start, end), Inspection.entity_id.in_(visible_entities))
    return figures.loads(((str(r.entity_id), str(r.agency_id)) for r in await session.execute(stmt)), ceiling)

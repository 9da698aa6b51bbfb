"""The annual responsibility ledger (行政执法责任制落实情况统计台账): what each enforcement agency did
in a period, its rates and its place in the ranking.

Sources: 鞍山 2022 方案 (source 001: “12月10日前 … 完成《…年度行政执法责任制落实情况统计台账》”),
定海 2022 总结 (source 002: 一般程序 429 件、简易程序 1778 件，结案率 95%，执行率 100%，公示率 100%，
案卷合格率 100%), 绍兴实施意见 (source 000: 考核排名).

Two halves, as everywhere in the core:

- **Pure figures** (`figures`, `rate`, `composite`, `rank`, `totals`): plain per-agency counts in,
  rates and ranking out. No session, no dates.
- **The counting queries** (`load_counts`, `responsibility_ledger`): seven grouped SQL statements
  plus one for the agencies, whatever the number of agencies.

Definitions (the README repeats them; a period is [start, end], both days included, legal days in
Asia/Shanghai; "now" is the generation time — statuses, payments and publications are counted as
they stand when the ledger is generated, 截至统计之时):

- **Cases of the period (案件数)**: cases *registered* (登记, `Case.registered_at` as a legal day) in
  the period, at the agency that holds them now (a case taken over after a transfer counts at the
  receiver). Split by procedure (简易程序 / 一般程序) and by domain. Among them: 不予立案 (status
  not_filed) and 移送 (status transferred, still out).
- **Closure rate (结案率)** = cases of the period now closed ÷ (cases of the period − not filed −
  transferred).
- **Execution rate (执行率)** = penalty decisions with a fine (`fine_fen > 0`) decided in the period
  (`decided_on`) whose fine is fully paid (the `payment` events' `amount_fen` add up to the fine) or
  whose court enforcement concluded (`end_execution` with `ended_by = court_concluded`) ÷ those
  decisions, leaving out decisions later revoked (`end_execution` with `decision_revoked`).
  Execution terminated or abandoned (ACL Art. 39–40) stays in the denominator only.
- **Publication rate (公示率)** = decisions of the period that must be published (the case has a
  PUBLICATION deadline: a decision with a penalty beyond a warning, 国办发〔2018〕118号) that are
  published (the deadline is met: `publish` was recorded) ÷ decisions of the period that must be
  published.
- **Case-file review pass rate (案卷评查合格率)** = reviews of the agency's case files completed in
  the period (`CaseReview.reviewed_on`) with a grade other than 不合格 ÷ reviews completed in the
  period.
- **Complaints handled on time (投诉举报按期办结率)**: complaints *received* in the period
  (`received_on`) by the handling agency. Due = resolved, or whose handling deadline passed before
  today. On time = replied by `reply_due_on` and resolved by `handling_due_on`. Rate = on time ÷ due
  (a complaint still inside its handling period and unresolved is neither).
- **Hearings (听证)**: `hold_hearing` events dated in the period that were not waived.
- **Reconsiderations and lawsuits (行政复议 / 行政诉讼)**: filed = `filed_on` in the period; lost =
  `decided_on` in the period with an outcome in `LOST_OUTCOMES` (撤销、变更、确认违法、责令履行).
- **Zero denominators**: a rate with nothing to count is `None` (shown empty), never 0 % or 100 %.
- **Ranking (考核排名)**: composite = arithmetic mean of the agency's available rates among
  closure, execution, publication, review pass and complaints on time (`None` rates are left out);
  higher first, ties broken by the agency's name (Unicode order); an agency with no rate at all has
  no composite and no rank and is listed last.
- **Totals (合计)**: the counts added up over the rows; the totals' rates come from those sums
  (not a mean of the rows' rates).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.cases.models import Case, CaseDeadline, CaseEvent, CaseStatus, Procedure
from zhifa.core.catalog.models import Domain
from zhifa.core.clock import LEGAL_ZONE, legal_today
from zhifa.core.complaints.models import Complaint
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.people.models import Agency, AgencyKind
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.rates import percent, rate  # noqa: F401 (percent: part of the ledger's API)
from zhifa.core.supervision.models import LOST_OUTCOMES, CaseReview, ChallengeKind, LegalChallenge, ReviewGrade

# --- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def label(self) -> str:
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return f"{self.start.year}年度"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """[first instant, first instant after) of the period in Asia/Shanghai, for timestamps."""
        first = dt.datetime.combine(self.start, dt.time(), LEGAL_ZONE)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), LEGAL_ZONE)
        return first.astimezone(dt.UTC), after.astimezone(dt.UTC)


def period_of(year: int | None, start: dt.date | None, end: dt.date | None) -> Period:
    """A year, or from/to dates (both); never both kinds, never none."""
    if year is not None and (start is not None or end is not None):
        raise UserError(SupervisionErrorCode.PERIOD_AMBIGUOUS, "统计期请只填年度，或只填起止日期", "year")
    if year is not None:
        if not 1949 < year < 10000:
            raise UserError(CommonErrorCode.PERIOD_INVALID, "年度不正确", "year")
        return Period.of_year(year)
    if start is None or end is None:
        raise UserError(SupervisionErrorCode.PERIOD_REQUIRED, "请指定统计年度，或统计期的开始日和结束日", "year")
    if end < start:
        raise UserError(CommonErrorCode.DATE_RANGE_INVALID, "统计期的结束日早于开始日", "to")
    return Period(start, end)


# --- pure figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """One agency's raw counts for a period (or their sum). The numerators and denominators."""

    registered: int = 0  # 案件数: registered in the period
    simple: int = 0  # 简易程序
    general: int = 0  # 一般程序
    by_domain: tuple[tuple[str, int], ...] = ()  # (domain code, cases), sorted by code
    not_filed: int = 0  # 不予立案
    transferred: int = 0  # 移送（未退回）
    closed: int = 0  # 已结案
    fine_decisions: int = 0  # 罚款决定 (denominator of the execution rate)
    executed: int = 0  # 执行到位
    to_publish: int = 0  # 应公示
    published: int = 0  # 已公示
    reviewed: int = 0  # 评查案卷
    review_passed: int = 0  # 评查合格
    complaints_received: int = 0  # 收到投诉举报
    complaints_due: int = 0  # 应办结
    complaints_on_time: int = 0  # 按期办结
    hearings: int = 0  # 举行听证
    reconsiderations_filed: int = 0
    reconsiderations_lost: int = 0
    lawsuits_filed: int = 0
    lawsuits_lost: int = 0

    @property
    def closable(self) -> int:
        """The closure rate's denominator: cases of the period less not filed and transferred."""
        return self.registered - self.not_filed - self.transferred


@dataclass(frozen=True)
class Rates:
    closure: Fraction | None
    execution: Fraction | None
    publication: Fraction | None
    review_pass: Fraction | None
    complaints_on_time: Fraction | None
    challenge_loss: Fraction | None  # lost ÷ filed (复议诉讼纠错率); shown, not ranked

    @property
    def ranked(self) -> tuple[Fraction | None, ...]:
        """The rates the composite is the mean of."""
        return (self.closure, self.execution, self.publication, self.review_pass, self.complaints_on_time)


def figures(c: Counts) -> Rates:
    lost = c.reconsiderations_lost + c.lawsuits_lost
    return Rates(
        closure=rate(c.closed, c.closable),
        execution=rate(c.executed, c.fine_decisions),
        publication=rate(c.published, c.to_publish),
        review_pass=rate(c.review_passed, c.reviewed),
        complaints_on_time=rate(c.complaints_on_time, c.complaints_due),
        challenge_loss=rate(lost, c.reconsiderations_filed + c.lawsuits_filed),
    )


def composite(rates: Rates) -> Fraction | None:
    """The arithmetic mean of the available ranked rates; None when none is available."""
    present = [r for r in rates.ranked if r is not None]
    return sum(present, Fraction(0)) / len(present) if present else None


def totals(rows: Iterable[Counts]) -> Counts:
    """Every count added up; domains merged."""
    rows = list(rows)
    sums = {f.name: sum(getattr(r, f.name) for r in rows) for f in fields(Counts) if f.name != "by_domain"}
    domains: Counter[str] = Counter()
    for r in rows:
        domains.update(dict(r.by_domain))
    return Counts(**sums, by_domain=tuple(sorted(domains.items())))


@dataclass(frozen=True)
class LedgerRow:
    agency_id: uuid.UUID | None  # None for the totals
    name: str
    counts: Counts
    rates: Rates
    composite: Fraction | None
    rank: int | None = None


def rank(rows: Sequence[LedgerRow]) -> list[LedgerRow]:
    """Higher composite first, ties by name; rows without a composite last (by name, no rank)."""
    ranked = sorted((r for r in rows if r.composite is not None), key=lambda r: (-r.composite, r.name))
    unranked = sorted((r for r in rows if r.composite is None), key=lambda r: r.name)
    return [replace(r, rank=i) for i, r in enumerate(ranked, start=1)] + unranked


def row_of(agency_id: uuid.UUID | None, name: str, counts: Counts) -> LedgerRow:
    rates = figures(counts)
    return LedgerRow(agency_id, name, counts, rates, composite(rates))


@dataclass(frozen=True)
class Ledger:
    period: Period
    as_of: dt.date
    generated_at: dt.datetime
    rows: list[LedgerRow]
    total: LedgerRow
    domains: dict[str, str] = field(default_factory=dict)  # code → Chinese name, of the domains counted


def build(period: Period, as_of: dt.date, generated_at: dt.datetime, agencies: dict[uuid.UUID, str],
          counts: dict[uuid.UUID, Counts], domains: dict[str, str]) -> Ledger:
    """The ledger from plain counts: a row per agency (zeros where nothing happened), ranked, totals."""
    rows = rank([row_of(a, name, counts.get(a, Counts())) for a, name in agencies.items()])
    total = row_of(None, "合计", totals(r.counts for r in rows))
    used = {code for code, _ in total.counts.by_domain}
    return Ledger(period, as_of, generated_at, rows, total, {c: n for c, n in sorted(domains.items()) if c in used})


# --- the counting queries -----------------------------------------------------------------------

cases, events, deadlines = Case.__table__, CaseEvent.__table__, CaseDeadline.__table__
complaints, reviews, challenges = Complaint.__table__, CaseReview.__table__, LegalChallenge.__table__


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _within(column: sa.ColumnElement, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.start, column <= period.end)


def _ended_by(how: str) -> sa.ColumnElement[bool]:
    """The case's execution was ended in this way (an end_execution event of that case)."""
    return sa.exists().where(events.c.case_id == cases.c.id, events.c.kind == "end_execution", events.c.data["ended_by"].as_string() == how)


def _paid() -> sa.ScalarSelect:
    """What the case's payment events add up to (looked up per counted case, never over every event)."""
    amount = sa.cast(events.c.data["amount_fen"].as_string(), sa.BigInteger)
    return sa.select(sa.func.coalesce(sa.func.sum(amount), 0)).where(events.c.case_id == cases.c.id, events.c.kind == "payment").scalar_subquery()


async def load_counts(session: AsyncSession, agency_ids: Collection[uuid.UUID], period: Period, as_of: dt.date) -> dict[uuid.UUID, Counts]:
    """Seven grouped statements, each filtered to `agency_ids`, whatever their number."""
    ids = list(agency_ids)
    if not ids:
        return {}
    found: dict[uuid.UUID, dict] = {a: {} for a in ids}
    domains: dict[uuid.UUID, Counter[str]] = {a: Counter() for a in ids}

    def add(agency_id: uuid.UUID, **values: int) -> None:
        bucket = found[agency_id]
        for key, value in values.items():
            bucket[key] = bucket.get(key, 0) + int(value)

    # 1. cases registered in the period, by procedure, domain and present status
    first, after = period.moments()
    c = cases.c
    stmt = (
        sa.select(c.agency_id, c.procedure, c.domain_code, c.status, sa.func.count())
        .where(c.agency_id.in_(ids), c.registered_at >= first, c.registered_at < after)
        .group_by(c.agency_id, c.procedure, c.domain_code, c.status)
    )
    for agency_id, procedure, domain, status, n in await session.execute(stmt):
        procedure, status = Procedure(procedure), CaseStatus(status)
        add(agency_id, registered=n, simple=n if procedure is Procedure.SIMPLE else 0, general=n if procedure is Procedure.GENERAL else 0,
            not_filed=n if status is CaseStatus.NOT_FILED else 0, transferred=n if status is CaseStatus.TRANSFERRED else 0,
            closed=n if status is CaseStatus.CLOSED else 0)
        domains[agency_id][domain] += n

    # 2. fine decisions of the period and their execution
    executed = sa.or_(_paid() >= c.fine_fen, _ended_by("court_concluded"))
    stmt = (
        sa.select(c.agency_id, sa.func.count(), _count(executed))
        .where(c.agency_id.in_(ids), _within(c.decided_on, period), c.fine_fen > 0, ~_ended_by("decision_revoked"))
        .group_by(c.agency_id)
    )
    for agency_id, n, done in await session.execute(stmt):
        add(agency_id, fine_decisions=n, executed=done)

    # 3. decisions of the period that must be published, and published
    d = deadlines.c
    stmt = (
        sa.select(c.agency_id, sa.func.count(), _count(d.met_on.is_not(None)))
        .select_from(deadlines.join(cases, c.id == d.case_id))
        .where(c.agency_id.in_(ids), d.kind == "PUBLICATION", _within(c.decided_on, period))
        .group_by(c.agency_id)
    )
    for agency_id, n, done in await session.execute(stmt):
        add(agency_id, to_publish=n, published=done)

    # 4. case-file reviews completed in the period
    r = reviews.c
    stmt = (
        sa.select(r.agency_id, sa.func.count(), _count(r.grade != ReviewGrade.FAIL.value))
        .where(r.agency_id.in_(ids), r.grade.is_not(None), _within(r.reviewed_on, period))
        .group_by(r.agency_id)
    )
    for agency_id, n, passed in await session.execute(stmt):
        add(agency_id, reviewed=n, review_passed=passed)

    # 5. complaints received in the period
    k = complaints.c
    due = sa.or_(k.resolved_on.is_not(None), k.handling_due_on < as_of)
    on_time = sa.and_(k.replied_on.is_not(None), k.replied_on <= k.reply_due_on, k.resolved_on.is_not(None), k.resolved_on <= k.handling_due_on)
    stmt = (
        sa.select(k.agency_id, sa.func.count(), _count(due), _count(sa.and_(due, on_time)))
        .where(k.agency_id.in_(ids), _within(k.received_on, period))
        .group_by(k.agency_id)
    )
    for agency_id, n, n_due, n_on_time in await session.execute(stmt):
        add(agency_id, complaints_received=n, complaints_due=n_due, complaints_on_time=n_on_time)

    # 6. hearings held in the period (the hold_hearing step, not waived)
    e = events.c
    held_on = e.data["on"].as_string()
    stmt = (
        sa.select(c.agency_id, sa.func.count())
        .select_from(events.join(cases, c.id == e.case_id))
        .where(c.agency_id.in_(ids), e.kind == "hold_hearing", held_on >= period.start.isoformat(), held_on <= period.end.isoformat(),
               sa.func.coalesce(e.data["waived"].as_boolean(), sa.false()) == sa.false())
        .group_by(c.agency_id)
    )
    for agency_id, n in await session.execute(stmt):
        add(agency_id, hearings=n)

    # 7. reconsiderations and lawsuits filed, and lost, in the period
    g = challenges.c
    lost = sa.and_(_within(g.decided_on, period), g.outcome.in_([o.value for o in LOST_OUTCOMES]))
    stmt = (
        sa.select(c.agency_id, g.kind, _count(_within(g.filed_on, period)), _count(lost))
        .select_from(challenges.join(cases, c.id == g.case_id))
        .where(c.agency_id.in_(ids), sa.or_(_within(g.filed_on, period), _within(g.decided_on, period)))
        .group_by(c.agency_id, g.kind)
    )
    for agency_id, kind, filed, n_lost in await session.execute(stmt):
        prefix = "reconsiderations" if ChallengeKind(kind) is ChallengeKind.RECONSIDERATION else "lawsuits"
        add(agency_id, **{f"{prefix}_filed": filed, f"{prefix}_lost": n_lost})

    return {a: Counts(**found[a], by_domain=tuple(sorted(domains[a].items()))) for a in ids}


async def responsibility_ledger(
    session: AsyncSession,
    agency_ids: Collection[uuid.UUID] | None,
    period: Period,
    *,
    as_of: dt.date | None = None,
    generated_at: dt.datetime | None = None,
) -> Ledger:
    """The ledger of the enforcement agencies among `agency_ids` (None: every one). Justice bureaus
    (司法局, the supervisors) are not enforcers and have no row."""
    stmt = sa.select(Agency.id, Agency.name).where(Agency.kind != AgencyKind.JUSTICE_BUREAU)
    if agency_ids is not None:
        stmt = stmt.where(Agency.id.in_(list(agency_ids)))
    agencies = {a: name for a, name in await session.execute(stmt.order_by(Agency.name))}
    as_of = as_of or legal_today()
    counts = await load_counts(session, agencies.keys(), period, as_of)
    names = {code: name for code, name in await session.execute(sa.select(Domain.code, Domain.name_zh))} if agencies else {}
    return build(period, as_of, generated_at or dt.datetime.now(dt.UTC), agencies, counts, names)

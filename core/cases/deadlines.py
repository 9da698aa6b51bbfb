"""Legal deadlines as data, and the one pure function that computes them.

A `DeadlineRule` says what a period is: its kind code, Chinese label, whether it counts working
or calendar days (REFERENCE §0: APL Art. 85 makes "二日、三日、五日、七日" working days; everything
else is calendar days), its length and the article it comes from. `compute` turns a rule and the
day the period starts into a `Deadline`; the clock stops during suspensions (中止: hearings,
testing and appraisal, public announcements — APL Art. 60 as applied by sector rules) and
approved extensions add days. Suspensions and extensions are *inputs*: a deadline is always
recomputed from the starting day and the recorded events, never edited in place (Open Zaak's scar:
extensions stored but the due date never recomputed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from zhifa.core.cases.calendar import DEFAULT_CALENDAR, ONE_DAY, CalendarYearUnknown, WorkingCalendar
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy, PeriodEnd
from zhifa.core.errors import UserError
from zhifa.core.labels import LabeledEnum

APL = "《中华人民共和国行政处罚法》"
ACL = "《中华人民共和国行政强制法》"


class DayType(LabeledEnum):
    WORKING = "working", "工作日"
    CALENDAR = "calendar", "自然日"


class Direction(LabeledEnum):
    AFTER = "after", "之后"  # the deadline is `length` days after the start
    BEFORE = "before", "之前"  # the act must happen at least `length` days before the start


@dataclass(frozen=True)
class DeadlineRule:
    kind: str  # stable UPPER_SNAKE code
    label: str
    day_type: DayType
    length: int
    basis: str  # the article, with the law's name
    starts: str  # what the start day is, in Chinese
    direction: Direction = Direction.AFTER
    suspendable: bool = False  # may suspensions stop this clock?
    extendable: bool = False  # may an approval add days?
    max_extension_days: int | None = None  # cap on all extensions together; None = no legal cap
    # A calendar-day period whose last day is not a working day ends on the next working day
    # (the deployment's day-counting policy, `CasePolicy.calendar_period_end`).
    rolls_to_working_day: bool = True

    def __post_init__(self) -> None:
        if self.length < 1:
            raise ValueError(f"deadline {self.kind}: length must be positive")
        if self.direction is Direction.BEFORE and (self.suspendable or self.extendable):
            raise ValueError(f"deadline {self.kind}: a 'before' window cannot be suspended or extended")


@dataclass(frozen=True)
class Suspension:
    """Days the clock stands still, both ends included (中止: hearing, appraisal, announcement …)."""

    start: dt.date
    end: dt.date
    reason: str = ""


@dataclass(frozen=True)
class Extension:
    """An approved extension (延长) of `days` days of the rule's own day type."""

    days: int
    approved_on: dt.date | None = None
    reason: str = ""


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    day_type: DayType
    start: dt.date
    due_on: dt.date  # the last day the act is on time (for a 'before' rule: the latest day)
    basis: str
    suspended_days: int  # days of the rule's day type the clock stood still
    extended_days: int  # days added by approved extensions


# --- the statutory periods -----------------------------------------------------------------

W, C = DayType.WORKING, DayType.CALENDAR

HEARING_REQUEST = DeadlineRule(
    "HEARING_REQUEST", "听证申请期限", W, 5, f"{APL}第六十四条第一项、第八十五条", "告知听证权利之日"
)
HEARING_NOTICE = DeadlineRule(
    "HEARING_NOTICE", "听证通知期限", W, 7, f"{APL}第六十四条第二项、第八十五条", "举行听证之日", Direction.BEFORE
)
SERVICE = DeadlineRule(
    "SERVICE", "决定书送达期限", W, 7, f"{APL}第六十一条第一款、第八十五条", "宣告处罚决定之日（当事人不在场）"
)
PRESERVATION_DECISION = DeadlineRule(
    "PRESERVATION_DECISION", "先行登记保存处理决定期限", W, 7, f"{APL}第五十六条、第八十五条", "先行登记保存之日"
)
PUBLICATION_WITHDRAWAL = DeadlineRule(
    "PUBLICATION_WITHDRAWAL",
    "撤回已公开处罚决定信息期限",
    W,
    3,
    f"{APL}第四十八条第二款、第八十五条",
    "处罚决定被变更、撤销、确认违法或者确认无效之日",
)
CASH_HAND_IN = DeadlineRule(
    "CASH_HAND_IN", "当场收缴罚款交回期限", W, 2, f"{APL}第七十一条、第八十五条", "当场收缴罚款之日（水上为抵岸之日）"
)
DECISION = DeadlineRule(
    "DECISION",
    "作出处罚决定期限",
    C,
    90,
    f"{APL}第六十条",
    "立案之日",
    suspendable=True,
    extendable=True,
)
PAYMENT = DeadlineRule(
    "PAYMENT", "缴纳罚款期限", C, 15, f"{APL}第六十七条第三款", "收到处罚决定书之日", extendable=True
)
SEIZURE = DeadlineRule(
    "SEIZURE",
    "查封、扣押期限",
    C,
    30,
    f"{ACL}第二十五条",
    "实施查封、扣押之日",
    suspendable=True,  # Art. 25 para 3: testing, inspection, quarantine, appraisal not counted
    extendable=True,
    max_extension_days=30,
)
FREEZE = DeadlineRule(
    "FREEZE", "冻结存款、汇款处理期限", C, 30, f"{ACL}第三十二条", "冻结之日", extendable=True, max_extension_days=30
)

STATUTORY_RULES: tuple[DeadlineRule, ...] = (
    HEARING_REQUEST,
    HEARING_NOTICE,
    SERVICE,
    PRESERVATION_DECISION,
    PUBLICATION_WITHDRAWAL,
    CASH_HAND_IN,
    DECISION,
    PAYMENT,
    SEIZURE,
    FREEZE,
)


def rules(policy: CasePolicy = DEFAULT_POLICY) -> dict[str, DeadlineRule]:
    """Every deadline rule by kind, the configurable ones built from `policy`."""
    configured = (
        notice_response_rule(policy, hearing_right=True),
        notice_response_rule(policy, hearing_right=False),
        DeadlineRule(
            "LEGAL_REVIEW", "法制审核期限", W, policy.legal_review_days, "地方法制审核办法（期限由配置设定）", "送审之日"
        ),
        DeadlineRule(
            "FILING_DECISION",
            "立案决定期限",
            W,
            policy.filing_decision_days,
            "部门行政处罚程序规定（期限由配置设定）",
            "发现案件线索之日",
            extendable=True,
            max_extension_days=policy.filing_decision_days,
        ),
        DeadlineRule(
            "PUBLICATION", "处罚决定公开期限", W, policy.publication_days, "国办发〔2018〕118号（期限由配置设定）", "作出处罚决定之日"
        ),
    )
    table = {r.kind: r for r in (*STATUTORY_RULES, *configured)}
    table["DECISION"] = _with(
        DECISION, length=policy.decision_limit_days, max_extension_days=policy.decision_extension_days
    )
    table["PAYMENT"] = _with(PAYMENT, length=policy.payment_days)
    rolls = policy.calendar_period_end is PeriodEnd.NEXT_WORKING_DAY
    return {kind: r if r.day_type is W else _with(r, rolls_to_working_day=rolls) for kind, r in table.items()}


def rule(kind: str, policy: CasePolicy = DEFAULT_POLICY) -> DeadlineRule:
    try:
        return rules(policy)[kind]
    except KeyError:
        raise UserError(CaseErrorCode.DEADLINE_KIND_UNKNOWN, f"没有名为“{kind}”的期限规则", "kind") from None


def notice_response_rule(policy: CasePolicy = DEFAULT_POLICY, *, hearing_right: bool) -> DeadlineRule:
    """The window after the prior notice (事先告知) during which no decision may be made.

    With a hearing right it is the hearing-request window (APL Art. 64 item 1: 5 working days by
    default); without one it is the statement-and-defence window (Art. 44/45/62; the APL sets no
    number, 3 working days is the common practice [R]).
    """
    if hearing_right:
        return DeadlineRule(
            "NOTICE_RESPONSE",
            "事先告知（含听证告知）答复期限",
            W,
            policy.notice_response_days,
            f"{APL}第四十四条、第六十二条、第六十四条第一项",
            "送达行政处罚告知书之日",
        )
    return DeadlineRule(
        "STATEMENT_DEFENCE",
        "陈述、申辩期限",
        W,
        policy.statement_defence_days,
        f"{APL}第四十四条、第四十五条、第六十二条（期限由配置设定）",
        "送达行政处罚告知书之日",
    )


def _with(base: DeadlineRule, **changes) -> DeadlineRule:
    return replace(base, **changes)


# --- computing -----------------------------------------------------------------------------


def compute(
    rule: DeadlineRule,
    start: dt.date,
    suspensions: Iterable[Suspension | tuple[dt.date, dt.date]] = (),
    extensions: Iterable[Extension | int] = (),
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Deadline:
    """The deadline of `rule` for a period that starts on `start` (which is not counted).

    Counting walks forward from the day after `start`, one day at a time, and counts the days
    of the rule's type (working days, or every day) that fall in no suspension, until the rule's
    length plus all extensions is reached — an extension lengthens the period itself (90 + 30
    days counted from filing), it is not added to a due date already moved past a holiday. A
    calendar-day period whose last day is not a working day then ends on the next working day
    (by analogy to the Civil Procedure Law Art. 85; see `core.cases.calendar`) unless the
    deployment's policy says the day as counted stands (`rules(policy)` sets it on each rule).
    A suspension that starts after the deadline has passed does not revive it. An extension
    approved after the deadline it extends had already passed is refused. For a 'before' rule
    (the hearing notice) the result is the latest day the act may happen.
    """
    suspended = _suspended_days(rule, suspensions)
    ext = _extensions(rule, extensions)
    if rule.direction is Direction.BEFORE:
        due = calendar.add_working_days(start, -rule.length)
        return Deadline(rule.kind, rule.label, rule.day_type, start, due, rule.basis, 0, 0)
    extra = 0
    for extension in ext:
        if extension.approved_on is not None:
            current = _walk(rule, start, rule.length + extra, suspended, calendar)[0]
            if extension.approved_on > current:
                raise UserError(
                    CaseErrorCode.EXTENSION_AFTER_DEADLINE,
                    f"{rule.label}已于 {current.isoformat()} 届满，{extension.approved_on.isoformat()} 批准的延长无效：延长须在期限届满前批准",
                    "extensions",
                )
        extra += extension.days
    due, skipped = _walk(rule, start, rule.length + extra, suspended, calendar)
    return Deadline(rule.kind, rule.label, rule.day_type, start, due, rule.basis, skipped, extra)


@dataclass(frozen=True)
class Provisional:
    """A deadline reaching into a year whose holiday notice is not recorded yet: counted on
    weekends alone until it is, and shown as provisional."""

    deadline: Deadline
    unknown_year: int


def provisionally(work, calendar: WorkingCalendar):
    """Run `work(calendar)`; for years the calendar lacks, retry with weekends only and say so."""
    attempt, unknown = calendar, []
    while True:
        try:
            result = work(attempt)
            return Provisional(result, unknown[0]) if unknown else result
        except CalendarYearUnknown as exc:
            if exc.year in unknown or len(unknown) > 5:
                raise
            unknown.append(exc.year)
            attempt = WorkingCalendar.with_year(exc.year, (), (), base=attempt)


def overdue(deadline: Deadline, today: dt.date) -> bool:
    """True once the last day has passed (acting on the due day itself is on time)."""
    return today > deadline.due_on


def remaining(deadline: Deadline, today: dt.date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> int:
    """Days of the deadline's type left after `today` up to the due day; negative once overdue."""
    if today > deadline.due_on:
        if deadline.day_type is DayType.CALENDAR:
            return -(today - deadline.due_on).days
        return -calendar.working_days_between(deadline.due_on, today)
    if deadline.day_type is DayType.CALENDAR:
        return (deadline.due_on - today).days
    return calendar.working_days_between(today, deadline.due_on)


def _walk(
    rule: DeadlineRule, start: dt.date, length: int, suspended: frozenset[dt.date], calendar: WorkingCalendar
) -> tuple[dt.date, int]:
    working = rule.day_type is DayType.WORKING
    day, counted, skipped = start, 0, 0
    while counted < length:
        day += ONE_DAY
        if working and not calendar.is_working_day(day):
            continue
        if day in suspended:
            skipped += 1
            continue
        counted += 1
    if not working and rule.rolls_to_working_day:
        day = calendar.next_working_day(day)
    return day, skipped


def _suspended_days(rule: DeadlineRule, suspensions: Iterable[Suspension | tuple[dt.date, dt.date]]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for item in suspensions:
        s = item if isinstance(item, Suspension) else Suspension(*item)
        if not rule.suspendable:
            raise UserError(CaseErrorCode.DEADLINE_NOT_SUSPENDABLE, f"{rule.label}（{rule.basis}）不因中止而停止计算", "suspensions")
        if s.end < s.start:
            raise UserError(
                CaseErrorCode.SUSPENSION_INVALID, f"中止期间的结束日 {s.end.isoformat()} 早于开始日 {s.start.isoformat()}", "suspensions"
            )
        days.update(s.start + dt.timedelta(days=i) for i in range((s.end - s.start).days + 1))
    return frozenset(days)


def _extensions(rule: DeadlineRule, extensions: Iterable[Extension | int]) -> list[Extension]:
    items = [e if isinstance(e, Extension) else Extension(e) for e in extensions]
    if items and not rule.extendable:
        raise UserError(CaseErrorCode.DEADLINE_NOT_EXTENDABLE, f"{rule.label}（{rule.basis}）是法定期限，不能延长", "extensions")
    for e in items:
        if isinstance(e.days, bool) or not isinstance(e.days, int) or e.days < 1:
            raise UserError(CaseErrorCode.EXTENSION_INVALID, f"延长天数必须是正整数，收到 {e.days!r}", "extensions")
    total = sum(e.days for e in items)
    if rule.max_extension_days is not None and total > rule.max_extension_days:
        raise UserError(
            CaseErrorCode.EXTENSION_TOO_LONG,
            f"{rule.label}最多延长 {rule.max_extension_days} 日，申请合计延长 {total} 日",
            "extensions",
        )
    # Undated extensions keep their order; dated ones are applied in the order they were approved.
    return sorted(items, key=lambda e: (e.approved_on is not None, e.approved_on or dt.date.min))

"""Execution of a penalty decision (行政处罚的执行, APL Art. 66–73): pure money and date rules.

- `payment_due`: the one rule for the last day to pay (Art. 67 para 3, Art. 66 para 2) — the
  PAYMENT deadline a case shows and the first day of its surcharge both come from it.
- `surcharge`: the late-payment surcharge (加处罚款) of APL Art. 72 item 1 — 3 % of the fine for
  every day after the payment deadline, never more than the fine itself; the days of an
  administrative reconsideration or lawsuit (Art. 73 para 3) and of an approved deferral
  (Art. 66 para 2) do not count.
- `allocate` / `surcharge_account`: the surcharge as its own amount — accrued, paid, reduced or
  waived (ACL Art. 42, where the policy allows), handed to the court — with payments going to
  the fine first and then to the surcharge.
- `validate_plan`: a deferral or instalment plan (暂缓或者分期缴纳, Art. 66 para 2).
- `closing_errors` / `may_close`: a case closes once execution is finished (fine and surcharge
  paid, other penalties carried out) or lawfully ended (court enforcement concluded, execution
  terminated or abandoned under the Administrative Coercion Law Art. 39–40, decision revoked).

Money is integer fen (`core.money`); rates are Decimal; no floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from zhifa.core.cases.calendar import DEFAULT_CALENDAR, ONE_DAY, WorkingCalendar, add_years
from zhifa.core.cases.deadlines import Deadline, Provisional, Suspension, compute, provisionally, rule
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy
from zhifa.core.errors import UserError
from zhifa.core.labels import LabeledEnum
from zhifa.core.money import fen_to_yuan, round_fen

APL = "《中华人民共和国行政处罚法》"
ACL = "《中华人民共和国行政强制法》"
SURCHARGE_RATE = Decimal("0.03")  # per day, APL Art. 72 item 1 — statutory, not a policy number


# --- the last day to pay ----------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentDue:
    """Until when the party may pay the fine without a surcharge."""

    deadline: Deadline  # `due_on` is the last day to pay
    provisional_year: int | None = None  # counted on weekends alone until that year's notice is recorded

    @property
    def last_day(self) -> dt.date:
        return self.deadline.due_on

    @property
    def surcharge_from(self) -> dt.date:
        """APL Art. 72 item 1: "到期不缴纳" — the first day that accrues is the day after the last day."""
        return self.last_day + ONE_DAY

    def shown(self) -> Deadline | Provisional:
        """As the case's deadline list carries it."""
        return Provisional(self.deadline, self.provisional_year) if self.provisional_year else self.deadline


def payment_due(
    served_on: dt.date,
    policy: CasePolicy = DEFAULT_POLICY,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
    plan_ends_on: dt.date | None = None,
) -> PaymentDue:
    """The last day to pay: 15 days from receipt of the decision (Art. 67 para 3), ending where the
    deployment's day-counting policy ends a calendar-day period; an approved deferral or
    instalment plan (Art. 66 para 2) moves it to the plan's last instalment, never earlier."""
    found = provisionally(lambda cal: compute(rule("PAYMENT", policy), served_on, calendar=cal), calendar)
    deadline, year = (found.deadline, found.unknown_year) if isinstance(found, Provisional) else (found, None)
    if plan_ends_on is not None:
        deadline = replace(deadline, due_on=max(deadline.due_on, plan_ends_on), label=deadline.label + "（经批准暂缓或分期）")
    return PaymentDue(deadline, year)


# --- the surcharge ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Surcharge:
    fine_fen: int
    days: int  # days that accrued a surcharge
    amount_fen: int  # after the cap
    capped: bool  # the cap (the fine amount) was reached
    first_day: dt.date | None  # the first day that accrued, if any
    basis: str = f"{APL}第七十二条第一款第一项、第七十三条第三款"


def surcharge(
    fine_fen: int,
    payment_due: dt.date,
    until: dt.date,
    pauses: Iterable[Suspension | tuple[dt.date, dt.date]] = (),
) -> Surcharge:
    """The surcharge on `fine_fen` not paid by `payment_due`, counted up to and including `until`
    (the day of payment, or today while unpaid).

    Every day after `payment_due` accrues 3 % of the fine, except the days inside `pauses`
    (reconsideration or litigation under way, Art. 73 para 3; an approved deferral, Art. 66 —
    or pass the deferred date itself as `payment_due`). The total is rounded half-up to the fen
    once, then capped at the fine (Art. 72: "加处罚款的数额不得超出罚款的数额"). The base is the
    fine as decided, as the statute's words say ("按罚款数额"), not the unpaid balance.
    """
    if isinstance(fine_fen, bool) or not isinstance(fine_fen, int) or fine_fen < 0:
        raise UserError(CaseErrorCode.FINE_INVALID, f"罚款金额必须是非负整数（分），收到 {fine_fen!r}", "fine")
    paused = _days(pauses)
    day, days, first = payment_due, 0, None
    while day < until:
        day += dt.timedelta(days=1)
        if day in paused:
            continue
        days += 1
        first = first or day
    raw = round_fen(Decimal(fine_fen) * SURCHARGE_RATE * days)
    return Surcharge(fine_fen, days, min(raw, fine_fen), fine_fen > 0 and raw >= fine_fen, first)


def _days(intervals: Iterable[Suspension | tuple[dt.date, dt.date]]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for item in intervals:
        s = item if isinstance(item, Suspension) else Suspension(*item)
        if s.end < s.start:
            raise UserError(CaseErrorCode.PAUSE_INVALID, f"不计加处罚款期间的结束日 {s.end.isoformat()} 早于开始日 {s.start.isoformat()}", "pauses")
        days.update(s.start + dt.timedelta(days=i) for i in range((s.end - s.start).days + 1))
    return frozenset(days)


class SurchargeStatus(LabeledEnum):
    NONE = "none", "未产生加处罚款"
    ACCRUING = "accruing", "逾期未缴清罚款，加处罚款按日累计"
    OWED = "owed", "罚款已缴清，加处罚款尚未缴清"
    SETTLED = "settled", "加处罚款已缴清或经批准减免"
    COURT = "court", "已申请人民法院强制执行"
    ENDED = "ended", "执行依法终结"


@dataclass(frozen=True)
class Payment:
    on: dt.date
    amount_fen: int


@dataclass(frozen=True)
class Allocation:
    """Payments split by the stated rule: the fine first, then the surcharge."""

    fine_paid_fen: int
    surcharge_paid_fen: int  # everything beyond the fine, even more than is owed (refused on entry)
    fine_paid_on: dt.date | None  # the day the fine was paid in full: the surcharge stops accruing


def allocate(fine_fen: int, payments: Iterable[Payment]) -> Allocation:
    """Each payment goes to the fine until the fine is paid, the rest to the surcharge.

    The law names no order; we read it from what the two amounts are. The fine is what the
    decision imposes; the surcharge is a coercive measure to make the party pay it (ACL Art. 12
    item 1, Art. 45) and accrues only while the fine is unpaid (APL Art. 72 item 1 "到期不缴纳罚款的").
    A payment therefore discharges the decision's obligation first, which also stops the
    surcharge soonest — the reading most favourable to the party.
    """
    paid, paid_on = 0, None
    for payment in sorted(payments, key=lambda p: p.on):
        paid += payment.amount_fen
        if paid_on is None and paid >= fine_fen:
            paid_on = payment.on
    return Allocation(min(paid, fine_fen), max(0, paid - fine_fen), paid_on)


@dataclass(frozen=True)
class SurchargeAccount:
    """The surcharge of one case as of one day."""

    fine_fen: int
    accrued_fen: int
    paid_fen: int
    remitted_fen: int  # reduced or waived by an approved decision (ACL Art. 42)
    starts_on: dt.date | None  # the first day that accrues, once the last day to pay is known
    days: int
    capped: bool
    status: SurchargeStatus
    basis: str = Surcharge.basis

    @property
    def outstanding_fen(self) -> int:
        return max(0, self.accrued_fen - self.paid_fen - self.remitted_fen)

    @property
    def overpaid_fen(self) -> int:
        return max(0, self.paid_fen + self.remitted_fen - self.accrued_fen)


def surcharge_account(
    fine_fen: int,
    due: PaymentDue | None,
    payments: Iterable[Payment],
    on: dt.date,
    *,
    remitted_fen: int = 0,
    pauses: Iterable[Suspension | tuple[dt.date, dt.date]] = (),
    court_applied: bool = False,
    ended: bool = False,
) -> SurchargeAccount:
    """The surcharge as of `on`: accrued from the day after the last day to pay through the day
    the fine was paid in full (or `on`), paid out of what exceeds the fine, less what was remitted."""
    split = allocate(fine_fen, [p for p in payments if p.on <= on])
    accrued = Surcharge(fine_fen, 0, 0, False, None)
    if due is not None and fine_fen:
        accrued = surcharge(fine_fen, due.last_day, min(split.fine_paid_on or on, on), pauses)
    outstanding = max(0, accrued.amount_fen - split.surcharge_paid_fen - remitted_fen)
    fine_paid = split.fine_paid_on is not None
    if not accrued.amount_fen:
        status = SurchargeStatus.NONE
    elif fine_paid and not outstanding:
        status = SurchargeStatus.SETTLED
    elif ended or court_applied:
        status = SurchargeStatus.ENDED if ended else SurchargeStatus.COURT
    else:
        status = SurchargeStatus.OWED if fine_paid else SurchargeStatus.ACCRUING
    return SurchargeAccount(
        fine_fen, accrued.amount_fen, split.surcharge_paid_fen, remitted_fen,
        due.surcharge_from if due else None, accrued.days, accrued.capped, status,
    )


def may_collect_on_spot(
    fine_fen: int, policy: CasePolicy = DEFAULT_POLICY, *, hard_to_collect: bool = False, remote_area: bool = False
) -> bool:
    """Officers may collect a fine themselves only for an on-the-spot fine ≤ 100 yuan or one that
    would be hard to collect later (APL Art. 68), or in remote, waterborne or poorly connected
    areas when the party asks (Art. 69); otherwise deciding and collecting are separate (Art. 67)."""
    return fine_fen <= policy.cash_on_spot_limit_fen or hard_to_collect or remote_area


# --- deferral and instalments (Art. 66 para 2) ---------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    due_on: dt.date
    amount_fen: int


@dataclass(frozen=True)
class PaymentPlan:
    """A deferral (one instalment after the original deadline) or instalments, as approved."""

    instalments: tuple[Instalment, ...]
    applied_on: dt.date | None = None  # the party's written application
    approved_on: dt.date | None = None  # the agency's approval
    reason: str = ""  # the economic hardship stated (确有经济困难)

    @property
    def ends_on(self) -> dt.date | None:
        """The last instalment: court enforcement may be applied for only after it (Art. 72 para 2)."""
        return max((i.due_on for i in self.instalments), default=None)


def validate_plan(
    amount_fen: int, plan: PaymentPlan, original_due: dt.date, policy: CasePolicy = DEFAULT_POLICY
) -> list[UserError]:
    """Every problem with `plan` for paying `amount_fen` whose deadline was `original_due`."""
    errors: list[UserError] = []
    if plan.applied_on is None:
        errors.append(UserError(CaseErrorCode.PLAN_NOT_APPLIED, f"暂缓或者分期缴纳罚款须经当事人申请；{APL}第六十六条第二款", "plan.appliedOn"))
    if not plan.reason.strip():
        errors.append(UserError(CaseErrorCode.PLAN_REASON_REQUIRED, "须说明当事人确有经济困难的情况", "plan.reason"))
    if plan.approved_on is None:
        errors.append(UserError(CaseErrorCode.PLAN_NOT_APPROVED, f"暂缓或者分期缴纳罚款须经行政机关批准；{APL}第六十六条第二款", "plan.approvedOn"))
    elif plan.applied_on is not None and plan.approved_on < plan.applied_on:
        errors.append(UserError(CaseErrorCode.PLAN_NOT_APPROVED, "批准日期早于申请日期", "plan.approvedOn"))
    if not plan.instalments:
        errors.append(UserError(CaseErrorCode.PLAN_EMPTY, "缴纳计划中没有任何一期", "plan.instalments"))
        return errors
    if any(isinstance(i.amount_fen, bool) or not isinstance(i.amount_fen, int) or i.amount_fen <= 0 for i in plan.instalments):
        errors.append(UserError(CaseErrorCode.PLAN_AMOUNT_INVALID, "每期缴纳金额必须大于零", "plan.instalments"))
    total = sum(i.amount_fen for i in plan.instalments)
    if total != amount_fen:
        errors.append(
            UserError(
                CaseErrorCode.PLAN_TOTAL_MISMATCH,
                f"各期金额合计 {fen_to_yuan(total)} 元，与应缴罚款 {fen_to_yuan(amount_fen)} 元不符",
                "plan.instalments",
            )
        )
    dates = [i.due_on for i in plan.instalments]
    if any(b <= a for a, b in zip(dates, dates[1:])):
        errors.append(UserError(CaseErrorCode.PLAN_DATES_NOT_ORDERED, "各期缴纳日期必须按先后顺序排列且不能重复", "plan.instalments"))
    if plan.approved_on is not None and dates[0] < plan.approved_on:
        errors.append(UserError(CaseErrorCode.PLAN_DATES_NOT_ORDERED, "第一期缴纳日期早于批准日期", "plan.instalments"))
    if len(dates) == 1 and dates[0] <= original_due:
        errors.append(UserError(CaseErrorCode.PLAN_NOT_A_DEFERRAL, f"暂缓缴纳的日期须晚于原缴纳期限 {original_due.isoformat()}", "plan.instalments"))
    limit = policy.max_payment_plan_days
    if limit is not None and max(dates) > original_due + dt.timedelta(days=limit):
        errors.append(
            UserError(
                CaseErrorCode.PLAN_TOO_LONG,
                f"暂缓或者分期缴纳最长为原缴纳期限后 {limit} 日（至 {(original_due + dt.timedelta(days=limit)).isoformat()}）",
                "plan.instalments",
            )
        )
    return errors


# --- closing ---------------------------------------------------------------------------------


class ExecutionEnd(LabeledEnum):
    """Lawful ends of execution other than payment in full."""

    COURT_CONCLUDED = "court_concluded", "人民法院强制执行完毕或者终结"
    TERMINATED = "terminated", "终结执行（行政强制法第四十条）"
    SUSPENDED_THREE_YEARS = "suspended_three_years", "中止执行满三年未恢复，不再执行（行政强制法第三十九条第二款）"
    DECISION_REVOKED = "decision_revoked", "处罚决定被撤销或者确认无效"


@dataclass(frozen=True)
class ExecutionSnapshot:
    fine_fen: int = 0
    paid_fen: int = 0
    surcharge_fen: int = 0  # accrued, from `surcharge`
    surcharge_paid_fen: int = 0
    surcharge_remitted_fen: int = 0  # reduced or waived in an execution agreement (ACL Art. 42)
    other_penalties_done: bool = True  # confiscated property handed over, licence revoked …
    ended_by: ExecutionEnd | None = None
    suspended_on: dt.date | None = None  # when execution was suspended (ACL Art. 39)


def closing_errors(execution: ExecutionSnapshot, today: dt.date) -> list[UserError]:
    """Why the case cannot close yet (empty: it may close)."""
    if execution.ended_by is ExecutionEnd.SUSPENDED_THREE_YEARS:
        if execution.suspended_on is None or today < add_years(execution.suspended_on, 3):
            since = execution.suspended_on.isoformat() if execution.suspended_on else "（未记录）"
            return [
                UserError(
                    CaseErrorCode.CLOSE_EXECUTION_UNFINISHED,
                    f"中止执行自 {since} 起未满三年，不能以不再执行结案；{ACL}第三十九条第二款",
                    "execution",
                )
            ]
        return []
    if execution.ended_by is not None:
        return []
    errors, left = [], []
    if execution.paid_fen < execution.fine_fen:
        left.append(f"罚款尚欠 {fen_to_yuan(execution.fine_fen - execution.paid_fen)} 元")
    if not execution.other_penalties_done:
        left.append("罚款以外的处罚尚未执行完毕")
    if left:
        errors.append(
            UserError(
                CaseErrorCode.CLOSE_EXECUTION_UNFINISHED,
                f"执行尚未完毕（{'；'.join(left)}），也没有依法终结执行，不能结案；{APL}第六十六条至第七十三条",
                "execution",
            )
        )
    surcharge_left = execution.surcharge_fen - execution.surcharge_paid_fen - execution.surcharge_remitted_fen
    if surcharge_left > 0:
        errors.append(
            UserError(
                CaseErrorCode.SURCHARGE_UNSETTLED,
                f"截至 {today.isoformat()} 加处罚款尚欠 {fen_to_yuan(surcharge_left)} 元，缴清、依法减免或者终结执行前不能结案；"
                f"{APL}第七十二条第一款第一项",
                "surcharge",
            )
        )
    return errors


def may_close(execution: ExecutionSnapshot, today: dt.date) -> bool:
    return not closing_errors(execution, today)

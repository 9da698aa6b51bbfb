"""Execution of a penalty decision (行政处罚的执行, APL Art. 66–73): pure money and date rules.

- `surcharge`: the late-payment surcharge (加处罚款) of APL Art. 72 item 1 — 3 % of the fine for
  every day after the payment deadline, never more than the fine itself; the days of an
  administrative reconsideration or lawsuit (Art. 73 para 3) and of an approved deferral
  (Art. 66 para 2) do not count.
- `validate_plan`: a deferral or instalment plan (暂缓或者分期缴纳, Art. 66 para 2).
- `closing_errors` / `may_close`: a case closes once execution is finished (fine and surcharge
  paid, other penalties carried out) or lawfully ended (court enforcement concluded, execution
  terminated or abandoned under the Administrative Coercion Law Art. 39–40, decision revoked).

Money is integer fen (`core.money`); rates are Decimal; no floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from zhifa.core.cases.calendar import add_years
from zhifa.core.cases.deadlines import Suspension
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy
from zhifa.core.errors import UserError
from zhifa.core.labels import LabeledEnum
from zhifa.core.money import fen_to_yuan, round_fen

APL = "《中华人民共和国行政处罚法》"
ACL = "《中华人民共和国行政强制法》"
SURCHARGE_RATE = Decimal("0.03")  # per day, APL Art. 72 item 1 — statutory, not a policy number


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
    left = []
    if execution.paid_fen < execution.fine_fen:
        left.append(f"罚款尚欠 {fen_to_yuan(execution.fine_fen - execution.paid_fen)} 元")
    surcharge_left = execution.surcharge_fen - execution.surcharge_paid_fen - execution.surcharge_remitted_fen
    if surcharge_left > 0:
        left.append(f"加处罚款尚欠 {fen_to_yuan(surcharge_left)} 元")
    if not execution.other_penalties_done:
        left.append("罚款以外的处罚尚未执行完毕")
    if left:
        return [
            UserError(
                CaseErrorCode.CLOSE_EXECUTION_UNFINISHED,
                f"执行尚未完毕（{'；'.join(left)}），也没有依法终结执行，不能结案；{APL}第六十六条至第七十三条",
                "execution",
            )
        ]
    return []


def may_close(execution: ExecutionSnapshot, today: dt.date) -> bool:
    return not closing_errors(execution, today)

"""The order of a case's dates (pure). A step is dated no earlier than the violation and no earlier
than the steps already on the case's timeline: a filing cannot precede the act, an investigation
the filing, a decision its prior notice (APL Art. 54–62 set an order; dates that run backwards
would let a guard judge a step against a past that had not happened yet)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.history import Event
from zhifa.core.cases.procedure import Action
from zhifa.core.errors import UserError

RECORD_LABELS = {
    "payment": "登记缴款",
    "payment_plan": "批准暂缓或分期缴纳",
    "court_application": "申请人民法院强制执行",
    "remit_surcharge": "减免加处罚款",
    "suspend": "中止案件",
    "resume": "恢复案件",
    "extend": "延长办案期限",
    "end_execution": "终结执行",
    "waive_rights": "当事人放弃陈述、申辩和听证",
}


def step_label(kind: str) -> str:
    try:
        return Action(kind).label
    except ValueError:
        return RECORD_LABELS.get(kind, "该步骤")


def order_errors(earlier: Sequence[Event], kind: str, on: dt.date, violation_on: dt.date | None, steps: Collection[str]) -> list[UserError]:
    """Why a `kind` step dated `on` is out of order; `steps` are the event kinds that are steps of
    the procedure (registration is dated by its entry, evidence and publication keep their own)."""
    label, errors = step_label(kind), []
    if violation_on is not None and on < violation_on:
        errors.append(UserError(
            CaseErrorCode.STEP_BEFORE_VIOLATION, f"{label}的日期 {on.isoformat()} 早于违法行为发生日期 {violation_on.isoformat()}", "on",
        ))
    latest = max((e for e in earlier if e.kind in steps), key=lambda e: e.on, default=None)
    if latest is not None and on < latest.on:
        errors.append(before_step(f"{label}的日期 {on.isoformat()}", latest, "on"))
    return errors


def before_step(what: str, earlier: Event, field: str) -> UserError:
    return UserError(
        CaseErrorCode.STEP_BEFORE_PREVIOUS_STEP,
        f"{what} 早于此前已办理的“{step_label(earlier.kind)}”（{earlier.on.isoformat()}）；办案步骤须按时间先后办理",
        field,
    )

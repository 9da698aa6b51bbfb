"""The case procedure as a state machine: which action may move a case from which status to which.

General procedure (普通程序, APL Art. 54–65) and simple procedure (简易程序, Art. 51–53). The
machine only knows the order of steps; whether a step is lawful *now* (enough officers, the
notice window closed, a legal review passed …) is for `core.cases.guards`.

General procedure, the documented paths::

    registered ─file→ filed ─start_investigation→ investigating ─propose→ proposed
    registered ─decline_filing→ not_filed                                  (Art. 54)
    investigating / proposed ─transfer→ transferred ─accept_return→ investigating (Art. 27, 57(4))
        (filed by the police, the case stays transferred: core.cases.transfers)
    proposed ─reinvestigate→ investigating        (the head orders further investigation)
    proposed ─notify→ notified                                             (Art. 44)
    proposed ─decide_no_penalty→ decided                                   (Art. 57(2)(3), 33)
    notified ─request_hearing→ hearing ─hold_hearing→ hearing              (Art. 63–65)
    legal_review / collective_discussion ─request_hearing→ hearing
        (the 5-working-day window runs whatever the agency does meanwhile, Art. 64 item 1;
        a review or discussion held before the hearing is redone on its record, Art. 58, 65)
    notified / hearing ─review→ legal_review                               (Art. 58)
    notified / hearing / legal_review ─discuss→ collective_discussion      (Art. 57 para 2)
    notified / hearing / legal_review / collective_discussion ─decide→ decided
    notified … collective_discussion ─decide_no_penalty→ decided   (defence accepted, Art. 45)
    legal_review ─revise→ proposed   (review says revise: a new proposal, notified again)
    decided ─serve→ served                                                 (Art. 61)
    served ─execute→ executing ─close→ closed                              (Art. 66–73)
    served ─close→ closed            (nothing left to execute)

Simple procedure (on the spot)::

    registered ─decide→ decided ─serve→ served ─close→ closed   (Art. 51–52)
    served ─execute→ executing ─close→ closed                   (fine not paid, Art. 53)
"""

from __future__ import annotations

from types import MappingProxyType

from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.models import CaseStatus, Procedure
from zhifa.core.errors import UserError
from zhifa.core.labels import LabeledEnum


class Action(LabeledEnum):
    FILE = "file", "立案"
    DECLINE_FILING = "decline_filing", "不予立案"
    START_INVESTIGATION = "start_investigation", "调查取证"
    PROPOSE = "propose", "提出处理意见"
    REINVESTIGATE = "reinvestigate", "补充调查"
    NOTIFY = "notify", "事先告知"
    REQUEST_HEARING = "request_hearing", "申请听证"
    HOLD_HEARING = "hold_hearing", "举行听证"
    REVIEW = "review", "法制审核"
    REVISE = "revise", "退回修改处理意见"
    DISCUSS = "discuss", "集体讨论"
    DECIDE = "decide", "作出行政处罚决定"
    DECIDE_NO_PENALTY = "decide_no_penalty", "作出不予行政处罚决定"
    SERVE = "serve", "送达"
    EXECUTE = "execute", "执行"
    CLOSE = "close", "结案"
    TRANSFER = "transfer", "移送"
    ACCEPT_RETURN = "accept_return", "接收退回案件"


S, A = CaseStatus, Action

_PRE_DECISION = {
    S.NOTIFIED: {A.REQUEST_HEARING: S.HEARING, A.REVIEW: S.LEGAL_REVIEW, A.DISCUSS: S.COLLECTIVE_DISCUSSION},
    S.HEARING: {A.HOLD_HEARING: S.HEARING, A.REVIEW: S.LEGAL_REVIEW, A.DISCUSS: S.COLLECTIVE_DISCUSSION},
    S.LEGAL_REVIEW: {A.REQUEST_HEARING: S.HEARING, A.DISCUSS: S.COLLECTIVE_DISCUSSION, A.REVISE: S.PROPOSED},
    S.COLLECTIVE_DISCUSSION: {A.REQUEST_HEARING: S.HEARING},
}

_GENERAL: dict[CaseStatus, dict[Action, CaseStatus]] = {
    S.REGISTERED: {A.FILE: S.FILED, A.DECLINE_FILING: S.NOT_FILED},
    S.FILED: {A.START_INVESTIGATION: S.INVESTIGATING},
    S.INVESTIGATING: {A.PROPOSE: S.PROPOSED, A.TRANSFER: S.TRANSFERRED},
    S.PROPOSED: {
        A.NOTIFY: S.NOTIFIED,
        A.DECIDE_NO_PENALTY: S.DECIDED,
        A.REINVESTIGATE: S.INVESTIGATING,
        A.TRANSFER: S.TRANSFERRED,
    },
    **{
        status: {**steps, A.DECIDE: S.DECIDED, A.DECIDE_NO_PENALTY: S.DECIDED}
        for status, steps in _PRE_DECISION.items()
    },
    S.DECIDED: {A.SERVE: S.SERVED},
    S.SERVED: {A.EXECUTE: S.EXECUTING, A.CLOSE: S.CLOSED},
    S.EXECUTING: {A.CLOSE: S.CLOSED},
    S.TRANSFERRED: {A.ACCEPT_RETURN: S.INVESTIGATING},
    S.NOT_FILED: {},
    S.CLOSED: {},
}

_SIMPLE: dict[CaseStatus, dict[Action, CaseStatus]] = {
    S.REGISTERED: {A.DECIDE: S.DECIDED},
    S.DECIDED: {A.SERVE: S.SERVED},
    S.SERVED: {A.EXECUTE: S.EXECUTING, A.CLOSE: S.CLOSED},
    S.EXECUTING: {A.CLOSE: S.CLOSED},
    S.CLOSED: {},
}

TRANSITIONS: MappingProxyType[Procedure, MappingProxyType[CaseStatus, MappingProxyType[Action, CaseStatus]]] = (
    MappingProxyType(
        {
            procedure: MappingProxyType({status: MappingProxyType(steps) for status, steps in table.items()})
            for procedure, table in ((Procedure.GENERAL, _GENERAL), (Procedure.SIMPLE, _SIMPLE))
        }
    )
)

TERMINAL = frozenset({S.NOT_FILED, S.CLOSED})  # TRANSFERRED waits for a possible return


def parse_action(action: Action | str) -> Action:
    if isinstance(action, Action):
        return action
    try:
        return Action(action)
    except ValueError:
        raise UserError(CaseErrorCode.ACTION_UNKNOWN, f"未知的案件操作“{action}”", "action") from None


def allowed_actions(procedure: Procedure, status: CaseStatus) -> tuple[Action, ...]:
    """The actions the machine accepts in this status, in the order of the procedure."""
    steps = TRANSITIONS[procedure].get(status, {})
    return tuple(a for a in Action if a in steps)


def takes(procedure: Procedure, action: Action | str) -> bool:
    """Whether the procedure has this step at all (the simple procedure never files nor notifies)."""
    act = parse_action(action)
    return any(act in steps for steps in TRANSITIONS[procedure].values())


def next_status(procedure: Procedure, status: CaseStatus, action: Action | str) -> CaseStatus:
    """The status `action` leads to, or UserError TRANSITION_NOT_ALLOWED naming both in Chinese."""
    act = parse_action(action)
    steps = TRANSITIONS[procedure].get(status)
    if steps is None or act not in steps:
        allowed = allowed_actions(procedure, status)
        hint = f"当前可以：{'、'.join(a.label for a in allowed)}" if allowed else "该状态下没有可执行的操作"
        raise UserError(
            CaseErrorCode.TRANSITION_NOT_ALLOWED,
            f"{procedure.label}案件处于“{status.label}”状态，不能“{act.label}”；{hint}",
            "action",
        )
    return steps[act]

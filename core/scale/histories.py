"""One case's history as plain data: the steps from registration to the status it should reach,
each on a working day, spaced as a county bureau works and inside the law's windows (the prior
notice's response window before a decision, a hearing notified seven working days ahead, the
decision within 90 days of filing, service within seven working days), with what each step
records. Pure: the calendar and the case's own generator."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from zhifa.core.cases import transfers
from zhifa.core.cases.calendar import WorkingCalendar
from zhifa.core.cases.deadlines import compute, notice_response_rule, provisionally, rule
from zhifa.core.cases.models import CaseStatus, Procedure
from zhifa.core.cases.policy import DEFAULT_POLICY
from zhifa.core.demo_history import (
    DECLINE_REASONS,
    DISCUSSION_CONCLUSIONS,
    HEARING_RECORDS,
    NO_PENALTY_GROUNDS,
    REVIEW_OPINIONS,
    SERVICE_METHODS,
)

S = CaseStatus
PAST_PROPOSAL = (S.NOTIFIED, S.HEARING, S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION, S.DECIDED, S.SERVED, S.EXECUTING, S.CLOSED)


@dataclass
class Step:
    on: dt.date
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    by: str = "lead"  # lead | head | reviewer


@dataclass
class Plan:
    """What the case generator hands over: the case's procedure, the proposal it rests on and its steps."""

    procedure: Procedure
    target: S
    fine_fen: int | None = None
    kinds: tuple[str, ...] = ()
    no_penalty: bool = False
    major: bool = False
    hearing_right: bool = False
    publishable: bool = False
    steps: list[Step] = field(default_factory=list)


class Calendar:
    """The working-day arithmetic the plans need, memoised (a few thousand distinct days in all)."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self.wd = lru_cache(maxsize=None)(self._wd)
        self.decision_due = lru_cache(maxsize=None)(lambda filed: _due(compute, rule("DECISION", DEFAULT_POLICY), filed, calendar))
        self.response_due = lru_cache(maxsize=None)(
            lambda notice, hearing: _due(compute, notice_response_rule(DEFAULT_POLICY, hearing_right=hearing), notice, calendar))

    def _wd(self, day: dt.date, n: int) -> dt.date:
        """`n` working days after `day`; 0: `day` itself or the next working day (weekends only past the calendar's years)."""
        found = provisionally(lambda cal: cal.add_working_days(day, n) if n > 0 else cal.next_working_day(day), self.calendar)
        return found.deadline if hasattr(found, "unknown_year") else found


def _due(compute_, deadline_rule, start: dt.date, calendar: WorkingCalendar) -> dt.date:
    found = provisionally(lambda cal: compute_(deadline_rule, start, calendar=cal), calendar)
    return (found.deadline if hasattr(found, "unknown_year") else found).due_on


def plan_steps(plan: Plan, registered: dt.date, cal: Calendar, rng: random.Random, court: str) -> None:
    """Fills `plan.steps` from registration on to the target (steps after today are cut by the caller)."""
    steps, wd, t = plan.steps, cal.wd, plan.target

    def add(on: dt.date, kind: str, data: dict | None = None, by: str = "lead") -> dt.date:
        steps.append(Step(on, kind, data or {}, by))
        return on

    if plan.procedure is Procedure.SIMPLE:
        _after_decision(plan, add(registered, "decide", {"fine_fen": plan.fine_fen, "penalty_kinds": list(plan.kinds)}), cal, rng, add, court, simple=True)
        return
    if t is S.REGISTERED:
        return
    day = wd(registered, rng.randint(1, 5))
    if t is S.NOT_FILED:
        add(day, "decline_filing", {"reason": rng.choice(DECLINE_REASONS)})
        return
    filed = add(day, "file")
    if t is S.FILED:
        return
    day = add(wd(day, rng.randint(0, 2)), "start_investigation")
    if t is S.INVESTIGATING:
        return
    if t is S.TRANSFERRED:
        sent = wd(day, rng.randint(5, 20))
        reported = max(day, sent - dt.timedelta(days=rng.randint(0, 3)))
        add(sent, "transfer", {"target": transfers.PUBLIC_SECURITY, "reason": "涉嫌犯罪，依法移送公安机关（行刑衔接）", "approved_by": "head",
                               **transfers.criminal_approval(reported, sent)}, by="head")
        return
    day = add(wd(day, rng.randint(8, 20)), "propose")
    if t is S.PROPOSED:
        return
    if plan.no_penalty:
        decided = add(wd(day, rng.randint(1, 5)), "decide_no_penalty", {"ground": rng.choice(NO_PENALTY_GROUNDS), "fine_fen": 0, "penalty_kinds": []})
        _after_decision(plan, decided, cal, rng, add, court)
        return
    notice = add(wd(day, rng.randint(1, 4)), "notify")
    if t is S.NOTIFIED:
        return
    ready = wd(cal.response_due(notice, plan.hearing_right), rng.randint(1, 3))
    if plan.hearing_right and (t is S.HEARING or rng.random() < 0.3):
        asked = add(wd(notice, rng.randint(1, 4)), "request_hearing")
        if t is S.HEARING and rng.random() < 0.5:
            return
        told = wd(asked, rng.randint(1, 2))
        held = add(wd(told, rng.randint(7, 12)), "hold_hearing", {"chair_id": "chair", "notified_on": told.isoformat(), "waived": False,
                                                                   "record": rng.choice(HEARING_RECORDS)})
        if t is S.HEARING:
            return
        ready = wd(held, rng.randint(1, 3))
    day = ready
    if plan.major:
        day = add(day, "review", {"reviewer_id": "reviewer", "passed": True, "opinion": rng.choice(REVIEW_OPINIONS)}, by="reviewer")
        if t is S.LEGAL_REVIEW:
            return
        day = wd(day, rng.randint(1, 3))
    if t is S.COLLECTIVE_DISCUSSION or (plan.major and rng.random() < 0.4):
        day = add(day, "discuss", {"conclusion": rng.choice(DISCUSSION_CONCLUSIONS), "participants": ["head", "分管副局长", "法制科负责人"]}, by="head")
        if t is S.COLLECTIVE_DISCUSSION:
            return
        day = wd(day, rng.randint(1, 2))
    if day > cal.decision_due(filed):  # never past the 90-day limit: the generator draws again
        raise LateDecision
    _after_decision(plan, add(day, "decide"), cal, rng, add, court)


class LateDecision(Exception):
    """The drawn spacing would decide past the 90-day limit."""


def _after_decision(plan: Plan, decided: dt.date, cal: Calendar, rng: random.Random, add, court: str, simple: bool = False) -> None:
    wd, t = cal.wd, plan.target
    if plan.publishable:
        late = rng.random()
        delay = rng.randint(1, 7) if late < 0.85 else rng.randint(9, 25) if late < 0.95 else None
        if delay is not None:
            add(wd(decided, delay), "publish")
    if t is S.DECIDED:
        return
    served = add(decided if simple else wd(decided, rng.randint(0, 4)), "serve", {"method": "当场交付" if simple else rng.choice(SERVICE_METHODS)})
    if t is S.SERVED:
        return
    fine = plan.fine_fen or 0
    if not fine and (plan.no_penalty or not set(plan.kinds) - {"warning"}):
        add(wd(served, rng.randint(1, 10)), "close")  # nothing left to execute
        return
    started = add(wd(served, rng.randint(0, 2)), "execute")
    if t is S.EXECUTING:
        if fine:  # not paid: the court is asked to enforce it after the time to challenge has run
            add(wd(served + dt.timedelta(days=rng.randint(190, 220)), 0), "court_application", {"court": court})
        return
    if fine:
        paid = max(started, served + dt.timedelta(days=rng.randint(0, DEFAULT_POLICY.payment_days - 2)))
        add(paid, "payment", {"amount_fen": fine, "receipt": "当场收缴" if simple and paid == served else "银行缴款"})
        started = paid
    add(wd(started, rng.randint(1, 10)), "close")

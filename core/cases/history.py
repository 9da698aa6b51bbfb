"""A case's procedural state read from its timeline (pure): the events are the record, and
everything the guards and deadlines need is derived from them, never edited by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zhifa.core.cases.deadlines import Deadline, Extension, Provisional, Suspension, compute, notice_response_rule, provisionally, rules
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.cases.execution import (
    ExecutionEnd,
    ExecutionSnapshot,
    Payment,
    PaymentDue,
    SurchargeAccount,
    allocate,
    payment_due,
    surcharge_account,
)
from zhifa.core.cases.guards import HearingSnapshot, LegalReviewSnapshot, OfficerSnapshot
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy


@dataclass(frozen=True)
class Event:
    """One step of the timeline as plain data: its kind, its day and what it recorded."""

    kind: str
    on: dt.date
    data: dict[str, Any]


def last(events: Sequence[Event], kind: str) -> Event | None:
    return next((e for e in reversed(events) if e.kind == kind), None)


def day(events: Sequence[Event], kind: str) -> dt.date | None:
    found = last(events, kind)
    return found.on if found else None


def hearing(events: Sequence[Event]) -> HearingSnapshot:
    requested, held = last(events, "request_hearing"), last(events, "hold_hearing")
    return HearingSnapshot(
        requested_on=requested.on if requested else None,
        notice_on=_date(held.data.get("notified_on")) if held else None,
        held_on=held.on if held else None,
        held=bool(held and not held.data.get("waived")),
        waived=bool(held and held.data.get("waived")),
        chair_id=held.data.get("chair_id") if held else None,
    )


def legal_review(events: Sequence[Event], reviewers: dict[str, OfficerSnapshot]) -> LegalReviewSnapshot | None:
    review = last(events, "review")
    if review is None or review.data.get("reviewer_id") not in reviewers:
        return None
    return LegalReviewSnapshot(
        passed=bool(review.data.get("passed")),
        reviewer=reviewers[review.data["reviewer_id"]],
        reviewed_on=review.on,
        before_hearing=before_hearing(events, "review"),
    )


def before_hearing(events: Sequence[Event], kind: str) -> bool:
    """The last `kind` step came before a hearing held since (APL Art. 65: the decision rests on the
    hearing record, so a review or discussion that could not read it is redone). A hearing the
    party gave up adds no record and leaves earlier steps standing."""
    position = {e.kind: i for i, e in enumerate(events) if e.kind == kind or (e.kind == "hold_hearing" and not e.data.get("waived"))}
    return kind in position and position.get("hold_hearing", -1) > position[kind]


def suspensions(events: Iterable[Event], until: dt.date) -> tuple[Suspension, ...]:
    """Pairs of suspend/resume events; a suspension still open runs until `until`."""
    found, start, reason = [], None, ""
    for e in events:
        if e.kind == "suspend" and start is None:
            start, reason = e.on, e.data.get("reason", "")
        elif e.kind == "resume" and start is not None:
            found.append(Suspension(start, max(start, e.on - dt.timedelta(days=1)), reason))
            start = None
    if start is not None:
        found.append(Suspension(start, max(start, until), reason))
    return tuple(found)


def challenge_pauses(events: Iterable[Event], until: dt.date) -> tuple[Suspension, ...]:
    """APL Art. 73 para 3: no surcharge accrues while a reconsideration or lawsuit against the
    decision runs — from its filing through the day it ends (still running: through `until`)."""
    ended = {e.data.get("challenge"): e.on for e in events if e.kind == "challenge_decided"}
    return tuple(
        Suspension(e.on, max(e.on, ended.get(e.data.get("challenge"), until)), e.data.get("kind", ""))
        for e in events if e.kind == "challenge_filed"
    )


def extensions(events: Iterable[Event]) -> tuple[Extension, ...]:
    return tuple(Extension(int(e.data["days"]), e.on, e.data.get("reason", "")) for e in events if e.kind == "extend")


def paid_fen(events: Iterable[Event]) -> int:
    return sum(int(e.data.get("amount_fen", 0)) for e in events if e.kind == "payment")


def payments(events: Iterable[Event]) -> list[Payment]:
    return [Payment(e.on, int(e.data.get("amount_fen", 0))) for e in events if e.kind == "payment"]


def plan_ends_on(events: Sequence[Event]) -> dt.date | None:
    """The last instalment of an approved deferral or instalment plan (APL Art. 66 para 2)."""
    plan = last(events, "payment_plan")
    return max(dt.date.fromisoformat(i["due_on"]) for i in plan.data["instalments"]) if plan else None


def last_day_to_pay(events: Sequence[Event], policy: CasePolicy = DEFAULT_POLICY, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> PaymentDue | None:
    """The payment deadline of the served decision (None before service): what the case shows
    as its PAYMENT deadline and where its surcharge starts."""
    served = day(events, "serve")
    return payment_due(served, policy, calendar, plan_ends_on(events)) if served else None


def surcharge(
    events: Sequence[Event], fine_fen: int, on: dt.date, policy: CasePolicy = DEFAULT_POLICY, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> SurchargeAccount:
    """The case's surcharge as of `on`, read from its timeline."""
    upto = [e for e in events if e.on <= on]
    return surcharge_account(
        fine_fen,
        last_day_to_pay(events, policy, calendar),
        payments(upto),
        on,
        remitted_fen=sum(int(e.data.get("amount_fen", 0)) for e in upto if e.kind == "remit_surcharge"),
        pauses=challenge_pauses(events, on),
        court_applied=last(upto, "court_application") is not None,
        ended=last(upto, "end_execution") is not None,
    )


def execution(
    events: Sequence[Event], fine_fen: int, today: dt.date, policy: CasePolicy = DEFAULT_POLICY, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> ExecutionSnapshot:
    """Payments (the fine first, then the surcharge), the surcharge as of `today`, how it ended."""
    account = surcharge(events, fine_fen, today, policy, calendar)
    ended = last(events, "end_execution")
    return ExecutionSnapshot(
        fine_fen=fine_fen,
        paid_fen=min(paid_fen(events), fine_fen),
        surcharge_fen=account.accrued_fen,
        surcharge_paid_fen=account.paid_fen,
        surcharge_remitted_fen=account.remitted_fen,
        ended_by=ExecutionEnd(ended.data["ended_by"]) if ended else None,
        suspended_on=_date(ended.data.get("suspended_on")) if ended else None,
    )


def deadlines(
    events: Sequence[Event],
    fine_fen: int,
    hearing_right: bool,
    publishable: bool,
    policy: CasePolicy,
    calendar: WorkingCalendar,
    today: dt.date,
) -> list[tuple[Deadline | Provisional, dt.date | None]]:
    """Every deadline the timeline has started, with the day it was met (None: still running).
    `publishable`: the decision carries a penalty beyond a warning, so it must be published."""
    table = rules(policy)
    found: list[tuple[Deadline | Provisional, dt.date | None]] = []

    def start(rule, begun: dt.date | None, met: dt.date | None, suspendable: bool = False) -> None:
        if begun is not None:
            stops = suspensions(events, today) if suspendable else ()
            extra = extensions(events) if suspendable else ()
            found.append((provisionally(lambda cal: compute(rule, begun, stops, extra, cal), calendar), met))

    decided = day(events, "decide") or day(events, "decide_no_penalty")
    start(table["DECISION"], day(events, "file"), decided or day(events, "transfer"), suspendable=True)
    notice = day(events, "notify")
    response = notice_response_rule(policy, hearing_right=hearing_right)
    start(response, notice, day(events, "request_hearing") or day(events, "waive_rights"))
    start(table["SERVICE"], decided, day(events, "serve"))
    if publishable:
        start(table["PUBLICATION"], day(events, "decide"), day(events, "publish"))
    due = last_day_to_pay(events, policy, calendar) if fine_fen else None
    if due is not None:
        found.append((due.shown(), allocate(fine_fen, payments(events)).fine_paid_on))  # met: the fine paid in full
    return found


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value

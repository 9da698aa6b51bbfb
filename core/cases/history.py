"""A case's procedural state read from its timeline (pure): the events are the record, and
everything the guards and deadlines need is derived from them, never edited by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from zhifa.core.cases.deadlines import Deadline, Extension, Provisional, Suspension, compute, notice_response_rule, provisionally, rules
from zhifa.core.cases.calendar import WorkingCalendar
from zhifa.core.cases.execution import ExecutionEnd, ExecutionSnapshot, surcharge
from zhifa.core.cases.guards import HearingSnapshot, LegalReviewSnapshot, OfficerSnapshot
from zhifa.core.cases.policy import CasePolicy


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
    return LegalReviewSnapshot(passed=bool(review.data.get("passed")), reviewer=reviewers[review.data["reviewer_id"]], reviewed_on=review.on)


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


def plan_ends_on(events: Sequence[Event]) -> dt.date | None:
    """The last instalment of an approved deferral or instalment plan (APL Art. 66 para 2)."""
    plan = last(events, "payment_plan")
    return max(dt.date.fromisoformat(i["due_on"]) for i in plan.data["instalments"]) if plan else None


def execution(events: Sequence[Event], fine_fen: int, payment_due: dt.date | None, today: dt.date) -> ExecutionSnapshot:
    """Payments, the surcharge accrued since the deadline (moved by an approved plan), how it ended."""
    payment_due = plan_ends_on(events) or payment_due
    paid = paid_fen(events)
    accrued = 0
    if payment_due is not None and fine_fen and paid < fine_fen:
        accrued = surcharge(fine_fen, payment_due, today, challenge_pauses(events, today)).amount_fen
    ended = last(events, "end_execution")
    return ExecutionSnapshot(
        fine_fen=fine_fen,
        paid_fen=min(paid, fine_fen),
        surcharge_fen=accrued,
        surcharge_paid_fen=max(0, paid - fine_fen),
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
    if fine_fen:
        served = day(events, "serve")
        settled = last(events, "payment") if paid_fen(events) >= fine_fen else None
        payment = table["PAYMENT"]
        deferred = plan_ends_on(events)
        found_before = len(found)
        start(payment, served, settled.on if settled else None)
        if deferred is not None and len(found) > found_before:
            deadline, met = found[-1]
            inner = deadline.deadline if isinstance(deadline, Provisional) else deadline
            found[-1] = (replace(inner, due_on=max(inner.due_on, deferred), label=inner.label + "（经批准暂缓或分期）"), met)
    return found


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value

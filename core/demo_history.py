"""The demo counties' case histories: every case reaches its status by the real procedure.

`core.demo` draws what a case is about (item, party, facts, agency) and the status it should
have reached; this module plans the steps that lead there — each on a working day in the past,
spaced as a county bureau works, with the inputs each step needs — and then performs them through
the workflow service (`core.cases.workflow.perform`) and the publication service, in date order
across all cases. So the law's guards judge every step on its own day, and the timeline, the
deadlines (`CaseDeadline`), the document and decision numbers (gap-free, in date order per agency
and year), fines, discretion, filing, decision and closing days, publications, credit records,
payments and the audit record are what the real services write.

Deliberate imperfections, so that supervision has something true to show: a few investigations
run past the 90-day decision limit (some saved by an approved extension), a few decisions wait past
their service deadline, some fines are unpaid past their payment deadline (a few go to court),
some decisions are published late and a few not at all.

Pure planning (`Planner`) is separate from performing (`Runner`); each case has its own random
generator seeded from the demo's, so a case's history does not depend on the others'.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.audit.models import AuditRecord
from zhifa.core.cases import workflow
from zhifa.core.cases.calendar import WorkingCalendar
from zhifa.core.cases.deadlines import compute, notice_response_rule, rule
from zhifa.core.cases.execution import payment_due, surcharge
from zhifa.core.cases.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    CaseOfficer,
    CaseStatus,
    NumberSequence,
    Procedure,
)
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy
from zhifa.core.catalog.discretion import (
    NATURAL_PERSON_KINDS,
    FineRange,
    statutory_range,
)
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.catalog.spec import normalise_facts, typed_facts
from zhifa.core.clock import LEGAL_ZONE
from zhifa.core.errors import UserError, UserErrors
from zhifa.core.people.models import Agency, Officer
from zhifa.core.publication.models import CreditRecord, Publication
from zhifa.core.publication.service import publish

S = CaseStatus
TRIMMED = (CaseEvent, CaseDeadline, CaseOfficer, AuditRecord, Publication, CreditRecord, NumberSequence)
# Statuses reached only after the handling proposal (the discretion recommendation decides the path).
AFTER_PROPOSAL = {S.PROPOSED, S.NOTIFIED, S.HEARING, S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION, S.DECIDED, S.SERVED, S.EXECUTING, S.CLOSED}
# … and of those, the ones on the prior-notice path (a no-penalty decision skips it).
NOTICE_PATH = {S.NOTIFIED, S.HEARING, S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION}

DECLINE_REASONS = [
    "经核查，违法事实不能成立",
    "违法行为轻微并及时改正，没有造成危害后果，依法不予立案",
    "不属于本机关管辖，已告知举报人向有权机关反映",
    "违法行为已超过追责时效",
]
SERVICE_METHODS = ["直接送达", "直接送达", "直接送达", "邮寄送达", "留置送达", "电子送达（当事人同意）"]
DEPARTURE_REASONS = [
    "当事人主动消除违法行为危害后果，积极配合调查，经负责人批准在基准以下处罚",
    "当事人系初创小微企业，经营困难且已全部整改到位，酌情减轻",
]
HEARING_RECORDS = ["当事人陈述、申辩意见已记录在案", "当事人对违法事实无异议，对罚款数额提出异议，已记录"]
REVIEW_OPINIONS = ["事实清楚，证据确凿，适用法律正确，程序合法，裁量适当", "同意承办机构意见"]
DISCUSSION_CONCLUSIONS = ["同意承办机构的处罚意见", "经集体讨论，同意按裁量基准作出处罚"]
NO_PENALTY_GROUNDS = [
    "首违不罚：初次违法、危害后果轻微并及时改正（行政处罚法第三十三条第一款）",
    "违法行为轻微并及时改正，没有造成危害后果（行政处罚法第三十三条第一款）",
]
PLAN_REASON = "当事人经营困难，书面申请分期缴纳"


@dataclass(frozen=True)
class Outlook:
    """What the handling proposal will say, predicted with the same pure rules the workflow uses."""

    fine_fen: int
    kinds: tuple[str, ...]
    major: bool
    hearing_right: bool
    no_penalty: bool
    propose: dict[str, Any]  # the proposal's inputs (a departure carries its fine and reasons)

    @property
    def publishable(self) -> bool:
        return not self.no_penalty and bool(set(self.kinds) - {"warning"})


def outlook(item: CatalogItemVersion, facts: dict[str, Any], party_kind: str, rng: random.Random, depart: bool) -> Outlook | None:
    """The discretion benchmark's recommendation for these facts; None when it cannot propose."""
    if item.discretion is None:
        return None
    try:
        settled = workflow.settle_proposal(item, facts, party_kind, None, None)
        bottom = settled.recommendation.recommended_range
        data: dict[str, Any] = {}
        if depart and bottom and bottom.min_fen >= 500_000 and rng.random() < 0.1:
            data = {"fine_fen": bottom.min_fen * 6 // 10 // 100 * 100, "reasons": rng.choice(DEPARTURE_REASONS)}
            settled = workflow.settle_proposal(item, facts, party_kind, data["fine_fen"], data["reasons"])
    except (UserError, UserErrors):
        return None
    kinds = tuple(settled.kinds)
    no_penalty = not settled.recommendation.tier.penalised and not kinds
    if not no_penalty and not kinds:
        return None
    return Outlook(settled.check.fine_fen or 0, kinds, settled.major, settled.check.hearing_right, no_penalty, data)


def fits(target: CaseStatus, seen: Outlook | None) -> bool:
    """Can a case with this outlook lawfully reach `target`?"""
    if target not in AFTER_PROPOSAL:
        return True
    if seen is None:
        return False
    if target in NOTICE_PATH and seen.no_penalty:
        return False
    if target is S.HEARING:
        return seen.hearing_right
    if target is S.LEGAL_REVIEW:
        return seen.major
    if target is S.EXECUTING:
        return not seen.no_penalty and bool(set(seen.kinds) - {"warning"})
    return True


# --- the plan of one case ---------------------------------------------------------------------


@dataclass
class Move:
    """One planned step: a workflow action (or "publish") on a day, by someone, with its inputs."""

    on: dt.date
    action: str
    data: dict[str, Any] | Callable[[Draft, Case], dict[str, Any]] = field(default_factory=dict)
    by: str = "lead"  # lead | reviewer | head: resolved against the case's people when performed
    minute: int = 0  # minutes after 08:30 that day, for the timeline's moment


@dataclass
class Draft:
    """A case before it exists: what it is about, the status it should reach and how."""

    item: CatalogItemVersion
    agency: Agency
    entity: Any  # core.entities.models.Entity
    facts: dict[str, Any]
    procedure: Procedure
    target: CaseStatus
    seen: Outlook | None
    seed: int
    variant: float  # one draw that picks the flavour of the target (late, overdue, court …)
    county: Agency | None = None  # where a township sends what it may not decide
    court: str = ""  # the basic people's court of the case's county (enforcement applications)
    registered: dt.datetime | None = None
    moves: list[Move] = field(default_factory=list)
    handlers: list[Officer] = field(default_factory=list)
    reviewer: Officer | None = None
    head: Officer | None = None
    chair: Officer | None = None
    case: Case | None = None
    refused: str | None = None  # the step the law refused, if any (a bug in the plan)
    last_moment: dt.datetime | None = None
    last_day: dt.date | None = None  # the day of the step being performed

    @property
    def party_kind(self) -> str:
        return self.entity.kind.value


class Planner:
    """Days and inputs of each step (pure: the calendar, the policy and the case's own generator)."""

    def __init__(self, today: dt.date, calendar: WorkingCalendar, policy: CasePolicy = DEFAULT_POLICY):
        self.today, self.calendar, self.policy = today, calendar, policy
        covered = today.year
        while calendar.covers(covered + 1):
            covered += 1
        # A case is decided only when its 90-day limit falls in a year whose holiday notice is
        # recorded, so that the demo's deadlines are exact rather than provisional.
        self.last_known_day = dt.date(covered, 12, 31) if calendar.covers(covered) else today
        # While a plan is still being moved into the past its first drafts may reach the coming
        # years: those count weekends only (as the workflow's provisional deadlines do).
        for year in range(today.year - 2, today.year + 4):
            if not calendar.covers(year):
                calendar = WorkingCalendar.with_year(year, (), (), base=calendar)
        self.calendar = calendar

    def wd(self, day: dt.date, n: int) -> dt.date:
        """`n` working days after `day`; 0: `day` itself, or the next working day."""
        return self.calendar.add_working_days(day, n) if n > 0 else self.calendar.next_working_day(day)

    def place(self, d: Draft) -> list[Move]:
        """Plan the case so that its last step lies as long ago as its target suggests (and never
        in the future), then return the moves; sets `d.registered`."""
        rng = random.Random(d.seed)
        age = self._age(d, rng)
        wanted = self.today - dt.timedelta(days=age)
        start, stretch = wanted, 0
        moves: list[Move] = []
        for _ in range(8):
            planned = self.wd(start, 0)
            moves = self.plan(d, planned, random.Random(d.seed + 1), stretch)
            anchor = max((m.on for m in moves if m.action != "publish"), default=planned)
            shift = (min(wanted, self.today) - anchor).days
            decided = any(m.action in ("decide", "decide_no_penalty") for m in moves)
            filed = next((m.on for m in moves if m.action == "file"), None)
            more = 0
            if decided and filed:
                # The decision guard counts the 90 days on the holiday calendar: keep the limit in
                # the years it knows (the guard refuses what it cannot judge), and let a case filed
                # that early take longer to investigate instead.
                latest = (self.last_known_day - dt.timedelta(days=self.policy.decision_limit_days + 2) - filed).days
                if shift > latest:
                    more, shift = shift - latest, latest
            if shift == 0 and more == 0:
                break
            # Earlier means an earlier working day (a weekend before Monday would plan Monday again).
            start = self._back(start + dt.timedelta(days=shift)) if shift < 0 else start + dt.timedelta(days=shift)
            stretch += more
        for _ in range(40):  # still reaching past today: start earlier, a working day at a time
            if max((m.on for m in moves if m.action != "publish"), default=planned) <= self.today:
                break
            start = self._back(planned - dt.timedelta(days=1))
            planned = self.wd(start, 0)
            moves = self.plan(d, planned, random.Random(d.seed + 1), stretch)
        first = min(planned, self._back(self.today))  # the day the moves were planned from
        minute = random.Random(d.seed + 2).randint(0, 8 * 60)
        registered = dt.datetime.combine(first, dt.time(8, 30), LEGAL_ZONE) + dt.timedelta(minutes=minute)
        d.registered = min(registered, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        return [m for m in moves if m.on <= self.today]

    def _back(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, otherwise the last working day before it."""
        while not self.calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def _age(self, d: Draft, rng: random.Random) -> int:
        """How many days ago the case's last step (or its registration) happened."""
        t, v = d.target, d.variant
        if t is S.REGISTERED:
            return rng.randint(0, 12)
        if t is S.NOT_FILED:
            return rng.randint(5, 300)
        if t is S.FILED:
            return rng.randint(0, 4)
        if t is S.INVESTIGATING:
            return rng.randint(95, 150) if v < 0.25 else rng.randint(1, 60)  # stale: past the 90-day limit
        if t is S.TRANSFERRED:
            return rng.randint(2, 60)
        if t in (S.PROPOSED, S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION, S.HEARING):
            return rng.randint(0, 6)
        if t is S.NOTIFIED:
            return rng.randint(0, 10)
        if t is S.DECIDED:
            return rng.randint(15, 40) if v < 0.2 else rng.randint(0, 5)  # not served within 7 working days
        if t is S.SERVED:
            return rng.randint(0, 12)
        if t is S.EXECUTING:
            return rng.randint(1, 12) if v < 0.35 else rng.randint(20, 120) if v < 0.75 else rng.randint(5, 50)
        return rng.randint(1, 250)  # closed

    # --- the procedure, step by step -------------------------------------------------------------

    def plan(self, d: Draft, start: dt.date, rng: random.Random, stretch: int = 0) -> list[Move]:
        """The moves from registration on `start` to the target; `stretch` calendar days more of
        investigation before the proposal."""
        moves: list[Move] = []

        def add(on: dt.date, action: str, data=None, by: str = "lead") -> dt.date:
            moves.append(Move(on, action, data if data is not None else {}, by, rng.randint(0, 8 * 60)))
            return on

        if d.procedure is Procedure.SIMPLE:
            self._simple(d, start, rng, add)
            return self._sorted(moves)
        t = d.target
        if t is S.REGISTERED:
            return moves
        day = self.wd(start, rng.randint(1, 5))
        if t is S.NOT_FILED:
            add(day, "decline_filing", {"reason": rng.choice(DECLINE_REASONS)})
            return moves
        filed = add(day, "file")
        if t is S.FILED:
            return moves
        day = add(self.wd(day, rng.randint(0, 2)), "start_investigation")
        if t is S.INVESTIGATING:
            if d.variant < 0.1:  # stale, but the head approved more time before the limit ran out
                self._extend(filed, self.today, rng, add, days=rng.randint(60, 90))
            return moves
        if t is S.TRANSFERRED:
            sent = self.wd(day, rng.randint(5, 20))
            to_police = d.county is None  # approved by the head within 3 days of the team's report (移送规定第五条)
            add(sent, "transfer", _transfer(max(day, sent - dt.timedelta(days=rng.randint(0, 3)))), by="head" if to_police else "lead")
            return moves
        day = add(self.wd(self.wd(day, rng.randint(8, 30)) + dt.timedelta(days=stretch), 0), "propose", dict(d.seen.propose))
        if t is S.PROPOSED:
            return moves
        seen = d.seen
        if seen.no_penalty:
            decided = add(self.wd(day, rng.randint(1, 5)), "decide_no_penalty", {"ground": rng.choice(NO_PENALTY_GROUNDS)})
            self._in_time(filed, decided, moves, rng, add)
            self._after_decision(d, decided, rng, add)
            return self._sorted(moves)
        notice = add(self.wd(day, rng.randint(1, 4)), "notify")
        if t is S.NOTIFIED:
            return moves
        window = compute(notice_response_rule(self.policy, hearing_right=seen.hearing_right), notice, calendar=self.calendar).due_on
        ready = self.wd(window, rng.randint(1, 3))
        if seen.hearing_right and (t is S.HEARING or rng.random() < 0.3):
            asked = add(self.wd(notice, rng.randint(1, 4)), "request_hearing")
            if t is S.HEARING and rng.random() < 0.5:
                return moves
            told = self.wd(asked, rng.randint(1, 2))
            held = self.wd(told, rng.randint(7, 12))
            add(held, "hold_hearing", _hearing(told, rng.choice(HEARING_RECORDS)))
            if t is S.HEARING:
                return moves
            ready = self.wd(held, rng.randint(1, 3))
        elif rng.random() < 0.25:
            waived = add(self.wd(notice, rng.randint(0, 2)), "waive_rights", {"statement": "当事人书面声明：对拟作出的行政处罚无异议，放弃陈述、申辩和听证权利"})
            ready = self.wd(waived, 1)
        day = ready
        if seen.major:
            day = add(day, "review", _review(rng.choice(REVIEW_OPINIONS)), by="reviewer")
            if t is S.LEGAL_REVIEW:
                return moves
            day = self.wd(day, rng.randint(1, 3))
        if t is S.COLLECTIVE_DISCUSSION or (seen.major and rng.random() < 0.4):
            day = add(day, "discuss", _discussion(rng.choice(DISCUSSION_CONCLUSIONS)), by="head")
            if t is S.COLLECTIVE_DISCUSSION:
                return moves
            day = self.wd(day, rng.randint(1, 2))
        decided = add(day, "decide")
        self._in_time(filed, decided, moves, rng, add)
        self._after_decision(d, decided, rng, add)
        return self._sorted(moves)

    def _simple(self, d: Draft, start: dt.date, rng: random.Random, add) -> None:
        """On the spot (APL Art. 51): decided, handed over and often paid the same day."""
        natural = d.party_kind in NATURAL_PERSON_KINDS
        fine = rng.choice([5_000, 10_000, 20_000] if natural else [20_000, 50_000, 100_000, 200_000])
        bound = _statutory_range(d.item, d.facts)
        if bound is not None:  # within the provision's own range (APL Art. 34)
            fine = max(bound.min_fen, min(fine, bound.max_fen))
        decided = add(start, "decide", {"fine_fen": fine})
        self._after_decision(d, decided, rng, add, simple=True)

    def _after_decision(self, d: Draft, decided: dt.date, rng: random.Random, add, simple: bool = False) -> None:
        seen, t, v = d.seen, d.target, d.variant
        publishable = simple or (seen is not None and seen.publishable)
        fine = d.seen.fine_fen if seen is not None and not simple else None
        if publishable:
            late = rng.random()
            delay = rng.randint(1, 7) if late < 0.8 else rng.randint(9, 25) if late < 0.92 else None
            if delay is not None:
                add(self.wd(decided, delay), "publish")
        if t is S.DECIDED:
            return
        served = add(decided if simple else self.wd(decided, rng.randint(0, 4)), "serve", {"method": "当场交付" if simple else rng.choice(SERVICE_METHODS)})
        if t is S.SERVED:
            if simple and rng.random() < 0.5:
                add(served, "payment", _pay_fine("当场收缴"))
            return
        has_fine = simple or bool(fine)
        due = payment_due(served, self.policy, self.calendar).last_day  # as the case shows it and the surcharge counts it
        if t is S.EXECUTING:
            start = add(self.wd(served, rng.randint(0, 2)), "execute")
            if not has_fine:
                return  # other penalties being carried out
            if v < 0.35:
                if rng.random() < 0.3:
                    add(start + dt.timedelta(days=rng.randint(0, 5)), "payment", _pay_part(rng.choice([3, 5])))
            elif v < 0.75:
                if rng.random() < 0.3:  # paid part, then stopped: the rest is overdue
                    add(served + dt.timedelta(days=rng.randint(2, 14)), "payment", _pay_part(2))
            elif v < 0.9 and not simple:
                applied = served + dt.timedelta(days=rng.randint(3, 10))
                add(self.wd(applied, rng.randint(1, 3)), "payment_plan", _plan(applied, rng.randint(2, 3)), by="head")
            else:
                court = served + dt.timedelta(days=rng.randint(190, 220))
                add(self.wd(court, 0), "court_application", {"court": d.court})
            return
        # closed
        if not has_fine:
            if set(seen.kinds if seen else ()) - {"warning"} and not seen.no_penalty:
                last = add(self.wd(served, rng.randint(0, 2)), "execute")
                add(self.wd(last, rng.randint(3, 20)), "close")
            else:
                add(self.wd(served, rng.randint(1, 10)), "close")
            return
        if simple and rng.random() < 0.4:
            paid = add(served, "payment", _pay_fine("当场收缴"))
            add(self.wd(paid, rng.randint(1, 5)), "close")
            return
        started = add(self.wd(served, rng.randint(0, 2)), "execute")
        if v < 0.06 and not simple:  # never paid: the court enforced it
            court = add(self.wd(served + dt.timedelta(days=rng.randint(190, 200)), 0), "court_application", {"court": d.court})
            ended = add(self.wd(court, rng.randint(20, 40)), "end_execution", {"ended_by": "court_concluded", "reason": "人民法院强制执行完毕"})
            add(self.wd(ended, rng.randint(1, 5)), "close")
            return
        if v < 0.18:  # paid late, with the 3 % daily surcharge (APL Art. 72)
            paid = max(started, due + dt.timedelta(days=rng.randint(3, 30)))
            add(paid, "payment", _pay_with_surcharge(due))
        else:
            paid = max(started, served + dt.timedelta(days=rng.randint(1, self.policy.payment_days)))
            add(paid, "payment", _pay_fine("银行缴款"))
        add(self.wd(paid, rng.randint(1, 10)), "close")

    def _in_time(self, filed: dt.date, decided: dt.date, moves: list[Move], rng: random.Random, add) -> None:
        """A decision past the 90-day limit had an extension approved before the limit ran out."""
        limit = self._decision_due(filed)
        if limit is not None and decided > limit:
            # Not past the last day the holiday calendar knows: the guard would refuse to judge.
            room = (self._back(self.last_known_day) - limit).days
            self._extend(filed, decided, rng, add, days=max((decided - limit).days, min(room, (decided - limit).days + rng.randint(5, 25))))

    def _extend(self, filed: dt.date, before: dt.date, rng: random.Random, add, days: int) -> None:
        limit = self._decision_due(filed)
        if limit is None:
            return
        day = min(limit, before) - dt.timedelta(days=rng.randint(2, 10))
        add(max(filed, day), "extend", _extension(days), by="lead")

    def _decision_due(self, filed: dt.date) -> dt.date | None:
        try:
            return compute(rule("DECISION", self.policy), filed, calendar=self.calendar).due_on
        except UserError:
            return None

    @staticmethod
    def _sorted(moves: list[Move]) -> list[Move]:
        return [m for _, m in sorted(enumerate(moves), key=lambda pair: (pair[1].on, pair[0]))]


def simple_fits(item: CatalogItemVersion, facts: dict[str, Any], party_kind: str, policy: CasePolicy = DEFAULT_POLICY) -> bool:
    """Can the case be decided on the spot (APL Art. 51)? The provision's own fine range must
    reach down to the simple procedure's cap for this party, and allow a fine at all (a warning
    alone is not published, and the demo's on-the-spot cases are fines)."""
    try:
        bound = _statutory_range(item, facts)
    except (UserError, UserErrors):  # the range depends on a fact the case has not recorded
        return False
    return bound is None or (bound.max_fen > 0 and bound.min_fen <= policy.simple_fine_limit(party_kind))


def _statutory_range(item: CatalogItemVersion, facts: dict[str, Any]) -> FineRange | None:
    spec = item.spec()
    return statutory_range(spec, typed_facts(spec.facts, normalise_facts(item.code, spec.facts, facts)))


# --- inputs that name the case's people or read the case as it stands -------------------------


def _transfer(reported: dt.date):
    def data(d: Draft, case: Case) -> dict[str, Any]:
        if d.county is not None:
            return {"target": "agency", "agency_id": str(d.county.id), "reason": "拟作出重大行政处罚，依规定移送县级执法部门办理"}
        return {"target": "public_security", "reason": "涉嫌犯罪，依法移送公安机关（行刑衔接）", "reported_on": reported, "approved_by": str(d.head.id)}

    return data


def _hearing(told: dt.date, record: str):
    return lambda d, case: {"chair_id": str(d.chair.id), "notified_on": told, "waived": False, "record": record}


def _review(opinion: str):
    return lambda d, case: {"reviewer_id": d.reviewer.id, "passed": True, "opinion": opinion}


def _discussion(conclusion: str):
    return lambda d, case: {"conclusion": conclusion, "participants": [d.head.name, "分管副局长", "法制科负责人"]}


def _extension(days: int):
    return lambda d, case: {"days": days, "reason": "案情复杂，需补充调查取证", "approved_by": f"{d.head.name}（负责人）批准"}


def _pay_fine(receipt: str):
    return lambda d, case: {"amount_fen": case.fine_fen, "receipt": receipt}


def _pay_part(parts: int):
    return lambda d, case: {"amount_fen": max(1, case.fine_fen // parts), "receipt": "银行缴款（部分）"}


def _pay_with_surcharge(due: dt.date):
    def data(d: Draft, case: Case) -> dict[str, Any]:
        extra = surcharge(case.fine_fen, due, d.last_day).amount_fen
        return {"amount_fen": case.fine_fen + extra, "receipt": f"银行缴款（含加处罚款 {extra / 100:.2f} 元）"}

    return data


def _plan(applied: dt.date, count: int):
    def data(d: Draft, case: Case) -> dict[str, Any]:
        share, first = case.fine_fen // count, d.last_day + dt.timedelta(days=30)
        amounts = [share] * (count - 1) + [case.fine_fen - share * (count - 1)]
        return {
            "applied_on": applied.isoformat(),
            "reason": PLAN_REASON,
            "instalments": [{"due_on": (first + dt.timedelta(days=30 * i)).isoformat(), "amount_fen": a} for i, a in enumerate(amounts)],
        }

    return data


# --- performing the plans ------------------------------------------------------------------------


class Runner:
    """Performs every case's moves through the real services, in date order across the county."""

    def __init__(self, session: AsyncSession, calendar: WorkingCalendar, today: dt.date, advance: Callable[[], None] = lambda: None):
        self.session, self.calendar, self.today, self.advance = session, calendar, today, advance
        self.now = dt.datetime.now(dt.UTC)
        self.moment: dt.datetime | None = None
        self.refused: list[tuple[str, str, str]] = []

    async def run(self, drafts: list[Draft]) -> None:
        queue = sorted((m.on, i, k) for i, d in enumerate(drafts) for k, m in enumerate(d.moves))
        listener = self._stamp
        sa.event.listen(self.session.sync_session, "before_flush", listener)
        try:
            self._trim()
            for n, (on, i, k) in enumerate(queue):
                d = drafts[i]
                if d.refused is None:
                    await self._perform(d, d.moves[k])
                if n % 20 == 19:
                    self._trim()
                self.advance()
            await self._refresh([d for d in drafts if d.refused is None and d.case.status is S.NOTIFIED])
            await self.session.flush()
        finally:
            sa.event.remove(self.session.sync_session, "before_flush", listener)

    async def _perform(self, d: Draft, move: Move) -> None:
        case = d.case
        d.last_day = move.on
        self.moment = self._moment_of(d, move)
        actor = f"officer:{self._person(d, move.by).id}"
        data = move.data(d, case) if callable(move.data) else dict(move.data)
        try:
            if move.action == "publish":
                await publish(self.session, actor, case.id, move.on)
            else:
                step = workflow.Step(case.id, move.action, case.version, move.on, data)
                # The step's own day is the legal day its guards judge (as if entered that day).
                await workflow.perform(self.session, actor, step, calendar=self.calendar, today=move.on)
        except (UserError, UserErrors) as exc:
            d.refused = f"{move.action} {move.on}: {exc}"
            self.refused.append((case.case_number, move.action, str(exc)))

    def _trim(self) -> None:
        """Let go of the rows already written that no later step reads back through the session
        (timeline, deadlines, audit …): an ORM UPDATE or DELETE looks through every object the
        session holds, so a session holding them all would make each step slower than the last."""
        session = self.session.sync_session
        for obj in list(session.identity_map.values()):
            if isinstance(obj, TRIMMED) and not sa.inspect(obj).modified:
                session.expunge(obj)

    def _person(self, d: Draft, by: str) -> Officer:
        return {"reviewer": d.reviewer, "head": d.head}.get(by) or d.handlers[0]

    def _moment_of(self, d: Draft, move: Move) -> dt.datetime:
        moment = dt.datetime.combine(move.on, dt.time(8, 30), LEGAL_ZONE) + dt.timedelta(minutes=move.minute)
        if d.last_moment is not None and moment <= d.last_moment:
            moment = d.last_moment + dt.timedelta(minutes=7)
        moment = min(moment, self.now - dt.timedelta(seconds=1))
        d.last_moment = moment
        return moment.astimezone(dt.UTC)

    def _stamp(self, session, flush_context, instances) -> None:
        """Timeline moments on the step's day (the audit record keeps the true time of entry)."""
        if self.moment is None:
            return
        for obj in session.new:
            if isinstance(obj, CaseEvent) and obj.at is None:
                obj.at = self.moment
        for obj in session.dirty:
            if isinstance(obj, Case) and sa.inspect(obj).attrs.updated_at.history.added:
                obj.updated_at = self.moment  # the step set it to the time of entry

    async def _refresh(self, drafts: list[Draft]) -> None:
        """The workflow recomputes a case's deadlines at every step; a case whose last step was
        backdated gets them recomputed as of today, as its next step would (a response window that
        has run out is met, not overdue)."""
        self.moment = None
        for d in drafts:
            await workflow.refresh_deadlines(self.session, d.case.id, DEFAULT_POLICY, self.calendar, self.today)

"""A county's cases over the scale's years: drawn (item, party, agency, handlers, proposal,
target status), planned (`histories`), then written as the workflow would have left them — the
case row with what its steps settled, the timeline (versions equal the versioned steps), two
handlers with certificates for the domain, the deadlines as `core.cases.history.deadlines`
computes them today, case and document numbers gap-free in date order per agency, type and year,
publications with their credit records."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from zhifa.core.cases import history
from zhifa.core.cases.calendar import add_years
from zhifa.core.cases.deadlines import Deadline, compute, notice_response_rule, provisionally, rules
from zhifa.core.cases.execution import allocate, payment_due
from zhifa.core.cases.models import CaseOfficerRole, CaseStatus, Procedure
from zhifa.core.cases.numbering import DEFAULT_CASE_PATTERN, DEFAULT_DOCUMENT_PATTERN, number_for
from zhifa.core.cases.policy import DEFAULT_POLICY
from zhifa.core.cases.procedure import Action, next_status
from zhifa.core.cases.service import CASE_DOC_TYPE
from zhifa.core.cases.workflow import DOCUMENT_FOR, RECORDS, WAITING_WINDOWS
from zhifa.core.clock import LEGAL_ZONE, legal_date as legal_day
from zhifa.core.demo_history import AFTER_PROPOSAL, fits
from zhifa.core.people.models import AgencyKind, OfficerRole
from zhifa.core.publication import redaction
from zhifa.core.publication.models import CreditSeverity, PublicationStatus
from zhifa.core.publication.service import REPAIR_AFTER, SHOWN_FOR, _add_months, penalty_text
from zhifa.core.scale.histories import Calendar, LateDecision, Plan, Step, plan_steps
from zhifa.core.scale.ids import Ids
from zhifa.core.scale.parties import Party
from zhifa.core.scale.proposals import Pool, Proposal
from zhifa.core.scale.shape import OLD_STATUSES, RECENT_DAYS, RECENT_STATUSES, SIMPLE_SHARE, Scale
from zhifa.core.scale.tables import Rows
from zhifa.core.scale.world import TOWNSHIP_DOMAINS, Agency, County, Staff

S = CaseStatus
HANDLING = (S.SERVED, S.EXECUTING, S.CLOSED)
RULES = rules(DEFAULT_POLICY)
_HEAD, _REVIEWER = OfficerRole.AGENCY_HEAD, OfficerRole.LEGAL_REVIEWER


@dataclass
class Drawn:
    """A case before its numbers: who, what, and the dated steps."""

    agency: Agency
    item: Any  # CatalogItemVersion
    party: Party
    proposal: Proposal | None
    plan: Plan
    registered: dt.datetime
    handlers: list[Staff]
    head: Staff
    reviewer: Staff
    moments: list[dt.datetime] = field(default_factory=list)


class Caseload:
    def __init__(self, scale: Scale, pool: Pool, calendar: Calendar, seed: int, today: dt.date, now: dt.datetime, rows: Rows):
        self.scale, self.pool, self.cal, self.seed, self.today, self.now, self.rows = scale, pool, calendar, seed, today, now, rows
        self.first_day = today - dt.timedelta(days=365 * scale.years)
        self.recent = list(RECENT_STATUSES.items())
        self.old = list(OLD_STATUSES.items())
        self.deadline_of = lru_cache(maxsize=None)(self._deadline)
        self.payment_of = lru_cache(maxsize=None)(lambda served: payment_due(served, DEFAULT_POLICY, calendar.calendar).shown())

    def county(self, county: County, parties: list[Party]) -> int:
        rng, ids = random.Random(f"{self.seed}-cases-{county.code}"), Ids(f"{self.seed}-cases-{county.code}")
        drawn = sorted((self._draw(county, parties, random.Random(rng.getrandbits(64)), n) for n in range(self.scale.cases)), key=lambda d: d.registered)
        numbers = self._numbers(drawn)
        for d in drawn:
            self._write(d, numbers, ids, county)
        return len(drawn)

    # --- drawing ------------------------------------------------------------------------------

    def _draw(self, county: County, parties: list[Party], rng: random.Random, n: int) -> Drawn:
        # The county's first cases take every status in turn, registered long enough ago to reach it.
        first = n < len(self.recent)
        age = rng.randint(100, RECENT_DAYS) if first else rng.randint(0, (self.today - self.first_day).days)
        day = self._back(self.today - dt.timedelta(days=age))
        statuses = self.recent if age <= RECENT_DAYS else self.old
        target = self.recent[n][0] if first else rng.choices(*zip(*statuses))[0]
        for attempt in range(30):
            item = rng.choice(self.pool.items)
            party = rng.choice(parties)
            agency = self._agency_for(county, item, rng)
            proposal = rng.choice(self.pool.by_item[(item.id, party.kind)])
            seen = proposal.outlook
            if agency.kind is AgencyKind.TOWNSHIP_TEAM and seen is not None and seen.major:
                continue  # a township may not impose a major penalty (the county handles such cases)
            if fits(target, seen) or attempt == 29:
                break
        if not fits(target, seen):
            target = S.INVESTIGATING
        plan = self._plan(target, proposal, rng)
        moment = dt.datetime.combine(day, dt.time(8, 30), LEGAL_ZONE) + dt.timedelta(minutes=rng.randint(0, 480))
        for _ in range(5):
            try:
                plan.steps = []
                plan_steps(plan, day, self.cal, rng, county.court)
                break
            except LateDecision:
                continue
        else:
            plan.target, plan.steps = S.INVESTIGATING, []
            plan_steps(plan, day, self.cal, rng, county.court)
        plan.steps = sorted((s for s in plan.steps if s.on <= self.today), key=lambda s: s.on)  # stable: same-day steps keep their order
        enforcers = agency.enforcers(item.domain_code)
        if len(enforcers) < 2:
            agency = county.teams.get(item.domain_code, county.bureau)
            enforcers = agency.enforcers(item.domain_code)
        head = agency.first(_HEAD) or county.bureau.first(_HEAD)
        reviewers = [s for s in county.bureau.staff if s.role is _REVIEWER]
        drawn = Drawn(agency, item, party, proposal, plan, min(moment, self.now - dt.timedelta(minutes=5)), rng.sample(enforcers, 2), head,
                      rng.choice(reviewers))
        drawn.moments = self._moments(drawn, rng)
        return drawn

    def _back(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, otherwise the last working day before it."""
        while self.cal.wd(day, 0) != day:
            day -= dt.timedelta(days=1)
        return day

    def _agency_for(self, county: County, item, rng: random.Random) -> Agency:
        if item.delegable and item.domain_code in TOWNSHIP_DOMAINS and county.townships and rng.random() < 0.4:
            return rng.choice(county.townships)
        if rng.random() < 0.1:
            return county.bureau
        return county.teams.get(item.domain_code, county.bureau)

    def _plan(self, target: S, proposal: Proposal, rng: random.Random) -> Plan:
        seen = proposal.outlook
        if target in HANDLING and proposal.simple_fine is not None and rng.random() < SIMPLE_SHARE:
            fine = proposal.simple_fine
            return Plan(Procedure.SIMPLE, target, fine, ("fine",) if fine else ("warning",), publishable=bool(fine))
        if target not in AFTER_PROPOSAL or seen is None:
            return Plan(Procedure.GENERAL, target)
        return Plan(Procedure.GENERAL, target, seen.fine_fen, seen.kinds, seen.no_penalty, seen.major, seen.hearing_right, seen.publishable)

    # --- numbers ------------------------------------------------------------------------------

    def _numbers(self, drawn: list[Drawn]) -> dict[tuple[int, int], str]:
        """Case numbers (key (case, -1)) and document numbers (key (case, step)), in date order per
        agency, type and year; the counters they leave go to number_sequences."""
        issued: list[tuple[dt.date, dt.datetime, int, int, Agency, str]] = []
        for i, d in enumerate(drawn):
            issued.append((legal_day(d.registered), d.registered, i, -1, d.agency, CASE_DOC_TYPE))
            for k, step in enumerate(d.plan.steps):
                if step.kind in DOCUMENT_FOR:
                    issued.append((step.on, d.moments[k], i, k, d.agency, DOCUMENT_FOR[step.kind].code))
        issued.sort(key=lambda n: (n[0], n[1], n[2], n[3]))
        serial: dict[tuple, int] = defaultdict(int)
        numbers = {}
        for on, moment, i, k, agency, doc_type in issued:
            year = moment.astimezone(LEGAL_ZONE).year if k < 0 else on.year
            key = (agency.id, doc_type, year)
            serial[key] += 1
            pattern = DEFAULT_CASE_PATTERN if k < 0 else DEFAULT_DOCUMENT_PATTERN
            numbers[(i, k)] = number_for(pattern, agency.short_name, doc_type, year, serial[key])
        for (agency_id, doc_type, year), last in serial.items():
            self.rows.add("number_sequences", (agency_id, doc_type, year, last))
        self._index = {id(d): i for i, d in enumerate(drawn)}
        return numbers

    def _moments(self, d: Drawn, rng: random.Random) -> list[dt.datetime]:
        """Each step's moment on its day, strictly after the one before, never in the future."""
        last, found = d.registered, []
        for step in d.plan.steps:
            moment = dt.datetime.combine(step.on, dt.time(8, 30), LEGAL_ZONE) + dt.timedelta(minutes=rng.randint(0, 480))
            moment = min(max(moment, last + dt.timedelta(minutes=7)), self.now - dt.timedelta(seconds=len(d.plan.steps) - len(found)))
            found.append(moment)
            last = moment
        return found

    # --- writing ------------------------------------------------------------------------------

    def _write(self, d: Drawn, numbers: dict, ids: Ids, county: County) -> None:
        i, plan, item = self._index[id(d)], d.plan, d.item
        cid = ids.at(d.registered)
        people = {"lead": d.handlers[0], "head": d.head, "reviewer": d.reviewer}
        status, version = S.REGISTERED, 1
        settled: dict[str, Any] = {"fine_fen": None, "penalty_kinds": [], "major": False, "hearing_right": False, "discretion": None,
                                   "decision_number": None}
        days: dict[str, dt.date] = {}
        events = [history.Event("registered", legal_day(d.registered), {})]
        rows = self.rows
        rows.add("case_events", (ids.at(d.registered), cid, 1, "registered", d.registered, d.handlers[0].actor,
                                 {"item": item.code, "itemVersion": item.version}))
        updated = d.registered
        for k, step in enumerate(plan.steps):
            data = self._data(d, step, numbers.get((i, k)), settled, events)
            if step.kind != "publish":
                version += 1
                updated = d.moments[k]
                if step.kind not in RECORDS:
                    status = _next(plan.procedure, status, step.kind)
                for key in ("fine_fen", "penalty_kinds", "major", "hearing_right", "discretion", "decision_number"):
                    if key in data:
                        settled[key] = data[key]
            days[step.kind] = step.on
            recorded = {"on": step.on.isoformat(), **data}
            events.append(history.Event(step.kind, step.on, recorded))
            rows.add("case_events", (ids.at(d.moments[k]), cid, k + 2, step.kind, d.moments[k], people[step.by].actor, recorded))
        decided = days.get("decide") or days.get("decide_no_penalty")
        rows.add("cases", (cid, numbers[(i, -1)], plan.procedure.value, status.value, item.domain_code, item.id, d.party.id, d.agency.id,
                           d.proposal.facts if d.proposal else {}, f"{d.party.name}涉嫌{item.name}",
                           (d.registered.astimezone(LEGAL_ZONE) - dt.timedelta(days=i % 21)).date(), d.registered, updated, version,
                           days.get("file"), settled["fine_fen"], settled["penalty_kinds"], settled["major"], settled["hearing_right"],
                           settled["discretion"], decided, settled["decision_number"], days.get("close")))
        for position, officer in enumerate(d.handlers):
            rows.add("case_officers", (cid, officer.id, position, CaseOfficerRole.HANDLER.value))
        self._deadlines(cid, events, settled, ids)
        if "publish" in days:
            self._publish(cid, d, settled, decided, days["publish"], ids, county)

    def _data(self, d: Drawn, step: Step, number: str | None, settled: dict, events: list) -> dict[str, Any]:
        """What the step records, with the names of the case's people and its document number."""
        data = dict(step.data)
        if step.kind == "propose":
            data.update(d.proposal.recorded)
        elif step.kind == "transfer":
            data["approved_by"] = str(d.head.id)
        elif step.kind == "hold_hearing":
            data["chair_id"] = str(_chair(d))
        elif step.kind == "review":
            data["reviewer_id"] = str(d.reviewer.id)
        elif step.kind == "discuss":
            data["participants"] = [d.head.name, *data["participants"][1:]]
        elif step.kind == "court_application":
            data["surcharge_fen"] = history.surcharge(events, settled["fine_fen"] or 0, step.on, DEFAULT_POLICY, self.cal.calendar).accrued_fen
        elif step.kind == "publish":
            data["decision_number"] = settled["decision_number"]
        if number is not None:
            data["document_number"] = number
            if step.kind.startswith("decide"):
                data["decision_number"] = number
        return data

    def _deadline(self, kind: str, start: dt.date, hearing_right: bool) -> Deadline | history.Provisional:
        found = notice_response_rule(DEFAULT_POLICY, hearing_right=hearing_right) if kind == "RESPONSE" else RULES[kind]
        return provisionally(lambda cal: compute(found, start, calendar=cal), self.cal.calendar)

    def _deadlines(self, cid, events: list[history.Event], settled: dict, ids: Ids) -> None:
        """`core.cases.history.deadlines` for a timeline without suspensions and extensions (all of
        ours), from memoised periods, with the workflow's waiting windows met once run out."""
        day = lambda kind: history.day(events, kind)  # noqa: E731
        fine, decided = settled["fine_fen"] or 0, day("decide") or day("decide_no_penalty")
        found = []
        if (filed := day("file")) is not None:
            found.append((self.deadline_of("DECISION", filed, False), decided or day("transfer")))
        if (notice := day("notify")) is not None:
            found.append((self.deadline_of("RESPONSE", notice, settled["hearing_right"]), day("request_hearing") or day("waive_rights")))
        if decided is not None:
            found.append((self.deadline_of("SERVICE", decided, False), day("serve")))
        if set(settled["penalty_kinds"]) - {"warning"} and day("decide") is not None:
            found.append((self.deadline_of("PUBLICATION", day("decide"), False), day("publish")))
        if fine and (served := day("serve")) is not None:
            found.append((self.payment_of(served), allocate(fine, history.payments(events)).fine_paid_on))
        for deadline, met in found:
            provisional = deadline.unknown_year if isinstance(deadline, history.Provisional) else None
            shown = deadline.deadline if provisional else deadline
            if shown.kind in WAITING_WINDOWS and met is None and shown.due_on < self.today:
                met = shown.due_on
            self.rows.add("case_deadlines", (ids.at(dt.datetime.combine(shown.start, dt.time(9), dt.UTC)), cid, shown.kind, shown.label,
                                             shown.day_type.value, shown.start, shown.due_on, shown.basis, met, provisional))

    def _publish(self, cid, d: Drawn, settled: dict, decided: dt.date, on: dt.date, ids: Ids, county: County) -> None:
        """As `core.publication.service.publish` redacts and records it, with the credit record."""
        item, party = d.item, d.party
        shown = redaction.Party(party.kind, party.name, party.address, party.operator)

        decided_case = SimpleNamespace(penalty_kinds=settled["penalty_kinds"], fine_fen=settled["fine_fen"])  # what penalty_text reads
        at = dt.datetime.combine(on, dt.time(10), LEGAL_ZONE)
        self.rows.add("publications", (ids.at(at), cid, settled["decision_number"], redaction.party_name(party.name, party.kind), party.kind,
                                       party.credit_code, redaction.address(party.address, party.kind), item.name, item.violated, item.basis,
                                       redaction.free_text(f"{party.name}涉嫌{item.name}", shown), penalty_text(decided_case), settled["fine_fen"],
                                       d.agency.name, d.agency.id, item.domain_code, decided, on, d.handlers[0].actor,
                                       redaction.REDACTION_VERSION, PublicationStatus.PUBLISHED.value, min(at, self.now)))
        severity = CreditSeverity.SERIOUS if settled["major"] else CreditSeverity.ORDINARY
        self.rows.add("credit_records", (ids.at(at), party.id, cid, severity.value, on, _add_months(on, REPAIR_AFTER[severity]),
                                         add_years(on, SHOWN_FOR[severity])))


@lru_cache(maxsize=None)
def _next(procedure: Procedure, status: S, kind: str) -> S:
    return next_status(procedure, status, Action(kind))


def _chair(d: Drawn):
    """The hearing's chair did not investigate (APL Art. 64 item 4): the head, or another officer."""
    if d.head not in d.handlers:
        return d.head.id
    return next(s.id for s in d.agency.staff if s not in d.handlers and s.role.value in ("officer", "agency_head"))


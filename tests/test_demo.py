"""The demo counties' cases are real histories: each reached its status through the procedure's
steps, and what the case says (filing, decision and closing days, numbers, fines, payments,
publications, deadlines) is what its timeline says."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import sqlalchemy as sa
from rich.console import Console

from conftest import KEY
from zhifa.core.audit.service import verify
from zhifa.core.cases.calendar import DEFAULT_CALENDAR
from zhifa.core.cases.history import Event, Provisional, deadlines as computed_deadlines
from zhifa.core.cases.models import Case, CaseDeadline, CaseEvent, CaseOfficer, CaseStatus, Procedure
from zhifa.core.cases.numbering import NUMBER_PATTERN
from zhifa.core.cases.policy import DEFAULT_POLICY
from zhifa.core.cases.procedure import Action, next_status
from zhifa.core.cases.workflow import RECORDS
from zhifa.core.clock import legal_date, legal_today
from zhifa.core.demo import load_demo
from zhifa.core.demo_history import Draft, Planner
from zhifa.core.people.models import (
    Agency,
    AgencyKind,
    Certificate,
    CertificateChange,
    CertificateDomain,
    CertificateStatus,
    Officer,
    OfficerDomain,
    OfficerRole,
)
from zhifa.core.publication.models import Publication


def day_of(event: CaseEvent) -> dt.date:
    return dt.date.fromisoformat(event.data["on"]) if event.data.get("on") else legal_date(event.at)


async def load(sessions):
    async with sessions() as session:
        cases = (await session.execute(sa.select(Case))).scalars().all()
        events = defaultdict(list)
        for e in (await session.execute(sa.select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq))).scalars():
            events[e.case_id].append(e)
        deadlines = defaultdict(dict)
        for d in (await session.execute(sa.select(CaseDeadline))).scalars():
            deadlines[d.case_id][d.kind] = d
        published = set((await session.execute(sa.select(Publication.case_id))).scalars())
        handlers = defaultdict(list)
        officers = {o.id: o for o in (await session.execute(sa.select(Officer))).scalars()}
        for row in (await session.execute(sa.select(CaseOfficer).order_by(CaseOfficer.position))).scalars():
            handlers[row.case_id].append(officers[row.officer_id])
    return cases, events, deadlines, published, handlers


def check_the_timeline_makes_the_case(case, timeline: list) -> dict:
    """Steps numbered 1..n from registration, in date order up to today; the status is what the
    state machine makes of them; the case's dates and decision number are its timeline's. Returns
    the steps by kind (the last of each)."""
    assert timeline[0].kind == "registered" and [e.seq for e in timeline] == list(range(1, len(timeline) + 1))
    days = [day_of(e) for e in timeline]
    assert days == sorted(days) and days[-1] <= legal_today(), case.case_number
    assert [e.at for e in timeline] == sorted(e.at for e in timeline), case.case_number
    status = CaseStatus.REGISTERED
    for e in timeline[1:]:
        if e.kind not in RECORDS and e.kind != "publish":
            status = next_status(case.procedure, status, Action(e.kind))
    assert status is case.status, case.case_number
    by_kind = {e.kind: e for e in timeline}
    assert case.filed_on == (day_of(by_kind["file"]) if "file" in by_kind else None)
    decision = by_kind.get("decide") or by_kind.get("decide_no_penalty")
    assert case.decided_on == (day_of(decision) if decision else None), case.case_number
    assert case.decision_number == (decision.data["decision_number"] if decision else None)
    assert case.closed_on == (day_of(by_kind["close"]) if "close" in by_kind else None)
    return by_kind


async def test_every_demo_case_went_through_the_procedure(demo):
    cases, events, deadlines, published, handlers = await load(demo)
    assert {c.status for c in cases} == set(CaseStatus)  # 60 cases: every status at least once
    for case in cases:
        timeline = events[case.id]
        by_kind = check_the_timeline_makes_the_case(case, timeline)
        if case.status in (CaseStatus.SERVED, CaseStatus.EXECUTING, CaseStatus.CLOSED) and case.procedure is Procedure.GENERAL:
            assert case.discretion and case.discretion["tier"], case.case_number
        # Two handlers with certificates valid from the registration day on (APL Art. 42).
        registered = legal_date(case.registered_at)
        assert len(handlers[case.id]) == 2 and all(o.certificate_valid_from <= registered for o in handlers[case.id])
        # A closed case with a fine was paid in full or enforced by the court.
        if case.status is CaseStatus.CLOSED and case.fine_fen:
            paid = sum(e.data["amount_fen"] for e in timeline if e.kind == "payment")
            assert paid >= case.fine_fen or by_kind["end_execution"].data["ended_by"] == "court_concluded"
        # The stored deadlines are the ones the timeline gives today.
        history = [Event(e.kind, day_of(e), e.data) for e in timeline]
        publishable = bool(set(case.penalty_kinds or []) - {"warning"})
        expected = computed_deadlines(history, case.fine_fen or 0, case.hearing_right, publishable, DEFAULT_POLICY, DEFAULT_CALENDAR, legal_today())
        due = {d.kind: d.due_on for d in (found.deadline if isinstance(found, Provisional) else found for found, _ in expected)}
        assert {k: d.due_on for k, d in deadlines[case.id].items()} == due, case.case_number
        assert ("publish" in by_kind) == (case.id in published)


async def test_numbers_run_gap_free_in_date_order(demo):
    cases, events, *_ = await load(demo)
    issued = defaultdict(list)
    for case in cases:
        for e in events[case.id]:
            if "document_number" in e.data:
                match = NUMBER_PATTERN.match(e.data["document_number"])
                issued[(match["prefix"], match["year"])].append((day_of(e), int(match["serial"])))
    assert len(issued) > 5
    for key, numbers in issued.items():
        numbers.sort(key=lambda n: n[1])
        assert [n for _, n in numbers] == list(range(1, len(numbers) + 1)), key
        assert [d for d, _ in numbers] == sorted(d for d, _ in numbers), key


async def test_supervision_has_true_problems_to_find(demo):
    """Most decisions published, some late or not at all; some deadlines overdue; some fines paid."""
    cases, events, deadlines, published, _ = await load(demo)
    today = legal_today()
    must_publish = [c for c in cases if "PUBLICATION" in deadlines[c.id]]
    on_time = [c for c in must_publish if (d := deadlines[c.id]["PUBLICATION"]).met_on and d.met_on <= d.due_on]
    assert len(published) >= len(must_publish) / 2 and len(on_time) < len(published) < len(must_publish)
    overdue = {d.kind for c in cases for d in deadlines[c.id].values() if d.met_on is None and d.due_on < today}
    assert overdue - {"PUBLICATION"}, overdue
    paid = [c for c in cases if c.fine_fen and sum(e.data["amount_fen"] for e in events[c.id] if e.kind == "payment") >= c.fine_fen]
    unpaid = [c for c in cases if c.fine_fen and c.status in (CaseStatus.SERVED, CaseStatus.EXECUTING) and c not in paid]
    assert paid and unpaid
    assert any(e.kind == "hold_hearing" for c in cases for e in events[c.id])
    assert any(e.kind == "review" for c in cases for e in events[c.id])
    async with demo() as session:
        _, broken = await verify(session)
    assert broken is None


async def test_another_seed_plans_nothing_the_law_refuses(db, database_url, plugins):
    log = io.StringIO()
    summary = await load_demo(database_url, plugins.catalog, KEY, seed=11, cases=80, entities=30, console=Console(file=log, force_terminal=False))
    assert "案件 80 件" in summary and "注意" not in summary, summary  # no refused step, every case where planned
    # Not a terminal: a line per phase for the log, no progress bars.
    assert [line.split(" ", 1)[1] for line in log.getvalue().splitlines()][:2] == ["载入演示数据：舟山市及定海区、普陀区", "定海区：行政区划与执法主体"]
    assert "普陀区：案件 26 件" in log.getvalue() and "生成案件" not in log.getvalue()


async def test_certificates_are_records_the_officers_project(demo):
    """Every enforcing officer's certificate is a record (number, authority, window, domains, a
    VALID change from its first day, a SUSPENDED change from the day it was suspended); each
    bureau has a staff administrator without a certificate; reviewers' first review day is known."""
    async with demo() as session:
        officers = (await session.execute(sa.select(Officer))).scalars().all()
        certificates = {c.officer_id: c for c in (await session.execute(sa.select(Certificate))).scalars()}
        domains = defaultdict(set)
        for certificate_id, code in await session.execute(sa.select(CertificateDomain.certificate_id, CertificateDomain.domain_code)):
            domains[certificate_id].add(code)
        held = defaultdict(set)
        for officer_id, code in await session.execute(sa.select(OfficerDomain.officer_id, OfficerDomain.domain_code)):
            held[officer_id].add(code)
        changes = defaultdict(list)
        for change in (await session.execute(sa.select(CertificateChange).order_by(CertificateChange.effective_on))).scalars():
            changes[change.certificate_id].append((change.status, change.effective_on))
        bureaus = (await session.execute(sa.select(Agency).where(Agency.kind == AgencyKind.COMPREHENSIVE_BUREAU))).scalars().all()
    suspended = 0
    for o in officers:
        if o.role in (OfficerRole.AUXILIARY, OfficerRole.STAFF_ADMIN):
            assert o.id not in certificates and o.certificate_number is None
            continue
        c = certificates[o.id]
        assert (c.number, c.valid_from, c.valid_until) == (o.certificate_number, o.certificate_valid_from, o.certificate_valid_until)
        assert c.issuing_authority in ("舟山市人民政府", "浙江省人民政府") and domains[c.id] == held[o.id] != set()
        expected = [(CertificateStatus.VALID, c.valid_from)]
        if o.status is CertificateStatus.SUSPENDED:
            suspended += 1
            expected.append((CertificateStatus.SUSPENDED, o.status_since))
        assert changes[c.id] == expected, o.name
        if o.role is OfficerRole.LEGAL_REVIEWER:
            assert o.legal_review_since is not None and o.legal_qualification
    assert suspended >= 2
    admins = {o.agency_id for o in officers if o.role is OfficerRole.STAFF_ADMIN}
    assert len(bureaus) == 3 and admins == {b.id for b in bureaus}


def test_a_case_plan_depends_only_on_its_seed():
    """Each case has its own generator: the same seed plans the same days and steps."""
    planner = Planner(legal_today(), DEFAULT_CALENDAR)

    class Kind:
        value = "legal_person"

    def draft() -> Draft:
        return Draft(item=None, agency=None, entity=type("E", (), {"kind": Kind})(), facts={}, procedure=Procedure.GENERAL,
                     target=CaseStatus.INVESTIGATING, seen=None, seed=4242, variant=0.5)

    first, second = draft(), draft()
    assert [(m.on, m.action) for m in planner.place(first)] == [(m.on, m.action) for m in planner.place(second)]
    assert first.registered == second.registered and [m.action for m in planner.place(first)] == ["file", "start_investigation"]

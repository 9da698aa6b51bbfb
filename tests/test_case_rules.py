"""The case procedure's pure legal rules: state machine, guards, execution (core/cases/*.py).

Each test names the article it enforces (APL = 行政处罚法 2021, ACL = 行政强制法 2011). Every guard
is shown both letting a lawful step through and stopping an unlawful one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import deque
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.core.access.viewer import Role
from zhifa.core.cases import guards as g
from zhifa.core.cases.calendar import WorkingCalendar
from zhifa.core.cases import chronology, history
from zhifa.core.cases.deadlines import Extension, Suspension
from zhifa.core.cases.execution import (
    ExecutionEnd,
    ExecutionSnapshot,
    Instalment,
    PaymentPlan,
    closing_errors,
    may_close,
    may_collect_on_spot,
    surcharge,
    validate_plan,
)
from zhifa.core.cases.guards import (
    CaseSnapshot,
    CertificateStatus,
    HearingSnapshot,
    LegalReviewSnapshot,
    LimitationCategory,
    OfficerSnapshot,
    check,
    codes,
)
from zhifa.core.cases.models import CaseStatus, Procedure
from zhifa.core.cases.policy import CasePolicy
from zhifa.core.cases.procedure import TERMINAL, TRANSITIONS, Action, allowed_actions, next_status
from zhifa.core.errors import UserError

d = dt.date
S, A = CaseStatus, Action
TODAY = d(2025, 11, 3)
DOMAIN = "market"


def officer(role=Role.OFFICER, **changes) -> OfficerSnapshot:
    base = OfficerSnapshot(
        id=uuid.uuid4(),
        role=role,
        name=changes.pop("name", "执法人员"),
        status=CertificateStatus.VALID,
        certificate_valid_from=d(2023, 1, 1),
        certificate_valid_until=d(2027, 12, 31),
        domains=frozenset({DOMAIN}),
    )
    return replace(base, **changes)


LEAD, SECOND = officer(name="张三"), officer(name="李四")
REVIEWER = officer(Role.LEGAL_REVIEWER, name="王法审", legal_qualification=True)


def case(**changes) -> CaseSnapshot:
    """A general-procedure case that may lawfully be decided on TODAY (Monday 3 Nov 2025)."""
    base = CaseSnapshot(
        procedure=Procedure.GENERAL,
        domain=DOMAIN,
        party_kind="legal_person",
        handlers=(LEAD, SECOND),
        fine_fen=5_000_000,
        penalty_kinds=frozenset({"fine"}),
        notice_served_on=d(2025, 10, 20),  # 5 WD window ends Monday 27 Oct
        violation_on=d(2025, 3, 1),
        discovered_on=d(2025, 8, 1),
        filed_on=d(2025, 8, 4),  # 90 days end Sunday 2 Nov → Monday 3 Nov
    )
    return replace(base, **changes)


def simple_case(**changes) -> CaseSnapshot:
    base = case(procedure=Procedure.SIMPLE, party_kind="natural_person", fine_fen=20_000, notice_served_on=None)
    return replace(base, **changes)


def errs(guard, snapshot: CaseSnapshot, today: dt.date = TODAY, policy: CasePolicy | None = None) -> list[str]:
    return codes(guard(snapshot, today, policy or CasePolicy(), WorkingCalendar()))


# --- state machine ----------------------------------------------------------------------------


def walk(procedure: Procedure, *actions: Action) -> list[CaseStatus]:
    status, seen = S.REGISTERED, [S.REGISTERED]
    for action in actions:
        status = next_status(procedure, status, action)
        seen.append(status)
    return seen


def test_art54_to_65_general_path_with_hearing_review_and_discussion():
    path = walk(
        Procedure.GENERAL,
        A.FILE, A.START_INVESTIGATION, A.PROPOSE, A.NOTIFY, A.REQUEST_HEARING, A.HOLD_HEARING,
        A.REVIEW, A.DISCUSS, A.DECIDE, A.SERVE, A.EXECUTE, A.CLOSE,
    )  # fmt: skip
    assert path == [
        S.REGISTERED, S.FILED, S.INVESTIGATING, S.PROPOSED, S.NOTIFIED, S.HEARING, S.HEARING,
        S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION, S.DECIDED, S.SERVED, S.EXECUTING, S.CLOSED,
    ]  # fmt: skip


def test_art57_general_path_without_hearing_paid_at_once():
    path = walk(Procedure.GENERAL, A.FILE, A.START_INVESTIGATION, A.PROPOSE, A.NOTIFY, A.DECIDE, A.SERVE, A.CLOSE)
    assert path[-3:] == [S.DECIDED, S.SERVED, S.CLOSED]


def test_art57_no_penalty_decision_without_prior_notice_and_after_defence():
    assert walk(Procedure.GENERAL, A.FILE, A.START_INVESTIGATION, A.PROPOSE, A.DECIDE_NO_PENALTY, A.SERVE, A.CLOSE)[-3:] == [
        S.DECIDED, S.SERVED, S.CLOSED,
    ]  # fmt: skip
    # Art. 45: the defence is accepted after the notice or the hearing
    for status in (S.NOTIFIED, S.HEARING, S.LEGAL_REVIEW, S.COLLECTIVE_DISCUSSION):
        assert next_status(Procedure.GENERAL, status, A.DECIDE_NO_PENALTY) is S.DECIDED


def test_art27_art57_transfer_and_return():
    path = walk(Procedure.GENERAL, A.FILE, A.START_INVESTIGATION, A.TRANSFER, A.ACCEPT_RETURN, A.PROPOSE)
    assert path[2:] == [S.INVESTIGATING, S.TRANSFERRED, S.INVESTIGATING, S.PROPOSED]
    assert next_status(Procedure.GENERAL, S.PROPOSED, A.TRANSFER) is S.TRANSFERRED


def test_art58_review_sends_back_for_a_new_proposal_and_a_new_notice():
    path = walk(
        Procedure.GENERAL, A.FILE, A.START_INVESTIGATION, A.PROPOSE, A.NOTIFY, A.REVIEW, A.REVISE, A.NOTIFY, A.REVIEW, A.DECIDE
    )
    assert path[4:] == [S.NOTIFIED, S.LEGAL_REVIEW, S.PROPOSED, S.NOTIFIED, S.LEGAL_REVIEW, S.DECIDED]
    assert next_status(Procedure.GENERAL, S.PROPOSED, A.REINVESTIGATE) is S.INVESTIGATING


def test_art64_the_hearing_request_stays_open_after_a_review_or_discussion():
    """APL Art. 63–64: the party may ask for a hearing within 5 working days of the notice whatever the
    agency does meanwhile; a legal review or collective discussion inside the window does not close it."""
    path = walk(
        Procedure.GENERAL, A.FILE, A.START_INVESTIGATION, A.PROPOSE, A.NOTIFY, A.REVIEW, A.REQUEST_HEARING, A.HOLD_HEARING, A.REVIEW, A.DECIDE
    )
    assert path[4:] == [S.NOTIFIED, S.LEGAL_REVIEW, S.HEARING, S.HEARING, S.LEGAL_REVIEW, S.DECIDED]
    assert next_status(Procedure.GENERAL, S.COLLECTIVE_DISCUSSION, A.REQUEST_HEARING) is S.HEARING


def test_art58_art65_a_review_or_discussion_before_the_hearing_is_redone_on_its_record():
    """APL Art. 65: after the hearing the decision rests on its record (Art. 57), and Art. 58's review
    precedes the decision: a review or collective discussion held before the hearing did not see it."""
    def events(*kinds, waived=False):
        return [history.Event(k, d(2025, 10, 20 + i), {"reviewer_id": "r", "passed": True, "waived": waived}) for i, k in enumerate(kinds)]

    reviewers = {"r": REVIEWER}
    stale = history.legal_review(events("notify", "review", "request_hearing", "hold_hearing"), reviewers)
    fresh = history.legal_review(events("notify", "review", "request_hearing", "hold_hearing", "review"), reviewers)
    given_up = history.legal_review(events("notify", "review", "request_hearing", "hold_hearing", waived=True), reviewers)
    assert stale.before_hearing and not fresh.before_hearing and not given_up.before_hearing
    major = case(major=True)
    assert errs(g.legal_review, replace(major, legal_review=stale)) == ["RECONSIDER_AFTER_HEARING"]
    assert errs(g.legal_review, replace(major, legal_review=fresh)) == []
    discussed = case(complex_or_serious=True, collective_discussion_held=True)
    assert history.before_hearing(events("discuss", "request_hearing", "hold_hearing"), "discuss")
    assert errs(g.collective_discussion, replace(discussed, discussed_before_hearing=True)) == ["RECONSIDER_AFTER_HEARING"]
    assert errs(g.collective_discussion, discussed) == []


def test_art54_to_62_step_dates_follow_the_violation_and_each_other():
    """APL Art. 54–62 set the order of the steps; their dates may not run backwards."""
    timeline = [history.Event("registered", d(2025, 11, 3), {}), history.Event("file", d(2025, 8, 4), {}),
                history.Event("publish", d(2025, 10, 1), {})]
    steps = {a.value for a in Action}
    assert chronology.order_errors(timeline, "start_investigation", d(2025, 8, 4), d(2025, 3, 1), steps) == []  # same day is in order
    before_filing = chronology.order_errors(timeline, "start_investigation", d(2025, 8, 3), d(2025, 3, 1), steps)
    assert codes(before_filing) == ["STEP_BEFORE_PREVIOUS_STEP"] and "早于此前已办理的“立案”（2025-08-04）" in before_filing[0].message
    assert codes(chronology.order_errors([], "file", d(2025, 2, 28), d(2025, 3, 1), steps)) == ["STEP_BEFORE_VIOLATION"]
    assert chronology.order_errors([], "payment", d(2025, 3, 1), None, steps) == []


def test_art54_declining_to_file_is_terminal():
    assert walk(Procedure.GENERAL, A.DECLINE_FILING) == [S.REGISTERED, S.NOT_FILED]
    assert allowed_actions(Procedure.GENERAL, S.NOT_FILED) == ()


def test_art51_simple_procedure_on_the_spot():
    assert walk(Procedure.SIMPLE, A.DECIDE, A.SERVE, A.CLOSE) == [S.REGISTERED, S.DECIDED, S.SERVED, S.CLOSED]
    assert walk(Procedure.SIMPLE, A.DECIDE, A.SERVE, A.EXECUTE, A.CLOSE)[-2:] == [S.EXECUTING, S.CLOSED]


@pytest.mark.parametrize(
    ("procedure", "status", "action"),
    [
        (Procedure.GENERAL, S.REGISTERED, A.DECIDE),  # no filing, no investigation (Art. 54)
        (Procedure.GENERAL, S.INVESTIGATING, A.DECIDE),  # no prior notice (Art. 44, 62)
        (Procedure.GENERAL, S.PROPOSED, A.DECIDE),  # no prior notice
        (Procedure.GENERAL, S.PROPOSED, A.REQUEST_HEARING),  # hearing right comes with the notice (Art. 63)
        (Procedure.GENERAL, S.COLLECTIVE_DISCUSSION, A.REVIEW),  # review comes before the heads decide (Art. 58)
        (Procedure.GENERAL, S.NOTIFIED, A.SERVE),  # nothing decided to serve (Art. 61)
        (Procedure.GENERAL, S.DECIDED, A.CLOSE),  # not served
        (Procedure.GENERAL, S.DECIDED, A.EXECUTE),
        (Procedure.GENERAL, S.CLOSED, A.FILE),
        (Procedure.GENERAL, S.TRANSFERRED, A.DECIDE),
        (Procedure.GENERAL, S.FILED, A.TRANSFER),
        (Procedure.SIMPLE, S.REGISTERED, A.FILE),  # simple procedure has no filing
        (Procedure.SIMPLE, S.DECIDED, A.REQUEST_HEARING),
    ],
)
def test_illegal_steps_are_refused_naming_status_and_action(procedure, status, action):
    with pytest.raises(UserError) as exc:
        next_status(procedure, status, action)
    assert exc.value.code == "TRANSITION_NOT_ALLOWED" and exc.value.field == "action"
    assert status.label in exc.value.message and action.label in exc.value.message


def test_unknown_action_and_string_actions():
    assert next_status(Procedure.GENERAL, S.REGISTERED, "file") is S.FILED
    with pytest.raises(UserError) as exc:
        next_status(Procedure.GENERAL, S.REGISTERED, "approve_everything")
    assert exc.value.code == "ACTION_UNKNOWN"


def test_every_general_status_is_reachable_and_can_finish():
    table = TRANSITIONS[Procedure.GENERAL]
    assert set(table) == set(CaseStatus)
    reach, queue = {S.REGISTERED}, deque([S.REGISTERED])
    while queue:
        for target in table[queue.popleft()].values():
            if target not in reach:
                reach.add(target)
                queue.append(target)
    assert reach == set(CaseStatus)
    for status in CaseStatus:  # from anywhere a terminal status stays reachable
        seen, queue = {status}, deque([status])
        while queue:
            for target in table[queue.popleft()].values():
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        assert seen & TERMINAL
    assert all(not table[t] for t in TERMINAL)


@settings(max_examples=300, deadline=None)
@given(procedure=st.sampled_from(list(Procedure)), actions=st.lists(st.sampled_from(list(Action)), max_size=25))
def test_property_random_action_sequences_only_follow_the_table(procedure, actions):
    status = S.REGISTERED
    for action in actions:
        allowed = allowed_actions(procedure, status)
        try:
            after = next_status(procedure, status, action)
        except UserError as exc:
            assert exc.code == "TRANSITION_NOT_ALLOWED" and action not in allowed
            continue
        assert action in allowed and after is TRANSITIONS[procedure][status][action]
        status = after
    assert status in TRANSITIONS[procedure]


# --- Art. 42: who acts --------------------------------------------------------------------------


def test_art42_two_officers_with_valid_certificates_pass():
    assert errs(g.officers, case()) == []
    # the last day of validity still counts
    assert errs(g.officers, case(), today=d(2027, 12, 31)) == []


def test_art42_one_officer_is_too_few():
    assert errs(g.officers, case(handlers=(LEAD,))) == ["OFFICERS_TOO_FEW"]
    assert errs(g.officers, case(handlers=())) == ["OFFICERS_TOO_FEW"]


def test_art42_seed001_auxiliary_staff_never_handle_a_case():
    """APL Art. 42; seed 001 (依靠聘用的辅助人员代替行政执法人员执法): an auxiliary is no handler, in
    any position and from filing on — they are recorded as assistants instead, outside the handlers."""
    helper = officer(Role.AUXILIARY, name="辅助", certificate_valid_from=None, certificate_valid_until=None, domains=frozenset())
    assert errs(g.officers, case(handlers=(LEAD, SECOND, helper))) == ["AUXILIARY_CANNOT_ENFORCE"]
    assert errs(g.officers, case(handlers=(LEAD, helper))) == ["AUXILIARY_CANNOT_ENFORCE", "OFFICERS_TOO_FEW"]
    lead = g.officers(case(handlers=(helper, LEAD)), TODAY, CasePolicy(), WorkingCalendar())
    assert codes(lead) == ["AUXILIARY_CANNOT_ENFORCE", "OFFICERS_TOO_FEW"] and "主办人员辅助" in lead[0].message
    assert codes(check(A.FILE, case(handlers=(helper, LEAD), filed_on=None), TODAY)) == ["AUXILIARY_CANNOT_ENFORCE"]


@pytest.mark.parametrize(
    ("changes", "today", "wording"),
    [
        ({"status": CertificateStatus.SUSPENDED}, TODAY, "暂扣"),
        ({"status": "revoked"}, TODAY, "注销或者吊销"),
        ({"certificate_valid_until": d(2025, 11, 2)}, TODAY, "已于 2025-11-02 过期"),
        ({"certificate_valid_from": d(2026, 1, 1)}, TODAY, "起才有效"),
        ({"certificate_valid_until": None}, TODAY, "信息不全"),
    ],
)
def test_art42_art55_suspended_revoked_expired_certificates_act_nowhere(changes, today, wording):
    bad = officer(name="赵五", **changes)
    snapshot = case(handlers=(LEAD, SECOND, bad))
    result = g.officers(snapshot, today, CasePolicy(), WorkingCalendar())
    invalid = [e for e in result if e.code == "CERTIFICATE_INVALID"]
    assert len(invalid) == 1 and wording in invalid[0].message and "赵五" in invalid[0].message
    assert codes(result) == ["CERTIFICATE_INVALID"]  # the other two still make two
    assert codes(g.officers(case(handlers=(LEAD, bad)), today, CasePolicy(), WorkingCalendar())) == [
        "CERTIFICATE_INVALID", "OFFICERS_TOO_FEW",
    ]  # fmt: skip


def test_art42_art55_a_suspension_acts_from_its_own_day():
    """APL Art. 42, 55: a certificate suspended later did not stop an act taken before (judged on the step's day)."""
    suspended = officer(name="赵五", status=CertificateStatus.SUSPENDED, status_since=d(2025, 11, 1))
    snapshot = case(handlers=(LEAD, suspended))
    assert errs(g.officers, snapshot, today=d(2025, 10, 31)) == []
    found = g.officers(snapshot, d(2025, 11, 1), CasePolicy(), WorkingCalendar())
    assert codes(found) == ["CERTIFICATE_INVALID", "OFFICERS_TOO_FEW"] and "自 2025-11-01 起已被暂扣" in found[0].message


def test_art42_certificate_must_cover_the_domain():
    outsider = officer(domains=frozenset({"ecology"}))
    assert errs(g.officers, case(handlers=(LEAD, outsider))) == ["CERTIFICATE_DOMAIN_MISMATCH", "OFFICERS_TOO_FEW"]


def test_art42_roles_given_as_plain_strings():
    assert errs(g.officers, case(handlers=(officer("agency_head"), officer("officer")))) == []
    assert "AUXILIARY_CANNOT_ENFORCE" in errs(g.officers, case(handlers=(officer("auxiliary"), LEAD, SECOND)))


# --- Art. 24: townships -------------------------------------------------------------------------


def test_art24_township_acts_only_on_delegated_items():
    assert errs(g.township_delegation, case()) == []  # a county agency
    assert errs(g.township_delegation, case(agency_is_township=True, item_delegated_to_township=True)) == []
    assert errs(g.township_delegation, case(agency_is_township=True)) == ["ITEM_NOT_DELEGATED"]


def test_township_major_penalty_goes_to_the_county():
    township = case(agency_is_township=True, item_delegated_to_township=True)
    assert errs(g.township_major, township) == []
    assert errs(g.township_major, replace(township, major=True)) == ["MAJOR_PENALTY_TO_COUNTY"]
    assert errs(g.township_major, case(major=True)) == []  # a county agency decides major penalties
    assert errs(g.township_major, replace(township, major=True), policy=CasePolicy(township_major_to_county=False)) == []


# --- Art. 36: limitation ----------------------------------------------------------------------


def test_art36_two_years_from_the_act_inclusive_of_the_anniversary():
    act = case(violation_on=d(2023, 3, 10))
    assert errs(g.limitation, replace(act, discovered_on=d(2025, 3, 10))) == []
    found = g.limitation(replace(act, discovered_on=d(2025, 3, 11)), TODAY, CasePolicy(), WorkingCalendar())
    assert codes(found) == ["LIMITATION_EXPIRED"] and "2025-03-10" in found[0].message


def test_art36_five_years_for_life_health_or_financial_safety():
    act = case(violation_on=d(2021, 3, 10), discovered_on=d(2025, 3, 11))
    assert errs(g.limitation, act) == ["LIMITATION_EXPIRED"]
    assert errs(g.limitation, replace(act, limitation=LimitationCategory.LIFE_HEALTH_FINANCE)) == []
    assert errs(g.limitation, replace(act, discovered_on=d(2026, 3, 11), limitation=LimitationCategory.LIFE_HEALTH_FINANCE)) == [
        "LIMITATION_EXPIRED"
    ]


def test_art36_continuing_act_counts_from_its_end():
    started_long_ago = case(violation_on=d(2019, 1, 1), continuing=True, discovered_on=d(2025, 8, 1))
    assert errs(g.limitation, started_long_ago) == []  # still going on
    assert errs(g.limitation, replace(started_long_ago, violation_ended_on=d(2024, 1, 1))) == []
    assert errs(g.limitation, replace(started_long_ago, violation_ended_on=d(2023, 7, 31))) == ["LIMITATION_EXPIRED"]


def test_art36_special_law_and_missing_facts():
    act = case(violation_on=d(2020, 6, 1), discovered_on=d(2025, 1, 1), limitation=LimitationCategory.SPECIAL_LAW)
    assert errs(g.limitation, replace(act, limitation_years=5)) == []
    with pytest.raises(UserError) as exc:  # a guard that cannot judge raises; check() reports it
        errs(g.limitation, act)
    assert exc.value.code == "LIMITATION_YEARS_REQUIRED"
    assert codes(check(A.FILE, act, TODAY)) == ["LIMITATION_YEARS_REQUIRED"]
    assert "VIOLATION_DATE_REQUIRED" in codes(check(A.FILE, case(violation_on=None), TODAY))


def test_art36_29_february_ends_on_28_february():
    leap = case(violation_on=d(2024, 2, 29))
    assert errs(g.limitation, replace(leap, discovered_on=d(2026, 2, 28))) == []
    assert errs(g.limitation, replace(leap, discovered_on=d(2026, 3, 1))) == ["LIMITATION_EXPIRED"]


def test_art36_discovery_defaults_to_filing():
    act = case(violation_on=d(2023, 3, 10), discovered_on=None, filed_on=d(2025, 3, 11))
    assert errs(g.limitation, act) == ["LIMITATION_EXPIRED"]


# --- Art. 51: simple procedure -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party_kind", "fine_fen", "kinds", "ok"),
    [
        ("natural_person", 20_000, {"fine"}, True),  # 200 yuan
        ("natural_person", 20_001, {"fine"}, False),
        ("individual_business", 20_001, {"fine"}, False),  # 个体工商户 count as citizens
        ("legal_person", 300_000, {"fine"}, True),  # 3,000 yuan
        ("other_organisation", 300_001, {"fine"}, False),
        ("legal_person", 0, {"warning"}, True),
        ("natural_person", 10_000, {"warning", "fine"}, True),
        ("natural_person", 0, {"revoke_licence"}, False),
        ("natural_person", 0, {"circulated_criticism"}, False),
        ("natural_person", 0, set(), False),
    ],
)
def test_art51_simple_procedure_thresholds(party_kind, fine_fen, kinds, ok):
    snapshot = simple_case(penalty_kinds=frozenset(kinds))
    snapshot = replace(snapshot, party_kind=party_kind, fine_fen=fine_fen)
    found = errs(g.simple_procedure, snapshot)
    assert (found == []) is ok
    assert set(found) <= {"SIMPLE_PROCEDURE_NOT_ALLOWED"}


def test_art51_limits_come_from_the_policy():
    higher = CasePolicy(simple_fine_limit_natural_fen=50_000)
    assert errs(g.simple_procedure, simple_case(fine_fen=50_000), policy=higher) == []


# --- Art. 44, 62: prior notice --------------------------------------------------------------------


def test_art62_no_decision_without_a_served_notice():
    assert errs(g.notice, case(notice_served_on=None)) == ["NOTICE_REQUIRED"]


def test_art64_no_decision_while_the_hearing_request_window_is_open():
    """Notice served Friday 26 Sep 2025 with a hearing right: the window runs to 10 Oct."""
    notified = case(notice_served_on=d(2025, 9, 26), hearing_right=True)
    found = g.notice(notified, d(2025, 10, 10), CasePolicy(), WorkingCalendar())
    assert codes(found) == ["NOTICE_WINDOW_OPEN"] and "2025-10-10" in found[0].message
    assert errs(g.notice, notified, today=d(2025, 10, 11)) == []


def test_art44_statement_window_without_hearing_right_is_shorter():
    """3 WD from 26 Sep 2025: 28, 29, 30 Sep."""
    notified = case(notice_served_on=d(2025, 9, 26), hearing_right=False)
    assert errs(g.notice, notified, today=d(2025, 9, 30)) == ["NOTICE_WINDOW_OPEN"]
    assert errs(g.notice, notified, today=d(2025, 10, 1)) == []


def test_art62_express_waiver_and_recorded_window():
    notified = case(notice_served_on=d(2025, 9, 26), hearing_right=True)
    assert errs(g.notice, replace(notified, rights_waived=True), today=d(2025, 9, 29)) == []
    assert errs(g.notice, replace(notified, response_window_due=d(2025, 10, 20)), today=d(2025, 10, 15)) == [
        "NOTICE_WINDOW_OPEN"
    ]


# --- Art. 63–65: hearing ------------------------------------------------------------------------


def test_art63_hearing_only_for_penalties_that_carry_the_right():
    assert errs(g.hearing_request, case(hearing_right=False)) == ["HEARING_NOT_AVAILABLE"]


def test_art64_hearing_request_within_five_working_days():
    notified = case(notice_served_on=d(2025, 9, 26), hearing_right=True)
    on_time = replace(notified, hearing=HearingSnapshot(requested_on=d(2025, 10, 10)))
    late = replace(notified, hearing=HearingSnapshot(requested_on=d(2025, 10, 11)))
    assert errs(g.hearing_request, on_time) == []
    assert errs(g.hearing_request, late) == ["HEARING_REQUEST_LATE"]
    assert check(A.REQUEST_HEARING, late, d(2025, 10, 11)) and not check(A.REQUEST_HEARING, on_time, d(2025, 10, 10))


def test_art64_hearing_notified_seven_working_days_before_and_chaired_by_a_non_investigator():
    chair = uuid.uuid4()
    held = HearingSnapshot(requested_on=d(2025, 9, 22), notice_on=d(2025, 9, 26), held_on=d(2025, 10, 13), chair_id=chair)
    assert errs(g.hearing_conduct, case(hearing=held)) == []
    assert errs(g.hearing_conduct, case(hearing=replace(held, notice_on=d(2025, 9, 28)))) == ["HEARING_NOTICE_LATE"]
    assert errs(g.hearing_conduct, case(hearing=replace(held, notice_on=None))) == ["HEARING_NOTICE_LATE"]
    assert errs(g.hearing_conduct, case(hearing=replace(held, chair_id=LEAD.id))) == ["HEARING_CHAIR_IS_INVESTIGATOR"]
    assert errs(g.hearing_conduct, case(hearing=replace(held, chair_id=None))) == ["HEARING_CHAIR_REQUIRED"]
    other_investigator = case(hearing=held, investigator_ids=frozenset({chair}))
    assert errs(g.hearing_conduct, other_investigator) == ["HEARING_CHAIR_IS_INVESTIGATOR"]


def test_art65_no_decision_while_a_requested_hearing_is_pending():
    requested = HearingSnapshot(requested_on=d(2025, 10, 22))
    assert errs(g.hearing_pending, case()) == []
    assert errs(g.hearing_pending, case(hearing=requested)) == ["HEARING_PENDING"]
    assert errs(g.hearing_pending, case(hearing=replace(requested, held=True))) == []
    assert errs(g.hearing_pending, case(hearing=replace(requested, waived=True))) == []  # Art. 64 item 6


# --- Art. 58: legal review ------------------------------------------------------------------------


def test_art58_ordinary_decision_needs_no_review():
    assert errs(g.legal_review, case()) == []


def test_art58_major_decision_needs_a_passed_review():
    major = case(major=True)
    assert errs(g.legal_review, major) == ["LEGAL_REVIEW_REQUIRED"]
    assert errs(g.legal_review, case(legal_review_required=True)) == ["LEGAL_REVIEW_REQUIRED"]
    assert errs(g.legal_review, replace(major, legal_review=LegalReviewSnapshot(True, REVIEWER))) == []
    assert errs(g.legal_review, replace(major, legal_review=LegalReviewSnapshot(False, REVIEWER))) == ["LEGAL_REVIEW_NOT_PASSED"]


def test_art58_item2_major_rights_after_a_hearing():
    rights = case(major_rights=True)
    assert errs(g.legal_review, rights) == []  # no hearing held
    assert errs(g.legal_review, replace(rights, hearing=HearingSnapshot(requested_on=d(2025, 10, 1), held=True))) == [
        "LEGAL_REVIEW_REQUIRED"
    ]


def test_art58_para2_reviewer_must_be_qualified():
    major = case(major=True)
    first_timer = officer(Role.LEGAL_REVIEWER, name="新审核员", reviewing_since=d(2024, 1, 1))
    veteran = officer(Role.LEGAL_REVIEWER, name="老审核员", reviewing_since=d(2019, 5, 1))
    not_a_reviewer = officer(Role.OFFICER, name="执法员", legal_qualification=True)
    assert errs(g.legal_review, replace(major, legal_review=LegalReviewSnapshot(True, first_timer))) == ["REVIEWER_NOT_QUALIFIED"]
    assert errs(g.legal_review, replace(major, legal_review=LegalReviewSnapshot(True, veteran))) == []
    assert errs(g.legal_review, replace(major, legal_review=LegalReviewSnapshot(True, not_a_reviewer))) == ["REVIEWER_NOT_QUALIFIED"]


def test_art58_reviewer_is_not_a_handler():
    reviewing_handler = officer(Role.LEGAL_REVIEWER, legal_qualification=True)
    major = case(major=True, handlers=(LEAD, SECOND, reviewing_handler))
    assert errs(g.legal_review, replace(major, legal_review=LegalReviewSnapshot(True, reviewing_handler))) == ["REVIEWER_IS_HANDLER"]


# --- Art. 57 para 2, Art. 60 ---------------------------------------------------------------------


def test_art57_complex_or_serious_cases_are_decided_collectively():
    assert errs(g.collective_discussion, case(complex_or_serious=True)) == ["COLLECTIVE_DISCUSSION_REQUIRED"]
    assert errs(g.collective_discussion, case(complex_or_serious=True, collective_discussion_held=True)) == []


def test_art60_decision_within_90_days_of_filing():
    """Filed 4 Aug 2025: day 90 is Sunday 2 Nov, so Monday 3 Nov is the last day."""
    assert errs(g.decision_limit, case()) == []
    found = g.decision_limit(case(), d(2025, 11, 4), CasePolicy(), WorkingCalendar())
    assert codes(found) == ["DECISION_OVERDUE"] and "2025-11-03" in found[0].message


def test_art60_suspension_and_extension_keep_the_decision_in_time():
    late_day = d(2025, 11, 20)
    appraisal = (Suspension(d(2025, 9, 1), d(2025, 9, 20), "鉴定"),)
    assert errs(g.decision_limit, case(suspensions=appraisal), today=late_day) == []
    assert errs(g.decision_limit, case(extensions=(Extension(30, d(2025, 10, 31)),)), today=late_day) == []
    assert codes(check(A.DECIDE_NO_PENALTY, case(extensions=(Extension(30, d(2025, 11, 5)),)), late_day)) == [
        "EXTENSION_AFTER_DEADLINE"
    ]
    assert errs(g.decision_limit, case(filed_on=None)) == ["FILED_ON_REQUIRED"]


# --- check(): the guards of each step together --------------------------------------------------


def test_check_lets_a_lawful_general_decision_through():
    assert check(A.DECIDE, case(), TODAY) == []
    assert check("decide", case(), TODAY) == []


def test_check_collects_every_problem_of_an_unlawful_decision():
    bad = case(
        handlers=(LEAD,),
        agency_is_township=True,
        major=True,
        notice_served_on=d(2025, 10, 30),
        hearing_right=True,
        hearing=HearingSnapshot(requested_on=d(2025, 10, 31)),
        complex_or_serious=True,
        violation_on=d(2022, 1, 1),
        discovered_on=d(2025, 8, 1),
        filed_on=d(2025, 7, 1),
    )
    assert set(codes(check(A.DECIDE, bad, TODAY))) == {
        "OFFICERS_TOO_FEW", "ITEM_NOT_DELEGATED", "MAJOR_PENALTY_TO_COUNTY", "LIMITATION_EXPIRED",
        "NOTICE_WINDOW_OPEN", "HEARING_PENDING", "LEGAL_REVIEW_REQUIRED", "COLLECTIVE_DISCUSSION_REQUIRED",
        "DECISION_OVERDUE",
    }  # fmt: skip


def test_check_simple_decision_runs_the_simple_guards_not_the_general_ones():
    assert check(A.DECIDE, simple_case(penalty_kinds=frozenset({"fine"})), TODAY) == []
    too_big = simple_case(penalty_kinds=frozenset({"fine"}), fine_fen=50_000)
    assert codes(check(A.DECIDE, too_big, TODAY)) == ["SIMPLE_PROCEDURE_NOT_ALLOWED"]


def test_check_filing_and_other_steps():
    assert check(A.FILE, case(), TODAY) == []
    assert codes(check(A.FILE, case(agency_is_township=True), TODAY)) == ["ITEM_NOT_DELEGATED"]
    assert codes(check(A.START_INVESTIGATION, case(handlers=(LEAD,)), TODAY)) == ["OFFICERS_TOO_FEW"]
    assert codes(check(A.PROPOSE, case(agency_is_township=True, item_delegated_to_township=True, major=True), TODAY)) == [
        "MAJOR_PENALTY_TO_COUNTY"
    ]
    assert check(A.SERVE, case(handlers=()), TODAY) == []  # no guard: serving late is still required
    assert codes(check(A.DECIDE_NO_PENALTY, case(notice_served_on=None), TODAY)) == []


def test_a_decision_limit_in_an_unrecorded_year_blocks_only_once_it_may_have_run_out():
    """APL Art. 60 with Civil Procedure Law Art. 85: a limit ending in a year whose holiday notice
    nobody recorded is counted on weekends alone, never later than the true last day. Up to that
    day the decision is surely in time; after it the step is blocked with a clear code, not a guess."""
    far = case(filed_on=d(2026, 12, 1), notice_served_on=None, rights_waived=True)
    assert check(A.DECIDE_NO_PENALTY, far, d(2027, 1, 5)) == []
    assert check(A.DECIDE_NO_PENALTY, far, d(2027, 3, 1)) == []  # 90 days after 1 December: Monday 1 March
    assert codes(check(A.DECIDE_NO_PENALTY, far, d(2027, 3, 2))) == ["CALENDAR_YEAR_UNKNOWN"]


def test_check_close_needs_finished_execution():
    assert codes(check(A.CLOSE, case(), TODAY)) == ["CLOSE_EXECUTION_UNFINISHED"]
    assert check(A.CLOSE, case(fine_fen=0, penalty_kinds=frozenset({"warning"})), TODAY) == []
    paid = ExecutionSnapshot(fine_fen=5_000_000, paid_fen=5_000_000)
    assert check(A.CLOSE, case(execution=paid), TODAY) == []


# --- execution: Art. 66–73 ----------------------------------------------------------------------


def test_art72_surcharge_starts_the_day_after_the_deadline():
    due = d(2025, 10, 9)
    assert surcharge(100_000, due, due).amount_fen == 0
    first = surcharge(100_000, due, d(2025, 10, 10))
    assert (first.days, first.amount_fen, first.first_day, first.capped) == (1, 3_000, d(2025, 10, 10), False)


def test_art72_surcharge_is_capped_at_the_fine():
    due = d(2025, 10, 9)
    assert surcharge(100_000, due, due + dt.timedelta(days=33)).amount_fen == 99_000
    capped = surcharge(100_000, due, due + dt.timedelta(days=34))
    assert (capped.amount_fen, capped.capped) == (100_000, True)
    assert surcharge(100_000, due, due + dt.timedelta(days=400)).amount_fen == 100_000


def test_art73_no_surcharge_during_reconsideration_or_litigation():
    due = d(2025, 10, 9)
    reconsideration = Suspension(d(2025, 10, 11), d(2025, 10, 20), "行政复议")
    paused = surcharge(100_000, due, d(2025, 10, 25), [reconsideration])
    assert (paused.days, paused.amount_fen) == (6, 18_000)  # 10 Oct and 21–25 Oct


def test_art73_a_pause_ending_before_it_starts_is_refused():
    with pytest.raises(UserError) as refused:
        surcharge(100_000, d(2025, 10, 9), d(2025, 10, 25), [(d(2025, 10, 20), d(2025, 10, 11))])
    assert (refused.value.code, refused.value.field) == ("PAUSE_INVALID", "pauses")


def test_art73_a_challenge_on_the_case_timeline_pauses_the_surcharge_while_it_runs():
    """APL Art. 73 para 3, from the case's own events: filed through decided, or through today while pending."""
    fine = 100_000
    served = history.Event("serve", d(2025, 9, 24), {})  # the last day to pay: Thursday 9 Oct
    filed = history.Event("challenge_filed", d(2025, 10, 11), {"challenge": "c1", "kind": "reconsideration"})
    decided = history.Event("challenge_decided", d(2025, 10, 20), {"challenge": "c1", "outcome": "upheld"})
    assert history.execution([served], fine, d(2025, 10, 25)).surcharge_fen == 48_000  # 16 days
    assert history.execution([served, filed, decided], fine, d(2025, 10, 25)).surcharge_fen == 18_000  # 10 Oct, 21–25 Oct
    assert history.execution([served, filed], fine, d(2025, 10, 25)).surcharge_fen == 3_000  # still pending: only 10 Oct


def test_art72_surcharge_rounds_once_half_up():
    assert surcharge(50, d(2025, 1, 1), d(2025, 1, 2)).amount_fen == 2  # 1.5 fen → 2
    assert surcharge(10, d(2025, 1, 1), d(2025, 1, 2)).amount_fen == 0  # 0.3 fen → 0
    assert surcharge(10, d(2025, 1, 1), d(2025, 1, 3)).amount_fen == 1  # 0.6 fen, not 0 + 0
    with pytest.raises(UserError):
        surcharge(-1, d(2025, 1, 1), d(2025, 1, 2))


@settings(max_examples=300, deadline=None)
@given(
    fine=st.integers(min_value=0, max_value=10**10),
    late=st.integers(min_value=-5, max_value=200),
    pause_at=st.integers(min_value=0, max_value=100),
    pause_len=st.integers(min_value=0, max_value=50),
)
def test_property_art72_surcharge_never_exceeds_the_fine_and_pauses_never_add(fine, late, pause_at, pause_len):
    due = d(2025, 3, 1)
    until = due + dt.timedelta(days=late)
    plain = surcharge(fine, due, until)
    assert 0 <= plain.amount_fen <= fine
    assert plain.days == max(late, 0)
    later = surcharge(fine, due, until + dt.timedelta(days=1))
    assert later.amount_fen >= plain.amount_fen
    pause = (due + dt.timedelta(days=pause_at), due + dt.timedelta(days=pause_at + pause_len))
    assert surcharge(fine, due, until, [pause]).amount_fen <= plain.amount_fen


def test_art66_instalment_plan_valid():
    plan = PaymentPlan(
        (Instalment(d(2025, 11, 30), 2_000_000), Instalment(d(2025, 12, 31), 3_000_000)),
        applied_on=d(2025, 10, 20),
        approved_on=d(2025, 10, 24),
        reason="经营困难，提交了财务报表",
    )
    assert validate_plan(5_000_000, plan, d(2025, 11, 3)) == []
    assert plan.ends_on == d(2025, 12, 31)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"applied_on": None}, "PLAN_NOT_APPLIED"),
        ({"approved_on": None}, "PLAN_NOT_APPROVED"),
        ({"approved_on": d(2025, 10, 1)}, "PLAN_NOT_APPROVED"),
        ({"reason": "  "}, "PLAN_REASON_REQUIRED"),
        ({"instalments": ()}, "PLAN_EMPTY"),
        ({"instalments": (Instalment(d(2025, 11, 30), 4_000_000),)}, "PLAN_TOTAL_MISMATCH"),
        ({"instalments": (Instalment(d(2025, 11, 30), 5_000_001), Instalment(d(2025, 12, 1), -1))}, "PLAN_AMOUNT_INVALID"),
        ({"instalments": (Instalment(d(2025, 12, 31), 1_000_000), Instalment(d(2025, 11, 30), 4_000_000))}, "PLAN_DATES_NOT_ORDERED"),
        ({"instalments": (Instalment(d(2025, 10, 22), 5_000_000),)}, "PLAN_DATES_NOT_ORDERED"),
        ({"instalments": (Instalment(d(2025, 11, 1), 5_000_000),)}, "PLAN_NOT_A_DEFERRAL"),
    ],
)
def test_art66_invalid_plans(changes, code):
    plan = PaymentPlan((Instalment(d(2025, 12, 31), 5_000_000),), d(2025, 10, 20), d(2025, 10, 24), "经济困难")
    assert code in codes(validate_plan(5_000_000, replace(plan, **changes), d(2025, 11, 3)))


def test_art66_plan_length_limit_from_policy():
    plan = PaymentPlan((Instalment(d(2026, 6, 30), 5_000_000),), d(2025, 10, 20), d(2025, 10, 24), "经济困难")
    assert validate_plan(5_000_000, plan, d(2025, 11, 3)) == []
    assert codes(validate_plan(5_000_000, plan, d(2025, 11, 3), CasePolicy(max_payment_plan_days=180))) == ["PLAN_TOO_LONG"]


def test_art68_art69_collecting_on_the_spot():
    assert may_collect_on_spot(10_000) and not may_collect_on_spot(10_001)
    assert may_collect_on_spot(50_000, hard_to_collect=True) and may_collect_on_spot(50_000, remote_area=True)


def test_closing_after_payment_in_full_including_surcharge():
    owed = ExecutionSnapshot(fine_fen=100_000, paid_fen=100_000, surcharge_fen=9_000)
    found = closing_errors(owed, TODAY)
    assert codes(found) == ["SURCHARGE_UNSETTLED"] and "加处罚款尚欠 90.00 元" in found[0].message
    assert may_close(replace(owed, surcharge_paid_fen=9_000), TODAY)
    assert may_close(replace(owed, surcharge_paid_fen=4_000, surcharge_remitted_fen=5_000), TODAY)  # ACL Art. 42
    assert not may_close(ExecutionSnapshot(fine_fen=100_000, paid_fen=99_999), TODAY)
    assert not may_close(ExecutionSnapshot(fine_fen=0, other_penalties_done=False), TODAY)


def test_acl39_acl40_closing_after_execution_lawfully_ended():
    unpaid = ExecutionSnapshot(fine_fen=100_000)
    for end in (ExecutionEnd.COURT_CONCLUDED, ExecutionEnd.TERMINATED, ExecutionEnd.DECISION_REVOKED):
        assert may_close(replace(unpaid, ended_by=end), TODAY)
    abandoned = replace(unpaid, ended_by=ExecutionEnd.SUSPENDED_THREE_YEARS, suspended_on=d(2022, 11, 3))
    assert may_close(abandoned, d(2025, 11, 3))
    assert not may_close(abandoned, d(2025, 11, 2))
    assert not may_close(replace(abandoned, suspended_on=None), TODAY)


def test_transfer_receiver_must_hold_the_domain_the_place_and_a_township_its_delegation():
    """APL Art. 22 and 24: the receiver enforces the case's domain, sits at or above its place, and a
    township holds the item by a delegation in force on the transfer day."""
    from zhifa.core.cases import transfers

    county, township, elsewhere = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    place = transfers.region_and_above(township, {township: county, county: None})
    assert place == {township, county}
    bureau = transfers.Receiver("综合行政执法局", county, frozenset({"construction"}), False, frozenset())
    assert transfers.receiver_problems(bureau, "construction", "JZ001", place) == []
    transport = transfers.Receiver("交通运输执法队", county, frozenset({"transport"}), False, frozenset())
    assert [e.code for e in transfers.receiver_problems(transport, "construction", "JZ001", place)] == ["TRANSFER_RECEIVER_NOT_COMPETENT"]
    other = transfers.Receiver("另一县综合行政执法局", elsewhere, frozenset({"construction"}), False, frozenset())
    assert [e.code for e in transfers.receiver_problems(other, "construction", "JZ001", place)] == ["TRANSFER_RECEIVER_NOT_COMPETENT"]
    team = transfers.Receiver("乡镇综合行政执法队", township, frozenset({"construction"}), True, frozenset({"JZ002"}))
    assert [e.code for e in transfers.receiver_problems(team, "construction", "JZ001", place)] == ["ITEM_NOT_DELEGATED"]


def test_criminal_transfer_approval_is_timed_and_the_police_answer_needs_its_notice():
    """行政执法机关移送涉嫌犯罪案件的规定第五条 (the head decides within 3 days of the report) and 第八条
    (the police answer in writing): a late approval is recorded as late, never refused."""
    from zhifa.core.cases import transfers

    report = dt.date(2026, 3, 2)
    assert transfers.criminal_approval(report, dt.date(2026, 3, 5))["approved_in_time"] is True
    late = transfers.criminal_approval(report, dt.date(2026, 3, 6))
    assert late == {"reported_on": "2026-03-02", "approval_due_on": "2026-03-05", "approved_in_time": False}
    for reported in (None, dt.date(2026, 3, 7)):
        with pytest.raises(UserError) as refused:
            transfers.criminal_approval(reported, dt.date(2026, 3, 6))
        assert refused.value.code == "CRIMINAL_TRANSFER_REPORT_REQUIRED"
    with pytest.raises(UserError) as refused:
        transfers.police_answer(True, " ")
    assert refused.value.code == "POLICE_NOTICE_REQUIRED"
    filed = transfers.police_answer(True, "舟定公（刑）立字〔2026〕15号")
    assert transfers.with_police({"target": "public_security"}, [filed])
    assert not transfers.with_police({"target": "public_security"}, [filed, transfers.police_answer(False, "撤字1号")])
    assert not transfers.with_police({"target": "agency"}, [{"accepted": True}])

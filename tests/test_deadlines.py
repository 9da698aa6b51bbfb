"""Working-day calendar and legal deadlines (core/cases/calendar.py, deadlines.py, policy.py).

The holiday facts the tests lean on are pinned first, read from chinese_calendar itself
(National Day 2025, Spring Festival 2026), so a wrong package upgrade fails there and not in a
confusing deadline test. Day counting: APL Art. 85 (working days) and the Civil Procedure Law
Art. 85 convention for calendar days (REFERENCE §0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.core.cases import calendar as cal
from zhifa.core.cases.calendar import CalendarYearUnknown, WorkingCalendar, add_calendar_days, add_working_days, is_working_day
from zhifa.core.cases.deadlines import (
    DECISION,
    HEARING_NOTICE,
    HEARING_REQUEST,
    PAYMENT,
    PRESERVATION_DECISION,
    PUBLICATION_WITHDRAWAL,
    SEIZURE,
    SERVICE,
    DayType,
    Extension,
    Suspension,
    compute,
    notice_response_rule,
    overdue,
    remaining,
    rule,
    rules,
)
from zhifa.core.cases.policy import DEFAULT_POLICY, SOURCES, CasePolicy
from zhifa.core.errors import UserError

d = dt.date


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# --- the calendar facts, read from chinese_calendar -----------------------------------------


def test_national_day_2025_as_chinese_calendar_has_it():
    """国办发明电〔2024〕12号 as shipped by chinese_calendar: 1–8 October off (National Day and
    Mid-Autumn together), make-up working days Sunday 28 September and Saturday 11 October."""
    assert [x for x in days(d(2025, 9, 27), d(2025, 10, 12)) if not is_working_day(x)] == [
        d(2025, 9, 27),  # an ordinary Saturday
        *days(d(2025, 10, 1), d(2025, 10, 8)),
        d(2025, 10, 12),  # an ordinary Sunday
    ]
    assert d(2025, 9, 28).weekday() == 6 and is_working_day(d(2025, 9, 28))
    assert d(2025, 10, 11).weekday() == 5 and is_working_day(d(2025, 10, 11))
    assert chinese_calendar.get_holiday_detail(d(2025, 10, 6)) == (True, "Mid-autumn Festival")


def test_spring_festival_2026_as_chinese_calendar_has_it():
    """Spring Festival 2026: 15–23 February off; Saturdays 14 and 28 February are working days."""
    off = [x for x in days(d(2026, 2, 9), d(2026, 3, 1)) if not is_working_day(x)]
    assert off == [*days(d(2026, 2, 15), d(2026, 2, 23)), d(2026, 3, 1)]
    assert d(2026, 2, 14).weekday() == 5 and is_working_day(d(2026, 2, 14))
    assert d(2026, 2, 28).weekday() == 5 and is_working_day(d(2026, 2, 28))


def test_an_aware_moment_counts_on_its_shanghai_day():
    """Legal days are Asia/Shanghai days: 20:00 UTC on 30 September is 1 October in Beijing."""
    moment = dt.datetime(2025, 9, 30, 20, 0, tzinfo=dt.timezone.utc)
    assert not is_working_day(moment)
    assert add_working_days(moment, 1) == d(2025, 10, 9)
    with pytest.raises(ValueError):
        is_working_day(dt.datetime(2025, 9, 30, 20, 0))


# --- working days (APL Art. 85) -----------------------------------------------------------------


def test_art85_act_day_not_counted_nth_working_day_after():
    assert add_working_days(d(2025, 9, 22), 1) == d(2025, 9, 23)  # Monday → Tuesday
    assert add_working_days(d(2025, 9, 26), 1) == d(2025, 9, 28)  # Friday → the make-up Sunday
    assert add_working_days(d(2025, 9, 26), 0) == d(2025, 9, 26)


def test_art64_hearing_request_5_wd_starting_just_before_national_day_2025():
    """Notice served Friday 26 Sep 2025: 28, 29, 30 Sep, 9, 10 Oct → the request is due 10 Oct."""
    assert compute(HEARING_REQUEST, d(2025, 9, 26)).due_on == d(2025, 10, 10)
    # served on the last working day before the holiday: 9, 10, 11 (Sat, make-up), 13, 14 Oct
    assert compute(HEARING_REQUEST, d(2025, 9, 30)).due_on == d(2025, 10, 14)


def test_art85_a_window_starting_on_a_holiday_counts_from_the_next_working_day():
    assert compute(HEARING_REQUEST, d(2025, 10, 3)).due_on == d(2025, 10, 14)


def test_art64_hearing_request_5_wd_starting_just_before_spring_festival_2026():
    """Served Thursday 12 Feb 2026: 13, 14 (Sat, make-up), 24, 25, 26 Feb."""
    assert compute(HEARING_REQUEST, d(2026, 2, 12)).due_on == d(2026, 2, 26)


def test_art61_service_7_wd_across_spring_festival_2026():
    """Decision announced Friday 13 Feb 2026, party absent: 14, 24, 25, 26, 27, 28 Feb, 2 Mar."""
    assert compute(SERVICE, d(2026, 2, 13)).due_on == d(2026, 3, 2)


def test_art61_service_7_wd_across_national_day_2025():
    """Decision on Tuesday 30 Sep 2025: 9, 10, 11 (make-up), 13, 14, 15, 16 Oct."""
    deadline = compute(SERVICE, d(2025, 9, 30))
    assert deadline.due_on == d(2025, 10, 16)
    assert deadline.day_type is DayType.WORKING and "第六十一条" in deadline.basis


def test_art64_hearing_notice_7_wd_before_the_hearing():
    """A hearing on Monday 13 Oct 2025 must be notified by Friday 26 Sep (7 working days before)."""
    latest = compute(HEARING_NOTICE, d(2025, 10, 13))
    assert latest.due_on == d(2025, 9, 26)
    # and counting forward from that day lands exactly on the hearing
    assert add_working_days(latest.due_on, 7) == d(2025, 10, 13)


def test_art56_preservation_and_art48_withdrawal_are_working_days():
    assert compute(PRESERVATION_DECISION, d(2025, 9, 30)).due_on == d(2025, 10, 16)
    # 3 WD from 30 Sep 2025: 9, 10 and the make-up Saturday 11 Oct
    assert compute(PUBLICATION_WITHDRAWAL, d(2025, 9, 30)).due_on == d(2025, 10, 11)


# --- calendar days (CPL Art. 85 convention) ----------------------------------------------------


def test_art60_decision_90_calendar_days_rolls_past_national_day():
    """Filed 3 Jul 2025: the 90th day is 1 Oct, a holiday, so the limit ends on 9 Oct."""
    assert add_calendar_days(d(2025, 7, 3), 90, roll_forward=False) == d(2025, 10, 1)
    deadline = compute(DECISION, d(2025, 7, 3))
    assert deadline.due_on == d(2025, 10, 9)
    assert deadline.day_type is DayType.CALENDAR and (deadline.suspended_days, deadline.extended_days) == (0, 0)


def test_art60_decision_90_days_rolls_past_spring_festival_2026():
    """Filed 20 Nov 2025: the 90th day is 18 Feb 2026 (Spring Festival) → 24 Feb."""
    assert compute(DECISION, d(2025, 11, 20)).due_on == d(2026, 2, 24)


def test_art67_payment_15_days_ending_on_a_make_up_working_day_does_not_move():
    """Received 13 Sep 2025: day 15 is Sunday 28 Sep, a make-up working day — no roll-forward."""
    assert compute(PAYMENT, d(2025, 9, 13)).due_on == d(2025, 9, 28)
    assert compute(PAYMENT, d(2025, 9, 16)).due_on == d(2025, 10, 9)  # 1 Oct → after the holiday
    assert compute(PAYMENT, d(2025, 9, 5)).due_on == d(2025, 9, 22)  # Saturday 20 Sep → Monday


def test_art60_decision_limit_with_a_suspension_and_an_extension():
    """Filed 3 Jul 2025. An appraisal from 1 to 10 Aug stops the clock (10 days): the 90 counted
    days end on Saturday 11 Oct, a make-up working day. A 30-day extension approved on 10 Oct
    moves it to 10 Nov. Both are inputs: the result is recomputed, never edited."""
    appraisal = Suspension(d(2025, 8, 1), d(2025, 8, 10), "检测鉴定")
    suspended = compute(DECISION, d(2025, 7, 3), [appraisal])
    assert (suspended.due_on, suspended.suspended_days) == (d(2025, 10, 11), 10)
    extended = compute(DECISION, d(2025, 7, 3), [appraisal], [Extension(30, d(2025, 10, 10), "负责人批准")])
    assert (extended.due_on, extended.suspended_days, extended.extended_days) == (d(2025, 11, 10), 10, 30)
    # the same inputs as tuples and a bare number give the same deadline
    assert compute(DECISION, d(2025, 7, 3), [(d(2025, 8, 1), d(2025, 8, 10))], [30]).due_on == d(2025, 11, 10)


def test_art60_overlapping_suspensions_count_each_day_once():
    two = [Suspension(d(2025, 8, 1), d(2025, 8, 10)), Suspension(d(2025, 8, 5), d(2025, 8, 12))]
    assert compute(DECISION, d(2025, 7, 3), two).suspended_days == 12


def test_art60_a_suspension_after_the_limit_passed_does_not_revive_it():
    late = Suspension(d(2025, 10, 20), d(2025, 10, 30))
    deadline = compute(DECISION, d(2025, 7, 3), [late])
    assert (deadline.due_on, deadline.suspended_days) == (d(2025, 10, 9), 0)


def test_art60_an_extension_approved_after_expiry_is_refused():
    with pytest.raises(UserError) as exc:
        compute(DECISION, d(2025, 7, 3), extensions=[Extension(30, d(2025, 10, 10))])
    assert exc.value.code == "EXTENSION_AFTER_DEADLINE" and "2025-10-09" in exc.value.message
    # approved on the last day (9 Oct, the rolled-over 90th day) is in time. The extension
    # lengthens the period itself: 120 days from filing end on Friday 31 Oct; the holiday
    # roll-over applies only to the last day of the whole period.
    assert compute(DECISION, d(2025, 7, 3), extensions=[Extension(30, d(2025, 10, 9))]).due_on == d(2025, 10, 31)


def test_acl25_seizure_extension_at_most_30_days():
    """行政强制法第二十五条: 30 days, extendable by at most 30 with approval."""
    assert compute(SEIZURE, d(2025, 3, 3), extensions=[30]).extended_days == 30
    with pytest.raises(UserError) as exc:
        compute(SEIZURE, d(2025, 3, 3), extensions=[20, 11])
    assert exc.value.code == "EXTENSION_TOO_LONG"


def test_art64_party_windows_can_be_neither_extended_nor_suspended():
    with pytest.raises(UserError) as exc:
        compute(HEARING_REQUEST, d(2025, 9, 26), extensions=[2])
    assert exc.value.code == "DEADLINE_NOT_EXTENDABLE"
    with pytest.raises(UserError) as exc:
        compute(SERVICE, d(2025, 9, 26), suspensions=[(d(2025, 9, 28), d(2025, 9, 29))])
    assert exc.value.code == "DEADLINE_NOT_SUSPENDABLE"


def test_invalid_suspension_and_extension_inputs():
    with pytest.raises(UserError) as exc:
        compute(DECISION, d(2025, 7, 3), [(d(2025, 8, 10), d(2025, 8, 1))])
    assert exc.value.code == "SUSPENSION_INVALID"
    with pytest.raises(UserError) as exc:
        compute(DECISION, d(2025, 7, 3), extensions=[0])
    assert exc.value.code == "EXTENSION_INVALID"


def test_overdue_and_remaining():
    deadline = compute(SERVICE, d(2025, 9, 30))  # due 16 Oct
    assert not overdue(deadline, d(2025, 10, 16)) and overdue(deadline, d(2025, 10, 17))
    assert remaining(deadline, d(2025, 9, 30)) == 7
    assert remaining(deadline, d(2025, 10, 16)) == 0
    assert remaining(deadline, d(2025, 10, 20)) == -2  # 17 and 20 Oct (18, 19 are the weekend)
    decision = compute(DECISION, d(2025, 7, 3))  # due 9 Oct
    assert remaining(decision, d(2025, 10, 1)) == 8 and remaining(decision, d(2025, 10, 12)) == -3


# --- the override table -----------------------------------------------------------------------


def test_chinese_calendar_raises_for_years_it_does_not_know():
    """Pin the package behaviour the calendar relies on: NotImplementedError, not a guess."""
    unknown = max(cal.package_years()) + 1
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(d(unknown, 1, 4))


def test_an_unknown_year_is_an_error_not_weekdays_only():
    unknown = max(cal.package_years()) + 1
    with pytest.raises(CalendarYearUnknown) as exc:
        is_working_day(d(unknown, 3, 3))
    assert exc.value.code == "CALENDAR_YEAR_UNKNOWN" and exc.value.year == unknown
    assert str(unknown) in exc.value.message and "覆盖表" in exc.value.message
    with pytest.raises(UserError):  # a deadline that runs into the unknown year fails too
        compute(SERVICE, d(max(cal.package_years()), 12, 29))


# An illustrative arrangement for 2027, NOT the official notice (none existed when written):
# Spring Festival 6–12 Feb 2027 off, Sunday 14 Feb a make-up working day.
HOLIDAYS_2027 = days(d(2027, 2, 6), d(2027, 2, 12))
CAL_2027 = WorkingCalendar.with_year(2027, HOLIDAYS_2027, [d(2027, 2, 14)])


def test_override_table_covers_a_year_the_package_does_not_know():
    assert CAL_2027.covers(2027) and not WorkingCalendar().covers(2027)
    assert not CAL_2027.is_working_day(d(2027, 2, 8))  # a Monday in the recorded holiday
    assert CAL_2027.is_working_day(d(2027, 2, 14))  # the recorded make-up Sunday
    assert CAL_2027.is_working_day(d(2027, 3, 3)) and not CAL_2027.is_working_day(d(2027, 3, 6))
    # 7 WD service from Friday 5 Feb 2027: 14, 15, 16, 17, 18, 19, 22 Feb
    assert compute(SERVICE, d(2027, 2, 5), calendar=CAL_2027).due_on == d(2027, 2, 22)
    # the package still answers for its own years through the same calendar
    assert compute(SERVICE, d(2025, 9, 30), calendar=CAL_2027).due_on == d(2025, 10, 16)
    with pytest.raises(CalendarYearUnknown):
        CAL_2027.is_working_day(d(2028, 1, 4))


def test_a_year_spanning_window_uses_both_sources():
    """30 Dec 2026 (package) + 7 WD into January 2027 (override table; 1 Jan off as recorded)."""
    calendar = WorkingCalendar.with_year(2027, [d(2027, 1, 1)], base=CAL_2027)
    assert calendar.complete_years == {2027}
    assert compute(SERVICE, d(2026, 12, 30), calendar=calendar).due_on == d(2027, 1, 11)


def test_override_entries_win_over_the_package_for_local_adjustments():
    """A locally declared day off on Friday 10 Oct 2025 moves the hearing-request deadline."""
    local = WorkingCalendar({d(2025, 10, 10): False})
    assert compute(HEARING_REQUEST, d(2025, 9, 26), calendar=local).due_on == d(2025, 10, 11)
    # a single entry does not make its (unknown) year complete
    partial = WorkingCalendar({d(2027, 2, 8): False})
    assert not partial.is_working_day(d(2027, 2, 8))
    with pytest.raises(CalendarYearUnknown):
        partial.is_working_day(d(2027, 2, 9))


def test_override_table_rejects_wrong_entries():
    with pytest.raises(TypeError):
        WorkingCalendar({dt.datetime(2025, 1, 1): False})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        WorkingCalendar.with_year(2027, [d(2026, 2, 1)])


# --- rules as data, and the policy ------------------------------------------------------------


def test_every_rule_has_label_day_type_and_article():
    table = rules()
    assert {"HEARING_REQUEST", "HEARING_NOTICE", "SERVICE", "PRESERVATION_DECISION", "PUBLICATION_WITHDRAWAL",
            "DECISION", "PAYMENT", "NOTICE_RESPONSE", "STATEMENT_DEFENCE", "PUBLICATION", "LEGAL_REVIEW"} <= set(table)
    for kind, r in table.items():
        assert r.kind == kind and r.label and r.basis and r.starts and r.length > 0
    # APL Art. 85: its 2/3/5/7-day periods are working days; the 90 and 15 days are not
    for r in (HEARING_REQUEST, HEARING_NOTICE, SERVICE, PRESERVATION_DECISION, PUBLICATION_WITHDRAWAL):
        assert r.day_type is DayType.WORKING and r.length in (2, 3, 5, 7)
    assert (DECISION.day_type, DECISION.length, PAYMENT.day_type, PAYMENT.length) == (DayType.CALENDAR, 90, DayType.CALENDAR, 15)


def test_art44_prior_notice_window_defaults_and_is_configurable():
    assert notice_response_rule(hearing_right=True).length == 5
    assert notice_response_rule(hearing_right=False).length == 3
    policy = CasePolicy(notice_response_days=7, statement_defence_days=5, decision_limit_days=60, payment_days=30)
    assert notice_response_rule(policy, hearing_right=True).length == 7
    assert rule("STATEMENT_DEFENCE", policy).length == 5
    assert compute(rule("DECISION", policy), d(2025, 7, 3)).due_on == d(2025, 9, 1)
    assert rule("PAYMENT", policy).length == 30 and rule("PAYMENT").length == 15
    with pytest.raises(UserError) as exc:
        rule("NO_SUCH_RULE")
    assert exc.value.code == "DEADLINE_KIND_UNKNOWN"


def test_118_publication_7_wd_by_default():
    """国办发〔2018〕118号: penalty decisions published within 7 working days."""
    assert compute(rule("PUBLICATION"), d(2025, 9, 30)).due_on == d(2025, 10, 16)
    assert rule("PUBLICATION", CasePolicy(publication_days=20)).length == 20


def test_policy_documents_every_number_and_refuses_nonsense():
    assert {f.name for f in fields(CasePolicy)} == set(SOURCES)
    assert all(any(tag in text for tag in ("[T]", "[S]", "[R]")) for text in SOURCES.values())
    assert DEFAULT_POLICY.simple_fine_limit("natural_person") == 20_000
    assert DEFAULT_POLICY.simple_fine_limit("legal_person") == 300_000
    for bad in ({"payment_days": 0}, {"min_officers": 1}, {"simple_fine_limit_natural_fen": -1}):
        with pytest.raises(UserError) as exc:
            CasePolicy(**bad)
        assert exc.value.code == "POLICY_INVALID"


def test_decision_extension_cap_comes_from_policy():
    capped = rule("DECISION", CasePolicy(decision_extension_days=30))
    with pytest.raises(UserError) as exc:
        compute(capped, d(2025, 7, 3), extensions=[30, 1])
    assert exc.value.code == "EXTENSION_TOO_LONG"
    assert compute(DECISION, d(2025, 7, 3), extensions=[30, 30]).extended_days == 60  # no cap by default


# --- properties -----------------------------------------------------------------------------

known_days = st.dates(min_value=d(2004, 1, 1), max_value=d(2026, 11, 1))


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=d(2004, 3, 1), max_value=d(2026, 11, 1)), n=st.integers(min_value=1, max_value=30))
def test_property_art85_add_working_days_lands_on_a_working_day_n_days_later(start, n):
    due = add_working_days(start, n)
    assert due > start and is_working_day(due)
    assert cal.working_days_between(start, due) == n
    assert add_working_days(due, -n) <= start  # counting back never overshoots the start


@settings(max_examples=200, deadline=None)
@given(a=known_days, b=known_days, n=st.integers(min_value=0, max_value=20), m=st.integers(min_value=0, max_value=20))
def test_property_add_working_days_is_monotonic(a, b, n, m):
    a, b = min(a, b), max(a, b)
    n, m = min(n, m), max(n, m)
    assert add_working_days(a, n) <= add_working_days(b, n)
    assert add_working_days(a, n) <= add_working_days(a, m)


@settings(max_examples=200, deadline=None)
@given(start=known_days, n=st.integers(min_value=1, max_value=40))
def test_property_cpl85_calendar_deadline_is_the_first_working_day_from_day_n(start, n):
    due = add_calendar_days(start, n)
    plain = start + dt.timedelta(days=n)
    assert due >= plain and is_working_day(due)
    assert all(not is_working_day(x) for x in days(plain, due - dt.timedelta(days=1)))


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(min_value=d(2005, 1, 1), max_value=d(2025, 6, 1)),
    offset=st.integers(min_value=-10, max_value=100),
    length=st.integers(min_value=0, max_value=40),
    ext=st.integers(min_value=0, max_value=60),
)
def test_property_art60_suspensions_and_extensions_never_shorten_the_limit(start, offset, length, ext):
    plain = compute(DECISION, start)
    pause = Suspension(start + dt.timedelta(days=offset), start + dt.timedelta(days=offset + length))
    suspended = compute(DECISION, start, [pause])
    assert suspended.due_on >= plain.due_on
    assert 0 <= suspended.suspended_days <= length + 1
    if suspended.suspended_days:
        assert suspended.due_on >= start + dt.timedelta(days=90 + suspended.suspended_days)
    extended = compute(DECISION, start, [pause], [ext] if ext else [])
    assert extended.due_on >= suspended.due_on and extended.extended_days == ext

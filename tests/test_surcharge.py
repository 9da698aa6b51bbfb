"""The late-payment surcharge as its own amount (APL Art. 72 item 1, Art. 73 para 3; ACL Art. 42,
53), the one payment-deadline rule that the deadline shown and the surcharge share (Art. 67 para 3),
and the day-counting policy for calendar-day periods (REFERENCE §0; by analogy to the Civil
Procedure Law Art. 85, or as counted) — as pure rules and through GraphQL."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from conftest import TEST_HOLIDAYS, Api, settings_for
from test_procedure import TODAY, Desk, ago, bureau, register  # noqa: F401 — `bureau` is a fixture
from zhifa.core.cases.calendar import load_calendar
from zhifa.core.cases.deadlines import DayType, compute, rule, rules
from zhifa.core.cases.execution import (
    Payment,
    SurchargeStatus,
    allocate,
    payment_due,
    surcharge,
    surcharge_account,
)
from zhifa.core.cases.policy import DEFAULT_POLICY, SOURCES, CasePolicy, PeriodEnd, load_policy
from zhifa.core.errors import UserError
from zhifa.schema.http.app import create_app

d = dt.date
LITERAL = CasePolicy(calendar_period_end=PeriodEnd.AS_COUNTED)
SURCHARGE = """query($id: ID, $on: Date) { case(id: $id) {
  deadlines { kind dueOn metOn }
  surcharge(on: $on) { asOf accrued paid remitted outstanding from days capped status } } }"""
CALENDAR = load_calendar(TEST_HOLIDAYS)


# --- the pure rules -----------------------------------------------------------------------------


def test_apl67_one_last_day_to_pay_gives_the_deadline_and_the_first_surcharge_day():
    """APL Art. 67 para 3 and Art. 72 item 1: received Friday 5 Sep 2025, day 15 is Saturday 20 Sep;
    the last day to pay is Monday 22 Sep, and the surcharge starts on the 23rd — not on the 21st."""
    due = payment_due(d(2025, 9, 5))
    assert (due.last_day, due.surcharge_from) == (d(2025, 9, 22), d(2025, 9, 23))
    assert due.deadline.kind == "PAYMENT" and due.deadline.day_type is DayType.CALENDAR
    assert surcharge(100_000, due.last_day, d(2025, 9, 22)).amount_fen == 0  # on the last day: nothing
    assert surcharge(100_000, due.last_day, d(2025, 9, 23)).amount_fen == 3_000
    # an approved plan moves the last day to its final instalment (Art. 66 para 2), never earlier
    planned = payment_due(d(2025, 9, 5), plan_ends_on=d(2025, 11, 30))
    assert planned.last_day == d(2025, 11, 30) and "暂缓或分期" in planned.deadline.label
    assert payment_due(d(2025, 9, 5), plan_ends_on=d(2025, 9, 10)).last_day == d(2025, 9, 22)


def test_apl72_payments_go_to_the_fine_first_then_to_the_surcharge():
    """Allocation rule (stated in README): the fine first; the surcharge stops the day the fine is paid."""
    split = allocate(100_000, [Payment(d(2025, 10, 20), 50_000), Payment(d(2025, 10, 15), 60_000)])
    assert (split.fine_paid_fen, split.surcharge_paid_fen, split.fine_paid_on) == (100_000, 10_000, d(2025, 10, 20))
    assert allocate(100_000, [Payment(d(2025, 10, 15), 99_999)]).fine_paid_on is None


def test_apl72_the_surcharge_runs_until_the_fine_is_paid_and_stays_owed_after():
    """APL Art. 72 item 1: paying the fine alone stops the surcharge, it does not forgive it."""
    due = payment_due(d(2025, 9, 24))  # last day Thursday 9 Oct 2025
    fine_only = [Payment(d(2025, 10, 19), 100_000)]  # 10 days late
    account = surcharge_account(100_000, due, fine_only, d(2025, 12, 1))
    assert (account.accrued_fen, account.days, account.outstanding_fen, account.status) == (30_000, 10, 30_000, SurchargeStatus.OWED)
    assert account.starts_on == d(2025, 10, 10)
    settled = surcharge_account(100_000, due, [*fine_only, Payment(d(2025, 11, 1), 30_000)], d(2025, 12, 1))
    assert (settled.paid_fen, settled.outstanding_fen, settled.status) == (30_000, 0, SurchargeStatus.SETTLED)
    remitted = surcharge_account(100_000, due, fine_only, d(2025, 12, 1), remitted_fen=30_000)
    assert remitted.status is SurchargeStatus.SETTLED  # ACL Art. 42
    unpaid = surcharge_account(100_000, due, [], d(2025, 10, 12))
    assert (unpaid.accrued_fen, unpaid.status) == (9_000, SurchargeStatus.ACCRUING)
    assert surcharge_account(100_000, due, [], d(2025, 10, 12), court_applied=True).status is SurchargeStatus.COURT  # ACL Art. 53
    assert surcharge_account(100_000, due, [], d(2025, 10, 12), ended=True).status is SurchargeStatus.ENDED
    assert surcharge_account(100_000, due, [], d(2025, 10, 9)).status is SurchargeStatus.NONE
    # as of a day before a payment, the payment does not count yet
    assert surcharge_account(100_000, due, fine_only, d(2025, 10, 15)).status is SurchargeStatus.ACCRUING


def test_day_counting_policy_defaults_to_the_civil_procedure_law_analogy():
    """REFERENCE §0: the APL is silent on a calendar-day period ending on a rest day. Default: the
    next working day, by analogy to the Civil Procedure Law Art. 85 — stated in SOURCES."""
    assert DEFAULT_POLICY.calendar_period_end is PeriodEnd.NEXT_WORKING_DAY
    assert "民事诉讼法（2023）第八十五条" in SOURCES["calendar_period_end"]
    assert compute(rule("DECISION"), d(2025, 7, 3)).due_on == d(2025, 10, 9)  # 1 Oct, National Day → 9 Oct
    assert compute(rule("PAYMENT"), d(2025, 9, 5)).due_on == d(2025, 9, 22)  # Saturday → Monday


def test_day_counting_policy_as_counted_keeps_the_last_day_and_moves_the_surcharge_with_it():
    """A province that reads the APL's calendar days literally (REFERENCE §0) says so in its policy:
    the 90-day limit and the payment window end on the day as counted, and the surcharge follows."""
    assert compute(rule("DECISION", LITERAL), d(2025, 7, 3)).due_on == d(2025, 10, 1)
    assert compute(rule("PAYMENT", LITERAL), d(2025, 9, 5)).due_on == d(2025, 9, 20)
    due = payment_due(d(2025, 9, 5), LITERAL)
    assert due.surcharge_from == d(2025, 9, 21) and surcharge(100_000, due.last_day, d(2025, 9, 22)).amount_fen == 6_000
    # working-day windows (APL Art. 85) are not calendar-day periods: the policy leaves them alone
    assert {k: r for k, r in rules(LITERAL).items() if r.day_type is DayType.WORKING} == {
        k: r for k, r in rules().items() if r.day_type is DayType.WORKING
    }


def test_the_deployment_states_its_policy_in_a_file(tmp_path):
    """ZHIFA_CASE_POLICY_FILE: the keys are the policy's fields; nonsense stops start-up."""
    assert load_policy(tmp_path / "missing.toml") is DEFAULT_POLICY
    file = tmp_path / "case-policy.toml"
    file.write_text('calendar_period_end = "as_counted"\nsurcharge_remission_allowed = true\npayment_days = 15\n', encoding="utf-8")
    loaded = load_policy(file)
    assert (loaded.calendar_period_end, loaded.surcharge_remission_allowed) == (PeriodEnd.AS_COUNTED, True)
    for bad in ('calendar_period_end = "sometimes"', "no_such_setting = 1", 'payment_days = "15"', "surcharge_remission_allowed = 1", "hearing = 1", "x ="):
        file.write_text(bad, encoding="utf-8")
        with pytest.raises(UserError) as refused:
            load_policy(file)
        assert refused.value.code == "POLICY_INVALID", bad


# --- through GraphQL ------------------------------------------------------------------------------


@pytest.fixture
async def province(tmp_path, db, database_url, plugins, demo_tokens):
    """A deployment whose province counts calendar days as counted and allows remission (ACL Art. 42)."""
    file = tmp_path / "case-policy.toml"
    file.write_text('calendar_period_end = "as_counted"\nsurcharge_remission_allowed = true\n', encoding="utf-8")
    application = create_app(settings_for(database_url, case_policy_file=file), plugins)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://zhifa.test") as client:
            yield Api(client, demo_tokens["bureau_officer"])


async def fined(api, bureau, served: dt.date) -> Desk:
    """A 150-yuan on-the-spot fine (4.50 yuan of surcharge a day), served and in execution since `served`."""
    desk = await register(api, bureau, item="SC024", procedure="SIMPLE", facts={"duration_months": 1}, violated=(TODAY - served).days + 5)
    for step, extra in (("decidePenalty", {"fine": "150.00"}), ("serveDecision", {}), ("startExecution", {})):
        await desk.do(step, on=served.isoformat(), **extra)
    return desk


async def surcharge_of(api, desk: Desk, on: dt.date | None = None) -> tuple[dict, dict]:
    case = (await api(SURCHARGE, {"id": desk.case["id"], "on": on.isoformat() if on else None}))["case"]
    return case["surcharge"], next(x for x in case["deadlines"] if x["kind"] == "PAYMENT")


def served_before_a_rest_day(days_ago: int) -> dt.date:
    """A service day at least `days_ago` back whose 15th day is not a working day."""
    day = TODAY - dt.timedelta(days=days_ago)
    while CALENDAR.is_working_day(day + dt.timedelta(days=15)):
        day -= dt.timedelta(days=1)
    return day


async def test_apl72_a_fine_paid_late_leaves_its_surcharge_owed_and_the_case_open(api, demo, bureau):
    """APL Art. 72 item 1: the surcharge is a number on the case; paying the fine alone stops it but
    does not forgive it, so `closeCase` is refused with SURCHARGE_UNSETTLED until it is paid."""
    desk = await fined(api, bureau, TODAY - dt.timedelta(days=50))
    _, deadline = await surcharge_of(api, desk)
    last = dt.date.fromisoformat(deadline["dueOn"])
    await desk.do("recordPayment", on=(last + dt.timedelta(days=10)).isoformat(), amount="150.00")
    owed, deadline = await surcharge_of(api, desk)
    assert owed == {"asOf": TODAY.isoformat(), "accrued": "45.00", "paid": "0.00", "remitted": "0.00", "outstanding": "45.00",
                    "from": (last + dt.timedelta(days=1)).isoformat(), "days": 10, "capped": False, "status": "OWED"}
    assert deadline["metOn"] == (last + dt.timedelta(days=10)).isoformat()
    refused = await desk.do("closeCase", expect="SURCHARGE_UNSETTLED")
    assert "加处罚款尚欠 45.00 元" in refused["errors"][0]["message"]
    await desk.do("recordPayment", amount="45.01", expect="PAYMENT_EXCEEDS_OWED")
    await desk.do("recordPayment", amount="45.00", receipt="加处罚款缴款书")
    settled, _ = await surcharge_of(api, desk)
    assert (settled["paid"], settled["outstanding"], settled["status"]) == ("45.00", "0.00", "SETTLED")
    await desk.do("closeCase")
    assert desk.case["status"] == "CLOSED"


async def test_apl67_on_the_last_day_the_case_shows_no_surcharge_is_owed(api, demo, bureau):
    """APL Art. 67 para 3 / Art. 72 item 1: when day 15 is a rest day, the case shows the next
    working day as the last day to pay, and the surcharge starts the day after that same day."""
    served = served_before_a_rest_day(40)
    desk = await fined(api, bureau, served)
    _, deadline = await surcharge_of(api, desk)
    last = dt.date.fromisoformat(deadline["dueOn"])
    assert last > served + dt.timedelta(days=15) and CALENDAR.is_working_day(last)
    on_last_day, _ = await surcharge_of(api, desk, last)
    assert (on_last_day["accrued"], on_last_day["status"], on_last_day["from"]) == ("0.00", "NONE", (last + dt.timedelta(days=1)).isoformat())
    day_after, _ = await surcharge_of(api, desk, last + dt.timedelta(days=1))
    assert (day_after["accrued"], day_after["days"], day_after["status"]) == ("4.50", 1, "ACCRUING")
    refused = await desk.do("closeCase", on=last.isoformat(), expect="CLOSE_EXECUTION_UNFINISHED")
    assert [e["code"] for e in refused["errors"]] == ["CLOSE_EXECUTION_UNFINISHED"] and "加处罚款" not in refused["errors"][0]["message"]


async def test_day_counting_policy_through_the_api_both_settings(api, province, demo, bureau):
    """REFERENCE §0 as a deployment policy: by default (Civil Procedure Law Art. 85 analogy) the
    payment window ending on a rest day moves to the next working day; a province counting
    literally (`calendar_period_end = "as_counted"`) keeps day 15 — and its surcharge starts the day after."""
    served = served_before_a_rest_day(40)
    default = await fined(api, bureau, served)
    literal = await fined(province, bureau, served)
    _, moved = await surcharge_of(api, default)
    owed, counted = await surcharge_of(province, literal, dt.date.fromisoformat(moved["dueOn"]))
    assert moved["dueOn"] > counted["dueOn"] == (served + dt.timedelta(days=15)).isoformat()
    assert owed["from"] == (served + dt.timedelta(days=16)).isoformat() and owed["accrued"] != "0.00"
    # the 90-day decision limit (APL Art. 60), filed on a day whose 90th day is a rest day
    filed_on = next(TODAY - dt.timedelta(days=k) for k in range(35, 0, -1) if not CALENDAR.is_working_day(TODAY + dt.timedelta(days=90 - k)))
    limits = []
    for client in (api, province):
        case = await register(client, bureau, violated=40)
        await case.do("fileCase", on=filed_on.isoformat())
        limits.append(next(x for x in case.case["deadlines"] if x["kind"] == "DECISION")["dueOn"])
    day_90 = filed_on + dt.timedelta(days=90)
    assert limits == [CALENDAR.next_working_day(day_90).isoformat(), day_90.isoformat()] and limits[0] > limits[1]


async def test_acl42_surcharge_remission_where_the_deployment_allows_it(api, province, demo, demo_tokens, bureau):
    """ACL Art. 42 para 1: in an execution agreement, with remedial measures taken, the surcharge may
    be reduced or waived — by the head's approval, only where the deployment's policy allows it."""
    head = demo_tokens["bureau_head"]
    terms = {"agreement": "执行协议（定综执协〔2026〕1号）", "remedy": "当事人已拆除违法设施并恢复原状"}
    elsewhere = await fined(api, bureau, TODAY - dt.timedelta(days=50))
    await elsewhere.do("remitSurcharge", as_=head, expect="SURCHARGE_REMISSION_NOT_ALLOWED", **terms)

    desk = await fined(province, bureau, TODAY - dt.timedelta(days=50))
    _, deadline = await surcharge_of(province, desk)
    await desk.do("recordPayment", on=(dt.date.fromisoformat(deadline["dueOn"]) + dt.timedelta(days=10)).isoformat(), amount="150.00")
    await desk.do("remitSurcharge", expect="FORBIDDEN", **terms)
    await desk.do("remitSurcharge", as_=head, amount="45.01", expect="SURCHARGE_REMISSION_TOO_LARGE", **terms)
    await desk.do("remitSurcharge", as_=head, amount="20.00", agreement=" ", remedy=terms["remedy"], expect="REASON_REQUIRED")
    await desk.do("remitSurcharge", as_=head, amount="20.00", **terms)
    reduced, _ = await surcharge_of(province, desk)
    assert (reduced["remitted"], reduced["outstanding"], reduced["status"]) == ("20.00", "25.00", "OWED")
    await desk.do("closeCase", expect="SURCHARGE_UNSETTLED")
    await desk.do("remitSurcharge", as_=head, **terms)  # the rest waived
    waived, _ = await surcharge_of(province, desk)
    assert (waived["remitted"], waived["outstanding"], waived["status"]) == ("45.00", "0.00", "SETTLED")
    await desk.do("closeCase")


async def test_acl53_a_surcharge_handed_to_the_court_ends_with_the_court(api, demo, bureau):
    """ACL Art. 53: the fine and its surcharge go to the court together; the case closes once the
    court's enforcement is concluded (a lawful end), not before."""
    desk = await fined(api, bureau, TODAY - dt.timedelta(days=60))
    await desk.do("applyCourtEnforcement", court="舟山市定海区人民法院")
    handed, _ = await surcharge_of(api, desk)
    assert handed["status"] == "COURT" and handed["outstanding"] == handed["accrued"] != "0.00"
    timeline = (await api("query($id: ID) { case(id: $id) { timeline { kind data } } }", {"id": desk.case["id"]}))["case"]["timeline"]
    applied = next(e["data"] for e in timeline if e["kind"] == "court_application")
    assert f"{applied['surcharge_fen'] / 100:.2f}" == handed["accrued"]  # the amount applied for with the fine
    refused = await desk.do("closeCase", expect="SURCHARGE_UNSETTLED")
    assert {e["code"] for e in refused["errors"]} == {"CLOSE_EXECUTION_UNFINISHED", "SURCHARGE_UNSETTLED"}
    await desk.do("endExecution", endedBy="court_concluded", reason="法院强制执行完毕")
    ended, _ = await surcharge_of(api, desk)
    assert ended["status"] == "ENDED"
    await desk.do("closeCase")

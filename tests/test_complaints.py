"""Complaints and reports (投诉举报): deadlines on the working-day calendar across National Day
2025, the ledger's overdue filter, closing only what is resolved (不解决不销号), the complainant's
identity encrypted at rest and shown only to those who handle the item, jurisdiction, and every
refusal code — through GraphQL, with the rules also tested as pure functions.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import jwt
import pytest
import sqlalchemy as sa
from stdnum.iso7064 import mod_11_2

from zhifa.core.access.viewer import Role, Scope, Viewer
from zhifa.core.audit.service import verify
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, load_calendar
from zhifa.core.cases.deadlines import DayType
from zhifa.core.clock import legal_today
from zhifa.core.complaints import rules
from zhifa.core.complaints.models import Complaint, ComplaintEvent, ComplaintIdentityRead, ComplaintStatus as S, Satisfaction
from zhifa.core.complaints.policy import SOURCES, ComplaintPolicy
from zhifa.core.errors import UserError, UserErrors
from zhifa.schema.build import build_schema
from conftest import KEY, TEST_HOLIDAYS, token

D = dt.date
TODAY = legal_today()
NAME, PHONE = "张三丰", "13812345678"
ID_BASE = "33090219800101123"
ID_NUMBER = ID_BASE + mod_11_2.calc_check_digit(ID_BASE)  # GB 11643 check character


# --- helpers ----------------------------------------------------------------------------------

FIELDS = (
    "id number status version reopenedCount overdue satisfaction replyAccepted result closeNote "
    "deadlines { kind dueOn metOn overdue dayType startsOn } complainant { disclosure name phone idNumber } timeline { kind on }"
)
INPUTS = {
    "registerComplaint": "RegisterComplaintInput",
    "assignComplaint": "AssignComplaintInput",
    "replyComplaint": "ReplyComplaintInput",
    "resolveComplaint": "ResolveComplaintInput",
    "recordComplaintFeedback": "ComplaintFeedbackInput",
    "closeComplaint": "CloseComplaintInput",
    "linkComplaint": "LinkComplaintInput",
}
LIST = f"""query($f: ComplaintFilter, $first: Int) {{ complaints(filter: $f, first: $first) {{ totalCount edges {{ node {{ {FIELDS} }} }} }} }}"""


async def act(api, mutation: str, expect: str | None = None, **input) -> dict:
    query = f"mutation($input: {INPUTS[mutation]}!) {{ {mutation}(input: $input) {{ complaint {{ {FIELDS} }} errors {{ code field message }} }} }}"
    result = (await api(query, {"input": input}))[mutation]
    if expect:
        assert [e["code"] for e in result["errors"]] == [expect], (mutation, expect, result["errors"])
        assert result["complaint"] is None and all(e["message"] for e in result["errors"])
        return result
    assert result["errors"] == [], (mutation, result["errors"])
    return result["complaint"]


def received(day: D, hour: int = 10) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"


def deadline(complaint: dict, kind: str) -> dict:
    return next(d for d in complaint["deadlines"] if d["kind"] == kind)


def claims(bearer: str) -> dict:
    return jwt.decode(bearer, options={"verify_signature": False})


@pytest.fixture
async def county(api, public_api, demo, demo_tokens):
    """The demo county's agencies (as global ids), an entity and a case in the bureau's reach."""
    data = await public_api("{ agencies(first: 100) { edges { node { id name kind } } } }")
    agencies = [e["node"] for e in data["agencies"]["edges"]]
    bureau = next(a for a in agencies if a["kind"] == "COMPREHENSIVE_BUREAU")
    justice = next(a for a in agencies if a["kind"] == "JUSTICE_BUREAU")
    townships = [a for a in agencies if a["kind"] == "TOWNSHIP_TEAM"]
    mine = next(a for a in townships if _agency_key(a["id"]) == claims(demo_tokens["township_officer"])["agency"])
    other = next(a for a in townships if a["id"] != mine["id"])
    more = await api("""{ entities(first: 1, filter: {kind: LEGAL_PERSON}) { edges { node { id name } } } cases(first: 1) { edges { node { id } } } }""")
    staff = await api("query($a: ID) { officers(filter: {agencyId: $a}, first: 100) { edges { node { id role } } } }", {"a": other["id"]})
    other_officer = next(e["node"]["id"] for e in staff["officers"]["edges"] if e["node"]["role"] == "OFFICER")
    return {
        "bureau": bureau["id"],
        "justice": justice["id"],
        "construction_team": next(a["id"] for a in agencies if a["kind"] == "PROFESSIONAL_TEAM" and "住建" in a["name"]),
        "township": mine["id"],
        "other_township": other["id"],
        "other_township_token": token(f"officer:{_agency_key(other_officer)}", ["officer"], _agency_key(other["id"])),
        "entity": more["entities"]["edges"][0]["node"],
        "case": more["cases"]["edges"][0]["node"]["id"],
        "bureau_officer_id": claims(demo_tokens["bureau_officer"])["sub"].split(":")[1],
    }


def _agency_key(global_id: str) -> str:  # the uuid inside a global id
    from zhifa.schema.kit.relay import parse_global_id

    return str(parse_global_id(global_id)[1])


def new_input(county: dict, **overrides) -> dict:
    base = {
        "kind": "COMPLAINT",
        "channel": "HOTLINE_12345",
        "externalNumber": f"ZS12345-{uuid.uuid4().hex[:8]}",
        "agencyId": county["bureau"],
        "content": "购买的海鲜干货短斤少两，要求退款并查处",
        "subjectName": "定海某某海鲜干货店",
        "domain": "market",
        "complainantName": NAME,
        "complainantPhone": PHONE,
    }
    return {**base, **overrides}


# --- pure rules ---------------------------------------------------------------------------------


def test_deadlines_across_national_day_2025_on_the_shared_calendar():
    """Received Tue 30 Sep 2025: 1–8 Oct are off, Sat 11 Oct is a make-up working day (checked
    against chinese_calendar itself), so the 7-working-day reply is due Thu 16 Oct — not 9 Oct as
    a plain count of days, nor 17 Oct as a Monday–Friday count would say."""
    assert [DEFAULT_CALENDAR.is_working_day(D(2025, 10, d)) for d in range(1, 12)] == [False] * 8 + [True, True, True]
    assert DEFAULT_CALENDAR.is_working_day(D(2025, 9, 28))  # Sunday, make-up day
    policy = ComplaintPolicy()
    reply = rules.clock(rules.reply_rule(policy), D(2025, 9, 30), DEFAULT_CALENDAR)
    handling = rules.clock(rules.handling_rule(policy), D(2025, 9, 30), DEFAULT_CALENDAR)
    assert reply.deadline.due_on == D(2025, 10, 16) and reply.deadline.day_type is DayType.WORKING
    assert handling.deadline.due_on == D(2025, 10, 30) and handling.provisional_year is None
    # Received Fri 26 Sep: the make-up Sunday counts; a 30-day period ending on 5 Oct rolls to 9 Oct.
    assert rules.clock(rules.reply_rule(policy), D(2025, 9, 26), DEFAULT_CALENDAR).deadline.due_on == D(2025, 10, 13)
    assert rules.clock(rules.handling_rule(policy), D(2025, 9, 5), DEFAULT_CALENDAR).deadline.due_on == D(2025, 10, 9)
    # Configurable: a 12345 centre's 5 working days to reply and 15 working days to resolve.
    local = ComplaintPolicy(reply_days=5, handling_days=15, handling_day_type=DayType.WORKING)
    assert rules.clock(rules.reply_rule(local), D(2025, 9, 30), DEFAULT_CALENDAR).deadline.due_on == D(2025, 10, 14)
    assert rules.clock(rules.handling_rule(local), D(2025, 9, 30), DEFAULT_CALENDAR).deadline.due_on == D(2025, 10, 28)
    # Overdue is judged on the due day's passing, across the holiday.
    assert not rules.is_overdue(D(2025, 10, 16), None, D(2025, 10, 16))
    assert rules.is_overdue(D(2025, 10, 16), None, D(2025, 10, 17))
    assert not rules.is_overdue(D(2025, 10, 16), D(2025, 10, 15), D(2025, 10, 17))
    assert rules.is_overdue(D(2025, 10, 16), D(2025, 10, 20), D(2025, 10, 17))  # met late, overdue that day
    # A year without a recorded holiday notice gives a provisional date, flagged; the test file adds 2027.
    late = rules.clock(rules.reply_rule(policy), D(2026, 12, 28), DEFAULT_CALENDAR)
    assert late.provisional_year == 2027 and late.deadline.due_on == D(2027, 1, 6)
    recorded = rules.clock(rules.reply_rule(policy), D(2026, 12, 28), load_calendar(TEST_HOLIDAYS))
    assert recorded.provisional_year is None and recorded.deadline.due_on == D(2027, 1, 7)  # 1 Jan off


def test_policy_refuses_nonsense_and_names_a_source_for_every_number():
    with pytest.raises(UserError) as refused:
        ComplaintPolicy(reply_days=0)
    assert refused.value.code == "POLICY_INVALID"
    with pytest.raises(UserError):
        ComplaintPolicy(handling_day_type="calendar")
    assert set(SOURCES) == {f for f in ComplaintPolicy.__dataclass_fields__}


def test_state_machine_closing_and_feedback_rules():
    def code(fn, *args) -> str | None:
        try:
            fn(*args)
        except UserError as exc:
            return exc.code
        return None

    assert code(rules.check_action, "assign", S.REPLIED) == "ALREADY_ACCEPTED"
    assert code(rules.check_action, "reply", S.HANDLING) == "ALREADY_REPLIED"
    assert code(rules.check_action, "resolve", S.ASSIGNED) == "REPLY_REQUIRED"
    assert code(rules.check_action, "resolve", S.RESOLVED) == "ALREADY_RESOLVED"
    assert code(rules.check_action, "feedback", S.HANDLING) == "NOT_RESOLVED"
    assert code(rules.check_action, "link", S.CLOSED) == "COMPLAINT_CLOSED"
    assert code(rules.check_action, "link", S.RESOLVED) is None
    close = rules.check_close
    assert code(close, S.HANDLING, False, Satisfaction.SATISFIED, None, True) == "NOT_RESOLVED"
    assert code(close, S.RESOLVED, False, None, None, True) == "FEEDBACK_REQUIRED"
    assert code(close, S.RESOLVED, True, None, None, False) is None  # anonymous: nobody to ask
    assert code(close, S.RESOLVED, False, Satisfaction.UNSATISFIED, None, True) == "FEEDBACK_UNSATISFIED"
    assert code(close, S.RESOLVED, False, Satisfaction.UNSATISFIED, "诉求已依法答复", False) == "FORBIDDEN"
    assert code(close, S.RESOLVED, False, Satisfaction.UNSATISFIED, "诉求已依法答复", True) is None
    assert code(close, S.RESOLVED, False, Satisfaction.UNREACHABLE, None, False) is None
    assert rules.reopens(Satisfaction.UNSATISFIED, 0) and not rules.reopens(Satisfaction.UNSATISFIED, 1)
    assert not rules.reopens(Satisfaction.BASICALLY_SATISFIED, 0)
    assert rules.reopens(Satisfaction.UNSATISFIED, 1, ComplaintPolicy(max_rehandling=2))


def test_who_sees_the_complainant():
    agency, other, handler, colleague = (uuid.uuid4() for _ in range(4))

    def viewer(role: Role, at=agency, officer=colleague) -> Viewer:
        return Viewer(subject=f"officer:{officer}", roles=frozenset({role}), agency_id=at, officer_id=officer)

    see = rules.disclosure
    for role in (Role.OFFICER, Role.AGENCY_HEAD, Role.LEGAL_REVIEWER):
        assert see(viewer(role), agency, handler, False, False) is rules.Disclosure.CLEAR
        assert see(viewer(role), agency, handler, True, False) is rules.Disclosure.HIDDEN  # confidential: handler only
        assert see(viewer(role, other), agency, handler, False, False) is rules.Disclosure.MASKED
    assert see(viewer(Role.OFFICER, officer=handler), agency, handler, True, False) is rules.Disclosure.CLEAR
    assert see(viewer(Role.OFFICER, officer=handler), agency, None, True, False) is rules.Disclosure.HIDDEN
    for role in (Role.AUXILIARY, Role.SUPERVISOR):
        assert see(viewer(role), agency, handler, False, False) is rules.Disclosure.MASKED
    provincial = Viewer(subject="service:p", roles=frozenset({Role.PROVINCIAL}), scopes=frozenset({Scope.PERSONAL_DATA.value}))
    assert see(provincial, agency, handler, False, False) is rules.Disclosure.MASKED
    assert see(viewer(Role.OFFICER), agency, handler, False, True) is rules.Disclosure.ANONYMOUS
    assert rules.mask_name("张三丰") == "张**" and rules.mask_name("李") == "李*"


# --- through GraphQL ------------------------------------------------------------------------------


async def test_deadlines_and_overdue_filter_across_the_holiday(api, county, demo_tokens, statements):
    """Items received on 30 Sep 2025, just before National Day: the reply is overdue from 17 Oct
    (not 9 Oct), the handling from 31 Oct; the filter and the ledger agree on any `asOf` day."""
    silent = await act(api, "registerComplaint", **new_input(county, receivedAt=received(D(2025, 9, 30))))
    assert silent["number"].startswith("定综执投〔2025〕") and silent["status"] == "REGISTERED"
    assert deadline(silent, "REPLY") == {"kind": "REPLY", "dueOn": "2025-10-16", "metOn": None, "overdue": True, "dayType": "working", "startsOn": "2025-09-30"}
    assert deadline(silent, "HANDLING")["dueOn"] == "2025-10-30" and deadline(silent, "HANDLING")["dayType"] == "calendar"
    answered = await act(api, "registerComplaint", **new_input(county, channel="SPECIAL_SUPERVISOR", externalNumber=None, kind="REPORT",
                                                                receivedAt=received(D(2025, 9, 30), 16)))
    answered = await act(api, "replyComplaint", complaintId=answered["id"], accepted=True, text="已受理，将依法核查", on="2025-10-15")
    assert deadline(answered, "REPLY")["metOn"] == "2025-10-15" and not deadline(answered, "REPLY")["overdue"]
    fresh = await act(api, "registerComplaint", **new_input(county, channel="ENTERPRISE_CONTACT", externalNumber=None))
    assert not fresh["overdue"]

    async def overdue(as_of: str | None, flag: bool = True, **more) -> set[str]:
        data = await api(LIST, {"f": {"overdue": flag, "asOf": as_of, **more}, "first": 50})
        assert data["complaints"]["totalCount"] == len(data["complaints"]["edges"])
        return {e["node"]["id"] for e in data["complaints"]["edges"]}

    assert await overdue("2025-10-08") == set()  # a plain 7-day count would already say overdue
    assert await overdue("2025-10-16") == set()  # the due day itself is on time
    assert await overdue("2025-10-17") == {silent["id"]}
    assert await overdue("2025-10-31") == {silent["id"], answered["id"]}  # 30 days ran out on the 30th
    assert await overdue(None) == {silent["id"], answered["id"]}  # today
    assert await overdue(None, False) == {fresh["id"]}
    assert await overdue("2025-10-31", channel=["SPECIAL_SUPERVISOR"]) == {answered["id"]}
    window = {"receivedFrom": "2025-09-30", "receivedTo": "2025-09-30"}
    assert await overdue("2025-10-31", **window, status=["REGISTERED"]) == {silent["id"]}

    # A planned page: the statements do not grow with the page size, nested relations included.
    deep = """query($first: Int) { complaints(first: $first) { totalCount edges { node { id complainant { name } deadlines { dueOn }
        agency { name } receivedBy { name } handler { name } subject { name } timeline { kind } links { targetId } linkedCases { id } } } } }"""
    counts = []
    for first in (1, 3):
        statements["n"] = 0
        assert len((await api(deep, {"first": first}))["complaints"]["edges"]) == first
        counts.append(statements["n"])
    assert counts[0] == counts[1], counts

    ledger = """query($a: ID!, $from: Date!, $to: Date!, $asOf: Date) { complaintLedger(agencyId: $a, from: $from, to: $to, asOf: $asOf) {
        from to asOf received replied repliedOnTime resolved closed open overdueOpen byChannel { channel received overdueOpen } } }"""
    on_17 = (await api(ledger, {"a": county["bureau"], "from": "2025-09-01", "to": "2025-09-30", "asOf": "2025-10-17"}))["complaintLedger"]
    assert {k: on_17[k] for k in ("received", "replied", "repliedOnTime", "resolved", "closed", "open", "overdueOpen")} == {
        "received": 2, "replied": 1, "repliedOnTime": 1, "resolved": 0, "closed": 0, "open": 2, "overdueOpen": 1}
    assert on_17["byChannel"] == [{"channel": "HOTLINE_12345", "received": 1, "overdueOpen": 1},
                                  {"channel": "SPECIAL_SUPERVISOR", "received": 1, "overdueOpen": 0}]
    on_16 = (await api(ledger, {"a": county["bureau"], "from": "2025-09-01", "to": "2025-09-30", "asOf": "2025-10-16"}))["complaintLedger"]
    assert on_16["overdueOpen"] == 0
    on_31 = (await api(ledger, {"a": county["bureau"], "from": "2025-09-01", "to": "2025-09-30", "asOf": "2025-10-31"}))["complaintLedger"]
    assert on_31["overdueOpen"] == 2


async def test_ledger_closes_only_what_is_resolved_and_reopens_on_dissatisfaction(api, county, demo, demo_tokens):
    """不解决不销号: no closing before a result and a feedback; an unsatisfied feedback sends the
    item back with a fresh handling period; once the rounds are used, only the head's review closes it."""
    head = api.as_(demo_tokens["bureau_head"])
    item = await act(api, "registerComplaint", **new_input(county))
    ident = {"complaintId": item["id"]}
    await act(api, "closeComplaint", "NOT_RESOLVED", **ident)
    await act(api, "resolveComplaint", "REPLY_REQUIRED", **ident, result="已处理")
    item = await act(api, "replyComplaint", **ident, accepted=True, text="已受理")
    assert item["status"] == "REPLIED"
    item = await act(api, "linkComplaint", **ident, caseId=county["case"])
    assert item["status"] == "HANDLING"
    await act(api, "closeComplaint", "NOT_RESOLVED", **ident)
    await act(api, "recordComplaintFeedback", "NOT_RESOLVED", **ident, satisfaction="SATISFIED")
    item = await act(api, "resolveComplaint", **ident, result="经调解，经营者退还货款并赔偿；已立案查处计量违法行为")
    first_due = deadline(item, "HANDLING")["dueOn"]
    await act(api, "closeComplaint", "FEEDBACK_REQUIRED", **ident)
    await act(api, "recordComplaintFeedback", "COMMENT_REQUIRED", **ident, satisfaction="UNSATISFIED")
    item = await act(api, "recordComplaintFeedback", **ident, satisfaction="UNSATISFIED", comment="赔偿金额不足")
    assert item["status"] == "HANDLING" and item["reopenedCount"] == 1
    handling = deadline(item, "HANDLING")
    assert handling["metOn"] is None and handling["startsOn"] == TODAY.isoformat() and handling["dueOn"] >= first_due
    await act(api, "closeComplaint", "NOT_RESOLVED", **ident)
    item = await act(api, "resolveComplaint", **ident, result="再次约谈经营者，依法答复赔偿标准")
    item = await act(api, "recordComplaintFeedback", **ident, satisfaction="UNSATISFIED", comment="仍不满意")
    assert item["status"] == "RESOLVED" and item["reopenedCount"] == 1  # the rounds are used
    await act(api, "closeComplaint", "FEEDBACK_UNSATISFIED", **ident)
    await act(api, "closeComplaint", "FORBIDDEN", **ident, headReview="诉求超出法定赔偿标准，已依法答复")
    item = await act(head, "closeComplaint", **ident, headReview="诉求超出法定赔偿标准，已依法答复")
    assert item["status"] == "CLOSED" and item["closeNote"] == "诉求超出法定赔偿标准，已依法答复"
    await act(api, "linkComplaint", "COMPLAINT_CLOSED", **ident, caseId=county["case"])
    assert [e["kind"] for e in item["timeline"]] == [
        "register", "reply", "link", "resolve", "feedback", "resolve", "feedback", "close"]
    linked = await api("query($id: ID!) { complaint(id: $id) { links { targetKind targetId } linkedCases { id } } }", {"id": item["id"]})
    assert linked["complaint"]["linkedCases"] == [{"id": county["case"]}]
    assert linked["complaint"]["links"] == [{"targetKind": "case", "targetId": county["case"]}]

    # A satisfied feedback closes; an anonymous report closes without one; a refusal is a result.
    happy = await act(api, "registerComplaint", **new_input(county))
    await act(api, "replyComplaint", complaintId=happy["id"], accepted=False, text="不属于本机关职责，已告知向有权机关提出")
    await act(api, "recordComplaintFeedback", complaintId=happy["id"], satisfaction="BASICALLY_SATISFIED")
    assert (await act(api, "closeComplaint", complaintId=happy["id"]))["status"] == "CLOSED"
    tip = await act(api, "registerComplaint", **new_input(county, kind="REPORT", channel="LETTER", externalNumber=None, complainantName=None, complainantPhone=None))
    assert tip["complainant"] == {"disclosure": "ANONYMOUS", "name": None, "phone": None, "idNumber": None}
    await act(api, "replyComplaint", complaintId=tip["id"], accepted=True, text="已受理")
    await act(api, "resolveComplaint", complaintId=tip["id"], result="经核查未发现违法行为")
    await act(api, "recordComplaintFeedback", "FEEDBACK_ANONYMOUS", complaintId=tip["id"], satisfaction="SATISFIED")
    assert (await act(api, "closeComplaint", complaintId=tip["id"]))["status"] == "CLOSED"

    async with demo() as session:
        checked, broken = await verify(session)
        audited = await session.scalar(sa.text("SELECT count(*) FROM audit_records WHERE object_type = 'Complaint'"))
    assert broken is None and checked > 0 and audited == 16


async def test_complainant_identity_encrypted_at_rest_and_masked_for_those_who_need_not_know(api, county, demo, demo_tokens):
    as_ = {role: api.as_(demo_tokens[role]) for role in ("bureau_head", "bureau_reviewer", "supervisor", "township_officer", "provincial")}
    item = await act(api, "registerComplaint", **new_input(county, complainantIdNumber=ID_NUMBER))
    assert item["complainant"] == {"disclosure": "CLEAR", "name": NAME, "phone": PHONE, "idNumber": ID_NUMBER}
    query = "query($id: ID!) { complaint(id: $id) { complainant { disclosure name phone idNumber } } }"

    async def seen(who, complaint) -> dict | None:
        found = (await who(query, {"id": complaint["id"]}))["complaint"]
        return found and found["complainant"]

    masked = {"disclosure": "MASKED", "name": "张**", "phone": "138****5678", "idNumber": ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]}
    for role in ("bureau_head", "bureau_reviewer"):
        assert (await seen(as_[role], item))["disclosure"] == "CLEAR"
    assert await seen(as_["supervisor"], item) == masked
    assert await seen(as_["provincial"], item) == masked  # a service account never needs the person
    node = await as_["supervisor"]("query($id: ID!) { node(id: $id) { ... on Complaint { complainant { name } } } }", {"id": item["id"]})
    assert node["node"]["complainant"]["name"] == "张**"

    # At rest: ciphertext and keyed digests only; nothing in the timeline or the audit names the person.
    async with demo() as session:
        row = (await session.execute(sa.select(Complaint).where(Complaint.number == item["number"]))).scalar_one()
        events = (await session.execute(sa.select(ComplaintEvent.data))).scalars().all()
        audit = (await session.execute(sa.text("SELECT actor, action, detail, before_digest, after_digest FROM audit_records"))).all()
        reads = (await session.execute(sa.select(ComplaintIdentityRead.viewer, ComplaintIdentityRead.fields))).all()
    stored = " ".join(str(v) for v in (row.complainant_name_cipher, row.complainant_phone_cipher, row.complainant_id_number_cipher))
    assert NAME not in stored and PHONE not in stored and ID_NUMBER not in stored
    assert KEY.decrypt(row.complainant_name_cipher) == NAME and KEY.decrypt(row.complainant_phone_cipher) == PHONE
    assert row.complainant_phone_digest == KEY.lookup(PHONE) and row.complainant_id_number_digest == KEY.lookup(ID_NUMBER)
    assert not any(secret in str(x) for x in (*events, *audit) for secret in (NAME, PHONE, ID_NUMBER))
    assert {viewer for viewer, _ in reads} == {claims(demo_tokens[t])["sub"] for t in ("bureau_officer", "bureau_head", "bureau_reviewer")}
    assert {fields for _, fields in reads} == {"name,phone,id_number"}

    # Looking a person up by phone works only where the viewer may know the person.
    lookup = {"f": {"complainantPhone": PHONE}}
    assert (await api(LIST, lookup))["complaints"]["totalCount"] == 1
    assert (await as_["supervisor"](LIST, lookup))["complaints"]["totalCount"] == 0

    # Assigned to a township team: its officers handle it now; the bureau reads it masked.
    mine = await act(api, "assignComplaint", complaintId=item["id"], agencyId=county["township"])
    assert mine["status"] == "ASSIGNED" and mine["complainant"]["disclosure"] == "MASKED"
    assert (await seen(as_["township_officer"], item))["disclosure"] == "CLEAR"

    # Confidential: the named handler (here the officer who registered it) alone.
    secret = await act(api, "registerComplaint", **new_input(county, confidential=True))
    assert secret["complainant"]["disclosure"] == "CLEAR"
    for role in ("bureau_head", "bureau_reviewer", "supervisor"):
        assert await seen(as_[role], secret) == {"disclosure": "HIDDEN", "name": None, "phone": None, "idNumber": None}
    moved = await act(api, "assignComplaint", complaintId=secret["id"], agencyId=county["township"])
    assert (await seen(as_["township_officer"], moved))["disclosure"] == "HIDDEN"  # no handler named there yet
    await act(as_["township_officer"], "assignComplaint", "ALREADY_ASSIGNED", complaintId=secret["id"], agencyId=county["township"])
    me = _gid("Officer", uuid.UUID(claims(demo_tokens["township_officer"])["sub"].split(":")[1]))
    named = await act(as_["township_officer"], "assignComplaint", complaintId=secret["id"], agencyId=county["township"], handlerId=me)
    assert named["status"] == "ASSIGNED" and named["complainant"]["disclosure"] == "CLEAR"
    assert deadline(named, "REPLY") == deadline(moved, "REPLY")  # naming the handler restarts nothing


def test_nothing_the_accused_can_reach_leads_to_a_complaint(plugins):
    """Complaints hang only off the root types and their own payloads and connections: not off an
    entity, a case, a published decision or anything else a reported party can read."""
    graph = build_schema(plugins)._schema
    from graphql import GraphQLInterfaceType, GraphQLObjectType

    owners = set()
    for name, gtype in graph.type_map.items():
        if not isinstance(gtype, (GraphQLObjectType, GraphQLInterfaceType)):
            continue  # inputs and enums lead nowhere
        for field_name, field in getattr(gtype, "fields", {}).items():
            target = field.type
            while hasattr(target, "of_type"):
                target = target.of_type
            if isinstance(target, GraphQLObjectType) and target.name.startswith(("Complaint", "Complainant")):
                owners.add(name)
    assert owners <= {"Query", "Mutation", "Complaint", "ComplaintPayload", "ComplaintConnection", "ComplaintEdge", "ComplaintLedger", "ChannelCount"}, owners
    assert "Query" in owners and "Complaint" in owners


async def test_jurisdiction_township_sees_only_its_own_and_the_public_nothing(api, public_api, county, demo_tokens):
    township = api.as_(demo_tokens["township_officer"])
    neighbour = api.as_(county["other_township_token"])
    bureau_item = await act(api, "registerComplaint", **new_input(county))
    own = await act(township, "registerComplaint", **new_input(county, agencyId=county["township"], channel="VISIT", externalNumber=None))
    theirs = await act(neighbour, "registerComplaint", **new_input(county, agencyId=county["other_township"], channel="APP", externalNumber=None))
    listed = lambda who: who(LIST, {"first": 50})  # noqa: E731
    assert {e["node"]["id"] for e in (await listed(township))["complaints"]["edges"]} == {own["id"]}
    assert {e["node"]["id"] for e in (await listed(neighbour))["complaints"]["edges"]} == {theirs["id"]}
    assert {e["node"]["id"] for e in (await listed(api))["complaints"]["edges"]} == {bureau_item["id"], own["id"], theirs["id"]}
    one = "query($id: ID!) { complaint(id: $id) { id } node(id: $id) { id } }"
    assert await township(one, {"id": bureau_item["id"]}) == {"complaint": None, "node": None}
    await act(township, "replyComplaint", "COMPLAINT_NOT_FOUND", complaintId=theirs["id"], accepted=True, text="受理")
    await act(township, "assignComplaint", "COMPLAINT_NOT_FOUND", complaintId=bureau_item["id"], agencyId=county["township"])
    # The supervisor reads the county (masked); the province reads with its cases scope; another province nothing.
    assert (await listed(api.as_(demo_tokens["supervisor"])))["complaints"]["totalCount"] == 3
    assert (await listed(api.as_(demo_tokens["provincial"])))["complaints"]["totalCount"] == 3
    assert (await listed(api.as_(demo_tokens["provincial_other"])))["complaints"]["totalCount"] == 0
    # A township reporting upward is allowed (Art. 12 para 3); the bureau then handles it, the township no longer sees it.
    await act(township, "assignComplaint", complaintId=own["id"], agencyId=county["bureau"])
    assert (await listed(township))["complaints"]["totalCount"] == 1  # still the desk that received it
    ledger = "query($a: ID!) { complaintLedger(agencyId: $a, from: \"2000-01-01\", to: \"2100-01-01\") { received } }"
    assert (await township(ledger, {"a": county["township"]}))["complaintLedger"]["received"] == 0  # its item went up
    assert (await api(ledger, {"a": county["bureau"]}))["complaintLedger"]["received"] == 3
    refused = (await township.post(ledger, {"a": county["bureau"]})).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    backwards = "query($a: ID!) { complaintLedger(agencyId: $a, from: \"2025-10-01\", to: \"2025-09-01\") { received } }"
    assert (await api.post(backwards, {"a": county["bureau"]})).json()["errors"][0]["extensions"]["code"] == "DATE_RANGE_INVALID"
    for query in (LIST, ledger):
        body = (await public_api.post(query, {"a": county["bureau"]})).json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _joint_inspection(sessions, county: dict) -> uuid.UUID:
    """A bureau inspection, written straight to the table (the inspection module's own API is tested there)."""
    from zhifa.core.db import transaction
    from zhifa.core.inspections.models import Inspection, InspectionKind, InspectionStatus

    async with transaction(sessions) as session:
        row = Inspection(
            kind=InspectionKind.JOINT, entity_id=uuid.UUID(_agency_key(county["entity"]["id"])), agency_id=uuid.UUID(_agency_key(county["bureau"])),
            planned_on=TODAY, status=InspectionStatus.PLANNED, domains=["market"], points=[], created_by="test",
        )
        session.add(row)
    return row.id


async def test_every_refusal_has_its_code(api, county, demo, demo_tokens):
    auxiliary = api.as_(demo_tokens["township_auxiliary"])
    township = api.as_(demo_tokens["township_officer"])
    reg = lambda expect, **changes: act(api, "registerComplaint", expect, **new_input(county, **changes))  # noqa: E731
    await reg("COMPLAINANT_REQUIRED", complainantPhone=None)
    await reg("CONTENT_REQUIRED", content="  ")
    await reg("SUBJECT_REQUIRED", subjectName="")
    await reg("PHONE_INVALID", complainantPhone="12")
    await reg("ID_NUMBER_INVALID", complainantIdNumber="33090219800101")
    await reg("CONFIDENTIAL_ANONYMOUS", kind="REPORT", complainantName=None, complainantPhone=None, confidential=True)
    await reg("EXTERNAL_NUMBER_REQUIRED", externalNumber=None)
    await reg("DATE_IN_FUTURE", receivedAt=received(TODAY + dt.timedelta(days=2)))
    await reg("DATETIME_NAIVE", receivedAt="2025-09-30T10:00:00")
    await reg("DOMAIN_UNKNOWN", domain="astrology")
    await reg("FORBIDDEN", agencyId=county["justice"])
    await reg("SUBJECT_INVALID", subjectName="店" * 201)
    await reg("HANDLER_NOT_IN_AGENCY", agencyId=county["bureau"], handlerId=_officer_gid(county))
    await reg("ENTITY_NOT_FOUND", subjectEntityId=_gid("Entity", uuid.uuid4()))
    await reg("ID_INVALID", subjectEntityId=county["case"])
    taken = new_input(county)
    await act(api, "registerComplaint", **taken)
    await act(api, "registerComplaint", "EXTERNAL_NUMBER_TAKEN", **taken)
    await act(auxiliary, "registerComplaint", "FORBIDDEN", **new_input(county))  # a township desk, not for the bureau

    item = await act(api, "registerComplaint", **new_input(county, subjectEntityId=county["entity"]["id"], subjectName=""))
    ident = {"complaintId": item["id"]}
    await act(api, "assignComplaint", "AGENCY_NOT_COMPETENT", **ident, agencyId=county["construction_team"])  # a market complaint
    ecology = await act(api, "registerComplaint", **new_input(county, domain="ecology"))
    await act(api, "assignComplaint", "AGENCY_NOT_COMPETENT", complaintId=ecology["id"], agencyId=county["township"])
    await act(township, "assignComplaint", "COMPLAINT_NOT_FOUND", **ident, agencyId=county["township"])
    await act(api, "assignComplaint", "VERSION_CONFLICT", **ident, agencyId=county["township"], version=item["version"] + 5)
    await act(api, "assignComplaint", "DATE_OUT_OF_ORDER", **ident, agencyId=county["township"], on=(TODAY - dt.timedelta(days=1)).isoformat())
    await act(api, "assignComplaint", "DATE_IN_FUTURE", **ident, agencyId=county["township"], on=(TODAY + dt.timedelta(days=1)).isoformat())
    await act(api, "replyComplaint", "REPLY_TEXT_REQUIRED", **ident, accepted=True, text=" ")
    await act(auxiliary, "replyComplaint", "COMPLAINT_NOT_FOUND", **ident, accepted=True, text="受理")
    await act(api.as_(demo_tokens["bureau_reviewer"]), "replyComplaint", "FORBIDDEN", **ident, accepted=True, text="受理")
    item = await act(api, "replyComplaint", **ident, accepted=True, text="已受理")
    await act(api, "replyComplaint", "ALREADY_REPLIED", **ident, accepted=True, text="再次受理")
    await act(api, "assignComplaint", "ALREADY_ACCEPTED", **ident, agencyId=county["township"])
    await act(api, "linkComplaint", "LINK_TARGET_REQUIRED", **ident)
    await act(api, "linkComplaint", "CASE_NOT_FOUND", **ident, caseId=_gid("Case", uuid.uuid4()))
    await act(api, "linkComplaint", "INSPECTION_NOT_FOUND", **ident, inspectionId=_gid("Inspection", uuid.uuid4()))
    inspection = _gid("Inspection", await _joint_inspection(demo, county))
    linked = await act(api, "linkComplaint", **ident, inspectionId=inspection)
    assert linked["status"] == "HANDLING"
    await act(api, "linkComplaint", "ALREADY_LINKED", **ident, inspectionId=inspection)
    await act(api, "resolveComplaint", "RESULT_REQUIRED", **ident, result="")
    await act(api, "resolveComplaint", **ident, result="已责令整改")
    await act(api, "resolveComplaint", "ALREADY_RESOLVED", **ident, result="再次办结")
    links = await api("query($id: ID!) { complaint(id: $id) { links { targetKind targetId } linkedInspections { id } } }", {"id": item["id"]})
    assert links["complaint"]["links"] == [{"targetKind": "inspection", "targetId": inspection}]
    assert links["complaint"]["linkedInspections"] == [{"id": inspection}]
    hidden = await township("query($id: ID!) { complaint(id: $id) { id } }", {"id": item["id"]})
    assert hidden["complaint"] is None


async def test_services_with_explicit_days_and_refusals_graphql_cannot_reach(demo):
    """The services take `today` and the calendar explicitly; the checks that authorization in
    schema/ normally answers first (unknown agencies, link kinds) still refuse on their own."""
    from zhifa.core.complaints import service
    from zhifa.core.complaints.models import ComplaintChannel, ComplaintKind
    from zhifa.core.db import transaction
    from zhifa.core.people.models import Agency, AgencyKind

    async with demo() as session:
        bureau = (await session.execute(sa.select(Agency).where(Agency.kind == AgencyKind.COMPREHENSIVE_BUREAU, Agency.name == "舟山市定海区综合行政执法局"))).scalar_one()
    new = service.NewComplaint(
        kind=ComplaintKind.REPORT, channel=ComplaintChannel.VISIT, agency_id=bureau.id, content="夜间施工噪声扰民",
        subject_name="某工地", received_at=dt.datetime(2025, 9, 30, 18, 30, tzinfo=dt.UTC),  # 1 Oct 02:30 in Shanghai
    )
    async with transaction(demo) as session:
        item = await service.register(session, "officer:test", new, KEY, today=D(2025, 10, 20))
        assert item.received_on == D(2025, 10, 1) and item.reply_due_on == D(2025, 10, 16) and item.anonymous
        with pytest.raises(UserError) as refused:
            await service.assign(session, "officer:test", item.id, uuid.uuid4(), D(2025, 10, 9), today=D(2025, 10, 20))
        assert refused.value.code == "AGENCY_NOT_FOUND"
        with pytest.raises(UserError) as refused:
            await service.link(session, "officer:test", item.id, "decision", uuid.uuid4(), D(2025, 10, 9), today=D(2025, 10, 20))
        assert refused.value.code == "LINK_TARGET_REQUIRED"
        justice = (await session.execute(sa.select(Agency).where(Agency.kind == AgencyKind.JUSTICE_BUREAU, Agency.name == "舟山市定海区司法局"))).scalar_one()
        with pytest.raises(UserError) as refused:
            await service.assign(session, "officer:test", item.id, justice.id, D(2025, 10, 9), today=D(2025, 10, 20))
        assert refused.value.code == "AGENCY_NOT_COMPETENT"  # the justice bureau supervises; it handles no complaints
        late = await service.reply(session, "officer:test", item.id, True, "已受理", D(2025, 10, 20), today=D(2025, 10, 20))
        assert late.replied_on > late.reply_due_on and rules.is_overdue(late.reply_due_on, late.replied_on, D(2025, 10, 18))
    with pytest.raises(UserErrors) as refused:  # registration reports every problem at once
        async with transaction(demo) as session:
            wrong = service.NewComplaint(**{**new.__dict__, "agency_id": uuid.uuid4(), "content": ""})
            await service.register(session, "officer:test", wrong, KEY, today=D(2025, 10, 20))
    assert [e.code for e in refused.value.errors] == ["CONTENT_REQUIRED", "AGENCY_NOT_FOUND"]


def _gid(type_name: str, key) -> str:
    from zhifa.schema.kit.relay import global_id

    return global_id(type_name, key)


def _officer_gid(county: dict) -> str:
    return _gid("Officer", uuid.UUID(claims(county["other_township_token"])["sub"].split(":")[1]))


def test_every_refusal_code_in_the_module_is_exercised_by_a_test():
    """A code added to the complaint rules without a test expecting it fails here."""
    root = Path(__file__).resolve().parent.parent
    sources = [root / "core/complaints/rules.py", root / "core/complaints/service.py", root / "core/complaints/policy.py", *(root / "schema/complaints").glob("*.py")]
    raised = {c for p in sources for c in re.findall(r'(?:UserError|RuleError)\(\s*(?:"|\w*ErrorCode\.)([A-Z_]+)', p.read_text(encoding="utf-8"))}
    raised |= {c for p in sources for c in re.findall(r'"code": (?:"|\w*ErrorCode\.)([A-Z_]+)', p.read_text(encoding="utf-8"))}
    here = Path(__file__).read_text(encoding="utf-8")
    missing = {c for c in raised if f'"{c}"' not in here.replace(f'"{c}": ', "")}
    assert raised and not missing, missing

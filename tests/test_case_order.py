"""The party's hearing right, the order of the steps' dates, who acts and on which day — driven
through GraphQL (issue 13, points 3, 5–8). Each test names the article or source it enforces."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from test_procedure import REGISTER, Desk, ago, bureau, register  # noqa: F401  (bureau is a fixture)
from zhifa.core.catalog.models import Delegation
from zhifa.core.clock import legal_today
from zhifa.core.db import transaction
from zhifa.core.people.certificates import change_certificate_status
from zhifa.core.people.models import Agency, AgencyKind, Certificate, CertificateStatus, Officer, OfficerRole
from zhifa.schema.kit.relay import parse_global_id

MAJOR_FACTS = {"correctable": True, "corrected_on_time": True}


def key(global_id: str):
    return parse_global_id(global_id)[1]


async def _notified(api, bureau, notified: int = 40) -> Desk:
    """A major case with a hearing right (JZ001 on a cost of 2,000,000 yuan), notified `notified` days ago."""
    desk = await register(api, bureau)
    await desk.do("fileCase", on=ago(notified + 10))
    await desk.do("startInvestigation", on=ago(notified + 5))
    await desk.do("proposePenalty", on=ago(notified + 2), facts=MAJOR_FACTS)
    assert desk.case["hearingRight"] and desk.case["major"]
    await desk.do("sendPriorNotice", on=ago(notified))
    return desk


async def test_apl_art63_64_a_review_inside_the_notice_window_leaves_the_hearing_request_open(api, demo, demo_tokens, bureau):
    """APL Art. 63–64: the party may ask for a hearing within 5 working days of the notice, whatever
    the agency does meanwhile; Art. 58, 65: the review recorded before the hearing is redone on its record."""
    desk = await _notified(api, bureau)
    reviewer = demo_tokens["bureau_reviewer"]
    await desk.do("recordLegalReview", as_=reviewer, on=ago(39), passed=True, opinion="事实清楚，证据确凿，适用法律正确")
    await desk.do("requestHearing", on=ago(38))
    assert desk.case["status"] == "HEARING"
    await desk.do("holdHearing", on=ago(15), chairId=bureau["head"], notifiedOn=ago(37), record="当事人陈述已记录")
    refused = await desk.do("decidePenalty", expect="RECONSIDER_AFTER_HEARING")
    assert "听证笔录" in refused["errors"][0]["message"]
    await desk.do("recordLegalReview", as_=reviewer, on=ago(12), passed=True, opinion="经审阅听证笔录，同意处罚")
    await desk.do("decidePenalty")
    assert desk.case["status"] == "DECIDED"


async def test_apl_art54_to_64_every_step_is_dated_after_the_violation_and_the_steps_before_it(api, demo, bureau):
    """APL Art. 54–64 fix the order of the steps: filing after the act, investigation after filing,
    decision after the notice, the hearing's notice after the request."""
    desk = await register(api, bureau, violated=60)
    before_act = await desk.do("fileCase", on=ago(61), expect="STEP_BEFORE_VIOLATION")
    assert before_act["errors"][0]["field"] == "on"
    await desk.do("fileCase", on=ago(50))
    await desk.do("startInvestigation", on=ago(51), expect="STEP_BEFORE_PREVIOUS_STEP")
    await desk.do("startInvestigation", on=ago(50))  # the same day is in order
    await desk.do("proposePenalty", on=ago(45), facts=MAJOR_FACTS)
    await desk.do("sendPriorNotice", on=ago(40))
    early = await desk.do("decidePenalty", on=ago(41), expect="STEP_BEFORE_PREVIOUS_STEP")
    assert "早于此前已办理的“事先告知”" in early["errors"][0]["message"]
    await desk.do("requestHearing", on=ago(38))
    told = await desk.do("holdHearing", on=ago(20), chairId=bureau["head"], notifiedOn=ago(39), record="-", expect="STEP_BEFORE_PREVIOUS_STEP")
    assert told["errors"][0]["field"] == "notifiedOn"


async def _township(api, demo_tokens) -> tuple:
    township = api.as_(demo_tokens["township_officer"])
    team = await township("{ officers(filter: {role: OFFICER}) { edges { node { id agency { id } } } } entities(first: 1) { edges { node { id } } } }")
    team_id = team["officers"]["edges"][0]["node"]["agency"]["id"]
    handlers = [e["node"]["id"] for e in team["officers"]["edges"] if e["node"]["agency"]["id"] == team_id][:2]
    payload = {"entityId": team["entities"]["edges"][0]["node"]["id"], "agencyId": team_id, "itemCode": "SC024",
               "violationDate": ago(30), "officerIds": handlers, "facts": {"duration_months": 3}}
    created = (await township(REGISTER, {"input": payload}))["registerCase"]
    assert created["errors"] == []
    return Desk(township, created["case"]), team_id


async def test_apl_art24_delegation_is_judged_on_the_day_of_the_step(api, demo, demo_tokens):
    """APL Art. 24: a township acts on the items handed to it on the day it acts — a grant made later
    does not cover an earlier act, a revocation made later does not undo a lawful one."""
    desk, team_id = await _township(api, demo_tokens)
    async with transaction(demo) as session:  # the demo's grant of SC024 took effect five days ago
        await session.execute(
            sa.update(Delegation).where(Delegation.agency_id == key(team_id), Delegation.item_code == "SC024")
            .values(granted_on=legal_today() - dt.timedelta(days=5))
        )
    await desk.do("fileCase", on=ago(10), expect="ITEM_NOT_DELEGATED")
    await desk.do("fileCase", on=ago(5))
    revoke = "mutation($i: RevokeDelegationInput!) { revokeDelegation(input: $i) { errors { code } } }"
    revoked = await api.as_(demo_tokens["bureau_head"])(revoke, {"i": {"agencyId": team_id, "itemCode": "SC024", "reason": "评估后收回"}})
    assert revoked["revokeDelegation"]["errors"] == []
    await desk.do("startInvestigation", on=ago(3))  # taken while the grant stood
    await desk.do("proposePenalty", expect="ITEM_NOT_DELEGATED")  # today it no longer does


async def test_apl_art42_art55_a_certificate_suspended_later_does_not_undo_an_earlier_act(api, demo, bureau):
    """APL Art. 42, 55: a certificate is judged on the step's own day — a suspension counts from its day."""
    desk = await register(api, bureau)
    await desk.do("fileCase", on=ago(20))
    async with transaction(demo) as session:
        certificate = await session.scalar(sa.select(Certificate).where(Certificate.officer_id == key(bureau["officers"][1])))
        await change_certificate_status(session, "test", certificate.id, CertificateStatus.SUSPENDED, legal_today(), "定综执暂字〔2026〕1号", "涉嫌违法执法，调查期间暂扣")
    await desk.do("startInvestigation", on=ago(15))
    suspended = await desk.do("proposePenalty", facts=MAJOR_FACTS, expect="CERTIFICATE_INVALID")
    assert f"自 {legal_today().isoformat()} 起已被暂扣" in suspended["errors"][0]["message"]


async def _reviewers_started(demo, since: dt.date) -> None:
    """The bureau's legal reviewers, without 法律职业资格, doing legal review since `since`."""
    async with transaction(demo) as session:
        bureau = await session.scalar(sa.select(Agency.id).where(Agency.kind == AgencyKind.COMPREHENSIVE_BUREAU))
        await session.execute(
            sa.update(Officer).where(Officer.agency_id == bureau, Officer.role == OfficerRole.LEGAL_REVIEWER)
            .values(legal_qualification=False, legal_review_since=since)
        )


async def test_apl_art58_para2_only_first_time_reviewers_after_2021_07_15_need_the_qualification(api, demo, demo_tokens, bureau):
    """APL Art. 58 para 2 (in force 2021-07-15, Art. 86): a reviewer who first takes up legal review
    after that day needs 法律职业资格; one already reviewing before it may go on without."""
    desk = await _notified(api, bureau, notified=30)
    await _reviewers_started(demo, dt.date(2022, 3, 1))
    await desk.do("recordLegalReview", as_=demo_tokens["bureau_reviewer"], on=ago(20), passed=True, opinion="同意")
    refused = await desk.do("decidePenalty", expect="REVIEWER_NOT_QUALIFIED")
    assert "初次从事法制审核" in refused["errors"][0]["message"]
    await _reviewers_started(demo, dt.date(2019, 5, 1))
    shown = await api("query($a: ID) { officers(filter: {agencyId: $a, role: LEGAL_REVIEWER}) { edges { node { legalReviewSince } } } }",
                      {"a": bureau["agency"]["id"]})
    assert {e["node"]["legalReviewSince"] for e in shown["officers"]["edges"]} == {"2019-05-01"}
    await desk.do("decidePenalty")
    assert desk.case["status"] == "DECIDED"


async def test_apl_art42_seed001_auxiliary_staff_assist_but_never_handle_a_case(api, demo, demo_tokens):
    """APL Art. 42; seed 001 names "依靠聘用的辅助人员代替行政执法人员执法": a handler is an enforcement
    officer from registration on; auxiliary staff are recorded as assistants and do not count."""
    township = api.as_(demo_tokens["township_officer"])
    staff = await township("{ officers { edges { node { id name role agency { id } } } } entities(first: 1) { edges { node { id } } } }")
    people = [e["node"] for e in staff["officers"]["edges"]]
    auxiliary = next(p for p in people if p["role"] == "AUXILIARY")
    team = auxiliary["agency"]["id"]
    officers = [p["id"] for p in people if p["role"] == "OFFICER" and p["agency"]["id"] == team][:2]
    payload = {"entityId": staff["entities"]["edges"][0]["node"]["id"], "agencyId": team, "itemCode": "SC024", "violationDate": ago(30),
               "facts": {"duration_months": 3}}
    as_handler = (await township(REGISTER, {"input": {**payload, "officerIds": [officers[0], auxiliary["id"]]}}))["registerCase"]
    assert as_handler["case"] is None and [e["code"] for e in as_handler["errors"]] == ["AUXILIARY_CANNOT_ENFORCE"]
    assert auxiliary["name"] in as_handler["errors"][0]["message"]
    query = REGISTER.replace("timeline { kind }", "timeline { kind } assistants { id } officers { id }")
    assisted = (await township(query, {"input": {**payload, "officerIds": officers, "assistantIds": [auxiliary["id"]]}}))["registerCase"]
    assert assisted["errors"] == []
    assert assisted["case"]["assistants"] == [{"id": auxiliary["id"]}]
    assert [o["id"] for o in assisted["case"]["officers"]] == officers
    desk = Desk(township, assisted["case"])
    await desk.do("fileCase", on=ago(20))
    await desk.do("startInvestigation", on=ago(19))  # the two officers act; the assistant is neither counted nor refused

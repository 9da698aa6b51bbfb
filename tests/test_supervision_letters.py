"""Supervision letters (行政执法监督函) and rectification campaigns (问题清单 / 整改台账), after source
001 (鞍山市集中整治行政执法突出问题的行动方案, 2022): the four dated stages as pure rules; the
letter's cycle, every refusal code, the problem line's cycle and the ledger's counts through the
GraphQL API; who may act and who may read."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import jwt

import pytest
import sqlalchemy as sa

from zhifa.core.audit.models import AuditRecord
from zhifa.core.audit.service import verify
from zhifa.core.clock import legal_today
from zhifa.core.errors import UserError
from zhifa.core.ids import new_id
from zhifa.core.people.models import Agency, AgencyKind, Region, RegionLevel
from zhifa.core.supervision import rectification as rules
from zhifa.core.supervision.models import CampaignStage as CS, LetterStatus as L, Problem, ProblemStatus as P
from zhifa.schema.kit.relay import global_id, parse_global_id
from conftest import token

D = dt.date
TODAY = legal_today()


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def code_of(call) -> str:
    with pytest.raises(UserError) as caught:
        call()
    return caught.value.code


# --- the pure rules ------------------------------------------------------------------------------

ANSHAN_2022 = rules.Stages(D(2022, 7, 18), D(2022, 7, 31), D(2022, 8, 19), D(2022, 8, 31), D(2022, 12, 31))


def test_four_stages_of_source_001_anshan_2022():
    """Source 001 四、工作步骤: 自评自改 7-18–7-31, 提升整改 8-1–8-19, 预评立制 (8-19)–8-31, 总评考核 9-1–年底."""
    rules.check_stages(ANSHAN_2022)
    expected = {
        D(2022, 7, 17): None, D(2022, 7, 18): CS.SELF_ASSESSMENT, D(2022, 7, 25): CS.SELF_ASSESSMENT,
        D(2022, 7, 31): CS.SELF_ASSESSMENT, D(2022, 8, 1): CS.RECTIFICATION, D(2022, 8, 19): CS.RECTIFICATION,
        D(2022, 8, 20): CS.PRE_ASSESSMENT, D(2022, 8, 31): CS.PRE_ASSESSMENT, D(2022, 9, 1): CS.FINAL_ASSESSMENT,
        D(2022, 12, 31): CS.FINAL_ASSESSMENT, D(2023, 1, 1): None,
    }
    assert {day: rules.stage_on(ANSHAN_2022, day) for day in expected} == expected
    assert rules.stage_windows(ANSHAN_2022)[1] == (CS.RECTIFICATION, D(2022, 8, 1), D(2022, 8, 19))
    # Stages must end in order; the field named is the first one out of order.
    for broken, field in (
        (rules.Stages(D(2022, 7, 18), D(2022, 7, 17), D(2022, 8, 19), D(2022, 8, 31), D(2022, 12, 31)), "selfAssessmentUntil"),
        (rules.Stages(D(2022, 7, 18), D(2022, 7, 31), D(2022, 7, 31), D(2022, 8, 31), D(2022, 12, 31)), "rectificationUntil"),
        (rules.Stages(D(2022, 7, 18), D(2022, 7, 31), D(2022, 8, 19), D(2022, 9, 1), D(2022, 8, 31)), "finalAssessmentUntil"),
    ):
        with pytest.raises(UserError) as caught:
            rules.check_stages(broken)
        assert (caught.value.code, caught.value.field) == ("STAGES_NOT_ORDERED", field)


def test_problem_lines_follow_the_stages_of_source_001():
    """Source 001 四（一）: the agencies list their own problems (自评) during 自评自改 only; the
    supervisor lists problems through the campaign; the stage found in is recorded."""
    found = lambda day, today, self_assessed, due=None: rules.new_problem_stage(  # noqa: E731
        ANSHAN_2022, day, due or day + dt.timedelta(days=10), today, self_assessed=self_assessed
    )
    assert found(D(2022, 7, 25), D(2022, 7, 25), True) is CS.SELF_ASSESSMENT
    assert found(D(2022, 9, 5), D(2022, 9, 5), False) is CS.FINAL_ASSESSMENT
    assert found(D(2022, 7, 25), D(2022, 9, 5), False) is CS.SELF_ASSESSMENT  # recorded later, found then
    assert code_of(lambda: found(D(2022, 8, 2), D(2022, 8, 2), True)) == "SELF_ASSESSMENT_ENDED"
    assert code_of(lambda: found(D(2022, 7, 30), D(2022, 8, 2), True)) == "SELF_ASSESSMENT_ENDED"  # back-dated
    assert code_of(lambda: found(D(2022, 7, 1), D(2022, 7, 20), False)) == "CAMPAIGN_NOT_STARTED"
    assert code_of(lambda: found(D(2023, 1, 2), D(2023, 1, 2), False)) == "CAMPAIGN_ENDED"
    assert code_of(lambda: found(D(2022, 7, 25), D(2022, 7, 20), False)) == "DATE_IN_FUTURE"
    assert code_of(lambda: found(D(2022, 7, 25), D(2022, 7, 25), False, D(2022, 7, 24))) == "DUE_BEFORE_FOUND"
    assert rules.check_category("乱作为") == "乱作为" and rules.check_category("CASE_DEADLINE_OVERDUE") == "CASE_DEADLINE_OVERDUE"
    assert code_of(lambda: rules.check_category("其他")) == "CATEGORY_INVALID"


LETTER_TABLE = {
    (L.ISSUED, "answer"): L.ANSWERED, (L.ISSUED, "accept"): "LETTER_NOT_ANSWERED", (L.ISSUED, "return"): "LETTER_NOT_ANSWERED",
    (L.ANSWERED, "answer"): "LETTER_ALREADY_ANSWERED", (L.ANSWERED, "accept"): L.CLOSED, (L.ANSWERED, "return"): L.RETURNED,
    (L.RETURNED, "answer"): L.ANSWERED, (L.RETURNED, "accept"): "LETTER_NOT_ANSWERED", (L.RETURNED, "return"): "LETTER_NOT_ANSWERED",
    (L.CLOSED, "answer"): "LETTER_CLOSED", (L.CLOSED, "accept"): "LETTER_CLOSED", (L.CLOSED, "return"): "LETTER_CLOSED",
}
PROBLEM_TABLE = {
    (P.OPEN, "rectify"): P.RECTIFIED, (P.OPEN, "close"): "PROBLEM_NOT_RECTIFIED", (P.OPEN, "return"): "PROBLEM_NOT_RECTIFIED",
    (P.RECTIFIED, "rectify"): "PROBLEM_ALREADY_RECTIFIED", (P.RECTIFIED, "close"): P.CLOSED, (P.RECTIFIED, "return"): P.OPEN,
    (P.CLOSED, "rectify"): "PROBLEM_CLOSED", (P.CLOSED, "close"): "PROBLEM_CLOSED", (P.CLOSED, "return"): "PROBLEM_CLOSED",
}


@pytest.mark.parametrize("table, transition", [(LETTER_TABLE, rules.letter_transition), (PROBLEM_TABLE, rules.problem_transition)])
def test_every_transition_of_letters_and_problem_lines(table, transition):
    """A letter closes only when answered and accepted; a line is closed (销号) only once rectified."""
    statuses = {status for status, _ in table}
    actions = {action for _, action in table}
    assert set(table) == set(itertools.product(statuses, actions))  # the table covers every pair
    for (status, action), expected in table.items():
        if isinstance(expected, str):
            assert code_of(lambda: transition(status, action)) == expected, (status, action)
        else:
            assert transition(status, action) is expected, (status, action)


def test_letter_dates_alerts_and_overdue():
    assert code_of(lambda: rules.check_letter_dates(D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 2))) == "DUE_NOT_AFTER_ISSUE"
    assert code_of(lambda: rules.check_letter_dates(D(2026, 3, 3), D(2026, 4, 2), D(2026, 3, 2))) == "DATE_IN_FUTURE"
    refs = [rules.AlertRef("CASE_DEADLINE_OVERDUE", "Q2FzZTox"), rules.AlertRef("CASE_DEADLINE_OVERDUE", "Q2FzZTox")]
    assert rules.check_alert_refs(refs) == [{"code": "CASE_DEADLINE_OVERDUE", "subject": "Q2FzZTox"}]  # duplicates stored once
    assert code_of(lambda: rules.check_alert_refs([rules.AlertRef("case overdue", "x")])) == "ALERT_CODE_INVALID"
    due = D(2026, 3, 10)
    assert [rules.letter_overdue(s, due, D(2026, 3, 11)) for s in L] == [True, False, True, False]
    assert rules.letter_overdue(L.ISSUED, due, due) is False  # the due day itself is on time


# --- through the API -----------------------------------------------------------------------------

LETTER_FIELDS = (
    "id number status version overdue dueOn answer closedOn alerts { code subject } agency { name } issuingAgency { name } "
    "timeline { seq kind on data }"
)
PROBLEM_FIELDS = "id status stage category overdue measure rectifiedOn verifiedOn returnedReasons version dueOn alert { code } agency { name }"
INPUTS = {
    "issueSupervisionLetter": ("IssueSupervisionLetterInput", "letter", LETTER_FIELDS),
    "answerSupervisionLetter": ("AnswerSupervisionLetterInput", "letter", LETTER_FIELDS),
    "acceptSupervisionLetter": ("AcceptSupervisionLetterInput", "letter", LETTER_FIELDS),
    "returnSupervisionLetter": ("ReturnSupervisionLetterInput", "letter", LETTER_FIELDS),
    "createRectificationCampaign": ("CreateRectificationCampaignInput", "campaign", "id currentStage stages { stage from to }"),
    "addRectificationProblem": ("AddRectificationProblemInput", "problem", PROBLEM_FIELDS),
    "rectifyProblem": ("RectifyProblemInput", "problem", PROBLEM_FIELDS),
    "closeRectificationProblem": ("CloseRectificationProblemInput", "problem", PROBLEM_FIELDS),
    "returnRectificationProblem": ("ReturnRectificationProblemInput", "problem", PROBLEM_FIELDS),
}


async def act(api, mutation: str, expect: str | None = None, **input) -> dict:
    type_name, key, fields = INPUTS[mutation]
    query = f"mutation($input: {type_name}!) {{ {mutation}(input: $input) {{ {key} {{ {fields} }} errors {{ code field message }} }} }}"
    result = (await api(query, {"input": input}))[mutation]
    if expect:
        assert [e["code"] for e in result["errors"]] == [expect], (mutation, expect, result["errors"])
        assert result[key] is None and all(e["message"] for e in result["errors"])
        return result
    assert result["errors"] == [], (mutation, result["errors"])
    return result[key]


def agency_of(tok: str) -> str:
    """The global ID of the agency a demo token speaks for."""
    return global_id("Agency", uuid.UUID(jwt.decode(tok, options={"verify_signature": False})["agency"]))


async def other_county(sessions) -> tuple[str, str]:
    """A neighbouring county with its own justice bureau and enforcement bureau: (supervisor token, bureau global id)."""
    async with sessions() as session:
        county = Region(id=new_id(), code="330921", name="岱山县", level=RegionLevel.COUNTY)
        justice = Agency(id=new_id(), name="舟山市岱山县司法局", short_name="岱司", kind=AgencyKind.JUSTICE_BUREAU,
                         level=RegionLevel.COUNTY, region_id=county.id)
        bureau = Agency(id=new_id(), name="舟山市岱山县综合行政执法局", short_name="岱综执", kind=AgencyKind.COMPREHENSIVE_BUREAU,
                        level=RegionLevel.COUNTY, region_id=county.id)
        session.add(county)
        await session.flush()
        session.add_all([justice, bureau])
        await session.commit()
    return token(f"officer:{new_id()}", ["supervisor"], justice.id), global_id("Agency", bureau.id)


async def city_bureaus(sessions) -> tuple[str, str]:
    """The demo city's justice bureau and its city-level enforcement bureau: (supervisor token, bureau global id)."""
    async with sessions() as session:
        named = {a.name: a for a in (await session.execute(sa.select(Agency).where(Agency.name.in_(("舟山市司法局", "舟山市综合行政执法局"))))).scalars()}
    justice, bureau = named["舟山市司法局"], named["舟山市综合行政执法局"]
    return token(f"officer:{new_id()}", ["supervisor"], justice.id), global_id("Agency", bureau.id)


LIST = "query($f: SupervisionLetterFilter) { supervisionLetters(filter: $f, first: 50) { totalCount edges { node { number status overdue } } } }"


async def test_letter_cycle_issue_answer_return_answer_accept(api, demo, demo_tokens):
    """Source 001 四（四）: 对于整改不到位的执法部门……下达《行政执法监督函》; the letter closes only
    when the issuing supervisor accepts the agency's rectification report."""
    supervisor, head, officer = api.as_(demo_tokens["supervisor"]), api.as_(demo_tokens["bureau_head"]), api
    bureau = agency_of(demo_tokens["bureau_head"])
    letter_input = dict(agencyId=bureau, findings="部分案件超过办案期限未结案", requirements="三十日内完成整改并书面报告",
                        dueOn=days(30), alerts=[{"code": "CASE_DEADLINE_OVERDUE", "subject": bureau}])

    # Who may issue, and what.
    await act(officer, "issueSupervisionLetter", "FORBIDDEN", **letter_input)
    await act(head, "issueSupervisionLetter", "FORBIDDEN", **letter_input)
    await act(supervisor, "issueSupervisionLetter", "DUE_NOT_AFTER_ISSUE", **(letter_input | {"dueOn": days(0)}))
    await act(supervisor, "issueSupervisionLetter", "ALERT_CODE_INVALID", **(letter_input | {"alerts": [{"code": "late", "subject": bureau}]}))
    await act(supervisor, "issueSupervisionLetter", "FINDINGS_REQUIRED", **(letter_input | {"findings": "  "}))
    letter = await act(supervisor, "issueSupervisionLetter", **letter_input)
    assert letter["number"] == f"定司监函〔{TODAY.year}〕1号"  # gap-free per issuing agency and year: the refusals used none
    assert (letter["status"], letter["overdue"], letter["agency"]["name"], letter["issuingAgency"]["name"]) == (
        "ISSUED", False, "舟山市定海区综合行政执法局", "舟山市定海区司法局")
    assert letter["alerts"] == [{"code": "CASE_DEADLINE_OVERDUE", "subject": bureau}]
    lid = letter["id"]
    await act(supervisor, "acceptSupervisionLetter", "LETTER_NOT_ANSWERED", letterId=lid)
    await act(supervisor, "returnSupervisionLetter", "LETTER_NOT_ANSWERED", letterId=lid, reasons="未整改")

    # The addressed agency's head answers; an officer may not, nor the supervisor.
    await act(officer, "answerSupervisionLetter", "FORBIDDEN", letterId=lid, answer="已整改")
    await act(supervisor, "answerSupervisionLetter", "FORBIDDEN", letterId=lid, answer="已整改")
    await act(head, "answerSupervisionLetter", "ANSWER_REQUIRED", letterId=lid, answer=" ")
    await act(head, "answerSupervisionLetter", "DATE_IN_FUTURE", letterId=lid, answer="已整改", on=days(1))
    answered = await act(head, "answerSupervisionLetter", letterId=lid, answer="已对超期案件逐件清理", version=letter["version"])
    assert answered["status"] == "ANSWERED" and answered["answer"] == "已对超期案件逐件清理"
    await act(head, "answerSupervisionLetter", "LETTER_ALREADY_ANSWERED", letterId=lid, answer="再报")
    # The agency cannot close its own letter.
    await act(head, "acceptSupervisionLetter", "FORBIDDEN", letterId=lid)
    await act(head, "returnSupervisionLetter", "FORBIDDEN", letterId=lid, reasons="自己退回")

    # 整改不到位: returned with reasons and a new due date, answered again, then accepted.
    await act(supervisor, "returnSupervisionLetter", "REASONS_REQUIRED", letterId=lid, reasons="")
    returned = await act(supervisor, "returnSupervisionLetter", letterId=lid, reasons="仍有 3 件未结案", dueOn=days(45))
    assert (returned["status"], returned["dueOn"]) == ("RETURNED", days(45))
    await act(supervisor, "acceptSupervisionLetter", "LETTER_NOT_ANSWERED", letterId=lid)
    again = await act(head, "answerSupervisionLetter", letterId=lid, answer="剩余 3 件已全部结案")
    await act(supervisor, "acceptSupervisionLetter", "VERSION_CONFLICT", letterId=lid, version=again["version"] - 1)
    closed = await act(supervisor, "acceptSupervisionLetter", letterId=lid, comment="整改到位", version=again["version"])
    assert (closed["status"], closed["closedOn"], closed["answer"]) == ("CLOSED", days(0), "剩余 3 件已全部结案")
    for mutation, extra in (("answerSupervisionLetter", {"answer": "x"}), ("acceptSupervisionLetter", {}),
                            ("returnSupervisionLetter", {"reasons": "x"})):
        who = head if mutation == "answerSupervisionLetter" else supervisor
        await act(who, mutation, "LETTER_CLOSED", letterId=lid, **extra)

    # The timeline, with every answer kept; one audit record per act, and the chain intact.
    events = closed["timeline"]
    assert [e["kind"] for e in events] == ["issue", "answer", "return", "answer", "accept"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert events[1]["data"]["answer"] == "已对超期案件逐件清理" and events[2]["data"]["reasons"] == "仍有 3 件未结案"
    async with demo() as session:
        actions = (await session.scalars(sa.select(AuditRecord.action).where(AuditRecord.object_type == "SupervisionLetter")
                                         .order_by(AuditRecord.seq))).all()
        assert actions == ["letter.issued", "letter.answered", "letter.returned", "letter.answered", "letter.closed"]
        assert (await verify(session))[1] is None

    # The next letter takes the next number.
    second = await act(supervisor, "issueSupervisionLetter", **letter_input)
    assert second["number"] == f"定司监函〔{TODAY.year}〕2号"


async def test_letters_jurisdiction_filters_and_overdue(api, demo, demo_tokens, public_api):
    supervisor = api.as_(demo_tokens["supervisor"])
    bureau, township = agency_of(demo_tokens["bureau_head"]), agency_of(demo_tokens["township_officer"])
    base = dict(findings="执法全过程记录不规范", requirements="限期整改")
    late = await act(supervisor, "issueSupervisionLetter", agencyId=township, issuedOn=days(-20), dueOn=days(-1), **base)
    on_time = await act(supervisor, "issueSupervisionLetter", agencyId=bureau, dueOn=days(10), **base)
    assert (late["overdue"], on_time["overdue"]) == (True, False)

    # A letter to an agency outside the supervisor's reach is refused; the other county sees nothing of ours.
    other_supervisor, other_bureau = await other_county(demo)
    await act(supervisor, "issueSupervisionLetter", "FORBIDDEN", agencyId=other_bureau, dueOn=days(10), **base)
    other = api.as_(other_supervisor)
    assert (await other(LIST))["supervisionLetters"]["totalCount"] == 0
    node = "query($id: ID!) { node(id: $id) { ... on SupervisionLetter { number } } }"
    assert (await other(node, {"id": late["id"]}))["node"] is None
    assert (await supervisor(node, {"id": late["id"]}))["node"] == {"number": late["number"]}
    await act(other, "acceptSupervisionLetter", "LETTER_NOT_FOUND", letterId=late["id"])
    foreign = await act(other, "issueSupervisionLetter", agencyId=other_bureau, dueOn=days(10), **base)
    assert foreign["number"] == f"岱司监函〔{TODAY.year}〕1号"

    # Filters: status, agency, overdue (as of a day).
    numbers = lambda data: sorted(e["node"]["number"] for e in data["supervisionLetters"]["edges"])  # noqa: E731
    assert numbers(await supervisor(LIST)) == sorted([late["number"], on_time["number"]])
    assert numbers(await supervisor(LIST, {"f": {"overdue": True}})) == [late["number"]]
    assert numbers(await supervisor(LIST, {"f": {"overdue": True, "asOf": days(-5)}})) == []
    assert numbers(await supervisor(LIST, {"f": {"overdue": False}})) == [on_time["number"]]
    assert numbers(await supervisor(LIST, {"f": {"agencyId": bureau}})) == [on_time["number"]]
    assert numbers(await supervisor(LIST, {"f": {"status": ["ANSWERED", "CLOSED"]}})) == []

    # The addressed agency reads its letters (and those of the agencies below it); nobody else.
    assert numbers(await api.as_(demo_tokens["township_officer"])(LIST)) == [late["number"]]
    assert numbers(await api(LIST)) == sorted([late["number"], on_time["number"]])  # the county bureau: its townships too
    assert numbers(await api.as_(demo_tokens["provincial"])(LIST)) == sorted([late["number"], on_time["number"]])  # read:cases, 330000
    one = "query($id: ID!) { supervisionLetter(id: $id) { number timeline { kind } } }"
    assert (await api.as_(demo_tokens["township_officer"])(one, {"id": on_time["id"]}))["supervisionLetter"] is None
    assert (await api(one, {"id": on_time["id"]}))["supervisionLetter"]["timeline"] == [{"kind": "issue"}]
    response = (await public_api.post(LIST)).json()
    assert response["data"] is None and response["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # A township head answers the township's letter; the county bureau's head may too (its agency below).
    await act(api.as_(demo_tokens["bureau_head"]), "answerSupervisionLetter", letterId=late["id"], answer="已补齐记录")


CAMPAIGN = dict(name="集中整治行政执法突出问题", year=TODAY.year)
LEDGER = """query($c: ID!, $asOf: Date) { rectificationLedger(campaignId: $c, asOf: $asOf) {
  stage total open rectified closed overdue
  agencies { agency { id name } total open rectified closed overdue lines { id status stage } } } }"""


async def test_campaign_problem_lines_and_the_ledger(api, demo, demo_tokens, public_api):
    """Source 001: 问题清单 (自评), 整改台账 with the measures, 销号台账 closed by the supervisor after verifying."""
    supervisor, township = api.as_(demo_tokens["supervisor"]), api.as_(demo_tokens["township_officer"])
    bureau_id, township_id = agency_of(demo_tokens["bureau_head"]), agency_of(demo_tokens["township_officer"])

    stages = dict(startsOn=days(-40), selfAssessmentUntil=days(-30), rectificationUntil=days(10),
                  preAssessmentUntil=days(20), finalAssessmentUntil=days(60))
    await act(api, "createRectificationCampaign", "FORBIDDEN", **CAMPAIGN, **stages)
    await act(supervisor, "createRectificationCampaign", "STAGES_NOT_ORDERED", **CAMPAIGN, **(stages | {"preAssessmentUntil": days(10)}))
    running = await act(supervisor, "createRectificationCampaign", **CAMPAIGN, **stages)  # 提升整改 today
    assert running["currentStage"] == "RECTIFICATION"
    assert [w["stage"] for w in running["stages"]] == ["SELF_ASSESSMENT", "RECTIFICATION", "PRE_ASSESSMENT", "FINAL_ASSESSMENT"]
    assert running["stages"][1]["from"] == days(-29)
    fresh = await act(supervisor, "createRectificationCampaign", **CAMPAIGN, startsOn=days(-3), selfAssessmentUntil=days(5),
                      rectificationUntil=days(15), preAssessmentUntil=days(25), finalAssessmentUntil=days(90))
    cid = running["id"]

    # 自评自改: the agency lists its own problems while that stage runs, not after.
    line = dict(category="不规范", description="执法文书送达回证缺失", dueOn=days(20))
    own = await act(township, "addRectificationProblem", campaignId=fresh["id"], agencyId=township_id, **line)
    assert (own["stage"], own["status"]) == ("SELF_ASSESSMENT", "OPEN")
    await act(township, "addRectificationProblem", "SELF_ASSESSMENT_ENDED", campaignId=cid, agencyId=township_id, **line)
    await act(township, "addRectificationProblem", "FORBIDDEN", campaignId=fresh["id"], agencyId=bureau_id, **line)
    await act(api.as_(demo_tokens["township_auxiliary"]), "addRectificationProblem", "FORBIDDEN",
              campaignId=fresh["id"], agencyId=township_id, **line)

    # The supervisor lists problems in any stage; the stage found in is recorded.
    early = await act(supervisor, "addRectificationProblem", campaignId=cid, agencyId=township_id, foundOn=days(-35), **line)
    late = await act(supervisor, "addRectificationProblem", campaignId=cid, agencyId=township_id, foundOn=days(-15),
                     category="CASE_DEADLINE_OVERDUE", description="超期未结案", dueOn=days(-1),
                     alert={"code": "CASE_DEADLINE_OVERDUE", "subject": township_id})
    other = await act(supervisor, "addRectificationProblem", campaignId=cid, agencyId=bureau_id, **line)
    assert (early["stage"], late["stage"], other["stage"]) == ("SELF_ASSESSMENT", "RECTIFICATION", "RECTIFICATION")
    assert (late["overdue"], late["alert"], early["overdue"]) == (True, {"code": "CASE_DEADLINE_OVERDUE"}, False)
    await act(supervisor, "addRectificationProblem", "CAMPAIGN_NOT_STARTED", campaignId=cid, agencyId=township_id, foundOn=days(-41), **line)
    await act(supervisor, "addRectificationProblem", "CATEGORY_INVALID", campaignId=cid, agencyId=township_id, **(line | {"category": "其他"}))
    other_supervisor, other_bureau = await other_county(demo)
    await act(supervisor, "addRectificationProblem", "FORBIDDEN", campaignId=cid, agencyId=other_bureau, **line)
    # another county neither sees the campaign nor adds to it
    await act(api.as_(other_supervisor), "addRectificationProblem", "CAMPAIGN_NOT_FOUND", campaignId=cid, agencyId=other_bureau, **line)
    seen = await api.as_(other_supervisor)("{ rectificationCampaigns(first: 10) { totalCount } }")
    assert seen["rectificationCampaigns"]["totalCount"] == 0
    assert (await township("{ rectificationCampaigns(first: 10) { totalCount } }"))["rectificationCampaigns"]["totalCount"] == 2
    # the city's supervisor sees the county's campaign, but lines go to agencies of the county only
    city_supervisor, city_agency = await city_bureaus(demo)
    await act(api.as_(city_supervisor), "addRectificationProblem", "AGENCY_NOT_IN_CAMPAIGN", campaignId=cid, agencyId=city_agency, **line)
    # A line may come from a letter of the campaign addressed to the same agency.
    letter = await act(supervisor, "issueSupervisionLetter", agencyId=township_id, findings="案卷归档不全", requirements="限期补正",
                       dueOn=days(15), campaignId=cid)
    await act(supervisor, "addRectificationProblem", "LETTER_NOT_FOUND", campaignId=cid, agencyId=bureau_id, letterId=letter["id"], **line)
    from_letter = await act(supervisor, "addRectificationProblem", campaignId=cid, agencyId=township_id, letterId=letter["id"],
                            **(line | {"dueOn": days(15)}))
    by_campaign = await supervisor(LIST, {"f": {"campaignId": cid}})
    assert [e["node"]["number"] for e in by_campaign["supervisionLetters"]["edges"]] == [letter["number"]]
    await act(township, "rectifyProblem", problemId=from_letter["id"], measure="已补正归档")

    # A line's cycle: rectified by the agency, verified and closed (销号) by the supervisor, or returned.
    pid = early["id"]
    await act(supervisor, "closeRectificationProblem", "PROBLEM_NOT_RECTIFIED", problemId=pid)
    await act(supervisor, "returnRectificationProblem", "PROBLEM_NOT_RECTIFIED", problemId=pid, reasons="x")
    await act(supervisor, "rectifyProblem", "FORBIDDEN", problemId=pid, measure="代为整改")
    await act(township, "rectifyProblem", "MEASURE_REQUIRED", problemId=pid, measure=" ")
    done = await act(township, "rectifyProblem", problemId=pid, measure="补制送达回证并建立文书归档核对制度", version=early["version"])
    assert (done["status"], done["rectifiedOn"], done["measure"]) == ("RECTIFIED", days(0), "补制送达回证并建立文书归档核对制度")
    await act(township, "rectifyProblem", "PROBLEM_ALREADY_RECTIFIED", problemId=pid, measure="再报")
    await act(township, "closeRectificationProblem", "FORBIDDEN", problemId=pid)  # the agency cannot close its own line
    reopened = await act(supervisor, "returnRectificationProblem", problemId=pid, reasons="归档核对制度未印发")
    assert (reopened["status"], reopened["rectifiedOn"], reopened["measure"]) == ("OPEN", None, done["measure"])
    assert reopened["returnedReasons"] == "归档核对制度未印发"
    again = await act(township, "rectifyProblem", problemId=pid, measure="制度已印发执行")
    await act(supervisor, "closeRectificationProblem", "VERSION_CONFLICT", problemId=pid, version=done["version"])
    closed = await act(supervisor, "closeRectificationProblem", problemId=pid, version=again["version"])
    assert (closed["status"], closed["verifiedOn"]) == ("CLOSED", days(0))
    for mutation, extra in (("rectifyProblem", {"measure": "x"}), ("closeRectificationProblem", {}),
                            ("returnRectificationProblem", {"reasons": "x"})):
        await act(township if mutation == "rectifyProblem" else supervisor, mutation, "PROBLEM_CLOSED", problemId=pid, **extra)
    await act(township, "rectifyProblem", problemId=other["id"], measure="越权", expect="PROBLEM_NOT_FOUND")  # not its line

    # The ledger: per agency, counts equal to a recount of the rows; each reader sees its reach.
    ledger = (await supervisor(LEDGER, {"c": cid}))["rectificationLedger"]
    campaign_key = parse_global_id(cid)[1]
    async with demo() as session:
        rows = (await session.execute(sa.select(Problem.agency_id, Problem.status, Problem.due_on)
                                      .where(Problem.campaign_id == campaign_key))).all()
    for row in ledger["agencies"]:
        mine = [r for r in rows if r.agency_id == parse_global_id(row["agency"]["id"])[1]]
        assert row["total"] == len(mine) == len(row["lines"])
        assert row["open"] == sum(r.status is P.OPEN for r in mine)
        assert row["rectified"] == sum(r.status is P.RECTIFIED for r in mine)
        assert row["closed"] == sum(r.status is P.CLOSED for r in mine)
        assert row["overdue"] == sum(r.status is P.OPEN and r.due_on < TODAY for r in mine)
    by_name = {r["agency"]["name"]: r for r in ledger["agencies"]}
    township_row = next(r for r in ledger["agencies"] if r["agency"]["id"] == township_id)
    assert [township_row[k] for k in ("total", "open", "rectified", "closed", "overdue")] == [3, 1, 1, 1, 1]
    assert [ledger[k] for k in ("stage", "total", "open", "rectified", "closed", "overdue")] == ["RECTIFICATION", 4, 2, 1, 1, 1]
    assert len(by_name) == 2
    # As of an earlier day the late line was not yet overdue.
    assert (await supervisor(LEDGER, {"c": cid, "asOf": days(-2)}))["rectificationLedger"]["overdue"] == 0

    mine = (await township(LEDGER, {"c": cid}))["rectificationLedger"]
    assert [r["agency"]["id"] for r in mine["agencies"]] == [township_id] and mine["total"] == 3
    assert (await api(LEDGER, {"c": cid}))["rectificationLedger"]["total"] == 4  # the county bureau: its townships too
    assert (await api.as_(other_supervisor)(LEDGER, {"c": cid}))["rectificationLedger"] is None
    response = (await public_api.post(LEDGER, {"c": cid})).json()
    assert response["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    problems = "query($f: RectificationProblemFilter) { rectificationProblems(filter: $f) { totalCount } }"
    assert (await township(problems, {"f": {"overdue": True}}))["rectificationProblems"]["totalCount"] == 1
    assert (await supervisor(problems, {"f": {"campaignId": cid, "status": ["OPEN"]}}))["rectificationProblems"]["totalCount"] == 2
    assert (await supervisor(problems, {"f": {"stage": "SELF_ASSESSMENT"}}))["rectificationProblems"]["totalCount"] == 2


async def test_letters_problems_and_campaigns_refuse_what_is_missing_or_out_of_bounds(api, demo, demo_tokens):
    supervisor, head = api.as_(demo_tokens["supervisor"]), api.as_(demo_tokens["bureau_head"])
    bureau, justice = agency_of(demo_tokens["bureau_head"]), agency_of(demo_tokens["supervisor"])
    base = dict(agencyId=bureau, findings="部分案件超过办案期限未结案", requirements="三十日内完成整改", dueOn=days(30))
    await act(supervisor, "issueSupervisionLetter", "REQUIREMENTS_REQUIRED", **(base | {"requirements": " "}))
    await act(supervisor, "issueSupervisionLetter", "TEXT_TOO_LONG", **(base | {"findings": "超" * 20001}))
    await act(supervisor, "issueSupervisionLetter", "LETTER_TO_SELF", **(base | {"agencyId": justice}))
    await act(supervisor, "issueSupervisionLetter", "ALERT_SUBJECT_INVALID", **(base | {"alerts": [{"code": "CASE_DEADLINE_OVERDUE", "subject": "某案"}]}))
    many = [{"code": f"RULE_{i}", "subject": bureau} for i in range(51)]
    await act(supervisor, "issueSupervisionLetter", "TOO_MANY_ALERTS", **(base | {"alerts": many}))
    letter = await act(supervisor, "issueSupervisionLetter", **base)
    await act(head, "answerSupervisionLetter", letterId=letter["id"], answer="已整改")
    await act(supervisor, "returnSupervisionLetter", "DUE_NOT_AFTER_RETURN", letterId=letter["id"], reasons="仍有超期案件", dueOn=days(0))

    stages = dict(startsOn=days(-3), selfAssessmentUntil=days(5), rectificationUntil=days(15), preAssessmentUntil=days(25), finalAssessmentUntil=days(90))
    await act(supervisor, "createRectificationCampaign", "YEAR_INVALID", **(CAMPAIGN | {"year": 1999}), **stages)
    campaign = await act(supervisor, "createRectificationCampaign", **CAMPAIGN, **stages)
    line = dict(campaignId=campaign["id"], agencyId=bureau, category="不规范", description=" ", dueOn=days(20))
    await act(supervisor, "addRectificationProblem", "DESCRIPTION_REQUIRED", **line)

"""The procedure under the Administrative Penalty Law, driven through GraphQL from registration to
closing, and each guard's refusal with its code."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from conftest import token
from zhifa.core.audit.service import verify
from zhifa.core.clock import legal_today
from zhifa.core.ids import new_id
from zhifa.schema.kit.relay import global_id, parse_global_id

TODAY = legal_today()
CASE_FIELDS = "id version status fine decisionNumber hearingRight major penaltyKinds { code } deadlines { kind dueOn metOn overdue } timeline { kind }"
REGISTER = f"""mutation($input: RegisterCaseInput!) {{ registerCase(input: $input) {{ case {{ {CASE_FIELDS} }} errors {{ code message }} }} }}"""


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


class Desk:
    """Performs steps on one case as a given signed-in person, keeping the version it saw."""

    def __init__(self, api, case: dict):
        self.api, self.case = api, case

    async def do(self, mutation: str, as_=None, expect: str | None = None, **fields) -> dict:
        name = mutation[0].upper() + mutation[1:]
        input_type = STEP_INPUTS.get(mutation, "CaseStepInput")
        query = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ case {{ {CASE_FIELDS} }} errors {{ code field message }} }} }}"
        client = self.api.as_(as_) if as_ else self.api
        result = (await client(query, {"input": {"caseId": self.case["id"], "version": self.case["version"], **fields}}))[mutation]
        if expect:
            assert expect in [e["code"] for e in result["errors"]], (name, result["errors"])
            return result
        assert result["errors"] == [], (name, result["errors"])
        self.case = result["case"]
        return result


STEP_INPUTS = {
    "declineFiling": "ReasonedStepInput",
    "proposePenalty": "ProposePenaltyInput",
    "holdHearing": "HoldHearingInput",
    "recordLegalReview": "LegalReviewInput",
    "reviseProposal": "ReasonedStepInput",
    "recordCollectiveDiscussion": "CollectiveDiscussionInput",
    "decidePenalty": "DecidePenaltyInput",
    "decideNoPenalty": "DecideNoPenaltyInput",
    "serveDecision": "ServeDecisionInput",
    "recordPayment": "RecordPaymentInput",
    "transferCase": "TransferCaseInput",
    "answerTransfer": "AnswerTransferInput",
    "suspendCase": "ReasonedStepInput",
    "resumeCase": "ReasonedStepInput",
    "extendDecisionDeadline": "ExtendDeadlineInput",
    "waiveRights": "WaiveRightsInput",
    "approvePaymentPlan": "PaymentPlanInput",
    "applyCourtEnforcement": "CourtApplicationInput",
    "endExecution": "EndExecutionInput",
    "remitSurcharge": "RemitSurchargeInput",
}


@pytest.fixture
async def bureau(api, demo, demo_tokens):
    """The county bureau (it enforces every domain), two of its officers, its reviewer and its head."""
    data = await api(
        """{ agencies(filter: {kind: COMPREHENSIVE_BUREAU}) { edges { node { id shortName } } }
             entities(first: 1, filter: {kind: LEGAL_PERSON}) { edges { node { id } } }
             people: entities(first: 1, filter: {kind: NATURAL_PERSON}) { edges { node { id } } } }"""
    )
    agency = data["agencies"]["edges"][0]["node"]
    staff = await api("query($a: ID) { officers(filter: {agencyId: $a}) { edges { node { id role legalQualification } } } }", {"a": agency["id"]})
    people = [e["node"] for e in staff["officers"]["edges"]]
    return {
        "agency": agency,
        "company": data["entities"]["edges"][0]["node"]["id"],
        "person": data["people"]["edges"][0]["node"]["id"],
        "officers": [p["id"] for p in people if p["role"] == "OFFICER"][:2],
        "reviewer": next(p["id"] for p in people if p["role"] == "LEGAL_REVIEWER"),
        "head": next(p["id"] for p in people if p["role"] == "AGENCY_HEAD"),
    }


async def register(api, bureau, *, item="JZ001", entity="company", facts=None, violated=60, procedure="GENERAL", officers=None, description="") -> Desk:
    payload = {
        "description": description,
        "entityId": bureau[entity],
        "agencyId": bureau["agency"]["id"],
        "itemCode": item,
        "violationDate": ago(violated),
        "officerIds": officers or bureau["officers"],
        "procedure": procedure,
        "facts": facts if facts is not None else {"construction_cost": "2000000"},
    }
    result = (await api(REGISTER, {"input": payload}))["registerCase"]
    assert result["errors"] == [], result["errors"]
    return Desk(api, result["case"])


async def test_general_procedure_with_hearing_legal_review_and_discussion_to_closing(api, demo, demo_tokens, bureau):
    """APL Art. 54–73: filing, investigation, proposal on the benchmark, prior notice, hearing,
    legal review (Art. 58), collective discussion (Art. 57), decision, service, payment, closing."""
    desk = await register(api, bureau)
    await desk.do("fileCase", on=ago(50))
    await desk.do("startInvestigation", on=ago(45))
    await desk.do("proposePenalty", on=ago(35), facts={"correctable": True, "corrected_on_time": True})
    assert desk.case["fine"] == "100000.00" and desk.case["hearingRight"] and desk.case["major"]
    await desk.do("sendPriorNotice", on=ago(30))
    await desk.do("requestHearing", on=ago(28))
    await desk.do("decidePenalty", expect="HEARING_PENDING")
    await desk.do("holdHearing", on=ago(15), chairId=bureau["head"], notifiedOn=ago(27), record="当事人陈述已记录")
    await desk.do("decidePenalty", expect="LEGAL_REVIEW_REQUIRED")
    await desk.do("recordLegalReview", as_=None, expect="FORBIDDEN", passed=True, opinion="同意")
    reviewer = demo_tokens["bureau_reviewer"]
    await desk.do("recordLegalReview", as_=reviewer, on=ago(12), passed=True, opinion="事实清楚，证据确凿，适用法律正确，裁量适当")
    await desk.do("recordCollectiveDiscussion", as_=demo_tokens["bureau_head"], on=ago(10), conclusion="同意处罚", participants=["局长", "副局长"])
    await desk.do("decidePenalty")
    assert desk.case["status"] == "DECIDED"
    assert desk.case["decisionNumber"] == f"{bureau['agency']['shortName']}罚决字〔{TODAY.year}〕1号"
    await desk.do("serveDecision", method="直接送达")
    await desk.do("startExecution")
    await desk.do("closeCase", expect="CLOSE_EXECUTION_UNFINISHED")
    await desk.do("recordPayment", amount="100000.00", receipt="银行回单 001")
    published = await api("mutation($i: PublishDecisionInput!) { publishDecision(input: $i) { errors { code } } }", {"i": {"caseId": desk.case["id"]}})
    assert published["publishDecision"]["errors"] == []
    desk.case = (await api(f"query($id: ID) {{ case(id: $id) {{ {CASE_FIELDS} }} }}", {"id": desk.case["id"]}))["case"]
    await desk.do("closeCase")
    assert desk.case["status"] == "CLOSED"
    kinds = [e["kind"] for e in desk.case["timeline"]]
    assert kinds == ["registered", "file", "start_investigation", "propose", "notify", "request_hearing", "hold_hearing",
                     "review", "discuss", "decide", "serve", "execute", "payment", "publish", "close"]
    deadlines = {d["kind"]: d for d in desk.case["deadlines"]}
    assert {"DECISION", "NOTICE_RESPONSE", "SERVICE", "PAYMENT", "PUBLICATION"} <= deadlines.keys()
    assert all(d["metOn"] and not d["overdue"] for d in deadlines.values())
    async with demo() as session:
        _, broken = await verify(session)
    assert broken is None


async def test_deciding_inside_the_notice_window_is_refused(api, demo, bureau):
    """APL Art. 44, 62, 64: no decision before the party's response window has run out."""
    desk = await register(api, bureau, facts={"construction_cost": "100000"})
    for step, on in (("fileCase", 20), ("startInvestigation", 19)):
        await desk.do(step, on=ago(on))
    await desk.do("proposePenalty", on=ago(17), facts={"correctable": True, "corrected_on_time": True})
    await desk.do("sendPriorNotice", on=ago(15))
    # recorded today but taken a day after the notice: judged on its own day, still inside the window
    await desk.do("decidePenalty", on=ago(14), expect="NOTICE_WINDOW_OPEN")
    await desk.do("decidePenalty")  # today the window has run out


async def test_fewer_than_two_officers_cannot_act(api, demo, bureau):
    """APL Art. 42: at least two officers holding certificates."""
    desk = await register(api, bureau, officers=bureau["officers"][:1])
    await desk.do("fileCase")
    await desk.do("startInvestigation", expect="OFFICERS_TOO_FEW")


async def test_the_limitation_period_blocks_filing(api, demo, bureau):
    """APL Art. 36: a violation not discovered within two years is no longer penalised."""
    desk = await register(api, bureau, violated=800, facts={"construction_cost": "100000"})
    await desk.do("fileCase", on=ago(30), expect="LIMITATION_EXPIRED")


async def test_a_stale_version_is_a_conflict(api, demo, bureau):
    desk = await register(api, bureau)
    stale = dict(desk.case)
    await desk.do("fileCase")
    desk.case, fresh = stale, desk.case
    await desk.do("startInvestigation", expect="VERSION_CONFLICT")
    desk.case = fresh
    await desk.do("startInvestigation")


async def test_steps_out_of_order_are_refused(api, demo, bureau):
    desk = await register(api, bureau)
    await desk.do("decidePenalty", expect="TRANSITION_NOT_ALLOWED")
    await desk.do("closeCase", expect="TRANSITION_NOT_ALLOWED")


async def test_a_fine_outside_the_benchmark_needs_reasons(api, demo, bureau):
    """国办发〔2022〕27号: departing from the discretion benchmark needs stated reasons."""
    desk = await register(api, bureau, facts={"construction_cost": "100000"})
    await desk.do("fileCase")
    await desk.do("startInvestigation")
    await desk.do("proposePenalty", expect="DISCRETION_OUT_OF_RANGE", facts={"correctable": True, "corrected_on_time": True}, proposedFine="1.00")
    await desk.do("proposePenalty", facts={"correctable": True, "corrected_on_time": True}, proposedFine="1.00", reasons="当事人已拆除并赔偿")
    assert desk.case["major"] is True and desk.case["fine"] == "1.00"  # a departure goes to legal review


async def test_simple_procedure_on_the_spot_within_its_threshold(api, demo, bureau):
    """APL Art. 51: a fine of up to 200 yuan for a citizen may be decided on the spot."""
    desk = await register(api, bureau, item="SC024", entity="person", procedure="SIMPLE", facts={"duration_months": 1})
    await desk.do("decidePenalty", expect="SIMPLE_PROCEDURE_NOT_ALLOWED", fine="500.00")
    await desk.do("decidePenalty", fine="150.00")
    await desk.do("serveDecision", method="当场交付")
    await desk.do("recordPayment", amount="150.00")
    await desk.do("closeCase")
    assert desk.case["status"] == "CLOSED" and desk.case["decisionNumber"].startswith(bureau["agency"]["shortName"] + "罚决字")


async def test_no_penalty_decision_on_the_first_violation_path(api, demo, bureau):
    """APL Art. 33 para 1: first violation, minor harm, promptly corrected → no penalty."""
    desk = await register(api, bureau, item="SC024", facts={"duration_months": 1, "first_violation": True, "harm_minor": True, "corrected_promptly": True})
    await desk.do("fileCase")
    await desk.do("startInvestigation")
    await desk.do("proposePenalty")
    assert desk.case["fine"] == "0.00" and desk.case["penaltyKinds"] == []
    await desk.do("decideNoPenalty", ground="首违不罚：初次违法、危害后果轻微并及时改正（行政处罚法第三十三条第一款）")
    assert desk.case["status"] == "DECIDED" and "不罚字" in desk.case["decisionNumber"] and desk.case["fine"] == "0.00"


async def test_transfer_from_township_to_county_and_to_public_security(api, demo, demo_tokens, bureau):
    """APL Art. 24 and 27: a township sends a case to the county, which takes the whole file over
    with its own handlers and number (the township's number stays in the history); a suspected crime
    goes to public security on the principal head's approval (行政执法机关移送涉嫌犯罪案件的规定第五条),
    the police answer with their notice (第八条), and a case they file stays with them (第十一条、第十二条)."""
    township = api.as_(demo_tokens["township_officer"])
    mine = await township(
        """{ agencies(filter: {kind: TOWNSHIP_TEAM}) { edges { node { id name } } }
             entities(first: 1) { edges { node { id } } } }"""
    )
    team = await township("{ officers(filter: {role: OFFICER}) { edges { node { id agency { id } } } } }")
    team_id = team["officers"]["edges"][0]["node"]["agency"]["id"]
    handlers = [e["node"]["id"] for e in team["officers"]["edges"] if e["node"]["agency"]["id"] == team_id][:2]
    payload = {"entityId": mine["entities"]["edges"][0]["node"]["id"], "agencyId": team_id, "itemCode": "SC024",
               "violationDate": ago(10), "officerIds": handlers, "facts": {"duration_months": 3}}
    created = (await township(REGISTER, {"input": payload}))["registerCase"]
    assert created["errors"] == []
    desk = Desk(township, created["case"])
    await desk.do("fileCase")
    await desk.do("startInvestigation")
    await desk.do("transferCase", target="AGENCY", agencyId=bureau["agency"]["id"], reason="拟作出重大行政处罚，依规定移送县级")
    assert desk.case["status"] == "TRANSFERRED"
    sender_number = (await api("query($id: ID) { case(id: $id) { caseNumber } }", {"id": desk.case["id"]}))["case"]["caseNumber"]
    county = Desk(api, desk.case)
    await county.do("answerTransfer", accepted=True, reason="接收", expect="TRANSFER_HANDLERS_REQUIRED")
    await county.do("answerTransfer", accepted=True, reason="接收", officerIds=handlers, expect="OFFICER_NOT_IN_AGENCY")
    await county.do("answerTransfer", accepted=True, reason="接收", officerIds=bureau["officers"])
    assert county.case["status"] == "INVESTIGATING"
    owner = await api("query($id: ID) { case(id: $id) { caseNumber agency { id } officers { id } timeline { kind } } }", {"id": county.case["id"]})
    assert owner["case"]["agency"]["id"] == bureau["agency"]["id"]
    assert sorted(o["id"] for o in owner["case"]["officers"]) == sorted(bureau["officers"])
    assert owner["case"]["caseNumber"] != sender_number and owner["case"]["caseNumber"].startswith(bureau["agency"]["shortName"])
    assert [e["kind"] for e in owner["case"]["timeline"]][-2:] == ["transfer", "accept_return"]
    assert (await township("query($id: ID) { case(id: $id) { id } }", {"id": county.case["id"]}))["case"] is None

    head = demo_tokens["bureau_head"]
    await county.do("transferCase", target="PUBLIC_SECURITY", reason="涉嫌犯罪，移送公安机关", reportedOn=ago(0), expect="CRIMINAL_TRANSFER_NOT_APPROVED")
    await county.do("transferCase", as_=head, target="PUBLIC_SECURITY", reason="涉嫌犯罪，移送公安机关", expect="CRIMINAL_TRANSFER_REPORT_REQUIRED")
    await county.do("transferCase", as_=head, target="PUBLIC_SECURITY", reason="涉嫌犯罪，移送公安机关", reportedOn=ago(0))
    assert county.case["status"] == "TRANSFERRED"
    await county.do("answerTransfer", accepted=True, reason="公安机关决定立案", expect="POLICE_NOTICE_REQUIRED")
    police = token("service:dinghai-police", ["public_security"], regions=["330902"], scopes=["read:cases"])
    await county.do("answerTransfer", as_=police, accepted=True, reason="公安机关决定立案侦查", noticeNumber="舟定公（刑）立字〔2026〕15号")
    assert county.case["status"] == "TRANSFERRED"  # the case is with the police, not back with the agency
    await county.do("startInvestigation", expect="CASE_WITH_PUBLIC_SECURITY")
    answer = await api("query($id: ID) { case(id: $id) { timeline { kind data } } }", {"id": county.case["id"]})
    recorded = answer["case"]["timeline"][-1]
    assert recorded["kind"] == "accept_return" and recorded["data"]["accepted"] is True
    assert recorded["data"]["answered_by"] == "public_security" and recorded["data"]["notice_number"] == "舟定公（刑）立字〔2026〕15号"
    # 第十三条: no criminal liability after all, but an administrative one — the police send it back
    await county.do("answerTransfer", as_=police, accepted=False, reason="不需要追究刑事责任，移送行政执法机关处理", noticeNumber="舟定公（刑）撤字〔2026〕3号")
    assert county.case["status"] == "INVESTIGATING"


async def test_transfers_only_to_an_agency_competent_for_the_item_and_place(api, demo, bureau):
    """APL Art. 22–24 (浙江省综合行政执法条例第九条): a construction case cannot go to the transport
    team, which holds no construction duties, nor to a township the item was not delegated to."""
    desk = await register(api, bureau)
    await desk.do("fileCase", on=ago(50))
    await desk.do("startInvestigation", on=ago(45))
    agencies = (await api("{ agencies(first: 100) { edges { node { id kind domainCodes } } } }"))["agencies"]["edges"]
    transport = next(a["node"]["id"] for a in agencies if a["node"]["kind"] == "PROFESSIONAL_TEAM" and "construction" not in a["node"]["domainCodes"])
    await desk.do("transferCase", target="AGENCY", agencyId=transport, reason="移送交通运输执法队", expect="TRANSFER_RECEIVER_NOT_COMPETENT")


async def test_overdue_cases_are_filterable(api, demo, bureau):
    """APL Art. 60: a decision within 90 days of filing; past it the case shows as overdue."""
    desk = await register(api, bureau, violated=200)
    await desk.do("fileCase", on=ago(120))
    overdue = await api("{ cases(first: 100, filter: {overdue: true}) { edges { node { id deadlines { kind overdue } } } } }")
    found = {e["node"]["id"]: e["node"] for e in overdue["cases"]["edges"]}
    assert desk.case["id"] in found and any(d["kind"] == "DECISION" and d["overdue"] for d in found[desk.case["id"]]["deadlines"])
    await desk.do("extendDecisionDeadline", on=ago(1), days=60, reason="案情复杂", approvedBy="局长批准", expect="EXTENSION_AFTER_DEADLINE")
    await desk.do("extendDecisionDeadline", on=ago(40), days=60, reason="案情复杂", approvedBy="局长批准")
    not_overdue = await api("{ cases(first: 100, filter: {overdue: false}) { edges { node { id } } } }")
    assert desk.case["id"] in {e["node"]["id"] for e in not_overdue["cases"]["edges"]}


async def test_two_concurrent_edits_one_wins_the_other_conflicts(api, demo, bureau):
    """Optimistic locking under real concurrency: the row lock makes the second writer wait, then
    it finds the version moved and gets VERSION_CONFLICT, never a silent overwrite."""
    import asyncio

    desk = await register(api, bureau)
    query = "mutation($input: CaseStepInput!) { fileCase(input: $input) { case { version } errors { code } } }"
    body = {"input": {"caseId": desk.case["id"], "version": desk.case["version"]}}
    results = await asyncio.gather(*(api(query, body) for _ in range(4)))
    outcomes = ["ok" if r["fileCase"]["errors"] == [] else r["fileCase"]["errors"][0]["code"] for r in results]
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"VERSION_CONFLICT", "TRANSITION_NOT_ALLOWED"}
    timeline = await api("query($id: ID) { case(id: $id) { timeline { kind } } }", {"id": desk.case["id"]})
    assert [e["kind"] for e in timeline["case"]["timeline"]].count("file") == 1


async def test_publication_redacts_people_and_withdrawal_and_correction_are_new_records(api, public_api, demo, demo_tokens, bureau):
    """APL Art. 48: decisions published, redacted (Art. 50; PIPL Art. 25), withdrawn with reasons;
    a penalty enters the party's credit record, which can be repaired on its conditions."""
    desk = await register(api, bureau, item="SC024", entity="person", procedure="SIMPLE", facts={"duration_months": 1})
    await desk.do("decidePenalty", fine="150.00")
    publish = """mutation($i: PublishDecisionInput!) { publishDecision(input: $i) {
      publication { id partyName partyKind decisionNumber penalty fine status } errors { code } } }"""
    for role in ("township_officer", "supervisor"):
        refused = (await api.as_(demo_tokens[role])(publish, {"i": {"caseId": desk.case["id"]}}))["publishDecision"]
        assert refused["errors"][0]["code"] == "FORBIDDEN"
    published = (await api(publish, {"i": {"caseId": desk.case["id"]}}))["publishDecision"]
    assert published["errors"] == []
    record = published["publication"]
    assert record["partyName"].endswith("某") and len(record["partyName"]) <= 3 and record["fine"] == "150.00"
    assert "罚款人民币 150.00 元" in record["penalty"]
    again = (await api(publish, {"i": {"caseId": desk.case["id"]}}))["publishDecision"]
    assert again["errors"][0]["code"] == "ALREADY_PUBLISHED"

    search = 'query($n: String) { publicDecisions(filter: {search: $n}) { totalCount edges { node { id partyName partyAddress status } } } }'
    seen = (await public_api(search, {"n": record["decisionNumber"]}))["publicDecisions"]
    assert seen["totalCount"] == 1 and not any(ch.isdigit() for ch in seen["edges"][0]["node"]["partyAddress"].replace("0580", ""))

    change = "mutation($i: ChangePublicationInput!) { %s(input: $i) { publication { id status } errors { code } } }"
    corrected = (await api(change % "correctPublication", {"i": {"publicationId": record["id"], "reason": "更正当事人地址"}}))["correctPublication"]
    assert corrected["errors"] == [] and corrected["publication"]["id"] != record["id"]
    history = (await public_api('query($n: String) { publicDecisions(filter: {search: $n, includeWithdrawn: true}) { edges { node { status } } } }', {"n": record["decisionNumber"]}))
    assert sorted(e["node"]["status"] for e in history["publicDecisions"]["edges"]) == ["published", "superseded"]
    withdrawn = (await api(change % "withdrawPublication", {"i": {"publicationId": corrected["publication"]["id"], "reason": "决定已被撤销"}}))["withdrawPublication"]
    assert withdrawn["publication"]["status"] == "WITHDRAWN".lower()
    assert (await public_api(search, {"n": record["decisionNumber"]}))["publicDecisions"]["totalCount"] == 0

    credit = await api("query($e: ID!) { creditRecords(entityId: $e) { id severity repairableFrom } }", {"e": bureau["person"]})
    assert len(credit["creditRecords"]) == 1 and credit["creditRecords"][0]["severity"] == "ordinary"
    assert credit["creditRecords"][0]["repairableFrom"] > TODAY.isoformat()
    other = await api.as_(demo_tokens["provincial_other"])("query($e: ID!) { creditRecords(entityId: $e) { id } }", {"e": bureau["person"]})
    assert other["creditRecords"] == []


async def test_the_decision_and_other_documents_are_generated_from_the_record(api, demo, demo_tokens, bureau):
    """The generated documents open with python-docx and carry the case number, the party, the
    facts, the legal basis and the penalty (APL Art. 44, 59, 61); numbers run per type, gap-free."""
    import io

    import docx

    desk = await register(api, bureau, item="SC024", procedure="SIMPLE", facts={"duration_months": 1})
    await desk.do("decidePenalty", fine="150.00")
    await desk.do("serveDecision", method="直接送达")
    headers = {"authorization": f"Bearer {demo_tokens['bureau_officer']}"}
    response = await api.client.get(f"/cases/{desk.case['id']}/documents/penalty_decision", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
    case = await api("query($id: ID) { case(id: $id) { caseNumber decisionNumber entity { name } item { basis violated } } }", {"id": desk.case["id"]})
    for expected in (case["case"]["caseNumber"], case["case"]["decisionNumber"], case["case"]["entity"]["name"], case["case"]["item"]["basis"], "150.00", "壹佰伍拾元整"):
        assert expected in text, expected
    receipt = await api.client.get(f"/cases/{desk.case['id']}/documents/service_receipt", headers=headers)
    assert receipt.status_code == 200
    for never in ("prior_notice", "filing_approval"):  # the simple procedure neither files nor notifies in writing
        refused = await api.client.get(f"/cases/{desk.case['id']}/documents/{never}", headers=headers)
        assert refused.status_code == 409 and refused.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_IN_PROCEDURE"
    unknown = await api.client.get(f"/cases/{desk.case['id']}/documents/love_letter", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_TYPE_UNKNOWN"
    outsider = {"authorization": f"Bearer {demo_tokens['provincial_other']}"}
    assert (await api.client.get(f"/cases/{desk.case['id']}/documents/penalty_decision", headers=outsider)).status_code == 404
    assert (await api.client.get(f"/cases/{desk.case['id']}/documents/penalty_decision")).status_code == 404


async def test_every_document_of_a_case_reads_as_a_lawyer_would_write_it(api, demo, demo_tokens, bureau):
    """Issue 13 item 12 (APL Art. 44, 59, 61, 67 para 3): every document type rendered from a real
    case has no doubled word ("到到…缴纳…缴纳") and no note for staff in parentheses; the decision
    recounts the prior notice; a step not yet taken is DOCUMENT_NOT_ISSUED."""
    import io

    import docx

    from test_documents import prose_problems
    from zhifa.core.documents import DocumentType

    headers = {"authorization": f"Bearer {demo_tokens['bureau_officer']}"}

    async def text(desk, doc_type: DocumentType) -> str:
        response = await api.client.get(f"/cases/{desk.case['id']}/documents/{doc_type.value}", headers=headers)
        assert response.status_code == 200, (doc_type, response.text)
        document = docx.Document(io.BytesIO(response.content))
        return "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])

    fined = await register(api, bureau, item="SC024", facts={"duration_months": 1, "illegal_gains": "800"}, violated=20)
    await fined.do("fileCase", on=ago(15))
    early = await api.client.get(f"/cases/{fined.case['id']}/documents/penalty_decision", headers=headers)
    assert early.status_code == 409 and early.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_ISSUED"
    await fined.do("startInvestigation", on=ago(14))
    await fined.do("proposePenalty", on=ago(12))
    await fined.do("sendPriorNotice", on=ago(10))
    await fined.do("decidePenalty", on=ago(1))
    await fined.do("serveDecision")
    cleared = await register(api, bureau, item="SC024", facts={"duration_months": 1}, violated=20)
    await cleared.do("fileCase", on=ago(15))
    await cleared.do("startInvestigation", on=ago(14))
    await cleared.do("proposePenalty", on=ago(12))
    await cleared.do("decideNoPenalty", ground="违法行为轻微并及时改正，没有造成危害后果")
    documents = {t: await text(cleared if t is DocumentType.NO_PENALTY_DECISION else fined, t) for t in DocumentType}
    for doc_type, body in documents.items():
        assert prose_problems(body) == [], (doc_type, prose_problems(body))
    decision = documents[DocumentType.PENALTY_DECISION]
    assert "到指定的银行或者通过电子支付系统缴纳罚没款。" in decision
    assert "送达了《行政处罚事先告知书》（" in decision
    assert "没收违法所得人民币 800.00 元（大写：捌佰元整）" in decision


async def test_execution_with_an_approved_instalment_plan_and_court_enforcement(api, demo, demo_tokens, bureau):
    """APL Art. 66 para 2 (deferral and instalments on application, approved), Art. 72 (the
    surcharge), 行政强制法 Art. 53 (application to the court), and closing only when execution ended."""
    desk = await register(api, bureau, item="SC024", procedure="SIMPLE", facts={"duration_months": 1})
    await desk.do("decidePenalty", fine="150.00")
    await desk.do("serveDecision")
    await desk.do("startExecution")
    plan = {"appliedOn": ago(0), "reason": "经营困难", "instalments": [{"dueOn": (TODAY + dt.timedelta(days=30)).isoformat(), "amount": "100.00"}]}
    await desk.do("approvePaymentPlan", as_=demo_tokens["bureau_head"], expect="PLAN_TOTAL_MISMATCH", **plan)
    await desk.do("approvePaymentPlan", expect="FORBIDDEN", **plan)
    plan["instalments"] = [
        {"dueOn": (TODAY + dt.timedelta(days=30)).isoformat(), "amount": "100.00"},
        {"dueOn": (TODAY + dt.timedelta(days=60)).isoformat(), "amount": "50.00"},
    ]
    await desk.do("approvePaymentPlan", as_=demo_tokens["bureau_head"], **plan)
    payment = next(d for d in desk.case["deadlines"] if d["kind"] == "PAYMENT")
    assert payment["dueOn"] == (TODAY + dt.timedelta(days=60)).isoformat()
    await desk.do("applyCourtEnforcement", court="舟山市定海区人民法院")
    await desk.do("closeCase", expect="CLOSE_EXECUTION_UNFINISHED")
    await desk.do("endExecution", endedBy="court_concluded", reason="法院强制执行完毕")
    await desk.do("closeCase")
    assert desk.case["status"] == "CLOSED"


async def test_each_step_refuses_what_it_lacks(api, demo, demo_tokens, bureau):
    """What a step records must be there: reasons, opinions, conclusions, grounds, statements."""
    desk = await register(api, bureau, item="SC024", facts={"duration_months": 1, "first_violation": True, "harm_minor": True, "corrected_promptly": True})
    await desk.do("declineFiling", reason=" ", expect="REASON_REQUIRED")
    await desk.do("fileCase")
    await desk.do("startInvestigation")
    await desk.do("proposePenalty")  # first violation: no penalty proposed
    await desk.do("decideNoPenalty", ground=" ", expect="GROUND_REQUIRED")
    await desk.do("waiveRights", statement=" ", expect="STATEMENT_REQUIRED")
    await desk.do("sendPriorNotice")
    await desk.do("decidePenalty", expect="PROPOSAL_REQUIRED")
    # A reviewer's account not tied to an officer record cannot be named as the reviewer (a service
    # account: any other subject must be an officer's external identity, tests/test_certificates.py).
    desk_account = token("service:review-desk", ["legal_reviewer"], parse_global_id(bureau["agency"]["id"])[1])
    await desk.do("recordLegalReview", as_=desk_account, passed=True, opinion="同意", expect="REVIEWER_REQUIRED")
    await desk.do("recordLegalReview", as_=demo_tokens["bureau_reviewer"], passed=True, opinion=" ", expect="OPINION_REQUIRED")
    await desk.do("recordCollectiveDiscussion", as_=demo_tokens["bureau_head"], conclusion=" ", participants=["局长"], expect="CONCLUSION_REQUIRED")


async def test_a_hearing_needs_its_notice_and_a_transfer_its_receiver(api, demo, bureau):
    desk = await register(api, bureau)
    await desk.do("fileCase", on=ago(50))
    await desk.do("startInvestigation", on=ago(45))
    await desk.do("transferCase", target="AGENCY", reason="无管辖权", expect="TRANSFER_TARGET_INVALID")
    await desk.do("transferCase", target="AGENCY", agencyId=bureau["agency"]["id"], reason="无管辖权", expect="TRANSFER_TARGET_INVALID")
    await desk.do("proposePenalty", on=ago(35), facts={"correctable": True, "corrected_on_time": True})
    await desk.do("sendPriorNotice", on=ago(30))
    await desk.do("requestHearing", on=ago(28))
    await desk.do("holdHearing", chairId=bureau["head"], record="当事人陈述已记录", expect="HEARING_NOTICE_REQUIRED")


async def test_payment_and_enforcement_wait_for_their_stage(api, demo, demo_tokens, bureau):
    """Payment and deferral after service (APL Art. 66, 67); the court only once execution began (行政强制法第五十三条)."""
    desk = await register(api, bureau, item="SC024", procedure="SIMPLE", facts={"duration_months": 1})
    await desk.do("decidePenalty", fine="150.00")
    await desk.do("recordPayment", amount="150.00", expect="PAYMENT_NOT_DUE")
    plan = {"appliedOn": ago(0), "reason": "经营困难", "instalments": [{"dueOn": (TODAY + dt.timedelta(days=30)).isoformat(), "amount": "150.00"}]}
    await desk.do("approvePaymentPlan", as_=demo_tokens["bureau_head"], expect="PAYMENT_NOT_DUE", **plan)
    await desk.do("applyCourtEnforcement", court="舟山市定海区人民法院", expect="NOT_EXECUTING")
    await desk.do("serveDecision")
    await desk.do("recordPayment", amount="0.00", expect="PAYMENT_INVALID")
    await desk.do("startExecution")
    await desk.do("applyCourtEnforcement", court=" ", expect="COURT_REQUIRED")
    await desk.do("endExecution", endedBy="forgiven", reason="当事人困难", expect="EXECUTION_END_INVALID")


async def test_credit_repair_applied_for_too_early_is_refused_with_a_code(api, demo, demo_tokens, bureau):
    """Issue 13 item 17 (国家发展改革委《失信行为纠正后的信用信息修复管理办法（试行）》2023年第58号令, REFERENCE §8):
    an application before the minimum period, or before the penalty is performed, is refused when
    applied for, with declared codes — no pending application that can only be refused."""
    desk = await register(api, bureau, item="SC024", entity="person", procedure="SIMPLE", facts={"duration_months": 1})
    await desk.do("decidePenalty", fine="150.00")
    publish = "mutation($i: PublishDecisionInput!) { publishDecision(input: $i) { errors { code } } }"
    assert (await api(publish, {"i": {"caseId": desk.case["id"]}}))["publishDecision"]["errors"] == []
    records = (await api("query($e: ID!) { creditRecords(entityId: $e) { id recordedOn } }", {"e": bureau["person"]}))["creditRecords"]
    credit = next(r["id"] for r in records if r["recordedOn"] == TODAY.isoformat())
    apply = "mutation($i: ApplyCreditRepairInput!) { applyCreditRepair(input: $i) { repair { id } errors { code message } } }"
    applied = (await api(apply, {"i": {"creditRecordId": credit, "commitment": "本人承诺守法经营"}}))["applyCreditRepair"]
    assert applied["repair"] is None
    assert [e["code"] for e in applied["errors"]] == ["REPAIR_PERIOD_NOT_OVER", "PENALTY_NOT_PERFORMED"]
    assert "起方可申请信用修复" in applied["errors"][0]["message"]


async def test_published_facts_withhold_the_persons_name_and_street_address(api, public_api, demo, bureau):
    """Issue 13 item 16 (APL Art. 48, 50; PIPL Art. 25; REFERENCE §9): the published facts follow the
    fields' rules — the natural person's full name becomes surname + 某 and the street address is
    cut back to the county — wherever the text names them; ID and phone numbers are scrubbed."""
    person = (await api("query($id: ID!) { node(id: $id) { ... on Entity { name address } } }", {"id": bureau["person"]}))["node"]
    facts = (f"当事人{person['name']}（公民身份号码330902199001011234，住址：{person['address']}，联系电话13905801234）"
             f"于检查当日在金塘大道44号销售自制熟食，{person['name']}对违法事实无异议。")
    desk = await register(api, bureau, item="SC024", entity="person", procedure="SIMPLE", facts={"duration_months": 1}, description=facts)
    await desk.do("decidePenalty", fine="150.00")
    publish = "mutation($i: PublishDecisionInput!) { publishDecision(input: $i) { publication { decisionNumber partyName partyAddress } errors { code } } }"
    published = (await api(publish, {"i": {"caseId": desk.case["id"]}}))["publishDecision"]
    assert published["errors"] == []
    search = "query($n: String) { publicDecisions(filter: {search: $n}) { edges { node { facts } } } }"
    shown = (await public_api(search, {"n": published["publication"]["decisionNumber"]}))["publicDecisions"]["edges"][0]["node"]["facts"]
    assert person["name"] not in shown and f"当事人{published['publication']['partyName']}" in shown
    assert "金塘大道" not in shown and person["address"] not in shown
    assert f"住址：{published['publication']['partyAddress']}" in shown
    assert "330902199001011234" not in shown and "13905801234" not in shown


async def test_no_demo_publication_names_a_natural_person_in_full(api, public_api, demo):
    """Issue 13 item 16: the demo's decisions are published through the same redaction, so none
    prints a natural person's or an operator's full name or street address beside "李某"."""
    people = await api("""{ entities(first: 100, filter: {kind: NATURAL_PERSON}) { edges { node { name address } } }
                          shops: entities(first: 100, filter: {kind: INDIVIDUAL_BUSINESS}) { edges { node { legalRepresentative } } } }""")
    names = {e["node"]["name"] for e in people["entities"]["edges"]} | {e["node"]["legalRepresentative"] for e in people["shops"]["edges"]} - {None}
    streets = {e["node"]["address"] for e in people["entities"]["edges"]}
    shown = (await public_api("{ publicDecisions(first: 100) { totalCount edges { node { facts partyKind } } } }"))["publicDecisions"]
    assert shown["totalCount"] > 0
    for edge in shown["edges"]:
        leaked = [n for n in names | streets if n and n in edge["node"]["facts"]]
        assert leaked == [], (edge["node"]["facts"], leaked)


async def test_publication_and_credit_repair_refusals(api, demo, demo_tokens, bureau):
    """Only fines and heavier penalties are published; a credit record is repaired once, on a commitment."""
    publish = "mutation($i: PublishDecisionInput!) { publishDecision(input: $i) { publication { id } errors { code } } }"
    warned = await register(api, bureau, item="SC024", entity="person", procedure="SIMPLE", facts={"duration_months": 1})
    await warned.do("decidePenalty", fine="0.00")  # a warning
    assert (await api(publish, {"i": {"caseId": warned.case["id"]}}))["publishDecision"]["errors"] == [{"code": "NOT_TO_BE_PUBLISHED"}]

    desk = await register(api, bureau, item="SC024", entity="person", procedure="SIMPLE", facts={"duration_months": 1}, violated=140)
    await desk.do("decidePenalty", on=ago(130), fine="150.00")
    await desk.do("serveDecision", on=ago(130))
    await desk.do("recordPayment", on=ago(125), amount="150.00")
    await desk.do("closeCase", on=ago(125))
    published = (await api(publish, {"i": {"caseId": desk.case["id"], "on": ago(120)}}))["publishDecision"]
    assert published["errors"] == []
    records = (await api("query($e: ID!) { creditRecords(entityId: $e) { id recordedOn } }", {"e": bureau["person"]}))["creditRecords"]
    credit = next(r["id"] for r in records if r["recordedOn"] == ago(120))  # repairable three months on

    apply = "mutation($i: ApplyCreditRepairInput!) { applyCreditRepair(input: $i) { repair { id } errors { code } } }"
    decide = "mutation($i: DecideCreditRepairInput!) { decideCreditRepair(input: $i) { repair { outcome } errors { code } } }"
    head = api.as_(demo_tokens["bureau_head"])
    missing = {"creditRecordId": global_id("CreditRecord", new_id()), "commitment": "本人承诺守法经营"}
    assert (await api(apply, {"i": missing}))["applyCreditRepair"]["errors"] == [{"code": "CREDIT_RECORD_NOT_FOUND"}]
    assert (await api(apply, {"i": {"creditRecordId": credit, "commitment": " "}}))["applyCreditRepair"]["errors"] == [{"code": "COMMITMENT_REQUIRED"}]
    repair = (await api(apply, {"i": {"creditRecordId": credit, "commitment": "本人承诺守法经营"}}))["applyCreditRepair"]["repair"]["id"]
    assert (await head(decide, {"i": {"repairId": repair}}))["decideCreditRepair"]["repair"] == {"outcome": "granted"}
    assert (await head(decide, {"i": {"repairId": repair}}))["decideCreditRepair"]["errors"] == [{"code": "REPAIR_NOT_PENDING"}]
    again = {"creditRecordId": credit, "commitment": "本人承诺守法经营"}
    assert (await api(apply, {"i": again}))["applyCreditRepair"]["errors"] == [{"code": "ALREADY_REPAIRED"}]

    withdraw = "mutation($i: ChangePublicationInput!) { withdrawPublication(input: $i) { errors { code } } }"
    down = {"publicationId": published["publication"]["id"], "reason": "决定已被撤销"}
    assert (await api(withdraw, {"i": down}))["withdrawPublication"]["errors"] == []
    assert (await api(withdraw, {"i": down}))["withdrawPublication"]["errors"] == [{"code": "PUBLICATION_NOT_ACTIVE"}]

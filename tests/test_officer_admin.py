"""The administration of officers and certificates through GraphQL alone (issue 12, points 3 and 5,
first "Done when" bullet): a staff admin (人事（法制）机构) onboards officers and certificates; the
case guards read them on the day of each act (APL Art. 42: enforcement only by officers holding
enforcement qualification, at least two; Art. 55: the certificate is shown; Art. 58 para 2: a
first-time legal reviewer needs 法律职业资格); who sees what of the staff records."""

from __future__ import annotations

import datetime as dt

import jwt
import sqlalchemy as sa
from conftest import SECRET, Api, token
from stdnum.cn import ric
from test_procedure import REGISTER, Desk, ago, bureau, register  # noqa: F401  (bureau is a fixture)
from zhifa.core.audit.models import AuditRecord
from zhifa.core.clock import legal_today
from zhifa.core.ids import new_id
from zhifa.schema.kit.relay import global_id, parse_global_id

TODAY = legal_today()
YESTERDAY = TODAY - dt.timedelta(days=1)
MAJOR_FACTS = {"correctable": True, "corrected_on_time": True}
OFFICER = "officer { id name role retiredOn agency { id } legalQualification legalReviewSince }"
CERTIFICATE = "certificate { id number status validUntil domains changes { status effectiveOn decision reason } officer { id } }"


def agency_of(signed: str) -> str:
    """The global id of the agency a demo token is signed in for."""
    claims = jwt.decode(signed, SECRET, algorithms=["HS256"], audience="zhifa")
    return global_id("Agency", claims["agency"])


def staff_admin(client, agency: str) -> Api:
    return Api(client, token(f"officer:{new_id()}", ["staff_admin"], parse_global_id(agency)[1]))


def officer_token(officer: dict, role: str = "officer") -> str:
    return token(f"officer:{parse_global_id(officer['id'])[1]}", [role], parse_global_id(officer["agency"]["id"])[1])


def id_number(serial: int) -> str:
    body = f"33090219{80 + serial % 20:02d}0517{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


async def act(api: Api, mutation: str, fields: dict, select: str = OFFICER, expect: str | None = None) -> dict:
    """One administration mutation; its errors are empty unless `expect` names a code among them."""
    query = f"mutation($i: {mutation[0].upper()}{mutation[1:]}Input!) {{ {mutation}(input: $i) {{ {select} errors {{ code field message }} }} }}"
    result = (await api(query, {"i": fields}))[mutation]
    if expect:
        assert expect in [e["code"] for e in result["errors"]], result["errors"]
    else:
        assert result["errors"] == [], result["errors"]
    return result


async def onboard(admin: Api, agency: str, name: str, serial: int, *, role: str = "OFFICER", valid_until: dt.date = dt.date(2030, 12, 31),
                  domains: tuple[str, ...] = ("construction", "market")) -> tuple[dict, dict]:
    """Register an officer and issue the certificate (valid from 2024 on): the officer and the certificate."""
    officer = (await act(admin, "registerOfficer", {"agencyId": agency, "name": name, "role": role, "idNumber": id_number(serial),
                                                     "externalIdentity": f"zj-idp-{serial}", "postedOn": "2024-01-01"}))["officer"]
    issued = await act(admin, "issueCertificate", {"officerId": officer["id"], "number": f"浙0902T{serial:05d}", "issuingAuthority": "舟山市人民政府",
                                                   "domains": list(domains), "validFrom": "2024-01-01", "validUntil": valid_until.isoformat(),
                                                   "decision": "舟政执证〔2024〕1号"}, CERTIFICATE)
    return officer, issued["certificate"]


async def new_team(admin: Api, county: str, name: str) -> str:
    """A market enforcement team set up under the county bureau by its staff admin (createAgency)."""
    region = (await admin("query($id: ID!) { node(id: $id) { ... on Agency { region { id } } } }", {"id": county}))["node"]["region"]["id"]
    fields = {"parentId": county, "name": f"舟山市定海区综合行政执法局{name}", "shortName": "定综执新", "kind": "PROFESSIONAL_TEAM",
              "regionId": region, "domains": ["market"]}
    return (await act(admin, "createAgency", fields, "agency { id }"))["agency"]["id"]


async def market_case(officer_api: Api, team: str, handlers: list[dict]) -> Desk:
    """A case on SC024 (无照经营, market domain), registered by the first handler for the team."""
    entities = await officer_api("{ entities(first: 1) { edges { node { id } } } }")
    payload = {"entityId": entities["entities"]["edges"][0]["node"]["id"], "agencyId": team, "itemCode": "SC024", "violationDate": ago(30),
               "officerIds": [h["id"] for h in handlers], "facts": {"duration_months": 3}}
    created = (await officer_api(REGISTER, {"input": payload}))["registerCase"]
    assert created["errors"] == [], created["errors"]
    return Desk(officer_api, created["case"])


async def test_issue12_done_when_a_team_onboarded_through_graphql_acts_until_a_certificate_is_suspended(client, demo, demo_tokens):
    """APL Art. 42, 55: officers act only with certificates valid on the day of each act; the staff
    admin of the county bureau sets up a new team, registers its officers and issues the
    certificates; after a suspension takes effect the next act is refused."""
    county = agency_of(demo_tokens["bureau_officer"])
    admin = staff_admin(client, county)
    team = await new_team(admin, county, "新城执法中队")
    (zhang, _), (li, li_card) = [await onboard(admin, team, n, s) for n, s in (("张新", 101), ("李新", 102))]
    zhang_api = Api(client, officer_token(zhang))
    desk = await market_case(zhang_api, team, [zhang, li])
    await desk.do("fileCase", on=ago(10))
    await desk.do("startInvestigation", on=ago(5))
    changed = await act(admin, "changeCertificateStatus", {"certificateId": li_card["id"], "status": "SUSPENDED", "effectiveOn": TODAY.isoformat(),
                                                           "decision": "定综执证暂〔2026〕1号", "reason": "涉嫌违法执法，停止执行职务接受调查"}, CERTIFICATE)
    card = changed["certificate"]
    assert card["status"] == "SUSPENDED"
    assert [c["status"] for c in card["changes"]] == ["VALID", "SUSPENDED"]
    assert card["changes"][-1] == {"status": "SUSPENDED", "effectiveOn": TODAY.isoformat(), "decision": "定综执证暂〔2026〕1号",
                                   "reason": "涉嫌违法执法，停止执行职务接受调查"}
    refused = await desk.do("proposePenalty", expect="CERTIFICATE_INVALID")
    assert "李新" in refused["errors"][0]["message"] and "已被暂扣" in refused["errors"][0]["message"]


async def test_issue12_done_when_a_certificate_that_expired_yesterday_cannot_act_today(client, demo, demo_tokens):
    """APL Art. 42: a certificate past its validity is no qualification; EXPIRED is computed, never set."""
    county = agency_of(demo_tokens["bureau_officer"])
    admin = staff_admin(client, county)
    team = await new_team(admin, county, "临港执法中队")
    wang, _ = await onboard(admin, team, "王新", 103)
    zhao, zhao_card = await onboard(admin, team, "赵新", 104, valid_until=YESTERDAY)
    assert zhao_card["status"] == "EXPIRED"
    desk = await market_case(Api(client, officer_token(wang)), team, [wang, zhao])
    await desk.do("fileCase", on=ago(10))
    refused = await desk.do("startInvestigation", expect="CERTIFICATE_INVALID")
    assert f"已于 {YESTERDAY.isoformat()} 过期" in refused["errors"][0]["message"]
    expired = await admin("query($a: ID) { officers(filter: {agencyId: $a, status: EXPIRED}) { edges { node { name status } } } }", {"a": team})
    assert {"name": "赵新", "status": "EXPIRED"} in [e["node"] for e in expired["officers"]["edges"]]


async def test_issue12_done_when_apl_art58_para2_a_first_time_reviewer_without_the_qualification_is_refused(client, api, demo, demo_tokens, bureau):  # noqa: F811
    """APL Art. 58 para 2 (in force 2021-07-15): a reviewer who first takes up legal review after that
    day needs 法律职业资格; the staff admin records both facts, and the decision waits until it does."""
    admin = staff_admin(client, bureau["agency"]["id"])
    reviewer, _ = await onboard(admin, bureau["agency"]["id"], "钱审核", 105, role="LEGAL_REVIEWER")
    recorded = await act(admin, "recordLegalQualification", {"officerId": reviewer["id"], "qualified": False, "reviewingSince": "2022-03-01"})
    assert recorded["officer"]["legalQualification"] is False and recorded["officer"]["legalReviewSince"] == "2022-03-01"
    desk = await register(api, bureau)
    await desk.do("fileCase", on=ago(40))
    await desk.do("startInvestigation", on=ago(35))
    await desk.do("proposePenalty", on=ago(32), facts=MAJOR_FACTS)
    await desk.do("sendPriorNotice", on=ago(30))
    await desk.do("recordLegalReview", as_=officer_token(reviewer, "legal_reviewer"), on=ago(20), passed=True, opinion="同意")
    refused = await desk.do("decidePenalty", expect="REVIEWER_NOT_QUALIFIED")
    assert "钱审核" in refused["errors"][0]["message"] and "初次从事法制审核" in refused["errors"][0]["message"]
    await act(admin, "recordLegalQualification", {"officerId": reviewer["id"], "qualified": True, "reviewingSince": "2022-03-01"})
    await desk.do("decidePenalty")
    assert desk.case["status"] == "DECIDED"


async def test_nobody_administers_another_countys_people_or_without_the_staff_admin_role(client, demo, demo_tokens):
    """Issue 12 point 5: staff administration reaches its own agency and those below it, never
    another county's people; an officer or a head is no staff admin."""
    county = agency_of(demo_tokens["bureau_officer"])
    team = agency_of(demo_tokens["township_officer"])
    ours, card = await onboard(staff_admin(client, county), team, "孙新", 106)
    found = await Api(client, demo_tokens["bureau_officer"])('{ agencies(filter: {nameContains: "普陀区综合行政执法局"}) { edges { node { id } } } }')
    other = staff_admin(client, found["agencies"]["edges"][0]["node"]["id"])
    below = staff_admin(client, team)  # a township team's own staff admin: not over the county bureau
    register_fields = {"agencyId": county, "name": "周外", "role": "OFFICER"}
    for intruder in (other, below, Api(client, demo_tokens["bureau_head"]), Api(client, demo_tokens["bureau_officer"])):
        await act(intruder, "registerOfficer", register_fields, expect="FORBIDDEN")
    for intruder in (other, Api(client, demo_tokens["bureau_head"])):
        await act(intruder, "postOfficer", {"officerId": ours["id"], "agencyId": county}, expect="FORBIDDEN")
        await act(intruder, "retireOfficer", {"officerId": ours["id"], "on": TODAY.isoformat(), "reason": "-"}, expect="FORBIDDEN")
        await act(intruder, "recordOfficerYear", {"officerId": ours["id"], "year": 2025, "trainingHours": 40}, expect="FORBIDDEN")
        await act(intruder, "recordLegalQualification", {"officerId": ours["id"], "qualified": True}, expect="FORBIDDEN")
        await act(intruder, "changeCertificateStatus", {"certificateId": card["id"], "status": "REVOKED", "effectiveOn": TODAY.isoformat(),
                                                        "decision": "-", "reason": "-"}, CERTIFICATE, expect="FORBIDDEN")
        await act(intruder, "issueCertificate", {"officerId": ours["id"], "number": "浙X", "issuingAuthority": "-", "domains": ["market"],
                                                 "validFrom": "2024-01-01", "validUntil": "2030-01-01"}, CERTIFICATE, expect="FORBIDDEN")
    moved = await act(below, "postOfficer", {"officerId": ours["id"], "agencyId": county}, expect="FORBIDDEN")  # out of its reach
    assert moved["errors"][0]["field"] == "agencyId"
    missing = await act(other, "retireOfficer", {"officerId": global_id("Officer", new_id()), "on": TODAY.isoformat(), "reason": "-"}, expect="OFFICER_NOT_FOUND")
    assert missing["officer"] is None
    gone = {"certificateId": global_id("Certificate", new_id()), "status": "REVOKED", "effectiveOn": TODAY.isoformat(), "decision": "-", "reason": "-"}
    await act(other, "changeCertificateStatus", gone, CERTIFICATE, expect="CERTIFICATE_NOT_FOUND")
    other_sees = await other("query($id: ID!) { node(id: $id) { id } }", {"id": card["id"]})
    assert other_sees["node"] is None


async def test_postings_years_and_retirement_are_kept_as_history(client, demo, demo_tokens):
    """Seed 001 (rotation training and annual assessment) and issue 12 point 3: a transfer ends the
    posting before it, a leadership term is a posting of its own, retiring never deletes."""
    county, team = agency_of(demo_tokens["bureau_officer"]), agency_of(demo_tokens["township_officer"])
    admin = staff_admin(client, county)
    officer, _ = await onboard(admin, team, "吴新", 107)
    moved = await act(admin, "postOfficer", {"officerId": officer["id"], "agencyId": county, "isHead": True, "startedOn": "2025-06-01"})
    assert moved["officer"]["agency"]["id"] == county
    await act(admin, "recordOfficerYear", {"officerId": officer["id"], "year": 2025, "trainingHours": 48, "assessment": "EXCELLENT"})
    await act(admin, "retireOfficer", {"officerId": officer["id"], "on": TODAY.isoformat(), "reason": "退休"})
    query = """query($a: ID) { officers(filter: {agencyId: $a, retired: true}) { edges { node { name retiredOn
      postings { agency { id } region { code } isHead startedOn endedOn } years { year trainingHours assessment } } } } }"""
    found = [e["node"] for e in (await admin(query, {"a": county}))["officers"]["edges"]]
    assert [o["name"] for o in found] == ["吴新"] and found[0]["retiredOn"] == TODAY.isoformat()
    postings = found[0]["postings"]
    assert [(p["agency"]["id"], p["isHead"], p["startedOn"]) for p in postings] == [(team, False, "2024-01-01"), (county, True, "2025-06-01")]
    assert postings[0]["endedOn"] == "2025-05-31"
    assert found[0]["years"] == [{"year": 2025, "trainingHours": 48, "assessment": "EXCELLENT"}]
    serving = await admin("query($a: ID) { officers(filter: {agencyId: $a, retired: false}) { edges { node { name } } } }", {"a": county})
    assert "吴新" not in [e["node"]["name"] for e in serving["officers"]["edges"]]


DETAIL = "query($id: ID!) { node(id: $id) { ... on Officer { idNumber externalIdentity certificates { number changes { status } } years { year } postings { startedOn } } } }"


async def test_who_sees_id_numbers_external_identities_and_staff_records(client, demo, demo_tokens):
    """Issue 12 point 5: the staff admin sees the ID number in clear (each read audited), everyone
    else masked; heads and staff admins see the external identity; certificates, postings and years
    are read by staff admins, heads, supervisors, the provincial platform with read:officers and the
    officer himself, not by colleagues."""
    county, team = agency_of(demo_tokens["bureau_officer"]), agency_of(demo_tokens["township_officer"])
    admin = staff_admin(client, county)
    officer, card = await onboard(admin, team, "郑新", 108)
    await act(admin, "recordOfficerYear", {"officerId": officer["id"], "year": 2025, "trainingHours": 30})
    full = {"idNumber": id_number(108), "externalIdentity": "zj-idp-108", "certificates": [{"number": card["number"], "changes": [{"status": "VALID"}]}],
            "years": [{"year": 2025}], "postings": [{"startedOn": "2024-01-01"}]}
    masked = id_number(108)[:6] + "********" + id_number(108)[-4:]
    seen = (await admin(DETAIL, {"id": officer["id"]}))["node"]
    assert seen == full
    head = (await Api(client, demo_tokens["bureau_head"])(DETAIL, {"id": officer["id"]}))["node"]
    assert head == {**full, "idNumber": masked}
    supervisor = (await Api(client, demo_tokens["supervisor"])(DETAIL, {"id": officer["id"]}))["node"]
    assert supervisor == {**full, "idNumber": masked, "externalIdentity": None}
    provincial = (await Api(client, demo_tokens["provincial"])(DETAIL, {"id": officer["id"]}))["node"]
    assert provincial == {**full, "idNumber": masked, "externalIdentity": None}
    himself = (await Api(client, officer_token(officer))(DETAIL, {"id": officer["id"]}))["node"]
    assert himself == {**full, "idNumber": masked, "externalIdentity": None}
    colleague = (await Api(client, demo_tokens["township_officer"])(DETAIL, {"id": officer["id"]}))["node"]
    assert colleague == {"idNumber": masked, "externalIdentity": None, "certificates": [], "years": [], "postings": []}
    async with demo() as session:
        reads = (await session.execute(sa.select(AuditRecord.detail).where(AuditRecord.action == "officer.read_id_number"))).scalars().all()
    assert reads == [f"idNumber: {parse_global_id(officer['id'])[1]}"]  # the staff admin's read only


PAGE = "query($n: Int) { officers(first: $n) { edges { node { name certificates { number status changes { status effectiveOn } } } } } }"


async def test_officers_certificates_and_their_changes_run_as_many_statements_for_20_as_for_5(client, demo, demo_tokens, statements):
    """DESIGN (every list batched): certificates and their changes are one statement per level, never per row."""
    head, counts = Api(client, demo_tokens["bureau_head"]), {}
    await head(PAGE, {"n": 1})  # the first request of a minute also opens its rate-limit window
    for size in (5, 20):
        statements["n"] = 0
        edges = (await head(PAGE, {"n": size}))["officers"]["edges"]
        assert len(edges) == size
        cards = [c for e in edges for c in e["node"]["certificates"]]
        assert len(cards) >= size // 2 and all(c["changes"] and c["status"] for c in cards)
        counts[size] = statements["n"]
    # rate-limit counter, agency and region trees (jurisdiction), page, certificates (link + rows), their status, their changes
    assert counts[5] == counts[20] <= 8, counts

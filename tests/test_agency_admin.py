"""The administration of agencies through GraphQL (issue 12 point 2): a staff admin (人事（法制）机构)
creates, renames, moves and closes agencies of its own county, sets the domains they hold and how
their numbers read (GB/T 9704-2012: the year in 〔〕, the serial without 第, then 号); a closed
agency's open cases pass to its successor by a recorded decision, its closed ones stay readable
there, and it takes no new case. Every change is audited with its before and after."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from conftest import Api
from test_officer_admin import act, agency_of, officer_token, onboard, staff_admin
from test_procedure import REGISTER, Desk, ago
from zhifa.core.audit.models import AuditRecord
from zhifa.core.clock import legal_today
from zhifa.core.ids import new_id
from zhifa.schema.kit.relay import global_id, parse_global_id

TODAY = legal_today()
AGENCY = """agency { id name shortName kind level version casePattern documentPattern closedOn closingDecision closingReason
                     domainCodes parent { id } region { code } successor { id } }"""
CLOSURE = {"decision": "定政发〔2026〕7号", "reason": "机构改革，第九中队并入第十中队"}


async def county(admin: Api) -> dict:
    """The county's region, one of its townships, and the other county's region."""
    found = await admin("""{ here: regions(filter: {code: "330902"}) { edges { node { id } } }
                             there: regions(filter: {code: "330903"}) { edges { node { id } } } }""")
    here = found["here"]["edges"][0]["node"]["id"]
    townships = await admin("query($p: ID) { regions(first: 1, filter: {parentId: $p, level: TOWNSHIP}) { edges { node { id } } } }", {"p": here})
    return {"county": here, "township": townships["regions"]["edges"][0]["node"]["id"], "other": found["there"]["edges"][0]["node"]["id"]}


async def create(admin: Api, parent: str, region: str, name: str, short: str, *, kind: str = "PROFESSIONAL_TEAM",
                 domains: tuple[str, ...] = ("construction",), expect: str | None = None) -> dict:
    fields = {"parentId": parent, "name": name, "shortName": short, "kind": kind, "regionId": region, "domains": list(domains)}
    return await act(admin, "createAgency", fields, AGENCY, expect)


async def audited(db, agency: dict) -> list[tuple[str, bool, bool]]:
    """The agency's audit records: (action, has a before, has an after)."""
    async with db() as session:
        rows = await session.execute(
            sa.select(AuditRecord.action, AuditRecord.before_digest, AuditRecord.after_digest)
            .where(AuditRecord.object_id == parse_global_id(agency["id"])[1]).order_by(AuditRecord.seq)
        )
        return [(a, b is not None, c is not None) for a, b, c in rows]


@pytest.fixture
async def office(client, demo, demo_tokens):
    """The county bureau's staff admin, its bureau and regions, and two new construction teams."""
    bureau = agency_of(demo_tokens["staff_admin"])
    admin = staff_admin(client, bureau)
    regions = await county(admin)
    ninth = (await create(admin, bureau, regions["county"], "定海区综合行政执法局第九中队", "定综执九"))["agency"]
    tenth = (await create(admin, bureau, regions["county"], "定海区综合行政执法局第十中队", "定综执十", domains=("construction", "market")))["agency"]
    return {"admin": admin, "bureau": bureau, "ninth": ninth, "tenth": tenth, **regions}


async def test_a_staff_admin_creates_renames_moves_and_sets_domains_and_numbering_each_audited(db, office):
    admin, ninth, tenth = office["admin"], office["ninth"], office["tenth"]
    assert ninth["parent"] == {"id": office["bureau"]} and ninth["level"] == "COUNTY" and ninth["domainCodes"] == ["construction"]
    assert ninth["casePattern"] == "{short}{type}〔{year}〕{serial}号" and ninth["documentPattern"] == "{short}{type}字〔{year}〕{serial}号"
    assert ninth["closedOn"] is None and ninth["successor"] is None
    renamed = (await act(admin, "updateAgency", {"agencyId": ninth["id"], "name": "定海区综合行政执法局城建中队", "shortName": "定综执城",
                                                 "version": ninth["version"]}, AGENCY))["agency"]
    assert (renamed["name"], renamed["shortName"], renamed["version"]) == ("定海区综合行政执法局城建中队", "定综执城", ninth["version"] + 1)
    moved = (await act(admin, "moveAgency", {"agencyId": ninth["id"], "parentId": tenth["id"]}, AGENCY))["agency"]
    assert moved["parent"] == {"id": tenth["id"]}
    held = (await act(admin, "setAgencyDomains", {"agencyId": ninth["id"], "domains": ["market", "construction", "market"]}, AGENCY))["agency"]
    assert held["domainCodes"] == ["construction", "market"]
    numbered = (await act(admin, "setAgencyNumbering", {"agencyId": ninth["id"], "casePattern": "{short}罚{type}〔{year}〕{serial}号"}, AGENCY))["agency"]
    assert numbered["casePattern"] == "{short}罚{type}〔{year}〕{serial}号" and numbered["documentPattern"] == ninth["documentPattern"]
    township = (await create(admin, tenth["id"], office["township"], "定海区某街道综合行政执法队（试点）", "定试执", kind="TOWNSHIP_TEAM"))["agency"]
    assert township["level"] == "TOWNSHIP" and township["parent"] == {"id": tenth["id"]}
    assert await audited(db, ninth) == [
        ("agency.created", False, True), ("agency.renamed", True, True), ("agency.moved", True, True),
        ("agency.domains_set", True, True), ("agency.numbering_set", True, True),
    ]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": " "}, "NAME_INVALID"),
        ({"name": "舟山市定海区综合行政执法局"}, "AGENCY_NAME_DUPLICATE"),
        ({"shortName": "定综{执}"}, "AGENCY_SHORT_NAME_INVALID"),
        ({"shortName": "定综执九"}, "AGENCY_SHORT_NAME_DUPLICATE"),
        ({"kind": "TOWNSHIP_TEAM"}, "AGENCY_KIND_MISMATCH"),
        ({"region": "other"}, "AGENCY_REGION_OUTSIDE_PARENT"),
        ({"regionId": global_id("Region", new_id())}, "REGION_NOT_FOUND"),
        ({"domains": ["construction", "astrology"]}, "DOMAIN_UNKNOWN"),
    ],
)
async def test_creation_is_refused_with_a_named_code(office, fields, code):
    fields = dict(fields)
    region = fields.pop("regionId", None) or office[fields.pop("region", "county")]
    payload = {"parentId": office["bureau"], "name": "定海区综合行政执法局第十一中队", "shortName": "定综执十一", "kind": "PROFESSIONAL_TEAM",
               "regionId": region, "domains": ["construction"], **fields}
    refused = await act(office["admin"], "createAgency", payload, AGENCY, code)
    assert refused["agency"] is None


@pytest.mark.parametrize(
    ("case_pattern", "document_pattern"),
    [
        ("{short}{type}({year}){serial}号", None),  # GB/T 9704: the year in 〔〕, not ()
        ("{short}{type}〔{year}〕第{serial}号", None),  # no 第 before the serial
        ("{type}〔{year}〕{serial}号", None),  # without {short} two agencies' numbers collide
        ("{short}{kind}〔{year}〕{serial}号", None),  # an unknown placeholder
        (None, "{short}字〔{year}〕{serial}号"),  # without {type} two documents get one number
    ],
)
async def test_a_numbering_pattern_outside_gb_t_9704_is_refused(office, case_pattern, document_pattern):
    fields = {"agencyId": office["ninth"]["id"], "casePattern": case_pattern, "documentPattern": document_pattern}
    refused = await act(office["admin"], "setAgencyNumbering", fields, AGENCY, "NUMBER_PATTERN_INVALID")
    assert "GB/T 9704" in refused["errors"][0]["message"] or "占位符" in refused["errors"][0]["message"] or "重复" in refused["errors"][0]["message"]


async def test_moves_renames_and_closures_that_break_the_organisation_are_refused(office):
    admin, bureau, ninth, tenth = office["admin"], office["bureau"], office["ninth"], office["tenth"]
    await act(admin, "moveAgency", {"agencyId": tenth["id"], "parentId": ninth["id"]}, AGENCY)
    await act(admin, "moveAgency", {"agencyId": ninth["id"], "parentId": tenth["id"]}, AGENCY, "AGENCY_PARENT_CYCLE")
    await act(admin, "moveAgency", {"agencyId": bureau, "parentId": ninth["id"]}, AGENCY, "AGENCY_PARENT_CYCLE")
    await act(admin, "updateAgency", {"agencyId": ninth["id"], "name": "新名称", "version": ninth["version"] - 1}, AGENCY, "VERSION_CONFLICT")
    close = {"agencyId": ninth["id"], "successorId": tenth["id"], **CLOSURE}
    await act(admin, "closeAgency", close, AGENCY, "AGENCY_HAS_SUBORDINATES")  # the tenth sits below the ninth now
    await act(admin, "closeAgency", {**close, "successorId": ninth["id"]}, AGENCY, "AGENCY_SUCCESSOR_INVALID")
    await act(admin, "closeAgency", {**close, "agencyId": tenth["id"], "successorId": ninth["id"], "decision": " "}, AGENCY, "AGENCY_CLOSURE_DECISION_REQUIRED")
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    await act(admin, "closeAgency", {**close, "agencyId": tenth["id"], "successorId": ninth["id"], "closedOn": tomorrow}, AGENCY, "DATE_IN_FUTURE")
    await act(admin, "moveAgency", {"agencyId": tenth["id"], "parentId": bureau}, AGENCY)
    closed = (await act(admin, "closeAgency", close, AGENCY))["agency"]
    assert (closed["closedOn"], closed["successor"], closed["closingDecision"]) == (TODAY.isoformat(), {"id": tenth["id"]}, CLOSURE["decision"])
    for mutation, fields in (
        ("updateAgency", {"agencyId": ninth["id"], "name": "又一名称"}),
        ("setAgencyDomains", {"agencyId": ninth["id"], "domains": []}),
        ("moveAgency", {"agencyId": tenth["id"], "parentId": ninth["id"]}),  # not under a closed agency
        ("closeAgency", {**close, "agencyId": tenth["id"], "successorId": ninth["id"]}),  # nor handed to one
    ):
        await act(admin, mutation, fields, AGENCY, "AGENCY_CLOSED")
    await create(admin, ninth["id"], office["county"], "第九中队下设小组", "定综执九组", expect="AGENCY_CLOSED")


async def test_nobody_edits_another_countys_organisation_or_without_the_staff_admin_role(client, demo_tokens, office):
    """Issue 12 point 5: the other county's staff admin, and an officer or head of this one, are refused."""
    other_bureau = agency_of(demo_tokens["other_county_officer"])
    other_admin = staff_admin(client, other_bureau)
    ninth = office["ninth"]
    for api in (other_admin, Api(client, demo_tokens["bureau_head"]), Api(client, demo_tokens["bureau_officer"])):
        await act(api, "updateAgency", {"agencyId": ninth["id"], "name": "越权更名"}, AGENCY, "FORBIDDEN")
        await act(api, "closeAgency", {"agencyId": ninth["id"], "successorId": office["tenth"]["id"], **CLOSURE}, AGENCY, "FORBIDDEN")
    await create(other_admin, office["bureau"], office["county"], "越权设立的中队", "越权", expect="FORBIDDEN")
    await create(other_admin, other_bureau, office["county"], "普陀区某中队", "普某", expect="AGENCY_REGION_OUTSIDE_PARENT")
    moved = await act(other_admin, "moveAgency", {"agencyId": other_bureau, "parentId": ninth["id"]}, AGENCY, "FORBIDDEN")
    assert moved["agency"] is None


async def register_case(officer_api: Api, agency: str, officers: list[dict], expect: str | None = None) -> dict:
    entities = await officer_api("{ entities(first: 1, filter: {kind: LEGAL_PERSON}) { edges { node { id } } } }")
    payload = {"entityId": entities["entities"]["edges"][0]["node"]["id"], "agencyId": agency, "itemCode": "JZ001", "violationDate": ago(30),
               "officerIds": [o["id"] for o in officers], "facts": {"construction_cost": "2000000"}}
    result = (await officer_api(REGISTER.replace("case {", "case { caseNumber"), {"input": payload}))["registerCase"]
    assert (expect in [e["code"] for e in result["errors"]]) if expect else result["errors"] == [], result["errors"]
    return result["case"]


CASE_READ = "query($id: ID!) { node(id: $id) { ... on Case { caseNumber status version agency { id } timeline { kind data } } } }"


async def test_closing_hands_open_cases_to_the_successor_which_also_reads_the_closed_ones(client, db, demo_tokens, office):
    """机构改革: the closed team's open case continues under the successor (its number kept, the handover
    on its timeline with the decision, audited); the case it had closed stays its own, read by the
    successor's officers; the closed team takes no new case. Another county sees neither."""
    admin, ninth, tenth = office["admin"], office["ninth"], office["tenth"]
    (zhang, _), (li, _) = [await onboard(admin, ninth["id"], n, s) for n, s in (("张九", 201), ("李九", 202))]
    wang, _ = await onboard(admin, tenth["id"], "王十", 203)
    ninth_api = Api(client, officer_token(zhang))
    kept, declined = [Desk(ninth_api, await register_case(ninth_api, ninth["id"], [zhang, li])) for _ in range(2)]
    number = kept.case["caseNumber"]
    await kept.do("fileCase", on=ago(10))
    await declined.do("declineFiling", on=ago(10), reason="违法事实不能成立")
    await act(admin, "setAgencyDomains", {"agencyId": tenth["id"], "domains": ["market"]}, AGENCY)
    refused = await act(admin, "closeAgency", {"agencyId": ninth["id"], "successorId": tenth["id"], **CLOSURE}, AGENCY, "AGENCY_SUCCESSOR_INVALID")
    assert "construction" in refused["errors"][0]["message"]  # the successor must enforce what it takes over
    await act(admin, "setAgencyDomains", {"agencyId": tenth["id"], "domains": ["construction", "market"]}, AGENCY)
    await act(admin, "closeAgency", {"agencyId": ninth["id"], "successorId": tenth["id"], "closedOn": ago(1), **CLOSURE}, AGENCY)

    tenth_api = Api(client, officer_token(wang))
    open_case = (await tenth_api(CASE_READ, {"id": kept.case["id"]}))["node"]
    assert open_case["agency"] == {"id": tenth["id"]} and open_case["caseNumber"] == number
    handover = open_case["timeline"][-1]
    assert handover["kind"] == "handover"
    assert handover["data"] == {"on": ago(1), "from_agency_id": str(parse_global_id(ninth["id"])[1]), "to_agency_id": str(parse_global_id(tenth["id"])[1]),
                                **CLOSURE}
    closed_case = (await tenth_api(CASE_READ, {"id": declined.case["id"]}))["node"]
    assert closed_case["agency"] == {"id": ninth["id"]} and closed_case["status"] == "NOT_FILED"
    listed = await tenth_api("query($a: ID) { cases(filter: {agencyId: $a}) { totalCount } }", {"a": ninth["id"]})
    assert listed["cases"]["totalCount"] == 1
    stranger = Api(client, demo_tokens["other_county_officer"])
    assert [(await stranger(CASE_READ, {"id": d.case["id"]}))["node"] for d in (kept, declined)] == [None, None]
    async with db() as session:
        handed = (await session.execute(sa.select(AuditRecord.action).where(AuditRecord.object_id == parse_global_id(kept.case["id"])[1]))).scalars().all()
    assert handed[-1] == "case.handover"

    assert open_case["version"] == kept.case["version"] + 1  # a client holding the old version reloads
    kept.api, kept.case["version"] = tenth_api, open_case["version"]  # the successor's officer acts on the case it took over
    await kept.do("startInvestigation")
    assert kept.case["status"] == "INVESTIGATING"
    await register_case(Api(client, officer_token(zhang)), ninth["id"], [zhang, li], expect="AGENCY_CLOSED")


async def test_case_and_document_numbers_follow_the_agencys_pattern(client, office):
    """GB/T 9704-2012 发文字号: 代字 as the agency sets it, then 〔year〕serial号."""
    admin, ninth = office["admin"], office["ninth"]
    await act(admin, "setAgencyNumbering", {"agencyId": ninth["id"], "casePattern": "舟{short}{type}〔{year}〕{serial}号",
                                            "documentPattern": "{short}{type}〔{year}〕{serial}号"}, AGENCY)
    (zhang, _), (li, _) = [await onboard(admin, ninth["id"], n, s) for n, s in (("张编", 211), ("李编", 212))]
    zhang_token = officer_token(zhang)
    zhang_api = Api(client, zhang_token)
    case = await register_case(zhang_api, ninth["id"], [zhang, li])
    assert case["caseNumber"] == f"舟定综执九案〔{TODAY.year}〕1号"
    desk = Desk(zhang_api, case)
    await desk.do("fileCase", on=ago(10))
    timeline = (await zhang_api(CASE_READ, {"id": case["id"]}))["node"]["timeline"]
    assert timeline[-1]["data"]["document_number"] == f"定综执九立〔{ago(10)[:4]}〕1号"
    form = await client.get(f"/cases/{case['id']}/documents/filing_approval", headers={"authorization": f"Bearer {zhang_token}"})
    assert form.status_code == 200, form.text
    assert f"定综执九立〔{ago(10)[:4]}〕1号" in unquote(form.headers["content-disposition"])
    found = await zhang_api('query($n: String) { cases(filter: {caseNumber: $n}) { edges { node { id } } } }', {"n": case["caseNumber"]})
    assert [e["node"]["id"] for e in found["cases"]["edges"]] == [case["id"]]


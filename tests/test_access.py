"""Who may see and do what: every query and mutation for every role, against records inside and
outside its jurisdiction. Denied means no data and a clear code, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from zhifa.core.cases.models import Case, CaseOfficer, CaseStatus, Procedure
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.entities.models import Entity, EntityKind
from zhifa.core.ids import new_id
from zhifa.core.people.models import Agency, AgencyDomain, AgencyKind, CertificateStatus, Officer, OfficerRole, Region, RegionLevel
from zhifa.schema.kit.relay import global_id
from zhifa.core.entities.crypto import DataKey, DataKeyError
from zhifa.core.entities.identifiers import check_id_number
from conftest import KEY, token

ROLES = ["public", "bureau_officer", "bureau_head", "township_officer", "township_auxiliary", "supervisor", "provincial", "provincial_other", "other_officer"]


@pytest.fixture
async def world(demo, demo_tokens):
    """The demo county (浙江) plus a county in another province with one agency, officer, entity, case."""
    async with demo() as session, session.begin():
        province = Region(id=new_id(), code="320000", name="江苏省", level=RegionLevel.PROVINCE)
        city = Region(id=new_id(), code="320100", name="南京市", level=RegionLevel.CITY, parent_id=province.id)
        county = Region(id=new_id(), code="320102", name="玄武区", level=RegionLevel.COUNTY, parent_id=city.id)
        agency = Agency(id=new_id(), name="玄武区综合行政执法局", short_name="玄综执", kind=AgencyKind.COMPREHENSIVE_BUREAU, level=RegionLevel.COUNTY, region_id=county.id)
        officer = Officer(id=new_id(), name="外省执法员", certificate_number="苏0102000001", certificate_valid_from=dt.date(2024, 1, 1), certificate_valid_until=dt.date(2029, 1, 1), status=CertificateStatus.VALID, role=OfficerRole.OFFICER, agency_id=agency.id)
        entity = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="南京外省公司", credit_code="91320102MA1X000003", address="南京", region_id=county.id, industry_tags=[])
        item = (await session.execute(sa.select(CatalogItemVersion).where(CatalogItemVersion.code == "SC024"))).scalar_one()
        case = Case(id=new_id(), case_number="玄综执案〔2026〕1号", procedure=Procedure.GENERAL, status=CaseStatus.REGISTERED, domain_code="market", item_version_id=item.id, entity_id=entity.id, agency_id=agency.id, facts={}, violation_date=dt.date(2026, 1, 1))
        session.add_all([province, city, county])
        await session.flush()
        session.add_all([agency, entity])
        await session.flush()
        session.add_all([officer, AgencyDomain(agency_id=agency.id, domain_code="market"), case])
        await session.flush()
        session.add(CaseOfficer(case_id=case.id, officer_id=officer.id, position=0))
        bureau_case, township_case = await _demo_cases(session)
    tokens = {**demo_tokens, "public": None, "other_officer": token(f"officer:{officer.id}", ["officer"], agency.id)}
    return {
        "tokens": tokens,
        "outside_case": global_id("Case", case.id),
        "outside_entity": global_id("Entity", entity.id),
        "outside_officer": global_id("Officer", officer.id),
        "outside_region": global_id("Region", county.id),
        "outside_agency": global_id("Agency", agency.id),
        "bureau_case": bureau_case,
        "township_case": township_case,
    }


async def _demo_cases(session):
    """A case of a county professional team and one of the township team the tokens belong to."""
    rows = (await session.execute(sa.select(Case.id, Agency.kind, Agency.name).join(Agency, Agency.id == Case.agency_id))).all()
    township = sorted({r.name for r in rows if r.kind is AgencyKind.TOWNSHIP_TEAM})
    bureau_case = next(r.id for r in rows if r.kind is AgencyKind.PROFESSIONAL_TEAM)
    first_township = (await session.execute(sa.select(Agency.name).where(Agency.kind == AgencyKind.TOWNSHIP_TEAM))).scalars().first()
    township_case = next((r.id for r in rows if r.name == first_township), None)
    return global_id("Case", bureau_case), global_id("Case", township_case) if township_case else None


NODE = "query($id: ID!) { node(id: $id) { id } }"

# role -> (sees the county bureau's case, sees its township team's case, sees the other province's case)
CASE_VISIBILITY = {
    "public": (False, False, False),
    "bureau_officer": (True, True, False),
    "bureau_head": (True, True, False),
    "township_officer": (False, True, False),
    "township_auxiliary": (False, True, False),
    "supervisor": (True, True, False),
    "provincial": (True, True, False),
    "provincial_other": (False, False, True),
    "other_officer": (False, False, True),
}


@pytest.mark.parametrize("role", ROLES)
async def test_case_visibility_through_node_case_list_and_search(api, world, role):
    client = api.as_(world["tokens"][role])
    expected = dict(zip(("bureau_case", "township_case", "outside_case"), CASE_VISIBILITY[role]))
    if world["township_case"] is None:
        expected.pop("township_case")
    for name, visible in expected.items():
        found = (await client(NODE, {"id": world[name]}))["node"]
        assert (found is not None) == visible, (role, name)
        by_id = (await client("query($id: ID) { case(id: $id) { id } }", {"id": world[name]}))["case"]
        assert (by_id is not None) == visible, (role, name)
    response = await client.post("{ cases(first: 100) { totalCount edges { node { id entity { id } officers { id } } } } }")
    body = response.json()
    if role == "public":
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        return
    ids = {e["node"]["id"] for e in body["data"]["cases"]["edges"]}
    for name, visible in expected.items():
        assert (world[name] in ids) == visible, (role, name)
    search = "query($n: String) { cases(filter: {caseNumber: $n}) { totalCount } }"
    number = (await client(search, {"n": "玄综执案〔2026〕1号"}))["cases"]["totalCount"]
    assert number == (1 if CASE_VISIBILITY[role][2] else 0)


@pytest.mark.parametrize("role", ROLES)
async def test_out_of_jurisdiction_entities_and_officers_are_unreachable(api, world, role):
    client = api.as_(world["tokens"][role])
    outside = role in ("provincial_other", "other_officer")
    for name in ("outside_entity", "outside_officer"):
        found = (await client(NODE, {"id": world[name]}))["node"]
        reachable = outside and not (name == "outside_officer" and role == "provincial_other")
        assert (found is not None) == reachable, (role, name)
    response = (await client.post('{ entities(filter: {creditCode: "91320102MA1X000003"}) { totalCount } }')).json()
    if role == "public":
        assert response["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    else:
        assert response["data"]["entities"]["totalCount"] == (1 if outside else 0)


@pytest.mark.parametrize("role", ROLES)
async def test_published_information_is_open_to_everyone(api, world, role):
    client = api.as_(world["tokens"][role])
    data = await client("{ domains { code } agencies { totalCount } regions { totalCount } catalogItems { totalCount } }")
    assert data["agencies"]["totalCount"] >= 14 and data["catalogItems"]["totalCount"] > 100
    assert (await client(NODE, {"id": world["outside_agency"]}))["node"] is not None


REGISTER = """mutation($input: RegisterCaseInput!) { registerCase(input: $input) { case { id } errors { code field } } }"""
CREATE = """mutation($input: CreateEntityInput!) { createEntity(input: $input) { entity { id } errors { code field } } }"""

# role -> may register a case for the bureau's market team / may create an entity in the demo county
MAY_ACT = {
    "public": (False, False),
    "bureau_officer": (False, True),  # the market team is another agency; an officer acts for its own
    "bureau_head": (True, True),  # a head acts for the agencies below it
    "township_officer": (False, False),  # the county is above the township
    "township_auxiliary": (False, False),
    "supervisor": (False, False),
    "provincial": (False, False),
    "provincial_other": (False, False),
    "other_officer": (False, False),
}


@pytest.mark.parametrize("role", ROLES)
async def test_mutations_are_refused_outside_role_and_jurisdiction(api, world, role):
    client = api.as_(world["tokens"][role])
    admin = api  # the bureau officer sets up the inputs
    setup = await admin(
        """{ agencies(filter: {domain: "market", kind: PROFESSIONAL_TEAM}) { edges { node { id } } }
             entities(first: 1, filter: {kind: LEGAL_PERSON}) { edges { node { id } } }
             regions(filter: {code: "330902"}) { edges { node { id } } } }"""
    )
    agency = setup["agencies"]["edges"][0]["node"]["id"]
    officers = await admin("query($a: ID) { officers(filter: {agencyId: $a, role: OFFICER}) { edges { node { id } } } }", {"a": agency})
    case_input = {
        "entityId": setup["entities"]["edges"][0]["node"]["id"],
        "agencyId": agency,
        "itemCode": "SC024",
        "violationDate": "2026-11-01",
        "officerIds": [e["node"]["id"] for e in officers["officers"]["edges"][:2]],
        "facts": {"duration_months": 1},
    }
    entity_input = {"kind": "LEGAL_PERSON", "name": f"矩阵测试{role}", "address": "定海区", "regionId": setup["regions"]["edges"][0]["node"]["id"], "creditCode": "91110000600037341L"}
    may_register, may_create = MAY_ACT[role]
    for mutation, payload, allowed, field in ((REGISTER, case_input, may_register, "registerCase"), (CREATE, entity_input, may_create, "createEntity")):
        response = await client.post(mutation, {"input": payload})
        assert response.status_code == 200
        result = response.json()["data"][field]
        if allowed:
            assert result["errors"] == [], (role, field, result)
        else:
            assert result["errors"] and result["errors"][0]["code"] == "FORBIDDEN", (role, field, result)
            assert all(v is None for k, v in result.items() if k != "errors")


async def test_personal_data_is_clear_only_for_allowed_roles_and_every_clear_read_is_recorded(api, world):
    query = '{ entities(filter: {kind: NATURAL_PERSON}, first: 3) { edges { node { id idNumber phone } } } }'
    clear = (await api.as_(world["tokens"]["bureau_officer"])(query))["entities"]["edges"]
    masked = (await api.as_(world["tokens"]["township_auxiliary"])(query))["entities"]["edges"]
    supervisor = (await api.as_(world["tokens"]["supervisor"])(query))["entities"]["edges"]
    assert clear and all("*" not in e["node"]["idNumber"] and len(e["node"]["idNumber"]) == 18 for e in clear)
    assert all(e["node"]["idNumber"] is None or "********" in e["node"]["idNumber"] for e in masked + supervisor)
    assert all("****" in e["node"]["phone"] for e in supervisor if e["node"]["phone"])
    from zhifa.core.audit.reads import PersonalDataRead

    async with api.client._transport.app.state.sessions() as session:  # noqa: SLF001 - reading the app's own log
        reads = (await session.execute(sa.select(PersonalDataRead))).scalars().all()
    assert len(reads) == len(clear) and all(r.fields.startswith("id_number") for r in reads)


async def test_personal_data_not_selected_is_neither_decrypted_nor_logged_as_read(api, world):
    """The read log records what a viewer asked to see: a list without idNumber or phone adds nothing."""
    from zhifa.core.audit.reads import PersonalDataRead

    officer = api.as_(world["tokens"]["bureau_officer"])
    await officer('{ entities(filter: {kind: NATURAL_PERSON}, first: 5) { edges { node { id name } } } }')
    await officer('{ cases(first: 20) { edges { node { entity { name creditCode } } } } }')
    async with api.client._transport.app.state.sessions() as session:  # noqa: SLF001 - reading the app's own log
        assert (await session.scalar(sa.select(sa.func.count()).select_from(PersonalDataRead))) == 0
    phones = (await officer('{ entities(filter: {kind: NATURAL_PERSON}, first: 2) { edges { node { phone } } } }'))["entities"]["edges"]
    async with api.client._transport.app.state.sessions() as session:  # noqa: SLF001
        fields = (await session.execute(sa.select(PersonalDataRead.fields))).scalars().all()
    assert len(fields) == sum(1 for e in phones if e["node"]["phone"]) and set(fields) <= {"phone"}


async def test_personal_data_is_encrypted_at_rest(world, demo):
    async with demo() as session:
        row = (await session.execute(sa.select(Entity).where(Entity.kind == EntityKind.NATURAL_PERSON))).scalars().first()
    plain = KEY.decrypt(row.id_number_cipher)
    assert check_id_number(plain).value == plain  # a real ID number, stored only as SM4-GCM ciphertext
    assert plain not in row.id_number_cipher and row.id_number_digest == KEY.lookup(plain)
    other = DataKey(bytes(16))
    with pytest.raises(DataKeyError):
        other.decrypt(row.id_number_cipher)

"""Entities over time through GraphQL: changes as dated versions, a case showing its party as
registered and as now, licence revocation and deregistration (《市场主体登记管理条例实施细则》第四十四条:
an entity ends on its deregistration day), and merging a duplicate into its survivor and back."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from stdnum.cn import uscc
from zhifa.core.audit.models import AuditRecord
from zhifa.core.clock import legal_date, legal_today
from zhifa.core.entities import status as rules
from zhifa.core.entities.models import EntityStatus
from zhifa.core.errors import UserError
from zhifa.schema.kit.relay import global_id

TODAY = legal_today()
ENTITY = "id name address status statusSince statusReason version mergedInto { id name } history { seq change validFrom name address status note }"
CREATE = """mutation($input: CreateEntityInput!) { createEntity(input: $input) { entity { id version } errors { code } } }"""
UPDATE = f"""mutation($input: UpdateEntityInput!) {{ updateEntity(input: $input) {{ entity {{ {ENTITY} }} errors {{ field code message }} }} }}"""
DEREGISTER = f"""mutation($input: CloseEntityInput!) {{ deregisterEntity(input: $input) {{ entity {{ {ENTITY} }} errors {{ field code message }} }} }}"""
REVOKE = f"""mutation($input: CloseEntityInput!) {{ revokeEntityLicence(input: $input) {{ entity {{ {ENTITY} }} errors {{ field code message }} }} }}"""
MERGE_FIELDS = "merge { id reason decidedBy duplicate { id status mergedInto { id } } survivor { id status } moved { table count } unmerge { reason } } errors { field code message }"
MERGE = f"""mutation($input: MergeEntitiesInput!) {{ mergeEntities(input: $input) {{ {MERGE_FIELDS} }} }}"""
UNMERGE = f"""mutation($input: UnmergeEntitiesInput!) {{ unmergeEntities(input: $input) {{ {MERGE_FIELDS} }} }}"""
CASE = """query($id: ID!) { node(id: $id) { ... on Case { registeredAt entity { id name } entityAtRegistration { seq name change entity { id } } } } }"""
REGISTER_CASE = """mutation($input: RegisterCaseInput!) { registerCase(input: $input) { case { id } errors { code message } } }"""
SETUP = """{ regions(first: 100) { edges { node { id code } } }
  agencies(filter: {domain: "market", kind: PROFESSIONAL_TEAM}) { edges { node { id } } } }"""


def _code(serial: int) -> str:
    body = f"91330902MA2HQ{serial:04d}"
    return body + uscc.calc_check_digit(body)


async def _setup(api) -> dict:
    data = await api(SETUP)
    regions = {e["node"]["code"]: e["node"]["id"] for e in data["regions"]["edges"]}
    team = data["agencies"]["edges"][0]["node"]["id"]
    officers = await api('query($a: ID) { officers(filter: {agencyId: $a, role: OFFICER}) { edges { node { id } } } }', {"a": team})
    return {"regions": regions, "team": team, "officers": [e["node"]["id"] for e in officers["officers"]["edges"]][:2]}


async def _create(api, region: str, serial: int, name: str = "舟山市定海区海味餐饮有限公司", tags=("餐饮服务", "餐饮", "沿街经营")) -> dict:
    entry = {"kind": "LEGAL_PERSON", "name": name, "address": "定海区人民北路 1 号", "regionId": region, "creditCode": _code(serial),
             "industryTags": list(tags)}
    made = (await api(CREATE, {"input": entry}))["createEntity"]
    assert made["errors"] == [], made["errors"]
    return made["entity"]


async def _register_case(api, setup: dict, entity_id: str, violation: dt.date) -> dict:
    payload = {"entityId": entity_id, "agencyId": setup["team"], "itemCode": "SC024", "violationDate": violation.isoformat(),
               "officerIds": setup["officers"], "facts": {"duration_months": 2}}
    return (await api(REGISTER_CASE, {"input": payload}))["registerCase"]


def _codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


# --- pure rules ---------------------------------------------------------------------------------


def test_a_deregistered_entity_answers_only_for_what_it_did_before_its_deregistration_day():
    """实施细则第四十四条: 自登记机关予以注销登记之日起，市场主体终止; a revoked licence ends nothing."""
    gone = dt.date(2026, 5, 1)
    assert rules.case_refusal(EntityStatus.DEREGISTERED, gone, dt.date(2026, 4, 30)) is None
    assert rules.case_refusal(EntityStatus.DEREGISTERED, gone, gone).code == "ENTITY_DEREGISTERED"
    assert rules.case_refusal(EntityStatus.LICENCE_REVOKED, gone, dt.date(2026, 6, 1)) is None
    assert rules.case_refusal(EntityStatus.MERGED, gone, dt.date(2026, 1, 1)).code == "ENTITY_MERGED"
    with pytest.raises(UserError) as caught:
        rules.refuse_change(EntityStatus.DEREGISTERED, gone)
    assert caught.value.code == "ENTITY_DEREGISTERED"


def test_the_version_in_force_is_the_latest_by_the_day_and_the_undated_first_before_any():
    class V:
        def __init__(self, day, seq):
            self.valid_from, self.seq = day, seq

    first, renamed, same_day = V(None, 1), V(dt.date(2026, 6, 1), 2), V(dt.date(2026, 6, 1), 3)
    versions = [same_day, first, renamed]
    assert rules.in_force(versions, dt.date(2026, 5, 31)) is first
    assert rules.in_force(versions, dt.date(2026, 6, 1)) is same_day
    assert rules.in_force(versions, dt.date(1990, 1, 1)) is first  # the first version: since before the records
    assert rules.in_force([renamed], dt.date(2026, 1, 1)) is None


# --- through GraphQL ----------------------------------------------------------------------------


async def test_an_update_is_a_new_version_and_a_case_shows_its_party_as_registered_and_as_now(api, demo):
    page = (await api("{ cases(first: 50) { edges { node { id registeredAt entity { id name version } } } } }"))["cases"]["edges"]
    case = next(e["node"] for e in page if legal_date(dt.datetime.fromisoformat(e["node"]["registeredAt"])) < TODAY)
    entity, old_name = case["entity"], case["entity"]["name"]

    changed = (await api(UPDATE, {"input": {"entityId": entity["id"], "version": entity["version"], "name": old_name + "（更名）",
                                            "address": "定海区新址路 8 号", "reason": "变更登记核准"}}))["updateEntity"]
    assert changed["errors"] == []
    now = changed["entity"]
    assert now["name"] == old_name + "（更名）" and now["version"] == entity["version"] + 1 and now["status"] == "ACTIVE"
    assert [(v["seq"], v["change"], v["name"]) for v in now["history"]] == [(1, "REGISTERED", old_name), (2, "UPDATED", old_name + "（更名）")]
    assert now["history"][1]["validFrom"] == TODAY.isoformat() and now["history"][1]["note"] == "变更登记核准"

    shown = (await api(CASE, {"id": case["id"]}))["node"]
    assert shown["entity"]["name"] == old_name + "（更名）"
    assert shown["entityAtRegistration"] == {"seq": 1, "name": old_name, "change": "REGISTERED", "entity": {"id": entity["id"]}}

    async with demo() as session:
        audited = (await session.scalars(sa.select(AuditRecord).where(AuditRecord.action == "entity.updated"))).all()
    assert len(audited) == 1

    stale = (await api(UPDATE, {"input": {"entityId": entity["id"], "version": entity["version"], "name": "另一名称"}}))["updateEntity"]
    same = (await api(UPDATE, {"input": {"entityId": entity["id"], "version": now["version"], "name": now["name"]}}))["updateEntity"]
    early = (await api(UPDATE, {"input": {"entityId": entity["id"], "version": now["version"], "name": "另一名称",
                                          "validFrom": (TODAY - dt.timedelta(days=1)).isoformat()}}))["updateEntity"]
    future = (await api(UPDATE, {"input": {"entityId": entity["id"], "version": now["version"], "name": "另一名称",
                                           "validFrom": (TODAY + dt.timedelta(days=1)).isoformat()}}))["updateEntity"]
    assert (_codes(stale), _codes(same), _codes(early), _codes(future)) == (
        ["VERSION_CONFLICT"], ["ENTITY_UNCHANGED"], ["DATE_OUT_OF_ORDER"], ["DATE_IN_FUTURE"])


async def test_a_case_registered_today_shows_the_version_in_force_today(api, demo, demo_tokens):
    head = api.as_(demo_tokens["bureau_head"])
    setup = await _setup(head)
    made = await _create(head, setup["regions"]["330902"], 10, name="舟山市定海区今日有限公司")
    case = await _register_case(head, setup, made["id"], TODAY - dt.timedelta(days=2))
    assert case["errors"] == []
    await head(UPDATE, {"input": {"entityId": made["id"], "version": made["version"], "name": "舟山市定海区今日新名有限公司"}})
    shown = (await head(CASE, {"id": case["case"]["id"]}))["node"]
    assert shown["entityAtRegistration"]["name"] == shown["entity"]["name"] == "舟山市定海区今日新名有限公司"  # in force that day


async def test_revocation_then_deregistration_with_their_dates_and_what_they_still_allow(api, demo, demo_tokens):
    head = api.as_(demo_tokens["bureau_head"])
    setup = await _setup(head)
    made = await _create(head, setup["regions"]["330902"], 20, name="舟山市定海区将销有限公司")
    gone_on = TODAY - dt.timedelta(days=1)

    revoked = (await api(REVOKE, {"input": {"entityId": made["id"], "reason": "定市监罚〔2026〕7号吊销营业执照", "on": gone_on.isoformat()}}))["revokeEntityLicence"]
    assert revoked["errors"] == [] and revoked["entity"]["status"] == "LICENCE_REVOKED" and revoked["entity"]["statusSince"] == gone_on.isoformat()
    again = (await api(REVOKE, {"input": {"entityId": made["id"], "reason": "再次"}}))["revokeEntityLicence"]
    assert _codes(again) == ["ENTITY_LICENCE_REVOKED"]
    corrected = (await api(UPDATE, {"input": {"entityId": made["id"], "version": revoked["entity"]["version"], "address": "定海区清算组地址 2 号"}}))["updateEntity"]
    assert corrected["errors"] == [] and corrected["entity"]["status"] == "LICENCE_REVOKED"  # still in being: it may be corrected
    assert _codes(await _register_case(head, setup, made["id"], TODAY)) == []  # and proceeded against

    reasonless = (await api(DEREGISTER, {"input": {"entityId": made["id"], "reason": " "}}))["deregisterEntity"]
    assert _codes(reasonless) == ["REASON_REQUIRED"]
    closed = (await api(DEREGISTER, {"input": {"entityId": made["id"], "reason": "清算完毕，登记机关准予注销登记"}}))["deregisterEntity"]
    entity = closed["entity"]
    assert closed["errors"] == [] and (entity["status"], entity["statusSince"], entity["statusReason"]) == ("DEREGISTERED", TODAY.isoformat(), "清算完毕，登记机关准予注销登记")
    assert [(v["change"], v["status"]) for v in entity["history"]] == [
        ("REGISTERED", "ACTIVE"), ("LICENCE_REVOKED", "LICENCE_REVOKED"), ("UPDATED", "LICENCE_REVOKED"), ("DEREGISTERED", "DEREGISTERED")]

    refused = [
        (await api(UPDATE, {"input": {"entityId": made["id"], "version": entity["version"], "name": "复活有限公司"}}))["updateEntity"],
        (await api(REVOKE, {"input": {"entityId": made["id"], "reason": "吊销"}}))["revokeEntityLicence"],
        (await api(DEREGISTER, {"input": {"entityId": made["id"], "reason": "再次注销"}}))["deregisterEntity"],
        await _register_case(head, setup, made["id"], TODAY),  # nothing done after its end is its act
    ]
    assert [_codes(r) for r in refused] == [["ENTITY_DEREGISTERED"]] * 4
    assert _codes(await _register_case(head, setup, made["id"], gone_on)) == []  # done while it existed


async def test_natural_persons_have_no_licence_and_other_counties_cannot_touch_an_entity(api, demo, demo_tokens):
    person = (await api("{ entities(first: 1, filter: {kind: NATURAL_PERSON}) { edges { node { id version } } } }"))["entities"]["edges"][0]["node"]
    for mutation, name in ((REVOKE, "revokeEntityLicence"), (DEREGISTER, "deregisterEntity")):
        assert _codes((await api(mutation, {"input": {"entityId": person["id"], "reason": "误操作"}}))[name]) == ["ENTITY_NOT_A_BUSINESS"]
    elsewhere = api.as_(demo_tokens["other_county_officer"])
    foreign = (await elsewhere(UPDATE, {"input": {"entityId": person["id"], "version": person["version"], "address": "普陀区"}}))["updateEntity"]
    assert _codes(foreign) == ["ENTITY_NOT_FOUND"]
    watcher = api.as_(demo_tokens["supervisor"])
    assert _codes((await watcher(UPDATE, {"input": {"entityId": person["id"], "version": person["version"], "address": "x"}}))["updateEntity"]) == ["FORBIDDEN"]


async def test_merging_moves_cases_inspections_and_complaints_to_the_survivor_and_unmerging_moves_them_back(api, demo, demo_tokens):
    head = api.as_(demo_tokens["bureau_head"])
    setup = await _setup(head)
    town = setup["regions"]["330902001"]
    duplicate = await _create(head, town, 30, name="舟山市定海区海味餐饮公司")
    survivor = await _create(head, town, 31)
    case = (await _register_case(head, setup, duplicate["id"], TODAY - dt.timedelta(days=5)))["case"]
    visit = (await head("""mutation($input: RecordJointVisitInput!) { recordJointVisit(input: $input) { inspection { id } errors { code } } }""",
                        {"input": {"entityId": duplicate["id"], "visitedOn": TODAY.isoformat()}}))["recordJointVisit"]
    assert visit["errors"] == []
    complaint = (await head("""mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { complaint { id } errors { code } } }""",
                            {"input": {"kind": "COMPLAINT", "channel": "HOTLINE_12345", "externalNumber": f"ZS12345-{uuid.uuid4().hex[:8]}",
                                       "agencyId": setup["team"], "content": "饭菜变质", "complainantName": "王某", "complainantPhone": "13800001111", "subjectEntityId": duplicate["id"], "domain": "market"}}))["registerComplaint"]
    assert complaint["errors"] == []
    survivors_own = (await _register_case(head, setup, survivor["id"], TODAY - dt.timedelta(days=1)))["case"]

    merged = (await api(MERGE, {"input": {"duplicateId": duplicate["id"], "survivorId": survivor["id"], "reason": "同一企业重复登记，信用代码录入错误"}}))["mergeEntities"]
    assert merged["errors"] == []
    merge = merged["merge"]
    assert merge["duplicate"] == {"id": duplicate["id"], "status": "MERGED", "mergedInto": {"id": survivor["id"]}}
    assert {m["table"]: m["count"] for m in merge["moved"]} == {"cases": 1, "inspections": 1, "complaints": 1}
    assert await _held(api, survivor["id"]) == ({case["id"], survivors_own["id"]}, {visit["inspection"]["id"]}, {complaint["complaint"]["id"]})
    assert await _held(api, duplicate["id"]) == (set(), set(), set())
    shown = (await api(CASE, {"id": case["id"]}))["node"]
    assert shown["entity"]["id"] == survivor["id"]
    assert (shown["entityAtRegistration"]["entity"]["id"], shown["entityAtRegistration"]["name"]) == (duplicate["id"], "舟山市定海区海味餐饮公司")

    # The duplicate's global id still resolves, to itself, pointing at its survivor; it takes no more changes.
    node = (await api("query($id: ID!) { node(id: $id) { ... on Entity { id status mergedInto { id } merges { id } history { change } } } }", {"id": duplicate["id"]}))["node"]
    assert node["id"] == duplicate["id"] and node["status"] == "MERGED" and node["mergedInto"] == {"id": survivor["id"]}
    assert node["merges"] == [{"id": merge["id"]}] and node["history"][-1]["change"] == "MERGED"
    locked = (await api(UPDATE, {"input": {"entityId": duplicate["id"], "version": 99, "name": "改名"}}))["updateEntity"]
    merged_again = (await api(MERGE, {"input": {"duplicateId": duplicate["id"], "survivorId": survivor["id"], "reason": "再并"}}))["mergeEntities"]
    new_case = await _register_case(head, setup, duplicate["id"], TODAY)
    assert [_codes(locked), _codes(merged_again), _codes(new_case)] == [["ENTITY_MERGED"]] * 3

    # A case the survivor gains after the merge stays with it when the merge is undone.
    later = (await _register_case(head, setup, survivor["id"], TODAY))["case"]
    undone = (await api(UNMERGE, {"input": {"mergeId": merge["id"], "reason": "经核实为两家不同企业"}}))["unmergeEntities"]
    assert undone["errors"] == [] and undone["merge"]["unmerge"] == {"reason": "经核实为两家不同企业"}
    assert undone["merge"]["duplicate"] == {"id": duplicate["id"], "status": "ACTIVE", "mergedInto": None}
    assert await _held(api, duplicate["id"]) == ({case["id"]}, {visit["inspection"]["id"]}, {complaint["complaint"]["id"]})
    assert (await _held(api, survivor["id"]))[0] == {survivors_own["id"], later["id"]}
    twice = (await api(UNMERGE, {"input": {"mergeId": merge["id"], "reason": "再撤"}}))["unmergeEntities"]
    assert _codes(twice) == ["MERGE_ALREADY_REVERSED"]

    async with demo() as session:
        actions = (await session.scalars(sa.select(AuditRecord.action).where(AuditRecord.action.in_(["entity.merged", "entity.unmerged"])))).all()
    assert sorted(actions) == ["entity.merged", "entity.unmerged"]


async def _held(api, entity_id: str) -> tuple[set, set, set]:
    data = await api("""query($e: ID!) { cases(first: 100, filter: {entityId: $e}) { edges { node { id } } }
      inspections(first: 100, filter: {entityId: $e}) { edges { node { id } } }
      complaints(first: 100, filter: {subjectEntityId: $e}) { edges { node { id } } } }""", {"e": entity_id})
    return tuple({e["node"]["id"] for e in data[k]["edges"]} for k in ("cases", "inspections", "complaints"))


async def test_merge_refusals(api, demo, demo_tokens):
    head = api.as_(demo_tokens["bureau_head"])
    setup = await _setup(head)
    county = setup["regions"]["330902"]
    a = await _create(head, county, 40, name="舟山市定海区甲有限公司")
    b = await _create(head, county, 41, name="舟山市定海区乙有限公司")
    c = await _create(head, county, 42, name="舟山市定海区丙有限公司")
    person = (await api("{ entities(first: 1, filter: {kind: NATURAL_PERSON}) { edges { node { id } } } }"))["entities"]["edges"][0]["node"]

    def merge(dup, surv, reason="重复登记"):
        return api(MERGE, {"input": {"duplicateId": dup["id"], "survivorId": surv["id"], "reason": reason}})

    assert _codes((await merge(a, a))["mergeEntities"]) == ["MERGE_SAME_ENTITY"]
    assert _codes((await merge(person, a))["mergeEntities"]) == ["MERGE_KIND_MISMATCH"]
    assert _codes((await merge(a, b, ""))["mergeEntities"]) == ["REASON_REQUIRED"]

    first = (await merge(a, b))["mergeEntities"]["merge"]
    assert _codes((await merge(c, a))["mergeEntities"]) == ["ENTITY_MERGED"]  # a merged duplicate is no survivor
    second = (await merge(b, c))["mergeEntities"]["merge"]
    superseded = (await api(UNMERGE, {"input": {"mergeId": first["id"], "reason": "撤销"}}))["unmergeEntities"]
    assert _codes(superseded) == ["MERGE_SUPERSEDED"]
    assert (await api(UNMERGE, {"input": {"mergeId": second["id"], "reason": "撤销"}}))["unmergeEntities"]["errors"] == []
    assert (await api(UNMERGE, {"input": {"mergeId": first["id"], "reason": "撤销"}}))["unmergeEntities"]["errors"] == []
    unknown = (await api(UNMERGE, {"input": {"mergeId": global_id("EntityMerge", uuid.uuid4()), "reason": "撤销"}}))["unmergeEntities"]
    assert _codes(unknown) == ["MERGE_NOT_FOUND"]


PAGE = """query($n: Int) { cases(first: $n) { edges { node { caseNumber entity { name history { seq } }
  entityAtRegistration { name validFrom entity { name } } } } } }"""


async def test_a_page_of_cases_with_their_party_as_registered_runs_a_fixed_number_of_statements(api, demo, statements):
    counts = {}
    await api(PAGE, {"n": 1})  # the first request of a minute also opens its rate-limit window
    for size in (5, 50):
        statements["n"] = 0
        data = await api(PAGE, {"n": size})
        assert len(data["cases"]["edges"]) == size
        assert all(e["node"]["entityAtRegistration"]["name"] for e in data["cases"]["edges"])
        counts[size] = statements["n"]
    # rate-limit counter, agency and region trees, page, entity, its history (link + rows), the
    # versions at registration (cases with their merges, versions), those versions, their entity
    assert counts[5] == counts[50] <= 11

"""Registering cases (登记) through GraphQL: numbering, version pinning, timeline, audit, refusals."""

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa

from zhifa.core.audit.service import verify
from zhifa.core.cases.numbering import allocate, format_number, normalise_number
from zhifa.core.db import transaction

REGISTER = """mutation($input: RegisterCaseInput!) { registerCase(input: $input) {
  case { id caseNumber status procedure facts item { code version } entity { name } officers { name }
         timeline { seq kind actor } }
  errors { field code message } } }"""
SETUP = """{ agencies(filter: {domain: "market", kind: PROFESSIONAL_TEAM}) { edges { node { id shortName } } }
  entities(first: 1, filter: {kind: LEGAL_PERSON}) { edges { node { id name } } } }"""


async def _parties(api):
    """The market team, its officers and an entity; acting as the county bureau's head (who may act for the team)."""
    data = await api(SETUP)
    agency = data["agencies"]["edges"][0]["node"]
    officers = await api(
        'query($a: ID) { officers(filter: {agencyId: $a, role: OFFICER}) { edges { node { id } } } }', {"a": agency["id"]}
    )
    return agency, data["entities"]["edges"][0]["node"], [e["node"]["id"] for e in officers["officers"]["edges"]][:2]


async def test_register_case_numbers_pins_item_version_and_records_everything(api, demo, demo_tokens):
    api = api.as_(demo_tokens["bureau_head"])
    agency, entity, officers = await _parties(api)
    payload = {
        "entityId": entity["id"],
        "agencyId": agency["id"],
        "itemCode": "SC024",
        "violationDate": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
        "officerIds": officers,
        "facts": {"duration_months": 2},
    }
    result = (await api(REGISTER, {"input": payload}))["registerCase"]
    assert result["errors"] == []
    case = result["case"]
    assert case["caseNumber"].startswith(agency["shortName"] + "案〔") and case["caseNumber"].endswith("号")
    assert case["status"] == "REGISTERED" and case["item"] == {"code": "SC024", "version": 1}
    assert [o for o in case["officers"]] and case["timeline"][0]["kind"] == "registered"
    second = (await api(REGISTER, {"input": payload}))["registerCase"]["case"]
    serial = lambda n: int(n.split("〕")[1][:-1])  # noqa: E731
    assert serial(second["caseNumber"]) == serial(case["caseNumber"]) + 1
    async with demo() as session:
        checked, broken = await verify(session)
    assert broken is None and checked >= 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"itemCode": "NOPE999"}, "ITEM_NOT_FOUND"),
        ({"itemCode": "JZ001"}, "AGENCY_DOMAIN_MISMATCH"),
        ({"violationDate": "2099-01-01"}, "VIOLATION_DATE_IN_FUTURE"),
        ({"violationDate": "2000-01-01"}, "ITEM_NOT_IN_FORCE"),
        ({"officerIds": []}, "HANDLERS_REQUIRED"),
        ({"facts": {"no_such_fact": 1}}, "FACT_UNKNOWN"),
        ({"facts": "text"}, "FACTS_INVALID"),
        ({"entityId": "bad"}, "ID_INVALID"),
    ],
)
async def test_register_case_refusals_have_stable_codes(api, demo, demo_tokens, change, code):
    api = api.as_(demo_tokens["bureau_head"])
    agency, entity, officers = await _parties(api)
    payload = {"entityId": entity["id"], "agencyId": agency["id"], "itemCode": "SC024", "violationDate": dt.date.today().isoformat(), "officerIds": officers}
    result = (await api(REGISTER, {"input": {**payload, **change}}))["registerCase"]
    assert result["case"] is None
    assert code in [e["code"] for e in result["errors"]]
    assert all(e["message"] for e in result["errors"])


async def test_typed_facts_are_checked_and_normalised(api, demo, demo_tokens):
    api = api.as_(demo_tokens["bureau_head"])
    agency, entity, officers = await _parties(api)
    payload = {"entityId": entity["id"], "agencyId": agency["id"], "itemCode": "SC024", "violationDate": dt.date.today().isoformat(), "officerIds": officers}
    bad = (await api(REGISTER, {"input": {**payload, "facts": {"illegal_gains": "12.345", "duration_months": 1}}}))["registerCase"]
    assert [e["code"] for e in bad["errors"]] == ["FACT_INVALID"] and bad["errors"][0]["field"] == "facts.illegal_gains"
    good = (await api(REGISTER, {"input": {**payload, "facts": {"illegal_gains": 12000, "duration_months": 1}}}))["registerCase"]
    assert good["errors"] == [] and good["case"]["facts"]["illegal_gains"] == "12000.00"


def test_document_numbers_follow_gb_t_9704():
    assert format_number("定综执罚决字", 2026, 12) == "定综执罚决字〔2026〕12号"
    assert normalise_number("定综执罚决字〔2026〕第012号") == "定综执罚决字〔2026〕12号"


@pytest.mark.postgres
async def test_numbers_stay_gap_free_under_concurrent_allocation(demo):
    """Twenty parallel transactions, a quarter rolled back: the committed numbers are 1..n, no gaps."""
    async with demo() as session:
        agency_id = await session.scalar(sa.text("SELECT id FROM agencies LIMIT 1"))

    class Rollback(Exception):
        pass

    async def one(i: int) -> int | None:
        try:
            async with transaction(demo) as session:
                n = await allocate(session, agency_id, "罚", 2026)
                await asyncio.sleep(0.01)
                if i % 4 == 0:
                    raise Rollback
                return n
        except Rollback:
            return None

    results = [n for n in await asyncio.gather(*(one(i) for i in range(20))) if n is not None]
    assert sorted(results) == list(range(1, 16))

"""The catalog through GraphQL: discretion recommendations, structured tables, checklists, versions."""

import httpx

from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from zhifa.schema.http.app import create_app
from conftest import Api, settings_for

DISCRETION = """query($code: String!, $facts: JSON!, $kind: EntityKind!, $fine: Money, $why: String) {
  discretion(itemCode: $code, facts: $facts, partyKind: $kind, proposedFine: $fine, proposalReasons: $why) {
    itemCode itemVersion tierCode outcome recommendedFine { min max } tierFine { min max }
    hearingRight legalReviewRequired reasons trace
    proposal { fine withinBenchmark legalReviewRequired legalReviewReasons } } }"""


async def test_discretion_for_unpermitted_construction_is_5_percent_of_cost(api):
    """城乡规划法 第六十四条 with 建法〔2012〕99号: correctable and corrected on time → 5% of the construction cost."""
    facts = {"construction_cost": "1234567.89", "correctable": True, "corrected_on_time": True}
    data = (await api(DISCRETION, {"code": "JZ001", "facts": facts, "kind": "LEGAL_PERSON"}))["discretion"]
    assert data["tierCode"] == "correctable_corrected" and data["outcome"] == "penalty"
    assert data["recommendedFine"] == {"min": "61728.39", "max": "61728.39"}
    assert any("0.05" in step for step in data["trace"]) and data["reasons"]


async def test_a_fine_outside_the_range_needs_reasons_and_then_legal_review(api):
    """国办发〔2022〕27号: departing from the benchmark needs stated reasons; it is then reviewed (APL Art. 58)."""
    facts = {"construction_cost": "100000", "correctable": True, "corrected_on_time": True}
    refused = await api.post(DISCRETION, {"code": "JZ001", "facts": facts, "kind": "LEGAL_PERSON", "fine": "1000.00"})
    assert refused.json()["errors"][0]["extensions"]["code"] == "DISCRETION_OUT_OF_RANGE"
    accepted = await api(DISCRETION, {"code": "JZ001", "facts": facts, "kind": "LEGAL_PERSON", "fine": "1000.00", "why": "当事人系残疾人，经营困难"})
    proposal = accepted["discretion"]["proposal"]
    assert proposal == {"fine": "1000.00", "withinBenchmark": False, "legalReviewRequired": True, "legalReviewReasons": proposal["legalReviewReasons"]}
    inside = await api(DISCRETION, {"code": "JZ001", "facts": facts, "kind": "LEGAL_PERSON", "fine": "5000.00"})
    assert inside["discretion"]["proposal"]["withinBenchmark"] is True


async def test_discretion_refuses_bad_facts_with_codes(api):
    for facts, code in (
        ({"construction_cost": "abc"}, "FACT_INVALID"),
        ({"nonsense": 1, "construction_cost": "1"}, "FACT_UNKNOWN"),
        ({}, "FACT_REQUIRED"),
    ):
        response = await api.post(DISCRETION, {"code": "JZ001", "facts": facts, "kind": "LEGAL_PERSON"})
        codes = [e["code"] for e in response.json()["errors"][0]["extensions"]["errors"]]
        assert code in codes
    unknown = await api.post(DISCRETION, {"code": "NOPE", "facts": {}, "kind": "LEGAL_PERSON"})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "ITEM_NOT_FOUND"


async def test_each_item_shows_its_discretion_table_as_data(api):
    data = await api('{ catalogItems(filter: {code: "JZ001"}) { edges { node { discretionTable { issuer tiers { code when outcome fineBase fineRateMin } factors { code effect } } } } } }')
    table = data["catalogItems"]["edges"][0]["node"]["discretionTable"]
    assert len(table["tiers"]) >= 3 and table["tiers"][1]["fineBase"] == "construction_cost"
    assert all(f["effect"] in ("mitigating", "aggravating") for f in table["factors"])


async def test_checklists_by_domain_and_entity_kind(api):
    data = await api('{ checklists(domain: "ecology") { code domain appliesTo points { code itemCode itemName basis } } }')
    lists = data["checklists"]
    assert len(lists) >= 2 and all(c["domain"] == "ecology" and len(c["points"]) >= 8 for c in lists)
    assert all(p["itemCode"].startswith("ST") and p["basis"] for c in lists for p in c["points"])
    people = await api("{ checklists(appliesTo: NATURAL_PERSON) { appliesTo } }")
    assert all("NATURAL_PERSON" in c["appliesTo"] or not c["appliesTo"] for c in people["checklists"])


async def test_catalog_items_as_of_a_date_before_an_item_existed(api):
    """Versions answer for any date: nothing was in force before the first effective date."""
    early = await api('{ catalogItems(filter: {asOf: "2000-01-01"}) { totalCount } }')
    now = await api("{ catalogItems { totalCount } }")
    assert early["catalogItems"]["totalCount"] == 0 < now["catalogItems"]["totalCount"]


async def test_catalog_items_of_a_plugin_removed_from_plugins_toml_are_no_longer_served(demo, database_url, demo_tokens):
    """Items stay in the database (nothing is deleted; cases keep the version they cite) but a
    plug-in that is no longer enabled serves none of them in catalogItems."""
    without_market = PluginManager(PluginsConfig(tuple(n for n in BUILTIN if n != "market"))).load()
    app = create_app(settings_for(database_url), without_market)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhifa.test") as client:
        api = Api(client, demo_tokens["bureau_officer"])
        market = await api('{ catalogItems(filter: {domain: "market"}) { totalCount } }')
        one = await api('{ catalogItems(filter: {code: "SC024"}) { edges { node { code } } } }')
        others = await api('{ catalogItems(filter: {domain: "construction"}) { totalCount } }')
    assert market["catalogItems"]["totalCount"] == 0 and one["catalogItems"]["edges"] == []
    assert others["catalogItems"]["totalCount"] > 0


async def test_an_item_without_a_discretion_benchmark_gets_no_recommendation(api):
    response = await api.post(DISCRETION, {"code": "JZ007", "facts": {}, "kind": "LEGAL_PERSON"})  # an inspection item
    assert response.json()["errors"][0]["extensions"]["code"] == "DISCRETION_TABLE_MISSING"

"""The GraphQL surface over HTTP: the issue's queries, Relay pagination, node lookup, filters."""

from __future__ import annotations

import pytest

CASES = """query($first: Int, $after: String, $last: Int, $before: String, $filter: CaseFilter) {
  cases(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id caseNumber status domain } }
  }
}"""


async def test_domains_are_the_five_builtin_codes(api):
    data = await api("{ domains { code nameZh pluginVersion } }")
    assert [d["code"] for d in data["domains"]] == ["construction", "market", "ecology", "transport", "agriculture"]
    assert all(d["nameZh"] for d in data["domains"])


async def test_cases_first_five_returns_demo_cases(api, demo):
    data = await api("{ cases(first: 5) { totalCount edges { node { id caseNumber status } } } }")
    assert data["cases"]["totalCount"] == 60
    numbers = [e["node"]["caseNumber"] for e in data["cases"]["edges"]]
    assert len(numbers) == 5 and all("〔" in n and n.endswith("号") for n in numbers)


async def test_forward_and_backward_pages_cover_the_list_exactly_once(api, demo):
    forward, after = [], None
    while True:
        page = (await api(CASES, {"first": 7, "after": after}))["cases"]
        forward += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    backward, before = [], None
    while True:
        page = (await api(CASES, {"last": 9, "before": before}))["cases"]
        backward = [e["node"]["id"] for e in page["edges"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert len(forward) == 60 == len(set(forward))
    assert backward == forward


async def test_filters_narrow_the_list_and_the_count(api, demo):
    everything = (await api(CASES, {"first": 100}))["cases"]["edges"]
    closed = [e for e in everything if e["node"]["status"] == "CLOSED"]
    data = await api(CASES, {"first": 100, "filter": {"status": ["CLOSED"], "domain": None}})
    assert data["cases"]["totalCount"] == len(closed) > 0
    assert {e["node"]["id"] for e in data["cases"]["edges"]} == {e["node"]["id"] for e in closed}
    market = await api(CASES, {"first": 100, "filter": {"domain": "market"}})
    assert all(e["node"]["domain"] == "market" for e in market["cases"]["edges"])


async def test_node_returns_every_kind_by_global_id(api, demo):
    data = await api(
        """{ cases(first: 1) { edges { node { id caseNumber
              entity { id name region { id name } } agency { id name } item { id code }
              officers { id name } } } } }"""
    )
    case = data["cases"]["edges"][0]["node"]
    ids = [case["id"], case["entity"]["id"], case["entity"]["region"]["id"], case["agency"]["id"], case["item"]["id"]]
    ids += [o["id"] for o in case["officers"]]
    for node_id in ids:
        found = await api("query($id: ID!) { node(id: $id) { id __typename } }", {"id": node_id})
        assert found["node"]["id"] == node_id


async def test_node_with_unknown_or_malformed_id_is_null(api, demo):
    for bad in ["nope", "Q2FzZTpub3QtYS11dWlk", "VW5rbm93bjowMWEyMDAwZi04YzBjLTdjZGItYjQ1MC0yMjFkY2MzNjZlNDI="]:
        assert (await api("query($id: ID!) { node(id: $id) { id } }", {"id": bad}))["node"] is None


async def test_case_by_number_accepts_the_di_form(api, demo):
    number = (await api("{ cases(first: 1) { edges { node { caseNumber } } } }"))["cases"]["edges"][0]["node"]["caseNumber"]
    prefix, serial = number[:-1].split("〕")
    data = await api("query($n: String) { case(caseNumber: $n) { caseNumber } }", {"n": f"{prefix}〕第{serial}号"})
    assert data["case"]["caseNumber"] == number


async def test_lists_of_agencies_officers_entities_regions_and_items(api, demo):
    data = await api(
        """{ agencies(filter: {domain: "ecology"}) { totalCount edges { node { name domainCodes region { code } } } }
             officers(filter: {role: AUXILIARY}) { totalCount edges { node { role certificateNumber } } }
             entities(filter: {kind: NATURAL_PERSON}) { edges { node { idNumber phone } } }
             regions(filter: {level: TOWNSHIP}) { totalCount }
             catalogItems(filter: {domain: "construction", kind: PENALTY}) { totalCount edges { node { code majorFine penaltyKinds { name } facts { name type } } } } }"""
    )
    assert all("ecology" in e["node"]["domainCodes"] for e in data["agencies"]["edges"])
    assert data["officers"]["totalCount"] > 0
    assert all(e["node"]["certificateNumber"] is None for e in data["officers"]["edges"])
    clear = [e["node"]["idNumber"] for e in data["entities"]["edges"]]  # an officer sees them in clear
    assert clear and all(len(m) == 18 and "*" not in m for m in clear)
    assert data["regions"]["totalCount"] == 16  # 定海区 9, 普陀区 7
    assert data["catalogItems"]["totalCount"] >= 15


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ cases(first: 101) { totalCount } }", "PAGE_SIZE_INVALID"),
        ("{ cases(first: -1) { totalCount } }", "PAGE_SIZE_INVALID"),
        ("{ cases(first: 1, last: 1) { totalCount } }", "PAGINATION_INVALID"),
        ('{ cases(after: "garbage") { totalCount } }', "CURSOR_INVALID"),
        ('{ cases(filter: {agencyId: "x"}) { totalCount } }', "ID_INVALID"),
    ],
)
async def test_bad_arguments_get_a_coded_error_not_a_500(api, query, code):
    response = await api.post(query)
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    "body",
    ["{ cases { nope } }", "{ cases(first: \"x\") { totalCount } }", "{ unclosed", "mutation { registerCase { errors { code } } }"],
)
async def test_invalid_documents_are_rejected_with_messages(api, body):
    response = await api.post(body)
    assert response.status_code in (200, 400)
    errors = response.json()["errors"]
    assert errors and all(e["message"] for e in errors)


async def test_malformed_http_bodies_are_400_not_500(api):
    response = await api.client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    mutation = {"query": "mutation { createEntity(input: {}) { errors { code } } }"}
    response = await api.client.get("/graphql", params=mutation, headers={"x-zhifa-csrf": "1"})
    assert response.status_code in (400, 405)  # mutations never run over GET


async def test_graphiql_is_served_to_browsers_and_health_answers(api):
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    health = await api.client.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "up"

"""Planned pages: the SQL statements a request runs do not grow with the page size."""

PAGE = """query($n: Int) { cases(first: $n) { totalCount edges { node {
  caseNumber status entity { name region { name } } item { code name } agency { name parent { name } }
  officers { name agency { name } } timeline { kind } } } } }"""


async def test_a_50_case_page_runs_as_many_statements_as_a_5_case_page(api, demo, statements):
    counts = {}
    await api(PAGE, {"n": 1})  # the first request of a minute also opens its rate-limit window
    for size in (5, 50):
        statements["n"] = 0
        data = await api(PAGE, {"n": size})
        assert len(data["cases"]["edges"]) == size
        assert all(e["node"]["officers"] and e["node"]["entity"]["region"] for e in data["cases"]["edges"])
        counts[size] = statements["n"]
    assert counts[5] == counts[50]
    # rate-limit counter, agency and region trees (jurisdiction), page, count, entity, region, item,
    # agency, parent, officers (link + rows), their agency, timeline (link + rows), and the record
    # of clear personal-data reads: one statement per selected relation, never one per row
    assert counts[50] <= 16


EVIDENCE_PAGE = """query($n: Int) { cases(first: $n) { edges { node { caseNumber evidence { id sealed custody { seq action } } } } } }"""


async def test_evidence_on_a_page_is_loaded_in_one_batch(api, demo, statements):
    """Case.evidence is batched per request: a 50-case page costs what a 5-case page does."""
    counts = {}
    await api(EVIDENCE_PAGE, {"n": 1})
    for size in (5, 50):
        statements["n"] = 0
        data = await api(EVIDENCE_PAGE, {"n": size})
        assert len(data["cases"]["edges"]) == size and all(e["node"]["evidence"] == [] for e in data["cases"]["edges"])
        counts[size] = statements["n"]
    assert counts[5] == counts[50] <= 8

"""Reports as SQL (issue 14 point 5): each supervision report runs a fixed number of statements,
whatever the amount of data. Counted on the demo, then again once every case, complaint,
inspection and deadline of the city has been doubled; and the alerts page by cursor."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from zhifa.core.cases.models import Case, CaseDeadline, CaseOfficer
from zhifa.core.clock import legal_today
from zhifa.core.complaints.models import Complaint
from zhifa.core.ids import new_id
from zhifa.core.inspections.models import Inspection, InspectionInspector
from zhifa.core.people.models import Agency, AgencyKind, Region

YEAR = legal_today().year
REPORTS = {
    "supervisionAlerts": """{ supervisionAlerts(first: 5) { total counts { code count }
        alerts { code agencyName subjectId details } pageInfo { hasNextPage endCursor } } }""",
    "responsibilityLedger": f"""{{ responsibilityLedger(year: {YEAR}) {{
        rows {{ agencyName rank cases closureRate }} total {{ cases }} }} }}""",
    "reviewPassRates": "{ reviewPassRates { agency { name } assigned rate } }",
    "complaintLedger": f"""query($agency: ID!) {{ complaintLedger(agencyId: $agency, from: "{YEAR - 1}-01-01", to: "{YEAR}-12-31") {{
        received overdueOpen byChannel {{ channel received }} }} }}""",
    "inspectionReduction": f"""{{ inspectionReduction(from: "{YEAR - 1}-01-01", to: "{YEAR}-12-31") {{
        jointVisits byEntity {{ entity {{ name }} jointVisits }} byAgency {{ agency {{ name }} jointVisits }} }} }}""",
}


async def _double(session, model, children=()) -> None:
    """A copy of every row with a fresh id (and unique text columns suffixed), with its child rows."""
    table = model.__table__
    unique = {c.name for k in table.constraints if isinstance(k, sa.UniqueConstraint) for c in k.columns} | {c.name for c in table.columns if c.unique}
    rows = (await session.execute(sa.select(table))).mappings().all()
    copies = {row["id"]: new_id() for row in rows}
    if not rows:
        return
    await session.execute(sa.insert(table), [
        {**row, "id": copies[row["id"]], **{k: f"{row[k]}-2" for k in unique if isinstance(row[k], str)}} for row in rows
    ])
    for child, key in children:
        found = (await session.execute(sa.select(child.__table__).where(getattr(child, key).in_(list(copies))))).mappings().all()
        fresh = [{**r, key: copies[r[key]]} | ({"id": new_id()} if "id" in r else {}) for r in found]
        if fresh:
            await session.execute(sa.insert(child.__table__), fresh)


async def _county_bureau(demo) -> str:
    from zhifa.schema.kit.relay import global_id

    async with demo() as session:
        bureau = await session.scalar(sa.select(Agency.id).join(Region, Region.id == Agency.region_id)
                                      .where(Agency.kind == AgencyKind.COMPREHENSIVE_BUREAU, Region.code == "330902"))
    return global_id("Agency", bureau)


async def _counts(supervisor, statements, agency: str) -> dict[str, int]:
    counts = {}
    for name, query in REPORTS.items():
        variables = {"agency": agency} if "$agency" in query else None
        await supervisor(query, variables)  # warm: plug-in data and caches
        statements["n"] = 0
        await supervisor(query, variables)
        counts[name] = statements["n"]
    return counts


async def test_each_report_runs_as_many_statements_on_twice_the_data(api, demo, demo_tokens, statements):
    supervisor = api.as_(demo_tokens["city_supervisor"])
    agency = await _county_bureau(demo)
    before = await _counts(supervisor, statements, agency)
    alerts_before = (await supervisor(REPORTS["supervisionAlerts"]))["supervisionAlerts"]["total"]
    async with demo() as session:
        await _double(session, Case, ((CaseDeadline, "case_id"), (CaseOfficer, "case_id")))
        await _double(session, Complaint)
        await _double(session, Inspection, ((InspectionInspector, "inspection_id"),))
        await session.commit()
    after = await _counts(supervisor, statements, agency)
    assert (await supervisor(REPORTS["supervisionAlerts"]))["supervisionAlerts"]["total"] > alerts_before
    assert after == before
    assert max(after.values()) <= 30


PAGE = """query($after: String) { supervisionAlerts(first: 7, after: $after) {
  total alerts { code subjectId details } edges { cursor node { code subjectId } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""


async def test_alerts_page_by_cursor_in_the_order_of_the_whole_list(api, demo, demo_tokens):
    supervisor = api.as_(demo_tokens["city_supervisor"])
    everything = (await supervisor("{ supervisionAlerts(first: 500) { total alerts { code subjectId details } } }"))["supervisionAlerts"]
    assert everything["total"] > 7
    seen, after, pages = [], None, 0
    while True:
        page = (await supervisor(PAGE, {"after": after}))["supervisionAlerts"]
        assert page["total"] == everything["total"] and page["alerts"] == [e["node"] | {"details": a["details"]} for e, a in zip(page["edges"], page["alerts"])]
        assert page["pageInfo"]["hasPreviousPage"] is (pages > 0)
        seen += page["alerts"]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everything["alerts"]
    bad = (await supervisor.post(PAGE, {"after": "bm90IGEgY3Vyc29y"})).json()
    assert bad["errors"][0]["extensions"]["code"] == "CURSOR_INVALID"


LEDGER_PAGE = f"""query($after: String) {{ responsibilityLedger(year: {YEAR}, first: 2, after: $after) {{
  rows {{ agencyName rank }} pageInfo {{ hasNextPage endCursor }} total {{ cases }} }} }}"""


async def test_ledger_rows_page_by_cursor_in_ranking_order(api, demo, demo_tokens):
    supervisor = api.as_(demo_tokens["city_supervisor"])
    whole = (await supervisor(f"{{ responsibilityLedger(year: {YEAR}) {{ rows {{ agencyName rank }} total {{ cases }} }} }}"))["responsibilityLedger"]
    assert len(whole["rows"]) > 2
    seen, after = [], None
    while True:
        page = (await supervisor(LEDGER_PAGE, {"after": after}))["responsibilityLedger"]
        assert page["total"] == whole["total"] and len(page["rows"]) <= 2
        seen += page["rows"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == whole["rows"]
    refused = (await supervisor.post(LEDGER_PAGE.replace("first: 2", "first: 101"))).json()
    assert refused["errors"][0]["extensions"]["code"] == "PAGE_SIZE_INVALID"

"""Inspections (Issue #6): the double-random draw is reproducible and verifiable, recusal and the
yearly ceiling are respected, "inspect once" merges checklists into one visit, reduction figures
match a hand calculation, failed points open case leads, and the public sees only published,
redacted results. Pure rules directly; features through GraphQL over the real ASGI app.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa

from zhifa.core.audit.service import verify as verify_audit
from zhifa.core.catalog.loader import DataFileError
from zhifa.core.catalog.spec import ChecklistSpec, PointSpec
from zhifa.core.clock import legal_today
from zhifa.core.entities.models import Entity, EntityKind
from zhifa.core.errors import UserError, UserErrors
from zhifa.core.ids import new_id
from zhifa.core.inspections import draw as lottery
from zhifa.core.inspections import figures, joint, scenarios, service
from zhifa.core.inspections.models import InspectionDraw
from zhifa.core.people.models import Agency, AgencyKind, Region, RegionLevel
from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from conftest import settings_for
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.relay import global_id, parse_global_id

TODAY = legal_today()
END = min(TODAY + dt.timedelta(days=30), dt.date(TODAY.year, 12, 31))


# What a plug-in would return from the proposed `zhifa_scenarios` hook: 工地噪声, a Dinghai scenario.
SITE_NOISE = scenarios.ScenarioSpec(
    code="YJS-GDZS", name="工地噪声“一件事”", lead_domain="ecology", lead="生态环境主管部门",
    points=("ST-CL03-05", "ST-CL03-06", "ST-CL03-07", "JZ-CL01-08"), industries=("建筑施工",), where="plugin: scenario[0]",
)


class InspectionPlugins(PluginManager):
    """The built-in plug-ins, with one more scenario contributed as a plug-in would."""

    def scenarios(self):
        return [SITE_NOISE]


@pytest.fixture(scope="session")
def inspection_plugins() -> PluginManager:
    return InspectionPlugins(PluginsConfig(tuple(BUILTIN))).load()


@pytest.fixture
async def app(db, database_url, inspection_plugins):
    application = create_app(settings_for(database_url), inspection_plugins)
    async with application.router.lifespan_context(application):
        yield application


# ---------------------------------------------------------------------------------------------
# Pure rules


def _input(seed="公开摇号-2026-001", targets=40, inspectors=8, per_task=2, conflicts=(), domains=("market",), quota=None):
    return lottery.DrawInput(
        seed=seed,
        domains=domains,
        per_task=per_task,
        quota=quota or lottery.Quota(count=10),
        targets=tuple(lottery.Target(f"t{i:03d}", "ABCD"[i % 4]) for i in range(targets)),
        inspectors=tuple(lottery.Inspector(f"o{i:02d}", domains) for i in range(inspectors)),
        conflicts=tuple(conflicts),
    )


def test_draw_rerun_from_its_seed_and_snapshot_is_identical():
    inp = _input()
    first = lottery.draw(inp)
    shuffled = lottery.DrawInput(inp.seed, inp.domains, inp.per_task, inp.quota,
                                 tuple(random.Random(1).sample(inp.targets, len(inp.targets))),
                                 tuple(reversed(inp.inspectors)), inp.conflicts)
    assert lottery.draw(shuffled) == first  # input order does not matter: lists are sorted by id
    replayed = lottery.draw(lottery.input_from_json(inp.seed, lottery.input_json(inp)))
    assert lottery.result_json(replayed) == lottery.result_json(first)
    assert len(first.tasks) == 10 and all(len(t.inspectors) >= 2 and len(set(t.inspectors)) == len(t.inspectors) for t in first.tasks)
    assert lottery.draw(_input(seed="另一个种子")).tasks != first.tasks


def test_inspectors_are_matched_evenly():
    result = lottery.draw(_input(targets=40, inspectors=8, quota=lottery.Quota(count=40)))
    load = [sum(o in t.inspectors for t in result.tasks) for o in (f"o{i:02d}" for i in range(8))]
    assert max(load) - min(load) <= 1 and sum(load) == 80


def test_recusal_excludes_the_conflicted_inspector_and_is_logged():
    base = _input(inspectors=3, per_task=2, quota=lottery.Quota(count=40))
    conflicted = [lottery.Conflict("o01", t.id, "declared:relative") for t in base.targets[:20]]
    result = lottery.draw(_input(inspectors=3, per_task=2, quota=lottery.Quota(count=40), conflicts=conflicted))
    by_target = {t.entity: t.inspectors for t in result.tasks}
    assert all(by_target[c.entity] == ("o00", "o02") or set(by_target[c.entity]) == {"o00", "o02"} for c in conflicted)
    assert any("o01" in team for team in by_target.values())  # free elsewhere
    assert len(result.recused) == 20
    with pytest.raises(lottery.DrawError) as raised:  # two of three recused: the task cannot be staffed
        lottery.draw(_input(inspectors=3, quota=lottery.Quota(count=40), conflicts=[*conflicted, lottery.Conflict("o02", "t000", "rotation")]))
    assert raised.value.entity == "t000" and raised.value.short == {"market": 1}


def test_every_domain_gets_two_certified_inspectors():
    inp = lottery.DrawInput(
        "s", ("ecology", "market"), 2, lottery.Quota(count=5), tuple(lottery.Target(f"t{i}") for i in range(5)),
        (lottery.Inspector("a", ("market",)), lottery.Inspector("b", ("market",)), lottery.Inspector("c", ("ecology",)),
         lottery.Inspector("d", ("ecology",)), lottery.Inspector("e", ("ecology", "market"))),
    )
    domains = {"a": {"market"}, "b": {"market"}, "c": {"ecology"}, "d": {"ecology"}, "e": {"ecology", "market"}}
    for task in lottery.draw(inp).tasks:
        for d in ("ecology", "market"):
            assert sum(d in domains[o] for o in task.inspectors) >= 2


def test_percentages_per_risk_class_are_rounded_up():
    result = lottery.draw(_input(targets=40, quota=lottery.Quota(percents={"A": 3, "D": 50})))
    assert [(s.risk_class, s.pool, s.drawn) for s in result.strata] == [("A", 10, 1), ("D", 10, 5)]
    assert {t.risk_class for t in result.tasks} == {"A", "D"}


def test_verification_detects_an_altered_list_or_result():
    inp = _input()
    snapshot = {**lottery.input_json(inp), "excluded": []}
    result = lottery.result_json(lottery.draw(inp))
    recorded, result_digest = lottery.digests(snapshot), lottery.digest(result)
    ok = lottery.verify(inp.seed, lottery.ALGORITHM, 1, snapshot, recorded, result, result_digest)
    assert ok.ok and ok.recomputed_digest == result_digest and ok.problems == ()
    altered = {**snapshot, "targets": snapshot["targets"][1:]}
    bad = lottery.verify(inp.seed, lottery.ALGORITHM, 1, altered, recorded, result, result_digest)
    assert not bad.ok and any("targets" in p for p in bad.problems)
    forged = {**result, "tasks": result["tasks"][::-1]}
    assert not lottery.verify(inp.seed, lottery.ALGORITHM, 1, snapshot, recorded, forged, lottery.digest(forged)).ok
    assert not lottery.verify("other seed", lottery.ALGORITHM, 1, snapshot, recorded, result, result_digest).ok


def test_entities_at_the_ceiling_are_left_out_with_their_load():
    kept, excluded = figures.split_at_ceiling(["a", "b", "c"], {"a": 2, "b": 1}, 2)
    assert kept == ["b", "c"] and excluded == [{"entity": "a", "reason": "ceiling", "load": 2, "ceiling": 2}]


def test_merging_three_domains_keeps_every_point_once(inspection_plugins):
    catalog = inspection_plugins.catalog
    lists = joint.applicable(catalog.checklists.values(), "legal_person", ["餐饮服务", "餐饮", "沿街经营"])
    assert [c.code for c in lists] == ["JZ-CL02", "ST-CL05", "SC-CL01", "SC-CL04"]
    merged = joint.merge(joint.source_points(lists))
    codes = [c for p in merged for c in p.codes]
    assert sorted(codes) == sorted(p.code for c in lists for p in c.points)  # the union, each code once
    assert len(codes) == 36 and len(merged) == 33
    assert sorted(p.codes for p in merged if len(p.codes) > 1) == [
        ["SC-CL01-01", "SC-CL04-07"], ["SC-CL01-04", "SC-CL04-08"], ["SC-CL01-10", "SC-CL04-04"],
    ]
    assert [p.domain for p in merged] == sorted(p.domain for p in merged)  # grouped by domain
    assert "SC-CL04-05" in codes and next(p for p in merged if p.code == "SC-CL04-05").codes == ["SC-CL04-05"]  # same checklist: not merged


def test_reduction_figures_match_the_dinghai_summary():
    """2022: 91 joint inspections, visits down by 166, a 64.6% reduction (166 / 257)."""
    visits = [figures.JointVisit(f"e{i}", "bureau", ("a", "b", "c") if i < 75 else ("a", "b")) for i in range(91)]
    report = figures.reduction(visits)
    assert (report.total.actual, report.total.separate, report.total.avoided) == (91, 257, 166)
    assert report.total.rate == Decimal("64.6")
    assert figures.reduction_rate(0, 0) is None


def test_reduction_figures_per_entity_and_agency():
    visits = [
        figures.JointVisit("A", "town", ("town", "town", "eco")),
        figures.JointVisit("B", "build", ("build", "eco")),
        figures.JointVisit("B", "build", ("build", "eco")),
    ]
    r = figures.reduction(visits)
    assert (r.total.actual, r.total.separate, r.total.avoided, r.total.rate) == (3, 7, 4, Decimal("57.1"))
    assert {f.key: (f.actual, f.separate, f.avoided, f.rate) for f in r.by_entity} == {
        "A": (1, 3, 2, Decimal("66.7")), "B": (2, 4, 2, Decimal("50.0"))}
    assert {f.key: (f.actual, f.separate, f.avoided, f.rate) for f in r.by_agency} == {
        "town": (1, 2, 1, Decimal("50.0")), "eco": (0, 3, 3, Decimal("100.0")), "build": (2, 2, 0, Decimal("0.0"))}


def test_shipped_scenarios_reference_real_points_across_domains(inspection_plugins):
    catalog = inspection_plugins.catalog
    shipped = scenarios.builtin()
    assert {s.code for s in shipped} == {"YJS-HWGG", "YJS-ZTYS", "YJS-MSJY"}
    for s in shipped:
        assert scenarios.problems(s, catalog) == []
        assert len({p.domain for p in scenarios.points_of(s, catalog)}) >= 3
    assert [s.code for s in scenarios.available(catalog)] == ["YJS-HWGG", "YJS-MSJY", "YJS-ZTYS"]


def test_a_broken_scenario_file_names_file_entry_and_key(tmp_path, inspection_plugins):
    path = tmp_path / "scenarios.toml"
    path.write_text('[[scenario]]\ncode = "X-1"\nname = "坏场景"\nlead = "某部门"\nlead_domain = "market"\npoints = ["nope"]\ncolour = 1\n', encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        scenarios.load_file(path)
    text = "\n".join(raised.value.problems)
    assert "scenario[0] (X-1).colour" in text and "“nope”不是有效的检查要点代码" in text and str(path) in text
    unknown = scenarios.ScenarioSpec("YJS-X", "x", "market", "x", ("SC-CL01-01", "ZZ-CL01-01"), where="plugin.toml: scenario[0]")
    with pytest.raises(DataFileError, match="ZZ-CL01-01"):
        scenarios.available(inspection_plugins.catalog, [unknown])


# ---------------------------------------------------------------------------------------------
# Through GraphQL

PLAN_FIELDS = """id version status name targetCount inspectorsPerTask yearlyCeiling publishedOn resultsPublishedOn resultsDueOn
  agency { name }
  draw { algorithm algorithmVersion seed digests { part sm3 } resultDigest strata { riskClass pool drawn }
         excluded { entityId load ceiling } recused { officerId entityId reason } snapshot }
  tasks { id version entity { id name } inspectors { id } points { code } }"""
CREATE_PLAN = f"mutation($input: CreateInspectionPlanInput!) {{ createInspectionPlan(input: $input) {{ plan {{ {PLAN_FIELDS} }} errors {{ code field message }} }} }}"
DRAW = f"mutation($input: DrawInspectionPlanInput!) {{ drawInspectionPlan(input: $input) {{ plan {{ {PLAN_FIELDS} }} errors {{ code field message }} }} }}"
PUBLISH_PLAN = "mutation($input: InspectionPlanStepInput!) { publishInspectionPlan(input: $input) { plan { id version publishedOn } errors { code message } } }"
PUBLISH_RESULTS = "mutation($input: InspectionPlanStepInput!) { publishInspectionResults(input: $input) { plan { id version status resultsPublishedOn } errors { code message } } }"
VERIFY = "query($p: ID!) { verifyDraw(planId: $p) { ok seed recordedResultDigest recomputedResultDigest problems } }"
RESULTS = """mutation($input: RecordInspectionResultsInput!) { recordInspectionResults(input: $input) {
  inspection { id version status outcome inspectedOn points { code codes outcome evidence caseId } } errors { code field message } } }"""


@pytest.fixture
async def county(api, demo):
    """The bureau, its market team, and who holds a valid market certificate there."""
    data = await api("""{ agencies(first: 50) { edges { node { id name kind } } } }""")
    agencies = {e["node"]["name"]: e["node"] for e in data["agencies"]["edges"]}
    bureau = next(a for a in agencies.values() if a["kind"] == "COMPREHENSIVE_BUREAU")
    return {"bureau": bureau, "agencies": agencies}


async def _create(api, agency_id, **fields):
    payload = {"agencyId": agency_id, "name": "2026 年度食品经营双随机抽查", "domains": ["market"], "checklistCodes": ["SC-CL01"],
               "startsOn": TODAY.isoformat(), "endsOn": END.isoformat(), "targetCount": 4, **fields}
    return (await api(CREATE_PLAN, {"input": payload}))["createInspectionPlan"]


async def _drawn(api, agency_id, seed="定海-2026-001", **fields):
    created = await _create(api, agency_id, **fields)
    assert created["errors"] == [], created["errors"]
    plan = created["plan"]
    result = (await api(DRAW, {"input": {"planId": plan["id"], "version": plan["version"], "seed": seed}}))["drawInspectionPlan"]
    assert result["errors"] == [], result["errors"]
    return result["plan"]


async def test_a_draw_is_recorded_reproducible_and_verifiable(api, demo, county):
    plan = await _drawn(api, county["bureau"]["id"])
    draw = plan["draw"]
    assert plan["status"] == "DRAWN" and draw["seed"] == "定海-2026-001" and draw["algorithm"] == "zhifa-draw"
    assert {d["part"] for d in draw["digests"]} >= {"parameters", "targets", "inspectors", "conflicts", "excluded"}
    assert len(plan["tasks"]) == 4 and all(len(t["inspectors"]) >= 2 for t in plan["tasks"])
    assert len(plan["tasks"][0]["points"]) == 10  # the SC-CL01 checklist

    # Anyone with the snapshot re-runs the documented algorithm and gets the same targets and pairs.
    replay = lottery.draw(lottery.input_from_json(draw["seed"], draw["snapshot"]))
    on_file = {parse_global_id(t["entity"]["id"])[1].hex: [parse_global_id(o["id"])[1].hex for o in t["inspectors"]] for t in plan["tasks"]}
    assert {t.entity.replace("-", ""): [o.replace("-", "") for o in t.inspectors] for t in replay.tasks} == on_file
    assert lottery.digest(lottery.result_json(replay)) == draw["resultDigest"]

    verified = (await api(VERIFY, {"p": plan["id"]}))["verifyDraw"]
    assert verified["ok"] and verified["recomputedResultDigest"] == verified["recordedResultDigest"] == draw["resultDigest"]

    again = (await api(DRAW, {"input": {"planId": plan["id"], "version": plan["version"]}}))["drawInspectionPlan"]
    assert again["errors"][0]["code"] == "ALREADY_DRAWN"

    async with demo() as session, session.begin():  # someone edits the frozen list in the database
        row = (await session.execute(sa.select(InspectionDraw))).scalars().one()
        row.snapshot = {**row.snapshot, "targets": row.snapshot["targets"][:-1]}
    tampered = (await api(VERIFY, {"p": plan["id"]}))["verifyDraw"]
    assert not tampered["ok"] and any("targets" in p for p in tampered["problems"])
    async with demo() as session:
        checked, broken = await verify_audit(session)
    assert broken is None and checked > 0


async def _market_team(api, county):
    team = next(a for a in county["agencies"].values() if "市场监管执法大队" in a["name"])
    data = await api("query($a: ID) { officers(first: 50, filter: {agencyId: $a}) { edges { node { id role status domainCodes } } } }", {"a": team["id"]})
    certified = [e["node"]["id"] for e in data["officers"]["edges"]
                 if e["node"]["role"] in ("OFFICER", "AGENCY_HEAD") and e["node"]["status"] == "VALID" and "market" in e["node"]["domainCodes"]]
    return team, certified


async def test_recusal_and_rotation_exclude_the_conflicted_inspector(api, demo, county, demo_tokens):
    head = api.as_(demo_tokens["bureau_head"])  # the head acts for the teams below the bureau
    team, certified = await _market_team(api, county)
    assert len(certified) >= 3
    entity = (await api("{ entities(first: 1, filter: {kind: LEGAL_PERSON}) { edges { node { id } } } }"))["entities"]["edges"][0]["node"]["id"]
    recused = certified[0]
    declared = (await head("""mutation($input: DeclareRecusalInput!) { declareRecusal(input: $input) { recusal { reason declaredOn } errors { code } } }""",
                           {"input": {"officerId": recused, "entityId": entity, "reason": "RELATIVE", "note": "配偶为该公司股东"}}))["declareRecusal"]
    assert declared["errors"] == [] and declared["recusal"]["reason"] == "RELATIVE"

    # Every task takes all but one of the team, so the conflicted target's team is exactly the others.
    plan = await _drawn(head, team["id"], targetCount=30, inspectorsPerTask=len(certified) - 1)
    task = next(t for t in plan["tasks"] if t["entity"]["id"] == entity)
    assert sorted(o["id"] for o in task["inspectors"]) == sorted(certified[1:])
    assert {"officerId": recused, "entityId": entity, "reason": "declared:relative"} in plan["draw"]["recused"]
    assert any(recused in [o["id"] for o in t["inspectors"]] for t in plan["tasks"])

    # Rotation: whoever inspected the entity this year is set aside next time, which here leaves too few.
    second = await _create(head, team["id"], name="第二批", targetCount=30, inspectorsPerTask=len(certified) - 1, yearlyCeiling=5)
    refused = (await head(DRAW, {"input": {"planId": second["plan"]["id"], "version": 1}}))["drawInspectionPlan"]
    assert refused["errors"][0]["code"] == "INSPECTORS_INSUFFICIENT"


async def test_entities_at_the_yearly_ceiling_are_left_out_and_logged(api, demo, county, demo_tokens):
    bureau = county["bureau"]["id"]
    first = await _drawn(api, bureau, targetCount=3)
    visited = {t["entity"]["id"] for t in first["tasks"]}
    second = await _drawn(api, bureau, seed="第二次", name="复查", targetCount=100, yearlyCeiling=1, rotationMonths=0)
    assert {x["entityId"] for x in second["draw"]["excluded"]} == visited
    assert all(x["load"] == 1 and x["ceiling"] == 1 for x in second["draw"]["excluded"])
    assert not visited & {t["entity"]["id"] for t in second["tasks"]} and len(second["tasks"]) == 27

    # Supervision sees every entity's load across agencies: here one inspection each this year.
    query = "query($c: Int) { inspectionLoad(year: %d, ceiling: $c, first: 100) { ceiling entityCount atCeilingCount entities { entity { id } count atCeiling byAgency { agency { id } count } } } }" % TODAY.year
    report = (await api.as_(demo_tokens["supervisor"])(query, {"c": 1}))["inspectionLoad"]
    assert report["entityCount"] == 30 and report["atCeilingCount"] == 30
    assert all(e["count"] == 1 and e["atCeiling"] and e["byAgency"] == [{"agency": {"id": bureau}, "count": 1}] for e in report["entities"])
    relaxed = (await api(query, {"c": None}))["inspectionLoad"]
    assert relaxed["ceiling"] == 2 and relaxed["atCeilingCount"] == 0
    capped = (await api("{ inspectionLoad(year: %d, ceiling: 1, onlyAtCeiling: true, first: 5) { entities { atCeiling } } }" % TODAY.year))["inspectionLoad"]
    assert len(capped["entities"]) == 5
    assert (await api.as_(demo_tokens["provincial_other"])(query, {"c": 1}))["inspectionLoad"]["entityCount"] == 0


async def test_township_officer_cannot_draw_for_the_county_nor_see_its_plans(api, demo, county, demo_tokens):
    township = api.as_(demo_tokens["township_officer"])
    created = await _create(api, county["bureau"]["id"])
    plan = created["plan"]
    refused = (await township(DRAW, {"input": {"planId": plan["id"], "version": plan["version"]}}))["drawInspectionPlan"]
    assert refused["plan"] is None and refused["errors"][0]["code"] == "FORBIDDEN"
    assert (await _create(township, county["bureau"]["id"]))["errors"][0]["code"] == "FORBIDDEN"
    listed = await township("{ inspectionPlans { totalCount edges { node { id } } } inspectionPlan(id: \"%s\") { id } }" % plan["id"])
    assert listed["inspectionPlans"]["totalCount"] == 0 and listed["inspectionPlan"] is None
    assert (await township(VERIFY, {"p": plan["id"]}))["verifyDraw"] is None
    seen = await api.as_(demo_tokens["supervisor"])("{ inspectionPlans { totalCount } }")
    assert seen["inspectionPlans"]["totalCount"] == 1
    assert (await api.as_(demo_tokens["provincial_other"])("{ inspectionPlans { totalCount } }"))["inspectionPlans"]["totalCount"] == 0


async def test_public_sees_only_published_plans_and_redacted_results(api, public_api, demo, county):
    bureau = county["bureau"]["id"]
    plan = await _drawn(api, bureau, targetCount=2, targetFilter={"entityKinds": ["NATURAL_PERSON"]})
    await _create(api, bureau, name="未公示的计划")
    denied = await public_api.post("{ inspectionPlans { totalCount } }")
    assert denied.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    query = """{ publicInspectionPlans { totalCount edges { node { name agencyName draw { seed resultDigest }
                results { partyName partyKind creditCode outcome outcomeLabel } } } } }"""
    assert (await public_api(query))["publicInspectionPlans"]["totalCount"] == 0

    published = (await api(PUBLISH_PLAN, {"input": {"planId": plan["id"], "version": plan["version"]}}))["publishInspectionPlan"]
    assert published["errors"] == []
    during = (await public_api(query))["publicInspectionPlans"]["edges"]
    assert len(during) == 1 and during[0]["node"]["draw"] is None and during[0]["node"]["results"] == []  # targets stay secret during the checks

    early = (await api(PUBLISH_RESULTS, {"input": {"planId": plan["id"], "version": published["plan"]["version"]}}))["publishInspectionResults"]
    assert early["errors"][0]["code"] == "RESULTS_INCOMPLETE"
    names = []
    for task in plan["tasks"]:
        names.append(task["entity"]["name"])
        results = [{"pointCode": p["code"], "outcome": "PASS"} for p in task["points"]]
        done = (await api(RESULTS, {"input": {"inspectionId": task["id"], "version": task["version"], "inspectedOn": TODAY.isoformat(), "results": results}}))
        assert done["recordInspectionResults"]["errors"] == []
        assert done["recordInspectionResults"]["inspection"]["outcome"] == "NO_PROBLEM"
    closed = (await api(PUBLISH_RESULTS, {"input": {"planId": plan["id"], "version": published["plan"]["version"]}}))["publishInspectionResults"]
    assert closed["errors"] == [] and closed["plan"]["status"] == "CLOSED"

    node = (await public_api(query))["publicInspectionPlans"]["edges"][0]["node"]
    assert node["draw"]["seed"] == "定海-2026-001" and node["draw"]["resultDigest"] == plan["draw"]["resultDigest"]
    assert sorted(r["partyName"] for r in node["results"]) == sorted(n[0] + "某" for n in names)
    assert all(r["partyName"] not in names and r["creditCode"] is None and r["outcomeLabel"] == "未发现问题" for r in node["results"])
    assert (await public_api(VERIFY, {"p": plan["id"]}))["verifyDraw"]["ok"] is True


@pytest.fixture
async def places(demo):
    """A restaurant on a street in 解放街道 (three domains apply) and a building site in the county (two)."""
    async with demo() as session, session.begin():
        regions = {r.code: r for r in (await session.execute(sa.select(Region))).scalars()}
        agencies = {a.name: a for a in (await session.execute(sa.select(Agency))).scalars()}
        restaurant = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="舟山市定海区海味餐饮有限公司", credit_code="91330902MA2JOINT01",
                            address="浙江省舟山市定海区人民北路 1 号", region_id=regions["330902001"].id, industry_tags=["餐饮服务", "餐饮", "沿街经营"])
        site = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="舟山市定海区海城建设工程有限公司", credit_code="91330902MA2JOINT02",
                      address="浙江省舟山市定海区海天大道 9 号", region_id=regions["330902"].id, industry_tags=["建筑施工"])
        session.add_all([restaurant, site])
    township = next(a for a in agencies.values() if a.kind is AgencyKind.TOWNSHIP_TEAM and a.region_id == regions["330902001"].id)
    return {
        "restaurant": global_id("Entity", restaurant.id),
        "site": global_id("Entity", site.id),
        "township": global_id("Agency", township.id),
        "ecology": global_id("Agency", next(a.id for a in agencies.values() if "生态环境执法大队" in a.name)),
        "construction": global_id("Agency", next(a.id for a in agencies.values() if "住建执法大队" in a.name)),
    }


JOINT_PLAN = """query($e: ID!, $s: String) { jointVisitPlan(entityId: $e, scenarioCode: $s) {
  entity { id } leadAgency { id } checklistCodes sourcePointCount pointCount separateVisits visitsAvoided inspectorIds shortfall { domain missing }
  domains { domain agency { id } checklistCodes inspectorIds points { code codes domain itemCode } } scenario { code leadDomain } } }"""
RECORD_JOINT = """mutation($input: RecordJointVisitInput!) { recordJointVisit(input: $input) {
  inspection { id version kind status domains agency { id } replacedVisits { agency { id } domain checklistCodes } points { code codes outcome } inspectors { id } }
  errors { code field message } } }"""


async def test_joint_visit_merges_three_domains_into_one_visit(api, demo, demo_tokens, places):
    plan = (await api(JOINT_PLAN, {"e": places["restaurant"]}))["jointVisitPlan"]
    assert [d["domain"] for d in plan["domains"]] == ["construction", "ecology", "market"]
    assert plan["checklistCodes"] == ["JZ-CL02", "SC-CL01", "SC-CL04", "ST-CL05"]
    codes = [c for d in plan["domains"] for p in d["points"] for c in p["codes"]]
    assert len(codes) == len(set(codes)) == plan["sourcePointCount"] == 36 and plan["pointCount"] == 33
    assert all(p["domain"] == d["domain"] for d in plan["domains"] for p in d["points"])
    assert {d["domain"]: d["agency"]["id"] for d in plan["domains"]} == {
        "construction": places["township"], "market": places["township"], "ecology": places["ecology"]}
    assert plan["leadAgency"]["id"] == places["township"] and plan["shortfall"] == []
    assert (plan["separateVisits"], plan["visitsAvoided"]) == (3, 2)
    assert all(len(d["inspectorIds"]) >= 2 for d in plan["domains"])

    head = api.as_(demo_tokens["bureau_head"])
    visit = (await head(RECORD_JOINT, {"input": {"entityId": places["restaurant"], "visitedOn": TODAY.isoformat()}}))["recordJointVisit"]
    assert visit["errors"] == [], visit["errors"]
    inspection = visit["inspection"]
    assert inspection["kind"] == "JOINT" and inspection["agency"]["id"] == places["township"]
    assert len(inspection["points"]) == 33 and sorted(c for p in inspection["points"] for c in p["codes"]) == sorted(codes)
    assert sorted((v["domain"], v["agency"]["id"]) for v in inspection["replacedVisits"]) == [
        ("construction", places["township"]), ("ecology", places["ecology"]), ("market", places["township"])]
    assert sorted(o["id"] for o in inspection["inspectors"]) == sorted(plan["inspectorIds"])

    # The bureau officer is not of the township team and may not lead its visit; two inspectors are the minimum.
    refused = (await api(RECORD_JOINT, {"input": {"entityId": places["restaurant"], "visitedOn": TODAY.isoformat()}}))["recordJointVisit"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    lone = (await head(RECORD_JOINT, {"input": {"entityId": places["restaurant"], "visitedOn": TODAY.isoformat(), "inspectorIds": plan["inspectorIds"][:1]}}))
    assert lone["recordJointVisit"]["errors"][0]["code"] == "INSPECTORS_INSUFFICIENT"


async def test_a_scenario_is_the_basis_of_a_joint_visit(api, demo, places, public_api):
    listed = (await public_api("{ inspectionScenarios { code name leadDomain domains points { code domain } } }"))["inspectionScenarios"]
    assert {s["code"] for s in listed} == {"YJS-GDZS", "YJS-HWGG", "YJS-MSJY", "YJS-ZTYS"}  # shipped, plus a plug-in's
    noise = (await api(JOINT_PLAN, {"e": places["site"], "s": "YJS-GDZS"}))["jointVisitPlan"]
    assert noise["pointCount"] == 4 and noise["leadAgency"]["id"] == places["ecology"]
    muck = next(s for s in listed if s["code"] == "YJS-ZTYS")
    assert muck["domains"] == ["construction", "ecology", "transport"] and muck["leadDomain"] == "construction"
    plan = (await api(JOINT_PLAN, {"e": places["site"], "s": "YJS-ZTYS"}))["jointVisitPlan"]
    assert plan["scenario"]["code"] == "YJS-ZTYS" and plan["pointCount"] == len(muck["points"]) == 8
    assert [d["domain"] for d in plan["domains"]] == ["construction", "ecology", "transport"]
    assert plan["leadAgency"]["id"] == places["construction"]  # the scenario names the lead domain
    unknown = await api.post(JOINT_PLAN, {"e": places["site"], "s": "YJS-NONE"})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "SCENARIO_UNKNOWN"


async def test_a_failed_point_opens_a_case_lead_with_its_evidence(api, demo, demo_tokens, places):
    head = api.as_(demo_tokens["bureau_head"])
    visit = (await head(RECORD_JOINT, {"input": {"entityId": places["restaurant"], "visitedOn": TODAY.isoformat()}}))["recordJointVisit"]["inspection"]
    results = [{"pointCode": p["code"], "outcome": "PASS"} for p in visit["points"] if p["code"] != "SC-CL01-01"]
    payload = {"inspectionId": visit["id"], "version": visit["version"], "inspectedOn": TODAY.isoformat()}
    missing = (await head(RESULTS, {"input": {**payload, "results": results}}))["recordInspectionResults"]
    assert missing["errors"][0]["code"] == "RESULTS_INCOMPLETE"
    no_evidence = (await head(RESULTS, {"input": {**payload, "results": [*results, {"pointCode": "SC-CL01-01", "outcome": "FAIL"}]}}))
    assert no_evidence["recordInspectionResults"]["errors"][0]["code"] == "EVIDENCE_REQUIRED"
    evidence = "后厨未悬挂食品经营许可证，经营者称许可证已过期；现场笔录 1 份、照片 3 张"
    done = (await head(RESULTS, {"input": {**payload, "results": [*results, {"pointCode": "SC-CL01-01", "outcome": "FAIL", "evidence": evidence}]}}))
    done = done["recordInspectionResults"]
    assert done["errors"] == [] and done["inspection"]["outcome"] == "CORRECTED" and done["inspection"]["status"] == "DONE"

    lead = """mutation($input: OpenInspectionLeadInput!) { openInspectionLead(input: $input) {
      inspection { outcome points { code caseId } } case { id status description item { code } agency { id } officers { id } } errors { code field message } } }"""
    passed = (await head(lead, {"input": {"inspectionId": visit["id"], "pointCode": "SC-CL01-02"}}))["openInspectionLead"]
    assert passed["errors"][0]["code"] == "POINT_NOT_FAILED"
    opened = (await head(lead, {"input": {"inspectionId": visit["id"], "pointCode": "SC-CL01-01", "facts": {"goods_value": "3000", "duration_months": 2}}}))
    opened = opened["openInspectionLead"]
    assert opened["errors"] == [], opened["errors"]
    case = opened["case"]
    assert case["status"] == "REGISTERED" and case["item"]["code"] == "SC001" and evidence in case["description"]
    assert case["agency"]["id"] == places["township"] and len(case["officers"]) >= 2  # the team's own inspectors
    assert opened["inspection"]["outcome"] == "REFERRED"
    assert next(p for p in opened["inspection"]["points"] if p["code"] == "SC-CL01-01")["caseId"] == case["id"]
    twice = (await head(lead, {"input": {"inspectionId": visit["id"], "pointCode": "SC-CL01-01", "facts": {"goods_value": "3000", "duration_months": 2}}}))
    assert twice["openInspectionLead"]["errors"][0]["code"] == "LEAD_ALREADY_OPENED"


async def test_reduction_figures_over_a_known_set_of_joint_visits(api, demo, demo_tokens, places):
    """Restaurant: one visit replacing 3 (township team x2, ecology team); site: two visits each
    replacing 2 (construction team, ecology team), led by the construction team. By hand: 3 visits
    instead of 7, 4 avoided, 4/7 = 57.1%; restaurant 2 of 3 (66.7%), site 2 of 4 (50.0%); township
    team led 1 of its 2 (50.0%), ecology team 0 of 3 (100.0%), construction team 2 of 2 (0.0%)."""
    head = api.as_(demo_tokens["bureau_head"])
    for entity, lead in ((places["restaurant"], None), (places["site"], places["construction"]), (places["site"], places["construction"])):
        done = (await head(RECORD_JOINT, {"input": {"entityId": entity, "visitedOn": TODAY.isoformat(), "leadAgencyId": lead}}))["recordJointVisit"]
        assert done["errors"] == [], done["errors"]
    query = """query($f: Date!, $t: Date!, $a: ID) { inspectionReduction(from: $f, to: $t, agencyId: $a) {
      jointVisits separateVisits visitsAvoided reductionRate
      byEntity { entity { id } jointVisits separateVisits visitsAvoided reductionRate }
      byAgency { agency { id } jointVisits separateVisits visitsAvoided reductionRate } } }"""
    period = {"f": dt.date(TODAY.year, 1, 1).isoformat(), "t": dt.date(TODAY.year, 12, 31).isoformat()}
    report = (await api(query, period))["inspectionReduction"]
    assert (report["jointVisits"], report["separateVisits"], report["visitsAvoided"], report["reductionRate"]) == (3, 7, 4, "57.1")
    assert {r["entity"]["id"]: (r["jointVisits"], r["separateVisits"], r["visitsAvoided"], r["reductionRate"]) for r in report["byEntity"]} == {
        places["restaurant"]: (1, 3, 2, "66.7"), places["site"]: (2, 4, 2, "50.0")}
    assert {r["agency"]["id"]: (r["jointVisits"], r["separateVisits"], r["visitsAvoided"], r["reductionRate"]) for r in report["byAgency"]} == {
        places["township"]: (1, 2, 1, "50.0"), places["ecology"]: (0, 3, 3, "100.0"), places["construction"]: (2, 2, 0, "0.0")}
    only = (await api(query, {**period, "a": places["construction"]}))["inspectionReduction"]
    assert (only["jointVisits"], only["separateVisits"], only["reductionRate"]) == (2, 4, "50.0")
    before = (await api(query, {"f": "2000-01-01", "t": "2000-12-31"}))["inspectionReduction"]
    assert (before["jointVisits"], before["reductionRate"]) == (0, None)
    # A township team reads only the visits its own team led or joined.
    township = api.as_(demo_tokens["township_officer"])
    own = (await township("{ officers(first: 1) { edges { node { agency { id } } } } }"))["officers"]["edges"][0]["node"]["agency"]["id"]
    seen = (await township(query, period))["inspectionReduction"]
    assert seen["jointVisits"] == (1 if own == places["township"] else 0)


# ---------------------------------------------------------------------------------------------
# Refusals, each with its code


def _codes(payload) -> set[str]:
    return {e["code"] for e in payload["errors"]}


DECLARE = "mutation($input: DeclareRecusalInput!) { declareRecusal(input: $input) { errors { code } } }"


async def test_a_plan_is_refused_with_all_its_problems_at_once(api, demo, county, inspection_plugins):
    bureau = county["bureau"]["id"]
    province = (await api('{ regions(filter: {code: "330000"}) { edges { node { id } } } }'))["regions"]["edges"][0]["node"]["id"]
    empty = await _create(api, bureau, domains=[], checklistCodes=[])
    assert _codes(empty) == {"DOMAINS_REQUIRED", "CHECKLISTS_REQUIRED"}
    bad = await _create(
        api, bureau, checklistCodes=["SC-CL01", "JZ-CL02", "XX-CL99"], startsOn=TODAY.isoformat(), endsOn=(TODAY - dt.timedelta(days=1)).isoformat(),
        targetCount=None, inspectorsPerTask=1, yearlyCeiling=0, rotationMonths=121, targetFilter={"regionIds": [province]},
    )
    assert _codes(bad) == {"CHECKLIST_DOMAIN_MISMATCH", "CHECKLIST_UNKNOWN", "WINDOW_INVALID", "QUOTA_INVALID", "INSPECTORS_PER_TASK_INVALID",
                           "CEILING_INVALID", "ROTATION_INVALID", "REGION_OUT_OF_JURISDICTION"}
    # Risk classes are an enum in GraphQL; a caller of the service may still pass anything.
    new = service.NewPlan(agency_id=parse_global_id(bureau)[1], name="计划", domains=["market"], checklist_codes=["SC-CL01"], starts_on=TODAY,
                          ends_on=END, target_count=1, target_filter=service.TargetFilter(risk_classes=("E",)))
    async with demo() as session:
        with pytest.raises(UserErrors) as refused:
            await service.create_plan(session, "test", inspection_plugins.catalog, new)
    assert [e.code for e in refused.value.errors] == ["FILTER_INVALID"]


async def test_a_draw_and_its_publication_are_refused_out_of_turn(api, demo, county):
    bureau = county["bureau"]["id"]
    missing = (await api(DRAW, {"input": {"planId": global_id("InspectionPlan", new_id()), "version": 1}}))["drawInspectionPlan"]
    assert _codes(missing) == {"PLAN_NOT_FOUND"}
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    expired = (await _create(api, bureau, startsOn=yesterday, endsOn=yesterday))["plan"]
    assert _codes((await api(DRAW, {"input": {"planId": expired["id"], "version": 1}}))["drawInspectionPlan"]) == {"PLAN_EXPIRED"}
    nobody = (await _create(api, bureau, targetFilter={"industries": ["无此行业"]}))["plan"]
    step = {"planId": nobody["id"], "version": 1}
    assert _codes((await api(DRAW, {"input": {**step, "seed": "种" * 101}}))["drawInspectionPlan"]) == {"SEED_INVALID"}
    assert _codes((await api(DRAW, {"input": step}))["drawInspectionPlan"]) == {"NO_TARGETS"}
    assert _codes((await api(PUBLISH_RESULTS, {"input": step}))["publishInspectionResults"]) == {"NOT_DRAWN"}
    drawn = await _drawn(api, bureau)
    early = (await api(PUBLISH_RESULTS, {"input": {"planId": drawn["id"], "version": drawn["version"]}}))["publishInspectionResults"]
    assert _codes(early) == {"PLAN_NOT_PUBLISHED"}


async def test_results_are_refused_outside_the_plan_unknown_twice_or_too_long(api, demo, county):
    task = (await _drawn(api, county["bureau"]["id"], targetCount=1))["tasks"][0]
    points = [{"pointCode": p["code"], "outcome": "PASS"} for p in task["points"]]
    payload = {"inspectionId": task["id"], "version": task["version"]}
    wrong = [*points, points[0], {"pointCode": "XX-CL99-01", "outcome": "PASS"}, {"pointCode": points[1]["pointCode"], "outcome": "PASS", "evidence": "证" * 2001}]
    before = (TODAY - dt.timedelta(days=1)).isoformat()
    refused = (await api(RESULTS, {"input": {**payload, "inspectedOn": before, "results": wrong}}))["recordInspectionResults"]
    assert _codes(refused) == {"OUTSIDE_PLAN_WINDOW", "POINT_DUPLICATE", "POINT_UNKNOWN", "EVIDENCE_TOO_LONG"}
    done = (await api(RESULTS, {"input": {**payload, "inspectedOn": TODAY.isoformat(), "results": points}}))["recordInspectionResults"]
    assert done["errors"] == []
    again = {**payload, "version": done["inspection"]["version"], "inspectedOn": TODAY.isoformat(), "results": points}
    assert _codes((await api(RESULTS, {"input": again}))["recordInspectionResults"]) == {"ALREADY_RECORDED"}


async def test_recusal_and_risk_rating_refusals(api, demo, county, demo_tokens):
    head = api.as_(demo_tokens["bureau_head"])
    _, certified = await _market_team(api, county)
    entity = (await api("{ entities(first: 1) { edges { node { id } } } }"))["entities"]["edges"][0]["node"]["id"]
    declaration = {"officerId": global_id("Officer", new_id()), "entityId": entity, "reason": "RELATIVE"}
    assert _codes((await head(DECLARE, {"input": declaration}))["declareRecusal"]) == {"OFFICER_NOT_FOUND"}
    late = {**declaration, "officerId": certified[0], "note": "说" * 301, "validUntil": (TODAY - dt.timedelta(days=1)).isoformat()}
    assert _codes((await head(DECLARE, {"input": late}))["declareRecusal"]) == {"WINDOW_INVALID", "NOTE_TOO_LONG"}
    rate = "mutation($input: RateEntityRiskInput!) { rateEntityRisk(input: $input) { errors { code } } }"
    assert _codes((await head(rate, {"input": {"entityId": entity, "riskClass": "A", "basis": " "}}))["rateEntityRisk"]) == {"BASIS_REQUIRED"}


async def test_joint_visit_refusals(api, demo, demo_tokens, places, inspection_plugins):
    head = api.as_(demo_tokens["bureau_head"])
    plan = (await api(JOINT_PLAN, {"e": places["restaurant"]}))["jointVisitPlan"]
    declared = {"officerId": plan["inspectorIds"][0], "entityId": places["restaurant"], "reason": "RELATIVE", "note": "近亲属在该店任职"}
    assert (await head(DECLARE, {"input": declared}))["declareRecusal"]["errors"] == []
    visit = {"entityId": places["restaurant"], "visitedOn": (TODAY + dt.timedelta(days=400)).isoformat(), "inspectorIds": plan["inspectorIds"],
             "replacedVisits": [{"agencyId": places["township"], "domain": "transport"}]}
    refused = (await head(RECORD_JOINT, {"input": visit}))["recordJointVisit"]
    assert {"DATE_INVALID", "RECUSAL_REQUIRED", "REPLACED_VISIT_INVALID"} <= _codes(refused)

    async with demo() as session, session.begin():
        regions = {r.code: r for r in (await session.execute(sa.select(Region))).scalars()}
        hermit = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="舟山市定海区某咨询有限公司", credit_code="91330902MA2JOINT04", address="定海区",
                        region_id=regions["330902"].id, industry_tags=[])  # no checklist applies
        # In a city with no agency of its own (温州市, outside the demo) nobody is responsible for anything.
        elsewhere = Region(id=new_id(), code="330300", name="温州市", level=RegionLevel.CITY, parent_id=regions["330000"].id)
        farm = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="温州市某农业有限公司", credit_code="91330300MA2JOINT03", address="温州市",
                      region_id=elsewhere.id, industry_tags=["种植业"])
        session.add(elsewhere)
        await session.flush()
        session.add_all([hermit, farm])
    nothing = (await head(RECORD_JOINT, {"input": {"entityId": global_id("Entity", hermit.id), "visitedOn": TODAY.isoformat()}}))["recordJointVisit"]
    assert _codes(nothing) == {"NOTHING_TO_INSPECT"}
    async with demo() as session:
        with pytest.raises(UserError) as refused:
            await service.record_joint_visit(session, "test", inspection_plugins.catalog, service.NewJointVisit(farm.id, TODAY))
    assert refused.value.code == "LEAD_AGENCY_REQUIRED"


async def test_a_lead_for_a_domain_nobody_took_part_for_needs_an_agency(api, demo, demo_tokens, places):
    head = api.as_(demo_tokens["bureau_head"])
    only_market = [{"agencyId": places["township"], "domain": "market"}]
    visit = (await head(RECORD_JOINT, {"input": {"entityId": places["restaurant"], "visitedOn": TODAY.isoformat(), "replacedVisits": only_market}}))
    visit = visit["recordJointVisit"]["inspection"]
    failed = next(p["code"] for p in visit["points"] if p["code"].startswith("ST-"))  # an ecology point: the township team holds no ecology items
    results = [{"pointCode": p["code"], "outcome": "FAIL" if p["code"] == failed else "PASS", "evidence": "现场照片 2 张"} for p in visit["points"]]
    done = (await head(RESULTS, {"input": {"inspectionId": visit["id"], "version": visit["version"], "inspectedOn": TODAY.isoformat(), "results": results}}))
    assert done["recordInspectionResults"]["errors"] == []
    lead = "mutation($input: OpenInspectionLeadInput!) { openInspectionLead(input: $input) { errors { code field } } }"
    refused = (await head(lead, {"input": {"inspectionId": visit["id"], "pointCode": failed}}))["openInspectionLead"]
    assert refused["errors"] == [{"code": "AGENCY_REQUIRED", "field": "agencyId"}]


async def test_reports_refuse_a_reversed_period_or_an_impossible_year(api, demo):
    reversed_ = await api.post('{ inspectionReduction(from: "2026-02-01", to: "2026-01-01") { jointVisits } }')
    assert reversed_.json()["errors"][0]["extensions"]["code"] == "PERIOD_INVALID"
    ancient = await api.post("{ inspectionLoad(year: 1999, first: 5) { entityCount } }")
    assert ancient.json()["errors"][0]["extensions"]["code"] == "ARGUMENT_INVALID"


# ---------------------------------------------------------------------------------------------
# Issue 13: one rule for what a checklist or scenario is meant for


PRICE_TAGS = ChecklistSpec(
    code="SC-CL99", name="明码标价检查清单（不限行业）", applies_to=(), industries=(), domain="market", source="test",
    points=(PointSpec("SC-CL99-01", "商品和服务是否按规定明码标价", "《中华人民共和国价格法》第十三条", "SC021"),),
)


def test_a_checklist_without_industries_is_meant_for_every_industry():
    """docs/plugin-data-format.md (checklists.toml): an empty `industries` (or `applies_to`) sets no limit."""
    assert PRICE_TAGS.meant_for("natural_person", ()) and PRICE_TAGS.meant_for("legal_person", ("餐饮",))
    assert joint.applicable([PRICE_TAGS], "legal_person", []) == [PRICE_TAGS]
    narrow = ChecklistSpec("SC-CL98", "餐饮", ("legal_person",), ("餐饮",), PRICE_TAGS.points)
    assert not narrow.meant_for("legal_person", ()) and not narrow.meant_for("natural_person", ("餐饮",))


async def test_a_checklist_without_industries_joins_every_joint_visit_as_it_lists_for_every_industry(
        api, demo, places, inspection_plugins, monkeypatch):
    """Issue 13 point 11 (docs/plugin-data-format.md): `checklists(industry:)` and `jointVisitPlan` apply one rule."""
    monkeypatch.setitem(inspection_plugins.catalog.checklists, PRICE_TAGS.code, PRICE_TAGS)
    listed = (await api('{ checklists(industry: "咨询服务") { code } }'))["checklists"]
    assert "SC-CL99" in {c["code"] for c in listed}
    async with demo() as session, session.begin():
        regions = {r.code: r for r in (await session.execute(sa.select(Region))).scalars()}
        untagged = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="舟山市定海区某咨询有限公司", credit_code="91330902MA2JOINT09",
                          address="定海区", region_id=regions["330902"].id, industry_tags=[])
        session.add(untagged)
    plan = (await api(JOINT_PLAN, {"e": global_id("Entity", untagged.id)}))["jointVisitPlan"]
    assert plan["checklistCodes"] == ["SC-CL99"]
    restaurant = (await api(JOINT_PLAN, {"e": places["restaurant"]}))["jointVisitPlan"]
    assert "SC-CL99" in restaurant["checklistCodes"]


async def test_a_scenario_refuses_an_entity_its_applies_to_excludes(api, demo, inspection_plugins):
    """Issue 13 point 18: a scenario's `applies_to` binds `jointVisitPlan` (YJS-MSJY is for businesses, not natural persons)."""
    people = (await api('{ entities(filter: {kind: NATURAL_PERSON}, first: 1) { edges { node { id } } } }'))["entities"]["edges"]
    person = people[0]["node"]["id"]
    refused = await api.post(JOINT_PLAN, {"e": person, "s": "YJS-MSJY"})
    assert refused.json()["errors"][0]["extensions"]["code"] == "SCENARIO_NOT_APPLICABLE"
    listed = (await api("{ inspectionScenarios(appliesTo: NATURAL_PERSON) { code appliesTo } }"))["inspectionScenarios"]
    assert "YJS-MSJY" not in {s["code"] for s in listed}
    assert all("NATURAL_PERSON" in s["appliesTo"] for s in listed)
    available = scenarios.available(inspection_plugins.catalog, inspection_plugins.scenarios())
    assert {s.code for s in scenarios.meant_for(available, "natural_person")} == {s["code"] for s in listed}


# ---------------------------------------------------------------------------------------------
# Issue 13 point 13: the inspector pool as an input of the draw, and problems corrected on the spot


def test_problems_corrected_on_the_spot_stand_beside_visits_avoided_as_in_the_dinghai_summary():
    """Seed 002 (定海区 2022): "联合检查91次，现场整改问题143个，受检频次减少166次，减幅达64.6%"."""
    visits = [figures.JointVisit(f"e{i}", "town" if i % 2 else "build", ("a", "b", "c") if i < 75 else ("a", "b"), 2 if i < 52 else 1)
              for i in range(91)]
    report = figures.reduction(visits)
    assert (report.total.actual, report.total.avoided, report.total.rate, report.total.corrected_on_spot) == (91, 166, Decimal("64.6"), 143)
    assert sum(f.corrected_on_spot for f in report.by_agency) == sum(f.corrected_on_spot for f in report.by_entity) == 143
    assert {f.key: f.corrected_on_spot for f in report.by_agency} == {"build": 72, "town": 71, "a": 0, "b": 0, "c": 0}


async def _officers_by_name(api) -> dict[str, dict]:
    data = await api("{ officers(first: 100) { edges { node { id name agency { id } } } } }")
    return {e["node"]["name"]: e["node"] for e in data["officers"]["edges"]}


async def test_a_named_inspector_pool_of_several_agencies_is_frozen_into_the_draw_and_verifiable(api, demo, county, demo_tokens):
    """REFERENCE §6 (一单两库, 国办发〔2015〕58号): inspectors are drawn from the 执法检查人员名录库; a
    cross-agency draw names officers of other agencies, each certified for the plan's domain."""
    head = api.as_(demo_tokens["bureau_head"])
    team, _ = await _market_team(api, county)
    people = await _officers_by_name(api)
    named = ["余斌", "曹平明", "余燕", "宋军怡"]  # two of the market team, two of the 解放街道 team
    created = (await _create(head, team["id"], targetCount=6))["plan"]
    payload = {"planId": created["id"], "version": created["version"], "seed": "名录库-2026-001", "inspectorIds": [people[n]["id"] for n in named]}
    query = DRAW.replace("snapshot }", "snapshot inspectorPoolNamed inspectorPool { officerId agencyId domains } }")
    drawn = (await head(query, {"input": payload}))["drawInspectionPlan"]
    assert drawn["errors"] == [], drawn["errors"]
    plan, draw = drawn["plan"], drawn["plan"]["draw"]
    ids = {people[n]["id"] for n in named}
    assert all({o["id"] for o in t["inspectors"]} <= ids for t in plan["tasks"])
    assert any(people["余燕"]["id"] in {o["id"] for o in t["inspectors"]} for t in plan["tasks"])  # not of the plan's team
    assert draw["inspectorPoolNamed"] is True and "pool" in {d["part"] for d in draw["digests"]}
    assert {(m["officerId"], m["agencyId"]) for m in draw["inspectorPool"]} == {(people[n]["id"], people[n]["agency"]["id"]) for n in named}
    assert (await api(VERIFY, {"p": plan["id"]}))["verifyDraw"]["ok"]

    async with demo() as session, session.begin():  # the pool's record is digested like the lists
        row = (await session.execute(sa.select(InspectionDraw))).scalars().one()
        row.snapshot = {**row.snapshot, "pool": {**row.snapshot["pool"], "source": "agencies"}}
    tampered = (await api(VERIFY, {"p": plan["id"]}))["verifyDraw"]
    assert not tampered["ok"] and any("pool" in p for p in tampered["problems"])

    default = await _drawn(head, team["id"], seed="默认名录", name="默认名录", targetCount=2, yearlyCeiling=5, rotationMonths=0)
    assert {parse_global_id(o["id"])[1] for t in default["tasks"] for o in t["inspectors"]} <= {
        parse_global_id(o)[1] for o in (await _market_team(api, county))[1]}


async def test_a_named_inspector_without_a_valid_certificate_on_the_draw_day_is_refused_by_name(api, demo, county, demo_tokens):
    """REFERENCE §6 and APL Art. 42: only officers holding a valid enforcement certificate for the
    plan's domain on the draw day may enter the 执法检查人员名录库."""
    from zhifa.core.people.models import Officer

    head = api.as_(demo_tokens["bureau_head"])
    team, _ = await _market_team(api, county)
    people = await _officers_by_name(api)
    async with demo() as session, session.begin():  # 魏丽's certificate ran out yesterday
        officer = (await session.execute(sa.select(Officer).where(Officer.name == "魏丽"))).scalars().one()
        officer.certificate_valid_from = min(officer.certificate_valid_from, TODAY - dt.timedelta(days=400))
        officer.certificate_valid_until = TODAY - dt.timedelta(days=1)
    plan = (await _create(head, team["id"]))["plan"]
    # 周志娜: ecology only; 潘晓斌: auxiliary staff; 余洋鹏: certificate suspended; 魏丽: expired.
    refused_names = ["周志娜", "潘晓斌", "余洋鹏", "魏丽"]
    pool = [people[n]["id"] for n in ["余斌", "曹平明", *refused_names]] + [global_id("Officer", new_id())]
    refused = (await head(DRAW, {"input": {"planId": plan["id"], "version": plan["version"], "inspectorIds": pool}}))["drawInspectionPlan"]
    assert refused["plan"] is None
    not_certified = [e for e in refused["errors"] if e["code"] == "INSPECTOR_NOT_CERTIFIED"]
    assert [next(n for n in refused_names if n in e["message"]) for e in not_certified] == refused_names
    assert all(e["field"] == "inspectorIds" for e in refused["errors"])
    assert [e["code"] for e in refused["errors"]].count("OFFICER_NOT_FOUND") == 1
    status = (await api("query($id: ID!) { inspectionPlan(id: $id) { status } }", {"id": plan["id"]}))["inspectionPlan"]
    assert status["status"] == "DRAFT"


async def test_problems_corrected_on_the_spot_are_counted_in_the_reduction_figures(api, demo, demo_tokens, places):
    """Seed 002 (定海区 2022 summary) reports "现场整改问题143个" beside the visits avoided: a failed
    point is recorded as corrected on the spot and the reduction figures count it."""
    head = api.as_(demo_tokens["bureau_head"])
    visit = (await head(RECORD_JOINT, {"input": {"entityId": places["restaurant"], "visitedOn": TODAY.isoformat()}}))["recordJointVisit"]["inspection"]
    failed = {"SC-CL01-01": True, "SC-CL01-02": True, "SC-CL01-03": False}
    results = [{"pointCode": p["code"], "outcome": "PASS"} for p in visit["points"] if p["code"] not in failed]
    results += [{"pointCode": c, "outcome": "FAIL", "evidence": "现场笔录 1 份、照片 2 张", "correctedOnSpot": on_spot} for c, on_spot in failed.items()]
    payload = {"inspectionId": visit["id"], "version": visit["version"], "inspectedOn": TODAY.isoformat()}
    passed_but_corrected = [{**r, "correctedOnSpot": True} if i == 0 else r for i, r in enumerate(results)]
    wrong = (await head(RESULTS, {"input": {**payload, "results": passed_but_corrected}}))["recordInspectionResults"]
    assert [e["code"] for e in wrong["errors"]] == ["ON_SPOT_NOT_FAILED"]
    done = (await head(RESULTS.replace("evidence caseId", "evidence correctedOnSpot caseId"), {"input": {**payload, "results": results}}))
    done = done["recordInspectionResults"]
    assert done["errors"] == [], done["errors"]
    marks = {p["code"]: p["correctedOnSpot"] for p in done["inspection"]["points"]}
    assert {c: marks[c] for c in failed} == failed and marks[results[0]["pointCode"]] is False

    query = """query($f: Date!, $t: Date!) { inspectionReduction(from: $f, to: $t) { jointVisits visitsAvoided problemsCorrectedOnSpot
      byEntity { entity { id } problemsCorrectedOnSpot } byAgency { agency { id } problemsCorrectedOnSpot } } }"""
    report = (await api(query, {"f": dt.date(TODAY.year, 1, 1).isoformat(), "t": dt.date(TODAY.year, 12, 31).isoformat()}))["inspectionReduction"]
    assert (report["jointVisits"], report["visitsAvoided"], report["problemsCorrectedOnSpot"]) == (1, 2, 2)
    assert report["byEntity"] == [{"entity": {"id": places["restaurant"]}, "problemsCorrectedOnSpot": 2}]
    assert {r["agency"]["id"]: r["problemsCorrectedOnSpot"] for r in report["byAgency"]} == {places["township"]: 2, places["ecology"]: 0}


@pytest.mark.parametrize("year", [-1, 0, 1999, 2101, 10_000])
async def test_a_plan_list_for_a_year_no_plan_can_have_is_refused_with_a_code(api, year):
    """Found by the fuzz test: `filter: {year: -1}` ended in INTERNAL_ERROR (a date out of range)."""
    response = await api.post("query($y: Int) { inspectionPlans(filter: {year: $y}) { totalCount } }", {"y": year})
    error = response.json()["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("ARGUMENT_INVALID", "filter.year")
    assert (await api("{ inspectionPlans(filter: {year: 2026}) { totalCount } }"))["inspectionPlans"]["totalCount"] >= 0

"""Return visits (案件回访) and outside supervision (特邀行政执法监督员、行政执法监督企业联系点), through
GraphQL, with the pure rules tested directly.

Source: Luoyang 2023 (洛阳市提升行政执法质量三年行动实施方案, sources/003) items 7–9: 建立行政执法案件
回访制度，明确案件回访比例、回访人员、回访结果处理; 完善特邀行政执法监督员制度; 建立行政执法监督企业
联系点制度. Each test builds a small world of two counties directly in the database (no demo).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa

from zhifa.core.cases.models import Case, CaseStatus, Procedure
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.clock import legal_today
from zhifa.core.complaints.models import Complaint, ComplaintLink
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.models import Entity, EntityKind
from zhifa.core.errors import UserError, UserErrors
from zhifa.core.ids import new_id
from zhifa.core.people.models import Agency, AgencyKind, CertificateStatus, Officer, OfficerRole, Region, RegionLevel
from zhifa.core.supervision import outside, sampling, visits
from zhifa.core.supervision.models import ReturnVisit, VisitMethod, VisitSatisfaction as V
from zhifa.schema.kit.relay import global_id, parse_global_id
from conftest import KEY, Api, token

TODAY = legal_today()
YEAR = TODAY.year - 1  # cases closed last year: every visit date of the tests lies in the past
D = dt.date
PARTY_PHONE = "13800138000"


# --- the world ----------------------------------------------------------------------------------


async def build_world(db) -> dict:
    """Two counties of 洛阳市. County A: a justice bureau, a comprehensive bureau with 10 cases closed
    in YEAR, 2 closed the year before and 1 open, and a township team below it with 5 closed in
    YEAR. County B: a justice bureau and a bureau with 3 cases closed in YEAR."""
    key = DataKey(KEY.key)
    w: dict = {}
    async with db() as session, session.begin():
        item = (await session.execute(sa.select(CatalogItemVersion).where(CatalogItemVersion.code == "SC024"))).scalar_one()
        province = Region(id=new_id(), code="410000", name="河南省", level=RegionLevel.PROVINCE)
        city = Region(id=new_id(), code="410300", name="洛阳市", level=RegionLevel.CITY, parent_id=province.id)
        county_a = Region(id=new_id(), code="410302", name="老城区", level=RegionLevel.COUNTY, parent_id=city.id)
        town_a = Region(id=new_id(), code="410302001", name="西南隅街道", level=RegionLevel.TOWNSHIP, parent_id=county_a.id)
        county_b = Region(id=new_id(), code="410303", name="西工区", level=RegionLevel.COUNTY, parent_id=city.id)
        for r in (province, city, county_a, town_a, county_b):
            session.add(r)
            await session.flush()

        def agency(name, short, kind, region, parent=None):
            level = RegionLevel.TOWNSHIP if region is town_a else RegionLevel.CITY if region is city else RegionLevel.COUNTY
            return Agency(id=new_id(), name=name, short_name=short, kind=kind, level=level, region_id=region.id, parent_id=parent)

        justice_a = agency("老城区司法局", "老司", AgencyKind.JUSTICE_BUREAU, county_a)
        bureau_a = agency("老城区综合行政执法局", "老综执", AgencyKind.COMPREHENSIVE_BUREAU, county_a)
        justice_b = agency("西工区司法局", "西司", AgencyKind.JUSTICE_BUREAU, county_b)
        bureau_b = agency("西工区综合行政执法局", "西综执", AgencyKind.COMPREHENSIVE_BUREAU, county_b)
        justice_city = agency("洛阳市司法局", "洛司", AgencyKind.JUSTICE_BUREAU, city)
        session.add_all([justice_a, bureau_a, justice_b, bureau_b, justice_city])
        await session.flush()
        township_a = agency("西南隅街道综合行政执法队", "西南隅", AgencyKind.TOWNSHIP_TEAM, town_a, bureau_a.id)
        session.add(township_a)
        await session.flush()
        n = 0

        def officer(a, role=OfficerRole.OFFICER):
            nonlocal n
            n += 1
            return Officer(id=new_id(), name=f"人员{n}", certificate_number=f"豫0302{n:06d}", certificate_valid_from=D(2020, 1, 1),
                           certificate_valid_until=D(2030, 12, 31), status=CertificateStatus.VALID, role=role, agency_id=a.id)

        officers = {k: officer(a) for k, a in (("justice_a", justice_a), ("bureau_a", bureau_a), ("justice_b", justice_b), ("justice_city", justice_city))}
        session.add_all(officers.values())
        entities = []
        for i in range(6):
            entities.append(Entity(
                id=new_id(), kind=EntityKind.LEGAL_PERSON, name=f"老城某商贸有限公司{i}", credit_code=f"91410302MA00000{i:02d}X"[:18],
                address="洛阳市老城区", region_id=county_a.id, industry_tags=[], phone_cipher=key.encrypt(PARTY_PHONE),
            ))
        entity_b = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="西工某公司", credit_code="91410303MA0000001X",
                          address="洛阳市西工区", region_id=county_b.id, industry_tags=[])
        session.add_all([*entities, entity_b])
        await session.flush()
        cases: dict[str, list[Case]] = {"bureau_a": [], "township_a": [], "bureau_b": [], "other": []}

        def case(a, bucket, closed_on, entity):
            c = Case(id=new_id(), case_number=f"{a.short_name}案〔{closed_on.year if closed_on else YEAR}〕{len(cases[bucket]) + 1 + 100 * (bucket == 'other')}号",
                     procedure=Procedure.GENERAL, status=CaseStatus.CLOSED if closed_on else CaseStatus.INVESTIGATING,
                     domain_code="market", item_version_id=item.id, entity_id=entity.id, agency_id=a.id, facts={},
                     violation_date=D(YEAR - 1, 12, 1), closed_on=closed_on)
            cases[bucket].append(c)
            return c

        for i in range(10):
            session.add(case(bureau_a, "bureau_a", D(YEAR, 3 + i % 9, 10), entities[i % 6]))
        for i in range(5):
            session.add(case(township_a, "township_a", D(YEAR, 5, 20), entities[i]))
        for i in range(3):
            session.add(case(bureau_b, "bureau_b", D(YEAR, 4, 1), entity_b))
        session.add_all([case(bureau_a, "other", D(YEAR - 1, 6, 1), entities[0]), case(bureau_a, "other", D(YEAR - 1, 7, 1), entities[1]),
                         case(bureau_a, "other", None, entities[2])])
        await session.flush()
    w.update(
        regions={"a": county_a.id, "town_a": town_a.id, "b": county_b.id},
        agencies={"justice_a": justice_a.id, "bureau_a": bureau_a.id, "township_a": township_a.id, "justice_b": justice_b.id, "bureau_b": bureau_b.id},
        entities=[e.id for e in entities], entity_b=entity_b.id,
        cases={k: {c.id: c.closed_on for c in v} for k, v in cases.items()},
        tokens={
            "supervisor_a": token(f"officer:{officers['justice_a'].id}", ["supervisor"], justice_a.id),
            "justice_staff_a": token(f"officer:{officers['justice_a'].id}", ["officer"], justice_a.id),
            "bureau_officer_a": token(f"officer:{officers['bureau_a'].id}", ["officer"], bureau_a.id),
            "supervisor_b": token(f"officer:{officers['justice_b'].id}", ["supervisor"], justice_b.id),
            "supervisor_city": token(f"officer:{officers['justice_city'].id}", ["supervisor"], justice_city.id),
        },
        officers={k: o.id for k, o in officers.items()},
    )
    return w


@pytest.fixture
async def world(db, client):
    w = await build_world(db)
    w["api"] = {name: Api(client, t) for name, t in w["tokens"].items()}
    return w


def gid(kind: str, key) -> str:
    return global_id(kind, key)


def key_of(global_id_: str):
    return parse_global_id(global_id_)[1]


SAMPLE_FIELDS = "id name year percent seed populationSize size done sampleDigest populationDigest organiser { name }"
VISIT_FIELDS = "id done method visitedOn satisfaction feedback problemReported version caseNumber closedOn case { id } agency { id } visitor { id } misconductReportId"
REPORT = """query($id: ID!) { complaint(id: $id) { id number kind channel status agency { id } subjectName content
    links { targetKind targetId } complainant { disclosure name phone } } }"""
OUTSIDE_FIELDS = "id kind name organisation appointedOn termUntil active current reportCount region { id } appointedBy { id } entity { id name }"
MUTATIONS = {
    "drawReturnVisitSample": ("DrawReturnVisitSampleInput", "sample", SAMPLE_FIELDS),
    "recordReturnVisit": ("RecordReturnVisitInput", "returnVisit", VISIT_FIELDS),
    "appointOutsideSupervisor": ("AppointOutsideSupervisorInput", "outsideSupervisor", OUTSIDE_FIELDS),
    "endOutsideSupervisorTerm": ("EndOutsideSupervisorTermInput", "outsideSupervisor", OUTSIDE_FIELDS),
    "reportByOutsideSupervisor": (
        "ReportByOutsideSupervisorInput", "complaint",
        "id number kind channel status agency { id } complainant { disclosure name phone } outsideSupervisor { id name kind }",
    ),
}


async def act(api: Api, mutation: str, expect: str | None = None, **input) -> dict:
    input_type, result_field, fields = MUTATIONS[mutation]
    query = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {result_field} {{ {fields} }} errors {{ code field message }} }} }}"
    result = (await api(query, {"input": input}))[mutation]
    if expect:
        assert expect in [e["code"] for e in result["errors"]], (mutation, expect, result["errors"])
        assert result[result_field] is None and all(e["message"] for e in result["errors"])
        return result
    assert result["errors"] == [], (mutation, result["errors"])
    return result[result_field]


async def visits_of(api: Api, sample_id: str) -> list[dict]:
    data = await api(f"query($f: ReturnVisitFilter) {{ returnVisits(filter: $f, first: 100) {{ totalCount edges {{ node {{ {VISIT_FIELDS} }} }} }} }}",
                     {"f": {"sampleId": sample_id}})
    assert data["returnVisits"]["totalCount"] == len(data["returnVisits"]["edges"])
    return [e["node"] for e in data["returnVisits"]["edges"]]


async def draw(world, percent=30, seed="洛阳2025回访", **extra) -> dict:
    return await act(world["api"]["supervisor_a"], "drawReturnVisitSample", name=f"{YEAR}年度案件回访", year=YEAR, percent=percent, seed=seed, **extra)


# --- pure rules ---------------------------------------------------------------------------------


def test_satisfaction_rate_counts_only_parties_reached():
    """满意率 = (满意 + 基本满意) / 联系上的件数 (Luoyang item 9 着重调查执法满意度): unreachable parties
    are neither satisfied nor unsatisfied; half up to one decimal."""
    assert visits.satisfaction_rate(1, 1, 3) == Decimal("66.67")
    assert visits.satisfaction_rate(2, 0, 3) == Decimal("66.67")
    assert visits.satisfaction_rate(1, 0, 8) == Decimal("12.50")
    assert visits.satisfaction_rate(0, 0, 0) is None
    f = visits.VisitFigures(new_id(), drawn=5, done=4, satisfied=1, basically_satisfied=1, unsatisfied=1, unreachable=1, misconduct_reports=1)
    assert f.reached == 3 and f.rate == Decimal("66.67")
    g = visits.VisitFigures(new_id(), drawn=2, done=2, satisfied=2, basically_satisfied=0, unsatisfied=0, unreachable=0, misconduct_reports=0)
    both = visits.total([f, g])
    assert (both.agency_id, both.drawn, both.reached, both.misconduct_reports) == (None, 7, 5, 1)
    assert both.rate == Decimal("80.00")  # (3 + 1) / 5 from the sums, not the mean of 66.7 and 100


def test_visit_answer_rules():
    """回访结果: not before the case closed, not in the future, feedback recorded when the party is
    unsatisfied or reports misconduct, and no report from a party nobody reached."""
    ok = visits.VisitAnswer(VisitMethod.PHONE, D(YEAR, 8, 1), V.SATISFIED, " 执法文明 ")
    assert visits.check_answer(ok, D(YEAR, 7, 31), TODAY) == "执法文明"
    assert visits.check_answer(ok, D(YEAR, 8, 1), TODAY) == "执法文明"  # the closing day itself

    def codes(answer, closed_on=D(YEAR, 7, 1)):
        with pytest.raises(UserErrors) as exc:
            visits.check_answer(answer, closed_on, TODAY)
        return [e.code for e in exc.value.errors]

    assert codes(ok, D(YEAR, 8, 2)) == ["VISIT_BEFORE_CLOSING"]
    assert codes(visits.VisitAnswer(VisitMethod.PHONE, TODAY + dt.timedelta(days=1), V.SATISFIED)) == ["DATE_IN_FUTURE"]
    assert codes(visits.VisitAnswer(VisitMethod.ON_SITE, D(YEAR, 8, 1), V.UNSATISFIED, "  ")) == ["FEEDBACK_REQUIRED"]
    assert codes(visits.VisitAnswer(VisitMethod.ON_SITE, D(YEAR, 8, 1), V.SATISFIED, "", True)) == ["FEEDBACK_REQUIRED"]
    assert codes(visits.VisitAnswer(VisitMethod.PHONE, D(YEAR, 8, 1), V.UNREACHABLE, "空号", True)) == ["PARTY_UNREACHABLE"]


def test_outside_supervisor_term_rules():
    """Luoyang items 8–9: only an appointed supervisor within its term reports as one."""
    outside.check_can_report(True, D(2025, 1, 1), D(2026, 12, 31), D(2026, 12, 31))
    outside.check_can_report(True, D(2025, 1, 1), None, D(2030, 1, 1))
    for args, code in (
        ((False, D(2025, 1, 1), None, D(2025, 6, 1)), "OUTSIDE_SUPERVISOR_INACTIVE"),
        ((True, D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1)), "OUTSIDE_SUPERVISOR_EXPIRED"),
        ((True, D(2025, 1, 1), None, D(2024, 12, 31)), "OUTSIDE_SUPERVISOR_NOT_APPOINTED"),
    ):
        with pytest.raises(UserError) as exc:
            outside.check_can_report(*args)
        assert exc.value.code == code
    with pytest.raises(UserError) as exc:
        outside.check_term(D(2025, 1, 2), D(2025, 1, 1))
    assert exc.value.code == "TERM_INVALID"


# --- return visits through the API ----------------------------------------------------------------


async def test_return_visit_sample_is_reproducible_and_stratified(world, db):
    """回访比例 (Luoyang item 7): percent of each agency's cases closed in the year, at least one per
    agency, the same seed drawing the same cases; only closed cases of that year in reach."""
    first = await draw(world)
    again = await draw(world)
    other = await draw(world, seed="另一个种子")
    assert first["populationSize"] == 15  # 10 + 5 closed in YEAR in county A; not last year's, the open one, nor county B's
    assert first["size"] == 3 + 2 and first["done"] == 0 and first["organiser"]["name"] == "老城区司法局"
    assert again["sampleDigest"] == first["sampleDigest"] and again["populationDigest"] == first["populationDigest"]
    api = world["api"]["supervisor_a"]
    drawn = [v["case"]["id"] for v in await visits_of(api, first["id"])]
    assert sorted(drawn) == sorted(v["case"]["id"] for v in await visits_of(api, again["id"]))
    assert sorted(drawn) != sorted(v["case"]["id"] for v in await visits_of(api, other["id"]))
    # An independent redraw with the sampling rule over the population recounted from the rows.
    pool = [sampling.Candidate(str(c), str(world["agencies"][k])) for k in ("bureau_a", "township_a") for c in world["cases"][k]]
    assert sorted(drawn) == sorted(gid("Case", c.case) for c in sampling.sample(pool, 30, "洛阳2025回访"))
    per_agency = Counter(v["agency"]["id"] for v in await visits_of(api, first["id"]))
    assert per_agency == {gid("Agency", world["agencies"]["bureau_a"]): 3, gid("Agency", world["agencies"]["township_a"]): 2}
    # Restricted to one agency in reach; refused outside the reach, for nobody, for a bad ratio.
    township_only = await draw(world, percent=100, agencyIds=[gid("Agency", world["agencies"]["township_a"])])
    assert township_only["populationSize"] == township_only["size"] == 5
    await act(api, "drawReturnVisitSample", "FORBIDDEN", name="x", year=YEAR, percent=10, seed="s", agencyIds=[gid("Agency", world["agencies"]["bureau_b"])])
    await act(api, "drawReturnVisitSample", "SAMPLE_POPULATION_EMPTY", name="x", year=2010, percent=10, seed="s")
    await act(api, "drawReturnVisitSample", "SAMPLE_PERCENT_INVALID", name="x", year=YEAR, percent=0, seed="s")
    await act(api, "drawReturnVisitSample", "SAMPLE_YEAR_INVALID", name="x", year=TODAY.year + 1, percent=10, seed="s")
    await act(world["api"]["bureau_officer_a"], "drawReturnVisitSample", "FORBIDDEN", name="x", year=YEAR, percent=10, seed="s")


async def test_recording_visits_and_a_reported_misconduct_lands_in_the_complaint_ledger(world, db):
    """回访人员、回访结果处理 (Luoyang item 7): the bureau's visitor records the visit under the rules;
    misconduct the party reports becomes a complaint-ledger report linked to the case."""
    sample = await draw(world, percent=100)
    api, staff = world["api"]["supervisor_a"], world["api"]["justice_staff_a"]
    rows = await visits_of(api, sample["id"])
    target = rows[0]
    closed_on = D.fromisoformat(target["closedOn"])
    base = {"returnVisitId": target["id"], "method": "PHONE", "satisfaction": "SATISFIED"}
    await act(api, "recordReturnVisit", "VISIT_BEFORE_CLOSING", **base, visitedOn=(closed_on - dt.timedelta(days=1)).isoformat())
    await act(api, "recordReturnVisit", "DATE_IN_FUTURE", **base, visitedOn=(TODAY + dt.timedelta(days=1)).isoformat())
    await act(api, "recordReturnVisit", "FEEDBACK_REQUIRED", **{**base, "satisfaction": "UNSATISFIED"}, visitedOn=closed_on.isoformat())
    await act(api, "recordReturnVisit", "PARTY_UNREACHABLE", **{**base, "satisfaction": "UNREACHABLE"}, feedback="关机", problemReported=True)
    # The visited agency does not visit its own parties; another county's supervisor cannot reach the visit.
    await act(world["api"]["bureau_officer_a"], "recordReturnVisit", "RETURN_VISIT_NOT_FOUND", **base)
    await act(world["api"]["supervisor_b"], "recordReturnVisit", "RETURN_VISIT_NOT_FOUND", **base)
    stranger = Api(api.client, token(f"officer:{new_id()}", ["supervisor"], world["agencies"]["justice_a"]))  # no officer record behind it
    await act(stranger, "recordReturnVisit", "VISITOR_NOT_INDEPENDENT", **base, visitedOn=closed_on.isoformat())
    done = await act(staff, "recordReturnVisit", **base, visitedOn=closed_on.isoformat(), feedback="执法规范")
    assert done["done"] and done["visitedOn"] == closed_on.isoformat() and done["misconductReportId"] is None and done["caseNumber"] == target["caseNumber"]
    assert done["visitor"]["id"] == gid("Officer", world["officers"]["justice_a"]) and done["version"] == target["version"] + 1
    await act(staff, "recordReturnVisit", "VISIT_ALREADY_RECORDED", **base)

    reported = rows[1]
    on = (D.fromisoformat(reported["closedOn"]) + dt.timedelta(days=30)).isoformat()
    visit = await act(staff, "recordReturnVisit", returnVisitId=reported["id"], method="ON_SITE", satisfaction="UNSATISFIED", visitedOn=on,
                      feedback="执法人员检查时索要好处", problemReported=True, version=reported["version"])
    report = (await staff(REPORT, {"id": visit["misconductReportId"]}))["complaint"]
    assert visit["problemReported"] and report["kind"] == "REPORT" and report["channel"] == "OTHER" and report["status"] == "REGISTERED"
    assert report["agency"]["id"] == gid("Agency", world["agencies"]["justice_a"]) and report["number"].startswith("老司投")
    assert report["links"] == [{"targetKind": "case", "targetId": reported["case"]["id"]}] and "索要好处" in report["content"]
    assert report["subjectName"] in {"老城区综合行政执法局", "西南隅街道综合行政执法队"}
    assert report["complainant"]["disclosure"] == "CLEAR" and report["complainant"]["phone"] == PARTY_PHONE
    ledger = await staff("query { complaints(filter: {channel: [OTHER]}, first: 10) { totalCount edges { node { id } } } }")
    assert ledger["complaints"]["edges"] == [{"node": {"id": report["id"]}}]
    # The accused agency reads the visit, never the report about it.
    # The accused agency reads neither the visit (the party's words) nor the report: the reporter is protected.
    accused = world["api"]["bureau_officer_a"]
    for node in (visit["id"], report["id"], sample["id"]):
        assert (await accused("query($id: ID!) { node(id: $id) { id } }", {"id": node}))["node"] is None
    assert (await accused("query { returnVisits(first: 5) { totalCount } returnVisitFigures { total { drawn } } }")) == {
        "returnVisits": {"totalCount": 0}, "returnVisitFigures": {"total": {"drawn": 0}}}
    # The supervisor reaching the visited agency reads the visit and, where the complaint rules allow, the report.
    assert (await api(REPORT, {"id": visit["misconductReportId"]}))["complaint"]["complainant"]["disclosure"] == "MASKED"
    # It cannot be lost: the database refuses a reported problem without its complaint.
    async with db() as session:
        row = await session.get(ReturnVisit, key_of(visit["id"]))
        assert row.complaint_id == key_of(report["id"])
        links = (await session.execute(sa.select(ComplaintLink.target_id).where(ComplaintLink.complaint_id == row.complaint_id))).scalars().all()
        assert links == [row.case_id]
        with pytest.raises(sa.exc.IntegrityError):
            await session.execute(sa.update(ReturnVisit).where(ReturnVisit.id == row.id).values(complaint_id=None))
            await session.flush()


async def test_visit_figures_per_agency_equal_a_recount(world, db):
    """回访 figures per agency: drawn, done, satisfaction counts, 满意率 and misconduct reports — the
    same as a recount over the rows."""
    sample = await draw(world, percent=100)
    staff = world["api"]["justice_staff_a"]
    rows = await visits_of(world["api"]["supervisor_a"], sample["id"])
    plan = [("SATISFIED", False), ("BASICALLY_SATISFIED", False), ("UNSATISFIED", True), ("UNREACHABLE", False), ("SATISFIED", False),
            ("UNSATISFIED", False), ("BASICALLY_SATISFIED", True), ("SATISFIED", False), ("UNREACHABLE", False)]
    for row, (satisfaction, problem) in zip(rows, plan):
        await act(staff, "recordReturnVisit", returnVisitId=row["id"], method="PHONE", satisfaction=satisfaction,
                  visitedOn=row["closedOn"], feedback="意见" if satisfaction == "UNSATISFIED" or problem else "", problemReported=problem)
    await draw(world, percent=10, seed="另一轮")  # another sample: left out by the sampleId filter
    query = """query($s: ID) { returnVisitFigures(sampleId: $s) {
        total { drawn done reached satisfied basicallySatisfied unsatisfied unreachable satisfactionRate misconductReports }
        byAgency { agency { id } drawn done reached satisfied basicallySatisfied unsatisfied unreachable satisfactionRate misconductReports } } }"""
    report = (await world["api"]["supervisor_a"](query, {"s": sample["id"]}))["returnVisitFigures"]
    async with db() as session:
        recorded = (await session.execute(sa.select(ReturnVisit).where(ReturnVisit.sample_id == key_of(sample["id"])))).scalars().all()
        reports = (await session.execute(sa.select(Complaint.id))).scalars().all()
    expected = {}
    for agency in {r.agency_id for r in recorded}:
        mine = [r for r in recorded if r.agency_id == agency]
        count = Counter(r.satisfaction for r in mine if r.visited_on)
        reached = sum(1 for r in mine if r.visited_on) - count[V.UNREACHABLE]
        happy = count[V.SATISFIED] + count[V.BASICALLY_SATISFIED]
        expected[gid("Agency", agency)] = {
            "drawn": len(mine), "done": sum(1 for r in mine if r.visited_on), "reached": reached, "satisfied": count[V.SATISFIED],
            "basicallySatisfied": count[V.BASICALLY_SATISFIED], "unsatisfied": count[V.UNSATISFIED], "unreachable": count[V.UNREACHABLE],
            "satisfactionRate": None if not reached else str((Decimal(happy) * 100 / reached).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
            "misconductReports": sum(1 for r in mine if r.complaint_id is not None),
        }
    assert {f["agency"]["id"]: {k: v for k, v in f.items() if k != "agency"} for f in report["byAgency"]} == expected
    assert report["total"]["drawn"] == 15 and report["total"]["done"] == 9 and report["total"]["misconductReports"] == 2 == len(reports)
    assert report["total"]["reached"] == 7 and report["total"]["satisfactionRate"] == "71.43"  # (3 + 2) / 7
    one = (await world["api"]["supervisor_a"](query.replace("sampleId: $s", "sampleId: $s, agencyId: $a").replace("$s: ID", "$s: ID, $a: ID"),
                                              {"s": sample["id"], "a": gid("Agency", world["agencies"]["township_a"])}))["returnVisitFigures"]
    assert [f["agency"]["id"] for f in one["byAgency"]] == [gid("Agency", world["agencies"]["township_a"])]
    assert one["total"]["drawn"] == 5


# --- outside supervision -------------------------------------------------------------------------


async def test_outside_supervisors_and_their_reports_in_the_complaint_ledger(world, db):
    """特邀行政执法监督员 and 企业联系点 (Luoyang items 8–9): appointed by the justice bureau, their
    reports enter the complaint ledger with their channel and the reporter named; a report by an
    expired or dismissed supervisor is refused."""
    api, staff = world["api"]["supervisor_a"], world["api"]["justice_staff_a"]
    region_a, term = gid("Region", world["regions"]["a"]), (TODAY + dt.timedelta(days=365)).isoformat()
    special = await act(api, "appointOutsideSupervisor", kind="SPECIAL_SUPERVISOR", name="李监督", organisation="洛阳某民营企业",
                        regionId=region_a, appointedOn=D(YEAR, 1, 1).isoformat(), termUntil=term)
    assert special["active"] and special["current"] and special["reportCount"] == 0 and special["appointedBy"]["id"] == gid("Agency", world["agencies"]["justice_a"])
    contact = await act(api, "appointOutsideSupervisor", kind="ENTERPRISE_CONTACT", entityId=gid("Entity", world["entities"][0]), organisation="办公室 王经理")
    assert contact["name"] == "老城某商贸有限公司0" and contact["entity"]["id"] == gid("Entity", world["entities"][0])
    assert contact["region"]["id"] == region_a and contact["appointedOn"] == TODAY.isoformat()
    await act(api, "appointOutsideSupervisor", "CONTACT_POINT_EXISTS", kind="ENTERPRISE_CONTACT", entityId=gid("Entity", world["entities"][0]))
    await act(api, "appointOutsideSupervisor", "ENTITY_REQUIRED", kind="ENTERPRISE_CONTACT", regionId=region_a)
    await act(api, "appointOutsideSupervisor", "NAME_REQUIRED", kind="SPECIAL_SUPERVISOR", regionId=region_a)
    await act(api, "appointOutsideSupervisor", "REGION_REQUIRED", kind="SPECIAL_SUPERVISOR", name="王")
    await act(api, "appointOutsideSupervisor", "ENTITY_NOT_ALLOWED", kind="SPECIAL_SUPERVISOR", name="王", entityId=gid("Entity", world["entities"][0]))
    await act(api, "appointOutsideSupervisor", "TERM_INVALID", kind="SPECIAL_SUPERVISOR", name="王", regionId=region_a,
              appointedOn=D(YEAR, 5, 1).isoformat(), termUntil=D(YEAR, 4, 30).isoformat())
    await act(api, "appointOutsideSupervisor", "FORBIDDEN", kind="SPECIAL_SUPERVISOR", name="王", regionId=gid("Region", world["regions"]["b"]))
    await act(api, "appointOutsideSupervisor", "ENTITY_NOT_FOUND", kind="ENTERPRISE_CONTACT", entityId=gid("Entity", world["entity_b"]))
    await act(world["api"]["bureau_officer_a"], "appointOutsideSupervisor", "FORBIDDEN", kind="SPECIAL_SUPERVISOR", name="王", regionId=region_a)
    expired = await act(api, "appointOutsideSupervisor", kind="SPECIAL_SUPERVISOR", name="赵往届", regionId=region_a,
                        appointedOn=D(YEAR - 2, 1, 1).isoformat(), termUntil=D(YEAR - 1, 12, 31).isoformat())
    assert not expired["current"] and expired["active"]

    report = await act(staff, "reportByOutsideSupervisor", outsideSupervisorId=special["id"], content="某中队检查时态度粗暴",
                       subjectName="老城区综合行政执法局", phone="13912345678", receivedAt=f"{TODAY.isoformat()}T09:00:00+08:00")
    assert report["channel"] == "SPECIAL_SUPERVISOR" and report["kind"] == "REPORT" and report["number"].startswith("老司投")
    assert report["outsideSupervisor"] == {"id": special["id"], "name": "李监督", "kind": "SPECIAL_SUPERVISOR"}
    assert report["complainant"] == {"disclosure": "CLEAR", "name": "李监督", "phone": "13912345678"}  # named, not anonymous
    by_contact = await act(api, "reportByOutsideSupervisor", outsideSupervisorId=contact["id"], content="同一事项多头检查",
                           subjectName="西南隅街道综合行政执法队")
    assert by_contact["channel"] == "ENTERPRISE_CONTACT" and by_contact["outsideSupervisor"]["id"] == contact["id"]
    await act(api, "reportByOutsideSupervisor", outsideSupervisorId=contact["id"], content="又一次反映", subjectName="老城区综合行政执法局")
    await act(staff, "reportByOutsideSupervisor", "OUTSIDE_SUPERVISOR_EXPIRED", outsideSupervisorId=expired["id"], content="x", subjectName="y")
    await act(world["api"]["bureau_officer_a"], "reportByOutsideSupervisor", "FORBIDDEN", outsideSupervisorId=special["id"], content="x", subjectName="y")
    ledger = await staff("""query { complaints(filter: {channel: [SPECIAL_SUPERVISOR, ENTERPRISE_CONTACT]}, first: 10) {
        totalCount edges { node { id outsideSupervisor { id } } } } }""")
    assert ledger["complaints"]["totalCount"] == 3
    assert Counter(e["node"]["outsideSupervisor"]["id"] for e in ledger["complaints"]["edges"]) == {special["id"]: 1, contact["id"]: 2}
    async with db() as session:
        stored = (await session.execute(sa.select(Complaint.outside_supervisor_id, Complaint.anonymous))).all()
    assert Counter(str(s) for s, _ in stored) == {str(key_of(special["id"])): 1, str(key_of(contact["id"])): 2} and not any(a for _, a in stored)

    # Ending a term: the supervisor's later reports are refused; lists by kind and by current.
    ended = await act(api, "endOutsideSupervisorTerm", outsideSupervisorId=special["id"])
    assert not ended["active"] and not ended["current"] and ended["termUntil"] == TODAY.isoformat() and ended["reportCount"] == 1
    await act(api, "endOutsideSupervisorTerm", "OUTSIDE_SUPERVISOR_INACTIVE", outsideSupervisorId=special["id"])
    await act(staff, "reportByOutsideSupervisor", "OUTSIDE_SUPERVISOR_INACTIVE", outsideSupervisorId=special["id"], content="x", subjectName="y")
    listing = f"query($f: OutsideSupervisorFilter) {{ outsideSupervisors(filter: $f, first: 10) {{ totalCount edges {{ node {{ {OUTSIDE_FIELDS} }} }} }} }}"
    everyone = {e["node"]["id"]: e["node"] for e in (await api(listing))["outsideSupervisors"]["edges"]}
    assert {k: v["reportCount"] for k, v in everyone.items()} == {special["id"]: 1, contact["id"]: 2, expired["id"]: 0}
    current = (await api(listing, {"f": {"current": True}}))["outsideSupervisors"]["edges"]
    assert [e["node"]["id"] for e in current] == [contact["id"]]
    contacts = (await api(listing, {"f": {"kind": "ENTERPRISE_CONTACT"}}))["outsideSupervisors"]
    assert contacts["totalCount"] == 1
    # The county's enforcers know who watches them (the region is theirs).
    assert (await world["api"]["bureau_officer_a"](listing))["outsideSupervisors"]["totalCount"] == 3


async def test_another_countys_supervisor_sees_nothing_of_these(world, db):
    """Jurisdiction: a supervisor reaches its own county and below, never the neighbour's samples,
    visits, figures or outside supervisors, and cannot act on them."""
    sample = await draw(world, percent=20)
    api_a, api_b = world["api"]["supervisor_a"], world["api"]["supervisor_b"]
    visit = (await visits_of(api_a, sample["id"]))[0]
    special = await act(api_a, "appointOutsideSupervisor", kind="SPECIAL_SUPERVISOR", name="李监督", regionId=gid("Region", world["regions"]["a"]))
    lists = """query { returnVisitSamples(first: 10) { totalCount } returnVisits(first: 10) { totalCount }
        outsideSupervisors(first: 10) { totalCount } returnVisitFigures { total { drawn } byAgency { drawn } } }"""
    mine, theirs = await api_a(lists), await api_b(lists)
    assert mine["returnVisitSamples"]["totalCount"] == 1 and mine["returnVisits"]["totalCount"] == sample["size"] == 3
    assert mine["outsideSupervisors"]["totalCount"] == 1 and mine["returnVisitFigures"]["total"]["drawn"] == 3
    assert theirs == {"returnVisitSamples": {"totalCount": 0}, "returnVisits": {"totalCount": 0}, "outsideSupervisors": {"totalCount": 0},
                      "returnVisitFigures": {"total": {"drawn": 0}, "byAgency": []}}
    for node in (sample["id"], visit["id"], special["id"]):
        assert (await api_b("query($id: ID!) { node(id: $id) { id } }", {"id": node}))["node"] is None
        assert (await api_a("query($id: ID!) { node(id: $id) { id } }", {"id": node}))["node"] == {"id": node}
    await act(api_b, "reportByOutsideSupervisor", "OUTSIDE_SUPERVISOR_NOT_FOUND", outsideSupervisorId=special["id"], content="x", subjectName="y")
    await act(api_b, "endOutsideSupervisorTerm", "OUTSIDE_SUPERVISOR_NOT_FOUND", outsideSupervisorId=special["id"])
    # County B's supervisor draws its own county only.
    own = await act(api_b, "drawReturnVisitSample", name="西工回访", year=YEAR, percent=100, seed="s")
    assert own["populationSize"] == 3 and (await api_a(lists))["returnVisitSamples"]["totalCount"] == 1
    # The city bureau's sample spans both counties: each county's supervisor sees the sample, its
    # own county's visits and figures only, and may visit its own county's parties.
    city = await act(world["api"]["supervisor_city"], "drawReturnVisitSample", name="全市回访", year=YEAR, percent=100, seed="s")
    assert city["populationSize"] == 18 and city["size"] == 18
    in_a, in_b = await visits_of(api_a, city["id"]), await visits_of(api_b, city["id"])
    assert len(in_a) == 15 and len(in_b) == 3
    assert {v["agency"]["id"] for v in in_b} == {gid("Agency", world["agencies"]["bureau_b"])}
    figures = "query($s: ID) { returnVisitFigures(sampleId: $s) { total { drawn } byAgency { agency { id } } } }"
    assert (await api_b(figures, {"s": city["id"]}))["returnVisitFigures"] == {
        "total": {"drawn": 3}, "byAgency": [{"agency": {"id": gid("Agency", world["agencies"]["bureau_b"])}}]}
    visited = await act(api_b, "recordReturnVisit", returnVisitId=in_b[0]["id"], method="PHONE", satisfaction="SATISFIED", visitedOn=in_b[0]["closedOn"])
    assert visited["visitor"]["id"] == gid("Officer", world["officers"]["justice_b"])
    await act(api_b, "recordReturnVisit", "RETURN_VISIT_NOT_FOUND", returnVisitId=in_a[0]["id"], method="PHONE", satisfaction="SATISFIED")

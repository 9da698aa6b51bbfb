"""Case-file review (案卷评查): the rubric as data (REFERENCE §7: categories, veto items, items that
bar the excellent grade, market-regulation deductions, grade lines that vary by region), its
loader's errors, the pure scoring, and through GraphQL the reproducible sample of closed cases,
reviewers who are neither of the reviewed agency nor handlers of the case, recording and grading
against the sample's frozen rubric, the pass rate per agency, jurisdiction and the deployment's
own rubric file.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from zhifa.core.audit.models import AuditRecord
from zhifa.core.cases.models import Case, CaseOfficer, CaseStatus
from zhifa.core.db import transaction
from zhifa.core.errors import UserError, UserErrors
from zhifa.core.people.models import Agency, AgencyKind, CertificateStatus, Officer, OfficerRole, Region, RegionLevel
from zhifa.core.supervision import sampling
from zhifa.core.supervision.models import ReviewGrade
from zhifa.core.supervision.reviews import Reviewer, assign
from zhifa.core.supervision.rubric import DEFAULT_RUBRIC_FILE, Finding, ItemKind, from_mapping, grade_for, load_rubric, score
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.relay import global_id, parse_global_id
from conftest import Api, settings_for, token

YEAR = 2025
D = Decimal
RUBRIC = load_rubric(DEFAULT_RUBRIC_FILE)


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    errors = exc.value.errors if isinstance(exc.value, UserErrors) else [exc.value]
    return [e.code for e in errors]


def messages(exc: pytest.ExceptionInfo) -> str:
    errors = exc.value.errors if isinstance(exc.value, UserErrors) else [exc.value]
    return " | ".join(e.message for e in errors)


# --- the rubric as data -------------------------------------------------------------------------


def test_shipped_rubric_has_the_reference_7_structure():
    """REFERENCE §7: categories 主体 … 归档, veto items of the surveying & mapping rubric, the
    basic-element items that bar 优秀, market-regulation deductions, configurable grade lines."""
    assert [c.name for c in RUBRIC.categories] == ["主体", "事实证据", "程序", "适用法律", "裁量", "文书", "归档"]
    assert sum(c.points for c in RUBRIC.categories) == 100
    form = sum(c.points for c in RUBRIC.categories if c.code in ("documents", "archiving"))
    assert form == 20  # 卷面 20 + 内容 80 (surveying & mapping split)
    vetoes = {i.title for i in RUBRIC.items if i.kind is ItemKind.VETO}
    assert {"执法主体不合法", "执法人员不具备执法资格", "执法人员少于两人", "主要证据不足", "适用法律错误", "程序违法"} <= vetoes
    barring = {i.code for i in RUBRIC.items if i.kind is ItemKind.BARS_EXCELLENT}
    assert {"WS-B1", "ZT-B1"} <= barring  # no agency seal; wrong party
    assert RUBRIC.by_code["ZT-01"].max_deduction == 10  # market regulation: outside jurisdiction −10
    assert RUBRIC.by_code["CX-02"].max_deduction == 15  # unlawful coercive measure −5 … −15
    assert RUBRIC.by_code["WS-03"].max_deduction == 3  # no investigation-end report −3
    assert (RUBRIC.grades.excellent, RUBRIC.grades.good, RUBRIC.grades.passing) == (90, 80, 60)
    assert all(i.basis for i in RUBRIC.items)
    assert from_mapping(RUBRIC.to_json(), "frozen") == RUBRIC  # the frozen JSON reads back as the same rubric


SHIPPED = DEFAULT_RUBRIC_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (lambda t: t.replace('version = "2026.1"', 'version = "2026.1"\nowner = "x"'), "owner", "未知的键"),
        (lambda t: t.replace('code = "ZT-01"', 'code = "ZT-V1"'), ".code", "重复"),
        (lambda t: t.replace("max_deduction = 10\n", "max_deduction = 0\n"), ".max_deduction", "应大于 0"),
        (lambda t: t.replace("max_deduction = 10\n", "max_deduction = -2\n"), ".max_deduction", "应大于 0"),
        (lambda t: t.replace("max_deduction = 10\n", "max_deduction = 1.3\n"), ".max_deduction", "0.5 的整数倍"),
        (lambda t: t.replace("max_deduction = 10\n", "max_deduction = 11\n"), ".max_deduction", "超过所属类别"),
        (lambda t: t.replace("good = 80", "good = 95"), "grades", "excellent > good > pass"),
        (lambda t: t.replace("points = 25", "points = 30"), "categories", "之和为 105"),
        (lambda t: t.replace('category = "subject"\ntitle = "执法主体不合法"', 'category = "subjects"\ntitle = "执法主体不合法"'), ".category", "不是已定义的类别"),
        (lambda t: t.replace('kind = "veto"\nbasis = "REFERENCE §7 测绘地理信息案卷评查标准 [S]：程序违法', 'kind = "veto"\nmax_deduction = 5\nbasis = "REFERENCE §7 测绘地理信息案卷评查标准 [S]：程序违法'), ".max_deduction", "不适用于否决项"),
        (lambda t: t.replace('\nkind = "ordinary"\n', '\nkind = "minor"\n', 1), ".kind", "之一"),
        (lambda t: t.replace("[grades]", "[grade]"), "grade", "未知的键"),
        (lambda t: t.replace("name = ", "name = [", 1), "file", "TOML"),
    ],
)
def test_broken_rubric_files_name_the_file_and_key(tmp_path: Path, change, key, problem):
    path = tmp_path / "评查标准.toml"
    changed = change(SHIPPED)
    assert changed != SHIPPED
    path.write_text(changed, encoding="utf-8")
    with pytest.raises((UserError, UserErrors)) as exc:
        load_rubric(path)
    assert set(codes(exc)) == {"RUBRIC_INVALID"}
    errors = exc.value.errors if isinstance(exc.value, UserErrors) else [exc.value]
    assert any(key in (e.field or "") and problem in e.message and str(path) in e.message for e in errors), messages(exc)


def test_missing_rubric_file(tmp_path: Path):
    with pytest.raises(UserError) as exc:
        load_rubric(tmp_path / "none.toml")
    assert exc.value.code == "RUBRIC_INVALID" and "none.toml" in exc.value.message


# --- scoring ------------------------------------------------------------------------------------


def test_veto_item_fails_the_file_with_zero_points():
    """REFERENCE §7 (surveying & mapping rubric [S]): fewer than 2 officers (APL Art. 42) → 0 / 不合格."""
    result = score(RUBRIC, [Finding("ZT-V3", D(0), "询问笔录仅一名执法人员签名")])
    assert (result.total, result.grade, result.vetoed) == (0, ReviewGrade.FAIL, True)
    clean = score(RUBRIC, [])
    assert (clean.total, clean.grade, clean.vetoed) == (100, ReviewGrade.EXCELLENT, False)


def test_basic_element_problem_bars_excellent_but_not_good():
    """REFERENCE §7 ("一票否决" of 优秀 [S]): no agency seal on the decision → at most 良好, even at 99."""
    result = score(RUBRIC, [Finding("WS-B1", D(1))])
    assert (result.total, result.grade, result.excellent_barred) == (99, ReviewGrade.GOOD, True)
    assert score(RUBRIC, [Finding("WS-04", D(1))]).grade is ReviewGrade.EXCELLENT  # an ordinary item does not bar it
    assert score(RUBRIC, [Finding("WS-B1", D(0))]).grade is ReviewGrade.GOOD  # found, even without a deduction


def test_deductions_capped_per_category_and_total_never_below_zero():
    """Market-regulation deductions (REFERENCE §7 [S]): a category never loses more than its points."""
    procedure = [Finding("CX-02", D(15)), Finding("CX-01", D(1)), Finding("CX-03", D(2)), Finding("CX-04", D(2)), Finding("CX-05", D(2)), Finding("CX-B1", D(3))]
    result = score(RUBRIC, procedure)
    by = {c.code: c for c in result.categories}
    assert (by["procedure"].deducted, by["procedure"].score) == (25, 0)  # 25 of 25, not 25 (sum = 25)
    everything = [Finding(i.code, i.max_deduction) for i in RUBRIC.items if i.kind is not ItemKind.VETO]
    worst = score(RUBRIC, everything)
    assert worst.total == sum(c.points - min(c.points, sum(i.max_deduction for i in RUBRIC.items if i.category == c.code)) for c in RUBRIC.categories)
    assert worst.total >= 0 and all(c.score >= 0 for c in worst.categories)
    assert score(RUBRIC, [Finding("ZT-01", D("7.5")), Finding("GD-01", D("0.5"))]).total == D("92")


@pytest.mark.parametrize(("total", "grade"), [(100, "excellent"), (90, "excellent"), (D("89.5"), "good"), (80, "good"), (D("79.5"), "pass"), (60, "pass"), (D("59.5"), "fail"), (0, "fail")])
def test_grade_lines(total, grade):
    """Grades 优秀/良好/合格/不合格 at the configurable lines (defaults 90/80/60, REFERENCE §7 [R])."""
    assert grade_for(RUBRIC.grades, D(total)).value == grade


def test_findings_are_checked_against_the_rubric():
    bad = [Finding("XX-9", D(1)), Finding("ZT-01", D(11)), Finding("GD-02", D("0.3")), Finding("ZT-V1", D(5)), Finding("CL-01", D(-1))]
    with pytest.raises(UserErrors) as exc:
        score(RUBRIC, bad)
    assert codes(exc) == ["FINDING_ITEM_UNKNOWN", *["FINDING_DEDUCTION_INVALID"] * 4]
    with pytest.raises(UserErrors) as exc:
        score(RUBRIC, [Finding("GD-02", D(1)), Finding("GD-02", D(0))])
    assert codes(exc) == ["FINDING_DUPLICATE"]


def test_assignment_is_balanced_and_never_to_the_agency_or_a_handler():
    a, b, c = (str(uuid.UUID(int=n)) for n in (1, 2, 3))
    ra, rb, rc = Reviewer(uuid.UUID(int=11), uuid.UUID(a)), Reviewer(uuid.UUID(int=12), uuid.UUID(b)), Reviewer(uuid.UUID(int=13), uuid.UUID(int=99))
    drawn = [sampling.Candidate(f"case-{n}", (a, b, c)[n % 3]) for n in range(12)]
    handlers = {"case-2": {rc.id}}  # rc handled case-2 (agency c): rc may not review it
    chosen = assign(drawn, [ra, rb, rc], handlers, {})
    agency_of = {r.id: str(r.agency_id) for r in (ra, rb, rc)}
    assert all(agency_of[chosen[d.case]] != d.agency for d in drawn)
    assert chosen["case-2"] != rc.id
    loads = Counter(chosen.values())
    assert max(loads.values()) - min(loads.values()) <= 1
    with pytest.raises(UserError) as exc:
        assign([sampling.Candidate("case-x", a)], [ra], {}, {a: "某某执法队"})
    assert exc.value.code == "REVIEWER_UNAVAILABLE" and "某某执法队" in exc.value.message


# --- through the API ----------------------------------------------------------------------------

DRAW = """
mutation($input: DrawReviewSampleInput!) {
  drawReviewSample(input: $input) {
    sample { id year percent seed populationSize populationDigest sampleDigest rubric { name grades { excellent good pass } }
             organiser { name }
             reviews { id caseId agency { id name } reviewer { id } } }
    errors { code message field }
  }
}"""

RECORD = """
mutation($input: RecordCaseReviewInput!) {
  recordCaseReview(input: $input) {
    review { id score grade vetoed version reviewed comment findings { itemCode deduction note } }
    errors { code message field }
  }
}"""

REVIEWS = """
query($filter: CaseReviewFilter) {
  caseReviews(filter: $filter, first: 100) { totalCount edges { node { id caseId grade score vetoed reviewed agency { id name } } } }
}"""

RATES = """
query($filter: CaseReviewFilter) {
  reviewPassRates(filter: $filter) { agency { id name } assigned reviewed passed excellent vetoed rate }
}"""


def uid(gid: str) -> uuid.UUID:
    return parse_global_id(gid)[1]


async def close_cases(sessions) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Give the demo's closed cases closing dates in YEAR (one in the year before, outside every
    population); returns the population of YEAR by agency."""
    async with transaction(sessions) as session:
        closed = (await session.execute(  # the first county's: its supervisor draws from them
            sa.select(Case.id, Case.agency_id).join(Agency, Agency.id == Case.agency_id).join(Region, Region.id == Agency.region_id)
            .where(Case.status == CaseStatus.CLOSED, Region.code.startswith("330902")).order_by(Case.id)
        )).all()
        for n, (case_id, _) in enumerate(closed):
            on = dt.date(YEAR - 1, 12, 31) if n == 0 else dt.date(YEAR, 1, 2) + dt.timedelta(days=3 * n)
            await session.execute(sa.update(Case).where(Case.id == case_id).values(closed_on=on))
    population: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for case_id, agency_id in closed[1:]:
        population[agency_id].append(case_id)
    return population


async def people(sessions) -> tuple[dict[uuid.UUID, Agency], list[Officer], dict[uuid.UUID, set[uuid.UUID]]]:
    async with sessions() as session:
        agencies = {a.id: a for a in (await session.execute(sa.select(Agency))).scalars()}
        officers = list((await session.execute(sa.select(Officer).order_by(Officer.id))).scalars())
        handlers: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for case_id, officer_id in (await session.execute(sa.select(CaseOfficer.case_id, CaseOfficer.officer_id))).all():
            handlers[case_id].add(officer_id)
    return agencies, officers, handlers


def officer_token(o: Officer) -> str:
    role = {OfficerRole.AGENCY_HEAD: "agency_head", OfficerRole.LEGAL_REVIEWER: "legal_reviewer"}.get(o.role, "officer")
    return token(f"officer:{o.id}", [role], o.agency_id)


def reviewers_from(agencies: dict[uuid.UUID, Agency], officers: list[Officer]) -> list[Officer]:
    """One legal reviewer or officer from the justice bureau, the county bureau and a township team."""
    picked = []
    for kind in (AgencyKind.JUSTICE_BUREAU, AgencyKind.COMPREHENSIVE_BUREAU, AgencyKind.TOWNSHIP_TEAM):
        picked.append(next(o for o in officers if agencies[o.agency_id].kind is kind and o.role is not OfficerRole.AUXILIARY))
    return picked


async def other_county_supervisor(sessions, agencies: dict[uuid.UUID, Agency]) -> str:
    """A justice bureau of a neighbouring county (same city), with one officer: its supervisor token."""
    async with transaction(sessions) as session:
        home = next(a for a in agencies.values() if a.kind is AgencyKind.JUSTICE_BUREAU)
        county = await session.get(Region, home.region_id)
        region = Region(code="330999", name="邻县", level=RegionLevel.COUNTY, parent_id=county.parent_id)
        session.add(region)
        await session.flush()
        justice = Agency(name="邻县司法局", short_name="邻司", kind=AgencyKind.JUSTICE_BUREAU, level=RegionLevel.COUNTY, region_id=region.id)
        session.add(justice)
        await session.flush()
        officer = Officer(name="邻县监督员", certificate_number="LX-0001", certificate_valid_from=dt.date(2020, 1, 1),
                          certificate_valid_until=dt.date(2030, 1, 1), status=CertificateStatus.VALID, role=OfficerRole.OFFICER, agency_id=justice.id)
        session.add(officer)
        await session.flush()
        return token(f"officer:{officer.id}", ["supervisor"], justice.id)


async def draw(api: Api, **input) -> dict:
    return (await api(DRAW, {"input": {"year": YEAR, "percent": 30, **input}}))["drawReviewSample"]


async def test_draw_is_reproducible_assigns_outside_reviewers_and_stays_in_jurisdiction(api, demo, demo_tokens):
    """Issue 7 item 1: closed cases drawn by random sample at a set ratio (sampling.py, stratified by
    agency), reviewers never from the agency under review nor handlers of the case."""
    population = await close_cases(demo)
    agencies, officers, _ = await people(demo)
    busiest = max(population, key=lambda a: len(population[a]))
    # reviewers: the justice bureau, the county bureau, and the busiest agency itself; the county
    # bureau's reviewer also took part in handling every case of the busiest agency
    reviewers = [*reviewers_from(agencies, officers)[:2], next(o for o in officers if o.agency_id == busiest and o.role is not OfficerRole.AUXILIARY)]
    async with transaction(demo) as session:
        session.add_all(CaseOfficer(case_id=c, officer_id=reviewers[1].id, position=5) for c in population[busiest])
    agencies, officers, handlers = await people(demo)
    supervisor = api.as_(demo_tokens["supervisor"])
    ids = [global_id("Officer", o.id) for o in reviewers]

    first = await draw(supervisor, seed="定海2025评查", reviewerIds=ids)
    assert first["errors"] == []
    sample = first["sample"]
    assert sample["populationSize"] == sum(len(v) for v in population.values())
    assert sample["organiser"]["name"] == "舟山市定海区司法局"
    assert sample["rubric"]["grades"] == {"excellent": 90.0, "good": 80.0, "pass": 60.0}
    drawn = [sampling.Candidate(str(uid(r["caseId"])), str(uid(r["agency"]["id"]))) for r in sample["reviews"]]
    assert [(c.agency, c.case) for c in drawn] == sorted((c.agency, c.case) for c in drawn)  # listed in draw order
    # stratified by agency: ceil(30 % of each agency's closed cases), at least one each
    per_agency = Counter(uuid.UUID(c.agency) for c in drawn)
    assert per_agency == {a: math.ceil(len(cases) * 30 / 100) for a, cases in population.items()}
    assert all(uuid.UUID(c.case) in population[uuid.UUID(c.agency)] for c in drawn)
    # the recorded digests are those of the population and of the drawn cases (sampling.digest)
    everything = [sampling.Candidate(str(c), str(a)) for a, cases in population.items() for c in cases]
    assert sample["populationDigest"] == sampling.digest(everything)
    assert sample["sampleDigest"] == sampling.digest(drawn) == sampling.digest(sampling.sample(everything, 30, "定海2025评查"))
    # never a reviewer of the reviewed agency, never a handler of the case; the load is shared
    agency_of = {o.id: o.agency_id for o in officers}
    for r in sample["reviews"]:
        reviewer = uid(r["reviewer"]["id"])
        assert agency_of[reviewer] != uid(r["agency"]["id"])
        assert reviewer not in handlers[uid(r["caseId"])]
    assigned = Counter(r["reviewer"]["id"] for r in sample["reviews"])
    assert len(assigned) == 3 and max(assigned.values()) - min(assigned.values()) <= 1
    assert {uid(r["agency"]["id"]) for r in sample["reviews"] if uid(r["reviewer"]["id"]) == reviewers[1].id}.isdisjoint({busiest})

    again = await draw(supervisor, seed="定海2025评查", reviewerIds=ids)
    assert again["sample"]["sampleDigest"] == sample["sampleDigest"]
    assert sorted(r["caseId"] for r in again["sample"]["reviews"]) == sorted(r["caseId"] for r in sample["reviews"])
    check = await supervisor("query($id: ID!) { reviewSampleVerification(sampleId: $id) { populationMatches drawMatches sampleDigest recomputedSampleDigest } }", {"id": sample["id"]})
    assert check["reviewSampleVerification"] == {"populationMatches": True, "drawMatches": True, "sampleDigest": sample["sampleDigest"], "recomputedSampleDigest": sample["sampleDigest"]}

    generated = await draw(supervisor, reviewerIds=ids, percent=10)
    assert generated["errors"] == [] and len(generated["sample"]["seed"]) == 32  # a random seed, recorded

    async def refused(api_: Api, **input) -> list[str]:
        result = await draw(api_, **{"reviewerIds": ids, **input})
        assert result["sample"] is None
        return [(e["code"], e["field"], e["message"]) for e in result["errors"]]

    own = [global_id("Officer", o.id) for o in officers if o.agency_id == busiest and o.role is not OfficerRole.AUXILIARY]
    [(code, field, message)] = await refused(supervisor, agencyIds=[global_id("Agency", busiest)], reviewerIds=own)
    assert (code, field) == ("REVIEWER_UNAVAILABLE", "reviewerIds") and agencies[busiest].name in message
    assert (await refused(supervisor, year=2020))[0][0] == "SAMPLE_POPULATION_EMPTY"
    assert (await refused(supervisor, percent=0))[0][0] == "SAMPLE_PERCENT_INVALID"
    assert (await refused(supervisor, name="评" * 201))[0][:2] == ("SAMPLE_NAME_INVALID", "name")
    assert (await refused(supervisor, seed=" "))[0][:2] == ("SAMPLE_SEED_INVALID", "seed")
    assert (await refused(supervisor, reviewerIds=[]))[0][0] == "REVIEWERS_REQUIRED"
    auxiliary = next(o for o in officers if o.role is OfficerRole.AUXILIARY)
    assert (await refused(supervisor, reviewerIds=[global_id("Officer", auxiliary.id)]))[0][0] == "REVIEWER_INVALID"
    assert (await refused(api.as_(demo_tokens["bureau_head"])))[0][0] == "FORBIDDEN"  # only supervisors draw

    # a supervisor of another county neither draws from this county nor reads its samples
    other = api.as_(await other_county_supervisor(demo, agencies))
    assert (await refused(other, agencyIds=[global_id("Agency", busiest)]))[0][:2] == ("AGENCY_OUT_OF_REACH", "agencyIds")
    assert (await refused(other, reviewerIds=[global_id("Officer", reviewers[0].id)]))[0][0] == "REVIEWER_INVALID"
    seen = await other("query($id: ID!) { reviewSamples { totalCount } reviewSample(id: $id) { id } node(id: $id) { id } }", {"id": sample["id"]})
    assert seen == {"reviewSamples": {"totalCount": 0}, "reviewSample": None, "node": None}
    assert (await other(REVIEWS))["caseReviews"]["totalCount"] == 0
    assert (await other(RATES))["reviewPassRates"] == []
    result = (await other(RECORD, {"input": {"reviewId": sample["reviews"][0]["id"], "findings": []}}))["recordCaseReview"]
    assert [e["code"] for e in result["errors"]] == ["REVIEW_NOT_FOUND"]
    assert (await supervisor("{ reviewSamples { totalCount } }"))["reviewSamples"]["totalCount"] == 3


OVERRIDE = SHIPPED.replace('name = "行政处罚案卷评查标准（默认）"', 'name = "某市案卷评查标准"').replace("excellent = 90", "excellent = 95").replace(
    'code = "GD-05"', 'code = "GD-99"'
)


async def test_recording_grades_against_the_frozen_rubric_and_pass_rates_recount(api, demo, demo_tokens, database_url, plugins, tmp_path):
    """Scores per item (REFERENCE §7: veto → 0 / 不合格, 一票否决 of 优秀, deductions), the pass rate per
    agency equal to a recount, and a deployment's rubric file (cut-offs vary by region, §7)."""
    await close_cases(demo)
    agencies, officers, handlers = await people(demo)
    reviewers = reviewers_from(agencies, officers)
    supervisor = api.as_(demo_tokens["supervisor"])
    sample = (await draw(supervisor, seed="rates", percent=40, reviewerIds=[global_id("Officer", o.id) for o in reviewers]))["sample"]
    rows = sample["reviews"]
    by_id = {o.id: o for o in officers}

    async def record(review: dict, findings: list[dict], as_: Api | None = None, **extra) -> dict:
        caller = as_ or api.as_(officer_token(by_id[uid(review["reviewer"]["id"])]))
        return (await caller(RECORD, {"input": {"reviewId": review["id"], "findings": findings, **extra}}))["recordCaseReview"]

    plans = [
        ([], (100.0, "EXCELLENT", False)),
        ([{"itemCode": "ZT-V3", "note": "仅一名执法人员"}], (0.0, "FAIL", True)),  # APL Art. 42 veto (REFERENCE §7)
        ([{"itemCode": "WS-B1", "deduction": 1}], (99.0, "GOOD", False)),  # no seal bars 优秀 (REFERENCE §7)
        ([{"itemCode": "CX-02", "deduction": 15}, {"itemCode": "ZT-01", "deduction": 10}, {"itemCode": "GD-01", "deduction": 0.5}], (74.5, "PASS", False)),
        ([{"itemCode": "CX-02", "deduction": 15}, {"itemCode": "SS-01", "deduction": 5}, {"itemCode": "CL-01", "deduction": 5},
          {"itemCode": "CL-03", "deduction": 5}, {"itemCode": "FL-B2", "deduction": 5}, {"itemCode": "WS-05", "deduction": 4},
          {"itemCode": "ZT-01", "deduction": 10}, {"itemCode": "GD-03", "deduction": 2}], (49.0, "FAIL", False)),
    ]
    assert len(rows) > len(plans)
    for review, (findings, expected) in zip(rows, plans):
        result = await record(review, findings, comment="评查意见")
        assert result["errors"] == []
        got = result["review"]
        assert (got["score"], got["grade"], got["vetoed"]) == expected and got["reviewed"]

    # an assigned reviewer from another agency reads the case file under review, not its neighbours
    reviewer_api = api.as_(officer_token(by_id[uid(rows[0]["reviewer"]["id"])]))
    opened = await reviewer_api("query($id: ID!) { node(id: $id) { ... on Case { id } } }", {"id": rows[0]["caseId"]})
    assert opened["node"] == {"id": rows[0]["caseId"]}
    assigned = {r["caseId"] for r in rows if r["reviewer"]["id"] == rows[0]["reviewer"]["id"]}
    listed = {e["node"]["id"] for e in (await reviewer_api("{ cases(first: 100) { edges { node { id agency { id } } } } }"))["cases"]["edges"]}
    assert assigned <= listed

    # re-recording replaces the findings, with the version checked
    target = rows[3]
    stale = await record(target, [{"itemCode": "GD-02", "deduction": 1}], version=1)
    assert [e["code"] for e in stale["errors"]] == ["VERSION_CONFLICT"]
    replaced = (await record(target, [{"itemCode": "GD-02", "deduction": 1, "note": "封面缺案由"}], version=2))["review"]
    assert replaced["findings"] == [{"itemCode": "GD-02", "deduction": 1.0, "note": "封面缺案由"}] and replaced["score"] == 99.0
    assert replaced["grade"] == "EXCELLENT" and replaced["version"] == 3
    errors = (await record(rows[5], [{"itemCode": "ZT-01", "deduction": 10.5}, {"itemCode": "NOPE"}]))["errors"]
    assert [e["code"] for e in errors] == ["FINDING_DEDUCTION_INVALID", "FINDING_ITEM_UNKNOWN"]
    assert [e["field"] for e in errors] == ["findings[0].deduction", "findings[1].itemCode"]
    assert "最多扣 10 分，不能扣 10.5 分" in errors[0]["message"]
    early = await record(rows[5], [], on="2020-01-01")
    assert [(e["code"], e["field"]) for e in early["errors"]] == [("REVIEW_DATE_INVALID", "on")]

    # the reviewed agency's staff read their reviews but cannot record; a stranger does not see them
    reviewed_agency = uid(rows[0]["agency"]["id"])
    staff = next(o for o in officers if o.agency_id == reviewed_agency and o not in reviewers and o.role is not OfficerRole.AUXILIARY)
    staff_api = api.as_(officer_token(staff))
    own = (await staff_api(REVIEWS, {"filter": {"sampleId": sample["id"]}}))["caseReviews"]
    assert own["totalCount"] >= 1 and {e["node"]["agency"]["id"] for e in own["edges"]} <= {global_id("Agency", a) for a in agencies if _below(agencies, a, reviewed_agency)}
    assert [e["code"] for e in (await record(rows[0], [], as_=staff_api))["errors"]] == ["FORBIDDEN"]
    # a supervisor in reach may record too
    assert (await record(rows[6], [{"itemCode": "GD-04", "deduction": 1}], as_=supervisor))["review"]["score"] == 99.0

    # pass rate per agency equals a recount from the rows
    listed = (await supervisor(REVIEWS, {"filter": {"sampleId": sample["id"]}}))["caseReviews"]["edges"]
    assert len(listed) == len(rows)
    recount: dict[str, Counter] = defaultdict(Counter)
    for edge in listed:
        node = edge["node"]
        tally = recount[node["agency"]["id"]]
        tally["assigned"] += 1
        tally["reviewed"] += node["reviewed"]
        tally["passed"] += node["grade"] in ("EXCELLENT", "GOOD", "PASS")
        tally["excellent"] += node["grade"] == "EXCELLENT"
        tally["vetoed"] += node["vetoed"]
    rates = (await supervisor(RATES, {"filter": {"sampleId": sample["id"]}}))["reviewPassRates"]
    assert {r["agency"]["id"] for r in rates} == set(recount)
    for r in rates:
        t = recount[r["agency"]["id"]]
        assert {k: r[k] for k in ("assigned", "reviewed", "passed", "excellent", "vetoed")} == {k: t[k] for k in ("assigned", "reviewed", "passed", "excellent", "vetoed")}
        expected = (Decimal(t["passed"]) * 100 / t["reviewed"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if t["reviewed"] else None
        assert r["rate"] == (None if expected is None else str(expected))
    assert sum(r["reviewed"] for r in rates) == 6 and sum(r["passed"] for r in rates) == 4
    async with demo() as session:
        audited = await session.scalar(sa.select(sa.func.count()).select_from(AuditRecord).where(AuditRecord.action == "case_review.recorded"))
    assert audited == 7

    # a deployment's rubric file: used by the app for new samples; old samples keep their frozen rubric
    path = tmp_path / "rubric.toml"
    path.write_text(OVERRIDE, encoding="utf-8")
    app = create_app(settings_for(database_url, review_rubric_file=path), plugins)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhifa.test") as client:
        local = Api(client, demo_tokens["supervisor"])
        shown = (await local("{ reviewRubric { name grades { excellent } categories { code items { code } } } }"))["reviewRubric"]
        assert shown["name"] == "某市案卷评查标准" and shown["grades"]["excellent"] == 95.0
        assert "GD-99" in {i["code"] for c in shown["categories"] for i in c["items"]}
        # the old sample is scored by its frozen default rubric: 93 is 优秀 there (≥ 90), and GD-99 unknown
        old = rows[7]
        result = (await local(RECORD, {"input": {"reviewId": old["id"], "findings": [{"itemCode": "ZT-01", "deduction": 7}]}}))["recordCaseReview"]
        assert (result["review"]["score"], result["review"]["grade"]) == (93.0, "EXCELLENT")
        result = (await local(RECORD, {"input": {"reviewId": old["id"], "findings": [{"itemCode": "GD-99", "deduction": 1}]}}))["recordCaseReview"]
        assert [e["code"] for e in result["errors"]] == ["FINDING_ITEM_UNKNOWN"]
        new = (await draw(local, seed="rates", percent=40, reviewerIds=[global_id("Officer", o.id) for o in reviewers]))["sample"]
        assert new["rubric"]["name"] == "某市案卷评查标准"
        result = (await local(RECORD, {"input": {"reviewId": new["reviews"][0]["id"], "findings": [{"itemCode": "ZT-01", "deduction": 7}]}}))["recordCaseReview"]
        assert (result["review"]["score"], result["review"]["grade"]) == (93.0, "GOOD")  # 93 < 95 in this deployment
    assert (await api.as_(demo_tokens["supervisor"])("{ reviewRubric { name } }"))["reviewRubric"]["name"] == "行政处罚案卷评查标准（默认）"

    broken = tmp_path / "broken.toml"
    broken.write_text(SHIPPED.replace("points = 25", "points = 20"), encoding="utf-8")
    with pytest.raises(UserErrors) as exc:
        create_app(settings_for(database_url, review_rubric_file=broken), plugins)
    assert codes(exc) == ["RUBRIC_INVALID"] and "broken.toml" in messages(exc)


def _below(agencies: dict[uuid.UUID, Agency], agency: uuid.UUID, root: uuid.UUID) -> bool:
    while agency is not None:
        if agency == root:
            return True
        agency = agencies[agency].parent_id
    return False

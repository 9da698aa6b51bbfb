"""Problem detection (问题预警): every rule with a record that triggers it and one that does not
(pure rules), then the supervision view over the real HTTP API: a county supervisor sees its
townships' alerts and not another county's, and a special explanation clears NO_ENFORCEMENT_ACT.

Sources: APL = 行政处罚法 (2021); 000 Shaoxing; 001 Anshan; 003 Luoyang; 004 Lingxi."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from stdnum.cn import uscc

from zhifa.core.cases.models import Case, CaseDeadline, CaseOfficer, CaseStatus, Procedure
from zhifa.core.catalog.models import CatalogItemVersion, ItemKind
from zhifa.core.clock import legal_today
from zhifa.core.entities.models import Entity, EntityKind
from zhifa.core.ids import new_id
from zhifa.core.people.models import Agency, AgencyKind, CertificateStatus, Officer, OfficerRole, Region, RegionLevel
from zhifa.core.complaints.models import Complaint, ComplaintChannel, ComplaintKind, ComplaintStatus
from zhifa.core.inspections.models import Inspection, InspectionInspector, InspectionKind, InspectionStatus
from zhifa.core.people.models import AgencyDomain, OfficerDomain, Posting
from zhifa.core.supervision import alerts as r
from zhifa.schema.kit.relay import global_id, parse_global_id
from conftest import token

AS_OF = dt.date(2026, 6, 15)
CREDIT_CODE = "91330903MA0000017" + uscc.calc_check_digit("91330903MA0000017")
A1, A2, A3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def codes(alerts) -> list[str]:
    return [a.code for a in alerts]


# --- deadlines --------------------------------------------------------------------------------


def deadline(kind="DECISION", due=AS_OF - dt.timedelta(days=1), met=None, published=None) -> r.DeadlineRow:
    return r.DeadlineRow(uuid.uuid4(), A1, "定综执罚〔2026〕1号", kind, "作出处罚决定期限", due, met, "行政处罚法第六十条", published)


def test_case_deadline_overdue_apl_art_60():
    """A step past its last day and not met is overdue; met on the last day, or due today, is not."""
    late = deadline()
    found = r.case_deadlines_overdue([late, deadline(met=AS_OF - dt.timedelta(days=1)), deadline(due=AS_OF), deadline("PUBLICATION")], AS_OF)
    assert codes(found) == ["CASE_DEADLINE_OVERDUE"]
    assert found[0].subject_id == late.case_id and found[0].subject_kind == "Case"
    assert found[0].details["deadline"] == "DECISION" and found[0].details["days_overdue"] == 1
    # met after the day we look from: it was overdue then
    assert codes(r.case_deadlines_overdue([deadline(met=AS_OF + dt.timedelta(days=1))], AS_OF)) == ["CASE_DEADLINE_OVERDUE"]


def test_publication_overdue_guobanfa_2018_118():
    """A decision unpublished past the publication deadline; published in time (or the deadline met) is not."""
    rows = [
        deadline("PUBLICATION"),
        deadline("PUBLICATION", published=AS_OF - dt.timedelta(days=3)),
        deadline("PUBLICATION", met=AS_OF - dt.timedelta(days=2)),
        deadline("DECISION"),
    ]
    found = r.publication_overdue(rows, AS_OF)
    assert codes(found) == ["PUBLICATION_OVERDUE"] and found[0].subject_id == rows[0].case_id


def test_complaint_overdue_reuses_the_ledger_rule_samr_art_14():
    late_reply = r.ComplaintRow(uuid.uuid4(), A1, "投1", AS_OF - dt.timedelta(days=1), None, AS_OF + dt.timedelta(days=20), None)
    on_time = r.ComplaintRow(uuid.uuid4(), A1, "投2", AS_OF - dt.timedelta(days=5), AS_OF - dt.timedelta(days=5), AS_OF, None)
    late_both = r.ComplaintRow(uuid.uuid4(), A1, "投3", AS_OF - dt.timedelta(days=40), None, AS_OF - dt.timedelta(days=10), None)
    found = r.complaints_overdue([late_reply, on_time, late_both], AS_OF)
    assert [a.subject_id for a in found] == [late_reply.id, late_both.id]
    assert [d["deadline"] for d in found[1].details["overdue"]] == ["REPLY", "HANDLING"]


# --- two certified officers, never auxiliary staff alone (APL Art. 42; source 001) ----------------


def staff(role=OfficerRole.OFFICER, status=CertificateStatus.VALID, until=dt.date(2030, 1, 1), domains=("market",)) -> r.Staff:
    if role is OfficerRole.AUXILIARY:
        return r.Staff(uuid.uuid4(), A1, role, status, None, None, frozenset())
    return r.Staff(uuid.uuid4(), A1, role, status, dt.date(2020, 1, 1), until, frozenset(domains))


def act(*people: r.Staff, kind="Case") -> r.Act:
    return r.Act(kind, uuid.uuid4(), A1, AS_OF, ("market",), tuple(p.id for p in people))


def test_acts_need_two_certified_officers_apl_art_42_and_never_auxiliary_alone_anshan_001():
    ok, ok2 = staff(), staff(OfficerRole.AGENCY_HEAD)
    expired = staff(until=AS_OF - dt.timedelta(days=1))
    suspended = staff(status=CertificateStatus.SUSPENDED)
    other_domain = staff(domains=("ecology",))
    aux, aux2 = staff(OfficerRole.AUXILIARY), staff(OfficerRole.AUXILIARY)
    people = {p.id: p for p in (ok, ok2, expired, suspended, other_domain, aux, aux2)}
    acts = [
        act(ok, ok2),  # fine
        act(ok, expired),  # certificate lapsed before the act
        act(ok, suspended, kind="Inspection"),
        act(ok, other_domain),  # certificate does not cover the domain
        act(ok, aux),  # one officer and a helper: too few, but not "alone"
        act(aux, aux2),  # helpers alone
    ]
    found = r.acting_staff(acts, people)
    assert [(a.code, a.subject_id) for a in found] == [
        ("TOO_FEW_OFFICERS", acts[1].id), ("TOO_FEW_OFFICERS", acts[2].id), ("TOO_FEW_OFFICERS", acts[3].id),
        ("TOO_FEW_OFFICERS", acts[4].id), ("AUXILIARY_ALONE", acts[5].id),
    ]
    assert found[1].subject_kind == "Inspection" and found[0].details["certified"] == 1 and found[0].details["required"] == 2
    # valid on the last day of the certificate
    last_day = staff(until=AS_OF)
    assert r.acting_staff([act(ok, last_day)], {ok.id: ok, last_day.id: last_day}) == []


# --- 同案异罚 (source 001) and discretion departures -------------------------------------------------


def decided(fine, item="MKT-001", tier="T2", agency=A1, recommended=None, reasons=None) -> r.Decided:
    discretion = {"tier": tier, "recommended": recommended, "departure_reasons": reasons}
    return r.Decided(uuid.uuid4(), agency, "案", item, AS_OF, fine, discretion)


def test_disparate_penalty_same_item_and_tier_anshan_001_at_and_past_the_threshold():
    """Group (item, tier) of ≥ 3 fined cases, median M: flagged when fine ≥ 2M or fine ≤ M/2."""
    base = [decided(100_000, agency=A1), decided(100_000, agency=A2), decided(100_000, agency=A2)]
    heavy, almost = decided(200_000, agency=A3), decided(199_999)
    found = r.disparate_penalty([*base, heavy])
    assert [a.subject_id for a in found] == [heavy.case_id]
    d = found[0].details
    assert (d["n"], d["median_fen"], d["fine_fen"], d["ratio"], d["direction"]) == (4, "100000", 200_000, "2.00", "heavier")
    assert d["agencies"] == sorted(str(x) for x in (A1, A2, A3))
    assert r.disparate_penalty([*base, almost]) == []
    light, nearly = decided(50_000), decided(50_001)
    assert [a.subject_id for a in r.disparate_penalty([*base, light])] == [light.case_id]
    assert r.disparate_penalty([*base, nearly]) == []
    # too small a group, another tier, another item, no fine: never compared
    assert r.disparate_penalty([decided(100_000), decided(900_000)]) == []
    assert r.disparate_penalty([*base, decided(900_000, tier="T3"), decided(900_000, item="MKT-002"), decided(0)]) == []
    # the threshold is a setting
    assert r.disparate_penalty([*base, almost], r.AlertPolicy(disparity_factor=1)) != []


def test_discretion_departure_with_and_without_reasons_guobanfa_2022_27():
    inside = decided(5_000, recommended=[1_000, 5_000])
    above = decided(6_000, recommended=[1_000, 5_000], reasons="情节特别严重，多次违法")
    below = decided(500, recommended=[1_000, 5_000], reasons="  ")
    none = decided(100, recommended=None)
    found = r.discretion_departure([inside, above, below, none])
    assert [(a.code, a.subject_id) for a in found] == [("DISCRETION_DEPARTURE", above.case_id), ("DISCRETION_DEPARTURE_UNREASONED", below.case_id)]
    assert found[0].details["direction"] == "above" and found[0].details["reasons_given"] is True
    assert found[1].level is r.Severity.SERIOUS and found[0].level is r.Severity.NOTICE


# --- 专项说明 (source 003 item 10) --------------------------------------------------------------------


def test_no_enforcement_act_unless_acted_or_explained_luoyang_003_item_10():
    held = [r.Holding(A1, "market", "agency_domain"), r.Holding(A1, "ecology", "agency_domain"), r.Holding(A2, "market", "delegation", 4)]
    found = r.no_enforcement_act(held, acted={(A1, "market")}, explained={(A2, "market")}, year=2025, as_of=AS_OF)
    assert [(a.agency_id, a.details["domain"]) for a in found] == [(A1, "ecology")]
    assert found[0].details["period_complete"] is True and "行政许可" in found[0].details["permits"]
    assert r.no_enforcement_act(held, set(), set(), 2026, AS_OF)[0].details["period_complete"] is False
    # a county bureau acts through the teams below it: their decisions count for it, not the other way round
    bureau_held = [r.Holding(A3, "market", "agency_domain"), r.Holding(A1, "market", "agency_domain")]
    found = r.no_enforcement_act(bureau_held, acted={(A1, "market")}, explained=set(), year=2025, as_of=AS_OF, parent_of={A1: A3, A3: None})
    assert found == []
    found = r.no_enforcement_act(bureau_held, acted={(A3, "market")}, explained=set(), year=2025, as_of=AS_OF, parent_of={A1: A3, A3: None})
    assert [a.agency_id for a in found] == [A1]


# --- rotation (source 004) ------------------------------------------------------------------------------


def posting(officer, region, start, end=None, head=False, agency=A1) -> r.PostingRow:
    return r.PostingRow(officer, agency, region, head, start, end)


def test_rotation_five_years_in_one_region_three_as_head_lingxi_004():
    o1, o2, o3, o4, o5 = (uuid.uuid4() for _ in range(5))
    here, there = uuid.uuid4(), uuid.uuid4()
    five_ago = dt.date(2021, 6, 15)
    rows = [
        # consecutive postings in the same region (different agencies) count together: due
        posting(o1, here, five_ago, dt.date(2023, 1, 1), agency=A2), posting(o1, here, dt.date(2023, 1, 2)),
        # one day short of five years: not due
        posting(o2, here, five_ago + dt.timedelta(days=1)),
        # a posting elsewhere breaks the run: not due
        posting(o3, here, dt.date(2015, 1, 1), dt.date(2022, 12, 31)), posting(o3, there, dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
        posting(o3, here, dt.date(2023, 7, 1)),
        # three years as head (two head postings in different regions): due
        posting(o4, there, dt.date(2023, 1, 1), dt.date(2024, 1, 1), head=True), posting(o4, here, dt.date(2023, 6, 15) + dt.timedelta(days=200), head=True),
        # a finished posting: not serving, not due
        posting(o5, here, dt.date(2010, 1, 1), dt.date(2020, 1, 1)),
    ]
    found = r.rotation_due(rows, AS_OF)
    assert sorted((a.subject_id, tuple(x["rule"] for x in a.details["reasons"])) for a in found) == sorted([(o1, ("region",)), (o4, ("head",))])
    assert next(a for a in found if a.subject_id == o1).agency_id == A1
    # as head one day short of three years: not due
    assert r.rotation_due([posting(o4, here, dt.date(2023, 6, 16), head=True)], AS_OF) == []


# --- staffing (source 000) ----------------------------------------------------------------------------------


def test_front_line_at_least_85_percent_of_the_county_department_shaoxing_000():
    bureau = r.AgencyRow(uuid.uuid4(), None, uuid.uuid4(), AgencyKind.COMPREHENSIVE_BUREAU)
    team = r.AgencyRow(uuid.uuid4(), bureau.id, uuid.uuid4(), AgencyKind.PROFESSIONAL_TEAM)
    justice = r.AgencyRow(uuid.uuid4(), None, bureau.region_id, AgencyKind.JUSTICE_BUREAU)

    def people(front: int, others: int, helpers: int = 5) -> list[r.Staff]:
        rows = [r.Staff(uuid.uuid4(), team.id, OfficerRole.OFFICER, CertificateStatus.VALID, dt.date(2020, 1, 1), dt.date(2030, 1, 1)) for _ in range(front)]
        rows += [r.Staff(uuid.uuid4(), bureau.id, OfficerRole.LEGAL_REVIEWER, CertificateStatus.VALID, dt.date(2020, 1, 1), dt.date(2030, 1, 1)) for _ in range(others)]
        rows += [r.Staff(uuid.uuid4(), team.id, OfficerRole.AUXILIARY, CertificateStatus.VALID, None, None) for _ in range(helpers)]
        rows += [r.Staff(uuid.uuid4(), justice.id, OfficerRole.LEGAL_REVIEWER, CertificateStatus.VALID, dt.date(2020, 1, 1), dt.date(2030, 1, 1))] * 3
        return rows

    agencies = [bureau, team, justice]
    assert r.front_line_ratio(agencies, people(17, 3), AS_OF) == []  # exactly 85%, auxiliaries and the justice bureau not counted
    found = r.front_line_ratio(agencies, people(16, 3), AS_OF)  # 84.2%
    assert codes(found) == ["STAFFING_FRONT_LINE_BELOW_RATIO"] and found[0].agency_id == bureau.id
    assert (found[0].details["front_line"], found[0].details["establishment"], found[0].details["percent"]) == (16, 19, "84.2")


def test_township_officers_eight_in_key_townships_three_elsewhere_shaoxing_000():
    county = r.RegionRow(uuid.uuid4(), None, RegionLevel.COUNTY, False, "县")
    key = r.RegionRow(uuid.uuid4(), county.id, RegionLevel.TOWNSHIP, True, "重点镇")
    plain = r.RegionRow(uuid.uuid4(), county.id, RegionLevel.TOWNSHIP, False, "一般镇")
    bare = r.RegionRow(uuid.uuid4(), county.id, RegionLevel.TOWNSHIP, False, "无队镇")
    bureau = r.AgencyRow(uuid.uuid4(), None, county.id, AgencyKind.COMPREHENSIVE_BUREAU)
    key_team = r.AgencyRow(uuid.uuid4(), bureau.id, key.id, AgencyKind.TOWNSHIP_TEAM)
    plain_team = r.AgencyRow(uuid.uuid4(), bureau.id, plain.id, AgencyKind.TOWNSHIP_TEAM)

    def certified(agency, n, role=OfficerRole.OFFICER):
        return [r.Staff(uuid.uuid4(), agency.id, role, CertificateStatus.VALID, dt.date(2020, 1, 1), dt.date(2030, 1, 1)) for _ in range(n)]

    helpers = [r.Staff(uuid.uuid4(), plain_team.id, OfficerRole.AUXILIARY, CertificateStatus.VALID, None, None)] * 4
    regions, agencies = [county, key, plain, bare], [bureau, key_team, plain_team]
    enough = [*certified(key_team, 7), *certified(key_team, 1, OfficerRole.AGENCY_HEAD), *certified(plain_team, 3), *helpers]
    found = r.township_staffing(regions, agencies, enough, AS_OF)
    assert [(a.subject_id, a.agency_id, a.details["officers"]) for a in found] == [(bare.id, bureau.id, 0)]
    short = [*certified(key_team, 7), *certified(plain_team, 2), *helpers]
    found = r.township_staffing(regions, agencies, short, AS_OF)
    assert [(a.subject_id, a.agency_id, a.details["officers"], a.details["required"]) for a in found] == [
        (key.id, key_team.id, 7, 8), (plain.id, plain_team.id, 2, 3), (bare.id, bureau.id, 0, 3)
    ]


# --- inspection ceiling ---------------------------------------------------------------------------------------


def test_inspection_ceiling_exceeded_charged_to_the_inspection_that_went_over():
    busy, calm = uuid.uuid4(), uuid.uuid4()
    visits = [
        r.Visit(uuid.uuid4(), busy, A1, dt.date(2026, 1, 5)),
        r.Visit(uuid.uuid4(), busy, A2, dt.date(2026, 3, 5)),
        r.Visit(uuid.uuid4(), busy, A3, dt.date(2026, 5, 5)),
        r.Visit(uuid.uuid4(), calm, A1, dt.date(2026, 2, 1)),
        r.Visit(uuid.uuid4(), calm, A1, dt.date(2026, 4, 1)),  # at the ceiling, not past it
    ]
    found = r.inspection_ceiling(visits, 2026)
    assert [(a.subject_id, a.agency_id, a.details["count"], a.details["ceiling"]) for a in found] == [(busy, A3, 3, 2)]
    assert found[0].subject_kind == "Entity" and found[0].details["exceeding_inspection"] == str(visits[2].inspection_id)


def test_every_rule_is_listed_with_a_source():
    assert set(r.RULES) >= {
        "CASE_DEADLINE_OVERDUE", "PUBLICATION_OVERDUE", "COMPLAINT_OVERDUE", "TOO_FEW_OFFICERS", "AUXILIARY_ALONE",
        "DISPARATE_PENALTY", "DISCRETION_DEPARTURE", "DISCRETION_DEPARTURE_UNREASONED", "NO_ENFORCEMENT_ACT",
        "ROTATION_DUE", "STAFFING_FRONT_LINE_BELOW_RATIO", "TOWNSHIP_UNDERSTAFFED", "INSPECTION_CEILING_EXCEEDED",
    }
    assert all(rule.title and rule.basis and rule.description for rule in r.RULES.values())


# --- through the API ------------------------------------------------------------------------------------------

ALERTS = """
query($asOf: Date, $year: Int, $codes: [AlertCode!], $agencyId: ID, $first: Int! = 500) {
  supervisionAlerts(asOf: $asOf, year: $year, codes: $codes, agencyId: $agencyId, first: $first) {
    asOf year total
    counts { code title count }
    alerts { code title basis severity agencyId agencyName subjectKind subjectId details }
  }
}"""


async def other_county(sessions) -> dict:
    """A second county of the same city (岱山县) with a township and its team, a justice bureau and
    records that trigger most rules: a case handled by an auxiliary alone with an overdue decision
    deadline; four decided fines of one item and tier, one of them triple the others and outside the
    recommended range without reasons, and unpublished past its deadline; an overdue complaint;
    three visits to one entity this year by one inspector; a supervisor posted there for six years."""
    async with sessions() as session:
        city = await session.scalar(sa.select(Region).where(Region.code == "330900"))
        item = (await session.execute(
            sa.select(CatalogItemVersion).where(CatalogItemVersion.kind == ItemKind.PENALTY, CatalogItemVersion.domain_code == "market")
        )).scalars().first()
        county = Region(id=new_id(), code="330921", name="岱山县", level=RegionLevel.COUNTY, parent_id=city.id)
        town = Region(id=new_id(), code="330921001", name="高亭镇", level=RegionLevel.TOWNSHIP, parent_id=county.id)
        session.add_all([county, town])
        await session.flush()
        bureau = Agency(id=new_id(), name="舟山市岱山县综合行政执法局", short_name="岱综执", kind=AgencyKind.COMPREHENSIVE_BUREAU, level=RegionLevel.COUNTY, region_id=county.id)
        team = Agency(id=new_id(), name="岱山县高亭镇综合行政执法队", short_name="岱高执", kind=AgencyKind.TOWNSHIP_TEAM, level=RegionLevel.TOWNSHIP, region_id=town.id, parent_id=bureau.id)
        justice = Agency(id=new_id(), name="舟山市岱山县司法局", short_name="岱司", kind=AgencyKind.JUSTICE_BUREAU, level=RegionLevel.COUNTY, region_id=county.id)
        session.add_all([bureau, team, justice])
        await session.flush()
        session.add(AgencyDomain(agency_id=bureau.id, domain_code="market"))

        def certified(agency, n):
            return Officer(id=new_id(), name=f"执法员{n}", certificate_number=f"浙0921{n:06d}", certificate_valid_from=dt.date(2020, 1, 1),
                           certificate_valid_until=dt.date(2035, 1, 1), status=CertificateStatus.VALID, role=OfficerRole.OFFICER, agency_id=agency.id)

        supervisor, o1, o2 = certified(justice, 1), certified(bureau, 2), certified(bureau, 3)
        helper = Officer(id=new_id(), name="协管员", status=CertificateStatus.VALID, role=OfficerRole.AUXILIARY, agency_id=team.id)
        entity = Entity(id=new_id(), kind=EntityKind.LEGAL_PERSON, name="岱山某商行", credit_code=CREDIT_CODE, address="高亭", region_id=town.id)
        session.add_all([supervisor, o1, o2, helper, entity])
        await session.flush()
        session.add_all([OfficerDomain(officer_id=o.id, domain_code="market") for o in (o1, o2)])
        today = legal_today()
        session.add(Posting(officer_id=supervisor.id, region_id=county.id, agency_id=justice.id, started_on=today - dt.timedelta(days=6 * 366)))

        def case(n, agency, status, **fields):
            return Case(id=new_id(), case_number=f"普综执罚〔{today.year}〕{n}号", procedure=Procedure.GENERAL, status=status, domain_code="market",
                        item_version_id=item.id, entity_id=entity.id, agency_id=agency.id, facts={}, violation_date=today - dt.timedelta(days=30),
                        filed_on=today - dt.timedelta(days=20), **fields)

        alone = case(1, team, CaseStatus.INVESTIGATING)
        fines = [100_000, 100_000, 100_000, 300_000]
        decided = [case(10 + i, bureau, CaseStatus.DECIDED, decided_on=today, fine_fen=f, penalty_kinds=["fine"],
                        discretion={"tier": "T1", "recommended": [1_000, 200_000], "departure_reasons": None}) for i, f in enumerate(fines)]
        session.add_all([alone, *decided])
        await session.flush()
        heavy = decided[-1]
        session.add_all([
            CaseOfficer(case_id=alone.id, officer_id=helper.id, position=0),
            *(CaseOfficer(case_id=c.id, officer_id=o.id, position=i) for c in decided for i, o in enumerate((o1, o2))),
            CaseDeadline(case_id=alone.id, kind="DECISION", label="作出处罚决定期限", day_type="calendar", starts_on=today - dt.timedelta(days=100),
                         due_on=today - dt.timedelta(days=10), basis="行政处罚法第六十条"),
            CaseDeadline(case_id=heavy.id, kind="PUBLICATION", label="处罚决定公开期限", day_type="working", starts_on=today - dt.timedelta(days=20),
                         due_on=today - dt.timedelta(days=1), basis="国办发〔2018〕118号"),
            Complaint(number="普综执投〔2026〕1号", kind=ComplaintKind.REPORT, channel=ComplaintChannel.HOTLINE_12345, external_number="12345-1",
                      received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40), received_on=today - dt.timedelta(days=40),
                      received_by_agency_id=bureau.id, agency_id=bureau.id, subject_name="岱山某商行", content="无证经营",
                      status=ComplaintStatus.REGISTERED, reply_starts_on=today - dt.timedelta(days=40), reply_due_on=today - dt.timedelta(days=30),
                      handling_starts_on=today - dt.timedelta(days=40), handling_due_on=today - dt.timedelta(days=10)),
        ])
        visits = [Inspection(id=new_id(), kind=InspectionKind.JOINT, entity_id=entity.id, agency_id=bureau.id, planned_on=today, inspected_on=today,
                             status=InspectionStatus.DONE, domains=["market"], points=[], created_by="test") for _ in range(3)]
        session.add_all(visits)
        await session.flush()
        session.add_all([InspectionInspector(inspection_id=v.id, officer_id=o1.id, position=0) for v in visits])
        await session.commit()
        return {"case": alone.id, "heavy": heavy.id, "entity": entity.id, "team": team.id, "bureau": bureau.id, "officer": supervisor.id,
                "inspections": [v.id for v in visits], "supervisor": token(f"officer:{supervisor.id}", ["supervisor"], justice.id)}


async def agencies_by_kind(sessions) -> dict:
    async with sessions() as session:
        rows = (await session.execute(sa.select(Agency))).scalars().all()
        officers = (await session.execute(sa.select(Officer))).scalars().all()
    return {"agencies": rows, "officers": officers}


async def test_county_supervisor_sees_its_townships_alerts_and_not_another_countys(api, demo, demo_tokens, statements):
    """Issue 7 'done when': a county supervisor sees its townships' alerts and not another county's."""
    supervisor = api.as_(demo_tokens["supervisor"])
    before = (await supervisor(ALERTS))["supervisionAlerts"]
    # warm the count (the first request also loads plug-in data); then the statements of one request
    statements["n"] = 0
    await supervisor(ALERTS)
    statements_before = statements["n"]

    found = await agencies_by_kind(demo)
    demo_ids = {global_id("Agency", a.id) for a in found["agencies"]}
    townships = {global_id("Agency", a.id): a for a in found["agencies"] if a.kind is AgencyKind.TOWNSHIP_TEAM}
    alerts = before["alerts"]
    assert before["total"] == len(alerts) > 0 and sum(c["count"] for c in before["counts"]) == before["total"]
    assert {a["agencyId"] for a in alerts} <= demo_ids
    township_codes = {a["code"] for a in alerts if a["agencyId"] in townships}
    assert {"TOWNSHIP_UNDERSTAFFED", "NO_ENFORCEMENT_ACT"} <= township_codes
    # 解放街道 is a key township with a team of three certified at most: below eight
    key = next(a for a in alerts if a["code"] == "TOWNSHIP_UNDERSTAFFED" and a["details"]["township"] == "解放街道")
    assert key["details"]["key_township"] is True and key["details"]["required"] == 8 and key["subjectKind"] == "Region"
    assert parse_global_id(key["subjectId"])[0] == "Region" and key["agencyName"].startswith("定海区解放街道")

    other = await other_county(demo)
    after = (await supervisor(ALERTS))["supervisionAlerts"]
    assert {a["agencyId"] for a in after["alerts"]} <= demo_ids
    assert global_id("Case", other["case"]) not in {a["subjectId"] for a in after["alerts"]}
    assert after["total"] == before["total"]
    # the statement count does not depend on how much data there is
    statements["n"] = 0
    await supervisor(ALERTS)
    assert statements["n"] == statements_before

    # that county's own supervisor sees its case, and nothing of the demo county
    theirs = (await api.as_(other["supervisor"])(ALERTS))["supervisionAlerts"]
    subjects = {(a["code"], a["subjectId"]) for a in theirs["alerts"]}
    assert ("AUXILIARY_ALONE", global_id("Case", other["case"])) in subjects
    assert ("CASE_DEADLINE_OVERDUE", global_id("Case", other["case"])) in subjects
    # every data set's loader finds its record (the rules themselves are tested above)
    heavy = global_id("Case", other["heavy"])
    assert {("DISPARATE_PENALTY", heavy), ("DISCRETION_DEPARTURE_UNREASONED", heavy), ("PUBLICATION_OVERDUE", heavy),
            ("INSPECTION_CEILING_EXCEEDED", global_id("Entity", other["entity"])), ("ROTATION_DUE", global_id("Officer", other["officer"]))} <= subjects
    assert {("TOO_FEW_OFFICERS", global_id("Inspection", i)) for i in other["inspections"]} <= subjects
    assert "COMPLAINT_OVERDUE" in {code for code, _ in subjects}
    # the decided cases had two certified officers of the domain: no staffing alert on them
    assert ("TOO_FEW_OFFICERS", heavy) not in subjects and ("AUXILIARY_ALONE", heavy) not in subjects
    # the county department: two front-line officers of two staff, 100%
    assert "STAFFING_FRONT_LINE_BELOW_RATIO" not in {code for code, _ in subjects}
    disparity = next(a for a in theirs["alerts"] if a["code"] == "DISPARATE_PENALTY")
    assert (disparity["details"]["n"], disparity["details"]["median_fen"], disparity["details"]["ratio"]) == (4, "100000", "3.00")
    assert disparity["details"]["agencies"] == [global_id("Agency", other["bureau"])]
    assert not {a["agencyId"] for a in theirs["alerts"]} & demo_ids
    overdue = next(a for a in theirs["alerts"] if a["code"] == "CASE_DEADLINE_OVERDUE")
    assert overdue["details"]["deadline"] == "DECISION" and overdue["details"]["days_overdue"] == 10
    # the subject link works for that supervisor
    node = await api.as_(other["supervisor"])("query($id: ID!) { node(id: $id) { id ... on Case { caseNumber } } }", {"id": overdue["subjectId"]})
    assert node["node"]["caseNumber"] == overdue["details"]["case_number"] == f"普综执罚〔{legal_today().year}〕1号"

    # narrowing: codes and agencyId; a township officer sees only its own township
    only = (await supervisor(ALERTS, {"codes": ["TOWNSHIP_UNDERSTAFFED"]}))["supervisionAlerts"]
    assert {a["code"] for a in only["alerts"]} == {"TOWNSHIP_UNDERSTAFFED"} and [c["code"] for c in only["counts"]] == ["TOWNSHIP_UNDERSTAFFED"]
    team_id = next(iter(townships))
    narrowed = (await supervisor(ALERTS, {"agencyId": team_id}))["supervisionAlerts"]
    assert narrowed["total"] > 0 and {a["agencyId"] for a in narrowed["alerts"]} == {team_id}
    township_officer = (await api.as_(demo_tokens["township_officer"])(ALERTS))["supervisionAlerts"]
    assert len({a["agencyId"] for a in township_officer["alerts"]}) == 1
    refused = (await supervisor.post(ALERTS, {"agencyId": global_id("Agency", other["team"])})).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    public = (await api.as_(None).post(ALERTS)).json()
    assert public["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for bad, code in (({"first": 100_000}, "PAGE_INVALID"), ({"year": 1999}, "YEAR_INVALID")):
        assert (await supervisor.post(ALERTS, bad)).json()["errors"][0]["extensions"]["code"] == code
    # the provincial account reads every county of its province
    province = (await api.as_(demo_tokens["provincial"])(ALERTS))["supervisionAlerts"]
    assert global_id("Case", other["case"]) in {a["subjectId"] for a in province["alerts"]}

    rules = (await api("{ alertRules { code title basis severity description thresholds } }"))["alertRules"]
    disparity = next(x for x in rules if x["code"] == "DISPARATE_PENALTY")
    assert disparity["thresholds"] == {"disparity_min_group": 3, "disparity_factor": 2} and "001" in disparity["basis"]


FILE = """
mutation($input: FileSpecialExplanationInput!) {
  fileSpecialExplanation(input: $input) {
    explanation { id agencyId year domain text filedOn }
    errors { code message field }
  }
}"""


async def test_special_explanation_clears_no_enforcement_act_luoyang_003_item_10(api, demo, demo_tokens):
    found = await agencies_by_kind(demo)
    team = next(a for a in found["agencies"] if a.kind is AgencyKind.TOWNSHIP_TEAM)
    other_team = next(a for a in found["agencies"] if a.kind is AgencyKind.TOWNSHIP_TEAM and a.id != team.id)
    head = next(o for o in found["officers"] if o.agency_id == team.id and o.role is OfficerRole.AGENCY_HEAD)
    head_api = api.as_(token(f"officer:{head.id}", ["agency_head"], team.id))
    year = legal_today().year
    variables = {"codes": ["NO_ENFORCEMENT_ACT"], "agencyId": global_id("Agency", team.id)}

    def market_alerts(report):
        return [a for a in report["supervisionAlerts"]["alerts"] if a["details"]["domain"] == "market"]

    supervisor = api.as_(demo_tokens["supervisor"])
    before = market_alerts(await supervisor(ALERTS, variables))
    async with demo() as session:  # the team made no market decision in the year (the rule's premise)
        decided = sa.select(sa.func.count()).select_from(Case).where(
            Case.decided_on.is_not(None), Case.domain_code == "market", Case.agency_id == team.id,
            Case.decided_on >= dt.date(year, 1, 1),
        )
        assert not await session.scalar(decided)
    assert len(before) == 1
    assert before[0]["details"]["held_via"] == "delegation" and before[0]["details"]["delegated_items"] > 0

    async def file(who, **fields):
        body = {"year": year, "domain": "market", "text": "本年度辖区内未发现市场监管领域违法行为，已开展巡查 24 次（示例）", **fields}
        return (await who(FILE, {"input": body}))["fileSpecialExplanation"]

    def error(payload):
        assert payload["explanation"] is None
        return payload["errors"][0]["code"]

    assert error(await file(head_api, text="   ")) == "EXPLANATION_TEXT_REQUIRED"
    assert error(await file(head_api, year=year + 1)) == "EXPLANATION_YEAR_INVALID"
    assert error(await file(head_api, agencyId=global_id("Agency", other_team.id))) == "FORBIDDEN"
    assert error(await file(head_api, domain="ecology")) == "DOMAIN_NOT_HELD"
    assert error(await file(api.as_(demo_tokens["township_officer"]))) == "FORBIDDEN"  # not the head
    filed = await file(head_api)
    assert filed["errors"] == [] and filed["explanation"]["year"] == year and filed["explanation"]["agencyId"] == global_id("Agency", team.id)
    assert error(await file(head_api)) == "EXPLANATION_ALREADY_FILED"

    assert market_alerts(await supervisor(ALERTS, variables)) == []
    listed = (await supervisor("query($y: Int!) { specialExplanations(year: $y) { agencyId domain text } }", {"y": year}))["specialExplanations"]
    assert [(x["agencyId"], x["domain"]) for x in listed] == [(global_id("Agency", team.id), "market")]
    # another team's alert is untouched by this filing
    assert len(market_alerts(await supervisor(ALERTS, {**variables, "agencyId": global_id("Agency", other_team.id)}))) == 1

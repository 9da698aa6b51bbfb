"""The annual responsibility ledger (行政执法责任制落实情况统计台账, 鞍山 2022 方案 source 001:
“12月10日前 … 完成《…年度行政执法责任制落实情况统计台账》”; figures as in 定海 2022 总结, source
002; ranking as in 绍兴实施意见, source 000) and the reconsiderations and lawsuits it counts.

The ledger is checked against an independent recount: the test reads the raw rows with plain SQL
(`sa.text`) and counts them in Python by the definitions written in the README — it calls nothing
of core.supervision.ledger. The workbook (HTTP route and CLI) is opened with openpyxl and must hold
the same numbers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import uuid
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from zhifa.core.cases.models import Case, CaseDeadline, CaseEvent, CaseStatus, Procedure
from zhifa.core.catalog.models import CatalogItemVersion, ItemKind
from zhifa.core.clock import legal_today
from zhifa.core.complaints.models import Complaint, ComplaintChannel, ComplaintKind, ComplaintStatus
from zhifa.core.entities.models import Entity
from zhifa.core.people.models import Agency, AgencyKind, Officer, OfficerRole, Region, RegionLevel
from zhifa.core.supervision import challenges
from zhifa.core.supervision.ledger import Counts, Period, composite, figures, percent, period_of, rank, rate, row_of, totals
from zhifa.core.supervision.models import CaseReview, ChallengeOutcome, ReviewGrade, SamplePurpose, SupervisionSample
from zhifa.core.db import transaction
from zhifa.core.errors import UserError
from conftest import token

SH = ZoneInfo("Asia/Shanghai")
YEAR = 2025
TODAY = legal_today()
LOST = {"revoked", "changed", "confirmed_illegal", "ordered_to_act"}


# --- pure figures -----------------------------------------------------------------------------------


def test_rates_with_zero_denominator_are_null_not_zero_or_hundred():
    assert rate(0, 0) is None and rate(5, 0) is None
    assert rate(0, 4) == 0 and rate(4, 4) == 1
    assert percent(None) is None
    assert percent(Fraction(2, 3)) == Decimal("66.67")
    rates = figures(Counts())
    assert rates.ranked == (None,) * 5 and rates.challenge_loss is None
    assert composite(rates) is None


def test_dinghai_2022_figures_source_002():
    """定海 2022: 一般程序 429 件、简易程序 1778 件，结案率 95%（除正在执行和审理的外都已结案）."""
    c = Counts(registered=2207, simple=1778, general=429, closed=2097, fine_decisions=8, executed=8, reviewed=12, review_passed=12)
    rates = figures(c)
    assert c.simple + c.general == c.registered
    assert percent(rates.closure) == Decimal("95.02")  # 2097 / 2207
    assert rates.execution == 1 and rates.review_pass == 1
    assert rates.publication is None  # nothing to publish counted: empty, not 100 %
    assert composite(rates) == (Fraction(2097, 2207) + 1 + 1) / 3


def test_ranking_by_composite_ties_broken_by_name_unrated_last_source_000():
    """绍兴实施意见（source 000）: 定期进行考核排名 — a stated composite, ties by name."""
    rows = [
        row_of(uuid.uuid4(), "乙队", Counts(registered=2, closed=1)),  # 50 %
        row_of(uuid.uuid4(), "甲队", Counts(registered=4, closed=2)),  # 50 %
        row_of(uuid.uuid4(), "丙队", Counts(registered=1, closed=1, reviewed=2, review_passed=1)),  # (100 + 50) / 2 = 75 %
        row_of(uuid.uuid4(), "丁队", Counts()),  # nothing to rate
    ]
    ranked = rank(rows)
    assert [(r.name, r.rank) for r in ranked] == [("丙队", 1), ("乙队", 2), ("甲队", 3), ("丁队", None)]
    assert sorted(["乙队", "甲队"]) == ["乙队", "甲队"]  # Unicode order: 乙 (U+4E59) before 甲 (U+7532)
    total = totals(r.counts for r in rows)
    assert (total.registered, total.closed) == (7, 4)
    assert figures(total).closure == Fraction(4, 7)  # from the sums, not the mean of the rows' rates


def test_period_rules():
    assert period_of(2025, None, None) == Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    for args, code in (((None, None, None), "PERIOD_REQUIRED"), ((2025, dt.date(2025, 1, 1), None), "PERIOD_AMBIGUOUS"),
                       ((None, dt.date(2025, 2, 1), dt.date(2025, 1, 1)), "DATE_RANGE_INVALID"), ((None, dt.date(2025, 1, 1), None), "PERIOD_REQUIRED")):
        with pytest.raises(UserError) as caught:
            period_of(*args)
        assert caught.value.code == code
    first, after = Period.of_year(2025).moments()
    assert first == dt.datetime(2024, 12, 31, 16, tzinfo=dt.UTC) and after == dt.datetime(2025, 12, 31, 16, tzinfo=dt.UTC)


def test_challenge_rules_pure():
    d = dt.date
    assert challenges.filing_errors(CaseStatus.SERVED, d(2025, 3, 1), "市人民政府", d(2025, 3, 5), d(2025, 4, 1)) == []
    codes = lambda errors: [e.code for e in errors]  # noqa: E731
    assert codes(challenges.filing_errors(CaseStatus.INVESTIGATING, None, "法院", d(2025, 3, 5), d(2025, 4, 1))) == ["CASE_NOT_DECIDED"]
    assert codes(challenges.filing_errors(CaseStatus.CLOSED, d(2025, 3, 1), " ", d(2025, 2, 1), d(2025, 4, 1))) == ["FILED_BEFORE_DECISION", "BODY_REQUIRED"]
    assert codes(challenges.outcome_errors(ChallengeOutcome.PENDING, d(2025, 3, 5), ChallengeOutcome.PENDING, d(2025, 3, 1), d(2025, 4, 1))) == [
        "OUTCOME_INVALID", "DECIDED_BEFORE_FILED"]
    assert codes(challenges.outcome_errors(ChallengeOutcome.UPHELD, d(2025, 3, 5), ChallengeOutcome.REVOKED, d(2025, 4, 1), d(2025, 4, 1))) == [
        "OUTCOME_ALREADY_RECORDED"]


# --- the seeded data set ----------------------------------------------------------------------------


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


async def seed(sessions) -> dict:
    """Cases, events, deadlines, reviews and complaints of 2025 (and just outside it) for the demo's
    bureau, market team and first township team. Returns what the tests need by name."""
    D = dt.date
    async with transaction(sessions) as s:
        agencies = {a.name: a for a in (await s.execute(sa.select(Agency))).scalars()}
        bureau = next(a for a in agencies.values() if a.kind is AgencyKind.COMPREHENSIVE_BUREAU)
        justice = next(a for a in agencies.values() if a.kind is AgencyKind.JUSTICE_BUREAU)
        market = next(a for a in agencies.values() if a.name.endswith("市场监管执法大队"))
        township = sorted((a for a in agencies.values() if a.kind is AgencyKind.TOWNSHIP_TEAM), key=lambda a: a.name)[0]
        reviewer = (await s.execute(sa.select(Officer).where(Officer.agency_id == justice.id, Officer.role == OfficerRole.OFFICER))).scalars().first()
        entity = (await s.execute(sa.select(Entity))).scalars().first()
        items = {i.domain_code: i for i in (await s.execute(sa.select(CatalogItemVersion).where(CatalogItemVersion.kind == ItemKind.PENALTY))).scalars()}
        made: dict[str, Case] = {}
        serial = [0]

        def case(name, agency, domain, procedure, status, registered, *, decided=None, fine=None, closed=None, kinds=None) -> Case:
            serial[0] += 1
            c = Case(id=uuid.uuid4(), case_number=f"测试台账〔{YEAR}〕{serial[0]}号", procedure=procedure, status=status, domain_code=domain,
                     item_version_id=items[domain].id, entity_id=entity.id, agency_id=agency.id, facts={}, violation_date=registered.date(),
                     registered_at=registered, updated_at=registered, decided_on=decided, fine_fen=fine, closed_on=closed,
                     penalty_kinds=kinds or ([] if fine is None else ["fine"]),
                     decision_number=f"测试决〔{YEAR}〕{serial[0]}号" if decided else None)
            s.add(c)
            made[name] = c
            return c

        G, S = Procedure.GENERAL, Procedure.SIMPLE
        # the bureau: boundaries of the year in Shanghai time
        case("before_year", bureau, "construction", G, CaseStatus.CLOSED, at(D(2024, 12, 31), 23, 30))  # 15:30 UTC Dec 31: 2024
        case("first_minute", bureau, "construction", G, CaseStatus.INVESTIGATING, at(D(2025, 1, 1), 0, 10))  # 16:10 UTC Dec 31: 2025
        case("last_minute", bureau, "ecology", S, CaseStatus.CLOSED, at(D(2025, 12, 31), 23, 50), decided=D(2025, 12, 31), fine=5000, closed=D(2025, 12, 31))
        case("not_filed", bureau, "construction", G, CaseStatus.NOT_FILED, at(D(2025, 2, 3)))
        case("transferred", bureau, "construction", G, CaseStatus.TRANSFERRED, at(D(2025, 2, 4)))
        paid = case("paid", bureau, "construction", G, CaseStatus.CLOSED, at(D(2025, 3, 1)), decided=D(2025, 5, 1), fine=200_000, closed=D(2025, 6, 1))
        partly = case("partly", bureau, "construction", G, CaseStatus.EXECUTING, at(D(2025, 3, 2)), decided=D(2025, 5, 2), fine=300_000)
        court = case("court", bureau, "ecology", G, CaseStatus.CLOSED, at(D(2025, 3, 3)), decided=D(2025, 6, 3), fine=1_000_000, closed=D(2025, 9, 1))
        revoked = case("revoked", bureau, "ecology", G, CaseStatus.CLOSED, at(D(2025, 3, 4)), decided=D(2025, 6, 4), fine=50_000, closed=D(2025, 9, 2))
        warning = case("warning", bureau, "construction", G, CaseStatus.SERVED, at(D(2025, 4, 1)), decided=D(2025, 6, 5), kinds=["warning"])
        late_decided = case("decided_2026", bureau, "construction", G, CaseStatus.SERVED, at(D(2025, 11, 1)), decided=D(2026, 1, 5), fine=10_000)
        # the market team: a hearing held, one waived, one held in 2024
        heard = case("heard", market, "market", G, CaseStatus.DECIDED, at(D(2025, 7, 1)), decided=D(2025, 9, 1), fine=5_000_000)
        case("waived", market, "market", G, CaseStatus.HEARING, at(D(2025, 7, 2)))
        old = case("old_hearing", market, "market", G, CaseStatus.CLOSED, at(D(2024, 10, 1)), decided=D(2024, 12, 1), fine=100, closed=D(2025, 1, 5))
        # the township team: simple procedure cases
        simple = case("simple", township, "market", S, CaseStatus.SERVED, at(D(2025, 8, 1)), decided=D(2025, 8, 1), fine=20_000)
        case("simple_warning", township, "construction", S, CaseStatus.CLOSED, at(D(2025, 8, 2)), decided=D(2025, 8, 2), kinds=["warning"], closed=D(2025, 8, 2))
        await s.flush()

        def event(c: Case, seq: int, kind: str, on: dt.date, **data) -> None:
            s.add(CaseEvent(case_id=c.id, seq=seq, kind=kind, at=at(on), actor="system:test", data={"on": on.isoformat(), **data}))

        for c in made.values():
            event(c, 1, "registered", c.registered_at.astimezone(SH).date())
        event(paid, 2, "payment", D(2025, 5, 10), amount_fen=150_000)
        event(paid, 3, "payment", D(2025, 5, 20), amount_fen=50_000)
        event(partly, 2, "payment", D(2025, 5, 10), amount_fen=100_000)
        event(court, 2, "end_execution", D(2025, 9, 1), ended_by="court_concluded", reason="法院强制执行完毕")
        event(revoked, 2, "end_execution", D(2025, 9, 2), ended_by="decision_revoked", reason="复议撤销")
        event(made["last_minute"], 2, "payment", D(2025, 12, 31), amount_fen=5000)
        event(heard, 2, "hold_hearing", D(2025, 8, 20), chair_id=None, notified_on="2025-08-10", waived=False, record="")
        event(made["waived"], 2, "hold_hearing", D(2025, 8, 21), chair_id=None, notified_on=None, waived=True, record="")
        event(old, 2, "hold_hearing", D(2024, 11, 20), chair_id=None, notified_on="2024-11-10", waived=False, record="")
        event(simple, 2, "payment", D(2026, 1, 3), amount_fen=20_000)  # paid after the year: executed as of now

        def publication(c: Case, published: dt.date | None) -> None:
            s.add(CaseDeadline(case_id=c.id, kind="PUBLICATION", label="处罚决定公开期限", day_type="working", starts_on=c.decided_on,
                               due_on=c.decided_on + dt.timedelta(days=9), basis="国办发〔2018〕118号", met_on=published))

        publication(paid, D(2025, 5, 8))
        publication(partly, None)
        publication(court, D(2025, 7, 1))  # published late: still published
        publication(revoked, D(2025, 6, 10))
        publication(late_decided, None)  # decided in 2026: not this year's
        publication(heard, D(2025, 9, 3))
        publication(simple, None)

        # case-file reviews (a sample organised by the justice bureau)
        sample = SupervisionSample(purpose=SamplePurpose.CASE_REVIEW, name="2025 年案卷评查", year=YEAR, percent=10, seed="t",
                                   organiser_agency_id=justice.id, population_size=5, population_digest="0" * 64, sample_digest="0" * 64,
                                   actor="system:test")
        s.add(sample)
        await s.flush()
        for c, grade, on in ((paid, ReviewGrade.EXCELLENT, D(2025, 10, 1)), (court, ReviewGrade.FAIL, D(2025, 10, 2)),
                             (revoked, ReviewGrade.PASS, D(2025, 10, 3)), (made["last_minute"], None, None),
                             (old, ReviewGrade.GOOD, D(2025, 1, 20)), (made["before_year"], ReviewGrade.FAIL, D(2024, 12, 20)),
                             (made["simple_warning"], ReviewGrade.FAIL, D(2025, 11, 1))):
            s.add(CaseReview(sample_id=sample.id, case_id=c.id, agency_id=c.agency_id, reviewer_id=reviewer.id, grade=grade, reviewed_on=on,
                             score=None if grade is None else Decimal("80.0")))

        # complaints received by the bureau and the market team
        def complaint(n, agency, received, reply_due, handling_due, replied=None, resolved=None) -> None:
            s.add(Complaint(number=f"测试投〔{YEAR}〕{n}号", kind=ComplaintKind.REPORT, channel=ComplaintChannel.HOTLINE_12345,
                            external_number=f"T{n}", received_at=at(received), received_on=received, received_by_agency_id=agency.id,
                            agency_id=agency.id, subject_name="某店", content="反映问题",
                            status=ComplaintStatus.RESOLVED if resolved else (ComplaintStatus.REPLIED if replied else ComplaintStatus.REGISTERED),
                            reply_starts_on=received, reply_due_on=reply_due, replied_on=replied, reply_accepted=True if replied else None,
                            handling_starts_on=received, handling_due_on=handling_due, resolved_on=resolved, result="已处理" if resolved else None))

        complaint(1, bureau, D(2025, 3, 3), D(2025, 3, 12), D(2025, 4, 2), replied=D(2025, 3, 5), resolved=D(2025, 3, 30))  # on time
        complaint(2, bureau, D(2025, 3, 3), D(2025, 3, 12), D(2025, 4, 2), replied=D(2025, 3, 13), resolved=D(2025, 3, 30))  # replied late
        complaint(3, bureau, D(2025, 3, 3), D(2025, 3, 12), D(2025, 4, 2), replied=D(2025, 3, 5), resolved=D(2025, 4, 3))  # resolved late
        complaint(4, bureau, D(2025, 3, 3), D(2025, 3, 12), D(2025, 4, 2), replied=D(2025, 3, 5))  # overdue, unresolved
        complaint(5, market, D(2025, 12, 1), D(2025, 12, 10), TODAY + dt.timedelta(days=20), replied=D(2025, 12, 2))  # re-handling: not due
        complaint(6, market, D(2024, 12, 31), D(2025, 1, 9), D(2025, 1, 30), replied=D(2025, 1, 2), resolved=D(2025, 1, 10))  # received 2024
    return {"bureau": bureau, "market": market, "township": township, "justice": justice, **made}


# --- the independent recount -----------------------------------------------------------------------


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _moment(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def recount(sessions, start: dt.date, end: dt.date) -> dict[str, dict]:
    """Every figure per agency name, from the raw rows, by the README's definitions."""
    inside = lambda day: day is not None and start <= day <= end  # noqa: E731
    q = lambda sql: s.execute(sa.text(sql))  # noqa: E731
    async with sessions() as s:
        agencies = {str(r[0]): r[1] for r in await q(  # the first county's (its supervisor's ledger)
            "SELECT a.id, a.name FROM agencies a JOIN regions r ON r.id = a.region_id WHERE a.kind <> 'justice_bureau' AND r.code LIKE '330902%'")}
        cases = [r._mapping for r in await q("SELECT id, agency_id, procedure, domain_code, status, registered_at, decided_on, fine_fen FROM cases")]
        events = [r._mapping for r in await q("SELECT case_id, kind, data FROM case_events")]
        pubs = [r._mapping for r in await q("SELECT case_id, met_on FROM case_deadlines WHERE kind = 'PUBLICATION'")]
        reviews = [r._mapping for r in await q("SELECT agency_id, grade, reviewed_on FROM case_reviews")]
        complaints = [r._mapping for r in await q(
            "SELECT agency_id, received_on, reply_due_on, replied_on, handling_due_on, resolved_on FROM complaints")]
        suits = [r._mapping for r in await q("SELECT case_id, kind, filed_on, outcome, decided_on FROM legal_challenges")]
    key = lambda v: str(uuid.UUID(str(v)))  # noqa: E731  (SQLite gives hex without dashes)
    agencies = {key(k): v for k, v in agencies.items()}
    out = {name: dict.fromkeys(
        ["cases", "simpleProcedure", "generalProcedure", "notFiled", "transferred", "closed", "fineDecisions", "executed", "toPublish",
         "published", "reviewed", "reviewPassed", "complaintsReceived", "complaintsDue", "complaintsOnTime", "hearings",
         "reconsiderations", "reconsiderationsLost", "lawsuits", "lawsuitsLost"], 0) | {"byDomain": {}} for name in agencies.values()}
    case_agency = {key(c["id"]): key(c["agency_id"]) for c in cases}
    by_case: dict[str, list] = {}
    for e in events:
        by_case.setdefault(key(e["case_id"]), []).append((e["kind"], _json(e["data"])))
    for c in cases:
        name = agencies.get(key(c["agency_id"]))
        if name is None:
            continue
        row = out[name]
        if inside(_moment(c["registered_at"]).astimezone(SH).date()):
            row["cases"] += 1
            row["simpleProcedure" if c["procedure"] == "simple" else "generalProcedure"] += 1
            row["byDomain"][c["domain_code"]] = row["byDomain"].get(c["domain_code"], 0) + 1
            row["notFiled"] += c["status"] == "not_filed"
            row["transferred"] += c["status"] == "transferred"
            row["closed"] += c["status"] == "closed"
        mine = by_case.get(key(c["id"]), [])
        ends = [d.get("ended_by") for k, d in mine if k == "end_execution"]
        if inside(_date(c["decided_on"])) and (c["fine_fen"] or 0) > 0 and "decision_revoked" not in ends:
            row["fineDecisions"] += 1
            paid = sum(int(d["amount_fen"]) for k, d in mine if k == "payment")
            row["executed"] += paid >= c["fine_fen"] or "court_concluded" in ends
        row["hearings"] += sum(1 for k, d in mine if k == "hold_hearing" and not d.get("waived") and inside(_date(d["on"])))
    decided = {key(c["id"]): _date(c["decided_on"]) for c in cases}
    for p in pubs:
        name = agencies.get(case_agency[key(p["case_id"])])
        if name and inside(decided[key(p["case_id"])]):
            out[name]["toPublish"] += 1
            out[name]["published"] += p["met_on"] is not None
    for r in reviews:
        name = agencies.get(key(r["agency_id"]))
        if name and r["grade"] is not None and inside(_date(r["reviewed_on"])):
            out[name]["reviewed"] += 1
            out[name]["reviewPassed"] += r["grade"] != "fail"
    for k in complaints:
        name = agencies.get(key(k["agency_id"]))
        if not name or not inside(_date(k["received_on"])):
            continue
        out[name]["complaintsReceived"] += 1
        resolved, replied = _date(k["resolved_on"]), _date(k["replied_on"])
        if resolved is not None or _date(k["handling_due_on"]) < TODAY:
            out[name]["complaintsDue"] += 1
            out[name]["complaintsOnTime"] += bool(replied and replied <= _date(k["reply_due_on"]) and resolved and resolved <= _date(k["handling_due_on"]))
    for g in suits:
        name = agencies.get(case_agency[key(g["case_id"])])
        prefix = "reconsiderations" if g["kind"] == "reconsideration" else "lawsuits"
        out[name][prefix] += inside(_date(g["filed_on"]))
        out[name][prefix + "Lost"] += inside(_date(g["decided_on"])) and g["outcome"] in LOST
    return out


def pct(numerator: int, denominator: int) -> str | None:
    if denominator == 0:
        return None
    return str((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected_rates(r: dict) -> dict:
    rates = {
        "closureRate": (r["closed"], r["cases"] - r["notFiled"] - r["transferred"]),
        "executionRate": (r["executed"], r["fineDecisions"]),
        "publicationRate": (r["published"], r["toPublish"]),
        "reviewPassRate": (r["reviewPassed"], r["reviewed"]),
        "complaintsOnTimeRate": (r["complaintsOnTime"], r["complaintsDue"]),
    }
    shown = {name: pct(*nd) for name, nd in rates.items()}
    present = [Fraction(n, d) for n, d in rates.values() if d]
    mean = sum(present, Fraction(0)) / len(present) if present else None
    shown["composite"] = None if mean is None else pct(mean.numerator, mean.denominator)
    shown["_mean"] = mean
    return shown


# --- through the API --------------------------------------------------------------------------------

COUNTS = ("cases simpleProcedure generalProcedure notFiled transferred closed fineDecisions executed toPublish published reviewed "
          "reviewPassed complaintsReceived complaintsDue complaintsOnTime hearings reconsiderations reconsiderationsLost lawsuits lawsuitsLost")
RATES = "closureRate executionRate publicationRate reviewPassRate complaintsOnTimeRate composite"
ROW = f"agencyId agencyName rank {COUNTS} {RATES} challengeLossRate byDomain {{ domain name cases }}"
LEDGER = f"""query($year: Int, $from: Date, $to: Date, $agencyId: ID) {{
  responsibilityLedger(year: $year, from: $from, to: $to, agencyId: $agencyId) {{
    from to asOf generatedAt rows {{ {ROW} }} total {{ {ROW} }}
  }}
}}"""
RECORD = """mutation($input: RecordLegalChallengeInput!) {
  recordLegalChallenge(input: $input) { challenge { id kind outcome filedOn lost case { caseNumber } } errors { code field message } }
}"""
OUTCOME = """mutation($input: RecordChallengeOutcomeInput!) {
  recordChallengeOutcome(input: $input) { challenge { id outcome decidedOn lost } errors { code field message } }
}"""


def gid(type_name: str, key: uuid.UUID) -> str:
    from zhifa.schema.kit.relay import global_id

    return global_id(type_name, key)


async def challenge(api, case: Case, kind: str, filed: dt.date, outcome: str | None = None, decided: dt.date | None = None) -> str:
    data = await api(RECORD, {"input": {"caseId": gid("Case", case.id), "kind": kind, "body": "舟山市人民政府", "filedOn": filed.isoformat()}})
    payload = data["recordLegalChallenge"]
    assert payload["errors"] == [], payload
    assert payload["challenge"]["outcome"] == "PENDING" and payload["challenge"]["case"]["caseNumber"] == case.case_number
    timeline = (await api("query($id: ID!) { node(id: $id) { ... on Case { timeline { kind data } } } }", {"id": gid("Case", case.id)}))["node"]["timeline"]
    assert timeline[-1]["kind"] == "challenge_filed" and timeline[-1]["data"]["on"] == filed.isoformat()  # the file stays whole
    if outcome:
        done = (await api(OUTCOME, {"input": {"challengeId": payload["challenge"]["id"], "outcome": outcome, "decidedOn": decided.isoformat()}}))
        assert done["recordChallengeOutcome"]["errors"] == [] and done["recordChallengeOutcome"]["challenge"]["lost"] == (outcome.lower() in LOST)
    return payload["challenge"]["id"]


def _check_rows(rows: list[dict], expected: dict[str, dict]) -> None:
    for row in rows:
        want = expected[row["agencyName"]]
        for name in COUNTS.split():
            assert row[name] == want[name], (row["agencyName"], name, row[name], want[name])
        assert {d["domain"]: d["cases"] for d in row["byDomain"]} == want["byDomain"], row["agencyName"]
        rates = expected_rates(want)
        for name in RATES.split():
            assert row[name] == rates[name], (row["agencyName"], name, row[name], rates[name])


async def test_ledger_equals_independent_recount_and_workbook(api, demo, demo_tokens, client, database_url, monkeypatch, tmp_path):
    """鞍山 2022 方案 (source 001) 附件 3: the ledger's figures per agency, its totals and ranking equal a
    raw recount; the .xlsx from the HTTP route and from the CLI hold the same numbers."""
    made = await seed(demo)
    head, supervisor = api.as_(demo_tokens["bureau_head"]), api.as_(demo_tokens["supervisor"])
    await challenge(head, made["paid"], "RECONSIDERATION", dt.date(2025, 5, 15), "REVOKED", dt.date(2025, 7, 15))
    await challenge(supervisor, made["court"], "LITIGATION", dt.date(2025, 6, 20), "UPHELD", dt.date(2025, 10, 1))
    await challenge(supervisor, made["court"], "RECONSIDERATION", dt.date(2025, 6, 10), "CHANGED", dt.date(2026, 1, 10))  # lost in 2026
    await challenge(api.as_(demo_tokens["bureau_reviewer"]), made["warning"], "LITIGATION", dt.date(2025, 12, 1))  # pending
    await challenge(supervisor, made["heard"], "LITIGATION", dt.date(2025, 9, 20), "CONFIRMED_ILLEGAL", dt.date(2025, 12, 30))

    expected = await recount(demo, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    ledger = (await supervisor(LEDGER, {"year": YEAR}))["responsibilityLedger"]
    assert (ledger["from"], ledger["to"], ledger["asOf"]) == ("2025-01-01", "2025-12-31", TODAY.isoformat())
    names = {r["agencyName"] for r in ledger["rows"]}
    assert names == set(expected)  # every enforcement agency of the county, the justice bureau not
    _check_rows(ledger["rows"], expected)
    # the seeded figures are what the fixture means them to be (the recount is not vacuous)
    bureau = next(r for r in ledger["rows"] if r["agencyName"] == made["bureau"].name)
    assert bureau["fineDecisions"] >= 4 and bureau["executed"] >= 3  # paid, court, last_minute; partly is not; revoked left out
    assert (bureau["reconsiderations"], bureau["reconsiderationsLost"], bureau["lawsuits"], bureau["lawsuitsLost"]) == (2, 1, 2, 0)
    assert bureau["complaintsReceived"] == 4 and bureau["complaintsDue"] == 4 and bureau["complaintsOnTime"] == 1
    market = next(r for r in ledger["rows"] if r["agencyName"] == made["market"].name)
    assert market["hearings"] == 1 and market["lawsuitsLost"] == 1 and market["complaintsDue"] == 0 and market["complaintsOnTimeRate"] is None
    # totals: sums of the rows, rates from the sums
    total = ledger["total"]
    summed = {n: sum(expected[a][n] for a in expected) for n in COUNTS.split()}
    domains: dict[str, int] = {}
    for a in expected.values():
        for d, n in a["byDomain"].items():
            domains[d] = domains.get(d, 0) + n
    _check_rows([{**total, "agencyName": "合计"}], {"合计": {**summed, "byDomain": domains}})
    assert total["agencyId"] is None and total["rank"] is None
    # ranking: by the mean of the available rates, ties by name, unrated last without a rank
    order = sorted(expected, key=lambda n: (expected_rates(expected[n])["_mean"] is None, -(expected_rates(expected[n])["_mean"] or 0), n))
    assert [r["agencyName"] for r in ledger["rows"]] == order
    rated = [r for r in ledger["rows"] if r["composite"] is not None]
    assert [r["rank"] for r in rated] == list(range(1, len(rated) + 1))
    assert all(r["rank"] is None for r in ledger["rows"] if r["composite"] is None)
    # zero denominators are null in the API
    assert any(r["fineDecisions"] == 0 and r["executionRate"] is None for r in ledger["rows"])

    # a period given by dates: the bureau only (agencyId), first quarter
    q1 = (await supervisor(LEDGER, {"from": "2025-01-01", "to": "2025-03-31", "agencyId": gid("Agency", made["bureau"].id)}))["responsibilityLedger"]
    below = {r["agencyName"] for r in q1["rows"]}
    assert made["bureau"].name in below and made["justice"].name not in below and made["market"].name in below
    _check_rows(q1["rows"], await recount(demo, dt.date(2025, 1, 1), dt.date(2025, 3, 31)))

    # the workbook over HTTP, same token, same numbers
    response = await client.get("/supervision/ledger.xlsx", params={"year": YEAR}, headers={"authorization": f"Bearer {demo_tokens['supervisor']}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    _check_workbook(response.content, ledger)

    # the CLI writes the same workbook
    from zhifa.schema.cli import app as cli

    monkeypatch.setenv("ZHIFA_DATABASE_URL", database_url)
    out = tmp_path / "ledger.xlsx"
    args = ["supervision", "ledger", "--year", str(YEAR), "--region", "330902", "--out", str(out)]
    result = await asyncio.to_thread(CliRunner().invoke, cli, args)  # the command runs its own event loop
    assert result.exit_code == 0, result.output
    _check_workbook(out.read_bytes(), ledger)
    unknown = await asyncio.to_thread(CliRunner().invoke, cli, [*args[:4], "--region", "999999", "--out", str(out)])
    assert unknown.exit_code == 2 and "没有代码为 999999 的行政区划" in unknown.output  # REGION_NOT_FOUND


HEADERS = {"案件数": "cases", "简易程序": "simpleProcedure", "一般程序": "generalProcedure", "不予立案": "notFiled", "移送": "transferred",
           "已结案": "closed", "结案率（%）": "closureRate", "罚款决定": "fineDecisions", "执行到位": "executed", "执行率（%）": "executionRate",
           "应公示": "toPublish", "已公示": "published", "公示率（%）": "publicationRate", "评查案卷": "reviewed", "评查合格": "reviewPassed",
           "案卷合格率（%）": "reviewPassRate", "收到投诉举报": "complaintsReceived", "应办结": "complaintsDue", "按期办结": "complaintsOnTime",
           "按期办结率（%）": "complaintsOnTimeRate", "举行听证": "hearings", "行政复议": "reconsiderations", "复议被纠错": "reconsiderationsLost",
           "行政诉讼": "lawsuits", "诉讼败诉": "lawsuitsLost", "综合得分（%）": "composite", "排名": "rank"}


def _check_workbook(content: bytes, ledger: dict) -> None:
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["统计台账", "口径说明"]
    sheet = book["统计台账"]
    title = sheet.cell(row=1, column=1).value
    assert "2025年度行政执法责任制落实情况统计台账" in title and "生成时间" in title and "2025-01-01 至 2025-12-31" in title
    headers = [c.value for c in sheet[2]]
    assert set(HEADERS) <= set(headers) and "执法主体" in headers
    rows = [dict(zip(headers, (c.value for c in r))) for r in sheet.iter_rows(min_row=3)]
    assert [r["执法主体"] for r in rows] == [r["agencyName"] for r in ledger["rows"]] + ["合计"]
    for got, want in zip(rows, [*ledger["rows"], ledger["total"]]):
        for header, field in HEADERS.items():
            value = want[field]
            if isinstance(value, str):  # a rate: a number with two decimals in the sheet
                assert got[header] is not None and Decimal(str(got[header])).quantize(Decimal("0.01")) == Decimal(value), (header, got[header], value)
            else:
                assert got[header] == value, (want["agencyName"], header, got[header], value)
        for d in want["byDomain"]:
            assert got[f"其中：{d['name']}"] == d["cases"]
    notes = [r[0].value for r in book["口径说明"].iter_rows(min_row=2)]
    assert "结案率" in notes and "分母为零" in notes


async def test_challenge_mutations_refuse_with_codes(api, demo, demo_tokens):
    """Reconsideration and lawsuit records: only against a decision, dated after it, by those who may,
    and one outcome, dated after the filing (行政复议法、行政诉讼法; LOST_OUTCOMES counted as lost)."""
    made = await seed(demo)
    head, officer = api.as_(demo_tokens["bureau_head"]), api.as_(demo_tokens["bureau_officer"])

    async def record(who, case, filed, kind="RECONSIDERATION", body="舟山市人民政府"):
        data = await who(RECORD, {"input": {"caseId": gid("Case", case.id), "kind": kind, "body": body, "filedOn": filed.isoformat()}})
        return data["recordLegalChallenge"]

    async def outcome(who, challenge_id, value, decided):
        data = await who(OUTCOME, {"input": {"challengeId": challenge_id, "outcome": value, "decidedOn": decided.isoformat()}})
        return data["recordChallengeOutcome"]

    codes = lambda payload: [e["code"] for e in payload["errors"]]  # noqa: E731
    assert codes(await record(head, made["first_minute"], dt.date(2025, 6, 1))) == ["CASE_NOT_DECIDED"]
    assert codes(await record(head, made["paid"], dt.date(2025, 4, 30))) == ["FILED_BEFORE_DECISION"]
    assert codes(await record(head, made["paid"], TODAY + dt.timedelta(days=1))) == ["DATE_IN_FUTURE"]
    assert codes(await record(head, made["paid"], dt.date(2025, 5, 3), body=" ")) == ["BODY_REQUIRED"]
    assert codes(await record(officer, made["paid"], dt.date(2025, 5, 3))) == ["FORBIDDEN"]
    # the market team's head is not the bureau's: the bureau's case is not its to record
    market_head = token(f"officer:{uuid.uuid4()}", ["agency_head"], made["market"].id)
    assert codes(await record(api.as_(market_head), made["paid"], dt.date(2025, 5, 3))) == ["CASE_NOT_FOUND"]
    # the bureau's legal reviewer records against a case of a team below? not its own agency's case
    assert codes(await record(api.as_(demo_tokens["bureau_reviewer"]), made["heard"], dt.date(2025, 9, 5))) == ["FORBIDDEN"]

    ok = await record(head, made["paid"], dt.date(2025, 5, 3))
    assert ok["errors"] == [] and ok["challenge"]["lost"] is False
    cid = ok["challenge"]["id"]
    assert codes(await outcome(head, cid, "PENDING", dt.date(2025, 6, 1))) == ["OUTCOME_INVALID"]
    assert codes(await outcome(head, cid, "REVOKED", dt.date(2025, 5, 2))) == ["DECIDED_BEFORE_FILED"]
    assert codes(await outcome(head, cid, "REVOKED", TODAY + dt.timedelta(days=1))) == ["DATE_IN_FUTURE"]
    assert codes(await outcome(officer, cid, "REVOKED", dt.date(2025, 6, 1))) == ["FORBIDDEN"]
    done = await outcome(head, cid, "REVOKED", dt.date(2025, 6, 1))
    assert done["errors"] == [] and done["challenge"]["lost"] is True and done["challenge"]["decidedOn"] == "2025-06-01"
    assert codes(await outcome(head, cid, "UPHELD", dt.date(2025, 6, 2))) == ["OUTCOME_ALREADY_RECORDED"]
    assert codes(await outcome(head, gid("LegalChallenge", uuid.uuid4()), "UPHELD", dt.date(2025, 6, 2))) == ["CHALLENGE_NOT_FOUND"]
    listed = (await head("query($c: ID!) { legalChallenges(caseId: $c) { id outcome decidedOn } }", {"c": gid("Case", made["paid"].id)}))
    assert listed["legalChallenges"] == [{"id": cid, "outcome": "REVOKED", "decidedOn": "2025-06-01"}]
    async with demo() as s:
        actions = (await s.execute(sa.text("SELECT action FROM audit_records WHERE object_type = 'LegalChallenge' ORDER BY seq"))).scalars().all()
    assert actions == ["challenge.filed", "challenge.decided"]


async def test_ledger_jurisdiction(api, demo, demo_tokens, client, statements):
    """A county supervisor sees its county's agencies; another county's supervisor gets nothing of it;
    the public and ordinary officers are refused (GraphQL and the workbook route alike)."""
    made = await seed(demo)
    async with transaction(demo) as s:
        city = (await s.execute(sa.select(Region).where(Region.code == "330900"))).scalar_one()
        other = Region(code="330921", name="岱山县", level=RegionLevel.COUNTY, parent_id=city.id)
        s.add(other)
        await s.flush()
        other_justice = Agency(name="舟山市岱山县司法局", short_name="岱司", kind=AgencyKind.JUSTICE_BUREAU, level=RegionLevel.COUNTY, region_id=other.id)
        other_bureau = Agency(name="舟山市岱山县综合行政执法局", short_name="岱综执", kind=AgencyKind.COMPREHENSIVE_BUREAU, level=RegionLevel.COUNTY, region_id=other.id)
        s.add_all([other_justice, other_bureau])
    other_supervisor = token(f"officer:{uuid.uuid4()}", ["supervisor"], other_justice.id)

    mine = (await api.as_(demo_tokens["supervisor"])(LEDGER, {"year": YEAR}))["responsibilityLedger"]["rows"]
    assert made["bureau"].name in {r["agencyName"] for r in mine} and other_bureau.name not in {r["agencyName"] for r in mine}
    theirs = (await api.as_(other_supervisor)(LEDGER, {"year": YEAR}))["responsibilityLedger"]
    assert [r["agencyName"] for r in theirs["rows"]] == [other_bureau.name] and theirs["total"]["cases"] == 0
    refused = (await api.as_(other_supervisor).post(LEDGER, {"year": YEAR, "agencyId": gid("Agency", made["bureau"].id)})).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the provincial account reads both counties; the agency head its own agency and those below
    province = (await api.as_(demo_tokens["provincial"])(LEDGER, {"year": YEAR}))["responsibilityLedger"]["rows"]
    assert {made["bureau"].name, other_bureau.name} <= {r["agencyName"] for r in province}
    township_head = token(f"officer:{uuid.uuid4()}", ["agency_head"], made["township"].id)
    await api.as_(township_head)(LEDGER, {"year": YEAR})  # its first request: the rate limiter's row is created
    statements["n"] = 0
    assert [r["agencyName"] for r in (await api.as_(township_head)(LEDGER, {"year": YEAR}))["responsibilityLedger"]["rows"]] == [made["township"].name]
    one_agency, statements["n"] = statements["n"], 0
    assert len((await api.as_(demo_tokens["provincial"])(LEDGER, {"year": YEAR}))["responsibilityLedger"]["rows"]) > 10
    assert statements["n"] == one_agency  # grouped counting: the statements do not grow with the agencies
    assert (await api.as_(demo_tokens["provincial_other"])(LEDGER, {"year": YEAR}))["responsibilityLedger"]["rows"] == []
    for who, code in ((None, "UNAUTHENTICATED"), (demo_tokens["bureau_officer"], "FORBIDDEN"),
                      (demo_tokens["township_auxiliary"], "FORBIDDEN"), (demo_tokens["bureau_reviewer"], "FORBIDDEN")):
        body = (await api.as_(who).post(LEDGER, {"year": YEAR})).json()
        assert body["errors"][0]["extensions"]["code"] == code, body
    bad = (await api.as_(demo_tokens["supervisor"]).post(LEDGER, {"year": YEAR, "from": "2025-01-01"})).json()
    assert bad["errors"][0]["extensions"]["code"] == "PERIOD_AMBIGUOUS"
    # the workbook route: the same rules
    url = "/supervision/ledger.xlsx"
    public = await client.get(url, params={"year": YEAR})
    assert public.status_code == 401 and public.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    auth = lambda t: {"authorization": f"Bearer {t}"}  # noqa: E731
    forbidden = await client.get(url, params={"year": YEAR, "agencyId": gid("Agency", made["bureau"].id)}, headers=auth(other_supervisor))
    assert forbidden.status_code == 403 and forbidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await client.get(url, params={"year": YEAR}, headers=auth(demo_tokens["bureau_officer"]))).status_code == 403
    assert (await client.get(url, params={"year": "x"}, headers=auth(other_supervisor))).status_code == 400
    book = openpyxl.load_workbook(io.BytesIO((await client.get(url, params={"year": YEAR}, headers=auth(other_supervisor))).content))
    assert [r[1].value for r in book["统计台账"].iter_rows(min_row=3)] == [other_bureau.name, "合计"]

"""The province-sized data set (`zhifa demo load --scale`), at the tests' proportion (`sample`:
two counties, 500 cases): rows written in bulk hold every invariant the workflow keeps — statuses
the state machine reaches from the timeline, versions equal to the versioned steps, deadlines as
the timeline gives them today, case and document numbers gap-free in date order (REFERENCE §5.4),
two handlers certified for the domain on every step's day (APL Art. 42), foreign keys, and the
audit chain intact with the bulk import as its last link. A second load reuses the data set; a
different one is refused unless replaced."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest
import sqlalchemy as sa

from conftest import KEY
from test_demo import check_the_timeline_makes_the_case, day_of, load
from zhifa.core.audit.models import AuditRecord
from zhifa.core.audit.service import verify
from zhifa.core.cases.calendar import DEFAULT_CALENDAR
from zhifa.core.cases.history import Event, Provisional, deadlines as computed_deadlines
from zhifa.core.cases.models import Case, CaseEvent, CaseStatus, NumberSequence
from zhifa.core.cases.numbering import NUMBER_PATTERN
from zhifa.core.cases.policy import DEFAULT_POLICY
from zhifa.core.clock import legal_date, legal_today
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.people.models import Agency
from zhifa.core.scale import SCALES, load_scale, loaded_dataset
from zhifa.core.scale.tokens import token_people
from zhifa.core.access.viewer import Role

SEED = 7


@pytest.fixture
async def sample(db, database_url, plugins):
    dataset = await load_scale(database_url, plugins.catalog, KEY, scale="sample", seed=SEED)
    return db, dataset


async def check_cases_are_what_their_timelines_make_them(sample):
    sessions, dataset = sample
    cases, events, deadlines, _, _ = await load(sessions)
    stored = {case_id: {k: (d.due_on, d.met_on, d.provisional_year) for k, d in kinds.items()} for case_id, kinds in deadlines.items()}
    assert len(cases) == SCALES["sample"].cases * SCALES["sample"].counties == dataset.counts["cases"]
    assert {c.status for c in cases} == set(CaseStatus)
    today = legal_today()
    for case in cases:
        timeline = events[case.id]
        check_the_timeline_makes_the_case(case, timeline)
        assert case.version == sum(e.kind != "publish" for e in timeline), case.case_number  # publishing changes no case
        if case.status is CaseStatus.CLOSED and case.fine_fen:
            assert sum(e.data["amount_fen"] for e in timeline if e.kind == "payment") >= case.fine_fen
        history = [Event(e.kind, day_of(e), e.data) for e in timeline]
        publishable = bool(set(case.penalty_kinds or []) - {"warning"})
        expected = computed_deadlines(history, case.fine_fen or 0, case.hearing_right, publishable, DEFAULT_POLICY, DEFAULT_CALENDAR, today)
        due = {}
        for found, met in expected:
            shown = found.deadline if isinstance(found, Provisional) else found
            waited = shown.kind in ("NOTICE_RESPONSE", "STATEMENT_DEFENCE") and met is None and shown.due_on < today
            due[shown.kind] = (shown.due_on, shown.due_on if waited else met, found.unknown_year if isinstance(found, Provisional) else None)
        assert stored.get(case.id, {}) == due, case.case_number


async def check_numbers_run_gap_free_in_date_order(sample):
    """REFERENCE §5.4: per agency, document type and year, serials 1..n in date order; the counters agree."""
    sessions, _ = sample
    async with sessions() as session:
        agencies = {a.id: a for a in (await session.execute(sa.select(Agency))).scalars()}
        cases = (await session.execute(sa.select(Case.agency_id, Case.case_number, Case.registered_at))).all()
        numbered = (await session.execute(sa.select(CaseEvent.at, CaseEvent.data).where(CaseEvent.kind.in_(("file", "notify", "decide", "decide_no_penalty", "serve"))))).all()
        counters = {(s.agency_id, s.doc_type, s.year): s.last_value for s in (await session.execute(sa.select(NumberSequence))).scalars()}
    issued = defaultdict(list)
    for agency_id, number, registered in cases:
        match = NUMBER_PATTERN.match(number)
        assert match["prefix"] == f"{agencies[agency_id].short_name}案" and int(match["year"]) == legal_date(registered).year, number
        issued[(match["prefix"], match["year"])].append((registered, int(match["serial"])))
    for at, data in numbered:
        match = NUMBER_PATTERN.match(data["document_number"])
        issued[(match["prefix"], match["year"])].append((dt.date.fromisoformat(data["on"]), int(match["serial"])))
    assert sum(counters.values()) == sum(len(n) for n in issued.values()) and len(issued) > 20
    for key, numbers in issued.items():
        numbers.sort(key=lambda n: n[1])
        assert [n for _, n in numbers] == list(range(1, len(numbers) + 1)), key
        assert [d for d, _ in numbers] == sorted(d for d, _ in numbers), key


async def check_handlers_hold_certificates_for_the_domain_on_every_step(sample):
    """APL Art. 42: two handlers per case, each certified for the case's domain, not suspended,
    on every day a step of the case was taken."""
    sessions, _ = sample
    async with sessions() as session:
        handlers = await session.scalar(sa.text("SELECT count(*) FROM (SELECT case_id FROM case_officers GROUP BY case_id HAVING count(*) = 2) AS t"))
        unfit = await session.scalar(sa.text("""
            SELECT count(*) FROM case_events e
            JOIN cases c ON c.id = e.case_id
            JOIN case_officers co ON co.case_id = c.id
            JOIN certificates ce ON ce.officer_id = co.officer_id
            WHERE ce.valid_from > c.registered_at OR ce.valid_until < c.closed_on
               OR NOT EXISTS (SELECT 1 FROM certificate_domains d WHERE d.certificate_id = ce.id AND d.domain_code = c.domain_code)
               OR EXISTS (SELECT 1 FROM certificate_changes ch WHERE ch.certificate_id = ce.id AND ch.status <> 'valid')
        """))
        cases = await session.scalar(sa.select(sa.func.count()).select_from(Case))
    assert handlers == cases and unfit == 0


async def check_rows_keep_their_foreign_keys_and_the_audit_chain(sample, database_url: str):
    sessions, dataset = sample
    async with sessions() as session:
        if database_url.startswith("sqlite"):
            assert (await session.execute(sa.text("PRAGMA foreign_key_check"))).all() == []
        orphans = await session.scalar(sa.text(
            "SELECT (SELECT count(*) FROM case_events e WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id))"
            " + (SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM entities n WHERE n.id = c.entity_id))"
            " + (SELECT count(*) FROM entities n WHERE NOT EXISTS (SELECT 1 FROM entity_versions v WHERE v.entity_id = n.id))"))
        checked, broken = await verify(session)
        last = await session.scalar(sa.select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1))
    assert orphans == 0 and broken is None and checked >= 1
    assert last.action == "demo.scale_loaded" and f'"seed": {SEED}' in last.detail


async def check_credit_codes_and_id_numbers_are_valid(sample):
    from stdnum.cn import uscc

    sessions, _ = sample
    async with sessions() as session:
        codes = (await session.execute(sa.text("SELECT credit_code FROM entities WHERE credit_code IS NOT NULL"))).scalars().all()
    assert codes and all(uscc.is_valid(c) for c in codes)


async def test_bulk_rows_hold_what_the_workflow_keeps(sample, database_url):
    """One load, every invariant (each check names the rule it holds)."""
    await check_cases_are_what_their_timelines_make_them(sample)
    await check_numbers_run_gap_free_in_date_order(sample)
    await check_handlers_hold_certificates_for_the_domain_on_every_step(sample)
    await check_rows_keep_their_foreign_keys_and_the_audit_chain(sample, database_url)
    await check_credit_codes_and_id_numbers_are_valid(sample)
    await check_tokens_go_to_the_first_county_city_and_province(sample)
    await check_the_planner_has_statistics_for_the_loaded_tables(sample)


async def check_the_planner_has_statistics_for_the_loaded_tables(sample):
    """ANALYZE after the load: without statistics PostgreSQL planned a county's lists for a
    quarter of its cases (measured on the county data set before this check)."""
    sessions, dataset = sample
    async with sessions() as session:
        if session.bind.dialect.name == "postgresql":
            since = dt.datetime.fromisoformat(dataset.loaded_at)  # analysed by this load, not an earlier test
            analysed = set((await session.execute(sa.text(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze >= :since"
            ), {"since": since})).scalars())
        else:
            analysed = set((await session.execute(sa.text("SELECT tbl FROM sqlite_stat1"))).scalars())
    assert {"cases", "case_events", "case_deadlines", "entities"} <= analysed


async def test_a_loaded_data_set_is_reused_and_another_refused_unless_replaced(sample, database_url, plugins):
    sessions, first = sample
    again = await load_scale(database_url, plugins.catalog, KEY, scale="sample", seed=SEED)
    assert again.reused and again.counts == first.counts and await loaded_dataset(database_url) == first
    with pytest.raises(UserError) as refused:
        await load_scale(database_url, plugins.catalog, KEY, scale="sample", seed=SEED + 1)
    assert refused.value.code == CommonErrorCode.DATASET_DIFFERS and "--replace" in refused.value.message
    replaced = await load_scale(database_url, plugins.catalog, KEY, scale="sample", seed=SEED + 1, replace=True)
    assert not replaced.reused and (await loaded_dataset(database_url)).seed == SEED + 1
    async with sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Case)) == replaced.counts["cases"]
        assert (await verify(session))[1] is None


async def check_tokens_go_to_the_first_county_city_and_province(sample):
    sessions, _ = sample
    async with sessions() as session:
        people = await token_people(session)
    roles = [role for _, role, _, _ in people]
    assert len(people) == 9 and roles.count(Role.SUPERVISOR) == 3 and Role.STAFF_ADMIN in roles
    assert re.search("省司法厅", people[-1][3].name)

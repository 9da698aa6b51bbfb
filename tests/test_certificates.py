"""Officers and their enforcement certificates as records, and the case guards fed from them.

行政处罚法第四十二条: penalties are imposed by officers holding enforcement qualifications
(执法资格), at least two; 第五十五条: they show their enforcement certificates (执法证件). Seed 001
(Anshan): unified management of qualifications — no officer without a certificate may enforce."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic import command
from conftest import KEY, token
from zhifa.core.audit.models import AuditRecord
from zhifa.core.cases.guards import certificate_problem
from zhifa.core.cases.workflow import officer_snapshots
from zhifa.core.clock import legal_today
from zhifa.core.db import make_engine, transaction
from zhifa.core.errors import UserError, UserErrors
from zhifa.core.ids import new_id
from zhifa.core.migrate import alembic_config
from zhifa.core.people.certificates import (
    NewCertificate,
    change_certificate_status,
    held_on,
    issue_certificate,
    status_on,
)
from zhifa.core.people.models import (
    Agency,
    AgencyKind,
    AssessmentResult,
    Certificate,
    CertificateStatus,
    Officer,
    OfficerDomain,
    OfficerRole,
    OfficerYear,
    Posting,
)
from zhifa.core.people.staff import (
    NewOfficer,
    officer_by_id_number,
    post_officer,
    record_legal_qualification,
    record_year,
    register_officer,
    retire_officer,
)

S = CertificateStatus
TODAY = legal_today()
D = dt.date
ID_NUMBER = "11010519491231002X"


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def change(status: CertificateStatus, on: dt.date):
    return SimpleNamespace(status=status, effective_on=on)


# --- Pure: the status on a day ---------------------------------------------------------------------


def test_apl_art42_a_suspension_counts_from_its_day_and_a_reinstatement_from_its_own():
    """APL Art. 42: the qualification is judged on the act's day — suspended on 3-10, acts of 3-09
    stand; reinstated on 6-01, valid again from then."""
    changes = [change(S.VALID, D(2024, 1, 1)), change(S.SUSPENDED, D(2025, 3, 10)), change(S.VALID, D(2025, 6, 1))]
    window = (D(2024, 1, 1), D(2028, 12, 31))
    assert status_on(changes, *window, D(2025, 3, 9)) is S.VALID
    assert status_on(changes, *window, D(2025, 3, 10)) is S.SUSPENDED
    assert status_on(changes, *window, D(2025, 5, 31)) is S.SUSPENDED
    assert status_on(changes, *window, D(2025, 6, 1)) is S.VALID


def test_apl_art42_a_valid_certificate_expires_the_day_after_its_last_day_and_revocation_outlasts_it():
    """APL Art. 42: a certificate past valid_until is no qualification (EXPIRED, computed); a revoked
    one stays revoked, within its window or after."""
    window = (D(2020, 1, 1), D(2024, 12, 31))
    assert status_on([change(S.VALID, D(2020, 1, 1))], *window, D(2024, 12, 31)) is S.VALID
    assert status_on([change(S.VALID, D(2020, 1, 1))], *window, D(2025, 1, 1)) is S.EXPIRED
    revoked = [change(S.VALID, D(2020, 1, 1)), change(S.REVOKED, D(2022, 5, 5))]
    assert status_on(revoked, *window, D(2025, 1, 1)) is S.REVOKED
    assert status_on([], *window, D(2021, 1, 1)) is S.VALID  # no change recorded: valid in its window


def test_apl_art42_the_act_is_judged_by_the_certificate_whose_window_holds_its_day():
    """APL Art. 42, 55: a renewed certificate covers its own window, the old one its own; between or
    outside them, the nearest one decides (and its window refuses the day)."""
    old = SimpleNamespace(id=1, valid_from=D(2019, 1, 1), valid_until=D(2023, 12, 31))
    new = SimpleNamespace(id=2, valid_from=D(2024, 3, 1), valid_until=D(2028, 12, 31))
    changes = {1: [change(S.VALID, old.valid_from)], 2: [change(S.VALID, new.valid_from)]}
    assert held_on([old, new], changes, D(2022, 6, 1)) is old
    assert held_on([old, new], changes, D(2025, 6, 1)) is new
    assert held_on([old, new], changes, D(2024, 1, 10)) is old  # 10 days after the old, 51 before the new
    assert held_on([], changes, D(2025, 6, 1)) is None
    overlapping = SimpleNamespace(id=3, valid_from=D(2023, 6, 1), valid_until=D(2026, 1, 1))
    changes[3] = [change(S.VALID, overlapping.valid_from), change(S.SUSPENDED, D(2023, 7, 1))]
    assert held_on([old, overlapping], changes, D(2023, 8, 1)) is old  # the valid one of two that hold the day


# --- Services ---------------------------------------------------------------------------------------


async def _bureau(session) -> Agency:
    return await session.scalar(sa.select(Agency).where(Agency.kind == AgencyKind.COMPREHENSIVE_BUREAU))


async def _domain(session, agency: Agency) -> str:
    return await session.scalar(sa.select(OfficerDomain.domain_code).join(Officer).where(Officer.agency_id == agency.id).limit(1))


async def _refused(code: str, work) -> None:
    """The work is refused with `code`, alone or among others (before it writes anything)."""
    with pytest.raises((UserError, UserErrors)) as raised:
        await work
    errors = getattr(raised.value, "errors", [raised.value])
    assert code in {e.code for e in errors}, errors


async def _officer(session, role=OfficerRole.OFFICER, **fields) -> tuple[Officer, Agency]:
    bureau = await _bureau(session)
    new = NewOfficer(agency_id=bureau.id, name=fields.pop("name", "王执法"), role=role, posted_on=days(400), **fields)
    return await register_officer(session, "test", new, KEY), bureau


def _certificate(officer: Officer, domain: str, number: str = "浙0902T00001", valid_from: dt.date | None = None, **fields) -> NewCertificate:
    return NewCertificate(officer_id=officer.id, number=number, issuing_authority="舟山市定海区人民政府", domains=(domain,),
                          valid_from=valid_from or days(300), valid_until=fields.pop("valid_until", days(300) + dt.timedelta(days=1825)),
                          decision="定政执证〔2025〕3号", **fields)


async def test_an_officer_is_registered_with_his_id_number_encrypted_and_found_by_it(demo):
    async with transaction(demo) as session:
        officer, bureau = await _officer(session, id_number=ID_NUMBER.lower(), external_identity="zj-idp|0001")
        assert officer.id_number_cipher != ID_NUMBER and KEY.decrypt(officer.id_number_cipher) == ID_NUMBER
        assert (await officer_by_id_number(session, KEY, ID_NUMBER)).id == officer.id
        posting = await session.scalar(sa.select(Posting).where(Posting.officer_id == officer.id))
        assert (posting.agency_id, posting.started_on, posting.ended_on) == (bureau.id, days(400), None)
        audited = await session.scalar(sa.select(AuditRecord).where(AuditRecord.object_id == officer.id))
        assert (audited.action, audited.actor) == ("officer.registered", "test")
    async with transaction(demo) as session:
        await _refused("OFFICER_DUPLICATE", _officer(session, id_number=ID_NUMBER, name="同一人"))
    async with transaction(demo) as session:
        await _refused("OFFICER_DUPLICATE", _officer(session, external_identity="zj-idp|0001", name="另一人"))
    async with transaction(demo) as session:
        await _refused("EXTERNAL_IDENTITY_INVALID", _officer(session, external_identity="officer:" + str(uuid.uuid4())))
        await _refused("ID_NUMBER_INVALID", _officer(session, id_number="110105194913310021"))
        await _refused("POSTING_DATE_INVALID", register_officer(session, "test", NewOfficer(officer.agency_id, "明日", OfficerRole.OFFICER, posted_on=TODAY + dt.timedelta(days=1)), KEY))


async def test_apl_art42_a_certificate_is_issued_to_enforcing_staff_only_with_known_domains_and_an_ordered_window(demo):
    """APL Art. 42: auxiliaries (and staff administrators) never enforce, so hold no certificate."""
    async with transaction(demo) as session:
        officer, bureau = await _officer(session)
        domain = await _domain(session, bureau)
        auxiliary, _ = await _officer(session, OfficerRole.AUXILIARY, name="辅助")
        admin, _ = await _officer(session, OfficerRole.STAFF_ADMIN, name="人事")
        for holder in (auxiliary, admin):
            await _refused("CERTIFICATE_NOT_FOR_ROLE", issue_certificate(session, "test", _certificate(holder, domain)))
        await _refused("CERTIFICATE_DOMAINS_INVALID", issue_certificate(session, "test", _certificate(officer, "no-such-domain")))
        await _refused("CERTIFICATE_WINDOW_INVALID", issue_certificate(session, "test", _certificate(officer, domain, valid_until=days(301))))
        certificate = await issue_certificate(session, "test", _certificate(officer, domain))
        await _refused("CERTIFICATE_DUPLICATE", issue_certificate(session, "test", _certificate(officer, domain)))
        assert (officer.certificate_number, officer.certificate_valid_from, officer.status) == (certificate.number, days(300), S.VALID)
        assert set((await session.execute(sa.select(OfficerDomain.domain_code).where(OfficerDomain.officer_id == officer.id))).scalars()) == {domain}


async def test_apl_art42_status_changes_follow_the_allowed_transitions_with_decision_reason_and_day(demo):
    """Suspension (暂扣) and revocation (注销、吊销) need the decision and its reason, take effect
    on a day within the window and after the last change; revocation is final."""
    async with transaction(demo) as session:
        officer, bureau = await _officer(session)
        certificate = await issue_certificate(session, "test", _certificate(officer, await _domain(session, bureau)))
        cid = certificate.id
        await _refused("CERTIFICATE_NOT_FOUND", change_certificate_status(session, "t", new_id(), S.SUSPENDED, days(10), "决定", "理由"))
        await _refused("CERTIFICATE_TRANSITION_INVALID", change_certificate_status(session, "t", cid, S.VALID, days(10), "", ""))
        await _refused("CERTIFICATE_TRANSITION_INVALID", change_certificate_status(session, "t", cid, S.EXPIRED, days(10), "决定", "理由"))
        await _refused("CERTIFICATE_CHANGE_DATE_INVALID", change_certificate_status(session, "t", cid, S.SUSPENDED, days(301), "决定", "理由"))
        await _refused("CERTIFICATE_CHANGE_DATE_INVALID", change_certificate_status(session, "t", cid, S.SUSPENDED, TODAY + dt.timedelta(days=1), "决定", "理由"))
        await _refused("DECISION_REQUIRED", change_certificate_status(session, "t", cid, S.SUSPENDED, days(10), " ", "理由"))
        await _refused("REASON_REQUIRED", change_certificate_status(session, "t", cid, S.REVOKED, days(10), "决定", ""))
        await change_certificate_status(session, "t", cid, S.SUSPENDED, days(10), "定综执暂〔2026〕2号", "违规执法，调查期间暂扣")
        assert (officer.status, officer.status_since) == (S.SUSPENDED, days(10))
        await _refused("CERTIFICATE_CHANGE_DATE_INVALID", change_certificate_status(session, "t", cid, S.VALID, days(11), "", "调查结束"))
        await change_certificate_status(session, "t", cid, S.VALID, days(5), "", "调查结束，恢复")
        await change_certificate_status(session, "t", cid, S.REVOKED, days(2), "定综执销〔2026〕1号", "调离执法岗位")
        await _refused("CERTIFICATE_TRANSITION_INVALID", change_certificate_status(session, "t", cid, S.VALID, TODAY, "", "恢复"))
        assert (officer.status, officer.status_since) == (S.REVOKED, days(2))
        actions = (await session.execute(sa.select(AuditRecord.action).where(AuditRecord.object_id == cid))).scalars().all()
        assert actions == ["certificate.issued", *["certificate.status_changed"] * 3]


async def test_postings_qualification_years_and_retirement(demo):
    """A transfer ends the open posting the day before; retirement revokes every certificate not yet
    revoked on its day and ends the posting; nothing changes for a retired officer afterwards."""
    async with transaction(demo) as session:
        officer, bureau = await _officer(session)
        certificate = await issue_certificate(session, "test", _certificate(officer, await _domain(session, bureau)))
        team = await session.scalar(sa.select(Agency).where(Agency.kind == AgencyKind.TOWNSHIP_TEAM).limit(1))
        await _refused("POSTING_DATE_INVALID", post_officer(session, "t", officer.id, team.id, days(400)))
        await post_officer(session, "t", officer.id, team.id, days(100), is_head=True)
        postings = (await session.execute(sa.select(Posting).where(Posting.officer_id == officer.id).order_by(Posting.started_on))).scalars().all()
        assert [(p.agency_id, p.ended_on, p.is_head) for p in postings] == [(bureau.id, days(101), False), (team.id, None, True)]
        assert officer.agency_id == team.id
        await record_legal_qualification(session, "t", officer.id, True, days(50))
        await _refused("DATE_IN_FUTURE", record_legal_qualification(session, "t", officer.id, True, TODAY + dt.timedelta(days=1)))
        await record_year(session, "t", officer.id, TODAY.year, 40, AssessmentResult.COMPETENT)
        await record_year(session, "t", officer.id, TODAY.year, 56, AssessmentResult.EXCELLENT)  # recorded again: replaced
        await _refused("NUMBER_NEGATIVE", record_year(session, "t", officer.id, TODAY.year, -1, None))
        await _refused("PERIOD_INVALID", record_year(session, "t", officer.id, TODAY.year + 1, 1, None))
        year = await session.get(OfficerYear, (officer.id, TODAY.year))
        assert (year.training_hours, year.assessment) == (56, AssessmentResult.EXCELLENT)
        await _refused("POSTING_DATE_INVALID", retire_officer(session, "t", officer.id, days(200), "退休"))
        await retire_officer(session, "t", officer.id, days(3), "退休")
        assert (officer.retired_on, officer.status, officer.status_since, postings[1].ended_on) == (days(3), S.REVOKED, days(3), days(3))
        await _refused("OFFICER_RETIRED", change_certificate_status(session, "t", certificate.id, S.SUSPENDED, TODAY, "决定", "理由"))
        await _refused("OFFICER_RETIRED", post_officer(session, "t", officer.id, bureau.id, TODAY))


# --- The case guards fed from the records ----------------------------------------------------------


async def test_apl_art42_the_guards_read_the_certificate_and_its_status_on_the_day_of_the_act(demo):
    """APL Art. 42, 55: suspended on day X refuses acts from X on but not before; a certificate that
    expired the day before refuses; the renewed one covers its new window; none at all refuses."""
    async with transaction(demo) as session:
        bureau = await _bureau(session)
        domain = await _domain(session, bureau)
        suspended, _ = await _officer(session, name="暂扣")
        expired, _ = await _officer(session, name="过期")
        renewed, _ = await _officer(session, name="换证")
        uncertified, _ = await _officer(session, name="无证")
        held = await issue_certificate(session, "t", _certificate(suspended, domain, "浙0902T1"))
        await change_certificate_status(session, "t", held.id, S.SUSPENDED, days(5), "定综执暂〔2026〕3号", "调查期间暂扣")
        await issue_certificate(session, "t", _certificate(expired, domain, "浙0902T2", valid_until=days(1)))
        await issue_certificate(session, "t", _certificate(renewed, domain, "浙0902T3", valid_until=days(31)))
        await issue_certificate(session, "t", _certificate(renewed, domain, "浙0902T4", valid_from=days(30), valid_until=days(30) + dt.timedelta(days=1825)))
        ids = [suspended.id, expired.id, renewed.id, uncertified.id]

        async def problems(on: dt.date) -> dict[str, str | None]:
            snapshots = await officer_snapshots(session, ids, on)
            return {s.name: certificate_problem(s, on) for s in snapshots.values()}

        before, today = await problems(days(6)), await problems(TODAY)
        assert before == {"暂扣": None, "过期": None, "换证": None, "无证": "未登记或信息不全（缺少有效期）"}
        assert today["暂扣"] == f"自 {days(5).isoformat()} 起已被暂扣"
        assert today["过期"] == f"已于 {days(1).isoformat()} 过期"
        assert today["换证"] is None and (await problems(days(31)))["换证"] is None
        assert (await officer_snapshots(session, [renewed.id], TODAY))[renewed.id].certificate_valid_from == days(30)
        assert renewed.certificate_number == "浙0902T4"  # the projection shows the one in force today


# --- The migration's backfill ----------------------------------------------------------------------


@pytest.fixture
async def fresh_database_url(database_url, tmp_path):
    """An empty database of the test engine, for a migration to run on from the start."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
        return
    name = f"zhifa_fresh_{uuid.uuid4().hex[:8]}"
    admin = make_engine(os.environ["ZHIFA_TEST_DATABASE_URL"])
    async with admin.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(database_url).set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    await admin.dispose()


async def test_migration_0015_turns_every_officer_certificate_into_a_record(fresh_database_url):
    """Each certificate on an officer becomes a record with its domains, VALID from its first day,
    and the officer's suspension from its day; officers referenced elsewhere survive the rebuild."""
    url = fresh_database_url
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0014")
    engine = make_engine(url)
    officer, agency, region = new_id(), new_id(), new_id()
    rows = [
        ("regions (id, code, name, level) VALUES (:region, '330902', '定海区', 'county')", {}),
        ("agencies (id, name, short_name, kind, level, region_id) VALUES (:agency, '局', '定综执', 'comprehensive_bureau', 'county', :region)", {}),
        ("domains (code, name_zh, name_en, plugin, plugin_version) VALUES ('d1', '领域', 'domain', 'p', '1')", {}),
        (("officers (id, name, certificate_number, certificate_valid_from, certificate_valid_until, status, status_since, role,"
          " legal_qualification, agency_id) VALUES (:officer, '甲', 'C1', :start, :end, 'suspended', :since, 'officer', false, :agency)"),
         {"start": D(2020, 1, 1), "end": D(2030, 1, 1), "since": D(2024, 5, 1)}),
        ("officer_domains (officer_id, domain_code) VALUES (:officer, 'd1')", {}),
        ("postings (id, officer_id, region_id, agency_id, is_head, started_on) VALUES (:posting, :officer, :region, :agency, false, :start)",
         {"posting": new_id(), "start": D(2020, 1, 1)}),
    ]
    ids = {"officer": officer, "agency": agency, "region": region}
    async with engine.begin() as conn:
        for sql, values in rows:
            statement = sa.text("INSERT INTO " + sql).bindparams(*(sa.bindparam(k, type_=sa.Uuid) for k in ("officer", "agency", "region", "posting") if f":{k}" in sql))
            await conn.execute(statement, {k: v for k, v in {**ids, **values}.items() if f":{k}" in sql})
    await engine.dispose()
    await asyncio.to_thread(command.upgrade, alembic_config(url), "heads")
    engine = make_engine(url)
    async with engine.connect() as conn:
        certificate = (await conn.execute(sa.select(Certificate.__table__))).one()
        changes = (await conn.execute(sa.text("SELECT status, effective_on FROM certificate_changes ORDER BY effective_on"))).all()
        domains = (await conn.execute(sa.text("SELECT domain_code FROM certificate_domains"))).scalars().all()
        postings = (await conn.execute(sa.text("SELECT count(*) FROM postings"))).scalar()
    await engine.dispose()
    assert (certificate.officer_id, certificate.number, certificate.issuing_authority) == (officer, "C1", "（迁移前记录，发证机关未登记）")
    assert [(s, str(d)) for s, d in changes] == [("valid", "2020-01-01"), ("suspended", "2024-05-01")]
    assert (domains, postings) == (["d1"], 1)


# --- External identity: the provincial identity provider's subject ---------------------------------

COUNT = "{ cases(first: 1) { totalCount } }"


async def test_a_token_of_the_identity_provider_acts_as_the_officer_recorded_under_its_subject(api, demo, demo_tokens):
    """The `sub` of a provincial token maps to the officer whose external identity it is: his agency
    from the record (a differing `agency` claim refused), his recorded role when the token names
    none; an unknown subject and a retired officer are refused (401)."""
    async with transaction(demo) as session:
        _, bureau = await _officer(session, external_identity="zjzwfw:330902-0042")
        retired, _ = await _officer(session, external_identity="zjzwfw:330902-0043", name="退休者")
        await retire_officer(session, "t", retired.id, TODAY, "退休")
        township = await session.scalar(sa.select(Agency.id).where(Agency.kind == AgencyKind.TOWNSHIP_TEAM).limit(1))
    ours = (await api.as_(demo_tokens["bureau_officer"])(COUNT))["cases"]["totalCount"]
    assert ours > 0
    for mapped in (token("zjzwfw:330902-0042", []), token("zjzwfw:330902-0042", ["officer"], bureau.id)):
        assert (await api.as_(mapped)(COUNT))["cases"]["totalCount"] == ours
    refusals = {
        token("zjzwfw:unknown", ["officer"]): "未登记",
        token("zjzwfw:330902-0042", ["officer"], township): "不一致",
        token("zjzwfw:330902-0043", ["officer"]): "退休",
    }
    for refused, words in refusals.items():
        response = await api.as_(refused).post(COUNT)
        assert response.status_code == 401, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "UNAUTHENTICATED" and words in error["message"]

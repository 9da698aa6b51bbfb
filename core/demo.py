"""A realistic demo city (舟山市, names and people invented) for trying the API: two counties
(定海区, 普陀区), each with its comprehensive bureau, professional and township teams and justice
bureau, plus the city bureau and the city justice bureau, so that one county's records are
never another's (the city's supervisors see both).

Everything is generated from a seed, so the same command gives the same data (relative to the
day it is loaded). Loaded once: a second run finds the bureau and leaves the database alone.
Officers' enforcement certificates are written as records (certificate, domains, changes) and as
the officer's projection of the certificate in force.

The cases are real histories: each went through the procedure step by step, backdated over the
past months, through the same workflow and publication services the API uses
(`core.demo_history`), so filing, decision and closing days, fines, discretion, document and
decision numbers, deadlines, publications and payments are all what the law's guards let through.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from stdnum.cn import ric, uscc
from zhifa.core.access.viewer import Role
from zhifa.core.audit.service import record
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.cases.models import (
    Case,
    CaseEvent,
    CaseOfficer,
    CaseStatus,
    NumberSequence,
    Procedure,
)
from zhifa.core.cases.numbering import format_number
from zhifa.core.cases.service import CASE_DOC_TYPE
from zhifa.core.catalog.models import CatalogItemVersion, Delegation, ItemKind
from zhifa.core.catalog.registry import Catalog
from zhifa.core.catalog.spec import normalise_facts
from zhifa.core.clock import LEGAL_ZONE, legal_today
from zhifa.core.db import make_engine, session_factory, transaction
from zhifa.core.demo_history import (
    AFTER_PROPOSAL,
    Draft,
    Planner,
    Runner,
    fits,
    outlook,
    simple_fits,
)
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.models import Entity, EntityKind
from zhifa.core.ids import new_id
from zhifa.core.people.models import (
    Agency,
    AgencyDomain,
    AgencyKind,
    Certificate,
    CertificateChange,
    CertificateDomain,
    CertificateStatus,
    Officer,
    OfficerDomain,
    OfficerRole,
    Posting,
    Region,
    RegionLevel,
)
from zhifa.core.publication.models import Publication

CITY = ("330900", "舟山市")
CITY_BUREAU = "舟山市综合行政执法局"
CITY_JUSTICE = "舟山市司法局"
DOMAIN_TEAMS = {  # the professional teams of a county bureau: name after the county, short-name suffix
    "construction": ("住建执法大队", "建"),
    "market": ("市场监管执法大队", "市"),
    "ecology": ("生态环境执法大队", "环"),
    "transport": ("交通运输执法大队", "交"),
    "agriculture": ("农业农村执法大队", "农"),
}


@dataclass(frozen=True)
class County:
    """One demo county: its townships (the first `township_teams` have their own enforcement team)."""

    code: str
    name: str
    initial: str  # first character of its agencies' short names (定综执, 普综执 …)
    townships: tuple[tuple[str, str], ...]
    township_teams: int
    key_townships: frozenset[str]  # 重点乡镇（街道）: ≥ 8 officers instead of 3 (绍兴实施意见)
    streets: tuple[str, ...]

    @property
    def bureau(self) -> str:
        return f"舟山市{self.name}综合行政执法局"

    @property
    def court(self) -> str:
        return f"舟山市{self.name}人民法院"


DINGHAI = County(
    "330902", "定海区", "定",
    (("330902001", "解放街道"), ("330902002", "昌国街道"), ("330902003", "环南街道"), ("330902004", "城东街道"),
     ("330902005", "盐仓街道"), ("330902006", "临城街道"), ("330902100", "白泉镇"), ("330902101", "金塘镇"), ("330902102", "干览镇")),
    township_teams=6,
    key_townships=frozenset({"330902001", "330902101"}),  # 解放街道 (a team of three), 金塘镇 (no team)
    streets=("人民北路", "环城南路", "解放西路", "昌国路", "东海西路", "海天大道", "定沈路", "金塘大道", "白泉路"),
)
PUTUO = County(
    "330903", "普陀区", "普",
    (("330903001", "沈家门街道"), ("330903002", "东港街道"), ("330903003", "朱家尖街道"), ("330903004", "展茅街道"),
     ("330903100", "六横镇"), ("330903101", "桃花镇"), ("330903102", "虾峙镇")),
    township_teams=4,
    key_townships=frozenset({"330903001", "330903100"}),  # 沈家门街道 (a team of three), 六横镇 (no team)
    streets=("东港大道", "兴普大道", "普陀大道", "新街", "滨港路", "鲁家峙路", "朱家尖大道", "沙头路"),
)
COUNTIES = (DINGHAI, PUTUO)  # the first county carries two thirds of the cases and entities
BUREAU = DINGHAI.bureau  # its presence means the demo is loaded
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海燕文斌玲晓东雪梅俊峰辉鹏浩宇欣怡佳琪子涵"
TRADES = [
    ("餐饮", "餐饮店"),
    ("食品销售", "食品商行"),
    ("建筑施工", "建设工程有限公司"),
    ("房地产开发", "置业有限公司"),
    ("水产加工", "水产品有限公司"),
    ("道路货运", "物流有限公司"),
    ("道路客运", "客运有限公司"),
    ("农资经营", "农资经营部"),
    ("畜禽养殖", "养殖场"),
    ("机械制造", "机械有限公司"),
    ("广告", "广告传媒有限公司"),
    ("船舶修造", "船舶修造有限公司"),
]
PLACES = "定海舟山海城昌洲东港新城岑港金塘白泉双桥马岙小沙盐仓干览临城普陀海天锦华"
# A realistic spread of statuses for a year's caseload (most cases are past filing).
STATUS_WEIGHTS = {
    CaseStatus.REGISTERED: 6,
    CaseStatus.FILED: 6,
    CaseStatus.NOT_FILED: 3,
    CaseStatus.INVESTIGATING: 10,
    CaseStatus.PROPOSED: 5,
    CaseStatus.NOTIFIED: 6,
    CaseStatus.HEARING: 2,
    CaseStatus.LEGAL_REVIEW: 3,
    CaseStatus.COLLECTIVE_DISCUSSION: 1,
    CaseStatus.DECIDED: 6,
    CaseStatus.SERVED: 6,
    CaseStatus.EXECUTING: 8,
    CaseStatus.CLOSED: 35,
    CaseStatus.TRANSFERRED: 3,
}


async def load_demo(
    database_url: str,
    catalog: Catalog,
    key: DataKey,
    *,
    seed: int,
    cases: int,
    entities: int,
    console: Console,
    calendar: WorkingCalendar | None = None,
) -> str:
    """`cases`, `entities`: the demo's totals, two thirds in the first county. `calendar`: the
    deployment's working-day calendar (default: the holiday package's years)."""
    engine = make_engine(database_url)
    try:
        async with transaction(session_factory(engine)) as session:
            if await session.scalar(sa.select(Agency.id).where(Agency.name == BUREAU)):
                return "演示数据已存在，未重复载入。"
            builder = DemoBuilder(session, catalog, key, seed, console, calendar)
            return await builder.build(cases=cases, entities=entities)
    finally:
        await engine.dispose()


def phase(console: Console, text: str) -> None:
    """A line per phase when the output is a log, not a terminal (where progress bars show it)."""
    if not console.is_terminal:
        console.print(f"{dt.datetime.now():%H:%M:%S} {text}")


class Staffing:
    """Officers of some agencies: names, certificates (as records and as the officer's projection
    of the certificate in force), postings, and one staff administrator per bureau."""

    def __init__(self, session, catalog: Catalog, rng: random.Random, staff_rng: random.Random, today: dt.date):
        self.session, self.catalog, self.rng, self.staff_rng, self.today = session, catalog, rng, staff_rng, today

    def _add(self, *rows: Any) -> None:
        self.session.add_all(rows)

    def _name(self, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    async def _people(self, agencies: dict[str, Agency], plan: Callable[[str], list[OfficerRole]], domains: Callable[[str], list[str]],
                      number_prefix: str, authority: str) -> list[Officer]:
        officers: list[Officer] = []
        serial = 0
        for key, agency in agencies.items():
            for role in plan(key):
                serial += 1
                officers.append(self._officer(agency, role, number_prefix, serial))
        admins = [self._staff_admin(a) for a in agencies.values() if a.kind is AgencyKind.COMPREHENSIVE_BUREAU]
        self._add(*officers, *admins)
        await self.session.flush()
        key_of = {a.id: k for k, a in agencies.items()}
        for officer in officers:
            agency_key = key_of[officer.agency_id]
            covered = domains(agency_key) or list(self.catalog.domains)
            if officer.role is not OfficerRole.AUXILIARY:
                self._add(*(OfficerDomain(officer_id=officer.id, domain_code=d) for d in covered))
                self._certify(officer, covered, authority)
            started = self.today - dt.timedelta(days=self.rng.randint(200, 2600))
            if officer.role is OfficerRole.LEGAL_REVIEWER:
                officer.legal_review_since = started
            self._post(officer, agencies[agency_key], started)
        for admin in admins:
            self._post(admin, agencies[key_of[admin.agency_id]], self.today - dt.timedelta(days=self.staff_rng.randint(200, 2600)))
        return officers + admins

    def _post(self, officer: Officer, agency: Agency, started: dt.date) -> None:
        self._add(Posting(officer_id=officer.id, region_id=agency.region_id, agency_id=agency.id, is_head=officer.role is OfficerRole.AGENCY_HEAD, started_on=started))

    def _officer(self, agency: Agency, role: OfficerRole, number_prefix: str, serial: int) -> Officer:
        if role is OfficerRole.AUXILIARY:
            return Officer(name=self._name(), status=CertificateStatus.VALID, role=role, agency_id=agency.id)
        valid_from = self.today - dt.timedelta(days=self.rng.randint(100, 1500))
        status = CertificateStatus.SUSPENDED if serial % 23 == 0 else CertificateStatus.VALID
        return Officer(
            name=self._name(),
            certificate_number=f"{number_prefix}{serial:06d}",
            certificate_valid_from=valid_from,
            certificate_valid_until=valid_from + dt.timedelta(days=365 * 5),
            status=status,
            # suspended half-way between issue and today: acts before that day stand
            status_since=valid_from + (self.today - valid_from) // 2 if status is CertificateStatus.SUSPENDED else None,
            role=role,
            legal_qualification=role is OfficerRole.LEGAL_REVIEWER,
            agency_id=agency.id,
        )

    def _staff_admin(self, agency: Agency) -> Officer:
        """人事（法制）管理员: administers the bureau's staff and certificates, never enforces."""
        return Officer(name=self._name(self.staff_rng), status=CertificateStatus.VALID, role=OfficerRole.STAFF_ADMIN, agency_id=agency.id)

    def _certify(self, officer: Officer, domains: list[str], authority: str) -> None:
        """The officer's certificate as its own record: issued valid, suspended where the officer is."""
        certificate = Certificate(
            id=new_id(), officer_id=officer.id, number=officer.certificate_number, issuing_authority=authority,
            valid_from=officer.certificate_valid_from, valid_until=officer.certificate_valid_until,
        )
        year = officer.certificate_valid_from.year
        changes = [(CertificateStatus.VALID, officer.certificate_valid_from, f"{authority}行政执法证颁发（{year}年度）", "行政执法资格考试合格，准予颁发行政执法证")]
        if officer.status is CertificateStatus.SUSPENDED:
            changes.append((CertificateStatus.SUSPENDED, officer.status_since, f"{AUTHORITY_SHORT[authority]}执证暂〔{officer.status_since.year}〕1号", "涉嫌违反行政执法规范，暂扣行政执法证，接受调查"))
        now = dt.datetime.now(dt.UTC)
        self._add(
            certificate,
            *(CertificateDomain(certificate_id=certificate.id, domain_code=d) for d in domains),
            *(CertificateChange(certificate_id=certificate.id, status=s, effective_on=on, decision=decision, reason=reason, recorded_by="system:demo", recorded_at=now)
              for s, on, decision, reason in changes),
        )


class DemoBuilder(Staffing):
    """The city: its regions, the counties (`CountyBuilder`), the city bureau and justice bureau."""

    def __init__(self, session, catalog: Catalog, key: DataKey, seed: int, console: Console, calendar: WorkingCalendar | None = None):
        super().__init__(session, catalog, random.Random(f"{seed}-city"), random.Random(f"{seed}-city-staff"), legal_today())
        self.key, self.seed, self.console = key, seed, console
        self.calendar = calendar or DEFAULT_CALENDAR

    async def build(self, *, cases: int, entities: int) -> str:
        phase(self.console, "载入演示数据：舟山市及定海区、普陀区")
        province = Region(id=new_id(), code="330000", name="浙江省", level=RegionLevel.PROVINCE)
        city = Region(id=new_id(), code=CITY[0], name=CITY[1], level=RegionLevel.CITY, parent_id=province.id)
        self._add(province, city)
        shares = {DINGHAI: (cases - cases // 3, entities - entities // 3), PUTUO: (cases // 3, entities // 3)}
        counties = []
        for n, county in enumerate(COUNTIES):
            # The first county draws from the seed itself: its data is what a one-county demo had.
            rng = random.Random(self.seed + n)
            builder = CountyBuilder(self.session, self.catalog, self.key, rng, random.Random(f"{self.seed}-{county.code}-staff"), self.console, self.calendar, self.today, county)
            await builder.build(city, *shares[county])
            counties.append(builder)
        agencies = await self._city_agencies(city)
        officers = await self._people(agencies, CITY_STAFFING.__getitem__, self._domains, "浙0900", PROVINCE_AUTHORITY)
        totals = {
            "agencies": len(agencies) + sum(len(c.agencies) for c in counties),
            "delegations": sum(c.delegated for c in counties),
            "officers": len(officers) + sum(len(c.officers) for c in counties),
            "entities": sum(len(c.entities) for c in counties),
            "cases": sum(c.made for c in counties),
        }
        await record(self.session, actor="system:demo", action="demo.loaded", object_type="Demo", object_id=None, after=totals)
        phase(self.console, "演示数据已写入")
        summary = (
            f"已载入演示地市（舟山市：{'、'.join(c.name for c in COUNTIES)}及市本级）：执法主体 {totals['agencies']} 个，"
            f"人员 {totals['officers']} 名，相对人 {totals['entities']} 个，案件 {totals['cases']} 件"
        )
        summary += await self._case_summary()
        short = [n for c in counties for n in c.short]
        refused = [r for c in counties for r in c.refused]
        if short:  # a plan that could not fit before today (a bug in the planner, like a refusal)
            summary += f"\n注意：{len(short)} 件案件未办到计划的状态：" + "、".join(short[:5])
        if refused:  # a step of the plan the law refused: the case stopped there
            summary += f"\n注意：{len(refused)} 个办案步骤未通过校验，相关案件停在当时的状态：" + "；".join(f"{n} {a}：{e}" for n, a, e in refused[:5])
        return summary

    async def _case_summary(self) -> str:
        closed = await self.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.status == CaseStatus.CLOSED))
        decided = await self.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.decided_on.is_not(None)))
        published = await self.session.scalar(sa.select(sa.func.count(sa.distinct(Publication.case_id))))
        return f"（已作出决定 {decided} 件，已结案 {closed} 件，已公示 {published} 件）。"

    async def _city_agencies(self, city: Region) -> dict[str, Agency]:
        """市综合行政执法局 (guides the county bureaus, handles the city's own cases) and 市司法局,
        whose supervisors oversee every county of the city."""
        agencies = {
            "bureau": Agency(name=CITY_BUREAU, short_name="舟综执", kind=AgencyKind.COMPREHENSIVE_BUREAU, level=RegionLevel.CITY, region_id=city.id),
            "justice": Agency(name=CITY_JUSTICE, short_name="舟司", kind=AgencyKind.JUSTICE_BUREAU, level=RegionLevel.CITY, region_id=city.id),
        }
        self._add(*agencies.values())
        await self.session.flush()
        self._add(*(AgencyDomain(agency_id=agencies["bureau"].id, domain_code=d) for d in self.catalog.domains))
        return agencies

    def _domains(self, key: str) -> list[str]:
        return list(self.catalog.domains) if key == "bureau" else []


PROVINCE_AUTHORITY, CITY_AUTHORITY = "浙江省人民政府", "舟山市人民政府"
AUTHORITY_SHORT = {PROVINCE_AUTHORITY: "浙政", CITY_AUTHORITY: "舟政"}
CITY_STAFFING = {
    "bureau": [OfficerRole.AGENCY_HEAD, OfficerRole.LEGAL_REVIEWER, OfficerRole.OFFICER, OfficerRole.OFFICER],
    "justice": [OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER, OfficerRole.OFFICER],
}


class CountyBuilder(Staffing):
    """One county: bureau, professional and township teams, justice bureau, people, entities and cases."""

    def __init__(self, session, catalog: Catalog, key: DataKey, rng: random.Random, staff_rng: random.Random, console: Console,
                 calendar: WorkingCalendar, today: dt.date, county: County):
        super().__init__(session, catalog, rng, staff_rng, today)
        self.key, self.console, self.calendar, self.county = key, console, calendar, county
        self.refused: list[tuple[str, str, str]] = []  # steps the law refused (none expected)
        self.short: list[str] = []  # cases that did not reach their planned status (none expected)

    async def build(self, city: Region, cases: int, entities: int) -> None:
        name = self.county.name
        phase(self.console, f"{name}：行政区划与执法主体")
        region, townships = await self._regions(city)
        self.agencies = await self._agencies(region, townships)
        self.delegated = await self._delegations(self.agencies)
        phase(self.console, f"{name}：执法人员与执法证")
        self.officers = await self._people(self.agencies, self._staffing, self._agency_domains, f"浙{self.county.code[2:]}", CITY_AUTHORITY)
        phase(self.console, f"{name}：行政相对人 {entities} 个")
        self.entities = await self._entities(entities, [region, *townships])
        phase(self.console, f"{name}：案件 {cases} 件")
        self.made = await self._cases(cases, self.agencies, self.officers, self.entities)
        self._mark_key_townships(townships)

    async def _regions(self, city: Region) -> tuple[Region, list[Region]]:
        county = Region(id=new_id(), code=self.county.code, name=self.county.name, level=RegionLevel.COUNTY, parent_id=city.id)
        self._add(county)
        townships = [Region(code=c, name=n, level=RegionLevel.TOWNSHIP, parent_id=county.id) for c, n in self.county.townships]
        self._add(*townships)
        await self.session.flush()
        return county, townships

    async def _agencies(self, county: Region, townships: list[Region]) -> dict[str, Agency]:
        c = self.county
        bureau = Agency(name=c.bureau, short_name=f"{c.initial}综执", kind=AgencyKind.COMPREHENSIVE_BUREAU, level=RegionLevel.COUNTY, region_id=county.id)
        self._add(bureau)
        await self.session.flush()
        agencies = {"bureau": bureau}
        for domain, (team, suffix) in DOMAIN_TEAMS.items():
            if domain in self.catalog.domains:
                agencies[domain] = Agency(name=f"{c.name}综合行政执法局{team}", short_name=f"{c.initial}综执{suffix}", kind=AgencyKind.PROFESSIONAL_TEAM,
                                          level=RegionLevel.COUNTY, region_id=county.id, parent_id=bureau.id)
        for region in townships[:c.township_teams]:
            agencies[region.code] = Agency(
                name=f"{c.name}{region.name}综合行政执法队",
                short_name=f"{c.initial}{region.name[:2]}执",
                kind=AgencyKind.TOWNSHIP_TEAM,
                level=RegionLevel.TOWNSHIP,
                region_id=region.id,
                parent_id=bureau.id,
            )
        agencies["justice"] = Agency(name=f"舟山市{c.name}司法局", short_name=f"{c.initial}司", kind=AgencyKind.JUSTICE_BUREAU, level=RegionLevel.COUNTY, region_id=county.id)
        self._add(*agencies.values())
        await self.session.flush()
        for key, agency in agencies.items():
            self._add(*(AgencyDomain(agency_id=agency.id, domain_code=d) for d in self._agency_domains(key)))
        return agencies

    async def _delegations(self, agencies: dict[str, Agency]) -> int:
        """Township teams hold the delegable construction and market items (a typical county's grant)."""
        codes = [i.code for i in self.catalog.items.values() if i.delegable and i.domain in ("construction", "market")]
        basis = f"{self.county.initial}政发〔2024〕12号（示例）"
        grants = [
            Delegation(agency_id=a.id, item_code=c, granted_on=self.today - dt.timedelta(days=400), basis=basis, granted_by="system:demo")
            for a in agencies.values()
            if a.kind is AgencyKind.TOWNSHIP_TEAM
            for c in codes
        ]
        self._add(*grants)
        return len(grants)

    def _agency_domains(self, key: str) -> list[str]:
        if key == "bureau":
            return list(self.catalog.domains)
        if key in self.catalog.domains:
            return [key]
        if key == "justice":
            return []
        return [d for d in ("construction", "market") if d in self.catalog.domains]

    def _staffing(self, key: str) -> list[OfficerRole]:
        if key == "bureau":
            return [OfficerRole.AGENCY_HEAD, OfficerRole.LEGAL_REVIEWER, OfficerRole.LEGAL_REVIEWER, OfficerRole.OFFICER, OfficerRole.OFFICER]
        if key == "justice":
            return [OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER, OfficerRole.LEGAL_REVIEWER]
        if key in self.catalog.domains:
            return [OfficerRole.AGENCY_HEAD, *[OfficerRole.OFFICER] * 4, OfficerRole.AUXILIARY]
        return [OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER, OfficerRole.OFFICER, OfficerRole.AUXILIARY]

    async def _entities(self, count: int, regions: list[Region]) -> list[Entity]:
        rows = []
        with Progress(console=self.console, transient=True, disable=not self.console.is_terminal) as progress:
            task = progress.add_task(f"生成行政相对人（{self.county.name}）", total=count)
            for i in range(count):
                rows.append(self._entity(i, self.rng.choice(regions)))
                progress.advance(task)
        self._add(*rows)
        await self.session.flush()
        return rows

    def _entity(self, i: int, region: Region) -> Entity:
        county = self.county
        trade, suffix = self.rng.choice(TRADES)
        street = f"{self.rng.choice(county.streets)}{self.rng.randint(1, 999)}号"
        if i % 10 == 9:  # one in ten is a natural person
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randint(0, 15000))
            body = f"{county.code}{birth:%Y%m%d}{i % 1000:03d}"
            id_number = body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
            return Entity(
                kind=EntityKind.NATURAL_PERSON,
                name=self._name(),
                id_number_cipher=self.key.encrypt(id_number),
                id_number_digest=self.key.lookup(id_number),
                phone_cipher=self.key.encrypt(f"13{self.rng.randint(0, 9)}{self.rng.randint(10000000, 99999999)}"),
                address=f"浙江省舟山市{county.name}{region.name if region.level is RegionLevel.TOWNSHIP else ''}{street}",
                region_id=region.id,
                industry_tags=[trade],
            )
        individual = i % 4 == 0
        kind = EntityKind.INDIVIDUAL_BUSINESS if individual else EntityKind.LEGAL_PERSON
        prefix = "92" if individual else "91"
        body = f"{prefix}{county.code}{'MA'}{i:06d}{self.rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}"[:17]
        name_core = "".join(self.rng.choice(PLACES) for _ in range(2))
        name = f"舟山市{county.name}{name_core}{suffix}" if not individual else f"{county.name[:2]}{name_core}{trade}店"
        return Entity(
            kind=kind,
            name=f"{name}（{i + 1:03d}）",
            credit_code=body + uscc.calc_check_digit(body),
            legal_representative=self._name(),
            phone_cipher=self.key.encrypt(f"0580-{self.rng.randint(2000000, 8999999)}"),
            address=f"浙江省舟山市{county.name}{street}",
            region_id=region.id,
            industry_tags=[trade],
        )

    async def _cases(self, count: int, agencies: dict[str, Agency], officers: list[Officer], entities: list[Entity]) -> int:
        """Cases that went through the procedure: drawn, planned (`core.demo_history.Planner`),
        registered, then carried step by step through the workflow service (`Runner`)."""
        items = [
            v
            for v in (await self.session.execute(
                sa.select(CatalogItemVersion)
                .where(CatalogItemVersion.repealed_on.is_(None))
                .order_by(CatalogItemVersion.code, CatalogItemVersion.version)  # the same draws on every engine
            )).scalars()
            if v.kind is ItemKind.PENALTY
        ]
        if not items:
            return 0
        staff = self._staff_by_agency(officers)
        planner = Planner(self.today, self.calendar)
        statuses, weights = zip(*STATUS_WEIGHTS.items())
        drafts: list[Draft] = []
        with Progress(console=self.console, transient=True, disable=not self.console.is_terminal) as progress:
            task = progress.add_task(f"生成案件（{self.county.name}）", total=count)
            for n in range(count):
                # Every status at least once when there are enough cases, then the caseload's spread.
                target = statuses[n] if count >= 2 * len(statuses) and n < len(statuses) else self.rng.choices(statuses, weights)[0]
                draft = self._draft(target, items, agencies, entities, random.Random(self.rng.getrandbits(64)))
                draft.moves = planner.place(draft)
                self._assign_people(draft, agencies, staff)
                drafts.append(draft)
                progress.advance(task)
        drafts.sort(key=lambda d: d.registered)
        serials: dict[tuple, int] = defaultdict(int)
        for draft in drafts:
            year = draft.registered.astimezone(LEGAL_ZONE).year
            serials[(draft.agency.id, year)] += 1
            await self._register(draft, serials[(draft.agency.id, year)])
        self._add(*(NumberSequence(agency_id=a, doc_type=CASE_DOC_TYPE, year=y, last_value=n) for (a, y), n in serials.items()))
        await self.session.flush()
        with Progress(console=self.console, transient=True, disable=not self.console.is_terminal) as progress:
            task = progress.add_task(f"办理案件（{self.county.name}）", total=sum(len(d.moves) for d in drafts))
            runner = Runner(self.session, self.calendar, self.today, lambda: progress.advance(task))
            await runner.run(drafts)
        self.refused = runner.refused
        self.short = [d.case.case_number for d in drafts if d.refused is None and d.case.status is not d.target]
        return count

    def _draft(self, target: CaseStatus, items: list[CatalogItemVersion], agencies: dict[str, Agency], entities: list[Entity], rng: random.Random) -> Draft:
        """What the case is about, drawn until the discretion benchmark's proposal lets it reach
        `target` (a hearing needs a hearing right, a legal review a major penalty); most cases are
        not major, as in a real caseload."""
        simple = target in (CaseStatus.SERVED, CaseStatus.EXECUTING, CaseStatus.CLOSED) and rng.random() < 0.25
        for attempt in range(20):
            item = rng.choice(items)
            entity = rng.choice(entities)
            agency = self._agency_for(item, agencies, rng)
            facts = self._facts(item.facts, rng)
            seen = outlook(item, facts, entity.kind.value, rng, depart=agency.kind is not AgencyKind.TOWNSHIP_TEAM)
            if simple:
                if simple_fits(item, facts, entity.kind.value):
                    break
                if attempt < 19:
                    continue
                simple = False  # nothing drawn can be decided on the spot
            if not fits(target, seen) and attempt < 19:
                continue
            if seen is not None and seen.major and target not in (CaseStatus.LEGAL_REVIEW,) and attempt < 8 and rng.random() < 0.6:
                continue
            break
        if not simple and not fits(target, seen):
            target = CaseStatus.INVESTIGATING
        county = agencies.get(item.domain_code, agencies["bureau"])
        if agency.kind is AgencyKind.TOWNSHIP_TEAM and seen is not None and seen.major and target in AFTER_PROPOSAL:
            agency = county  # a township may not impose a major penalty: the county handles it from the start
        return Draft(
            item=item,
            agency=agency,
            entity=entity,
            facts=facts,
            procedure=Procedure.SIMPLE if simple else Procedure.GENERAL,
            target=target,
            seen=seen,
            seed=rng.getrandbits(48),
            variant=rng.random(),
            county=county if agency.kind is AgencyKind.TOWNSHIP_TEAM else None,
            court=self.county.court,
        )

    def _staff_by_agency(self, officers: list[Officer]) -> dict[Any, list[Officer]]:
        by_agency: dict[Any, list[Officer]] = defaultdict(list)
        for o in officers:
            by_agency[o.agency_id].append(o)
        return by_agency

    def _assign_people(self, d: Draft, agencies: dict[str, Agency], staff: dict[Any, list[Officer]]) -> None:
        """Two handlers whose certificates were valid from registration on (APL Art. 42), from the
        case's agency or, when it cannot staff the case, the county; a chair who did not
        investigate, the agency's head, and one of the bureau's legal reviewers."""
        day = d.registered.astimezone(LEGAL_ZONE).date()
        bureau = agencies["bureau"]
        rng = random.Random(d.seed + 3)
        for agency in (d.agency, agencies.get(d.item.domain_code, bureau), bureau):
            valid = [
                o
                for o in staff[agency.id]
                if o.role in (OfficerRole.OFFICER, OfficerRole.AGENCY_HEAD)
                and o.status is CertificateStatus.VALID
                and o.certificate_valid_from is not None
                and o.certificate_valid_from <= day
            ]
            if len(valid) >= 2:
                break
        else:  # nobody could have acted then: the clue is still waiting
            d.target, d.moves = CaseStatus.REGISTERED, []
            valid = [o for o in staff[d.agency.id] if o.role in (OfficerRole.OFFICER, OfficerRole.AGENCY_HEAD)][:2]
            agency = d.agency
        if agency is not d.agency:
            d.agency = agency
            if agency.kind is not AgencyKind.TOWNSHIP_TEAM:
                d.county = None
        d.handlers = rng.sample(valid, 2)
        heads = [o for o in staff[agency.id] if o.role is OfficerRole.AGENCY_HEAD]
        bureau_head = next(o for o in staff[bureau.id] if o.role is OfficerRole.AGENCY_HEAD)
        d.head = heads[0] if heads else bureau_head
        others = [o for o in staff[agency.id] if o.role in (OfficerRole.OFFICER, OfficerRole.AGENCY_HEAD) and o not in d.handlers]
        d.chair = d.head if d.head not in d.handlers else (rng.choice(others) if others else bureau_head)
        d.reviewer = rng.choice([o for o in staff[bureau.id] if o.role is OfficerRole.LEGAL_REVIEWER and o.legal_qualification])

    def _agency_for(self, item: CatalogItemVersion, agencies: dict[str, Agency], rng: random.Random) -> Agency:
        township_teams = [a for a in agencies.values() if a.kind is AgencyKind.TOWNSHIP_TEAM]
        if item.delegable and item.domain_code in ("construction", "market") and rng.random() < 0.4:
            return rng.choice(township_teams)
        return agencies.get(item.domain_code, agencies["bureau"])

    async def _register(self, d: Draft, serial: int) -> None:
        """登记, as `core.cases.service.register_case` writes it, on the day the clue came in."""
        year = d.registered.astimezone(LEGAL_ZONE).year
        rng = random.Random(d.seed + 4)
        spec = d.item.spec()
        facts = normalise_facts(d.item.code, spec.facts, d.facts)
        case = Case(
            id=new_id(),
            case_number=format_number(d.agency.short_name + CASE_DOC_TYPE, year, serial),
            procedure=d.procedure,
            status=CaseStatus.REGISTERED,
            domain_code=d.item.domain_code,
            item_version_id=d.item.id,
            entity_id=d.entity.id,
            agency_id=d.agency.id,
            facts=facts,
            description=f"{d.entity.name}涉嫌{d.item.name}",
            violation_date=(d.registered.astimezone(LEGAL_ZONE) - dt.timedelta(days=rng.randint(0, 20))).date(),
            registered_at=d.registered,
            updated_at=d.registered,
        )
        d.case = case
        d.last_moment = d.registered
        self._add(case)
        self._add(*(CaseOfficer(case_id=case.id, officer_id=o.id, position=i) for i, o in enumerate(d.handlers)))
        actor = f"officer:{d.handlers[0].id}"
        self._add(CaseEvent(case_id=case.id, seq=1, kind="registered", at=d.registered, actor=actor, data={"item": d.item.code, "itemVersion": d.item.version}))
        await record(
            self.session,
            actor=actor,
            action="case.registered",
            object_type="Case",
            object_id=case.id,
            after={"case_number": case.case_number, "item": d.item.code, "version": d.item.version, "facts": facts},
        )

    def _facts(self, definitions: list[dict[str, Any]], rng: random.Random | None = None) -> dict[str, Any]:
        rng = rng or self.rng
        facts: dict[str, Any] = {}
        for d in definitions:
            if not d.get("required") and rng.random() < 0.5:
                continue
            facts[d["name"]] = self._fact_value(d, rng)
        return facts

    def _fact_value(self, d: dict[str, Any], rng: random.Random | None = None) -> Any:
        return fact_value(d, rng or self.rng, self.today)

    def _mark_key_townships(self, townships: list[Region]) -> None:
        for region in townships:
            region.key_township = region.code in self.county.key_townships


# The demo's people that `zhifa demo load` prints development tokens for: label, agency, the
# officer's role there, the token's role.
TOKEN_PEOPLE = (
    ("定海区局执法人员", DINGHAI.bureau, OfficerRole.OFFICER, Role.OFFICER),
    ("定海区局负责人", DINGHAI.bureau, OfficerRole.AGENCY_HEAD, Role.AGENCY_HEAD),
    ("定海区局法制审核员", DINGHAI.bureau, OfficerRole.LEGAL_REVIEWER, Role.LEGAL_REVIEWER),
    ("定海区局人事（法制）管理员", DINGHAI.bureau, OfficerRole.STAFF_ADMIN, Role.STAFF_ADMIN),
    ("乡镇执法队执法人员", f"{DINGHAI.name}{DINGHAI.townships[0][1]}综合行政执法队", OfficerRole.OFFICER, Role.OFFICER),
    ("定海区司法局执法监督人员", f"舟山市{DINGHAI.name}司法局", OfficerRole.OFFICER, Role.SUPERVISOR),
    ("普陀区局执法人员（另一个县，看不到定海区的记录）", PUTUO.bureau, OfficerRole.OFFICER, Role.OFFICER),
    ("普陀区局人事（法制）管理员", PUTUO.bureau, OfficerRole.STAFF_ADMIN, Role.STAFF_ADMIN),
    ("普陀区司法局执法监督人员", f"舟山市{PUTUO.name}司法局", OfficerRole.OFFICER, Role.SUPERVISOR),
    ("舟山市司法局执法监督人员（两区皆可见）", CITY_JUSTICE, OfficerRole.OFFICER, Role.SUPERVISOR),
    ("舟山市局人事（法制）管理员", CITY_BUREAU, OfficerRole.STAFF_ADMIN, Role.STAFF_ADMIN),
)


async def token_people(session) -> list[tuple[str, Role, Officer, Agency]]:
    """Who gets a development token: the first officer (in the order loaded) of each TOKEN_PEOPLE row."""
    rows = (await session.execute(sa.select(Officer, Agency).join(Agency, Agency.id == Officer.agency_id).order_by(Officer.id))).all()
    found = []
    for label, agency_name, officer_role, role in TOKEN_PEOPLE:
        match = next(((o, a) for o, a in rows if a.name == agency_name and o.role is officer_role), None)
        if match:
            found.append((label, role, *match))
    return found


def fact_value(d: dict[str, Any], rng: random.Random, today: dt.date) -> Any:
    """A plausible value for one of an item's declared facts (its `type`, `choices`)."""
    kind = d["type"]
    if kind == "money":
        return str(Decimal(rng.randint(1000, 2_000_000)).quantize(Decimal("0.01")))
    if kind == "integer":
        return rng.randint(0, 5)
    if kind == "decimal":
        return str(Decimal(rng.randint(0, 300)) / 100)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "enum":
        return rng.choice(d["choices"])
    if kind == "date":
        return (today - dt.timedelta(days=rng.randint(1, 300))).isoformat()
    return "现场检查发现"

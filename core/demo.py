"""A realistic demo county (舟山市定海区, names and people invented) for trying the API.

Everything is generated from a seed, so the same command gives the same data (relative to the
day it is loaded). Loaded once: a second run finds the bureau and leaves the database alone.

The cases are real histories: each went through the procedure step by step, backdated over the
past months, through the same workflow and publication services the API uses
(`core.demo_history`), so filing, decision and closing days, fines, discretion, document and
decision numbers, deadlines, publications and payments are all what the law's guards let through.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from stdnum.cn import ric, uscc

from zhifa.core.audit.service import record
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.cases.models import Case, CaseEvent, CaseOfficer, CaseStatus, NumberSequence, Procedure
from zhifa.core.cases.numbering import format_number
from zhifa.core.cases.service import CASE_DOC_TYPE
from zhifa.core.catalog.models import CatalogItemVersion, Delegation, ItemKind
from zhifa.core.catalog.registry import Catalog
from zhifa.core.catalog.spec import normalise_facts
from zhifa.core.clock import LEGAL_ZONE, legal_today
from zhifa.core.demo_history import AFTER_PROPOSAL, Draft, Planner, Runner, fits, outlook
from zhifa.core.entities.crypto import DataKey
from zhifa.core.db import make_engine, session_factory, transaction
from zhifa.core.ids import new_id
from zhifa.core.entities.models import Entity, EntityKind
from zhifa.core.publication.models import Publication
from zhifa.core.people.models import (
    Agency,
    AgencyDomain,
    AgencyKind,
    CertificateStatus,
    Officer,
    OfficerDomain,
    OfficerRole,
    Posting,
    Region,
    RegionLevel,
)

BUREAU = "舟山市定海区综合行政执法局"
DOMAIN_TEAMS = {
    "construction": ("定海区综合行政执法局住建执法大队", "定综执建"),
    "market": ("定海区综合行政执法局市场监管执法大队", "定综执市"),
    "ecology": ("定海区综合行政执法局生态环境执法大队", "定综执环"),
    "transport": ("定海区综合行政执法局交通运输执法大队", "定综执交"),
    "agriculture": ("定海区综合行政执法局农业农村执法大队", "定综执农"),
}
TOWNSHIPS = [
    ("330902001", "解放街道"),
    ("330902002", "昌国街道"),
    ("330902003", "环南街道"),
    ("330902004", "城东街道"),
    ("330902005", "盐仓街道"),
    ("330902006", "临城街道"),
    ("330902100", "白泉镇"),
    ("330902101", "金塘镇"),
    ("330902102", "干览镇"),
]
TOWNSHIP_TEAMS = 6  # the first six townships have their own enforcement team
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
STREETS = ["人民北路", "环城南路", "解放西路", "昌国路", "东海西路", "海天大道", "定沈路", "金塘大道", "白泉路"]
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
    """`calendar`: the deployment's working-day calendar (default: the holiday package's years)."""
    engine = make_engine(database_url)
    try:
        async with transaction(session_factory(engine)) as session:
            if await session.scalar(sa.select(Agency.id).where(Agency.name == BUREAU)):
                return "演示数据已存在，未重复载入。"
            builder = DemoBuilder(session, catalog, key, random.Random(seed), console, calendar)
            return await builder.build(cases=cases, entities=entities)
    finally:
        await engine.dispose()


class DemoBuilder:
    def __init__(self, session, catalog: Catalog, key: DataKey, rng: random.Random, console: Console, calendar: WorkingCalendar | None = None):
        self.session, self.catalog, self.key, self.rng, self.console = session, catalog, key, rng, console
        self.calendar = calendar or DEFAULT_CALENDAR
        self.today = legal_today()
        self.refused: list[tuple[str, str, str]] = []  # steps the law refused (none expected)
        self.short: list[str] = []  # cases that did not reach their planned status (none expected)

    async def build(self, *, cases: int, entities: int) -> str:
        county, townships = await self._regions()
        agencies = await self._agencies(county, townships)
        delegated = await self._delegations(agencies)
        officers = await self._officers(agencies)
        entity_rows = await self._entities(entities, [county, *townships])
        made = await self._cases(cases, agencies, officers, entity_rows)
        self._mark_key_townships(townships)
        await record(
            self.session,
            actor="system:demo",
            action="demo.loaded",
            object_type="Demo",
            object_id=None,
            after={"agencies": len(agencies), "delegations": delegated, "officers": len(officers), "entities": len(entity_rows), "cases": made},
        )
        summary = f"已载入演示县：执法主体 {len(agencies)} 个，人员 {len(officers)} 名，相对人 {len(entity_rows)} 个，案件 {made} 件"
        summary += await self._case_summary()
        if self.short:  # a plan that could not fit before today (a bug in the planner, like a refusal)
            summary += f"\n注意：{len(self.short)} 件案件未办到计划的状态：" + "、".join(self.short[:5])
        if self.refused:  # a step of the plan the law refused: the case stopped there
            summary += f"\n注意：{len(self.refused)} 个办案步骤未通过校验，相关案件停在当时的状态：" + "；".join(f"{n} {a}：{e}" for n, a, e in self.refused[:5])
        return summary

    async def _case_summary(self) -> str:
        closed = await self.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.status == CaseStatus.CLOSED))
        decided = await self.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.decided_on.is_not(None)))
        published = await self.session.scalar(sa.select(sa.func.count(sa.distinct(Publication.case_id))))
        return f"（已作出决定 {decided} 件，已结案 {closed} 件，已公示 {published} 件）。"

    def _add(self, *rows: Any) -> None:
        self.session.add_all(rows)

    async def _regions(self) -> tuple[Region, list[Region]]:
        province = Region(id=new_id(), code="330000", name="浙江省", level=RegionLevel.PROVINCE)
        city = Region(id=new_id(), code="330900", name="舟山市", level=RegionLevel.CITY, parent_id=province.id)
        county = Region(id=new_id(), code="330902", name="定海区", level=RegionLevel.COUNTY, parent_id=city.id)
        self._add(province, city, county)
        townships = [Region(code=c, name=n, level=RegionLevel.TOWNSHIP, parent_id=county.id) for c, n in TOWNSHIPS]
        self._add(*townships)
        await self.session.flush()
        return county, townships

    async def _agencies(self, county: Region, townships: list[Region]) -> dict[str, Agency]:
        bureau = Agency(name=BUREAU, short_name="定综执", kind=AgencyKind.COMPREHENSIVE_BUREAU, level=RegionLevel.COUNTY, region_id=county.id)
        self._add(bureau)
        await self.session.flush()
        agencies = {"bureau": bureau}
        for domain, (name, short) in DOMAIN_TEAMS.items():
            if domain in self.catalog.domains:
                agencies[domain] = Agency(name=name, short_name=short, kind=AgencyKind.PROFESSIONAL_TEAM, level=RegionLevel.COUNTY, region_id=county.id, parent_id=bureau.id)
        for region in townships[:TOWNSHIP_TEAMS]:
            agencies[region.code] = Agency(
                name=f"定海区{region.name}综合行政执法队",
                short_name=f"定{region.name[:2]}执",
                kind=AgencyKind.TOWNSHIP_TEAM,
                level=RegionLevel.TOWNSHIP,
                region_id=region.id,
                parent_id=bureau.id,
            )
        agencies["justice"] = Agency(name="舟山市定海区司法局", short_name="定司", kind=AgencyKind.JUSTICE_BUREAU, level=RegionLevel.COUNTY, region_id=county.id)
        self._add(*agencies.values())
        await self.session.flush()
        for key, agency in agencies.items():
            self._add(*(AgencyDomain(agency_id=agency.id, domain_code=d) for d in self._agency_domains(key)))
        return agencies

    async def _delegations(self, agencies: dict[str, Agency]) -> int:
        """Township teams hold the delegable construction and market items (a typical county's grant)."""
        codes = [i.code for i in self.catalog.items.values() if i.delegable and i.domain in ("construction", "market")]
        grants = [
            Delegation(agency_id=a.id, item_code=c, granted_on=self.today - dt.timedelta(days=400), basis="定政发〔2024〕12号（示例）", granted_by="system:demo")
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

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    async def _officers(self, agencies: dict[str, Agency]) -> list[Officer]:
        officers: list[Officer] = []
        serial = 0
        for key, agency in agencies.items():
            plan = self._staffing(key)
            for role in plan:
                serial += 1
                officers.append(self._officer(agency, role, serial))
        self._add(*officers)
        await self.session.flush()
        for officer in officers:
            agency_key = next(k for k, a in agencies.items() if a.id == officer.agency_id)
            domains = self._agency_domains(agency_key) or list(self.catalog.domains)
            if officer.role is not OfficerRole.AUXILIARY:
                self._add(*(OfficerDomain(officer_id=officer.id, domain_code=d) for d in domains))
            started = self.today - dt.timedelta(days=self.rng.randint(200, 2600))
            region_id = agencies[agency_key].region_id
            self._add(Posting(officer_id=officer.id, region_id=region_id, agency_id=officer.agency_id, is_head=officer.role is OfficerRole.AGENCY_HEAD, started_on=started))
        return officers

    def _staffing(self, key: str) -> list[OfficerRole]:
        if key == "bureau":
            return [OfficerRole.AGENCY_HEAD, OfficerRole.LEGAL_REVIEWER, OfficerRole.LEGAL_REVIEWER, OfficerRole.OFFICER, OfficerRole.OFFICER]
        if key == "justice":
            return [OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER, OfficerRole.LEGAL_REVIEWER]
        if key in self.catalog.domains:
            return [OfficerRole.AGENCY_HEAD, *[OfficerRole.OFFICER] * 4, OfficerRole.AUXILIARY]
        return [OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER, OfficerRole.OFFICER, OfficerRole.AUXILIARY]

    def _officer(self, agency: Agency, role: OfficerRole, serial: int) -> Officer:
        if role is OfficerRole.AUXILIARY:
            return Officer(name=self._name(), status=CertificateStatus.VALID, role=role, agency_id=agency.id)
        valid_from = self.today - dt.timedelta(days=self.rng.randint(100, 1500))
        status = CertificateStatus.SUSPENDED if serial % 23 == 0 else CertificateStatus.VALID
        return Officer(
            name=self._name(),
            certificate_number=f"浙0902{serial:06d}",
            certificate_valid_from=valid_from,
            certificate_valid_until=valid_from + dt.timedelta(days=365 * 5),
            status=status,
            role=role,
            legal_qualification=role is OfficerRole.LEGAL_REVIEWER,
            agency_id=agency.id,
        )

    async def _entities(self, count: int, regions: list[Region]) -> list[Entity]:
        rows = []
        with Progress(console=self.console, transient=True) as progress:
            task = progress.add_task("生成行政相对人", total=count)
            for i in range(count):
                rows.append(self._entity(i, self.rng.choice(regions)))
                progress.advance(task)
        self._add(*rows)
        await self.session.flush()
        return rows

    def _entity(self, i: int, region: Region) -> Entity:
        trade, suffix = self.rng.choice(TRADES)
        street = f"{self.rng.choice(STREETS)}{self.rng.randint(1, 999)}号"
        if i % 10 == 9:  # one in ten is a natural person
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randint(0, 15000))
            body = f"330902{birth:%Y%m%d}{i % 1000:03d}"
            id_number = body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
            return Entity(
                kind=EntityKind.NATURAL_PERSON,
                name=self._name(),
                id_number_cipher=self.key.encrypt(id_number),
                id_number_digest=self.key.lookup(id_number),
                phone_cipher=self.key.encrypt(f"13{self.rng.randint(0, 9)}{self.rng.randint(10000000, 99999999)}"),
                address=f"浙江省舟山市定海区{region.name if region.level is RegionLevel.TOWNSHIP else ''}{street}",
                region_id=region.id,
                industry_tags=[trade],
            )
        individual = i % 4 == 0
        kind = EntityKind.INDIVIDUAL_BUSINESS if individual else EntityKind.LEGAL_PERSON
        prefix = "92" if individual else "91"
        body = f"{prefix}330902{'MA'}{i:06d}{self.rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}"[:17]
        name_core = "".join(self.rng.choice(PLACES) for _ in range(2))
        name = f"舟山市定海区{name_core}{suffix}" if not individual else f"定海{name_core}{trade}店"
        return Entity(
            kind=kind,
            name=f"{name}（{i + 1:03d}）",
            credit_code=body + uscc.calc_check_digit(body),
            legal_representative=self._name(),
            phone_cipher=self.key.encrypt(f"0580-{self.rng.randint(2000000, 8999999)}"),
            address=f"浙江省舟山市定海区{street}",
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
        with Progress(console=self.console, transient=True) as progress:
            task = progress.add_task("生成案件", total=count)
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
        with Progress(console=self.console, transient=True) as progress:
            task = progress.add_task("办理案件", total=sum(len(d.moves) for d in drafts))
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
                break
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
        rng = rng or self.rng
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
            return (self.today - dt.timedelta(days=rng.randint(1, 300))).isoformat()
        return "现场检查发现"

    # --- supervision: key townships (重点乡镇, 绍兴实施意见: ≥ 8 officers instead of 3) -----------------

    def _mark_key_townships(self, townships: list[Region]) -> None:
        """解放街道 (a team of three) and 金塘镇 (no team of its own) are the demo's key townships."""
        for region in townships:
            region.key_township = region.code in KEY_TOWNSHIPS


KEY_TOWNSHIPS = frozenset({"330902001", "330902101"})

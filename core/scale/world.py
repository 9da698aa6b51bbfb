"""The province's divisions, agencies and officers: regions, each county's comprehensive bureau
with its professional teams, township teams and justice bureau, the cities' bureaus and justice
bureaus, the provincial justice department; every officer with a posting and, except auxiliary
staff, an enforcement certificate as a record (certificate, domains, changes) and as the officer's
projection of it."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from zhifa.core.catalog.registry import Catalog
from zhifa.core.people.models import AgencyKind, CertificateStatus, OfficerRole, RegionLevel
from zhifa.core.scale.ids import Ids
from zhifa.core.scale.shape import SUSPENDED_EVERY, Scale
from zhifa.core.scale.tables import Rows

PROVINCE = ("330000", "浙江省")
PROVINCE_JUSTICE = "浙江省司法厅"
CITY_NAMES = ("杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市")
# Invented county names: two characters from these, never the small demo's 定海、普陀.
FIRST = "青云临安清远平阳永宁长兴东阳西山南浦北湖龙泉松溪桐江仙居天台玉环苍岭文成泰顺景宁庆元遂昌缙云开化常山江山龙游浦江武义磐石岱山嵊泗"
SECOND = "溪川岭源山江城塘浦港湾洲"
TOWNSHIPS = "城关 城东 城西 城南 城北 新城 古镇 桥头 湖滨 山口 港口 江口 溪头 岭下 塘下 花园 石门 白沙 黄岩 金沙 银湖 梅林 竹林 松岗 枫桥 柳市 桃源 杏坛".split()
TEAMS = {  # a county bureau's professional teams: name, short-name suffix
    "construction": ("住建执法大队", "建"),
    "market": ("市场监管执法大队", "市"),
    "ecology": ("生态环境执法大队", "环"),
    "transport": ("交通运输执法大队", "交"),
    "agriculture": ("农业农村执法大队", "农"),
}
TOWNSHIP_DOMAINS = ("construction", "market")  # what a county delegates to its township teams
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海燕文斌玲晓东雪梅俊峰辉鹏浩宇欣怡佳琪子涵"
ISSUER = "浙江省人民政府"
LOADER = "system:demo-scale"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@dataclass
class Staff:
    id: uuid.UUID
    name: str
    role: OfficerRole
    certified_from: dt.date | None  # None: no certificate (auxiliary staff, staff administrators)
    domains: tuple[str, ...]
    suspended: bool

    @property
    def actor(self) -> str:
        return f"officer:{self.id}"


@dataclass
class Agency:
    id: uuid.UUID
    name: str
    short_name: str
    kind: AgencyKind
    region_id: uuid.UUID
    domains: tuple[str, ...]
    staff: list[Staff] = field(default_factory=list)
    _enforcers: dict[str, list[Staff]] = field(default_factory=dict, repr=False)

    def enforcers(self, domain: str) -> list[Staff]:
        """Who may handle a case of `domain`: officers and heads holding a certificate for it."""
        if domain not in self._enforcers:
            self._enforcers[domain] = [s for s in self.staff if s.role in (OfficerRole.OFFICER, OfficerRole.AGENCY_HEAD) and not s.suspended and domain in s.domains]
        return self._enforcers[domain]

    def first(self, role: OfficerRole) -> Staff | None:
        return next((s for s in self.staff if s.role is role), None)


@dataclass
class County:
    """What the case generator needs of one county."""

    index: int
    code: str
    name: str
    city: str
    region_ids: list[uuid.UUID]  # the county, then its townships
    bureau: Agency
    teams: dict[str, Agency]
    townships: list[Agency]
    justice: Agency

    @property
    def court(self) -> str:
        return f"{self.city}{self.name}人民法院"


class World:
    """Generates the divisions, agencies and people into `rows`, county by county."""

    def __init__(self, scale: Scale, catalog: Catalog, seed: int, today: dt.date, rows: Rows):
        self.scale, self.catalog, self.seed, self.today, self.rows = scale, catalog, seed, today, rows
        self.domains = tuple(sorted(catalog.domains))
        self.ids = Ids(f"{seed}-world")
        self.rng = random.Random(f"{seed}-people")
        self.founded = today - dt.timedelta(days=365 * scale.years + 60)  # before the first case
        self.certificates = 0
        self.province_justice: Agency | None = None
        self.city_agencies: list[tuple[Agency, Agency]] = []

    def build(self) -> Iterator[County]:
        """Yields each county once its agencies and people are in `rows` (the province's and the
        cities' own agencies come first)."""
        province = self._region(PROVINCE[0], PROVINCE[1], RegionLevel.PROVINCE, None)
        self.province_justice = self._agency(PROVINCE_JUSTICE, "浙司", AgencyKind.JUSTICE_BUREAU, RegionLevel.PROVINCE, province, None, ())
        self._staff(self.province_justice, [OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER, OfficerRole.OFFICER])
        names = self._county_names()
        per_city = -(-self.scale.counties // self.scale.cities)
        for c in range(self.scale.cities):
            city_name = CITY_NAMES[c]
            city = self._region(f"33{c + 1:02d}00", city_name, RegionLevel.CITY, province)
            bureau = self._agency(f"{city_name}综合行政执法局", f"{city_name[:2]}综执", AgencyKind.COMPREHENSIVE_BUREAU, RegionLevel.CITY, city, None, self.domains)
            justice = self._agency(f"{city_name}司法局", f"{city_name[:2]}司", AgencyKind.JUSTICE_BUREAU, RegionLevel.CITY, city, None, ())
            self._staff(bureau, [OfficerRole.AGENCY_HEAD, OfficerRole.LEGAL_REVIEWER, OfficerRole.OFFICER, OfficerRole.OFFICER, OfficerRole.STAFF_ADMIN])
            self._staff(justice, [OfficerRole.AGENCY_HEAD, OfficerRole.OFFICER, OfficerRole.OFFICER])
            self.city_agencies.append((bureau, justice))
            for k in range(per_city):
                n = c * per_city + k
                if n >= self.scale.counties:
                    break
                yield self._county(n, f"33{c + 1:02d}{k + 1:02d}", names[n], city_name, city)

    # --- divisions and agencies ---------------------------------------------------------------

    def _county_names(self) -> list[str]:
        pairs = [a + b for a in dict.fromkeys(FIRST) for b in SECOND if a != b]
        random.Random(f"{self.seed}-names").shuffle(pairs)
        return [f"{p}{'区' if i % 3 == 0 else '县'}" for i, p in enumerate(pairs[: self.scale.counties])]

    def _region(self, code: str, name: str, level: RegionLevel, parent: uuid.UUID | None, key: bool = False) -> uuid.UUID:
        rid = self.ids.at(self.founded)
        self.rows.add("regions", (rid, code, name, level.value, parent, key))
        return rid

    def _agency(self, name: str, short: str, kind: AgencyKind, level: RegionLevel, region: uuid.UUID, parent: Agency | None, domains: tuple[str, ...]) -> Agency:
        agency = Agency(self.ids.at(self.founded), name, short, kind, region, domains)
        self.rows.add("agencies", (agency.id, name, short, kind.value, level.value, region, parent.id if parent else None))
        for d in domains:
            self.rows.add("agency_domains", (agency.id, d))
        return agency

    def _county(self, n: int, code: str, name: str, city_name: str, city: uuid.UUID) -> County:
        scale, short = self.scale, name[:2]
        region = self._region(code, name, RegionLevel.COUNTY, city)
        townships = []
        for t in range(scale.townships):
            label = f"{TOWNSHIPS[t % len(TOWNSHIPS)]}{'街道' if t < scale.townships // 3 else '镇'}"
            townships.append((self._region(f"{code}{t + 1:03d}", label, RegionLevel.TOWNSHIP, region, key=t == 0), label))
        bureau = self._agency(f"{city_name}{name}综合行政执法局", f"{short}综执", AgencyKind.COMPREHENSIVE_BUREAU, RegionLevel.COUNTY, region, None, self.domains)
        teams = {
            d: self._agency(f"{name}综合行政执法局{team}", f"{short}综执{suffix}", AgencyKind.PROFESSIONAL_TEAM, RegionLevel.COUNTY, region, bureau, (d,))
            for d, (team, suffix) in TEAMS.items() if d in self.catalog.domains
        }
        delegated = tuple(d for d in TOWNSHIP_DOMAINS if d in self.catalog.domains)
        teamed = townships[: max(1, round(scale.township_teams * scale.townships))]
        township_teams = [
            self._agency(f"{name}{label}综合行政执法队", f"{short}{label[:2]}执", AgencyKind.TOWNSHIP_TEAM, RegionLevel.TOWNSHIP, rid, bureau, delegated)
            for rid, label in teamed
        ]
        justice = self._agency(f"{city_name}{name}司法局", f"{short}司", AgencyKind.JUSTICE_BUREAU, RegionLevel.COUNTY, region, None, ())
        self._delegate(township_teams, short)
        s = scale.staffing
        self._staff(bureau, self._plan(s.bureau, reviewers=3, admins=1))
        for team in teams.values():
            self._staff(team, self._plan(s.team, reviewers=0))
        for team in township_teams:
            self._staff(team, self._plan(s.township, reviewers=0))
        self._staff(justice, self._plan(s.justice, reviewers=1, auxiliaries=False))
        return County(n, code, name, city_name, [region, *(rid for rid, _ in townships)], bureau, teams, township_teams, justice)

    def _delegate(self, teams: list[Agency], short: str) -> None:
        """Township teams hold the delegable construction and market items from before the first case."""
        codes = sorted(i.code for i in self.catalog.items.values() if i.delegable and i.domain in TOWNSHIP_DOMAINS)
        for team in teams:
            for code in codes:
                self.rows.add("delegations", (self.ids.at(self.founded), team.id, code, self.founded, f"{short}政发〔{self.founded.year}〕12号（示例）", LOADER))

    # --- people -------------------------------------------------------------------------------

    @staticmethod
    def _plan(size: int, reviewers: int, admins: int = 0, auxiliaries: bool = True) -> list[OfficerRole]:
        """A head, `reviewers` legal reviewers, one auxiliary in eight, the rest officers."""
        roles = [OfficerRole.AGENCY_HEAD, *[OfficerRole.LEGAL_REVIEWER] * reviewers, *[OfficerRole.STAFF_ADMIN] * admins]
        rest = max(2, size - len(roles))
        aux = rest // 8 if auxiliaries else 0
        return roles + [OfficerRole.OFFICER] * (rest - aux) + [OfficerRole.AUXILIARY] * aux

    def _staff(self, agency: Agency, roles: list[OfficerRole]) -> None:
        for role in roles:
            agency.staff.append(self._officer(agency, role))

    def _officer(self, agency: Agency, role: OfficerRole) -> Staff:
        rng = self.rng
        started = self.founded - dt.timedelta(days=rng.randint(30, 2000))
        oid = self.ids.at(started)
        certified = role not in (OfficerRole.AUXILIARY, OfficerRole.STAFF_ADMIN)
        domains = (agency.domains or self.domains) if certified else ()
        staff = Staff(oid, person_name(rng), role, started if certified else None, domains, False)
        number = valid_until = status_since = None
        status = CertificateStatus.VALID
        if certified:
            self.certificates += 1
            number = f"浙{self.certificates:08d}"
            valid_until = self.today + dt.timedelta(days=rng.randint(200, 1800))
            if self.certificates % SUSPENDED_EVERY == 0:
                staff.suspended, status = True, CertificateStatus.SUSPENDED
                status_since = self.today - dt.timedelta(days=rng.randint(10, 300))
        reviewer = role is OfficerRole.LEGAL_REVIEWER
        self.rows.add("officers", (oid, staff.name, number, started if certified else None, valid_until, status.value, status_since, role.value,
                                   reviewer, started if reviewer else None, agency.id))
        self.rows.add("postings", (self.ids.at(started), oid, agency.region_id, agency.id, role is OfficerRole.AGENCY_HEAD, started))
        if certified:
            self._certify(staff, number, valid_until, status_since)
        return staff

    def _certify(self, staff: Staff, number: str, valid_until: dt.date, suspended_on: dt.date | None) -> None:
        cid = self.ids.at(staff.certified_from)
        recorded = dt.datetime.combine(staff.certified_from, dt.time(9), dt.UTC)
        self.rows.add("certificates", (cid, staff.id, number, ISSUER, staff.certified_from, valid_until))
        for d in staff.domains:
            self.rows.add("certificate_domains", (cid, d))
            self.rows.add("officer_domains", (staff.id, d))
        self.rows.add("certificate_changes", (self.ids.at(staff.certified_from), cid, CertificateStatus.VALID.value, staff.certified_from,
                                              f"浙政执证〔{staff.certified_from.year}〕1号", "行政执法资格考试合格，准予颁发行政执法证", LOADER, recorded))
        if suspended_on is not None:
            self.rows.add("certificate_changes", (self.ids.at(suspended_on), cid, CertificateStatus.SUSPENDED.value, suspended_on,
                                                  f"浙政执证暂〔{suspended_on.year}〕1号", "涉嫌违反行政执法规范，暂扣行政执法证，接受调查", LOADER,
                                                  dt.datetime.combine(suspended_on, dt.time(9), dt.UTC)))

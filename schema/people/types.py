"""Regions, agencies and officers in GraphQL."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import defaultdict
from typing import Annotated

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.db import in_ids
from zhifa.core.access.viewer import SERVICE_ACCOUNTS, Role, Scope, Viewer
from zhifa.core.audit.service import record
from zhifa.core.clock import legal_today
from zhifa.core.entities.masking import mask_id_number
from zhifa.core.people import models as m
from zhifa.core.people.certificates import status_on
from zhifa.schema.kit.access import Access, Predicates, RowRule
from zhifa.schema.kit.compiled.columns import Secret, choice, computed, const, day, enum_sql, flag, node_id, plain
from zhifa.schema.kit.connections import connection, contains, decode_id
from zhifa.schema.kit.enums import (
    AgencyKind,
    AssessmentResult,
    CertificateStatus,
    OfficerRole,
    RegionLevel,
    from_core,
)
from zhifa.schema.kit.planner import Kind, Planner, Relation, child_selections
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id

regions, agencies, officers = m.Region.__table__, m.Agency.__table__, m.Officer.__table__
region_versions = m.RegionVersion.__table__
agency_domains, officer_domains = m.AgencyDomain.__table__, m.OfficerDomain.__table__
certificates, certificate_domains = m.Certificate.__table__, m.CertificateDomain.__table__
certificate_changes, officer_years, postings = m.CertificateChange.__table__, m.OfficerYear.__table__, m.Posting.__table__


@strawberry.type(description="行政区划")
class Region(Node):
    code: str = strawberry.field(description="区划代码（县级及以上为 GB/T 2260 的 6 位代码，乡镇、街道为 9 位或 12 位统计用区划代码）")
    name: str
    level: RegionLevel
    parent: Annotated["Region", strawberry.lazy("zhifa.schema.people.types")] | None = strawberry.field(default=None, description="上级区划")
    ended_on: dt.date | None = strawberry.field(default=None, description="撤销或并入其他区划之日（自该日起不复存在）；为空表示现行区划")
    successor: Annotated["Region", strawberry.lazy("zhifa.schema.people.types")] | None = strawberry.field(default=None, description="并入的区划")
    history: list[Annotated["RegionVersion", strawberry.lazy("zhifa.schema.people.types")]] = strawberry.field(
        default_factory=list, description="名称和隶属关系的各个版本，按时间先后排列，最后一项为现行版本"
    )


@strawberry.type(description="行政区划的一个版本：自 validFrom 起（含当日）至 validUntil 止（不含当日，即下一版本生效之日）的名称和上级区划")
class RegionVersion:
    name: str
    parent: Region | None = strawberry.field(default=None, description="上级区划")
    valid_from: dt.date | None = strawberry.field(default=None, description="为空表示早于系统记录")
    valid_until: dt.date | None = strawberry.field(default=None, description="为空表示现行版本；已撤销、并入的区划为撤销之日")


@strawberry.type(description="执法主体")
class Agency(Node):
    name: str
    short_name: str = strawberry.field(description="文书编号前缀（机关简称），如“定综执”")
    kind: AgencyKind
    level: RegionLevel
    region: Region | None = None
    parent: Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")] | None = strawberry.field(default=None, description="上级执法主体")
    domain_codes: list[str] = strawberry.field(default_factory=list, description="承担执法职责的领域代码")
    case_pattern: str = strawberry.field(default="", description="案号格式，如“{short}{type}〔{year}〕{serial}号”（{type} 为“案”）")
    document_pattern: str = strawberry.field(default="", description="文书编号格式，如“{short}{type}字〔{year}〕{serial}号”（{type} 为文书类别代字，如“罚决”）")
    version: int = strawberry.field(default=1, description="乐观锁版本：变更时提交读到的版本")
    closed_on: dt.date | None = strawberry.field(default=None, description="撤销之日；为空表示现行机关。已撤销的机关不再承接新案件")
    successor: Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")] | None = strawberry.field(
        default=None, description="承继机关：承接其未结案件，并可查阅其已结案件"
    )
    closing_decision: str | None = strawberry.field(default=None, description="撤销决定文号")
    closing_reason: str | None = strawberry.field(default=None, description="撤销理由")


@strawberry.type(description="执法人员（含辅助人员）")
class Officer(Node):
    name: str
    certificate_number: str | None = strawberry.field(description="执法证号；辅助人员无执法证")
    certificate_valid_from: dt.date | None
    certificate_valid_until: dt.date | None
    status: CertificateStatus
    status_since: dt.date | None = strawberry.field(description="当前证件状态（如暂扣）自何日起；为空表示未记录，视为一直如此")
    role: OfficerRole
    legal_qualification: bool = strawberry.field(description="是否具有法律职业资格")
    legal_review_since: dt.date | None = strawberry.field(
        description="开始从事行政处罚决定法制审核之日；2021年7月15日前已从事的不属初次从事，无须法律职业资格（行政处罚法第五十八条第二款）"
    )
    agency: Agency | None = None
    domain_codes: list[str] = strawberry.field(default_factory=list, description="执法证覆盖的领域代码")
    id_number: str | None = strawberry.field(
        default=None, description="公民身份号码：本机关及上级机关的人事（法制）管理员可见全文（每次读取记入审计），其他角色脱敏"
    )
    external_identity: str | None = strawberry.field(
        default=None, description="省统一身份认证平台的用户标识（令牌 sub）；仅人事（法制）管理员和负责人可见"
    )
    retired_on: dt.date | None = strawberry.field(default=None, description="退出执法岗位（退休、调离等）之日；人员记录永不删除")
    certificates: list[Certificate] = strawberry.field(
        default_factory=list, description="执法证（含历次状态变更）；人事（法制）管理员、负责人、执法监督人员及本人可见"
    )
    postings: list[Posting] = strawberry.field(default_factory=list, description="任职经历（所在机关、区域、是否负责人），轮岗规则据此判断")
    years: list[OfficerYear] = strawberry.field(default_factory=list, description="各年度轮训学时和年度考核结果")


@strawberry.type(description="执法证状态的一次变更（发证、暂扣、恢复、注销或吊销）")
class CertificateChange:
    status: CertificateStatus
    effective_on: dt.date = strawberry.field(description="自该日起生效")
    decision: str = strawberry.field(description="决定文号")
    reason: str
    recorded_by: str
    recorded_at: dt.datetime


@strawberry.type(description="行政执法证件（执法证）")
class Certificate(Node):
    number: str = strawberry.field(description="执法证号")
    issuing_authority: str = strawberry.field(description="发证机关")
    valid_from: dt.date
    valid_until: dt.date
    status: CertificateStatus = strawberry.field(
        default=CertificateStatus.VALID, description="今日状态：有效证件超过有效期的为 EXPIRED（已过期），由系统计算"
    )
    domains: list[str] = strawberry.field(default_factory=list, description="证件覆盖的执法领域代码")
    changes: list[CertificateChange] = strawberry.field(default_factory=list, description="状态变更记录，按生效日期排列")
    officer: Officer | None = None


@strawberry.type(description="任职经历")
class Posting:
    is_head: bool = strawberry.field(description="是否担任负责人")
    started_on: dt.date
    ended_on: dt.date | None = strawberry.field(description="为空表示仍在任")
    agency: Agency | None = None
    region: Region | None = strawberry.field(default=None, description="工作区域")


@strawberry.type(description="年度轮训和考核")
class OfficerYear:
    year: int
    training_hours: int = strawberry.field(description="当年轮训学时")
    assessment: AssessmentResult | None = strawberry.field(description="年度考核结果；为空表示尚未考核")


def _region(r) -> Region:
    return Region(id=global_id("Region", r.id), code=r.code, name=r.name, level=from_core(RegionLevel, m.RegionLevel(r.level)), ended_on=r.ended_on)


def _agency(r) -> Agency:
    return Agency(
        id=global_id("Agency", r.id),
        name=r.name,
        short_name=r.short_name,
        kind=from_core(AgencyKind, m.AgencyKind(r.kind)),
        level=from_core(RegionLevel, m.RegionLevel(r.level)),
        case_pattern=r.case_pattern,
        document_pattern=r.document_pattern,
        version=r.version,
        closed_on=r.closed_on,
        closing_decision=r.closing_decision,
        closing_reason=r.closing_reason,
    )


def _officer(r) -> Officer:
    return Officer(
        id=global_id("Officer", r.id),
        name=r.name,
        certificate_number=r.certificate_number,
        certificate_valid_from=r.certificate_valid_from,
        certificate_valid_until=r.certificate_valid_until,
        status=from_core(CertificateStatus, _projected_status(r, legal_today())),
        status_since=r.status_since,
        role=from_core(OfficerRole, m.OfficerRole(r.role)),
        legal_qualification=r.legal_qualification,
        legal_review_since=r.legal_review_since,
        retired_on=r.retired_on,
    )


def _projected_status(r, today: dt.date) -> m.CertificateStatus:
    """The officer's projection read for today: a valid certificate past its validity has expired."""
    status = m.CertificateStatus(r.status)
    if status is m.CertificateStatus.VALID and r.certificate_valid_until is not None and r.certificate_valid_until < today:
        return m.CertificateStatus.EXPIRED
    return status


# Who reads staff records (certificates and their history, postings, yearly assessment) of every
# officer in reach: staff administration, heads, supervisors (rotation and staffing alerts) and the
# provincial platform with read:officers. Anyone else reads only their own.
STAFF_RECORD_READERS = {Role.STAFF_ADMIN, Role.AGENCY_HEAD, Role.SUPERVISOR, *SERVICE_ACCOUNTS}


def _staff_records(access: Access, table: sa.Table) -> Predicates:
    """Rows of a table keyed by `officer_id`, for the viewer (see STAFF_RECORD_READERS)."""
    if access.viewer.has(*STAFF_RECORD_READERS):
        return [table.c.officer_id.in_(sa.select(officers.c.id).where(in_ids(officers.c.agency_id, access.agencies)))]
    return [table.c.officer_id == access.viewer.officer_id] if access.viewer.officer_id else [sa.false()]


async def _write_reads(session: AsyncSession, viewer: Viewer, officer_ids: list[uuid.UUID]) -> None:
    """Clear reads of officers' ID numbers, in the audit chain (personal_data_reads is keyed to
    entities): one link per request naming every officer read, whatever the page size."""
    ids = sorted({str(i) for i in officer_ids})
    await record(session, actor=viewer.subject, action="officer.read_id_number", object_type="Officer",
                 object_id=uuid.UUID(ids[0]) if len(ids) == 1 else None, detail="idNumber: " + ",".join(ids))


def _present(access: Access, officer: Officer, row, selected: frozenset[str]) -> None:
    """The ID number in clear for the staff admin over the officer's agency (the read recorded),
    masked for everyone else; the external identity for staff admins and heads only. Nothing is
    decrypted or recorded unless the query selects it."""
    viewer = access.viewer
    if "idNumber" in selected and row.id_number_cipher:
        clear = access.key.decrypt(row.id_number_cipher)
        if viewer.has(Role.STAFF_ADMIN) and row.agency_id in access.agencies:
            officer.id_number = clear
            access.note_read(_write_reads, row.id)
        else:
            officer.id_number = mask_id_number(clear)
    if "externalIdentity" in selected and viewer.has(Role.STAFF_ADMIN, Role.AGENCY_HEAD):
        officer.external_identity = row.external_identity


def _codes(link: sa.Table, key: sa.Column):
    return lambda ids: sa.select(key, link.c.domain_code).where(key.in_(ids))


async def _history(plan: Planner, ids: list[uuid.UUID], selections: list) -> dict[uuid.UUID, list[RegionVersion]]:
    """Superseded versions, then the current one from the region's own row."""
    past = (await plan.session.execute(sa.select(region_versions).where(region_versions.c.region_id.in_(ids)))).all()
    now = (await plan.session.execute(sa.select(regions).where(regions.c.id.in_(ids)))).all()
    rows = [(r.region_id, r.name, r.parent_id, r.valid_from, r.valid_until) for r in past]
    rows += [(r.id, r.name, r.parent_id, r.valid_from, r.ended_on) for r in now]
    sub = child_selections(selections, "parent")
    parents = await plan.by_ids(REGION, {r[2] for r in rows} - {None}, sub) if sub is not None else {}
    found: dict[uuid.UUID, list[RegionVersion]] = defaultdict(list)
    for region_id, name, parent_id, valid_from, valid_until in sorted(rows, key=lambda r: (r[3] or dt.date.min, r[4] is None, r[4] or dt.date.max)):
        found[region_id].append(RegionVersion(name=name, parent=parents.get(parent_id), valid_from=valid_from, valid_until=valid_until))
    return found


REGION = Kind(
    "Region",
    regions,
    _region,
    columns={"id": node_id("Region"), "code": plain("code"), "name": plain("name"), "level": choice("level", RegionLevel), "endedOn": day("ended_on")},
)
REGION.relations.update(
    parent=Relation("one", "Region", "parent_id"),
    successor=Relation("one", "Region", "successor_id"),
    history=Relation("batch", load=_history, default=list),
)
AGENCY = Kind(
    "Agency",
    agencies,
    _agency,
    columns={
        "id": node_id("Agency"),
        "name": plain("name"),
        "shortName": plain("short_name"),
        "kind": choice("kind", AgencyKind),
        "level": choice("level", RegionLevel),
        "casePattern": plain("case_pattern"),
        "documentPattern": plain("document_pattern"),
        "version": plain("version"),
        "closedOn": day("closed_on"),
        "closingDecision": plain("closing_decision"),
        "closingReason": plain("closing_reason"),
    },
)
AGENCY.relations.update(
    region=Relation("one", "Region", "region_id"),
    parent=Relation("one", "Agency", "parent_id"),
    successor=Relation("one", "Agency", "successor_id"),
    domainCodes=Relation("values", link=_codes(agency_domains, agency_domains.c.agency_id)),
)


def _certificate(r) -> Certificate:
    return Certificate(
        id=global_id("Certificate", r.id), number=r.number, issuing_authority=r.issuing_authority, valid_from=r.valid_from, valid_until=r.valid_until
    )


def _change(r) -> CertificateChange:
    return CertificateChange(
        status=from_core(CertificateStatus, m.CertificateStatus(r.status)),
        effective_on=r.effective_on,
        decision=r.decision,
        reason=r.reason,
        recorded_by=r.recorded_by,
        recorded_at=r.recorded_at,
    )


def _posting(r) -> Posting:
    return Posting(is_head=r.is_head, started_on=r.started_on, ended_on=r.ended_on)


def _year(r) -> OfficerYear:
    assessment = from_core(AssessmentResult, m.AssessmentResult(r.assessment)) if r.assessment else None
    return OfficerYear(year=r.year, training_hours=r.training_hours, assessment=assessment)


def _changes_of(ids: list[uuid.UUID]) -> sa.Select:
    return (
        sa.select(certificate_changes)
        .where(certificate_changes.c.certificate_id.in_(ids))
        .order_by(certificate_changes.c.effective_on, certificate_changes.c.recorded_at, certificate_changes.c.id)
    )


async def _load_changes(plan: Planner, ids: list[uuid.UUID], sub) -> dict[uuid.UUID, list[CertificateChange]]:
    """Every change of a page's certificates in one statement (reached only through a certificate
    the viewer may read)."""
    grouped: dict[uuid.UUID, list[CertificateChange]] = {i: [] for i in ids}
    for r in (await plan.session.execute(_changes_of(ids))).all():
        grouped[r.certificate_id].append(_change(r))
    return grouped


async def _load_status(plan: Planner, ids: list[uuid.UUID], sub) -> dict[uuid.UUID, CertificateStatus]:
    """Each certificate's status today, from its window and changes in one statement
    (core.people.certificates.status_on: EXPIRED for a valid certificate past its validity)."""
    stmt = (
        sa.select(certificates.c.id, certificates.c.valid_from, certificates.c.valid_until, certificate_changes.c.status, certificate_changes.c.effective_on)
        .outerjoin(certificate_changes, certificate_changes.c.certificate_id == certificates.c.id)
        .where(certificates.c.id.in_(ids))
        .order_by(certificate_changes.c.effective_on, certificate_changes.c.recorded_at, certificate_changes.c.id)
    )
    windows, changes = {}, {}
    for r in (await plan.session.execute(stmt)).all():
        windows[r.id] = (r.valid_from, r.valid_until)
        changes.setdefault(r.id, [])
        if r.status is not None:
            changes[r.id].append(r)
    today = legal_today()
    return {i: from_core(CertificateStatus, status_on(changes[i], *windows[i], today)) for i in windows}


async def _load_years(plan: Planner, ids: list[uuid.UUID], sub) -> dict[uuid.UUID, list[OfficerYear]]:
    stmt = sa.select(officer_years).where(officer_years.c.officer_id.in_(ids), *_staff_records(plan.access, officer_years))
    grouped: dict[uuid.UUID, list[OfficerYear]] = {i: [] for i in ids}
    for r in (await plan.session.execute(stmt.order_by(officer_years.c.year))).all():
        grouped[r.officer_id].append(_year(r))
    return grouped


def _by_officer(table: sa.Table, *order: sa.Column):
    return lambda ids: sa.select(table.c.officer_id, table.c.id, sa.func.row_number().over(order_by=order)).where(table.c.officer_id.in_(ids))


CERTIFICATE = Kind(
    "Certificate",
    certificates,
    _certificate,
    {
        "domains": Relation("values", link=_codes(certificate_domains, certificate_domains.c.certificate_id)),
        "changes": Relation("batch", load=_load_changes, default=list),
        "status": Relation("batch", load=_load_status, default=lambda: CertificateStatus.VALID),
        "officer": Relation("one", "Officer", "officer_id"),
    },
    rule=RowRule(Scope.OFFICERS, _staff_records),
)
POSTING = Kind(
    "Posting",
    postings,
    _posting,
    {"agency": Relation("one", "Agency", "agency_id"), "region": Relation("one", "Region", "region_id")},
    rule=RowRule(Scope.OFFICERS, _staff_records),
)
OFFICER = Kind(
    "Officer",
    officers,
    _officer,
    {
        "agency": Relation("one", "Agency", "agency_id"),
        "domainCodes": Relation("values", link=_codes(officer_domains, officer_domains.c.officer_id)),
        "certificates": Relation("many", "Certificate", link=_by_officer(certificates, certificates.c.valid_from, certificates.c.number)),
        "postings": Relation("many", "Posting", link=_by_officer(postings, postings.c.started_on, postings.c.id)),
        "years": Relation("batch", load=_load_years, default=list),
    },
    _present,
    rule=RowRule(Scope.OFFICERS, lambda access, t: [in_ids(t.c.agency_id, access.agencies)]),
    columns={
        "id": node_id("Officer"),
        "name": plain("name"),
        "certificateNumber": plain("certificate_number"),
        "certificateValidFrom": day("certificate_valid_from"),
        "certificateValidUntil": day("certificate_valid_until"),
        "status": computed(lambda src, dialect: _status_sql(src, legal_today())),
        "statusSince": day("status_since"),
        "role": choice("role", OfficerRole),
        "legalQualification": flag("legal_qualification"),
        "legalReviewSince": day("legal_review_since"),
        "retiredOn": day("retired_on"),
        "idNumber": Secret(("id", "agency_id", "id_number_cipher", "external_identity")),
        "externalIdentity": Secret(("id", "agency_id", "id_number_cipher", "external_identity")),
    },
)


def _status_sql(src, today: dt.date) -> sa.ColumnElement:
    """`_projected_status` in SQL, as the CertificateStatus name."""
    valid = src.c.status == const(m.CertificateStatus.VALID.value)
    expired = sa.and_(valid, src.c.certificate_valid_until < today)
    return sa.case((expired, const(CertificateStatus.EXPIRED.name)), else_=enum_sql(src.c.status, CertificateStatus))


@strawberry.input(description="行政区划筛选")
class RegionFilter:
    level: RegionLevel | None = None
    parent_id: strawberry.ID | None = None
    code: str | None = None
    name_contains: str | None = None
    current: bool | None = strawberry.field(default=None, description="true：只列现行区划；false：只列已撤销或并入其他区划的区划")


@strawberry.enum(description="行政区划排序")
class RegionOrder(enum.Enum):
    CODE_ASC = strawberry.enum_value("code_asc", description="按区划代码升序")


@strawberry.input(description="执法主体筛选")
class AgencyFilter:
    kind: AgencyKind | None = None
    level: RegionLevel | None = None
    region_id: strawberry.ID | None = None
    domain: str | None = strawberry.field(default=None, description="承担该领域执法职责的主体")
    name_contains: str | None = None
    closed: bool | None = strawberry.field(default=None, description="true：已撤销的机关；false：现行机关")


@strawberry.enum(description="执法主体排序")
class AgencyOrder(enum.Enum):
    NAME_ASC = strawberry.enum_value("name_asc", description="按名称升序")


@strawberry.input(description="执法人员筛选")
class OfficerFilter:
    agency_id: strawberry.ID | None = None
    role: OfficerRole | None = None
    status: CertificateStatus | None = strawberry.field(default=None, description="执法证今日状态（EXPIRED：有效证件已超过有效期）")
    retired: bool | None = strawberry.field(default=None, description="true：已退出执法岗位的人员；false：在岗人员")
    domain: str | None = strawberry.field(default=None, description="执法证覆盖该领域的人员")
    name_contains: str | None = None
    certificate_number: str | None = None


@strawberry.enum(description="执法人员排序")
class OfficerOrder(enum.Enum):
    NAME_ASC = strawberry.enum_value("name_asc", description="按姓名升序")


async def resolve_regions(
    info: strawberry.Info, filter: RegionFilter | None, order: RegionOrder, page: PageRequest
) -> Connection[Region]:
    f, where = filter or RegionFilter(), []
    if f.level:
        where.append(regions.c.level == f.level.value)
    if f.parent_id:
        where.append(regions.c.parent_id == decode_id(f.parent_id, "Region", "filter.parentId"))
    if f.code:
        where.append(regions.c.code == f.code)
    if f.name_contains:
        where.append(contains(regions.c.name, f.name_contains))
    if f.current is not None:
        where.append(regions.c.ended_on.is_(None) if f.current else regions.c.ended_on.is_not(None))
    return await connection(info, REGION, where, (regions.c.code, regions.c.id), False, page)


async def resolve_agencies(
    info: strawberry.Info, filter: AgencyFilter | None, order: AgencyOrder, page: PageRequest
) -> Connection[Agency]:
    f, where = filter or AgencyFilter(), []
    if f.kind:
        where.append(agencies.c.kind == f.kind.value)
    if f.level:
        where.append(agencies.c.level == f.level.value)
    if f.region_id:
        where.append(agencies.c.region_id == decode_id(f.region_id, "Region", "filter.regionId"))
    if f.domain:
        where.append(agencies.c.id.in_(sa.select(agency_domains.c.agency_id).where(agency_domains.c.domain_code == f.domain)))
    if f.name_contains:
        where.append(contains(agencies.c.name, f.name_contains))
    if f.closed is not None:
        where.append(agencies.c.closed_on.is_not(None) if f.closed else agencies.c.closed_on.is_(None))
    return await connection(info, AGENCY, where, (agencies.c.name, agencies.c.id), False, page)


async def resolve_officers(
    info: strawberry.Info, filter: OfficerFilter | None, order: OfficerOrder, page: PageRequest
) -> Connection[Officer]:
    f, where = filter or OfficerFilter(), []
    if f.agency_id:
        where.append(officers.c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.role:
        where.append(officers.c.role == f.role.value)
    if f.status:
        where.append(_status_is(m.CertificateStatus(f.status.value), legal_today()))
    if f.retired is not None:
        where.append(officers.c.retired_on.is_not(None) if f.retired else officers.c.retired_on.is_(None))
    if f.domain:
        where.append(officers.c.id.in_(sa.select(officer_domains.c.officer_id).where(officer_domains.c.domain_code == f.domain)))
    if f.name_contains:
        where.append(contains(officers.c.name, f.name_contains))
    if f.certificate_number:
        where.append(officers.c.certificate_number == f.certificate_number)
    return await connection(info, OFFICER, where, (officers.c.name, officers.c.id), False, page)


def _status_is(status: m.CertificateStatus, today: dt.date) -> sa.ColumnElement[bool]:
    """The officers whose status reads `status` today, as `_projected_status` shows it."""
    valid, until = officers.c.status == m.CertificateStatus.VALID.value, officers.c.certificate_valid_until
    if status is m.CertificateStatus.EXPIRED:
        return sa.and_(valid, until < today)
    if status is m.CertificateStatus.VALID:
        return sa.and_(valid, sa.or_(until.is_(None), until >= today))
    return officers.c.status == status.value

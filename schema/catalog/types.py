"""Domains and enforcement items (执法事项) in GraphQL."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import strawberry
from zhifa.core.catalog import models as m
from zhifa.core.catalog.spec import MEASURES, PENALTY_KINDS, ChecklistSpec
from zhifa.core.catalog.sync import served
from zhifa.core.clock import legal_today
from zhifa.schema.catalog.discretion import DiscretionTable, Term, table_from_raw, terms
from zhifa.schema.kit.compiled.columns import choice, day, flag, node_id, money, plain
from zhifa.schema.kit.connections import connection, contains, decode_id, planner
from zhifa.schema.kit.enums import EntityKind, ItemKind, from_core
from zhifa.schema.kit.enums import VersionStatus as VersionStatusEnum
from zhifa.schema.kit.planner import Kind
from zhifa.schema.kit.relay import Connection, Node, PageRequest, global_id
from zhifa.schema.kit.scalars import Money

items = m.CatalogItemVersion.__table__
delegations = m.Delegation.__table__
VersionStatus = m.VersionStatus


@strawberry.type(description="执法领域（由插件提供）")
class Domain:
    code: str
    name_zh: str
    name_en: str
    plugin: str = strawberry.field(description="提供该领域的插件")
    plugin_version: str


@strawberry.type(description="事项要求记录的事实（类型化）")
class FactDefinition:
    name: str = strawberry.field(description="事实名称，裁量条件中使用")
    type: str = strawberry.field(description="money | integer | decimal | boolean | text | enum | date")
    label: str
    required: bool
    choices: list[str]
    unit: str | None


@strawberry.type(description="执法事项的一个版本（立改废均以新版本体现）")
class CatalogItem(Node):
    code: str
    version: int
    domain: str
    name: str
    kind: ItemKind
    violated: str = strawberry.field(description="违法条款")
    basis: str = strawberry.field(description="处罚依据")
    law_version: dt.date | None = strawberry.field(description="所引法律的版本日期")
    penalty_kinds: list[Term]
    measures: list[Term] = strawberry.field(description="责令改正等非处罚措施")
    delegable: bool = strawberry.field(description="可赋权乡镇（街道）行使")
    major_fine: Money | None = strawberry.field(description="罚款达到此数额即为重大处罚")
    major_kinds: list[Term] = strawberry.field(description="作出即为重大处罚的处罚种类")
    limitation: str = strawberry.field(description="追责时效：2y 或 5y（行政处罚法第三十六条）")
    facts: list[FactDefinition]
    effective_from: dt.date = strawberry.field(description="生效日期（草稿为拟生效日期）")
    repealed_on: dt.date | None = strawberry.field(description="失效日期（不含当日）")
    status: VersionStatusEnum = strawberry.field(description="草稿或已发布；草稿在任何日期都不生效")
    discretion: strawberry.Private[dict | None] = None

    @strawberry.field(description="该版本的裁量基准表（处罚类事项）")
    def discretion_table(self) -> DiscretionTable | None:
        return table_from_raw(self.discretion) if self.discretion else None


def _item(r) -> CatalogItem:
    return CatalogItem(
        id=global_id("CatalogItem", r.id),
        code=r.code,
        version=r.version,
        domain=r.domain_code,
        name=r.name,
        kind=from_core(ItemKind, m.ItemKind(r.kind)),
        violated=r.violated,
        basis=r.basis,
        law_version=r.law_version,
        penalty_kinds=terms(r.penalty_kinds, PENALTY_KINDS),
        measures=terms(r.measures, MEASURES),
        delegable=r.delegable,
        major_fine=r.major_fine_fen,
        major_kinds=terms(r.major_kinds, PENALTY_KINDS),
        limitation=r.limitation,
        facts=[
            FactDefinition(
                name=f["name"],
                type=f["type"],
                label=f["label"],
                required=f.get("required", False),
                choices=f.get("choices", []),
                unit=f.get("unit"),
            )
            for f in r.facts
        ],
        effective_from=r.effective_from,
        repealed_on=r.repealed_on,
        status=from_core(VersionStatusEnum, m.VersionStatus(r.status)),
        discretion=r.discretion,
    )


ITEM = Kind(
    "CatalogItem",
    items,
    _item,
    columns={
        "id": node_id("CatalogItem"),
        "code": plain("code"),
        "version": plain("version"),
        "domain": plain("domain_code"),
        "name": plain("name"),
        "kind": choice("kind", ItemKind),
        "violated": plain("violated"),
        "basis": plain("basis"),
        "lawVersion": day("law_version"),
        "delegable": flag("delegable"),
        "majorFine": money("major_fine_fen"),
        "limitation": plain("limitation"),
        "effectiveFrom": day("effective_from"),
        "repealedOn": day("repealed_on"),
        "status": choice("status", VersionStatusEnum),
    },
)


@strawberry.input(description="执法事项筛选")
class CatalogItemFilter:
    domain: str | None = None
    kind: ItemKind | None = None
    code: str | None = None
    search: str | None = strawberry.field(default=None, description="在事项名称、违法条款和处罚依据中查找")
    delegable: bool | None = None
    as_of: dt.date | None = strawberry.field(default=None, description="在该日有效的版本；默认今天")
    delegated_to: strawberry.ID | None = strawberry.field(default=None, description="在该日已赋权给该乡镇（街道）执法队的事项")


@strawberry.enum(description="执法事项排序")
class CatalogItemOrder(enum.Enum):
    CODE_ASC = strawberry.enum_value("code_asc", description="按事项编码升序")


async def resolve_catalog_items(
    info: strawberry.Info, filter: CatalogItemFilter | None, order: CatalogItemOrder, page: PageRequest
) -> Connection[CatalogItem]:
    f = filter or CatalogItemFilter()
    day = f.as_of or legal_today()
    where = [
        served(info.context.plugins.catalog),  # a plug-in no longer enabled serves no items
        items.c.status == VersionStatus.PUBLISHED.value,
        items.c.effective_from <= day,
        sa.or_(items.c.repealed_on.is_(None), items.c.repealed_on > day),
    ]
    if f.domain:
        where.append(items.c.domain_code == f.domain)
    if f.kind:
        where.append(items.c.kind == f.kind.value)
    if f.code:
        where.append(items.c.code == f.code)
    if f.delegable is not None:
        where.append(items.c.delegable == f.delegable)
    if f.delegated_to:
        granted = sa.select(delegations.c.item_code).where(
            delegations.c.agency_id == decode_id(f.delegated_to, "Agency", "filter.delegatedTo"),
            delegations.c.granted_on <= day,
            sa.or_(delegations.c.revoked_on.is_(None), delegations.c.revoked_on > day),
        )
        where.append(items.c.code.in_(granted))
    if f.search:
        where.append(sa.or_(*(contains(c, f.search) for c in (items.c.name, items.c.violated, items.c.basis))))
    return await connection(info, ITEM, where, (items.c.code, items.c.id), False, page)


def resolve_domains(info: strawberry.Info) -> list[Domain]:
    catalog = info.context.plugins.catalog
    return [
        Domain(code=d.code, name_zh=d.name_zh, name_en=d.name_en, plugin=catalog.domain_plugin[d.code], plugin_version=d.version)
        for d in catalog.domains.values()
    ]


@strawberry.type(description="检查要点")
class ChecklistPoint:
    code: str
    text: str
    basis: str = strawberry.field(description="检查依据")
    item_code: str = strawberry.field(description="未通过时对应的执法事项")
    item_name: str


@strawberry.type(description="检查清单（由插件提供）")
class Checklist:
    code: str
    name: str
    domain: str
    applies_to: list[EntityKind]
    industries: list[str]
    points: list[ChecklistPoint]


def _checklist(spec: ChecklistSpec, item_names: dict[str, str]) -> Checklist:
    return Checklist(
        code=spec.code,
        name=spec.name,
        domain=spec.domain,
        applies_to=[EntityKind(k) for k in spec.applies_to],
        industries=list(spec.industries),
        points=[ChecklistPoint(code=p.code, text=p.text, basis=p.basis, item_code=p.item, item_name=item_names[p.item]) for p in spec.points],
    )


def resolve_checklists(info: strawberry.Info, domain: str | None, applies_to: EntityKind | None, industry: str | None) -> list[Checklist]:
    catalog = info.context.plugins.catalog
    names = {code: item.name for code, item in catalog.items.items()}
    return [
        _checklist(c, names)
        for c in catalog.checklists.values()
        if (domain is None or c.domain == domain)
        and c.meant_for(applies_to.value if applies_to else None, None if industry is None else (industry,))
    ]


async def resolve_versions(info: strawberry.Info, code: str) -> list[CatalogItem]:
    """Every version of an item, drafts included, oldest first (the item's 立改废 history)."""
    async with planner(info) as plan:
        stmt = sa.select(items).where(items.c.code == code).order_by(items.c.version)
        return [obj for obj, _ in await plan.rows(ITEM, stmt, [])]

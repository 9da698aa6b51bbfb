"""Changing the catalog through GraphQL: publishing drafts, granting and revoking delegations."""

from __future__ import annotations

import datetime as dt

import strawberry
from zhifa.core.catalog import delegation, publication
from zhifa.schema.catalog.types import ITEM, CatalogItem
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.errors import UserError, run_mutation


@strawberry.input(description="发布事项草稿")
class PublishCatalogItemInput:
    code: str
    version: int
    effective_from: dt.date = strawberry.field(description="生效日期，不早于今天；现行版本于同日失效")


@strawberry.type(description="发布事项草稿的结果")
class PublishCatalogItemPayload:
    item: CatalogItem | None
    errors: list[UserError]


async def resolve_publish(info: strawberry.Info, input: PublishCatalogItemInput) -> PublishCatalogItemPayload:
    async def work(session):
        info.context.access.require_head()
        version = await publication.publish(session, info.context.actor, input.code.strip(), input.version, input.effective_from)
        return version.id

    key, errors = await run_mutation(info, work)
    return PublishCatalogItemPayload(item=await one(info, ITEM, key, "item") if key else None, errors=errors)


@strawberry.input(description="向乡镇（街道）执法队赋权")
class GrantDelegationInput:
    agency_id: strawberry.ID
    item_codes: list[str]
    basis: str = strawberry.field(description="赋权依据：已公布的赋权决定文号")
    granted_on: dt.date | None = strawberry.field(default=None, description="生效日期，默认今天")


@strawberry.input(description="收回赋权")
class RevokeDelegationInput:
    agency_id: strawberry.ID
    item_code: str
    reason: str


@strawberry.type(description="赋权或收回赋权的结果")
class DelegationPayload:
    item_codes: list[str] = strawberry.field(description="本次赋予或收回的事项编码")
    errors: list[UserError]


async def resolve_grant(info: strawberry.Info, input: GrantDelegationInput) -> DelegationPayload:
    async def work(session):
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        info.context.access.require_head_over(agency_id)
        codes = [c.strip() for c in input.item_codes]
        grants = await delegation.grant(session, info.context.actor, agency_id, codes, input.basis, input.granted_on)
        return [g.item_code for g in grants]

    codes, errors = await run_mutation(info, work)
    return DelegationPayload(item_codes=codes or [], errors=errors)


async def resolve_revoke(info: strawberry.Info, input: RevokeDelegationInput) -> DelegationPayload:
    async def work(session):
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        info.context.access.require_head_over(agency_id)
        revoked = await delegation.revoke(session, info.context.actor, agency_id, input.item_code.strip(), input.reason)
        return [revoked.item_code]

    codes, errors = await run_mutation(info, work)
    return DelegationPayload(item_codes=codes or [], errors=errors)

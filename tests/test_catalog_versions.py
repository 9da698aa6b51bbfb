"""Catalog versions (立改废) and township delegation (赋权, APL Art. 24) through the API."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from zhifa.core.audit.models import AuditRecord
from zhifa.core.catalog.models import CatalogItemVersion, VersionStatus
from zhifa.core.catalog.registry import Catalog
from zhifa.core.catalog.sync import pending_changes, sync_catalog
from zhifa.core.clock import legal_today
from zhifa.core.db import transaction

VERSIONS = 'query($c: String!) { catalogItemVersions(code: $c) { version status name effectiveFrom repealedOn } }'
PUBLISH = """mutation($i: PublishCatalogItemInput!) { publishCatalogItem(input: $i) {
  item { code version status effectiveFrom } errors { code field } } }"""
AS_OF = 'query($d: Date) { catalogItems(filter: {code: "SC024", asOf: $d}) { edges { node { version name } } } }'


def _amended(catalog: Catalog, code: str, name: str) -> Catalog:
    item = catalog.items[code]
    changed = dataclasses.replace(item, name=name, raw={**item.raw, "name": name})
    return dataclasses.replace(catalog, items={**catalog.items, code: changed})


async def test_a_changed_item_waits_as_a_draft_until_published(api, demo, demo_tokens, plugins):
    amended = _amended(plugins.catalog, "SC024", "从事无照经营（修订）")
    async with transaction(demo) as session:
        report = await sync_catalog(session, amended)
        assert report.amended == ["SC024"] and await pending_changes(session, amended) == []
    versions = (await api(VERSIONS, {"c": "SC024"}))["catalogItemVersions"]
    assert [(v["version"], v["status"]) for v in versions] == [(1, "PUBLISHED"), (2, "DRAFT")]
    assert (await api(AS_OF, {"d": None}))["catalogItems"]["edges"][0]["node"]["version"] == 1

    head = api.as_(demo_tokens["bureau_head"])
    start = legal_today() + dt.timedelta(days=10)
    for bad, code in (({"effectiveFrom": "2020-01-01"}, "EFFECTIVE_DATE_IN_PAST"), ({"version": 1}, "VERSION_NOT_DRAFT"), ({"version": 9}, "VERSION_NOT_FOUND")):
        result = (await head(PUBLISH, {"i": {"code": "SC024", "version": 2, "effectiveFrom": start.isoformat(), **bad}}))["publishCatalogItem"]
        assert result["item"] is None and result["errors"][0]["code"] == code
    officer = (await api(PUBLISH, {"i": {"code": "SC024", "version": 2, "effectiveFrom": start.isoformat()}}))["publishCatalogItem"]
    assert officer["errors"][0]["code"] == "FORBIDDEN"

    published = (await head(PUBLISH, {"i": {"code": "SC024", "version": 2, "effectiveFrom": start.isoformat()}}))["publishCatalogItem"]
    assert published["errors"] == [] and published["item"]["status"] == "PUBLISHED"
    versions = (await api(VERSIONS, {"c": "SC024"}))["catalogItemVersions"]
    assert versions[0]["repealedOn"] == start.isoformat() and versions[1]["effectiveFrom"] == start.isoformat()
    before = (await api(AS_OF, {"d": (start - dt.timedelta(days=1)).isoformat()}))["catalogItems"]["edges"][0]["node"]
    after = (await api(AS_OF, {"d": start.isoformat()}))["catalogItems"]["edges"][0]["node"]
    assert (before["version"], after["version"], after["name"]) == (1, 2, "从事无照经营（修订）")
    async with demo() as session:
        actions = (await session.execute(sa.select(AuditRecord.action))).scalars().all()
    assert "catalog.item_draft_loaded" in actions and "catalog.version_published" in actions


async def test_a_newer_change_replaces_the_unpublished_draft(demo, plugins):
    async with transaction(demo) as session:
        await sync_catalog(session, _amended(plugins.catalog, "SC024", "草稿一"))
        await sync_catalog(session, _amended(plugins.catalog, "SC024", "草稿二"))
        rows = (await session.execute(sa.select(CatalogItemVersion).where(CatalogItemVersion.code == "SC024").order_by(CatalogItemVersion.version))).scalars().all()
    assert [(r.version, r.status, r.name) for r in rows][1:] == [(2, VersionStatus.DRAFT, "草稿二")]


async def test_the_database_refuses_overlapping_windows(demo):
    """Two published versions of one item can never be in force on the same day, whatever the app does."""
    async with demo() as session:
        v1 = (await session.execute(sa.select(CatalogItemVersion).where(CatalogItemVersion.code == "SC024"))).scalar_one()
        clash = CatalogItemVersion(**{c.key: getattr(v1, c.key) for c in CatalogItemVersion.__table__.columns if c.key != "id"})
        clash.version, clash.effective_from = 2, v1.effective_from + dt.timedelta(days=30)
        session.add(clash)
        with pytest.raises(sa.exc.DBAPIError):
            await session.commit()


GRANT = """mutation($i: GrantDelegationInput!) { grantDelegation(input: $i) { itemCodes errors { code field } } }"""
REVOKE = """mutation($i: RevokeDelegationInput!) { revokeDelegation(input: $i) { itemCodes errors { code } } }"""
DELEGATED = 'query($a: ID) { catalogItems(first: 100, filter: {delegatedTo: $a}) { totalCount edges { node { code delegable } } } }'


async def test_delegation_is_granted_listed_and_revoked_by_the_county_head(api, demo, demo_tokens):
    teams = await api('{ agencies(filter: {kind: TOWNSHIP_TEAM}) { edges { node { id name } } } }')
    team = teams["agencies"]["edges"][0]["node"]["id"]
    listed = (await api(DELEGATED, {"a": team}))["catalogItems"]
    assert listed["totalCount"] > 0 and all(e["node"]["delegable"] for e in listed["edges"])  # the demo's grant
    head = api.as_(demo_tokens["bureau_head"])
    delegable = await api('{ catalogItems(first: 100, filter: {domain: "ecology", delegable: true}) { edges { node { code } } } }')
    code = delegable["catalogItems"]["edges"][0]["node"]["code"]
    granted = (await head(GRANT, {"i": {"agencyId": team, "itemCodes": [code], "basis": "定政发〔2026〕3号"}}))["grantDelegation"]
    assert granted == {"itemCodes": [code], "errors": []}
    assert code in [e["node"]["code"] for e in (await api(DELEGATED, {"a": team}))["catalogItems"]["edges"]]

    again = (await head(GRANT, {"i": {"agencyId": team, "itemCodes": [code, "ST001"], "basis": "x"}}))["grantDelegation"]
    assert {e["code"] for e in again["errors"]} >= {"ALREADY_DELEGATED"}
    not_delegable = await api('{ catalogItems(first: 1, filter: {delegable: false}) { edges { node { code } } } }')
    refused = (await head(GRANT, {"i": {"agencyId": team, "itemCodes": [not_delegable["catalogItems"]["edges"][0]["node"]["code"]], "basis": "x"}}))["grantDelegation"]
    assert refused["errors"][0]["code"] == "ITEM_NOT_DELEGABLE"
    for role in ("bureau_officer", "township_officer", "supervisor"):
        result = (await api.as_(demo_tokens[role])(GRANT, {"i": {"agencyId": team, "itemCodes": [code], "basis": "x"}}))["grantDelegation"]
        assert result["errors"][0]["code"] == "FORBIDDEN", role

    revoked = (await head(REVOKE, {"i": {"agencyId": team, "itemCode": code, "reason": "评估后收回"}}))["revokeDelegation"]
    assert revoked == {"itemCodes": [code], "errors": []}
    assert code not in [e["node"]["code"] for e in (await api(DELEGATED, {"a": team}))["catalogItems"]["edges"]]


async def test_a_new_version_takes_effect_only_after_the_current_one(api, demo, demo_tokens, plugins):
    head = api.as_(demo_tokens["bureau_head"])
    start = legal_today() + dt.timedelta(days=10)
    async with transaction(demo) as session:
        await sync_catalog(session, _amended(plugins.catalog, "SC024", "第二版"))
    second = (await head(PUBLISH, {"i": {"code": "SC024", "version": 2, "effectiveFrom": start.isoformat()}}))["publishCatalogItem"]
    assert second["errors"] == []
    async with transaction(demo) as session:
        await sync_catalog(session, _amended(plugins.catalog, "SC024", "第三版"))
    early = {"code": "SC024", "version": 3, "effectiveFrom": (start - dt.timedelta(days=1)).isoformat()}
    assert (await head(PUBLISH, {"i": early}))["publishCatalogItem"]["errors"] == [{"code": "EFFECTIVE_DATE_TOO_EARLY", "field": "effectiveFrom"}]


async def test_delegation_goes_only_to_township_teams_and_is_revoked_with_a_reason(api, demo, demo_tokens):
    head = api.as_(demo_tokens["bureau_head"])
    agencies = (await api("{ agencies { edges { node { id kind } } } }"))["agencies"]["edges"]
    professional = next(e["node"]["id"] for e in agencies if e["node"]["kind"] == "PROFESSIONAL_TEAM")
    team = next(e["node"]["id"] for e in agencies if e["node"]["kind"] == "TOWNSHIP_TEAM")
    granted = (await head(GRANT, {"i": {"agencyId": professional, "itemCodes": ["SC024"], "basis": "定政发〔2026〕3号"}}))["grantDelegation"]
    assert granted["errors"] == [{"code": "NOT_A_TOWNSHIP_TEAM", "field": "agencyId"}]
    delegated = (await api(DELEGATED, {"a": team}))["catalogItems"]["edges"][0]["node"]["code"]
    assert (await head(REVOKE, {"i": {"agencyId": team, "itemCode": delegated, "reason": " "}}))["revokeDelegation"]["errors"] == [{"code": "REASON_REQUIRED"}]
    assert (await head(REVOKE, {"i": {"agencyId": team, "itemCode": "ST001", "reason": "收回"}}))["revokeDelegation"]["errors"] == [{"code": "NOT_DELEGATED"}]

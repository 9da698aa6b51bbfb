"""Cross-county isolation (issue 12, point 7): one county's officers never see another county's
records, through any root field, nested field or `node(id:)`; the city's supervisors see both.

The queries are built from the schema itself: every root field of Query, its required arguments
filled from their types (the other county's ids, an enum's first value, today), and a selection of
every field to a few levels of nesting with small pages. A root field added later is exercised
the same way without being named here; one that cannot be exercised must be exempted below with
its reason, or the test fails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections import defaultdict

import pytest
import sqlalchemy as sa
from conftest import Api
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLScalarType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from zhifa.core.cases.models import Case
from zhifa.core.clock import legal_today
from zhifa.core.models import Base
from zhifa.core.people.models import Agency, Region, RegionLevel
from zhifa.schema.api import NODE_KINDS
from zhifa.schema.build import build_schema
from zhifa.schema.kit.relay import global_id

FIRST, OTHER = "330902", "330903"
# Root fields whose rows are published by design (organisation, catalog, published decisions and
# plans, calculators over the law): they run with every token, but may show any county's data.
PUBLISHED = {
    "regions": "行政区划 are published organisation data",
    "agencies": "执法主体 are published organisation data",
    "domains": "the catalog of enforcement domains is the same for every county",
    "catalogItems": "权责清单 items are published",
    "catalogItemVersions": "权责清单 versions are published",
    "checklists": "inspection checklists are published with the catalog",
    "discretion": "裁量基准 are published",
    "publicDecisions": "行政处罚决定 are published by law (APL Art. 48), with their case numbers",
    "publicInspectionPlans": "双随机 plans are published (国发〔2015〕58号)",
    "reviewRubric": "the case-review rubric is the same for every county",
    "inspectionScenarios": "shipped inspection scenarios, no records",
}
# Root fields that cannot be exercised by generated arguments (none today): name: reason.
EXEMPT: dict[str, str] = {}
DEPTH = 3  # object levels below the root (a connection's edges and node do not count)
PAGE = 3
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CASE_NUMBER = re.compile(r"[^\s\"'：:，,（(]+案〔\d{4}〕\d+号")


# --- who owns what: each ruled node kind's rows, by county ---------------------------------------


async def rows_by_county(session) -> dict[str, dict[str, set[uuid.UUID]]]:
    """county code -> node kind -> row ids, for every node kind whose rows belong to a county.
    A row's county is found through its columns: a region, an agency, a case, an entity or an
    officer it names (directly, or through the row another of its columns names)."""
    tables = {name: kind.table for name, kind in NODE_KINDS.items()}
    regions = {r.id: (r.parent_id, r.code, r.level) for r in await session.execute(sa.select(Region.id, Region.parent_id, Region.code, Region.level))}
    loaded: dict[str, dict] = {}

    async def table_rows(table) -> dict:
        if table.name not in loaded:
            loaded[table.name] = {r.id: r for r in (await session.execute(sa.select(table))).all()}
        return loaded[table.name]

    def county_of_region(region_id) -> str | None:
        while region_id is not None and region_id in regions:
            parent, code, level = regions[region_id]
            if level is RegionLevel.COUNTY:
                return code
            region_id = parent
        return None

    named = {t: Base.metadata.tables[t] for t in ("agencies", "cases", "entities", "officers")}

    async def county_of(table, row, seen=()) -> str | None:
        for column in table.columns:
            value = getattr(row, column.name, None)
            if value is None or not column.name.endswith("_id") or column.name == "id":
                continue
            if column.name.endswith("region_id"):
                return county_of_region(value)
            target = next((t for prefix, t in (("agency", "agencies"), ("case", "cases"), ("entity", "entities"), ("officer", "officers"))
                           if column.name.endswith(f"{prefix}_id")), None)
            target_table = named[target] if target else next((fk.column.table for fk in column.foreign_keys), None)
            if target_table is None or target_table.name in seen:
                continue
            parent = (await table_rows(target_table)).get(value)
            if parent is not None and (found := await county_of(target_table, parent, (*seen, table.name))):
                return found
        return None

    owned: dict[str, dict[str, set[uuid.UUID]]] = defaultdict(lambda: defaultdict(set))
    for kind, table in tables.items():
        for row_id, row in (await table_rows(table)).items():
            if (county := await county_of(table, row)) is not None:
                owned[county][kind].add(row_id)
    return owned


class Owned:
    """What belongs to one county, in the forms a response can show it. Rows of open kinds
    (organisation, published decisions) are anyone's to see: they only fill arguments."""

    def __init__(self, by_kind: dict[str, set[uuid.UUID]], case_numbers: set[str]):
        self.by_kind = by_kind
        ruled = {kind: ids for kind, ids in by_kind.items() if not NODE_KINDS[kind].rule.open}
        self.global_ids = {global_id(kind, i): kind for kind, ids in ruled.items() for i in ids}
        self.uuids = {str(i) for ids in ruled.values() for i in ids}
        self.case_numbers = case_numbers

    def found_in(self, body) -> set[str]:
        text = json.dumps(body, ensure_ascii=False)
        strings = set(_strings(body))
        return (strings & set(self.global_ids)) | (set(UUID.findall(text)) & self.uuids) | (set(CASE_NUMBER.findall(text)) & self.case_numbers)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


# --- queries built from the schema ------------------------------------------------------------------


class Builder:
    """A query for each root field: required arguments from their types, every field to `depth`."""

    def __init__(self, schema, ids: dict[str, list[str]]):
        self.schema, self.ids = schema, ids  # ids: node kind -> global ids to fill ID arguments with
        self.today = legal_today()

    def root(self, name: str, field: GraphQLField, depth: int) -> str | None:
        args = self.arguments(name, field)
        if args is None:
            return None
        return f"query {{ {name}{args} {self.selection(field.type, depth)} }}"

    def arguments(self, owner: str, field: GraphQLField) -> str | None:
        given = []
        for arg_name, arg in field.args.items():
            if arg_name == "first":
                given.append(f"{arg_name}: {PAGE}")
            elif is_non_null_type(arg.type) and arg.default_value is Undefined:
                value = self.value(arg.type, arg_name, owner, field)
                if value is None:
                    return None
                given.append(f"{arg_name}: {value}")
        return f"({', '.join(given)})" if given else ""

    def value(self, type_, name: str, owner: str, field: GraphQLField) -> str | None:
        named = get_named_type(type_)
        inner = type_.of_type if is_non_null_type(type_) else type_
        if is_list_type(inner):
            one = self.value(inner.of_type, name, owner, field)
            return None if one is None else f"[{one}]"
        if isinstance(named, GraphQLEnumType):
            return next(iter(named.values))
        if isinstance(named, GraphQLInputObjectType):
            parts = []
            for key, sub in named.fields.items():
                if is_non_null_type(sub.type) and sub.default_value is Undefined:
                    value = self.value(sub.type, key, owner, field)
                    if value is None:
                        return None
                    parts.append(f"{key}: {value}")
            return "{" + ", ".join(parts) + "}"
        scalar = named.name
        if scalar == "ID":
            return json.dumps(self.id_for(name, owner, field))
        if scalar == "Int":
            return str(self.today.year if name == "year" else self.today.month if name == "month" else 1)
        if scalar == "Float":
            return "1.0"
        if scalar == "Boolean":
            return "false"
        if scalar == "Date":
            return json.dumps(self.today.isoformat())
        if scalar == "DateTime":
            return json.dumps(dt.datetime.now(dt.UTC).isoformat())
        if scalar == "Money":
            return json.dumps("100.00")
        if scalar == "JSON":
            return "{}"
        return json.dumps(STRINGS.get(name, "1"))

    def id_for(self, name: str, owner: str, field: GraphQLField) -> str:
        """An id of the kind the argument names (`caseId`: Case; `id`: the field's own type)."""
        wanted = name[:-2] if name.endswith("Id") else get_named_type(field.type).name if name == "id" else owner
        kind = next((k for k in NODE_KINDS if k.lower() == wanted.lower()), None)
        if kind is None:
            kind = next((k for k in NODE_KINDS if wanted.lower().endswith(k.lower())), None)
        if kind is None:
            return next(i for ids in self.ids.values() for i in ids)
        return self.ids[kind][0] if self.ids.get(kind) else global_id(kind, uuid.uuid4())  # none there: an unknown id

    def selection(self, type_, depth: int, skip: frozenset[str] | set[str] = frozenset()) -> str:
        named = get_named_type(type_)
        if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            return ""
        if isinstance(named, (GraphQLUnionType, GraphQLInterfaceType)):
            kinds = self.schema.get_possible_types(named)
            # A field two possible types declare with different types cannot be selected in both.
            types = defaultdict(set)
            for t in kinds:
                for name, field in t.fields.items():
                    types[name].add(str(field.type))
            clash = {name for name, found in types.items() if len(found) > 1}
            return "{ __typename " + " ".join(f"... on {t.name} {self.selection(t, depth, clash)}" for t in kinds) + " }"
        wrapper = named.name.endswith(("Connection", "Edge"))
        below = depth if wrapper else depth - 1
        parts = ["__typename"]
        for name, field in named.fields.items():
            if name in skip:
                continue
            sub = get_named_type(field.type)
            leaf = isinstance(sub, (GraphQLScalarType, GraphQLEnumType))
            if not leaf and below < 0:
                continue
            args = self.arguments(name, field)
            if args is None:
                continue
            parts.append(f"{name}{args}" if leaf else f"{name}{args} {self.selection(field.type, below)}")
        return "{ " + " ".join(parts) + " }"


STRINGS = {"plate": "浙L12345", "code": "JZ001", "itemCode": "JZ001", "seed": "定海-2026-001", "domain": "construction"}
TOO_BIG = {"QUERY_TOO_DEEP", "QUERY_TOO_COSTLY", "QUERY_TOO_LARGE", "TOO_MANY_ALIASES", "QUERY_TOO_LONG"}


async def run_root(api: Api, builder: Builder, name: str, field: GraphQLField) -> tuple[str, dict]:
    """The root field's query at the deepest level the limits let through, and its response."""
    for depth in range(DEPTH, -1, -1):
        query = builder.root(name, field, depth)
        assert query is not None, f"{name}: its required arguments cannot be filled; exercise it or exempt it with a reason"
        response = await api.post(query)
        assert response.status_code in (200, 400), (name, response.status_code, response.text[:500])
        body = response.json()
        codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
        if not codes & TOO_BIG:
            assert "GRAPHQL_VALIDATION_FAILED" not in codes, (name, body["errors"], query)
            return query, body
    raise AssertionError(f"{name}: no depth fits the query limits")


# --- the test ---------------------------------------------------------------------------------------


COMPLAINT = """mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { complaint { id } errors { code message } } }"""


async def register_complaint(client, bearer: str, bureau_id: uuid.UUID, county: str) -> None:
    """A complaint in the county's bureau, so that complaints are isolated on real rows too."""
    given = {"kind": "COMPLAINT", "channel": "HOTLINE_12345", "externalNumber": f"ZS12345-{uuid.uuid4().hex[:8]}", "agencyId": global_id("Agency", bureau_id),
             "content": "购买的海鲜干货短斤少两，要求退款并查处", "subjectName": f"{county}某某海鲜干货店", "domain": "market",
             "complainantName": "王某某", "complainantPhone": "13900000000"}
    result = (await Api(client, bearer)(COMPLAINT, {"input": given}))["registerComplaint"]
    assert result["errors"] == [], result["errors"]


@pytest.fixture
async def counties(demo, client, demo_tokens):
    async with demo() as session:
        bureaus = dict((await session.execute(
            sa.select(Region.code, Agency.id).join(Region, Region.id == Agency.region_id).where(Agency.name.like("%区综合行政执法局"))
        )).all())
    await register_complaint(client, demo_tokens["bureau_officer"], bureaus[FIRST], "定海")
    await register_complaint(client, demo_tokens["other_county_officer"], bureaus[OTHER], "普陀")
    async with demo() as session:
        owned = await rows_by_county(session)
        numbers = defaultdict(set)
        for number, code in await session.execute(sa.select(Case.case_number, Region.code).join(Agency, Agency.id == Case.agency_id).join(Region, Region.id == Agency.region_id)):
            numbers[code[:6]].add(number)
    for code in (FIRST, OTHER):
        assert {"Case", "Entity", "Officer", "Complaint", "CreditRecord", "Agency"} <= set(owned[code]), {c: sorted(k) for c, k in owned.items()}
    return {code: Owned(owned[code], numbers[code]) for code in (FIRST, OTHER)}


async def test_no_county_sees_another_countys_records(client, demo_tokens, counties, plugins):
    schema = build_schema(plugins)._schema
    fields = schema.query_type.fields
    assert not set(EXEMPT) & set(fields) or all(EXEMPT.values())
    stale = (set(PUBLISHED) | set(EXEMPT)) - set(fields)
    assert not stale, f"exempted root fields that no longer exist: {sorted(stale)}"
    seen_own = defaultdict(set)
    for viewer, own, other in (("bureau_officer", FIRST, OTHER), ("other_county_officer", OTHER, FIRST)):
        api = Api(client, demo_tokens[viewer])
        builder = Builder(schema, {k: sorted(global_id(k, i) for i in ids) for k, ids in counties[other].by_kind.items()})
        for name, field in fields.items():
            if name in EXEMPT:
                continue
            query, body = await run_root(api, builder, name, field)
            seen_own[viewer] |= {counties[own].global_ids[g] for g in set(_strings(body)) & set(counties[own].global_ids)}
            if name not in PUBLISHED:
                leaked = counties[other].found_in(body)
                assert not leaked, f"{viewer} ({own}) sees {len(leaked)} record(s) of {other} through `{name}`: {sorted(leaked)[:5]}\n{query}"
        await assert_nodes_hidden(api, counties[other])
    # The lists showed each county its own records: the test looked at real data.
    for viewer in ("bureau_officer", "other_county_officer"):
        assert {"Case", "Entity", "Officer"} <= seen_own[viewer], (viewer, seen_own[viewer])


async def assert_nodes_hidden(api: Api, other: Owned) -> None:
    """`node(id:)` of every record of the other county: null, or refused as forbidden."""
    ids = sorted(other.global_ids)
    for start in range(0, len(ids), 25):
        batch = ids[start:start + 25]
        query = "query { " + " ".join(f'n{i}: node(id: "{g}") {{ __typename id }}' for i, g in enumerate(batch)) + " }"
        body = (await api.post(query)).json()
        shown = {batch[int(k[1:])] for k, v in (body.get("data") or {}).items() if v is not None}
        assert not shown, f"node(id:) shows another county's records: {[(other.global_ids[g], g) for g in sorted(shown)][:5]}"
        codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
        assert codes <= {"FORBIDDEN"}, body.get("errors")


async def test_the_city_supervisor_sees_both_counties(client, demo_tokens, counties):
    api = Api(client, demo_tokens["city_supervisor"])
    for county in counties.values():
        for kind in ("Case", "Entity", "Officer"):
            ids = sorted(global_id(kind, i) for i in county.by_kind[kind])[:20]
            query = "query { " + " ".join(f'n{i}: node(id: "{g}") {{ id }}' for i, g in enumerate(ids)) + " }"
            data = (await api(query))
            assert all(v is not None for v in data.values()), (kind, data)
    listed = await api("{ cases(first: 100) { edges { node { id } } } entities(first: 100) { edges { node { id } } } }")
    shown = set(_strings(listed))
    for code, county in counties.items():
        assert shown & {global_id("Case", i) for i in county.by_kind["Case"]}, f"the city supervisor's case list shows nothing of {code}"
        assert shown & {global_id("Entity", i) for i in county.by_kind["Entity"]}, f"the city supervisor's entity list shows nothing of {code}"


async def test_a_county_supervisor_sees_only_its_county(client, demo_tokens, counties):
    listed = await Api(client, demo_tokens["other_county_supervisor"])("{ cases(first: 100) { edges { node { id caseNumber } } } }")
    assert listed["cases"]["edges"] and not counties[FIRST].found_in(listed)
    await assert_nodes_hidden(Api(client, demo_tokens["other_county_supervisor"]), counties[FIRST])

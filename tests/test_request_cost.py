"""Cheaper requests (issue 14 point 4): documents parsed and validated once per process, the agency
and region trees kept per process and reloaded when any process changes them, id lists bound as
one array parameter, a bare count for totalCount, and the case steps in fewer statements."""

from __future__ import annotations

import uuid

import httpx
import pytest
import sqlalchemy as sa
from strawberry.extensions import ParserCache, ValidationCache

from conftest import Api, settings_for
from test_procedure import Desk, ago, bureau, register  # noqa: F401 (fixture)
from zhifa.core.cases.models import Case
from zhifa.core.db import in_ids, transaction
from zhifa.core.ids import new_id
from zhifa.core.people.models import Agency, AgencyKind, Officer, OfficerRole, CertificateStatus, Region, RegionLevel
from zhifa.schema.build import DOCUMENT_CACHE_SIZE, build_schema
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.connections import count_of


class Statements:
    """The SQL text of every statement an engine runs while recording."""

    def __init__(self, engine):
        self.engine, self.seen = engine.sync_engine, []

    def __enter__(self) -> list[str]:
        self.seen.clear()
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self.seen

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(statement)


def _engine(app):
    return app.state.sessions.kw["bind"]


# --- parse and validation caches ---------------------------------------------------------------


async def test_a_repeated_document_is_parsed_and_validated_once(api):
    parsed, validated = ParserCache(DOCUMENT_CACHE_SIZE).cached_parse_document, ValidationCache(DOCUMENT_CACHE_SIZE).cached_validate_document
    query = f"{{ __typename }} # {uuid.uuid4()}"  # a text no earlier request sent
    before = parsed.cache_info(), validated.cache_info()
    for _ in range(2):
        assert await api(query) == {"__typename": "Query"}
    after = parsed.cache_info(), validated.cache_info()
    assert [a.misses - b.misses for a, b in zip(after, before)] == [1, 1]
    assert [a.hits - b.hits for a, b in zip(after, before)] == [1, 1]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ cases { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ cases(first: 1) " + "{ edges " * 20 + "}" * 21, "QUERY_TOO_DEEP"),
        ("{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }", "TOO_MANY_ALIASES"),
        ("{ " + "a: __typename " * 1600 + "}", "tokens"),  # refused by the parser: never cached, refused again
    ],
    ids=["unknown field", "too deep", "too many aliases", "too many tokens"],
)
async def test_a_cached_refusal_comes_back_the_same(api, query, code):
    """Token limit (parse), QueryLimits and graphql-core's rules (validation): the second answer,
    from the caches, is byte for byte the first."""
    first, second = [(await api.post(query)) for _ in range(2)]
    assert first.status_code == second.status_code and first.content == second.content
    assert code in first.text


async def test_production_still_refuses_introspection_from_the_cache(plugins):
    schema = build_schema(plugins, production=True)
    results = [await schema.execute("{ __schema { queryType { name } } }") for _ in range(2)]
    assert all(r.data is None and r.errors for r in results)
    assert results[0].errors[0].message == results[1].errors[0].message


# --- agency and region trees per process --------------------------------------------------------

OFFICERS = "{ officers { totalCount } }"


@pytest.fixture
async def other_process(db, database_url, plugins, demo_tokens):
    """A second app on its own engine: another worker process of the same deployment."""
    application = create_app(settings_for(database_url), plugins)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://zhifa.test") as client:
            yield application, Api(client, demo_tokens["bureau_officer"])


async def test_a_change_through_one_process_reaches_the_next_request_through_another(api, demo, other_process):
    other_app, other = other_process
    statements = Statements(_engine(other_app))
    seen = (await other(OFFICERS))["officers"]["totalCount"]
    with statements as sql:
        assert (await other(OFFICERS))["officers"]["totalCount"] == seen
    assert not [s for s in sql if "FROM agencies" in s or "FROM regions" in s]  # the trees held: one stamp read
    # Another process (this test's own engine) sets up a township and its team under the county
    # bureau (定海区) and posts an officer there: the bureau's officer now reaches one officer more.
    async with transaction(demo) as session:
        county = await session.scalar(sa.select(Region).where(Region.code == "330902"))
        bureau = await session.scalar(sa.select(Agency).where(Agency.kind == AgencyKind.COMPREHENSIVE_BUREAU, Agency.region_id == county.id))
        township = Region(id=new_id(), code="330902990", name="试验镇", level=RegionLevel.TOWNSHIP, parent_id=county.id)
        team = Agency(id=new_id(), name="试验镇综合行政执法队", short_name="试执", kind=AgencyKind.TOWNSHIP_TEAM, level=RegionLevel.TOWNSHIP,
                      region_id=township.id, parent_id=bureau.id)
        session.add(township)
        await session.flush()
        session.add(team)
        await session.flush()
        session.add(Officer(name="新同志", status=CertificateStatus.VALID, role=OfficerRole.OFFICER, agency_id=team.id))
    with statements as sql:
        assert (await other(OFFICERS))["officers"]["totalCount"] == seen + 1
    assert [s for s in sql if "FROM agencies" in s]  # reloaded once
    assert (await other(OFFICERS))["officers"]["totalCount"] == seen + 1


# --- id lists as one parameter -------------------------------------------------------------------


async def test_id_lists_bind_as_one_parameter_of_any_length(demo, engine):
    """The same statement text for 0, 3 and 5,000 ids, and the rows `IN` would find."""
    async with demo() as session:
        regions = list((await session.execute(sa.select(Region.id).order_by(Region.code))).scalars())
    statements, texts = Statements(engine), set()
    for ids in ([], regions[:3], [*regions, *(uuid.uuid4() for _ in range(5000 - len(regions)))]):
        with statements as sql:
            async with demo() as session:
                found = set((await session.execute(sa.select(Region.id).where(in_ids(Region.id, ids)))).scalars())
                negated = set((await session.execute(sa.select(Region.id).where(~in_ids(Region.id, ids)))).scalars())
        assert found == set(regions) & set(ids) and negated == set(regions) - set(ids)
        texts.update(sql)
    assert len(texts) == 2  # one text for the list, one for its negation, whatever the length


# --- totalCount ------------------------------------------------------------------------------


async def test_total_count_is_a_bare_count_over_the_scoped_rows(api, demo):
    cases = Case.__table__
    text = str(count_of(sa.select(cases).where(cases.c.status == "filed", cases.c.id.is_not(None)).order_by(cases.c.id)))
    assert text.startswith("SELECT count(*)") and "ORDER BY" not in text and "(SELECT" not in text
    assert text.count("cases.") == 2  # the two predicates: no column fetched
    data = await api("{ cases(first: 2) { totalCount edges { node { id } } } }")
    assert data["cases"]["totalCount"] == 60 and len(data["cases"]["edges"]) == 2


# --- statements of a case step -----------------------------------------------------------------

REGISTER = """mutation($input: RegisterCaseInput!) { registerCase(input: $input) { case { id caseNumber } errors { code } } }"""
STEP = "mutation($input: CaseStepInput!) { startInvestigation(input: $input) { case { id version status } errors { code } } }"


async def test_register_case_and_a_step_in_fewer_statements(api, bureau, statements):
    """Before issue 14: registerCase (case id and number back) ran 18 statements and a plain step
    (startInvestigation, the case's id, version and status back) 24, each counted with the
    request's rate-limit statement; now 15 and 18, the trees' generation read included (one more when a request
    is the first of its rate-limit minute and clears old windows). The
    issue's target (half) is not reached yet: a step still reads the case twice (the scoped check,
    then the locked load with its item, entity and agency), and the audit link takes three
    statements. Audit chain, gap-free numbers and versions stay as they were."""
    payload = {"entityId": bureau["company"], "agencyId": bureau["agency"]["id"], "itemCode": "JZ001", "violationDate": ago(60),
               "officerIds": bureau["officers"], "facts": {"construction_cost": "2000000"}}
    statements["n"] = 0
    case = (await api(REGISTER, {"input": payload}))["registerCase"]["case"]
    registered = statements["n"]
    desk = Desk(api, {**case, "version": 1})
    await desk.do("fileCase", on=ago(50))
    statements["n"] = 0
    result = (await api(STEP, {"input": {"caseId": case["id"], "version": desk.case["version"], "on": ago(45)}}))["startInvestigation"]
    stepped = statements["n"]
    assert result["errors"] == [] and result["case"]["status"] == "INVESTIGATING"
    print(f"registerCase {registered}, startInvestigation {stepped}")
    assert registered <= 16 and stepped <= 19

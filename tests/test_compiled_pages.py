"""Compiled pages (issue 14 point 3): a selection of plain fields is built as JSON in SQL and handed
to the response past graphql-core's per-field completion. Differential: every query of a corpus
(generated over the kinds' declared fields, plus hand-written errors and every role) answers
byte for byte what the planned path answers."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from conftest import settings_for
from zhifa.schema.api import KINDS
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.compiled import pages
from zhifa.schema.kit.compiled.columns import Secret

import httpx

ROOTS = {"cases": "Case", "entities": "Entity", "officers": "Officer", "agencies": "Agency", "regions": "Region", "catalogItems": "CatalogItem"}
# fields no kind declares plain: a selection reaching one takes the planned path, whole
COMPUTED = {"Case": "allowedActions penaltyKinds { code }", "Entity": "merges { reason }", "Officer": "domainCodes", "Agency": "domainCodes"}


class Corpus:
    """Random selections over the kinds' declared fields and their one/many relations: aliases,
    named and inline fragments, @include/@skip on variables, __typename, nested lists."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.fragments: dict[str, str] = {}
        self.variables: dict[str, bool] = {}

    def selection(self, kind_name: str, depth: int = 0) -> str:
        kind, r = KINDS[kind_name], self.random
        names = [n for n in kind.columns if not isinstance(kind.columns[n], Secret) or r.random() < 0.3]
        parts = [self._decorated(n) for n in r.sample(names, r.randint(1, min(5, len(names))))]
        if r.random() < 0.2:
            parts.append("__typename")
        related = [n for n, rel in kind.relations.items() if rel.shape in ("one", "many") and KINDS[rel.target].columns]
        for name in r.sample(related, min(len(related), r.randint(0, 2))) if depth < 2 else ():
            parts.append(f"{self._decorated(name)} {{ {self.selection(kind.relations[name].target, depth + 1)} }}")
        if kind_name in COMPUTED and r.random() < 0.08:
            parts.append(COMPUTED[kind_name])
        r.shuffle(parts)
        return self._wrapped(kind_name, " ".join(parts))

    def _decorated(self, name: str) -> str:
        r = self.random
        text = f"{name}{r.randint(0, 9)}: {name}" if r.random() < 0.2 else name
        if r.random() < 0.15:
            variable = f"v{len(self.variables)}"
            self.variables[variable] = r.random() < 0.5
            text += f" @{r.choice(['include', 'skip'])}(if: ${variable})"
        elif r.random() < 0.05:
            text += f" @include(if: {r.choice(['true', 'false'])})"
        return text

    def _wrapped(self, kind_name: str, body: str) -> str:
        r, roll = self.random, self.random.random()
        if roll < 0.15:
            name = f"F{len(self.fragments)}"
            self.fragments[name] = f"fragment {name} on {kind_name} {{ {body} }}"
            return f"...{name}"
        if roll < 0.3:
            condition = r.choice([f" on {kind_name}", "", " on Node" if body == "id" else ""])
            return f"...{condition} {{ {body} }}"
        return body

    def query(self) -> tuple[str, dict]:
        self.fragments, self.variables = {}, {}
        r = self.random
        root = r.choice(list(ROOTS))
        node = self.selection(ROOTS[root])
        parts = [f"edges {{ {'cursor ' if r.random() < 0.5 else ''}node {{ {node} }} }}"]
        if r.random() < 0.3:
            parts.append("totalCount")
        if r.random() < 0.3:
            parts.append("pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }")
        if r.random() < 0.1:
            parts.append("__typename")
        r.shuffle(parts)
        args = r.choice(["", "(first: 3)", "(first: $n)", "(last: 2)"])
        variables = dict(self.variables, **({"n": r.randint(0, 12)} if "$n" in args else {}))
        declared = [f"${v}: Boolean!" for v in self.variables] + (["$n: Int"] if "$n" in args else [])
        head = f"query({', '.join(declared)})" if declared else "query"
        return f"{head} {{ {root}{args} {{ {' '.join(parts)} }} }} {' '.join(self.fragments.values())}", variables


def generated(count: int) -> Iterator[tuple[str, dict, str]]:
    corpus = Corpus(seed=14)
    tokens = ["bureau_officer", "bureau_officer", "staff_admin", "supervisor", "township_officer", "provincial"]
    for i in range(count):
        query, variables = corpus.query()
        yield query, variables, tokens[i % len(tokens)]


CASE_PAGE = "query($after: String, $before: String, $first: Int, $last: Int) { cases(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id caseNumber status entity { name idNumber phone } officers { name idNumber externalIdentity agency { name } } } } } }"
ROLES = ["bureau_officer", "bureau_head", "bureau_reviewer", "township_officer", "township_auxiliary", "supervisor", "staff_admin",
         "other_county_officer", "other_county_supervisor", "city_supervisor", "provincial", "provincial_other", None]
HAND_WRITTEN = [
    (CASE_PAGE, {"first": 5, "after": "bm90IGEgY3Vyc29y"}),  # a bad cursor
    (CASE_PAGE, {"first": 101}),  # past the page cap
    (CASE_PAGE, {"first": -1}),
    (CASE_PAGE, {"first": 2, "last": 2}),
    (CASE_PAGE, {"first": 0}),
    (CASE_PAGE, {"last": 3}),
    ("{ cases(first: 2) { edges { node { caseNumber allowedActions } } } }", {}),  # a computed field: planned
    ("{ cases(first: 2) { edges { node { caseNumber surcharge(on: \"2026-01-01\") { amount } } } } }", {}),  # arguments: planned
    ("{ officers(first: 5) { totalCount edges { node { name idNumber externalIdentity status role agency { name level } } } } }", {}),
    ("{ entities(first: 5) { edges { node { name idNumber phone industryTags region { name parent { name code } } mergedInto { name } } } } }", {}),
    ("{ cases(first: 4) { edges { node { timeline { seq kind at actor data } registeredAt updatedAt fine facts discretion } } } }", {}),
    ("{ cases(first: 3) { edges { node { caseNumber } } edges { node { status } } a: edges { cursor } } }", {}),  # one key, merged
    ("{ cases(first: 3) { edges { node { entity { name } entity { creditCode } } } } }", {}),
    ("{ cases(first: 2, filter: { status: [CLOSED] }) { totalCount edges { node { caseNumber status } } } }", {}),
    ("{ catalogItems(first: 5) { edges { node { code name kind majorFine lawVersion delegable status effectiveFrom repealedOn } } } }", {}),
]


async def _answers(client: httpx.AsyncClient, query: str, variables: dict, token: str | None) -> tuple[int, str]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.status_code, response.text


def _first_difference(query: str, variables: dict, role: str | None, a: tuple, b: tuple) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a[1], b[1])) if x != y), min(len(a[1]), len(b[1])))
    return f"{query} {variables} as {role}: compiled {a[0]} …{a[1][max(0, at - 80):at + 80]}… planned {b[0]} …{b[1][max(0, at - 80):at + 80]}…"


@pytest.fixture
async def both(db, database_url, plugins):
    """The app with compiled pages on, and the same app on the planned path."""
    apps = [create_app(settings_for(database_url, rate_limit_per_minute=100_000, compiled_pages=on), plugins) for on in (True, False)]
    clients = []
    for application in apps:
        context = application.router.lifespan_context(application)
        await context.__aenter__()
        clients.append((context, httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://zhifa.test")))
    yield [c for _, c in clients]
    for context, client in clients:
        await client.aclose()
        await context.__aexit__(None, None, None)


async def test_compiled_pages_answer_byte_for_byte_as_the_planned_path(demo, demo_tokens, both, monkeypatch):
    compiled, planned = both
    built = {"n": 0}
    page = pages.page

    async def counted(*args, **kwargs):
        built["n"] += 1
        return await page(*args, **kwargs)

    monkeypatch.setattr(pages, "page", counted)
    corpus = [*generated(260)]
    cursors = (await _answers(planned, CASE_PAGE, {"first": 3}, demo_tokens["bureau_officer"]))[1]
    end = cursors.split('"endCursor":"')[1].split('"')[0]
    corpus += [(CASE_PAGE, {"first": 3, "after": end}, "bureau_officer"), (CASE_PAGE, {"last": 2, "before": end}, "bureau_officer")]
    corpus += [(q, v, "bureau_officer") for q, v in HAND_WRITTEN]
    corpus += [(CASE_PAGE, {"first": 4}, role) for role in ROLES]
    corpus += [("{ officers(first: 3) { edges { node { name idNumber externalIdentity } } } }", {}, role) for role in ROLES]
    corpus += [("{ entities(first: 3) { edges { node { name idNumber phone } } } }", {}, role) for role in ROLES]
    assert len(corpus) >= 300
    differences = []
    for query, variables, role in corpus:
        token = demo_tokens[role] if role else None
        a, b = await _answers(compiled, query, variables, token), await _answers(planned, query, variables, token)
        if a != b:
            differences.append((query, variables, role, a, b))
    assert not differences, [_first_difference(*d) for d in differences[:5]]
    assert built["n"] >= 200  # most of the corpus took the compiled path

"""The documentation is tried as a new user would try it: every GraphQL example in the README and
in docs/ must be valid against the schema the app serves (one operation at a time, fragments
shared within a block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, parse, validate

from zhifa.schema.build import build_schema

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [
    pytest.param(match.group(1), id=f"{page.name}:{page.read_text(encoding='utf-8')[: match.start()].count(chr(10)) + 1}")
    for page in PAGES
    for match in re.finditer(r"```graphql\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
]


@pytest.fixture(scope="module")
def served(plugins):
    return build_schema(plugins)._schema


def test_the_documentation_has_graphql_examples():
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_graphql_example_is_valid_against_the_schema(served, example):
    document = parse(example)
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert operations, "a block without an operation"
    for operation in operations:
        errors = validate(served, DocumentNode(definitions=(operation, *fragments)))
        assert errors == [], [e.message for e in errors]

"""The committed schema.graphql is what the code builds (regenerate with `zhifa schema export -o schema.graphql`)."""

from pathlib import Path

from zhifa.schema.build import build_schema

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_schema_matches_the_code(plugins):
    assert SDL.read_text(encoding="utf-8") == build_schema(plugins).as_str() + "\n", "schema.graphql drifted: run zhifa schema export -o schema.graphql"

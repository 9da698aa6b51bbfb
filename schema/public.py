"""The GraphQL helpers a plug-in may import (docs/plugin-hooks.md, "Public helpers"). Everything
else under `zhifa.schema` may change between releases; these names keep their meaning."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError

from zhifa.core.errors import UserError
from zhifa.schema.kit.connections import planner, selections
from zhifa.schema.kit.enums import graphql_enum, to_core
from zhifa.schema.kit.scalars import Money

__all__ = ["CaseRef", "Money", "graphql_enum", "graphql_error", "planner", "selections", "to_core"]

# The core's Case type, for a plug-in field returning cases (load them with `planner`: kind "Case").
CaseRef = Annotated["Case", strawberry.lazy("zhifa.schema.cases.types")]


def graphql_error(error: UserError) -> GraphQLError:
    """A rule violation raised by a plug-in's query, as a GraphQL error carrying its code and field."""
    return GraphQLError(error.message, extensions={"code": error.code, "field": error.field})

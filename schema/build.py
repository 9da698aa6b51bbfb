"""Assembling the schema: the core's roots plus every plug-in's fields, refusing clashes."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from zhifa.core.plugin_manager import PluginError, PluginManager
from zhifa.schema.api import TYPES, Mutation, Query
from zhifa.schema.kit.errors import ErrorCodes, add_error_codes
from zhifa.schema.kit.limits import MAX_TOKENS, QueryLimits


def _field_names(cls: type) -> set[str]:
    return {f.python_name for f in cls.__strawberry_definition__.fields}


def _merge(name: str, core: type, contributions: list[tuple[str, type]]) -> type:
    owners = {field: "core" for field in _field_names(core)}
    for plugin, cls in contributions:
        for field in _field_names(cls):
            if field in owners:
                raise PluginError(plugin, f"GraphQL 字段 {name}.{field} 与 {owners[field]} 提供的字段重名")
            owners[field] = plugin
    return merge_types(name, (core, *(cls for _, cls in contributions))) if contributions else core


def build_schema(plugins: PluginManager, *, production: bool = False) -> strawberry.Schema:
    """Production hides introspection and field suggestions; the limits hold in every mode."""
    contributed = plugins.graphql_contributions()
    query = _merge("Query", Query, [(p, cls) for p, c in contributed for cls in c.query])
    mutation = _merge("Mutation", Mutation, [(p, cls) for p, c in contributed for cls in c.mutation])
    schema = strawberry.Schema(
        query=query,
        mutation=mutation,
        extensions=[
            ErrorCodes,
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: AddValidationRules([QueryLimits]),
            *([DisableIntrospection] if production else []),
        ],
        config=StrawberryConfig(disable_field_suggestions=production),
        types=list(TYPES),
    )
    add_error_codes(schema._schema, plugins.error_code_enums())
    return schema

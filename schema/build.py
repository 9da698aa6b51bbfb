"""Assembling the schema: the core's roots plus every plug-in's fields, refusing clashes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from zhifa.core.plugin_manager import PluginError, PluginManager
from zhifa.schema.api import TYPES, Mutation, Query
from zhifa.schema.kit.compiled.execution import CompletedValues
from zhifa.schema.kit.errors import ErrorCodes, add_error_codes
from zhifa.schema.kit.limits import MAX_TOKENS, QueryLimits

# Documents parsed and validated once per process (LRU: a flood of distinct texts cannot grow
# memory). A cached parse is keyed by the text and the token limit, a cached validation by the
# schema, the document and the rules (introspection's included), so a refusal comes back the same.
DOCUMENT_CACHE_SIZE = 512


class CodedParserCache(ParserCache):
    """strawberry's ParserCache, except for a document the parser refuses: strawberry then parses
    it again inside its own error handling, where the refusal gets its code like any other (raised
    from the extension, it would leave uncoded). The token limit stops both parses early."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        yield


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
            lambda: CodedParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        ],
        config=StrawberryConfig(disable_field_suggestions=production),
        execution_context_class=CompletedValues,  # compiled pages skip per-field completion (kit.compiled)
        types=list(TYPES),
    )
    add_error_codes(schema._schema, plugins.error_code_enums())
    return schema

"""Handing a finished value to the response: graphql-core completes every field of every row
(~8 µs each); a compiled resolver returns `Completed` and its value goes into the response as is.
Errors, extensions (error codes, masking, query limits) and the fields around it are untouched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


@dataclass(frozen=True, slots=True)
class Completed:
    """A field's value already shaped as the response wants it (keys, order, serialized leaves)."""

    value: Any


class CompletedValues(StrawberryGraphQLCoreExecutionContext):
    def complete_value(self, return_type, field_details_list, info, path, result, position_context):  # type: ignore[override]
        if type(result) is Completed:
            return result.value
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

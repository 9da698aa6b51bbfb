"""The mutation payload convention: business-rule violations come back as `errors`, never raised."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from strawberry.extensions import MaskErrors
from zhifa.core import errors as core_errors
from zhifa.core.db import transaction

log = logging.getLogger("zhifa")

# graphql-core's suggestions ("Did you mean 'status'?"); strawberry's disable_field_suggestions
# only silences those for fields, not for arguments, enum values, input fields and types.
SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


@strawberry.type(description="业务规则错误")
class UserError:
    field: str | None = strawberry.field(description="出错的输入字段（如有）")
    code: str = strawberry.field(description="稳定的错误代码，供前端判断")
    message: str = strawberry.field(description="中文错误说明")


def _convert(error: core_errors.UserError) -> UserError:
    return UserError(field=error.field, code=error.code, message=error.message)


async def run_mutation(info: strawberry.Info, work: Callable[[Any], Awaitable[Any]]) -> tuple[Any, list[UserError]]:
    """Run `work(session)` in one transaction; a rule violation rolls everything back."""
    try:
        async with transaction(info.context.sessions) as session:
            await info.context.access.prepare(session)
            return await work(session), []
    except core_errors.UserErrors as exc:
        return None, [_convert(e) for e in exc.errors]
    except core_errors.UserError as exc:
        return None, [_convert(exc)]
    except GraphQLError as exc:
        extensions = exc.extensions or {}
        return None, [UserError(field=extensions.get("field"), code=extensions.get("code", "INVALID"), message=exc.message)]
    except StaleDataError:
        return None, [UserError(field=None, code="VERSION_CONFLICT", message="记录已被他人修改，请刷新后重试")]
    except IntegrityError:
        return None, [UserError(field=None, code="CONFLICT", message="与已有记录冲突（可能已被同时登记），请刷新后重试")]


class ErrorCodes(MaskErrors):
    """Every error leaves with a code. Unexpected ones are logged with an id and shown only as that
    id; parse and validation errors get the standard codes when no rule set one."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: True)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        if self.execution_context.schema.config.disable_field_suggestions:  # production
            for error in processed:
                error.message = SUGGESTION.sub("", error.message)
        return processed

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is not None and not isinstance(original, GraphQLError):
            if error.path is None and isinstance(original, ValueError):
                # A custom scalar (Money, Date, ...) refusing a literal or a variable: graphql-core
                # reports the parser's ValueError during validation or coercion, before anything
                # ran. The client sent a bad value; its message is the scalar's own.
                error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
                return error
            return self._unexpected(error)
        if (error.extensions or {}).get("code"):
            return error
        if isinstance(error, GraphQLSyntaxError):
            code = "QUERY_TOO_LARGE" if "tokens" in error.message else "GRAPHQL_PARSE_FAILED"
        else:
            code = "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_REQUEST"
        error.extensions = {**(error.extensions or {}), "code": code}
        return error

    def _unexpected(self, error: GraphQLError) -> GraphQLError:
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s at %s", error_id, error.path, exc_info=error.original_error)
        return GraphQLError(
            f"服务器内部错误（错误编号 {error_id}），请联系管理员",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_ERROR", "errorId": error_id},
        )

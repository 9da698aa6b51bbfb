"""The mutation payload convention: business-rule violations come back as `errors`, never raised."""

from __future__ import annotations

import enum
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLEnumValue, GraphQLError, GraphQLSchema, GraphQLSyntaxError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from strawberry.extensions import MaskErrors
from zhifa.core import errors as core_errors
from zhifa.core.db import transaction
from zhifa.core.errors import CommonErrorCode

log = logging.getLogger("zhifa")

# graphql-core's suggestions ("Did you mean 'status'?"); strawberry's disable_field_suggestions
# only silences those for fields, not for arguments, enum values, input fields and types.
SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


ERROR_CODE = "ErrorCode"  # the GraphQL enum's name; plug-ins' codes join it in `add_error_codes`


def _enum_values(enums) -> dict[str, Any]:
    return {m.value: strawberry.enum_value(m.value, description=m.description) for e in enums for m in e}


ErrorCode = strawberry.enum(
    enum.Enum(ERROR_CODE, dict(sorted(_enum_values(core_errors.all_code_enums()).items()))),
    description="错误代码：核心各领域在 core/<领域>/error_codes.py 中声明，插件在其 GraphQLContribution.error_codes 中声明",
)


@strawberry.type(description="业务规则错误")
class UserError:
    field: str | None = strawberry.field(description="出错的输入字段（如有）")
    code: ErrorCode = strawberry.field(description="稳定的错误代码，供前端判断")
    message: str = strawberry.field(description="中文错误说明")


def add_error_codes(schema: GraphQLSchema, enums) -> None:
    """Plug-ins' codes join the core's in the built schema's ErrorCode enum, like their fields join
    Query and Mutation (a code declared twice was refused when the enums were indexed)."""
    target = schema.type_map[ERROR_CODE]
    for code in sorted({m.value for e in enums for m in e} - set(target.values)):
        target.values[code] = GraphQLEnumValue(code, description=core_errors.declared(code).description)
    target.values = dict(sorted(target.values.items()))
    target.__dict__.pop("_value_lookup", None)  # graphql-core caches value -> name


def user_error(code: str, message: str, field: str | None = None) -> UserError:
    """A payload error; `code` must be declared (the enum serialises the plain string)."""
    return UserError(field=field, code=core_errors.declared(code).value, message=message)


def _convert(error: core_errors.UserError) -> UserError:
    return user_error(error.code, error.message, error.field)


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
        return None, [user_error(extensions.get("code", CommonErrorCode.INVALID), exc.message, extensions.get("field"))]
    except StaleDataError:
        return None, [user_error(CommonErrorCode.VERSION_CONFLICT, "记录已被他人修改，请刷新后重试")]
    except IntegrityError:
        return None, [user_error(CommonErrorCode.CONFLICT, "与已有记录冲突（可能已被同时登记），请刷新后重试")]


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
                error.extensions = {**(error.extensions or {}), "code": CommonErrorCode.GRAPHQL_VALIDATION_FAILED}
                return error
            return self._unexpected(error)
        if (error.extensions or {}).get("code"):
            return error
        if isinstance(error, GraphQLSyntaxError):
            code = CommonErrorCode.QUERY_TOO_LARGE if "tokens" in error.message else CommonErrorCode.GRAPHQL_PARSE_FAILED
        else:
            code = CommonErrorCode.GRAPHQL_VALIDATION_FAILED if error.path is None else CommonErrorCode.BAD_REQUEST
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
            extensions={"code": CommonErrorCode.INTERNAL_ERROR, "errorId": error_id},
        )

"""The mutation payload convention: business-rule violations come back as `errors`, never raised."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core import errors as core_errors
from core.db import transaction


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

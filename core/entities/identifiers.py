"""Identifier checks for regulated entities (REFERENCE §5), delegated to python-stdnum.

GB 32100-2015 unified social credit codes and GB 11643-1999 resident ID numbers both carry a
check character. Real registries hold codes that fail it, so a failure is a refusal that the
caller may explicitly override (the override is recorded), never silently accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from core.errors import UserError


@dataclass(frozen=True)
class CheckedIdentifier:
    value: str
    checksum_failed: bool


def check_credit_code(raw: str, *, allow_checksum_override: bool = False) -> CheckedIdentifier:
    return _check(raw, uscc, "统一社会信用代码", "CREDIT_CODE", allow_checksum_override)


def check_id_number(raw: str, *, allow_checksum_override: bool = False) -> CheckedIdentifier:
    return _check(raw, ric, "公民身份号码", "ID_NUMBER", allow_checksum_override)


def _check(raw: str, module, label: str, code: str, allow_override: bool) -> CheckedIdentifier:
    value = module.compact(raw or "").upper()
    try:
        module.validate(value)
    except InvalidChecksum:
        if allow_override:
            return CheckedIdentifier(value, checksum_failed=True)
        raise UserError(
            f"{code}_CHECKSUM",
            f"{label}“{value}”校验位不正确；如确认登记机关核发的即为此号码，请勾选“确认例外”后提交",
        ) from None
    except ValidationError as exc:
        raise UserError(f"{code}_INVALID", f"{label}“{value}”格式不正确：{_reason(exc)}") from None
    return CheckedIdentifier(value, checksum_failed=False)


def _reason(exc: ValidationError) -> str:
    return {
        "InvalidLength": "长度不正确",
        "InvalidFormat": "包含不允许的字符",
        "InvalidComponent": "出生日期或行政区划部分无效",
    }.get(type(exc).__name__, "无法识别")

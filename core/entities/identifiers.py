"""Identifier checks for regulated entities (REFERENCE §5), delegated to python-stdnum.

GB 32100-2015 unified social credit codes and GB 11643-1999 resident ID numbers both carry a
check character. Real registries hold codes that fail it, so a failure is a refusal that the
caller may explicitly override (the override is recorded), never silently accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.errors import UserError


@dataclass(frozen=True)
class CheckedIdentifier:
    value: str
    checksum_failed: bool


def check_credit_code(raw: str, *, allow_checksum_override: bool = False) -> CheckedIdentifier:
    return _check(raw, uscc, "统一社会信用代码", (EntityErrorCode.CREDIT_CODE_INVALID, EntityErrorCode.CREDIT_CODE_CHECKSUM), allow_checksum_override)


def check_id_number(raw: str, *, allow_checksum_override: bool = False) -> CheckedIdentifier:
    return _check(raw, _ResidentId, "公民身份号码", (EntityErrorCode.ID_NUMBER_INVALID, EntityErrorCode.ID_NUMBER_CHECKSUM), allow_checksum_override)


# Province-level codes (GB/T 2260). The county part is not checked: stdnum's table lacks codes
# still in use (e.g. 330902 定海区) and codes are retired every year (REFERENCE §5.3: soft check).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}


class _ResidentId:
    """stdnum's resident ID checks without its strict birth-place table."""

    compact = staticmethod(ric.compact)

    @staticmethod
    def validate(value: str) -> None:
        if len(value) != 18:
            raise InvalidLength()
        if not value[:17].isdigit() or value[-1] not in "0123456789X":
            raise InvalidFormat()
        if value[:2] not in PROVINCES:
            raise InvalidComponent()
        ric.get_birth_date(value)  # raises InvalidComponent for an impossible date
        if value[-1] != ric.calc_check_digit(value):
            raise InvalidChecksum()


def _check(raw: str, module, label: str, codes: tuple[EntityErrorCode, EntityErrorCode], allow_override: bool) -> CheckedIdentifier:
    """`codes`: (badly formed, check character wrong)."""
    invalid, checksum = codes
    value = module.compact(raw or "").upper()
    try:
        module.validate(value)
    except InvalidChecksum:
        if allow_override:
            return CheckedIdentifier(value, checksum_failed=True)
        raise UserError(
            checksum,
            f"{label}“{value}”校验位不正确；如确认登记机关核发的即为此号码，请勾选“确认例外”后提交",
        ) from None
    except ValidationError as exc:
        raise UserError(invalid, f"{label}“{value}”格式不正确：{_reason(exc)}") from None
    return CheckedIdentifier(value, checksum_failed=False)


def _reason(exc: ValidationError) -> str:
    return {
        "InvalidLength": "长度不正确",
        "InvalidFormat": "包含不允许的字符",
        "InvalidComponent": "出生日期或行政区划部分无效",
    }.get(type(exc).__name__, "无法识别")

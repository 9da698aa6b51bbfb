"""Business-rule violations: a stable code, a Chinese message, and the input field at fault.

Every code is a member of an `ErrorCode` enum (one per domain, in `core/<domain>/error_codes.py`;
plug-ins declare theirs in their own package), so the set of codes the API can send is known and
documented. `UserError` refuses a code no enum declares.
"""

from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass

# The core's declaring modules, imported lazily: each imports this module.
DOMAINS = ("cases", "catalog", "complaints", "documents", "entities", "evidence", "inspections", "people", "publication", "supervision")


class ErrorCode(str, enum.Enum):
    """Members are written `NAME = "NAME", "中文说明"`: the code is the member (a str), the
    description says which rule it reports."""

    description: str

    def __new__(cls, value: str, description: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    def __str__(self) -> str:
        return self.value


class CommonErrorCode(ErrorCode):
    """The API's protocol codes and the input checks every domain shares."""

    # Protocol: who may ask, and how.
    UNAUTHENTICATED = "UNAUTHENTICATED", "未登录或令牌无效：须携带有效的 Bearer 令牌"
    FORBIDDEN = "FORBIDDEN", "当前账号的角色或管辖范围不允许此操作"
    RATE_LIMITED = "RATE_LIMITED", "请求过于频繁，超过每分钟的请求上限"
    CSRF_HEADER_REQUIRED = "CSRF_HEADER_REQUIRED", "GET 查询和简单类型的 POST 请求须带防跨站请求伪造的请求头"
    BAD_REQUEST = "BAD_REQUEST", "请求格式错误（HTTP 400），或执行中参数取值不被接受"
    NOT_FOUND = "NOT_FOUND", "请求的地址或记录不存在，或不在本机关管辖范围内"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED", "该地址不接受此 HTTP 方法（如用 GET 提交变更）"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE", "请求体的内容类型不被接受"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE", "请求体超过大小上限"
    INVALID_CHARACTER = "INVALID_CHARACTER", "文本中含有空字符（NUL），数据库无法保存"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED", "GraphQL 查询语法错误"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED", "GraphQL 查询不符合模式（字段、参数或取值无效）"
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE", "查询文本过长（词法单元超过上限）"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP", "查询嵌套层数超过上限"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES", "查询中的别名数量超过上限"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY", "查询的估算代价超过上限（请减小 first/last 或嵌套）"
    INTERNAL_ERROR = "INTERNAL_ERROR", "服务器内部错误：详情按错误编号记入日志，不向客户端展示"
    INVALID = "INVALID", "输入无效（未注明具体代码的参数错误）"
    ID_INVALID = "ID_INVALID", "全局 ID 无效，或不是所要求类型的 ID"
    ARGUMENT_INVALID = "ARGUMENT_INVALID", "查询参数取值超出允许范围"
    PAGE_SIZE_INVALID = "PAGE_SIZE_INVALID", "每页数量（first/last）超出允许范围"
    PAGINATION_INVALID = "PAGINATION_INVALID", "分页参数组合无效（first 与 last 不能同时使用）"
    PAGE_INVALID = "PAGE_INVALID", "列表的 first 或 offset 超出允许范围"
    CURSOR_INVALID = "CURSOR_INVALID", "分页游标无效或与当前排序不符"
    VERSION_CONFLICT = "VERSION_CONFLICT", "记录已被他人修改（乐观锁版本不符），须刷新后重试"
    CONFLICT = "CONFLICT", "与同时发生的修改或已有记录冲突，须刷新后重试"
    POLICY_INVALID = "POLICY_INVALID", "程序配置（案件或投诉举报处理的期限、人数等）取值无效"
    # Values every domain reads.
    MONEY_INVALID = "MONEY_INVALID", "金额不是以元为单位、最多两位小数的数字"
    MONEY_NEGATIVE = "MONEY_NEGATIVE", "金额不能为负数"
    MONEY_OUT_OF_RANGE = "MONEY_OUT_OF_RANGE", "金额超出可计算范围（不超过一万亿元）"
    NUMBER_INVALID = "NUMBER_INVALID", "数量不是有限的十进制数字"
    NUMBER_NEGATIVE = "NUMBER_NEGATIVE", "数量不能为负数"
    NUMBER_OUT_OF_RANGE = "NUMBER_OUT_OF_RANGE", "数量超出允许的范围或小数位数"
    DATE_IN_FUTURE = "DATE_IN_FUTURE", "办理、收到或发现的日期不能晚于今天（法定日，北京时间）"
    DATE_OUT_OF_ORDER = "DATE_OUT_OF_ORDER", "办理日期早于收到日期或上一步的日期"
    DATE_RANGE_INVALID = "DATE_RANGE_INVALID", "统计期的结束日早于开始日"
    DATETIME_NAIVE = "DATETIME_NAIVE", "时间须带时区（如 +08:00）"
    PERIOD_INVALID = "PERIOD_INVALID", "统计年度或起止日期无效"
    NAME_REQUIRED = "NAME_REQUIRED", "须填写名称（姓名）"
    NAME_INVALID = "NAME_INVALID", "名称（姓名）为空或过长"
    PHONE_INVALID = "PHONE_INVALID", "联系电话不是手机号或带区号的固定电话"
    REASON_REQUIRED = "REASON_REQUIRED", "须说明理由（收回赋权、撤下或更正公示、移送、延长、中止、不予立案、退回等）"
    BASIS_REQUIRED = "BASIS_REQUIRED", "须写明依据（赋权决定文号、风险分类依据）"
    OUTCOME_INVALID = "OUTCOME_INVALID", "所选结果不是可以直接登记的结果"
    FEEDBACK_REQUIRED = "FEEDBACK_REQUIRED", "须记录回访意见：投诉举报销号前的满意度评价，或案件回访中当事人的具体意见"
    DATASET_DIFFERS = "DATASET_DIFFERS", "数据库中已有其他数据（另一份演示数据集或业务数据）：不加 --replace 不会覆盖"


def all_code_enums() -> tuple[type[ErrorCode], ...]:
    """The core's enums: CommonErrorCode and one per domain (imported here, on first use)."""
    enums = [CommonErrorCode]
    for domain in DOMAINS:
        module = importlib.import_module(f"zhifa.core.{domain}.error_codes")
        enums += [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, ErrorCode) and v.__module__ == module.__name__]
    return tuple(enums)


def declared_codes() -> dict[str, tuple[str, str]]:
    """{code: (description, enum name)} over every ErrorCode enum imported so far (the core's
    always); a code declared by two enums is refused."""
    all_code_enums()
    return {code: (member.description, type(member).__name__) for code, member in _index().items()}


_DECLARED: dict[str, ErrorCode] = {}


def _index() -> dict[str, ErrorCode]:
    found: dict[str, ErrorCode] = {}
    stack = list(ErrorCode.__subclasses__())
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        for name, member in cls.__members__.items():
            if name != member.value:  # an alias or a misspelt value would hide a code
                raise ValueError(f"{cls.__qualname__}.{name} must be written {name} = \"{name}\", \"中文说明\"")
            other = found.setdefault(member.value, member)
            if other is not member:
                raise ValueError(f"error code {member.value} is declared by both {type(other).__qualname__} and {cls.__qualname__}")
    _DECLARED.clear()
    _DECLARED.update(found)
    return found


def declared(code: str) -> ErrorCode:
    """The member for `code`; ValueError when no enum declares it."""
    member = _DECLARED.get(code)
    if member is None:
        all_code_enums()
        member = _index().get(code)  # a plug-in's enum imported since the last look
    if member is None:
        raise ValueError(f"undeclared error code {code!r}: declare it in an ErrorCode enum (core/<domain>/error_codes.py)")
    return member


@dataclass
class UserError(Exception):
    code: str  # an ErrorCode member or its declared value; stored as the plain str
    message: str
    field: str | None = None

    def __post_init__(self) -> None:
        self.code = (self.code if isinstance(self.code, ErrorCode) else declared(self.code)).value

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class UserErrors(Exception):
    """Several violations found at once, reported together so the user fixes them in one go."""

    def __init__(self, errors: list[UserError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def raise_if_any(errors: list[UserError]) -> None:
    if errors:
        raise UserErrors(errors)

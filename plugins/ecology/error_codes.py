"""The ecology plug-in's own codes."""

from zhifa.core.errors import ErrorCode


class EcologyErrorCode(ErrorCode):
    LIMIT_ZERO = "LIMIT_ZERO", "排放标准限值为 0 时无法计算超标倍数"

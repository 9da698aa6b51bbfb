"""The transport plug-in's own codes."""

from zhifa.core.errors import ErrorCode


class TransportErrorCode(ErrorCode):
    PLATE_INVALID = "PLATE_INVALID", "不是有效的机动车号牌号码（省份简称 + 发牌机关代号 + 5 位序号，新能源 6 位）"

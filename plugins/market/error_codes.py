"""The market plug-in's own codes."""

from zhifa.core.errors import ErrorCode


class MarketErrorCode(ErrorCode):
    ARTICLE_UNKNOWN = "ARTICLE_UNKNOWN", "不支持按该食品安全法条款计算罚款幅度"

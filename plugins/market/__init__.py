"""市场监督管理（market）: the built-in plug-in for this domain, shaped like a third-party package.

Besides the data files it contributes one GraphQL field, `marketFoodFineRange`: the statutory
fine range of 食品安全法 Art. 122–125 for a goods value (货值金额) — a fixed range below 10,000
yuan, multiples of the goods value at or above it. The rule is the plain functions below, over
integer fen; `graphql.py` only translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.hooks import DataPlugin, Domain, GraphQLContribution, hookimpl
from zhifa.core.money import fen_to_yuan

from .error_codes import MarketErrorCode

__version__ = "1.0.0"

LAW = "《中华人民共和国食品安全法》（2021年4月29日修正）"
THRESHOLD_YUAN = 10_000  # 货值金额“不足一万元” → fixed range; “一万元以上” (inclusive) → multiples


@dataclass(frozen=True)
class FoodFineRule:
    article: int
    provision: str  # 条款, as cited
    conduct: str  # the conduct, summarised
    fixed: tuple[int, int]  # yuan, below the threshold
    multiples: tuple[int, int]  # × goods value, at or above the threshold
    text: str  # the statute's fine sentence, verbatim


RULES = {
    122: FoodFineRule(
        122,
        "第一百二十二条第一款",
        "未取得食品生产经营许可从事食品生产经营活动，或者未取得食品添加剂生产许可从事食品添加剂生产活动",
        (50_000, 100_000),
        (10, 20),
        "违法生产经营的食品、食品添加剂货值金额不足一万元的，并处五万元以上十万元以下罚款；"
        "货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款",
    ),
    123: FoodFineRule(
        123,
        "第一百二十三条第一款",
        "用非食品原料生产食品、在食品中添加食品添加剂以外的化学物质和其他可能危害人体健康的物质等",
        (100_000, 150_000),
        (15, 30),
        "违法生产经营的食品货值金额不足一万元的，并处十万元以上十五万元以下罚款；"
        "货值金额一万元以上的，并处货值金额十五倍以上三十倍以下罚款",
    ),
    124: FoodFineRule(
        124,
        "第一百二十四条第一款",
        "生产经营致病性微生物、污染物质等含量超过食品安全标准限量的食品，超范围、超限量使用食品添加剂，生产经营腐败变质或者超过保质期的食品等",
        (50_000, 100_000),
        (10, 20),
        "违法生产经营的食品、食品添加剂货值金额不足一万元的，并处五万元以上十万元以下罚款；"
        "货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款",
    ),
    125: FoodFineRule(
        125,
        "第一百二十五条第一款",
        "生产经营被包装材料、容器、运输工具等污染的食品，生产经营无标签或者标签、说明书不符合规定的预包装食品等",
        (5_000, 50_000),
        (5, 10),
        "违法生产经营的食品、食品添加剂货值金额不足一万元的，并处五千元以上五万元以下罚款；"
        "货值金额一万元以上的，并处货值金额五倍以上十倍以下罚款",
    ),
}


@dataclass(frozen=True)
class FineRange:
    goods_value: int  # fen
    minimum: int  # fen
    maximum: int  # fen
    multiple_min: int | None  # set when the range is a multiple of the goods value
    multiple_max: int | None
    explanation: str
    basis: str



def food_fine_range(goods_value_fen: int, article: int) -> FineRange:
    """The fine range of 食品安全法 Art. 122/123/124/125 (first paragraphs) for a goods value.

    Below 10,000 yuan the article's fixed range applies; at 10,000 yuan or more ("一万元以上"
    includes 10,000) the range is the article's multiples of the goods value.
    """
    rule = RULES.get(article)
    if rule is None:
        supported = "、".join(f"第{a}条" for a in RULES)
        raise UserError(MarketErrorCode.ARTICLE_UNKNOWN, f"不支持食品安全法第{article}条；支持：{supported}", "article")
    if goods_value_fen < 0:
        raise UserError(CommonErrorCode.MONEY_NEGATIVE, "货值金额不能为负数", "goodsValueYuan")
    value = fen_to_yuan(goods_value_fen)
    basis = f"{LAW}{rule.provision}（{rule.conduct}）：{rule.text}。"
    if goods_value_fen < THRESHOLD_YUAN * 100:
        low, high = (yuan * 100 for yuan in rule.fixed)
        explanation = f"货值金额{value}元，不足一万元：并处{fen_to_yuan(low)}元以上{fen_to_yuan(high)}元以下罚款"
        return FineRange(goods_value_fen, low, high, None, None, explanation, basis)
    m_low, m_high = rule.multiples
    low, high = goods_value_fen * m_low, goods_value_fen * m_high
    explanation = (
        f"货值金额{value}元，达到一万元以上：并处货值金额{m_low}倍以上{m_high}倍以下罚款，"
        f"即{fen_to_yuan(low)}元以上{fen_to_yuan(high)}元以下"
    )
    return FineRange(goods_value_fen, low, high, m_low, m_high, explanation, basis)


class MarketPlugin(DataPlugin):
    @hookimpl
    def zhifa_graphql(self) -> GraphQLContribution:
        from .graphql import MarketQuery

        return GraphQLContribution(query=[MarketQuery], error_codes=[MarketErrorCode])


plugin = MarketPlugin(
    Domain(code="market", name_zh="市场监督管理", name_en="Market supervision", version=__version__),
    data=Path(__file__).parent / "data",
)

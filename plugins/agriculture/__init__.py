"""农业农村（agriculture）: the built-in plug-in for this domain, shaped like a third-party package.

Besides the data files it contributes one GraphQL field, `agricultureSeedFineRange`: the
statutory fine range for producing or trading fake (种子法 Art. 74) or inferior (Art. 75) seeds
for a goods value (货值金额) — a fixed range below 20,000 yuan, multiples of the goods value at or
above it. The rule is the plain functions below, over integer fen; `graphql.py` only translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.hooks import DataPlugin, Domain, GraphQLContribution, hookimpl
from zhifa.core.labels import LabeledEnum
from zhifa.core.money import fen_to_yuan

__version__ = "1.0.0"

LAW = "《中华人民共和国种子法》（2021年12月24日修正）"
THRESHOLD_YUAN = 20_000  # 货值金额“不足二万元” → fixed range; “二万元以上” (inclusive) → multiples


class SeedViolation(LabeledEnum):
    FAKE = "fake", "生产经营假种子（种子法第七十四条）"
    INFERIOR = "inferior", "生产经营劣种子（种子法第七十五条）"


@dataclass(frozen=True)
class SeedFineRule:
    article: int
    provision: str
    conduct: str
    fixed: tuple[int, int]  # yuan, below the threshold
    multiples: tuple[int, int]  # × goods value, at or above the threshold
    other: str  # penalties besides the fine, as the article says
    text: str  # the statute's fine sentence, verbatim


RULES = {
    SeedViolation.FAKE: SeedFineRule(
        74,
        "第七十四条第一款",
        "违反本法第四十八条规定，生产经营假种子",
        (20_000, 200_000),
        (10, 20),
        "责令停止生产经营，没收违法所得和种子，吊销种子生产经营许可证",
        "违法生产经营的货值金额不足二万元的，并处二万元以上二十万元以下罚款；"
        "货值金额二万元以上的，并处货值金额十倍以上二十倍以下罚款",
    ),
    SeedViolation.INFERIOR: SeedFineRule(
        75,
        "第七十五条第一款",
        "违反本法第四十八条规定，生产经营劣种子",
        (10_000, 100_000),
        (5, 10),
        "责令停止生产经营，没收违法所得和种子；情节严重的，吊销种子生产经营许可证",
        "违法生产经营的货值金额不足二万元的，并处一万元以上十万元以下罚款；"
        "货值金额二万元以上的，并处货值金额五倍以上十倍以下罚款",
    ),
}


@dataclass(frozen=True)
class FineRange:
    article: int
    goods_value: int  # fen
    minimum: int  # fen
    maximum: int  # fen
    multiple_min: int | None  # set when the range is a multiple of the goods value
    multiple_max: int | None
    other_penalties: str
    explanation: str
    basis: str



def seed_fine_range(goods_value_fen: int, kind: SeedViolation) -> FineRange:
    """The fine range of 种子法 Art. 74 (fake seeds) or Art. 75 (inferior seeds) for a goods value.

    Below 20,000 yuan the article's fixed range applies; at 20,000 yuan or more ("二万元以上"
    includes 20,000) the range is the article's multiples of the goods value.
    """
    if goods_value_fen < 0:
        raise UserError(CommonErrorCode.MONEY_NEGATIVE, "货值金额不能为负数", "goodsValueYuan")
    rule = RULES[kind]
    value = fen_to_yuan(goods_value_fen)
    basis = f"{LAW}{rule.provision}（{rule.conduct}）：{rule.other}；{rule.text}。"
    if goods_value_fen < THRESHOLD_YUAN * 100:
        low, high = (yuan * 100 for yuan in rule.fixed)
        multiples: tuple[int | None, int | None] = (None, None)
        explanation = f"货值金额{value}元，不足二万元：并处{fen_to_yuan(low)}元以上{fen_to_yuan(high)}元以下罚款"
    else:
        multiples = rule.multiples
        low, high = goods_value_fen * rule.multiples[0], goods_value_fen * rule.multiples[1]
        explanation = (
            f"货值金额{value}元，达到二万元以上：并处货值金额{rule.multiples[0]}倍以上{rule.multiples[1]}倍以下罚款，"
            f"即{fen_to_yuan(low)}元以上{fen_to_yuan(high)}元以下"
        )
    return FineRange(rule.article, goods_value_fen, low, high, *multiples, rule.other, explanation, basis)


class AgriculturePlugin(DataPlugin):
    @hookimpl
    def zhifa_graphql(self) -> GraphQLContribution:
        from .graphql import AgricultureQuery

        return GraphQLContribution(query=[AgricultureQuery])


plugin = AgriculturePlugin(
    Domain(code="agriculture", name_zh="农业农村", name_en="Agriculture and rural affairs", version=__version__),
    data=Path(__file__).parent / "data",
)

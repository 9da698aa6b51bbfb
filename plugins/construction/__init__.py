"""住房和城乡建设（construction）: the built-in plug-in for this domain, shaped like a third-party package.

Besides the data files it contributes two GraphQL fields: `constructionCost` (建设工程造价 from
floor area and unit cost) and `constructionPlanningFine`, the fine range for building without or
against the planning permit (城乡规划法 Art. 64) as graded by 建法〔2012〕99号. The rules are the
plain functions below, over integer fen; `graphql.py` only translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path

from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.hooks import DataPlugin, Domain, GraphQLContribution, hookimpl
from zhifa.core.money import decimal_places, round_fen

__version__ = "1.0.0"

MAX_AREA = Decimal(10**8)  # 一亿平方米
MAX_AREA_PLACES = 4

PLANNING_LAW = "《中华人民共和国城乡规划法》（2019年4月23日修正）第六十四条"
PLANNING_GUIDANCE = "住房和城乡建设部《关于规范城乡规划行政处罚裁量权的指导意见》（建法〔2012〕99号）"
ARTICLE_64 = (
    "未取得建设工程规划许可证或者未按照建设工程规划许可证的规定进行建设的，由县级以上地方人民政府城乡规划主管部门责令停止建设；"
    "尚可采取改正措施消除对规划实施的影响的，限期改正，处建设工程造价百分之五以上百分之十以下的罚款；"
    "无法采取改正措施消除影响的，限期拆除，不能拆除的，没收实物或者违法收入，可以并处建设工程造价百分之十以下的罚款。"
)



def parse_area(text: str, field: str = "areaSquareMetres") -> Decimal:
    """A non-negative floor area in square metres, at most 4 decimal places."""
    try:
        area = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise UserError(CommonErrorCode.NUMBER_INVALID, f"{field} 应为十进制数字字符串，如 \"1250.5\"，收到 {text!r}", field) from None
    if not area.is_finite():
        raise UserError(CommonErrorCode.NUMBER_INVALID, f"{field} 应为有限的十进制数字，收到 {text!r}", field)
    if area < 0:
        raise UserError(CommonErrorCode.NUMBER_NEGATIVE, f"{field} 不能为负数", field)
    if area > MAX_AREA or decimal_places(area) > MAX_AREA_PLACES:
        raise UserError(CommonErrorCode.NUMBER_OUT_OF_RANGE, f"{field} 应不超过一亿平方米，且最多 {MAX_AREA_PLACES} 位小数", field)
    return area



def construction_cost(area: Decimal, unit_cost_fen: int) -> int:
    """建设工程造价 in fen: area × unit cost, rounded half-up to a whole fen."""
    with localcontext(prec=60):
        return round_fen(area * unit_cost_fen)


@dataclass(frozen=True)
class PlanningFine:
    minimum: int  # fen
    maximum: int  # fen
    rate_min: Decimal
    rate_max: Decimal
    measures: tuple[str, ...]
    explanation: str
    basis: str = f"{PLANNING_LAW}：{ARTICLE_64}裁量依据：{PLANNING_GUIDANCE}。"


FIVE, TEN = Decimal("0.05"), Decimal("0.10")


def planning_fine(cost_fen: int, correctable: bool, corrected: bool) -> PlanningFine:
    """The fine range under 城乡规划法 Art. 64 as graded by 建法〔2012〕99号 (REFERENCE §4.1).

    - correctable and corrected on time: 5% of the construction cost;
    - correctable, not corrected on time: forced demolition and 10%;
    - not correctable (`corrected` does not apply): demolition within a deadline — demolished on
      time, no fine; not demolished, forced demolition and 10%; cannot be demolished, confiscation
      and up to 10% — so the range is 0–10%.
    """
    if cost_fen < 0:
        raise UserError(CommonErrorCode.MONEY_NEGATIVE, "建设工程造价不能为负数", "constructionCostYuan")
    if correctable and corrected:
        rates = (FIVE, FIVE)
        measures = ("责令停止建设", "限期改正")
        explanation = "尚可采取改正措施消除对规划实施的影响，且按期改正：处建设工程造价5%的罚款"
    elif correctable:
        rates = (TEN, TEN)
        measures = ("责令停止建设", "限期改正", "逾期不改正的，依法采取强制拆除等措施")
        explanation = "尚可采取改正措施消除对规划实施的影响，但逾期不改正：依法采取强制拆除等措施，并处建设工程造价10%的罚款"
    else:
        rates = (Decimal("0.00"), TEN)
        measures = (
            "责令停止建设",
            "限期拆除；按期拆除的，不予罚款",
            "逾期不拆除的，依法强制拆除，并处建设工程造价10%的罚款",
            "不能拆除的，没收实物或者违法收入，可以并处建设工程造价10%以下的罚款",
        )
        explanation = "无法采取改正措施消除影响：按期拆除的不予罚款；逾期不拆除的处10%；不能拆除的没收实物或者违法收入，可以并处10%以下罚款"
    low, high = (round_fen(cost_fen * rate) for rate in rates)
    return PlanningFine(low, high, rates[0], rates[1], measures, explanation)


class ConstructionPlugin(DataPlugin):
    @hookimpl
    def zhifa_graphql(self) -> GraphQLContribution:
        from .graphql import ConstructionQuery

        return GraphQLContribution(query=[ConstructionQuery])


plugin = ConstructionPlugin(
    Domain(code="construction", name_zh="住房和城乡建设", name_en="Construction and urban management", version=__version__),
    data=Path(__file__).parent / "data",
)

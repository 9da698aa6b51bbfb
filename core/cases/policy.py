"""The numbers of the case procedure that a province, a ministry or a later law may set otherwise.

One frozen `CasePolicy` carries them with their defaults; `SOURCES` says where each default comes
from, tagged like REFERENCE.md: [T] read in the statute's text, [S] secondary sources, [R]
unconfirmed background knowledge. A deployment sets its own policy in the TOML file that
`ZHIFA_CASE_POLICY_FILE` names (`load_policy`; default `case-policy.toml`) instead of editing the rules. Numbers the law fixes for every case and that no rule may
change (the 3 % surcharge of APL Art. 72, the working-day windows of Art. 48/56/61/64) are not
here: they live with the rules that apply them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from zhifa.core.catalog.discretion import NATURAL_PERSON_KINDS, HearingThresholds
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.labels import LabeledEnum


class PeriodEnd(LabeledEnum):
    """Where a calendar-day period (APL Art. 60's 90 days, Art. 67's 15 days) ends when its last
    counted day is not a working day. The APL is silent (REFERENCE §0)."""

    NEXT_WORKING_DAY = "next_working_day", "顺延至休息日后的第一个工作日（参照民事诉讼法第八十五条）"
    AS_COUNTED = "as_counted", "按日历计算，届满日遇休息日不顺延"


@dataclass(frozen=True)
class CasePolicy:
    # --- who may act -------------------------------------------------------------------------
    min_officers: int = 2
    township_major_to_county: bool = True
    # --- simple (on-the-spot) procedure, APL Art. 51 ------------------------------------------
    simple_fine_limit_natural_fen: int = 20_000  # 200 yuan
    simple_fine_limit_organisation_fen: int = 300_000  # 3,000 yuan
    cash_on_spot_limit_fen: int = 10_000  # 100 yuan, APL Art. 68
    # --- hearing, APL Art. 63 ----------------------------------------------------------------
    hearing: HearingThresholds = HearingThresholds()
    # --- prior notice, APL Art. 44/45/62/64 ------------------------------------------------------
    notice_response_days: int = 5  # working days; hearing-right cases
    statement_defence_days: int = 3  # working days; cases without a hearing right
    # --- inside the agency ---------------------------------------------------------------------
    filing_decision_days: int = 15  # working days from discovery of the clue
    legal_review_days: int = 5  # working days for the reviewer's opinion
    decision_limit_days: int = 90  # calendar days from filing, APL Art. 60
    decision_extension_days: int | None = None  # cap on all extensions together; None = no cap
    # --- execution and publication -------------------------------------------------------------
    payment_days: int = 15  # calendar days from receipt of the decision, APL Art. 67
    max_payment_plan_days: int | None = None  # longest deferral/instalment plan; None = no cap
    publication_days: int = 7  # working days from the decision (国办发〔2018〕118号)
    surcharge_remission_allowed: bool = False  # reducing or waiving the surcharge (ACL Art. 42)
    # --- day counting ----------------------------------------------------------------------------
    calendar_period_end: PeriodEnd = PeriodEnd.NEXT_WORKING_DAY

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                continue
            if value < (0 if f.name.endswith("_fen") else 1):
                raise UserError(CommonErrorCode.POLICY_INVALID, f"案件程序配置项 {f.name} 的取值 {value} 无效", f.name)
        if self.min_officers < 2:
            # APL Art. 42 allows fewer only where a *law* says so; keep that a deliberate choice.
            raise UserError(CommonErrorCode.POLICY_INVALID, "执法人员不得少于两人（行政处罚法第四十二条），法律另有规定的须单独处理", "min_officers")
        if not isinstance(self.calendar_period_end, PeriodEnd):
            choices = "、".join(p.value for p in PeriodEnd)
            raise UserError(CommonErrorCode.POLICY_INVALID, f"案件程序配置项 calendar_period_end 应为 {choices} 之一", "calendar_period_end")

    def simple_fine_limit(self, party_kind: str) -> int:
        """APL Art. 51's limit for this party; 个体工商户 count as citizens (natural persons)."""
        return self.simple_fine_limit_natural_fen if party_kind in NATURAL_PERSON_KINDS else self.simple_fine_limit_organisation_fen


SOURCES: dict[str, str] = {
    "min_officers": "行政处罚法第四十二条：执法人员不得少于两人，法律另有规定的除外 [T]",
    "township_major_to_county": (
        "DESIGN.md“乡镇只能办理交由其行使的事项，重大处罚移送县级”；地方承接规定的做法 [R]。"
        "行政处罚法第二十四条只规定交由乡镇行使须省级决定并公布 [T]"
    ),
    "simple_fine_limit_natural_fen": "行政处罚法第五十一条：对公民处以二百元以下罚款；法律另有规定的，从其规定 [T]",
    "simple_fine_limit_organisation_fen": "行政处罚法第五十一条：对法人或者其他组织处以三千元以下罚款 [T]",
    "cash_on_spot_limit_fen": "行政处罚法第六十八条第一项：依法给予一百元以下罚款的，可以当场收缴 [T]",
    "hearing": "行政处罚法第六十三条“较大数额”由部门和地方规定；默认值为市场监管听证办法的 1 万元 / 10 万元 [R]",
    "notice_response_days": "行政处罚法第六十四条第一项：告知后五日（工作日，第八十五条）内提出听证要求 [T]",
    "statement_defence_days": "陈述、申辩期限法律未规定；部门规章和地方文书通行三个工作日 [R]",
    "filing_decision_days": "市场监督管理行政处罚程序规定：发现线索之日起十五个工作日内决定是否立案，经负责人批准可延长十五个工作日 [S]（条号未核实 [R]）",
    "legal_review_days": "法制审核期限法律未规定；地方规定多为五至十个工作日 [R]",
    "decision_limit_days": "行政处罚法第六十条：立案之日起九十日内作出决定；法律、法规、规章另有规定的，从其规定 [T]",
    "decision_extension_days": (
        "行政处罚法无延长规定；市场监管规章：经负责人批准可延长三十日，仍不能决定的由负责人集体讨论决定继续延长的合理期限 [S]，"
        "故默认不设总上限"
    ),
    "payment_days": "行政处罚法第六十七条第三款：收到决定书之日起十五日内缴纳罚款 [T]",
    "max_payment_plan_days": "行政处罚法第六十六条第二款未规定暂缓、分期的最长期限；由地方或部门规定 [T]",
    "publication_days": "国办发〔2018〕118号：行政处罚决定自作出之日起七个工作日内公开 [S]；市场监管另为二十个工作日 [T]",
    "surcharge_remission_allowed": (
        "行政强制法第四十二条第一款：执行协议中当事人采取补救措施的，可以减免加处的罚款 [T]。该条规定行政机关自行强制执行；"
        "没有强制执行权、须申请人民法院执行的机关能否减免，法律未明确 [R]，故默认不允许，由部署依地方规定开启"
    ),
    "calendar_period_end": (
        "行政处罚法对以日计算的期间届满日遇休息日未作规定 [T]；默认参照民事诉讼法（2023）第八十五条“期间届满的最后一日是"
        "法定休假日的，以法定休假日后的第一日为期间届满的日期”[T]，部门处罚程序规章多有相同规定 [S]（条号未逐一核实 [R]）；"
        "按日历计算不顺延的地方设为 as_counted。适用于九十日办案期限、十五日缴款期限等全部自然日期限，加处罚款自同一届满日的次日起算"
    ),
}

DEFAULT_POLICY = CasePolicy()

# Settings a deployment file may not change: they are objects, not single numbers or switches.
_NOT_IN_FILE = {"hearing"}


def load_policy(path: Path) -> CasePolicy:
    """The deployment's case policy: the defaults, with what a TOML file sets (a missing file sets
    nothing). Keys are the field names above; an unknown key or a bad value stops start-up.

    ```toml
    calendar_period_end = "as_counted"   # 届满日遇休息日不顺延
    surcharge_remission_allowed = true   # 允许依执行协议减免加处罚款
    payment_days = 15
    ```
    """
    if not path.exists():
        return DEFAULT_POLICY
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(CommonErrorCode.POLICY_INVALID, f"{path} 不是有效的 TOML：{exc}", None) from None
    known = {f.name for f in fields(CasePolicy)}
    changes = {}
    for key, value in document.items():
        if key not in known or key in _NOT_IN_FILE:
            raise UserError(CommonErrorCode.POLICY_INVALID, f"{path}：没有名为 {key} 的案件程序配置项", key)
        changes[key] = _policy_value(path, key, value)
    return replace(DEFAULT_POLICY, **changes)


def _policy_value(path: Path, key: str, value):
    default = getattr(DEFAULT_POLICY, key)
    if isinstance(default, PeriodEnd):
        return PeriodEnd(value) if value in {p.value for p in PeriodEnd} else value  # __post_init__ names the choices
    wanted = bool if isinstance(default, bool) else int
    if type(value) is not wanted:
        raise UserError(CommonErrorCode.POLICY_INVALID, f"{path}：{key} 应为{'true 或 false' if wanted is bool else '整数'}，收到 {value!r}", key)
    return value

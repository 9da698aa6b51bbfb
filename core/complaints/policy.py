"""The numbers of complaint handling that a province, a department or a 12345 centre sets.

Like `core.cases.policy`: one frozen `ComplaintPolicy` with defaults, and `SOURCES` saying where
each default comes from, tagged as in REFERENCE.md ([T] statute text read, [S] secondary sources,
[R] unconfirmed practice). A deployment builds its own policy instead of editing the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from zhifa.core.cases.deadlines import DayType
from zhifa.core.errors import CommonErrorCode, UserError


@dataclass(frozen=True)
class ComplaintPolicy:
    # --- the procedural reply: accept or refuse, and tell the complainant ------------------------
    reply_days: int = 7
    reply_day_type: DayType = DayType.WORKING
    # --- the substantive handling: a result on the merits -----------------------------------------
    handling_days: int = 30
    handling_day_type: DayType = DayType.CALENDAR
    # --- re-handling after an unsatisfied feedback (不满意退回重办) -----------------------------------
    rehandling_days: int | None = None  # None: the same period as the first handling
    max_rehandling: int = 1  # unsatisfied feedbacks that reopen the item; after that the head reviews
    # --- who counts from when ----------------------------------------------------------------------
    clock_restarts_on_assignment: bool = True  # the competent agency counts from the day it receives it

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                continue
            if value < (0 if f.name == "max_rehandling" else 1):
                raise UserError(CommonErrorCode.POLICY_INVALID, f"投诉举报处理配置项 {f.name} 的取值 {value} 无效", f.name)
        for name in ("reply_day_type", "handling_day_type"):
            if not isinstance(getattr(self, name), DayType):
                raise UserError(CommonErrorCode.POLICY_INVALID, f"投诉举报处理配置项 {name} 应为工作日或自然日", name)

    @property
    def rehandling_period(self) -> int:
        return self.rehandling_days or self.handling_days


SOURCES: dict[str, str] = {
    "reply_days": (
        "市场监督管理投诉举报处理暂行办法（2022 年修正）第十四条：自收到投诉之日起七个工作日内作出受理或者不予受理的决定，"
        "并告知投诉人 [T]；12345 热线无全国统一时限，地方条例各有规定（如潍坊 2021：能在五个工作日内办结的须办结）[T]"
    ),
    "reply_day_type": "同上第十四条明定“工作日”[T]",
    "handling_days": (
        "投诉举报的实体办理期限无全国统一规定：议题要求默认三十日；信访工作条例第三十四条为受理之日起六十日，"
        "可延长不超过三十日 [T]；举报按行政处罚程序办理（立案决定十五个工作日，可延长十五个工作日）[S]。由部署配置"
    ),
    "handling_day_type": "“三十日”未写明工作日，按自然日计算，届满日遇休息日顺延（参照民事诉讼法第八十五条）[R]",
    "rehandling_days": "不满意件退回重办的期限由各地 12345 热线管理办法规定 [R]；默认与首次办理期限相同",
    "max_rehandling": "不满意件重办次数由各地规定 [R]；默认重办一次，仍不满意的由负责人审核诉求是否合理后决定销号",
    "clock_restarts_on_assignment": (
        "投诉举报办法第十四条以“具有处理权限的”部门“收到投诉之日”起算，第三十七条规定统一接收机构分送有处理权限的部门 [T]："
        "交办后由承办机关自收到之日起重新计算"
    ),
}

DEFAULT_COMPLAINT_POLICY = ComplaintPolicy()

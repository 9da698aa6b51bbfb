"""The rules of supervision letters and rectification campaigns, as plain functions (no session).

Source 001: 鞍山市全面推进依法行政工作领导小组《鞍山市集中整治行政执法突出问题的行动方案》（2022-07-19）:

- **Four dated stages** (四、工作步骤): 自评自改 (7-18 to 7-31: the agencies fill in their own
  problem list 问题清单 and build the rectification ledger 整改台账), 提升整改 (8-1 to 8-19: the
  justice bureau's first inspection; the second round of self-rectification and the 销号台账),
  预评立制 (to 8-31: pre-assessment, rules and mechanisms), 总评考核 (9-1 to year end: the second
  inspection; 对于整改不到位的执法部门……下达《行政执法监督函》). A campaign stores the last day of
  each stage; each stage runs from the day after the previous one ends (the source's 8-19 is both
  the end of 提升整改 and the start of 预评立制: the day belongs to the earlier stage).
- **Problem lines** are found in a stage (recorded on the line), rectified by the agency with its
  measure (整改措施), and closed (销号) only by the supervisor after verifying a rectified line;
  a line found wanting goes back open. The agency lists its own problems only during 自评自改.
- **Letters** (行政执法监督函): issued → answered (the agency's rectification report) → closed when
  the issuing supervisor accepts, or returned (整改不到位) and answered again. Nothing else.

Who may read: a letter belongs to the agency it is addressed to and to the issuing agency; a
problem line to its agency; a campaign is a work plan circulated in the organiser's area (印发各执法
部门): readable by the officials of that area and by those above it, never by another county's.
Each as SQL predicates over the viewer's reach (`where`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from zhifa.core.db import in_ids
from zhifa.core.errors import CommonErrorCode, ErrorCode, UserError
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import CampaignStage, LetterStatus as L, ProblemStatus as P, SupervisionLetter

LETTER_DOC_TYPE = "监函"  # 定司监函〔2026〕1号
# The problems the campaign targets (source 001 二、集中整治的重点); alert codes are accepted too.
CATEGORIES = ("不作为", "乱作为", "不规范", "不公开")
ALERT_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")
MAX_ALERTS = 50

# --- the cycle of letters and problem lines ------------------------------------------------------


@dataclass(frozen=True)
class Cycle:
    """submit → accept (closes) or return (→ submit again): a letter's and a problem line's machine.
    `actions` maps each action to the statuses it starts from and the status it leads to."""

    actions: dict[str, tuple[frozenset, Any]]
    closed: Any
    submit: str
    closed_error: tuple[ErrorCode, str]  # (code, message): anything on a closed record
    pending_error: tuple[ErrorCode, str]  # submitting again before the review
    unsubmitted_error: tuple[ErrorCode, str]  # reviewing what was not submitted
    field: str

    def __call__(self, status: Any, action: str) -> Any:
        """The status after `action`, or the most specific refusal there is."""
        allowed, after = self.actions[action]
        if status is self.closed:
            raise UserError(*self.closed_error, self.field)
        if status in allowed:
            return after
        raise UserError(*(self.pending_error if action == self.submit else self.unsubmitted_error), self.field)


letter_transition = Cycle(
    {
        "answer": (frozenset({L.ISSUED, L.RETURNED}), L.ANSWERED),
        "accept": (frozenset({L.ANSWERED}), L.CLOSED),
        "return": (frozenset({L.ANSWERED}), L.RETURNED),
    },
    L.CLOSED,
    "answer",
    (SupervisionErrorCode.LETTER_CLOSED, "该监督函已办结，不能再办理"),
    (SupervisionErrorCode.LETTER_ALREADY_ANSWERED, "已反馈整改情况，请等待监督机关审核；被退回后方可再次反馈"),
    (SupervisionErrorCode.LETTER_NOT_ANSWERED, "被监督单位尚未反馈整改情况，不能审核"),
    "letterId",
)
problem_transition = Cycle(
    {
        "rectify": (frozenset({P.OPEN}), P.RECTIFIED),
        "close": (frozenset({P.RECTIFIED}), P.CLOSED),
        "return": (frozenset({P.RECTIFIED}), P.OPEN),
    },
    P.CLOSED,
    "rectify",
    (SupervisionErrorCode.PROBLEM_CLOSED, "该问题已销号，不能再办理"),
    (SupervisionErrorCode.PROBLEM_ALREADY_RECTIFIED, "已报整改情况，请等待核验；被退回后方可重新整改"),
    (SupervisionErrorCode.PROBLEM_NOT_RECTIFIED, "尚未整改的问题不能核验销号（不整改不销号）"),
    "problemId",
)


def check_letter_dates(issued_on: dt.date, due_on: dt.date, today: dt.date) -> None:
    if issued_on > today:
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "下达日期不能晚于今天", "issuedOn")
    if due_on <= issued_on:
        raise UserError(SupervisionErrorCode.DUE_NOT_AFTER_ISSUE, "整改期限须晚于下达日期", "dueOn")


def check_act_day(on: dt.date, floor: dt.date, today: dt.date) -> None:
    """An act happens no later than today and not before the previous step."""
    if on > today:
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "办理日期不能晚于今天", "on")
    if on < floor:
        raise UserError(CommonErrorCode.DATE_OUT_OF_ORDER, f"办理日期不能早于上一步的日期（{floor.isoformat()}）", "on")


def letter_overdue(status: L, due_on: dt.date, as_of: dt.date) -> bool:
    """Past its due day with no rectification report pending or accepted (issued or returned)."""
    return status in (L.ISSUED, L.RETURNED) and due_on < as_of


def letter_overdue_clause(table: sa.Table, as_of: dt.date) -> sa.ColumnElement[bool]:
    """`letter_overdue` in SQL."""
    return sa.and_(table.c.status.in_([L.ISSUED.value, L.RETURNED.value]), table.c.due_on < as_of)


@dataclass(frozen=True)
class AlertRef:
    code: str  # an alert rule's code (core.supervision.alerts)
    subject: str  # the global ID of the record it fired on


def check_alert_refs(refs: Iterable[AlertRef]) -> list[dict[str, str]]:
    """Stored as [{code, subject}]; the code's format is checked here, the subject by the caller."""
    out: list[dict[str, str]] = []
    for i, ref in enumerate(refs):
        code = ref.code.strip()
        if not ALERT_CODE.match(code):
            raise UserError(SupervisionErrorCode.ALERT_CODE_INVALID, f"预警规则代码“{ref.code}”格式不正确（大写字母、数字和下划线）", f"alerts.{i}.code")
        entry = {"code": code, "subject": ref.subject}
        if entry not in out:
            out.append(entry)
    if len(out) > MAX_ALERTS:
        raise UserError(SupervisionErrorCode.TOO_MANY_ALERTS, f"一份监督函最多引用 {MAX_ALERTS} 条预警", "alerts")
    return out


def required_text(value: str, code: ErrorCode, message: str, field: str, limit: int = 20000, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise UserError(code, message, field)
    if len(text) > limit:
        raise UserError(SupervisionErrorCode.TEXT_TOO_LONG, f"内容不超过 {limit} 字", field)
    return text


# --- campaigns: the four stages ------------------------------------------------------------------


@dataclass(frozen=True)
class Stages:
    starts_on: dt.date
    self_assessment_until: dt.date
    rectification_until: dt.date
    pre_assessment_until: dt.date
    final_assessment_until: dt.date

    def ends(self) -> list[tuple[CampaignStage, dt.date]]:
        return [
            (CampaignStage.SELF_ASSESSMENT, self.self_assessment_until),
            (CampaignStage.RECTIFICATION, self.rectification_until),
            (CampaignStage.PRE_ASSESSMENT, self.pre_assessment_until),
            (CampaignStage.FINAL_ASSESSMENT, self.final_assessment_until),
        ]


STAGE_FIELDS = ("selfAssessmentUntil", "rectificationUntil", "preAssessmentUntil", "finalAssessmentUntil")


def check_stages(stages: Stages) -> None:
    """Start ≤ end of 自评自改 < end of 提升整改 < end of 预评立制 < end of 总评考核 (source 001 四)."""
    if stages.self_assessment_until < stages.starts_on:
        raise UserError(SupervisionErrorCode.STAGES_NOT_ORDERED, "自评自改阶段的结束日不能早于活动开始日", "selfAssessmentUntil")
    previous = stages.self_assessment_until
    for (stage, until), field in zip(stages.ends()[1:], STAGE_FIELDS[1:]):
        if until <= previous:
            raise UserError(SupervisionErrorCode.STAGES_NOT_ORDERED, f"{stage.label}阶段的结束日须晚于上一阶段的结束日", field)
        previous = until


def stage_windows(stages: Stages) -> list[tuple[CampaignStage, dt.date, dt.date]]:
    """(stage, first day, last day) of each stage: a stage starts the day after the previous ends."""
    out, first = [], stages.starts_on
    for stage, until in stages.ends():
        out.append((stage, first, until))
        first = until + dt.timedelta(days=1)
    return out


def stage_on(stages: Stages, day: dt.date) -> CampaignStage | None:
    """The stage running on `day`; None before the start and after the final assessment."""
    for stage, first, last in stage_windows(stages):
        if first <= day <= last:
            return stage
    return None


# --- problem lines -------------------------------------------------------------------------------

def check_category(category: str) -> str:
    value = (category or "").strip()
    if value in CATEGORIES or ALERT_CODE.match(value):
        return value
    raise UserError(SupervisionErrorCode.CATEGORY_INVALID, f"问题类别应为{'、'.join(CATEGORIES)}之一，或预警规则代码", "category")


def new_problem_stage(stages: Stages, found_on: dt.date, due_on: dt.date, today: dt.date, *, self_assessed: bool) -> CampaignStage:
    """The stage a new line is found in. Lines belong to a running campaign; an agency lists its
    own problems only while 自评自改 runs (source 001 四（一）: 自评……填报问题清单), found on a day
    of that stage and recorded before it ends."""
    if found_on > today:
        raise UserError(CommonErrorCode.DATE_IN_FUTURE, "发现日期不能晚于今天", "foundOn")
    if due_on < found_on:
        raise UserError(SupervisionErrorCode.DUE_BEFORE_FOUND, "整改期限不能早于发现日期", "dueOn")
    stage = stage_on(stages, found_on)
    if stage is None:
        before = found_on < stages.starts_on
        raise UserError(
            SupervisionErrorCode.CAMPAIGN_NOT_STARTED if before else SupervisionErrorCode.CAMPAIGN_ENDED,
            "发现日期早于整治活动开始日" if before else "整治活动已结束（总评考核阶段已过）",
            "foundOn",
        )
    if self_assessed and (stage is not CampaignStage.SELF_ASSESSMENT or today > stages.self_assessment_until):
        raise UserError(
            SupervisionErrorCode.SELF_ASSESSMENT_ENDED,
            f"自评自改阶段已于 {stages.self_assessment_until.isoformat()} 结束，此后的问题由监督机关列入问题清单",
            "foundOn",
        )
    return stage


def problem_overdue(status: P, due_on: dt.date, as_of: dt.date) -> bool:
    """Still open (not rectified, or returned) after its due day."""
    return status is P.OPEN and due_on < as_of


# --- who reads what ------------------------------------------------------------------------------

LETTER, LETTER_EVENT, CAMPAIGN, PROBLEM = "SupervisionLetter", "SupervisionLetterEvent", "RectificationCampaign", "RectificationProblem"


def letter_visible(table: sa.Table, agencies: frozenset[uuid.UUID]) -> sa.ColumnElement[bool]:
    """A letter belongs to the agency it is addressed to and to the issuing bureau."""
    return sa.or_(in_ids(table.c.agency_id, agencies), in_ids(table.c.issuing_agency_id, agencies))


def where(kind: str, table: sa.Table, agencies: Iterable[uuid.UUID], overseers: Iterable[uuid.UUID] = ()) -> list[sa.ColumnElement[bool]]:
    """Predicates keeping a statement over `table` within reach of `agencies` (for signed-in viewers);
    a campaign is also seen in the area of the agency that organised it (`overseers`: the agencies
    seated at or above the viewer's region)."""
    agencies = frozenset(agencies)
    if kind == LETTER:
        return [letter_visible(table, agencies)]
    if kind == LETTER_EVENT:
        letters = SupervisionLetter.__table__
        return [table.c.letter_id.in_(sa.select(letters.c.id).where(letter_visible(letters, agencies)))]
    if kind == PROBLEM:
        return [in_ids(table.c.agency_id, agencies)]
    if kind == CAMPAIGN:
        return [in_ids(table.c.organiser_agency_id, agencies | frozenset(overseers))]
    return [sa.false()]

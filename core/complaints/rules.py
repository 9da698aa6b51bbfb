"""The rules of complaint handling as plain functions over plain data (no session, no I/O).

- **State machine.** registered → (assigned →) replied → handling → resolved → closed. A refused
  complaint (不予受理) is answered and resolved by the same reply. Every refusal is a `UserError`
  with a stable code and a Chinese message.
- **Deadlines.** The procedural reply (SAMR 投诉举报办法第十四条: seven working days) and the
  substantive handling (thirty days by default) are `core.cases.deadlines.DeadlineRule`s built from
  the `ComplaintPolicy` and computed with the shared working-day calendar: no day counting here.
- **Overdue.** A deadline is overdue on `as_of` when its last day has passed and it had not been
  met by then. `overdue_clause` is the same rule in SQL, over the stored due dates, so the ledger
  filters in the database.
- **The ledger (不解决不销号).** An item closes only once resolved, and only after the
  complainant's feedback (an anonymous item has nobody to ask). An *unsatisfied* feedback reopens
  the item for re-handling with a fresh handling period, up to `policy.max_rehandling` times; once
  those rounds are used, an unsatisfied item stays resolved and closes only on the agency head's
  written review that the demand was handled lawfully (诉求不合理或已依法处理) — the 12345 practice.
- **The complainant's identity** (投诉举报办法第三十三条: never to the reported party nor to people
  who have nothing to do with the handling): in clear only to an officer, head or legal reviewer of
  the handling agency; when the complainant asked for confidentiality, to the named handler alone;
  masked for every other reader; never in events, audit records or anything the accused can reach.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from zhifa.core.db import in_ids
from zhifa.core.access.viewer import Role, Viewer
from zhifa.core.cases.calendar import WorkingCalendar
from zhifa.core.cases.deadlines import Deadline, DeadlineRule, compute
from zhifa.core.cases.deadlines import Provisional, provisionally
from zhifa.core.complaints.error_codes import ComplaintErrorCode
from zhifa.core.complaints.models import ComplaintStatus as S, Satisfaction
from zhifa.core.complaints.policy import DEFAULT_COMPLAINT_POLICY, ComplaintPolicy
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.labels import LabeledEnum

SAMR = "《市场监督管理投诉举报处理暂行办法》"

# --- state machine ------------------------------------------------------------------------------

ALLOWED: dict[str, frozenset[S]] = {
    "assign": frozenset({S.REGISTERED, S.ASSIGNED}),
    "reply": frozenset({S.REGISTERED, S.ASSIGNED}),
    "link": frozenset({S.REGISTERED, S.ASSIGNED, S.REPLIED, S.HANDLING, S.RESOLVED}),
    "resolve": frozenset({S.REPLIED, S.HANDLING}),
    "feedback": frozenset({S.RESOLVED}),
    "close": frozenset({S.RESOLVED}),
}

NOT_RESOLVED_MESSAGE = "尚未办结的投诉举报不得销号（不解决不销号）"


def check_action(action: str, status: S) -> None:
    """Refuse `action` on a complaint in `status`, with the most specific code there is."""
    if status is S.CLOSED:
        raise UserError(ComplaintErrorCode.COMPLAINT_CLOSED, "该投诉举报已销号，不能再办理；如有新的诉求请重新登记", "complaintId")
    if status in ALLOWED[action]:
        return
    if action == "assign":
        raise UserError(
            ComplaintErrorCode.ALREADY_ACCEPTED,
            "已作出受理答复的投诉举报不能再交办；确属无权处理的，应作不予受理答复并告知向有权处理的机关提出",
            "complaintId",
        )
    if action == "reply":
        raise UserError(ComplaintErrorCode.ALREADY_REPLIED, "已作出受理答复，不能重复答复", "complaintId")
    if action == "resolve" and status in (S.REGISTERED, S.ASSIGNED):
        raise UserError(ComplaintErrorCode.REPLY_REQUIRED, f"须先作出受理或者不予受理的答复（{SAMR}第十四条）", "complaintId")
    if action == "resolve":
        raise UserError(ComplaintErrorCode.ALREADY_RESOLVED, "已办结；投诉人不满意的，回访记录后退回重办", "complaintId")
    if action == "feedback":
        raise UserError(ComplaintErrorCode.NOT_RESOLVED, "尚未办结，不能回访评价", "complaintId")
    raise UserError(ComplaintErrorCode.NOT_RESOLVED, NOT_RESOLVED_MESSAGE, "complaintId")


# --- deadlines ----------------------------------------------------------------------------------

REPLY = "REPLY"
HANDLING = "HANDLING"


def reply_rule(policy: ComplaintPolicy = DEFAULT_COMPLAINT_POLICY) -> DeadlineRule:
    return DeadlineRule(
        REPLY,
        "受理答复期限（程序性答复）",
        policy.reply_day_type,
        policy.reply_days,
        f"{SAMR}第十四条（期限由配置设定）",
        "承办机关收到投诉举报之日",
    )


def handling_rule(policy: ComplaintPolicy = DEFAULT_COMPLAINT_POLICY, *, rehandling: bool = False) -> DeadlineRule:
    if rehandling:
        return DeadlineRule(
            HANDLING, "重办期限（不满意退回重办）", policy.handling_day_type, policy.rehandling_period,
            "12345 热线不满意件重办规定（期限由配置设定）", "回访不满意、退回重办之日",
        )
    return DeadlineRule(
        HANDLING, "办结期限（实质性办理）", policy.handling_day_type, policy.handling_days,
        "投诉举报办理期限（由配置设定；信访工作条例第三十四条为六十日）", "承办机关收到投诉举报之日",
    )


@dataclass(frozen=True)
class Clock:
    deadline: Deadline
    provisional_year: int | None  # counted on weekends alone: the year's holiday notice is missing


def clock(rule: DeadlineRule, start: dt.date, calendar: WorkingCalendar) -> Clock:
    """The deadline of `rule` from `start` on the shared calendar (`core.cases.deadlines.compute`);
    a year the calendar does not know yet gives a provisional date, never a wrong 'Monday–Friday'."""
    found = provisionally(lambda cal: compute(rule, start, calendar=cal), calendar)
    if isinstance(found, Provisional):
        return Clock(found.deadline, found.unknown_year)
    return Clock(found, None)


def is_overdue(due_on: dt.date, met_on: dt.date | None, as_of: dt.date) -> bool:
    """Past its last day on `as_of` and not met by then (acting on the due day is on time)."""
    return due_on < as_of and (met_on is None or met_on > as_of)


def on_time(due_on: dt.date, met_on: dt.date | None) -> bool:
    return met_on is not None and met_on <= due_on


def overdue_clause(table: sa.Table, as_of: dt.date) -> sa.ColumnElement[bool]:
    """`is_overdue` for either deadline of a complaint, in SQL over the stored dates."""
    c = table.c
    return sa.or_(
        sa.and_(c.reply_due_on < as_of, sa.or_(c.replied_on.is_(None), c.replied_on > as_of)),
        sa.and_(c.handling_due_on < as_of, sa.or_(c.resolved_on.is_(None), c.resolved_on > as_of)),
    )


# --- feedback and closing (不解决不销号) -----------------------------------------------------------


def reopens(satisfaction: Satisfaction, reopened_count: int, policy: ComplaintPolicy = DEFAULT_COMPLAINT_POLICY) -> bool:
    """An unsatisfied feedback sends the item back for re-handling while rounds remain."""
    return satisfaction is Satisfaction.UNSATISFIED and reopened_count < policy.max_rehandling


def check_close(
    status: S, anonymous: bool, satisfaction: Satisfaction | None, head_review: str | None, viewer_is_head: bool
) -> None:
    check_action("close", status)
    if satisfaction is None and not anonymous:
        raise UserError(CommonErrorCode.FEEDBACK_REQUIRED, "销号前须回访投诉举报人并记录满意度评价（匿名件除外）", "complaintId")
    if satisfaction is Satisfaction.UNSATISFIED:
        if not (head_review or "").strip():
            raise UserError(
                ComplaintErrorCode.FEEDBACK_UNSATISFIED,
                "投诉举报人对办理结果不满意且重办次数已用完：须由负责人审核诉求、说明已依法处理的理由后方可销号",
                "headReview",
            )
        if not viewer_is_head:
            raise UserError(CommonErrorCode.FORBIDDEN, "不满意件须由负责人审核后销号", "headReview")


# --- the complainant's identity -----------------------------------------------------------------


class Disclosure(LabeledEnum):
    CLEAR = "clear", "全文显示（查看留痕）"
    MASKED = "masked", "脱敏显示"
    HIDDEN = "hidden", "保密（仅承办人可见）"
    ANONYMOUS = "anonymous", "匿名"


# The roles that handle a complaint and need to reach the person (officers, heads, reviewers).
HANDLING_ROLES = (Role.OFFICER, Role.AGENCY_HEAD, Role.LEGAL_REVIEWER)


def disclosure(
    viewer: Viewer, agency_id: uuid.UUID, handler_id: uuid.UUID | None, confidential: bool, anonymous: bool
) -> Disclosure:
    if anonymous:
        return Disclosure.ANONYMOUS
    handles = viewer.has(*HANDLING_ROLES) and viewer.agency_id is not None and viewer.agency_id == agency_id
    if confidential:
        named = handles and handler_id is not None and viewer.officer_id == handler_id
        return Disclosure.CLEAR if named else Disclosure.HIDDEN
    return Disclosure.CLEAR if handles else Disclosure.MASKED


def clear_identity_clause(viewer: Viewer, table: sa.Table) -> sa.ColumnElement[bool]:
    """`disclosure(...) is CLEAR`, in SQL: the complaints whose complainant this viewer may know
    (searching by a complainant's phone must not tell anyone else whether that person complained)."""
    if not viewer.has(*HANDLING_ROLES) or viewer.agency_id is None:
        return sa.false()
    c = table.c
    own = sa.and_(c.anonymous.is_(False), c.agency_id == viewer.agency_id)
    if viewer.officer_id is None:
        return sa.and_(own, c.confidential.is_(False))
    return sa.and_(own, sa.or_(c.confidential.is_(False), c.handler_id == viewer.officer_id))


def mask_name(name: str | None) -> str | None:
    """张** : the first character, the rest starred (names of complainants are never shown whole)."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


# --- who sees a complaint at all ---------------------------------------------------------------


def visible_clause(agencies: frozenset[uuid.UUID] | set[uuid.UUID], table: sa.Table) -> sa.ColumnElement[bool]:
    """A complaint is visible to the viewers whose jurisdiction reaches its handling agency, and
    to those reaching the agency that received it (the desk follows what it dispatched, 投诉举报办法
    第三十七条). The identity inside is a separate question: `disclosure`."""
    return sa.or_(in_ids(table.c.agency_id, agencies), in_ids(table.c.received_by_agency_id, agencies))

"""The legal guards a workflow step must pass: pure functions over plain snapshots.

A service loads what the law asks about into a `CaseSnapshot` (frozen, no ORM objects), then
calls `check(action, snapshot, today)`; every violated rule comes back as its own `UserError`
with a stable code, so the front end can show all of them at once (`core.errors.raise_if_any`).
`today` is the legal day of the step (Asia/Shanghai, `core.clock.legal_today`). Which guards run
for which step is the table `GUARDS`, per procedure and action; domain plug-ins add their own
problems on top through the `zhifa_case_checks` hook.

| code | rule |
|---|---|
| OFFICERS_TOO_FEW | at least two officers with certificates valid that day for the domain (APL Art. 42) |
| AUXILIARY_CANNOT_ENFORCE | only enforcement officers handle a case, from filing on; auxiliary staff only assist (Art. 42) |
| CERTIFICATE_INVALID | a handler's certificate is suspended (from its day), revoked, expired or not yet valid that day (Art. 42, 55) |
| CERTIFICATE_DOMAIN_MISMATCH | a handler's certificate does not cover the case's domain (Art. 42) |
| ITEM_NOT_DELEGATED | a township acts on an item not handed to it on the step's day (Art. 24) |
| MAJOR_PENALTY_TO_COUNTY | a township imposes a major penalty (goes to the county by transfer; policy) |
| LIMITATION_EXPIRED | the act was discovered after 2 / 5 years (Art. 36) |
| SIMPLE_PROCEDURE_NOT_ALLOWED | on-the-spot penalty above 200 / 3,000 yuan or not a fine or warning (Art. 51) |
| NOTICE_REQUIRED | decision without a served prior notice (Art. 44, 62) |
| NOTICE_WINDOW_OPEN | decision before the response window has passed (Art. 44, 62, 64) |
| HEARING_NOT_AVAILABLE | hearing requested for a penalty that carries no hearing right (Art. 63) |
| HEARING_REQUEST_LATE | hearing requested after the 5-working-day window (Art. 64 item 1) |
| HEARING_NOTICE_LATE | hearing held fewer than 7 working days after its notice (Art. 64 item 2) |
| HEARING_CHAIR_REQUIRED / HEARING_CHAIR_IS_INVESTIGATOR | no chair, or chaired by an investigator (Art. 64 item 4) |
| HEARING_PENDING | decision while a requested hearing has neither been held nor waived (Art. 63–65) |
| RECONSIDER_AFTER_HEARING | a legal review or collective discussion held before the hearing: redone on the hearing record (Art. 58, 65) |
| LEGAL_REVIEW_REQUIRED / LEGAL_REVIEW_NOT_PASSED | major decision (or major rights after a hearing) without a passed legal review (Art. 58) |
| REVIEWER_NOT_QUALIFIED | reviewer not a legal reviewer, or a first-time reviewer without 法律职业资格 (Art. 58 para 2) |
| REVIEWER_IS_HANDLER | the reviewer handled the case |
| COLLECTIVE_DISCUSSION_REQUIRED | complex or serious case decided without the heads' collective discussion (Art. 57 para 2) |
| DECISION_OVERDUE | decision past 90 days from filing, suspensions and extensions counted (Art. 60) |
| CLOSE_EXECUTION_UNFINISHED | closing before execution finished or lawfully ended (Art. 66–73) |
| SURCHARGE_UNSETTLED | closing while the late-payment surcharge is neither paid, remitted nor lawfully ended (Art. 72) |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhifa.core.access.viewer import ENFORCERS, Role
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar, add_years
from zhifa.core.cases.deadlines import Extension, Provisional, Suspension, compute, notice_response_rule, provisionally, rule
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.execution import ExecutionSnapshot, closing_errors
from zhifa.core.cases.models import Procedure
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy
from zhifa.core.cases.procedure import Action, parse_action
from zhifa.core.catalog.discretion import NATURAL_PERSON_KINDS
from zhifa.core.catalog.spec import PENALTY_KINDS
from zhifa.core.errors import UserError
from zhifa.core.labels import LabeledEnum
from zhifa.core.money import fen_to_yuan
from zhifa.core.people.models import CertificateStatus

APL = "《中华人民共和国行政处罚法》"
# Art. 58 para 2 binds those who *first* take up legal review after the revised APL took effect;
# reviewers already in post are not retroactively disqualified (our reading; see the report).
REVISED_APL_IN_FORCE = dt.date(2021, 7, 15)
SIMPLE_KINDS = frozenset({"warning", "fine"})


class LimitationCategory(LabeledEnum):
    """APL Art. 36's periods for discovering a violation."""

    GENERAL = "2y", "二年"
    LIFE_HEALTH_FINANCE = "5y", "五年（涉及公民生命健康安全、金融安全且有危害后果）"
    SPECIAL_LAW = "special", "法律另有规定"  # the law's own years in `limitation_years`


@dataclass(frozen=True)
class OfficerSnapshot:
    id: Any
    role: Role | str
    status: CertificateStatus | str = CertificateStatus.VALID
    name: str = ""
    certificate_valid_from: dt.date | None = None
    certificate_valid_until: dt.date | None = None
    domains: frozenset[str] = frozenset()
    legal_qualification: bool = False  # 法律职业资格
    reviewing_since: dt.date | None = None  # first day this person did legal review (Art. 58 para 2)
    status_since: dt.date | None = None  # the day `status` took effect; None: it holds on every day

    @property
    def role_value(self) -> Role:
        return self.role if isinstance(self.role, Role) else Role(self.role)

    @property
    def status_value(self) -> CertificateStatus:
        return CertificateStatus(getattr(self.status, "value", self.status))

    @property
    def display(self) -> str:
        return self.name or str(self.id)


@dataclass(frozen=True)
class LegalReviewSnapshot:
    passed: bool
    reviewer: OfficerSnapshot
    reviewed_on: dt.date | None = None
    before_hearing: bool = False  # a hearing was held after it: the review did not see its record


@dataclass(frozen=True)
class HearingSnapshot:
    requested_on: dt.date | None = None
    notice_on: dt.date | None = None  # the day the time and place were notified
    held_on: dt.date | None = None  # the day of the hearing (planned or held)
    held: bool = False
    waived: bool = False  # withdrawn, or absent without reason (Art. 64 item 6)
    chair_id: Any = None


@dataclass(frozen=True)
class CaseSnapshot:
    procedure: Procedure
    domain: str
    party_kind: str
    handlers: tuple[OfficerSnapshot, ...] = ()  # lead handler (主办) first
    investigator_ids: frozenset[Any] | None = None  # defaults to the handlers
    fine_fen: int = 0
    penalty_kinds: frozenset[str] = frozenset()
    major: bool = False  # a major penalty (catalog major_fine / major_kinds / tier, Art. 58)
    legal_review_required: bool = False  # any other Art. 58 ground (discretion engine, departure)
    major_rights: bool = False  # directly concerns major rights of the party or a third party (Art. 58(2))
    complex_or_serious: bool = False  # 情节复杂或者重大违法行为 (Art. 57 para 2)
    collective_discussion_held: bool = False
    discussed_before_hearing: bool = False  # the last discussion preceded a hearing held since
    hearing_right: bool = False
    hearing: HearingSnapshot = field(default_factory=HearingSnapshot)
    notice_served_on: dt.date | None = None
    response_window_due: dt.date | None = None  # None: computed from notice_served_on and the policy
    rights_waived: bool = False  # the party expressly waived statement, defence and hearing (Art. 62)
    legal_review: LegalReviewSnapshot | None = None
    violation_on: dt.date | None = None
    violation_ended_on: dt.date | None = None  # end of a continuing act
    continuing: bool = False  # 连续或者继续状态 and not yet ended when violation_ended_on is None
    discovered_on: dt.date | None = None  # defaults to filed_on, then the day of the check
    limitation: LimitationCategory = LimitationCategory.GENERAL
    limitation_years: int | None = None  # for SPECIAL_LAW
    filed_on: dt.date | None = None
    suspensions: tuple[Suspension, ...] = ()
    extensions: tuple[Extension, ...] = ()
    agency_is_township: bool = False
    item_delegated_to_township: bool = False
    execution: ExecutionSnapshot | None = None


Guard = Callable[[CaseSnapshot, dt.date, CasePolicy, WorkingCalendar], list[UserError]]


# --- who acts ------------------------------------------------------------------------------


def handler_roles(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    return not_enforcers(case.handlers)


def not_enforcers(handlers: Sequence[OfficerSnapshot]) -> list[UserError]:
    """APL Art. 42: a case is handled by enforcement officers from registration on; auxiliary staff
    only assist (seed 001 names "依靠聘用的辅助人员代替行政执法人员执法" as the abuse to prevent)."""
    return [
        UserError(
            CaseErrorCode.AUXILIARY_CANNOT_ENFORCE,
            f"{'主办' if i == 0 else '承办'}人员{o.display}是{o.role_value.label}，不是执法人员，不能承办案件（可列为协助人员）；"
            f"{APL}第四十二条规定行政处罚由具有行政执法资格的执法人员实施",
            "officerIds",
        )
        for i, o in enumerate(handlers)
        if o.role_value not in ENFORCERS
    ]


def officers(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 42: at least two officers with enforcement certificates valid today for the domain."""
    errors = handler_roles(case, today, policy, calendar)
    qualified = 0
    for officer in case.handlers:
        if officer.role_value not in ENFORCERS:
            continue
        problem = certificate_problem(officer, today)
        if problem:
            errors.append(UserError(CaseErrorCode.CERTIFICATE_INVALID, f"执法人员{officer.display}的执法证件{problem}，不能实施行政处罚", "officerIds"))
        elif case.domain not in officer.domains:
            errors.append(
                UserError(
                    CaseErrorCode.CERTIFICATE_DOMAIN_MISMATCH,
                    f"执法人员{officer.display}的执法证件不包含“{case.domain}”执法领域",
                    "officerIds",
                )
            )
        else:
            qualified += 1
    if qualified < policy.min_officers:
        assisting = sum(1 for o in case.handlers if o.role_value not in ENFORCERS)
        extra = f"（辅助人员 {assisting} 名不计入）" if assisting else ""
        errors.append(
            UserError(
                CaseErrorCode.OFFICERS_TOO_FEW,
                f"持有当日有效、覆盖本领域执法证件的执法人员只有 {qualified} 名{extra}，"
                f"{APL}第四十二条规定执法人员不得少于 {policy.min_officers} 人",
                "officerIds",
            )
        )
    return errors


def certificate_problem(officer: OfficerSnapshot, day: dt.date) -> str | None:
    """Why the certificate does not allow acting on `day`, in Chinese; None when it does."""
    status = officer.status_value
    in_force = officer.status_since is None or day >= officer.status_since
    since = f"自 {officer.status_since.isoformat()} 起" if officer.status_since else ""
    if status is CertificateStatus.SUSPENDED and in_force:
        return f"{since}已被暂扣"
    if status is CertificateStatus.REVOKED and in_force:
        return f"{since}已被注销或者吊销"
    if officer.certificate_valid_from is None or officer.certificate_valid_until is None:
        return "未登记或信息不全（缺少有效期）"
    if day < officer.certificate_valid_from:
        return f"自 {officer.certificate_valid_from.isoformat()} 起才有效"
    if day > officer.certificate_valid_until:
        return f"已于 {officer.certificate_valid_until.isoformat()} 过期"
    return None


def township_delegation(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 24: a township exercises only the penalty powers handed to it (published decision)."""
    if case.agency_is_township and not case.item_delegated_to_township:
        return [
            UserError(
                CaseErrorCode.ITEM_NOT_DELEGATED,
                f"该执法事项未交由乡镇（街道）行使，乡镇（街道）不能办理；{APL}第二十四条",
                "itemCode",
            )
        ]
    return []


def township_major(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """Major penalties are not decided by a township: they go to the county by transfer (policy)."""
    if policy.township_major_to_county and case.agency_is_township and case.major:
        return [
            UserError(
                CaseErrorCode.MAJOR_PENALTY_TO_COUNTY,
                "拟作出的是重大行政处罚，乡镇（街道）不能作出，应当移送县级执法部门办理",
                "agencyId",
            )
        ]
    return []


# --- what may be penalised ------------------------------------------------------------------


def limitation_ends_on(case: CaseSnapshot) -> dt.date | None:
    """The last day the act may be discovered (APL Art. 36); None while a continuing act goes on."""
    if case.violation_ended_on is not None:
        begin = case.violation_ended_on
    elif case.continuing:
        return None
    elif case.violation_on is not None:
        begin = case.violation_on
    else:
        raise UserError(CaseErrorCode.VIOLATION_DATE_REQUIRED, "未记录违法行为发生日期，无法判断是否超过追责时效", "violationDate")
    return add_years(begin, limitation_years(case))


def limitation_years(case: CaseSnapshot) -> int:
    if case.limitation is LimitationCategory.GENERAL:
        return 2
    if case.limitation is LimitationCategory.LIFE_HEALTH_FINANCE:
        return 5
    if not case.limitation_years or case.limitation_years < 1:
        raise UserError(CaseErrorCode.LIMITATION_YEARS_REQUIRED, "适用法律特别规定的追责时效时，须写明时效年数", "limitationYears")
    return case.limitation_years


def limitation(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 36: not discovered within 2 years (5 for life, health or financial safety with harm;
    a law may say otherwise) → no penalty. Counted from the act, or from the end of a continuing act.

    The period is counted like the Civil Procedure Law's year periods: the day of the act is not
    counted and the period ends on the same date N years later (28 February for a 29 February
    act in a common year). It does not roll over holidays: discovery is a fact, not an act the
    party must perform on a working day.
    """
    last = limitation_ends_on(case)
    if last is None:
        return []
    discovered = case.discovered_on or case.filed_on or today
    if discovered > last:
        end = case.violation_ended_on or case.violation_on
        years = limitation_years(case)
        return [
            UserError(
                CaseErrorCode.LIMITATION_EXPIRED,
                f"违法行为{'终了' if case.violation_ended_on else '发生'}于 {end.isoformat()}，{discovered.isoformat()} 才被发现，"
                f"已超过 {years} 年追责时效（至 {last.isoformat()}），不再给予行政处罚；{APL}第三十六条",
                "violationDate",
            )
        ]
    return []


def simple_procedure(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 51: on the spot only a warning or a fine ≤ 200 yuan (citizen) / ≤ 3,000 yuan (organisation)."""
    errors = []
    other = sorted(case.penalty_kinds - SIMPLE_KINDS)
    if other:
        names = "、".join(PENALTY_KINDS.get(k, k) for k in other)
        errors.append(
            UserError(
                CaseErrorCode.SIMPLE_PROCEDURE_NOT_ALLOWED,
                f"简易程序只能给予警告或者罚款，不能{names}，应当适用普通程序；{APL}第五十一条",
                "procedure",
            )
        )
    limit = policy.simple_fine_limit(case.party_kind)
    if case.fine_fen > limit:
        who = "公民" if case.party_kind in NATURAL_PERSON_KINDS else "法人或者其他组织"
        errors.append(
            UserError(
                CaseErrorCode.SIMPLE_PROCEDURE_NOT_ALLOWED,
                f"罚款 {fen_to_yuan(case.fine_fen)} 元超过简易程序对{who}的上限 {fen_to_yuan(limit)} 元，应当适用普通程序；{APL}第五十一条",
                "procedure",
            )
        )
    if case.fine_fen > 0 and "fine" not in case.penalty_kinds and not other:
        errors.append(UserError(CaseErrorCode.SIMPLE_PROCEDURE_NOT_ALLOWED, "罚款金额大于零，但处罚种类中没有罚款", "penaltyKinds"))
    if not case.penalty_kinds:
        errors.append(UserError(CaseErrorCode.SIMPLE_PROCEDURE_NOT_ALLOWED, "简易程序须当场给予警告或者罚款，未写明处罚种类", "penaltyKinds"))
    return errors


# --- before the decision -----------------------------------------------------------------------


def notice(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 44, 62: no decision before the prior notice and the window for statement, defence
    and hearing request has passed, unless the party expressly waived those rights."""
    if case.notice_served_on is None:
        return [
            UserError(
                CaseErrorCode.NOTICE_REQUIRED,
                f"未向当事人送达行政处罚告知书，不得作出行政处罚决定；{APL}第四十四条、第六十二条",
                "noticeServedOn",
            )
        ]
    if case.rights_waived:
        return []
    due = response_window_due(case, policy, calendar)
    if today <= due:
        return [
            UserError(
                CaseErrorCode.NOTICE_WINDOW_OPEN,
                f"当事人陈述、申辩{'和要求听证' if case.hearing_right else ''}的期限至 {due.isoformat()} 届满，"
                f"期满前（当事人明确放弃的除外）不得作出行政处罚决定；{APL}第六十二条、第六十四条",
                "decidedOn",
            )
        ]
    return []


def response_window_due(case: CaseSnapshot, policy: CasePolicy, calendar: WorkingCalendar) -> dt.date:
    if case.response_window_due is not None:
        return case.response_window_due
    assert case.notice_served_on is not None
    window = notice_response_rule(policy, hearing_right=case.hearing_right)
    return compute(window, case.notice_served_on, calendar=calendar).due_on


def hearing_request(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 63: only the listed penalties carry a hearing right; Art. 64 item 1: within 5 WD."""
    if not case.hearing_right:
        return [
            UserError(
                CaseErrorCode.HEARING_NOT_AVAILABLE,
                f"拟作出的行政处罚不属于{APL}第六十三条规定的听证范围，当事人可以陈述、申辩",
                "hearing",
            )
        ]
    if case.notice_served_on is None:
        return []  # the machine only allows a request after the notice; nothing to count from
    requested = case.hearing.requested_on or today
    window = rule("HEARING_REQUEST", policy)
    due = compute(window, case.notice_served_on, calendar=calendar).due_on
    if requested > due:
        return [
            UserError(
                CaseErrorCode.HEARING_REQUEST_LATE,
                f"听证申请应当在告知后五个工作日内（至 {due.isoformat()}）提出，{requested.isoformat()} 提出已逾期；{APL}第六十四条第一项",
                "hearing",
            )
        ]
    return []


def hearing_conduct(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 64 items 2 and 4: notified 7 working days before; chaired by a non-investigator."""
    errors = []
    held_on = case.hearing.held_on or today
    if case.hearing.notice_on is None:
        errors.append(UserError(CaseErrorCode.HEARING_NOTICE_LATE, f"未通知当事人听证的时间、地点，不得举行听证；{APL}第六十四条第二项", "hearing"))
    else:
        latest = compute(rule("HEARING_NOTICE", policy), held_on, calendar=calendar).due_on
        if case.hearing.notice_on > latest:
            errors.append(
                UserError(
                    CaseErrorCode.HEARING_NOTICE_LATE,
                    f"{held_on.isoformat()} 举行听证，最迟应于 {latest.isoformat()} 通知当事人（七个工作日前），"
                    f"实际 {case.hearing.notice_on.isoformat()} 才通知；{APL}第六十四条第二项",
                    "hearing",
                )
            )
    investigators = case.investigator_ids if case.investigator_ids is not None else {o.id for o in case.handlers}
    if case.hearing.chair_id is None:
        errors.append(UserError(CaseErrorCode.HEARING_CHAIR_REQUIRED, f"未指定听证主持人；{APL}第六十四条第四项规定听证由行政机关指定的非本案调查人员主持", "hearing"))
    elif case.hearing.chair_id in investigators:
        errors.append(
            UserError(CaseErrorCode.HEARING_CHAIR_IS_INVESTIGATOR, f"听证主持人是本案调查人员；{APL}第六十四条第四项要求由非本案调查人员主持", "hearing")
        )
    return errors


def hearing_pending(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 63–65: once requested, the hearing is held (or waived) before the decision."""
    h = case.hearing
    if h.requested_on is not None and not h.held and not h.waived:
        return [
            UserError(
                CaseErrorCode.HEARING_PENDING,
                f"当事人已于 {h.requested_on.isoformat()} 要求听证，听证结束前不得作出决定；{APL}第六十三条至第六十五条",
                "hearing",
            )
        ]
    return []


def legal_review(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 58: a major decision is reviewed first by a qualified reviewer who is not a handler;
    without a review, or if it fails, no decision."""
    if not review_required(case):
        return []
    review = case.legal_review
    if review is None:
        return [UserError(CaseErrorCode.LEGAL_REVIEW_REQUIRED, f"重大行政处罚决定须先经法制审核；{APL}第五十八条", "legalReview")]
    if review.before_hearing:
        return [
            UserError(
                CaseErrorCode.RECONSIDER_AFTER_HEARING,
                f"法制审核于听证之前作出，未审核听证笔录；听证后行政机关应当根据听证笔录作出决定，须重新进行法制审核；{APL}第五十八条、第六十五条",
                "legalReview",
            )
        ]
    errors = []
    if not review.passed:
        errors.append(UserError(CaseErrorCode.LEGAL_REVIEW_NOT_PASSED, f"法制审核未通过，不得作出决定；{APL}第五十八条", "legalReview"))
    reviewer = review.reviewer
    if reviewer.role_value is not Role.LEGAL_REVIEWER:
        errors.append(
            UserError(
                CaseErrorCode.REVIEWER_NOT_QUALIFIED,
                f"审核人{reviewer.display}不是从事法制审核的人员（{reviewer.role_value.label}）；{APL}第五十八条",
                "legalReview",
            )
        )
    elif not reviewer_qualified(reviewer):
        errors.append(
            UserError(
                CaseErrorCode.REVIEWER_NOT_QUALIFIED,
                f"审核人{reviewer.display}初次从事法制审核，未取得法律职业资格；{APL}第五十八条第二款",
                "legalReview",
            )
        )
    if reviewer.id in {o.id for o in case.handlers}:
        errors.append(
            UserError(CaseErrorCode.REVIEWER_IS_HANDLER, f"审核人{reviewer.display}是本案承办人员，不能审核本案", "legalReview")
        )
    return errors


def review_required(case: CaseSnapshot) -> bool:
    """Art. 58: the catalog's major penalty (item 1/3/4 as the catalog and discretion engine judge
    them, `major` / `legal_review_required`), or major rights after a hearing (item 2)."""
    return case.major or case.legal_review_required or (case.major_rights and case.hearing.held)


def reviewer_qualified(reviewer: OfficerSnapshot) -> bool:
    """Art. 58 para 2: a first-time reviewer needs 法律职业资格; those reviewing before the revised
    APL took effect (2021-07-15) are not first-time reviewers."""
    if reviewer.legal_qualification:
        return True
    return reviewer.reviewing_since is not None and reviewer.reviewing_since < REVISED_APL_IN_FORCE


def collective_discussion(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 57 para 2: complex circumstances or serious violations are decided collectively —
    after a hearing, on its record (Art. 65)."""
    if case.complex_or_serious and case.collective_discussion_held and case.discussed_before_hearing:
        return [
            UserError(
                CaseErrorCode.RECONSIDER_AFTER_HEARING,
                f"集体讨论于听证之前进行；听证结束后应当根据听证笔录作出决定，须重新集体讨论；{APL}第五十七条第二款、第六十五条",
                "collectiveDiscussion",
            )
        ]
    if case.complex_or_serious and not case.collective_discussion_held:
        return [
            UserError(
                CaseErrorCode.COLLECTIVE_DISCUSSION_REQUIRED,
                f"情节复杂或者重大违法行为，须经行政机关负责人集体讨论决定；{APL}第五十七条第二款",
                "collectiveDiscussion",
            )
        ]
    return []


def decision_limit(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """APL Art. 60: decide within 90 days of filing; suspended time not counted, extensions added.

    A limit ending in a year whose holiday notice is not recorded is counted on weekends alone,
    which is never later than the true last day: a day up to it is surely in time; only after it
    is the answer unknown until the notice is recorded (CALENDAR_YEAR_UNKNOWN)."""
    if case.filed_on is None:
        return [UserError(CaseErrorCode.FILED_ON_REQUIRED, "未记录立案日期，无法计算作出决定的期限", "filedOn")]
    found = provisionally(lambda cal: compute(rule("DECISION", policy), case.filed_on, case.suspensions, case.extensions, cal), calendar)
    deadline = found.deadline if isinstance(found, Provisional) else found
    if today > deadline.due_on and isinstance(found, Provisional):
        return [calendar.unknown_year(found.unknown_year)]
    if today > deadline.due_on:
        detail = []
        if deadline.suspended_days:
            detail.append(f"已扣除中止 {deadline.suspended_days} 日")
        if deadline.extended_days:
            detail.append(f"已计入延长 {deadline.extended_days} 日")
        note = f"（{'，'.join(detail)}）" if detail else ""
        return [
            UserError(
                CaseErrorCode.DECISION_OVERDUE,
                f"立案于 {case.filed_on.isoformat()}，作出决定的期限已于 {deadline.due_on.isoformat()} 届满{note}，"
                f"须经批准延长；{APL}第六十条",
                "decidedOn",
            )
        ]
    return []


def execution_finished(case: CaseSnapshot, today: dt.date, policy: CasePolicy, calendar: WorkingCalendar) -> list[UserError]:
    """A decision with a fine closes only once execution is finished or lawfully ended."""
    if case.execution is None:
        if case.fine_fen > 0:
            return [UserError(CaseErrorCode.CLOSE_EXECUTION_UNFINISHED, "罚款尚无执行记录，不能结案", "execution")]
        return []
    return closing_errors(case.execution, today)


# --- which guards run for which step ------------------------------------------------------------

_ACT = (officers, township_delegation)
_GENERAL_DECIDE = (
    *_ACT,
    township_major,
    limitation,
    notice,
    hearing_pending,
    legal_review,
    collective_discussion,
    decision_limit,
)

GUARDS: dict[tuple[Procedure, Action], tuple[Guard, ...]] = {
    (Procedure.GENERAL, Action.FILE): (handler_roles, township_delegation, limitation),
    (Procedure.GENERAL, Action.START_INVESTIGATION): _ACT,
    (Procedure.GENERAL, Action.PROPOSE): (*_ACT, township_major),
    (Procedure.GENERAL, Action.NOTIFY): (*_ACT, township_major),
    (Procedure.GENERAL, Action.REQUEST_HEARING): (hearing_request,),
    (Procedure.GENERAL, Action.HOLD_HEARING): (hearing_conduct,),
    (Procedure.GENERAL, Action.DECIDE): _GENERAL_DECIDE,
    (Procedure.GENERAL, Action.DECIDE_NO_PENALTY): (*_ACT, decision_limit),
    (Procedure.GENERAL, Action.TRANSFER): (officers,),
    (Procedure.GENERAL, Action.CLOSE): (execution_finished,),
    (Procedure.SIMPLE, Action.DECIDE): (*_ACT, township_major, limitation, simple_procedure),
    (Procedure.SIMPLE, Action.CLOSE): (execution_finished,),
}


def guards_for(procedure: Procedure, action: Action | str) -> tuple[Guard, ...]:
    return GUARDS.get((procedure, parse_action(action)), ())


def check(
    action: Action | str,
    case: CaseSnapshot,
    today: dt.date,
    policy: CasePolicy = DEFAULT_POLICY,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> list[UserError]:
    """Every legal problem with doing `action` on `case` today (empty: the law allows it).

    A guard that cannot judge (a missing date, a year the calendar does not know) reports that
    as its problem: the step is blocked, never waved through.
    """
    errors: list[UserError] = []
    for guard in guards_for(case.procedure, action):
        try:
            errors += guard(case, today, policy, calendar)
        except UserError as exc:
            errors.append(exc)
    return errors


def codes(errors: Sequence[UserError]) -> list[str]:
    return [e.code for e in errors]

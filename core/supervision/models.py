"""Enforcement supervision (执法监督): what the justice bureaus record about the enforcers.

- samples of closed cases drawn for case-file review (案卷评查) or return visits (回访);
- the reviews with their findings per rubric item;
- special explanations (专项说明) of agencies that made no act in a year;
- supervision letters (行政执法监督函) and their timeline;
- rectification campaigns (整改) with dated stages and their problem lists (问题清单 / 整改台账);
- return visits to parties of closed cases;
- outside supervisors: special supervisors (特邀监督员) and enterprise contact points (企业联系点);
- reconsiderations and lawsuits against decisions, for the annual responsibility ledger.

Alerts are not stored: they are computed from the records whenever they are asked for.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, IdMixin, enum_column, utcnow
from zhifa.core.labels import LabeledEnum


class SamplePurpose(LabeledEnum):
    CASE_REVIEW = "case_review", "案卷评查"
    RETURN_VISIT = "return_visit", "案件回访"


class SupervisionSample(IdMixin, Base):
    """A reproducible random sample of closed cases, stratified by agency (core.supervision.sampling)."""

    __tablename__ = "supervision_samples"
    __table_args__ = (sa.CheckConstraint("percent BETWEEN 1 AND 100", name="percent_range"),)

    purpose: Mapped[SamplePurpose] = mapped_column(enum_column(SamplePurpose, "sample_purpose"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int]  # cases closed in this year form the population
    percent: Mapped[int] = mapped_column(sa.SmallInteger)
    seed: Mapped[str] = mapped_column(sa.String(200))
    organiser_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    population_size: Mapped[int]
    population_digest: Mapped[str] = mapped_column(sa.String(64))  # SM3 of the canonical population
    sample_digest: Mapped[str] = mapped_column(sa.String(64))
    rubric: Mapped[dict[str, Any] | None]  # case reviews: the rubric in force, frozen with the sample
    drawn_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(100))


class ReviewGrade(LabeledEnum):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class CaseReview(IdMixin, Base):
    """One case file under review: assigned to a reviewer from another agency, then scored."""

    __tablename__ = "case_reviews"
    __table_args__ = (
        sa.UniqueConstraint("sample_id", "case_id", name="uq_case_reviews_sample_id_case_id"),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        sa.CheckConstraint("(reviewed_on IS NULL) = (grade IS NULL)", name="graded_when_reviewed"),
    )

    sample_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("supervision_samples.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)  # under review
    reviewer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    score: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(5, 1))
    grade: Mapped[ReviewGrade | None] = mapped_column(enum_column(ReviewGrade, "review_grade"))
    vetoed: Mapped[bool] = mapped_column(default=False)  # a basic (veto) item failed
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ReviewFinding(IdMixin, Base):
    """A deduction (or a veto) against one rubric item in one review."""

    __tablename__ = "review_findings"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "item_code", name="uq_review_findings_review_id_item_code"),
        sa.CheckConstraint("deduction >= 0", name="deduction_non_negative"),
    )

    review_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("case_reviews.id"), index=True)
    item_code: Mapped[str] = mapped_column(sa.String(20))
    deduction: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(5, 1))
    note: Mapped[str] = mapped_column(sa.Text, default="")


class SpecialExplanation(IdMixin, Base):
    """专项说明: why an agency holding a domain's items made no penalty in it during a year."""

    __tablename__ = "special_explanations"
    __table_args__ = (sa.UniqueConstraint("agency_id", "year", "domain_code", name="uq_special_explanations_agency_year_domain"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    year: Mapped[int]
    domain_code: Mapped[str] = mapped_column(sa.ForeignKey("domains.code"))
    text: Mapped[str] = mapped_column(sa.Text)
    filed_on: Mapped[dt.date]
    actor: Mapped[str] = mapped_column(sa.String(100))


class CampaignStage(LabeledEnum):
    """The four stages of a campaign against prominent enforcement problems (鞍山 2022 方案)."""

    SELF_ASSESSMENT = "self_assessment", "自评自改"
    RECTIFICATION = "rectification", "提升整改"
    PRE_ASSESSMENT = "pre_assessment", "预评立制"
    FINAL_ASSESSMENT = "final_assessment", "总评考核"


class RectificationCampaign(IdMixin, Base):
    """A campaign with dated stages; each stage runs from the day after the previous one ends."""

    __tablename__ = "rectification_campaigns"
    __table_args__ = (
        sa.CheckConstraint(
            "starts_on <= self_assessment_until AND self_assessment_until < rectification_until"
            " AND rectification_until < pre_assessment_until AND pre_assessment_until < final_assessment_until",
            name="stages_ordered",
        ),
    )

    name: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int]
    organiser_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    starts_on: Mapped[dt.date]
    self_assessment_until: Mapped[dt.date]
    rectification_until: Mapped[dt.date]
    pre_assessment_until: Mapped[dt.date]
    final_assessment_until: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(100))


class ProblemStatus(LabeledEnum):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改待核验"
    CLOSED = "closed", "已销号"


class Problem(IdMixin, Base):
    """One line of a problem list and its rectification ledger (问题清单 / 整改台账)."""

    __tablename__ = "supervision_problems"
    __table_args__ = (
        sa.CheckConstraint("status = 'open' OR (measure IS NOT NULL AND rectified_on IS NOT NULL)", name="rectified_with_measure"),
        sa.CheckConstraint("status <> 'closed' OR verified_on IS NOT NULL", name="closed_when_verified"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    campaign_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("rectification_campaigns.id"), index=True)
    letter_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("supervision_letters.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    stage: Mapped[CampaignStage | None] = mapped_column(enum_column(CampaignStage, "campaign_stage"))  # found in
    category: Mapped[str] = mapped_column(sa.String(40))  # 不作为, 乱作为, 不规范, alert code …
    description: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. {"alert": code, "subject": global id}
    found_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    status: Mapped[ProblemStatus] = mapped_column(enum_column(ProblemStatus, "problem_status"), index=True)
    measure: Mapped[str | None] = mapped_column(sa.Text)  # 整改措施
    rectified_on: Mapped[dt.date | None]
    verified_on: Mapped[dt.date | None]
    verified_by: Mapped[str | None] = mapped_column(sa.String(100))
    returned_reasons: Mapped[str | None] = mapped_column(sa.Text)  # why the last rectification was not accepted
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class LetterStatus(LabeledEnum):
    ISSUED = "issued", "已下达"
    ANSWERED = "answered", "已反馈整改情况"
    RETURNED = "returned", "整改不到位已退回"
    CLOSED = "closed", "已办结"


class SupervisionLetter(IdMixin, Base):
    """行政执法监督函: findings sent to an agency, answered with its rectification, closed only
    when the issuing supervisor accepts the answer."""

    __tablename__ = "supervision_letters"
    __table_args__ = (
        sa.CheckConstraint("due_on >= issued_on", name="due_after_issue"),
        sa.CheckConstraint("status <> 'closed' OR closed_on IS NOT NULL", name="closed_dated"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    number: Mapped[str] = mapped_column(sa.String(60), unique=True)  # e.g. 定司监函〔2026〕1号
    issuing_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)  # addressed to
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("rectification_campaigns.id"), index=True)
    findings: Mapped[str] = mapped_column(sa.Text)
    requirements: Mapped[str] = mapped_column(sa.Text)  # 整改要求
    alerts: Mapped[list[dict[str, Any]]] = mapped_column(default=list)  # [{"code": ..., "subject": global id}]
    issued_on: Mapped[dt.date]
    due_on: Mapped[dt.date] = mapped_column(index=True)
    status: Mapped[LetterStatus] = mapped_column(enum_column(LetterStatus, "letter_status"), index=True)
    answer: Mapped[str | None] = mapped_column(sa.Text)  # the latest rectification report
    answered_on: Mapped[dt.date | None]
    closed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class LetterEvent(IdMixin, Base):
    """One step on a supervision letter's timeline."""

    __tablename__ = "supervision_letter_events"
    __table_args__ = (sa.UniqueConstraint("letter_id", "seq", name="uq_supervision_letter_events_letter_id_seq"),)

    letter_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("supervision_letters.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(40))
    happened_on: Mapped[dt.date]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class VisitMethod(LabeledEnum):
    PHONE = "phone", "电话回访"
    ON_SITE = "on_site", "上门回访"
    QUESTIONNAIRE = "questionnaire", "问卷回访"


class VisitSatisfaction(LabeledEnum):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    UNREACHABLE = "unreachable", "未能联系上"


class ReturnVisit(IdMixin, Base):
    """案件回访: a party of a sampled closed case asked how the enforcement went."""

    __tablename__ = "return_visits"
    __table_args__ = (
        sa.UniqueConstraint("sample_id", "case_id", name="uq_return_visits_sample_id_case_id"),
        sa.CheckConstraint("(visited_on IS NULL) = (satisfaction IS NULL)", name="answered_when_visited"),
        # 回访结果处理: misconduct the party reported is always registered in the complaint ledger.
        sa.CheckConstraint("problem_reported = (complaint_id IS NOT NULL)", name="reported_problem_registered"),
    )

    sample_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("supervision_samples.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)  # the case's agency
    visitor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officers.id"))
    method: Mapped[VisitMethod | None] = mapped_column(enum_column(VisitMethod, "visit_method"))
    visited_on: Mapped[dt.date | None]
    satisfaction: Mapped[VisitSatisfaction | None] = mapped_column(enum_column(VisitSatisfaction, "visit_satisfaction"))
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    problem_reported: Mapped[bool] = mapped_column(default=False)  # the party reported misconduct
    complaint_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("complaints.id"), index=True)  # the report registered
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class OutsideSupervisorKind(LabeledEnum):
    SPECIAL_SUPERVISOR = "special_supervisor", "特邀行政执法监督员"
    ENTERPRISE_CONTACT = "enterprise_contact", "行政执法监督企业联系点"


class OutsideSupervisor(IdMixin, Base):
    """A special supervisor or an enterprise contact point appointed by a justice bureau. Their
    reports enter the complaint ledger (Complaint.outside_supervisor_id)."""

    __tablename__ = "outside_supervisors"
    __table_args__ = (sa.CheckConstraint("term_until IS NULL OR term_until >= appointed_on", name="term_ordered"),)

    kind: Mapped[OutsideSupervisorKind] = mapped_column(enum_column(OutsideSupervisorKind, "outside_supervisor_kind"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))  # the person, or the enterprise for a contact point
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")  # 工作单位 / 联系人所在部门
    entity_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    region_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    appointing_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    appointed_on: Mapped[dt.date]
    term_until: Mapped[dt.date | None]
    active: Mapped[bool] = mapped_column(default=True)


class ChallengeKind(LabeledEnum):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class ChallengeOutcome(LabeledEnum):
    PENDING = "pending", "审理中"
    UPHELD = "upheld", "维持或驳回请求"
    REVOKED = "revoked", "撤销"
    CHANGED = "changed", "变更"
    CONFIRMED_ILLEGAL = "confirmed_illegal", "确认违法"
    ORDERED_TO_ACT = "ordered_to_act", "责令履行"
    WITHDRAWN = "withdrawn", "申请人撤回或终止"


# Outcomes that count as lost for the agency (败诉 / 被纠错) in the responsibility ledger.
LOST_OUTCOMES = frozenset({ChallengeOutcome.REVOKED, ChallengeOutcome.CHANGED, ChallengeOutcome.CONFIRMED_ILLEGAL, ChallengeOutcome.ORDERED_TO_ACT})


class LegalChallenge(IdMixin, Base):
    """A reconsideration (复议) or lawsuit (诉讼) against a case's decision and how it ended."""

    __tablename__ = "legal_challenges"
    __table_args__ = (
        sa.CheckConstraint("(outcome = 'pending') = (decided_on IS NULL)", name="decided_when_ended"),
        sa.CheckConstraint("decided_on IS NULL OR decided_on >= filed_on", name="decided_after_filed"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[ChallengeKind] = mapped_column(enum_column(ChallengeKind, "challenge_kind"))
    body: Mapped[str] = mapped_column(sa.String(200))  # 复议机关 or court
    filed_on: Mapped[dt.date]
    outcome: Mapped[ChallengeOutcome] = mapped_column(enum_column(ChallengeOutcome, "challenge_outcome"))
    decided_on: Mapped[dt.date | None]
    actor: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

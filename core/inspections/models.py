"""Inspection plans and their draws, inspections (one visit to one entity), inspectors, point
results, the separate visits a joint visit replaced, recusal declarations and risk ratings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, IdMixin, enum_column, utcnow
from zhifa.core.labels import LabeledEnum


class PlanStatus(LabeledEnum):
    DRAFT = "draft", "草拟"
    DRAWN = "drawn", "已抽取"
    CLOSED = "closed", "结果已公示"


class RiskClass(LabeledEnum):
    """信用风险分类 (Zhejiang 综合行政执法条例 Art. 21): more checks for higher classes."""

    A = "A", "A类（低风险）"
    B = "B", "B类（一般风险）"
    C = "C", "C类（较高风险）"
    D = "D", "D类（高风险）"


class CreditLevel(LabeledEnum):
    """From the entity's credit records in force (未修复、仍在公示期内)."""

    GOOD = "good", "无失信记录"
    ORDINARY = "ordinary", "一般失信"
    SERIOUS = "serious", "严重失信"


class InspectionKind(LabeledEnum):
    RANDOM = "random", "双随机抽查"
    JOINT = "joint", "综合查一次（联合检查）"


class InspectionStatus(LabeledEnum):
    PLANNED = "planned", "待检查"
    DONE = "done", "已检查"


class InspectionOutcome(LabeledEnum):
    """检查结果 (REFERENCE §6; the national vocabulary is unconfirmed)."""

    NO_PROBLEM = "no_problem", "未发现问题"
    CORRECTED = "corrected", "发现问题已责令改正"
    REFERRED = "referred", "发现问题移送立案"
    NO_BUSINESS = "no_business", "未发现开展本次抽查涉及的经营活动"
    NOT_LOCATED = "not_located", "查无下落"


class PointOutcome(LabeledEnum):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    NOT_APPLICABLE = "not_applicable", "不适用"


class RecusalReason(LabeledEnum):
    RELATIVE = "relative", "近亲属关系"
    FORMER_EMPLOYMENT = "former_employment", "曾在该单位任职或有劳务关系"
    INTEREST = "interest", "其他利害关系"


class InspectionPlan(IdMixin, Base):
    """抽查计划: what is checked (domains, checklists), among whom (the target filter), how many
    (a count or a percentage per risk class), by how many inspectors, and in which window."""

    __tablename__ = "inspection_plans"
    __table_args__ = (
        sa.CheckConstraint("inspectors_per_task >= 2", name="two_inspectors"),
        sa.CheckConstraint("yearly_ceiling >= 1", name="ceiling_positive"),
        sa.CheckConstraint("rotation_months >= 0", name="rotation_non_negative"),
        sa.CheckConstraint("ends_on >= starts_on", name="window_ordered"),
        sa.CheckConstraint("target_count IS NULL OR target_count >= 1", name="count_positive"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    domains: Mapped[list[str]]
    checklist_codes: Mapped[list[str]]
    target_filter: Mapped[dict[str, Any]]
    target_count: Mapped[int | None]
    percents: Mapped[dict[str, Any] | None]  # risk class -> whole percent of that class drawn
    inspectors_per_task: Mapped[int] = mapped_column(sa.SmallInteger)
    yearly_ceiling: Mapped[int] = mapped_column(sa.SmallInteger)
    rotation_months: Mapped[int] = mapped_column(sa.SmallInteger)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus, "inspection_plan_status"), index=True)
    published_on: Mapped[dt.date | None]
    results_published_on: Mapped[dt.date | None]
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class InspectionDraw(IdMixin, Base):
    """The recorded lottery: algorithm, seed, the frozen candidate lists with their SM3 digests,
    and the result. Re-running the algorithm on the snapshot must give the same result."""

    __tablename__ = "inspection_draws"

    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("inspection_plans.id"), unique=True)
    algorithm: Mapped[str] = mapped_column(sa.String(60))
    algorithm_version: Mapped[int] = mapped_column(sa.SmallInteger)
    seed: Mapped[str] = mapped_column(sa.String(100))
    drawn_on: Mapped[dt.date]
    drawn_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    drawn_by: Mapped[str] = mapped_column(sa.String(100))
    snapshot: Mapped[dict[str, Any]]
    digests: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
    result_digest: Mapped[str] = mapped_column(sa.String(64))


class Inspection(IdMixin, Base):
    """One visit to one entity: a drawn task of a plan, or a joint visit that replaced several."""

    __tablename__ = "inspections"
    __table_args__ = (
        sa.CheckConstraint("kind <> 'random' OR plan_id IS NOT NULL", name="random_has_plan"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_inspections_planned_on_id", "planned_on", "id"),  # the list's order
        sa.Index("ix_inspections_agency_id_planned_on_id", "agency_id", "planned_on", "id"),  # one agency's, in that order
    )

    kind: Mapped[InspectionKind] = mapped_column(enum_column(InspectionKind, "inspection_kind"), index=True)
    plan_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("inspection_plans.id"), index=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"))
    scenario_code: Mapped[str | None] = mapped_column(sa.String(40))
    planned_on: Mapped[dt.date]
    inspected_on: Mapped[dt.date | None]
    status: Mapped[InspectionStatus] = mapped_column(enum_column(InspectionStatus, "inspection_status"))
    outcome: Mapped[InspectionOutcome | None] = mapped_column(enum_column(InspectionOutcome, "inspection_outcome"))
    domains: Mapped[list[str]]
    points: Mapped[list[dict[str, Any]]]  # the merged points as planned (code, codes, domain, item, text, basis)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class InspectionInspector(Base):
    """An inspector of a visit (检查人员); position 0 leads."""

    __tablename__ = "inspection_inspectors"

    inspection_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("inspections.id"), primary_key=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(sa.SmallInteger)


class InspectionResult(Base):
    """The finding on one (merged) point, with the evidence notes and the case it led to."""

    __tablename__ = "inspection_results"

    inspection_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("inspections.id"), primary_key=True)
    point_code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    domain_code: Mapped[str] = mapped_column(sa.String(40))
    item_code: Mapped[str] = mapped_column(sa.String(40))
    outcome: Mapped[PointOutcome] = mapped_column(enum_column(PointOutcome, "point_outcome"))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    # 现场整改: a failed point whose problem was put right during the visit (counted in the figures)
    corrected_on_spot: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    case_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))


class MergedVisit(Base):
    """A separate visit that a joint visit replaced: the agency that would have come, for a domain."""

    __tablename__ = "inspection_merged_visits"

    inspection_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("inspections.id"), primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True, index=True)
    domain_code: Mapped[str] = mapped_column(sa.ForeignKey("domains.code"), primary_key=True)
    checklist_codes: Mapped[list[str]]


class RecusalDeclaration(IdMixin, Base):
    """回避: an officer's declared conflict with an entity; the draw never pairs them."""

    __tablename__ = "recusal_declarations"
    __table_args__ = (sa.CheckConstraint("valid_until IS NULL OR valid_until >= declared_on", name="window_ordered"),)

    officer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    reason: Mapped[RecusalReason] = mapped_column(enum_column(RecusalReason, "recusal_reason"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    declared_on: Mapped[dt.date]
    valid_until: Mapped[dt.date | None]
    declared_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RiskRating(IdMixin, Base):
    """An entity's risk class from a given day (the latest one in force counts; none means B)."""

    __tablename__ = "entity_risk_ratings"

    entity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    risk_class: Mapped[RiskClass] = mapped_column(enum_column(RiskClass, "risk_class"))
    rated_on: Mapped[dt.date]
    basis: Mapped[str] = mapped_column(sa.String(300))
    rated_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

"""Cases (案件), their handling officers and their timeline."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.labels import LabeledEnum
from zhifa.core.db import Base, IdMixin, enum_column, utcnow


class Procedure(LabeledEnum):
    SIMPLE = "simple", "简易程序"
    GENERAL = "general", "一般程序"


class CaseStatus(LabeledEnum):
    REGISTERED = "registered", "已登记"
    FILED = "filed", "已立案"
    NOT_FILED = "not_filed", "不予立案"
    INVESTIGATING = "investigating", "调查取证"
    PROPOSED = "proposed", "处理审批"
    NOTIFIED = "notified", "已事先告知"
    HEARING = "hearing", "听证"
    LEGAL_REVIEW = "legal_review", "法制审核"
    COLLECTIVE_DISCUSSION = "collective_discussion", "集体讨论"
    DECIDED = "decided", "已决定"
    SERVED = "served", "已送达"
    EXECUTING = "executing", "执行中"
    CLOSED = "closed", "已结案"
    TRANSFERRED = "transferred", "已移送"


class Case(IdMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("fine_fen IS NULL OR fine_fen >= 0", name="fine_non_negative"),
        # the lists' keyset orders, led by the agency where one agency's cases are paged
        sa.Index("ix_cases_agency_id_registered_at_id", "agency_id", "registered_at", "id"),
        sa.Index("ix_cases_registered_at_id", "registered_at", "id"),
        sa.Index("ix_cases_violation_date_id", "violation_date", "id"),
        sa.Index("ix_cases_agency_id_entity_id", "agency_id", "entity_id"),  # the parties an agency reaches (entity rule)
        sa.Index("ix_cases_agency_id_decided_on", "agency_id", "decided_on"),  # an agency's decisions of a period (reports)
    )

    case_number: Mapped[str] = mapped_column(sa.String(60), unique=True)
    procedure: Mapped[Procedure] = mapped_column(enum_column(Procedure, "procedure"))
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, "case_status"), index=True)
    domain_code: Mapped[str] = mapped_column(sa.ForeignKey("domains.code"), index=True)
    item_version_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("catalog_item_versions.id"), index=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"))
    facts: Mapped[dict[str, Any]]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    violation_date: Mapped[dt.date]
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # What the procedure has settled so far (the steps themselves are the case's events).
    filed_on: Mapped[dt.date | None]
    fine_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    penalty_kinds: Mapped[list[str]] = mapped_column(default=list)
    major: Mapped[bool] = mapped_column(default=False)  # APL Art. 58: needs legal review
    hearing_right: Mapped[bool] = mapped_column(default=False)  # APL Art. 63
    discretion: Mapped[dict[str, Any] | None]  # the recommendation the proposal rests on
    decided_on: Mapped[dt.date | None]
    decision_number: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    closed_on: Mapped[dt.date | None]

    __mapper_args__ = {"version_id_col": version}


class CaseOfficerRole(LabeledEnum):
    HANDLER = "handler", "承办人员（执法人员）"
    ASSISTANT = "assistant", "协助人员（辅助人员，不实施行政处罚）"


class CaseOfficer(Base):
    """A person on a case: a handling officer (承办人员, APL Art. 42) or staff who assist them."""

    __tablename__ = "case_officers"
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(sa.SmallInteger)  # per role: handlers from 0 = lead handler (主办)
    role: Mapped[CaseOfficerRole] = mapped_column(
        enum_column(CaseOfficerRole, "case_officer_role"), default=CaseOfficerRole.HANDLER, server_default=CaseOfficerRole.HANDLER.value
    )


class CaseEvent(IdMixin, Base):
    """One step on the case's timeline: who did what, when."""

    __tablename__ = "case_events"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_id_seq"),
        sa.Index("ix_case_events_kind_case_id", "kind", "case_id"),  # the steps of one kind (hearings, payments: reports)
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"))  # indexed by (case_id, seq)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CaseRecipient(Base):
    """An agency a case was sent to by transfer (移送, APL Art. 25), kept by the transfer step: the
    receiver reads the case to answer the transfer before it takes it over, and keeps reading the
    file it was sent. The access rule's index (a timeline search would scan every event's JSON)."""

    __tablename__ = "case_recipients"
    __table_args__ = (sa.Index("ix_case_recipients_agency_id_case_id", "agency_id", "case_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True)


class NumberSequence(Base):
    """Gap-free serial numbers per agency, document type and year (REFERENCE §5.4)."""

    __tablename__ = "number_sequences"
    __table_args__ = (sa.CheckConstraint("last_value >= 0", name="non_negative"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True)
    doc_type: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class CaseDeadline(IdMixin, Base):
    """A running or met deadline of a case, recomputed from its events after every step."""

    __tablename__ = "case_deadlines"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "kind", name="uq_case_deadlines_case_id_kind"),
        # the clocks still running, by due day: the overdue filter reads only these
        sa.Index("ix_case_deadlines_open_due_on", "due_on", "case_id", postgresql_where=sa.text("met_on IS NULL"), sqlite_where=sa.text("met_on IS NULL")),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"))  # indexed by (case_id, kind)
    kind: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(60))
    day_type: Mapped[str] = mapped_column(sa.String(10))
    starts_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    basis: Mapped[str] = mapped_column(sa.String(200))
    met_on: Mapped[dt.date | None]  # None while the clock runs
    # Set when the period reaches a year whose holiday notice is not recorded: counted on weekends
    # alone (so never later than the true date) until the notice is added to holidays.toml.
    provisional_year: Mapped[int | None]

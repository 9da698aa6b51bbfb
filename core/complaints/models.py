"""Complaints and reports (投诉举报), their timeline, their links and the record of clear reads.

The complainant's name, phone and ID number are personal data: SM4-GCM ciphertext at rest, with a
keyed SM3 digest of the phone and of the ID number so repeat complainants can be found without
decrypting anything (`core.entities.crypto`). Nothing here stores them in clear — not the events,
not the audit record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, IdMixin, enum_column, utcnow
from zhifa.core.labels import LabeledEnum


class ComplaintKind(LabeledEnum):
    COMPLAINT = "complaint", "投诉"  # a consumer dispute to be settled (SAMR 投诉举报办法第三条第一款)
    REPORT = "report", "举报"  # a clue of a violation (第三条第二款)
    REQUEST = "request", "诉求"  # other 12345 work orders: help, suggestions, consultations


class ComplaintChannel(LabeledEnum):
    HOTLINE_12345 = "hotline_12345", "12345 政务服务便民热线"
    APP = "app", "政务服务 APP / 网站"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    SPECIAL_SUPERVISOR = "special_supervisor", "特邀监督员反映"
    ENTERPRISE_CONTACT = "enterprise_contact", "企业联系点反映"
    OTHER = "other", "其他渠道"


class ComplaintStatus(LabeledEnum):
    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "已交办"
    REPLIED = "replied", "已受理答复"
    HANDLING = "handling", "办理中"
    RESOLVED = "resolved", "已办结"
    CLOSED = "closed", "已销号"


class Satisfaction(LabeledEnum):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    UNREACHABLE = "unreachable", "回访未能联系上"


class Complaint(IdMixin, Base):
    """One complaint, report or 12345 work order, from receipt to closing (销号)."""

    __tablename__ = "complaints"
    __table_args__ = (
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("reopened_count >= 0", name="reopened_non_negative"),
        sa.CheckConstraint("reply_due_on >= reply_starts_on AND handling_due_on >= handling_starts_on", name="due_after_start"),
        sa.CheckConstraint("status <> 'closed' OR (closed_on IS NOT NULL AND resolved_on IS NOT NULL)", name="closed_only_resolved"),
        sa.UniqueConstraint("channel", "external_number", name="uq_complaints_channel_external_number"),
        sa.Index("ix_complaints_received_at_id", "received_at", "id"),  # the list's orders
        sa.Index("ix_complaints_handling_due_on_id", "handling_due_on", "id"),
    )

    number: Mapped[str] = mapped_column(sa.String(60), unique=True)  # 登记编号, e.g. 定综执投〔2025〕3号
    kind: Mapped[ComplaintKind] = mapped_column(enum_column(ComplaintKind, "complaint_kind"))
    channel: Mapped[ComplaintChannel] = mapped_column(enum_column(ComplaintChannel, "complaint_channel"), index=True)
    # The special supervisor or enterprise contact point who reported it (core.supervision).
    outside_supervisor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("outside_supervisors.id"), index=True)
    external_number: Mapped[str | None] = mapped_column(sa.String(60))  # 12345 工单号, letter number …
    received_at: Mapped[dt.datetime]
    received_on: Mapped[dt.date] = mapped_column(index=True)  # the legal day (Asia/Shanghai) of received_at
    received_by_agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    # The handling (competent) agency: the receiving one until the complaint is assigned elsewhere.
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    handler_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    domain_code: Mapped[str | None] = mapped_column(sa.ForeignKey("domains.code"), index=True)
    # Who is complained about (被投诉举报对象): a registered entity when known, always a name.
    subject_entity_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    subject_name: Mapped[str] = mapped_column(sa.String(200))
    subject_address: Mapped[str] = mapped_column(sa.String(300), default="")
    content: Mapped[str] = mapped_column(sa.Text)
    # The complainant (投诉人/举报人): personal data, encrypted; digests for exact lookups.
    complainant_name_cipher: Mapped[str | None] = mapped_column(sa.Text)
    complainant_phone_cipher: Mapped[str | None] = mapped_column(sa.Text)
    complainant_phone_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    complainant_id_number_cipher: Mapped[str | None] = mapped_column(sa.Text)
    complainant_id_number_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    anonymous: Mapped[bool] = mapped_column(default=False)  # no name and no way to reach the person
    confidential: Mapped[bool] = mapped_column(default=False)  # identity for the named handler only
    status: Mapped[ComplaintStatus] = mapped_column(enum_column(ComplaintStatus, "complaint_status"), index=True)
    # The procedural reply (受理/不予受理并告知): its clock, when it was given, what it said.
    reply_starts_on: Mapped[dt.date]
    reply_due_on: Mapped[dt.date] = mapped_column(index=True)
    replied_on: Mapped[dt.date | None]
    reply_accepted: Mapped[bool | None]
    reply_text: Mapped[str | None] = mapped_column(sa.Text)
    # The substantive handling (办结): its clock (restarted when an unsatisfied feedback reopens it).
    handling_starts_on: Mapped[dt.date]
    handling_due_on: Mapped[dt.date]
    resolved_on: Mapped[dt.date | None]
    result: Mapped[str | None] = mapped_column(sa.Text)
    # A deadline reaching a year whose holiday notice is not recorded: counted on weekends alone.
    provisional_year: Mapped[int | None]
    # Satisfaction feedback (回访) on the latest result; earlier rounds are on the timeline.
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction, "complaint_satisfaction"))
    feedback_comment: Mapped[str | None] = mapped_column(sa.Text)
    feedback_on: Mapped[dt.date | None]
    reopened_count: Mapped[int] = mapped_column(default=0)
    closed_on: Mapped[dt.date | None]
    close_note: Mapped[str | None] = mapped_column(sa.Text)  # the head's review when closed despite dissatisfaction
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ComplaintEvent(IdMixin, Base):
    """One step on a complaint's timeline. Never holds the complainant's identity."""

    __tablename__ = "complaint_events"
    __table_args__ = (sa.UniqueConstraint("complaint_id", "seq", name="uq_complaint_events_complaint_id_seq"),)

    complaint_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(40))
    happened_on: Mapped[dt.date]  # the day it happened (the legal day the deadlines count with)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # when it was recorded
    actor: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ComplaintLink(IdMixin, Base):
    """A case or an inspection the complaint led to or is handled in. One table for both kinds, so
    the target has no foreign key: the GraphQL layer checks that it exists and is within reach."""

    __tablename__ = "complaint_links"
    __table_args__ = (
        sa.UniqueConstraint("complaint_id", "target_kind", "target_id", name="uq_complaint_links_target"),
        sa.CheckConstraint("target_kind IN ('case', 'inspection')", name="target_kind_known"),
    )

    complaint_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    linked_on: Mapped[dt.date]
    actor: Mapped[str] = mapped_column(sa.String(100))


class ComplaintIdentityRead(IdMixin, Base):
    """Every clear read of a complainant's identity: who saw which complaint's which fields, when."""

    __tablename__ = "complaint_identity_reads"

    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    viewer: Mapped[str] = mapped_column(sa.String(100), index=True)
    complaint_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    fields: Mapped[str] = mapped_column(sa.String(100))

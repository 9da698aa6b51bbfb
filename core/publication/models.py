"""Published penalty decisions (行政处罚决定公示) and credit records (信用记录) with repair."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, IdMixin, enum_column, utcnow
from zhifa.core.labels import LabeledEnum


class PublicationStatus(LabeledEnum):
    PUBLISHED = "published", "公示中"
    WITHDRAWN = "withdrawn", "已撤下"
    SUPERSEDED = "superseded", "已更正（由新记录取代）"


class Publication(IdMixin, Base):
    """The redacted public record of a decision. Never edited: a correction is a new record that
    supersedes it, a withdrawal (APL Art. 48 para 2) changes only its status with the reason."""

    __tablename__ = "publications"
    __table_args__ = (
        sa.CheckConstraint("fine_fen IS NULL OR fine_fen >= 0", name="fine_non_negative"),
        sa.Index("ix_publications_published_on_id", "published_on", "id"),  # the public list's order
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    decision_number: Mapped[str] = mapped_column(sa.String(60), index=True)
    party_name: Mapped[str] = mapped_column(sa.String(200))
    party_kind: Mapped[str] = mapped_column(sa.String(30))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    party_address: Mapped[str] = mapped_column(sa.String(300))
    item_name: Mapped[str] = mapped_column(sa.String(300))
    violated: Mapped[str] = mapped_column(sa.Text)
    basis: Mapped[str] = mapped_column(sa.Text)
    facts: Mapped[str] = mapped_column(sa.Text)
    penalty: Mapped[str] = mapped_column(sa.Text)
    fine_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    agency_name: Mapped[str] = mapped_column(sa.String(200))
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    domain_code: Mapped[str] = mapped_column(sa.String(40), index=True)
    decided_on: Mapped[dt.date]
    published_on: Mapped[dt.date]
    published_by: Mapped[str] = mapped_column(sa.String(100))
    redaction_version: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[PublicationStatus] = mapped_column(enum_column(PublicationStatus, "publication_status"), index=True)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("publications.id"))
    withdrawn_on: Mapped[dt.date | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CreditSeverity(LabeledEnum):
    ORDINARY = "ordinary", "一般失信"
    SERIOUS = "serious", "严重失信"


class CreditRecord(IdMixin, Base):
    """A penalty written into the entity's public credit record (浙江省公共信用信息管理条例)."""

    __tablename__ = "credit_records"

    entity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    severity: Mapped[CreditSeverity] = mapped_column(enum_column(CreditSeverity, "credit_severity"))
    recorded_on: Mapped[dt.date]
    repairable_from: Mapped[dt.date]  # the minimum publication period has run (NDRC rules [S])
    shown_until: Mapped[dt.date]  # the maximum period
    repaired_on: Mapped[dt.date | None]


class RepairOutcome(LabeledEnum):
    PENDING = "pending", "审核中"
    GRANTED = "granted", "准予修复"
    REFUSED = "refused", "不予修复"


class CreditRepair(IdMixin, Base):
    """An application for credit repair (信用修复) and its outcome."""

    __tablename__ = "credit_repairs"

    credit_record_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("credit_records.id"), index=True)
    applied_on: Mapped[dt.date]
    commitment: Mapped[str] = mapped_column(sa.Text)  # the signed credit commitment (信用承诺)
    outcome: Mapped[RepairOutcome] = mapped_column(enum_column(RepairOutcome, "repair_outcome"))
    decided_on: Mapped[dt.date | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))

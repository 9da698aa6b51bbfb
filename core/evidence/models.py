"""Evidence (证据) attached to a case, and its chain of custody (保管链), append-only."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, IdMixin, enum_column, utcnow
from zhifa.core.labels import LabeledEnum


class EvidenceKind(LabeledEnum):
    """The kinds of evidence of the Administrative Penalty Law, Art. 46."""

    DOCUMENTARY = "documentary", "书证"
    PHYSICAL = "physical", "物证"
    AUDIO_VISUAL = "audio_visual", "视听资料"
    ELECTRONIC = "electronic", "电子数据"
    WITNESS_TESTIMONY = "witness_testimony", "证人证言"
    PARTY_STATEMENT = "party_statement", "当事人的陈述"
    EXPERT_OPINION = "expert_opinion", "鉴定意见"
    INSPECTION_RECORD = "inspection_record", "勘验笔录、现场笔录"


class CustodyAction(LabeledEnum):
    UPLOADED = "uploaded", "上传入库"
    VIEWED = "viewed", "查阅调取"
    VERIFIED = "verified", "完整性校验"
    TRANSFERRED = "transferred", "移交"
    SEALED = "sealed", "封存"
    UNSEALED = "unsealed", "启封"
    RETURNED = "returned", "退还"


class Evidence(IdMixin, Base):
    """One piece of evidence: a stored file (content-addressed by SHA-256) and how it was obtained.

    For audio-visual records of the full-process record (执法全过程记录) the recording device, the
    start and end of the recording and the reasons for any interruption are kept as well."""

    __tablename__ = "evidence"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "sha256", name="uq_evidence_case_id_sha256"),
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        sa.CheckConstraint(
            "recording_ended_at IS NULL OR recording_started_at IS NULL OR recording_ended_at >= recording_started_at",
            name="recording_ordered",
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(100))
    original_filename: Mapped[str] = mapped_column(sa.String(255), default="")
    collected_at: Mapped[dt.datetime | None]
    collected_by: Mapped[list[str]] = mapped_column(default=list)  # officer ids (uuid text)
    device_id: Mapped[str | None] = mapped_column(sa.String(100))
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recording_started_at: Mapped[dt.datetime | None]
    recording_ended_at: Mapped[dt.datetime | None]
    interruption_notes: Mapped[str] = mapped_column(sa.Text, default="")
    uploaded_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class CustodyEvent(IdMixin, Base):
    """One step in the evidence's chain of custody. Rows are only ever added (the database refuses updates)."""

    __tablename__ = "evidence_custody_events"
    __table_args__ = (sa.UniqueConstraint("evidence_id", "seq", name="uq_evidence_custody_events_evidence_id_seq"),)

    evidence_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("evidence.id"), index=True)
    seq: Mapped[int]
    action: Mapped[CustodyAction] = mapped_column(enum_column(CustodyAction, "custody_action"))
    actor: Mapped[str] = mapped_column(sa.String(100))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

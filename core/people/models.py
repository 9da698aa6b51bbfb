"""Regions, enforcement agencies (执法主体), officers (执法人员) and their postings."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.cases.numbering import DEFAULT_CASE_PATTERN, DEFAULT_DOCUMENT_PATTERN
from zhifa.core.labels import LabeledEnum
from zhifa.core.db import Base, IdMixin, enum_column


class RegionLevel(LabeledEnum):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"


class Region(IdMixin, Base):
    __tablename__ = "regions"
    __table_args__ = (
        sa.CheckConstraint(
            "(level = 'township' AND length(code) IN (9, 12)) OR (level <> 'township' AND length(code) = 6)",
            name="code_length_matches_level",
        ),
    )

    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[RegionLevel] = mapped_column(enum_column(RegionLevel, "region_level"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    # 重点乡镇（街道）: needs at least 8 enforcement officers instead of 3 (绍兴实施意见, staffing rule).
    key_township: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The row is the division's identity: records keep pointing at it through renames, moves and
    # mergers. It holds the current name and parent, in force since valid_from (None: since before
    # the records); superseded ones are RegionVersion rows. A division merged into another keeps
    # its row, with ended_on (the day it ceased to exist) and successor_id (the one it joined).
    valid_from: Mapped[dt.date | None]
    ended_on: Mapped[dt.date | None]
    successor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("regions.id"))


class RegionVersion(IdMixin, Base):
    """A superseded name and parent of a division: in force from valid_from (None: since before
    the records) until valid_until, the day the next one took effect."""

    __tablename__ = "region_versions"
    __table_args__ = (sa.CheckConstraint("valid_from IS NULL OR valid_until > valid_from", name="window_not_empty"),)

    region_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("regions.id"))
    valid_from: Mapped[dt.date | None]
    valid_until: Mapped[dt.date]


class AgencyKind(LabeledEnum):
    COMPREHENSIVE_BUREAU = "comprehensive_bureau", "综合行政执法局"
    PROFESSIONAL_TEAM = "professional_team", "专业执法队伍"
    TOWNSHIP_TEAM = "township_team", "乡镇（街道）综合行政执法队"
    JUSTICE_BUREAU = "justice_bureau", "司法局（执法监督）"


class Agency(IdMixin, Base):
    __tablename__ = "agencies"

    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(20))  # prefix of its document numbers, e.g. 定综执
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind, "agency_kind"))
    level: Mapped[RegionLevel] = mapped_column(enum_column(RegionLevel, "agency_level"))
    region_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    # How its numbers read (core.cases.numbering: {short}{type}〔{year}〕{serial}号 and the like).
    case_pattern: Mapped[str] = mapped_column(sa.String(60), default=DEFAULT_CASE_PATTERN, server_default=DEFAULT_CASE_PATTERN)
    document_pattern: Mapped[str] = mapped_column(sa.String(60), default=DEFAULT_DOCUMENT_PATTERN, server_default=DEFAULT_DOCUMENT_PATTERN)
    # Never deleted: a closed agency keeps its row and its cases, from closed_on under successor_id
    # (which took its open cases over and reads its closed ones), by the decision recorded here.
    closed_on: Mapped[dt.date | None]
    successor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("agencies.id"))
    closing_decision: Mapped[str | None] = mapped_column(sa.String(100))
    closing_reason: Mapped[str | None] = mapped_column(sa.String(500))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class AgencyDomain(Base):
    """The domains an agency enforces."""

    __tablename__ = "agency_domains"
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True)
    domain_code: Mapped[str] = mapped_column(sa.ForeignKey("domains.code"), primary_key=True)


class OfficerRole(LabeledEnum):
    OFFICER = "officer", "执法人员"
    AUXILIARY = "auxiliary", "辅助人员"  # never enforces alone
    LEGAL_REVIEWER = "legal_reviewer", "法制审核员"
    AGENCY_HEAD = "agency_head", "负责人"
    STAFF_ADMIN = "staff_admin", "人事（法制）管理员"  # administers staff; never enforces


class CertificateStatus(LabeledEnum):
    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "注销或吊销"
    EXPIRED = "expired", "已过期"  # read only: a valid certificate past its valid_until


class Officer(IdMixin, Base):
    __tablename__ = "officers"
    __table_args__ = (
        sa.CheckConstraint(
            "certificate_valid_until IS NULL OR certificate_valid_until >= certificate_valid_from",
            name="certificate_window_ordered",
        ),
        sa.Index("ix_officers_name_id", "name", "id"),  # the list's order
        sa.Index("ix_officers_agency_id_name_id", "agency_id", "name", "id"),  # one agency's staff, in that order
    )

    name: Mapped[str] = mapped_column(sa.String(50))
    certificate_number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    certificate_valid_from: Mapped[dt.date | None]
    certificate_valid_until: Mapped[dt.date | None]
    status: Mapped[CertificateStatus] = mapped_column(enum_column(CertificateStatus, "certificate_status"))
    # The day the current status took effect (a suspension acts from then on, not before); None:
    # not recorded, so the status is taken to hold on every day.
    status_since: Mapped[dt.date | None]
    role: Mapped[OfficerRole] = mapped_column(enum_column(OfficerRole, "officer_role"))
    legal_qualification: Mapped[bool] = mapped_column(default=False)  # 法律职业资格
    # First day of legal review work (APL Art. 58 para 2: reviewers in post before 2021-07-15 are
    # not first-time reviewers); None: not recorded, so treated as a first-time reviewer.
    legal_review_since: Mapped[dt.date | None]
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"))
    # 公民身份号码: SM4-GCM ciphertext plus a keyed SM3 digest (unique: one person, one record).
    id_number_cipher: Mapped[str | None] = mapped_column(sa.Text)
    id_number_digest: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The provincial identity provider's subject for this person (a token's `sub`).
    external_identity: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    retired_on: Mapped[dt.date | None]  # never deleted: retired officers stay on every record


class Certificate(IdMixin, Base):
    """An enforcement certificate (执法证) as its own record. The officer's certificate columns
    and officer_domains are the projection of the certificate in force today."""

    __tablename__ = "certificates"
    __table_args__ = (sa.CheckConstraint("valid_until >= valid_from", name="window_ordered"),)

    officer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    issuing_authority: Mapped[str] = mapped_column(sa.String(200))
    valid_from: Mapped[dt.date]
    valid_until: Mapped[dt.date]


class CertificateDomain(Base):
    __tablename__ = "certificate_domains"
    certificate_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("certificates.id"), primary_key=True)
    domain_code: Mapped[str] = mapped_column(sa.ForeignKey("domains.code"), primary_key=True)


class CertificateChange(IdMixin, Base):
    """A certificate's status from `effective_on` on (issue, suspension, reinstatement,
    revocation), with the decision and reason that made it; the latest change on or before a day
    gives that day's status."""

    __tablename__ = "certificate_changes"

    certificate_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("certificates.id"), index=True)
    status: Mapped[CertificateStatus] = mapped_column(enum_column(CertificateStatus, "certificate_change_status"))
    effective_on: Mapped[dt.date]
    decision: Mapped[str] = mapped_column(sa.String(100), default="")  # 决定文号
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by: Mapped[str] = mapped_column(sa.String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class AssessmentResult(LabeledEnum):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


class OfficerYear(Base):
    """Rotation training hours (轮训) and the annual assessment (年度考核) of one officer, one year."""

    __tablename__ = "officer_years"
    __table_args__ = (sa.CheckConstraint("training_hours >= 0", name="hours_not_negative"),)

    officer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    training_hours: Mapped[int] = mapped_column(default=0)
    assessment: Mapped[AssessmentResult | None] = mapped_column(enum_column(AssessmentResult, "assessment_result"))


class OfficerDomain(Base):
    """The domains an officer's certificate covers."""

    __tablename__ = "officer_domains"
    officer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), primary_key=True)
    domain_code: Mapped[str] = mapped_column(sa.ForeignKey("domains.code"), primary_key=True)


class Posting(IdMixin, Base):
    """Where an officer served and whether as head: the basis of the rotation rules."""

    __tablename__ = "postings"
    __table_args__ = (sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ordered"),)

    officer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    region_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("regions.id"))
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"))
    is_head: Mapped[bool] = mapped_column(default=False)
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]

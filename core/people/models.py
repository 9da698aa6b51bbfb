"""Regions, enforcement agencies (执法主体), officers (执法人员) and their postings."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

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


class CertificateStatus(LabeledEnum):
    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "注销或吊销"


class Officer(IdMixin, Base):
    __tablename__ = "officers"
    __table_args__ = (
        sa.CheckConstraint(
            "role = 'auxiliary' OR (certificate_number IS NOT NULL AND certificate_valid_from IS NOT NULL"
            " AND certificate_valid_until IS NOT NULL)",
            name="enforcers_hold_certificate",
        ),
        sa.CheckConstraint(
            "certificate_valid_until IS NULL OR certificate_valid_until >= certificate_valid_from",
            name="certificate_window_ordered",
        ),
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
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)


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

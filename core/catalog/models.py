"""Domains and enforcement items as versioned rows: a case pins the version in force on its day."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.catalog.loader import parse_bounds, parse_facts
from zhifa.core.catalog.spec import ItemSpec
from zhifa.core.db import Base, IdMixin, enum_column, utcnow
from zhifa.core.labels import LabeledEnum


class ItemKind(LabeledEnum):
    PENALTY = "penalty", "行政处罚"
    INSPECTION = "inspection", "行政检查"
    COERCIVE = "coercive", "行政强制"


class VersionStatus(LabeledEnum):
    DRAFT = "draft", "草稿（未生效）"
    PUBLISHED = "published", "已发布"


class Domain(Base):
    """An enforcement domain contributed by a plug-in (住建, 市场监管, ...)."""

    __tablename__ = "domains"
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    plugin: Mapped[str] = mapped_column(sa.String(100))
    plugin_version: Mapped[str] = mapped_column(sa.String(40))


class CatalogItemVersion(IdMixin, Base):
    """One version of an enforcement item (执法事项). Never rewritten: amendments add versions."""

    __tablename__ = "catalog_item_versions"
    __table_args__ = (
        sa.UniqueConstraint("code", "version", name="uq_catalog_item_versions_code_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("major_fine_fen IS NULL OR major_fine_fen >= 0", name="major_fine_non_negative"),
        sa.CheckConstraint("repealed_on IS NULL OR repealed_on > effective_from", name="window_not_empty"),
    )

    code: Mapped[str] = mapped_column(sa.String(40), index=True)
    version: Mapped[int]
    domain_code: Mapped[str] = mapped_column(sa.ForeignKey("domains.code"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "item_kind"))
    violated: Mapped[str] = mapped_column(sa.Text)
    basis: Mapped[str] = mapped_column(sa.Text)
    law_version: Mapped[dt.date | None]
    penalty_kinds: Mapped[list[str]]
    measures: Mapped[list[str]]
    delegable: Mapped[bool]
    major_fine_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    major_kinds: Mapped[list[str]]
    limitation: Mapped[str] = mapped_column(sa.String(8))
    facts: Mapped[list[dict[str, Any]]]
    # The penalty provision's fine range ([[item.bound]]); None on versions stored before it was kept.
    bounds: Mapped[list[dict[str, Any]] | None]
    discretion: Mapped[dict[str, Any] | None]
    effective_from: Mapped[dt.date]
    repealed_on: Mapped[dt.date | None]
    digest: Mapped[str] = mapped_column(sa.String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus, "version_status"), default=VersionStatus.PUBLISHED)
    published_at: Mapped[dt.datetime | None]
    published_by: Mapped[str | None] = mapped_column(sa.String(100))

    def in_force_on(self, day: dt.date) -> bool:
        if self.status is not VersionStatus.PUBLISHED:
            return False
        return self.effective_from <= day and (self.repealed_on is None or day < self.repealed_on)


    def spec(self) -> ItemSpec:
        """The stored version as the pure rules take it (its facts re-read through the loader)."""
        facts = parse_facts(self.facts, f"{self.code} v{self.version} facts")
        return ItemSpec(
            code=self.code,
            domain=self.domain_code,
            name=self.name,
            kind=self.kind.value,
            violated=self.violated,
            basis=self.basis,
            law_version=self.law_version,
            penalty_kinds=tuple(self.penalty_kinds),
            measures=tuple(self.measures),
            delegable=self.delegable,
            effective_from=self.effective_from,
            major_fine_fen=self.major_fine_fen,
            major_kinds=tuple(self.major_kinds),
            limitation=self.limitation,
            facts=facts,
            bounds=parse_bounds(self.bounds or [], facts, f"{self.code} v{self.version} bound"),
        )


class Delegation(IdMixin, Base):
    """An item a township team may enforce (赋权, APL Art. 24): granted and revoked by records."""

    __tablename__ = "delegations"
    __table_args__ = (
        sa.Index(
            "uq_delegations_active",
            "agency_id",
            "item_code",
            unique=True,
            postgresql_where=sa.text("revoked_on IS NULL"),
            sqlite_where=sa.text("revoked_on IS NULL"),
        ),
        sa.CheckConstraint("revoked_on IS NULL OR revoked_on >= granted_on", name="ordered"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    item_code: Mapped[str] = mapped_column(sa.String(40), index=True)
    granted_on: Mapped[dt.date]
    basis: Mapped[str] = mapped_column(sa.String(300))  # the published delegation decision
    granted_by: Mapped[str] = mapped_column(sa.String(100))
    revoked_on: Mapped[dt.date | None]
    revoked_by: Mapped[str | None] = mapped_column(sa.String(100))
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(300))

    def active_on(self, day: dt.date) -> bool:
        return self.granted_on <= day and (self.revoked_on is None or day < self.revoked_on)

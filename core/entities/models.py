"""Regulated entities (行政相对人)."""

from __future__ import annotations

import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.labels import LabeledEnum
from zhifa.core.db import Base, IdMixin, enum_column


class EntityKind(LabeledEnum):
    LEGAL_PERSON = "legal_person", "法人"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    NATURAL_PERSON = "natural_person", "自然人"
    OTHER_ORGANISATION = "other_organisation", "其他组织"


class Entity(IdMixin, Base):
    __tablename__ = "entities"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'natural_person' AND id_number_digest IS NOT NULL AND credit_code IS NULL)"
            " OR (kind <> 'natural_person' AND credit_code IS NOT NULL AND id_number_digest IS NULL)",
            name="identifier_matches_kind",
        ),
    )

    kind: Mapped[EntityKind] = mapped_column(enum_column(EntityKind, "entity_kind"))
    name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)  # 统一社会信用代码
    # 公民身份号码 and phone are personal data: SM4-GCM ciphertext, plus a keyed SM3 digest for lookups.
    id_number_cipher: Mapped[str | None] = mapped_column(sa.Text)
    id_number_digest: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    identifier_override: Mapped[bool] = mapped_column(default=False)  # accepted despite a failed check
    legal_representative: Mapped[str | None] = mapped_column(sa.String(50))
    phone_cipher: Mapped[str | None] = mapped_column(sa.Text)
    address: Mapped[str] = mapped_column(sa.String(300))
    region_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    industry_tags: Mapped[list[str]] = mapped_column(default=list)

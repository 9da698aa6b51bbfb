"""Regulated entities (行政相对人) and their history: the entity row holds the current values,
each version the values from the day it took effect; merges of duplicates and their reversals
are records of their own."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column
from zhifa.core.db import Base, IdMixin, enum_column, utcnow
from zhifa.core.ids import new_id
from zhifa.core.labels import LabeledEnum


class EntityKind(LabeledEnum):
    LEGAL_PERSON = "legal_person", "法人"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    NATURAL_PERSON = "natural_person", "自然人"
    OTHER_ORGANISATION = "other_organisation", "其他组织"


class EntityStatus(LabeledEnum):
    ACTIVE = "active", "存续"
    LICENCE_REVOKED = "licence_revoked", "吊销营业执照（未注销）"
    DEREGISTERED = "deregistered", "已注销"
    MERGED = "merged", "重复登记，已并入存续记录"


class EntityChange(LabeledEnum):
    """What made a version."""

    REGISTERED = "registered", "登记"
    UPDATED = "updated", "信息变更"
    LICENCE_REVOKED = "licence_revoked", "吊销营业执照"
    DEREGISTERED = "deregistered", "注销"
    MERGED = "merged", "并入存续记录"
    UNMERGED = "unmerged", "撤销合并"


class Entity(IdMixin, Base):
    __tablename__ = "entities"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'natural_person' AND id_number_digest IS NOT NULL AND credit_code IS NULL)"
            " OR (kind <> 'natural_person' AND credit_code IS NOT NULL AND id_number_digest IS NULL)",
            name="identifier_matches_kind",
        ),
        sa.Index("ix_entities_name_id", "name", "id"),  # the list's order
        sa.Index("ix_entities_region_id_name_id", "region_id", "name", "id"),  # by region (the jurisdiction rule and filter)
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
    region_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("regions.id"))
    industry_tags: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[EntityStatus] = mapped_column(enum_column(EntityStatus, "entity_status"), default=EntityStatus.ACTIVE, server_default="active")
    status_since: Mapped[dt.date | None]  # the day of the deregistration, revocation or merge
    status_reason: Mapped[str | None] = mapped_column(sa.String(300))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("entities.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class EntityVersion(IdMixin, Base):
    """The entity's values from `valid_from` until the next version's day (seq breaks ties). The
    first version has none: the particulars as first recorded, in force since before the records."""

    __tablename__ = "entity_versions"
    __table_args__ = (sa.UniqueConstraint("entity_id", "seq", name="uq_entity_versions_entity_id_seq"),)

    entity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    seq: Mapped[int]
    change: Mapped[EntityChange] = mapped_column(enum_column(EntityChange, "entity_change"))
    valid_from: Mapped[dt.date | None]
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300))
    legal_representative: Mapped[str | None] = mapped_column(sa.String(50))
    industry_tags: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[EntityStatus] = mapped_column(enum_column(EntityStatus, "entity_status"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")  # the reason or the registry's decision
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))


class EntityMerge(IdMixin, Base):
    """A duplicate record merged into the surviving one; `moves` lists every row that followed."""

    __tablename__ = "entity_merges"
    __table_args__ = (sa.CheckConstraint("duplicate_id <> survivor_id", name="distinct_entities"),)

    duplicate_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    survivor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(300))
    decided_by: Mapped[str] = mapped_column(sa.String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EntityMergeMove(Base):
    """One row a merge moved from the duplicate to the survivor (`table_name`.`row_id`)."""

    __tablename__ = "entity_merge_moves"

    merge_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entity_merges.id"), primary_key=True)
    table_name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, index=True)


class EntityUnmerge(IdMixin, Base):
    """The reversal of a merge: a record of its own, the merge stays as it was."""

    __tablename__ = "entity_unmerges"

    merge_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entity_merges.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(300))
    decided_by: Mapped[str] = mapped_column(sa.String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def snapshot(entity: Entity, seq: int, change: EntityChange, valid_from: dt.date | None, actor: str, note: str = "") -> EntityVersion:
    """A version holding the entity's values as they now are."""
    return EntityVersion(
        entity_id=entity.id, seq=seq, change=change, valid_from=valid_from, name=entity.name, address=entity.address,
        legal_representative=entity.legal_representative, industry_tags=list(entity.industry_tags or []),
        status=entity.status or EntityStatus.ACTIVE, note=note, recorded_by=actor,
    )


@sa.event.listens_for(Session, "before_flush")
def _first_versions(session: Session, _context, _instances) -> None:
    """Every entity starts with its first version, however it was inserted (the service, the demo,
    a test's fixture), so history and a case's entity at registration are never empty. A caller
    that adds the first version itself (with its actor) is left alone."""
    versioned = {o.entity_id for o in session.new if isinstance(o, EntityVersion)}
    for entity in [o for o in session.new if isinstance(o, Entity) and (o.id is None or o.id not in versioned)]:
        entity.id = entity.id or new_id()
        session.add(snapshot(entity, 1, EntityChange.REGISTERED, None, "system"))

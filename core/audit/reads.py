"""The record of every clear read of personal data: who saw which entity's which fields, when."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, IdMixin, utcnow


class PersonalDataRead(IdMixin, Base):
    __tablename__ = "personal_data_reads"

    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    viewer: Mapped[str] = mapped_column(sa.String(100), index=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    fields: Mapped[str] = mapped_column(sa.String(100))

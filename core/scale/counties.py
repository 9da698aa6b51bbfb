"""One county's entities and cases, generated in this process or in worker processes (the
province's 90 counties are independent once the divisions and people exist): each worker holds
its own proposal pool and calendar memo, and hands back the county's rows for the writer."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from zhifa.core.cases.calendar import WorkingCalendar
from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.entities.crypto import DataKey
from zhifa.core.scale.cases import Caseload
from zhifa.core.scale.histories import Calendar
from zhifa.core.scale.parties import entities
from zhifa.core.scale.proposals import pool_for
from zhifa.core.scale.shape import Scale
from zhifa.core.scale.tables import Rows
from zhifa.core.scale.world import County


@dataclass(frozen=True)
class Job:
    """Everything a county needs besides its own agencies and people (picklable)."""

    scale: Scale
    seed: int
    today: dt.date
    now: dt.datetime
    founded: dt.date
    key: bytes
    items: tuple[dict[str, Any], ...]  # the penalty item versions' columns
    calendar: WorkingCalendar


def job_items(items: list[CatalogItemVersion]) -> tuple[dict[str, Any], ...]:
    columns = [c.key for c in CatalogItemVersion.__mapper__.column_attrs]
    return tuple({c: getattr(i, c) for c in columns} for i in items)


class Maker:
    def __init__(self, job: Job):
        self.job = job
        items = [CatalogItemVersion(**columns) for columns in job.items]
        self.caseload = Caseload(job.scale, pool_for(items, job.today), Calendar(job.calendar), job.seed, job.today, job.now, Rows())
        self.key = DataKey(job.key)

    def county(self, county: County) -> Rows:
        rows = self.caseload.rows = Rows()
        parties = entities(county, self.job.scale.entities, self.key, self.job.seed, self.job.founded, rows)
        self.caseload.county(county, parties)
        return rows


_maker: Maker | None = None


def _start(job: Job) -> None:
    global _maker
    _maker = Maker(job)


def county_rows(county: County) -> dict[str, list[tuple]]:
    """In a worker: the county's rows, per table."""
    return dict(_maker.county(county).pending)


def workers(job: Job, processes: int) -> ProcessPoolExecutor:
    """Forked workers, each with its own Maker (forking keeps the imports and the catalog)."""
    return ProcessPoolExecutor(processes, mp_context=get_context("fork"), initializer=_start, initargs=(job,))

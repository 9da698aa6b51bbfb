"""Province-sized demo data sets (`zhifa demo load --scale county|city|province`).

One generator for every scale (`shape.SCALES`: only the counts differ), deterministic by seed,
written straight into the tables in one transaction (PostgreSQL COPY, SQLite executemany) — not
through the workflow services, which would take days — yet holding every invariant the workflow
keeps: numbers gap-free in date order, versions equal to the versioned steps, statuses the state
machine reaches, deadlines as the timeline gives them today, two certified handlers per case, and
the audit chain intact, its new link recording the bulk import (what was loaded, with which seed,
how many rows, when). That link is also how a later load recognises the data set and reuses it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhifa.core.audit.models import AuditRecord
from zhifa.core.audit.service import record
from zhifa.core.cases.calendar import DEFAULT_CALENDAR, WorkingCalendar
from zhifa.core.catalog.models import CatalogItemVersion, ItemKind
from zhifa.core.catalog.registry import Catalog
from zhifa.core.clock import legal_today
from zhifa.core.db import make_engine, session_factory, transaction
from zhifa.core.demo import phase
from zhifa.core.entities.crypto import DataKey
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.people.models import Agency
from zhifa.core.scale.bulk import Writer, analyse, empty
from zhifa.core.scale.counties import Job, Maker, county_rows, job_items, workers
from zhifa.core.scale.shape import SCALES, Scale
from zhifa.core.scale.tables import Rows
from zhifa.core.scale.world import LOADER, County, World

__all__ = ["SCALES", "Dataset", "load_scale", "loaded_dataset"]
MARKER = "demo.scale_loaded"
WORKERS = 2  # generator processes (the machine's two cores; the writer mostly waits on the database)
AHEAD = 3  # counties generated ahead of the writer


@dataclass(frozen=True)
class Dataset:
    """What a load wrote: scale, seed, rows per table, when, and how long it took."""

    scale: str
    seed: int
    counts: dict[str, int]
    loaded_at: str
    seconds: float
    reused: bool = field(default=False, compare=False)

    def same(self, scale: str, seed: int) -> bool:
        return (self.scale, self.seed) == (scale, seed)


async def loaded_dataset(url: str) -> Dataset | None:
    """The data set the database holds, from the audit link its load appended (None: none)."""
    engine = make_engine(url)
    try:
        async with session_factory(engine)() as session:
            return await _marker(session)
    finally:
        await engine.dispose()


async def _marker(session) -> Dataset | None:
    detail = await session.scalar(sa.select(AuditRecord.detail).where(AuditRecord.action == MARKER).order_by(AuditRecord.seq.desc()).limit(1))
    return Dataset(**json.loads(detail)) if detail else None


async def load_scale(url: str, catalog: Catalog, key: DataKey, *, scale: str, seed: int = 2026, console: Console | None = None,
                     replace: bool = False, calendar: WorkingCalendar | None = None) -> Dataset:
    """Load the data set `scale` (a key of SCALES) unless the database holds it already (returned
    with `reused`); a database holding anything else is refused unless `replace`."""
    console = console or Console(quiet=True)
    shape = SCALES[scale]
    engine = make_engine(url)
    try:
        async with transaction(session_factory(engine)) as session:
            found = await _marker(session)
            if found is not None and found.same(scale, seed):
                return Dataset(**{**asdict(found), "reused": True})
            if found is not None or await session.scalar(sa.select(Agency.id).limit(1)) is not None:
                if not replace:
                    held = f"演示数据集 {found.scale}（种子 {found.seed}）" if found else "其他数据（如小型演示数据或业务数据）"
                    raise UserError(CommonErrorCode.DATASET_DIFFERS, f"数据库中已有{held}，未载入 {scale}（种子 {seed}）；如需替换请加 --replace", "scale")
                await empty(await session.connection())
            dataset = await _load(session, catalog, key, shape, seed, console, calendar or DEFAULT_CALENDAR)
        await analyse(engine)
        phase(console, "已更新查询规划统计信息（ANALYZE）")
        return dataset
    finally:
        await engine.dispose()


async def _load(session, catalog: Catalog, key: DataKey, shape: Scale, seed: int, console: Console, calendar: WorkingCalendar) -> Dataset:
    started, today, now = time.monotonic(), legal_today(), dt.datetime.now(dt.UTC)
    totals = shape.totals
    phase(console, f"载入演示数据集 {shape.name}：{totals['counties']} 个县（市、区），相对人 {totals['entities']} 个，案件 {totals['cases']} 件")
    writer, rows = Writer(await session.connection()), Rows()
    items = [v for v in (await session.execute(
        sa.select(CatalogItemVersion).where(CatalogItemVersion.repealed_on.is_(None)).order_by(CatalogItemVersion.code, CatalogItemVersion.version)
    )).scalars() if v.kind is ItemKind.PENALTY]
    world = World(shape, catalog, seed, today, rows)
    counties = list(world.build())
    await writer.write_all(rows)
    phase(console, f"行政区划、执法主体与人员已写入：执法人员 {rows.counts['officers']} 名")
    job = Job(shape, seed, today, now, world.founded, key.key, job_items(items), calendar)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("生成并写入各县（市、区）的相对人和案件", total=len(counties))
        async for county, made in _counties(job, counties):
            await writer.write_all(made)
            rows.merge_counts(made)
            phase(console, f"{county.city}{county.name}：相对人 {shape.entities} 个、案件 {shape.cases} 件已写入")
            progress.advance(task)
    counts = dict(sorted(rows.counts.items()))
    dataset = Dataset(shape.name, seed, counts, now.isoformat(timespec="seconds"), round(time.monotonic() - started, 1))
    await record(session, actor=LOADER, action=MARKER, object_type="Demo", object_id=None, after=asdict(dataset),
                 detail=json.dumps(asdict(dataset), ensure_ascii=False))
    phase(console, f"演示数据集 {shape.name} 已写入：用时 {dataset.seconds} 秒（其中写库 {writer.seconds:.1f} 秒）")
    return dataset


async def _counties(job: Job, counties: list[County]):
    """(county, its rows) in turn: generated here for one or two counties, otherwise by worker
    processes a few counties ahead of the writer."""
    if len(counties) <= 2:
        maker = Maker(job)
        for county in counties:
            yield county, maker.county(county)
        return
    loop = asyncio.get_running_loop()
    with workers(job, WORKERS) as pool:
        ahead = [loop.run_in_executor(pool, county_rows, c) for c in counties[:AHEAD]]
        for n, county in enumerate(counties):
            made = await ahead[n]
            ahead[n] = None  # let the rows go once written
            if n + AHEAD < len(counties):
                ahead.append(loop.run_in_executor(pool, county_rows, counties[n + AHEAD]))
            yield county, Rows.of(made)

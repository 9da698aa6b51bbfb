"""Drawing a sample of closed cases (抽样) — one way for case-file review and return visits: the
request's checks, the population (cases closed in the year) and the recorded SupervisionSample
with the SM3 digests that let anyone verify the draw later (core.supervision.sampling)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.cases.models import Case, CaseStatus
from zhifa.core.errors import UserError, raise_if_any
from zhifa.core.supervision import sampling
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import SamplePurpose, SupervisionSample

DEFAULT_NAMES = {SamplePurpose.CASE_REVIEW: "{year} 年度行政执法案卷评查", SamplePurpose.RETURN_VISIT: "{year} 年度行政执法案件回访"}


@dataclass(frozen=True)
class SampleRequest:
    year: int  # cases closed in this year form the population
    percent: int
    seed: str | None = None  # None: a random seed, recorded
    name: str = ""  # empty: the purpose's default name for the year


def checked(req: SampleRequest, purpose: SamplePurpose, today: dt.date) -> SampleRequest:
    """The request with its name and seed settled, or every problem at once."""
    errors = []
    name = req.name.strip() or DEFAULT_NAMES[purpose].format(year=req.year)
    if len(name) > 200:
        errors.append(UserError(SupervisionErrorCode.SAMPLE_NAME_INVALID, "名称不得超过 200 个字符", "name"))
    if not 1 <= req.percent <= 100:
        errors.append(UserError(SupervisionErrorCode.SAMPLE_PERCENT_INVALID, "抽样比例应为 1 至 100 之间的整数（百分比）", "percent"))
    if not 2000 <= req.year <= today.year:
        errors.append(UserError(SupervisionErrorCode.SAMPLE_YEAR_INVALID, f"年度应在 2000 至 {today.year} 年之间（只能抽取已开始年度内结案的案件）", "year"))
    seed = req.seed if req.seed is not None else secrets.token_hex(16)
    if not seed.strip() or len(seed) > 200:
        errors.append(UserError(SupervisionErrorCode.SAMPLE_SEED_INVALID, "随机种子应为 1 至 200 个字符", "seed"))
    raise_if_any(errors)
    return SampleRequest(req.year, req.percent, seed, name)


async def closed_cases(session: AsyncSession, year: int, agencies: Iterable[uuid.UUID] | None) -> list[sampling.Candidate]:
    """The cases of the agencies (None: all) closed (结案) during the year, by closing date."""
    stmt = sa.select(Case.id, Case.agency_id).where(
        Case.status == CaseStatus.CLOSED, Case.closed_on >= dt.date(year, 1, 1), Case.closed_on <= dt.date(year, 12, 31)
    )
    if agencies is not None:
        stmt = stmt.where(Case.agency_id.in_(frozenset(agencies)))
    return [sampling.Candidate(str(case), str(agency)) for case, agency in (await session.execute(stmt)).all()]


@dataclass(frozen=True)
class Drawn:
    sample: SupervisionSample
    population: list[sampling.Candidate]
    cases: list[sampling.Candidate]


async def draw(
    session: AsyncSession,
    purpose: SamplePurpose,
    req: SampleRequest,
    organiser_id: uuid.UUID,
    agencies: Iterable[uuid.UUID] | None,
    actor: str,
    today: dt.date,
    rubric: dict[str, Any] | None = None,
) -> Drawn:
    """Check, draw and record the sample (flushed); the caller adds the rows per drawn case."""
    req = checked(req, purpose, today)
    population = await closed_cases(session, req.year, agencies)
    if not population:
        raise UserError(SupervisionErrorCode.SAMPLE_POPULATION_EMPTY, f"{req.year} 年没有已结案（结案日期在该年度）的案件可供抽取", "year")
    cases = sampling.sample(population, req.percent, req.seed)
    sample = SupervisionSample(
        purpose=purpose, name=req.name, year=req.year, percent=req.percent, seed=req.seed, organiser_agency_id=organiser_id,
        population_size=len(population), population_digest=sampling.digest(population), sample_digest=sampling.digest(cases),
        rubric=rubric, actor=actor,
    )
    session.add(sample)
    await session.flush()
    return Drawn(sample, population, cases)

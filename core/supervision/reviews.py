"""Case-file review (案卷评查): drawing a sample of closed cases, assigning reviewers from other
agencies, recording the findings and the score. Services over a session; the draw
(core.supervision.sampling), the assignment and the scoring (core.supervision.rubric) are pure.

- The population is every case closed (status closed, closed_on in the year) by the agencies under
  review: the chosen ones, or every agency in the organising supervisor's jurisdiction.
- The sample records the seed, the population and sample digests and the rubric in force, frozen:
  a review is always scored against its sample's rubric, never against a later one.
- A reviewer is never from the agency under review nor a handling officer of the case (CaseOfficer);
  the drawn cases go to the eligible reviewers in turn, the least loaded first.

Who may read reviews (decided here as SQL predicates, the GraphQL kinds' row rules):
a supervisor reads the samples its bureau organised and the reviews of every agency in its
reach; the staff of an agency read (never write) the reviews of their agency's cases and those
below it; an assigned reviewer reads the reviews assigned to them and their samples.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.db import in_ids
from zhifa.core.audit.service import record
from zhifa.core.cases.models import CaseOfficer
from zhifa.core.clock import legal_date
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.people.models import Agency, Officer, OfficerRole
from zhifa.core.supervision import draws, sampling
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import CaseReview, ReviewFinding, SamplePurpose, SupervisionSample
from zhifa.core.supervision.rubric import Finding, Rubric, Score, from_mapping, score



def where(kind: str, table: sa.Table, agencies: Iterable[uuid.UUID] | None, officer_id: uuid.UUID | None) -> list[sa.ColumnElement[bool]]:
    """Predicates keeping a statement over `table` (supervision_samples or case_reviews) in reach;
    `agencies` None means every agency, empty means none."""
    samples, reviews = SupervisionSample.__table__, CaseReview.__table__
    if kind == "ReviewSample":
        purpose = table.c.purpose == SamplePurpose.CASE_REVIEW.value
        if agencies is None:
            return [purpose]
        agencies = frozenset(agencies)
        seen = sa.select(reviews.c.sample_id).where(*_review_reach(reviews, agencies, officer_id))
        return [purpose, sa.or_(in_ids(table.c.organiser_agency_id, agencies), table.c.id.in_(seen))]
    if kind == "CaseReview":
        if agencies is None:
            return []
        organised = sa.select(samples.c.id).where(samples.c.organiser_agency_id.in_(frozenset(agencies)))
        return [sa.or_(*_review_reach(table, frozenset(agencies), officer_id), table.c.sample_id.in_(organised))]
    return [sa.false()]


def assigned_cases(officer_id: uuid.UUID) -> sa.Select:
    """The cases whose files the officer is assigned to review: theirs to read, whatever agency."""
    return sa.select(CaseReview.case_id).where(CaseReview.reviewer_id == officer_id)


def _review_reach(table: sa.Table, agencies: frozenset[uuid.UUID], officer_id: uuid.UUID | None) -> list[sa.ColumnElement[bool]]:
    mine = [in_ids(table.c.agency_id, agencies)]
    if officer_id is not None:
        mine.append(table.c.reviewer_id == officer_id)
    return [sa.or_(*mine)]


# --- drawing and assigning ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reviewer:
    id: uuid.UUID
    agency_id: uuid.UUID


def assign(drawn: Sequence[sampling.Candidate], reviewers: Sequence[Reviewer], handlers: dict[str, set[uuid.UUID]],
           agency_names: dict[str, str]) -> dict[str, uuid.UUID]:
    """Case id → reviewer id. Eligible: not of the agency under review, not a handling officer of
    the case. The cases with the fewest eligible reviewers are placed first, each with the eligible
    reviewer holding the fewest cases so far (ties in the order the reviewers were given), so the
    load stays even. Pure and deterministic."""
    eligible: dict[str, list[Reviewer]] = {}
    for case in drawn:
        eligible[case.case] = [r for r in reviewers if str(r.agency_id) != case.agency and r.id not in handlers.get(case.case, set())]
        if not eligible[case.case]:
            name = agency_names.get(case.agency, case.agency)
            raise UserError(SupervisionErrorCode.REVIEWER_UNAVAILABLE, f"没有可评查{name}案卷的评查人员：评查人员不得来自被评查单位，也不得是案件的承办人员，请增加其他单位的评查人员", "reviewerIds")
    load = {r.id: 0 for r in reviewers}
    chosen: dict[str, uuid.UUID] = {}
    for n in sorted(range(len(drawn)), key=lambda n: (len(eligible[drawn[n].case]), n)):
        case = drawn[n]
        pick = min(eligible[case.case], key=lambda r: load[r.id])  # min keeps the first of equals: the given order
        load[pick.id] += 1
        chosen[case.case] = pick.id
    return chosen


@dataclass(frozen=True)
class DrawRequest:
    sample: draws.SampleRequest
    reviewer_ids: tuple[uuid.UUID, ...]
    agency_ids: tuple[uuid.UUID, ...] = ()  # empty: every agency in reach


async def draw_sample(
    session: AsyncSession,
    actor: str,
    organiser_agency_id: uuid.UUID,
    reach: frozenset[uuid.UUID] | None,
    request: DrawRequest,
    rubric: Rubric,
    today: dt.date,
) -> SupervisionSample:
    """Draw, assign and record a case-review sample for the agencies in `reach` (None: all)."""
    draws.checked(request.sample, SamplePurpose.CASE_REVIEW, today)  # the request's own faults first
    scope = reach
    if request.agency_ids:
        outside = [a for a in request.agency_ids if reach is not None and a not in reach]
        if outside:
            raise UserError(SupervisionErrorCode.AGENCY_OUT_OF_REACH, "被评查单位须在本机关的监督范围内", "agencyIds")
        scope = frozenset(request.agency_ids)
    reviewers = await _reviewers(session, request.reviewer_ids, reach)
    drawn = await draws.draw(session, SamplePurpose.CASE_REVIEW, request.sample, organiser_agency_id, scope, actor, today, rubric.to_json())
    sample, cases = drawn.sample, drawn.cases
    handlers: dict[str, set[uuid.UUID]] = {}
    for case_id, officer_id in (await session.execute(
        sa.select(CaseOfficer.case_id, CaseOfficer.officer_id).where(CaseOfficer.case_id.in_([uuid.UUID(c.case) for c in cases]))
    )).all():
        handlers.setdefault(str(case_id), set()).add(officer_id)
    names = {str(i): n for i, n in (await session.execute(
        sa.select(Agency.id, Agency.name).where(Agency.id.in_({uuid.UUID(c.agency) for c in cases}))
    )).all()}
    chosen = assign(cases, reviewers, handlers, names)
    session.add_all(
        CaseReview(sample_id=sample.id, case_id=uuid.UUID(c.case), agency_id=uuid.UUID(c.agency), reviewer_id=chosen[c.case])
        for c in cases
    )
    await session.flush()
    await record(session, actor=actor, action="review_sample.drawn", object_type="SupervisionSample", object_id=sample.id,
                 after=_sample_state(sample, cases, chosen), detail=f"{sample.name}：{len(drawn.population)} 件中抽取 {len(cases)} 件")
    return sample


async def _reviewers(session: AsyncSession, ids: Sequence[uuid.UUID], reach: frozenset[uuid.UUID] | None) -> list[Reviewer]:
    if not ids:
        raise UserError(SupervisionErrorCode.REVIEWERS_REQUIRED, "请指定评查人员", "reviewerIds")
    if len(set(ids)) != len(ids):
        raise UserError(SupervisionErrorCode.REVIEWER_INVALID, "评查人员重复", "reviewerIds")
    rows = {r.id: r for r in (await session.execute(sa.select(Officer.id, Officer.agency_id, Officer.role).where(Officer.id.in_(ids)))).all()}
    for officer_id in ids:
        row = rows.get(officer_id)
        if row is None or (reach is not None and row.agency_id not in reach):
            raise UserError(SupervisionErrorCode.REVIEWER_INVALID, "评查人员不存在或不在本机关的监督范围内", "reviewerIds")
        if row.role is OfficerRole.AUXILIARY:
            raise UserError(SupervisionErrorCode.REVIEWER_INVALID, "辅助人员不得担任案卷评查人员", "reviewerIds")
    return [Reviewer(i, rows[i].agency_id) for i in ids]


def _sample_state(sample: SupervisionSample, drawn: Sequence[sampling.Candidate], chosen: dict[str, uuid.UUID]) -> dict:
    return {
        "year": sample.year, "percent": sample.percent, "seed": sample.seed, "population_digest": sample.population_digest,
        "sample_digest": sample.sample_digest, "rubric": sample.rubric, "assigned": {c.case: str(chosen[c.case]) for c in drawn},
    }


@dataclass(frozen=True)
class Verification:
    population_matches: bool  # the closed cases of the year are still the recorded population
    draw_matches: bool  # the recorded reviews are exactly the draw from that population and seed
    recomputed_sample_digest: str


async def verify_sample(session: AsyncSession, sample: SupervisionSample) -> Verification:
    """Redraw from the recorded seed. Every agency with a closed case has at least one case in the
    sample (sampling.py), so the agencies of the reviews are the agencies of the population."""
    recorded = [sampling.Candidate(str(c), str(a)) for c, a in (await session.execute(
        sa.select(CaseReview.case_id, CaseReview.agency_id).where(CaseReview.sample_id == sample.id)
    )).all()]
    candidates = await draws.closed_cases(session, sample.year, {uuid.UUID(c.agency) for c in recorded})
    redrawn = sampling.digest(sampling.sample(candidates, sample.percent, sample.seed)) if candidates else ""
    return Verification(
        population_matches=sampling.digest(candidates) == sample.population_digest,
        draw_matches=redrawn == sample.sample_digest == sampling.digest(recorded),
        recomputed_sample_digest=redrawn,
    )


# --- recording a review -------------------------------------------------------------------------


def sample_rubric(sample: SupervisionSample) -> Rubric:
    """The rubric frozen with the sample (validated again: the JSON is data like any file)."""
    return from_mapping(sample.rubric, f"抽样 {sample.name}")


async def record_review(
    session: AsyncSession,
    actor: str,
    review: CaseReview,
    findings: Sequence[Finding],
    comment: str,
    on: dt.date,
    today: dt.date,
    version: int | None = None,
) -> tuple[CaseReview, Score]:
    """Score the findings against the sample's frozen rubric and store them, replacing earlier ones."""
    if version is not None and version != review.version:
        raise UserError(CommonErrorCode.VERSION_CONFLICT, "评查记录已被他人修改，请刷新后重试", "version")
    sample = await session.get(SupervisionSample, review.sample_id)
    if not legal_date(sample.drawn_at) <= on <= today:
        raise UserError(SupervisionErrorCode.REVIEW_DATE_INVALID, "评查日期应在抽样之日至今天之间", "on")
    result = score(sample_rubric(sample), findings)
    before = await _review_state(session, review)
    await session.execute(sa.delete(ReviewFinding).where(ReviewFinding.review_id == review.id))
    session.add_all(ReviewFinding(review_id=review.id, item_code=f.item_code, deduction=f.deduction, note=f.note.strip()) for f in findings)
    review.score, review.grade, review.vetoed = result.total, result.grade, result.vetoed
    review.comment, review.reviewed_on = comment.strip(), on
    await session.flush()
    await record(session, actor=actor, action="case_review.recorded", object_type="CaseReview", object_id=review.id,
                 before=before, after=await _review_state(session, review), detail=f"{result.total} 分，{result.grade.label}")
    return review, result


async def _review_state(session: AsyncSession, review: CaseReview) -> dict | None:
    if review.reviewed_on is None:
        return None
    rows = (await session.execute(
        sa.select(ReviewFinding.item_code, ReviewFinding.deduction, ReviewFinding.note).where(ReviewFinding.review_id == review.id).order_by(ReviewFinding.item_code)
    )).all()
    return {
        "score": str(review.score), "grade": review.grade.value, "vetoed": review.vetoed, "comment": review.comment,
        "reviewed_on": review.reviewed_on.isoformat(), "findings": [[c, str(Decimal(d)), n] for c, d, n in rows],
    }

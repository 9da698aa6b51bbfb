"""Supervision in GraphQL: 案卷评查（抽样、评分、各单位合格率）.

- `reviewRubric`: the rubric in force (core/supervision/rubric.toml, or the deployment's file named
  by ZHIFA_REVIEW_RUBRIC_FILE); each sample carries the rubric frozen when it was drawn.
- `drawReviewSample` (supervisors): a reproducible random sample of the year's closed cases of the
  agencies in reach, each case assigned to a reviewer who is neither of the agency under review
  nor a handling officer of the case.
- `recordCaseReview` (the assigned reviewer, or a supervisor in reach): findings per rubric item,
  scored against the sample's rubric; recording again replaces the findings.
- `reviewSamples`, `caseReviews`, `reviewPassRates`, `reviewSampleVerification`: reading.

Who reads what is decided in core.supervision.reviews.where: supervisors their samples and the
reviews of every agency in reach; an agency's staff the reviews of their agency's cases (read
only); a reviewer the reviews assigned to them.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Annotated

import sqlalchemy as sa
import strawberry
from zhifa.core.access.viewer import Role, Scope
from zhifa.core.clock import legal_today
from zhifa.core.errors import CommonErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.supervision import models as m
from zhifa.core.supervision import reviews as service
from zhifa.core.supervision.draws import SampleRequest
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.rates import percent, rate
from zhifa.core.supervision.rubric import (
    ITEM_KIND_LABELS,
    Finding,
    ItemKind,
    Rubric,
    from_mapping,
    rubric_in_force,
)
from zhifa.schema.kit.access import RowRule
from zhifa.schema.kit.connections import connection, decode_id, one, planner
from zhifa.schema.kit.enums import from_core, graphql_enum
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Kind, Planner, Relation, child_selections
from zhifa.schema.kit.relay import PAGE_ARGS, Connection, Node, PageRequest, global_id

AgencyRef = Annotated["Agency", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name
CaseRef = Annotated["Case", strawberry.lazy("zhifa.schema.cases.types")]  # another domain's type, resolved by name
OfficerRef = Annotated["Officer", strawberry.lazy("zhifa.schema.people.types")]  # another domain's type, resolved by name

samples, reviews, findings = m.SupervisionSample.__table__, m.CaseReview.__table__, m.ReviewFinding.__table__
BY_AGENCY_AND_CASE = sa.cast(reviews.c.agency_id, sa.String) + sa.cast(reviews.c.case_id, sa.String)  # a sample's reviews in draw order

ReviewGrade = graphql_enum(m.ReviewGrade, "ReviewGrade", "案卷评查等次")
RubricItemKind = strawberry.enum(
    enum.Enum("RubricItemKind", {k.name: strawberry.enum_value(k.value, description=ITEM_KIND_LABELS[k]) for k in ItemKind}),
    description="评查项目类别：扣分项、否决项（发现即不合格卷，计 0 分）、一票否决优秀项",
)


# --- the rubric ---------------------------------------------------------------------------------


@strawberry.type(description="评查项目")
class ReviewRubricItem:
    code: str = strawberry.field(description="项目代码，记录评查发现时引用")
    title: str
    category: str = strawberry.field(description="所属类别代码")
    kind: RubricItemKind
    max_deduction: float = strawberry.field(description="最高扣分（百分制，可为 0.5 的倍数）；否决项为 0")
    basis: str = strawberry.field(description="依据或来源")


@strawberry.type(description="评查类别（主体、事实证据、程序、适用法律、裁量、文书、归档等）")
class ReviewRubricCategory:
    code: str
    name: str
    points: float = strawberry.field(description="本类别分值；各类别之和为 100，类内扣分不超过本类别分值")
    description: str
    items: list[ReviewRubricItem]


@strawberry.type(description="等次分数线：达到该分数即为该等次；低于合格线为不合格")
class ReviewGradeLines:
    excellent: float = strawberry.field(description="优秀")
    good: float = strawberry.field(description="良好")
    pass_: float = strawberry.field(name="pass", description="合格")


@strawberry.type(description="案卷评查标准")
class ReviewRubric:
    name: str
    version: str
    grades: ReviewGradeLines
    categories: list[ReviewRubricCategory]


def _rubric(r: Rubric) -> ReviewRubric:
    items = [
        ReviewRubricItem(code=i.code, title=i.title, category=i.category, kind=RubricItemKind(i.kind.value),
                         max_deduction=float(i.max_deduction), basis=i.basis)
        for i in r.items
    ]
    return ReviewRubric(
        name=r.name,
        version=r.version,
        grades=ReviewGradeLines(excellent=float(r.grades.excellent), good=float(r.grades.good), pass_=float(r.grades.passing)),
        categories=[
            ReviewRubricCategory(code=c.code, name=c.name, points=float(c.points), description=c.description,
                                 items=[i for i in items if i.category == c.code])
            for c in r.categories
        ],
    )


def _frozen_rubric(row) -> ReviewRubric | None:
    return _rubric(from_mapping(row.rubric, f"抽样 {row.name}")) if row.rubric else None


# --- samples and reviews ------------------------------------------------------------------------


@strawberry.type(description="评查发现：对一个评查项目的扣分（否决项扣分为 0）")
class CaseReviewFinding:
    item_code: str
    deduction: float
    note: str


@strawberry.type(description="一件案卷的评查：评查人员不来自被评查单位，也不是案件的承办人员")
class CaseReview(Node):
    score: float | None = strawberry.field(description="得分（百分制）；否决项成立时为 0；未评查为空")
    grade: ReviewGrade | None = strawberry.field(description="等次；未评查为空")
    vetoed: bool = strawberry.field(description="有否决项成立（不合格卷）")
    comment: str = strawberry.field(description="评查意见")
    reviewed_on: dt.date | None = strawberry.field(description="评查日期；未评查为空")
    reviewed: bool = strawberry.field(description="已记录评查结果")
    version: int = strawberry.field(description="乐观锁版本号，重新记录时提交以防覆盖他人的修改")
    sample_id: strawberry.ID = strawberry.field(description="所属抽样的全局 ID")
    case_id: strawberry.ID = strawberry.field(description="被评查案件的全局 ID（即使本账号不能读取该案件）")
    case: CaseRef | None = strawberry.field(default=None, description="被评查案件（本账号管辖范围内的）")
    agency: AgencyRef | None = strawberry.field(default=None, description="被评查单位")
    reviewer: OfficerRef | None = strawberry.field(default=None, description="评查人员（本账号管辖范围内的）")
    findings: list[CaseReviewFinding] = strawberry.field(default_factory=list, description="评查发现，按项目代码排序")


@strawberry.type(description="案卷评查抽样：随机种子、总体和样本摘要，以及抽样时施行的评查标准（冻结）")
class ReviewSample(Node):
    name: str = strawberry.field(description="名称，如“2025 年度行政执法案卷评查”")
    year: int = strawberry.field(description="评查年度：结案日期在该年度的案件为抽样总体")
    percent: int = strawberry.field(description="抽查比例（%），每个单位至少抽 1 件")
    seed: str = strawberry.field(description="随机种子：相同种子和相同总体必然抽出相同案件")
    population_size: int = strawberry.field(description="抽样总体的案件数")
    population_digest: str = strawberry.field(description="总体的 SM3 摘要（算法 zhifa-sample 第 1 版）")
    sample_digest: str = strawberry.field(description="样本的 SM3 摘要")
    drawn_at: dt.datetime = strawberry.field(description="抽取时间")
    actor: str = strawberry.field(description="抽取人（账号）")
    rubric: ReviewRubric | None = strawberry.field(description="抽样时施行并冻结的评查标准；本抽样的评分均按此标准")
    organiser: AgencyRef | None = strawberry.field(default=None, description="组织评查的机关")
    reviews: list[CaseReview] = strawberry.field(default_factory=list, description="本账号可见的评查，按单位和案件排序")


def _review(r) -> CaseReview:
    return CaseReview(
        id=global_id("CaseReview", r.id),
        score=float(r.score) if r.score is not None else None,
        grade=from_core(ReviewGrade, m.ReviewGrade(r.grade)) if r.grade else None,
        vetoed=r.vetoed,
        comment=r.comment,
        reviewed_on=r.reviewed_on,
        reviewed=r.reviewed_on is not None,
        version=r.version,
        sample_id=global_id("ReviewSample", r.sample_id),
        case_id=global_id("Case", r.case_id),
    )


def _sample(r) -> ReviewSample:
    return ReviewSample(
        id=global_id("ReviewSample", r.id), name=r.name, year=r.year, percent=r.percent, seed=r.seed,
        population_size=r.population_size, population_digest=r.population_digest, sample_digest=r.sample_digest,
        drawn_at=r.drawn_at, actor=r.actor, rubric=_frozen_rubric(r),
    )


def _rows(kind: str) -> RowRule:
    return RowRule(Scope.CASES, lambda access, t: service.where(kind, t, access.agencies, access.viewer.officer_id))


FINDING = Kind("CaseReviewFinding", findings, lambda r: CaseReviewFinding(item_code=r.item_code, deduction=float(r.deduction), note=r.note))
REVIEW = Kind(
    "CaseReview",
    reviews,
    _review,
    {
        "case": Relation("one", "Case", "case_id"),
        "agency": Relation("one", "Agency", "agency_id"),
        "reviewer": Relation("one", "Officer", "reviewer_id"),
        "findings": Relation(
            "many", "CaseReviewFinding",
            link=lambda ids: sa.select(findings.c.review_id, findings.c.id, findings.c.item_code).where(findings.c.review_id.in_(ids)),
        ),
    },
    rule=_rows("CaseReview"),
)
SAMPLE = Kind(
    "ReviewSample",
    samples,
    _sample,
    {
        "organiser": Relation("one", "Agency", "organiser_agency_id"),
        "reviews": Relation(
            "many", "CaseReview",
            link=lambda ids: sa.select(reviews.c.sample_id, reviews.c.id, BY_AGENCY_AND_CASE).where(
                reviews.c.sample_id.in_(ids)
            ),
        ),
    },
    rule=_rows("ReviewSample"),
)
NODES = (SAMPLE, REVIEW)  # reached by `node`
KINDS = (*NODES, FINDING)


# --- reading ------------------------------------------------------------------------------------


@strawberry.input(description="案卷评查抽样筛选")
class ReviewSampleFilter:
    year: int | None = strawberry.field(default=None, description="评查年度")


@strawberry.input(description="案卷评查筛选")
class CaseReviewFilter:
    sample_id: strawberry.ID | None = None
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="被评查单位")
    reviewer_id: strawberry.ID | None = strawberry.field(default=None, description="评查人员")
    year: int | None = strawberry.field(default=None, description="抽样的评查年度")
    reviewed: bool | None = strawberry.field(default=None, description="true：已评查；false：待评查")
    grade: list[ReviewGrade] | None = strawberry.field(default=None, description="任一等次")


def _review_clauses(f: CaseReviewFilter) -> list[sa.ColumnElement[bool]]:
    c, where = reviews.c, []
    if f.sample_id:
        where.append(c.sample_id == decode_id(f.sample_id, "ReviewSample", "filter.sampleId"))
    if f.agency_id:
        where.append(c.agency_id == decode_id(f.agency_id, "Agency", "filter.agencyId"))
    if f.reviewer_id:
        where.append(c.reviewer_id == decode_id(f.reviewer_id, "Officer", "filter.reviewerId"))
    if f.year is not None:
        where.append(c.sample_id.in_(sa.select(samples.c.id).where(samples.c.year == f.year)))
    if f.reviewed is not None:
        where.append(c.reviewed_on.is_not(None) if f.reviewed else c.reviewed_on.is_(None))
    if f.grade:
        where.append(c.grade.in_([g.value for g in f.grade]))
    return where


@strawberry.type(description="某单位的案卷评查合格率")
class AgencyReviewRate:
    agency: AgencyRef | None = strawberry.field(description="被评查单位")
    assigned: int = strawberry.field(description="抽中的案卷")
    reviewed: int = strawberry.field(description="已评查")
    passed: int = strawberry.field(description="合格（等次不为不合格）")
    excellent: int = strawberry.field(description="优秀")
    vetoed: int = strawberry.field(description="否决项成立")
    rate: str | None = strawberry.field(description="合格率 = 合格 ÷ 已评查，百分比，两位小数；无已评查时为空")


def _percent(passed: int, reviewed: int) -> str | None:
    share = percent(rate(passed, reviewed))
    return None if share is None else str(share)


def _count(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


async def resolve_pass_rates(info: strawberry.Info, filter: CaseReviewFilter | None) -> list[AgencyReviewRate]:
    access = info.context.access
    access.require("CaseReview")
    c = reviews.c
    passed = c.grade.in_([g.value for g in m.ReviewGrade if g is not m.ReviewGrade.FAIL])
    async with planner(info) as plan:
        stmt = plan.scoped(REVIEW, sa.select(
            c.agency_id, sa.func.count(), _count(c.reviewed_on.is_not(None)), _count(passed),
            _count(c.grade == m.ReviewGrade.EXCELLENT.value), _count(c.vetoed),
        ).where(*_review_clauses(filter or CaseReviewFilter()))).group_by(c.agency_id)
        rows = (await plan.session.execute(stmt)).all()
        nested = child_selections([s for f in info.selected_fields for s in f.selections], "agency") or []
        agencies = await plan.by_ids("Agency", {r[0] for r in rows}, nested)
    found = [
        AgencyReviewRate(agency=agencies.get(a), assigned=int(n), reviewed=int(done), passed=int(ok), excellent=int(best),
                         vetoed=int(veto), rate=_percent(int(ok), int(done)))
        for a, n, done, ok, best, veto in rows
    ]
    return sorted(found, key=lambda r: (-Decimal(r.rate or -1), r.agency.name if r.agency else ""))


@strawberry.type(description="抽样核验：按记录的种子重新抽取并比对摘要")
class ReviewSampleVerification:
    population_matches: bool = strawberry.field(description="该年度的结案案件仍与抽样时的总体一致")
    draw_matches: bool = strawberry.field(description="已记录的评查案卷正是由该总体和种子抽出的")
    sample_digest: str
    recomputed_sample_digest: str


async def resolve_verification(info: strawberry.Info, sample_id: strawberry.ID) -> ReviewSampleVerification | None:
    info.context.access.require("ReviewSample")
    key = decode_id(sample_id, "ReviewSample", "sampleId")
    async with planner(info) as plan:
        if not await plan.exists(SAMPLE, key):
            return None
        sample = await plan.session.get(m.SupervisionSample, key)
        checked = await service.verify_sample(plan.session, sample)
    return ReviewSampleVerification(population_matches=checked.population_matches, draw_matches=checked.draw_matches,
                                    sample_digest=sample.sample_digest, recomputed_sample_digest=checked.recomputed_sample_digest)


# --- acting -------------------------------------------------------------------------------------


@strawberry.input(description="抽取案卷评查样本并分配评查人员")
class DrawReviewSampleInput:
    year: int = strawberry.field(description="评查年度：结案日期在该年度的已结案案件为抽样总体")
    percent: int = strawberry.field(description="抽查比例（1–100 的百分数），每个单位至少抽 1 件")
    reviewer_ids: list[strawberry.ID] = strawberry.field(description="评查人员（本机关监督范围内的执法人员、法制审核员或负责人），按顺序轮流分配")
    agency_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="被评查单位（须在监督范围内）；默认监督范围内的全部单位")
    seed: str | None = strawberry.field(default=None, description="随机种子；默认随机生成并记录")
    name: str = strawberry.field(default="", description="名称，默认“某年度行政执法案卷评查”")


@strawberry.input(description="一条评查发现")
class ReviewFindingInput:
    item_code: str = strawberry.field(description="评查项目代码（抽样时冻结的评查标准中的）")
    deduction: float = strawberry.field(default=0, description="扣分（0.5 的倍数，不超过该项目的最高扣分；否决项填 0）")
    note: str = ""


@strawberry.input(description="记录一件案卷的评查结果；再次记录即替换原有评查发现")
class RecordCaseReviewInput:
    review_id: strawberry.ID
    findings: list[ReviewFindingInput]
    comment: str = ""
    on: dt.date | None = strawberry.field(default=None, description="评查日期，默认今天")
    version: int | None = None


@strawberry.type(description="抽取案卷评查样本的结果")
class ReviewSamplePayload:
    sample: ReviewSample | None
    errors: list[UserError]


@strawberry.type(description="记录案卷评查的结果")
class CaseReviewPayload:
    review: CaseReview | None
    errors: list[UserError]


def _ids(values: list[strawberry.ID] | None, type_name: str, field: str) -> tuple[uuid.UUID, ...]:
    return tuple(decode_id(v, type_name, field) for v in values or [])


async def resolve_draw(info: strawberry.Info, input: DrawReviewSampleInput) -> ReviewSamplePayload:
    async def work(session):
        access = info.context.access
        if not access.viewer.has(Role.SUPERVISOR) or access.viewer.agency_id is None:
            raise RuleError(CommonErrorCode.FORBIDDEN, "只有执法监督机关（司法行政机关）可以组织案卷评查抽样")
        request = service.DrawRequest(
            SampleRequest(year=input.year, percent=input.percent, seed=input.seed, name=input.name),
            reviewer_ids=_ids(input.reviewer_ids, "Officer", "reviewerIds"), agency_ids=_ids(input.agency_ids, "Agency", "agencyIds"),
        )
        rubric = rubric_in_force(info.context.settings.review_rubric_file)
        reach = access.reach.agencies if access.reach else frozenset()
        return (await service.draw_sample(session, info.context.actor, access.viewer.agency_id, reach, request, rubric, legal_today())).id

    key, errors = await run_mutation(info, work)
    return ReviewSamplePayload(sample=await one(info, SAMPLE, key, "sample") if key else None, errors=errors)


async def resolve_record(info: strawberry.Info, input: RecordCaseReviewInput) -> CaseReviewPayload:
    async def work(session):
        access = info.context.access
        key = decode_id(input.review_id, "CaseReview", "reviewId")
        if not access.readable("CaseReview") or not await Planner(session, access).exists(REVIEW, key):
            raise RuleError(SupervisionErrorCode.REVIEW_NOT_FOUND, "评查记录不存在或不在本账号的范围内", "reviewId")
        review = await session.get(m.CaseReview, key)
        viewer, reach = access.viewer, access.reach.agencies if access.reach else frozenset()
        assigned = viewer.officer_id is not None and viewer.officer_id == review.reviewer_id
        supervising = viewer.has(Role.SUPERVISOR) and (reach is None or review.agency_id in reach)
        if not (assigned or supervising):
            raise RuleError(CommonErrorCode.FORBIDDEN, "只有分配的评查人员或监督机关可以记录评查结果；被评查单位只能查看", "reviewId")
        entries = [Finding(f.item_code.strip(), Decimal(str(f.deduction)), f.note) for f in input.findings]
        today = legal_today()
        await service.record_review(session, info.context.actor, review, entries, input.comment, input.on or today, today, input.version)
        return review.id

    key, errors = await run_mutation(info, work)
    return CaseReviewPayload(review=await one(info, REVIEW, key, "review") if key else None, errors=errors)


@strawberry.type
class ReviewQueries:
    @strawberry.field(description="施行中的案卷评查标准（部署可用 ZHIFA_REVIEW_RUBRIC_FILE 整体替换）")
    def review_rubric(self, info: strawberry.Info) -> ReviewRubric:
        return _rubric(rubric_in_force(info.context.settings.review_rubric_file))

    @strawberry.field(description=f"案卷评查抽样（本机关组织的，及涉及本账号管辖单位的），新的在前。{PAGE_ARGS}")
    async def review_samples(
        self,
        info: strawberry.Info,
        filter: ReviewSampleFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ReviewSample]:
        where = [samples.c.year == filter.year] if filter and filter.year is not None else []
        return await connection(info, SAMPLE, where, (samples.c.drawn_at, samples.c.id), True, PageRequest(first, after, last, before))

    @strawberry.field(description="按全局 ID 取一次案卷评查抽样")
    async def review_sample(self, info: strawberry.Info, id: strawberry.ID) -> ReviewSample | None:
        info.context.access.require("ReviewSample")
        return await one(info, SAMPLE, decode_id(id, "ReviewSample", "id"))

    @strawberry.field(description=f"案卷评查（本账号可见的：监督范围内单位的、本单位被评查的、分配给本人的）。{PAGE_ARGS}")
    async def case_reviews(
        self,
        info: strawberry.Info,
        filter: CaseReviewFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CaseReview]:
        where = _review_clauses(filter or CaseReviewFilter())
        return await connection(info, REVIEW, where, (reviews.c.id,), False, PageRequest(first, after, last, before))

    @strawberry.field(description="各单位案卷评查合格率（本账号可见的评查），合格率高的在前")
    async def review_pass_rates(self, info: strawberry.Info, filter: CaseReviewFilter | None = None) -> list[AgencyReviewRate]:
        return await resolve_pass_rates(info, filter)

    @strawberry.field(description="核验抽样：按记录的种子对该年度结案案件重新抽取，比对总体和样本摘要")
    async def review_sample_verification(self, info: strawberry.Info, sample_id: strawberry.ID) -> ReviewSampleVerification | None:
        return await resolve_verification(info, sample_id)


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(description="抽取案卷评查样本（监督机关）：按比例分单位随机抽取年度结案案件，并轮流分配给非本单位、非承办人的评查人员")
    async def draw_review_sample(self, info: strawberry.Info, input: DrawReviewSampleInput) -> ReviewSamplePayload:
        return await resolve_draw(info, input)

    @strawberry.mutation(description="记录案卷评查结果（分配的评查人员或监督机关）：按抽样时冻结的评查标准计分定等；再次记录即替换")
    async def record_case_review(self, info: strawberry.Info, input: RecordCaseReviewInput) -> CaseReviewPayload:
        return await resolve_record(info, input)

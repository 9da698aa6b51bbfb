"""Discretion benchmarks in GraphQL: each item's table as structured data, the recommendation for a
case's facts, and the inspection checklists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from zhifa.core.catalog.discretion import (
    HearingThresholds,
    Recommendation,
    check_proposal,
)
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.loader import parse_table_dict
from zhifa.core.catalog.service import recommend_for
from zhifa.core.catalog.spec import (
    ENTITY_KINDS,
    MEASURES,
    OUTCOMES,
    PENALTY_KINDS,
    FixedFine,
    ProportionalFine,
)
from zhifa.core.clock import legal_today
from zhifa.core.errors import UserError, UserErrors
from zhifa.schema.kit.enums import EntityKind
from zhifa.schema.kit.scalars import Money


OUTCOME_TEXT = "处理结果：" + "；".join(f"{code}（{label}）" for code, label in OUTCOMES.items())


@strawberry.type(description="处罚种类或措施：代码与中文名称")
class Term:
    code: str
    name: str


def terms(codes: Any, names: dict[str, str]) -> list[Term]:
    return [Term(code=c, name=names[c]) for c in codes]


@strawberry.type(description="裁量档次")
class DiscretionTier:
    code: str
    name: str = strawberry.field(description="情节：轻微、较轻、一般、较重、严重等")
    when: str | None = strawberry.field(description="适用条件（裁量条件语言）；为空表示兜底档次")
    outcome: str = strawberry.field(description=OUTCOME_TEXT)
    first_violation: bool = strawberry.field(description="首违不罚档次（行政处罚法第三十三条第一款）")
    measures: list[Term] = strawberry.field(description="维持的责令改正等措施（不属于行政处罚）")
    fine_min: Money | None = strawberry.field(description="固定罚款下限")
    fine_max: Money | None = strawberry.field(description="固定罚款上限")
    fine_base: str | None = strawberry.field(description="按比例罚款所依据的金额型事实")
    fine_rate_min: str | None = strawberry.field(description="比例或倍数下限（小数字符串）")
    fine_rate_max: str | None
    fine_cap: Money | None
    other_penalties: list[Term]
    major: bool
    reasons: str


@strawberry.type(description="从轻、从重情节")
class DiscretionFactor:
    code: str
    name: str
    effect: str = strawberry.field(description="mitigating（从轻）或 aggravating（从重）")
    when: str
    basis: str


@strawberry.type(description="裁量基准表")
class DiscretionTable:
    issuer: str
    effective_from: dt.date | None
    band: str = strawberry.field(description="从轻、从重情节在档次幅度内所取的比例")
    tiers: list[DiscretionTier]
    factors: list[DiscretionFactor]


def table_from_raw(raw: dict[str, Any]) -> DiscretionTable:
    table = parse_table_dict(raw)
    return DiscretionTable(
        issuer=table.issuer,
        effective_from=table.effective_from,
        band=str(table.band),
        tiers=[_tier(t) for t in table.tiers],
        factors=[DiscretionFactor(code=f.code, name=f.name, effect=f.effect, when=f.when_text, basis=f.basis) for f in table.factors],
    )


def _tier(t) -> DiscretionTier:
    fixed = t.fine if isinstance(t.fine, FixedFine) else None
    rate = t.fine if isinstance(t.fine, ProportionalFine) else None
    return DiscretionTier(
        code=t.code,
        name=t.name,
        when=t.when_text,
        outcome=t.outcome,
        first_violation=t.first_violation,
        measures=terms(t.measures, MEASURES),
        fine_min=fixed.min_fen if fixed else None,
        fine_max=fixed.max_fen if fixed else None,
        fine_base=rate.base if rate else None,
        fine_rate_min=str(rate.rate_min) if rate else None,
        fine_rate_max=str(rate.rate_max) if rate else None,
        fine_cap=rate.cap_fen if rate else None,
        other_penalties=terms(t.other_penalties, PENALTY_KINDS),
        major=t.major,
        reasons=t.reasons,
    )


@strawberry.type(description="罚款幅度")
class FineRange:
    min: Money
    max: Money


@strawberry.type(description="对拟处罚款的审查结果")
class ProposalResult:
    fine: Money | None
    within_benchmark: bool = strawberry.field(description="是否在推荐幅度内")
    hearing_right: bool
    hearing_reasons: list[str]
    legal_review_required: bool = strawberry.field(description="偏离裁量基准的，须经法制审核")
    legal_review_reasons: list[str]


@strawberry.type(description="裁量建议：适用的档次、罚款幅度、情节与理由，每个数字都可追溯到基准表的一行")
class DiscretionResult:
    item_code: str
    item_version: int
    tier_code: str
    tier_name: str
    outcome: str = strawberry.field(description=OUTCOME_TEXT)
    first_violation: bool
    measures: list[Term] = strawberry.field(description="维持的责令改正等措施（不属于行政处罚）")
    statutory_fine: FineRange | None = strawberry.field(
        description="处罚依据规定的法定罚款幅度（按案件事实）：说明理由也不能超过其上限；低于下限属于减轻处罚"
    )
    tier_fine: FineRange | None = strawberry.field(description="档次本身的罚款幅度")
    recommended_fine: FineRange | None = strawberry.field(description="考虑从轻、从重情节后的推荐幅度")
    other_penalties: list[Term]
    factors: list[DiscretionFactor]
    reasons: list[str]
    hearing_right: bool = strawberry.field(description="是否告知听证权利（行政处罚法第六十三条）")
    hearing_reasons: list[str]
    legal_review_required: bool = strawberry.field(description="是否须法制审核（行政处罚法第五十八条）")
    legal_review_reasons: list[str]
    trace: list[str] = strawberry.field(description="计算过程，逐步注明所依据的基准表行")
    proposal: ProposalResult | None = strawberry.field(description="提交了拟处罚款时的审查结果")


def _range(r) -> FineRange | None:
    return FineRange(min=r.min_fen, max=r.max_fen) if r else None


def _result(version, rec: Recommendation, table_raw: dict, proposal) -> DiscretionResult:
    factors = {f["code"]: f for f in table_raw.get("factor", [])}
    return DiscretionResult(
        item_code=version.code,
        item_version=version.version,
        tier_code=rec.tier.code,
        tier_name=rec.tier.name,
        outcome=rec.tier.outcome,
        first_violation=rec.tier.first_violation,
        measures=terms(rec.tier.measures, MEASURES),
        statutory_fine=_range(rec.statutory_range),
        tier_fine=_range(rec.tier_range),
        recommended_fine=_range(rec.recommended_range),
        other_penalties=terms(rec.other_penalties, PENALTY_KINDS),
        factors=[
            DiscretionFactor(code=f.code, name=f.name, effect=f.effect, when=factors.get(f.code, {}).get("when", ""), basis=f.basis)
            for f in rec.factors
        ],
        reasons=list(rec.reasons),
        hearing_right=rec.hearing_right,
        hearing_reasons=list(rec.hearing_reasons),
        legal_review_required=rec.legal_review_required,
        legal_review_reasons=list(rec.legal_review_reasons),
        trace=list(rec.trace),
        proposal=proposal,
    )


def rule_error(errors: list[UserError]) -> GraphQLError:
    first = errors[0]
    detail = [{"code": e.code, "field": e.field, "message": e.message} for e in errors]
    return GraphQLError("；".join(e.message for e in errors), extensions={"code": first.code, "field": first.field, "errors": detail})


async def resolve_discretion(
    info: strawberry.Info,
    item_code: str,
    facts: JSON,
    party_kind: EntityKind,
    as_of: dt.date | None,
    proposed_fine: Money | None,
    proposal_reasons: str | None,
) -> DiscretionResult:
    if not isinstance(facts, dict):
        raise GraphQLError("facts 应为以事实名称为键的对象", extensions={"code": CatalogErrorCode.FACTS_INVALID, "field": "facts"})
    if party_kind.value not in ENTITY_KINDS:
        raise GraphQLError("未知的相对人类别", extensions={"code": CatalogErrorCode.PARTY_KIND_UNKNOWN})
    try:
        async with info.context.sessions() as session:
            version, rec = await recommend_for(
                session, item_code.strip(), as_of or legal_today(), facts, party_kind.value, HearingThresholds()
            )
        proposal = None
        if proposed_fine is not None or proposal_reasons:
            checked = check_proposal(rec, proposed_fine, proposal_reasons)
            proposal = ProposalResult(
                fine=checked.fine_fen,
                within_benchmark=checked.within_benchmark,
                hearing_right=checked.hearing_right,
                hearing_reasons=list(checked.hearing_reasons),
                legal_review_required=checked.legal_review_required,
                legal_review_reasons=list(checked.legal_review_reasons),
            )
    except UserErrors as exc:
        raise rule_error(exc.errors) from None
    except UserError as exc:
        raise rule_error([exc]) from None
    return _result(version, rec, version.discretion, proposal)

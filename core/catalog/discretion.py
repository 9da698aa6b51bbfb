"""The discretion engine (裁量引擎): from a case's facts to the benchmark tier, the fine range and
the procedure that range triggers (hearing right, legal review). Pure functions: no database, no I/O.

Every number in a `Recommendation` is explained by a step of its `trace` naming the row of
discretion.toml (or items.toml) it comes from, because the decision must state how the benchmark
was applied (国办发〔2022〕27号, REFERENCE §3.1) and the legal reviewer checks exactly that (§2.3).
Money is integer fen; facts are the typed facts of `core.catalog.spec.typed_facts` (money in yuan,
as Decimal). No floats anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from zhifa.core.catalog.conditions import evaluate, fact_names
from zhifa.core.catalog.error_codes import CatalogErrorCode
from zhifa.core.catalog.spec import (
    MEASURES,
    NO_PENALTY_OUTCOMES,
    PENALTY_KINDS,
    FixedFine,
    ItemSpec,
    ProportionalFine,
    StatutoryBound,
    TableSpec,
    TierSpec,
)
from zhifa.core.errors import UserError
from zhifa.core.money import FEN_PER_YUAN, fen_to_yuan, round_fen

APL = "《中华人民共和国行政处罚法》"
# 个体工商户 are natural persons in civil law (民法典 第二章“自然人”第四节), so they get the
# natural person's (lower) hearing threshold; the other entity kinds are organisations.
NATURAL_PERSON_KINDS = {"natural_person": "自然人", "individual_business": "个体工商户（自然人）"}
ORGANISATION_KINDS = {"legal_person": "法人", "other_organisation": "其他组织"}
# APL Art. 63 para 1: penalties that give the right to a hearing whatever the fine, by item number.
HEARING_KINDS = {
    "lower_qualification": "三",
    "revoke_licence": "三",
    "suspend_business": "四",
    "order_closure": "四",
    "restrict_practice": "四",
}
EFFECT_LABELS = {"mitigating": "从轻", "aggravating": "从重"}


@dataclass(frozen=True)
class HearingThresholds:
    """The "relatively large fine" (较大数额罚款, APL Art. 63 para 1 item 1) in fen, per party kind.

    Configuration, not law: the APL leaves the amount to ministries and provinces (REFERENCE §1.9).
    The defaults are the SAMR hearing rules' 10,000 yuan for natural persons and 100,000 yuan for
    legal persons and other organisations, tagged [R] (unconfirmed). A later issue reads them from
    settings; until then callers pass their own.
    """

    natural_person_fen: int = 1_000_000
    organisation_fen: int = 10_000_000

    def for_party(self, party_kind: str) -> int:
        return self.natural_person_fen if party_kind in NATURAL_PERSON_KINDS else self.organisation_fen


@dataclass(frozen=True)
class FineRange:
    min_fen: int
    max_fen: int

    def contains(self, fen: int) -> bool:
        return self.min_fen <= fen <= self.max_fen


@dataclass(frozen=True)
class ChosenTier:
    code: str
    name: str
    outcome: str  # "penalty" | "no_penalty" | "order_only" (spec.OUTCOMES)
    first_violation: bool  # the 首违不罚 path of APL Art. 33 para 1
    major: bool
    measures: tuple[str, ...] = ()  # the orders that stand (责令改正, 责令限期拆除, ...)

    @property
    def penalised(self) -> bool:
        return self.outcome not in NO_PENALTY_OUTCOMES


@dataclass(frozen=True)
class AppliedFactor:
    code: str
    name: str
    effect: str  # "mitigating" | "aggravating"
    basis: str


@dataclass(frozen=True)
class Recommendation:
    item: str
    party_kind: str
    tier: ChosenTier
    tier_range: FineRange | None  # the tier's own fine range; None when the tier imposes no fine
    statutory_range: FineRange | None  # the penalty provision's range for these facts; None: not known
    recommended_range: FineRange | None  # after the factors narrowed it
    other_penalties: tuple[str, ...]  # penalty kinds besides the fine
    factors: tuple[AppliedFactor, ...]
    reasons: tuple[str, ...]  # the tier's reasons, then one line per factor
    hearing_right: bool
    hearing_reasons: tuple[str, ...]
    legal_review_required: bool
    legal_review_reasons: tuple[str, ...]
    trace: tuple[str, ...]
    # What `check_proposal` needs to judge a proposed fine against the same rules.
    fine_allowed: bool
    hearing_threshold_fen: int
    major_fine_fen: int | None
    major_kinds: tuple[str, ...]


@dataclass(frozen=True)
class ProposalCheck:
    fine_fen: int | None  # None: no fine proposed
    within_benchmark: bool
    reasons: str | None  # the stated reasons, stripped
    hearing_right: bool
    hearing_reasons: tuple[str, ...]
    legal_review_required: bool
    legal_review_reasons: tuple[str, ...]


def recommend(
    item: ItemSpec,
    table: TableSpec,
    facts: dict,
    *,
    party_kind: str,
    thresholds: HearingThresholds = HearingThresholds(),
) -> Recommendation:
    """The benchmark's recommendation for a case on `item` with these typed facts."""
    if table.item != item.code:
        raise ValueError(f"discretion table {table.item} does not belong to item {item.code}")
    _check_party_kind(party_kind)
    steps: list[str] = []
    tier = _match_tier(item, table, facts, steps)
    chosen = _tier_choice(tier)
    _explain_outcome(table, tier, steps)
    statutory = statutory_range(item, facts, steps)
    tier_range = _tier_range(item, table, tier, facts, steps)
    factors = _applied_factors(table, facts, steps) if chosen.penalised else ()
    recommended = _narrow(table, tier_range, factors, steps)
    fine_max = recommended.max_fen if recommended else None
    threshold = thresholds.for_party(party_kind)
    hearing = _hearing_reasons(fine_max, tier.other_penalties, threshold, party_kind)
    # Major is judged on a fine, not on the top of a range: the least fine the benchmark recommends
    # (the default proposal); `check_proposal` judges the fine actually proposed.
    review = _legal_review_reasons(
        item.code, chosen, recommended.min_fen if recommended else None, tier.other_penalties,
        item.major_fine_fen, item.major_kinds, "推荐罚款下限",
    )
    if recommended and item.major_fine_fen is not None and recommended.min_fen < item.major_fine_fen <= recommended.max_fen:
        steps.append(
            f"推荐幅度跨过事项 {item.code} 的重大罚款标准 {_yuan(item.major_fine_fen)}（items.toml 的 major_fine）："
            "拟处罚款达到该标准的，属于重大行政处罚，须法制审核"
        )
    steps += hearing or ("不触发听证：罚款未达较大数额标准，也没有第六十三条所列的处罚种类",)
    steps += review or ("不属于须经法制审核的重大行政处罚",)
    return Recommendation(
        item=item.code,
        party_kind=party_kind,
        tier=chosen,
        tier_range=tier_range,
        statutory_range=statutory,
        recommended_range=recommended,
        other_penalties=tier.other_penalties,
        factors=factors,
        reasons=(tier.reasons, *(_factor_reason(f) for f in factors)),
        hearing_right=bool(hearing),
        hearing_reasons=hearing,
        legal_review_required=bool(review),
        legal_review_reasons=review,
        trace=tuple(steps),
        fine_allowed="fine" in item.penalty_kinds,
        hearing_threshold_fen=threshold,
        major_fine_fen=item.major_fine_fen,
        major_kinds=item.major_kinds,
    )


def check_proposal(rec: Recommendation, proposed_fine_fen: int | None, reasons: str | None) -> ProposalCheck:
    """Judge the handling proposal's fine against the recommendation.

    Inside the recommended range it stands. Outside it (or any fine where the benchmark imposes
    none) it departs from the benchmark: allowed only with stated reasons, and then the case goes
    to legal review (国办发〔2022〕27号: departures need the head's approval or collective discussion).
    """
    fine = proposed_fine_fen or 0  # "no fine" and "a fine of 0" are the same proposal
    if fine < 0:
        raise UserError(CatalogErrorCode.FINE_NEGATIVE, "拟处罚款金额不能为负数", "proposedFine")
    if fine and not rec.fine_allowed:
        raise UserError(CatalogErrorCode.FINE_NOT_ALLOWED, f"事项 {rec.item} 的处罚种类中没有罚款，不能拟处罚款", "proposedFine")
    _check_statutory_maximum(rec.item, rec.statutory_range, fine, "proposedFine")
    stated = (reasons or "").strip() or None
    within = _within_benchmark(rec, fine)
    if not within and stated is None:
        message = f"拟处罚款 {_yuan(fine)}偏离裁量基准（{_benchmark_text(rec)}），须说明理由"
        raise UserError(CatalogErrorCode.DISCRETION_OUT_OF_RANGE, message, "proposedFine")
    fine_or_none = fine or None
    review = _legal_review_reasons(
        rec.item, rec.tier, fine_or_none, rec.other_penalties, rec.major_fine_fen, rec.major_kinds, "拟处罚款"
    )
    if not within:
        review += (_departure_reason(rec, fine, stated),)
    if rec.statutory_range and 0 < fine < rec.statutory_range.min_fen:
        review += (_reduction_reason(rec.statutory_range, fine),)
    hearing = _hearing_reasons(fine_or_none, rec.other_penalties, rec.hearing_threshold_fen, rec.party_kind)
    return ProposalCheck(
        fine_fen=fine_or_none,
        within_benchmark=within,
        reasons=stated,
        hearing_right=bool(hearing),
        hearing_reasons=hearing,
        legal_review_required=bool(review),
        legal_review_reasons=review,
    )


# --- choosing the tier ---------------------------------------------------------------------


def _check_party_kind(party_kind: str) -> None:
    if party_kind not in NATURAL_PERSON_KINDS and party_kind not in ORGANISATION_KINDS:
        known = "、".join([*NATURAL_PERSON_KINDS, *ORGANISATION_KINDS])
        raise UserError(CatalogErrorCode.PARTY_KIND_UNKNOWN, f"当事人类型“{party_kind}”无效，应为以下之一：{known}", "partyKind")


def _match_tier(item: ItemSpec, table: TableSpec, facts: dict, steps: list[str]) -> TierSpec:
    """The first tier whose condition holds: the table lists the narrowest tiers first."""
    for tier in table.tiers:
        if tier.when is None:
            steps.append(f"档次 {tier.code}（{tier.name}）适用：本档次没有适用条件，前列档次均不适用时适用")
            return tier
        if evaluate(tier.when, facts):
            steps.append(f"档次 {tier.code}（{tier.name}）适用：条件 `{tier.when_text}` 成立")
            return tier
        steps.append(f"档次 {tier.code}（{tier.name}）不适用：条件 `{tier.when_text}` 不成立")
    raise UserError(CatalogErrorCode.DISCRETION_NO_TIER, _no_tier_message(item, table, facts), "facts")


def _no_tier_message(item: ItemSpec, table: TableSpec, facts: dict) -> str:
    used = set().union(*(fact_names(t.when) for t in table.tiers if t.when is not None))
    missing = [f.label for f in item.facts if f.name in used and f.name not in facts]
    hint = f"；以下事实尚未记录：{'、'.join(missing)}" if missing else "，请核对案件事实"
    return f"事项 {item.code} 的裁量基准中没有与案件事实相符的档次{hint}"


def _explain_outcome(table: TableSpec, tier: TierSpec, steps: list[str]) -> None:
    if tier.outcome == "no_penalty":
        steps.append(f"处理结果：不予行政处罚（{_tier_row(table, tier, 'outcome')}）")
    if tier.outcome == "order_only":
        orders = "、".join(MEASURES[m] for m in tier.measures)
        steps.append(f"处理结果：{orders}，不予罚款（{_tier_row(table, tier, 'outcome / measures')}）")
    if tier.first_violation:
        steps.append(
            f"本档次为首违不罚情形（{_tier_row(table, tier, 'first_violation')}），依据{APL}第三十三条第一款；"
            "不予处罚的，依同条第三款对当事人进行教育"
        )
    if tier.other_penalties:
        kinds = "、".join(PENALTY_KINDS[k] for k in tier.other_penalties)
        steps.append(f"罚款以外的处罚：{kinds}（{_tier_row(table, tier, 'other_penalties')}）")


def _tier_choice(tier: TierSpec) -> ChosenTier:
    return ChosenTier(tier.code, tier.name, tier.outcome, tier.first_violation, tier.major, tier.measures)


# --- the statute's own range ---------------------------------------------------------------


def statutory_range(item: ItemSpec, facts: dict, steps: list[str] | None = None) -> FineRange | None:
    """The penalty provision's fine range for these facts (items.toml `[[item.bound]]`): the first
    clause whose `when` holds. None when the stored version carries no bounds."""
    steps = [] if steps is None else steps
    for i, bound in enumerate(item.bounds):
        if bound.when is None or evaluate(bound.when, facts):
            return _bound_range(item, i, bound, facts, steps)
    return None


def check_statutory_fine(item: ItemSpec, facts: dict, fine_fen: int, field: str = "fine") -> None:
    """A decided fine is held to the statute as a proposed one is: never above its maximum."""
    _check_statutory_maximum(item.code, statutory_range(item, facts), fine_fen, field)


def _bound_range(item: ItemSpec, index: int, bound: StatutoryBound, facts: dict, steps: list[str]) -> FineRange:
    row = f"items.toml 事项 {item.code} 的 bound[{index}]"
    why = f"条件 `{bound.when_text}` 成立" if bound.when_text else "其他情形"
    fine = bound.fine
    if isinstance(fine, FixedFine):
        found = FineRange(fine.min_fen, fine.max_fen)
    else:
        base = facts.get(fine.base)
        label = _base_label(item, fine.base)
        if base is None:
            message = f"{item.basis}按“{label}”规定罚款幅度，但案件尚未记录该事实"
            raise UserError(CatalogErrorCode.DISCRETION_BASE_MISSING, message, f"facts.{fine.base}")
        low, high = (round_fen(base * rate * FEN_PER_YUAN) for rate in (fine.rate_min, fine.rate_max))
        found = FineRange(*(min(x, fine.cap_fen) for x in (low, high))) if fine.cap_fen is not None else FineRange(low, high)
    steps.append(f"法定罚款幅度：{_yuan(found.min_fen)}至 {_yuan(found.max_fen)}（{item.basis}；{why}；{row}）")
    return found


def _check_statutory_maximum(item_code: str, bound: FineRange | None, fine: int, field: str) -> None:
    if bound is not None and fine > bound.max_fen:
        message = (
            f"罚款 {_yuan(fine)}超过事项 {item_code} 处罚依据规定的最高额 {_yuan(bound.max_fen)}：说明理由只能在法定幅度内偏离裁量基准，"
            f"不能超出法定幅度（{APL}第三十四条，国办发〔2022〕27号）"
        )
        raise UserError(CatalogErrorCode.STATUTORY_MAXIMUM_EXCEEDED, message, field)


def _reduction_reason(bound: FineRange, fine: int) -> str:
    return (
        f"法制审核：拟处罚款 {_yuan(fine)}低于法定最低额 {_yuan(bound.min_fen)}，属于减轻处罚，"
        f"须具有{APL}第三十条至第三十二条规定的应当或者可以减轻处罚的情形"
    )


# --- the tier's fine range -----------------------------------------------------------------


def _tier_range(item: ItemSpec, table: TableSpec, tier: TierSpec, facts: dict, steps: list[str]) -> FineRange | None:
    if tier.fine is None:
        steps.append(f"本档次不处罚款（{_tier_row(table, tier, 'fine_min / fine_max / fine_base')} 均未设置）")
        return None
    if isinstance(tier.fine, FixedFine):
        return _fixed_range(table, tier, tier.fine, steps)
    return _proportional_range(item, table, tier, tier.fine, facts, steps)


def _fixed_range(table: TableSpec, tier: TierSpec, fine: FixedFine, steps: list[str]) -> FineRange:
    # The loader reads a tier with only fine_max as "up to": its lower bound is 0.
    only_max = "；只设 fine_max 的档次下限为 0" if fine.min_fen == 0 else ""
    steps.append(f"罚款下限 = {_yuan(fine.min_fen)}（{_tier_row(table, tier, 'fine_min')}{only_max}）")
    steps.append(f"罚款上限 = {_yuan(fine.max_fen)}（{_tier_row(table, tier, 'fine_max')}）")
    return FineRange(fine.min_fen, fine.max_fen)


def _proportional_range(
    item: ItemSpec, table: TableSpec, tier: TierSpec, fine: ProportionalFine, facts: dict, steps: list[str]
) -> FineRange:
    label = _base_label(item, fine.base)
    base = facts.get(fine.base)
    if base is None:
        message = f"档次 {tier.code}（{tier.name}）按“{label}”计算罚款，但案件尚未记录该事实"
        raise UserError(CatalogErrorCode.DISCRETION_BASE_MISSING, message, f"facts.{fine.base}")
    low = _rate_times_base(table, tier, "下限", "fine_rate_min", fine.rate_min, base, label, steps)
    high = _rate_times_base(table, tier, "上限", "fine_rate_max", fine.rate_max, base, label, steps)
    if fine.cap_fen is not None:
        low, high = _apply_cap(table, tier, fine.cap_fen, low, high, steps)
    return FineRange(low, high)


def _rate_times_base(
    table: TableSpec, tier: TierSpec, side: str, key: str, rate: Decimal, base: Decimal, label: str, steps: list[str]
) -> int:
    exact = base * rate  # yuan, exact
    fen = round_fen(exact * FEN_PER_YUAN)
    result = _yuan(fen) if exact * FEN_PER_YUAN == fen else f"{exact:,f} 元，四舍五入到分为 {_yuan(fen)}"
    steps.append(f"罚款{side} = {label} {base:,.2f} 元 × {rate} = {result}（{_tier_row(table, tier, key)}）")
    return fen


def _apply_cap(table: TableSpec, tier: TierSpec, cap: int, low: int, high: int, steps: list[str]) -> tuple[int, int]:
    if high > cap:
        steps.append(f"罚款上限超过封顶金额，按 {_yuan(cap)}封顶（{_tier_row(table, tier, 'fine_cap')}）")
    if low > cap:
        steps.append(f"罚款下限超过封顶金额，按 {_yuan(cap)}封顶（{_tier_row(table, tier, 'fine_cap')}）")
    return min(low, cap), min(high, cap)


def _base_label(item: ItemSpec, name: str) -> str:
    spec = item.fact(name)
    label = spec.label if spec else name
    return label.removesuffix("（元）")


# --- factors narrow the range --------------------------------------------------------------


def _applied_factors(table: TableSpec, facts: dict, steps: list[str]) -> tuple[AppliedFactor, ...]:
    applied = [f for f in table.factors if evaluate(f.when, facts)]
    for factor in applied:
        basis = f"，依据{factor.basis}" if factor.basis else ""  # basis is optional in discretion.toml
        steps.append(
            f"情节 {factor.code}（{factor.name}，{EFFECT_LABELS[factor.effect]}）成立：条件 `{factor.when_text}` 成立"
            f"{basis}（discretion.toml 表 {table.item} 情节 {factor.code}）"
        )
    return tuple(AppliedFactor(f.code, f.name, f.effect, f.basis or "") for f in applied)


def _narrow(
    table: TableSpec, tier_range: FineRange | None, factors: Iterable[AppliedFactor], steps: list[str]
) -> FineRange | None:
    """Only 从轻 → the lowest `band` share; only 从重 → the highest; both or none → the whole range."""
    if tier_range is None:
        return None
    effects = {f.effect for f in factors}
    low, high, band = tier_range.min_fen, tier_range.max_fen, table.band
    share = round_fen((high - low) * band)
    rounded = "，四舍五入到分" if (high - low) * band != share else ""
    row = f"discretion.toml 表 {table.item} 的 band"
    if effects == {"mitigating"}:
        steps.append(
            f"只有从轻情节，建议幅度取档次幅度中最低的 {band} 部分：建议上限 = {_yuan(low)} + "
            f"({_yuan(high)} − {_yuan(low)}) × {band} = {_yuan(low + share)}{rounded}（{row}）"
        )
        return FineRange(low, low + share)
    if effects == {"aggravating"}:
        steps.append(
            f"只有从重情节，建议幅度取档次幅度中最高的 {band} 部分：建议下限 = {_yuan(high)} − "
            f"({_yuan(high)} − {_yuan(low)}) × {band} = {_yuan(high - share)}{rounded}（{row}）"
        )
        return FineRange(high - share, high)
    why = "同时具有从轻和从重情节" if effects else "没有从轻或者从重情节"
    steps.append(f"{why}，建议幅度为档次的全部幅度：{_yuan(low)}至 {_yuan(high)}")
    return tier_range


def _factor_reason(factor: AppliedFactor) -> str:
    basis = f"（{factor.basis}）" if factor.basis else ""
    return f"具有{EFFECT_LABELS[factor.effect]}情节：{factor.name}{basis}。"


# --- procedure the penalty triggers --------------------------------------------------------


def _hearing_reasons(fine_fen: int | None, kinds: tuple[str, ...], threshold: int, party_kind: str) -> tuple[str, ...]:
    """APL Art. 63 para 1: a relatively large fine (item 1) or a listed heavy penalty (items 3, 4)."""
    reasons = []
    if fine_fen is not None and fine_fen >= threshold:
        reasons.append(
            f"听证：罚款可达 {_yuan(fine_fen)}，不低于对{_party_label(party_kind)}的较大数额罚款标准 {_yuan(threshold)}"
            f"（听证标准配置），依据{APL}第六十三条第一款第一项，应告知当事人有要求听证的权利"
        )
    for kind in kinds:
        if kind in HEARING_KINDS:
            reasons.append(
                f"听证：拟{PENALTY_KINDS[kind]}，依据{APL}第六十三条第一款第{HEARING_KINDS[kind]}项，应告知当事人有要求听证的权利"
            )
    return tuple(reasons)


def _legal_review_reasons(
    item_code: str,
    tier: ChosenTier,
    fine_fen: int | None,
    kinds: tuple[str, ...],
    major_fine_fen: int | None,
    major_kinds: tuple[str, ...],
    fine_label: str,
) -> tuple[str, ...]:
    """APL Art. 58: a major penalty is reviewed before the head decides; the catalog says what is major."""
    why = f"属于重大行政处罚，依据{APL}第五十八条须在作出决定前进行法制审核"
    reasons = []
    if tier.major:
        reasons.append(f"法制审核：裁量基准将档次 {tier.code}（{tier.name}）列为重大（该档次的 major），{why}")
    if fine_fen is not None and major_fine_fen is not None and fine_fen >= major_fine_fen:
        reasons.append(
            f"法制审核：{fine_label} {_yuan(fine_fen)}，达到事项 {item_code} 的重大罚款标准 {_yuan(major_fine_fen)}"
            f"（items.toml 事项 {item_code} 的 major_fine），{why}"
        )
    for kind in (k for k in kinds if k in major_kinds):
        reasons.append(f"法制审核：拟{PENALTY_KINDS[kind]}，属于事项 {item_code} 的重大处罚种类（items.toml 的 major_kinds），{why}")
    return tuple(reasons)


def _party_label(party_kind: str) -> str:
    return NATURAL_PERSON_KINDS.get(party_kind) or ORGANISATION_KINDS.get(party_kind, party_kind)


# --- proposals -----------------------------------------------------------------------------


def _within_benchmark(rec: Recommendation, fine: int) -> bool:
    # A no-penalty tier never has a fine range (the loader refuses one), so it lands here too.
    if rec.recommended_range is None:
        return fine == 0
    return rec.recommended_range.contains(fine)


def _benchmark_text(rec: Recommendation) -> str:
    tier = f"档次 {rec.tier.code}（{rec.tier.name}）"
    if rec.tier.outcome == "no_penalty":
        return f"{tier}不予行政处罚"
    if rec.tier.outcome == "order_only":
        return f"{tier}{'、'.join(MEASURES[m] for m in rec.tier.measures)}，不予罚款"
    if rec.recommended_range is None:
        return f"{tier}不处罚款"
    return f"{tier}建议罚款 {_yuan(rec.recommended_range.min_fen)}至 {_yuan(rec.recommended_range.max_fen)}"


def _departure_reason(rec: Recommendation, fine: int, stated: str | None) -> str:
    return (
        f"法制审核：拟处罚款 {_yuan(fine)}偏离裁量基准（{_benchmark_text(rec)}），所述理由：{stated}。"
        "依据国办发〔2022〕27号（REFERENCE §3.1），偏离裁量基准须经主要负责人批准或者集体讨论，并进行法制审核"
    )


# --- wording -------------------------------------------------------------------------------


def _tier_row(table: TableSpec, tier: TierSpec, key: str) -> str:
    return f"discretion.toml 表 {table.item} 档次 {tier.code} 的 {key}"


def _yuan(fen: int) -> str:
    return f"{fen_to_yuan(fen):,.2f} 元"

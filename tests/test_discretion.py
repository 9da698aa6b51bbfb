"""The discretion engine (core/catalog/discretion.py) on the built-in plug-ins' real tables.

Pure functions, no database. Facts go through the same path a case's facts take
(`normalise_facts` then `typed_facts`), so a test cannot pass with facts the catalog would refuse.
Every rule test names its source: the statute article the table row implements, or the APL
article / policy document the engine enforces.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.core.catalog.discretion import (
    FineRange,
    HearingThresholds,
    Recommendation,
    check_proposal,
    recommend,
)
from zhifa.core.catalog.spec import ProportionalFine, normalise_facts, typed_facts
from zhifa.core.errors import UserError
from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig

# Built here rather than from the `plugins` fixture because hypothesis builds its strategies from
# the real tables at import time.
CATALOG = PluginManager(PluginsConfig(tuple(BUILTIN))).load().catalog
ORGANISATION = "legal_person"
PERSON = "natural_person"


def facts_for(code: str, **raw) -> dict:
    item = CATALOG.items[code]
    return typed_facts(item.facts, normalise_facts(code, item.facts, raw))


def rec_for(code: str, party_kind: str = ORGANISATION, thresholds: HearingThresholds = HearingThresholds(), **raw) -> Recommendation:
    return recommend(CATALOG.items[code], CATALOG.tables[code], facts_for(code, **raw), party_kind=party_kind, thresholds=thresholds)


def yuan_range(rec_range: FineRange | None) -> tuple[Decimal, Decimal] | None:
    if rec_range is None:
        return None
    return Decimal(rec_range.min_fen) / 100, Decimal(rec_range.max_fen) / 100


# --- construction: 城乡规划法 (2019) Art. 64 and Art. 67 -----------------------------------------


def test_jz001_correctable_and_corrected_on_time_fines_5_percent_of_cost_城乡规划法_art_64():
    rec = rec_for("JZ001", construction_cost="1000000", correctable=True, corrected_on_time=True)
    assert rec.tier.code == "correctable_corrected"
    assert rec.tier.outcome == "penalty"
    assert rec.tier_range == rec.recommended_range == FineRange(5_000_000, 5_000_000)
    assert (
        "罚款下限 = 违法建设部分的建设工程造价 1,000,000.00 元 × 0.05 = 50,000.00 元"
        "（discretion.toml 表 JZ001 档次 correctable_corrected 的 fine_rate_min）"
    ) in rec.trace
    assert "档次 correctable_corrected（一般）适用：条件 `correctable and corrected_on_time` 成立" in rec.trace


def test_jz001_correctable_but_not_corrected_fines_10_percent_城乡规划法_art_64():
    rec = rec_for("JZ001", construction_cost="1000000", correctable=True, corrected_on_time=False)
    assert rec.tier.code == "correctable_overdue"
    assert rec.tier_range == FineRange(10_000_000, 10_000_000)


def test_jz001_uncorrectable_but_demolished_on_time_is_not_fined_but_the_order_stands_城乡规划法_art_64():
    """Issue 13 point 9: demolished in time, no fine — yet the order to demolish is the outcome."""
    rec = rec_for("JZ001", construction_cost="1000000", correctable=False, demolished_on_time=True)
    assert rec.tier.code == "demolished_on_time"
    assert rec.tier.outcome == "order_only" and rec.tier.measures == ("order_demolition",) and not rec.tier.penalised
    assert rec.tier_range is None and rec.recommended_range is None
    assert rec.statutory_range == FineRange(0, 0)  # 城乡规划法第六十四条: no fine for what was demolished in time
    assert any("责令限期拆除，不予罚款" in step for step in rec.trace)


def test_jz001_cannot_be_demolished_confiscates_and_may_fine_up_to_10_percent_城乡规划法_art_64():
    rec = rec_for("JZ001", construction_cost="1000000", correctable=False, cannot_demolish=True)
    assert rec.tier.code == "cannot_demolish"
    assert rec.tier_range == FineRange(0, 10_000_000)
    assert rec.other_penalties == ("confiscate_illegal_property",)


def test_proportional_fine_is_rate_times_base_to_the_fen_城乡规划法_art_64():
    """5 % of 1,234,567.89 yuan = 61,728.3945 yuan, which is 6,172,839 fen after rounding."""
    rec = rec_for("JZ001", construction_cost="1234567.89", correctable=True, corrected_on_time=True)
    assert rec.tier_range == FineRange(6_172_839, 6_172_839)
    assert any("61,728.3945 元，四舍五入到分为 61,728.39 元" in step for step in rec.trace)


def test_proportional_fine_rounds_half_up_not_half_even():
    """0.10 yuan × 5 % = 0.5 fen: half-up gives 1 fen, banker's rounding would give 0."""
    rec = rec_for("JZ001", construction_cost="0.10", correctable=True, corrected_on_time=True)
    assert rec.tier_range == FineRange(1, 1)


@pytest.mark.parametrize(
    ("overdue_days", "tier", "fine_range"),
    [
        (0, "light", FineRange(1_000_000, 2_000_000)),
        (30, "light", FineRange(1_000_000, 2_000_000)),
        (31, "general", FineRange(2_000_000, 3_500_000)),
        (90, "general", FineRange(2_000_000, 3_500_000)),
        (91, "serious", FineRange(3_500_000, 5_000_000)),
    ],
)
def test_jz004_overdue_days_boundaries_城乡规划法_art_67(overdue_days, tier, fine_range):
    rec = rec_for("JZ004", overdue_days=overdue_days)
    assert rec.tier.code == tier
    assert rec.tier_range == fine_range


# --- market: 食品安全法 (2021) Art. 122 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("goods_value", "tier", "fine_range"),
    [
        ("9999.99", "small_normal", FineRange(6_500_000, 8_500_000)),
        ("10000", "large_normal", FineRange(13_000_000, 17_000_000)),  # 13–17 × 10,000 yuan
        ("20000", "large_normal", FineRange(26_000_000, 34_000_000)),
    ],
)
def test_sc001_goods_value_below_and_from_10000_yuan_食品安全法_art_122(goods_value, tier, fine_range):
    rec = rec_for("SC001", goods_value=goods_value, duration_months=2)
    assert rec.tier.code == tier
    assert rec.tier_range == fine_range


def test_sc001_mitigating_circumstance_selects_the_lighter_tier_食品安全法_art_122_and_apl_art_32():
    rec = rec_for("SC001", goods_value="20000", duration_months=2, eliminated_harm=True)
    assert rec.tier.code == "large_lighter"
    assert rec.tier_range == FineRange(20_000_000, 26_000_000)  # 10–13 × 20,000 yuan


# --- ecology: 大气污染防治法 (2018) Art. 99, exceedance levels ----------------------------------


@pytest.mark.parametrize(
    ("ratio", "tier", "fine_range"),
    [
        ("0", "level1", FineRange(10_000_000, 20_000_000)),
        ("0.0999", "level1", FineRange(10_000_000, 20_000_000)),
        ("0.1", "level2", FineRange(20_000_000, 35_000_000)),
        ("0.4999", "level2", FineRange(20_000_000, 35_000_000)),
        ("0.5", "level3", FineRange(35_000_000, 50_000_000)),
        ("0.9999", "level3", FineRange(35_000_000, 50_000_000)),
        ("1", "level4", FineRange(50_000_000, 75_000_000)),
        ("1.9999", "level4", FineRange(50_000_000, 75_000_000)),
        ("2", "level5", FineRange(75_000_000, 100_000_000)),
    ],
)
def test_st002_exceedance_ratio_levels_大气污染防治法_art_99(ratio, tier, fine_range):
    rec = rec_for("ST002", exceedance_ratio=ratio)
    assert rec.tier.code == tier
    assert rec.tier_range == fine_range


def test_st002_serious_pollution_comes_before_the_exceedance_levels_大气污染防治法_art_99():
    rec = rec_for("ST002", exceedance_ratio="0.05", serious_pollution=True)
    assert rec.tier.code == "serious"
    assert rec.other_penalties == ("suspend_business",)


# --- transport: 道路运输条例 (2023) Art. 63 ------------------------------------------------------


@pytest.mark.parametrize(
    ("transport_type", "gains", "tier", "fine_range"),
    [
        ("freight", "10000", "freight_general", FineRange(300_000, 1_000_000)),
        ("freight", "10000.01", "freight_gains", FineRange(1_000_001, 5_000_005)),  # 1–5 × gains
        ("passenger", "20000", "passenger_general", FineRange(1_000_000, 5_000_000)),
        ("passenger", "20000.01", "passenger_gains", FineRange(4_000_002, 20_000_010)),  # 2–10 × gains
        ("dangerous_goods", "20000", "dg_general", FineRange(3_000_000, 6_000_000)),
    ],
)
def test_jt001_illegal_gains_thresholds_道路运输条例_art_63(transport_type, gains, tier, fine_range):
    rec = rec_for("JT001", transport_type=transport_type, illegal_gains=gains)
    assert rec.tier.code == tier
    assert rec.tier_range == fine_range


# --- agriculture: 渔业法 (2013) Art. 38 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("catch_value", "tier", "fine_range"),
    [
        ("499.99", "light", FineRange(0, 300_000)),
        ("500", "medium", FineRange(300_000, 1_000_000)),
        ("4999.99", "medium", FineRange(300_000, 1_000_000)),
        ("5000", "heavy", FineRange(1_000_000, 2_000_000)),
    ],
)
def test_ny021_catch_value_boundaries_渔业法_art_38(catch_value, tier, fine_range):
    rec = rec_for("NY021", is_unit=False, serious=False, catch_value=catch_value)
    assert rec.tier.code == tier
    assert rec.tier_range == fine_range


def test_a_tier_with_only_fine_max_starts_at_zero_渔业法_art_38():
    rec = rec_for("NY021", is_unit=False, serious=False, catch_value="100")
    assert rec.tier_range == FineRange(0, 300_000)
    assert any("只设 fine_max 的档次下限为 0" in step for step in rec.trace)


# --- fine_cap (no built-in table uses one: the tier is a real one given a cap) ---------------


def capped_table(cap_fen: int, rate_min: str):
    table = CATALOG.tables["JZ001"]
    tier = next(t for t in table.tiers if t.code == "correctable_corrected")
    fine = ProportionalFine("construction_cost", Decimal(rate_min), Decimal("0.05"), cap_fen)
    tiers = tuple(dataclasses.replace(t, fine=fine) if t is tier else t for t in table.tiers)
    return dataclasses.replace(table, tiers=tiers)


def test_fine_cap_caps_the_proportional_maximum():
    facts = facts_for("JZ001", construction_cost="2000000", correctable=True, corrected_on_time=True)
    rec = recommend(CATALOG.items["JZ001"], capped_table(8_000_000, "0.03"), facts, party_kind=ORGANISATION)
    assert rec.tier_range == FineRange(6_000_000, 8_000_000)  # 3 %–5 % of 2,000,000 = 60,000–100,000, cap 80,000
    assert any("fine_cap" in step and "80,000.00 元" in step for step in rec.trace)


def test_fine_cap_below_the_proportional_minimum_caps_both_ends():
    facts = facts_for("JZ001", construction_cost="2000000", correctable=True, corrected_on_time=True)
    rec = recommend(CATALOG.items["JZ001"], capped_table(5_000_000, "0.03"), facts, party_kind=ORGANISATION)
    assert rec.tier_range == FineRange(5_000_000, 5_000_000)


# --- factors narrow the range inside the tier (band, docs/plugin-data-format.md) -------------


def test_only_mitigating_factors_select_the_lowest_band_apl_art_32():
    rec = rec_for("JZ004", overdue_days=10, eliminated_harm=True)
    assert rec.tier_range == FineRange(1_000_000, 2_000_000)
    assert rec.recommended_range == FineRange(1_000_000, 1_300_000)
    assert [f.code for f in rec.factors] == ["eliminated_harm"]
    assert rec.factors[0].effect == "mitigating"
    assert rec.factors[0].basis == "《中华人民共和国行政处罚法》第三十二条第一项"
    assert rec.reasons[1] == "具有从轻情节：主动消除或者减轻违法行为危害后果（《中华人民共和国行政处罚法》第三十二条第一项）。"


def test_only_aggravating_factors_select_the_highest_band_apl_art_5():
    rec = rec_for("JZ004", overdue_days=10, repeat_count_2y=1)
    assert rec.recommended_range == FineRange(1_700_000, 2_000_000)
    assert [f.effect for f in rec.factors] == ["aggravating"]


def test_mitigating_and_aggravating_together_keep_the_whole_tier_range():
    rec = rec_for("JZ004", overdue_days=10, eliminated_harm=True, repeat_count_2y=2)
    assert rec.recommended_range == rec.tier_range == FineRange(1_000_000, 2_000_000)
    assert len(rec.factors) == 2
    assert len(rec.reasons) == 3  # the tier's reasons plus one line per factor


def test_no_factor_keeps_the_whole_tier_range():
    rec = rec_for("JZ004", overdue_days=10)
    assert rec.recommended_range == rec.tier_range
    assert rec.factors == ()
    assert rec.reasons == (CATALOG.tables["JZ004"].tiers[2].reasons,)


def test_band_share_is_rounded_to_the_fen():
    """JZ003 较轻: 10 %–30 % of 333.33 yuan = 3,333–10,000 fen; 30 % of the 6,667 fen width = 2,000.1 fen."""
    rec = rec_for("JZ003", temp_construction_cost="333.33", act="unapproved", demolished_on_time=True, eliminated_harm=True)
    assert rec.tier_range == FineRange(3_333, 10_000)
    assert rec.recommended_range == FineRange(3_333, 5_333)


# --- first violation: APL Art. 33 para 1 ------------------------------------------------------


FIRST_MINOR = dict(temp_construction_cost="50000", act="unapproved", demolished_on_time=True, harm_minor=True, corrected_promptly=True)


def test_first_violation_with_minor_harm_promptly_corrected_is_not_penalised_apl_art_33():
    rec = rec_for("JZ003", first_violation=True, eliminated_harm=True, **FIRST_MINOR)
    assert rec.tier.code == "first_minor"
    assert rec.tier.first_violation is True
    assert rec.tier.outcome == "no_penalty"
    assert rec.tier_range is None and rec.recommended_range is None
    assert rec.factors == ()  # nothing to narrow when nothing is imposed
    assert not rec.hearing_right and not rec.legal_review_required
    assert any("第三十三条第一款" in step for step in rec.trace)


def test_not_a_first_violation_falls_to_the_penalty_tier_apl_art_33():
    rec = rec_for("JZ003", first_violation=False, **FIRST_MINOR)
    assert rec.tier.code == "demolished"
    assert rec.tier.first_violation is False
    assert rec.tier_range == FineRange(500_000, 1_500_000)


# --- hearing right: APL Art. 63 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("party_kind", "hearing"),
    [("natural_person", True), ("individual_business", True), ("legal_person", False), ("other_organisation", False)],
)
def test_hearing_threshold_depends_on_the_party_kind_apl_art_63(party_kind, hearing):
    """JZ004 较轻 reaches 20,000 yuan: large for a natural person (≥ 10,000), not for an organisation (≥ 100,000)."""
    rec = rec_for("JZ004", party_kind=party_kind, overdue_days=10)
    assert rec.hearing_right is hearing
    assert any("第六十三条第一款第一项" in r for r in rec.hearing_reasons) is hearing


def test_hearing_for_an_organisation_from_100000_yuan_apl_art_63():
    rec = rec_for("JZ012", party_kind=ORGANISATION)  # 一般: 130,000–160,000 yuan
    assert rec.tier.code == "general"
    assert rec.hearing_right


@pytest.mark.parametrize(("threshold_fen", "hearing"), [(2_000_000, True), (2_000_001, False)])
def test_hearing_threshold_is_configurable_and_inclusive_apl_art_63(threshold_fen, hearing):
    thresholds = HearingThresholds(natural_person_fen=threshold_fen)
    rec = rec_for("JZ004", party_kind=PERSON, thresholds=thresholds, overdue_days=10)  # up to 20,000 yuan
    assert rec.hearing_right is hearing


def test_hearing_is_judged_on_the_recommended_maximum_not_the_tier_maximum_apl_art_63():
    thresholds = HearingThresholds(organisation_fen=1_500_000)
    assert rec_for("JZ004", thresholds=thresholds, overdue_days=10).hearing_right
    mitigated = rec_for("JZ004", thresholds=thresholds, overdue_days=10, eliminated_harm=True)  # up to 13,000 yuan
    assert not mitigated.hearing_right


def test_suspension_of_business_gives_a_hearing_without_any_fine_apl_art_63_item_4():
    rec = rec_for("SC019", refused_correction=True, especially_serious=False)
    assert rec.tier.code == "refused"
    assert rec.tier_range is None
    assert rec.hearing_right
    assert rec.hearing_reasons == (
        "听证：拟责令停产停业，依据《中华人民共和国行政处罚法》第六十三条第一款第四项，应告知当事人有要求听证的权利",
    )


def test_a_warning_alone_gives_no_hearing_apl_art_63():
    rec = rec_for("SC019", refused_correction=False, especially_serious=False)
    assert rec.other_penalties == ("warning",)
    assert not rec.hearing_right and rec.hearing_reasons == ()


def test_revoking_a_licence_gives_a_hearing_apl_art_63_item_3():
    rec = rec_for("SC019", refused_correction=False, especially_serious=True)
    assert any("第六十三条第一款第三项" in r for r in rec.hearing_reasons)


def test_unknown_party_kind_is_refused():
    with pytest.raises(UserError) as caught:
        rec_for("JZ004", party_kind="company", overdue_days=10)
    assert caught.value.code == "PARTY_KIND_UNKNOWN"


# --- legal review of major penalties: APL Art. 58 ----------------------------------------------


def test_tier_marked_major_requires_legal_review_apl_art_58():
    """JZ020 个人一般 is 20,000–60,000 yuan, below the item's 100,000 yuan major fine, with no major kind."""
    rec = rec_for("JZ020", party_type="individual")
    assert rec.tier.code == "individual" and rec.tier.major
    assert rec.legal_review_required
    assert len(rec.legal_review_reasons) == 1 and "major" in rec.legal_review_reasons[0]


def test_fine_reaching_the_items_major_fine_requires_legal_review_apl_art_58():
    rec = rec_for("JZ012")  # 一般 130,000–160,000 yuan; the item's major fine is 100,000 yuan
    assert not rec.tier.major
    assert rec.legal_review_required
    assert any("major_fine" in r for r in rec.legal_review_reasons)


def test_major_penalty_kind_requires_legal_review_apl_art_58():
    """NY017 较轻 at 1,000 yuan of goods: 2,000–3,000 yuan, but 限制从业 is a major kind of the item."""
    rec = rec_for("NY017", is_unit=True, serious=False, value_verifiable=True, goods_value="1000")
    assert rec.tier.code == "light" and not rec.tier.major
    assert rec.tier_range == FineRange(200_000, 300_000)
    assert rec.legal_review_required
    assert len(rec.legal_review_reasons) == 1 and "major_kinds" in rec.legal_review_reasons[0]
    assert any("第六十三条第一款第四项" in r for r in rec.hearing_reasons)  # 限制从业 also gives a hearing


def test_ordinary_penalty_needs_no_legal_review_apl_art_58():
    rec = rec_for("JZ004", overdue_days=10)
    assert not rec.legal_review_required and rec.legal_review_reasons == ()


# --- errors ------------------------------------------------------------------------------------


def test_no_matching_tier_is_a_user_error_naming_the_unrecorded_facts():
    """JT001 has no catch-all tier: without the transport type no tier applies."""
    with pytest.raises(UserError) as caught:
        recommend(CATALOG.items["JT001"], CATALOG.tables["JT001"], {}, party_kind=ORGANISATION)
    assert caught.value.code == "DISCRETION_NO_TIER"
    assert caught.value.field == "facts"
    assert "经营类别" in caught.value.message


def test_missing_base_of_a_proportional_tier_is_a_user_error_on_that_fact():
    with pytest.raises(UserError) as caught:
        rec_for("NY033", is_unit=True, serious=False, goods_value="100", is_carrier=True)
    assert caught.value.code == "DISCRETION_BASE_MISSING"
    assert caught.value.field == "facts.transport_fee"


# --- the trace explains every number -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "raw"),
    [
        ("JZ001", dict(construction_cost="1234567.89", correctable=True, corrected_on_time=True)),
        ("JZ004", dict(overdue_days=10, eliminated_harm=True)),
        ("JZ004", dict(overdue_days=10, repeat_count_2y=1)),
        ("SC001", dict(goods_value="12345.67", duration_months=1)),
        ("JT001", dict(transport_type="passenger", illegal_gains="33333.33")),
    ],
)
def test_every_amount_of_the_recommendation_appears_in_the_trace(code, raw):
    rec = rec_for(code, **raw)
    text = "\n".join(rec.trace)
    for fen in (rec.tier_range.min_fen, rec.tier_range.max_fen, rec.recommended_range.min_fen, rec.recommended_range.max_fen):
        assert f"{Decimal(fen) / 100:,.2f} 元" in text
    assert all(re.search(r"(discretion\.toml 表|items\.toml 事项) \w+", step) for step in rec.trace if "罚款" in step and "=" in step)


# --- check_proposal: the handling proposal against the benchmark (国办发〔2022〕27号) ------------


def mitigated_jz004() -> Recommendation:
    return rec_for("JZ004", overdue_days=10, eliminated_harm=True)  # recommended 10,000–13,000 yuan


@pytest.mark.parametrize("fine", [1_000_000, 1_150_000, 1_300_000])
def test_proposal_inside_the_recommended_range_stands(fine):
    check = check_proposal(mitigated_jz004(), fine, None)
    assert check.within_benchmark
    assert check.fine_fen == fine
    assert not check.legal_review_required


@pytest.mark.parametrize("fine", [999_999, 1_300_001, None])
@pytest.mark.parametrize("reasons", [None, "", "   "])
def test_proposal_outside_the_range_without_reasons_is_refused_guobanfa_2022_27(fine, reasons):
    with pytest.raises(UserError) as caught:
        check_proposal(mitigated_jz004(), fine, reasons)
    assert caught.value.code == "DISCRETION_OUT_OF_RANGE"
    assert caught.value.field == "proposedFine"


def test_proposal_outside_the_range_with_reasons_goes_to_legal_review_guobanfa_2022_27():
    check = check_proposal(mitigated_jz004(), 1_800_000, "  当事人拒不配合调查，情节较重  ")
    assert not check.within_benchmark
    assert check.reasons == "当事人拒不配合调查，情节较重"
    assert check.legal_review_required
    assert "国办发〔2022〕27号" in check.legal_review_reasons[-1]
    assert "当事人拒不配合调查" in check.legal_review_reasons[-1]


def test_fine_on_a_no_penalty_outcome_departs_from_the_benchmark_apl_art_33():
    rec = rec_for("JZ003", first_violation=True, **FIRST_MINOR)
    assert check_proposal(rec, None, None).within_benchmark
    with pytest.raises(UserError) as caught:
        check_proposal(rec, 100_000, None)
    assert caught.value.code == "DISCRETION_OUT_OF_RANGE"
    check = check_proposal(rec, 100_000, "当事人隐瞒违法事实")
    assert not check.within_benchmark and check.legal_review_required


def test_fine_on_an_item_without_fine_penalties_is_refused_even_with_reasons():
    rec = rec_for("JT004", serious=True)  # 机动车维修不符合标准: only 责令停业整顿
    with pytest.raises(UserError) as caught:
        check_proposal(rec, 100_000, "理由")
    assert caught.value.code == "FINE_NOT_ALLOWED"
    assert caught.value.field == "proposedFine"


def test_negative_fine_is_refused():
    with pytest.raises(UserError) as caught:
        check_proposal(mitigated_jz004(), -1, "理由")
    assert caught.value.code == "FINE_NEGATIVE"


def test_proposal_keeps_the_tiers_legal_review_apl_art_58():
    rec = rec_for("JZ020", party_type="individual")  # major tier, 20,000–60,000 yuan
    check = check_proposal(rec, 3_000_000, None)
    assert check.within_benchmark
    assert check.legal_review_required and check.legal_review_reasons == rec.legal_review_reasons


def test_proposal_above_the_hearing_threshold_gives_a_hearing_apl_art_63():
    thresholds = HearingThresholds(natural_person_fen=3_000_000)
    rec = rec_for("JZ004", PERSON, thresholds, overdue_days=10)  # up to 20,000 yuan: no hearing
    assert not rec.hearing_right
    check = check_proposal(rec, 4_000_000, "违法情节特别恶劣")  # within the statute's 50,000 yuan
    assert check.hearing_right


# --- the statute's own range: 行政处罚法第三十四条, 国办发〔2022〕27号 (issue 13 point 4) ------------


def test_reasons_never_take_a_fine_above_10_percent_of_cost_城乡规划法_art_64():
    rec = rec_for("JZ001", construction_cost="1000000", correctable=True, corrected_on_time=True)
    assert rec.statutory_range == FineRange(5_000_000, 10_000_000)  # 5 %–10 % of 1,000,000 yuan
    assert check_proposal(rec, 10_000_000, "逾期未改正，情节较重").legal_review_required  # a departure inside the law
    with pytest.raises(UserError) as caught:
        check_proposal(rec, 10_000_001, "当事人拒不配合，情节特别恶劣")
    assert caught.value.code == "STATUTORY_MAXIMUM_EXCEEDED" and caught.value.field == "proposedFine"


def test_a_fine_below_the_statutory_minimum_is_a_reduction_for_legal_review_apl_art_32():
    rec = rec_for("JZ001", construction_cost="1000000", correctable=True, corrected_on_time=True)
    check = check_proposal(rec, 1_000_000, "当事人主动消除违法行为危害后果")
    assert any("减轻处罚" in r for r in check.legal_review_reasons)


def test_every_built_in_penalty_item_that_fines_carries_its_statutory_range():
    for item in CATALOG.items.values():
        assert bool(item.bounds) == ("fine" in item.penalty_kinds), item.code
        assert item.bounds[-1].when is None if item.bounds else True


def test_major_fine_is_judged_on_the_fine_proposed_not_the_top_of_the_range_apl_art_58():
    """Issue 13 point 9: JZ018 一般 is 20,000–100,000 yuan, its major fine 100,000 yuan; only a fine
    that reaches it makes the penalty major (docs/plugin-data-format.md, major_fine)."""
    rec = rec_for("JZ018")
    assert rec.tier.code == "general" and rec.recommended_range == FineRange(2_000_000, 10_000_000)
    assert not rec.legal_review_required
    assert not check_proposal(rec, 5_000_000, None).legal_review_required
    reached = check_proposal(rec, 10_000_000, None)
    assert reached.legal_review_required and any("拟处罚款 100,000.00 元" in r and "major_fine" in r for r in reached.legal_review_reasons)


# --- property: the recommendation always lies inside the tier ---------------------------------


PROPERTY_TABLES = ("JZ001", "JZ004", "SC001", "SC022", "ST002", "ST027", "JT001", "NY021", "NY033")
PARTY_KINDS = ("natural_person", "individual_business", "legal_person", "other_organisation")


def fact_value(spec):
    if spec.type == "money":
        return st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False)
    if spec.type == "decimal":
        return st.decimals(min_value=0, max_value=10, places=4, allow_nan=False, allow_infinity=False)
    if spec.type == "integer":
        return st.integers(0, 40).map(Decimal)
    if spec.type == "boolean":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from(spec.choices)
    if spec.type == "date":
        return st.dates().map(lambda d: d.isoformat())
    return st.text(max_size=5)


def case_facts(code: str):
    specs = CATALOG.items[code].facts
    required = {s.name: fact_value(s) for s in specs if s.required}
    optional = {s.name: fact_value(s) for s in specs if not s.required}
    return st.fixed_dictionaries(required, optional=optional).map(lambda facts: (code, facts))


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from(PROPERTY_TABLES).flatmap(case_facts), party_kind=st.sampled_from(PARTY_KINDS))
def test_recommended_range_lies_within_the_tier_range(case, party_kind):
    code, facts = case
    try:
        rec = recommend(CATALOG.items[code], CATALOG.tables[code], facts, party_kind=party_kind)
    except UserError as error:
        assert error.code in ("DISCRETION_NO_TIER", "DISCRETION_BASE_MISSING")
        return
    if rec.tier_range is None:
        assert rec.recommended_range is None
        return
    tier, recommended = rec.tier_range, rec.recommended_range
    assert 0 <= tier.min_fen <= tier.max_fen
    assert tier.min_fen <= recommended.min_fen <= recommended.max_fen <= tier.max_fen
    assert rec.hearing_right or recommended.max_fen < rec.hearing_threshold_fen
    assert check_proposal(rec, recommended.min_fen, None).within_benchmark
    assert check_proposal(rec, recommended.max_fen, None).within_benchmark

"""The built-in plug-ins' own GraphQL fields: each through the HTTP API (boundaries, coded errors,
jurisdiction), and the pure rules behind them directly, named after the provision they apply."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from zhifa.core.cases.models import Case
from zhifa.core.errors import UserError
from zhifa.plugins.agriculture import SeedViolation, seed_fine_range
from zhifa.plugins.construction import construction_cost, parse_area, planning_fine
from zhifa.plugins.ecology import assess_exceedance, exceedance_level, parse_quantity
from zhifa.plugins.market import food_fine_range
from zhifa.core.money import parse_amount as parse_goods_value
from zhifa.plugins.transport import normalise_plate, parse_plate

D = Decimal
YUAN = 100  # fen per yuan


async def coded_error(api, query: str, variables: dict | None = None) -> dict:
    """The first error of a request that must fail with a code (and never a 500)."""
    response = await api.post(query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("data") is None, body
    error = body["errors"][0]
    assert error["extensions"]["code"] != "INTERNAL_ERROR", error
    return error


# ---------------------------------------------------------------- ecology: ecologyExceedance

EXCEEDANCE = """query($m: String!, $l: String!) { ecologyExceedance(measured: $m, limit: $l) {
  measured limit exceedanceRatio multiple level levelDescription exceeds basis } }"""


@pytest.mark.parametrize(
    ("measured", "limit", "ratio", "multiple", "level", "exceeds"),
    [
        ("50", "100", "-0.5000", "0.5000", 0, False),
        ("100", "100", "0.0000", "1.0000", 0, False),  # at the limit is not over it
        ("100.01", "100", "0.0001", "1.0001", 1, True),
        ("109.99", "100", "0.0999", "1.0999", 1, True),
        ("110", "100", "0.1000", "1.1000", 2, True),  # exactly 10% → level 2
        ("0.11", "0.1", "0.1000", "1.1000", 2, True),  # 10% exactly in decimals (a float says 9.99…%)
        ("149.99", "100", "0.4999", "1.4999", 2, True),
        ("150", "100", "0.5000", "1.5000", 3, True),
        ("200", "100", "1.0000", "2.0000", 4, True),
        ("299.99", "100", "1.9999", "2.9999", 4, True),
        ("0.3", "0.1", "2.0000", "3.0000", 5, True),  # 200% exactly (a float says 199.99…%)
        ("1000", "35", "27.5714", "28.5714", 5, True),  # rounded down, never up
    ],
)
async def test_ecology_exceedance_levels_at_every_boundary(api, measured, limit, ratio, multiple, level, exceeds):
    data = (await api(EXCEEDANCE, {"m": measured, "l": limit}))["ecologyExceedance"]
    assert (data["exceedanceRatio"], data["multiple"], data["level"], data["exceeds"]) == (ratio, multiple, level, exceeds)
    assert (data["measured"], data["limit"]) == (measured, limit)
    assert data["levelDescription"] and "环执法〔2019〕42号" in data["basis"]


@pytest.mark.parametrize(
    ("measured", "limit", "code", "field"),
    [
        ("abc", "100", "NUMBER_INVALID", "measured"),
        ("", "100", "NUMBER_INVALID", "measured"),
        ("NaN", "100", "NUMBER_INVALID", "measured"),
        ("12", "Infinity", "NUMBER_INVALID", "limit"),
        ("-1", "100", "NUMBER_NEGATIVE", "measured"),
        ("12", "-0.5", "NUMBER_NEGATIVE", "limit"),
        ("12", "0", "LIMIT_ZERO", "limit"),
        ("12", "0.000", "LIMIT_ZERO", "limit"),
        ("1e400", "1", "NUMBER_OUT_OF_RANGE", "measured"),
        ("12", "0.00000000001", "NUMBER_OUT_OF_RANGE", "limit"),
    ],
)
async def test_ecology_exceedance_bad_numbers_get_coded_errors(api, measured, limit, code, field):
    error = await coded_error(api, EXCEEDANCE, {"m": measured, "l": limit})
    assert error["extensions"]["code"] == code
    assert error["extensions"]["field"] == field
    assert error["message"]


def test_exceedance_factor_levels_follow_reference_3_3_with_inclusive_lower_bounds():
    """REFERENCE §3.3 factor model: <10% → 1; 10–50% → 2; 50–100% → 3; 100–200% → 4; ≥200% → 5."""
    limit = D(20)
    cases = {"0": 0, "20": 0, "20.0001": 1, "21.9999": 1, "22": 2, "29.9999": 2, "30": 3, "40": 4, "59.9999": 4, "60": 5, "6000": 5}
    assert {m: exceedance_level(D(m), limit) for m in cases} == cases


def test_exceedance_is_exact_decimal_not_float():
    result = assess_exceedance(D("0.11"), D("0.1"))
    assert (result.ratio, result.multiple, result.level, result.exceeds) == (D("0.1000"), D("1.1000"), 2, True)
    assert assess_exceedance(D("0.3"), D("0.1")).level == 5


def test_exceedance_rejects_a_zero_limit_and_bad_text():
    with pytest.raises(UserError) as zero:
        assess_exceedance(D(5), D(0))
    assert zero.value.code == "LIMIT_ZERO"
    for text, code in [("1,5", "NUMBER_INVALID"), ("-0.1", "NUMBER_NEGATIVE"), ("1" * 16, "NUMBER_OUT_OF_RANGE")]:
        with pytest.raises(UserError) as bad:
            parse_quantity(text, "measured")
        assert bad.value.code == code
    assert parse_quantity(" 35.60 ", "measured") == D("35.6")


# ---------------------------------------------------------------- construction

COST = """query($a: String!, $u: String!) { constructionCost(areaSquareMetres: $a, unitCostYuan: $u) {
  areaSquareMetres unitCost cost } }"""
PLANNING = """query($c: String!, $correctable: Boolean!, $corrected: Boolean!) {
  constructionPlanningFine(constructionCostYuan: $c, correctable: $correctable, corrected: $corrected) {
    constructionCost minimum maximum rateMin rateMax measures explanation basis } }"""


async def test_construction_cost_is_area_times_unit_cost_rounded_half_up_to_the_fen(api):
    data = (await api(COST, {"a": "100.5", "u": "3333.33"}))["constructionCost"]
    assert data == {"areaSquareMetres": "100.5", "unitCost": "3333.33", "cost": "334999.67"}  # 334999.665
    assert (await api(COST, {"a": "1200", "u": "2500"}))["constructionCost"]["cost"] == "3000000.00"
    assert (await api(COST, {"a": "0", "u": "2500"}))["constructionCost"]["cost"] == "0.00"


@pytest.mark.parametrize(
    ("area", "unit", "code", "field"),
    [
        ("big", "2500", "NUMBER_INVALID", "areaSquareMetres"),
        ("-1", "2500", "NUMBER_NEGATIVE", "areaSquareMetres"),
        ("1.00001", "2500", "NUMBER_OUT_OF_RANGE", "areaSquareMetres"),
        ("100", "2500.001", "MONEY_INVALID", "unitCostYuan"),
        ("100", "-2500", "MONEY_NEGATIVE", "unitCostYuan"),
        ("100", "1e13", "MONEY_OUT_OF_RANGE", "unitCostYuan"),
    ],
)
async def test_construction_cost_bad_input_gets_coded_errors(api, area, unit, code, field):
    error = await coded_error(api, COST, {"a": area, "u": unit})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)


@pytest.mark.parametrize(
    ("correctable", "corrected", "minimum", "maximum", "rates"),
    [
        (True, True, "50000.00", "50000.00", ("0.05", "0.05")),
        (True, False, "100000.00", "100000.00", ("0.10", "0.10")),
        (False, False, "0.00", "100000.00", ("0.00", "0.10")),
        (False, True, "0.00", "100000.00", ("0.00", "0.10")),  # `corrected` does not apply when uncorrectable
    ],
)
async def test_construction_planning_fine_follows_article_64_and_jianfa_2012_99(api, correctable, corrected, minimum, maximum, rates):
    data = (await api(PLANNING, {"c": "1000000", "correctable": correctable, "corrected": corrected}))["constructionPlanningFine"]
    assert (data["minimum"], data["maximum"], data["rateMin"], data["rateMax"]) == (minimum, maximum, *rates)
    assert data["constructionCost"] == "1000000.00"
    assert "第六十四条" in data["basis"] and "建法〔2012〕99号" in data["basis"]
    assert data["measures"][0] == "责令停止建设" and data["explanation"]


async def test_construction_planning_fine_bad_cost_gets_a_coded_error(api):
    for cost, code in [("十万", "MONEY_INVALID"), ("-1", "MONEY_NEGATIVE"), ("0.005", "MONEY_INVALID")]:
        error = await coded_error(api, PLANNING, {"c": cost, "correctable": True, "corrected": True})
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, "constructionCostYuan")


def test_planning_law_art_64_correctable_and_corrected_on_time_is_5_percent():
    fine = planning_fine(123_456_78, correctable=True, corrected=True)
    assert (fine.minimum, fine.maximum) == (617_284, 617_284)  # 5% of 123,456.78 = 6,172.839 → 6,172.84


def test_planning_law_art_64_correctable_not_corrected_is_10_percent_with_forced_demolition():
    fine = planning_fine(1_000_000 * YUAN, correctable=True, corrected=False)
    assert (fine.minimum, fine.maximum, fine.rate_min, fine.rate_max) == (100_000 * YUAN, 100_000 * YUAN, D("0.10"), D("0.10"))
    assert any("强制拆除" in m for m in fine.measures)


def test_planning_law_art_64_uncorrectable_is_demolition_or_confiscation_and_up_to_10_percent():
    fine = planning_fine(1_000_000 * YUAN, correctable=False, corrected=False)
    assert (fine.minimum, fine.maximum) == (0, 100_000 * YUAN)
    assert any("没收实物或者违法收入" in m for m in fine.measures)


def test_construction_cost_and_area_parsing():
    assert construction_cost(D("0.5"), 1) == 1  # half a fen rounds up
    assert construction_cost(D("12.25"), 4000_00) == 49_000_00
    assert parse_area("1e3") == D(1000)


# ---------------------------------------------------------------- market: marketFoodFineRange

FOOD = """query($v: String!, $a: Int!) { marketFoodFineRange(goodsValueYuan: $v, article: $a) {
  article goodsValue minimum maximum multipleMin multipleMax explanation basis } }"""


@pytest.mark.parametrize(
    ("value", "article", "minimum", "maximum", "multiples"),
    [
        ("0", 122, "50000.00", "100000.00", (None, None)),
        ("9999.99", 122, "50000.00", "100000.00", (None, None)),
        ("10000", 122, "100000.00", "200000.00", (10, 20)),  # “一万元以上” includes 10,000
        ("9999.99", 123, "100000.00", "150000.00", (None, None)),
        ("10000", 123, "150000.00", "300000.00", (15, 30)),
        ("20000", 123, "300000.00", "600000.00", (15, 30)),
        ("9999.99", 124, "50000.00", "100000.00", (None, None)),
        ("20000", 124, "200000.00", "400000.00", (10, 20)),
        ("9999.99", 125, "5000.00", "50000.00", (None, None)),
        ("10000", 125, "50000.00", "100000.00", (5, 10)),
        ("12345.67", 125, "61728.35", "123456.70", (5, 10)),
    ],
)
async def test_market_food_fine_range_fixed_below_10000_and_multiples_from_10000(api, value, article, minimum, maximum, multiples):
    data = (await api(FOOD, {"v": value, "a": article}))["marketFoodFineRange"]
    assert (data["minimum"], data["maximum"], data["multipleMin"], data["multipleMax"]) == (minimum, maximum, *multiples)
    assert data["article"] == article and data["goodsValue"] == str(D(value).quantize(D("0.01")))
    assert "食品安全法" in data["basis"] and data["explanation"]


@pytest.mark.parametrize(
    ("value", "article", "code", "field"),
    [
        ("10000", 126, "ARTICLE_UNKNOWN", "article"),
        ("10000", 0, "ARTICLE_UNKNOWN", "article"),
        ("ten", 122, "MONEY_INVALID", "goodsValueYuan"),
        ("0.001", 122, "MONEY_INVALID", "goodsValueYuan"),
        ("-0.01", 122, "MONEY_NEGATIVE", "goodsValueYuan"),
    ],
)
async def test_market_food_fine_range_bad_input_gets_coded_errors(api, value, article, code, field):
    error = await coded_error(api, FOOD, {"v": value, "a": article})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)


def test_food_safety_law_art_122_below_10000_yuan_is_50000_to_100000():
    fine = food_fine_range(999_999, 122)
    assert (fine.minimum, fine.maximum, fine.multiple_min) == (50_000 * YUAN, 100_000 * YUAN, None)
    assert "第一百二十二条" in fine.basis


def test_food_safety_law_art_123_at_10000_yuan_is_15_to_30_times_goods_value():
    fine = food_fine_range(10_000 * YUAN, 123)
    assert (fine.minimum, fine.maximum, fine.multiple_min, fine.multiple_max) == (150_000 * YUAN, 300_000 * YUAN, 15, 30)


def test_food_safety_law_art_124_is_10_to_20_times_and_art_125_is_5_to_10_times_above_10000_yuan():
    assert (food_fine_range(30_000 * YUAN, 124).minimum, food_fine_range(30_000 * YUAN, 124).maximum) == (300_000 * YUAN, 600_000 * YUAN)
    assert (food_fine_range(30_000 * YUAN, 125).minimum, food_fine_range(30_000 * YUAN, 125).maximum) == (150_000 * YUAN, 300_000 * YUAN)
    assert (food_fine_range(0, 125).minimum, food_fine_range(0, 125).maximum) == (5_000 * YUAN, 50_000 * YUAN)


def test_food_safety_law_other_articles_are_refused():
    with pytest.raises(UserError) as refused:
        food_fine_range(100, 121)
    assert refused.value.code == "ARTICLE_UNKNOWN" and "第122条" in refused.value.message
    with pytest.raises(UserError) as bad:
        parse_goods_value("1.005", "goodsValueYuan")
    assert bad.value.code == "MONEY_INVALID"


# ---------------------------------------------------------------- agriculture: agricultureSeedFineRange

SEED = """query($v: String!, $k: SeedViolation!) { agricultureSeedFineRange(goodsValueYuan: $v, kind: $k) {
  article goodsValue minimum maximum multipleMin multipleMax otherPenalties explanation basis } }"""


@pytest.mark.parametrize(
    ("value", "kind", "article", "minimum", "maximum", "multiples"),
    [
        ("19999.99", "FAKE", 74, "20000.00", "200000.00", (None, None)),
        ("20000", "FAKE", 74, "200000.00", "400000.00", (10, 20)),  # “二万元以上” includes 20,000
        ("19999.99", "INFERIOR", 75, "10000.00", "100000.00", (None, None)),
        ("20000", "INFERIOR", 75, "100000.00", "200000.00", (5, 10)),
        ("0", "INFERIOR", 75, "10000.00", "100000.00", (None, None)),
    ],
)
async def test_agriculture_seed_fine_range_fixed_below_20000_and_multiples_from_20000(api, value, kind, article, minimum, maximum, multiples):
    data = (await api(SEED, {"v": value, "k": kind}))["agricultureSeedFineRange"]
    assert (data["article"], data["minimum"], data["maximum"], data["multipleMin"], data["multipleMax"]) == (
        article,
        minimum,
        maximum,
        *multiples,
    )
    assert "种子法" in data["basis"] and "没收违法所得和种子" in data["otherPenalties"]


async def test_agriculture_seed_fine_range_bad_input_is_refused_with_a_code(api):
    error = await coded_error(api, SEED, {"v": "2万", "k": "FAKE"})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("MONEY_INVALID", "goodsValueYuan")
    error = await coded_error(api, SEED, {"v": "-1", "k": "INFERIOR"})
    assert error["extensions"]["code"] == "MONEY_NEGATIVE"
    response = await api.post(SEED, {"v": "100", "k": "COUNTERFEIT"})  # not an enum value: rejected before running
    assert response.status_code in (200, 400)
    assert response.json()["errors"][0].get("extensions", {}).get("code") != "INTERNAL_ERROR"


def test_seed_law_art_74_fake_seeds_20000_to_200000_below_20000_yuan_then_10_to_20_times():
    below = seed_fine_range(1_999_999, SeedViolation.FAKE)
    at = seed_fine_range(20_000 * YUAN, SeedViolation.FAKE)
    assert (below.article, below.minimum, below.maximum) == (74, 20_000 * YUAN, 200_000 * YUAN)
    assert (at.minimum, at.maximum, at.multiple_min, at.multiple_max) == (200_000 * YUAN, 400_000 * YUAN, 10, 20)
    assert "吊销种子生产经营许可证" in at.other_penalties


def test_seed_law_art_75_inferior_seeds_10000_to_100000_below_20000_yuan_then_5_to_10_times():
    below = seed_fine_range(1_999_999, SeedViolation.INFERIOR)
    at = seed_fine_range(50_000 * YUAN, SeedViolation.INFERIOR)
    assert (below.article, below.minimum, below.maximum) == (75, 10_000 * YUAN, 100_000 * YUAN)
    assert (at.minimum, at.maximum) == (250_000 * YUAN, 500_000 * YUAN)
    assert "情节严重的" in at.other_penalties


# ---------------------------------------------------------------- transport: transportCasesByPlate

BY_PLATE = """query($p: String!) { transportCasesByPlate(plate: $p) {
  id caseNumber facts item { code } entity { name } agency { name } officers { name } } }"""


async def _set_plates(sessions, plates: list[str]) -> list[str]:
    """Record a plate in the facts of the first demo cases; returns their case numbers."""
    async with sessions() as session, session.begin():
        chosen = (await session.execute(sa.select(Case).order_by(Case.case_number).limit(len(plates)))).scalars().all()
        for case, plate in zip(chosen, plates, strict=True):
            case.facts = {**case.facts, "plate_number": plate}
        return [c.case_number for c in chosen]


@pytest.fixture
def selects(app):
    """The table each SELECT the app runs reads first (rate-limit bookkeeping and audit inserts left out)."""
    engine = app.state.sessions.kw["bind"].sync_engine
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(re.search(r"FROM (\w+)", statement).group(1))

    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


async def test_transport_cases_by_plate_finds_exactly_the_cases_with_that_plate(api, demo, selects):
    # stored as typed by officers: canonical, with the printed dot; a near miss that must not match
    two_a, two_b, other = await _set_plates(demo, ["浙LD12345", "浙L·D12345", "浙LD12346"])
    await api(BY_PLATE, {"p": "浙A12345"})  # the process loads its agency and region trees once, on its first request
    selects.clear()
    found = (await api(BY_PLATE, {"p": " 浙ld 12345 "}))["transportCasesByPlate"]
    for_two = list(selects)
    assert sorted(c["caseNumber"] for c in found) == sorted([two_a, two_b])
    assert all(c["item"]["code"] and c["entity"]["name"] and c["agency"]["name"] and c["officers"] for c in found)
    selects.clear()
    single = (await api(BY_PLATE, {"p": "浙L-D12346"}))["transportCasesByPlate"]
    assert [c["caseNumber"] for c in single] == [other]
    # planned: the same statements for one case as for two (one per selected relation, never per case)
    assert selects == for_two and len(for_two) <= 10
    assert (await api(BY_PLATE, {"p": "浙A12345"}))["transportCasesByPlate"] == []


async def test_transport_cases_by_plate_stays_inside_the_viewers_jurisdiction(api, demo, demo_tokens):
    await _set_plates(demo, ["浙L12345", "浙L12345"])
    assert len((await api(BY_PLATE, {"p": "浙l12345"}))["transportCasesByPlate"]) == 2
    elsewhere = api.as_(demo_tokens["provincial_other"])  # another province's service account
    assert (await elsewhere(BY_PLATE, {"p": "浙L12345"}))["transportCasesByPlate"] == []
    error = await coded_error(api.as_(None), BY_PLATE, {"p": "浙L12345"})
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("plate", ["", "12345", "浙L1234", "浙L1234567", "沪IO1234", "ZJL12345", "浙L12345X学", "浙LD1234A"])
async def test_transport_cases_by_plate_refuses_what_is_not_a_plate(api, plate):
    error = await coded_error(api, BY_PLATE, {"p": plate})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("PLATE_INVALID", "plate")


def test_plates_are_normalised_before_matching():
    assert normalise_plate(" 浙l d1234５ ") == "浙LD12345"  # full-width digit folded too
    assert normalise_plate("浙A·12345") == normalise_plate("浙a-12345") == "浙A12345"


@pytest.mark.parametrize("plate", ["浙L12345", "浙LD12345", "浙AFA1234", "浙A12345D", "京A1234学", "粤B1234警", "浙A1B2C3"])
def test_civil_plates_of_ga_36_are_accepted(plate):
    assert parse_plate(plate) == plate


# ---------------------------------------------------------------- conventions


async def test_every_plugin_field_is_described_in_chinese(api):
    data = await api('{ __type(name: "Query") { fields { name description args { name description } } } }')
    fields = {f["name"]: f for f in data["__type"]["fields"]}
    names = [
        "ecologyExceedance",
        "constructionCost",
        "constructionPlanningFine",
        "marketFoodFineRange",
        "agricultureSeedFineRange",
        "transportCasesByPlate",
    ]
    for name in names:
        texts = [fields[name]["description"], *(a["description"] for a in fields[name]["args"])]
        assert all(t and any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), name

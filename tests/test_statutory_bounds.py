"""The statute's own fine range and the order that stands without a fine (issue 13, points 4 and 9),
through GraphQL: no reasons take a proposal above the penalty provision's maximum (行政处罚法第三十四条,
国办发〔2022〕27号), and a case whose benchmark keeps only an order is decided and documented as such."""

from __future__ import annotations

import io

import docx

from test_procedure import Desk, ago, bureau, register  # noqa: F401  (bureau is a fixture)

DISCRETION = """query($facts: JSON!, $fine: Money, $why: String) {
  discretion(itemCode: "JZ001", facts: $facts, partyKind: LEGAL_PERSON, proposedFine: $fine, proposalReasons: $why) {
    outcome measures { code name } statutoryFine { min max } proposal { withinBenchmark legalReviewRequired } } }"""
CORRECTABLE = {"construction_cost": "2000000", "correctable": True, "corrected_on_time": True}


async def test_reasons_never_take_the_discretion_query_above_10_percent_of_cost_城乡规划法_art_64(api):
    data = (await api(DISCRETION, {"facts": CORRECTABLE, "fine": "200000.00", "why": "逾期未改正"}))["discretion"]
    assert data["statutoryFine"] == {"min": "100000.00", "max": "200000.00"}
    assert data["proposal"] == {"withinBenchmark": False, "legalReviewRequired": True}
    above = await api.post(DISCRETION, {"facts": CORRECTABLE, "fine": "200000.01", "why": "情节特别恶劣，社会影响极坏"})
    assert above.json()["errors"][0]["extensions"]["code"] == "STATUTORY_MAXIMUM_EXCEEDED"


async def test_reasons_never_take_a_proposal_above_the_statute_城乡规划法_art_64_apl_art_34(api, demo, bureau):
    desk = await register(api, bureau)
    await desk.do("fileCase", on=ago(50))
    await desk.do("startInvestigation", on=ago(45))
    facts = {"correctable": True, "corrected_on_time": True}
    refused = await desk.do("proposePenalty", expect="STATUTORY_MAXIMUM_EXCEEDED", facts=facts, proposedFine="250000.00", reasons="情节特别恶劣")
    assert "200,000.00 元" in refused["errors"][0]["message"]
    await desk.do("proposePenalty", facts=facts, proposedFine="200000.00", reasons="逾期仍未改正")
    assert desk.case["fine"] == "200000.00"


async def test_demolished_in_time_is_decided_as_an_order_without_fine_城乡规划法_art_64(api, demo, demo_tokens, bureau):
    """Issue 13 point 9: no fine, but the order to demolish is the outcome, and the decision says so."""
    facts = {"construction_cost": "300000", "correctable": False, "demolished_on_time": True}
    data = (await api(DISCRETION, {"facts": facts}))["discretion"]
    assert data["outcome"] == "order_only" and data["measures"] == [{"code": "order_demolition", "name": "责令限期拆除"}]
    desk = await register(api, bureau, facts=facts)
    await desk.do("fileCase", on=ago(50))
    await desk.do("startInvestigation", on=ago(45))
    await desk.do("proposePenalty", on=ago(40))
    assert desk.case["fine"] == "0.00" and desk.case["penaltyKinds"] == []
    await desk.do("decideNoPenalty", on=ago(30), ground="当事人已在责令限期拆除期限内自行拆除违法建设")
    headers = {"authorization": f"Bearer {demo_tokens['bureau_officer']}"}
    response = await api.client.get(f"/cases/{desk.case['id']}/documents/no_penalty_decision", headers=headers)
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "本机关决定责令当事人限期拆除。" in text
    assert "鉴于当事人已在责令限期拆除期限内自行拆除违法建设，依法不予罚款。" in text
    assert "本应给予行政处罚" not in text


async def test_a_simple_procedure_decision_is_held_to_the_statute_浙江省市容条例_art_32(api, demo, bureau):
    """A decided fine is checked like a proposed one: 随地吐痰 is fined 20–50 yuan (浙江省城市市容和环境卫生
    管理条例第三十二条第二款), so 100 yuan is refused although it is inside the simple procedure's 200 yuan."""
    desk = await register(api, bureau, item="JZ027", procedure="SIMPLE", facts={}, entity="person")
    await desk.do("decidePenalty", expect="STATUTORY_MAXIMUM_EXCEEDED", fine="100.00")
    await desk.do("decidePenalty", fine="50.00")
    assert desk.case["fine"] == "50.00"


FOOD = """query($facts: JSON!) { discretion(itemCode: "SC003", facts: $facts, partyKind: LEGAL_PERSON) {
  tierCode otherPenalties { code } legalReviewRequired } }"""


async def test_licence_revocation_needs_a_recorded_serious_circumstance_食品安全法_art_124(api):
    """Issue 13 point 10: 食品安全法第一百二十四条 revokes the licence only 情节严重; the officer records it
    (食品安全法实施条例第六十七条 lists the grounds) — the goods value alone does not make it."""
    large = (await api(FOOD, {"facts": {"goods_value": "30000", "duration_months": 1}}))["discretion"]
    assert large["tierCode"] == "large_normal" and "revoke_licence" not in {p["code"] for p in large["otherPenalties"]}
    serious = (await api(FOOD, {"facts": {"goods_value": "30000", "duration_months": 1, "serious_circumstances": True}}))["discretion"]
    assert serious["tierCode"] == "serious_large" and "revoke_licence" in {p["code"] for p in serious["otherPenalties"]}
    assert serious["legalReviewRequired"]

"""Standard documents from DOCX templates (issue #5 item 5): numbers, 大写金额, the five templates.

Every generated document is opened with python-docx and read back as text, so the assertions are
about what a reader sees, not about the template source.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import docx
import pytest

from zhifa.core.cases.numbering import normalise_number
from zhifa.core.documents import (
    DocumentCase,
    DocumentError,
    DocumentOfficer,
    DocumentParty,
    DocumentType,
    NoPenalty,
    NoticeGiven,
    Payment,
    PenaltyLine,
    Remedies,
    ServedDocument,
    Service,
    amount_in_words,
    chinese_count,
    chinese_date,
    document_number,
    render,
    template_bytes,
)
from zhifa.core.documents import build_templates
from zhifa.core.money import yuan_to_fen

AGENCY = "舟山市定海区综合行政执法局"
SHORT = "定综执"
APL = "《中华人民共和国行政处罚法》"

COMPANY = DocumentParty(
    name="舟山市定海区海港建设工程有限公司",
    kind_label="法人",
    address="浙江省舟山市定海区临城街道海天大道 88 号",
    credit_code="91330902MA2A0B1C2G",
    legal_representative="陈某某",
)
PERSON = DocumentParty(
    name="张某某",
    kind_label="自然人",
    address="浙江省舟山市定海区解放西路 12 号",
    id_number="330902********0018",  # masked by the caller, printed as given
)
OFFICERS = (DocumentOfficer("王立新", "33090221001"), DocumentOfficer("李晓燕", "33090221017"))
REMEDIES = Remedies(reconsideration_body="舟山市定海区人民政府", court="舟山市定海区人民法院")
PAYMENT = Payment(bank="中国农业银行舟山定海支行", e_payment="“浙里办”电子支付系统")

# JZ001 of the construction catalogue: 5 % of a construction cost of 1,234,567.80 yuan.
COMPANY_CASE = DocumentCase(
    case_number="定综执案〔2026〕3号",
    agency_name=AGENCY,
    agency_short_name=SHORT,
    domain_name="住房和城乡建设",
    item_name="未取得建设工程规划许可证进行建设",
    violated_provision="《中华人民共和国城乡规划法》第四十条第一款",
    basis_provision="《中华人民共和国城乡规划法》第六十四条",
    facts=(
        "2026年1月5日，本机关执法人员在日常巡查中发现，当事人在定海区临城街道海天大道 88 号东侧"
        "未取得建设工程规划许可证，建设钢结构厂房一幢，建筑面积 1,260 平方米。\n"
        "经核实，该工程造价为人民币 1,234,567.80 元，尚可采取改正措施消除对规划实施的影响。"
    ),
    evidence=("现场检查笔录及现场照片 12 张", "询问笔录 2 份", "工程造价结算书复印件"),
    violation_date=dt.date(2025, 12, 20),
    filing_date=dt.date(2026, 1, 8),
    issued_on=dt.date(2026, 3, 5),
    party=COMPANY,
    officers=OFFICERS,
    penalties=(PenaltyLine("fine", yuan_to_fen("61728.39")),),
    discretion_reasons=("当事人初次违法，积极配合调查，按工程造价百分之五的下限处罚。",),
    corrective_order="自收到本决定书之日起三十日内补办建设工程规划许可手续",
    case_source="日常巡查",
    hearing_right=False,  # 61,728.39 < 100,000: below the organisation's hearing threshold
    agency_address="舟山市定海区人民北路 1 号",
    agency_phone="0580-2020000",
    payment=PAYMENT,
    notice=NoticeGiven("定综执告字〔2026〕7号", dt.date(2026, 2, 20)),
    remedies=REMEDIES,
)
# SC001 of the market catalogue for a natural person: fine plus confiscated illegal gains.
PERSON_CASE = dataclasses.replace(
    COMPANY_CASE,
    case_number="定综执案〔2026〕17号",
    domain_name="市场监管",
    item_name="未取得食品生产经营许可从事食品生产经营活动",
    violated_provision="《中华人民共和国食品安全法》第三十五条第一款",
    basis_provision="《中华人民共和国食品安全法》第一百二十二条第一款",
    facts="2026年2月3日至2月10日，当事人未取得食品经营许可证，在解放西路 12 号销售自制熟食，违法所得 3,260.50 元。",
    evidence=("现场检查笔录", "询问笔录", "销售记录"),
    violation_date=dt.date(2026, 2, 10),
    filing_date=dt.date(2026, 2, 12),
    party=PERSON,
    penalties=(
        PenaltyLine("confiscate_illegal_gains", yuan_to_fen("3260.50")),
        PenaltyLine("fine", yuan_to_fen("50000")),
    ),
    discretion_reasons=(),
    corrective_order="",
    hearing_right=True,  # 50,000 ≥ 10,000: the natural person's hearing threshold
)
NO_PENALTY = NoPenalty(
    ground="当事人违法行为轻微并及时改正，没有造成危害后果",
    basis="《中华人民共和国行政处罚法》第三十三条第一款",
)


def case_for(doc_type: DocumentType, case: DocumentCase) -> DocumentCase:
    """The case as each document needs it: no penalty for 不予处罚, the served decision for 送达回证."""
    if doc_type is DocumentType.NO_PENALTY_DECISION:
        return dataclasses.replace(case, penalties=(), no_penalty=NO_PENALTY)
    if doc_type is DocumentType.SERVICE_RECEIPT:
        served = ServedDocument("行政处罚决定书", document_number(SHORT, DocumentType.PENALTY_DECISION, 2026, 12))
        return dataclasses.replace(case, service=Service(documents=(served,)))
    return case


def text_of(data: bytes) -> str:
    """Every paragraph and every table cell, as a reader of the document sees it."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def rendered(doc_type: DocumentType, case: DocumentCase, serial: int = 12) -> tuple[str, str]:
    number = document_number(SHORT, doc_type, 2026, serial)
    return number, text_of(render(doc_type, case_for(doc_type, case), number))


# A character or a word written twice running ("到到", "缴纳缴纳"); 某某 is how names are withheld.
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{1,4})\1")
# A parenthesised article citation or list of notes ("（行政处罚法第六十七条；罚缴分离）") is a note for
# staff: a document the party receives cites the law in its sentence ("依据……第六十七条的规定").
_NOTE = re.compile(r"（[^（）]*(?:第[一二三四五六七八九十百零]+条|；)[^（）]*）")


def prose_problems(text: str) -> list[str]:
    """What a lawyer would strike from a document: doubled words and internal notes. The notes are
    looked for first and the doubled words again without them, so "缴纳（…）缴纳" is caught twice."""
    notes = _NOTE.findall(text)
    doubled = [m.group(0) for m in _DOUBLED.finditer(_NOTE.sub("", text)) if set(m.group(1)) != {"某"}]
    return [f"内部注释：{n}" for n in notes] + [f"重复：{d}" for d in doubled]


# ---------------------------------------------------------------------------------------------
# 大写金额


@pytest.mark.parametrize(
    ("yuan", "words"),
    [
        # the boundaries
        ("0", "零元整"),
        ("0.01", "壹分"),
        ("10", "壹拾元整"),
        ("100000", "壹拾万元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("100000000", "壹亿元整"),
        # the examples of 《正确填写票据和结算凭证的基本规定》 (银发〔1997〕393号 附件一)
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # zeros across groups, tails, sub-yuan amounts
        ("61728.39", "陆万壹仟柒佰贰拾捌元叁角玖分"),
        ("1000100", "壹佰万零壹佰元整"),
        ("100007000", "壹亿零柒仟元整"),
        ("100010000", "壹亿零壹万元整"),
        ("110000", "壹拾壹万元整"),
        ("10.05", "壹拾元零伍分"),
        ("0.5", "伍角"),
        ("0.10", "壹角"),
        ("0.05", "伍分"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_words(yuan: str, words: str) -> None:
    assert amount_in_words(yuan_to_fen(yuan)) == words


@pytest.mark.parametrize("bad", [-1, 10**14, 1.5, True, "100"])
def test_amount_in_words_rejects(bad: object) -> None:
    with pytest.raises(DocumentError):
        amount_in_words(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "一"), (5, "五"), (10, "十"), (15, "十五"), (60, "六十"), (90, "九十"), (105, "一百零五"), (110, "一百一十")],
)
def test_chinese_count(number: int, text: str) -> None:
    assert chinese_count(number) == text


def test_chinese_date_is_not_padded() -> None:
    assert chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"


# ---------------------------------------------------------------------------------------------
# Numbers


def test_document_types_carry_title_and_code() -> None:
    assert {t.code: t.label for t in DocumentType} == {
        "立": "立案审批表",
        "告": "行政处罚事先告知书",
        "罚决": "行政处罚决定书",
        "不罚": "不予行政处罚决定书",
        "送": "送达回证",
    }


def test_document_number_follows_gb_t_9704() -> None:
    number = document_number(SHORT, DocumentType.PENALTY_DECISION, 2026, 12)
    assert number == "定综执罚决字〔2026〕12号"
    assert normalise_number(number) == number  # no 第, no padding
    assert document_number(SHORT, DocumentType.FILING_APPROVAL, 2026, 1) == "定综执立字〔2026〕1号"
    assert document_number("定临执", DocumentType.SERVICE_RECEIPT, 2027, 305) == "定临执送字〔2027〕305号"
    with pytest.raises(DocumentError):
        document_number(SHORT, DocumentType.PENALTY_DECISION, 2026, 0)


@pytest.mark.parametrize(
    "number",
    [
        "定综执罚决字〔2026〕012号",  # zero padding
        "定综执罚决字〔2026〕第12号",  # 第
        "定综执告字〔2026〕12号",  # another type's sequence
        "定临执罚决字〔2026〕12号",  # another agency's
        "定综执罚决字(2026)12号",
    ],
)
def test_render_refuses_a_number_that_is_not_this_documents(number: str) -> None:
    with pytest.raises(DocumentError, match="编号"):
        render(DocumentType.PENALTY_DECISION, COMPANY_CASE, number)


# ---------------------------------------------------------------------------------------------
# The five documents


@pytest.mark.parametrize("case", [COMPANY_CASE, PERSON_CASE], ids=["legal_person", "natural_person"])
@pytest.mark.parametrize("doc_type", list(DocumentType), ids=lambda t: t.value)
def test_every_document_opens_and_names_case_number_and_party(doc_type: DocumentType, case: DocumentCase) -> None:
    number, text = rendered(doc_type, case)
    assert doc_type.label in text
    assert number in text
    assert case.case_number in text
    assert case.party.name in text
    assert AGENCY in text
    assert "{{" not in text and "{%" not in text  # every tag was rendered


@pytest.mark.parametrize("case", [COMPANY_CASE, PERSON_CASE], ids=["legal_person", "natural_person"])
@pytest.mark.parametrize("doc_type", list(DocumentType), ids=lambda t: t.value)
def test_every_document_reads_as_a_lawyer_would_write_it(doc_type: DocumentType, case: DocumentCase) -> None:
    """Issue 13 item 12: no doubled word ("到到", "缴纳缴纳") and no note for staff in parentheses
    ("（行政处罚法第六十七条；罚缴分离）") in any document the party receives; the law is cited in the sentence."""
    _, text = rendered(doc_type, case)
    assert prose_problems(text) == []


def test_the_prose_check_finds_what_it_is_for() -> None:
    wrong = "当事人应当到到指定银行或者通过电子支付系统缴纳（行政处罚法第六十七条；罚缴分离）缴纳罚款。"
    assert prose_problems(wrong) == ["内部注释：（行政处罚法第六十七条；罚缴分离）", "重复：到到", "重复：缴纳缴纳"]
    assert prose_problems("法定代表人：陈某某（执法证号：33090221001）（大写：伍万元整）（印章）") == []


def test_payment_names_only_the_bank_and_the_system() -> None:
    """APL Art. 67 para 3: "到指定的银行或者通过电子支付系统缴纳罚款" — the sentence writes 到, 通过 and 缴纳."""
    assert Payment("指定的银行", "电子支付系统").route == "到指定的银行或者通过电子支付系统"
    with pytest.raises(DocumentError, match="名称"):
        Payment("到指定银行或者通过电子支付系统缴纳")


def test_decision_recounts_the_prior_notice() -> None:
    """APL Art. 44, 62–64: the decision states when the notice was served and which rights it told."""
    _, text = rendered(DocumentType.PENALTY_DECISION, PERSON_CASE)
    assert "本机关于2026年2月20日向当事人送达了《行政处罚事先告知书》（定综执告字〔2026〕7号）" in text
    assert "依法享有的陈述、申辩、要求听证的权利" in text
    _, text = rendered(DocumentType.PENALTY_DECISION, dataclasses.replace(COMPANY_CASE, notice=None))
    assert "事先告知书" not in text  # the simple procedure serves none


@pytest.mark.parametrize("case", [COMPANY_CASE, PERSON_CASE], ids=["legal_person", "natural_person"])
@pytest.mark.parametrize(
    "doc_type",
    [DocumentType.FILING_APPROVAL, DocumentType.PRIOR_NOTICE, DocumentType.PENALTY_DECISION, DocumentType.NO_PENALTY_DECISION],
    ids=lambda t: t.value,
)
def test_facts_and_legal_provisions(doc_type: DocumentType, case: DocumentCase) -> None:
    _, text = rendered(doc_type, case)
    for paragraph in case.facts.split("\n"):
        assert paragraph in text
    assert case.violated_provision in text
    assert case.basis_provision in text
    assert case.party.identifier in text


@pytest.mark.parametrize("doc_type", [DocumentType.PRIOR_NOTICE, DocumentType.PENALTY_DECISION], ids=lambda t: t.value)
def test_penalty_amount_in_figures_and_words(doc_type: DocumentType) -> None:
    _, text = rendered(doc_type, COMPANY_CASE)
    assert "罚款人民币 61,728.39 元（大写：陆万壹仟柒佰贰拾捌元叁角玖分）" in text
    for evidence in COMPANY_CASE.evidence:
        assert evidence in text
    assert COMPANY_CASE.discretion_reasons[0] in text
    _, text = rendered(doc_type, PERSON_CASE)
    assert "（一）没收违法所得人民币 3,260.50 元（大写：叁仟贰佰陆拾元零伍角）" in text
    assert "（二）罚款人民币 50,000.00 元（大写：伍万元整）" in text


def test_decision_states_performance_and_remedies() -> None:
    """APL Art. 59 items 4–6, Art. 67 (15 days), Art. 72 (surcharge), 行政复议法 Art. 20, 行政诉讼法 Art. 46."""
    _, text = rendered(DocumentType.PENALTY_DECISION, COMPANY_CASE)
    assert "自收到本决定书之日起十五日内，到中国农业银行舟山定海支行或者通过“浙里办”电子支付系统缴纳罚款。" in text
    assert "每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额" in text
    assert "自收到本决定书之日起六十日内向舟山市定海区人民政府申请行政复议" in text
    assert "六个月内依法向舟山市定海区人民法院提起行政诉讼" in text
    assert "行政处罚不停止执行" in text
    assert "责令当事人自收到本决定书之日起三十日内补办建设工程规划许可手续" in text
    assert "法定代表人：陈某某" in text
    assert "住所（经营场所）：浙江省舟山市定海区临城街道海天大道 88 号" in text
    assert "（印章）" in text
    assert "2026年3月5日" in text

    _, text = rendered(DocumentType.PENALTY_DECISION, PERSON_CASE)
    assert "缴纳罚没款" in text  # a fine and confiscated gains
    assert "住址：浙江省舟山市定海区解放西路 12 号" in text
    assert "公民身份号码：330902********0018" in text
    assert "法定代表人" not in text


def test_decision_periods_are_data() -> None:
    case = dataclasses.replace(
        COMPANY_CASE,
        payment=Payment(bank="指定银行", days=30),
        remedies=dataclasses.replace(REMEDIES, reconsideration_days=90),
    )
    _, text = rendered(DocumentType.PENALTY_DECISION, case)
    assert "之日起三十日内，到指定银行缴纳罚款" in text
    assert "之日起九十日内向舟山市定海区人民政府申请行政复议" in text


def test_warning_only_decision_has_no_payment_paragraph() -> None:
    case = dataclasses.replace(COMPANY_CASE, penalties=(PenaltyLine("warning"),), payment=None)
    _, text = rendered(DocumentType.PENALTY_DECISION, case)
    assert "（一）警告" in text
    assert "缴纳" not in text and "加处罚款" not in text
    assert "六十日内" in text  # remedies all the same


def test_prior_notice_hearing_right_when_it_applies() -> None:
    """APL Art. 63–64: request a hearing within 5 days of the notice, working days by Art. 85."""
    _, text = rendered(DocumentType.PRIOR_NOTICE, PERSON_CASE)
    assert "你有权要求听证" in text
    assert "如要求听证，应当在收到本告知书之日起五个工作日内向本机关提出" in text
    assert "陈述、申辩" in text
    assert "本机关拟对你作出如下行政处罚" in text


def test_prior_notice_omits_hearing_without_the_right() -> None:
    _, text = rendered(DocumentType.PRIOR_NOTICE, COMPANY_CASE)
    assert "听证" not in text
    assert "请于收到本告知书之日起五个工作日内向本机关提出" in text  # statement and defence
    assert "本机关拟对你单位作出如下行政处罚" in text
    assert "联系电话：0580-2020000" in text


def test_no_penalty_decision() -> None:
    _, text = rendered(DocumentType.NO_PENALTY_DECISION, COMPANY_CASE)
    assert "鉴于当事人违法行为轻微并及时改正，没有造成危害后果，依据《中华人民共和国行政处罚法》第三十三条第一款的规定" in text
    assert "本机关决定对当事人不予行政处罚" in text
    assert "第三十三条第三款" in text  # education
    assert "六十日内" in text and "六个月内" in text
    assert "罚款人民币" not in text


def test_service_receipt_lists_what_was_served() -> None:
    case = dataclasses.replace(
        PERSON_CASE,
        service=Service(
            documents=(
                ServedDocument("行政处罚事先告知书", "定综执告字〔2026〕7号"),
                ServedDocument("行政处罚决定书", "定综执罚决字〔2026〕12号"),
            ),
            method="留置送达",
            place="定海区解放西路 12 号（当事人住所）",
        ),
    )
    text = text_of(render(DocumentType.SERVICE_RECEIPT, case, "定综执送字〔2026〕9号"))
    assert "行政处罚事先告知书（定综执告字〔2026〕7号）" in text
    assert "行政处罚决定书（定综执罚决字〔2026〕12号）" in text
    assert "留置送达" in text
    assert "定海区解放西路 12 号（当事人住所）" in text
    assert "王立新（执法证号：33090221001）" in text
    assert "受送达人签名或者盖章" in text


def test_filing_approval_form() -> None:
    _, text = rendered(DocumentType.FILING_APPROVAL, COMPANY_CASE)
    assert "涉嫌未取得建设工程规划许可证进行建设" in text
    assert "日常巡查" in text
    assert "2026年1月8日" in text and "2025年12月20日" in text
    assert "李晓燕（执法证号：33090221017）" in text
    assert "法定代表人" in text
    _, text = rendered(DocumentType.FILING_APPROVAL, PERSON_CASE)
    assert "法定代表人" not in text  # the optional row is dropped for a natural person
    assert "张某某（自然人）" in text


def test_user_text_is_escaped_and_printed_literally() -> None:
    tricky = 'A&B <b>"引号"</b> {{ case_number }} {% if x %}'
    case = dataclasses.replace(
        COMPANY_CASE,
        party=dataclasses.replace(COMPANY, name='舟山<甲>&"乙"建设有限公司', address="a < b & c > d"),
        facts=f"第一段：{tricky}\n\n第二段\x00\x0b含控制字符\x07。",
        evidence=("<证据>&'一'",),
        corrective_order="拆除 & 恢复 <原状>",
    )
    for doc_type in DocumentType:
        number, text = rendered(doc_type, case)
        assert '舟山<甲>&"乙"建设有限公司' in text
        if doc_type is not DocumentType.SERVICE_RECEIPT:
            assert f"第一段：{tricky}" in text
            assert "第二段含控制字符。" in text  # characters XML cannot carry are dropped
    _, text = rendered(DocumentType.PENALTY_DECISION, case)
    assert "1. <证据>&'一'" in text
    assert "拆除 & 恢复 <原状>" in text


# ---------------------------------------------------------------------------------------------
# Data that cannot make a document


@pytest.mark.parametrize(
    ("doc_type", "change", "message"),
    [
        (DocumentType.PENALTY_DECISION, {"remedies": None}, "行政复议"),
        (DocumentType.PENALTY_DECISION, {"payment": None}, "缴纳方式"),
        (DocumentType.PENALTY_DECISION, {"penalties": ()}, "处罚内容"),
        (DocumentType.PRIOR_NOTICE, {"penalties": ()}, "处罚内容"),
        (DocumentType.NO_PENALTY_DECISION, {"no_penalty": NO_PENALTY}, "不能有处罚内容"),
        (DocumentType.NO_PENALTY_DECISION, {"penalties": ()}, "不予处罚的理由"),
        (DocumentType.SERVICE_RECEIPT, {}, "送达的文书"),
        (DocumentType.FILING_APPROVAL, {"facts": " \n "}, "违法事实"),
        (DocumentType.FILING_APPROVAL, {"officers": ()}, "执法人员"),
    ],
)
def test_incomplete_data_is_refused(doc_type: DocumentType, change: dict, message: str) -> None:
    case = dataclasses.replace(COMPANY_CASE, **change)
    with pytest.raises(DocumentError, match=message):
        render(doc_type, case, document_number(SHORT, doc_type, 2026, 1))


def test_penalty_line_validation() -> None:
    with pytest.raises(DocumentError):
        PenaltyLine("flogging")
    with pytest.raises(DocumentError):
        PenaltyLine("fine")  # a fine needs its amount
    with pytest.raises(DocumentError):
        PenaltyLine("fine", -100)
    assert PenaltyLine("suspend_licence", detail="暂扣《道路运输经营许可证》三个月").text == "暂扣许可证件：暂扣《道路运输经营许可证》三个月"


# ---------------------------------------------------------------------------------------------
# Templates


@pytest.mark.parametrize("doc_type", list(DocumentType), ids=lambda t: t.value)
def test_committed_templates_match_the_build_script(doc_type: DocumentType) -> None:
    """Run `python -m core.documents.build_templates` after editing it; the files must follow."""
    assert build_templates.template_bytes(doc_type) == template_bytes(doc_type)


def test_templates_are_valid_docx_with_chinese_layout() -> None:
    for doc_type in DocumentType:
        data = template_bytes(doc_type)
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
        document = docx.Document(io.BytesIO(data))
        assert document.paragraphs[1].text == doc_type.label
        assert document.core_properties.title == doc_type.label
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

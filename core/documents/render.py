"""Standard enforcement documents (执法文书) rendered from DOCX templates with docxtpl.

Pure rendering: the caller loads the case, allocates the document number gap-free with
`core.cases.numbering.allocate(session, agency_id, doc_type.code, year)` inside its transaction,
builds it with `document_number`, and passes plain frozen data in. Nothing here touches the
database or the clock, so the same data always gives the same document text.

What each document must state, and where the rule comes from (REFERENCE §1.6–1.9, 行政处罚法 2021):
- 立案审批表 (filing approval form): Art. 54 para 2 (file once the filing standard is met).
- 行政处罚事先告知书 (prior notice): Art. 44 (intended penalty, facts, reasons, basis; rights of
  statement, defence and hearing); Art. 63–64 (hearing right, request within 5 days, which Art. 85
  makes working days); without the notice no decision may be made (Art. 62).
- 行政处罚决定书 (penalty decision): Art. 59 (party name and address; facts and evidence; penalty kind
  and basis; manner and deadline of performance; route and deadline of reconsideration and
  litigation; agency name and date; agency seal); Art. 67 para 3 (pay within 15 days, calendar
  days per §0); Art. 72 para 1 item 1 (3 % a day surcharge, capped at the fine); Art. 73 para 1
  (an appeal does not suspend the penalty).
- 不予行政处罚决定书 (no-penalty decision): Art. 33 (grounds) and Art. 33 para 3 (education), with the
  same remedies as a decision.
- 送达回证 (service receipt): Art. 61 (service under the Civil Procedure Law).
Remedies: reconsideration within 60 days (行政复议法 2023 Art. 20, [T]); litigation within 6 months
(行政诉讼法 Art. 46, [R]). Both are data with those defaults, because a law may set a longer period.

Numbers follow GB/T 9704-2012 (REFERENCE §5.4): `{agency short name}{type code}字〔{year}〕{serial}号`,
no 第 and no zero padding, e.g. 定综执罚决字〔2026〕12号. The type codes are the ones §5.4 lists
(立 / 告 / 罚决 / 不罚 / 送); "字" is the customary 代字 marker after the type code. Case numbers keep
their own pattern (`core.cases.service`: short name + 案, e.g. 定综执案〔2026〕3号).

User text is escaped by docxtpl's autoescape (so <, & and " print literally) after characters
that XML 1.0 cannot carry at all (C0 controls other than tab and newline) are removed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from docxtpl import DocxTemplate

from zhifa.core.cases.numbering import DEFAULT_DOCUMENT_PATTERN, NUMBER_PATTERN, format_number, prefix_for
from zhifa.core.catalog.spec import PENALTY_KINDS
from zhifa.core.labels import LabeledEnum
from zhifa.core.money import fen_to_yuan

APL = "《中华人民共和国行政处罚法》"
TEMPLATES = "templates"

# APL Art. 64 item 1: the hearing request is made within 5 days of the notice; Art. 85 makes them
# working days. Statutory, so a constant.
HEARING_REQUEST_WORKING_DAYS = 5
# Entity kinds (core.entities.models.EntityKind labels) that are natural persons in civil law;
# 个体工商户 is one (民法典 第二章第四节), as in core.catalog.discretion.
NATURAL_PERSON_LABELS = frozenset({"自然人", "个体工商户"})
REPRESENTATIVE_LABELS = {"法人": "法定代表人", "个体工商户": "经营者", "其他组织": "负责人"}
# Penalty kinds that are paid to the bank (收缴分离, Art. 67) and so carry an amount.
PAYABLE_KINDS = ("fine", "confiscate_illegal_gains")
# Largest amount `amount_in_words` writes: 9999亿 9999万 9999 yuan 99 fen (groups 元/万/亿).
MAX_FEN = 10**14 - 1


class DocumentError(ValueError):
    """The data cannot make this document (a programming error in the caller, not user input)."""


class DocumentType(LabeledEnum):
    """`.label` is the document's title, `.code` its numbering type code (REFERENCE §5.4).

    `.code` is also the `doc_type` to pass to `core.cases.numbering.allocate`, so each type has its
    own gap-free sequence per agency and year.
    """

    code: str

    FILING_APPROVAL = "filing_approval", "立案审批表", "立"
    PRIOR_NOTICE = "prior_notice", "行政处罚事先告知书", "告"
    PENALTY_DECISION = "penalty_decision", "行政处罚决定书", "罚决"
    NO_PENALTY_DECISION = "no_penalty_decision", "不予行政处罚决定书", "不罚"
    SERVICE_RECEIPT = "service_receipt", "送达回证", "送"

    def __new__(cls, value: str, label: str, code: str):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        member.code = code
        return member

    @property
    def title(self) -> str:
        return self.label

    @property
    def template(self) -> str:
        return f"{self.value}.docx"


# ---------------------------------------------------------------------------------------------
# Numbers and amounts


def document_prefix(agency_short_name: str, doc_type: DocumentType, pattern: str = DEFAULT_DOCUMENT_PATTERN) -> str:
    """定综执 + 罚决 → 定综执罚决字 (under the agency's document pattern, core.cases.numbering)."""
    short = agency_short_name.strip()
    if not short:
        raise DocumentError("机关简称不能为空")
    return prefix_for(pattern, short, doc_type.code)


def document_number(agency_short_name: str, doc_type: DocumentType, year: int, serial: int) -> str:
    """定综执罚决字〔2026〕12号: `format_number` (GB/T 9704) on `document_prefix`."""
    if serial < 1:
        raise DocumentError(f"文书序号必须从 1 开始：{serial}")
    return format_number(document_prefix(agency_short_name, doc_type), year, serial)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_GROUPS = ("", "万", "亿")


def amount_in_words(fen: int) -> str:
    """The Chinese uppercase amount (大写金额) of an amount in fen, e.g. 陆万壹仟柒佰贰拾捌元叁角玖分.

    Follows 中国人民银行《支付结算办法》(银发〔1997〕393号) 附件一《正确填写票据和结算凭证的基本规定》,
    the rule Chinese finance and enforcement forms use for amounts:
    - digits 零壹贰叁肆伍陆柒捌玖 and units 拾佰仟万亿元角分; 拾 is always preceded by its digit
      (10 → 壹拾元整, 100000 → 壹拾万元整), as on cheques, so nothing can be written in front;
    - 整 after 元 when there is no 角 or 分 (0 → 零元整); none after 角 (it "可以不写"), never after 分;
    - a zero between digits is written 零, a run of zeros once (1409.50 → 壹仟肆佰零玖元伍角,
      6007.14 → 陆仟零柒元壹角肆分);
    - where the rule allows both (万位 or 元位 zero but the next digit not), the first form its
      examples give: no 零 after 万 when the 仟 digit follows (107000.53 → 壹拾万柒仟元零伍角叁分),
      零 after 元 when 元位 is zero and 角 follows (1680.32 → 壹仟陆佰捌拾元零叁角贰分);
    - 角位 zero and 分位 not: 零 after 元 (16409.02 → 壹万陆仟肆佰零玖元零贰分, 325.04 → 叁佰贰拾伍元零肆分);
    - under one yuan starts at the first non-zero unit (0.01 → 壹分, 0.50 → 伍角);
    - a whole group of zeros between non-zero groups is one 零 (100007000 → 壹亿零柒仟元整).
    The "人民币" prefix belongs to the sentence, not to this function.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise DocumentError(f"金额必须是以分为单位的整数：{fen!r}")
    if fen < 0:
        raise DocumentError(f"金额不能为负数：{fen}")
    if fen > MAX_FEN:
        raise DocumentError(f"金额超出可写的范围：{fen}")
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    text = _integer_in_words(yuan) + "元" if yuan else ""
    if cents == 0:
        return text + "整"
    if yuan and (jiao == 0 or yuan % 10 == 0):
        text += "零"
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    return text


def _integer_in_words(number: int) -> str:
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    text = ""
    zero = False  # a zero is pending: written only if a non-zero digit follows
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(text)
            continue
        if text and group < 1000:
            zero = True  # the group starts with zeros: 壹佰万零壹佰
        written = False
        for place, digit in zip(_PLACES, f"{group:04d}"):
            if digit == "0":
                zero = zero or written
                continue
            if zero:
                text += "零"
            text += _DIGITS[int(digit)] + place
            zero, written = False, True
        text += _GROUPS[index]
        zero = False  # a group's trailing zeros need no 零 before the next group's 仟 (107000)
    return text


def yuan_text(fen: int) -> str:
    """61,728.39: thousands separators, always two decimals (as core.catalog.discretion shows money)."""
    return f"{fen_to_yuan(fen):,.2f}"


def chinese_count(number: int) -> str:
    """Lower-case Chinese numerals for periods in running text (五, 十五, 六十, 一百二十)."""
    digits = "零一二三四五六七八九"
    if not 0 < number < 1000:
        raise DocumentError(f"期限必须在 1 到 999 之间：{number}")
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    text = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and units:
        text += "零"
    if units:
        text += digits[units]
    return text


def chinese_date(day: dt.date) -> str:
    """2026年3月5日: GB/T 9704-2012 7.3.5.3, Arabic numerals, month and day not padded."""
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------------------------------------
# Document data


@dataclass(frozen=True)
class DocumentParty:
    """The party (当事人) as printed. Identifiers are printed as given: the caller decides masking."""

    name: str
    kind_label: str  # EntityKind label: 法人 / 个体工商户 / 自然人 / 其他组织
    address: str
    credit_code: str | None = None  # 统一社会信用代码 (organisations and 个体工商户)
    id_number: str | None = None  # 公民身份号码 (natural persons), clear or masked
    legal_representative: str | None = None  # 法定代表人 / 经营者 / 负责人

    @property
    def natural_person(self) -> bool:
        return self.kind_label in NATURAL_PERSON_LABELS

    @property
    def identifier_label(self) -> str:
        return "统一社会信用代码" if self.credit_code else "公民身份号码"

    @property
    def identifier(self) -> str:
        return self.credit_code or self.id_number or ""

    @property
    def address_label(self) -> str:
        return "住址" if self.kind_label == "自然人" else "住所（经营场所）"

    @property
    def representative_label(self) -> str:
        return REPRESENTATIVE_LABELS.get(self.kind_label, "法定代表人")

    @property
    def pronoun(self) -> str:
        """How a notice addresses the party: 你 (natural person), 你单位 (organisation)."""
        return "你" if self.natural_person else "你单位"


@dataclass(frozen=True)
class DocumentOfficer:
    name: str
    certificate_number: str  # 执法证件号 (APL Art. 55)

    @property
    def text(self) -> str:
        return f"{self.name}（执法证号：{self.certificate_number}）"


@dataclass(frozen=True)
class PenaltyLine:
    """One penalty item (APL Art. 9; one decision may carry several, 并处).

    `kind` is a key of core.catalog.spec.PENALTY_KINDS. Fines and confiscated illegal gains carry
    `amount_fen`; `detail` says what else the item needs (the licence and period, the property).
    """

    kind: str
    amount_fen: int | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        if self.kind not in PENALTY_KINDS:
            raise DocumentError(f"未知的处罚种类：{self.kind}")
        if self.kind in PAYABLE_KINDS and self.amount_fen is None:
            raise DocumentError(f"{self.label}必须写明金额")
        if self.amount_fen is not None:
            amount_in_words(self.amount_fen)  # validates type, sign and range

    @property
    def label(self) -> str:
        return PENALTY_KINDS[self.kind]

    @property
    def text(self) -> str:
        """罚款人民币 61,728.39 元（大写：陆万壹仟柒佰贰拾捌元叁角玖分）."""
        if self.amount_fen is None:
            return f"{self.label}：{self.detail}" if self.detail else self.label
        amount = f"{self.label}人民币 {yuan_text(self.amount_fen)} 元（大写：{amount_in_words(self.amount_fen)}）"
        return f"{amount}，{self.detail}" if self.detail else amount


@dataclass(frozen=True)
class Payment:
    """How a fine is paid (APL Art. 59 item 4, Art. 67 para 3: "到指定的银行或者通过电子支付系统缴纳",
    never to the agency). Both are names only: the sentence supplies 到, 通过 and 缴纳."""

    bank: str  # e.g. 指定的银行, 中国农业银行舟山定海支行（账号 …）
    e_payment: str = ""  # e.g. 电子支付系统, “浙里办”电子支付系统; empty: the bank only
    days: int = 15  # APL Art. 67 para 3; calendar days (Art. 85 does not list 15), REFERENCE §0

    def __post_init__(self) -> None:
        for name in (self.bank, self.e_payment):
            if name.startswith(("到", "通过")) or "缴纳" in name:
                raise DocumentError(f"缴纳方式只写银行或者系统的名称，“到”“通过”“缴纳”由文书写出：{name}")

    @property
    def route(self) -> str:
        """到指定的银行或者通过电子支付系统: the words before 缴纳 in the decision."""
        return f"到{self.bank}" + (f"或者通过{self.e_payment}" if self.e_payment else "")


@dataclass(frozen=True)
class Remedies:
    """Route and deadline of reconsideration and litigation (APL Art. 59 item 5)."""

    reconsideration_body: str  # 行政复议机关, e.g. 舟山市定海区人民政府 (行政复议法 2023 Art. 24)
    court: str  # e.g. 舟山市定海区人民法院
    reconsideration_days: int = 60  # 行政复议法 2023 Art. 20 [T]; longer where a law says so
    litigation_months: int = 6  # 行政诉讼法 Art. 46 [R]


@dataclass(frozen=True)
class NoPenalty:
    """Why no penalty is imposed (APL Art. 33 / Art. 30–31 / Art. 40), with its legal basis."""

    ground: str  # e.g. 违法行为轻微并及时改正，没有造成危害后果
    basis: str  # e.g. 《中华人民共和国行政处罚法》第三十三条第一款
    # No penalty is due but the order stands (the catalog's "order_only" outcome, e.g. demolished in
    # time under 城乡规划法第六十四条): the decision orders, then says why no fine follows.
    order_only: bool = False


@dataclass(frozen=True)
class ServedDocument:
    title: str
    number: str

    @property
    def text(self) -> str:
        return f"{self.title}（{self.number}）"


@dataclass(frozen=True)
class Service:
    """What a service receipt (送达回证) records (APL Art. 61; 民事诉讼法 送达)."""

    documents: tuple[ServedDocument, ...]
    method: str = "直接送达"  # 直接送达 / 留置送达 / 委托送达 / 邮寄送达 / 公告送达 / 电子送达
    place: str = ""  # defaults to the party's address

    def __post_init__(self) -> None:
        object.__setattr__(self, "documents", tuple(self.documents))


@dataclass(frozen=True)
class NoticeGiven:
    """The prior notice the decision recounts (APL Art. 44–45, 62–64): when it was served and what it told."""

    number: str  # 定综执告字〔2026〕7号
    served_on: dt.date


@dataclass(frozen=True)
class DocumentCase:
    """Everything the five documents print about one case. Lists may be given as any iterable."""

    case_number: str
    agency_name: str
    agency_short_name: str
    domain_name: str  # 执法领域, e.g. 住房和城乡建设
    item_name: str  # 案由 (the catalogue item), e.g. 未取得施工许可证擅自施工
    violated_provision: str  # 违反的规定
    basis_provision: str  # 处罚依据
    facts: str  # 违法事实 (paragraphs separated by newlines)
    party: DocumentParty
    officers: tuple[DocumentOfficer, ...]
    violation_date: dt.date
    filing_date: dt.date
    issued_on: dt.date  # 成文日期 of this document
    evidence: tuple[str, ...] = ()
    penalties: tuple[PenaltyLine, ...] = ()
    discretion_reasons: tuple[str, ...] = ()  # how the benchmark was applied (国办发〔2022〕27号)
    corrective_order: str = ""  # 责令改正 (APL Art. 28): not a penalty, printed beside it
    case_source: str = ""  # 案件来源 on the filing form, e.g. 日常巡查
    hearing_right: bool = False  # APL Art. 63: the intended penalty gives the right to a hearing
    statement_days: int = 5  # working days for statement and defence; not fixed by the APL [S]
    party_statement: str = ""  # the decision's summary of the statement / defence and its review (Art. 45)
    agency_address: str = ""
    document_pattern: str = DEFAULT_DOCUMENT_PATTERN  # the agency's (Agency.document_pattern)
    agency_phone: str = ""
    payment: Payment | None = None
    notice: NoticeGiven | None = None  # general procedure: the prior notice the decision recounts
    remedies: Remedies | None = None
    no_penalty: NoPenalty | None = None
    service: Service | None = None

    def __post_init__(self) -> None:
        for name in ("officers", "evidence", "penalties", "discretion_reasons"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def payable_fen(self) -> int:
        return sum(p.amount_fen or 0 for p in self.penalties if p.kind in PAYABLE_KINDS)


# ---------------------------------------------------------------------------------------------
# Rendering


def render(doc_type: DocumentType, data: DocumentCase, number: str) -> bytes:
    """The DOCX bytes of `doc_type` for `data`, numbered `number` (see `document_number`)."""
    _check(doc_type, data, number)
    template = DocxTemplate(io.BytesIO(template_bytes(doc_type)))
    template.render(_context(doc_type, data, number), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def template_bytes(doc_type: DocumentType) -> bytes:
    return resources.files(__package__).joinpath(TEMPLATES, doc_type.template).read_bytes()


def _check(doc_type: DocumentType, data: DocumentCase, number: str) -> None:
    problems: list[str] = []
    match = NUMBER_PATTERN.match(number)
    expected = document_prefix(data.agency_short_name, doc_type, data.document_pattern)
    if not match or format_number(match["prefix"], int(match["year"]), int(match["serial"])) != number:
        problems.append(f"文书编号不符合 GB/T 9704 格式：{number}")
    elif match["prefix"] != expected:
        problems.append(f"{doc_type.label}的编号应以“{expected}”开头：{number}")
    if not _clean(data.facts):
        problems.append("缺少违法事实")
    if not data.officers:
        problems.append("缺少执法人员")
    if doc_type in (DocumentType.PRIOR_NOTICE, DocumentType.PENALTY_DECISION) and not data.penalties:
        problems.append(f"{doc_type.label}必须写明处罚内容")
    if doc_type in (DocumentType.PENALTY_DECISION, DocumentType.NO_PENALTY_DECISION) and data.remedies is None:
        problems.append(f"{doc_type.label}必须写明申请行政复议、提起行政诉讼的途径和期限（行政处罚法第五十九条）")
    if doc_type is DocumentType.PENALTY_DECISION and data.payable_fen and data.payment is None:
        problems.append("有罚没款的决定书必须写明缴纳方式和期限（行政处罚法第五十九条、第六十七条）")
    if doc_type is DocumentType.NO_PENALTY_DECISION:
        if data.no_penalty is None:
            problems.append("不予行政处罚决定书必须写明不予处罚的理由和依据")
        elif data.no_penalty.order_only and not _clean(data.corrective_order):
            problems.append("责令改正等措施而不予罚款的决定书必须写明责令的内容")
        if data.penalties:
            problems.append("不予行政处罚决定书不能有处罚内容")
    if doc_type is DocumentType.SERVICE_RECEIPT and (data.service is None or not data.service.documents):
        problems.append("送达回证必须列明送达的文书")
    if problems:
        raise DocumentError("；".join(problems))


# C0 controls other than tab, newline and carriage return cannot appear in XML 1.0 at all;
# docxtpl would also turn \a and \f into paragraph and page breaks.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n\u3000]+")


# A parenthesised article citation or list of notes, e.g. "（处罚依据：《无证无照经营查处办法》第十三条）":
# benchmark text written for staff. A document the party receives cites the law in its own sentences.
_STAFF_NOTE = re.compile(r"（[^（）]*(?:第[一二三四五六七八九十百零]+条|；)[^（）]*）")


def _without_staff_notes(text: str) -> str:
    return _STAFF_NOTE.sub("", text)


def _clean(text: str | None) -> str:
    """One line of user text: XML-invalid characters removed, runs of whitespace made one space."""
    return _SPACES.sub(" ", _XML_INVALID.sub("", text or "")).strip()


def _paragraphs(text: str) -> list[str]:
    return [line for line in (_clean(raw) for raw in re.split(r"\r\n|\r|\n", text or "")) if line]


def _cleaned(items: Iterable[str]) -> list[str]:
    return [line for line in (_clean(item) for item in items) if line]


def _numbered(items: Iterable[str]) -> list[str]:
    return [f"{i}. {item}" for i, item in enumerate(items, 1)]


def _ordinal(items: Iterable[str]) -> list[str]:
    """（一）…（二）…: the numbering of items in official text."""
    return [f"（{chinese_count(i)}）{item}" for i, item in enumerate(items, 1)]


def _context(doc_type: DocumentType, data: DocumentCase, number: str) -> dict[str, Any]:
    party = data.party
    penalties = [_clean(p.text) for p in data.penalties]
    fines = [p for p in data.penalties if p.kind == "fine"]
    context: dict[str, Any] = {
        "title": doc_type.label,
        "number": number,
        "agency_name": _clean(data.agency_name),
        "case_number": _clean(data.case_number),
        "domain_name": _clean(data.domain_name),
        "item_name": _clean(data.item_name),
        "violated": _clean(data.violated_provision),
        "basis": _clean(data.basis_provision),
        "facts": _paragraphs(data.facts),
        "evidence": _numbered(_cleaned(data.evidence)),
        "violation_date": chinese_date(data.violation_date),
        "filing_date": chinese_date(data.filing_date),
        "issued_on": chinese_date(data.issued_on),
        "case_source": _clean(data.case_source),
        "party_name": _clean(party.name),
        "party_kind": _clean(party.kind_label),
        "party_id_label": party.identifier_label,
        "party_id": _clean(party.identifier),
        "party_address_label": party.address_label,
        "party_address": _clean(party.address),
        "party_rep_label": party.representative_label,
        "party_rep": _clean(party.legal_representative),
        "pronoun": party.pronoun,
        "officers": [_clean(o.text) for o in data.officers],
        "officer_names": "、".join(_clean(o.name) for o in data.officers),
        "penalties": _ordinal(penalties),
        "penalty_summary": "；".join(penalties),
        "discretion": _paragraphs(_without_staff_notes("\n".join(data.discretion_reasons))),
        "corrective_order": _clean(data.corrective_order),
        "party_statement": _paragraphs(data.party_statement),
        "hearing_right": data.hearing_right,
        "statement_days": chinese_count(data.statement_days) + "个工作日",
        "hearing_days": chinese_count(HEARING_REQUEST_WORKING_DAYS) + "个工作日",
        "agency_address": _clean(data.agency_address),
        "agency_phone": _clean(data.agency_phone),
        "payable": bool(data.payable_fen),
        "has_fine": bool(fines),
        "payable_label": "罚款" if {p.kind for p in data.penalties if p.kind in PAYABLE_KINDS} == {"fine"} else "罚没款",
    }
    if data.payment is not None:
        context |= {"payment_days": chinese_count(data.payment.days) + "日", "payment_route": _clean(data.payment.route)}
    if data.notice is not None:
        context |= {"notice_number": _clean(data.notice.number), "notice_served_on": chinese_date(data.notice.served_on)}
    if data.remedies is not None:
        r = data.remedies
        context |= {
            "reconsideration_days": chinese_count(r.reconsideration_days) + "日",
            "reconsideration_body": _clean(r.reconsideration_body),
            "litigation_months": chinese_count(r.litigation_months) + "个月",
            "court": _clean(r.court),
        }
    if data.no_penalty is not None:
        context |= {"no_penalty_ground": _clean(data.no_penalty.ground), "no_penalty_basis": _clean(data.no_penalty.basis),
                    "order_only": data.no_penalty.order_only}
    if data.service is not None:
        s = data.service
        context |= {
            "served": [_clean(d.text) for d in s.documents],
            "service_method": _clean(s.method),
            "service_place": _clean(s.place) or _clean(party.address),
        }
    return context


__all__ = [
    "DocumentCase",
    "DocumentError",
    "DocumentOfficer",
    "DocumentParty",
    "DocumentType",
    "NoPenalty",
    "NoticeGiven",
    "Payment",
    "PenaltyLine",
    "Remedies",
    "ServedDocument",
    "Service",
    "amount_in_words",
    "chinese_count",
    "chinese_date",
    "document_number",
    "document_prefix",
    "render",
    "template_bytes",
    "yuan_text",
]

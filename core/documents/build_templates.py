"""(Re)create the DOCX templates under core/documents/templates/ with python-docx.

    .venv/bin/python -m core.documents.build_templates

The output is byte for byte reproducible (fixed document properties, fixed ZIP timestamps), so a
test can rebuild the templates and compare them with the committed files: edit this script, run
it, commit both.

Layout follows GB/T 9704-2012 (党政机关公文格式) where it applies to enforcement documents: A4,
margins 37 mm top / 28 mm left giving the 156 × 225 mm type area, body in 三号仿宋 (16 pt) with
22 lines a page, titles in 小标宋 (二号, 22 pt), the number under the title, the date as
2026年3月5日 right-indented four characters, the agency seal marked "（印章）". The forms
(filing approval, service receipt) are tables in 小四 (12 pt) as the SAMR standard formats are.
Fonts fall back to the reader's Chinese fonts where the GB fonts are not installed.

Templates use docxtpl's Jinja tags: `{{ name }}` for values (all strings come pre-formatted from
`core.documents.render._context`), `{%p … %}` paragraphs for lists and optional paragraphs,
`{%tr … %}` rows for optional table rows.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from zhifa.core.documents.render import APL, DocumentType

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
AGENCY_SIZE = Pt(18)  # 小二
TABLE_SIZE = Pt(12)  # 小四
LINE = Pt(28.9)  # 225 mm / 22 lines
CHAR = BODY_SIZE  # one character of body text, for indents

LABEL_WIDTH = Mm(38)
VALUE_WIDTH = Mm(118)
SIGN_LINE = "签名：　　　　　　　　　　　　年　　月　　日"

# Paragraph styles (name → builder settings).
# ASCII names, because python-docx derives the style id from the name and Word expects ids it
# can round-trip; the Chinese meaning is in the comments.
BODY = "Zhifa Body"  # 正文，首行缩进二字
PLAIN = "Zhifa Plain"  # 正文，不缩进（当事人信息、称谓）
AGENCY = "Zhifa Agency"  # 机关名称
TITLE = "Zhifa Title"  # 文书标题
NUMBER = "Zhifa Number"  # 文号
SIGNATURE = "Zhifa Signature"  # 落款，右空四字
HEADING = "Zhifa Heading"  # 小标题（黑体）
TABLE = "Zhifa Table"  # 表格文字（小四）
NOTE = "Zhifa Note"  # 表下注释


# ---------------------------------------------------------------------------------------------
# Styles and helpers


def _east_asian(element, font: str) -> None:
    rpr = element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _new_document(doc_type: DocumentType) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = section.footer_distance = Mm(15)

    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    _east_asian(normal.element, BODY_FONT)
    lang = normal.element.get_or_add_rPr()
    lang_el = lang.find(qn("w:lang"))
    if lang_el is None:
        lang_el = lang.makeelement(qn("w:lang"), {})
        lang.append(lang_el)
    lang_el.set(qn("w:eastAsia"), "zh-CN")
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.widow_control = False

    def style(name: str, *, align=None, first_line=None, font=None, size=None, bold=False,
              single=False, right_indent=None, space_before=None, space_after=None):
        s = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.quick_style = True
        pf = s.paragraph_format
        if align is not None:
            pf.alignment = align
        if first_line is not None:
            pf.first_line_indent = first_line
        if right_indent is not None:
            pf.right_indent = right_indent
        if single:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if space_before is not None:
            pf.space_before = space_before
        if space_after is not None:
            pf.space_after = space_after
        if size is not None:
            s.font.size = size
        if bold:
            s.font.bold = True
        if font is not None:
            _east_asian(s.element, font)
        return s

    style(BODY, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=CHAR * 2)
    style(PLAIN, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    style(AGENCY, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=AGENCY_SIZE, single=True, space_after=Pt(6))
    style(TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE, single=True, space_after=Pt(12))
    style(NUMBER, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(12))
    style(SIGNATURE, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=CHAR * 4)
    style(HEADING, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=CHAR * 2, font=HEADING_FONT)
    style(TABLE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=TABLE_SIZE, single=True, space_before=Pt(3), space_after=Pt(3))
    style(NOTE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=TABLE_SIZE, single=True, space_before=Pt(6))

    props = doc.core_properties
    props.title = doc_type.label
    props.subject = "综合行政执法文书模板"
    props.author = props.last_modified_by = "zhifa"
    props.comments = "由 core/documents/build_templates.py 生成，请勿手工编辑"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    return doc


def _p(doc: DocxDocument, text: str = "", style: str = BODY):
    return doc.add_paragraph(text, style=style)


def _header(doc: DocxDocument, doc_type: DocumentType) -> None:
    _p(doc, "{{ agency_name }}", AGENCY)
    _p(doc, doc_type.label, TITLE)
    _p(doc, "{{ number }}", NUMBER)


def _loop(doc: DocxDocument, items: str, line: str, style: str = BODY, var: str = "line") -> None:
    _p(doc, f"{{%p for {var} in {items} %}}", style)
    _p(doc, line, style)
    _p(doc, "{%p endfor %}", style)


def _optional(doc: DocxDocument, condition: str, *lines: tuple[str, str]) -> None:
    _p(doc, f"{{%p if {condition} %}}")
    for text, style in lines:
        _p(doc, text, style)
    _p(doc, "{%p endif %}")


def _party(doc: DocxDocument) -> None:
    _p(doc, "当事人：{{ party_name }}", PLAIN)
    _optional(doc, "party_id", ("{{ party_id_label }}：{{ party_id }}", PLAIN))
    _p(doc, "{{ party_address_label }}：{{ party_address }}", PLAIN)
    _optional(doc, "party_rep", ("{{ party_rep_label }}：{{ party_rep }}", PLAIN))
    _p(doc, "案号：{{ case_number }}", PLAIN)


def _facts_and_evidence(doc: DocxDocument) -> None:
    _p(doc, "经查明：")
    _loop(doc, "facts", "{{ line }}")
    _optional(doc, "evidence", ("以上事实有下列证据证明：", BODY))
    _loop(doc, "evidence", "{{ line }}")


def _notice_and_statement(doc: DocxDocument) -> None:
    """What the party was told and what it answered (APL Art. 44–45, 62–64), as a decision recounts it."""
    _optional(
        doc,
        "notice_number",
        (
            "本机关于{{ notice_served_on }}向当事人送达了《行政处罚事先告知书》（{{ notice_number }}），"
            "告知当事人拟作出行政处罚的内容及事实、理由、依据，以及当事人依法享有的陈述、申辩"
            "{% if hearing_right %}、要求听证{% endif %}的权利。",
            BODY,
        ),
    )
    _optional(doc, "party_statement", ("当事人陈述、申辩及本机关复核的情况：", BODY))
    _loop(doc, "party_statement", "{{ line }}")


def _discretion(doc: DocxDocument) -> None:
    _optional(doc, "discretion", ("本机关在裁量时考虑了以下情节：", BODY))
    _loop(doc, "discretion", "{{ line }}")


def _penalties(doc: DocxDocument) -> None:
    _loop(doc, "penalties", "{{ line }}")


def _remedies(doc: DocxDocument) -> None:
    _p(
        doc,
        "当事人如不服本决定，可以自收到本决定书之日起{{ reconsideration_days }}内向{{ reconsideration_body }}"
        "申请行政复议，也可以自收到本决定书之日起{{ litigation_months }}内依法向{{ court }}提起行政诉讼。",
    )


def _signature(doc: DocxDocument, seal: bool = True) -> None:
    _p(doc, "")
    _p(doc, "{{ agency_name }}", SIGNATURE)
    if seal:
        _p(doc, "（印章）", SIGNATURE)
    _p(doc, "{{ issued_on }}", SIGNATURE)


def _contact(doc: DocxDocument) -> None:
    _optional(doc, "agency_address", ("本机关地址：{{ agency_address }}", BODY))
    _optional(doc, "agency_phone", ("联系电话：{{ agency_phone }}", BODY))


def _table(doc: DocxDocument, rows: list[tuple[str, list[str]]]) -> None:
    """Two columns, label | value; a value is one or more paragraphs (tags included)."""
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, (LABEL_WIDTH, VALUE_WIDTH)):
        column.width = width  # the grid: a fixed-layout table takes its widths from here
    for label, values in rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, (LABEL_WIDTH, VALUE_WIDTH)):
            cell.width = width
        _cell(cells[0], [label], align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells[1], values)


def _tr(doc_table_rows: list[tuple[str, list[str]]], condition: str, label: str, values: list[str]) -> None:
    """An optional row: docxtpl drops the {%tr %} rows and keeps the middle one when `condition`."""
    doc_table_rows.append((f"{{%tr if {condition} %}}", [""]))
    doc_table_rows.append((label, values))
    doc_table_rows.append(("{%tr endif %}", [""]))


def _cell(cell: _Cell, paragraphs: list[str], align=None) -> None:
    first = cell.paragraphs[0]
    first.style = TABLE
    first.add_run(paragraphs[0])
    if align is not None:
        first.alignment = align
    for text in paragraphs[1:]:
        p = cell.add_paragraph(text, style=TABLE)
        if align is not None:
            p.alignment = align
    if len(paragraphs) > 1 and paragraphs[-1] == SIGN_LINE:
        cell.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _cell_loop(items: str, line: str = "{{ line }}") -> list[str]:
    return [f"{{%p for line in {items} %}}", line, "{%p endfor %}"]


# ---------------------------------------------------------------------------------------------
# The five templates


def filing_approval() -> DocxDocument:
    doc = _new_document(DocumentType.FILING_APPROVAL)
    _header(doc, DocumentType.FILING_APPROVAL)
    rows: list[tuple[str, list[str]]] = [
        ("案号", ["{{ case_number }}"]),
        ("案件来源", ["{{ case_source }}"]),
        ("案由", ["涉嫌{{ item_name }}"]),
        ("执法领域", ["{{ domain_name }}"]),
        ("当事人", ["{{ party_name }}（{{ party_kind }}）"]),
    ]
    _tr(rows, "party_id", "{{ party_id_label }}", ["{{ party_id }}"])
    _tr(rows, "party_rep", "{{ party_rep_label }}", ["{{ party_rep }}"])
    rows += [
        ("{{ party_address_label }}", ["{{ party_address }}"]),
        ("违法行为发生日期", ["{{ violation_date }}"]),
        ("简要案情", _cell_loop("facts")),
        ("涉嫌违反的规定", ["{{ violated }}"]),
        ("拟适用的处罚依据", ["{{ basis }}"]),
        ("承办人", _cell_loop("officers")),
        (
            "承办人意见",
            [
                f"当事人涉嫌{{{{ item_name }}}}，有证据初步证明存在违法行为，依法应当给予行政处罚，"
                f"属于本机关管辖，且未超过追责时效，符合立案条件。依据{APL}第五十四条第二款的规定，建议立案调查。",
                SIGN_LINE,
            ],
        ),
        ("审核意见", ["", SIGN_LINE]),
        ("负责人审批意见", ["", SIGN_LINE]),
        ("立案日期", ["{{ filing_date }}"]),
    ]
    _table(doc, rows)
    _p(doc, "制表日期：{{ issued_on }}", NOTE)
    return doc


def prior_notice() -> DocxDocument:
    doc = _new_document(DocumentType.PRIOR_NOTICE)
    _header(doc, DocumentType.PRIOR_NOTICE)
    _p(doc, "{{ party_name }}：", PLAIN)
    _p(
        doc,
        "本机关于{{ filing_date }}对{{ pronoun }}涉嫌{{ item_name }}一案立案调查（案号：{{ case_number }}），"
        "现已调查终结。依据" + APL + "第四十四条的规定，现将本机关拟作出行政处罚的内容及事实、理由、依据告知如下：",
    )
    _p(doc, "一、当事人基本情况", HEADING)
    _party(doc)
    _p(doc, "二、违法事实和证据", HEADING)
    _facts_and_evidence(doc)
    _p(doc, "三、理由和依据", HEADING)
    _p(doc, "本机关认为，{{ pronoun }}的上述行为违反了{{ violated }}的规定，构成{{ item_name }}的违法行为。")
    _discretion(doc)
    _p(doc, "四、拟作出的行政处罚", HEADING)
    _p(doc, "依据{{ basis }}的规定，本机关拟对{{ pronoun }}作出如下行政处罚：")
    _penalties(doc)
    _optional(doc, "corrective_order", ("同时，本机关将责令{{ pronoun }}{{ corrective_order }}。", BODY))
    _p(doc, "五、{{ pronoun }}享有的权利", HEADING)
    _p(
        doc,
        "依据" + APL + "第四十四条、第四十五条的规定，{{ pronoun }}享有陈述、申辩的权利。"
        "如需陈述、申辩，请于收到本告知书之日起{{ statement_days }}内向本机关提出；"
        "逾期未提出的，视为放弃陈述、申辩的权利。本机关不因{{ pronoun }}陈述、申辩而给予更重的处罚。",
    )
    _optional(
        doc,
        "hearing_right",
        (
            "依据" + APL + "第六十三条、第六十四条的规定，{{ pronoun }}有权要求听证。"
            "如要求听证，应当在收到本告知书之日起{{ hearing_days }}内向本机关提出；"
            "逾期未提出的，视为放弃听证的权利。",
            BODY,
        ),
    )
    _contact(doc)
    _signature(doc)
    return doc


def penalty_decision() -> DocxDocument:
    doc = _new_document(DocumentType.PENALTY_DECISION)
    _header(doc, DocumentType.PENALTY_DECISION)
    _party(doc)
    _p(doc, "当事人涉嫌{{ item_name }}一案，本机关于{{ filing_date }}立案调查，现已调查终结。")
    _facts_and_evidence(doc)
    _notice_and_statement(doc)
    _p(doc, "本机关认为，当事人的上述行为违反了{{ violated }}的规定，构成{{ item_name }}的违法行为。")
    _discretion(doc)
    _p(doc, "依据{{ basis }}的规定，本机关决定对当事人作出如下行政处罚：")
    _penalties(doc)
    _optional(doc, "corrective_order", ("同时，责令当事人{{ corrective_order }}。", BODY))
    _optional(
        doc,
        "payable",
        (
            "当事人应当自收到本决定书之日起{{ payment_days }}内，{{ payment_route }}缴纳{{ payable_label }}。"
            "{% if has_fine %}到期不缴纳罚款的，本机关可以依据" + APL + "第七十二条第一款第一项的规定，"
            "每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。{% endif %}",
            BODY,
        ),
    )
    _remedies(doc)
    _p(doc, "依据" + APL + "第七十三条第一款的规定，当事人申请行政复议或者提起行政诉讼的，行政处罚不停止执行，法律另有规定的除外。")
    _signature(doc)
    return doc


def no_penalty_decision() -> DocxDocument:
    doc = _new_document(DocumentType.NO_PENALTY_DECISION)
    _header(doc, DocumentType.NO_PENALTY_DECISION)
    _party(doc)
    _p(doc, "当事人涉嫌{{ item_name }}一案，本机关于{{ filing_date }}立案调查，现已调查终结。")
    _facts_and_evidence(doc)
    _notice_and_statement(doc)
    _p(doc, "{%p if order_only %}")
    _p(doc, "本机关认为，当事人的上述行为违反了{{ violated }}的规定。依据{{ basis }}的规定，本机关决定责令当事人{{ corrective_order }}。")
    _discretion(doc)
    _p(doc, "鉴于{{ no_penalty_ground }}，依法不予罚款。")
    _p(doc, "{%p else %}")
    _p(doc, "本机关认为，当事人的上述行为违反了{{ violated }}的规定，依照{{ basis }}的规定，本应给予行政处罚。")
    _discretion(doc)
    _p(doc, "鉴于{{ no_penalty_ground }}，依据{{ no_penalty_basis }}的规定，本机关决定对当事人不予行政处罚。")
    _optional(doc, "corrective_order", ("同时，责令当事人{{ corrective_order }}。", BODY))
    _p(doc, "{%p endif %}")
    _p(doc, "依据" + APL + "第三十三条第三款的规定，本机关对当事人进行教育，当事人应当引以为戒，自觉遵守法律法规。")
    _remedies(doc)
    _signature(doc)
    return doc


def service_receipt() -> DocxDocument:
    doc = _new_document(DocumentType.SERVICE_RECEIPT)
    _header(doc, DocumentType.SERVICE_RECEIPT)
    rows: list[tuple[str, list[str]]] = [
        ("案号", ["{{ case_number }}"]),
        ("案由", ["{{ item_name }}"]),
        ("送达文书名称及文号", _cell_loop("served")),
        ("受送达人", ["{{ party_name }}"]),
        ("送达地点", ["{{ service_place }}"]),
        ("送达方式", ["{{ service_method }}"]),
        ("送达人", _cell_loop("officers")),
        ("受送达人签名或者盖章", ["", SIGN_LINE]),
        ("代收人及代收理由", ["", SIGN_LINE]),
        ("见证人", ["", SIGN_LINE]),
        ("备注", [""]),
    ]
    _table(doc, rows)
    _p(
        doc,
        "注：依据" + APL + "第六十一条和《中华人民共和国民事诉讼法》关于留置送达的规定，受送达人拒绝签收的，"
        "送达人可以邀请有关基层组织或者所在单位的代表到场，说明情况，在备注栏记明拒收事由和日期，"
        "由送达人、见证人签名或者盖章，把文书留在受送达人的住所；也可以把文书留在受送达人的住所，"
        "并采用拍照、录像等方式记录送达过程，即视为送达。",
        NOTE,
    )
    _signature(doc, seal=True)
    return doc


BUILDERS: dict[DocumentType, Callable[[], DocxDocument]] = {
    DocumentType.FILING_APPROVAL: filing_approval,
    DocumentType.PRIOR_NOTICE: prior_notice,
    DocumentType.PENALTY_DECISION: penalty_decision,
    DocumentType.NO_PENALTY_DECISION: no_penalty_decision,
    DocumentType.SERVICE_RECEIPT: service_receipt,
}


# ---------------------------------------------------------------------------------------------
# Output


def template_bytes(doc_type: DocumentType) -> bytes:
    """The template as written by this script: python-docx's package, re-zipped with fixed times."""
    raw = io.BytesIO()
    BUILDERS[doc_type]().save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build(directory: Path = TEMPLATE_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for doc_type in DocumentType:
        path = directory / doc_type.template
        path.write_bytes(template_bytes(doc_type))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else TEMPLATE_DIR
    for path in build(directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

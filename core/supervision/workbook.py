"""The responsibility ledger as an .xlsx workbook (openpyxl): sheet 「统计台账」 with a title row
(period, cut-off day, generation time), Chinese headers, one row per agency in ranking order and a
totals row; sheet 「口径说明」 with the definition of every figure. Rates are percentages with two
decimals (a number, not text), empty where there was nothing to count."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhifa.core.clock import LEGAL_ZONE
from zhifa.core.supervision.ledger import Ledger, LedgerRow, percent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Column = tuple[str, Callable[[LedgerRow], object]]

# (header, value of a row); rates as percentages. Domain columns are inserted after 一般程序.
HEAD: list[Column] = [
    ("排名", lambda r: r.rank),
    ("执法主体", lambda r: r.name),
    ("案件数", lambda r: r.counts.registered),
    ("简易程序", lambda r: r.counts.simple),
    ("一般程序", lambda r: r.counts.general),
]
TAIL: list[Column] = [
    ("不予立案", lambda r: r.counts.not_filed),
    ("移送", lambda r: r.counts.transferred),
    ("已结案", lambda r: r.counts.closed),
    ("结案率（%）", lambda r: percent(r.rates.closure)),
    ("罚款决定", lambda r: r.counts.fine_decisions),
    ("执行到位", lambda r: r.counts.executed),
    ("执行率（%）", lambda r: percent(r.rates.execution)),
    ("应公示", lambda r: r.counts.to_publish),
    ("已公示", lambda r: r.counts.published),
    ("公示率（%）", lambda r: percent(r.rates.publication)),
    ("评查案卷", lambda r: r.counts.reviewed),
    ("评查合格", lambda r: r.counts.review_passed),
    ("案卷合格率（%）", lambda r: percent(r.rates.review_pass)),
    ("收到投诉举报", lambda r: r.counts.complaints_received),
    ("应办结", lambda r: r.counts.complaints_due),
    ("按期办结", lambda r: r.counts.complaints_on_time),
    ("按期办结率（%）", lambda r: percent(r.rates.complaints_on_time)),
    ("举行听证", lambda r: r.counts.hearings),
    ("行政复议", lambda r: r.counts.reconsiderations_filed),
    ("复议被纠错", lambda r: r.counts.reconsiderations_lost),
    ("行政诉讼", lambda r: r.counts.lawsuits_filed),
    ("诉讼败诉", lambda r: r.counts.lawsuits_lost),
    ("综合得分（%）", lambda r: percent(r.composite)),
]

DEFINITIONS = [
    ("统计期", "起止两日均含；日期按北京时间（Asia/Shanghai）的法定日计算。状态、缴款、公示按生成台账时的记录统计（截至统计之时）。"),
    ("案件数", "统计期内登记的案件（登记时间在统计期内），计入现承办机关（移送后被接收的计入接收机关）；按简易程序、一般程序和执法领域分列。"),
    ("不予立案 / 移送", "上述案件中现状态为不予立案、已移送（尚未退回）的件数。"),
    ("结案率", "上述案件中现已结案的件数 ÷（案件数 − 不予立案 − 移送）。"),
    ("执行率", "统计期内作出的罚款决定（决定日期在统计期内、罚款金额大于零，不含后被撤销的）中，罚款已全额缴纳或人民法院强制执行完毕的件数 ÷ 罚款决定件数。终结执行、中止满三年不再执行的只计入分母。"),
    ("公示率", "统计期内作出、依规应当公示的处罚决定（有公示期限的，即处罚种类不止警告的决定）中已公示的件数 ÷ 应公示件数。"),
    ("案卷合格率", "统计期内完成评查（评查日期在统计期内）的本机关案卷中，等次不是“不合格”的件数 ÷ 评查件数。"),
    ("按期办结率", "统计期内收到（承办机关为本机关）的投诉举报中，应办结的（已办结，或办结期限在统计截止日前已届满）件数为分母；按期受理答复（不晚于答复期限）且按期办结（不晚于办结期限）的件数为分子。"),
    ("举行听证", "听证日期在统计期内、未放弃的听证次数。"),
    ("行政复议 / 行政诉讼", "申请或起诉日期在统计期内的件数；被纠错、败诉为结果日期在统计期内、结果为撤销、变更、确认违法或责令履行的件数。"),
    ("分母为零", "没有可统计的对象时比率为空，不写 0% 或 100%。"),
    ("综合得分与排名", "综合得分 = 结案率、执行率、公示率、案卷合格率、按期办结率中有数值者的算术平均；按综合得分由高到低排名，得分相同按执法主体名称排序；五项均无数值的不排名，列在最后。"),
    ("合计", "各项件数相加；合计行的比率由相加后的件数计算，不是各机关比率的平均。"),
]


def columns(ledger: Ledger) -> list[Column]:
    by_domain: list[Column] = [
        (f"其中：{name}", lambda r, code=code: dict(r.counts.by_domain).get(code, 0)) for code, name in ledger.domains.items()
    ]
    return [*HEAD, *by_domain, *TAIL]


def title(ledger: Ledger) -> str:
    generated = ledger.generated_at.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M")
    return (f"{ledger.period.label}行政执法责任制落实情况统计台账（统计期 {ledger.period.start.isoformat()} 至 "
            f"{ledger.period.end.isoformat()}；统计截止日 {ledger.as_of.isoformat()}；生成时间 {generated}）")


def export(ledger: Ledger) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "统计台账"
    cols = columns(ledger)
    sheet.cell(row=1, column=1, value=title(ledger)).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for j, (header, _) in enumerate(cols, start=1):
        cell = sheet.cell(row=2, column=j, value=header)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(j)].width = 28 if header == "执法主体" else 11
    for i, row in enumerate([*ledger.rows, ledger.total], start=3):
        for j, (_, value) in enumerate(cols, start=1):
            cell = sheet.cell(row=i, column=j, value=value(row))
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
        if row is ledger.total:
            for j in range(1, len(cols) + 1):
                sheet.cell(row=i, column=j).font = Font(bold=True)
    sheet.freeze_panes = "C3"
    notes = book.create_sheet("口径说明")
    notes.append(["指标", "统计口径"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name, text in DEFINITIONS:
        notes.append([name, text])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Downloads: the 公示 list and the ledger as Excel (written a row at a time), an
area's statement as Excel or Word.

Amounts are written as exact numbers with two decimal places (format #,##0.00);
each file carries the same figures as the page it comes from.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from keqi.core.exports import ListExport, sheet_row
from keqi.core.xlsx_stream import StreamedWorkbook
from keqi.funds.models import (
    AmountSource,
    Award,
    AwardStatus,
    LedgerEntry,
    PublicNotice,
)
from keqi.funds.money import ROUNDING_RULE, yuan_text
from keqi.funds.selectors import Balance, Balances
from keqi.funds.settlement import Statement

MONEY = "#,##0.00"
NOTICE_HEADERS = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "街镇/园区",
    "奖励项目",
    "依据文件",
    "依据条款",
    "条款原文",
    "认定类型",
    "认定级别",
    "证书编号",
    "取得日期",
    "判定依据",
    "奖励金额（元）",
    "金额说明",
    "状态",
]


def _bold(ws: Worksheet, row: int) -> None:
    for cell in ws[row]:
        cell.font = Font(bold=True)


def awards_export(rows: Iterable[Award], chosen: dict[str, Any]) -> ListExport:
    """The award list as filtered, every award (the page shows 50 at a time)."""
    columns: list[tuple[str, Any]] = [
        ("企业名称", lambda a: a.enterprise.name),
        ("统一社会信用代码", lambda a: a.enterprise.uscc),
        ("街镇/园区", lambda a: a.enterprise.area.name),
        ("奖励项目", lambda a: a.rule.name),
        ("认定类型", lambda a: a.evidence_kind),
        ("证书编号", lambda a: a.evidence_number),
        ("取得日期", lambda a: a.evidence_date),
        ("判定依据", lambda a: a.evidence_note),
        ("奖励金额（元）", lambda a: a.amount),
        ("金额说明", _amount_note),
        ("状态", lambda a: a.get_status_display()),
        ("来源", lambda a: a.get_source_display()),
    ]
    status = AwardStatus(chosen["status"]).label if chosen["status"] else "全部"
    return ListExport(
        title=f"{chosen['year']}年度奖励",
        columns=columns,
        rows=_chunked(rows),
        filters=[
            ("年度", str(chosen["year"])),
            ("状态", status),
            ("街镇/园区", chosen["area"] or "全部"),
            ("奖励规则", chosen["rule"] or "全部"),
        ],
    )


def _chunked(rows: Iterable[Award]) -> Iterable[Award]:
    """Rows read 2 000 at a time with their enterprise, area and rule."""
    iterator = getattr(rows, "iterator", None)
    return iterator(chunk_size=2000) if iterator else rows


def _money_columns(ws: Worksheet, columns: Iterable[int], first_row: int) -> None:
    for col in columns:
        for (cell,) in ws.iter_rows(min_row=first_row, min_col=col, max_col=col):
            cell.number_format = MONEY


def _amount_note(award: Award) -> str:
    source = award.rule.amount_source
    return "" if source == AmountSource.DOCUMENT else AmountSource(source).label


def notice_row(i: int, a: Award) -> list[object]:
    """One row of the 公示 list: who, why (clause and data) and how much."""
    return [
        i,
        a.enterprise.name,
        a.enterprise.uscc,
        a.enterprise.area.name,
        a.rule.name,
        a.basis_document,
        a.basis_article,
        a.basis_text,
        a.evidence_kind,
        a.evidence_level,
        a.evidence_number,
        a.evidence_date,
        a.evidence_note,
        a.amount,
        _amount_note(a),
        a.get_status_display(),
    ]


def notice_workbook(notice: PublicNotice, awards: Iterable[Award]) -> bytes:
    """The 公示 list: title, notice period, one row per award, and the total
    (written a row at a time: a year's list has 13 000 awards at a city's volume)."""
    out = io.BytesIO()
    with StreamedWorkbook(out) as book:
        ws = book.sheet("公示名单")
        ws.append(sheet_row([notice.title]))
        ws.append(
            sheet_row([f"公示期：{notice.starts_on} 至 {notice.ends_on}", notice.note])
        )
        ws.append(sheet_row(NOTICE_HEADERS), book.bold)
        styles = [None] * 11 + [book.day, None, book.money]
        count, total = 0, Decimal("0.00")
        for count, award in enumerate(awards, start=1):
            row = notice_row(count, award)
            ws.append(sheet_row(row), styles=styles)
            if isinstance(row[13], Decimal):
                total += row[13]
        ws.append(sheet_row(["合计", f"{count}项", *[""] * 11, total]), styles=styles)
        ws.freeze(3)
    return out.getvalue()


LEDGER_HEADERS = [
    "分录号",
    "记账日期",
    "类型",
    "冲销的分录号",
    "企业名称",
    "统一社会信用代码",
    "街镇/园区",
    "资金",
    "奖励项目",
    "奖励年度",
    "拨付方",
    "金额（元）",
    "凭证号/拨付文号",
    "说明",
    "经办人",
]


def _entry_row(e: LedgerEntry) -> list[object]:
    return [
        e.pk,
        e.entry_date,
        e.get_kind_display(),
        e.reverses_id or "",
        e.enterprise.name,
        e.enterprise.uscc,
        e.area.name,
        e.fund.name,
        e.award.rule.name,
        e.award.year,
        e.get_payer_display(),
        e.amount,
        e.voucher,
        e.note,
        str(e.created_by) if e.created_by_id else "系统",
    ]


def _balance_sheet(
    book: StreamedWorkbook, title: str, heading: str, rows: list[Balance]
) -> None:
    ws = book.sheet(title)
    ws.append(
        sheet_row([heading, "拨付（元）", "冲销（元）", "净额（元）", "分录数"]),
        book.bold,
    )
    styles = [None, book.money, book.money, book.money]
    for b in rows:
        ws.append(
            sheet_row([b.label, b.paid, b.reversed, b.net, b.entries]), styles=styles
        )


def ledger_workbook(entries: Iterable[LedgerEntry], balances: Balances) -> bytes:
    """Every entry, then the balances per enterprise, area, fund and year
    (written a row at a time: the ledger grows by every payment of every year)."""
    out = io.BytesIO()
    with StreamedWorkbook(out) as book:
        ws = book.sheet("台账明细")
        ws.append(sheet_row(LEDGER_HEADERS), book.bold)
        styles = [None] * 11 + [book.money]
        for e in entries:
            ws.append(sheet_row(_entry_row(e)), styles=styles)
        total = ["合计", *[""] * 10, balances.total.net]
        ws.append(sheet_row(total), styles=styles)
        ws.freeze(1)
        for title, rows in (
            ("按企业", balances.by_enterprise),
            ("按街镇园区", balances.by_area),
            ("按资金", balances.by_fund),
            ("按年度", balances.by_year),
        ):
            _balance_sheet(book, title, title[1:], [*rows, balances.total])
    return out.getvalue()


STATEMENT_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "奖励项目",
    "奖励类型",
    "区财政拨付（元）",
    "街镇/园区拨付（元）",
    "净支出合计（元）",
    "街镇/园区负担比例（%）",
    "街镇/园区负担（元）",
    "区级负担（元）",
]


def statement_title(s: Statement) -> str:
    return f"{s.area.name}{s.year}年度科技企业奖补资金结算单"


def _statement_cells(s: Statement) -> list[list[object]]:
    rows: list[list[object]] = []
    for line in s.lines:
        percent = f"{line.area_percent}{'（默认）' if line.default_ratio else ''}"
        rows.append(
            [
                line.enterprise,
                line.uscc,
                line.rule,
                line.award_type,
                line.district_paid,
                line.area_paid,
                line.total,
                percent,
                line.area_share,
                line.district_share,
            ]
        )
    rows.append(
        ["合计", "", "", "", s.district_paid, s.area_paid, s.total, "", s.area_share]
        + [s.district_share]
    )
    return rows


def _closed_text(s: Statement) -> str:
    if s.closed is None:
        return "本年度尚未结算关账，数字会随拨付和冲销变化。"
    check = "与关账时快照一致" if s.matches_snapshot else "与关账时快照不一致，请核查"
    return f"本年度已于 {s.closed.closed_at:%Y-%m-%d} 结算关账；重新计算结果{check}。"


def statement_workbook(s: Statement) -> bytes:
    """An area's statement for a year as Excel."""
    wb = Workbook()
    ws = wb.active
    ws.title = "结算单"
    ws.append(sheet_row([statement_title(s)]))
    ws.append(sheet_row([_closed_text(s)]))
    ws.append(sheet_row(STATEMENT_HEADERS))
    _bold(ws, 3)
    for row in _statement_cells(s):
        ws.append(sheet_row(row))
    _money_columns(ws, [5, 6, 7, 9, 10], 4)
    ws.append([])
    ws.append(
        sheet_row(
            ["结算结果", s.balance_text, "差额（元，正数为街镇/园区应上缴）", s.balance]
        )
    )
    ws.append(sheet_row([ROUNDING_RULE]))
    return _save(wb)


def statement_docx(s: Statement) -> bytes:
    """An area's statement for a year as a Word document to print and seal."""
    doc = Document()
    doc.styles["Normal"].font.name = "宋体"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(statement_title(s), level=1)
    doc.add_paragraph(_closed_text(s))
    table = doc.add_table(rows=1, cols=len(STATEMENT_HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, STATEMENT_HEADERS, strict=True):
        cell.text = text
    for row in _statement_cells(s):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = yuan_text(value) if isinstance(value, Decimal) else str(value)
    doc.add_paragraph(f"结算结果：{s.balance_text}。")
    doc.add_paragraph(ROUNDING_RULE)
    doc.add_paragraph("区财政局（盖章）：            街镇/园区（盖章）：")
    doc.add_paragraph("经办人：                      经办人：")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

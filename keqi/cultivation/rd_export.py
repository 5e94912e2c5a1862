"""The R&D monitor as an Excel workbook (openpyxl): the same numbers as the page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from keqi.core.exports import sheet_row
from keqi.cultivation.rd import FLAG_RULES, EnterpriseRd, RdGroup, RdReport

GROUP_HEADERS = [
    "填报研发费用企业数",
    "有研发投入企业数",
    "有研发投入企业占比（%）",
    "研发费用合计（万元）",
    "研发投入强度（%）",
    "同口径上年研发费用（万元）",
    "同口径本年研发费用（万元）",
    "同比增减（%）",
    "研发下降企业数",
    "异常提示企业数",
]
ROW_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "街镇/园区",
    "重点产业",
    "本年研发费用（万元）",
    "上年研发费用（万元）",
    "同比增减（%）",
    "本年销售收入（万元）",
    "研发投入强度（%）",
    "异常提示",
]


def _group_cells(g: RdGroup) -> list[object]:
    prev, cur, change = g.yoy
    return [
        g.reporting,
        g.with_rd,
        g.share_pct,
        g.rd_total,
        g.intensity_pct,
        prev,
        cur,
        change,
        g.fell,
        g.flagged,
    ]


def _row_cells(r: EnterpriseRd) -> list[object]:
    e = r.enterprise
    return [
        e.name,
        e.uscc,
        e.area.name,
        e.key_industry or "未填",
        r.rd,
        r.rd_prev,
        r.change_pct,
        r.sales,
        r.intensity_pct,
        r.flag_names,
    ]


def _sheet(ws: Worksheet, headers: list[str], rows: Iterable[list[object]]) -> None:
    ws.append(sheet_row(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(sheet_row(row))
    ws.freeze_panes = "A2"


def rd_workbook(
    report: RdReport, lists: Mapping[str, Iterable[EnterpriseRd]]
) -> Workbook:
    """Sheets: by area, by industry, every enterprise, the falls, the flags and
    rules; `lists` has the enterprises ("all", "fell", "flagged"), read in chunks."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "按街镇园区"
    groups = [*report.areas, report.total]
    _sheet(
        ws, ["街镇/园区", *GROUP_HEADERS], [[g.label, *_group_cells(g)] for g in groups]
    )
    industries = [*report.industries, report.total]
    _sheet(
        wb.create_sheet("按重点产业"),
        ["重点产业", *GROUP_HEADERS],
        [[g.label, *_group_cells(g)] for g in industries],
    )
    for title, show in (
        ("企业明细", "all"),
        ("研发下降企业", "fell"),
        ("异常提示", "flagged"),
    ):
        _sheet(wb.create_sheet(title), ROW_HEADERS, map(_row_cells, lists[show]))
    _sheet(
        wb.create_sheet("异常规则"),
        ["提示", "规则"],
        [[f.label, f.rule] for f in FLAG_RULES],
    )
    return wb

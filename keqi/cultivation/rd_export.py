"""The R&D monitor as an Excel workbook (streamed): the same numbers as the page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO

from keqi.core.exports import sheet_row
from keqi.core.xlsx_stream import StreamedWorkbook
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


def _sheet(
    book: StreamedWorkbook, title: str, headers: list[str], rows: Iterable[list[object]]
) -> None:
    sheet = book.sheet(title)
    sheet.append(sheet_row(headers), book.bold)
    for row in rows:
        sheet.append(sheet_row(row))
    sheet.freeze(1)


@dataclass(frozen=True)
class RdWorkbook:
    """The R&D monitor's workbook, written when saved: a row at a time
    (keqi.core.xlsx_stream), so 150 000 enterprise rows take little memory."""

    report: RdReport
    lists: Mapping[str, Iterable[EnterpriseRd]]

    def save(self, out: IO[bytes]) -> None:
        """Sheets: by area, by industry, every enterprise, the falls, the flags
        and the rules; the enterprise lists are read as they are written."""
        report = self.report
        with StreamedWorkbook(out) as book:
            groups = [*report.areas, report.total]
            _sheet(
                book,
                "按街镇园区",
                ["街镇/园区", *GROUP_HEADERS],
                [[g.label, *_group_cells(g)] for g in groups],
            )
            industries = [*report.industries, report.total]
            _sheet(
                book,
                "按重点产业",
                ["重点产业", *GROUP_HEADERS],
                [[g.label, *_group_cells(g)] for g in industries],
            )
            for title, show in (
                ("企业明细", "all"),
                ("研发下降企业", "fell"),
                ("异常提示", "flagged"),
            ):
                _sheet(book, title, ROW_HEADERS, map(_row_cells, self.lists[show]))
            _sheet(
                book,
                "异常规则",
                ["提示", "规则"],
                [[f.label, f.rule] for f in FLAG_RULES],
            )


def rd_workbook(
    report: RdReport, lists: Mapping[str, Iterable[EnterpriseRd]]
) -> RdWorkbook:
    """The R&D monitor as a workbook; `lists` has the enterprises ("all",
    "fell", "flagged"), read in chunks while the file is written."""
    return RdWorkbook(report, lists)

"""The activity workbook: the 活动 and 参加企业 sheets an export and an import share.

Single-table lists use keqi.core.exports (``?format=xlsx``); the activity list needs
two sheets in the import format, so an export re-imports unchanged. A sheet is
(title, headers, rows) of plain values; dates stay real Excel dates and exact
decimals become numbers only when lossless (keqi.registry.workbook.writer). The
first sheet, 说明, says what was exported: filters, scope, who, when, data version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook  # type: ignore[import-untyped]

from keqi.core.exports import data_version, sheet_row
from keqi.registry.workbook.writer import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    excel_value,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Sheet = tuple[str, Sequence[str], Sequence[Sequence[Any]]]


def _write_sheet(
    ws: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    ws.append(sheet_row(headers))
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in rows:
        ws.append([excel_value(v) for v in row])
    for column in ws.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
    for index, header in enumerate(headers, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = max(10, min(40, len(header) * 2 + 4))
    ws.freeze_panes = "A2"


def workbook_of(about: Sequence[tuple[str, str]], sheets: Sequence[Sheet]) -> Workbook:
    """A workbook: a 说明 sheet of (item, value) lines, then one sheet per table."""
    wb = Workbook()
    first = wb.active
    first.title = "说明"
    _write_sheet(first, ["项目", "内容"], [list(line) for line in about])
    first.column_dimensions["B"].width = 60
    for title, headers, rows in sheets:
        _write_sheet(wb.create_sheet(title[:31]), headers, rows)
    return wb


def xlsx_response(
    filename: str,
    about: Sequence[tuple[str, str]],
    sheets: Sequence[Sheet],
    request: HttpRequest | None = None,
) -> HttpResponse:
    """The workbook as a download named in Chinese (with an ASCII fallback); with
    the request, 说明 also says who exported it, when, and from which data version."""
    lines = list(about)
    if request is not None:
        user = request.user
        lines += [
            ("导出人", f"{user}（{getattr(user, 'unit', '') or '系统'}）"),
            ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
            ("数据版本", f"第 {data_version()} 号操作记录之后的数据"),
        ]
    buffer = BytesIO()
    workbook_of(lines, sheets).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"activities.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response

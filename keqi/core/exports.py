"""Any list on a page, downloaded as Excel with the same filters.

A list view builds a :class:`ListExport` from the rows it already shows and, when
the request asks for ``?format=xlsx``, returns :func:`xlsx_list_response` instead
of the page.  The workbook's first sheet is the table (header row, then one row
per record, ready for Excel filters and formulas); a second sheet “说明” says
what was exported: title, filters, as-of date, who, when, and the data version
(the number of the latest audit event), so a figure in a forwarded file can be
traced back to the records behind it.

The workbook is written a row at a time (:func:`write_list_xlsx`, XlsxWriter in
constant-memory mode): a 100 000-row list takes no more memory than a short one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from keqi.core.text_safety import neutralise_cell_text
from keqi.core.xlsx_stream import StreamedWorkbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = Callable[[Any], object]


@dataclass(frozen=True)
class ListExport:
    """A list as shown: a title, columns (label, how to read a row) and the rows."""

    title: str
    columns: Sequence[tuple[str, Cell]]
    rows: Iterable[Any]
    filters: Sequence[tuple[str, str]] = field(default_factory=tuple)
    as_of: dt.date | None = None


# Text that is a plain signed number ("-12.5", "-1,234", "-3.5%") cannot be a
# formula in any cell; it is left as it is so amounts and changes written as text
# read back unchanged and show without a quote.
_PLAIN_DECIMAL = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")


def sheet_cell(value: object) -> object:
    """A value as keqi writes it into any spreadsheet cell (xlsx or CSV): text is
    neutralised so it is never a formula (``= + - @``, tab and CR get a leading
    quote; control characters are dropped), everything else is left as it is.
    The importers undo it with ``restore_cell_text``."""
    if isinstance(value, str) and not _PLAIN_DECIMAL.fullmatch(value):
        return neutralise_cell_text(value)
    return value


def sheet_row(values: Iterable[object]) -> list[object]:
    """A row of values, each as :func:`sheet_cell` writes it."""
    return [sheet_cell(value) for value in values]


def export_requested(request: HttpRequest) -> bool:
    """Whether the list was asked for as Excel (``?format=xlsx``)."""
    return request.GET.get("format") == "xlsx"


# Audited actions that record something about the data without changing it.
NOT_DATA_CHANGES = ("report_keep",)


def data_version() -> int:
    """The number of the latest audit event that changed data (every change adds one)."""
    from keqi.core.models import AuditEvent

    events = AuditEvent.objects.exclude(action__in=NOT_DATA_CHANGES)
    latest = events.order_by("-pk").values_list("pk", flat=True).first()
    return latest or 0


def _cell(value: object) -> object:
    """A value Excel shows as the page does (numbers stay numbers)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, Decimal, dt.date)):
        return value
    return sheet_cell(str(value))


ABOUT = "说明"
# Column widths are read from the header and the rows up to this row.
WIDTH_ROWS = 200


def _sheet_title(title: str) -> str:
    return title[:31].translate(str.maketrans("/\\?*[]:", "_______"))


def _width(value: object) -> int:
    """A column's width (Excel characters) for the longest value seen in it."""
    return min(max(8, len(str(value or "")) * 2 + 2), 60)


def write_list_xlsx(out: IO[bytes], export: ListExport, who: str, version: int) -> int:
    """Write the table sheet and the 说明 sheet to `out`, streaming (a row at a
    time, keqi.core.xlsx_stream), so memory stays flat however long the list.
    Returns how many rows were written.

    The header is bold and frozen; each column is as wide as its longest value
    among the first rows (8 to 60 characters); every text cell is neutralised
    (``sheet_cell``), numbers stay numbers and dates are Excel dates."""
    with StreamedWorkbook(out) as book:
        table = book.sheet(_sheet_title(export.title))
        header = sheet_row(label for label, _ in export.columns)
        table.append(header, book.bold)
        widths = [_width(label) for label in header]
        readers = [read for _, read in export.columns]
        count = 0
        for row in export.rows:
            values = [_cell(read(row)) for read in readers]
            table.append(values)
            count += 1
            if count < WIDTH_ROWS:
                widths = [
                    max(w, _width(v)) for w, v in zip(widths, values, strict=True)
                ]
        table.freeze(1)
        table.widths(widths)
        about = book.sheet(ABOUT)
        for label, value in _about_lines(export, count, who, version):
            about.append([sheet_cell(label), _cell(value)])
        about.widths([12, 60])
    return count


def _about_lines(
    export: ListExport, count: int, who: str, version: int
) -> list[tuple[str, object]]:
    lines: list[tuple[str, object]] = [("名称", export.title)]
    if export.as_of:
        lines.append(("统计日期", export.as_of))
    lines += [(label, value or "全部") for label, value in export.filters]
    lines += [
        ("记录数", count),
        ("导出人", who),
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        ("数据版本", f"第 {version} 号操作记录之后的数据"),
    ]
    return lines


def list_workbook(export: ListExport, who: str, version: int) -> Workbook:
    """The list's workbook as :func:`write_list_xlsx` writes it, read back with
    openpyxl (for tests and small lists: the whole workbook is in memory)."""
    buffer = io.BytesIO()
    write_list_xlsx(buffer, export, who, version)
    buffer.seek(0)
    return load_workbook(buffer)


def xlsx_list_response(export: ListExport, request: HttpRequest) -> HttpResponse:
    """The list as an .xlsx download named after its title and day."""
    user = request.user
    who = f"{user}（{getattr(user, 'unit', '') or '系统'}）"
    buffer = io.BytesIO()
    write_list_xlsx(buffer, export, who, data_version())
    day = export.as_of or timezone.localdate()
    name = f"{export.title}_{day:%Y%m%d}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response

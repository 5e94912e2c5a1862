"""Writing the registry as a workbook (export) and the blank template.

Amounts are exact: a Decimal becomes an Excel number only when the number Excel
stores reads back as exactly the same decimal (≤ 15 significant digits and the
shortest float text equals it); otherwise it is written as text, which the
importer reads exactly. Dates are real Excel dates; yes/no is 是/否.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from keqi.core.exports import sheet_cell, sheet_row
from keqi.registry.models import Enterprise
from keqi.registry.workbook.cells import plain_decimal
from keqi.registry.workbook.schema import (
    CREDIT,
    ENTERPRISE,
    FIGURES,
    IP,
    QUALIFICATIONS,
    SHEETS,
    SheetSpec,
)

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F2")
DATE_FORMAT = "yyyy-mm-dd"
CHILD_ORDER = {
    FIGURES.name: ("year",),
    IP.name: ("number",),
    QUALIFICATIONS.name: ("kind", "number", "granted_on", "pk"),
    CREDIT.name: ("occurred_on", "kind"),
}


@dataclass
class Table:
    """One sheet's content: headers and rows of plain Python values."""

    spec: SheetSpec
    headers: list[str]
    rows: list[list[Any]]


def excel_value(value: Any) -> Any:
    """What goes into an .xlsx cell so that reading it back gives the same value.

    Text is neutralised (never a formula); the reader restores it exactly."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return excel_number(value)
    return sheet_cell(value)


def excel_number(value: Decimal) -> int | float | str:
    """An exact decimal as an Excel number when that is lossless, else as text."""
    text = plain_decimal(value)
    exact = Decimal(text)
    if exact == exact.to_integral_value() and abs(exact) < 2**53:
        return int(exact)
    digits = len(exact.normalize().as_tuple().digits)
    if digits <= 15 and Decimal(repr(float(exact))) == exact:
        return float(exact)
    return text


def cell_value(spec: SheetSpec, field: str, row: Any) -> Any:
    """A registry value as the workbook shows it (blank → None)."""
    if field == "uscc":
        return row.uscc if spec is ENTERPRISE else row.enterprise.uscc
    value = getattr(row, field)
    if field == "area":
        return value.name
    if isinstance(value, Decimal):
        return Decimal(plain_decimal(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return None if value == "" else value


def registry_tables(enterprises: QuerySet[Enterprise]) -> list[Table]:
    """Every sheet's content for the given enterprises, in a stable order."""
    tables = [_table(ENTERPRISE, enterprises.select_related("area").order_by("uscc"))]
    for spec in SHEETS[1:]:
        rows = (
            spec.model._default_manager.filter(enterprise__in=enterprises)
            .select_related("enterprise")
            .order_by("enterprise__uscc", *CHILD_ORDER[spec.name])
        )
        tables.append(_table(spec, rows))
    return tables


def _table(spec: SheetSpec, rows: Iterable[Any]) -> Table:
    rows = list(rows)
    extra_keys: list[str] = []
    if spec.keeps_extra:
        extra_keys = sorted({key for row in rows for key in (row.extra or {})})
    fields = [c.field for c in spec.columns]
    body = [
        [cell_value(spec, f, row) for f in fields]
        + [(row.extra or {}).get(key) for key in extra_keys]
        for row in rows
    ]
    return Table(spec, [c.header for c in spec.columns] + extra_keys, body)


def xlsx_bytes(tables: list[Table]) -> bytes:
    """The tables as the bytes of an .xlsx file (for a download)."""
    buffer = io.BytesIO()
    _book(tables).save(buffer)
    return buffer.getvalue()


def _book(tables: list[Table]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        write_sheet(book.create_sheet(table.spec.name), table)
    return book


def write_tables(path: Path, tables: list[Table]) -> None:
    """Write to .xlsx, or to a folder of UTF-8 CSV files when `path` has no suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _book(tables).save(path)
    elif suffix in ("", ".csv"):
        _write_csv_folder(path.with_suffix("") if suffix else path, tables)
    else:
        raise ValueError(
            f"不支持导出为“{suffix}”：请使用 .xlsx，或不带扩展名的文件夹（CSV）"
        )


def write_sheet(ws: Worksheet, table: Table) -> None:
    ws.append(sheet_row(table.headers))
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in table.rows:
        ws.append([excel_value(v) for v in row])
    for index, header in enumerate(table.headers, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, min(40, len(header) * 2 + 4))
        if _is_date(table.spec, index - 1):
            for cell in ws[letter][1:]:
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "B2"


def _is_date(spec: SheetSpec, index: int) -> bool:
    return index < len(spec.columns) and spec.columns[index].kind == "date"


def _write_csv_folder(folder: Path, tables: list[Table]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        with (folder / f"{table.spec.name}.csv").open(
            "w", encoding="utf-8-sig", newline=""
        ) as handle:
            writer = csv.writer(handle)
            writer.writerow(sheet_row(table.headers))
            writer.writerows([_csv_value(v) for v in row] for row in table.rows)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(sheet_cell(str(value)))


def export_registry(path: Path, enterprises: QuerySet[Enterprise]) -> list[Table]:
    """Write the given enterprises and all their data; returns what was written."""
    tables = registry_tables(enterprises)
    write_tables(path, tables)
    return tables

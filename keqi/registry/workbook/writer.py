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
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from math import isfinite
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter  # type: ignore[import-untyped]
from django.db.models import QuerySet
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]
from xlsxwriter.utility import (  # type: ignore[import-untyped]
    _utf16_len,
    _utf16_truncate,
    xl_col_to_name,
)
from xlsxwriter.worksheet import CellStringTuple  # type: ignore[import-untyped]

from keqi.core.exports import sheet_cell, sheet_row
from keqi.registry.models import Enterprise
from keqi.registry.workbook.cells import collector_paused, plain_decimal
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
CHUNK = 2000  # rows fetched from the database at a time
CHILD_ORDER = {
    FIGURES.name: ("year",),
    IP.name: ("number",),
    QUALIFICATIONS.name: ("kind", "number", "granted_on", "pk"),
    CREDIT.name: ("occurred_on", "kind"),
}


@dataclass
class Table:
    """One sheet's content: headers and rows of plain Python values.

    `rows` may be a generator read once while writing (the registry export streams
    its rows from the database); `count` is how many rows were written.
    """

    spec: SheetSpec
    headers: list[str]
    rows: Iterable[list[Any]]
    count: int = 0


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
    if value.is_finite():
        if value == value.to_integral_value() and abs(value) < 2**53:
            return int(value)
        as_float = float(value)
        if (
            Decimal(repr(as_float)) == value
            and len(value.normalize().as_tuple().digits) <= 15
        ):
            return as_float
    return plain_decimal(value)


def cell_value(spec: SheetSpec, field: str, row: Any) -> Any:
    """A registry value as the workbook shows it (blank → None)."""
    if field == "uscc":
        return row.uscc if spec is ENTERPRISE else row.enterprise.uscc
    value = getattr(row, field)
    if field == "area":
        return value.name
    return _shown(value)


def _shown(value: Any) -> Any:
    """Yes/no as 是/否, blank text as None; anything else as it is (an amount
    stays the exact Decimal: every writer shows it by its value)."""
    kind = type(value)
    if kind is bool:
        return "是" if value else "否"
    if kind is str and not value:
        return None
    return value


_YES_NO = {True: "是", False: "否"}


def registry_tables(enterprises: QuerySet[Enterprise]) -> list[Table]:
    """Every sheet's content for the given enterprises, in a stable order.

    The rows are generators over the database (a few thousand rows fetched at a
    time), so an export of 100 000 enterprises never holds them all in memory.
    """
    ordered = enterprises.order_by("uscc")
    tables = [_table(ENTERPRISE, ordered)]
    chosen = enterprises.values("pk")
    for spec in SHEETS[1:]:
        rows = spec.model._default_manager.filter(enterprise__in=chosen).order_by(
            "enterprise__uscc", *CHILD_ORDER[spec.name]
        )
        tables.append(_table(spec, rows))
    return tables


def _lookups(spec: SheetSpec) -> list[str] | None:
    """The `values()` names that read the sheet's columns, or None when a column
    is not a plain field of the model (then the rows are read as objects)."""
    concrete = {f.name for f in spec.model._meta.concrete_fields}
    names = []
    for column in spec.columns:
        if column.field == "uscc":
            names.append("uscc" if spec is ENTERPRISE else "enterprise__uscc")
        elif column.field == "area" and spec is ENTERPRISE:
            names.append("area__name")
        elif column.field in concrete:
            names.append(column.field)
        else:
            return None
    return names


def _extra_keys(spec: SheetSpec, rows: QuerySet[Any]) -> list[str]:
    if not spec.keeps_extra:
        return []
    keys: set[str] = set()
    filled = rows.filter(extra__isnull=False).exclude(extra={})
    for extra in filled.values_list("extra", flat=True).iterator(chunk_size=CHUNK):
        keys.update(extra or {})
    return sorted(keys)


def _table(spec: SheetSpec, rows: QuerySet[Any]) -> Table:
    extra_keys = _extra_keys(spec, rows)
    lookups = _lookups(spec)
    return Table(
        spec,
        [c.header for c in spec.columns] + extra_keys,
        _rows(spec, rows, lookups, extra_keys),
    )


def _rows(
    spec: SheetSpec,
    rows: QuerySet[Any],
    lookups: list[str] | None,
    extra_keys: list[str],
) -> Iterator[list[Any]]:
    if lookups is None:  # a column that is not a plain field: read objects
        related = "area" if spec is ENTERPRISE else "enterprise"
        fields = [c.field for c in spec.columns]
        for row in rows.select_related(related).iterator(chunk_size=CHUNK):
            extra = (row.extra or {}) if extra_keys else {}
            yield [cell_value(spec, f, row) for f in fields] + [
                extra.get(key) for key in extra_keys
            ]
        return
    names = lookups + (["extra"] if extra_keys else [])
    width = len(lookups)
    for values in rows.values_list(*names).iterator(chunk_size=CHUNK):
        shown = [
            v
            if (kind := v.__class__) is not str and kind is not bool
            else (_YES_NO[v] if kind is bool else (v or None))
            for v in values[:width]
        ]  # _shown, inline: it runs for every cell
        if extra_keys:
            extra = values[width] or {}
            shown += [extra.get(key) for key in extra_keys]
        yield shown


def xlsx_bytes(tables: list[Table]) -> bytes:
    """The tables as the bytes of an .xlsx file (for a small download or a test)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, tables)
    return buffer.getvalue()


def write_xlsx(target: Path | BinaryIO, tables: list[Table]) -> None:
    """Write the tables as .xlsx with XlsxWriter in constant-memory mode: each row
    goes to a temporary file as it is written, so memory stays flat in the rows.

    Every text cell is written as text (never a formula), neutralised as
    ``sheet_cell`` says; amounts as numbers when Excel keeps them exactly."""
    book = xlsxwriter.Workbook(
        target if isinstance(target, io.IOBase) else str(target),
        {"constant_memory": True, "tmpdir": tempfile.gettempdir()},
    )
    header = book.add_format({"bold": True, "bg_color": "#DDE6F2"})
    date = book.add_format({"num_format": DATE_FORMAT})
    try:
        with collector_paused():
            for table in tables:
                ws = book.add_worksheet(table.spec.name)
                _write_sheet_fast(ws, table, header, date)
    finally:
        book.close()


def _write_sheet_fast(ws: Any, table: Table, header: Any, date: Any) -> None:
    for index, text in enumerate(table.headers):
        ws.write_string(0, index, str(sheet_cell(text)), header)
        ws.set_column(index, index, max(12, min(40, len(text) * 2 + 4)))
    ws.freeze_panes(1, 1)
    table.count = SheetRows(ws, date).write(table.rows)


class SheetRows:
    """The data rows of a constant-memory XlsxWriter sheet, written as the XML
    XlsxWriter writes for them, a row at a time (a row's cells joined into one
    string) instead of a call per cell: the per-cell Python of XlsxWriter was two
    thirds of the export. The common cells (plain text, numbers, dates) are
    formatted here, byte for byte as `Worksheet._write_cell` formats them (a test
    compares the two); any other text cell (spaces at either end, a character
    XlsxWriter escapes, very long text) goes through XlsxWriter's own cell writer.
    Relies on XlsxWriter's constant-memory internals (pinned in pyproject.toml)."""

    def __init__(self, ws: Any, date: Any) -> None:
        if not ws.constant_memory or ws.row_info or ws.excel_version != 2007:
            raise ValueError("SheetRows needs a plain constant-memory worksheet")
        self.ws, self.date = ws, date
        self.days: dict[Any, str] = {}
        ws._write_single_row(1)  # the header row goes out first
        self.letters: list[str] = []

    def write(self, rows: Iterable[list[Any]]) -> int:
        """Write `rows` from the sheet's second row on; returns how many."""
        ws, fh = self.ws, self.ws.fh
        letters, limit, cell = self.letters, ws.xls_rowmax, self._cell
        last, widest, number = None, -1, 0
        for number, row in enumerate(rows, start=1):
            if number >= limit:  # XlsxWriter drops cells past Excel's last row
                continue
            if len(row) > len(letters):
                letters.extend(xl_col_to_name(c) for c in range(len(letters), len(row)))
            line = str(number + 1)
            parts = [f'<row r="{line}">']
            top = -1
            for col, value in enumerate(row):
                if value is None:
                    continue
                top = col
                kind = type(value)
                if kind is int or (kind is float and isfinite(value)):
                    parts.append(f'<c r="{letters[col]}{line}"><v>{value:.16G}</v></c>')
                else:
                    parts.append(cell(number, col, letters[col] + line, value))
            if top >= 0:
                parts.append("</row>")
                fh.write("".join(parts))
                last, widest = number, max(widest, top)
        if last is not None:
            ws.dim_rowmax = max(ws.dim_rowmax or 0, last)
            ws.dim_colmax = max(ws.dim_colmax or 0, widest)
            ws.dim_rowmin = 0 if ws.dim_rowmin is None else ws.dim_rowmin
            ws.dim_colmin = 0 if ws.dim_colmin is None else ws.dim_colmin
        return number

    def _cell(self, row: int, col: int, ref: str, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return self._text(row, col, ref, neutralise_text(value))
        if kind is int or kind is float:
            return f'<c r="{ref}"><v>{_finite(value):.16G}</v></c>'
        if kind is Decimal:
            shown = excel_number(value)
            if type(shown) is str:
                return self._text(row, col, ref, shown)
            return f'<c r="{ref}"><v>{shown:.16G}</v></c>'
        if kind is dt.date or kind is dt.datetime:
            serial = self.days.get(value)
            if serial is None:
                number = self.ws._convert_date_time(value)
                serial = self.days[value] = f"{number:.16G}"
            # the style's number is given on first use, as XlsxWriter does
            return f'<c r="{ref}" s="{self.date._get_xf_index()}"><v>{serial}</v></c>'
        if kind is bool:
            return self._text(row, col, ref, "是" if value else "否")
        return self._text(row, col, ref, neutralise_text(str(value)))

    def _text(self, row: int, col: int, ref: str, text: str) -> str:
        if (
            text
            and text.isprintable()
            and text[0] != " "
            and text[-1] != " "
            and len(text) <= _PLAIN_TEXT_MAX
            and "_x" not in text
            and not text.startswith("<r>")
        ):
            if "&" in text or "<" in text or ">" in text:
                text = (
                    text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                )
            return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
        # anything else exactly as XlsxWriter writes it (its own cell writer)
        ws = self.ws
        if len(text) > _PLAIN_TEXT_MAX and _utf16_len(text) > ws.xls_strmax:
            text = _utf16_truncate(text, ws.xls_strmax)
        buffer, fh = io.StringIO(), ws.fh
        ws.fh = buffer
        try:
            ws._write_cell(row, col, CellStringTuple(text, None))
        finally:
            ws.fh = fh
        return buffer.getvalue()


# text up to this length cannot exceed Excel's 32 767 UTF-16 units
_PLAIN_TEXT_MAX = 16_383


def _finite(number: int | float) -> int | float:
    if type(number) is float and not isfinite(number):
        raise TypeError("NAN/INF not supported in write_number()")
    return number


def neutralise_text(text: str) -> str:
    """Text as a cell holds it: `sheet_cell` for text (kept fast for plain text)."""
    return (
        text if text[:1] not in _RISKY and text.isprintable() else str(sheet_cell(text))
    )


_RISKY = frozenset("=+-@\t\r'")


def write_sheet(ws: Worksheet, table: Table) -> None:
    """Write a table into an openpyxl sheet (the template, which has notes and
    drop-downs that XlsxWriter's streaming mode cannot add afterwards)."""
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


def write_tables(path: Path, tables: list[Table]) -> None:
    """Write to .xlsx, or to a folder of UTF-8 CSV files when `path` has no suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(path, tables)
    elif suffix in ("", ".csv"):
        _write_csv_folder(path.with_suffix("") if suffix else path, tables)
    else:
        raise ValueError(
            f"不支持导出为“{suffix}”：请使用 .xlsx，或不带扩展名的文件夹（CSV）"
        )


def _write_csv_folder(folder: Path, tables: list[Table]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        with (folder / f"{table.spec.name}.csv").open(
            "w", encoding="utf-8-sig", newline=""
        ) as handle:
            writer = csv.writer(handle)
            writer.writerow(sheet_row(table.headers))
            for row in table.rows:
                writer.writerow([_csv_value(v) for v in row])
                table.count += 1


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(sheet_cell(str(value)))


def export_registry(path: Path, enterprises: QuerySet[Enterprise]) -> list[Table]:
    """Write the given enterprises and all their data; returns what was written
    (each table's `count` says how many rows)."""
    with collector_paused():
        tables = registry_tables(enterprises)
        write_tables(path, tables)
    return tables

"""Workbooks written a row at a time (XlsxWriter in constant-memory mode): each row
goes to a temporary file as it is written, so a list of 100 000 rows takes no more
memory than one of 100. Rows are written top to bottom, a sheet at a time.

Cells are written by their type, as openpyxl wrote the same values before: text as
text (never a formula; callers neutralise it with ``sheet_cell``), numbers and
exact decimals as Excel numbers, dates and times as Excel dates, yes/no as Excel
booleans; None and empty text leave the cell empty.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter  # type: ignore[import-untyped]

# openpyxl's number formats for dates, which keqi's workbooks were first written with
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
MONEY_FORMAT = "#,##0.00"

Style = Any  # an XlsxWriter Format, or None


class StreamedSheet:
    """One sheet: :meth:`append` a row at a time, top to bottom."""

    def __init__(self, book: StreamedWorkbook, name: str) -> None:
        self.book = book
        self.ws = book.xlsx.add_worksheet(name)
        self.row = 0

    def append(
        self,
        values: Sequence[object],
        style: Style = None,
        styles: Sequence[Style] = (),
    ) -> None:
        """Write the next row; `style` for every cell, or `styles` column by column
        (e.g. a number format for the amounts); dates get the date format."""
        ws, row, book = self.ws, self.row, self.book
        for col, value in enumerate(values):
            if value is None:
                continue
            fmt = styles[col] if col < len(styles) else style
            if isinstance(value, str):
                if value:
                    ws.write_string(row, col, value, fmt)
            elif isinstance(value, bool):
                ws.write_boolean(row, col, value, fmt)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(row, col, value, fmt or book.moment)
            elif isinstance(value, dt.date):
                ws.write_datetime(row, col, value, fmt or book.day)
            elif isinstance(value, Decimal):
                if value.is_finite():
                    ws.write_number(row, col, float(value), fmt)
            elif isinstance(value, (int, float)):
                if math.isfinite(value):
                    ws.write_number(row, col, value, fmt)
            else:
                ws.write_string(row, col, str(value), fmt)
        self.row += 1

    def freeze(self, rows: int, cols: int = 0) -> None:
        """Keep the first `rows` rows (and `cols` columns) in view."""
        self.ws.freeze_panes(rows, cols)

    def widths(self, widths: Sequence[int | None], first: int = 0) -> None:
        """Column widths in Excel characters, stored exactly as given (as openpyxl
        stored them: 7 pixels a character); None leaves a column as it is."""
        for col, width in enumerate(widths, start=first):
            if width is not None:
                self.ws.set_column_pixels(col, col, width * 7)


class StreamedWorkbook:
    """A workbook written to `out` (a binary file or a path) as rows come; use
    it as a context manager (the file is complete when the block ends)."""

    def __init__(self, out: IO[bytes] | str) -> None:
        self.xlsx = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "tmpdir": tempfile.gettempdir(),
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.bold = self.xlsx.add_format({"bold": True})
        self.day = self.xlsx.add_format({"num_format": DATE_FORMAT})
        self.moment = self.xlsx.add_format({"num_format": DATETIME_FORMAT})
        self.money = self.xlsx.add_format({"num_format": MONEY_FORMAT})
        self.names: set[str] = set()

    def sheet(self, name: str) -> StreamedSheet:
        """A new sheet after the others (a name already taken gets 1, 2… as
        openpyxl named it)."""
        taken = {n.casefold() for n in self.names}
        unique, n = name, 0
        while unique.casefold() in taken:
            n += 1
            unique = f"{name}{n}"
        self.names.add(unique)
        return StreamedSheet(self, unique)

    def close(self) -> None:
        self.xlsx.close()

    def __enter__(self) -> StreamedWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

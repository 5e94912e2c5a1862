"""The export's row writer writes the same worksheet XML as XlsxWriter's own cells."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from keqi.registry.workbook.writer import (
    DATE_FORMAT,
    SheetRows,
    excel_number,
    neutralise_text,
)

ROWS: list[list[Any]] = [
    ["91120224MA0000001X", "天津宏远电子科技有限公司", dt.date(2015, 6, 1), 12, 3.5],
    ['a & b <c> "d"', " leading", "trailing ", "\u3000全角空格", None],
    ["=SUM(A1)", "+86", "-5", "@x", "\ttab"],
    ["_x0041_ stays", "<r>rich</r>", "line\nbreak", "bell\x07", "é"],
    [Decimal("123456789.123456"), Decimal("1234.56"), Decimal("-0.000001"), 0, -7],
    [Decimal("12345678901234.567891"), Decimal("1E+3"), True, False, 2**40],
    [dt.datetime(2019, 5, 20, 13, 30), dt.date(1900, 3, 1), 1e-7, 123456.789, ""],
    [None, None, None, None, None],
    ["x" * 20_000, "汉" * 17_000, "尾", None, None],
]


def _reference(path: Path) -> None:
    """The same rows through XlsxWriter's public writers."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("s")
    header = book.add_format({"bold": True})
    date = book.add_format({"num_format": DATE_FORMAT})
    for col in range(5):
        ws.write_string(0, col, f"列{col}", header)
    for number, row in enumerate(ROWS, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_string(number, col, "是" if value else "否")
            elif isinstance(value, str):
                ws.write_string(number, col, neutralise_text(value))
            elif isinstance(value, Decimal):
                shown = excel_number(value)
                if isinstance(shown, str):
                    ws.write_string(number, col, shown)
                else:
                    ws.write_number(number, col, shown)
            elif isinstance(value, dt.date):
                ws.write_datetime(number, col, value, date)
            else:
                ws.write_number(number, col, value)
    book.close()


def _fast(path: Path) -> int:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("s")
    header = book.add_format({"bold": True})
    date = book.add_format({"num_format": DATE_FORMAT})
    for col in range(5):
        ws.write_string(0, col, f"列{col}", header)
    count = SheetRows(ws, date).write(ROWS)
    book.close()
    return count


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_rows_are_written_byte_for_byte_as_xlsxwriter_writes_them(
    tmp_path: Path,
) -> None:
    _reference(tmp_path / "reference.xlsx")
    assert _fast(tmp_path / "fast.xlsx") == len(ROWS)
    reference = _sheet_xml(tmp_path / "reference.xlsx")
    fast = _sheet_xml(tmp_path / "fast.xlsx")
    assert b'<dimension ref="A1:E10"/>' in fast
    assert b"_x005F_x0041_" in fast and b"&amp;" in fast  # the escaped cells
    assert fast == reference

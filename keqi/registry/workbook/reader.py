"""Reading a workbook file into plain rows: .xlsx, .xls, a folder (or .zip) of .csv.

Nothing here knows the format's headers; it only turns each sheet into numbered
rows of raw cell values (text, numbers, dates, booleans, None) as Excel shows them.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import xlrd  # type: ignore[import-untyped]

Row = tuple[int, list[Any]]


class WorkbookUnreadable(ValueError):
    """The file cannot be opened as a workbook; the message says why, in Chinese."""


@dataclass
class RawSheet:
    """One sheet as read: its name in the file and its rows numbered from 1."""

    name: str
    rows: list[Row]


def read_workbook(path: Path) -> list[RawSheet]:
    """Every sheet of the file at `path`, chosen by its suffix (or a folder of CSV)."""
    if path.is_dir():
        return _read_csv_members((p.name, p.read_bytes()) for p in _csv_files(path))
    suffix = path.suffix.lower()
    readers = {".xlsx": _read_xlsx, ".xlsm": _read_xlsx, ".xls": _read_xls}
    if suffix == ".zip":
        return _read_zip(path)
    if suffix == ".csv":
        return _read_csv_members([(path.name, path.read_bytes())])
    if suffix not in readers:
        raise WorkbookUnreadable(
            f"不支持的文件类型“{suffix or path.name}”：请使用 .xlsx、.xls、"
            "CSV 文件夹或其 .zip 压缩包"
        )
    if not path.exists():
        raise WorkbookUnreadable(f"文件不存在：{path}")
    return readers[suffix](path)


def _read_xlsx(path: Path) -> list[RawSheet]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookUnreadable(
            f"无法读取 .xlsx 文件（文件可能已损坏）：{exc}"
        ) from exc
    try:
        return [
            RawSheet(ws.title, _number(ws.iter_rows(values_only=True)))
            for ws in book.worksheets
        ]
    finally:
        book.close()


def _read_xls(path: Path) -> list[RawSheet]:
    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises XLRDError and others for a damaged file
        raise WorkbookUnreadable(
            f"无法读取 .xls 文件（文件可能已损坏）：{exc}"
        ) from exc
    sheets = []
    for sheet in book.sheets():
        rows = (
            [_xls_cell(sheet.cell(r, c), book.datemode) for c in range(sheet.ncols)]
            for r in range(sheet.nrows)
        )
        sheets.append(RawSheet(sheet.name, _number(rows)))
    return sheets


def _xls_cell(cell: Any, datemode: int) -> Any:
    """An xlrd cell as the value openpyxl would give for the same .xlsx cell."""
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        moment = xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        return moment.date() if moment.time() == dt.time() else moment
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#错误")
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    return cell.value


def _number(rows: Iterable[Iterable[Any]]) -> list[Row]:
    return [(index, list(cells)) for index, cells in enumerate(rows, start=1)]


def _csv_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise WorkbookUnreadable(f"文件夹中没有 .csv 文件：{folder}")
    return files


def _read_zip(path: Path) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                (_zip_name(info), archive.read(info))
                for info in archive.infolist()
                if info.filename.lower().endswith(".csv") and not info.is_dir()
            ]
    except zipfile.BadZipFile as exc:
        raise WorkbookUnreadable("无法读取 .zip 文件（文件可能已损坏）") from exc
    if not members:
        raise WorkbookUnreadable("压缩包中没有 .csv 文件")
    return _read_csv_members(members)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's file name; Chinese Windows tools store it in GBK without a flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return PurePosixPath(name).name


def _read_csv_members(members: Iterable[tuple[str, bytes]]) -> list[RawSheet]:
    sheets = []
    for name, data in members:
        text = decode_csv(name, data)
        rows = (
            [cell if cell != "" else None for cell in r]
            for r in csv.reader(io.StringIO(text))
        )
        sheets.append(RawSheet(PurePosixPath(name).stem, _number(rows)))
    return sheets


def decode_csv(name: str, data: bytes) -> str:
    """UTF-8 with or without BOM, else GB18030 (which covers GBK and GB2312)."""
    encodings = ("utf-8",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    data = data.removeprefix(b"\xef\xbb\xbf")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkbookUnreadable(f"{name}：无法识别文件编码，请另存为 UTF-8 或 GB18030")

"""Reading a workbook file into plain rows: .xlsx, .xls, a folder (or .zip) of .csv.

Nothing here knows the format's headers; it only turns each sheet into numbered
rows of raw cell values (text, numbers, dates, booleans, None) as Excel shows them.

A file is measured before it is parsed (issue 13): a zip (.xlsx is one) whose
members would unpack to more than the configured size, or a sheet with more rows
than allowed, is refused with a Chinese message in well under a second, without
building any row. Text cells come back as the user wrote them: the quote keqi puts
before text that Excel would take for a formula is removed (``restore_cell_text``).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast

import python_calamine
import xlrd  # type: ignore[import-untyped]
from django.conf import settings

from keqi.core.text_safety import restore_cell_text

Row = tuple[int, list[Any]]
MB = 1024 * 1024
# Defaults when settings do not say (settings.py reads them from the environment).
DEFAULT_MAX_UNPACKED_MB = 1024
DEFAULT_MAX_ROWS = 500_000
MAX_ZIP_MEMBERS = 2000
_SCAN_CHUNK = 1024 * 1024
# A worksheet row element, with or without a namespace prefix: <row …>, <x:row>.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_TAG_SPAN = 64  # longest prefix + tag the pattern can match


class WorkbookUnreadable(ValueError):
    """The file cannot be opened as a workbook; the message says why, in Chinese."""


@dataclass
class RawSheet:
    """One sheet as read: its name in the file and its rows numbered from 1."""

    name: str
    rows: list[Row]


def max_unpacked_bytes() -> int:
    """How many bytes a workbook may hold once unpacked (all members together)."""
    return (
        int(getattr(settings, "KEQI_IMPORT_MAX_UNPACKED_MB", DEFAULT_MAX_UNPACKED_MB))
        * MB
    )


def max_rows() -> int:
    """How many rows one sheet may have."""
    return int(getattr(settings, "KEQI_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def read_workbook(path: Path) -> list[RawSheet]:
    """Every sheet of the file at `path`, chosen by its suffix (or a folder of CSV)."""
    if path.is_dir():
        files = _csv_files(path)
        _check_total(sum(p.stat().st_size for p in files))
        return _read_csv_members((p.name, p.read_bytes()) for p in files)
    suffix = path.suffix.lower()
    readers = {".xlsx": _read_xlsx, ".xlsm": _read_xlsx, ".xls": _read_xls}
    if suffix not in (*readers, ".zip", ".csv"):
        raise WorkbookUnreadable(
            f"不支持的文件类型“{suffix or path.name}”：请使用 .xlsx、.xls、"
            "CSV 文件夹或其 .zip 压缩包"
        )
    if not path.exists():
        raise WorkbookUnreadable(f"文件不存在：{path}")
    if suffix == ".zip":
        return _read_zip(path)
    if suffix == ".csv":
        _check_total(path.stat().st_size)
        return _read_csv_members([(path.name, path.read_bytes())])
    if suffix != ".xls":
        measure_xlsx(path)
    else:
        _check_total(path.stat().st_size)
    return readers[suffix](path)


def _too_big(size: int) -> str:
    limit = max_unpacked_bytes() // MB
    return (
        f"文件解压后过大（约 {size / MB:.0f} MB，最多 {limit} MB），"
        "请拆分为几个较小的文件分别导入"
    )


def _too_many_rows(sheet: str, rows: int) -> str:
    return (
        f"工作表“{sheet}”的行数过多（至少 {rows} 行，每个工作表最多 {max_rows()} 行），"
        "请拆分为几个较小的文件分别导入"
    )


def _check_total(size: int) -> None:
    if size > max_unpacked_bytes():
        raise WorkbookUnreadable(_too_big(size))


def _open_zip(path: Path, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookUnreadable(f"无法读取 {kind} 文件（文件可能已损坏）") from exc


def _check_declared(archive: zipfile.ZipFile) -> None:
    """Refuse before unpacking anything when the members say they are too big."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise WorkbookUnreadable(
            f"压缩包中的文件过多（{len(members)} 个，最多 {MAX_ZIP_MEMBERS} 个）"
        )
    _check_total(sum(info.file_size for info in members))


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in chunks; a size or checksum that lies is a damaged file.

    zipfile never hands out more than the declared size and checks the CRC at the
    end, so a member that would unpack to more than it declares fails here.
    """
    try:
        with archive.open(info) as member:
            while chunk := member.read(_SCAN_CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise WorkbookUnreadable("无法读取压缩的文件内容（文件可能已损坏）") from exc
    except (NotImplementedError, RuntimeError) as exc:  # unknown method, encrypted
        raise WorkbookUnreadable(
            "无法读取压缩的文件内容（使用了不支持的压缩方式或已加密）"
        ) from exc


def measure_xlsx(path: Path) -> None:
    """Refuse an .xlsx that unpacks too big or has a sheet with too many rows.

    Every member is unpacked as a stream (nothing kept) and each worksheet's row
    elements are counted, so a few hundred KB that would make millions of rows are
    refused in about a second instead of being built row by row. The count is
    first a bound (every ``<row`` prefix, one pass over the bytes); only a sheet
    whose bound passes the limit is counted exactly (`_sheet_rows`).
    """
    with _open_zip(path, ".xlsx") as archive:
        _check_declared(archive)
        names = _sheet_names(archive)
        limit, total = max_rows(), 0
        for info in archive.infolist():
            is_sheet = info.filename.startswith("xl/worksheets/") and (
                info.filename.endswith(".xml")
            )
            rows, tail, tag = 0, b"", b""
            for chunk in _unpacked(archive, info):
                total += len(chunk)
                if total > max_unpacked_bytes():
                    raise WorkbookUnreadable(_too_big(total))
                if not is_sheet:
                    continue
                # the tail kept from the last chunk joins this one, so a tag cut in
                # two is found; a tag wholly inside that tail was counted already
                window = tail + chunk
                tag = tag or _row_tag(window)
                if tag:  # at least every row element: <row followed by anything
                    rows += window.count(tag) - tail.count(tag)
                else:
                    rows += len(_ROW_TAG.findall(window))
                    rows -= len(_ROW_TAG.findall(tail))
                tail = window[-_ROW_TAG_SPAN:]
                if rows > limit:
                    counted = _sheet_rows(archive, info, limit)
                    if counted > limit:
                        sheet = names.get(
                            info.filename, PurePosixPath(info.filename).stem
                        )
                        raise WorkbookUnreadable(_too_many_rows(sheet, counted))
                    is_sheet = False  # within the limit, exactly: done with it


def _sheet_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """A worksheet's row elements counted exactly (not <rowBreaks>), stopping
    as soon as there are more than `limit`."""
    rows, tail, tag = 0, b"", b""
    for chunk in _unpacked(archive, info):
        window = tail + chunk
        tag = tag or _row_tag(window)
        if tag:  # the sheet's own spelling of <row: plain counts are fastest
            rows += _count(window, tag) - _count(tail, tag)
        else:
            rows += len(_ROW_TAG.findall(window))
            rows -= len(_ROW_TAG.findall(tail))
        tail = window[-_ROW_TAG_SPAN:]
        if rows > limit:
            break
    return rows


_WORKSHEET_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")


def _row_tag(start: bytes) -> bytes:
    """``<row `` as this sheet writes it (with its namespace prefix, if any), learnt
    from the worksheet element; empty while that element has not been seen."""
    found = _WORKSHEET_TAG.search(start)
    if found is None:
        return b""
    return b"<" + (found.group(1) or b"") + b"row"


def _count(data: bytes, tag: bytes) -> int:
    """How many row elements start in `data`: the tag followed by a space, `>`,
    `/` or a line break (so <rowBreaks> is not one)."""
    return sum(data.count(tag + end) for end in (b" ", b">", b"/", b"\n", b"\t", b"\r"))


_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → sheet name as Excel shows it (for messages; best effort)."""
    try:
        book = (
            archive.read("xl/workbook.xml")
            if _small(archive, "xl/workbook.xml")
            else b""
        )
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = archive.read(rels_name) if _small(archive, rels_name) else b""
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return {}
    targets: dict[str, str] = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        attrs = dict(_ATTR.findall(tag))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        if target and not target.startswith("xl/"):
            target = f"xl/{target}"
        targets[attrs.get(b"Id", b"").decode("utf-8", "replace")] = target
    names: dict[str, str] = {}
    for tag in _SHEET_ENTRY.findall(book):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag)}
        part = targets.get(attrs.get(b"id", b"").decode("utf-8", "replace"))
        if part:
            names[part] = attrs.get(b"name", b"").decode("utf-8", "replace")
    return names


def _small(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        return archive.getinfo(name).file_size < 16 * MB
    except KeyError:
        return False


def _read_xlsx(path: Path) -> list[RawSheet]:
    """Read with calamine (Rust): values as openpyxl would give them, much faster."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several kinds for a damaged file
        raise WorkbookUnreadable(
            f"无法读取 .xlsx 文件（文件可能已损坏）：{exc}"
        ) from exc
    sheets = []
    try:
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            # calamine numbers rows from A1 but starts each row at the first
            # used column: put the blank columns back so B stays B
            pad = [None] * (sheet.start[1] if sheet.start else 0)
            rows = (
                ([*pad, *_xlsx_row(row)] for row in sheet.iter_rows())
                if pad
                else map(_xlsx_row, sheet.iter_rows())
            )
            sheets.append(RawSheet(name, _number(name, rows, _AS_IS)))
    except WorkbookUnreadable:
        raise
    except Exception as exc:  # a damaged part or cell
        raise WorkbookUnreadable(
            f"无法读取 .xlsx 文件（文件可能已损坏）：{exc}"
        ) from exc
    finally:
        book.close()
    return sheets


def _xlsx_row(row: list[Any]) -> list[Any]:
    """`_xlsx_cell` over a row, with the common cells (numbers that are not whole,
    text without keqi's quote, dates) passed through without a call each."""
    return [
        (v if v[:1] != "'" and v else _xlsx_cell(v))
        if type(v) is str
        else ((int(v) if v.is_integer() else v) if type(v) is float else _xlsx_cell(v))
        for v in row
    ]


def _AS_IS(value: Any) -> Any:  # noqa: N802 - a constant-like identity for _number
    return value


def _xlsx_cell(value: Any) -> Any:
    """A calamine value as the rest of the importer expects it: blank is None, a
    whole number is an int, text has keqi's formula guard taken off."""
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is str:
        return restore_cell_text(value)
    return value


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
        sheets.append(RawSheet(sheet.name, _number(sheet.name, rows)))
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


def _number(
    sheet: str, rows: Iterable[Iterable[Any]], cell: Callable[[Any], Any] | None = None
) -> list[Row]:
    """Rows numbered from 1, each cell through `cell` (by default: text restored);
    too many rows is an error."""
    limit = max_rows()
    convert = cell or _restored
    if convert is not _AS_IS:
        rows = ([convert(c) for c in cells] for cells in rows)
    numbered = cast(
        list[Row], list(zip(itertools.count(1), itertools.islice(rows, limit + 1)))
    )
    if len(numbered) > limit:
        raise WorkbookUnreadable(_too_many_rows(sheet, limit + 1))
    return numbered


def _restored(value: Any) -> Any:
    """A text cell as the user wrote it (keqi's formula guard taken off)."""
    return restore_cell_text(value) if isinstance(value, str) else value


def _csv_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise WorkbookUnreadable(f"文件夹中没有 .csv 文件：{folder}")
    return files


def _read_zip(path: Path) -> list[RawSheet]:
    with _open_zip(path, ".zip") as archive:
        _check_declared(archive)
        members = [
            (_zip_name(info), b"".join(_unpacked(archive, info)))
            for info in archive.infolist()
            if info.filename.lower().endswith(".csv") and not info.is_dir()
        ]
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
    # The csv module refuses a field over 128 KB with an exception that says neither
    # where nor why in Chinese; the whole file is already within the unpacked-size
    # limit, so let any field through and let the cell's cleaner say it is too long
    # with its row and column. (The limit is process-wide and is only ever raised.)
    if csv.field_size_limit() < max_unpacked_bytes():
        csv.field_size_limit(max_unpacked_bytes())
    sheets = []
    for name, data in members:
        text = decode_csv(name, data)
        stem = PurePosixPath(name).stem
        try:
            rows = (
                [cell if cell != "" else None for cell in r]
                for r in csv.reader(io.StringIO(text))
            )
            sheets.append(RawSheet(stem, _number(stem, rows)))
        except csv.Error as exc:
            raise WorkbookUnreadable(
                f"{name}：不是有效的 CSV 文件（{exc}），请用 Excel 另存为 CSV 后重试"
            ) from exc
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

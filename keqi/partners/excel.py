"""Excel import and export of each partners list, all or nothing.

A list is described by a `Sheet`: its sheet name, its columns and how a cleaned
row is found, created or updated through the services. Import reads the first
sheet of that name (or the only sheet), matches headers as the enterprise
workbook does (spaces and full-width brackets ignored), cleans every cell, then
applies every row in one transaction. Any problem, in any row, is reported with
its row number and column, and nothing is changed. Importing the same file again
changes nothing (rows are matched by a natural key and unchanged values are left).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from keqi.core.exports import sheet_row
from keqi.registry.workbook.cells import (
    CellProblem,
    as_text,
    clean_bool,
    clean_date,
    clean_int,
    clean_money,
    clean_text,
    is_blank,
    match_form,
    refuse_unsafe,
)
from keqi.registry.workbook.reader import RawSheet, WorkbookUnreadable, read_workbook
from keqi.registry.workbook.writer import excel_value

Cleaner = Callable[[Any, Any], Any]  # (raw cell, user) -> value; CellProblem if bad


class RowProblem(ValueError):
    """A row that cannot be applied; `column` names the header when known."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Column:
    """One column: its header, the value key it fills, and how a cell is read."""

    header: str
    key: str
    clean: Cleaner
    required: bool = False
    export: Callable[[Any], Any] | None = None
    kind: str = "text"  # "date" columns get a date format in exports
    imported: bool = True  # False: shown in exports only (e.g. 企业名称)


@dataclass(frozen=True)
class Sheet:
    """A list's exchange format and how its rows reach the services."""

    slug: str
    name: str
    columns: tuple[Column, ...]
    apply: Callable[[dict[str, Any], Any], str]  # → created / updated / unchanged
    rows: Callable[[Any], Any]  # the user's rows for an export, scoped and prefetched
    notes: tuple[str, ...] = ()
    # Warnings about a cleaned row (Chinese): not errors, the import goes through
    # once the user confirms them (e.g. 避免重复走访 on the service log).
    warn: Callable[[dict[str, Any], Any], list[str]] | None = None


@dataclass(frozen=True)
class Problem:
    """One error: where (row, column) and what, in Chinese."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportOutcome:
    """What an import did: counts per outcome, or the problems (nothing changed).

    `warnings` are per row and never stop an import by themselves; `held` says
    the file was checked but not applied because its warnings await the user's
    confirmation (then `counts` are what it would do)."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    held: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- cell cleaners


def text(limit: int) -> Cleaner:
    """Text as entered, at most `limit` characters."""

    def clean(raw: Any, user: Any) -> str:
        return clean_text(raw, limit)

    return clean


def date(raw: Any, user: Any) -> Any:
    return clean_date(raw)


def money(raw: Any, user: Any) -> Any:
    return clean_money(raw)


def integer(raw: Any, user: Any) -> Any:
    return clean_int(raw)


def flag(raw: Any, user: Any) -> bool:
    """是/否; blank is 否 for a tick-box column."""
    return bool(clean_bool(raw))


def choice(choices: type[models.TextChoices]) -> Cleaner:
    """A value of `choices`, given as its value or its label."""
    allowed: dict[str, str] = {}
    for value, label in choices.choices:
        allowed[match_form(str(value))] = str(value)
        allowed[match_form(str(label))] = str(value)

    def clean(raw: Any, user: Any) -> str:
        if is_blank(raw):
            return ""
        found = allowed.get(match_form(as_text(raw)))
        if found is None:
            listed = "、".join(str(v) for v in choices.values)
            raise CellProblem(f"“{as_text(raw)}”不是允许的值，可选：{listed}")
        return found

    return clean


def lookup(find: Callable[[str, Any], Any]) -> Cleaner:
    """A reference by name; `find` raises ValueError with a Chinese message."""

    def clean(raw: Any, user: Any) -> Any:
        if is_blank(raw):
            return None
        try:
            return find(as_text(raw), user)
        except ValueError as exc:
            raise CellProblem(str(exc)) from exc

    return clean


# ---------------------------------------------------------------- export


def export_rows(sheet: Sheet, rows: list[Any]) -> list[list[Any]]:
    """Each row's values under the sheet's headers."""
    return [
        [c.export(row) if c.export else getattr(row, c.key) for c in sheet.columns]
        for row in rows
    ]


def xlsx_bytes(sheet: Sheet, rows: list[Any]) -> bytes:
    """The list as an .xlsx file (headers in the first row, dates as dates)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet.name
    ws.append(sheet_row(c.header for c in sheet.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F2")
    for values in export_rows(sheet, rows):
        ws.append([excel_value(_blank(v)) for v in values])
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(
            12, min(40, len(column.header) * 2 + 4)
        )
        if column.kind == "date":
            for cell in ws[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _blank(value: Any) -> Any:
    return None if value == "" else value


# ---------------------------------------------------------------- import


def import_file(
    sheet: Sheet, path: Path, user: Any, *, confirmed: bool = True
) -> ImportOutcome:
    """Check and apply a file; on any problem nothing is changed.

    Rows the sheet warns about are listed in `warnings`; unless `confirmed`, a
    file with warnings is checked in full (problems, counts) but not applied and
    comes back `held`, for the user to confirm (the page's preview)."""
    try:
        raw = _pick(sheet, read_workbook(path))
    except WorkbookUnreadable as exc:
        return ImportOutcome([Problem(None, "", str(exc))])
    outcome = ImportOutcome()
    rows = _clean_rows(sheet, raw, user, outcome.problems)
    if outcome.problems:
        return outcome
    with transaction.atomic():
        for number, values in rows:
            if _apply_row(sheet, number, values, user, outcome) not in (
                None,
                "unchanged",
            ):  # a row the file leaves as it was is no news
                outcome.warnings += row_warnings(sheet, number, values, user)
        if outcome.problems:
            transaction.set_rollback(True)
            outcome.counts = {}
        elif outcome.warnings and not confirmed:
            transaction.set_rollback(True)
            outcome.held = True
    return outcome


def row_warnings(
    sheet: Sheet, number: int, values: dict[str, Any], user: Any
) -> list[Problem]:
    """The sheet's warnings about one cleaned row, with the row's number."""
    if sheet.warn is None:
        return []
    return [Problem(number, "", message) for message in sheet.warn(values, user)]


def _pick(sheet: Sheet, sheets: list[RawSheet]) -> RawSheet:
    for candidate in sheets:
        if match_form(candidate.name) == match_form(sheet.name):
            return candidate
    if len(sheets) == 1:
        return sheets[0]
    raise WorkbookUnreadable(f"文件中没有名为“{sheet.name}”的工作表")


def _header(
    sheet: Sheet, raw: RawSheet, problems: list[Problem]
) -> tuple[int, dict[int, Column]]:
    """The header row number and which column index holds which column."""
    start = next((n for n, cells in raw.rows if any(not is_blank(c) for c in cells)), 0)
    cells = dict(raw.rows).get(start, [])
    by_form = {match_form(c.header): c for c in sheet.columns if c.imported}
    found = {
        i: by_form[match_form(as_text(v))]
        for i, v in enumerate(cells)
        if match_form(as_text(v)) in by_form
    }
    present = {c.key for c in found.values()}
    for column in sheet.columns:
        if column.required and column.key not in present:
            problems.append(
                Problem(start or None, column.header, f"缺少必填列“{column.header}”")
            )
    return start, found


def _clean_rows(
    sheet: Sheet, raw: RawSheet, user: Any, problems: list[Problem]
) -> list[tuple[int, dict[str, Any]]]:
    start, found = _header(sheet, raw, problems)
    if problems:
        return []
    rows = []
    for number, cells in raw.rows:
        if number <= start or all(is_blank(c) for c in cells):
            continue
        values = _clean_row(number, cells, found, user, problems)
        rows.append((number, values))
    if not rows and not problems:
        problems.append(Problem(None, "", "工作表中没有数据行"))
    return rows


def _clean_row(
    number: int,
    cells: list[Any],
    found: dict[int, Column],
    user: Any,
    problems: list[Problem],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, column in found.items():
        raw = cells[index] if index < len(cells) else None
        if column.required and is_blank(raw):
            problems.append(Problem(number, column.header, "必填，不能为空"))
            continue
        try:
            refuse_unsafe(raw)
            values[column.key] = column.clean(raw, user)
        except CellProblem as exc:
            problems.append(Problem(number, column.header, str(exc)))
    return values


def _apply_row(
    sheet: Sheet, number: int, values: dict[str, Any], user: Any, outcome: ImportOutcome
) -> str | None:
    """Apply one row: its outcome (created / updated / unchanged), or None when
    it has a problem (added to `outcome`)."""
    headers = {c.key: c.header for c in sheet.columns}
    try:
        with transaction.atomic():
            result = sheet.apply(values, user)
    except RowProblem as exc:
        outcome.problems.append(Problem(number, exc.column, str(exc)))
        return None
    except ValidationError as exc:
        for key, messages in _messages(exc).items():
            for message in messages:
                outcome.problems.append(Problem(number, headers.get(key, ""), message))
        return None
    except PermissionDenied as exc:
        outcome.problems.append(Problem(number, "", str(exc) or "无权修改"))
        return None
    outcome.counts[result] = outcome.counts.get(result, 0) + 1
    return result


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()
        }
    return {"": list(exc.messages)}

"""From raw rows to cleaned values: headers matched, every cell cleaned, every
problem collected (never stopping at the first one).

This stage needs no database except the list of configured areas, passed in.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from keqi.core.dates import EARLIEST_DATE, LATEST_DATE
from keqi.core.text_safety import control_character_error
from keqi.core.uscc import ALPHABET, check_character, check_uscc
from keqi.registry.workbook import cells
from keqi.registry.workbook.cells import CellProblem
from keqi.registry.workbook.reader import RawSheet
from keqi.registry.workbook.result import CellError
from keqi.registry.workbook.schema import (
    DEFAULT_MONEY_UNIT,
    EXAMPLE_USCC,
    MONEY_UNITS,
    Column,
    SheetSpec,
    max_length,
)


@dataclass(slots=True)
class ParsedRow:
    """One data row: cleaned model values, extra columns, and money units used."""

    row: int
    values: dict[str, Any]
    extra: dict[str, str | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


@dataclass
class Bound:
    """A header cell bound to a column of the format (or kept as an extra column)."""

    index: int
    header: str
    column: Column | None
    unit: str = ""

    @property
    def place(self) -> str:
        return f"{self.header}（{get_column_letter(self.index + 1)}列）"


@dataclass
class ParsedSheet:
    """A sheet after cleaning: its rows and the format columns it carries."""

    spec: SheetSpec
    header_row: int
    present: set[str]
    rows: list[ParsedRow]
    extra_headers: list[str]
    places: dict[str, str]
    # A digest of every cleaned value with its row number (a column at a time):
    # what the sheet's rows set, for the preview's fingerprint.
    digest: bytes = b""

    def place(self, field_name: str) -> str:
        """Where a column sits, for error messages: 企业名称（B列）."""
        return self.places.get(field_name) or self.spec.column(field_name).header


def header_aliases(spec: SheetSpec) -> dict[str, tuple[Column, str]]:
    """Every accepted spelling of each header (match form) → (column, money unit)."""
    aliases: dict[str, tuple[Column, str]] = {}
    for column in spec.columns:
        aliases[cells.match_form(column.base)] = (column, DEFAULT_MONEY_UNIT)
        aliases[cells.match_form(column.header)] = (column, DEFAULT_MONEY_UNIT)
        if column.kind == "money":
            for unit in MONEY_UNITS:
                spelled = f"{column.base}（{unit}）"
                aliases[cells.match_form(spelled)] = (column, unit)
    return aliases


def parse_sheet(
    spec: SheetSpec,
    raw: RawSheet,
    areas: dict[str, Any],
    errors: list[CellError],
    codes: dict[Any, Any] | None = None,
) -> ParsedSheet | None:
    """Clean one sheet; problems go to `errors`. None when its header is unusable.
    `codes`, shared by the sheets of one workbook, holds each USCC text cleaned
    (every sheet names the enterprises by it)."""
    start = next((i for i, (_, c) in enumerate(raw.rows) if _has_value(c)), None)
    if start is None:
        return None
    header_row, header_cells = raw.rows[start]
    bound = _bind_headers(spec, header_row, header_cells, errors)
    present = {b.column.field for b in bound if b.column is not None}
    missing = [c for c in spec.columns if c.required and c.field not in present]
    for column in missing:
        errors.append(CellError(spec.name, header_row, column.header, "缺少必填列"))
    if missing:
        return None
    content = hashlib.sha256()
    rows = _parse_rows(
        spec, raw.rows[start + 1 :], bound, areas, errors, codes, content
    )
    extra = [b.header for b in bound if b.column is None]
    places = {b.column.field: b.place for b in bound if b.column is not None}
    parsed = ParsedSheet(spec, header_row, present, rows, extra, places)
    parsed.digest = content.digest()
    return parsed


def _has_value(row_cells: list[Any]) -> bool:
    for cell in row_cells:
        if cell is not None and (type(cell) is not str or cell.strip()):
            return True
    return False


def _bind_headers(
    spec: SheetSpec, row: int, header_cells: list[Any], errors: list[CellError]
) -> list[Bound]:
    aliases = header_aliases(spec)
    bound: list[Bound] = []
    seen: dict[str, Bound] = {}
    for index, raw in enumerate(header_cells):
        header = cells.as_text(raw)
        if not header:
            continue
        unsafe = control_character_error(header)
        if unsafe is not None:
            place = f"{get_column_letter(index + 1)}列"
            errors.append(CellError(spec.name, row, place, f"列名{unsafe}"))
            continue
        column, unit = aliases.get(cells.match_form(header), (None, ""))
        item = Bound(index, header, column, unit)
        key = column.field if column is not None else cells.match_form(header)
        if key in seen:
            message = f"列名重复（与{seen[key].place}重复）"
            errors.append(CellError(spec.name, row, item.place, message))
            continue
        seen[key] = item
        bound.append(item)
    return bound


def _parse_rows(
    spec: SheetSpec,
    raw_rows: list[tuple[int, list[Any]]],
    bound: list[Bound],
    areas: dict[str, Any],
    errors: list[CellError],
    codes: dict[Any, Any] | None = None,
    content: Any = None,
) -> list[ParsedRow]:
    """Clean the sheet column by column: one cleaner per column, with fast paths
    for the cells a saved workbook mostly holds (plain text, whole numbers, dates)
    and the full cleaning for anything else, so each cell costs a few operations.
    Each row's values are then made in one step from the cleaned columns.
    `content` (a hashlib object), when given, takes each cleaned column's repr."""
    kept = [(n, c) for n, c in raw_rows if _has_value(c)]
    numbers = [n for n, _ in kept]
    column_at = _columns([c for _, c in kept])
    if content is not None:
        content.update(repr(numbers).encode())
    names: list[str] = []
    full: list[list[Any]] = []
    units: dict[str, str] = {}
    # a column with unreadable cells: (field, money unit or "", (row index, value))
    sparse: list[tuple[str, str, list[tuple[int, Any]]]] = []
    extras: list[tuple[str, list[tuple[int, str | None]]]] = []
    for item in bound:
        if item.column is None and not spec.keeps_extra:
            continue
        column = column_at(item.index)
        if item.column is None:
            texts = _extra_column(spec, item, column, numbers, errors)
            extras.append((item.header, texts))
            if content is not None:
                content.update(repr((item.header, texts)).encode("utf-8"))
            continue
        clean = column_cleaner(spec, item.column, item.unit, areas, codes)
        field_name, money = item.column.field, item.column.kind == "money"
        try:  # the whole column at once; cell by cell when one cannot be read
            cleaned = list(map(clean, column))
        except CellProblem:
            cleaned = None
        if cleaned is not None:
            if content is not None:
                seen = (field_name, item.unit, cleaned)
                content.update(repr(seen).encode("utf-8"))
            names.append(field_name)
            full.append(cleaned)
            if money:
                units[field_name] = item.unit
            continue
        found: list[tuple[int, Any]] = []
        for index, (number, raw) in enumerate(zip(numbers, column, strict=True)):
            try:
                found.append((index, clean(raw)))
            except CellProblem as problem:
                errors.append(CellError(spec.name, number, item.place, str(problem)))
        sparse.append((field_name, item.unit if money else "", found))
    if full:
        rows = [
            ParsedRow(number, dict(zip(names, values, strict=True)), {}, dict(units))
            for number, values in zip(numbers, zip(*full, strict=True), strict=True)
        ]
    else:
        rows = [ParsedRow(number, {}) for number in numbers]
    for field_name, unit, found in sparse:
        for index, value in found:
            rows[index].values[field_name] = value
            if unit:
                rows[index].units[field_name] = unit
    for header, texts in extras:
        for index, text in texts:
            rows[index].extra[header] = text
    return rows


def _columns(lines: list[list[Any]]) -> Any:
    """A function giving the cells of column `index` of `lines` (None where a row
    is shorter): rows of one length (as calamine reads them) are turned into
    columns at once."""
    if len({len(line) for line in lines}) == 1:
        by_index = list(zip(*lines, strict=True))
        return lambda index: (
            by_index[index] if index < len(by_index) else [None] * len(lines)
        )
    return lambda index: [line[index] if index < len(line) else None for line in lines]


def _extra_column(
    spec: SheetSpec,
    item: Bound,
    column: Any,
    numbers: list[int],
    errors: list[CellError],
) -> list[tuple[int, str | None]]:
    """An extra column's text by row index (a cell no column may hold is an error)."""
    texts: list[tuple[int, str | None]] = []
    for index, (number, raw) in enumerate(zip(numbers, column, strict=True)):
        try:
            cells.refuse_unsafe(raw)
        except CellProblem as problem:
            errors.append(CellError(spec.name, number, item.place, str(problem)))
            continue
        texts.append((index, cells.as_text(raw) or None))
    return texts


_MEMO_KINDS = {"choice", "area", "bool", "year", "uscc"}
_MONEY_FAST = 10**14
# an amount written as text that needs no cleaning: at most 10 digits, 4 places
_PLAIN_AMOUNT = re.compile(r"-?[0-9]{1,10}(\.[0-9]{1,4})?")


def column_cleaner(
    spec: SheetSpec,
    column: Column,
    unit: str,
    areas: dict[str, Any],
    codes: dict[Any, Any] | None = None,
) -> Any:
    """A function cleaning one cell of `column` exactly as `clean_cell` does, faster:
    a value of a few kinds is cleaned once per distinct text (areas, choices, yes/no,
    years, codes), common cells take a short path, anything else the full one."""

    def full(raw: Any) -> Any:
        cells.refuse_unsafe(raw)
        return clean_cell(spec, column, unit, raw, areas)

    kind, needs = column.kind, column.needs_value
    if kind in _MEMO_KINDS:
        memo: dict[Any, Any] = {}
        if kind == "uscc" and codes is not None:  # the same in every sheet
            memo = codes.setdefault(needs, {})

        first = _plain_uscc if kind == "uscc" else _nothing

        def memoised(raw: Any) -> Any:
            key = (type(raw), raw)
            found = memo.get(key, memo)
            if found is memo:
                found = memo[key] = first(raw) or full(raw)
            return found

        return memoised
    if kind == "money":
        factor = MONEY_UNITS[unit or DEFAULT_MONEY_UNIT]
        places = cells.MONEY_PLACES
        # decimal places an amount in this unit may have and stay exact in 万元
        room = 6 - (len(str(factor)) - 1) if str(factor).strip("0") == "1" else -1

        def money(raw: Any) -> Any:
            if type(raw) is int and -_MONEY_FAST < raw < _MONEY_FAST:
                return (Decimal(raw) / factor).quantize(places)
            if type(raw) is float and -1e9 < raw < 1e9:
                # the common amount: at most 15 digits and few enough places
                # (its shortest text says both), so exact without checking
                text = repr(raw)
                if (
                    len(text) <= 16
                    and len(text) - text.find(".") <= room + 1
                    and "e" not in text
                ):
                    return (Decimal(text) / factor).quantize(places)
                value = Decimal(repr(raw)) / factor
                exact = value.quantize(cells.MONEY_PLACES)
                if exact == value and len(exact.normalize().as_tuple().digits) <= 15:
                    return exact
            if type(raw) is str and _PLAIN_AMOUNT.fullmatch(raw):
                if factor == 1:  # at most 10 digits and 4 places: exact as it is
                    return Decimal(raw).quantize(places)
                value = Decimal(raw) / factor
                exact = value.quantize(cells.MONEY_PLACES)
                if exact == value and abs(exact) < _MONEY_FAST:
                    return exact
            if raw is None and not needs:
                return None
            return full(raw)

        return money
    if kind == "date":
        days: dict[str, Any] = {}  # a date written as text: cleaned once per text

        def date(raw: Any) -> Any:
            if type(raw) is dt.date and EARLIEST_DATE <= raw <= LATEST_DATE:
                return raw
            if type(raw) is dt.datetime:
                day = raw.date()
                if EARLIEST_DATE <= day <= LATEST_DATE:
                    return day
            if raw is None and not needs:
                return None
            if type(raw) is str:
                found = days.get(raw)
                if found is None:
                    found = days[raw] = full(raw)
                return found
            return full(raw)

        return date
    if kind == "int":
        top = _int_limit(spec, column)

        def whole(raw: Any) -> Any:
            if type(raw) is int and 0 <= raw <= top:
                return raw
            if raw is None and not needs:
                return None
            return full(raw)

        return whole
    if kind == "text":
        key = (spec.name, column.field)
        if key not in _LENGTHS:
            _LENGTHS[key] = max_length(spec, column)
        limit = _LENGTHS[key] or cells.MAX_CELL_CHARS

        def text(raw: Any) -> Any:
            if (
                type(raw) is str
                and raw.isprintable()
                and len(raw) <= limit
                and unicodedata.is_normalized("NFC", raw)
            ):
                stripped = raw.strip()
                if stripped or not needs:
                    return stripped
            if raw is None and not needs:
                return ""
            return full(raw)

        return text
    return full


_USCC_SYMBOLS = frozenset(ALPHABET)


def _plain_uscc(raw: Any) -> str:
    """A code typed exactly as it is kept (18 allowed characters, the right check
    character, not the template's example): itself, as `clean_cell` would give
    it, without its cleaning steps. Anything else: "" (clean it in full)."""
    if (
        type(raw) is str
        and len(raw) == 18
        and _USCC_SYMBOLS.issuperset(raw)
        and raw[2:8].isdigit()
        and check_character(raw[:17]) == raw[17]
        and raw != EXAMPLE_USCC
    ):
        return raw
    return ""


def _nothing(raw: Any) -> None:
    return None


def clean_cell(
    spec: SheetSpec, column: Column, unit: str, raw: Any, areas: dict[str, Any]
) -> Any:
    """One cell's model value, or CellProblem with the reason."""
    if column.needs_value and cells.is_blank(raw):
        raise CellProblem("必填，不能为空")
    kind = column.kind
    if kind == "uscc":
        checked = _checked_uscc(cells.as_text(raw))
        if not checked.ok:
            raise CellProblem(checked.error + _numeric_note(raw))
        if checked.code == EXAMPLE_USCC:
            raise CellProblem("这是模板中的示例行，请删除后再导入")
        return checked.code
    if kind == "area":
        return _area(raw, areas)
    if kind == "key_industry":
        return _key_industry(raw, areas)
    if kind == "choice":
        assert column.choices is not None
        return cells.clean_choice(raw, column.choices, column.blank_value)
    if kind == "money":
        return cells.clean_money(raw, MONEY_UNITS[unit or DEFAULT_MONEY_UNIT])
    if kind == "int":
        number = cells.clean_int(raw)
        if number is not None and number > _int_limit(spec, column):
            raise CellProblem(f"数字过大（最多{_int_limit(spec, column)}）")
        return number
    cleaner = _CLEANERS.get(kind)
    if cleaner is not None:
        return cleaner(raw)
    key = (spec.name, column.field)
    if key not in _LENGTHS:
        _LENGTHS[key] = max_length(spec, column)
    return cells.clean_text(raw, _LENGTHS[key])


_CLEANERS = {
    "date": cells.clean_date,
    "year": cells.clean_year,
    "bool": cells.clean_bool,
}


def _int_limit(spec: SheetSpec, column: Column) -> int:
    """The largest whole number the model field holds (a small integer field less)."""
    found = spec.model._meta.get_field(column.field)
    if isinstance(found, models.PositiveSmallIntegerField):
        return 32_767
    return 2_147_483_647


_LENGTHS: dict[tuple[str, str], int | None] = {}  # (sheet, field) → model limit


# The same code comes once per sheet row (an enterprise and its three years…).
# The import never shows check_uscc's advisory warning: it is not worked out.
_checked_uscc = functools.lru_cache(maxsize=4096)(
    functools.partial(check_uscc, advisory=False)
)


def _numeric_note(raw: Any) -> str:
    """Why a code read from a number cell may be wrong: Excel keeps only 15 digits."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        return ""
    return (
        f"（该单元格是数值格式，读到的是数字{cells.as_text(raw)}；"
        "Excel 数值只保留15位有效数字，18位代码会被改动或丢失前导0，"
        "请把该列设为“文本”格式后重新录入代码）"
    )


KEY_INDUSTRY_LENGTH = 20  # Enterprise.key_industry's max_length


def _key_industry(raw: Any, areas: dict[str, Any]) -> str:
    """A 重点产业 as written, matched loosely to a name on the lists of the districts
    whose areas the importer may fill (so " 人工智能 " is stored as 人工智能).

    Whether the value is allowed is decided by the planner, which knows the
    enterprise's area and the value it has now: an unchanged value stays valid
    even when its district's list no longer names it (as on the edit form)."""
    if cells.is_blank(raw):
        return ""
    allowed: dict[str, None] = {}
    for area in areas.values():
        district = getattr(area, "district", None)
        if district is not None:
            allowed.update(dict.fromkeys(district.key_industries))
    try:
        return cells.clean_listed(raw, list(allowed))
    except CellProblem:
        return cells.clean_text(raw, KEY_INDUSTRY_LENGTH)


def _area(raw: Any, areas: dict[str, Any]) -> Any:
    found = areas.get(cells.match_form(cells.as_text(raw)))
    if found is None:
        names = "、".join(dict.fromkeys(str(a) for a in areas.values()))
        raise CellProblem(f"未配置的街镇/园区“{cells.as_text(raw)}”，可选：{names}")
    return found

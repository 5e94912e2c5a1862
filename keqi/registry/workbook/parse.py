"""From raw rows to cleaned values: headers matched, every cell cleaned, every
problem collected (never stopping at the first one).

This stage needs no database except the list of configured areas, passed in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from keqi.core.text_safety import control_character_error
from keqi.core.uscc import check_uscc
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
    spec: SheetSpec, raw: RawSheet, areas: dict[str, Any], errors: list[CellError]
) -> ParsedSheet | None:
    """Clean one sheet; problems go to `errors`. None when its header is unusable."""
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
    rows = [
        _parse_row(spec, number, row_cells, bound, areas, errors)
        for number, row_cells in raw.rows[start + 1 :]
        if _has_value(row_cells)
    ]
    extra = [b.header for b in bound if b.column is None]
    places = {b.column.field: b.place for b in bound if b.column is not None}
    return ParsedSheet(spec, header_row, present, rows, extra, places)


def _has_value(row_cells: list[Any]) -> bool:
    return any(not cells.is_blank(c) for c in row_cells)


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


def _parse_row(
    spec: SheetSpec,
    number: int,
    row_cells: list[Any],
    bound: list[Bound],
    areas: dict[str, Any],
    errors: list[CellError],
) -> ParsedRow:
    parsed = ParsedRow(number, {})
    for item in bound:
        raw = row_cells[item.index] if item.index < len(row_cells) else None
        if item.column is None and not spec.keeps_extra:
            continue
        try:
            cells.refuse_unsafe(raw)
            if item.column is None:
                parsed.extra[item.header] = cells.as_text(raw) or None
                continue
            value = clean_cell(spec, item.column, item.unit, raw, areas)
        except CellProblem as problem:
            errors.append(CellError(spec.name, number, item.place, str(problem)))
            continue
        parsed.values[item.column.field] = value
        if item.column.kind == "money":
            parsed.units[item.column.field] = item.unit
    return parsed


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
    "int": cells.clean_int,
    "bool": cells.clean_bool,
}
_LENGTHS: dict[tuple[str, str], int | None] = {}  # (sheet, field) → model limit


# The same code comes once per sheet row (an enterprise and its three years…).
_checked_uscc = functools.lru_cache(maxsize=4096)(check_uscc)


def _numeric_note(raw: Any) -> str:
    """Why a code read from a number cell may be wrong: Excel keeps only 15 digits."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        return ""
    return (
        f"（该单元格是数值格式，读到的是数字{cells.as_text(raw)}；"
        "Excel 数值只保留15位有效数字，18位代码会被改动或丢失前导0，"
        "请把该列设为“文本”格式后重新录入代码）"
    )


def _key_industry(raw: Any, areas: dict[str, Any]) -> str:
    """A 重点产业 of the districts whose areas the importer may fill."""
    if cells.is_blank(raw):
        return ""
    districts = {
        area.district.pk: area.district
        for area in areas.values()
        if getattr(area, "district", None) is not None
    }
    if not districts:  # no configured areas (`keqi evaluate`): taken as written
        return cells.clean_text(raw, 20)
    allowed: dict[str, None] = {}
    for district in districts.values():
        allowed.update(dict.fromkeys(district.key_industries))
    return cells.clean_listed(raw, list(allowed))


def _area(raw: Any, areas: dict[str, Any]) -> Any:
    found = areas.get(cells.match_form(cells.as_text(raw)))
    if found is None:
        names = "、".join(dict.fromkeys(str(a) for a in areas.values()))
        raise CellProblem(f"未配置的街镇/园区“{cells.as_text(raw)}”，可选：{names}")
    return found

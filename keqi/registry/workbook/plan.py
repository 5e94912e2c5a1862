"""Checking cleaned rows against the registry, and working out what each row would
change, without writing anything.

Existing rows are loaded in bulk into dicts keyed by USCC (and year, IP number…),
so planning a few thousand enterprises costs a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from keqi.accounts.industries import key_industry_error
from keqi.accounts.scopes import area_ids_in_scope, district_id_of, sees_every_district
from keqi.core import audit
from keqi.core.uscc import UNUSABLE
from keqi.registry import services
from keqi.registry.models import Enterprise
from keqi.registry.validity import effective_valid_until
from keqi.registry.workbook.parse import ParsedRow, ParsedSheet
from keqi.registry.workbook.result import CellError
from keqi.registry.workbook.schema import (
    CREDIT,
    DEFAULT_MONEY_UNIT,
    ENTERPRISE,
    FIGURES,
    IP,
    QUALIFICATIONS,
    SheetSpec,
)

CHUNK = 500
SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    ENTERPRISE.name: services.ENTERPRISE_FIELDS,
    FIGURES.name: services.FIGURE_FIELDS,
    IP.name: services.IP_FIELDS,
    QUALIFICATIONS.name: services.QUALIFICATION_FIELDS,
    CREDIT.name: services.CREDIT_FIELDS,
}
# Never say that the code exists in another area (keqi.core.uscc).
NOT_IN_SCOPE = UNUSABLE


@dataclass(slots=True)
class Planned:
    """One row's intended effect: the service arguments and the expected outcome."""

    spec: SheetSpec
    row: int
    uscc: str
    key: tuple[Any, ...]
    values: dict[str, Any]
    outcome: str
    updates: dict[str, list[Any]] | None  # None for a created row: see `changes`
    current: Any = None  # the registry row it updates (None when it creates one)

    @property
    def changes(self) -> dict[str, list[Any]]:
        """{field: [old, new]} for every value the row sets or changes. A created
        row's are worked out when asked (every value not blank), so a plan of
        400 000 new rows does not hold them all at once."""
        if self.updates is not None:
            return self.updates
        changes: dict[str, list[Any]] = {}
        values = self.values
        for name, blank in _present(self.spec, values):
            new = values[name]
            kind = type(new)  # jsonable, with the common kinds answered inline
            if kind is Decimal:
                new = format(new.normalize(), "f")
            elif not (kind is int or kind is str or new is None):
                new = jsonable(new)
            if new != blank:
                changes[name] = [blank, new]
        return changes


def chunks(items: list[Any]) -> Iterator[list[Any]]:
    """Slices small enough for an `IN (...)` on every database."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def row_key(spec: SheetSpec, values: dict[str, Any]) -> tuple[Any, ...] | None:
    """What identifies the row's record; None when a part of it could not be read."""
    if spec is QUALIFICATIONS:
        if "uscc" not in values or "kind" not in values:
            return None
        number = values.get("number") or ""
        granted = values.get("granted_on")
        return (
            values["uscc"],
            *services.qualification_key(values["kind"], number, granted),
        )
    try:
        return tuple([values[part] for part in spec.key])
    except KeyError:
        return None


class Planner:
    """Checks references, duplicates and scope, then diffs each row with the registry."""

    def __init__(self, sheets: dict[str, ParsedSheet], actor: Any) -> None:
        self.sheets = sheets
        self.actor = actor
        scope = area_ids_in_scope(actor) if actor is not None else None
        self.scope_area = None if scope is None else (scope[0] if scope else -1)
        # Other district users import into their own district only (the city
        # and the system, None, into any).
        self.scope_district = (
            None
            if actor is None or sees_every_district(actor)
            else (district_id_of(actor) or -1)
        )
        self.errors: list[CellError] = []
        self.enterprises = self._load_enterprises()
        listed = sheets.get(ENTERPRISE.name)
        self.listed = {
            r.values["uscc"]: r
            for r in (listed.rows if listed else [])
            if "uscc" in r.values
        }
        self.names = {
            code: str(r.values.get("name") or "") for code, r in self.listed.items()
        }

    def _load_enterprises(self) -> dict[str, Enterprise]:
        codes = sorted(
            {
                r.values["uscc"]
                for s in self.sheets.values()
                for r in s.rows
                if "uscc" in r.values
            }
        )
        found: dict[str, Enterprise] = {}
        for part in chunks(codes):
            rows = Enterprise.objects.filter(uscc__in=part).select_related("area")
            for e in rows:
                found[e.uscc] = e
        return found

    def _error(
        self, sheet: ParsedSheet, row: ParsedRow, field: str, message: str
    ) -> None:
        self.errors.append(
            CellError(sheet.spec.name, row.row, sheet.place(field), message)
        )

    # --- checks ----------------------------------------------------------------

    def check(self) -> list[CellError]:
        """Every problem that needs the registry: duplicates, references, scope."""
        for sheet in self.sheets.values():
            self._check_duplicates(sheet)
            if sheet.spec is ENTERPRISE:
                self._check_enterprise_scope(sheet)
                self._check_key_industries(sheet)
            else:
                self._check_references(sheet)
        return self.errors

    def _check_duplicates(self, sheet: ParsedSheet) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        field = sheet.spec.key[-1] if sheet.spec is not QUALIFICATIONS else "kind"
        for row in sheet.rows:
            key = row_key(sheet.spec, row.values)
            if key is None:
                continue
            if key in seen:
                self._error(
                    sheet, row, field, f"与第{seen[key]}行重复（同一条记录填了两次）"
                )
            else:
                seen[key] = row.row

    @property
    def _scoped(self) -> bool:
        return self.scope_area is not None or self.scope_district is not None

    def _outside(self, existing: Enterprise | None) -> bool:
        """A registered enterprise outside the actor's area or district."""
        if existing is None:
            return False
        if self.scope_area is not None and existing.area_id != self.scope_area:
            return True
        return (
            self.scope_district is not None
            and existing.area.district_id != self.scope_district
        )

    def _check_enterprise_scope(self, sheet: ParsedSheet) -> None:
        if not self._scoped:
            return
        for row in sheet.rows:
            existing = self.enterprises.get(row.values.get("uscc", ""))
            area = row.values.get("area")
            if self._outside(existing):
                self._error(sheet, row, "uscc", NOT_IN_SCOPE)
            elif (
                self.scope_area is not None
                and area is not None
                and area.pk != self.scope_area
            ):
                self._error(sheet, row, "area", "只能导入本街镇/园区的企业")

    def _check_key_industries(self, sheet: ParsedSheet) -> None:
        """The edit form's rule (accounts.industries.key_industry_error): a
        重点产业 the enterprise already has stays, even when its district's list
        no longer names it; a new or changed one must be on the list of the
        district of the area the row puts the enterprise in."""
        for row in sheet.rows:
            value = row.values.get("key_industry")
            if not value:
                continue
            existing = self.enterprises.get(row.values.get("uscc", ""))
            area = row.values.get("area") or getattr(existing, "area", None)
            if area is None:  # the area cell carries its own error
                continue
            current = existing.key_industry if existing is not None else ""
            problem = key_industry_error(value, area=area, current=current)
            if problem:
                self._error(sheet, row, "key_industry", problem)

    def _check_references(self, sheet: ParsedSheet) -> None:
        for row in sheet.rows:
            uscc = row.values.get("uscc")
            if uscc is None:
                continue
            existing = self.enterprises.get(uscc)
            outside = self._outside(existing)
            if (
                self._scoped
                and uscc not in self.listed
                and (existing is None or outside)
            ):
                # Missing and out of scope read the same to a town or park user.
                self._error(
                    sheet,
                    row,
                    "uscc",
                    f"{UNUSABLE}：“{ENTERPRISE.name}”表和您管辖范围内的企业中"
                    "都没有该统一社会信用代码",
                )
            elif existing is None and uscc not in self.listed:
                self._error(
                    sheet,
                    row,
                    "uscc",
                    f"企业不存在：“{ENTERPRISE.name}”表和企业库中都没有该统一社会信用代码",
                )
            elif outside:
                self._error(sheet, row, "uscc", NOT_IN_SCOPE)

    # --- plan ------------------------------------------------------------------

    def plan(self) -> list[Planned]:
        """What every row would do, in the order the services must apply them."""
        planned: list[Planned] = []
        for spec in (ENTERPRISE, FIGURES, IP, QUALIFICATIONS, CREDIT):
            sheet = self.sheets.get(spec.name)
            if sheet is None:
                continue
            existing = self._existing(spec)
            for row in sheet.rows:
                key = row_key(spec, row.values)
                assert key is not None  # rows with unreadable keys carry errors
                planned.append(self._plan_row(spec, row, key, existing.get(key)))
            sheet.rows = []  # the plan holds the values now: free the parsed rows
        self.listed = {}
        return planned

    def _existing(self, spec: SheetSpec) -> dict[tuple[Any, ...], models.Model]:
        if spec is ENTERPRISE:
            return {(code,): e for code, e in self.enterprises.items()}
        by_id = {e.pk: code for code, e in self.enterprises.items()}
        found: dict[tuple[Any, ...], models.Model] = {}
        for part in chunks(sorted(by_id)):
            rows = spec.model._default_manager.filter(enterprise_id__in=part)
            ordering = list(spec.model._meta.ordering or [])
            for item in rows.order_by(*ordering, "pk"):
                values = {f: getattr(item, f) for f in spec.key if f != "uscc"}
                values["uscc"] = by_id[item.enterprise_id]  # type: ignore[attr-defined]
                # the enterprise is in hand: no query per row when it is shown
                item.enterprise = self.enterprises[values["uscc"]]  # type: ignore[attr-defined]
                found.setdefault(row_key(spec, values) or (), item)
        return found

    def _plan_row(
        self, spec: SheetSpec, row: ParsedRow, key: tuple[Any, ...], current: Any
    ) -> Planned:
        values = self._values(spec, row, current)
        uscc = row.values["uscc"]
        if current is None:
            return Planned(spec, row.row, uscc, key, values, "created", None)
        changes: dict[str, list[Any]] = {}
        for name in SERVICE_FIELDS[spec.name]:
            if name in values:
                old, new = jsonable(getattr(current, name)), jsonable(values[name])
                if old != new:
                    changes[name] = [old, new]
        outcome = "updated" if changes else "unchanged"
        return Planned(spec, row.row, uscc, key, values, outcome, changes, current)

    def name_of(self, uscc: str) -> str:
        """The enterprise's name as the workbook or the registry gives it."""
        name = self.names.get(uscc) or getattr(self.enterprises.get(uscc), "name", uscc)
        return str(name)

    def _values(self, spec: SheetSpec, row: ParsedRow, current: Any) -> dict[str, Any]:
        keys = _KEPT_OUT[spec.name]
        values = {k: v for k, v in row.values.items() if k not in keys}
        if spec.keeps_extra:
            values["extra"] = (
                merged_extra(current, row.extra)
                if current is not None or row.extra
                else {}
            )
        if spec is FIGURES:
            values["source_units"] = merged_units(current, row, values)
        if spec is QUALIFICATIONS:
            entered = values.get(
                "valid_until_entered", getattr(current, "valid_until_entered", None)
            )
            granted = values.get("granted_on", getattr(current, "granted_on", None))
            values["valid_until"] = effective_valid_until(
                row.values["kind"], granted, entered
            )
        return values


# The key fields a row's values leave out (they name the row, not what it sets).
_KEPT_OUT = {
    spec.name: frozenset(spec.key)
    - ({"number", "granted_on"} if spec is QUALIFICATIONS else set())
    for spec in (ENTERPRISE, FIGURES, IP, QUALIFICATIONS, CREDIT)
}
_BLANKS: dict[str, dict[str, Any]] = {}


def blank_values(spec: SheetSpec) -> dict[str, Any]:
    """What a created row changes from: a new row's values as the trail keeps
    them (made once per sheet; a model instance per row is slow)."""
    if spec.name not in _BLANKS:
        before = audit.snapshot(spec.model(), SERVICE_FIELDS[spec.name])
        _BLANKS[spec.name] = {k: jsonable(v) for k, v in before.items()}
    return _BLANKS[spec.name]


_PRESENT: dict[tuple[str, tuple[str, ...]], list[tuple[str, Any]]] = {}


def _present(spec: SheetSpec, values: dict[str, Any]) -> list[tuple[str, Any]]:
    """(field, blank) of `blank_values` for the fields `values` has, in that
    order: worked out once per sheet and set of columns, not once per row."""
    names = tuple(values)
    key = (spec.name, names)
    found = _PRESENT.get(key)
    if found is None:
        found = [(n, b) for n, b in blank_values(spec).items() if n in values]
        if len(_PRESENT) < 1000:  # a sheet has few sets of columns
            _PRESENT[key] = found
    return found


def jsonable(value: Any) -> Any:
    """`audit.to_jsonable`, with the plain kinds (most cells) answered first."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is Decimal:  # as audit.to_jsonable writes it, without its checks
        return format(value.normalize(), "f")
    if kind is dt.date:
        return value.isoformat()
    if kind is dict:  # extra columns, money units: kept as they are
        return value
    return audit.to_jsonable(value)


def row_label(planner: Planner, item: Planned) -> str:
    """A planned row as people name it: 天津宏远电子科技有限公司 2016年度."""
    parts = label_parts(
        item.spec, {**item.values, **dict(zip(item.spec.key, item.key, strict=False))}
    )
    return " ".join([planner.name_of(item.uscc), *[p for p in parts if p]])


def label_parts(spec: SheetSpec, v: dict[str, Any]) -> list[str]:
    """What names a row besides its enterprise: the year, IP number, kind…"""
    if spec is ENTERPRISE:
        return [v["uscc"]]
    if spec is FIGURES:
        return [f"{v['year']}年度"]
    if spec is IP:
        return [v["number"]]
    if spec is QUALIFICATIONS:
        return [v["kind"], v.get("number") or ""]
    return [v["kind"], str(v["occurred_on"])]


def merged_extra(current: Any, extra: dict[str, str | None]) -> dict[str, str]:
    """The stored extra columns with this row's extra columns laid over them."""
    merged = dict(getattr(current, "extra", None) or {})
    for header, text in extra.items():
        if text is None:
            merged.pop(header, None)
        else:
            merged[header] = text
    return merged


def merged_units(
    current: Any, row: ParsedRow, values: dict[str, Any]
) -> dict[str, str]:
    """Original money units: noted for each amount this row sets from 元 or 千元."""
    if current is None:  # a new row: every amount it sets from 元 or 千元
        return {
            field: unit
            for field, unit in row.units.items()
            if unit != DEFAULT_MONEY_UNIT and values[field] is not None
        }
    units = dict(getattr(current, "source_units", None) or {})
    for field, unit in row.units.items():
        old = getattr(current, field, None) if current is not None else None
        if current is not None and audit.to_jsonable(old) == audit.to_jsonable(
            values[field]
        ):
            continue
        if unit == DEFAULT_MONEY_UNIT or values[field] is None:
            units.pop(field, None)
        else:
            units[field] = unit
    return units


def iter_planned(planned: Iterable[Planned], spec: SheetSpec) -> Iterator[Planned]:
    """The planned rows of one sheet."""
    return (p for p in planned if p.spec is spec)

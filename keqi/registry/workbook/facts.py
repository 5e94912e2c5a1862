"""The rules engine's facts straight from a workbook, without touching the database.

`keqi evaluate WORKBOOK` uses this: the workbook is read and cleaned exactly as an
import would (same reader, same sheet table, same cell cleaning), every problem is
collected, and each enterprise of 企业基本信息 becomes one EnterpriseFacts. Areas
are accepted as written: evaluation does not depend on the configured areas.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keqi.registry.facts import YEAR_FIELDS, legal_person_from, tianjin_from
from keqi.registry.validity import effective_valid_until
from keqi.registry.workbook import cells
from keqi.registry.workbook.parse import ParsedRow, ParsedSheet, parse_sheet
from keqi.registry.workbook.plan import row_key
from keqi.registry.workbook.reader import WorkbookUnreadable, read_workbook
from keqi.registry.workbook.result import CellError
from keqi.registry.workbook.schema import (
    CREDIT,
    ENTERPRISE,
    FIGURES,
    IP,
    QUALIFICATIONS,
    SHEETS,
)
from keqi.rules.facts import (
    CreditFact,
    EnterpriseFacts,
    IPItem,
    QualificationFact,
    YearFigures,
)

INSTRUCTION_SHEET = "填写说明"


class AnyArea(dict[str, str]):
    """An areas mapping that accepts every name: the name itself is the value."""

    def get(self, key: str, default: Any = None) -> Any:
        """The (match-form) name; only a blank name is not found."""
        return key or default


@dataclass
class WorkbookFacts:
    """What reading a workbook for evaluation gave: facts, or every problem."""

    facts: list[EnterpriseFacts] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def workbook_facts(path: Path) -> WorkbookFacts:
    """Facts for every enterprise in the workbook at `path`; no database writes."""
    found = WorkbookFacts()
    try:
        raw = read_workbook(path)
    except WorkbookUnreadable as exc:
        found.errors.append(CellError("", 0, "", str(exc)))
        return found
    sheets = _parse(raw, found)
    if ENTERPRISE.name not in sheets and not found.errors:
        message = f"未找到“{ENTERPRISE.name}”工作表，无法评价"
        found.errors.append(CellError("", 0, "", message))
    for sheet in sheets.values():
        _check_keys(sheet, sheets, found.errors)
    order = {s.name: i for i, s in enumerate(SHEETS)}
    found.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row))
    if not found.errors:
        found.facts = _facts(sheets)
    return found


def _parse(raw: list[Any], found: WorkbookFacts) -> dict[str, ParsedSheet]:
    by_name = {cells.match_form(s.name): s for s in SHEETS}
    sheets: dict[str, ParsedSheet] = {}
    for sheet in raw:
        spec = by_name.get(cells.match_form(sheet.name))
        if spec is None:
            if sheet.name != INSTRUCTION_SHEET:
                found.warnings.append(f"已忽略无法识别的工作表“{sheet.name}”")
            continue
        parsed = parse_sheet(spec, sheet, AnyArea(), found.errors)
        if parsed is not None:
            sheets[spec.name] = parsed
    return sheets


def _check_keys(
    sheet: ParsedSheet, sheets: dict[str, ParsedSheet], errors: list[CellError]
) -> None:
    """Duplicate records, and rows of enterprises missing from 企业基本信息."""
    listed = sheets.get(ENTERPRISE.name)
    known = {r.values.get("uscc") for r in (listed.rows if listed else [])}
    seen: dict[tuple[Any, ...], int] = {}
    for row in sheet.rows:
        key = row_key(sheet.spec, row.values)
        if key is None:
            continue
        if key in seen:
            message = f"与第{seen[key]}行重复（同一条记录填了两次）"
            errors.append(
                CellError(sheet.spec.name, row.row, _key_place(sheet), message)
            )
        seen.setdefault(key, row.row)
        if sheet.spec is not ENTERPRISE and key[0] not in known:
            message = f"企业不存在：“{ENTERPRISE.name}”表中没有该统一社会信用代码"
            errors.append(
                CellError(sheet.spec.name, row.row, sheet.place("uscc"), message)
            )


def _key_place(sheet: ParsedSheet) -> str:
    spec = sheet.spec
    return sheet.place(spec.key[-1] if spec is not QUALIFICATIONS else "kind")


def _by_uscc(sheet: ParsedSheet | None) -> dict[str, list[ParsedRow]]:
    grouped: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in sheet.rows if sheet else []:
        grouped[row.values["uscc"]].append(row)
    return grouped


def _facts(sheets: dict[str, ParsedSheet]) -> list[EnterpriseFacts]:
    figures = _by_uscc(sheets.get(FIGURES.name))
    ip = _by_uscc(sheets.get(IP.name))
    quals = _by_uscc(sheets.get(QUALIFICATIONS.name))
    credit = _by_uscc(sheets.get(CREDIT.name))
    result = []
    for row in sheets[ENTERPRISE.name].rows:
        v, uscc = row.values, row.values["uscc"]
        result.append(
            EnterpriseFacts(
                uscc=uscc,
                name=v["name"],
                founded_on=v.get("founded_on"),
                registered_in_tianjin=tianjin_from(v.get("registered_region"), uscc),
                independent_legal_person=legal_person_from(uscc, row.extra),
                restricted_products=v.get("restricted_products"),
                tech_field=v.get("tech_field") or None,
                key_industry=v.get("key_industry") or None,
                years={r.values["year"]: _year(r) for r in figures[uscc]},
                ip=tuple(_ip(r.values) for r in ip[uscc]),
                qualifications=tuple(_qualification(r.values) for r in quals[uscc]),
                credit_records=tuple(_credit(r.values) for r in credit[uscc]),
                niche_years=v.get("niche_years"),
                strategic_emerging=v.get("strategic_emerging"),
            )
        )
    return result


def _year(row: ParsedRow) -> YearFigures:
    return YearFigures(**{name: row.values.get(name) for name in YEAR_FIELDS})


def _ip(v: dict[str, Any]) -> IPItem:
    return IPItem(
        number=v["number"],
        category=v["category"],
        granted_on=v.get("granted_on"),
        acquisition=v.get("acquisition") or None,
        status=v.get("status") or "有效",
        related_to_main=v.get("related_to_main"),
        high_value=v.get("high_value"),
    )


def _qualification(v: dict[str, Any]) -> QualificationFact:
    kind, granted = v["kind"], v.get("granted_on")
    return QualificationFact(
        kind=kind,
        level=v.get("level") or None,
        number=v.get("number") or None,
        granted_on=granted,
        valid_until=effective_valid_until(kind, granted, v.get("valid_until_entered")),
        rank=v.get("rank") or None,
        amount_wan=v.get("amount"),
        note=v.get("note") or None,
    )


def _credit(v: dict[str, Any]) -> CreditFact:
    return CreditFact(kind=v["kind"], occurred_on=v.get("occurred_on"))

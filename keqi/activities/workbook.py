"""Activities and attendance from Excel (活动工作簿): all or nothing.

Two sheets, either may be absent but not both:
- 活动: one row per activity, keyed by 活动编号 (an existing 编号 updates it);
- 参加企业: one row per (活动编号, 统一社会信用代码); the enterprise must already be in
  the registry and within the importer's scope.
Every problem is reported as sheet · row · column; when there is any, nothing is
saved. Attendance already recorded but absent from the workbook is kept. The list
page's export writes the same two sheets, so an export re-imports unchanged.
Cells are cleaned by the registry workbook's helpers (dates, 是/否, whole numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keqi.accounts.models import Unit
from keqi.accounts.scopes import enterprise_q
from keqi.activities.models import Activity, ActivityKind, Attendance
from keqi.activities.selectors import may_edit_activity, may_record
from keqi.activities.services import (
    AttendanceValues,
    activity_check,
    activity_create,
    activity_update,
    attendance_check,
    attendance_set,
)
from keqi.core.uscc import check_uscc
from keqi.registry.models import Enterprise
from keqi.registry.workbook.cells import (
    CellProblem,
    as_text,
    clean_bool,
    clean_choice,
    clean_date,
    clean_int,
    clean_text,
    is_blank,
    match_form,
    refuse_unsafe,
)
from keqi.registry.workbook.reader import RawSheet, WorkbookUnreadable, read_workbook
from keqi.registry.workbook.result import CellError

ACTIVITY_SHEET = "活动"
ATTENDANCE_SHEET = "参加企业"
Cleaner = Callable[[Any], Any]


@dataclass(frozen=True)
class Col:
    """A header, the field it fills, how its cells are cleaned, whether required."""

    header: str
    field: str
    clean: Cleaner
    required: bool = False
    note: str = ""


def _kind(raw: Any) -> str:
    return clean_choice(raw, ActivityKind)


ACTIVITY_COLUMNS = (
    Col("活动编号", "code", lambda r: clean_text(r, 40), True, "本单位自定，唯一"),
    Col("活动类型", "kind", _kind, True, "、".join(ActivityKind.values)),
    Col("活动名称", "title", lambda r: clean_text(r, 200), True),
    Col("举办日期", "held_on", clean_date, True, "如 2019-05-20"),
    Col("结束日期", "ends_on", clean_date, False, "多日活动、大赛决赛日"),
    Col("主办单位", "organiser", lambda r: clean_text(r, 80), True, "单位名称或简称"),
    Col("协办单位", "co_organisers", lambda r: clean_text(r, 300)),
    Col("地点", "venue", lambda r: clean_text(r, 200)),
    Col("科技型中小企业入库申报培训", "tech_sme_training", clean_bool, False, "是/否"),
    Col("届次", "edition", clean_int, False, "大赛填写"),
    Col("邀请专家/嘉宾", "guests", lambda r: clean_text(r, 500)),
    Col("参加总人数", "people_total", clean_int),
    Col("活动内容", "summary", clean_text),
)
ATTENDANCE_COLUMNS = (
    Col("活动编号", "code", lambda r: clean_text(r, 40), True),
    Col("统一社会信用代码", "uscc", lambda r: clean_text(r, 30), True),
    Col(
        "企业名称", "name", lambda r: clean_text(r, 200), False, "填写时须与企业库一致"
    ),
    Col("受邀", "invited", clean_bool, False, "是/否，空白为是"),
    Col("参加", "attended", clean_bool, False, "是/否，空白时按参加人数判断"),
    Col("参加人数", "people", clean_int),
    Col("备注", "note", lambda r: clean_text(r, 200)),
)


@dataclass
class Parsed:
    """A sheet row that cleaned without problems: its number and its values."""

    row: int
    values: dict[str, Any]


@dataclass
class ImportReport:
    """What an import found (errors) or did (counts per outcome)."""

    errors: list[CellError] = field(default_factory=list)
    activities: dict[str, int] = field(default_factory=dict)
    attendance: dict[str, int] = field(default_factory=dict)
    applied: bool = False

    def count(self, table: str, outcome: str) -> None:
        bucket = getattr(self, table)
        bucket[outcome] = bucket.get(outcome, 0) + 1


# ---------------------------------------------------------------- reading


def _sheet(sheets: list[RawSheet], name: str) -> RawSheet | None:
    return next((s for s in sheets if match_form(s.name) == match_form(name)), None)


def _rows(
    sheet: RawSheet, columns: tuple[Col, ...], report: ImportReport
) -> list[Parsed]:
    """Clean every non-blank row under the header row; problems go to the report."""
    body = [
        (n, cells) for n, cells in sheet.rows if any(not is_blank(c) for c in cells)
    ]
    if not body:
        return []
    header_row, headers = body[0]
    where = {
        match_form(as_text(h)): i for i, h in enumerate(headers) if not is_blank(h)
    }
    missing = [
        c.header for c in columns if c.required and match_form(c.header) not in where
    ]
    for header in missing:
        report.errors.append(CellError(sheet.name, header_row, header, "缺少必填列"))
    if missing:
        return []
    parsed = []
    for number, cells in body[1:]:
        values, ok = {}, True
        for col in columns:
            index = where.get(match_form(col.header))
            raw = cells[index] if index is not None and index < len(cells) else None
            try:
                refuse_unsafe(raw)
                values[col.field] = col.clean(raw)
            except CellProblem as exc:
                report.errors.append(
                    CellError(sheet.name, number, col.header, str(exc))
                )
                ok = False
                continue
            if col.required and values[col.field] in (None, ""):
                report.errors.append(
                    CellError(sheet.name, number, col.header, "不能为空")
                )
                ok = False
        if ok:
            parsed.append(Parsed(number, values))
    return parsed


def _unit_finder() -> Callable[[str], Unit | None]:
    units: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        for name in (unit.name, unit.short_name, unit.code):
            if name:
                units.setdefault(match_form(name), unit)
    return lambda text: units.get(match_form(text))


# ---------------------------------------------------------------- checking


@dataclass
class Plan:
    """The checked workbook: activities to write and attendance lines to set."""

    activities: list[tuple[Parsed, Activity | None]] = field(default_factory=list)
    attendance: list[tuple[Parsed, Enterprise]] = field(default_factory=list)


def _error(report: ImportReport, sheet: str, row: int, column: str, text: str) -> None:
    report.errors.append(CellError(sheet, row, column, text))


def _check_activity(
    p: Parsed, actor: Any, find_unit: Callable[[str], Unit | None], report: ImportReport
) -> Activity | None:
    """Resolve the organiser and the existing row; report what is wrong."""
    v = p.values
    unit = find_unit(v["organiser"])
    if unit is None:
        _error(
            report,
            ACTIVITY_SHEET,
            p.row,
            "主办单位",
            f"系统中没有单位“{v['organiser']}”",
        )
        return None
    if actor is not None and not actor.is_hq and unit.pk != actor.unit_id:
        _error(report, ACTIVITY_SHEET, p.row, "主办单位", "只能导入本单位主办的活动")
        return None
    v["organiser"] = unit
    existing = Activity.objects.filter(code=v["code"]).first()
    if existing is not None and not may_edit_activity(actor, existing):
        _error(
            report,
            ACTIVITY_SHEET,
            p.row,
            "活动编号",
            "该编号的活动由其他单位主办，不能修改",
        )
        return None
    v["tech_sme_training"] = bool(v["tech_sme_training"])
    probe = Activity(**{k: val for k, val in v.items() if k != "code"})
    for problem in activity_check(probe):
        _error(report, ACTIVITY_SHEET, p.row, "", problem)
    return existing


def _attendance_values(v: dict[str, Any]) -> AttendanceValues:
    people = v["people"] or 0
    attended = v["attended"] if v["attended"] is not None else people > 0
    invited = v["invited"] if v["invited"] is not None else True
    return AttendanceValues(invited, attended, people, v["note"])


def _check_attendance(
    p: Parsed, actor: Any, codes: dict[str, Activity | None], report: ImportReport
) -> Enterprise | None:
    v, sheet = p.values, ATTENDANCE_SHEET
    if v["code"] not in codes:
        activity = Activity.objects.filter(code=v["code"]).first()
        if activity is None or not may_edit_activity(actor, activity):
            why = "不存在" if activity is None else "由其他单位主办，不能修改"
            _error(report, sheet, p.row, "活动编号", f"活动“{v['code']}”{why}")
            return None
        codes[v["code"]] = activity
    checked = check_uscc(v["uscc"])
    if not checked.ok:
        _error(report, sheet, p.row, "统一社会信用代码", checked.error)
        return None
    scope = (
        Enterprise.objects.filter(enterprise_q(actor)) if actor else Enterprise.objects
    )
    enterprise = scope.filter(uscc=checked.code).first()
    if enterprise is None:
        _error(
            report,
            sheet,
            p.row,
            "统一社会信用代码",
            "企业库中没有该企业，或不在您的管辖范围内",
        )
        return None
    if v["name"] and match_form(v["name"]) != match_form(enterprise.name):
        _error(
            report, sheet, p.row, "企业名称", f"与企业库名称“{enterprise.name}”不一致"
        )
    for problem in attendance_check(_attendance_values(v)):
        _error(report, sheet, p.row, "参加人数", problem)
    return enterprise


def _check_people(plan: Plan, report: ImportReport) -> None:
    """Per activity: enterprises' people (kept + imported) within 参加总人数."""
    totals = {
        p.values["code"]: (p, p.values["people_total"]) for p, _ in plan.activities
    }
    for code, (p, limit) in totals.items():
        if limit is None:
            continue
        imported = {
            e.pk: q.values["people"] or 0
            for q, e in plan.attendance
            if q.values["code"] == code
        }
        kept = Attendance.objects.filter(activity__code=code).exclude(
            enterprise_id__in=imported
        )
        people = sum(imported.values()) + sum(kept.values_list("people", flat=True))
        if people > limit:
            _error(
                report,
                ACTIVITY_SHEET,
                p.row,
                "参加总人数",
                f"参加企业人数合计{people}人，超过参加总人数{limit}人",
            )


def workbook_check(sheets: list[RawSheet], actor: Any, report: ImportReport) -> Plan:
    """Clean and check both sheets; every problem lands in `report.errors`."""
    plan = Plan()
    act_sheet, att_sheet = (
        _sheet(sheets, ACTIVITY_SHEET),
        _sheet(sheets, ATTENDANCE_SHEET),
    )
    if act_sheet is None and att_sheet is None:
        _error(
            report,
            "",
            0,
            "",
            f"工作簿中没有“{ACTIVITY_SHEET}”或“{ATTENDANCE_SHEET}”工作表",
        )
        return plan
    codes: dict[str, Activity | None] = {}
    find_unit = _unit_finder()
    for p in _rows(act_sheet, ACTIVITY_COLUMNS, report) if act_sheet else []:
        if p.values["code"] in codes:
            _error(report, ACTIVITY_SHEET, p.row, "活动编号", "活动编号重复")
            continue
        existing = _check_activity(p, actor, find_unit, report)
        codes[p.values["code"]] = existing
        plan.activities.append((p, existing))
    seen: set[tuple[str, int]] = set()
    for p in _rows(att_sheet, ATTENDANCE_COLUMNS, report) if att_sheet else []:
        enterprise = _check_attendance(p, actor, codes, report)
        if enterprise is None:
            continue
        if (p.values["code"], enterprise.pk) in seen:
            _error(
                report,
                ATTENDANCE_SHEET,
                p.row,
                "统一社会信用代码",
                "同一活动中该企业重复出现",
            )
        seen.add((p.values["code"], enterprise.pk))
        plan.attendance.append((p, enterprise))
    _check_people(plan, report)
    return plan


# ---------------------------------------------------------------- applying


def _apply(plan: Plan, actor: Any, reason: str, report: ImportReport) -> None:
    by_code: dict[str, Activity] = {}
    for p, existing in plan.activities:
        values = {k: v for k, v in p.values.items() if k != "code"}
        if existing is None:
            created = activity_create(
                values=values, actor=actor, code=p.values["code"], reason=reason
            )
            by_code[created.code] = created
            report.count("activities", "created")
        else:
            changed = activity_update(
                activity=existing, values=values, actor=actor, reason=reason
            )
            by_code[existing.code] = existing
            report.count("activities", "updated" if changed else "unchanged")
    for p, enterprise in plan.attendance:
        code = p.values["code"]
        activity = by_code.get(code) or Activity.objects.get(code=code)
        _, outcome = attendance_set(
            activity=activity,
            enterprise=enterprise,
            values=_attendance_values(p.values),
            actor=actor,
        )
        report.count("attendance", outcome)


def activities_import(
    *, path: Path, actor: Any, dry_run: bool = False, reason: str = ""
) -> ImportReport:
    """Check a workbook and, when it has no problem and not `dry_run`, apply it all."""
    report = ImportReport()
    if not may_record(actor):
        raise PermissionDenied("当前账号只能查看，不能导入")
    try:
        sheets = read_workbook(path)
    except WorkbookUnreadable as exc:
        report.errors.append(CellError("", 0, "", str(exc)))
        return report
    plan = workbook_check(sheets, actor, report)
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            _apply(plan, actor, reason or f"导入工作簿 {path.name}", report)
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        report.errors += [CellError("", 0, "", m) for m in messages]
        report.activities, report.attendance = {}, {}
        return report
    report.applied = True
    return report


def activity_sheets(
    activities: list[Activity], attendance: list[Attendance]
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The two import sheets for the given rows (what the list page exports)."""
    act_rows = [
        [
            a.code, a.kind, a.title, a.held_on, a.ends_on, str(a.organiser),
            a.co_organisers, a.venue, a.tech_sme_training, a.edition, a.guests,
            a.people_total, a.summary,
        ]
        for a in activities
    ]  # fmt: skip
    att_rows = [
        [
            r.activity.code, r.enterprise.uscc, r.enterprise.name, r.invited,
            r.attended, r.people, r.note,
        ]
        for r in attendance
    ]  # fmt: skip
    return [
        (ACTIVITY_SHEET, [c.header for c in ACTIVITY_COLUMNS], act_rows),
        (ATTENDANCE_SHEET, [c.header for c in ATTENDANCE_COLUMNS], att_rows),
    ]

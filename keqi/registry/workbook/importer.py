"""Importing a workbook: read, clean, check everything, then apply it all or nothing.

`import_workbook` is the one entry point for the CLI, the web page and tests. It
collects every problem before touching the database; when there is none, it
applies the planned rows through the audited registry services in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from keqi.accounts.models import Area
from keqi.accounts.scopes import can_edit_enterprises, district_q
from keqi.core import audit
from keqi.core.audit import AuditAction
from keqi.registry import services
from keqi.registry.models import (
    AnnualFigures,
    CreditRecord,
    Enterprise,
    IntellectualProperty,
    Qualification,
)
from keqi.registry.workbook import cells
from keqi.registry.workbook.parse import ParsedSheet, parse_sheet
from keqi.registry.workbook.plan import Planned, Planner
from keqi.registry.workbook.reader import RawSheet, WorkbookUnreadable, read_workbook
from keqi.registry.workbook.result import (
    CellError,
    ImportResult,
    RowChange,
    SheetCounts,
)
from keqi.registry.workbook.schema import (
    ENTERPRISE,
    FIGURES,
    IP,
    QUALIFICATIONS,
    SHEETS,
    SheetSpec,
)

INSTRUCTION_SHEET = "填写说明"
FIELD_LABELS = {
    "extra": "附加列",
    "source_units": "原始金额单位",
    "valid_until": "有效期至（生效）",
}


class PlanDrift(Exception):
    """A service did something other than what was planned; the import is undone."""


def import_workbook(
    path: Path,
    *,
    actor: Any,
    dry_run: bool = False,
    source_name: str = "",
    expected_fingerprint: str = "",
    on_applied: Callable[[], None] | None = None,
) -> ImportResult:
    """Import the workbook at `path` as `actor` (None = the operator at the console).

    With dry_run, only report what would change. With expected_fingerprint (from a
    preview), refuse to apply anything other than exactly what was previewed.
    `on_applied` runs inside the applying transaction (e.g. to record the API call
    with the change it made).

    Call it outside any transaction: reading and checking the file takes no lock,
    and only the final apply opens one (on SQLite a transaction holds the whole
    database's write lock, so a caller's transaction would hold it while parsing).
    """
    result = ImportResult(source=source_name or path.name)
    if actor is not None and not can_edit_enterprises(actor):
        result.errors.append(CellError("", 0, "", "当前账号无权导入企业数据"))
        return result
    planner = _check(path, actor, result)
    if planner is None or result.errors:
        return result
    planned = planner.plan()
    _describe(planned, result)
    if expected_fingerprint and expected_fingerprint != result.fingerprint():
        message = "预览之后企业库或文件已有变化，请重新上传并核对后再确认"
        result.errors.append(CellError("", 0, "", message))
        return result
    if not dry_run and result.changed:
        _apply_all(planner, planned, actor, result, _digest(path), on_applied)
    return result


def _check(path: Path, actor: Any, result: ImportResult) -> Planner | None:
    """Read, clean and check; every problem goes to result.errors."""
    try:
        raw = read_workbook(path)
    except WorkbookUnreadable as exc:
        result.errors.append(CellError("", 0, "", str(exc)))
        return None
    errors: list[CellError] = []
    sheets = _parse_sheets(raw, errors, result, actor)
    if not sheets and not errors:
        names = "、".join(s.name for s in SHEETS)
        errors.append(CellError("", 0, "", f"未找到可识别的工作表（应为：{names}）"))
    planner = Planner(sheets, actor)
    errors.extend(planner.check())
    order = {s.name: i for i, s in enumerate(SHEETS)}
    result.errors.extend(sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row)))
    return planner


def _parse_sheets(
    raw: list[RawSheet], errors: list[CellError], result: ImportResult, actor: Any
) -> dict[str, ParsedSheet]:
    areas = _areas(actor)
    by_name = {cells.match_form(s.name): s for s in SHEETS}
    sheets: dict[str, ParsedSheet] = {}
    for sheet in raw:
        spec = by_name.get(cells.match_form(sheet.name))
        if spec is None:
            if sheet.name != INSTRUCTION_SHEET:
                result.warnings.append(f"已忽略无法识别的工作表“{sheet.name}”")
            continue
        parsed = parse_sheet(spec, sheet, areas, errors)
        sheet.rows = []  # the raw cells are no longer needed: free them now
        if parsed is None:
            continue
        if parsed.extra_headers and not spec.keeps_extra:
            dropped = "、".join(parsed.extra_headers)
            result.warnings.append(f"{spec.name}表不保存附加列，已忽略：{dropped}")
        sheets[spec.name] = parsed
    return sheets


def _areas(actor: Any) -> dict[str, Area]:
    """The areas of the actor's district (every district for the system, actor
    None) by name and code, in their configured order: a row naming another
    district's area is refused like an unknown one."""
    rows = Area.objects.select_related("district").order_by("sort", "code")
    found: dict[str, Area] = {}
    for area in rows if actor is None else rows.filter(district_q(actor)):
        found[cells.match_form(area.name)] = area
        found.setdefault(cells.match_form(area.code), area)
    return found


def _describe(planned: list[Planned], result: ImportResult) -> None:
    for spec in SHEETS:
        if any(p.spec is spec for p in planned):
            result.counts[spec.name] = SheetCounts()
    for item in planned:
        result.counts[item.spec.name].add(item.outcome)
        fields = tuple(
            (_field_label(item.spec, name), old, new)
            for name, (old, new) in item.changes.items()
        )
        change = RowChange(item.spec.name, item.row, item.label, item.outcome, fields)
        result.changes.append(change)


def _field_label(spec: SheetSpec, name: str) -> str:
    labels = _LABELS.get(spec.name)
    if labels is None:
        labels = _LABELS[spec.name] = {c.field: c.header for c in spec.columns}
    return labels.get(name) or FIELD_LABELS.get(name, name)


_LABELS: dict[str, dict[str, str]] = {}


def _apply_all(
    planner: Planner,
    planned: list[Planned],
    actor: Any,
    result: ImportResult,
    digest: str,
    on_applied: Callable[[], None] | None = None,
) -> None:
    """Apply the plan in one transaction; any surprise undoes all of it.

    Inside the transaction the registry rows are read again (locked where the
    database can) and the plan is made again; if it differs from the one checked,
    somebody changed the registry meanwhile and nothing is written.
    """
    reason = f"导入工作簿“{result.source}”"
    sheet = ""
    try:
        with transaction.atomic():
            fresh = Planner(planner.sheets, actor, lock=True)
            again = [] if fresh.check() else fresh.plan()
            if not _same_plan(again, planned):
                raise PlanDrift("核对之后企业库已有变化，请重新导入")
            enterprises = dict(fresh.enterprises)
            for spec in SHEETS:
                sheet = spec.name
                _write_sheet(spec, again, enterprises, actor, reason)
            _record_import(actor, result, digest, reason)
            if on_applied is not None:
                on_applied()
    except (PlanDrift, PermissionDenied, ValidationError, IntegrityError) as exc:
        message = f"写入时出错，本次导入未做任何修改：{_message(exc)}"
        result.errors.append(CellError(sheet, 0, "", message))
        return
    result.applied = True


def _same_plan(again: list[Planned], planned: list[Planned]) -> bool:
    """Whether two plans do the same (compared row by row, without copying them:
    at 100 000 enterprises each plan is hundreds of MB)."""
    return len(again) == len(planned) and all(
        (a.spec.name, a.row, a.outcome, a.changes)
        == (p.spec.name, p.row, p.outcome, p.changes)
        for a, p in zip(again, planned, strict=True)
    )


def _write_sheet(
    spec: SheetSpec,
    planned: list[Planned],
    enterprises: dict[str, Enterprise],
    actor: Any,
    reason: str,
) -> None:
    """Create the sheet's new rows together, then update its changed rows together."""
    rows = [p for p in planned if p.spec is spec]
    new = [(_new_row(p, enterprises), p.values) for p in rows if p.outcome == "created"]
    created = services.registry_rows_create(items=new, actor=actor, reason=reason)
    if spec is ENTERPRISE:
        for upserted in created:
            enterprise = cast(Enterprise, upserted.row)
            enterprises[enterprise.uscc] = enterprise
    changed = [p for p in rows if p.outcome == "updated"]
    items = [(p.current, p.values) for p in changed]
    updated = services.registry_rows_update(items=items, actor=actor, reason=reason)
    for item, done in zip(changed, updated, strict=True):
        if done.changes != item.changes:
            raise PlanDrift(f"{item.label}：实际修改与核对结果不一致")


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def _new_row(item: Planned, enterprises: dict[str, Enterprise]) -> models.Model:
    """An unsaved row holding only the key of a planned new record."""
    if item.spec is ENTERPRISE:
        return Enterprise(uscc=item.uscc)
    enterprise = enterprises[item.uscc]
    key = item.key
    if item.spec is FIGURES:
        return AnnualFigures(enterprise=enterprise, year=key[1])
    if item.spec is IP:
        return IntellectualProperty(enterprise=enterprise, number=key[1])
    if item.spec is QUALIFICATIONS:
        return Qualification(enterprise=enterprise, kind=key[1])
    return CreditRecord(enterprise=enterprise, kind=key[1], occurred_on=key[2])


class _Workbook:
    """Stands in for the imported file as the target of the summary audit event."""

    class _meta:  # noqa: N801 - mirrors a model's Meta as audit.record reads it
        label_lower = "registry.workbook"

    def __init__(self, name: str, digest: str) -> None:
        self.name = name
        self.pk = digest

    def __str__(self) -> str:
        return self.name


def _record_import(actor: Any, result: ImportResult, digest: str, reason: str) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.WORKBOOK_IMPORT,
        target=cast(models.Model, _Workbook(result.source, digest)),
        changes={"sheets": result.summary()},
        reason=reason,
    )


def _digest(path: Path) -> str:
    """A short SHA-256 of the file (or of a folder's CSV files) for the audit trail."""
    digest = hashlib.sha256()
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    for item in files:
        if item.is_file():
            digest.update(item.read_bytes())
    return digest.hexdigest()[:16]

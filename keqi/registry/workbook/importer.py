"""Importing a workbook: read, clean, check everything, then apply it all or nothing.

`import_workbook` is the one entry point for the CLI, the web page and tests. It
collects every problem before touching the database; when there is none, it
applies the planned rows through the audited registry services in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from keqi.accounts.models import Area
from keqi.accounts.scopes import can_edit_enterprises, district_q
from keqi.core import audit
from keqi.core.audit import AuditAction
from keqi.core.models import AuditEvent
from keqi.registry import bulk, services
from keqi.registry.models import (
    Enterprise,
)
from keqi.registry.workbook import cells
from keqi.registry.workbook.parse import ParsedSheet, parse_sheet
from keqi.registry.workbook.plan import Planned, Planner, label_parts, row_label
from keqi.registry.workbook.reader import RawSheet, WorkbookUnreadable, read_workbook
from keqi.registry.workbook.result import (
    OUTCOMES,
    CellError,
    ImportResult,
    SheetCounts,
)
from keqi.registry.workbook.schema import (
    ENTERPRISE,
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


Progress = Callable[[str, int, int], None]  # (stage in Chinese, done, total)


def import_workbook(
    path: Path,
    *,
    actor: Any,
    dry_run: bool = False,
    source_name: str = "",
    expected_fingerprint: str = "",
    on_applied: Callable[[], None] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the workbook at `path` as `actor` (None = the operator at the console).

    With dry_run, only report what would change. With expected_fingerprint (from a
    preview), refuse to apply anything other than exactly what was previewed.
    `on_applied` runs inside the applying transaction (e.g. to record the API call
    with the change it made); `progress` is told each stage (the background job's
    progress page).

    Call it outside any transaction: reading, checking and planning take no lock;
    only the final write opens one (on SQLite a transaction holds the whole
    database's write lock, so a caller's transaction would hold it while parsing).
    The registry is read once, keyed by USCC; inside the write transaction a
    registry change made since that read is found by the audit trail (every
    registry service writes an event in the same transaction as its change), so
    the rows are not diffed a second time.
    """
    with cells.collector_paused():
        return _import(
            path,
            actor,
            dry_run,
            source_name,
            expected_fingerprint,
            on_applied,
            progress,
        )


def _import(
    path: Path,
    actor: Any,
    dry_run: bool,
    source_name: str,
    expected_fingerprint: str,
    on_applied: Callable[[], None] | None,
    progress: Progress | None,
) -> ImportResult:
    step = progress or (lambda stage, done, total: None)
    result = ImportResult(source=source_name or path.name)
    if actor is not None and not can_edit_enterprises(actor):
        result.errors.append(CellError("", 0, "", "当前账号无权导入企业数据"))
        return result
    step("读取并检查文件", 0, 0)
    mark = registry_mark()
    planner = _check(path, actor, result)
    if planner is None or result.errors:
        return result
    step("与企业库比对", 0, 0)
    planned = planner.plan()
    _describe(planner, planned, result)
    if expected_fingerprint and expected_fingerprint != result.fingerprint():
        message = "预览之后企业库或文件已有变化，请重新上传并核对后再确认"
        result.errors.append(CellError("", 0, "", message))
        return result
    if not dry_run and result.changed:
        step("写入企业库", 0, result.changed_total)
        _apply_all(planner, planned, actor, result, _digest(path), mark, on_applied)
    return result


_REGISTRY_TYPES = (
    "registry.enterprise",
    "registry.annualfigures",
    "registry.intellectualproperty",
    "registry.qualification",
    "registry.creditrecord",
    "registry.workbook",
)


def registry_mark() -> int:
    """The newest audit event's id: the registry as read after this point."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


def registry_changed_since(mark: int) -> bool:
    """Whether any registry row changed after `mark` (one indexed range read)."""
    newer = AuditEvent.objects.filter(pk__gt=mark, target_type__in=_REGISTRY_TYPES)
    return newer.exists()


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
    codes: dict[Any, Any] = {}
    for sheet in raw:
        spec = by_name.get(cells.match_form(sheet.name))
        if spec is None:
            if sheet.name != INSTRUCTION_SHEET:
                result.warnings.append(f"已忽略无法识别的工作表“{sheet.name}”")
            continue
        parsed = parse_sheet(spec, sheet, areas, errors, codes)
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


def _describe(planner: Planner, planned: list[Planned], result: ImportResult) -> None:
    """Counts per sheet and per enterprise, the fingerprint of every change and the
    first changed rows with their labels.

    The fingerprint covers what each row sets: the cleaned values of every sheet
    (digested a column at a time while parsing, `ParsedSheet.digest`; a created
    row sets them and its changes from blank follow from them), each row's
    outcome, and an updated row's old and new values."""
    counts: dict[str, dict[str, int]] = {}
    outcomes: dict[str, list[str]] = {}
    updates: list[tuple[str, int, dict[str, list[Any]]]] = []
    touched: dict[str, str] = {}
    for item in planned:
        name, outcome = item.spec.name, item.outcome
        if name not in counts:
            counts[name] = dict.fromkeys(OUTCOMES, 0)
            outcomes[name] = []
        counts[name][outcome] += 1
        outcomes[name].append(outcome)
        if outcome == "unchanged":
            touched.setdefault(item.uscc, "unchanged")
            continue
        if item.spec is ENTERPRISE and outcome == "created":
            touched[item.uscc] = "created"
        elif touched.get(item.uscc) != "created":
            touched[item.uscc] = "updated"
        if item.updates is not None:
            updates.append((name, item.row, item.updates))
        result.add_change(
            name, item.row, outcome, lambda item=item: _shown(planner, item)
        )
    for spec in SHEETS:
        if spec.name in counts:
            result.counts[spec.name] = SheetCounts(**counts[spec.name])
            sheet = planner.sheets[spec.name]
            result.fingerprint_add((spec.name, sheet.digest, outcomes[spec.name]))
    for start in range(0, len(updates), 1000):
        result.fingerprint_add(updates[start : start + 1000])
    for outcome in OUTCOMES:
        result.enterprises[outcome] = 0
    for outcome in touched.values():
        result.enterprises[outcome] += 1


def _shown(planner: Planner, item: Planned) -> tuple[str, tuple[Any, ...]]:
    """A changed row as the preview shows it: its label and (header, old, new)."""
    fields = tuple(
        (_field_label(item.spec, name), old, new)
        for name, (old, new) in item.changes.items()
    )
    return row_label(planner, item), fields


def _field_label(spec: SheetSpec, name: str) -> str:
    labels = _LABELS.get(spec.name)
    if labels is None:
        labels = _LABELS[spec.name] = {c.field: c.header for c in spec.columns}
    return labels.get(name) or FIELD_LABELS.get(name, name)


def _labels(spec: SheetSpec) -> dict[str, str]:
    """The sheet's column headers by field (what `_field_label` says of them)."""
    _field_label(spec, "")
    return _LABELS[spec.name]


_LABELS: dict[str, dict[str, str]] = {}


def _apply_all(
    planner: Planner,
    planned: list[Planned],
    actor: Any,
    result: ImportResult,
    digest: str,
    mark: int,
    on_applied: Callable[[], None] | None = None,
) -> None:
    """Write the plan in one transaction; any surprise undoes all of it.

    If the audit trail shows a registry change since the registry was read for
    the plan, somebody changed it meanwhile and nothing is written.
    """
    reason = f"导入工作簿“{result.source}”"
    sheet = ""
    try:
        with transaction.atomic():
            if registry_changed_since(mark):
                raise PlanDrift("核对之后企业库已有变化，请重新导入")
            refs = {c: (e.pk, e.name) for c, e in planner.enterprises.items()}
            for spec in SHEETS:
                sheet = spec.name
                _write_sheet(spec, planned, refs, actor)
            sheet = ""
            changes = _enterprise_changes(planned, refs)
            result.events = services.import_changes_record(
                changes=changes, actor=actor, reason=reason
            )
            _record_import(actor, result, digest, reason)
            if on_applied is not None:
                on_applied()
    except (PlanDrift, PermissionDenied, ValidationError, IntegrityError) as exc:
        message = f"写入时出错，本次导入未做任何修改：{_message(exc)}"
        result.errors.append(CellError(sheet, 0, "", message))
        return
    result.applied = True
    written = sum(1 for item in planned if item.outcome != "unchanged")
    bulk.statistics_refresh([*(spec.model for spec in SHEETS), AuditEvent], written)


def _write_sheet(
    spec: SheetSpec,
    planned: list[Planned],
    refs: dict[str, tuple[int, str]],
    actor: Any,
) -> None:
    """Insert the sheet's new rows together, then update its changed rows together.
    `refs` maps each code to the enterprise's id and name (new ones are added)."""
    rows = [p for p in planned if p.spec is spec]
    new = [p for p in rows if p.outcome == "created"]
    if spec is ENTERPRISE:
        given = [{**p.values, "uscc": p.uscc} for p in new]
        ids = services.registry_rows_insert(model=Enterprise, rows=given, actor=actor)
        for item, pk in zip(new, ids, strict=True):
            refs[item.uscc] = (pk, str(item.values.get("name", "")))
    else:
        given = [_child_row(spec, p, refs) for p in new]
        services.registry_rows_insert(model=spec.model, rows=given, actor=actor)
    items = [(p.current, p.values) for p in rows if p.outcome == "updated"]
    services.registry_rows_update(items=items, actor=actor, checked=True)


def _child_row(
    spec: SheetSpec, item: Planned, refs: dict[str, tuple[int, str]]
) -> dict[str, Any]:
    """A new figures/IP/qualification/credit row: its key fields and values."""
    row = {"enterprise": refs[item.uscc][0], **item.values}
    for name, value in zip(spec.key, item.key, strict=False):
        if name != "uscc" and name not in row:
            row[name] = value
    return row


def _enterprise_changes(
    planned: list[Planned], refs: dict[str, tuple[int, str]]
) -> Iterator[tuple[tuple[int, str], bool, dict[str, list[Any]]]]:
    """Every changed row's values gathered under its enterprise, for the trail:
    the enterprise's own fields by name, the other sheets' as 年度数据 2016年度
    职工总数（人）. One enterprise at a time, so they are never all held at once."""
    rows: dict[str, list[Planned]] = {}
    for item in planned:
        if item.outcome != "unchanged":
            rows.setdefault(item.uscc, []).append(item)
    labels = {spec.name: _labels(spec) for spec in SHEETS}
    places: dict[tuple[Any, ...], str] = {}  # (sheet, key, outcome) → where
    for uscc, items in rows.items():
        created = False
        values: dict[str, list[Any]] = {}
        for item in items:
            spec = item.spec
            if spec is ENTERPRISE:
                created = created or item.outcome == "created"
                values.update(item.changes)
                continue
            place = (spec.name, *item.key[1:], item.outcome)
            where = places.get(place)
            if where is None:  # the same few years, kinds… for every enterprise
                key = dict(zip(spec.key, item.key, strict=False))
                where = " ".join([spec.name, *[p for p in label_parts(spec, key) if p]])
                if item.outcome == "created":
                    where += "（新增）"
                if len(places) < 10_000:
                    places[place] = where
            named = labels[spec.name]
            for name, pair in item.changes.items():
                label = named.get(name) or _field_label(spec, name)
                values[f"{where} {label}"] = pair
        yield refs[uscc], created, values


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


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

"""Every change to campaign data: loading plans (reports and meetings in sibling modules).

Each service is atomic and writes its audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from keqi.accounts.models import Role, Unit, UnitKind
from keqi.accounts.scopes import district_id_of
from keqi.campaign.board import reporting_month_error
from keqi.campaign.filing import report_gaps
from keqi.campaign.metrics import METRICS
from keqi.campaign.models import (
    Decision,
    DecisionStatus,
    Measure,
    MeasureUnit,
    MonthClose,
    Plan,
    ProgressKind,
    ProgressReport,
    ReportAttachment,
    ReportLine,
    ReportStatus,
    Source,
    Target,
    TargetUnit,
)
from keqi.campaign.plan_sections import plan_sections
from keqi.campaign.planfile import PlanFileError, PlanSpec, plan_file_read
from keqi.campaign.progress import next_month
from keqi.core import audit


class CampaignAction:
    """Audited action names of the campaign app."""

    PLAN_LOAD = "plan.load"
    REPORT_SAVE = "report.save"
    REPORT_SUBMIT = "report.submit"
    REPORT_RETURN = "report.return"
    REPORT_CORRECT = "report.correct"
    REPORT_ATTACH = "report.attach"
    MONTH_CLOSE = "month.close"
    MEETING_CREATE = "meeting.create"
    MEETING_MINUTES = "meeting.minutes"
    DECISION_CREATE = "decision.create"
    DECISION_CLOSE = "decision.close"


ACTION_LABELS = {
    CampaignAction.PLAN_LOAD: "载入实施方案",
    CampaignAction.REPORT_SAVE: "保存月报",
    CampaignAction.REPORT_SUBMIT: "报送月报",
    CampaignAction.REPORT_RETURN: "退回月报",
    CampaignAction.REPORT_CORRECT: "关账后更正月报",
    CampaignAction.REPORT_ATTACH: "上传月报附件",
    CampaignAction.MONTH_CLOSE: "月度关账",
    CampaignAction.MEETING_CREATE: "生成联席会议",
    CampaignAction.MEETING_MINUTES: "填写会议纪要",
    CampaignAction.DECISION_CREATE: "新增议定事项",
    CampaignAction.DECISION_CLOSE: "办结议定事项",
}

_TARGET_FIELDS = [
    "sort",
    "name",
    "value",
    "unit_label",
    "deadline",
    "deadline_text",
    "source",
    "metric",
    "milestone",
    "plan_text",
    "note",
    "unit_refs",
]
_MEASURE_FIELDS = [
    "title",
    "text",
    "units_text",
    "unit_refs",
    "deadline",
    "deadline_text",
]


def ensure_hq(actor: Any) -> None:
    """Only the HQ office (or the command line, actor None) may do this."""
    if actor is not None and not actor.is_hq:
        raise PermissionDenied("只有指挥部办公室可以执行此操作")


@dataclass(frozen=True)
class PlanLoaded:
    plan: Plan
    created: bool
    changes: dict[str, list[Any]]


def plan_file_load(*, path: str | Path, actor: Any) -> PlanLoaded:
    """Read, check and store a plan file (see plan_load)."""
    spec = plan_file_read(path, known_metrics=METRICS)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return plan_load(spec=spec, actor=actor, source_path=str(path), sha256=digest)


@transaction.atomic
def plan_load(
    *, spec: PlanSpec, actor: Any, source_path: str = "", sha256: str = ""
) -> PlanLoaded:
    """Store a checked plan as Plan/Target/Measure rows; loading again updates them.

    Units must exist in the district's organisation. A target or measure that was
    dropped from the file is deleted, unless monthly reports already refer to it.
    """
    ensure_hq(actor)
    units = _resolve_units(spec)
    office = units[spec.office_unit][0][0]
    mine = actor is None or actor.is_superuser
    if not mine and office.district_id != district_id_of(actor):
        raise PermissionDenied("只能载入本区的方案")
    plan, created = _plan_upsert(spec, units, source_path, sha256)
    changes: dict[str, list[Any]] = {}
    targets = _targets_upsert(plan, spec, units, changes)
    _measures_upsert(plan, spec, units, targets, changes)
    _sections_load(plan, spec, actor, changes)
    if created or changes:
        audit.record(
            actor=actor,
            action=CampaignAction.PLAN_LOAD,
            target=plan,
            changes=changes if not created else {"plan": [None, spec.name]},
            reason=source_path,
        )
    return PlanLoaded(plan, created, changes)


def _sections_load(
    plan: Plan, spec: PlanSpec, actor: Any, changes: dict[str, list[Any]]
) -> None:
    """Hand the file's further sections (institutions, …) to the apps keeping them."""
    registered = plan_sections()
    for key, raw in spec.sections.items():
        for name, change in registered[key].load(plan, raw, actor).items():
            changes[f"{key}.{name}"] = change


def _resolve_units(spec: PlanSpec) -> dict[str, list[tuple[Unit, str]]]:
    """The plan's units, all of one district: the office unit's."""
    found = {u.code: u for u in Unit.objects.filter(code__in=spec.units)}
    missing = [code for code in spec.units if code not in found]
    if missing:
        raise PlanFileError(
            [
                f"units.{c}: 单位代码在本区机构配置中不存在（先运行 keqi init）"
                for c in missing
            ]
        )
    district = (
        found[spec.office_unit].district_id if spec.office_unit in found else None
    )
    strays = [c for c, u in found.items() if u.district_id != district]
    if strays:
        raise PlanFileError(
            [f"units.{c}: 不是指挥部办公室所在区的单位" for c in strays]
        )
    expanded: dict[str, list[tuple[Unit, str]]] = {
        c: [(u, "")] for c, u in found.items()
    }
    for key, group in spec.unit_groups.items():
        if group.members:
            members = [found[c] for c in spec.units]
        else:
            members = list(
                Unit.objects.filter(
                    kind=UnitKind.AREA,
                    area__kind__in=group.area_kinds,
                    district__in=[district],
                ).order_by("sort", "code")
            )
        if not members:
            raise PlanFileError([f"unit_groups.{key}: 本区没有符合条件的单位"])
        expanded[key] = [(u, key) for u in members]
    return expanded


def _plan_upsert(
    spec: PlanSpec, units: dict[str, list[tuple[Unit, str]]], path: str, sha256: str
) -> tuple[Plan, bool]:
    values = {
        "title": spec.title,
        "district": spec.district,
        "issuer": spec.issuer,
        "notice_title": spec.notice_title,
        "document_number": spec.document_number,
        "document_date": spec.document_date,
        "approved_by": spec.approved_by,
        "year": spec.year,
        "start_month": spec.start_month,
        "office_unit": units[spec.office_unit][0][0],
        "report_day": spec.report_day,
        "yellow_ratio": spec.yellow_ratio,
        "weights": {k: str(v) for k, v in spec.weights.items()},
        "naming": spec.naming,
        "organisation": _jsonable(spec.organisation),
        "unit_labels": spec.units,
        "source_path": path,
        "source_sha256": sha256,
    }
    return Plan.objects.update_or_create(name=spec.name, defaults=values)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, str | int | bool | type(None)) else str(value)


def _expand(
    refs: tuple[str, ...], units: dict[str, list[tuple[Unit, str]]]
) -> list[tuple[Unit, str]]:
    """Units in the plan's order, lead first; a unit named twice keeps its first place."""
    seen: set[int] = set()
    result = []
    for ref in refs:
        for unit, via in units[ref]:
            if unit.pk not in seen:
                seen.add(unit.pk)
                result.append((unit, via))
    return result


def _track(
    changes: dict[str, list[Any]],
    prefix: str,
    row: Any,
    fields: list[str],
    new: dict[str, Any],
) -> None:
    before = audit.snapshot(row, fields) if row.pk else {}
    for name, value in new.items():
        setattr(row, name, value)
    for field, pair in audit.diff(before, audit.snapshot(row, fields)).items():
        changes[f"{prefix}.{field}"] = pair


def _targets_upsert(
    plan: Plan,
    spec: PlanSpec,
    units: dict[str, list[tuple[Unit, str]]],
    changes: dict[str, list[Any]],
) -> dict[str, Target]:
    existing = {t.key: t for t in plan.targets.all()}
    result: dict[str, Target] = {}
    for sort, t in enumerate(spec.targets):
        row = existing.pop(t.key, None) or Target(plan=plan, key=t.key)
        values = {f: getattr(t, f) for f in _TARGET_FIELDS if hasattr(t, f)}
        values.update(sort=sort, unit_label=t.unit, unit_refs=list(t.responsible))
        _track(changes, f"targets.{t.key}", row, _TARGET_FIELDS, values)
        _clean(row, f"targets[{sort}]")
        row.save()
        TargetUnit.objects.filter(target=row).delete()
        TargetUnit.objects.bulk_create(
            TargetUnit(target=row, unit=u, position=i, via=via)
            for i, (u, via) in enumerate(_expand(t.responsible, units))
        )
        result[t.key] = row
    _drop(existing.values(), "targets", changes, target__in=existing.values())
    return result


def _clean(row: Target, path: str) -> None:
    try:
        row.full_clean(exclude=["plan"], validate_unique=False)
    except ValidationError as exc:
        raise PlanFileError(
            [
                f"{path}.{field}: {'；'.join(msgs)}"
                for field, msgs in exc.message_dict.items()
            ]
        ) from exc


def _measures_upsert(
    plan: Plan,
    spec: PlanSpec,
    units: dict[str, list[tuple[Unit, str]]],
    targets: dict[str, Target],
    changes: dict[str, list[Any]],
) -> None:
    existing = {m.number: m for m in plan.measures.all()}
    for m in spec.measures:
        row = existing.pop(m.number, None) or Measure(plan=plan, number=m.number)
        values = {f: getattr(m, f) for f in _MEASURE_FIELDS if hasattr(m, f)}
        values["unit_refs"] = list(m.units)
        _track(changes, f"measures.{m.number}", row, _MEASURE_FIELDS, values)
        row.save()
        before = sorted(row.targets.values_list("key", flat=True))
        if before != sorted(m.targets):
            changes[f"measures.{m.number}.targets"] = [before, sorted(m.targets)]
        row.targets.set([targets[k] for k in m.targets])
        MeasureUnit.objects.filter(measure=row).delete()
        MeasureUnit.objects.bulk_create(
            MeasureUnit(measure=row, unit=u, position=i, via=via)
            for i, (u, via) in enumerate(_expand(m.units, units))
        )
    _drop(existing.values(), "measures", changes, measure__in=existing.values())


def _drop(rows: Any, label: str, changes: dict[str, list[Any]], **used: Any) -> None:
    rows = list(rows)
    if not rows:
        return
    if ReportLine.objects.filter(**used).exists():
        names = "、".join(str(r) for r in rows)
        raise PlanFileError([f"{label}: {names} 已有月报数据，不能从方案中删除"])
    for row in rows:
        changes[f"{label}.{getattr(row, 'key', None) or row.number}"] = [str(row), None]
        row.delete()


# ---------------------------------------------------------------- monthly reports


def _may_edit_report(actor: Any, report: ProgressReport) -> None:
    if actor is None or actor.is_hq:
        return
    if actor.role in (Role.MEMBER, Role.AREA_STAFF) and actor.unit_id == report.unit_id:
        return
    raise PermissionDenied("只能填报本单位的月报")


def month_is_closed(report: ProgressReport) -> bool:
    """Whether HQ has closed the report's month (a change then needs a reason)."""
    return MonthClose.objects.filter(plan=report.plan, month=report.month).exists()


def report_subjects(
    plan: Plan, unit: Unit, month: dt.date
) -> tuple[list[Measure], list[Target], list[Decision]]:
    """What a unit reports on: its measures, the targets it leads, its open decisions."""
    measures = list(plan.measures.filter(units=unit).order_by("number").distinct())
    targets = list(
        plan.targets.filter(targetunit__unit=unit, targetunit__position=0).order_by(
            "sort"
        )
    )
    decisions = list(
        Decision.objects.filter(
            meeting__plan=plan, owner=unit, meeting__held_on__lt=next_month(month)
        )
        .exclude(status=DecisionStatus.DONE, done_on__lt=month)
        .order_by("due_on", "id")
    )
    return measures, targets, decisions


def _prefill(plan: Plan, unit: Unit, target: Target, month: dt.date) -> Decimal | None:
    """What keqi holds: the registry count, or the unit's last submitted figure."""
    if target.source == Source.AUTO and target.metric in METRICS:
        day = min(next_month(month) - dt.timedelta(days=1), timezone.localdate())
        return Decimal(
            METRICS[target.metric].count(plan.year, day, plan.office_unit.district_id)
        )
    previous = (
        ReportLine.objects.filter(
            target=target,
            report__unit=unit,
            report__month__lt=month,
            report__status=ReportStatus.SUBMITTED,
            value__isnull=False,
        )
        .order_by("-report__month")
        .first()
    )
    return previous.value if previous else None


@transaction.atomic
def progress_report_open(
    *, plan: Plan, unit: Unit, month: dt.date, actor: Any
) -> ProgressReport:
    """The unit's report for the month, created as a pre-filled draft on first open."""
    month = month.replace(day=1)
    existing = ProgressReport.objects.filter(plan=plan, unit=unit, month=month).first()
    if existing is not None:
        return existing
    report = ProgressReport(plan=plan, unit=unit, month=month)
    _may_edit_report(actor, report)
    problem = reporting_month_error(plan, month)
    if problem is not None:
        raise ValidationError(problem)
    try:
        with transaction.atomic():
            report.save(force_insert=True)
    except IntegrityError:
        # Opened twice at once (one_report_per_unit_month): the other request's
        # draft is the report; use it rather than answer with a 500.
        return ProgressReport.objects.get(plan=plan, unit=unit, month=month)
    measures, targets, decisions = report_subjects(plan, unit, month)
    ReportLine.objects.bulk_create(
        [ReportLine(report=report, measure=m) for m in measures]
        + [
            ReportLine(
                report=report,
                target=t,
                prefilled=(value := _prefill(plan, unit, t, month)),
                value=value,
            )
            for t in targets
        ]
        + [ReportLine(report=report, decision=d) for d in decisions]
    )
    audit.record(
        actor=actor,
        action=CampaignAction.REPORT_SAVE,
        target=report,
        changes={"status": [None, report.status]},
    )
    return report


_REPORT_FIELDS = [
    "responsible_person",
    "narrative",
    "problems",
    "next_steps",
    "no_progress_reason",
]


def _report_values(values: dict[str, Any]) -> dict[str, Any]:
    """The report fields given, cleaned: texts stripped, 本月无进展 a yes/no."""
    given: dict[str, Any] = {
        k: str(v).strip() for k, v in values.items() if k in _REPORT_FIELDS
    }
    if "no_progress" in values:
        given["no_progress"] = bool(values["no_progress"])
    return given


@transaction.atomic
def progress_report_save(
    *,
    report: ProgressReport,
    values: dict[str, Any],
    lines: dict[int, dict[str, Any]],
    actor: Any,
    reason: str = "",
) -> ProgressReport:
    """Save a report's text and figures. A unit edits its draft or a returned report;
    HQ edits any. After the month is closed a change needs a reason and is flagged."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _may_edit_report(actor, report)
    locked = report.status == ReportStatus.SUBMITTED
    if locked and not (actor is None or actor.is_hq):
        raise ValidationError("月报已报送，如需修改请联系指挥部办公室退回")
    closed = month_is_closed(report)
    if closed and not reason.strip():
        raise ValidationError("该月已关账，更正须填写更正原因")
    given = _report_values(values)
    changes = audit.diff(audit.snapshot(report, list(given)), given)
    changes.update(_lines_save(report, lines))
    for name, value in given.items():
        setattr(report, name, value)
    if closed and changes:
        report.corrected_after_close = True
    report.save()
    if changes:
        action = CampaignAction.REPORT_CORRECT if closed else CampaignAction.REPORT_SAVE
        audit.record(
            actor=actor, action=action, target=report, changes=changes, reason=reason
        )
    return report


def _refuse_typed_count(line: ReportLine, new: dict[str, Any]) -> None:
    """A target the system counts from records is never typed: a different figure
    for it is refused, saying where the records are kept (the same figure, as the
    line shows it, is left alone)."""
    typed = new.get("value")
    if typed is None or typed == line.value or line.target is None:
        return
    metric = METRICS.get(line.target.metric)
    how = f"（{metric.label}）" if metric is not None else ""
    raise ValidationError(
        f"“{line.target.name}”由系统按登记的记录统计{how}，不能填报；"
        "数字不对请补充或更正相应记录"
    )


def _lines_save(
    report: ProgressReport, lines: dict[int, dict[str, Any]]
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for line in report.lines.select_related("target", "measure", "decision"):
        new = lines.get(line.pk)
        if new is None:
            continue
        if line.target is not None and line.target.source == Source.AUTO:
            _refuse_typed_count(line, new)
            new = {k: v for k, v in new.items() if k != "value"}
        value = new.get("value", line.value)
        if value is not None and value < 0:
            raise ValidationError(f"{line.target or line.measure}：数值不能为负数")
        if new.get("progress") and new["progress"] not in ProgressKind.values:
            raise ValidationError(f"未知的进度：{new['progress']}")
        fields = ["value", "progress", "note"]
        before = audit.snapshot(line, fields)
        for name in fields:
            if name in new:
                setattr(line, name, new[name])
        for name, pair in audit.diff(before, audit.snapshot(line, fields)).items():
            changes[f"{line.target or line.measure or line.decision}.{name}"] = pair
        line.save()
    return changes


@transaction.atomic
def progress_report_submit(
    *, report: ProgressReport, actor: Any, now: dt.datetime | None = None
) -> ProgressReport:
    """Submit (or resubmit) a report; the first submission time decides lateness.

    Refused, naming each missing item, while the report is incomplete (see
    keqi.campaign.filing): an untouched form is never counted as filed."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _may_edit_report(actor, report)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError("月报已报送")
    gaps = report_gaps(report)
    if gaps:
        raise ValidationError(gaps)
    moment = now or timezone.now()
    before = audit.snapshot(report, ["status"])
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = moment
    report.first_submitted_at = report.first_submitted_at or moment
    report.return_reason = ""
    report.save()
    audit.record(
        actor=actor,
        action=CampaignAction.REPORT_SUBMIT,
        target=report,
        changes=audit.diff(before, {"status": report.status}),
    )
    return report


@transaction.atomic
def progress_report_return(
    *, report: ProgressReport, reason: str, actor: Any
) -> ProgressReport:
    """HQ sends a submitted report back to its unit for correction, saying why."""
    ensure_hq(actor)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("只能退回已报送的月报")
    if not reason.strip():
        raise ValidationError("请填写退回原因")
    report.status = ReportStatus.RETURNED
    report.return_reason = reason.strip()
    report.returned_count += 1
    report.save()
    audit.record(
        actor=actor,
        action=CampaignAction.REPORT_RETURN,
        target=report,
        changes={"status": [ReportStatus.SUBMITTED, ReportStatus.RETURNED]},
        reason=reason,
    )
    return report


@transaction.atomic
def report_attachment_add(
    *, report: ProgressReport, upload: Any, actor: Any
) -> ReportAttachment:
    """Attach evidence to a report the actor may edit."""
    _may_edit_report(actor, report)
    if upload.size > 20 * 1024 * 1024:
        raise ValidationError("附件不能超过 20MB")
    row = ReportAttachment(report=report, name=upload.name[:200], uploaded_by=actor)
    row.file.save(upload.name, upload, save=False)
    row.save()
    audit.record(
        actor=actor,
        action=CampaignAction.REPORT_ATTACH,
        target=report,
        changes={"attachment": [None, row.name]},
    )
    return row


@transaction.atomic
def month_close(*, plan: Plan, month: dt.date, actor: Any) -> MonthClose:
    """Close a month after the summary is sent up; later corrections are flagged."""
    ensure_hq(actor)
    row, created = MonthClose.objects.get_or_create(
        plan=plan, month=month.replace(day=1)
    )
    if created:
        audit.record(
            actor=actor,
            action=CampaignAction.MONTH_CLOSE,
            target=plan,
            changes={"closed": [None, f"{month:%Y-%m}"]},
        )
    return row

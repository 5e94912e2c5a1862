"""Every change to campaign data: loading plans (reports and meetings in sibling modules).

Each service is atomic and writes its audit row in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keqi.accounts.models import Unit, UnitKind
from keqi.campaign.metrics import METRICS
from keqi.campaign.models import (
    Measure,
    MeasureUnit,
    Plan,
    ReportLine,
    Target,
    TargetUnit,
)
from keqi.campaign.planfile import PlanFileError, PlanSpec, plan_file_read
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
    plan, created = _plan_upsert(spec, units, source_path, sha256)
    changes: dict[str, list[Any]] = {}
    targets = _targets_upsert(plan, spec, units, changes)
    _measures_upsert(plan, spec, units, targets, changes)
    if created or changes:
        audit.record(
            actor=actor,
            action=CampaignAction.PLAN_LOAD,
            target=plan,
            changes=changes if not created else {"plan": [None, spec.name]},
            reason=source_path,
        )
    return PlanLoaded(plan, created, changes)


def _resolve_units(spec: PlanSpec) -> dict[str, list[tuple[Unit, str]]]:
    found = {u.code: u for u in Unit.objects.filter(code__in=spec.units)}
    missing = [code for code in spec.units if code not in found]
    if missing:
        raise PlanFileError(
            [
                f"units.{c}: 单位代码在本区机构配置中不存在（先运行 keqi init）"
                for c in missing
            ]
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
                    kind=UnitKind.AREA, area__kind__in=group.area_kinds
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
    changes: dict[str, list[Any]], prefix: str, row: Any, fields: list[str], new: dict
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

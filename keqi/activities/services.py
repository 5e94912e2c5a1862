"""Every change to activities, attendance and contests (talent: keqi.activities.talent).

Each service is atomic, checks who may do it, and writes its audit row in the same
transaction. A unit changes only the activities it organised (HQ changes any); an
area's staff list only their own area's enterprises as participants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keqi.accounts.models import Unit
from keqi.accounts.scopes import enterprise_q
from keqi.activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    ContestEntry,
    ContestRound,
)
from keqi.activities.selectors import may_edit_activity, may_record
from keqi.core import audit
from keqi.core.uscc import unusable
from keqi.registry.models import Enterprise


class ActivityAction:
    """Audited action names of the activities app."""

    CREATE = "activity.create"
    UPDATE = "activity.update"
    ATTENDANCE_SET = "attendance.set"
    ATTENDANCE_REMOVE = "attendance.remove"
    ROUND_SET = "contest_round.set"
    ENTRY_SAVE = "contest_entry.save"
    TRAINEES_FILE = "trainees.file"
    TRAINEES_CORRECT = "trainees.correct"
    TALENT_SAVE = "talent.save"


ACTION_LABELS = {
    ActivityAction.CREATE: "新增活动",
    ActivityAction.UPDATE: "修改活动",
    ActivityAction.ATTENDANCE_SET: "登记参加企业",
    ActivityAction.ATTENDANCE_REMOVE: "移除参加企业",
    ActivityAction.ROUND_SET: "登记比赛轮次",
    ActivityAction.ENTRY_SAVE: "登记参赛项目",
    ActivityAction.TRAINEES_FILE: "填报技能人才培训月报",
    ActivityAction.TRAINEES_CORRECT: "更正技能人才培训月报",
    ActivityAction.TALENT_SAVE: "登记海河英才引进",
}

ACTIVITY_FIELDS = (
    "kind",
    "title",
    "held_on",
    "ends_on",
    "organiser",
    "co_organisers",
    "venue",
    "tech_sme_training",
    "edition",
    "guests",
    "people_total",
    "summary",
)


def subject_of(activity: Activity) -> str:
    """The key an activity's history is filed under in the audit trail."""
    return f"activity:{activity.pk}"


def _ensure_may_edit(actor: Any, activity: Activity) -> None:
    if not may_edit_activity(actor, activity):
        raise PermissionDenied("只能修改本单位主办的活动")


def _ensure_enterprise_in_scope(actor: Any, enterprise: Enterprise) -> None:
    if actor is None:
        return
    if not Enterprise.objects.filter(enterprise_q(actor), pk=enterprise.pk).exists():
        raise PermissionDenied(unusable(enterprise.uscc))


def activity_check(activity: Activity) -> list[str]:
    """What is wrong with an activity's values, in Chinese (empty when fine)."""
    problems = []
    if activity.ends_on is not None and activity.ends_on < activity.held_on:
        problems.append("结束日期不能早于举办日期")
    if activity.tech_sme_training and activity.kind != ActivityKind.TRAINING:
        problems.append("只有“培训”类活动可以计入科技型中小企业入库申报培训")
    if activity.edition is not None and activity.kind != ActivityKind.CONTEST:
        problems.append("只有“大赛”填写届次")
    if activity.pk is not None and activity.people_total is not None:
        people = sum(activity.attendances.values_list("people", flat=True))
        if people > activity.people_total:
            problems.append(
                f"参加企业人数合计{people}人，超过参加总人数{activity.people_total}人"
            )
    return problems


def _next_code(held_on: dt.date) -> str:
    prefix = f"HD{held_on.year}-"
    taken = set(
        Activity.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    )
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _organiser_for(actor: Any, organiser: Unit | None) -> Unit:
    """HQ (and the system) name any unit; everyone else organises for their own."""
    if actor is None or actor.is_hq:
        if organiser is None:
            raise ValidationError("请选择主办单位")
        return organiser
    if organiser is not None and organiser.pk != actor.unit_id:
        raise PermissionDenied("只能登记本单位主办的活动")
    unit: Unit = actor.unit
    return unit


@transaction.atomic
def activity_create(
    *, values: dict[str, Any], actor: Any, code: str = "", reason: str = ""
) -> Activity:
    """Record a new activity; the organiser is the actor's unit unless HQ names one.
    Raises ValidationError (Chinese) on inconsistent values."""
    if not may_record(actor):
        raise PermissionDenied("当前账号只能查看，不能登记活动")
    values = dict(values)
    values["organiser"] = _organiser_for(actor, values.get("organiser"))
    activity = Activity(**{k: v for k, v in values.items() if k in ACTIVITY_FIELDS})
    activity.code = code.strip() or _next_code(activity.held_on)
    if Activity.objects.filter(code=activity.code).exists():
        raise ValidationError(f"活动编号“{activity.code}”已存在")
    problems = activity_check(activity)
    if problems:
        raise ValidationError(problems)
    activity.created_by = actor if getattr(actor, "pk", None) else None
    activity.save()
    after = audit.snapshot(activity, ACTIVITY_FIELDS)
    audit.record(
        actor=actor,
        action=ActivityAction.CREATE,
        target=activity,
        changes=audit.diff({}, after),
        reason=reason,
        subject=subject_of(activity),
    )
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, values: dict[str, Any], actor: Any, reason: str = ""
) -> dict[str, list[Any]]:
    """Change an activity the actor may edit; returns what changed (audited)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _ensure_may_edit(actor, activity)
    if "organiser" in values:
        values = {**values, "organiser": _organiser_for(actor, values["organiser"])}
    before = audit.snapshot(activity, ACTIVITY_FIELDS)
    for name, value in values.items():
        if name in ACTIVITY_FIELDS:
            setattr(activity, name, value)
    changes = audit.diff(before, audit.snapshot(activity, ACTIVITY_FIELDS))
    if not changes:
        return {}
    problems = activity_check(activity)
    if problems:
        raise ValidationError(problems)
    activity.save()
    audit.record(
        actor=actor,
        action=ActivityAction.UPDATE,
        target=activity,
        changes=changes,
        reason=reason,
        subject=subject_of(activity),
    )
    return changes


@dataclass(frozen=True)
class AttendanceValues:
    """One enterprise's line on an activity."""

    invited: bool = True
    attended: bool = False
    people: int = 0
    note: str = ""


def attendance_check(values: AttendanceValues) -> list[str]:
    """Problems with one attendance line, in Chinese."""
    problems = []
    if not values.invited and not values.attended:
        problems.append("受邀和参加至少有一项为“是”")
    if values.people and not values.attended:
        problems.append("未参加的企业参加人数应为0")
    if values.attended and values.people < 1:
        problems.append("参加的企业应填写参加人数（至少1人）")
    return problems


@transaction.atomic
def attendance_set(
    *,
    activity: Activity,
    enterprise: Enterprise,
    values: AttendanceValues,
    actor: Any,
) -> tuple[Attendance, str]:
    """Add or change an enterprise's attendance; returns (row, what happened)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _ensure_may_edit(actor, activity)
    _ensure_enterprise_in_scope(actor, enterprise)
    problems = attendance_check(values)
    if problems:
        raise ValidationError([f"{enterprise.name}：{p}" for p in problems])
    row = Attendance.objects.filter(activity=activity, enterprise=enterprise).first()
    outcome = "created" if row is None else "updated"
    if row is None:
        row = Attendance(activity=activity, enterprise=enterprise)
    fields = ("invited", "attended", "people", "note")
    before = {} if outcome == "created" else audit.snapshot(row, fields)
    for name in fields:
        setattr(row, name, getattr(values, name))
    changes = audit.diff(before, audit.snapshot(row, fields))
    if not changes:
        return row, "unchanged"
    row.save()
    problems = activity_check(activity)
    if problems:
        raise ValidationError(problems)
    audit.record(
        actor=actor,
        action=ActivityAction.ATTENDANCE_SET,
        target=row,
        changes={"企业": [None, enterprise.name], **changes}
        if outcome == "created"
        else changes,
        subject=subject_of(activity),
    )
    return row, outcome


@transaction.atomic
def attendance_remove(*, attendance: Attendance, actor: Any, reason: str = "") -> None:
    """Take an enterprise off an activity (recorded with what it held)."""
    activity = Activity.objects.select_for_update().get(pk=attendance.activity_id)
    _ensure_may_edit(actor, activity)
    _ensure_enterprise_in_scope(actor, attendance.enterprise)
    fields = ("invited", "attended", "people", "note")
    held = audit.snapshot(attendance, fields)
    audit.record(
        actor=actor,
        action=ActivityAction.ATTENDANCE_REMOVE,
        target=attendance,
        changes=audit.diff(held, {}),
        reason=reason,
        subject=subject_of(activity),
    )
    attendance.delete()


# ---------------------------------------------------------------- contests


def _ensure_contest(activity: Activity) -> None:
    if activity.kind != ActivityKind.CONTEST:
        raise ValidationError("只有“大赛”可以登记轮次和参赛项目")


@transaction.atomic
def contest_round_set(
    *, activity: Activity, number: int, name: str, held_on: dt.date, actor: Any
) -> ContestRound:
    """Add or rename a round of a contest (轮次 1 = 初赛 …), audited."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _ensure_may_edit(actor, activity)
    _ensure_contest(activity)
    if not name.strip():
        raise ValidationError("请填写轮次名称（如 初赛、复赛、决赛）")
    if held_on < activity.held_on or held_on > activity.last_day:
        raise ValidationError(
            f"比赛日期应在大赛举办期间（{activity.held_on} 至 {activity.last_day}）"
        )
    row = ContestRound.objects.filter(activity=activity, number=number).first()
    before = {} if row is None else audit.snapshot(row, ("name", "held_on"))
    row = row or ContestRound(activity=activity, number=number)
    row.name, row.held_on = name.strip(), held_on
    changes = audit.diff(before, audit.snapshot(row, ("name", "held_on")))
    if changes:
        row.save()
        audit.record(
            actor=actor,
            action=ActivityAction.ROUND_SET,
            target=row,
            changes=changes,
            subject=subject_of(activity),
        )
    return row


ENTRY_FIELDS = (
    "project", "enterprise", "team", "group", "field", "reached", "award", "note",
)  # fmt: skip


def _entry_problems(activity: Activity, entry: ContestEntry) -> list[str]:
    problems = []
    if entry.enterprise is None and not entry.team.strip():
        problems.append("请选择参赛企业，或填写参赛团队")
    if entry.reached is not None and entry.reached.activity_id != activity.pk:
        problems.append("晋级轮次不属于本届大赛")
    clash = ContestEntry.objects.filter(activity=activity, project=entry.project)
    if clash.exclude(pk=entry.pk).exists():
        problems.append(f"参赛项目“{entry.project}”已登记")
    return problems


@transaction.atomic
def contest_entry_save(
    *,
    activity: Activity,
    values: dict[str, Any],
    actor: Any,
    entry: ContestEntry | None = None,
) -> ContestEntry:
    """Add or change a contest entry: who entered, how far it went, what it won."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _ensure_may_edit(actor, activity)
    _ensure_contest(activity)
    if values.get("enterprise") is not None:
        _ensure_enterprise_in_scope(actor, values["enterprise"])
    row = entry or ContestEntry(activity=activity)
    before = {} if entry is None else audit.snapshot(row, ENTRY_FIELDS)
    for name in ENTRY_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    problems = _entry_problems(activity, row)
    if problems:
        raise ValidationError(problems)
    changes = audit.diff(before, audit.snapshot(row, ENTRY_FIELDS))
    if changes:
        row.save()
        audit.record(
            actor=actor,
            action=ActivityAction.ENTRY_SAVE,
            target=row,
            changes=changes,
            subject=subject_of(activity),
        )
    return row

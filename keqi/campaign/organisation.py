"""组织保障: the 指挥部's members, each unit's own 工作方案 and attendance at the
joint meetings.

The plan (五、组织保障) asks every unit to write its own work plan — tasks with a
time line and a named person (明确时间表、路线图 … 责任具体到人) — and the 指挥部
办公室 to check whether each is done on time. A unit writes and changes only its
own tasks; HQ, leaders and auditors read every unit's. Members of the 指挥部 and
meeting attendance are kept by the HQ office. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from keqi.accounts.models import Role, Unit
from keqi.campaign.board import plan_units
from keqi.campaign.models import (
    HqMember,
    Meeting,
    MeetingAttendance,
    Plan,
    UnitWorkTask,
    WorkTaskStatus,
)
from keqi.campaign.services import ensure_hq
from keqi.core import audit


class OrganisationAction:
    """Audited action names of 组织保障."""

    WORK_TASK_CREATE = "work_task.create"
    WORK_TASK_UPDATE = "work_task.update"
    WORK_TASK_DELETE = "work_task.delete"
    HQ_MEMBER_SAVE = "hq_member.save"
    HQ_MEMBER_DELETE = "hq_member.delete"
    ATTENDANCE_SAVE = "meeting.attendance"


ACTION_LABELS = {
    OrganisationAction.WORK_TASK_CREATE: "新增工作方案任务",
    OrganisationAction.WORK_TASK_UPDATE: "修改工作方案任务",
    OrganisationAction.WORK_TASK_DELETE: "删除工作方案任务",
    OrganisationAction.HQ_MEMBER_SAVE: "保存指挥部成员",
    OrganisationAction.HQ_MEMBER_DELETE: "删除指挥部成员",
    OrganisationAction.ATTENDANCE_SAVE: "登记联席会议出席情况",
}

_READ_ALL = (Role.HQ_ADMIN, Role.LEADER, Role.AUDITOR)
TASK_FIELDS = (
    "measure",
    "title",
    "route",
    "person",
    "starts_on",
    "due_on",
    "status",
    "done_on",
    "note",
)
MEMBER_FIELDS = ("unit", "name", "post", "role", "phone", "note")


# ---------------------------------------------------------------- reads


def reads_all_work_plans(user: Any) -> bool:
    """HQ, leaders and auditors read every unit's work plan."""
    return bool(user.is_superuser or user.role in _READ_ALL)


def work_task_list_for(user: Any, plan: Plan) -> QuerySet[UnitWorkTask]:
    """The work-plan tasks the user may read: all (HQ …) or its own unit's."""
    rows = UnitWorkTask.objects.filter(plan=plan).select_related("unit", "measure")
    if reads_all_work_plans(user):
        return rows
    if user.role in (Role.MEMBER, Role.AREA_STAFF) and user.unit_id is not None:
        return rows.filter(unit_id=user.unit_id)
    return rows.none()


def work_task_get_to_edit(user: Any, pk: int) -> UnitWorkTask:
    """A task of the user's own unit, or 404 (another unit's task is not shown)."""
    found = (
        UnitWorkTask.objects.filter(pk=pk, unit_id=user.unit_id)
        .select_related("unit", "plan")
        .first()
    )
    if found is None or user.unit_id is None:
        raise Http404("任务不存在或不属于本单位")
    return found


def can_write_work_plan(user: Any) -> bool:
    """Units that carry out the plan write their own work plan (not read-only roles)."""
    return user.unit_id is not None and (
        user.is_hq or user.role in (Role.MEMBER, Role.AREA_STAFF)
    )


@dataclass(frozen=True)
class UnitPlanSummary:
    """One unit's work plan at a glance: how many tasks, done, overdue."""

    unit: Unit
    total: int
    done: int
    overdue: int


def work_plan_summary(
    tasks: QuerySet[UnitWorkTask], day: dt.date
) -> list[UnitPlanSummary]:
    """Per unit: tasks, done and overdue on `day` (for HQ's 督查)."""
    by_unit: dict[int, list[UnitWorkTask]] = {}
    units: dict[int, Unit] = {}
    for task in tasks:
        by_unit.setdefault(task.unit_id, []).append(task)
        units[task.unit_id] = task.unit
    return [
        UnitPlanSummary(
            units[pk],
            len(rows),
            sum(1 for t in rows if t.status == WorkTaskStatus.DONE),
            sum(1 for t in rows if t.is_overdue(day)),
        )
        for pk, rows in sorted(by_unit.items(), key=lambda kv: units[kv[0]].sort)
    ]


# ---------------------------------------------------------------- work tasks


def _check_task(task: UnitWorkTask) -> None:
    if task.due_on < task.starts_on:
        raise ValidationError({"due_on": "完成时限不能早于开始日期"})
    if task.measure is not None and task.measure.plan_id != task.plan_id:
        raise ValidationError({"measure": "该工作措施不属于本方案"})
    if task.status == WorkTaskStatus.DONE and task.done_on is None:
        raise ValidationError({"done_on": "状态为已完成时请填写完成日期"})
    if task.status != WorkTaskStatus.DONE and task.done_on is not None:
        raise ValidationError({"done_on": "未完成的任务不能填写完成日期"})
    if task.done_on is not None and task.done_on < task.starts_on:
        raise ValidationError({"done_on": "完成日期不能早于开始日期"})


def _write_task(
    task: UnitWorkTask, values: dict[str, Any], actor: Any, action: str
) -> UnitWorkTask:
    created = task.pk is None
    names = [n for n in TASK_FIELDS if n in values]
    before = {n: None for n in names} if created else audit.snapshot(task, names)
    for name in names:
        setattr(task, name, values[name])
    changes = audit.diff(before, audit.snapshot(task, names))
    if not created and not changes:
        return task
    _check_task(task)
    task.full_clean()
    task.save()
    audit.record(actor=actor, action=action, target=task, changes=changes)
    return task


@transaction.atomic
def work_task_create(
    *, plan: Plan, values: dict[str, Any], actor: Any, unit: Unit | None = None
) -> UnitWorkTask:
    """Add a task to the actor's unit's work plan (the command line names the unit)."""
    if actor is not None:
        if not can_write_work_plan(actor):
            raise PermissionDenied("当前账号不能填写单位工作方案")
        unit = actor.unit
    if unit is None:
        raise ValidationError("缺少责任单位")
    task = UnitWorkTask(plan=plan, unit=unit)
    return _write_task(task, values, actor, OrganisationAction.WORK_TASK_CREATE)


@transaction.atomic
def work_task_update(
    *, task: UnitWorkTask, values: dict[str, Any], actor: Any
) -> UnitWorkTask:
    """Change a task of the actor's own unit (status, dates, person …)."""
    if actor is not None and actor.unit_id != task.unit_id:
        raise PermissionDenied("只能修改本单位的工作方案")
    return _write_task(task, values, actor, OrganisationAction.WORK_TASK_UPDATE)


@transaction.atomic
def work_task_delete(*, task: UnitWorkTask, actor: Any) -> None:
    """Remove a task of the actor's own unit; its values stay in the audit trail."""
    if actor is not None and actor.unit_id != task.unit_id:
        raise PermissionDenied("只能删除本单位的工作方案任务")
    values = audit.snapshot(task, list(TASK_FIELDS))
    audit.record(
        actor=actor,
        action=OrganisationAction.WORK_TASK_DELETE,
        target=task,
        changes={k: [audit.to_jsonable(v), None] for k, v in values.items()},
    )
    task.delete()


# ---------------------------------------------------------------- 指挥部成员


@transaction.atomic
def hq_member_save(
    *, plan: Plan, values: dict[str, Any], actor: Any, member: HqMember | None = None
) -> HqMember:
    """Add or change a member of the 指挥部 (HQ office only)."""
    ensure_hq(actor)
    row = member or HqMember(plan=plan)
    names = [n for n in MEMBER_FIELDS if n in values]
    before = {n: None for n in names} if row.pk is None else audit.snapshot(row, names)
    for name in names:
        setattr(row, name, values[name])
    if (
        HqMember.objects.filter(plan=plan, unit=row.unit, name=row.name)
        .exclude(pk=row.pk)
        .exists()
    ):
        raise ValidationError({"name": f"{row.unit}已有成员“{row.name}”"})
    row.full_clean()
    row.save()
    changes = audit.diff(before, audit.snapshot(row, names))
    audit.record(
        actor=actor,
        action=OrganisationAction.HQ_MEMBER_SAVE,
        target=row,
        changes=changes,
    )
    return row


@transaction.atomic
def hq_member_delete(*, member: HqMember, actor: Any) -> None:
    """Remove a member of the 指挥部 (kept in the audit trail)."""
    ensure_hq(actor)
    values = audit.snapshot(member, list(MEMBER_FIELDS))
    audit.record(
        actor=actor,
        action=OrganisationAction.HQ_MEMBER_DELETE,
        target=member,
        changes={k: [audit.to_jsonable(v), None] for k, v in values.items()},
    )
    member.delete()


# ---------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceLine:
    """What the HQ office records for one unit at one meeting."""

    unit: Unit
    present: bool
    attendee: str = ""
    absence_reason: str = ""


def attendance_units(plan: Plan) -> list[Unit]:
    """The units expected at the joint meeting: every unit with a target or measure
    in the plan, and the units of the 指挥部's members."""
    units = {u.pk: u for u in plan_units(plan)}
    for member in HqMember.objects.filter(plan=plan).select_related("unit"):
        units.setdefault(member.unit_id, member.unit)
    return sorted(units.values(), key=lambda u: (u.sort, u.pk))


@transaction.atomic
def meeting_attendance_save(
    *, meeting: Meeting, lines: list[AttendanceLine], actor: Any
) -> list[MeetingAttendance]:
    """Record who attended the meeting and why the others were absent (HQ only).

    A unit marked absent needs a reason; a unit present needs the attendee's name.
    All lines are checked first, so one bad line changes nothing."""
    ensure_hq(actor)
    problems = []
    for line in lines:
        if line.present and not line.attendee.strip():
            problems.append(f"{line.unit}：出席请填写参会人")
        if not line.present and not line.absence_reason.strip():
            problems.append(f"{line.unit}：缺席请填写原因")
    if problems:
        raise ValidationError(problems)
    old = {a.unit_id: a for a in meeting.attendance.all()}
    saved = []
    for line in lines:
        row = old.get(line.unit.pk) or MeetingAttendance(
            meeting=meeting, unit=line.unit
        )
        row.present = line.present
        row.attendee = line.attendee.strip() if line.present else ""
        row.absence_reason = "" if line.present else line.absence_reason.strip()
        row.save()
        saved.append(row)
    audit.record(
        actor=actor,
        action=OrganisationAction.ATTENDANCE_SAVE,
        target=meeting,
        changes={
            str(r.unit): [
                None,
                r.attendee if r.present else f"缺席：{r.absence_reason}",
            ]
            for r in saved
        },
    )
    return saved


def attendance_counts(meeting: Meeting) -> tuple[int, int]:
    """(present, absent) among the recorded units."""
    rows = list(meeting.attendance.all())
    present = sum(1 for r in rows if r.present)
    return present, len(rows) - present

"""组织保障 pages: units' work plans, the 指挥部's members, meeting attendance."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from keqi.accounts.models import Unit, User
from keqi.campaign import organisation as org
from keqi.campaign.exports_organisation import hq_members_export, work_tasks_export
from keqi.campaign.forms_organisation import HqMemberForm, WorkTaskFilter, WorkTaskForm
from keqi.campaign.models import HqMember, WorkTaskStatus
from keqi.campaign.selectors import hq_member_get_for, meeting_get_for, plan_get
from keqi.core.dates import business_today
from keqi.core.exports import export_requested, xlsx_list_response
from keqi.core.forms import errors_onto_form
from keqi.core.paging import paged
from keqi.core.query import whole_number


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is login_required)."""
    return cast(User, request.user)


def _filtered(request: HttpRequest, rows: Any, form: WorkTaskFilter) -> Any:
    if not form.is_valid():
        return rows
    today = business_today()
    if form.cleaned_data["unit"] is not None:
        rows = rows.filter(unit=form.cleaned_data["unit"])
    status = form.cleaned_data["status"]
    if status == "overdue":
        rows = rows.exclude(status=WorkTaskStatus.DONE).filter(due_on__lt=today)
    elif status:
        rows = rows.filter(status=status)
    return rows


@login_required
def work_plans(request: HttpRequest) -> HttpResponse:
    """Each unit's own work plan: tasks, person, time line, overdue in red."""
    plan, today, user = (
        plan_get(request.GET.get("plan"), user=request.user),
        business_today(),
        request.user,
    )
    every = org.work_task_list_for(user, plan)
    form = WorkTaskFilter(request.GET or None)
    units = Unit.objects.filter(pk__in=every.values("unit_id"))
    form.fields["unit"].queryset = units  # type: ignore[attr-defined]
    rows = _filtered(request, every, form)
    if export_requested(request):
        return xlsx_list_response(work_tasks_export(plan, rows, today), request)
    overdue = [t for t in every if t.is_overdue(today)]
    context = {
        "plan": plan,
        "today": today,
        "form": form,
        "pager": paged(rows, request.GET),
        "summary": org.work_plan_summary(every, today),
        "overdue_count": len(overdue),
        "reads_all": org.reads_all_work_plans(user),
        "can_write": org.can_write_work_plan(user),
    }
    return render(request, "campaign/work_plans.html", context)


def _task_form_page(
    request: HttpRequest, form: WorkTaskForm, title: str, task: Any = None
) -> HttpResponse:
    context = {"form": form, "title": title, "task": task}
    return render(request, "campaign/work_task_form.html", context)


@login_required
def work_task_new(request: HttpRequest) -> HttpResponse:
    """Add a task to the user's unit's work plan."""
    if not org.can_write_work_plan(request.user):
        raise PermissionDenied("当前账号不能填写单位工作方案")
    plan = plan_get(request.GET.get("plan"), user=request.user)
    form = WorkTaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            task = org.work_task_create(
                plan=plan, values=form.cleaned_data, actor=request.user
            )
            messages.success(request, f"已添加任务“{task.title}”")
            return redirect("campaign:work_plans")
        except ValidationError as exc:
            errors_onto_form(form, exc)
    return _task_form_page(request, form, "新增工作方案任务")


@login_required
def work_task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a task of the user's own unit (another unit's → 404)."""
    task = org.work_task_get_to_edit(request.user, pk)
    form = WorkTaskForm(request.POST or None, plan=task.plan, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            org.work_task_update(
                task=task, values=form.cleaned_data, actor=request.user
            )
            messages.success(request, f"已保存任务“{task.title}”")
            return redirect("campaign:work_plans")
        except ValidationError as exc:
            task.refresh_from_db()
            errors_onto_form(form, exc)
    return _task_form_page(request, form, "修改工作方案任务", task)


@login_required
@require_POST
def work_task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a task of the user's own unit (kept in the audit trail)."""
    task = org.work_task_get_to_edit(request.user, pk)
    org.work_task_delete(task=task, actor=request.user)
    messages.success(request, f"已删除任务“{task.title}”")
    return redirect("campaign:work_plans")


@login_required
def hq_members(request: HttpRequest) -> HttpResponse:
    """The 指挥部's members; the HQ office adds, changes and removes them."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    rows = HqMember.objects.filter(plan=plan).select_related("unit")
    if export_requested(request):
        return xlsx_list_response(hq_members_export(plan, rows), request)
    editing = None
    edit_pk = whole_number(request.GET.get("edit", ""))
    if edit_pk is not None and _user(request).is_hq:
        editing = rows.filter(pk=edit_pk).first()
    form = HqMemberForm(request.POST or None, instance=editing, user=request.user)
    if request.method == "POST":
        if not _user(request).is_hq:
            raise PermissionDenied("只有指挥部办公室可以执行此操作")
        if form.is_valid():
            try:
                org.hq_member_save(
                    plan=plan, values=form.cleaned_data, actor=request.user,
                    member=editing,
                )  # fmt: skip
                messages.success(request, "已保存指挥部成员")
                return redirect("campaign:hq_members")
            except ValidationError as exc:
                errors_onto_form(form, exc)
    context = {"plan": plan, "pager": paged(list(rows), request.GET), "form": form}
    context["editing"] = editing
    return render(request, "campaign/hq_members.html", context)


@login_required
@require_POST
def hq_member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a member of the 指挥部 (HQ office)."""
    member = hq_member_get_for(request.user, pk)
    org.hq_member_delete(member=member, actor=request.user)
    messages.success(request, f"已删除指挥部成员“{member}”")
    return redirect("campaign:hq_members")


def _attendance_lines(request: HttpRequest, units: list[Unit]) -> list[Any]:
    lines = []
    for unit in units:
        state = request.POST.get(f"u{unit.pk}-state", "")
        if state not in ("present", "absent"):
            continue
        lines.append(
            org.AttendanceLine(
                unit,
                state == "present",
                request.POST.get(f"u{unit.pk}-attendee", ""),
                request.POST.get(f"u{unit.pk}-reason", ""),
            )
        )
    return lines


def _attendance_shown(request: HttpRequest, unit: Unit, row: Any) -> dict[str, str]:
    """What the form shows for a unit: what was typed (after an error), else saved."""
    if request.method == "POST":
        key = f"u{unit.pk}"
        return {
            "state": request.POST.get(f"{key}-state", ""),
            "attendee": request.POST.get(f"{key}-attendee", ""),
            "reason": request.POST.get(f"{key}-reason", ""),
        }
    if row is None:
        return {"state": "", "attendee": "", "reason": ""}
    state = "present" if row.present else "absent"
    return {"state": state, "attendee": row.attendee, "reason": row.absence_reason}


@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The HQ office records who came to a joint meeting and why others did not."""
    meeting = meeting_get_for(request.user, pk)
    if not _user(request).is_hq:
        raise PermissionDenied("只有指挥部办公室可以登记出席情况")
    units = org.attendance_units(meeting.plan)
    recorded = {a.unit_id: a for a in meeting.attendance.all()}
    errors: list[str] = []
    if request.method == "POST":
        try:
            org.meeting_attendance_save(
                meeting=meeting,
                lines=_attendance_lines(request, units),
                actor=request.user,
            )
            messages.success(request, "出席情况已保存")
            return redirect("campaign:meeting_detail", pk=pk)
        except ValidationError as exc:
            errors = exc.messages
    rows = [(u, _attendance_shown(request, u, recorded.get(u.pk))) for u in units]
    context = {"meeting": meeting, "rows": rows, "errors": errors}
    return render(request, "campaign/meeting_attendance.html", context)

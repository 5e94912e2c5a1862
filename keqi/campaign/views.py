"""Campaign pages (攻坚指挥部): thin views over board, reports, meetings, assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from keqi.accounts.models import Role, Unit, User
from keqi.accounts.scopes import (
    DISTRICT_ROLES,
    district_q,
    enterprise_q,
    sees_every_district,
)
from keqi.campaign import meetings as meeting_services
from keqi.campaign import services
from keqi.campaign.assessment import assess, escalations, formula_text
from keqi.campaign.board import (
    board_build,
    current_reporting_month,
    report_reminders,
    reporting_months,
)
from keqi.campaign.documents import FontMissing, summary_docx, summary_pdf
from keqi.campaign.exports import (
    assessment_export,
    board_targets_export,
    decisions_export,
    reports_export,
    target_records_export,
)
from keqi.campaign.filing import filing_summary, report_gaps
from keqi.campaign.forms import (
    DecisionForm,
    ReportTextForm,
    parse_day,
    parse_month,
    report_lines_from_post,
)
from keqi.campaign.metrics import METRICS
from keqi.campaign.models import (
    Plan,
    ProgressKind,
    ProgressReport,
    ReportAttachment,
    ReportStatus,
)
from keqi.campaign.progress import RULE_TEXT
from keqi.campaign.selectors import (
    decision_get_for,
    decision_list,
    meeting_get_for,
    number_text,
    plan_get,
    reads_all_reports,
    report_get_for,
    report_list_for,
)
from keqi.campaign.summary import summary_build
from keqi.core.dates import business_today
from keqi.core.exports import export_requested, xlsx_list_response
from keqi.core.paging import paged
from keqi.core.reports import generated_report_keep
from keqi.registry.models import Enterprise


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return parse_day(request.GET.get("as_of"), business_today())
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return business_today()


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is login_required)."""
    return cast(User, request.user)


def _hq_only(request: HttpRequest) -> None:
    if not _user(request).is_hq:
        raise PermissionDenied("只有指挥部办公室可以执行此操作")


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The command board: targets against 序时进度, measures, units, late reports."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    state = board_build(plan, _as_of(request))
    rule = RULE_TEXT.format(ratio=number_text(plan.yellow_ratio))
    units = [(u, state.unit_light(u), state.items.get(u.pk, [])) for u in state.units]
    if export_requested(request):
        return xlsx_list_response(board_targets_export(plan, state), request)
    return render(
        request,
        "campaign/board.html",
        {"plan": plan, "board": state, "rule": rule, "units": units},
    )


def sees_plan_district(user: Any) -> bool:
    """Whether every record of the user's plan is the user's to see (a district
    role or the city; a plan's records are its district's)."""
    return sees_every_district(user) or user.role in DISTRICT_ROLES


@login_required
def target_records(request: HttpRequest, key: str) -> HttpResponse:
    """The registry records behind an auto target, limited to what the user may see."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    target = get_object_or_404(plan.targets, key=key)
    metric = METRICS.get(target.metric)
    if metric is None:
        raise Http404("该目标由责任单位填报，没有系统统计明细")
    as_of = _as_of(request)
    # The owning app lists them, scoped to the user's district; the city reads
    # every district there, so it gets the plan's district's records here.
    if metric.records_url is not None and not sees_every_district(request.user):
        return redirect(metric.records_url(plan.year, as_of))
    rows = metric.evidence(plan.year, as_of, plan.office_unit.district_id)
    shown = rows
    if not sees_plan_district(request.user):  # a town: its own enterprises' rows
        visible = set(
            Enterprise.objects.filter(enterprise_q(request.user)).values_list(
                "pk", flat=True
            )
        )
        shown = [r for r in rows if r.enterprise_id in visible]
    if export_requested(request):
        found = target_records_export(plan, target, metric, shown, as_of)
        return xlsx_list_response(found, request)
    context = {"plan": plan, "target": target, "metric": metric, "as_of": as_of}
    context |= {
        "pager": paged(shown, request.GET),
        "total": metric.count(plan.year, as_of, plan.office_unit.district_id),
        "all": len(rows),
    }
    return render(request, "campaign/target_records.html", context)


@login_required
def measure_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One measure: its text, units, targets and light."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    state = board_build(plan, _as_of(request))
    status = next((m for m in state.measures if m.measure.number == number), None)
    if status is None:
        raise Http404("没有这条措施")
    return render(
        request,
        "campaign/measure_detail.html",
        {"plan": plan, "m": status, "board": state},
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Monthly reports in the user's scope, and which month is due."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    reports = report_list_for(request.user, plan).order_by("-month", "unit__sort")
    if export_requested(request):
        return xlsx_list_response(reports_export(plan, reports), request)
    user = _user(request)
    may_file = user.role in (Role.MEMBER, Role.AREA_STAFF) or user.is_hq
    months = reporting_months(plan)
    current = _reporting_month(plan)
    units = Unit.objects.filter(district_q(user)) if user.is_hq else Unit.objects.none()
    reminders = report_reminders(plan, business_today())
    if not reads_all_reports(user):
        reminders = [r for r in reminders if r.unit.pk == user.unit_id]
    context = {"plan": plan, "reports": reports, "may_file": may_file}
    context |= {"months": months, "units": units, "reminders": reminders}
    context["current_month"] = current
    return render(request, "campaign/report_list.html", context)


def _reporting_month(plan: Plan) -> dt.date:
    """The month a unit files now, by the business date (see current_reporting_month)."""
    return current_reporting_month(plan, business_today()) or business_today()


@login_required
@require_POST
def report_open(request: HttpRequest) -> HttpResponse:
    """Open (create on first use) the report of a unit for a month."""
    plan = plan_get(request.POST.get("plan"), user=request.user)
    user = _user(request)
    unit = user.unit
    if user.is_hq and request.POST.get("unit"):
        unit = get_object_or_404(
            Unit.objects.filter(district_q(user)), pk=request.POST["unit"]
        )
    if unit is None:
        messages.error(request, "您的账号未关联单位，无法填报月报")
        return redirect("campaign:report_list")
    try:
        month = parse_month(request.POST.get("month"), _reporting_month(plan))
        report = services.progress_report_open(
            plan=plan, unit=unit, month=month, actor=user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("campaign:report_list")
    return redirect("campaign:report_detail", pk=report.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a report; its own unit (or HQ) edits, submits, attaches; HQ returns."""
    report = report_get_for(request.user, pk)
    if request.method == "POST":
        return _report_post(request, report)
    form = ReportTextForm(
        initial={
            f: getattr(report, f) for f in ReportTextForm.base_fields if f != "reason"
        }
    )
    context = _report_context(request, report, form)
    if context["may_edit"] and report.status != ReportStatus.SUBMITTED:
        # 保存并报送 lands here: what is missing, or the one confirmation step.
        gaps = report_gaps(report)
        if request.GET.get("check"):
            context["gaps"] = [m for found in gaps.values() for m in found]
        if request.GET.get("confirm") and not gaps:
            context["confirming"] = filing_summary(report)
    return render(request, "campaign/report_detail.html", context)


def _report_context(
    request: HttpRequest, report: ProgressReport, form: ReportTextForm
) -> dict[str, Any]:
    user = _user(request)
    may_edit = user.is_hq or (
        user.unit_id == report.unit_id and user.role in (Role.MEMBER, Role.AREA_STAFF)
    )
    lines = report.lines.select_related("target", "measure", "decision").order_by(
        "measure__number", "target__sort", "decision_id"
    )
    return {
        "report": report,
        "form": form,
        "lines": lines,
        "may_edit": may_edit and (report.status != "submitted" or user.is_hq),
        "is_hq": user.is_hq,
        "attachments": report.attachments.all(),
        "month_closed": services.month_is_closed(report),
        "progress_choices": ProgressKind.choices,
    }


def _report_post(request: HttpRequest, report: ProgressReport) -> HttpResponse:
    action = request.POST.get("action", "save")
    user = request.user
    try:
        if action == "return":
            services.progress_report_return(
                report=report, reason=request.POST.get("return_reason", ""), actor=user
            )
        elif action == "attach":
            if "file" not in request.FILES:
                raise ValidationError("请选择要上传的文件")
            services.report_attachment_add(
                report=report, upload=request.FILES["file"], actor=user
            )
        elif action == "confirm":
            services.progress_report_submit(report=report, actor=user)
        else:
            _report_save(request, report)
            if action == "submit":
                return _ask_to_confirm(request, report)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("campaign:report_detail", pk=report.pk)
    messages.success(
        request,
        {"return": "已退回", "attach": "附件已上传", "confirm": "已报送"}.get(
            action, "已保存"
        ),
    )
    return redirect("campaign:report_detail", pk=report.pk)


def _ask_to_confirm(request: HttpRequest, report: ProgressReport) -> HttpResponse:
    """保存并报送 saves the draft, then either names what is missing (nothing is
    submitted) or shows the confirmation step; only 确认报送 submits."""
    report.refresh_from_db()  # as just saved
    gaps = report_gaps(report)
    if gaps:
        messages.error(
            request, "月报已保存为草稿，尚未报送：还有未填写的内容，见下方。"
        )
        url = reverse("campaign:report_detail", args=[report.pk])
        return redirect(f"{url}?check=1#missing")
    url = reverse("campaign:report_detail", args=[report.pk])
    return redirect(f"{url}?confirm=1#confirm")


def _report_save(request: HttpRequest, report: ProgressReport) -> None:
    form = ReportTextForm(request.POST)
    if not form.is_valid():
        raise ValidationError([e for errs in form.errors.values() for e in errs])
    values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
    services.progress_report_save(
        report=report,
        values=values,
        lines=report_lines_from_post(report, request.POST),
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, only for those who may see its report."""
    row = get_object_or_404(ReportAttachment, pk=pk)
    report_get_for(request.user, row.report_id)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Joint meetings, the agenda a meeting today would have, and all agreed items."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    if request.method == "POST":
        _hq_only(request)
        held_on = parse_day(request.POST.get("held_on"), timezone.localdate())
        meeting = meeting_services.meeting_create(
            plan=plan, held_on=held_on, actor=request.user
        )
        return redirect("campaign:meeting_detail", pk=meeting.pk)
    as_of = _as_of(request)
    if export_requested(request):
        found = decisions_export(plan, decision_list(plan), as_of)
        return xlsx_list_response(found, request)
    preview = meeting_services.agenda_build(board_build(plan, as_of))
    context = {"plan": plan, "meetings": plan.meetings.all(), "preview": preview}
    context |= {"decisions": decision_list(plan), "as_of": as_of}
    return render(request, "campaign/meeting_list.html", context)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting: agenda, minutes and agreed items (HQ edits)."""
    meeting = meeting_get_for(request.user, pk)
    form = DecisionForm()
    if request.method == "POST":
        _hq_only(request)
        if request.POST.get("action") == "minutes":
            meeting_services.meeting_minutes_save(
                meeting=meeting,
                minutes=request.POST.get("minutes", ""),
                actor=request.user,
            )
            messages.success(request, "会议纪要已保存")
            return redirect("campaign:meeting_detail", pk=pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                meeting_services.decision_add(
                    meeting=meeting, actor=request.user, **form.cleaned_data
                )
                messages.success(request, "议定事项已添加")
                return redirect("campaign:meeting_detail", pk=pk)
            except ValidationError as exc:
                form.add_error(None, exc)
    return render(
        request, "campaign/meeting_detail.html", {"meeting": meeting, "form": form}
    )


@login_required
@require_POST
def decision_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner unit or HQ marks an agreed item done."""
    decision = decision_get_for(request.user, pk)
    try:
        done_on = parse_day(request.POST.get("done_on"), timezone.localdate())
        meeting_services.decision_close(
            decision=decision,
            done_on=done_on,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(request, "已办结")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("campaign:meeting_list")


@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    """Scores per unit with the formula and weights, and the units to be named."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    as_of = _as_of(request)
    rows = assess(plan, as_of)
    named = [r for r in rows if r.named]
    if export_requested(request):
        return xlsx_list_response(assessment_export(plan, rows, as_of), request)
    context = {"plan": plan, "rows": rows, "named": named, "as_of": as_of}
    context |= {"formula": formula_text(plan), "escalations": escalations(plan, as_of)}
    return render(request, "campaign/assessment.html", context)


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """Download the monthly summary (Word or PDF); HQ may close the month with it."""
    plan = plan_get(request.GET.get("plan"), user=request.user)
    user = _user(request)
    if user.role not in (Role.HQ_ADMIN, Role.LEADER) and not user.is_superuser:
        raise PermissionDenied("汇总上报材料仅供指挥部办公室和领导查看")
    try:
        month = parse_month(request.GET.get("month"), business_today())
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    content = summary_build(plan, month, _as_of(request))
    # "baodi-2019" already names the year: baodi-2019-09-汇总, not baodi-2019-2019-09.
    stem = plan.name.removesuffix(f"-{month.year}")
    name = f"{stem}-{month:%Y-%m}-汇总"
    if request.GET.get("format") == "pdf":
        try:
            data, kind = summary_pdf(content), "application/pdf"
        except FontMissing as exc:
            return HttpResponse(
                str(exc), status=500, content_type="text/plain; charset=utf-8"
            )
        name += ".pdf"
    else:
        data = summary_docx(content)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        name += ".docx"
    generated_report_keep(
        kind="campaign_summary",
        title=f"{plan.title} {month:%Y年%m月}汇总",
        filename=name,
        content_type=kind,
        content=data,
        as_of=content.as_of,
        parameters={"plan": plan.name, "month": f"{month:%Y-%m}"},
        actor=user,
    )
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
@require_POST
def month_close(request: HttpRequest) -> HttpResponse:
    """HQ closes a month after sending the summary; later corrections are flagged."""
    plan = plan_get(request.POST.get("plan"), user=request.user)
    try:
        month = parse_month(request.POST.get("month"), _reporting_month(plan))
        services.month_close(plan=plan, month=month, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("campaign:report_list")
    messages.success(request, f"{month:%Y年%m月}已关账")
    return redirect("campaign:report_list")

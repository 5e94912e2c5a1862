"""Activity pages (活动与平台): overview, the activity list and one activity, the
follow-up list. Thin function views over selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from keqi.accounts.context import DistrictChoice, district_choice
from keqi.accounts.models import Area, Unit
from keqi.accounts.scopes import area_ids_in_scope, district_id_of, district_q
from keqi.activities import services
from keqi.activities.exports import xlsx_response
from keqi.activities.forms import ActivityForm, AttendanceForm
from keqi.activities.models import Activity, ActivityKind
from keqi.activities.platforms import PLATFORM_METRIC
from keqi.activities.selectors import (
    ActivityFilter,
    FollowUp,
    activity_get_editable,
    activity_get_for,
    activity_list_for,
    attendance_rows_for,
    attendances_for,
    entries_ranked,
    followup_list,
    headcount,
    may_edit_activity,
    may_record,
    plan_loaded,
    plan_target_value,
)
from keqi.activities.talent import introduction_totals, introductions_for, trainee_total
from keqi.activities.workbook import activity_sheets
from keqi.campaign.metrics import METRICS
from keqi.core.dates import business_today
from keqi.core.exports import ListExport, export_requested, xlsx_list_response
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import area_check
from keqi.cultivation.views import area_picked, areas_for


def year_and_day(f: Filters, param: str = "as_of") -> tuple[int, dt.date]:
    """The year asked for (this year by default) and the day to count up to."""
    today = business_today()
    year = f.year("year", "年度", today.year)
    default = today if year == today.year else dt.date(year, 12, 31)
    return year, f.day(param, "统计日期", default)


def error_messages(
    request: HttpRequest, exc: ValidationError | PermissionDenied
) -> None:
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        messages.error(request, text)


def overview_figures(
    user: Any, year: int, as_of: dt.date, district_id: int | None = None
) -> dict[str, Any]:
    """The overview's figures of the user's district (the city: of `district_id`
    when given, else of every district)."""
    counted = district_id if district_id is not None else district_id_of(user)
    intros = introductions_for(user, year, district_id=district_id)
    return {
        "trainings": METRICS["tech_sme_trainings_in_year"].count(year, as_of, counted),
        "contests": METRICS["contests_in_year"].evidence(year, as_of, counted),
        "platforms": METRICS[PLATFORM_METRIC].count(year, as_of, counted),
        "trainees": trainee_total(year, as_of, user, district_id),
        "intro_people": introduction_totals(intros).people,
        "followups": len(followup_list(user, year, as_of, None, district_id)),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The year at a glance: each figure toward its plan target, linked to its list.
    The city with no district picked sees 全市 and each district's figures side by
    side (no target: each district's plan sets its own)."""
    district = district_choice(request)
    f = Filters(request.GET)
    year, as_of = year_and_day(f)
    user = request.user
    picked = district.picked_id
    flt = ActivityFilter(year=year, until=as_of, district_id=picked)
    by_kind = {k: 0 for k in ActivityKind.values}
    for kind in activity_list_for(user, flt).values_list("kind", flat=True):
        by_kind[kind] += 1
    here = (
        district.picked.name if district.picked else ("全市" if district.mixed else "")
    )
    query = urlencode({"district": district.picked.code}) if district.picked else ""
    columns = [(here or "完成", query, overview_figures(user, year, as_of, picked))]
    if district.mixed:
        columns += [
            (
                d.name,
                urlencode({"district": d.code}),
                overview_figures(user, year, as_of, d.pk),
            )
            for d in district.offered
        ]
    context = {
        "year": year,
        "as_of": as_of,
        "by_kind": by_kind,
        "columns": columns,
        "contests": columns[0][2]["contests"],
        "trainings_target": plan_target_value(
            "tech_sme_trainings_in_year", year, user, picked
        ),
        "platforms_target": plan_target_value(PLATFORM_METRIC, year, user, picked),
        "trainees_target": plan_target_value("trainees_in_year", year, user, picked),
        "plan_loaded": plan_loaded(year, user, picked),
        "may_record": may_record(user),
        "errors": f.errors,
        **district.context(),
    }
    return render(request, "activities/index.html", context)


def _activity_filter(
    request: HttpRequest, district: DistrictChoice
) -> tuple[ActivityFilter, Filters]:
    f = Filters(request.GET)
    raw_year = request.GET.get("year", "").strip()
    year = f.year("year", "年度", business_today().year) if raw_year else None
    until = f.day("until", "截至日期") if request.GET.get("until") else None
    area_id = f.pk("area")
    area_check(request.user, area_id)  # 404 for another area
    kind = f.choice("kind", list(ActivityKind.values))
    tech_sme = request.GET.get("tech_sme") == "1"
    organiser_id = f.pk("organiser")
    q = request.GET.get("q", "").strip()[:100]
    flt = ActivityFilter(year, until, kind, tech_sme, area_id, q, organiser_id)
    flt.district_id = district.picked_id
    return flt, f


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    """Activities the user may see (the city: of one district when it picks
    one), filtered; the export link keeps the filters."""
    district = district_choice(request)
    flt, f = _activity_filter(request, district)
    rows = list(activity_list_for(request.user, flt))
    if export_requested(request):
        attendance = list(attendance_rows_for(request.user, rows))
        sheets = activity_sheets(rows, attendance)
        about = _filter_lines(flt, request.user, district)
        return xlsx_response("活动清单.xlsx", about, sheets, request)
    areas = areas_for(request.user, district.picked)
    organisers = Unit.objects.filter(
        district_q(request.user), organised_activities__isnull=False
    )
    if district.picked is not None:
        organisers = organisers.filter(district=district.picked)
    context = {
        "rows": rows,
        "flt": flt,
        "kinds": ActivityKind.values,
        "areas": areas,
        "area": area_picked(areas, flt.area_id),
        "organisers": organisers.distinct().order_by("sort", "code"),
        "may_record": may_record(request.user),
        "errors": f.errors,
        **district.context(),
    }
    return render(request, "activities/activity_list.html", context)


def _filter_lines(
    flt: ActivityFilter, user: Any, district: DistrictChoice
) -> list[tuple[str, str]]:
    lines = [
        ("年度", str(flt.year) if flt.year else "全部"),
        ("截至日期", flt.until.isoformat() if flt.until else "—"),
        ("活动类型", flt.kind or "全部"),
        ("仅科技型中小企业入库申报培训", "是" if flt.tech_sme else "否"),
        ("关键词", flt.q or "—"),
    ]
    scope = "全区" if area_ids_in_scope(user) is None else "本街镇/园区"
    if district.offered:
        scope = district.picked.name if district.picked else "全市（各区）"
    return [("名称", "活动清单（可修改后导入）"), *lines, ("数据范围", scope)]


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One activity: its facts, the enterprises the user may see, contest results."""
    activity = activity_get_for(request.user, pk)
    context = {
        "a": activity,
        "attendance": attendances_for(request.user, activity),
        "count": headcount(request.user, activity),
        "rounds": activity.rounds.all(),
        "entries": entries_ranked(request.user, activity),
        "may_edit": may_edit_activity(request.user, activity),
        "form": AttendanceForm(user=request.user),
    }
    return render(request, "activities/activity_detail.html", context)


def _form_page(
    request: HttpRequest, form: Any, title: str, back: str, activity: Activity | None
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, "a": activity}
    return render(request, "activities/form.html", context)


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    """Record an activity for the user's unit (HQ names the organiser)."""
    if not may_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能登记活动")
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                values=form.cleaned_data, actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记活动：{activity.title}")
            return redirect("activities:activity_detail", pk=activity.pk)
    back = reverse("activities:activity_list")
    return _form_page(request, form, "登记活动", back, None)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an activity; another unit's activity is a 404."""
    activity = activity_get_editable(request.user, pk)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity, values=form.cleaned_data, actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存")
            return redirect("activities:activity_detail", pk=pk)
    back = reverse("activities:activity_detail", args=[pk])
    return _form_page(request, form, f"修改活动：{activity.title}", back, activity)


@login_required
@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change one enterprise's attendance (organiser or HQ)."""
    activity = activity_get_editable(request.user, pk)
    form = AttendanceForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))
        return redirect("activities:activity_detail", pk=pk)
    data = form.cleaned_data
    values = services.AttendanceValues(
        data["invited"], data["attended"], data["people"] or 0, data["note"]
    )
    try:
        services.attendance_set(
            activity=activity,
            enterprise=data["enterprise"],
            values=values,
            actor=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
    else:
        messages.success(request, f"已登记：{data['enterprise'].name}")
    return redirect("activities:activity_detail", pk=pk)


@login_required
@require_POST
def attendance_remove(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    """Take one enterprise off the activity (kept in the history)."""
    activity = activity_get_editable(request.user, pk)
    attendance = get_object_or_404(attendances_for(request.user, activity), pk=row)
    services.attendance_remove(attendance=attendance, actor=request.user)
    messages.success(request, f"已移除：{attendance.enterprise.name}")
    return redirect("activities:activity_detail", pk=pk)


def _followup_args(request: HttpRequest) -> tuple[Filters, int, dt.date, int | None]:
    f = Filters(request.GET)
    year, as_of = year_and_day(f)
    area_id = f.pk("area")
    area_check(request.user, area_id)
    return f, year, as_of, area_id


@login_required
def followup(request: HttpRequest) -> HttpResponse:
    """Attended a 科技型中小企业 training, no 科技型中小企业 registration since."""
    district = district_choice(request)
    f, year, as_of, area_id = _followup_args(request)
    rows = followup_list(request.user, year, as_of, area_id, district.picked_id)
    areas = areas_for(request.user, district.picked)
    if export_requested(request):
        area = area_picked(areas, area_id)
        export = followup_export(rows, year, as_of, area, district)
        return xlsx_list_response(export, request)
    context = {
        "rows": rows,
        "year": year,
        "as_of": as_of,
        "areas": areas,
        "area": area_picked(areas, area_id),
        "errors": f.errors,
        **district.context(),
    }
    return render(request, "activities/followup.html", context)


def followup_export(
    rows: list[FollowUp],
    year: int,
    as_of: dt.date,
    area: Area | None,
    district: DistrictChoice | None = None,
) -> ListExport:
    """The follow-up list as shown (区 first when it mixes districts)."""
    mixed = district is not None and district.mixed
    columns: list[tuple[str, Any]] = [
        *([("区", lambda r: r.enterprise.area.district.name)] if mixed else []),
        ("企业名称", lambda r: r.enterprise.name),
        ("统一社会信用代码", lambda r: r.enterprise.uscc),
        ("街镇/园区", lambda r: r.enterprise.area.name),
        (
            "参加的培训",
            lambda r: "；".join(f"{a.held_on} {a.title}" for a in r.trainings),
        ),
        ("此前入库日期", lambda r: r.last_held.granted_on if r.last_held else None),
    ]
    return ListExport(
        title="参加入库申报培训后尚未入库的企业",
        columns=columns,
        rows=rows,
        filters=[
            *district_line(district),
            ("年度", str(year)),
            ("街镇/园区", area.name if area else ""),
        ],
        as_of=as_of,
    )


def district_line(district: DistrictChoice | None) -> list[tuple[str, str]]:
    """A download's 区 line for the city (the district picked, or 全市)."""
    if district is None or not district.offered:
        return []
    return [("区", district.picked.name if district.picked else "全市")]

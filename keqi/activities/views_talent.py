"""Talent pages: skilled-worker training figures by unit and month, 海河英才."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from operator import itemgetter
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from keqi.accounts.context import DistrictChoice, district_choice
from keqi.accounts.models import Area, Unit, User
from keqi.accounts.scopes import district_q
from keqi.activities.forms import IntroductionForm, TraineeForm
from keqi.activities.models import TalentIntroduction, TraineeReport
from keqi.activities.selectors import may_record, plan_target_value
from keqi.activities.talent import (
    TraineeLine,
    introduction_totals,
    introductions_for,
    talent_introduction_save,
    trainee_prefill,
    trainee_report_file,
    trainee_table,
)
from keqi.activities.views import _form_page, district_line, year_and_day
from keqi.core.dates import business_today
from keqi.core.exports import ListExport, export_requested, xlsx_list_response
from keqi.core.query import whole_number
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import area_check
from keqi.cultivation.views import area_picked, areas_for

MONTHS = [f"{m}月" for m in range(1, 13)]
TRAINEE_METRIC = "trainees_in_year"


def _trainee_args(request: HttpRequest) -> tuple[Filters, int, dt.date]:
    f = Filters(request.GET)
    year, as_of = year_and_day(f)
    return f, year, as_of


@login_required
def trainees(request: HttpRequest) -> HttpResponse:
    """Each unit's cumulative by month toward the year's target; the total is the
    campaign figure (the city: of one district when it picks one, else 全市 with
    each unit's 区 and no single district's target)."""
    district = district_choice(request)
    f, year, as_of = _trainee_args(request)
    user = cast(User, request.user)
    picked = district.picked_id
    table = trainee_table(year, as_of, user, picked)
    if export_requested(request):
        return xlsx_list_response(
            _trainee_export(year, as_of, table, district), request
        )
    keys = [f"{year}-{m:02d}" for m in range(1, 13)]
    lines = [
        (
            line,
            list(zip(line.cumulative, keys, strict=True)),
            may_record(user) and (user.is_hq or line.unit.pk == user.unit_id),
        )
        for line in table
    ]
    target = None
    if not district.mixed:
        target = plan_target_value(TRAINEE_METRIC, year, user, picked)
    context = {
        "year": year,
        "as_of": as_of,
        "lines": lines,
        "months": MONTHS,
        "total": _latest_sum(table),
        "target": target,
        "may_record": may_record(request.user),
        "errors": f.errors,
        **district.context(),
    }
    return render(request, "activities/trainees.html", context)


def _latest_sum(table: list[TraineeLine]) -> int:
    """Each unit's latest cumulative, added up (as `trainee_total`)."""
    return sum(line.latest.cumulative for line in table if line.latest is not None)


def _trainee_export(
    year: int, as_of: dt.date, table: list[TraineeLine], district: DistrictChoice
) -> ListExport:
    """Two rows per unit: the cumulative by month, then each month's own number
    (the unit's 区 first when the table mixes districts)."""
    mixed = district.mixed
    rows: list[list[object]] = []
    for line in table:
        of = line.unit.district
        where = [of.name if of is not None else "市级"] if mixed else []
        rows.append([*where, str(line.unit), "累计", *line.cumulative])
        rows.append([*where, str(line.unit), "当月", *line.monthly])
    first = 1 if mixed else 0
    columns: list[tuple[str, Any]] = [("区", itemgetter(0))] if mixed else []
    columns += [("填报单位", itemgetter(first)), ("口径", itemgetter(first + 1))]
    columns += [(m, itemgetter(i + first + 2)) for i, m in enumerate(MONTHS)]
    total = ("合计（各单位最近累计之和）", f"{_latest_sum(table)}人")
    return ListExport(
        "职业技能人才培训",
        columns,
        rows,
        [("年度", str(year)), *district_line(district), total],
        as_of,
    )


def _initial_trainee(request: HttpRequest) -> dict[str, object]:
    """Unit and month from the query; the figure pre-filled with last month's."""
    user = cast(User, request.user)
    pk = request.GET.get("unit", "")
    unit_pk = whole_number(pk)
    units = Unit.objects.filter(district_q(user))
    unit = None if unit_pk is None else units.filter(pk=unit_pk).first()
    if unit is None or not (user.is_hq or unit.pk == user.unit_id):
        unit = user.unit
    month = business_today().replace(day=1)
    text = request.GET.get("month", "")
    try:
        month = dt.date.fromisoformat(f"{text}-01") if text else month
    except ValueError:
        messages.error(request, f"月份应写作 2019-09 这样的格式（实际为 {text}）")
    initial: dict[str, object] = {"unit": unit, "month": f"{month:%Y-%m}"}
    if unit is not None:
        filed = TraineeReport.objects.filter(unit=unit, month=month).first()
        prefill = filed.cumulative if filed else trainee_prefill(unit, month)
        initial |= {"cumulative": prefill, "note": filed.note if filed else ""}
    return initial


@login_required
def trainee_file(request: HttpRequest) -> HttpResponse:
    """File a month's cumulative (pre-filled with last month's); a change to a filed
    month needs a reason."""
    if not may_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能填报")
    initial = _initial_trainee(request) if request.method != "POST" else {}
    form = TraineeForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            trainee_report_file(
                unit=d["unit"],
                month=d["month"],
                cumulative=d["cumulative"],
                note=d["note"],
                reason=d["reason"],
                actor=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已保存{d['unit']}{d['month']:%Y年%m月}培训人数")
            return redirect(f"{reverse('activities:trainees')}?year={d['month'].year}")
    back = reverse("activities:trainees")
    return _form_page(request, form, "填报技能人才培训月报", back, None)


def _intro_args(request: HttpRequest) -> tuple[Filters, int, int | None]:
    f = Filters(request.GET)
    year = f.year("year", "年度", business_today().year)
    area_id = f.pk("area")
    area_check(request.user, area_id)
    return f, year, area_id


@login_required
def introductions(request: HttpRequest) -> HttpResponse:
    """海河英才 introductions with people per area and per enterprise (scoped)."""
    district = district_choice(request)
    f, year, area_id = _intro_args(request)
    rows = introductions_for(request.user, year, area_id, district.picked_id)
    areas = areas_for(request.user, district.picked)
    if export_requested(request):
        area = area_picked(areas, area_id)
        export = _intro_export(rows, year, area, district)
        return xlsx_list_response(export, request)
    context = {
        "rows": rows,
        "totals": introduction_totals(rows),
        "year": year,
        "areas": areas,
        "area": area_picked(areas, area_id),
        "may_record": may_record(request.user),
        "user_unit": getattr(request.user, "unit_id", None),
        "errors": f.errors,
        **district.context(),
    }
    return render(request, "activities/introductions.html", context)


def _intro_export(
    rows: Iterable[TalentIntroduction],
    year: int,
    area: Area | None,
    district: DistrictChoice,
) -> ListExport:
    """The introductions as shown (sum them per area or enterprise in Excel; 区
    first when they mix districts)."""
    columns: list[tuple[str, Any]] = [
        *(
            [("区", lambda r: r.enterprise.area.district.name)]
            if district.mixed
            else []
        ),
        ("引进日期", lambda r: r.introduced_on),
        ("企业名称", lambda r: r.enterprise.name),
        ("统一社会信用代码", lambda r: r.enterprise.uscc),
        ("街镇/园区", lambda r: r.enterprise.area.name),
        ("人才类别", lambda r: r.category),
        ("引进人数", lambda r: r.people),
        ("填报单位", lambda r: str(r.unit)),
        ("说明", lambda r: r.note),
    ]
    filters = [
        *district_line(district),
        ("年度", str(year)),
        ("街镇/园区", area.name if area else ""),
    ]
    return ListExport("海河英才引进", columns, rows, filters)


@login_required
def introduction_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record or change an introduction; another unit's entry is a 404."""
    if not may_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能登记")
    row = None
    if pk is not None:
        user = cast(User, request.user)
        mine = introductions_for(user, None)
        if not user.is_hq:
            mine = mine.filter(unit=user.unit)
        row = get_object_or_404(mine, pk=pk)
    form = IntroductionForm(request.POST or None, instance=row, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data}
        values.pop("enterprise_ref", None)
        try:
            saved = talent_introduction_save(values=values, actor=request.user, row=row)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已保存：{saved}")
            return redirect("activities:introductions")
    back = reverse("activities:introductions")
    title = "修改海河英才引进" if row else "登记海河英才引进"
    return _form_page(request, form, title, back, None)

"""The leader dashboard (驾驶舱) and the report-timeliness list behind its figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.accounts.models import District, Unit
from keqi.accounts.scopes import district_picked, district_q, sees_every_district
from keqi.campaign.progress import Light
from keqi.campaign.selectors import reads_all_reports
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import LIBRARIES
from keqi.cultivation.rd import default_year
from keqi.dashboard.build import chart_data, dashboard_build, district_plan
from keqi.dashboard.districts import district_comparison
from keqi.dashboard.money import NO_FUNDS
from keqi.dashboard.plan_panels import Timeliness, plan_or_none, report_rows
from keqi.dashboard.tiles import CHOICES, choice
from keqi.registry.models import Enterprise


def district_asked(request: HttpRequest) -> District | None:
    """The district `?district=<code>` names (the city's drill-down); 404 when
    unknown or outside the user's scope, as the other narrowed pages do."""
    try:
        return district_picked(request.user, request.GET.get("district", ""))
    except LookupError:
        raise Http404("该区不存在或不在您的管辖范围内") from None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Every panel as of a day; each figure links to the list behind it. The city
    sees every district (grouped by district, without a plan's targets) or the
    one it picks."""
    f = Filters(request.GET)
    as_of = f.day("as_of", "统计日期")
    year = f.year("year", "研发年度", default_year(as_of))
    district = district_asked(request)
    board = dashboard_build(
        request.user, as_of, year, choice(request.GET.get("map", "")), district
    )
    every = sees_every_district(request.user)
    context = {
        "d": board,
        "district_choices": (
            District.objects.filter(district_q(request.user, "pk")) if every else []
        ),
        "charts": chart_data(board),
        "map_choices": CHOICES,
        "has_enterprises": Enterprise.objects.exists(),
        "no_funds": NO_FUNDS,
        "errors": f.errors,
    }
    return render(request, "dashboard/index.html", context)


@login_required
def districts(request: HttpRequest) -> HttpResponse:
    """The city's comparison of its districts; each figure links to its records.
    A district user gets 404 (the page is not in their scope)."""
    if not sees_every_district(request.user):
        raise Http404("区际比较只对市级账号开放")
    f = Filters(request.GET)
    as_of = f.day("as_of", "统计日期")
    year = f.year("year", "研发年度", default_year(as_of))
    context = {
        "rows": district_comparison(request.user, as_of, year),
        "libraries": LIBRARIES,
        "lights": list(Light),
        "as_of": as_of,
        "year": year,
        "errors": f.errors,
    }
    return render(request, "dashboard/districts.html", context)


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """The due monthly reports behind a timeliness figure (a unit, a status); for
    the city, of the plan of the district it picked."""
    district = district_asked(request)
    if district is not None and sees_every_district(request.user):
        plan = district_plan(request.user, district)
    else:
        plan = plan_or_none(request.user)
    if plan is None:
        raise Http404("尚未载入实施方案")
    f = Filters(request.GET)
    as_of = f.day("as_of", "统计日期")
    status = f.choice("status", [s.value for s in Timeliness])
    unit = request.GET.get("unit", "").strip()
    rows = report_rows(plan, as_of, unit, Timeliness(status) if status else None)
    context = {
        "plan": plan,
        "as_of": as_of,
        "rows": rows,
        "status": Timeliness(status) if status else None,
        "unit": Unit.objects.filter(code=unit).first() if unit else None,
        "reads_all": reads_all_reports(request.user),
        "errors": f.errors,
    }
    return render(request, "dashboard/reports.html", context)

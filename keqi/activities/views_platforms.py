"""The platform registry page (创新平台): a view over the registry's qualifications."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from keqi.activities.exports import xlsx_response
from keqi.activities.platforms import (
    PLATFORM_METRIC,
    PlatformFilter,
    platform_kinds,
    platform_levels,
    platform_list_for,
    platform_status,
)
from keqi.activities.selectors import plan_target_value
from keqi.campaign.metrics import METRICS
from keqi.core.dates import business_today
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import scope_area_ids
from keqi.cultivation.views import area_picked, areas_for


def _filter(request: HttpRequest) -> tuple[PlatformFilter, Filters]:
    """Blank year (全部年度) lists every platform; a year lists that year's new ones."""
    f = Filters(request.GET)
    today = business_today()
    year = None if request.GET.get("year") == "" else f.year("year", "年度", today.year)
    default = today if year in (None, today.year) else dt.date(year or 0, 12, 31)
    as_of = f.day("as_of", "统计日期", default)
    area_id = f.pk("area")
    scope_area_ids(request.user, area_id)
    kind = f.choice("kind", platform_kinds())
    level = f.choice("level", platform_levels())
    return PlatformFilter(kind, level, area_id, year, as_of), f


@login_required
def platforms(request: HttpRequest) -> HttpResponse:
    """Platforms by kind, level, area and year; with a year, the list behind the
    campaign's count of new platforms."""
    flt, f = _filter(request)
    rows = list(platform_list_for(request.user, flt))
    day = flt.as_of or business_today()
    areas = areas_for(request.user)
    context = {
        "rows": [(q, platform_status(q, day)) for q in rows],
        "flt": flt,
        "day": day,
        "kinds": platform_kinds(),
        "levels": platform_levels(),
        "areas": areas,
        "area": area_picked(areas, flt.area_id),
        "metric": METRICS[PLATFORM_METRIC],
        "export": f"{reverse('activities:platforms_export')}?{request.GET.urlencode()}",
        "errors": f.errors,
    }
    if flt.year is not None:
        as_of = flt.as_of or day
        context |= {
            "district_count": METRICS[PLATFORM_METRIC].count(flt.year, as_of),
            "target": plan_target_value(PLATFORM_METRIC, flt.year),
            "unfiltered": not (flt.kind or flt.level or flt.area_id),
        }
    return render(request, "activities/platforms.html", context)


@login_required
def platforms_export(request: HttpRequest) -> HttpResponse:
    """The platform list as Excel, same filters and scope."""
    flt, _ = _filter(request)
    day = flt.as_of or business_today()
    rows = [
        [q.kind, q.level, q.enterprise.name, q.enterprise.uscc, q.enterprise.area.name,
         q.number, q.granted_on, q.valid_until, q.revoked_on,
         platform_status(q, day)[0]]
        for q in platform_list_for(request.user, flt)
    ]  # fmt: skip
    headers = ["平台类型", "级别", "依托企业", "统一社会信用代码", "街镇/园区", "编号"]
    headers += ["取得日期", "有效期至", "撤销日期", f"{day:%Y-%m-%d}状态"]
    about = [
        ("年度", str(flt.year) if flt.year else "全部年度"),
        ("平台类型", flt.kind or "全部"),
        ("级别", flt.level or "全部"),
        ("统计日期", day.isoformat()),
    ]
    if flt.year is not None:
        about.append(("计数口径", METRICS[PLATFORM_METRIC].rule))
    return xlsx_response("创新平台.xlsx", about, [("创新平台", headers, rows)])

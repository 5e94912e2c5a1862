"""The platform registry page (创新平台): a view over the registry's qualifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.accounts.context import DistrictChoice, district_choice
from keqi.accounts.models import Area
from keqi.accounts.scopes import district_id_of
from keqi.activities.platforms import (
    PLATFORM_METRIC,
    PlatformFilter,
    platform_kinds,
    platform_levels,
    platform_list_for,
    platform_status,
)
from keqi.activities.selectors import plan_target_value
from keqi.activities.views import district_line
from keqi.campaign.metrics import METRICS
from keqi.core.dates import business_today
from keqi.core.exports import ListExport, export_requested, xlsx_list_response
from keqi.core.paging import paged
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import area_check
from keqi.cultivation.views import area_picked, areas_for
from keqi.registry.models import Qualification


def _filter(
    request: HttpRequest, district: DistrictChoice
) -> tuple[PlatformFilter, Filters]:
    """Blank year (全部年度) lists every platform; a year lists that year's new ones."""
    f = Filters(request.GET)
    today = business_today()
    year = None if request.GET.get("year") == "" else f.year("year", "年度", today.year)
    default = today if year in (None, today.year) else dt.date(year or 0, 12, 31)
    as_of = f.day("as_of", "统计日期", default)
    area_id = f.pk("area")
    area_check(request.user, area_id)
    kind = f.choice("kind", platform_kinds())
    level = f.choice("level", platform_levels())
    flt = PlatformFilter(kind, level, area_id, year, as_of, district.picked_id)
    return flt, f


@login_required
def platforms(request: HttpRequest) -> HttpResponse:
    """Platforms by kind, level, area and year; with a year, the list behind the
    campaign's count of new platforms."""
    district = district_choice(request)
    flt, f = _filter(request, district)
    found = platform_list_for(request.user, flt)
    day = flt.as_of or business_today()
    areas = areas_for(request.user, district.picked)
    if export_requested(request):
        area = area_picked(areas, flt.area_id)
        export = _export(list(found), flt, day, area, district)
        return xlsx_list_response(export, request)
    pager = paged(found, request.GET)
    context = {
        "pager": pager,
        "rows": [(q, platform_status(q, day)) for q in pager.rows],
        "flt": flt,
        "day": day,
        "kinds": platform_kinds(),
        "levels": platform_levels(),
        "areas": areas,
        "area": area_picked(areas, flt.area_id),
        "metric": METRICS[PLATFORM_METRIC],
        "errors": f.errors,
        **district.context(),
    }
    if flt.year is not None:
        as_of = flt.as_of or day
        counted = district.picked_id or district_id_of(request.user)
        context |= {
            "district_count": METRICS[PLATFORM_METRIC].count(flt.year, as_of, counted),
            "target": plan_target_value(PLATFORM_METRIC, flt.year, request.user),
            "unfiltered": not (flt.kind or flt.level or flt.area_id),
        }
    return render(request, "activities/platforms.html", context)


def _export(
    rows: list[Qualification],
    flt: PlatformFilter,
    day: dt.date,
    area: Area | None,
    district: DistrictChoice,
) -> ListExport:
    """The platform list as shown, with its counting rule when a year is chosen
    (区 first when it mixes districts)."""
    columns: list[tuple[str, Any]] = [
        *(
            [("区", lambda q: q.enterprise.area.district.name)]
            if district.mixed
            else []
        ),
        ("平台类型", lambda q: q.kind),
        ("级别", lambda q: q.level),
        ("依托企业", lambda q: q.enterprise.name),
        ("统一社会信用代码", lambda q: q.enterprise.uscc),
        ("街镇/园区", lambda q: q.enterprise.area.name),
        ("编号", lambda q: q.number),
        ("取得日期", lambda q: q.granted_on),
        ("有效期至", lambda q: q.valid_until),
        ("撤销日期", lambda q: q.revoked_on),
        (f"{day:%Y-%m-%d}状态", lambda q: platform_status(q, day)[0]),
    ]
    filters = [
        *district_line(district),
        ("年度", f"{flt.year}年新增" if flt.year else "全部年度"),
        ("平台类型", flt.kind),
        ("级别", flt.level),
        ("街镇/园区", area.name if area else ""),
    ]
    if flt.year is not None:
        filters.append(("计数口径", METRICS[PLATFORM_METRIC].rule))
    return ListExport("创新平台", columns, rows, filters, day)

"""R&D monitoring pages (研发投入监测): the monitor, the lists behind it, the export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from keqi.accounts.industries import key_industries_for
from keqi.core.dates import business_today
from keqi.core.downloads import offer
from keqi.core.exports import export_requested
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import area_check
from keqi.cultivation.paging import paged
from keqi.cultivation.rd import (
    FLAG_RULES,
    NO_INDUSTRY,
    default_year,
    rd_enterprises,
    rd_report,
)
from keqi.cultivation.views import area_picked, areas_for, district_of

SHOWS: dict[str, str] = {  # list name (a key of rd.LISTS) → title
    "reporting": "已填报研发费用的企业",
    "with_rd": "有研发投入的企业",
    "intensity": "计入研发投入强度的企业（研发费用、销售收入均已填报）",
    "both": "两年均填报研发费用的企业（同比口径）",
    "fell": "研发费用下降的企业",
    "flagged": "有异常提示的企业",
}


def _filters(request: HttpRequest) -> tuple[Filters, int, int | None, str]:
    f = Filters(request.GET)
    year = f.year("year", "年度", default_year(business_today()))
    area_id = f.pk("area")
    area_check(request.user, area_id)  # 404 for another area
    return f, year, area_id, f.choice("industry", industries_for(request.user))


def industries_for(user: Any) -> list[str]:
    """The 重点产业 of the user's district(s) (district file), then 未填."""
    return [*key_industries_for(user), NO_INDUSTRY]


def _links(
    year: int, area_id: int | None, industry: str, district: Any = None
) -> dict[str, str]:
    base = {"year": str(year)}
    if district is not None:
        base["district"] = district.code
    if area_id:
        base["area"] = str(area_id)
    if industry:
        base["industry"] = industry
    url = reverse("cultivation:rd_list")
    return {show: f"{url}?{urlencode({**base, 'show': show})}" for show in SHOWS}


@login_required
def rd_monitor(request: HttpRequest) -> HttpResponse:
    """Totals by area and by 重点产业, with each number linked to its enterprises."""
    f, year, area_id, industry = _filters(request)
    district = district_of(request)
    report = rd_report(request.user, year, area_id, industry, district)
    areas = areas_for(request.user, district)
    by_area = [(g, _links(year, int(g.key), industry, district)) for g in report.areas]
    by_industry = [
        (g, _links(year, area_id, g.key, district)) for g in report.industries
    ]
    context = {
        "report": report,
        "district": district,
        "total": (report.total, _links(year, area_id, industry, district)),
        "by_area": by_area,
        "by_industry": by_industry,
        "rules": FLAG_RULES,
        "industries": industries_for(request.user),
        "industry": industry,
        "areas": areas,
        "area": area_picked(areas, area_id),
        "export": f"{reverse('cultivation:rd_export')}?{request.GET.urlencode()}",
        "errors": f.errors,
    }
    return render(request, "cultivation/rd_monitor.html", context)


@login_required
def rd_list(request: HttpRequest) -> HttpResponse:
    """The enterprises behind one number of the monitor, a page at a time (the
    download has them all)."""
    f, year, area_id, industry = _filters(request)
    if export_requested(request):
        return offer(request, "cultivation.rd_list", year=str(year))
    show = f.choice("show", list(SHOWS)) or "reporting"
    title = SHOWS[show]
    district = district_of(request)
    rows = rd_enterprises(request.user, year, area_id, industry, show, district)
    areas = areas_for(request.user, district)
    context = {
        "year": year,
        "title": title,
        "pager": paged(rows, request.GET),
        "area": area_picked(areas, area_id),
        "district": district,
        "industry": industry,
        "errors": f.errors,
    }
    return render(request, "cultivation/rd_list.html", context)


@login_required
def rd_export(request: HttpRequest) -> HttpResponse:
    """The monitor as an Excel workbook, with the same filters and scope."""
    _, year, _, _ = _filters(request)
    return offer(request, "cultivation.rd_workbook", year=str(year))

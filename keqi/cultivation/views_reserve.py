"""Cultivation pages: reserve lists (后备库) and the enterprise portrait (企业画像)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.core.downloads import offer
from keqi.core.exports import export_requested
from keqi.cultivation.filters import Filters
from keqi.cultivation.paging import paged
from keqi.cultivation.portrait import (
    IP_CATEGORIES,
    QUALIFICATION_KINDS,
    WHATIF_FIELDS,
    portrait_for,
    verdict_rows,
    what_if_input,
)
from keqi.cultivation.reserve import RESERVE_PROGRAMMES, reserve_list
from keqi.cultivation.views import area_picked, areas_for, district_choice
from keqi.registry.selectors import enterprise_get_for, ip_management_on


@login_required
def reserve(request: HttpRequest, key: str) -> HttpResponse:
    """One programme's 免申即享 list and reserve ranked by closeness, a page of each
    (the download has every row); the city's of one district or of all."""
    f = Filters(request.GET)
    day = f.day("on", "评价日期")
    area_id = f.pk("area")
    if export_requested(request):
        return offer(request, "cultivation.reserve", key=key, on=day.isoformat())
    picker = district_choice(request)
    found = reserve_list(request.user, key, day, area_id, picker["district"])
    areas = areas_for(request.user, picker["district"])
    context = {
        "programmes": RESERVE_PROGRAMMES,
        "found": found,
        "eligible": paged(found.eligible, request.GET, "epage"),
        "reserve": paged(found.reserve, request.GET, "page"),
        "day": day,
        "areas": areas,
        "area": area_picked(areas, area_id),
        "errors": f.errors,
        **picker,
    }
    return render(request, "cultivation/reserve.html", context)


@login_required
def portrait(request: HttpRequest, pk: int) -> HttpResponse:
    """企业画像: tier and verdicts; a POST is a what-if that saves nothing."""
    enterprise = enterprise_get_for(request.user, pk)
    f = Filters(request.GET)
    day = f.day("on", "评价日期")
    form = what_if_input(
        request.POST if request.method == "POST" else {}, day.year - 1, day
    )
    changes = form.changes if request.method == "POST" and not form.errors else None
    found = portrait_for(enterprise, day, changes)
    context = {
        "e": enterprise,
        "day": day,
        "p": found,
        "rows": verdict_rows(found),
        "qualifications": enterprise.qualifications.order_by("kind", "-granted_on"),
        "ip_management": ip_management_on(enterprise, day),
        "fields": [
            (name, label, form.values.get(name, "")) for name, label, _ in WHATIF_FIELDS
        ],
        "form": form,
        "ip_categories": IP_CATEGORIES,
        "qualification_kinds": QUALIFICATION_KINDS,
        "what_if": bool(changes),
        "errors": f.errors + form.errors,
    }
    return render(request, "cultivation/portrait.html", context)

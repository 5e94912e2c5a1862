"""Cultivation pages: libraries, change reports and tiers. Thin function views."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from keqi.accounts.models import Area
from keqi.accounts.scopes import area_ids_in_scope
from keqi.cultivation.changes import change_report
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import (
    LIBRARIES,
    library_counts,
    library_get,
    library_members,
)


def areas_for(user: object) -> list[Area]:
    """The areas a user may pick in a filter."""
    allowed = area_ids_in_scope(user)
    areas = Area.objects.all()
    return list(areas if allowed is None else areas.filter(pk__in=allowed))


def _area(areas: list[Area], pk: int | None) -> Area | None:
    return next((a for a in areas if a.pk == pk), None)


def list_url(key: str, day: dt.date, area_id: int | None) -> str:
    """The list behind one count."""
    query = {"on": day.isoformat(), **({"area": str(area_id)} if area_id else {})}
    return f"{reverse('cultivation:library_list', args=[key])}?{urlencode(query)}"


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Counts of every library by area as of a date; each number links to its list."""
    f = Filters(request.GET)
    day = f.day("on", "统计日期")
    table = library_counts(request.user, day)
    rows = [
        (
            area,
            [
                (
                    table.counts.get((lib.key, area.pk), 0),
                    list_url(lib.key, day, area.pk),
                )
                for lib in LIBRARIES
            ],
        )
        for area in table.areas
    ]
    unknown = [table.counts.get((lib.key, None), 0) for lib in LIBRARIES]
    totals = [
        (table.totals[lib.key], list_url(lib.key, day, None)) for lib in LIBRARIES
    ]
    context = {
        "day": day,
        "libraries": LIBRARIES,
        "rows": rows,
        "unknown": unknown if any(unknown) else None,
        "totals": totals,
        "whole_district": area_ids_in_scope(request.user) is None,
        "errors": f.errors,
    }
    return render(request, "cultivation/overview.html", context)


@login_required
def library_list(request: HttpRequest, key: str) -> HttpResponse:
    """The enterprises in one library on a date, optionally in one area."""
    library = library_get(key)
    f = Filters(request.GET)
    day = f.day("on", "统计日期")
    area_id = f.pk("area")
    rows = library_members(request.user, library, day, area_id)
    areas = areas_for(request.user)
    context = {
        "library": library,
        "day": day,
        "rows": rows,
        "areas": areas,
        "area": _area(areas, area_id),
        "errors": f.errors,
    }
    return render(request, "cultivation/library_list.html", context)


@login_required
def library_changes(request: HttpRequest, key: str) -> HttpResponse:
    """What changed in a library between two dates, with the reconciliation line."""
    library = library_get(key)
    f = Filters(request.GET)
    end = f.day("to", "截止日期")
    start = f.day("from", "起始日期", dt.date(end.year - 1, 12, 31))
    area_id = f.pk("area")
    areas = areas_for(request.user)
    try:
        report = change_report(request.user, library, start, end, area_id)
    except ValidationError as exc:
        f.errors.extend(exc.messages)
        report = change_report(request.user, library, end, end, area_id)
    context = {
        "library": library,
        "report": report,
        "areas": areas,
        "area": _area(areas, area_id),
        "errors": f.errors,
    }
    return render(request, "cultivation/library_changes.html", context)

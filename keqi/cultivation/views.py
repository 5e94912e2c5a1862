"""Cultivation pages: libraries, change reports and tiers. Thin function views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from keqi.accounts import context as accounts_context
from keqi.accounts.models import Area, District
from keqi.accounts.scopes import (
    area_ids_in_scope,
    area_q,
    district_picked,
    sees_every_district,
)
from keqi.core.downloads import offer
from keqi.core.exports import export_requested, xlsx_list_response
from keqi.cultivation.changes import GROUPS, change_report
from keqi.cultivation.exports import changes_export
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import (
    LIBRARIES,
    area_check,
    library_counts,
    library_get,
    library_members,
)
from keqi.cultivation.models import TIER_KINDS
from keqi.cultivation.paging import paged
from keqi.cultivation.selectors import (
    enterprise_ladder,
    ladder_load,
    tier_history_for,
    tier_rows_for,
)
from keqi.cultivation.services import tier_ladder_set


def areas_for(user: object, district: District | None = None) -> list[Area]:
    """The areas a user may pick in a filter (of one district, when picked)."""
    areas = Area.objects.filter(area_q(user))
    return list(areas if district is None else areas.filter(district=district))


def district_of(request: HttpRequest) -> District | None:
    """The district `?district=<code>` narrows a list to (a city user's drill-down
    from the comparison page); 404 when unknown or outside the user's scope."""
    return district_picked_in(request.user, request.GET.get("district", ""))


def district_picked_in(user: object, code: str) -> District | None:
    """The district `code` names within the user's scope (None when blank; 404
    when unknown or outside it)."""
    try:
        return district_picked(user, code)
    except LookupError:
        raise Http404("该区不存在或不在您的管辖范围内") from None


def district_choice(request: HttpRequest) -> dict[str, Any]:
    """The district picker of a city-wide page: the district picked (404 when
    unknown), the districts to pick from (for a user who sees every district;
    none for a district user) and whether rows need their 区 column."""
    choice = accounts_context.district_choice(request)
    return {**choice.context(), "district_column": choice.mixed}


def area_picked(areas: list[Area], pk: int | None) -> Area | None:
    return next((a for a in areas if a.pk == pk), None)


def list_url(
    key: str, day: dt.date, area_id: int | None, district: District | None = None
) -> str:
    """The list behind one count (in the district the page is narrowed to)."""
    query = {"on": day.isoformat(), **({"area": str(area_id)} if area_id else {})}
    if district is not None:
        query["district"] = district.code
    return f"{reverse('cultivation:library_list', args=[key])}?{urlencode(query)}"


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Counts of every library by area as of a date; each number links to its list."""
    f = Filters(request.GET)
    day = f.day("on", "统计日期")
    district = district_of(request)
    table = library_counts(request.user, day, district)
    rows = [
        (
            area,
            [
                (
                    table.counts.get((lib.key, area.pk), 0),
                    list_url(lib.key, day, area.pk, district),
                )
                for lib in LIBRARIES
            ],
        )
        for area in table.areas
    ]
    unknown = [table.counts.get((lib.key, None), 0) for lib in LIBRARIES]
    totals = [
        (table.totals[lib.key], list_url(lib.key, day, None, district))
        for lib in LIBRARIES
    ]
    context = {
        "day": day,
        "libraries": LIBRARIES,
        "rows": rows,
        "unknown": unknown if any(unknown) else None,
        "totals": totals,
        "whole_district": area_ids_in_scope(request.user) is None,
        "district": district,
        "errors": f.errors,
    }
    return render(request, "cultivation/overview.html", context)


@login_required
def library_list(request: HttpRequest, key: str) -> HttpResponse:
    """The enterprises in one library on a date, optionally in one area; a page
    at a time, every row in the download."""
    library = library_get(key)
    f = Filters(request.GET)
    day = f.day("on", "统计日期")
    area_id = f.pk("area")
    if export_requested(request):
        return offer(request, "cultivation.library", key=key, on=day.isoformat())
    district = district_of(request)
    rows = library_members(request.user, library, day, area_id, district)
    areas = areas_for(request.user, district)
    context = {
        "library": library,
        "day": day,
        "pager": paged(rows, request.GET),
        "areas": areas,
        "area": area_picked(areas, area_id),
        "district": district,
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
    district = district_of(request)
    areas = areas_for(request.user, district)
    try:
        report = change_report(request.user, library, start, end, area_id, district)
    except ValidationError as exc:
        f.errors.extend(exc.messages)
        report = change_report(request.user, library, end, end, area_id, district)
    if export_requested(request):
        area = area_picked(areas, area_id)
        return xlsx_list_response(changes_export(report, area), request)
    context = {
        "library": library,
        "report": report,
        "groups": [
            (
                anchor,
                title,
                paged(getattr(report, anchor), request.GET, f"{anchor}_page"),
            )
            for anchor, title in GROUPS
        ],
        "areas": areas,
        "area": area_picked(areas, area_id),
        "district": district,
        "errors": f.errors,
    }
    return render(request, "cultivation/library_changes.html", context)


@login_required
def tiers(request: HttpRequest) -> HttpResponse:
    """Each enterprise's tier and national mark on a date, counted by tier (each
    enterprise by its district's ladder); a page at a time, every row in the
    download. The city picks a district, or sees every district's."""
    f = Filters(request.GET)
    day = f.day("on", "统计日期")
    area_id = f.pk("area")
    area_check(request.user, area_id)  # 404 for another area
    picker = district_choice(request)
    district = picker["district"]
    if export_requested(request):
        return offer(request, "cultivation.tiers", on=day.isoformat())
    rows = tier_rows_for(request.user, day, area_id, district)
    ladder, mark = rows.ladder, rows.mark
    chosen = f.choice("tier", [*ladder, *([mark] if mark else [])])
    counts = [
        (kind, sum(e.tier == kind for e in rows.entries)) for kind in reversed(ladder)
    ]
    marked = sum(e.marked for e in rows.entries)
    if chosen:
        rows = rows.only(chosen, mark)
    areas = areas_for(request.user, district)
    context = {
        "day": day,
        "pager": paged(rows, request.GET),
        "counts": counts,
        "mark": mark,
        "marked": marked,
        "chosen": chosen,
        "ladder": ladder,
        "areas": areas,
        "area": area_picked(areas, area_id),
        "may_edit_ladder": settings_editable(request.user)
        and (district is not None or not picker["districts"]),
        "errors": f.errors,
        **picker,
    }
    return render(request, "cultivation/tiers.html", context)


@login_required
def tier_history(request: HttpRequest, pk: int) -> HttpResponse:
    """One enterprise's history of tiers (from its qualification dates), by its
    district's ladder."""
    enterprise, spans = tier_history_for(request.user, pk)
    ladder, mark = enterprise_ladder(enterprise)
    context = {"enterprise": enterprise, "spans": spans, "ladder": ladder, "mark": mark}
    return render(request, "cultivation/tier_history.html", context)


def settings_editable(user: Any) -> bool:
    """A district's HQ edits its own district's ladder and reminder dates (the
    server's operator those of the district it picks); the city only reads."""
    return bool(user.is_hq and (user.is_superuser or user.district_id_in_scope))


@login_required
def ladder_edit(request: HttpRequest) -> HttpResponse:
    """A district's HQ sets the order of its own tier ladder and its national
    mark (the server's operator: of the district it picks)."""
    if not settings_editable(request.user):
        raise PermissionDenied("只有本区指挥部管理员可以修改梯度层级")
    district = settings_district(request)
    ladder, mark = ladder_load(district)
    errors: list[str] = []
    if request.method == "POST":
        tiers = [
            t.strip() for t in request.POST.get("tiers", "").splitlines() if t.strip()
        ]
        new_mark = request.POST.get("mark", "").strip() or None
        try:
            tier_ladder_set(
                district=district, tiers=tiers, mark=new_mark, actor=request.user
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
            ladder, mark = tuple(tiers), new_mark
        else:
            messages.success(request, f"{district.name}的梯度层级已保存")
            query = f"?{urlencode({'district': district.code})}"
            return redirect(reverse("cultivation:tiers") + query)
    context = {
        "district": district,
        "ladder_text": "\n".join(ladder),
        "mark": mark,
        "kinds": [value for value, _ in TIER_KINDS],
        "errors": errors,
    }
    return render(request, "cultivation/ladder_edit.html", context)


def settings_district(request: HttpRequest) -> District:
    """The district whose settings a page edits: the user's own; for the server's
    operator the one picked (?district=, 404 when none or unknown)."""
    own = getattr(request.user, "district_id_in_scope", None)
    if not sees_every_district(request.user) and own is not None:
        return District.objects.get(pk=own)
    picked = district_of(request)
    if picked is None:
        raise Http404("请先选择区")
    return picked

"""Reminder pages: the calendar, marking done, and HQ's per-year dates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from keqi.accounts.models import District
from keqi.core.downloads import offer
from keqi.core.exports import export_requested
from keqi.core.numbers import parse_date
from keqi.core.query import whole_number
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import area_check
from keqi.cultivation.models import ReminderType
from keqi.cultivation.paging import paged
from keqi.cultivation.reminders import Calendar, reminder_calendar
from keqi.cultivation.services import (
    reminder_complete,
    reminder_date_set,
    reminder_reopen,
)
from keqi.cultivation.views import (
    area_picked,
    areas_for,
    district_choice,
    settings_district,
    settings_editable,
)
from keqi.registry.selectors import enterprise_get_for

HOME = "/cultivation/reminders/"


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """Overdue, due-soon, open and done reminders for an enterprise, area or
    district: the counts of each list, and one list a page at a time (the
    download has all four in full). The city picks a district, or sees every
    district's reminders (each by its own dates)."""
    f = Filters(request.GET)
    today = f.day("on", "查看日期")
    ahead = ahead_days(f)
    picker = district_choice(request)
    if export_requested(request):
        return offer(request, "cultivation.reminders", on=today.isoformat())
    area_id, enterprise_id = f.pk("area"), f.pk("enterprise")
    area_check(request.user, area_id)  # 404 for another area
    enterprise = (
        enterprise_get_for(request.user, enterprise_id) if enterprise_id else None
    )
    cal = reminder_calendar(
        request.user,
        today=today,
        ahead_days=ahead,
        area_id=area_id,
        enterprise_id=enterprise_id,
        district=picker["district"],
    )
    areas = areas_for(request.user, picker["district"])
    shown = _section(f, cal)
    context = {
        "cal": cal,
        "sections": [(key, title, len(getattr(cal, key))) for key, title in SECTIONS],
        "shown": shown,
        "shown_title": dict(SECTIONS)[shown],
        "pager": paged(getattr(cal, shown), request.GET),
        "areas": areas,
        "area": area_picked(areas, area_id),
        "enterprise": enterprise,
        "here": request.get_full_path(),
        "errors": f.errors,
        **picker,
    }
    return render(request, "cultivation/reminders.html", context)


#: The lists of the calendar, in the order staff work through them.
SECTIONS = (
    ("overdue", "已逾期（近一年内）"),
    ("upcoming", "即将到期"),
    ("open_now", "办理期内"),
    ("done", "已完成"),
)


def _section(f: Filters, cal: Calendar) -> str:
    """The list asked for, else the first one with items (else 已逾期)."""
    asked = f.choice("list", [key for key, _ in SECTIONS])
    if asked:
        return asked
    return next((key for key, _ in SECTIONS if getattr(cal, key)), SECTIONS[0][0])


def ahead_days(f: Filters, name: str = "ahead", default: int = 30) -> int:
    """How many days ahead the calendar looks (1–366; 30 when blank or bad)."""
    raw = f.query.get(name, "").strip()
    days = whole_number(raw, digits=3)
    if days is not None and 1 <= days <= 366:
        return days
    if raw:
        f.errors.append(f"提前天数：“{raw}”应为 1 到 366 之间的整数")
    return default


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith(HOME) else HOME


@login_required
@require_POST
def reminder_mark(request: HttpRequest) -> HttpResponse:
    """Mark a reminder done (or undo it) for one enterprise and year (the
    reminder of the enterprise's district)."""
    pk, year = request.POST.get("enterprise", ""), request.POST.get("year", "")
    enterprise_pk, year_number = whole_number(pk), whole_number(year, digits=4)
    if enterprise_pk is None or year_number is None:
        messages.error(request, "参数无效：缺少企业或年度")
        return redirect(_back(request))
    enterprise = enterprise_get_for(request.user, enterprise_pk)
    rt = get_object_or_404(
        ReminderType,
        code=request.POST.get("type", ""),
        district_id=enterprise.area.district_id,
    )
    if request.POST.get("action") == "reopen":
        reminder_reopen(
            reminder_type=rt,
            enterprise=enterprise,
            year=year_number,
            actor=request.user,
        )
        messages.success(request, f"已撤销“{rt.name}”的完成标记：{enterprise.name}")
        return redirect(_back(request))
    try:
        done_on = parse_date(request.POST.get("done_on")) or timezone.localdate()
    except ValueError as exc:
        messages.error(request, f"完成日期：{exc}")
        return redirect(_back(request))
    reminder_complete(
        reminder_type=rt,
        enterprise=enterprise,
        year=year_number,
        done_on=done_on,
        note=request.POST.get("note", ""),
        actor=request.user,
    )
    messages.success(request, f"已标记完成：{enterprise.name} {year}年{rt.name}")
    return redirect(_back(request))


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """One district's reminder types and their per-year dates; its HQ adds a
    year's dates. The city picks the district to read (every district's when
    none is picked)."""
    errors: list[str] = []
    if request.method == "POST":
        if not settings_editable(request.user):
            raise PermissionDenied("只有本区指挥部管理员可以设置提醒日期")
        district = settings_district(request)
        errors = _set_date(request, district)
        if not errors:
            messages.success(request, f"{district.name}的年度提醒日期已保存")
            query = urlencode({"district": district.code})
            return redirect(f"{reverse('cultivation:reminder_settings')}?{query}")
    picker = district_choice(request)
    shown = picker["district"]
    types = ReminderType.objects.select_related("district").prefetch_related("dates")
    if shown is not None:
        types = types.filter(district=shown)
    else:
        types = types.filter(district__in=_districts(picker, request))
    context = {
        "types": types,
        "errors": errors,
        "may_edit": settings_editable(request.user)
        and (shown is not None or not picker["districts"]),
        **picker,
    }
    return render(request, "cultivation/reminder_settings.html", context)


def _districts(picker: dict[str, Any], request: HttpRequest) -> list[Any]:
    """The districts whose settings are read: the city's list, or the user's own."""
    if picker["districts"]:
        return list(picker["districts"])
    own = getattr(request.user, "district_id_in_scope", None)
    return [own] if own is not None else []


def _set_date(request: HttpRequest, district: District) -> list[str]:
    rt = get_object_or_404(
        ReminderType, code=request.POST.get("type", ""), district=district
    )
    year = request.POST.get("year", "").strip()
    year_number = whole_number(year, digits=4)
    if year_number is None or not 1990 <= year_number <= 2100:
        return [f"年度：“{year}”不是有效的年份"]
    try:
        opens_on = parse_date(request.POST.get("opens_on"))
        due_on = parse_date(request.POST.get("due_on"))
    except ValueError as exc:
        return [f"日期：{exc}"]
    if due_on is None:
        return ["截止日期：必填"]
    try:
        reminder_date_set(
            reminder_type=rt,
            year=year_number,
            opens_on=opens_on,
            due_on=due_on,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return list(exc.messages)
    return []

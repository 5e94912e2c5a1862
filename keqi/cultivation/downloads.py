"""The cultivation lists whose full download grows with the registry, declared
once for keqi.core.downloads: written at once when short, by the background
worker (with progress) when long. Each reads the page's filters as the page does;
the views pass the day or year they resolved, so the worker writes the same day's
list even after midnight.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.http import QueryDict

from keqi.core.downloads import Prepared, Tick, counted, downloadable, list_prepared
from keqi.cultivation.exports import (
    library_export,
    rd_rows_export,
    reminders_export,
    reserve_export,
    tiers_export,
)
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import area_check, library_get, library_members
from keqi.cultivation.rd import default_year, rd_enterprises, rd_report
from keqi.cultivation.rd_export import rd_workbook
from keqi.cultivation.reminders import reminder_calendar
from keqi.cultivation.reserve import reserve_list
from keqi.cultivation.selectors import tier_rows_for
from keqi.cultivation.views import area_picked, areas_for, district_picked_in
from keqi.registry.selectors import enterprise_get_for


def _filters(params: Mapping[str, str]) -> Filters:
    query = QueryDict(mutable=True)
    query.update(params)
    return Filters(query)


@downloadable("cultivation.reserve")
def reserve(user: Any, params: Mapping[str, str]) -> Prepared:
    """A programme's 免申即享 list and ranked reserve, every row explained."""
    f = _filters(params)
    day = f.day("on", "评价日期")
    area_id = f.pk("area")
    district = district_picked_in(user, params.get("district", ""))
    found = reserve_list(user, params.get("key", ""), day, area_id, district)
    export = reserve_export(found, area_picked(areas_for(user, district), area_id))
    return list_prepared(export, user, len(found.eligible) + len(found.reserve))


def rd_filters(user: Any, f: Filters) -> tuple[int, int | None, str]:
    """Year, area and 重点产业 of the R&D pages (404 for an area out of scope)."""
    from keqi.core.dates import business_today
    from keqi.cultivation.views_rd import industries_for

    year = f.year("year", "年度", default_year(business_today()))
    area_id = f.pk("area")
    area_check(user, area_id)
    return year, area_id, f.choice("industry", industries_for(user))


@downloadable("cultivation.rd_list")
def rd_list(user: Any, params: Mapping[str, str]) -> Prepared:
    """The enterprises behind one number of the R&D monitor."""
    from keqi.cultivation.views_rd import SHOWS

    f = _filters(params)
    year, area_id, industry = rd_filters(user, f)
    show = f.choice("show", list(SHOWS)) or "reporting"
    district = district_picked_in(user, params.get("district", ""))
    rows = rd_enterprises(user, year, area_id, industry, show, district)
    area = area_picked(areas_for(user, district), area_id)
    return list_prepared(rd_rows_export(SHOWS[show], year, rows, area, industry), user)


@downloadable("cultivation.rd_workbook")
def rd_book(user: Any, params: Mapping[str, str]) -> Prepared:
    """The R&D monitor as a workbook: totals, then every enterprise, the falls
    and the flags (the rows counted for progress)."""
    year, area_id, industry = rd_filters(user, _filters(params))
    district = district_picked_in(user, params.get("district", ""))
    report = rd_report(user, year, area_id, industry, district)
    lists = {
        show: rd_enterprises(user, year, area_id, industry, show, district)
        for show in ("all", "fell", "flagged")
    }

    def write(out: IO[bytes], tick: Tick) -> None:
        rows = {show: counted(found, tick) for show, found in lists.items()}
        rd_workbook(report, rows).save(out)

    return Prepared(
        f"研发投入监测_{year}.xlsx", sum(len(rows) for rows in lists.values()), write
    )


@downloadable("cultivation.reminders")
def reminders(user: Any, params: Mapping[str, str]) -> Prepared:
    """Every reminder of the calendar, grouped as the page groups them."""
    from keqi.cultivation.views_reminders import ahead_days

    f = _filters(params)
    today = f.day("on", "查看日期")
    ahead = ahead_days(f)
    area_id, enterprise_id = f.pk("area"), f.pk("enterprise")
    area_check(user, area_id)
    enterprise = enterprise_get_for(user, enterprise_id) if enterprise_id else None
    district = district_picked_in(user, params.get("district", ""))
    cal = reminder_calendar(
        user,
        today=today,
        ahead_days=ahead,
        area_id=area_id,
        enterprise_id=enterprise_id,
        district=district,
    )
    area = area_picked(areas_for(user, district), area_id)
    export = reminders_export(cal, area, enterprise)
    total = sum(
        len(getattr(cal, key)) for key in ("overdue", "upcoming", "open_now", "done")
    )
    return list_prepared(export, user, total)


@downloadable("cultivation.library")
def library(user: Any, params: Mapping[str, str]) -> Prepared:
    """The members of one library on a day (an area, a district's)."""
    found = library_get(params.get("key", ""))
    f = _filters(params)
    day = f.day("on", "统计日期")
    area_id = f.pk("area")
    district = district_picked_in(user, params.get("district", ""))
    rows = library_members(user, found, day, area_id, district)
    area = area_picked(areas_for(user, district), area_id)
    return list_prepared(library_export(found, day, rows, area), user)


@downloadable("cultivation.tiers")
def tiers(user: Any, params: Mapping[str, str]) -> Prepared:
    """Each enterprise's tier (and the national mark) on a day, as filtered."""
    f = _filters(params)
    day = f.day("on", "统计日期")
    area_id = f.pk("area")
    area_check(user, area_id)
    district = district_picked_in(user, params.get("district", ""))
    rows = tier_rows_for(user, day, area_id, district)
    ladder, mark = rows.ladder, rows.mark
    chosen = f.choice("tier", [*ladder, *([mark] if mark else [])])
    if chosen:
        rows = rows.only(chosen, mark)
    area = area_picked(areas_for(user, district), area_id)
    return list_prepared(tiers_export(day, rows, mark, chosen or "", area), user)

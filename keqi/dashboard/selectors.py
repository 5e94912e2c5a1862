"""The leader dashboard (驾驶舱) as plain data: each figure with the list behind it.

Scoped to the user asking: HQ, leaders, auditors and member units see the whole
district; an area's staff see their own area (registry figures), while the
campaign's targets and units are the district's, as on the command board.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from django.urls import reverse
from django.utils.http import urlencode

from keqi.accounts.models import Area, District, Unit
from keqi.accounts.scopes import area_ids_in_scope
from keqi.campaign.board import TargetStatus
from keqi.campaign.models import Plan
from keqi.cultivation.libraries import LIBRARIES, CountTable
from keqi.cultivation.selectors import (
    districts_in_view,
    ladders_by_district,
    union_ladder,
)
from keqi.dashboard.counts import (
    RdArea,
    TierCounts,
    library_area_counts,
    rd_by_area,
    tier_counts,
)
from keqi.dashboard.plan_panels import (
    Timeliness,
    targets_on,
    unit_timeliness,
)

SHORT_NAMES = {
    "tech_sme": "科小",
    "chuying": "雏鹰",
    "dengling": "瞪羚",
    "lingjun": "领军",
    "high_tech": "高企",
    "tech_leading": "技术领先",
    "zjtx": "专精特新",
    "innovative_sme": "创新型中小",
}
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Figure:
    """A number on the dashboard and the address of the records behind it."""

    label: str
    value: int | Decimal | None
    url: str
    kind: str = "count"  # "count", "percent" (Decimal %) or "money" (Decimal 元)

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == "money":
            return f"{self.value:,.2f}"
        return f"{self.value}%" if self.kind == "percent" else str(self.value)


@lru_cache(maxsize=256)
def _path(name: str, *args: object) -> str:
    """reverse() once per name and arguments (URLs are fixed while the server runs):
    a page links to hundreds of lists."""
    return reverse(name, args=args)


def _url(name: str, query: Mapping[str, object], *args: object) -> str:
    clean = {k: str(v) for k, v in query.items() if v not in (None, "")}
    return f"{_path(name, *args)}?{urlencode(clean)}"


@dataclass(frozen=True)
class TargetGauge:
    """A target on its gauge: done and 序时进度 as shares of the full target."""

    status: TargetStatus
    url: str

    @property
    def done_pct(self) -> Decimal | None:
        if self.status.actual is None:
            return None
        return (self.status.actual * 100 / self.status.target.value).quantize(TENTH)

    @property
    def expected_pct(self) -> Decimal:
        share = (
            self.status.judgement.expected * 100 / Fraction(self.status.target.value)
        )
        return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(TENTH)


def _code(district: District | None) -> str | None:
    """`?district=` of the links when the city has narrowed the page to a district."""
    return district.code if district is not None else None


def target_gauges(
    plan: Plan, as_of: dt.date, district: District | None = None
) -> list[TargetGauge]:
    """Every target of the plan; an auto figure links to its records, a reported
    one to the monthly reports."""
    gauges = []
    for status in targets_on(plan, as_of):
        if status.metric is not None:
            query = {
                "plan": plan.name,
                "as_of": as_of.isoformat(),
                "district": _code(district),
            }
            url = _url("campaign:target_records", query, status.target.key)
        else:
            query = {"plan": plan.name, "district": _code(district)}
            url = _url("campaign:report_list", query)
        gauges.append(TargetGauge(status, url))
    return gauges


@dataclass(frozen=True)
class UnitRow:
    """A unit's due monthly reports by status, each count linked to its reports."""

    unit: Unit
    figures: list[Figure]
    due: int


def timeliness_rows(
    plan: Plan, as_of: dt.date, district: District | None = None
) -> list[UnitRow]:
    """Each unit of the plan: reports on time, late and missing by `as_of`."""
    rows = []
    for entry in unit_timeliness(plan, as_of):
        figures = [
            Figure(
                status.label,
                entry.counts.get(status, 0),
                _url(
                    "dashboard:reports",
                    {
                        "unit": entry.unit.code,
                        "status": status.value,
                        "as_of": as_of.isoformat(),
                        "district": _code(district),
                    },
                ),
            )
            for status in Timeliness
        ]
        rows.append(UnitRow(entry.unit, figures, entry.due))
    return rows


@dataclass(frozen=True)
class LibraryGroup:
    """One district's areas and its subtotal (the city's view of every district)."""

    district: District
    rows: list[tuple[Area, list[Figure]]]
    subtotal: list[Figure]


@dataclass(frozen=True)
class LibraryPanel:
    """Library × area counts on a day, each linked to its member list; for the
    city without a district, `groups` holds the same rows by district."""

    day: dt.date
    rows: list[tuple[Area, list[Figure]]]
    totals: list[Figure]
    groups: list[LibraryGroup] = field(default_factory=list)


def _library_url(
    key: str, day: dt.date, area_id: int | None, district: District | None
) -> str:
    query = {"on": day, "area": area_id, "district": _code(district)}
    return _url("cultivation:library_list", query, key)


def _districts_of(areas: list[Area]) -> list[District]:
    """The districts of the areas listed, in the districts' order."""
    ids = {a.district_id for a in areas}
    return [d for d in District.objects.all() if d.pk in ids]


def library_panel(
    user: object,
    day: dt.date,
    district: District | None = None,
    by_district: bool = False,
) -> tuple[LibraryPanel, CountTable]:
    """Counts of every library by area in the user's scope (or one district of it);
    `by_district` also groups the rows by district with a subtotal each."""
    table = library_area_counts(user, day, district)
    rows = [
        (
            area,
            [
                Figure(
                    SHORT_NAMES[lib.key],
                    table.counts.get((lib.key, area.pk), 0),
                    _library_url(lib.key, day, area.pk, district),
                )
                for lib in LIBRARIES
            ],
        )
        for area in table.areas
    ]
    totals = [
        Figure(
            lib.name, table.totals[lib.key], _library_url(lib.key, day, None, district)
        )
        for lib in LIBRARIES
    ]
    groups = []
    for owner in _districts_of(table.areas) if by_district else []:
        mine = [(a, figures) for a, figures in rows if a.district_id == owner.pk]
        subtotal = [
            Figure(
                lib.name,
                sum(figures[i].value or 0 for _, figures in mine),
                _library_url(lib.key, day, None, owner),
            )
            for i, lib in enumerate(LIBRARIES)
        ]
        groups.append(LibraryGroup(owner, mine, subtotal))
    return LibraryPanel(day, rows, totals, groups), table


def tier_figures(
    user: object, day: dt.date, district: District | None = None
) -> tuple[list[Figure], Figure | None]:
    """The ladder, lowest rung first, and the national mark (高企) beside it:
    each district's enterprises counted by its own ladder (one district's when
    given; a district user's dashboard shows their district's)."""
    shown = districts_in_view(user, district)
    ladders = ladders_by_district(shown)
    ladder, mark = union_ladder([ladders[d.pk] for d in shown])
    by_tier = dict.fromkeys(ladder, 0)
    marked_count = 0
    for one in shown:
        own, own_mark = ladders[one.pk]
        counts: TierCounts = tier_counts(user, day, own, own_mark, one)
        for kind, n in counts.by_tier.items():
            by_tier[kind] = by_tier.get(kind, 0) + n
        marked_count += counts.marked

    def link(kind: str) -> str:
        query = {"on": day, "tier": kind, "district": _code(district)}
        return _url("cultivation:tiers", query)

    tiers = [Figure(kind, by_tier[kind], link(kind)) for kind in ladder]
    marked = Figure(mark, marked_count, link(mark)) if mark else None
    return tiers, marked


@dataclass(frozen=True)
class RdRow:
    """One area's R&D intensity and the enterprises it is computed over."""

    label: str
    rd: RdArea
    intensity: Figure
    count: Figure


@dataclass(frozen=True)
class RdGroup:
    """One district's areas and its R&D intensity over all of them."""

    district: District
    rows: list[RdRow]
    subtotal: RdRow


def rd_rows(
    user: object, year: int, district: District | None = None, whole: str = ""
) -> tuple[list[RdRow], RdRow]:
    """R&D intensity by area for `year` (in one district when given), and over the
    user's whole scope, labelled `whole` (全区 or 合计 when blank)."""
    areas, total = rd_by_area(user, year, district)
    rows = [
        _rd_row(r.area.name, r, year, r.area.pk, district)
        for r in areas
        if r.area is not None
    ]
    whole = whole or ("全区" if area_ids_in_scope(user) is None else "合计")
    return rows, _rd_row(whole, total, year, None, district)


def _rd_row(
    label: str, rd: RdArea, year: int, area_id: int | None, district: District | None
) -> RdRow:
    query = {
        "year": year,
        "area": area_id,
        "show": "intensity",
        "district": _code(district),
    }
    url = _url("cultivation:rd_list", query)
    return RdRow(
        label,
        rd,
        Figure("研发投入强度", rd.intensity_pct, url, "percent"),
        Figure("计入企业数", rd.count, url),
    )


def rd_groups(rows: list[RdRow], year: int) -> list[RdGroup]:
    """The rows by district, each with the district's intensity over its areas
    (Σ R&D ÷ Σ sales, as the district's own dashboard computes it)."""
    groups = []
    for owner in _districts_of([r.rd.area for r in rows if r.rd.area is not None]):
        mine = [r for r in rows if r.rd.area and r.rd.area.district_id == owner.pk]
        summed = RdArea(
            None,
            sum(r.rd.count for r in mine),
            sum((r.rd.rd for r in mine), Decimal(0)),
            sum((r.rd.sales for r in mine), Decimal(0)),
        )
        groups.append(
            RdGroup(
                owner, mine, _rd_row(f"{owner.name}合计", summed, year, None, owner)
            )
        )
    return groups

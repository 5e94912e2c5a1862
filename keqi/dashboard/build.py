"""Putting the dashboard together: every panel for one user on one day, and the
JSON each chart is drawn from (the same numbers as the tables under the charts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import area_ids_in_scope, sees_every_district
from keqi.campaign.models import Plan
from keqi.campaign.selectors import plan_list_for
from keqi.dashboard.money import FundRow, fund_rows
from keqi.dashboard.plan_panels import Timeliness, plan_or_none
from keqi.dashboard.selectors import (
    Figure,
    LibraryPanel,
    RdGroup,
    RdRow,
    TargetGauge,
    UnitRow,
    library_panel,
    rd_groups,
    rd_rows,
    target_gauges,
    tier_figures,
    timeliness_rows,
)
from keqi.dashboard.tiles import Tile, TileMap, tile_map


@dataclass(frozen=True)
class Dashboard:
    """Everything the page shows; `area` is set for an area's staff, `district`
    when the city has narrowed the page to one district, `city_wide` when the
    city sees every district at once (no plan: a district's targets are not the
    city's; rows grouped by district). R&D figures are for `year` (the last full
    year by default), money for as_of's year."""

    as_of: dt.date
    year: int
    area: Area | None
    district: District | None
    city_wide: bool
    plan: Plan | None
    gauges: list[TargetGauge]
    units: list[UnitRow]
    libraries: LibraryPanel
    tiers: list[Figure]
    mark: Figure | None
    rd: list[RdRow]
    rd_total: RdRow
    rd_groups: list[RdGroup]
    funds: list[FundRow]
    tiles: TileMap
    districts: list[District]

    @property
    def tile_groups(self) -> list[tuple[District, list[Tile]]]:
        """The city's tiles by district, in the districts' order."""
        return [
            (d, [t for t in self.tiles.tiles if t.area.district_id == d.pk])
            for d in self.districts
        ]

    @property
    def scope_name(self) -> str:
        """What the page's figures cover, as its title names it."""
        if self.area is not None:
            return self.area.name
        if self.district is not None:
            return self.district.name
        return "全市" if self.city_wide else "全区"

    @property
    def total_label(self) -> str:
        """The label of a table's total row."""
        if self.area is not None:
            return "合计"
        return f"{self.scope_name}合计"


def district_plan(user: object, district: District | None) -> Plan | None:
    """The plan whose targets the page measures against: the latest of the picked
    district for the city, the user's district's latest for a district user, and
    none for the city over every district."""
    if district is not None:
        return plan_list_for(user).filter(office_unit__district=district).first()
    if sees_every_district(user):
        return None
    return plan_or_none(user)


def dashboard_build(
    user: object,
    as_of: dt.date,
    year: int,
    map_key: str,
    district: District | None = None,
) -> Dashboard:
    """The dashboard for `user` as of a day; R&D intensity for `year`. `district`
    narrows the city's page to one district (ignored for district users, whose
    page is their own district's)."""
    city_wide = sees_every_district(user)
    if not city_wide:
        district = None
    elif district is not None:
        city_wide = False
    allowed = area_ids_in_scope(user)
    area = Area.objects.filter(pk__in=allowed).first() if allowed else None
    plan = district_plan(user, district)
    libraries, _ = library_panel(user, as_of, district, by_district=city_wide)
    tiers, mark = tier_figures(user, as_of, district)
    whole = "全市合计" if city_wide else (f"{district.name}合计" if district else "")
    rd, rd_total = rd_rows(user, year, district, whole)
    return Dashboard(
        as_of=as_of,
        year=year,
        area=area,
        district=district,
        city_wide=city_wide,
        plan=plan,
        gauges=target_gauges(plan, as_of, district) if plan else [],
        units=timeliness_rows(plan, as_of, district) if plan else [],
        libraries=libraries,
        tiers=tiers,
        mark=mark,
        rd=rd,
        rd_total=rd_total,
        rd_groups=rd_groups(rd, year) if city_wide else [],
        funds=fund_rows(user, as_of.year, district),
        tiles=tile_map(map_key, libraries, rd),
        districts=list(District.objects.all()) if city_wide else [],
    )


def _num(value: object) -> int | str | None:
    """A number for JSON: integers as they are, exact decimals as text."""
    if value is None or isinstance(value, int):
        return value
    return str(value)


def _series(name: str, figures: list[Figure]) -> dict[str, Any]:
    return {
        "name": name,
        "data": [_num(f.value) for f in figures],
        "urls": [f.url for f in figures],
    }


def chart_data(d: Dashboard) -> dict[str, Any]:
    """The JSON embedded in the page for dashboard.js, one entry per chart."""
    lib_names = [f.label for f in d.libraries.rows[0][1]] if d.libraries.rows else []
    return {
        "gauges": [
            {
                "name": g.status.target.name,
                "done": _num(g.done_pct),
                "expected": _num(g.expected_pct),
                "light": g.status.light.value,
                "url": g.url,
            }
            for g in d.gauges
        ],
        "funnel": {
            "tiers": _series("梯度层级", d.tiers)
            | {"names": [f.label for f in d.tiers]},
            "mark": _series(d.mark.label, [d.mark]) if d.mark else None,
        },
        "libraries": {
            "areas": [area.name for area, _ in d.libraries.rows],
            "series": [
                _series(name, [figures[i] for _, figures in d.libraries.rows])
                for i, name in enumerate(lib_names)
            ],
        },
        "rd": {
            "areas": [r.label for r in d.rd],
            "series": [_series("研发投入强度（%）", [r.intensity for r in d.rd])],
        },
        "timeliness": {
            "units": [str(u.unit) for u in d.units],
            "series": [
                _series(status.label, [u.figures[i] for u in d.units])
                for i, status in enumerate(Timeliness)
            ],
        },
        "funds": {
            "funds": [r.name for r in d.funds],
            "series": [
                _series(label, [r.figures[i] for r in d.funds])
                for i, label in enumerate(("预算（元）", "已拨付（元）"))
            ],
        },
    }

"""Putting the dashboard together: every panel for one user on one day, and the
JSON each chart is drawn from (the same numbers as the tables under the charts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from keqi.accounts.models import Area
from keqi.accounts.scopes import area_ids_in_scope
from keqi.campaign.models import Plan
from keqi.dashboard.money import FundRow, fund_rows
from keqi.dashboard.plan_panels import Timeliness, plan_or_none
from keqi.dashboard.selectors import (
    Figure,
    LibraryPanel,
    RdRow,
    TargetGauge,
    UnitRow,
    library_panel,
    rd_rows,
    target_gauges,
    tier_figures,
    timeliness_rows,
)
from keqi.dashboard.tiles import TileMap, tile_map


@dataclass(frozen=True)
class Dashboard:
    """Everything the page shows; `area` is set for an area's staff. R&D figures
    are for `year` (the last full year by default), money for as_of's year."""

    as_of: dt.date
    year: int
    area: Area | None
    plan: Plan | None
    gauges: list[TargetGauge]
    units: list[UnitRow]
    libraries: LibraryPanel
    tiers: list[Figure]
    mark: Figure | None
    rd: list[RdRow]
    rd_total: RdRow
    funds: list[FundRow]
    tiles: TileMap


def dashboard_build(user: object, as_of: dt.date, year: int, map_key: str) -> Dashboard:
    """The dashboard for `user` as of a day; R&D intensity for `year`."""
    allowed = area_ids_in_scope(user)
    area = Area.objects.filter(pk__in=allowed).first() if allowed else None
    plan = plan_or_none(user)
    libraries, _ = library_panel(user, as_of)
    tiers, mark = tier_figures(user, as_of)
    rd, rd_total = rd_rows(user, year)
    return Dashboard(
        as_of=as_of,
        year=year,
        area=area,
        plan=plan,
        gauges=target_gauges(plan, as_of) if plan else [],
        units=timeliness_rows(plan, as_of) if plan else [],
        libraries=libraries,
        tiers=tiers,
        mark=mark,
        rd=rd,
        rd_total=rd_total,
        funds=fund_rows(user, as_of.year),
        tiles=tile_map(map_key, libraries, rd),
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

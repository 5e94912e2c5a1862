"""The city's comparison of its districts (区际比较): one row per district.

Per district: its enterprises, each library's members on a day, its latest plan's
targets by light, and 研发投入强度 for a year. Every figure is counted by the same
functions the district pages use (library counts, R&D by area, the board's target
statuses), grouped by the district of each area, so a district's figure here equals
the one its own users see. Only users who see every district get rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import sees_every_district
from keqi.campaign.board import target_statuses
from keqi.campaign.models import Plan
from keqi.campaign.progress import Light
from keqi.cultivation.libraries import LIBRARIES, library_counts
from keqi.cultivation.rd import percent
from keqi.dashboard.counts import rd_by_area
from keqi.registry.models import Enterprise


@dataclass
class DistrictRow:
    """One district's figures on the comparison page."""

    district: District
    enterprises: int = 0
    libraries: dict[str, int] = field(default_factory=dict)
    plan: Plan | None = None
    lights: Counter[str] = field(default_factory=Counter)
    rd_count: int = 0
    rd: Decimal = Decimal(0)
    sales: Decimal = Decimal(0)

    @property
    def targets(self) -> int:
        return sum(self.lights.values())

    @property
    def intensity_pct(self) -> Decimal | None:
        """Σ R&D ÷ Σ sales of the enterprises that filed both, in per cent."""
        return percent(self.rd, self.sales) if self.rd_count else None

    def library_cells(self) -> list[tuple[str, int]]:
        return [(lib.key, self.libraries.get(lib.key, 0)) for lib in LIBRARIES]

    def light_cells(self) -> list[tuple[Light, int]]:
        return [(light, self.lights[light.value]) for light in Light]


def district_comparison(user: object, day: dt.date, year: int) -> list[DistrictRow]:
    """Every district's figures on `day` (R&D for `year`); empty unless the user
    sees every district (the city)."""
    if not sees_every_district(user):
        return []
    rows = {d.pk: DistrictRow(d) for d in District.objects.order_by("sort", "code")}
    district_of = dict(Area.objects.values_list("pk", "district_id"))
    for district_id, n in (
        Enterprise.objects.values_list("area__district_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if district_id in rows:
            rows[district_id].enterprises = n
    table = library_counts(user, day)
    for (key, area_id), n in table.counts.items():
        owner = district_of.get(area_id) if area_id is not None else None
        row = rows.get(owner) if owner is not None else None
        if row is not None:
            row.libraries[key] = row.libraries.get(key, 0) + n
    areas, _ = rd_by_area(user, year)
    for rd_area in areas:
        found = rd_area.area.district_id if rd_area.area else None
        row = rows.get(found) if found is not None else None
        if row is not None:
            row.rd_count += rd_area.count
            row.rd += rd_area.rd
            row.sales += rd_area.sales
    for row in rows.values():
        row.plan = Plan.objects.filter(office_unit__district=row.district).first()
        if row.plan is not None:
            row.lights = Counter(s.light.value for s in target_statuses(row.plan, day))
    return list(rows.values())

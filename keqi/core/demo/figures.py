"""Three accounting years of figures for one demo enterprise, in exact integers.

Amounts are worked in "units" — 0.01 万元 (100 元) for enterprises that report in
万元 with two places, 0.0001 万元 (1 元) for those that report in 元 — and only
become `Decimal` at the end, so there is no float anywhere. The last year is built
to the profile exactly (its ratios fall inside the asked bands, which is what
makes a near-miss a near-miss); earlier years are derived from it by growth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

BP = 10_000  # basis points in a whole
PM = 1_000  # per mille in a whole

Band = tuple[int, int]  # [low, high) in basis points


@dataclass(frozen=True)
class Profile:
    """What one enterprise's figures look like in its last accounting year."""

    staff: int  # 职工总数
    tech_band: Band  # 科技人员数 ÷ 职工总数
    sales_wan: int  # 销售收入, whole 万元 (the exact value gets cents added)
    rd_band: Band  # 研发费用 ÷ 销售收入
    growth_pm: tuple[int, int]  # sales growth into the 2nd and 3rd year, per mille
    cost_pm: int = 900  # 成本费用支出总额 ÷ 销售收入
    high_tech_pm: int | None = None  # 高新技术产品收入 ÷ 总收入; None = blank
    domestic_pm: int = 1000  # 境内研发费用 ÷ 研发费用
    places: int = 2  # decimal places the enterprise reports with (2 or 4)
    rd_jump: bool = False  # last year's R&D several times the year before (flag)
    blank_percent: int = 0  # chance that an optional field is left blank
    keep_tech_staff: bool = True  # False: last year's 科技人员数 unknown


def count_in_band(rng: random.Random, total: int, band: Band) -> tuple[int, int]:
    """A (part, total) pair with band[0] ≤ part/total < band[1], exactly.

    Raises the total by one until the band holds a whole number of people.
    """
    low, high = band
    while True:
        first = -(-total * low // BP)  # ceil(total·low/BP)
        last = -(-total * high // BP) - 1  # largest part with part/total < high
        if first <= last and first <= total:
            return rng.randint(first, min(last, total)), total
        total += 1


def amount_in_band(rng: random.Random, base: int, band: Band) -> int:
    """An amount `a` (in units) with band[0] ≤ a/base < band[1], exactly."""
    low, high = band
    first = -(-base * low // BP)
    last = -(-base * high // BP) - 1
    return rng.randint(first, max(first, last))


def part(rng: random.Random, whole: int, low_pm: int, high_pm: int) -> int:
    """A share of `whole` between low_pm and high_pm per mille (never above whole)."""
    return min(whole, whole * rng.randint(low_pm, high_pm) // PM)


def to_decimal(units: int, places: int) -> Decimal:
    """Units of 10**-places 万元 as an exact Decimal in 万元."""
    return Decimal(units).scaleb(-places)


def _blank(rng: random.Random, profile: Profile) -> bool:
    return rng.randrange(100) < profile.blank_percent


def year_figures(
    rng: random.Random, profile: Profile, staff: int, sales: int, rd: int
) -> dict[str, Any]:
    """One year's values from head count, sales and R&D (units), all consistent."""
    tech, staff = count_in_band(rng, staff, profile.tech_band)
    cost = sales * profile.cost_pm // PM
    total_revenue = sales + part(rng, sales, 0, 40)
    assets = sales * rng.randint(600, 1500) // PM + 1  # may exceed sales
    values: dict[str, Any] = {
        "staff_total": staff,
        "tech_staff": tech,
        "rd_staff": part(rng, tech, 400, 900),
        "sales_revenue": sales,
        "operating_revenue": sales,
        "main_revenue": part(rng, sales, 900, 1000),
        "total_revenue": total_revenue,
        "high_tech_revenue": None,
        "rd_expense": rd,
        "rd_domestic": rd * profile.domestic_pm // PM,
        "total_cost": cost,
        "total_assets": assets,
        "net_assets": part(rng, assets, 300, 700),
        "profit_total": total_revenue - cost,
        "tax_total": part(rng, sales, 15, 60),
        "conversions": rng.randint(0, 6) if profile.high_tech_pm else rng.randint(0, 2),
        "equity_financing": 0 if rng.randrange(100) >= 4 else part(rng, sales, 50, 300),
    }
    if profile.high_tech_pm is not None:
        values["high_tech_revenue"] = total_revenue * profile.high_tech_pm // PM
    return values


OPTIONAL = (
    "rd_staff",
    "main_revenue",
    "net_assets",
    "tax_total",
    "conversions",
    "equity_financing",
)
MONEY = (
    "sales_revenue",
    "operating_revenue",
    "main_revenue",
    "total_revenue",
    "high_tech_revenue",
    "rd_expense",
    "rd_domestic",
    "total_cost",
    "total_assets",
    "net_assets",
    "profit_total",
    "tax_total",
    "equity_financing",
)


def _finish(
    rng: random.Random, profile: Profile, values: dict[str, Any]
) -> dict[str, Any]:
    """Blank some optional fields and turn unit counts into Decimals."""
    for name in OPTIONAL:
        if _blank(rng, profile):
            values[name] = None
    for name in MONEY:
        if values[name] is not None:
            values[name] = to_decimal(values[name], profile.places)
    return values


def figures_for(
    rng: random.Random, profile: Profile, years: tuple[int, ...], first_year: int
) -> dict[int, dict[str, Any]]:
    """Figures for each of `years` from `first_year` (the founding year) on."""
    unit = 10**profile.places
    sales = profile.sales_wan * unit + rng.randrange(unit)
    staff = profile.staff
    rd = amount_in_band(rng, sales, profile.rd_band)
    out: dict[int, dict[str, Any]] = {}
    growth = list(profile.growth_pm)
    for index, year in enumerate(sorted(years, reverse=True)):
        if year < first_year:
            break
        out[year] = _finish(rng, profile, year_figures(rng, profile, staff, sales, rd))
        if index == 0 and not profile.keep_tech_staff:
            out[year]["tech_staff"] = None
        intensity = max(0, rd * BP // sales + rng.randint(-40, 40))
        if index == 0 and profile.rd_jump:
            intensity //= rng.randint(5, 8)
        g = growth.pop() if growth else 0
        sales = max(unit, sales * PM // (PM + g))
        staff = max(3, staff * PM // (PM + g // 3))
        rd = min(sales, sales * intensity // BP)
    return dict(sorted(out.items()))
